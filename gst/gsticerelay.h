/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The shared agent's signals relayed to an icesrc/icesink.
 */
#ifndef __GST_ICE_RELAY_H__
#define __GST_ICE_RELAY_H__

#include "gsticecommon.h"

G_BEGIN_DECLS

void gst_ice_relay_attach (GstIceCommon *common);
void gst_ice_relay_detach (GstIceCommon *common, IceAgent *agent);
void gst_ice_relay_watch_eos (GstElement *element, GstPad *pad);

G_END_DECLS
#endif /* __GST_ICE_RELAY_H__ */
