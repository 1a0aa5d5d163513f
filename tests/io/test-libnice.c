/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * IceAgent against libnice's NiceAgent (an independent implementation) on
 * loopback, in both roles and both nomination modes: 1000 RTP-sized
 * datagrams each way, none lost, in order, including media libnice sends
 * as soon as it is connected (possibly before our side has nominated).
 * Then over ICE-TCP (RFC 6544): libnice with ice-udp off, we hand it only
 * our TCP candidates; the pair is TCP and media goes RFC 4571-framed.
 * And with us as an ICE-lite agent (RFC 8445 §2.5), libnice controlling:
 * we send no check, libnice's nomination selects the pair.
 * Both agents run on one GMainContext that this thread iterates.
 */
#include <string.h>

#include "io-test-util.h"

#ifdef HAVE_LIBNICE
#include <nice/agent.h>

#define N_DATAGRAMS 1000
#define DATAGRAM_SIZE 172 /* RTP header + 20 ms of G.711 */
#define EARLY_DATAGRAMS 20
/* In flight at once: libnice's sockets keep the default receive buffer. */
#define WINDOW 64
#define DEADLINE_US (10 * G_USEC_PER_SEC)

typedef struct {
  GMainContext *ctx;
  NiceAgent *nice;
  guint nice_stream;
  IceAgent *ice;
  guint ice_stream;
  gboolean whole_sdp; /* libnice's SDP at once instead of trickle */
  gboolean tcp;       /* ICE-TCP only */
  gboolean lite;      /* our agent is ICE-lite */
  gboolean nice_usable;
  gboolean ice_usable;
  gboolean nice_failed;
  gboolean ice_failed;
  guint32 nice_sent; /* libnice -> IceAgent */
  guint32 ice_got;
  guint32 early;    /* sent by libnice before we were usable */
  guint32 ice_sent; /* IceAgent -> libnice */
  guint32 nice_got;
  gboolean in_order;
} Bed;

static void
nice_send_one (Bed *bed)
{
  guint8 buf[DATAGRAM_SIZE];

  io_test_fill (buf, sizeof (buf), bed->nice_sent);
  g_assert_cmpint (nice_agent_send (bed->nice, bed->nice_stream, 1,
                                    sizeof (buf), (const gchar *)buf),
                   ==, sizeof (buf));
  bed->nice_sent++;
}

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

  /* as controlled libnice may stay CONNECTED for seconds: usable */
  if ((state == NICE_COMPONENT_STATE_CONNECTED
       || state == NICE_COMPONENT_STATE_READY)
      && !bed->nice_usable) {
    bed->nice_usable = TRUE;
    /* media at once, maybe before our own nomination completes */
    while (bed->nice_sent < EARLY_DATAGRAMS) {
      bed->early += !bed->ice_usable;
      nice_send_one (bed);
    }
  }
  bed->nice_failed |= state == NICE_COMPONENT_STATE_FAILED;
}

static void
ice_state_changed (IceAgent *agent, guint stream, IceConnectionState state,
                   gpointer data)
{
  Bed *bed = data;

  bed->ice_usable
      |= state == ICE_CONNECTION_CONNECTED || state == ICE_CONNECTION_COMPLETED;
  bed->ice_failed |= state == ICE_CONNECTION_FAILED;
}

/* libnice -> IceAgent, one candidate line at a time */
static void
nice_new_candidate (NiceAgent *agent, NiceCandidate *cand, gpointer data)
{
  Bed *bed = data;
  gchar *line;
  GError *error = NULL;

  if (bed->whole_sdp)
    return;
  line = nice_agent_generate_local_candidate_sdp (agent, cand);
  g_assert_true (
      ice_agent_add_remote_candidate (bed->ice, bed->ice_stream, line, &error));
  g_assert_no_error (error);
  g_free (line);
}

/* With whole_sdp, libnice's complete description ("m=", "c=", ufrag, pwd,
 * candidates, LF endings) goes through ice_agent_set_remote_description. */
