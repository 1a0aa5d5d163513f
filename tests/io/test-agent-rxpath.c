/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The receive path's two readers (ice-agent-reader.c) and the kernel
 * offloads (ice-agent-send.c, ice-agent-recv.c) on real loopback sockets:
 * the consumer reads its socket itself, the agent answers STUN when the
 * consumer stays away or never reads, no datagram is lost or read twice
 * across cancels and pauses, strangers are still dropped, and a refused
 * GSO send falls back without losing or reordering anything.
 */
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

#include "io-test-util.h"

#define SIZE 1200
/* consent checks are 5 s apart (RFC 7675 §5.1): a few of them */
#define CONSENT_WAIT_US (20 * G_USEC_PER_SEC)

/* Sends datagrams @first..@first+@count-1 as ONE list (equal sizes). */
static void
send_list (IceAgent *agent, guint stream, guint32 first, guint count)
{
  guint8 (*buf)[SIZE] = g_malloc (count * SIZE);
  GOutputVector *vectors = g_new (GOutputVector, count);
  GOutputMessage *messages = g_new0 (GOutputMessage, count);
  guint i;

  for (i = 0; i < count; i++) {
    io_test_fill (buf[i], SIZE, first + i);
    vectors[i].buffer = buf[i];
    vectors[i].size = SIZE;
    messages[i].vectors = &vectors[i];
    messages[i].num_vectors = 1;
  }
  g_assert_cmpuint (ice_agent_send_messages (agent, stream, 1, messages, count),
                    ==, count);
  for (i = 0; i < count; i++)
    g_assert_cmpuint (messages[i].bytes_sent, ==, SIZE);
  g_free (messages);
  g_free (vectors);
  g_free (buf);
}

typedef struct {
  IceAgent *agent;
  guint stream;
  guint32 first;
  guint count;
} Expect;

static gpointer
expect_thread (gpointer data)
{
  Expect *e = data;

  io_test_expect_sequence (e->agent, e->stream, e->first, e->count);
  return NULL;
}

/* Sends @first..+@count (lists of 8, spaced) while a thread of b waits for
 * them in ice_agent_recv_batch(), so that b's consumer reads its socket
 * itself rather than finding what the agent queued. */
static void
flow_to_waiting_consumer (IoTestPair *pair, guint32 first, guint count)
{
  Expect e = { pair->b, pair->stream_b, first, count };
  GThread *thread = g_thread_new ("expect", expect_thread, &e);
  guint k;

  for (k = 0; k < count; k += 8) {
    g_usleep (2000); /* gives the consumer time to wait again */
    send_list (pair->a, pair->stream_a, first + k, MIN (8, count - k));
  }
  g_thread_join (thread);
}

static IceAgentStats
stats_of (IceAgent *agent)
{
  IceAgentStats stats;

  ice_agent_get_stats (agent, &stats);
  return stats;
}

static void
test_consumer_reads (void)
{
  IoTestPair pair = { 0 };
  IceAgentStats stats;
  guint k;

  io_test_pair_connect (&pair, ICE_NOMINATION_AGGRESSIVE, NULL, NULL);
  /* lists of 32 the agent or the consumer reads, in order either way */
  for (k = 0; k < 10; k++) {
    send_list (pair.a, pair.stream_a, k * 32, 32);
    io_test_expect_sequence (pair.b, pair.stream_b, k * 32, 32);
  }
  flow_to_waiting_consumer (&pair, 320, 320);
  stats = stats_of (pair.b);
  g_assert_cmpuint (stats.packets_received, ==, 640);
  /* the waiting consumer read the socket itself */
  g_assert_cmpuint (stats.consumer_reads, >, 0);
  g_assert_cmpuint (stats.queue_dropped, ==, 0);
  stats = stats_of (pair.a);
  g_test_message ("gso-sends %" G_GUINT64_FORMAT, stats.gso_sends);
  g_assert_cmpuint (stats.gso_fallbacks, ==, 0);
  io_test_pair_clear (&pair);
}

/* Waits until @agent has had more STUN responses than @before: its
 * consent checks were answered. */
static void
wait_consent_answered (IceAgent *agent, guint64 before)
{
  gint64 deadline = g_get_monotonic_time () + CONSENT_WAIT_US;

  while (stats_of (agent).responses_received <= before) {
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_usleep (10 * 1000);
  }
}

/* b reads as a consumer, then stays away (an icesrc paused or blocked
 * downstream): its agent takes the socket back and answers a's consent
 * checks; when b reads again, nothing was lost. */
