/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The plugin "icews": the ws:// and wss:// signaller of icesrc and
 * icesink (docs/signalling.md), apart from the plugin ice so that only a
 * process that uses it maps libsoup 3 and its libraries. It registers
 * the type GstIceWsSignaller, a GstIceSignallerProvider, as a dynamic
 * type: the elements find it through the registry by that name, which
 * loads this plugin (gsticesignallerprovider.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticelog.h"
#include "gsticesignallerprovider.h"
#include "gsticewssignaller.h"
#include "gsticewsuri.h"

static gboolean
ws_uri_is_valid (const gchar *uri, GError **error)
{
  GstIceWsUri *parsed = gst_ice_ws_uri_parse (uri, NULL, error);

  if (parsed == NULL)
    return FALSE;
  gst_ice_ws_uri_free (parsed);
  return TRUE;
}

static gpointer
ws_create (const GstIceSignallerConfig *config, guint stream_id, GError **error)
{
  return gst_ice_ws_signaller_new (config, stream_id, error);
}

static void
ws_signaller_class_init (gpointer klass, gpointer data)
{
  GstIceSignallerProviderClass *provider = klass;

  provider->uri_is_valid = ws_uri_is_valid;
  provider->create = ws_create;
  provider->backend = gst_ice_ws_signaller_backend ();
}

/* Only the class is used: the instance is the base's. The C type
 * GstIceWsSignaller is the backend's state (gsticewssignaller-private.h),
 * hence no G_DEFINE_TYPE here. */
static GType
ws_signaller_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type)) {
    GType t = g_type_register_static_simple (
        GST_TYPE_ICE_SIGNALLER_PROVIDER,
        g_intern_static_string (GST_ICE_WS_SIGNALLER_TYPE_NAME),
        sizeof (GstIceSignallerProviderClass), ws_signaller_class_init,
        sizeof (GstIceSignallerProvider), NULL, 0);

    g_once_init_leave (&type, t);
  }
  return type;
}

static gboolean
plugin_init (GstPlugin *plugin)
{
  gst_ice_log_init ();
  return gst_dynamic_type_register (plugin, ws_signaller_get_type ());
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, icews,
                   "The ws:// and wss:// signaller of icesrc and icesink "
                   "(libsoup 3), loaded on demand",
                   plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME,
                   GST_PACKAGE_ORIGIN)
