/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An IceAgent with the "relay" transport policy against libnice (which
 * gathers host and, through nice_agent_set_relay_info(), relayed
 * candidates) on one coturn, with both clients talking to the server over
 * UDP, then both over TCP: 1000 datagrams each way, none lost, in order,
 * and our side of the selected pair is our relayed candidate. Both agents
 * run on one GMainContext that this thread iterates.
 *
 * Over TCP, libnice 0.1.21 allocates with NICE_RELAY_TYPE_TURN_TCP against
 * coturn on loopback without trouble (its relayed candidate's raddr is its
 * TCP-active base, port 9). Which transport each client really used is
 * checked in /proc/net/tcp: this process's established connections to
 * coturn, ours found by its local port, libnice's being the others.
 */
#include <stdio.h>
#include <string.h>

#include "io-coturn.h"
#include "io-test-util.h"

#ifdef HAVE_LIBNICE
#include <nice/agent.h>

#define N_DATAGRAMS 1000
#define DATAGRAM_SIZE 172
/* In flight at once each way */
#define WINDOW 64
#define DEADLINE_US (10 * G_USEC_PER_SEC)

static IoCoturn coturn;

/* How each agent reaches the TURN server */
typedef struct {
  const gchar *ice_transport; /* "?transport=" of our turn:// URI */
  NiceRelayType nice_relay_type;
} Variant;

static const Variant over_udp = { "udp", NICE_RELAY_TYPE_TURN_UDP };
static const Variant over_tcp = { "tcp", NICE_RELAY_TYPE_TURN_TCP };

typedef struct {
  GMainContext *ctx;
  NiceAgent *nice;
  guint nice_stream;
  IceAgent *ice;
  guint ice_stream;
  gboolean nice_usable;
  gboolean nice_gathered;
  guint nice_relayed;
  gboolean ice_usable;
  gboolean failed;
  guint32 nice_sent;
  guint32 ice_got;
  guint32 ice_sent;
  guint32 nice_got;
  gboolean in_order;
} Bed;

static void
nice_received (NiceAgent *agent, guint stream, guint component, guint len,
               gchar *buf, gpointer data)
{
  Bed *bed = data;

  bed->in_order &= io_test_seq ((const guint8 *)buf, len) == bed->nice_got;
  bed->nice_got++;
}

static void
ice_received (IceAgent *agent, guint stream, guint component,
              IceAgentDatagram *datagrams, guint n, gpointer data)
{
  Bed *bed = data;
  guint i;

  for (i = 0; i < n; i++) {
    gsize size;
    const guint8 *bytes = g_bytes_get_data (datagrams[i].bytes, &size);

    bed->in_order &= io_test_seq (bytes, size) == bed->ice_got;
    bed->ice_got++;
  }
}

static void
nice_state_changed (NiceAgent *agent, guint stream, guint component,
                    guint state, gpointer data)
{
  Bed *bed = data;

  bed->nice_usable |= state == NICE_COMPONENT_STATE_CONNECTED
                      || state == NICE_COMPONENT_STATE_READY;
  bed->failed |= state == NICE_COMPONENT_STATE_FAILED;
}

static void
ice_state_changed (IceAgent *agent, guint stream, IceConnectionState state,
                   gpointer data)
{
  Bed *bed = data;

  bed->ice_usable
      |= state == ICE_CONNECTION_CONNECTED || state == ICE_CONNECTION_COMPLETED;
  bed->failed |= state == ICE_CONNECTION_FAILED;
}

static void
nice_new_candidate (NiceAgent *agent, NiceCandidate *cand, gpointer data)
{
  Bed *bed = data;
  gchar *line = nice_agent_generate_local_candidate_sdp (agent, cand);
  GError *error = NULL;

  bed->nice_relayed += cand->type == NICE_CANDIDATE_TYPE_RELAYED;
  g_assert_true (
      ice_agent_add_remote_candidate (bed->ice, bed->ice_stream, line, &error));
  g_assert_no_error (error);
  g_free (line);
}