static void
nice_gathering_done (NiceAgent *agent, guint stream, gpointer data)
{
  Bed *bed = data;
  GError *error = NULL;
  gchar *sdp;

  if (bed->whole_sdp) {
    sdp = nice_agent_generate_local_sdp (agent);
    g_assert_cmpint (ice_agent_set_remote_description (
                         bed->ice, bed->ice_stream, sdp, &error),
                     >=, 1);
    g_assert_no_error (error);
    g_free (sdp);
  }
  ice_agent_end_of_remote_candidates (bed->ice, bed->ice_stream);
}

/* IceAgent -> libnice: its parser wants "a=candidate:" and LF */
static void
ice_new_candidate (IceAgent *agent, guint stream, const gchar *line,
                   gpointer data)
{
  Bed *bed = data;
  gchar *sdp;
  NiceCandidate *cand;
  GSList *list;

  if (bed->tcp && strstr (line, " TCP ") == NULL)
    return;
  sdp = g_strconcat ("a=", line, NULL);
  cand = nice_agent_parse_remote_candidate_sdp (bed->nice, bed->nice_stream,
                                                sdp);
  g_assert_nonnull (cand);
  list = g_slist_append (NULL, cand);
  g_assert_cmpint (
      nice_agent_set_remote_candidates (bed->nice, bed->nice_stream, 1, list),
      ==, 1);
  g_slist_free_full (list, (GDestroyNotify)nice_candidate_free);
  g_free (sdp);
}

static void
make_nice (Bed *bed, gboolean nice_controlling, IceNomination nomination)
{
  NiceAddress lo;
  gchar *ufrag = NULL, *pwd = NULL;

  bed->nice = nice_agent_new_full (bed->ctx, NICE_COMPATIBILITY_RFC5245,
                                   nomination == ICE_NOMINATION_REGULAR
                                       ? NICE_AGENT_OPTION_REGULAR_NOMINATION
                                       : NICE_AGENT_OPTION_NONE);
  /* no UPnP: loopback only, and its client logs to stdout */
  g_object_set (bed->nice, "controlling-mode", nice_controlling, "upnp", FALSE,
                NULL);
  if (bed->tcp)
    g_object_set (bed->nice, "ice-udp", FALSE, "ice-tcp", TRUE, NULL);
  nice_address_init (&lo);
  g_assert_true (nice_address_set_from_string (&lo, "127.0.0.1"));
  g_assert_true (nice_agent_add_local_address (bed->nice, &lo));
  bed->nice_stream = nice_agent_add_stream (bed->nice, 1);
  g_assert_cmpuint (bed->nice_stream, >, 0);
  g_assert_true (nice_agent_attach_recv (bed->nice, bed->nice_stream, 1,
                                         bed->ctx, nice_received, bed));
  g_signal_connect (bed->nice, "new-candidate-full",
                    G_CALLBACK (nice_new_candidate), bed);
  g_signal_connect (bed->nice, "candidate-gathering-done",
                    G_CALLBACK (nice_gathering_done), bed);
  g_signal_connect (bed->nice, "component-state-changed",
                    G_CALLBACK (nice_state_changed), bed);
  g_assert_true (nice_agent_get_local_credentials (bed->nice, bed->nice_stream,
                                                   &ufrag, &pwd));
  if (!bed->whole_sdp)
    g_assert_true (ice_agent_set_remote_credentials (bed->ice, bed->ice_stream,
                                                     ufrag, pwd));
  g_free (ufrag);
  g_free (pwd);
}

static void
make_ice (Bed *bed, gboolean ice_controlling, IceNomination nomination)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };

  bed->ice = ice_agent_new (bed->ctx);
  g_object_set (bed->ice, "controlling-mode", ice_controlling, "nomination",
                nomination, "bind-address", loopback, "ice-tcp", bed->tcp,
                "ice-lite", bed->lite, NULL);
  bed->ice_stream = ice_agent_add_stream (bed->ice, 1);
  g_assert_true (ice_agent_set_receive_callback (bed->ice, bed->ice_stream, 1,
                                                 ice_received, bed, NULL));
  g_signal_connect (bed->ice, "new-candidate", G_CALLBACK (ice_new_candidate),
                    bed);
  g_signal_connect (bed->ice, "connection-state-changed",
                    G_CALLBACK (ice_state_changed), bed);
}

