/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * BenchSrc: a source that pushes fixed-size datagrams as fast as the sink
 * takes them or at a fixed packet rate, as single buffers or buffer lists.
 * Each payload starts with a BenchHeader so the receiver can tell when a
 * packet was sent.
 */
#ifndef __BENCH_SRC_H__
#define __BENCH_SRC_H__

#include <gst/base/gstbasesrc.h>

G_BEGIN_DECLS

#define BENCH_HEADER_MAGIC 0x42454e43u /* "BENC" */

/**
 * BenchHeader:
 * @magic: %BENCH_HEADER_MAGIC
 * @seq: packet number, from 0
 * @sent_us: g_get_monotonic_time() when the packet was made
 *
 * The first bytes of every payload (host byte order: sender and receiver
 * share one process).
 */
typedef struct {
  guint32 magic;
  guint32 pad;
  guint64 seq;
  gint64 sent_us;
} BenchHeader;

#define BENCH_TYPE_SRC (bench_src_get_type ())
G_DECLARE_FINAL_TYPE (BenchSrc, bench_src, BENCH, SRC, GstBaseSrc)

/**
 * bench_src_new:
 * @packet_size: bytes per datagram, at least sizeof (BenchHeader)
 * @list_size: datagrams per push; 1 pushes single buffers, more pushes
 *   buffer lists
 * @rate_pps: datagrams per second, or 0 for as fast as downstream takes
 *   them
 *
 * The source holds its first push until bench_src_start() is called.
 *
 * Returns: (transfer floating): a new source element
 */
GstElement *bench_src_new (guint packet_size, guint list_size, guint rate_pps);

/**
 * bench_src_start:
 * Lets the source push (e.g. once the transport is connected).
 */
void bench_src_start (BenchSrc *src);

/**
 * bench_src_stop:
 * Makes the next push an end of stream; nothing more is sent.
 */
void bench_src_stop (BenchSrc *src);

/**
 * bench_src_get_sent:
 * Returns: the number of datagrams pushed downstream and accepted so far.
 */
guint64 bench_src_get_sent (BenchSrc *src);

/**
 * bench_src_get_thread_cpu_us:
 * Returns: CPU time (user + system, µs) used so far by the streaming thread
 *   that pushes into the sink (the send path runs in it), or -1 before the
 *   first push. Only valid while the source is running.
 */
gint64 bench_src_get_thread_cpu_us (BenchSrc *src);

G_END_DECLS
#endif /* __BENCH_SRC_H__ */
