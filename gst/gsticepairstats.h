/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The per-path entries of an element's "stats": one structure per
 * candidate pair, local and remote candidate and the stream, named by id
 * in the style of webrtcbin's "get-stats" (docs/elements.md, "stats").
 */
#ifndef __GST_ICE_PAIR_STATS_H__
#define __GST_ICE_PAIR_STATS_H__

#include <gst/gst.h>

#include "ice/io/ice-agent.h"

G_BEGIN_DECLS

void gst_ice_pair_stats_add (GstStructure *stats, IceAgent *agent, guint stream,
                             guint component);

G_END_DECLS
#endif /* __GST_ICE_PAIR_STATS_H__ */
