/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The media paths of IceAgent on loopback: a consumer that never reads,
 * datagrams from strangers, and a full receive queue.
 */
#include <gio/gio.h>
#include <string.h>

#include "io-test-util.h"

#define DATAGRAM_SIZE 200

static void
send_range (IceAgent *agent, guint stream, guint32 first, guint count)
{
  guint8 buf[DATAGRAM_SIZE];
  guint32 seq;

  for (seq = first; seq < first + count; seq++) {
    io_test_fill (buf, sizeof (buf), seq);
    g_assert_cmpuint (ice_agent_send (agent, stream, 1, buf, sizeof (buf)), ==,
                      1);
  }
}

static gboolean
received_at_least (const IceAgentStats *stats, gpointer data)
{
  return stats->packets_received >= GPOINTER_TO_UINT (data);
}

static gboolean
responses_above (const IceAgentStats *stats, gpointer data)
{
  return stats->responses_received > *(guint64 *)data;
}

/* B never drains its queue (a send-only user): its sockets are still
 * read, so it keeps answering the consent checks of A (RFC 7675 §5.1:
 * every 4-6 s) while its queue overflows, and stays connected. */
static void
test_send_only_stays_connected (void)
{
  IoTestPair pair = { 0 };
  IceAgentStats stats;
  guint64 responses;
  gint64 deadline;
  gboolean answered = FALSE;

  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, NULL, NULL);
  send_range (pair.a, pair.stream_a, 0, 1500);
  g_assert_true (
      io_test_wait_stats (pair.b, received_at_least, GUINT_TO_POINTER (1500)));
  ice_agent_get_stats (pair.b, &stats);
  g_assert_cmpuint (stats.queue_dropped, ==,
                    1500 - ICE_AGENT_DEFAULT_QUEUE_CAPACITY);

  ice_agent_get_stats (pair.a, &stats);
  responses = stats.responses_received;
  /* consent is checked every 4-6 s: allow up to 8 s for one answer */
  deadline = g_get_monotonic_time () + 8 * G_USEC_PER_SEC;
  while (!answered && g_get_monotonic_time () < deadline)
    answered = io_test_wait_stats (pair.a, responses_above, &responses);
  g_assert_true (answered);
  g_assert_cmpint (ice_agent_get_connection_state (pair.b, pair.stream_b), <=,
                   ICE_CONNECTION_COMPLETED);
  g_assert_cmpint (ice_agent_get_connection_state (pair.b, pair.stream_b), >=,
                   ICE_CONNECTION_CONNECTED);
  /* and B's media still flows */
  send_range (pair.b, pair.stream_b, 7000, 10);
  io_test_expect_sequence (pair.a, pair.stream_a, 7000, 10);
  io_test_pair_clear (&pair);
}

static IceTransportAddr
selected_local_address (IceAgent *agent, guint stream)
{
  IceCandidate local;

  g_assert_true (ice_agent_get_selected_pair (agent, stream, 1, &local, NULL));
  return local.addr;
}

static void
send_from_stranger (const IceTransportAddr *to, guint count)
{
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);
  GSocketAddress *dest = g_inet_socket_address_new (lo, to->port);
  guint8 buf[DATAGRAM_SIZE];
  guint i;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  for (i = 0; i < count; i++) {
    io_test_fill (buf, sizeof (buf), 900 + i);
    g_assert_cmpint (
        g_socket_send_to (socket, dest, (gchar *)buf, sizeof (buf), NULL, NULL),
        ==, sizeof (buf));
  }
  g_object_unref (dest);
  g_object_unref (any);
  g_object_unref (lo);
  g_object_unref (socket);
}

/* Media from an address that never proved it knows the credentials is
 * dropped and counted (DESIGN §2). The peer's marker datagram, sent
 * after them to the same socket, proves they were processed. */
static void
test_unauthenticated_dropped (void)
{
  IoTestPair pair = { 0 };
  IceTransportAddr b_addr;
  IceAgentStats stats;

  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, NULL, NULL);
  b_addr = selected_local_address (pair.b, pair.stream_b);
  send_from_stranger (&b_addr, 10);
  send_range (pair.a, pair.stream_a, 1, 1);
  io_test_expect_sequence (pair.b, pair.stream_b, 1, 1);

  ice_agent_get_stats (pair.b, &stats);
  g_assert_cmpuint (stats.dropped[ICE_DROP_UNAUTHENTICATED_SOURCE], >=, 10);
  g_assert_cmpuint (stats.packets_received, ==, 1);
  io_test_pair_clear (&pair);
}