static void
test_stun_after_consumer_leaves (void)
{
  IoTestPair pair = { 0 };
  IceAgentStats stats;

  io_test_pair_connect (&pair, ICE_NOMINATION_AGGRESSIVE, NULL, NULL);
  flow_to_waiting_consumer (&pair, 0, 32);
  g_assert_cmpuint (stats_of (pair.b).consumer_reads, >, 0);

  wait_consent_answered (pair.a, stats_of (pair.a).responses_received);
  stats = stats_of (pair.b);
  g_assert_cmpuint (stats.reader_handovers, >=, 1);
  g_assert_cmpint (ice_agent_get_connection_state (pair.a, pair.stream_a), !=,
                   ICE_CONNECTION_DISCONNECTED);
  /* media that came while b was away waits in the queue, in order */
  send_list (pair.a, pair.stream_a, 32, 32);
  io_test_expect_sequence (pair.b, pair.stream_b, 32, 32);
  io_test_pair_clear (&pair);
}

/* Send-only: b never reads media, its agent alone answers the checks. */
static void
test_send_only_answers (void)
{
  IoTestPair pair = { 0 };

  io_test_pair_connect (&pair, ICE_NOMINATION_AGGRESSIVE, NULL, NULL);
  send_list (pair.b, pair.stream_b, 0, 32);
  io_test_expect_sequence (pair.a, pair.stream_a, 0, 32);
  /* a reads as a consumer, b has none: b still answers a's consent */
  wait_consent_answered (pair.a, stats_of (pair.a).responses_received);
  g_assert_cmpuint (stats_of (pair.b).consumer_reads, ==, 0);
  io_test_pair_clear (&pair);
}

typedef struct {
  IceAgent *agent;
  guint stream;
  guint total;
  GMutex lock;
  GCancellable *current; /* the consumer's, cancelled now and then */
} Sender;

static gpointer
sender_thread (gpointer data)
{
  Sender *s = data;
  guint32 seq;

  for (seq = 0; seq < s->total; seq += 8) {
    send_list (s->agent, s->stream, seq, 8);
    if (seq % 400 == 0) {
      /* unlock(): the consumer's wait is cancelled while it may poll */
      g_mutex_lock (&s->lock);
      g_cancellable_cancel (s->current);
      g_mutex_unlock (&s->lock);
    }
    g_usleep (2000); /* pacing: ~4000 datagrams/s */
  }
  return NULL;
}

/* icesrc's unlock/unlock_stop and pauses while datagrams flow: the
 * consumer gets every datagram once, in order. */
static void
test_exactly_once_across_cancels (void)
{
  IoTestPair pair = { 0 };
  Sender s = { 0 };
  IceAgentDatagram batch[64];
  IceAgentStats stats;
  GThread *thread;
  GError *error = NULL;
  guint32 expected = 0;
  guint cancels = 0;
  gint n, i;

  io_test_pair_connect (&pair, ICE_NOMINATION_AGGRESSIVE, NULL, NULL);
  s.agent = pair.a;
  s.stream = pair.stream_a;
  s.total = 8000;
  g_mutex_init (&s.lock);
  s.current = g_cancellable_new ();
  thread = g_thread_new ("sender", sender_thread, &s);
  while (expected < s.total) {
    n = ice_agent_recv_batch (pair.b, pair.stream_b, 1, batch,
                              G_N_ELEMENTS (batch), IO_TEST_TIMEOUT_US,
                              s.current, &error);
    if (n < 0) {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      /* unlock_stop: a fresh cancellable; every other time a pause
       * longer than the lease (the agent takes the socket back) */
      g_mutex_lock (&s.lock);
      g_object_unref (s.current);
      s.current = g_cancellable_new ();
      g_mutex_unlock (&s.lock);
      if (cancels++ % 2 == 0)
        g_usleep (150 * 1000);
      continue;
    }
    g_assert_cmpint (n, >, 0);
    for (i = 0; i < n; i++) {
      gsize size;
      const guint8 *data = g_bytes_get_data (batch[i].bytes, &size);

      g_assert_cmpuint (io_test_seq (data, size), ==, expected);
      expected++;
      ice_agent_datagram_clear (&batch[i]);
    }
  }
  g_thread_join (thread);
  stats = stats_of (pair.b);
  g_test_message ("cancels %u, handovers %" G_GUINT64_FORMAT
                  ", consumer reads %" G_GUINT64_FORMAT,
                  cancels, stats.reader_handovers, stats.consumer_reads);
  g_assert_cmpuint (stats.packets_received, ==, s.total);
  g_assert_cmpuint (stats.queue_dropped, ==, 0);
  g_assert_cmpuint (stats.reader_handovers, >=, 1);
  g_assert_cmpuint (stats.consumer_reads, >, 0);
  g_object_unref (s.current);
  g_mutex_clear (&s.lock);
  io_test_pair_clear (&pair);
}