static void
give_ice_credentials_to_nice (Bed *bed)
{
  gchar *ufrag = NULL, *pwd = NULL;

  g_assert_true (ice_agent_get_local_credentials (bed->ice, bed->ice_stream,
                                                  &ufrag, &pwd));
  g_assert_true (nice_agent_set_remote_credentials (bed->nice, bed->nice_stream,
                                                    ufrag, pwd));
  g_free (ufrag);
  g_free (pwd);
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
fill_windows (Bed *bed)
{
  guint8 buf[DATAGRAM_SIZE];

  if (!bed->nice_usable || !bed->ice_usable)
    return;
  while (bed->nice_sent < N_DATAGRAMS && bed->nice_sent - bed->ice_got < WINDOW)
    nice_send_one (bed);
  while (bed->ice_sent < N_DATAGRAMS
         && bed->ice_sent - bed->nice_got < WINDOW) {
    io_test_fill (buf, sizeof (buf), bed->ice_sent);
    g_assert_cmpuint (
        ice_agent_send (bed->ice, bed->ice_stream, 1, buf, sizeof (buf)), ==,
        1);
    bed->ice_sent++;
  }
}

/* Iterates the context until @done or the deadline, keeping WINDOW
 * datagrams in flight each way; a 20 ms tick makes sure the loop looks
 * at the clock. */
static gboolean
run_until (Bed *bed, gboolean (*done) (Bed *bed), gint64 deadline)
{
  while (!done (bed) && !bed->nice_failed && !bed->ice_failed
         && g_get_monotonic_time () < deadline) {
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

static gboolean
all_received (Bed *bed)
{
  return bed->ice_got == N_DATAGRAMS && bed->nice_got == N_DATAGRAMS;
}

static void
assert_tcp_pair (Bed *bed)
{
  IceCandidate local, remote;
  IceAgentStats stats;

  g_assert_true (ice_agent_get_selected_pair (bed->ice, bed->ice_stream, 1,
                                              &local, &remote));
  g_assert_cmpint (local.addr.transport, ==, ICE_TRANSPORT_TCP);
  g_assert_cmpint (remote.addr.transport, ==, ICE_TRANSPORT_TCP);
  ice_agent_get_stats (bed->ice, &stats);
  g_assert_cmpuint (stats.tcp_connects + stats.tcp_accepts, >=, 1);
  g_assert_cmpuint (stats.tcp_closed_invalid, ==, 0);
  g_test_message ("ICE-TCP pair: local %s, remote %s; %" G_GUINT64_FORMAT
                  " connects, %" G_GUINT64_FORMAT " accepts",
                  ice_tcp_type_to_string (local.tcp_type),
                  ice_tcp_type_to_string (remote.tcp_type), stats.tcp_connects,
                  stats.tcp_accepts);
}

static void
assert_lite (Bed *bed)
{
  IceAgentStats stats;

  ice_agent_get_stats (bed->ice, &stats);
  g_assert_cmpuint (stats.checks_sent, ==, 0);
  g_assert_cmpuint (stats.checks_received, >=, 1);
}

static void
run_against_libnice_full (gboolean ice_controlling, IceNomination nomination,
                          gboolean whole_sdp, gboolean tcp, gboolean lite)
{
  Bed bed = { 0 };
  GSource *ticker = g_timeout_source_new (20);
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;
  GError *error = NULL;

  bed.in_order = TRUE;
  bed.whole_sdp = whole_sdp;
  bed.tcp = tcp;
  bed.lite = lite;
  bed.ctx = g_main_context_new ();
  g_source_set_callback (ticker, tick, NULL, NULL);
  g_source_attach (ticker, bed.ctx);
  make_ice (&bed, ice_controlling, nomination);
  make_nice (&bed, !ice_controlling, nomination);
  give_ice_credentials_to_nice (&bed);
  g_assert_true (nice_agent_gather_candidates (bed.nice, bed.nice_stream));
  g_assert_true (ice_agent_gather (bed.ice, bed.ice_stream, &error));
  g_assert_no_error (error);

  g_assert_true (run_until (&bed, both_usable, deadline));
  g_assert_true (run_until (&bed, all_received, deadline));
  g_assert_true (bed.in_order);
  g_assert_cmpuint (bed.ice_got, ==, N_DATAGRAMS);
  g_assert_cmpuint (bed.nice_got, ==, N_DATAGRAMS);
  g_test_message ("%u datagrams from libnice arrived before we were "
                  "connected",
                  bed.early);
  if (tcp)
    assert_tcp_pair (&bed);
  if (lite)
    assert_lite (&bed);

  g_object_unref (bed.ice);
  g_object_unref (bed.nice);
  g_source_destroy (ticker);
  g_source_unref (ticker);
  while (g_main_context_iteration (bed.ctx, FALSE))
    ;
  g_main_context_unref (bed.ctx);
}

static void
run_against_libnice (gboolean ice_controlling, IceNomination nomination,
                     gboolean whole_sdp)
{
  run_against_libnice_full (ice_controlling, nomination, whole_sdp, FALSE,
                            FALSE);
}

static void
test_tcp_controlling (void)
{
  run_against_libnice_full (TRUE, ICE_NOMINATION_REGULAR, FALSE, TRUE, FALSE);
}

static void
test_tcp_controlled (void)
{
  run_against_libnice_full (FALSE, ICE_NOMINATION_REGULAR, FALSE, TRUE, FALSE);
}

static void
test_controlling_regular (void)
{
  run_against_libnice (TRUE, ICE_NOMINATION_REGULAR, FALSE);
}

static void
test_controlling_aggressive (void)
{
  run_against_libnice (TRUE, ICE_NOMINATION_AGGRESSIVE, FALSE);
}

static void
test_controlled_regular (void)
{
  run_against_libnice (FALSE, ICE_NOMINATION_REGULAR, FALSE);
}

static void
test_controlled_aggressive (void)
{
  run_against_libnice (FALSE, ICE_NOMINATION_AGGRESSIVE, FALSE);
}

/* We are lite, libnice (full, controlling) checks and nominates */
static void
test_lite_regular (void)
{
  run_against_libnice_full (FALSE, ICE_NOMINATION_REGULAR, FALSE, FALSE, TRUE);
}

static void
test_lite_aggressive (void)
{
  run_against_libnice_full (FALSE, ICE_NOMINATION_AGGRESSIVE, FALSE, FALSE,
                            TRUE);
}

/* libnice's whole SDP through ice_agent_set_remote_description */
static void
test_libnice_sdp (void)
{
  run_against_libnice (FALSE, ICE_NOMINATION_REGULAR, TRUE);
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
  g_test_init (&argc, &argv, NULL);
#ifdef HAVE_LIBNICE
  g_test_add_func ("/io/libnice/ice-controlling-regular",
                   test_controlling_regular);
  g_test_add_func ("/io/libnice/ice-controlling-aggressive",
                   test_controlling_aggressive);
  g_test_add_func ("/io/libnice/ice-controlled-regular",
                   test_controlled_regular);
  g_test_add_func ("/io/libnice/ice-controlled-aggressive",
                   test_controlled_aggressive);
  g_test_add_func ("/io/libnice/libnice-sdp-to-ice", test_libnice_sdp);
  g_test_add_func ("/io/libnice/tcp-ice-controlling", test_tcp_controlling);
  g_test_add_func ("/io/libnice/tcp-ice-controlled", test_tcp_controlled);
  g_test_add_func ("/io/libnice/ice-lite-regular", test_lite_regular);
  g_test_add_func ("/io/libnice/ice-lite-aggressive", test_lite_aggressive);
#else
  g_test_add_func ("/io/libnice/skipped", test_skip);
#endif
  return g_test_run ();
}