static void
small_queue (IceAgent *agent, gpointer data)
{
  g_object_set (agent, "receive-queue-capacity", 16, NULL);
}

/* A full queue drops the OLDEST and counts it: the newest 16 remain. */
static void
test_queue_overflow (void)
{
  IoTestPair pair = { 0 };
  IceAgentStats stats;

  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, small_queue, NULL);
  send_range (pair.a, pair.stream_a, 0, 100);
  g_assert_true (
      io_test_wait_stats (pair.b, received_at_least, GUINT_TO_POINTER (100)));
  ice_agent_get_stats (pair.b, &stats);
  g_assert_cmpuint (stats.queue_dropped, ==, 100 - 16);
  io_test_expect_sequence (pair.b, pair.stream_b, 100 - 16, 16);
  io_test_pair_clear (&pair);
}

typedef struct {
  GMutex lock;
  GCond cond;
  guint32 next;
  gboolean in_order;
} CallbackSink;

static void
on_datagrams (IceAgent *agent, guint stream, guint component,
              IceAgentDatagram *datagrams, guint n, gpointer data)
{
  CallbackSink *sink = data;
  guint i;

  g_mutex_lock (&sink->lock);
  for (i = 0; i < n; i++) {
    gsize size;
    const guint8 *bytes = g_bytes_get_data (datagrams[i].bytes, &size);

    sink->in_order &= io_test_seq (bytes, size) == sink->next;
    sink->next++;
  }
  g_cond_broadcast (&sink->cond);
  g_mutex_unlock (&sink->lock);
}

/* The callback mode bypasses the queue and sees every datagram in order. */
static void
test_receive_callback (void)
{
  IoTestPair pair = { 0 };
  CallbackSink sink = { 0 };
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  IceAgentStats stats;

  g_mutex_init (&sink.lock);
  g_cond_init (&sink.cond);
  sink.in_order = TRUE;
  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, NULL, NULL);
  g_assert_true (ice_agent_set_receive_callback (pair.b, pair.stream_b, 1,
                                                 on_datagrams, &sink, NULL));
  send_range (pair.a, pair.stream_a, 0, 500);
  g_mutex_lock (&sink.lock);
  while (sink.next < 500
         && g_cond_wait_until (&sink.cond, &sink.lock, deadline))
    ;
  g_assert_cmpuint (sink.next, ==, 500);
  g_assert_true (sink.in_order);
  g_mutex_unlock (&sink.lock);
  ice_agent_get_stats (pair.b, &stats);
  g_assert_cmpuint (stats.queue_dropped, ==, 0);
  io_test_pair_clear (&pair);
  g_mutex_clear (&sink.lock);
  g_cond_clear (&sink.cond);
}

/* Datagrams around and far above the 2 KiB receive slot arrive whole;
 * each is sent as two pieces (one datagram from two vectors). */
static void
test_large_datagrams (void)
{
  static const gsize sizes[] = { 2047, 2048, 2049, 9000, 65000 };
  IoTestPair pair = { 0 };
  GError *error = NULL;
  guint i;

  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, NULL, NULL);
  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    guint8 *buf = g_malloc (sizes[i]);
    GOutputVector vectors[2] = { { buf, 100 }, { buf + 100, sizes[i] - 100 } };

    io_test_fill (buf, sizes[i], i);
    g_assert_cmpuint (
        ice_agent_send_vectors (pair.a, pair.stream_a, 1, vectors, 2), ==, 1);
    g_free (buf);
  }
  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    IceAgentDatagram d = { 0 };
    guint8 *expected = g_malloc (sizes[i]);
    gsize size;
    const guint8 *data;

    g_assert_cmpint (ice_agent_recv_batch (pair.b, pair.stream_b, 1, &d, 1,
                                           IO_TEST_TIMEOUT_US, NULL, &error),
                     ==, 1);
    g_assert_no_error (error);
    data = g_bytes_get_data (d.bytes, &size);
    io_test_fill (expected, sizes[i], i);
    g_assert_cmpmem (data, size, expected, sizes[i]);
    ice_agent_datagram_clear (&d);
    g_free (expected);
  }
  io_test_pair_clear (&pair);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/media/unauthenticated-dropped",
                   test_unauthenticated_dropped);
  g_test_add_func ("/io/media/queue-overflow", test_queue_overflow);
  g_test_add_func ("/io/media/receive-callback", test_receive_callback);
  g_test_add_func ("/io/media/large-datagrams", test_large_datagrams);
  g_test_add_func ("/io/media/send-only-stays-connected",
                   test_send_only_stays_connected);
  return g_test_run ();
}
