/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The base of the signaller backends that live in plugins of their own,
 * and their loading by type name (gsticesignallerprovider.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticesignallerprovider.h"

#include <gst/gst.h>

G_DEFINE_ABSTRACT_TYPE (GstIceSignallerProvider, gst_ice_signaller_provider,
                        G_TYPE_OBJECT)

static void
gst_ice_signaller_provider_class_init (GstIceSignallerProviderClass *klass)
{}

static void
gst_ice_signaller_provider_init (GstIceSignallerProvider *self)
{}

/* gst_dynamic_type_factory_load () without the two references to the
 * factory that it keeps (GStreamer 1.22): the registry finds the
 * feature, loading it loads its plugin, whose plugin_init registers the
 * type. */
static GType
load_dynamic_type (const gchar *type_name)
{
  GstPluginFeature *feature, *loaded;

  feature = gst_registry_find_feature (gst_registry_get (), type_name,
                                       GST_TYPE_DYNAMIC_TYPE_FACTORY);
  if (feature == NULL)
    return G_TYPE_INVALID;
  loaded = gst_plugin_feature_load (feature);
  gst_object_unref (feature);
  if (loaded == NULL)
    return G_TYPE_INVALID;
  gst_object_unref (loaded);
  return g_type_from_name (type_name);
}

/**
 * gst_ice_signaller_provider_load:
 * @type_name: the subclass's type name, as its plugin registered it
 * @plugin_name: that plugin, for the error message
 *
 * Loads the plugin through the registry if it is not loaded yet. Any
 * thread; blocks while the plugin loads (the first call only).
 *
 * Returns: (transfer none) (nullable): the class, valid for the life of
 *   the process, or %NULL with @error set when the plugin is missing.
 */
GstIceSignallerProviderClass *
gst_ice_signaller_provider_load (const gchar *type_name,
                                 const gchar *plugin_name, GError **error)
{
  GType type = load_dynamic_type (type_name);
  gpointer klass;

  if (type == G_TYPE_INVALID
      || !g_type_is_a (type, GST_TYPE_ICE_SIGNALLER_PROVIDER)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                 "the GStreamer plugin %s (type %s) was not found", plugin_name,
                 type_name);
    return NULL;
  }
  /* The class of a static type is never finalized, and GStreamer never
   * unloads a plugin: the pointer outlives this reference. */
  klass = g_type_class_ref (type);
  g_type_class_unref (klass);
  return klass;
}
