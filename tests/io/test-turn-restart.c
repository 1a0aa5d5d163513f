/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A real coturn that crashes and restarts under a relay-only call
 * (ice-relay-recover.c): two IceAgents connected through coturn over UDP
 * (or TCP) on loopback carry media; coturn is killed by PID (SIGKILL) and
 * started again on the same port, knowing none of the allocations. Both agents
 * must emit "relay-error" (allocation lost) within the consent window
 * (RFC 7675: 30 s), re-allocate, restart ICE (the credentials travel
 * through "local-credentials-changed", as a signaller would carry them)
 * and carry media again. Every wait is on a signal with its predicate.
 */
#include <string.h>

#include "io-coturn.h"
#include "io-test-util.h"

/* RFC 7675 §5.1: consent is lost 30 s after the last answer */
#define CONSENT_WINDOW_US (30 * G_USEC_PER_SEC)
#define N_DATAGRAMS 32

static IoCoturn coturn;

typedef struct {
  GMutex lock;
  GCond cond;
  guint relay_errors;
  gchar *first_error;
  gint64 first_error_us;
  guint pairs_after_error; /* selected pairs since the first relay-error */
  guint restarts;          /* local-credentials-changed */
} Watch;

typedef struct {
  IceAgent *peer;
  guint peer_stream;
} Forward;

static void
on_relay_error (IceAgent *agent, guint stream, guint component, guint code,
                const gchar *message, gpointer data)
{
  Watch *w = data;

  g_mutex_lock (&w->lock);
  if (w->relay_errors++ == 0) {
    w->first_error = g_strdup (message);
    w->first_error_us = g_get_monotonic_time ();
  }
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
}

static void
on_selected_pair (IceAgent *agent, guint stream, guint component,
                  const gchar *local, const gchar *remote, gpointer data)
{
  Watch *w = data;

  g_mutex_lock (&w->lock);
  if (w->relay_errors > 0)
    w->pairs_after_error++;
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
}

static void
on_credentials (IceAgent *agent, guint stream, const gchar *ufrag,
                const gchar *pwd, gpointer data)
{
  Watch *w = g_object_get_data (G_OBJECT (agent), "watch");
  Forward *f = data;

  /* what a signaller does: the peer gets the new description */
  g_assert_true (
      ice_agent_set_remote_credentials (f->peer, f->peer_stream, ufrag, pwd));
  g_mutex_lock (&w->lock);
  w->restarts++;
  g_mutex_unlock (&w->lock);
}

static void
watch (IceAgent *agent, Watch *w, IceAgent *peer, guint peer_stream)
{
  Forward *f = g_new0 (Forward, 1);

  f->peer = peer;
  f->peer_stream = peer_stream;
  g_object_set_data (G_OBJECT (agent), "watch", w);
  g_signal_connect (agent, "relay-error", G_CALLBACK (on_relay_error), w);
  g_signal_connect (agent, "selected-pair-changed",
                    G_CALLBACK (on_selected_pair), w);
  g_signal_connect_data (agent, "local-credentials-changed",
                         G_CALLBACK (on_credentials), f,
                         (GClosureNotify)(void (*) (void))g_free, 0);
}

/* Waits until the agent reported the loss and selected a new pair */
static gboolean
wait_recovered (Watch *w, gint64 deadline)
{
  gboolean ok;

  g_mutex_lock (&w->lock);
  while (!(w->relay_errors > 0 && w->pairs_after_error > 0)
         && g_cond_wait_until (&w->cond, &w->lock, deadline))
    ;
  ok = w->relay_errors > 0 && w->pairs_after_error > 0;
  g_mutex_unlock (&w->lock);
  return ok;
}

static void
relay_only (IceAgent *agent, gpointer data)
{
  gchar *uri = io_coturn_uri (&coturn, data);

  g_object_set (agent, "ice-transport-policy", ICE_AGENT_TRANSPORT_POLICY_RELAY,
                "turn-server", uri, NULL);
  g_free (uri);
}

static void
send_and_expect (IceAgent *from, guint from_stream, IceAgent *to,
                 guint to_stream, guint32 first)
{
  guint8 buf[N_DATAGRAMS][200];
  GOutputVector vectors[N_DATAGRAMS];
  GOutputMessage messages[N_DATAGRAMS];
  guint i;

  memset (messages, 0, sizeof (messages));
  for (i = 0; i < N_DATAGRAMS; i++) {
    io_test_fill (buf[i], sizeof (buf[i]), first + i);
    vectors[i].buffer = buf[i];
    vectors[i].size = sizeof (buf[i]);
    messages[i].vectors = &vectors[i];
    messages[i].num_vectors = 1;
  }
  g_assert_cmpuint (
      ice_agent_send_messages (from, from_stream, 1, messages, N_DATAGRAMS), ==,
      N_DATAGRAMS);
  io_test_expect_sequence (to, to_stream, first, N_DATAGRAMS);
}