static void
nice_gathering_done (NiceAgent *agent, guint stream, gpointer data)
{
  Bed *bed = data;

  bed->nice_gathered = TRUE;
  ice_agent_end_of_remote_candidates (bed->ice, bed->ice_stream);
}

static void
ice_new_candidate (IceAgent *agent, guint stream, const gchar *line,
                   gpointer data)
{
  Bed *bed = data;
  gchar *sdp = g_strconcat ("a=", line, NULL);
  NiceCandidate *cand = nice_agent_parse_remote_candidate_sdp (
      bed->nice, bed->nice_stream, sdp);
  GSList *list;

  g_assert_nonnull (cand);
  g_assert_nonnull (strstr (line, " typ relay"));
  list = g_slist_append (NULL, cand);
  g_assert_cmpint (
      nice_agent_set_remote_candidates (bed->nice, bed->nice_stream, 1, list),
      ==, 1);
  g_slist_free_full (list, (GDestroyNotify)nice_candidate_free);
  g_free (sdp);
}

static void
make_nice (Bed *bed, const Variant *variant)
{
  NiceAddress lo;

  bed->nice = nice_agent_new_full (bed->ctx, NICE_COMPATIBILITY_RFC5245,
                                   NICE_AGENT_OPTION_REGULAR_NOMINATION);
  g_object_set (bed->nice, "controlling-mode", FALSE, "upnp", FALSE, NULL);
  nice_address_init (&lo);
  g_assert_true (nice_address_set_from_string (&lo, "127.0.0.1"));
  g_assert_true (nice_agent_add_local_address (bed->nice, &lo));
  bed->nice_stream = nice_agent_add_stream (bed->nice, 1);
  g_assert_true (nice_agent_set_relay_info (
      bed->nice, bed->nice_stream, 1, "127.0.0.1", coturn.port, IO_COTURN_USER,
      IO_COTURN_PASSWORD, variant->nice_relay_type));
  g_assert_true (nice_agent_attach_recv (bed->nice, bed->nice_stream, 1,
                                         bed->ctx, nice_received, bed));
  g_signal_connect (bed->nice, "new-candidate-full",
                    G_CALLBACK (nice_new_candidate), bed);
  g_signal_connect (bed->nice, "candidate-gathering-done",
                    G_CALLBACK (nice_gathering_done), bed);
  g_signal_connect (bed->nice, "component-state-changed",
                    G_CALLBACK (nice_state_changed), bed);
}

static void
make_ice (Bed *bed, const Variant *variant)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  gchar *uri = io_coturn_uri (&coturn, variant->ice_transport);

  bed->ice = ice_agent_new (bed->ctx);
  g_object_set (bed->ice, "controlling-mode", TRUE, "bind-address", loopback,
                "ice-transport-policy", ICE_AGENT_TRANSPORT_POLICY_RELAY,
                "turn-server", uri, NULL);
  g_free (uri);
  bed->ice_stream = ice_agent_add_stream (bed->ice, 1);
  g_assert_true (ice_agent_set_receive_callback (bed->ice, bed->ice_stream, 1,
                                                 ice_received, bed, NULL));
  g_signal_connect (bed->ice, "new-candidate", G_CALLBACK (ice_new_candidate),
                    bed);
  g_signal_connect (bed->ice, "connection-state-changed",
                    G_CALLBACK (ice_state_changed), bed);
}

static void
exchange_credentials (Bed *bed)
{
  gchar *ufrag = NULL, *pwd = NULL;

  g_assert_true (nice_agent_get_local_credentials (bed->nice, bed->nice_stream,
                                                   &ufrag, &pwd));
  g_assert_true (
      ice_agent_set_remote_credentials (bed->ice, bed->ice_stream, ufrag, pwd));
  g_free (ufrag);
  g_free (pwd);
  g_assert_true (ice_agent_get_local_credentials (bed->ice, bed->ice_stream,
                                                  &ufrag, &pwd));
  g_assert_true (nice_agent_set_remote_credentials (bed->nice, bed->nice_stream,
                                                    ufrag, pwd));
  g_free (ufrag);
  g_free (pwd);
}

