/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers of the io tests: two IceAgents on loopback that trickle their
 * candidates to each other through the signals, and sequence-numbered
 * datagrams.
 */
#ifndef __IO_TEST_UTIL_H__
#define __IO_TEST_UTIL_H__

#include "ice/io/ice-agent.h"

G_BEGIN_DECLS

/* Every wait in these tests gives up after this long: a failure fails. */
#define IO_TEST_TIMEOUT_US (5 * G_USEC_PER_SEC)

typedef struct {
  IceAgent *a; /* controlling */
  IceAgent *b; /* controlled */
  guint stream_a;
  guint stream_b;
} IoTestPair;

/* Two agents on 127.0.0.1 (shared gst-ice context), credentials exchanged,
 * candidates trickled by the "new-candidate" handlers; gathering started.
 * @setup may set properties on both before the streams exist. */
void io_test_pair_start (IoTestPair *pair, IceNomination nomination,
                         void (*setup) (IceAgent *agent, gpointer data),
                         gpointer data);
/* Starts and waits for both ends to be connected (asserts). */
void io_test_pair_connect (IoTestPair *pair, IceNomination nomination,
                           void (*setup) (IceAgent *agent, gpointer data),
                           gpointer data);
void io_test_pair_clear (IoTestPair *pair);

/* Gives @from's local ufrag and password of @from_stream to @to as the
 * remote ones of @to_stream (asserts both calls succeed). */
void io_test_give_credentials (IceAgent *from, guint from_stream, IceAgent *to,
                               guint to_stream);

/* Restarts both agents of @pair (an IoTestPair *; RFC 8445 §9) and gives
 * each the other's new credentials. A GSourceFunc (G_SOURCE_REMOVE) to
 * g_main_context_invoke() on the agents' context: their new candidates
 * are signalled only after it returns, so each peer knows the new
 * credentials before it gets them. */
gboolean io_test_pair_restart (gpointer pair);

/* A datagram of @size bytes (>= 4) carrying @seq big-endian in front,
 * first byte 0x80 like RTP so it is never taken for STUN. */
void io_test_fill (guint8 *buf, gsize size, guint32 seq);
guint32 io_test_seq (const guint8 *buf, gsize size);

/* Receives exactly @count datagrams on (stream, component 1) and asserts
 * they carry @first_seq, @first_seq+1, ... in order. */
void io_test_expect_sequence (IceAgent *agent, guint stream, guint32 first_seq,
                              guint count);

/* Polls a counter of ice_agent_get_stats() (there is no event for it)
 * until @pred holds or IO_TEST_TIMEOUT_US passes; returns the result. */
gboolean io_test_wait_stats (IceAgent *agent,
                             gboolean (*pred) (const IceAgentStats *stats,
                                               gpointer data),
                             gpointer data);

/* The same with a deadline of @timeout_us (for counters that move only
 * after a protocol timeout, longer than IO_TEST_TIMEOUT_US). */
gboolean io_test_wait_stats_for (IceAgent *agent, gint64 timeout_us,
                                 gboolean (*pred) (const IceAgentStats *stats,
                                                   gpointer data),
                                 gpointer data);

/* The "new-candidate" lines of an agent and when its "gathering-done"
 * came (any stream). */
typedef struct {
  GMutex lock;
  GCond cond;
  GPtrArray *lines; /* gchar *, owned */
  gboolean done;
  gint64 done_us;
} IoTestGathered;

/* Initialises @g and connects it to @agent's signals; @g must outlive
 * the agent's signals (unref the agent first). */
void io_test_gathered_watch (IoTestGathered *g, IceAgent *agent);
/* Waits up to @timeout_us for gathering-done; TRUE if it came. */
gboolean io_test_gathered_wait (IoTestGathered *g, gint64 timeout_us);
void io_test_gathered_clear (IoTestGathered *g);

/* Reads mDNS messages on @s until a response naming @name (one address
 * record) arrives or @wait_us passed: its source port and address. */
gboolean io_test_mdns_receive_answer (GSocket *s, const gchar *name,
                                      gint64 wait_us, guint16 *port,
                                      IceTransportAddr *addr);

G_END_DECLS
#endif /* __IO_TEST_UTIL_H__ */