/* b's local address of the selected pair, from its candidate line */
static GSocketAddress *
selected_local_of (IceAgent *agent, guint stream)
{
  gchar *local = NULL, *remote = NULL, **f;
  GSocketAddress *addr;

  g_assert_true (
      ice_agent_get_selected_pair_strings (agent, stream, 1, &local, &remote));
  /* "candidate:F C UDP PRIO IP PORT typ host" */
  f = g_strsplit (local, " ", -1);
  g_assert_cmpuint (g_strv_length (f), >=, 6);
  addr = g_inet_socket_address_new_from_string (f[4], atoi (f[5]));
  g_assert_nonnull (addr);
  g_strfreev (f);
  g_free (local);
  g_free (remote);
  return addr;
}

/* Media from an address that never proved the credentials is dropped
 * and counted on the consumer's path too. */
static void
test_stranger_dropped (void)
{
  IoTestPair pair = { 0 };
  GSocket *stranger;
  GSocketAddress *to;
  guint8 junk[SIZE];
  Expect e = { NULL, 0, 8, 8 };
  GThread *thread;
  guint64 before, reads;
  guint k;

  io_test_pair_connect (&pair, ICE_NOMINATION_AGGRESSIVE, NULL, NULL);
  flow_to_waiting_consumer (&pair, 0, 8);
  before = stats_of (pair.b).dropped[ICE_DROP_UNAUTHENTICATED_SOURCE];
  reads = stats_of (pair.b).consumer_reads;
  e.agent = pair.b;
  e.stream = pair.stream_b;
  thread = g_thread_new ("expect", expect_thread, &e);
  g_usleep (2000); /* most likely waiting by now; either reader must drop */

  stranger = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                           G_SOCKET_PROTOCOL_UDP, NULL);
  to = selected_local_of (pair.b, pair.stream_b);
  io_test_fill (junk, SIZE, 999999);
  for (k = 0; k < 10; k++)
    g_assert_cmpint (
        g_socket_send_to (stranger, to, (gchar *)junk, SIZE, NULL, NULL), ==,
        SIZE);
  /* the stranger's datagrams are ahead of these in b's socket */
  send_list (pair.a, pair.stream_a, 8, 8);
  g_thread_join (thread);
  g_assert_cmpuint (stats_of (pair.b).dropped[ICE_DROP_UNAUTHENTICATED_SOURCE],
                    ==, before + 10);
  g_test_message (
      "consumer reads during the stranger's burst: %" G_GUINT64_FORMAT,
      stats_of (pair.b).consumer_reads - reads);
  g_assert_cmpuint (stats_of (pair.b).packets_received, ==, 16);
  g_object_unref (to);
  g_object_unref (stranger);
  io_test_pair_clear (&pair);
}

/* The first GSO send fails as a kernel without it would: the list is
 * resent datagram by datagram, counted once, GSO stays off. */
static void
test_gso_fallback (void)
{
  IoTestPair pair = { 0 };
  IceAgentStats stats;

  g_setenv ("ICE_AGENT_TEST_GSO_FAIL", "1", TRUE);
  io_test_pair_connect (&pair, ICE_NOMINATION_AGGRESSIVE, NULL, NULL);
  send_list (pair.a, pair.stream_a, 0, 32);
  g_unsetenv ("ICE_AGENT_TEST_GSO_FAIL");
  io_test_expect_sequence (pair.b, pair.stream_b, 0, 32);
  stats = stats_of (pair.a);
  g_assert_cmpuint (stats.gso_fallbacks, ==, 1);
  g_assert_cmpuint (stats.gso_sends, ==, 0);
  g_assert_cmpuint (stats.packets_sent, ==, 32);

  send_list (pair.a, pair.stream_a, 32, 32);
  io_test_expect_sequence (pair.b, pair.stream_b, 32, 32);
  stats = stats_of (pair.a);
  g_assert_cmpuint (stats.gso_fallbacks, ==, 1);
  g_assert_cmpuint (stats.gso_sends, ==, 0);
  g_assert_cmpuint (stats_of (pair.b).packets_received, ==, 64);
  io_test_pair_clear (&pair);
}

/* Without the failure the same list goes out as one GSO send (the
 * loopback kernel supports it since 4.18) and arrives whole, in order. */
static void
test_gso_used (void)
{
  IoTestPair pair = { 0 };
  IceAgentStats stats;

  io_test_pair_connect (&pair, ICE_NOMINATION_AGGRESSIVE, NULL, NULL);
  send_list (pair.a, pair.stream_a, 0, 32);
  io_test_expect_sequence (pair.b, pair.stream_b, 0, 32);
  stats = stats_of (pair.a);
  g_assert_cmpuint (stats.gso_sends, ==, 1);
  g_assert_cmpuint (stats.gso_fallbacks, ==, 0);
  g_test_message ("gro-segments %" G_GUINT64_FORMAT,
                  stats_of (pair.b).gro_segments);
  io_test_pair_clear (&pair);
}

