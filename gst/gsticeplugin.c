/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The plugin "ice": icesrc and icesink, RTP (or any datagrams) over ICE.
 * The ws:// signaller (plugin icews) and webrtcbin's ICE agent (plugin
 * icewebrtc) are plugins of their own, loaded only when used; the code
 * that the three share is libgstice-1.0 (gst-libs/meson.build).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticeelements.h"
#include "gsticelog.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ret = FALSE;

  gst_ice_log_init ();
  ret |= GST_ELEMENT_REGISTER (icesrc, plugin);
  ret |= GST_ELEMENT_REGISTER (icesink, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, ice,
                   "Carries RTP over ICE (icesrc, icesink)", plugin_init,
                   VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
