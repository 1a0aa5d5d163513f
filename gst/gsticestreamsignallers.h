/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A shared agent's signallers, one per stream (file:// or ws://, behind
 * gsticesignaller.h), and the elements that use each (a signaller's
 * problems are posted on one of them).
 */
#ifndef __GST_ICE_STREAM_SIGNALLERS_H__
#define __GST_ICE_STREAM_SIGNALLERS_H__

#include <gst/gst.h>

#include "gsticesignaller.h"

G_BEGIN_DECLS

typedef struct _GstIceStreamSignallers GstIceStreamSignallers;

GstIceStreamSignallers *
gst_ice_stream_signallers_new (GstIceSignallerTextFunc text_func,
                               GstIceSignallerRestartFunc restart_func,
                               gpointer user_data);
gboolean gst_ice_stream_signallers_start (GstIceStreamSignallers *set,
                                          GstObject *element, guint stream_id,
                                          const GstIceSignallerConfig *config,
                                          GError **error);
gboolean gst_ice_stream_signallers_has (GstIceStreamSignallers *set,
                                        guint stream_id);
void gst_ice_stream_signallers_address_lost (GstIceStreamSignallers *set,
                                             const gchar *ip);
void gst_ice_stream_signallers_publish (GstIceStreamSignallers *set,
                                        guint stream_id,
                                        const gchar *description);
GList *gst_ice_stream_signallers_get_streams (GstIceStreamSignallers *set);
void gst_ice_stream_signallers_stop (GstIceStreamSignallers *set);
void gst_ice_stream_signallers_free (GstIceStreamSignallers *set);

G_END_DECLS
#endif /* __GST_ICE_STREAM_SIGNALLERS_H__ */
