/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The plugin "ice": icesrc and icesink, RTP (or any datagrams) over ICE.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticeelements.h"
#include "gsticelog.h"
#ifdef HAVE_GST_WEBRTC
#include "gsticewebrtcice.h"
#endif

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ret = FALSE;

  gst_ice_log_init ();
  ret |= GST_ELEMENT_REGISTER (icesrc, plugin);
  ret |= GST_ELEMENT_REGISTER (icesink, plugin);
#ifdef HAVE_GST_WEBRTC
  /* webrtcbin's ICE agent: found by g_type_from_name ("GstIceWebRTCICE")
   * once the plugin is loaded (docs/webrtcbin.md) */
  gst_type_mark_as_plugin_api (GST_TYPE_ICE_WEBRTC_ICE, 0);
#endif
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, ice,
                   "Carries RTP over ICE (icesrc, icesink)", plugin_init,
                   VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
