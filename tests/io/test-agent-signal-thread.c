/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Which thread emits IceAgent's signals. On the shared context they come
 * from the agent's own dispatch, not from the "gst-ice" packet thread: a
 * handler that blocks for 2 s delays that agent's signals only, while
 * another pair in the same process keeps receiving media without loss.
 * On a context of the application's own they come from that context.
 */
#include <gio/gio.h>

#include "io-test-util.h"

#define DATAGRAM_SIZE 200
#define BLOCK_US (2 * G_USEC_PER_SEC)
/* datagrams pair B must receive while A's handler blocks */
#define RECEIVED_DURING_BLOCK 100
/* pair B's sender: one datagram per millisecond */
#define SEND_INTERVAL_US 1000

typedef enum {
  SEEN_CANDIDATE,
  SEEN_GATHERING_DONE,
  SEEN_CONNECTED,
} Seen;

typedef struct {
  GMutex lock;
  GCond cond;

  /* pair B's media */
  IceAgent *sender;
  guint sender_stream;
  gboolean stop;
  guint32 sent;
  guint32 received;
  guint32 out_of_order;
  GThread *context_thread; /* where the receive callback runs */
  guint b_trouble;         /* consent lost or left connected */

  /* pair A's controlling agent */
  guint setups;
  gboolean blocked_once;
  gboolean block_done;
  gboolean b_received_during_block;
  gboolean handler_on_context_thread;
  gint in_handler;
  gint max_in_handler;
  GArray *seen;  /* Seen, in emission order */
  guint holders; /* connections and callbacks holding a reference */
} Bed;

/* The agents' handlers may still run on a dispatch thread after the test
 * returned (ice_agent_close() stops new signals, not a running one): every
 * connection holds a reference to the bed, freed with the last one. */
static void
bed_clear (gpointer data)
{
  Bed *bed = data;

  g_array_unref (bed->seen);
  g_mutex_clear (&bed->lock);
  g_cond_clear (&bed->cond);
}

static void
bed_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, bed_clear);
}

static Bed *
bed_hold (Bed *bed)
{
  g_mutex_lock (&bed->lock);
  bed->holders++;
  g_mutex_unlock (&bed->lock);
  return g_atomic_rc_box_acquire (bed);
}

static void
bed_unhold (gpointer data)
{
  Bed *bed = data;

  g_mutex_lock (&bed->lock);
  bed->holders--;
  g_cond_broadcast (&bed->cond);
  g_mutex_unlock (&bed->lock);
  bed_release (bed);
}

static void
bed_unhold_closure (gpointer data, GClosure *closure)
{
  bed_unhold (data);
}

static Bed *
bed_new (void)
{
  Bed *bed = g_atomic_rc_box_new0 (Bed);

  g_mutex_init (&bed->lock);
  g_cond_init (&bed->cond);
  bed->seen = g_array_new (FALSE, FALSE, sizeof (Seen));
  return bed;
}

static void
connect_bed (gpointer instance, const gchar *signal, GCallback handler,
             Bed *bed)
{
  g_signal_connect_data (instance, signal, handler, bed_hold (bed),
                         bed_unhold_closure, 0);
}

static void
on_b_datagrams (IceAgent *agent, guint stream, guint component,
                IceAgentDatagram *datagrams, guint n, gpointer data)
{
  Bed *bed = data;
  guint i;

  g_mutex_lock (&bed->lock);
  bed->context_thread = g_thread_self ();
  for (i = 0; i < n; i++) {
    gsize size;
    const guint8 *bytes = g_bytes_get_data (datagrams[i].bytes, &size);

    if (io_test_seq (bytes, size) != bed->received)
      bed->out_of_order++;
    bed->received++;
  }
  g_cond_broadcast (&bed->cond);
  g_mutex_unlock (&bed->lock);
}

/* Pair B's media at a steady rate; the wait on the stop flag paces it. */
static gpointer
send_steadily (gpointer data)
{
  Bed *bed = data;
  guint8 buf[DATAGRAM_SIZE];
  gint64 next = g_get_monotonic_time ();

  g_mutex_lock (&bed->lock);
  while (!bed->stop) {
    io_test_fill (buf, sizeof (buf), bed->sent);
    g_assert_cmpuint (
        ice_agent_send (bed->sender, bed->sender_stream, 1, buf, sizeof (buf)),
        ==, 1);
    bed->sent++;
    next += SEND_INTERVAL_US;
    while (!bed->stop && g_cond_wait_until (&bed->cond, &bed->lock, next))
      ;
  }
  g_mutex_unlock (&bed->lock);
  return NULL;
}

