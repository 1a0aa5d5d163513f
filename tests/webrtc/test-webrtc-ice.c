/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GstIceWebRTCICE through the GstWebRTCICE API alone, with a plain UDP
 * socket as the "peer" that never answers: our checks reach it marked
 * with the TOS given to set_tos (before and after gathering), from a
 * port in min-rtp-port..max-rtp-port; the candidate queries of get-stats;
 * what webrtcbin or a peer could give it wrongly is refused quietly
 * (G_DEBUG=fatal-warnings makes any g_warning fail the test).
 */
#include "webrtc-peer.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEADLINE_S 20
#define PORT_SPAN 200

static int
open_peer_socket (guint16 *port)
{
  struct sockaddr_in sin = { 0 };
  socklen_t len = sizeof (sin);
  int fd = socket (AF_INET, SOCK_DGRAM, 0), on = 1;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (setsockopt (fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof (on)),
                   ==, 0);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *)&sin, sizeof (sin)), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *)&sin, &len), ==, 0);
  *port = ntohs (sin.sin_port);
  return fd;
}

/* Reads datagrams until one carries @tos; FALSE at the deadline. Checks
 * are retransmitted (RFC 8445 §14.3) while nobody answers. */
static gboolean
wait_for_tos (int fd, guint tos, guint16 *from_port)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;

  while (g_get_monotonic_time () < deadline) {
    guint8 buf[1500], control[64];
    struct sockaddr_in from;
    struct iovec iov = { buf, sizeof (buf) };
    struct msghdr msg
        = { &from, sizeof (from), &iov, 1, control, sizeof (control), 0 };
    struct pollfd pfd = { fd, POLLIN, 0 };
    struct cmsghdr *c;

    if (poll (&pfd, 1, 200) <= 0 || recvmsg (fd, &msg, 0) < 0)
      continue;
    for (c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS
          && *(guint8 *)CMSG_DATA (c) == tos) {
        *from_port = ntohs (from.sin_port);
        return TRUE;
      }
    }
  }
  return FALSE;
}

static gboolean
has_candidate (GstWebRTCICECandidateStats **list, const gchar *type,
               guint port_min, guint port_max)
{
  guint i;

  for (i = 0; list[i] != NULL; i++) {
    if (g_strcmp0 (list[i]->ipaddr, "127.0.0.1") == 0
        && g_strcmp0 (list[i]->type, type) == 0 && list[i]->port >= port_min
        && list[i]->port <= port_max && g_strcmp0 (list[i]->proto, "udp") == 0)
      return TRUE;
  }
  return FALSE;
}

static void
free_list (GstWebRTCICECandidateStats **list)
{
  guint i;

  for (i = 0; list[i] != NULL; i++)
    gst_webrtc_ice_candidate_stats_free (list[i]);
  g_free (list);
}

static void
test_tos_and_candidates (void)
{
  GstWebRTCICE *ice = gst_object_ref_sink (webrtc_new_gstice ());
  guint min = g_random_int_range (20000, 60000), max = min + PORT_SPAN;
  GstWebRTCICECandidateStats **list, *l = NULL, *r = NULL;
  GstWebRTCICEStream *stream;
  guint16 peer_port, from_port = 0;
  gchar *line;
  gboolean ok = FALSE;
  int fd = open_peer_socket (&peer_port);

  g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &ok);
  g_assert_true (ok);
  g_object_set (ice, "min-rtp-port", min, "max-rtp-port", max, NULL);
  stream = gst_webrtc_ice_add_stream (ice, 0);
  g_assert_nonnull (stream);
  gst_webrtc_ice_set_is_controller (ice, TRUE);
  gst_webrtc_ice_set_tos (ice, stream, 0xb8); /* EF, before any socket */
  g_assert_true (gst_webrtc_ice_set_local_credentials (
      ice, stream, "localUfrag", "localPassword0123456789"));
  g_assert_true (gst_webrtc_ice_set_remote_credentials (
      ice, stream, "peerUfrag", "peerPassword0123456789"));
  line = g_strdup_printf ("a=candidate:1 1 UDP 2130706431 127.0.0.1 %u "
                          "typ host",
                          peer_port);
  gst_webrtc_ice_add_candidate (ice, stream, line);
  g_free (line);
  g_assert_true (gst_webrtc_ice_gather_candidates (ice, stream));
  g_assert_true (wait_for_tos (fd, 0xb8, &from_port));
  g_assert_cmpuint (from_port, >=, min);
  g_assert_cmpuint (from_port, <=, max);
  gst_webrtc_ice_set_tos (ice, stream, 0x28); /* AF11, on the open socket */
  g_assert_true (wait_for_tos (fd, 0x28, &from_port));

  list = gst_webrtc_ice_get_local_candidates (ice, stream);
  g_assert_true (has_candidate (list, "host", min, max));
  free_list (list);
  list = gst_webrtc_ice_get_remote_candidates (ice, stream);
  g_assert_true (has_candidate (list, "host", peer_port, peer_port));
  free_list (list);
  /* nobody answered: no pair */
  g_assert_false (gst_webrtc_ice_get_selected_pair (ice, stream, &l, &r));
  g_assert_null (l);

  /* the peer's mistakes: logged and counted, never a warning */
  gst_webrtc_ice_add_candidate (ice, stream, "a=candidate:bogus");
  gst_webrtc_ice_add_candidate (ice, stream, NULL); /* end of candidates */
  g_assert_false (
      gst_webrtc_ice_set_remote_credentials (ice, stream, "u", "short"));
  close (fd);
  gst_object_unref (ice);
}

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean done;
} Gathered;