static void
fill_windows (Bed *bed)
{
  guint8 buf[DATAGRAM_SIZE];

  if (!bed->nice_usable || !bed->ice_usable)
    return;
  while (bed->nice_sent < N_DATAGRAMS
         && bed->nice_sent - bed->ice_got < WINDOW) {
    io_test_fill (buf, sizeof (buf), bed->nice_sent++);
    g_assert_cmpint (nice_agent_send (bed->nice, bed->nice_stream, 1,
                                      sizeof (buf), (const gchar *)buf),
                     ==, sizeof (buf));
  }
  while (bed->ice_sent < N_DATAGRAMS
         && bed->ice_sent - bed->nice_got < WINDOW) {
    io_test_fill (buf, sizeof (buf), bed->ice_sent++);
    g_assert_cmpuint (
        ice_agent_send (bed->ice, bed->ice_stream, 1, buf, sizeof (buf)), ==,
        1);
  }
}

static void
nice_closed (GObject *source, GAsyncResult *result, gpointer data)
{
  *(gboolean *)data = TRUE;
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
run_until (Bed *bed, gboolean (*done) (Bed *bed), gint64 deadline)
{
  while (!done (bed) && !bed->failed && g_get_monotonic_time () < deadline) {
    g_main_context_iteration (bed->ctx, TRUE);
    fill_windows (bed);
  }
  return done (bed);
}

static gboolean
both_usable (Bed *bed)
{
  return bed->nice_usable && bed->ice_usable;
}

/* libnice may finish gathering only after the pair is selected (over TCP
 * about 30 ms later): waited for, so its signal never finds us gone. */
static gboolean
all_received (Bed *bed)
{
  return bed->ice_got == N_DATAGRAMS && bed->nice_got == N_DATAGRAMS
         && bed->nice_gathered;
}

/* "socket:[INODE]" links in /proc/self/fd: the sockets this process owns */
static GHashTable *
own_socket_inodes (void)
{
  GHashTable *inodes
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const gchar *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL) {
    gchar *path = g_build_filename ("/proc/self/fd", name, NULL);
    gchar *target = g_file_read_link (path, NULL);

    if (target != NULL && g_str_has_prefix (target, "socket:["))
      g_hash_table_add (inodes, g_strndup (target + 8, strlen (target) - 9));
    g_free (target);
    g_free (path);
  }
  g_dir_close (dir);
  return inodes;
}

/* Established IPv4 TCP connections of this process to 127.0.0.1:@port;
 * @from_seen tells whether one of them leaves from local port @from_port. */