static void
on_b_state (IceAgent *agent, guint stream, IceConnectionState state,
            gpointer data)
{
  Bed *bed = data;

  g_mutex_lock (&bed->lock);
  if (state != ICE_CONNECTION_CONNECTED && state != ICE_CONNECTION_COMPLETED)
    bed->b_trouble++;
  g_mutex_unlock (&bed->lock);
}

static void
on_b_consent_lost (IceAgent *agent, guint stream, guint component,
                   gpointer data)
{
  Bed *bed = data;

  g_mutex_lock (&bed->lock);
  bed->b_trouble++;
  g_mutex_unlock (&bed->lock);
}

static void
enter_handler_locked (Bed *bed, Seen what)
{
  bed->in_handler++;
  bed->max_in_handler = MAX (bed->max_in_handler, bed->in_handler);
  if (g_thread_self () == bed->context_thread)
    bed->handler_on_context_thread = TRUE;
  g_array_append_val (bed->seen, what);
}

/* The scenario: this handler blocks for BLOCK_US. Meanwhile pair B's
 * datagrams sent after it started must arrive. */
static void
block_in_handler_locked (Bed *bed)
{
  gint64 until = g_get_monotonic_time () + BLOCK_US;
  guint32 target = bed->sent + RECEIVED_DURING_BLOCK;

  bed->blocked_once = TRUE;
  while (bed->received < target
         && g_cond_wait_until (&bed->cond, &bed->lock, until))
    ;
  bed->b_received_during_block = bed->received >= target;
  while (g_cond_wait_until (&bed->cond, &bed->lock, until))
    ;
  bed->block_done = TRUE;
  g_cond_broadcast (&bed->cond);
}

static void
on_a_candidate (IceAgent *agent, guint stream, const gchar *line, gpointer data)
{
  Bed *bed = data;

  g_mutex_lock (&bed->lock);
  enter_handler_locked (bed, SEEN_CANDIDATE);
  if (!bed->blocked_once)
    block_in_handler_locked (bed);
  bed->in_handler--;
  g_mutex_unlock (&bed->lock);
}

static void
on_a_gathering_done (IceAgent *agent, guint stream, gpointer data)
{
  Bed *bed = data;

  g_mutex_lock (&bed->lock);
  enter_handler_locked (bed, SEEN_GATHERING_DONE);
  bed->in_handler--;
  g_cond_broadcast (&bed->cond);
  g_mutex_unlock (&bed->lock);
}

static void
on_a_state (IceAgent *agent, guint stream, IceConnectionState state,
            gpointer data)
{
  Bed *bed = data;

  if (state != ICE_CONNECTION_CONNECTED && state != ICE_CONNECTION_COMPLETED)
    return;
  g_mutex_lock (&bed->lock);
  enter_handler_locked (bed, SEEN_CONNECTED);
  bed->in_handler--;
  g_cond_broadcast (&bed->cond);
  g_mutex_unlock (&bed->lock);
}

/* io_test_pair_start() calls this for A's controlling agent first (then
 * for the controlled one): its handlers run before the ones that trickle
 * the candidates. */
static void
watch_controlling (IceAgent *agent, gpointer data)
{
  Bed *bed = data;

  if (bed->setups++ > 0)
    return;
  connect_bed (agent, "new-candidate", G_CALLBACK (on_a_candidate), bed);
  connect_bed (agent, "gathering-done", G_CALLBACK (on_a_gathering_done), bed);
  connect_bed (agent, "connection-state-changed", G_CALLBACK (on_a_state), bed);
}

static gboolean
seen_contains (Bed *bed, Seen what)
{
  guint i;

  for (i = 0; i < bed->seen->len; i++)
    if (g_array_index (bed->seen, Seen, i) == what)
      return TRUE;
  return FALSE;
}

/* Waits (with the lock held) until @pred holds or the deadline passes. */
static gboolean
wait_for_locked (Bed *bed, gboolean (*pred) (Bed *bed), gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  while (!pred (bed) && g_cond_wait_until (&bed->cond, &bed->lock, deadline))
    ;
  return pred (bed);
}

static gboolean
bed_unheld (Bed *bed)
{
  return bed->holders == 0;
}

static gboolean
b_flowing (Bed *bed)
{
  return bed->received >= 50;
}

static gboolean
block_over (Bed *bed)
{
  return bed->block_done;
}

static gboolean
a_signals_done (Bed *bed)
{
  return seen_contains (bed, SEEN_GATHERING_DONE)
         && seen_contains (bed, SEEN_CONNECTED);
}