static void
on_gathering_state (GstWebRTCICETransport *t, GParamSpec *p, Gathered *g)
{
  GstWebRTCICEGatheringState state;

  g_object_get (t, "gathering-state", &state, NULL);
  g_mutex_lock (&g->lock);
  g->done |= state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}

/* On every interface (IPv6 link-local ones have a zone, "fe80::1%2"):
 * webrtcbin puts the address in a GstStructure name, where '%' is a
 * g_critical, so the candidate stats carry it without the zone. */
static void
test_stats_addresses (void)
{
  GstWebRTCICE *ice = gst_object_ref_sink (webrtc_new_gstice ());
  GstWebRTCICEStream *stream = gst_webrtc_ice_add_stream (ice, 0);
  GstWebRTCICETransport *transport;
  GstWebRTCICECandidateStats **list;
  Gathered g = { 0 };
  gint64 deadline;
  guint i;

  g_mutex_init (&g.lock);
  g_cond_init (&g.cond);
  transport = gst_webrtc_ice_find_transport (ice, stream,
                                             GST_WEBRTC_ICE_COMPONENT_RTP);
  g_signal_connect (transport, "notify::gathering-state",
                    G_CALLBACK (on_gathering_state), &g);
  if (!gst_webrtc_ice_gather_candidates (ice, stream)) {
    g_test_skip ("no interface but loopback to gather on");
    goto done;
  }
  deadline = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;
  g_mutex_lock (&g.lock);
  while (!g.done && g_cond_wait_until (&g.cond, &g.lock, deadline))
    ;
  g_assert_true (g.done);
  g_mutex_unlock (&g.lock);
  list = gst_webrtc_ice_get_local_candidates (ice, stream);
  for (i = 0; list[i] != NULL; i++) {
    g_test_message ("local candidate %s %u", list[i]->ipaddr, list[i]->port);
    g_assert_null (strchr (list[i]->ipaddr, '%'));
  }
  free_list (list);
done:
  g_signal_handlers_disconnect_by_data (transport, &g);
  gst_object_unref (transport);
  gst_object_unref (ice);
  g_mutex_clear (&g.lock);
  g_cond_clear (&g.cond);
}

static void
test_servers (void)
{
  GstWebRTCICE *ice = gst_object_ref_sink (webrtc_new_gstice ());
  gchar *uri;

  gst_webrtc_ice_set_stun_server (ice, "not a stun uri");
  g_assert_null (gst_webrtc_ice_get_stun_server (ice));
  gst_webrtc_ice_set_stun_server (ice, "stun://127.0.0.1:3478");
  uri = gst_webrtc_ice_get_stun_server (ice);
  g_assert_cmpstr (uri, ==, "stun://127.0.0.1:3478");
  g_free (uri);
  /* no credentials: refused */
  g_assert_false (gst_webrtc_ice_add_turn_server (ice, "turn://127.0.0.1"));
  g_assert_true (
      gst_webrtc_ice_add_turn_server (ice, "turn://u:p@127.0.0.1:3478"));
  gst_webrtc_ice_set_force_relay (ice, TRUE);
  g_assert_nonnull (gst_webrtc_ice_add_stream (ice, 0));
  /* a second stream for the same session is refused */
  g_assert_null (gst_webrtc_ice_add_stream (ice, 0));
  gst_object_unref (ice);
}

int
main (int argc, char **argv)
{
  int ret;

  if (!webrtc_test_init (&argc, &argv, &ret))
    return ret;
  g_test_add_func ("/webrtc/ice/tos-ports-candidates", test_tos_and_candidates);
  g_test_add_func ("/webrtc/ice/stats-addresses", test_stats_addresses);
  g_test_add_func ("/webrtc/ice/servers", test_servers);
  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
