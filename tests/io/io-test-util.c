/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "io-test-util.h"
#include "ice/mdns/mdns-message.h"
#include "ice/mdns/mdns-name.h"

typedef struct {
  IceAgent *peer;
  guint peer_stream;
} Trickle;

static void
on_new_candidate (IceAgent *agent, guint stream, const gchar *line,
                  gpointer data)
{
  Trickle *t = data;
  GError *error = NULL;

  if (!ice_agent_add_remote_candidate (t->peer, t->peer_stream, line, &error))
    g_error ("peer refused our candidate \"%s\": %s", line, error->message);
}

static void
on_gathering_done (IceAgent *agent, guint stream, gpointer data)
{
  Trickle *t = data;

  ice_agent_end_of_remote_candidates (t->peer, t->peer_stream);
}

static void
trickle_free (gpointer data, GClosure *closure)
{
  g_free (data);
}

static void
trickle_to (IceAgent *from, IceAgent *to, guint to_stream)
{
  Trickle *t = g_new0 (Trickle, 1);

  t->peer = to;
  t->peer_stream = to_stream;
  g_signal_connect_data (from, "new-candidate", G_CALLBACK (on_new_candidate),
                         t, trickle_free, 0);
  g_signal_connect (from, "gathering-done", G_CALLBACK (on_gathering_done), t);
}

static IceAgent *
make_agent (IceRole role, IceNomination nomination,
            void (*setup) (IceAgent *agent, gpointer data), gpointer data)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  IceAgent *agent = ice_agent_new (NULL);

  g_object_set (agent, "ice-role", role, "nomination", nomination,
                "bind-address", loopback, NULL);
  if (setup != NULL)
    setup (agent, data);
  return agent;
}

void
io_test_give_credentials (IceAgent *from, guint from_stream, IceAgent *to,
                          guint to_stream)
{
  gchar *ufrag, *pwd;

  g_assert_true (
      ice_agent_get_local_credentials (from, from_stream, &ufrag, &pwd));
  g_assert_true (ice_agent_set_remote_credentials (to, to_stream, ufrag, pwd));
  g_free (ufrag);
  g_free (pwd);
}

void
io_test_pair_start (IoTestPair *pair, IceNomination nomination,
                    void (*setup) (IceAgent *agent, gpointer data),
                    gpointer data)
{
  GError *error = NULL;

  pair->a = make_agent (ICE_ROLE_CONTROLLING, nomination, setup, data);
  pair->b = make_agent (ICE_ROLE_CONTROLLED, nomination, setup, data);
  pair->stream_a = ice_agent_add_stream (pair->a, 1);
  pair->stream_b = ice_agent_add_stream (pair->b, 1);
  g_assert_cmpuint (pair->stream_a, ==, 0);
  io_test_give_credentials (pair->a, pair->stream_a, pair->b, pair->stream_b);
  io_test_give_credentials (pair->b, pair->stream_b, pair->a, pair->stream_a);
  trickle_to (pair->a, pair->b, pair->stream_b);
  trickle_to (pair->b, pair->a, pair->stream_a);
  g_assert_true (ice_agent_gather (pair->a, pair->stream_a, &error));
  g_assert_no_error (error);
  g_assert_true (ice_agent_gather (pair->b, pair->stream_b, &error));
  g_assert_no_error (error);
}

void
io_test_pair_connect (IoTestPair *pair, IceNomination nomination,
                      void (*setup) (IceAgent *agent, gpointer data),
                      gpointer data)
{
  io_test_pair_start (pair, nomination, setup, data);
  g_assert_true (ice_agent_wait_connected (pair->a, pair->stream_a,
                                           IO_TEST_TIMEOUT_US, NULL));
  g_assert_true (ice_agent_wait_connected (pair->b, pair->stream_b,
                                           IO_TEST_TIMEOUT_US, NULL));
}

gboolean
io_test_pair_restart (gpointer data)
{
  IoTestPair *pair = data;

  ice_agent_restart (pair->a);
  ice_agent_restart (pair->b);
  io_test_give_credentials (pair->a, pair->stream_a, pair->b, pair->stream_b);
  io_test_give_credentials (pair->b, pair->stream_b, pair->a, pair->stream_a);
  return G_SOURCE_REMOVE;
}

void
io_test_pair_clear (IoTestPair *pair)
{
  /* a candidate signal still queued on the dispatch pool (a short test
   * can connect before the last one ran) must not reach a closed peer */
  if (pair->a != NULL)
    g_signal_handlers_disconnect_matched (pair->a, G_SIGNAL_MATCH_FUNC, 0, 0,
                                          NULL, on_new_candidate, NULL);
  if (pair->b != NULL)
    g_signal_handlers_disconnect_matched (pair->b, G_SIGNAL_MATCH_FUNC, 0, 0,
                                          NULL, on_new_candidate, NULL);
  g_clear_object (&pair->a);
  g_clear_object (&pair->b);
}

