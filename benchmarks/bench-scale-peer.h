/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-scale -m: the peers of the muxed agents run in a second process
 * (each peer needs its own address, so its own socket: in the measured
 * process they would hide the mux's O(1) fds). The two processes talk
 * over the child's stdin/stdout, one line per message:
 *   parent → child  "D <i> <description>"  (g_strescape'd), then "E"
 *   child → parent  "D <i> <description>"  for each, then "E"
 *   parent → child  "T <seconds> <cycle>"  start traffic now
 *   child → parent  "R sent=.. received=.. refused=.. connected=..
 *                    rss_kib=.. cpu_s=.."   after traffic and drain
 */
#pragma once

#include <glib.h>

#define BENCH_SCALE_PACKET_SIZE 172
/* each agent sends once per cycle: 25 pkt/s by default (-c) */
#define BENCH_SCALE_CYCLE_MS 40
#define BENCH_SCALE_DRAIN_MS 500

typedef struct {
  guint64 sent, received, refused;
  guint connected;
  gdouble rss_kib, cpu_s;
} BenchPeerResult;

/* The child: @n controlling gst-ice agents on @threads contexts. */
gint bench_scale_peer_main (guint n, guint threads);

typedef struct _BenchPeerProc BenchPeerProc;
typedef void (*BenchPeerDescFunc) (guint index, const gchar *desc,
                                   gpointer data);

/* At most this many peers per process: each gst-ice agent holds two fds
 * (its socket, its netlink watch) and the hard limit here is 20,000. */
#define BENCH_PEERS_PER_PROCESS 4000

/* A peer process for the pairs [@base, @base + @n); its indices are
 * local (0 = @base), the callback of bench_peer_end_descs() gets global
 * ones. */
BenchPeerProc *bench_peer_spawn (const gchar *self, guint base, guint n,
                                 guint threads);
void bench_peer_send_desc (BenchPeerProc *proc, guint index, const gchar *desc);
/* Ends the descriptions; the child's come back to @func on @ctx. */
void bench_peer_end_descs (BenchPeerProc *proc, GMainContext *ctx,
                           BenchPeerDescFunc func, gpointer data);
void bench_peer_start_traffic (BenchPeerProc *proc, guint seconds,
                               guint cycle_ms);
gboolean bench_peer_finish (BenchPeerProc *proc, BenchPeerResult *out);