static void
assert_relayed (IceAgent *agent, guint stream)
{
  IceCandidate local, remote;

  g_assert_true (
      ice_agent_get_selected_pair (agent, stream, 1, &local, &remote));
  g_assert_cmpint (local.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpint (remote.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
}

static void
assert_counted (IceAgent *agent)
{
  IceAgentStats stats;

  ice_agent_get_stats (agent, &stats);
  g_assert_cmpuint (stats.relay_allocations_lost, ==, 1);
  g_assert_cmpuint (stats.relay_reallocations, ==, 1);
}

static void
check_watch (Watch *w, const gchar *name, gint64 killed_us)
{
  g_test_message ("%s: relay-error %.1f s after the kill: %s", name,
                  (w->first_error_us - killed_us) / 1e6, w->first_error);
  g_assert_cmpint (w->first_error_us - killed_us, <, CONSENT_WINDOW_US);
  g_assert_nonnull (strstr (w->first_error, "allocation lost"));
  g_assert_nonnull (strstr (w->first_error, "127.0.0.1"));
}

static void
run_coturn_restart (const gchar *transport)
{
  Watch wa = { 0 }, wb = { 0 };
  IoTestPair pair;
  gint64 killed_us, deadline;

  if (coturn.pid == 0) {
    g_test_skip ("turnserver or openssl not installed");
    return;
  }
  g_mutex_init (&wa.lock);
  g_cond_init (&wa.cond);
  g_mutex_init (&wb.lock);
  g_cond_init (&wb.cond);
  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, relay_only,
                        (gpointer)transport);
  watch (pair.a, &wa, pair.b, pair.stream_b);
  watch (pair.b, &wb, pair.a, pair.stream_a);
  send_and_expect (pair.a, pair.stream_a, pair.b, pair.stream_b, 0);
  send_and_expect (pair.b, pair.stream_b, pair.a, pair.stream_a, 0);

  killed_us = g_get_monotonic_time ();
  g_assert_true (io_coturn_crash_and_restart (&coturn));
  /* a bound on the waits only: recovery is event-driven */
  deadline = killed_us + CONSENT_WINDOW_US + 10 * G_USEC_PER_SEC;
  g_assert_true (wait_recovered (&wa, deadline));
  g_assert_true (wait_recovered (&wb, deadline));
  check_watch (&wa, "a", killed_us);
  check_watch (&wb, "b", killed_us);
  g_assert_true (ice_agent_wait_connected (pair.a, pair.stream_a,
                                           IO_TEST_TIMEOUT_US, NULL));
  g_assert_true (ice_agent_wait_connected (pair.b, pair.stream_b,
                                           IO_TEST_TIMEOUT_US, NULL));
  g_assert_cmpuint (wa.restarts + wb.restarts, >=, 1);
  assert_counted (pair.a);
  assert_counted (pair.b);
  assert_relayed (pair.a, pair.stream_a);
  assert_relayed (pair.b, pair.stream_b);
  send_and_expect (pair.a, pair.stream_a, pair.b, pair.stream_b, 1000);
  send_and_expect (pair.b, pair.stream_b, pair.a, pair.stream_a, 1000);

  ice_agent_close (pair.a);
  ice_agent_close (pair.b);
  io_test_pair_clear (&pair);
  g_free (wa.first_error);
  g_free (wb.first_error);
  g_mutex_clear (&wa.lock);
  g_cond_clear (&wa.cond);
  g_mutex_clear (&wb.lock);
  g_cond_clear (&wb.cond);
}

static void
test_coturn_restart_udp (void)
{
  run_coturn_restart ("udp");
}

/* Over TCP the connection's end tells the loss at once; the new
 * allocation goes on a new connection (retried with backoff while coturn
 * is not listening yet). */
static void
test_coturn_restart_tcp (void)
{
  run_coturn_restart ("tcp");
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/turn/coturn-restart-udp", test_coturn_restart_udp);
  g_test_add_func ("/io/turn/coturn-restart-tcp", test_coturn_restart_tcp);
  if (!io_coturn_start (&coturn))
    coturn.pid = 0;
  ret = g_test_run ();
  io_coturn_stop (&coturn);
  return ret;
}
