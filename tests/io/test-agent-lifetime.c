/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * IceAgent teardown while its context is busy: disposed from another
 * thread under traffic, and disposed by its own signal handler (on the
 * dispatch pool: the last agent gone stops the shared "gst-ice" thread
 * from there).
 */
#include <gio/gio.h>

#include "io-test-util.h"

#define DATAGRAM_SIZE 200

typedef struct {
  GMutex lock;
  GCond cond;
  guint received;
  gboolean finalized;
  gint stop;
  IceAgent *sender;
  guint stream;
} Flow;

static void
on_datagrams (IceAgent *agent, guint stream, guint component,
              IceAgentDatagram *datagrams, guint n, gpointer data)
{
  Flow *flow = data;

  g_mutex_lock (&flow->lock);
  flow->received += n;
  g_cond_broadcast (&flow->cond);
  g_mutex_unlock (&flow->lock);
}

static gpointer
send_until_stopped (gpointer data)
{
  Flow *flow = data;
  guint8 buf[DATAGRAM_SIZE];
  guint32 seq = 0;

  while (!g_atomic_int_get (&flow->stop)) {
    io_test_fill (buf, sizeof (buf), seq++);
    ice_agent_send (flow->sender, flow->stream, 1, buf, sizeof (buf));
    if (seq % 64 == 0)
      g_thread_yield ();
  }
  return NULL;
}

/* B is unreffed by this thread while the gst-ice thread is busy reading
 * the datagrams A keeps sending it. */
static void
test_dispose_under_traffic (void)
{
  IoTestPair pair = { 0 };
  Flow flow = { 0 };
  gint64 deadline;
  GThread *sender;

  g_mutex_init (&flow.lock);
  g_cond_init (&flow.cond);
  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, NULL, NULL);
  g_assert_true (ice_agent_set_receive_callback (pair.b, pair.stream_b, 1,
                                                 on_datagrams, &flow, NULL));
  flow.sender = pair.a;
  flow.stream = pair.stream_a;
  sender = g_thread_new ("sender", send_until_stopped, &flow);

  deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  g_mutex_lock (&flow.lock);
  while (flow.received < 500
         && g_cond_wait_until (&flow.cond, &flow.lock, deadline))
    ;
  g_assert_cmpuint (flow.received, >=, 500);
  g_mutex_unlock (&flow.lock);

  g_clear_object (&pair.b);
  g_atomic_int_set (&flow.stop, 1);
  g_thread_join (sender);
  io_test_pair_clear (&pair);
  g_mutex_clear (&flow.lock);
  g_cond_clear (&flow.cond);
}

static void
on_finalized (gpointer data, GObject *where_the_object_was)
{
  Flow *flow = data;

  g_mutex_lock (&flow->lock);
  flow->finalized = TRUE;
  g_cond_broadcast (&flow->cond);
  g_mutex_unlock (&flow->lock);
}

static void
drop_agent_in_handler (IceAgent *agent, guint stream, gpointer data)
{
  g_object_unref (agent);
}

static gboolean
agent_disposed_in_own_handler (void)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  IceAgent *agent = ice_agent_new (NULL);
  Flow flow = { 0 };
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  gboolean finalized;

  g_mutex_init (&flow.lock);
  g_cond_init (&flow.cond);
  g_object_set (agent, "bind-address", loopback, NULL);
  g_object_weak_ref (G_OBJECT (agent), on_finalized, &flow);
  /* the handler owns the test's only reference from here on */
  g_signal_connect (agent, "gathering-done", G_CALLBACK (drop_agent_in_handler),
                    NULL);
  g_assert_true (
      ice_agent_gather (agent, ice_agent_add_stream (agent, 1), NULL));
  g_mutex_lock (&flow.lock);
  while (!flow.finalized
         && g_cond_wait_until (&flow.cond, &flow.lock, deadline))
    ;
  finalized = flow.finalized;
  g_mutex_unlock (&flow.lock);
  g_mutex_clear (&flow.lock);
  g_cond_clear (&flow.cond);
  return finalized;
}

/* The last agent goes in its own handler, on a dispatch thread: the
 * shared thread stops, and the next agent starts a new one. */
static void
test_dispose_in_own_handler (void)
{
  g_assert_true (agent_disposed_in_own_handler ());
  g_assert_true (agent_disposed_in_own_handler ());
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/lifetime/dispose-under-traffic",
                   test_dispose_under_traffic);
  g_test_add_func ("/io/lifetime/dispose-in-own-handler",
                   test_dispose_in_own_handler);
  return g_test_run ();
}
