/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The file:// signaller: peers meet in a directory (a "room"), each
 * writing its RFC 8839 description to DIR/<id>.ice; the first two to
 * claim each other pair (docs/signalling-file.md). Room I/O runs on the
 * "gst-ice-signal" thread, never on the agent's packet thread.
 */
#ifndef __GST_ICE_SIGNALLER_H__
#define __GST_ICE_SIGNALLER_H__

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _GstIceFileSignaller GstIceFileSignaller;

/**
 * GstIceSignallerTextFunc:
 * @stream_id: the stream the text belongs to
 * @text: new lines of the paired peer's description; the first call for
 *   a peer carries its credentials (a=ice-ufrag, a=ice-pwd)
 * @first: %TRUE when @text starts a peer's description (the peer, or the
 *   peer restarted with a new ufrag)
 * @user_data: as given to gst_ice_file_signaller_start()
 *
 * Called on the signalling thread; gst_ice_file_signaller_free() waits for
 * a running call (or may be called from it).
 */
typedef void (*GstIceSignallerTextFunc) (guint stream_id, const gchar *text,
                                         gboolean first, gpointer user_data);

/**
 * GstIceSignallerProblemFunc:
 * @stream_id: the stream of the signaller
 * @fatal: %TRUE when the room cannot be used (unwritable, unreadable,
 *   gone): the signaller has stopped; %FALSE for a notice (the room is
 *   busy with another pair: we wait)
 * @message: what is wrong, for the user
 * @user_data: as given to gst_ice_file_signaller_start()
 *
 * Called on the signalling thread, like #GstIceSignallerTextFunc; a fatal
 * problem is reported once.
 */
typedef void (*GstIceSignallerProblemFunc) (guint stream_id, gboolean fatal,
                                            const gchar *message,
                                            gpointer user_data);

gboolean gst_ice_signaller_uri_is_valid (const gchar *uri, gchar **dir,
                                         GError **error);

GstIceFileSignaller *
gst_ice_file_signaller_new (const gchar *uri, guint stream_id, GError **error);
void gst_ice_file_signaller_start (GstIceFileSignaller *sig,
                                   GstIceSignallerTextFunc text_func,
                                   GstIceSignallerProblemFunc problem_func,
                                   gpointer user_data);
void gst_ice_file_signaller_publish (GstIceFileSignaller *sig,
                                     const gchar *description);
const gchar *gst_ice_file_signaller_get_dir (GstIceFileSignaller *sig);
void gst_ice_file_signaller_free (GstIceFileSignaller *sig);

G_END_DECLS
#endif /* __GST_ICE_SIGNALLER_H__ */
