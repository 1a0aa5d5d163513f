/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The file:// signaller: peers meet in a directory (a "room"), each
 * writing its RFC 8839 description to DIR/<id>.ice; the first two to
 * claim each other pair (docs/signalling-file.md). Room I/O runs on the
 * "gst-ice-signal" thread, never on the agent's packet thread.
 */
#ifndef __GST_ICE_FILE_SIGNALLER_H__
#define __GST_ICE_FILE_SIGNALLER_H__

#include "gsticesignaller.h"

G_BEGIN_DECLS

typedef struct _GstIceFileSignaller GstIceFileSignaller;

gboolean gst_ice_file_signaller_uri_is_valid (const gchar *uri, gchar **dir,
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
#endif /* __GST_ICE_FILE_SIGNALLER_H__ */
