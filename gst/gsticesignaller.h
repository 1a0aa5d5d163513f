/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The file:// signaller: two peers meet in a directory (a "room"). Each
 * writes its RFC 8839 description to DIR/<ufrag>.ice and reads the other's
 * file as it grows.
 */
#ifndef __GST_ICE_SIGNALLER_H__
#define __GST_ICE_SIGNALLER_H__

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _GstIceFileSignaller GstIceFileSignaller;

/**
 * GstIceSignallerTextFunc:
 * @stream_id: the stream the text belongs to
 * @text: new complete lines of the peer's description; the first call for
 *   a peer carries its credentials (a=ice-ufrag, a=ice-pwd)
 * @first: %TRUE when @text starts a peer's description (a new peer, or the
 *   peer restarted with a new ufrag)
 * @user_data: as given to gst_ice_file_signaller_start()
 *
 * Called on the signaller's #GMainContext with no signaller lock held
 * except the one that makes gst_ice_file_signaller_free() wait for it.
 */
typedef void (*GstIceSignallerTextFunc) (guint stream_id, const gchar *text,
                                         gboolean first, gpointer user_data);

gboolean gst_ice_signaller_uri_is_valid (const gchar *uri, gchar **dir,
                                         GError **error);

GstIceFileSignaller *
gst_ice_file_signaller_new (const gchar *uri, guint stream_id, GError **error);
void gst_ice_file_signaller_start (GstIceFileSignaller *sig,
                                   GMainContext *context,
                                   GstIceSignallerTextFunc func,
                                   gpointer user_data);
gboolean gst_ice_file_signaller_publish (GstIceFileSignaller *sig,
                                         const gchar *ufrag,
                                         const gchar *description);
const gchar *gst_ice_file_signaller_get_dir (GstIceFileSignaller *sig);
void gst_ice_file_signaller_free (GstIceFileSignaller *sig);

G_END_DECLS
#endif /* __GST_ICE_SIGNALLER_H__ */