static guint
count_tcp_connections_to (guint16 port, guint16 from_port, gboolean *from_seen)
{
  GHashTable *inodes = own_socket_inodes ();
  gchar *text = NULL;
  gchar **lines;
  guint i, n = 0;

  *from_seen = FALSE;
  g_assert_true (g_file_get_contents ("/proc/net/tcp", &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (i = 1; lines[i] != NULL; i++) {
    guint local_port, remote_ip, remote_port, state;
    gchar inode[32];

    /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
    if (sscanf (lines[i], "%*s %*8x:%4x %8x:%4x %2x %*s %*s %*s %*s %*s %31s",
                &local_port, &remote_ip, &remote_port, &state, inode)
            == 5
        /* the kernel prints the address's bytes as one native u32 */
        && remote_ip == GUINT32_FROM_BE (0x7F000001) && remote_port == port
        && state == 0x01 /* TCP_ESTABLISHED */
        && g_hash_table_contains (inodes, inode)) {
      n++;
      *from_seen |= local_port == from_port;
    }
  }
  g_strfreev (lines);
  g_free (text);
  g_hash_table_unref (inodes);
  return n;
}

/* Over UDP no TCP connection to coturn. Over TCP ours (the relayed
 * candidate's related address is the connection's XOR-MAPPED-ADDRESS, our
 * local port on loopback) and libnice's: 0.1.21 runs one TURN discovery per
 * host base (UDP and TCP-active), each on its own TCP connection, keeps both
 * allocations and drops the second relayed candidate as redundant. */
static void
assert_transports (const Variant *variant, const IceCandidate *ours)
{
  gboolean ours_seen;
  guint n
      = count_tcp_connections_to (coturn.port, ours->related.port, &ours_seen);
  guint theirs = n - (ours_seen ? 1 : 0);

  g_assert_cmpint (ours_seen, ==, g_str_equal (variant->ice_transport, "tcp"));
  if (variant->nice_relay_type == NICE_RELAY_TYPE_TURN_TCP)
    g_assert_cmpuint (theirs, >=, 1);
  else
    g_assert_cmpuint (theirs, ==, 0);
}

static void
test_relay_only_against_libnice (gconstpointer data)
{
  const Variant *variant = data;
  Bed bed = { 0 };
  GSource *ticker;
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;
  IceCandidate local, remote;
  GError *error = NULL;
  gboolean closed = FALSE;

  if (coturn.pid == 0) {
    g_test_skip ("turnserver or openssl not installed");
    return;
  }
  bed.in_order = TRUE;
  bed.ctx = g_main_context_new ();
  ticker = g_timeout_source_new (20);
  g_source_set_callback (ticker, tick, NULL, NULL);
  g_source_attach (ticker, bed.ctx);
  make_ice (&bed, variant);
  make_nice (&bed, variant);
  exchange_credentials (&bed);
  g_assert_true (nice_agent_gather_candidates (bed.nice, bed.nice_stream));
  g_assert_true (ice_agent_gather (bed.ice, bed.ice_stream, &error));
  g_assert_no_error (error);

  g_assert_true (run_until (&bed, both_usable, deadline));
  g_assert_true (ice_agent_get_selected_pair (bed.ice, bed.ice_stream, 1,
                                              &local, &remote));
  g_assert_cmpint (local.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  assert_transports (variant, &local);
  g_assert_true (run_until (&bed, all_received, deadline));
  g_assert_true (bed.in_order);
  g_assert_cmpuint (bed.nice_relayed, >=, 1);

  g_object_unref (bed.ice);
  /* libnice releases its allocation first */
  g_main_context_push_thread_default (bed.ctx); /* where GTask answers */
  nice_agent_close_async (bed.nice, nice_closed, &closed);
  g_main_context_pop_thread_default (bed.ctx);
  while (!closed)
    g_main_context_iteration (bed.ctx, TRUE);
  g_object_unref (bed.nice);
  g_source_destroy (ticker);
  g_source_unref (ticker);
  while (g_main_context_iteration (bed.ctx, FALSE))
    ;
  g_main_context_unref (bed.ctx);
}
#else

static void
test_skip (void)
{
  g_test_skip ("libnice (pkg-config nice) was not found at configure time");
}
#endif /* HAVE_LIBNICE */

int
main (int argc, char **argv)
{
  gint ret;

  g_test_init (&argc, &argv, NULL);
#ifdef HAVE_LIBNICE
  g_test_add_data_func ("/io/turn/relay-only-against-libnice", &over_udp,
                        test_relay_only_against_libnice);
  g_test_add_data_func ("/io/turn/relay-only-against-libnice-tcp", &over_tcp,
                        test_relay_only_against_libnice);
  if (!io_coturn_start (&coturn))
    coturn.pid = 0;
  ret = g_test_run ();
  io_coturn_stop (&coturn);
#else
  g_test_add_func ("/io/turn/libnice-skipped", test_skip);
  ret = g_test_run ();
#endif
  return ret;
}