static gboolean
b_caught_up (Bed *bed)
{
  return bed->received == bed->sent;
}

/* A's candidates, then gathering-done, then connected: every candidate
 * precedes gathering-done (the order the session raised them). */
static void
assert_a_order (Bed *bed)
{
  guint i, done_at = G_MAXUINT;

  g_assert_cmpuint (g_array_index (bed->seen, Seen, 0), ==, SEEN_CANDIDATE);
  for (i = 0; i < bed->seen->len; i++) {
    Seen what = g_array_index (bed->seen, Seen, i);

    if (what == SEEN_GATHERING_DONE)
      done_at = i;
    if (what == SEEN_CANDIDATE)
      g_assert_cmpuint (done_at, ==, G_MAXUINT);
  }
  g_assert_cmpuint (done_at, <, bed->seen->len);
}

static void
start_pair_b (IoTestPair *b, Bed *bed)
{
  io_test_pair_connect (b, ICE_NOMINATION_REGULAR, NULL, NULL);
  connect_bed (b->a, "connection-state-changed", G_CALLBACK (on_b_state), bed);
  connect_bed (b->b, "connection-state-changed", G_CALLBACK (on_b_state), bed);
  connect_bed (b->a, "consent-lost", G_CALLBACK (on_b_consent_lost), bed);
  connect_bed (b->b, "consent-lost", G_CALLBACK (on_b_consent_lost), bed);
  g_assert_true (ice_agent_set_receive_callback (
      b->b, b->stream_b, 1, on_b_datagrams, bed_hold (bed), bed_unhold));
  bed->sender = b->a;
  bed->sender_stream = b->stream_a;
}

static void
stop_sender (Bed *bed, GThread *sender)
{
  g_mutex_lock (&bed->lock);
  bed->stop = TRUE;
  g_cond_broadcast (&bed->cond);
  g_mutex_unlock (&bed->lock);
  g_thread_join (sender);
}

static void
assert_b_unharmed (Bed *bed, IoTestPair *b)
{
  IceAgentStats stats;

  g_mutex_lock (&bed->lock);
  g_assert_true (wait_for_locked (bed, b_caught_up, IO_TEST_TIMEOUT_US));
  g_assert_cmpuint (bed->received, ==, bed->sent);
  g_assert_cmpuint (bed->out_of_order, ==, 0);
  g_assert_cmpuint (bed->b_trouble, ==, 0);
  g_mutex_unlock (&bed->lock);
  ice_agent_get_stats (b->b, &stats);
  g_assert_cmpuint (stats.queue_dropped, ==, 0);
  g_assert_cmpuint (stats.recv_errors, ==, 0);
  g_assert_true (ice_agent_wait_connected (b->b, b->stream_b, 0, NULL));
}

static void
test_blocking_handler_spares_other_agents (void)
{
  IoTestPair a = { 0 }, b = { 0 };
  Bed *bed = bed_new ();
  GThread *sender;

  start_pair_b (&b, bed);
  sender = g_thread_new ("b-sender", send_steadily, bed);
  g_mutex_lock (&bed->lock);
  g_assert_true (wait_for_locked (bed, b_flowing, IO_TEST_TIMEOUT_US));
  g_mutex_unlock (&bed->lock);

  io_test_pair_start (&a, ICE_NOMINATION_REGULAR, watch_controlling, bed);
  g_mutex_lock (&bed->lock);
  g_assert_true (
      wait_for_locked (bed, block_over, BLOCK_US + IO_TEST_TIMEOUT_US));
  /* pair B's datagrams kept arriving while A's handler blocked */
  g_assert_true (bed->b_received_during_block);
  g_assert_false (bed->handler_on_context_thread);
  g_mutex_unlock (&bed->lock);

  /* A itself still connects and gets the rest of its signals, in order */
  g_assert_true (
      ice_agent_wait_connected (a.a, a.stream_a, IO_TEST_TIMEOUT_US, NULL));
  g_mutex_lock (&bed->lock);
  g_assert_true (wait_for_locked (bed, a_signals_done, IO_TEST_TIMEOUT_US));
  assert_a_order (bed);
  g_assert_cmpint (bed->max_in_handler, ==, 1);
  g_mutex_unlock (&bed->lock);

  stop_sender (bed, sender);
  assert_b_unharmed (bed, &b);
  io_test_pair_clear (&a);
  io_test_pair_clear (&b);
  /* the agents are gone once a running dispatch has let them go */
  g_mutex_lock (&bed->lock);
  g_assert_true (wait_for_locked (bed, bed_unheld, IO_TEST_TIMEOUT_US));
  g_mutex_unlock (&bed->lock);
  bed_release (bed);
}

