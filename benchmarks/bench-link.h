/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * BenchLink: one sink element and one source element of the transport
 * under test, wired to each other on 127.0.0.1 (udpsink → udpsrc,
 * nicesink → nicesrc, icesink → icesrc), with the in-process signalling
 * that ICE needs.
 */
#ifndef __BENCH_LINK_H__
#define __BENCH_LINK_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum {
  BENCH_TRANSPORT_UDP,
  BENCH_TRANSPORT_NICE,
  BENCH_TRANSPORT_ICE,
} BenchTransport;

typedef struct _BenchLink BenchLink;

/**
 * bench_transport_from_string:
 * @name: "udp", "nice" or "ice"
 *
 * Returns: %FALSE if @name is none of those.
 */
gboolean bench_transport_from_string (const gchar *name, BenchTransport *out);

/**
 * bench_link_new:
 * @error: set when an element is missing (e.g. the ice plugin is not on
 *   GST_PLUGIN_PATH)
 *
 * Returns: (transfer full) (nullable): the link, whose elements are not in
 *   any pipeline yet
 */
BenchLink *bench_link_new (BenchTransport transport, GError **error);

/**
 * bench_link_get_sink:
 * Returns: (transfer none): the sending element, to put in a pipeline
 */
GstElement *bench_link_get_sink (BenchLink *link);

/**
 * bench_link_get_src:
 * Returns: (transfer none): the receiving element, to put in a pipeline
 */
GstElement *bench_link_get_src (BenchLink *link);

/**
 * bench_link_connect:
 * Call once the receiving pipeline is PLAYING and before the sending one
 * starts: points udpsink at udpsrc's port, or starts libnice's gathering
 * and candidate exchange (icesrc/icesink gather by themselves on start).
 *
 * Returns: %FALSE with @error set on failure.
 */
gboolean bench_link_connect (BenchLink *link, GError **error);

/**
 * bench_link_wait_connected:
 * @timeout_us: how long to wait
 *
 * Waits until both ends have a usable candidate pair (udp: at once).
 *
 * Returns: %FALSE with @error set on failure or timeout.
 */
gboolean bench_link_wait_connected (BenchLink *link, gint64 timeout_us,
                                    GError **error);

/**
 * bench_link_free:
 * Call after both pipelines are in NULL.
 */
void bench_link_free (BenchLink *link);

G_END_DECLS
#endif /* __BENCH_LINK_H__ */