void
io_test_fill (guint8 *buf, gsize size, guint32 seq)
{
  gsize i;

  g_assert_cmpuint (size, >=, 5);
  buf[0] = 0x80;
  buf[1] = seq >> 24;
  buf[2] = seq >> 16;
  buf[3] = seq >> 8;
  buf[4] = seq;
  for (i = 5; i < size; i++)
    buf[i] = (guint8)(seq + i);
}

guint32
io_test_seq (const guint8 *buf, gsize size)
{
  g_assert_cmpuint (size, >=, 5);
  g_assert_cmpuint (buf[0], ==, 0x80);
  return ((guint32)buf[1] << 24) | (buf[2] << 16) | (buf[3] << 8) | buf[4];
}

void
io_test_expect_sequence (IceAgent *agent, guint stream, guint32 first_seq,
                         guint count)
{
  IceAgentDatagram batch[64];
  guint32 expected = first_seq;
  GError *error = NULL;
  gint n, i;

  while (expected < first_seq + count) {
    n = ice_agent_recv_batch (agent, stream, 1, batch, G_N_ELEMENTS (batch),
                              IO_TEST_TIMEOUT_US, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (n, >, 0);
    for (i = 0; i < n; i++) {
      gsize size;
      const guint8 *data = g_bytes_get_data (batch[i].bytes, &size);

      g_assert_cmpuint (io_test_seq (data, size), ==, expected);
      expected++;
      ice_agent_datagram_clear (&batch[i]);
    }
  }
  g_assert_cmpuint (expected, ==, first_seq + count);
}

gboolean
io_test_wait_stats (IceAgent *agent,
                    gboolean (*pred) (const IceAgentStats *stats,
                                      gpointer data),
                    gpointer data)
{
  return io_test_wait_stats_for (agent, IO_TEST_TIMEOUT_US, pred, data);
}

gboolean
io_test_wait_stats_for (IceAgent *agent, gint64 timeout_us,
                        gboolean (*pred) (const IceAgentStats *stats,
                                          gpointer data),
                        gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  IceAgentStats stats;

  for (;;) {
    ice_agent_get_stats (agent, &stats);
    if (pred (&stats, data))
      return TRUE;
    if (g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (1000);
  }
}

static void
gathered_on_candidate (IceAgent *agent, guint stream, const gchar *line,
                       gpointer data)
{
  IoTestGathered *g = data;

  g_mutex_lock (&g->lock);
  g_ptr_array_add (g->lines, g_strdup (line));
  g_mutex_unlock (&g->lock);
}

static void
gathered_on_done (IceAgent *agent, guint stream, gpointer data)
{
  IoTestGathered *g = data;

  g_mutex_lock (&g->lock);
  g->done = TRUE;
  g->done_us = g_get_monotonic_time ();
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}

void
io_test_gathered_watch (IoTestGathered *g, IceAgent *agent)
{
  memset (g, 0, sizeof (*g));
  g_mutex_init (&g->lock);
  g_cond_init (&g->cond);
  g->lines = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (agent, "new-candidate", G_CALLBACK (gathered_on_candidate),
                    g);
  g_signal_connect (agent, "gathering-done", G_CALLBACK (gathered_on_done), g);
}

gboolean
io_test_gathered_wait (IoTestGathered *g, gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  gboolean done;

  g_mutex_lock (&g->lock);
  while (!g->done && g_cond_wait_until (&g->cond, &g->lock, deadline))
    ;
  done = g->done;
  g_mutex_unlock (&g->lock);
  return done;
}

void
io_test_gathered_clear (IoTestGathered *g)
{
  g_ptr_array_unref (g->lines);
  g_mutex_clear (&g->lock);
  g_cond_clear (&g->cond);
}

/* Reads until a response for @name arrives; its source port and address. */
gboolean
io_test_mdns_receive_answer (GSocket *s, const gchar *name, gint64 wait_us,
                             guint16 *port, IceTransportAddr *addr)
{
  gint64 end = g_get_monotonic_time () + wait_us;
  IceMdnsMessage *msg = g_new0 (IceMdnsMessage, 1);
  guint8 buf[ICE_MDNS_MAX_MESSAGE];
  gboolean found = FALSE;

  while (!found && g_get_monotonic_time () < end) {
    GSocketAddress *from = NULL;
    gssize len = g_socket_receive_from (s, &from, (gchar *)buf, sizeof (buf),
                                        NULL, NULL);

    if (len > 0 && ice_mdns_message_parse (msg, buf, len) == ICE_MDNS_PARSE_OK
        && msg->is_response && msg->n_addresses == 1
        && ice_mdns_name_equal (msg->addresses[0].name, name)) {
      *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (from));
      *addr = msg->addresses[0].addr;
      found = TRUE;
    }
    g_clear_object (&from);
  }
  g_free (msg);
  return found;
}