static void
on_own_context_candidate (IceAgent *agent, guint stream, const gchar *line,
                          gpointer data)
{
  GThread **emitter = data;

  *emitter = g_thread_self ();
}

static gboolean
on_deadline (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* An agent on the application's context emits from the thread that
 * iterates it (here: this one), as the application chose. */
static void
test_own_context_emits_on_it (void)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  GMainContext *ctx = g_main_context_new ();
  IceAgent *agent = ice_agent_new (ctx);
  GThread *emitter = NULL;
  gboolean timed_out = FALSE;
  GError *error = NULL;
  GSource *deadline;

  g_object_set (agent, "bind-address", loopback, NULL);
  g_signal_connect (agent, "new-candidate",
                    G_CALLBACK (on_own_context_candidate), &emitter);
  g_assert_true (
      ice_agent_gather (agent, ice_agent_add_stream (agent, 1), &error));
  g_assert_no_error (error);
  deadline = g_timeout_source_new (IO_TEST_TIMEOUT_US / 1000);
  g_source_set_callback (deadline, on_deadline, &timed_out, NULL);
  g_source_attach (deadline, ctx);
  while (emitter == NULL && !timed_out)
    g_main_context_iteration (ctx, TRUE);
  g_assert_true (emitter == g_thread_self ());
  g_source_destroy (deadline);
  g_source_unref (deadline);
  g_object_unref (agent);
  g_main_context_unref (ctx);
}

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean entered;
  gboolean released;
  gboolean finalized;
  guint candidates;
  guint gathering_done;
} Gate;

/* Holds the first candidate's emission until the test releases it. */
static void
on_gated_candidate (IceAgent *agent, guint stream, const gchar *line,
                    gpointer data)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->candidates++;
  gate->entered = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static void
on_gated_gathering_done (IceAgent *agent, guint stream, gpointer data)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->gathering_done++;
  g_mutex_unlock (&gate->lock);
}

static void
on_gate_finalized (gpointer data, GObject *where_the_object_was)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->finalized = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

static gboolean
gate_wait_locked (Gate *gate, gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;

  while (!*flag && g_cond_wait_until (&gate->cond, &gate->lock, deadline))
    ;
  return *flag;
}

/* Events queued behind a handler that is still running are dropped once
 * the agent is closed: "gathering-done", raised with the candidate, never
 * comes. The emission's own reference keeps the object alive until it
 * ends; the object is finalized there, not under the handler's feet. */
static void
test_no_signal_after_close (void)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  IceAgent *agent = ice_agent_new (NULL);
  Gate gate = { 0 };
  GError *error = NULL;

  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  g_object_set (agent, "bind-address", loopback, NULL);
  g_object_weak_ref (G_OBJECT (agent), on_gate_finalized, &gate);
  g_signal_connect (agent, "new-candidate", G_CALLBACK (on_gated_candidate),
                    &gate);
  g_signal_connect (agent, "gathering-done",
                    G_CALLBACK (on_gated_gathering_done), &gate);
  g_assert_true (
      ice_agent_gather (agent, ice_agent_add_stream (agent, 1), &error));
  g_assert_no_error (error);
  g_mutex_lock (&gate.lock);
  g_assert_true (gate_wait_locked (&gate, &gate.entered));
  g_mutex_unlock (&gate.lock);
  /* host gathering is done by now: "gathering-done" waits in the queue */
  g_assert_cmpint (ice_agent_get_gathering_state (agent, 0), ==,
                   ICE_GATHERING_COMPLETE);

  ice_agent_close (agent);
  g_object_unref (agent);
  g_mutex_lock (&gate.lock);
  g_assert_false (gate.finalized);
  gate.released = TRUE;
  g_cond_broadcast (&gate.cond);
  g_assert_true (gate_wait_locked (&gate, &gate.finalized));
  g_assert_cmpuint (gate.candidates, ==, 1);
  g_assert_cmpuint (gate.gathering_done, ==, 0);
  g_mutex_unlock (&gate.lock);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/signal-thread/blocking-handler-spares-other-agents",
                   test_blocking_handler_spares_other_agents);
  g_test_add_func ("/io/signal-thread/no-signal-after-close",
                   test_no_signal_after_close);
  g_test_add_func ("/io/signal-thread/own-context-emits-on-it",
                   test_own_context_emits_on_it);
  return g_test_run ();
}
