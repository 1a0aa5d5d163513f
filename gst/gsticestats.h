/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The read-only properties of icesrc and icesink, answered by the agent:
 * states, selected pair, local description and the "stats" structure.
 */
#ifndef __GST_ICE_STATS_H__
#define __GST_ICE_STATS_H__

#include <gst/gst.h>

#include "ice/io/ice-agent.h"

G_BEGIN_DECLS

void gst_ice_stats_install_properties (GObjectClass *klass);
gboolean gst_ice_stats_get_property (IceAgent *agent, guint stream,
                                     guint component, guint prop_id,
                                     GValue *value);
GstStructure *gst_ice_stats_new_structure (IceAgent *agent);
gchar *gst_ice_stats_selected_pair_string (IceAgent *agent, guint stream,
                                           guint component);

G_END_DECLS
#endif /* __GST_ICE_STATS_H__ */
