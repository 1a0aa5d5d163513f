/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The plugin "icewebrtc": GstIceWebRTCICE, webrtcbin's ICE agent on
 * gst-ice (docs/webrtcbin.md), with its transports' datagram source and
 * sink. Apart from the plugin ice so that only a process that uses it
 * maps gstreamer-webrtc and the libraries it brings (SDP, video, audio,
 * RTP, ...). The type is registered as a dynamic type, so an application
 * gets it, loading this plugin, with
 * gst_dynamic_type_factory_load ("GstIceWebRTCICE").
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticelog.h"
#include "gsticewebrtcice.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  gst_ice_log_init ();
  gst_type_mark_as_plugin_api (GST_TYPE_ICE_WEBRTC_ICE, 0);
  return gst_dynamic_type_register (plugin, GST_TYPE_ICE_WEBRTC_ICE);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, icewebrtc,
                   "webrtcbin's ICE agent on gst-ice (GstIceWebRTCICE)",
                   plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME,
                   GST_PACKAGE_ORIGIN)
