/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The GLib log domains of ice/ ("ice-session", "ice-stun", "ice-turn",
 * "ice-nat", "ice-agent") as GStreamer debug categories of the same
 * names, so that GST_DEBUG=ice-session:5 shows the ICE core's lines.
 */
#ifndef __GST_ICE_LOG_H__
#define __GST_ICE_LOG_H__

#include <gst/gst.h>

G_BEGIN_DECLS

void gst_ice_log_init (void);

G_END_DECLS
#endif /* __GST_ICE_LOG_H__ */
