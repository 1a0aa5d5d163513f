/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GstIceWebRTCICE: webrtcbin's ICE agent (GstWebRTCICE, GStreamer 1.22)
 * on gst-ice's IceAgent. Hand one to webrtcbin at construction:
 *
 *   gst_element_factory_make_full ("webrtcbin", "ice-agent",
 *       g_object_new (GST_TYPE_ICE_WEBRTC_ICE, NULL), NULL);
 *
 * or, without linking to the plugin, get the type by name, which loads
 * the plugin icewebrtc: gst_dynamic_type_factory_load ("GstIceWebRTCICE").
 *
 * Ownership: webrtcbin 1.22 keeps the object given to "ice-agent" without
 * taking a reference and unrefs it when it is finalized, so pass a new
 * (floating) object and do not unref it; to keep a pointer of your own,
 * gst_object_ref() it first and unref that when done.
 */
#ifndef __GST_ICE_WEBRTC_ICE_H__
#define __GST_ICE_WEBRTC_ICE_H__

#include <gmodule.h>
#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

G_BEGIN_DECLS

#define GST_TYPE_ICE_WEBRTC_ICE (gst_ice_webrtc_ice_get_type ())
G_MODULE_EXPORT GType gst_ice_webrtc_ice_get_type (void);
G_DECLARE_FINAL_TYPE (GstIceWebRTCICE, gst_ice_webrtc_ice, GST, ICE_WEBRTC_ICE,
                      GstWebRTCICE)

G_END_DECLS
#endif /* __GST_ICE_WEBRTC_ICE_H__ */
