/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A signaller backend that lives in a plugin of its own, so that the
 * libraries it needs are loaded only by a process that uses it: the
 * ws:// and wss:// backend is the plugin icews (libsoup 3, json-glib).
 *
 * The plugin registers a subclass of GstIceSignallerProvider with
 * gst_dynamic_type_register(); the registry remembers the type's name,
 * and gst_ice_signaller_provider_load() loads the plugin the first time
 * a stream asks for that backend. Only the class is used: it carries the
 * backend's functions, and no instance is ever made. The base type is
 * in libgstice-1.0, which both plugins link, so that it is registered
 * once per process.
 */
#ifndef __GST_ICE_SIGNALLER_PROVIDER_H__
#define __GST_ICE_SIGNALLER_PROVIDER_H__

#include <glib-object.h>

#include "gsticesignaller.h"

G_BEGIN_DECLS

#define GST_TYPE_ICE_SIGNALLER_PROVIDER (gst_ice_signaller_provider_get_type ())
G_DECLARE_DERIVABLE_TYPE (GstIceSignallerProvider, gst_ice_signaller_provider,
                          GST, ICE_SIGNALLER_PROVIDER, GObject)

/**
 * GstIceSignallerProviderClass:
 * @uri_is_valid: checks a URI of the backend's schemes (any thread, no
 *   I/O): the element refuses the property when it fails
 * @create: a stopped backend for @stream_id, the impl of @backend, or
 *   %NULL with @error set (see gst_ice_signaller_new())
 * @backend: the functions the signaller calls on that impl
 */
struct _GstIceSignallerProviderClass {
  GObjectClass parent_class;

  gboolean (*uri_is_valid) (const gchar *uri, GError **error);
  gpointer (*create) (const GstIceSignallerConfig *config, guint stream_id,
                      GError **error);
  const GstIceSignallerBackend *backend;
};

GstIceSignallerProviderClass *
gst_ice_signaller_provider_load (const gchar *type_name,
                                 const gchar *plugin_name, GError **error);

G_END_DECLS
#endif /* __GST_ICE_SIGNALLER_PROVIDER_H__ */