/* receive-queue-capacity of both agents: small, so that the agent's
 * queue (the consumer away for longer than the lease) drops too */
#define SLOW_QUEUE 64
#define SLOW_BURST 2048

static void
small_queue (IceAgent *agent, gpointer data)
{
  g_object_set (agent, "receive-queue-capacity", SLOW_QUEUE, NULL);
}

/* The kernel must hold the whole burst (4 MiB asked, SO_RCVBUFFORCE as
 * root), or it drops the newest and the test measures nothing of ours. */
static gboolean
kernel_holds_burst (void)
{
  gchar *text = NULL;
  gboolean big;

  if (geteuid () == 0)
    return TRUE;
  big = g_file_get_contents ("/proc/sys/net/core/rmem_max", &text, NULL, NULL)
        && g_ascii_strtoull (text, NULL, 10) >= 4 * 1024 * 1024;
  g_free (text);
  return big;
}

/* Receives until datagram @last: how many, each newer than the one
 * before; *@first is the first one's sequence number. */
static guint
receive_until (IceAgent *agent, guint stream, guint32 last, guint32 *first)
{
  IceAgentDatagram batch[64];
  guint64 seen = G_MAXUINT64, got = 0;
  gint n, i;

  while (seen != last) {
    n = ice_agent_recv_batch (agent, stream, 1, batch, G_N_ELEMENTS (batch),
                              IO_TEST_TIMEOUT_US, NULL, NULL);
    g_assert_cmpint (n, >, 0);
    for (i = 0; i < n; i++) {
      gsize size;
      const guint8 *data = g_bytes_get_data (batch[i].bytes, &size);
      guint32 seq = io_test_seq (data, size);

      if (seen == G_MAXUINT64)
        *first = seq;
      else
        g_assert_cmpuint (seq, >, seen);
      seen = seq;
      got++;
      ice_agent_datagram_clear (&batch[i]);
    }
  }
  return got;
}

/* A burst far above what a slow consumer may leave behind: it gets the
 * newest datagrams, the oldest are dropped and counted (by the consumer's
 * own read, or by the agent's queue when the consumer was away for
 * longer than the lease), nothing is lost unaccounted, and what is kept
 * for it is bounded whatever the burst. */
static void
test_slow_consumer_bounded (void)
{
  IoTestPair pair = { 0 };
  IceAgentStats stats;
  guint32 first = 0;
  guint64 kept, k;

  if (!kernel_holds_burst ()) {
    g_test_skip ("the socket buffer cannot hold the burst (not root)");
    return;
  }
  io_test_pair_connect (&pair, ICE_NOMINATION_AGGRESSIVE, small_queue, NULL);
  /* b's consumer reads (and so owns its socket), then is away */
  send_list (pair.a, pair.stream_a, 0, 1);
  io_test_expect_sequence (pair.b, pair.stream_b, 0, 1);
  /* one datagram per send, as RTP comes (no GSO, so no GRO either) */
  for (k = 1; k <= SLOW_BURST; k++)
    send_list (pair.a, pair.stream_a, (guint32)k, 1);
  kept = receive_until (pair.b, pair.stream_b, SLOW_BURST, &first);
  stats = stats_of (pair.b);
  g_test_message ("kept %" G_GUINT64_FORMAT
                  " from %u, backlog-dropped %" G_GUINT64_FORMAT
                  ", queue-dropped %" G_GUINT64_FORMAT,
                  kept, first, stats.backlog_dropped, stats.queue_dropped);
  /* the oldest were dropped, the newest kept, none lost unaccounted */
  g_assert_cmpuint (first, >, 1);
  g_assert_cmpuint (kept, <, SLOW_BURST / 2);
  g_assert_cmpuint (kept + stats.backlog_dropped + stats.queue_dropped, ==,
                    SLOW_BURST);
  /* what the agent queued counts as received, dropped from the queue or
   * not; what the consumer dropped does not */
  g_assert_cmpuint (stats.packets_received, ==, kept + 1 + stats.queue_dropped);
  io_test_pair_clear (&pair);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agent-rxpath/consumer-reads", test_consumer_reads);
  g_test_add_func ("/agent-rxpath/exactly-once-across-cancels",
                   test_exactly_once_across_cancels);
  g_test_add_func ("/agent-rxpath/stranger-dropped", test_stranger_dropped);
  g_test_add_func ("/agent-rxpath/gso-used", test_gso_used);
  g_test_add_func ("/agent-rxpath/gso-fallback", test_gso_fallback);
  g_test_add_func ("/agent-rxpath/stun-after-consumer-leaves",
                   test_stun_after_consumer_leaves);
  g_test_add_func ("/agent-rxpath/send-only-answers", test_send_only_answers);
  g_test_add_func ("/agent-rxpath/slow-consumer-bounded",
                   test_slow_consumer_bounded);
  return g_test_run ();
}
