/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a shared agent gathered, per stream and in order: its
 * "new-candidate" lines and "gathering-done" marks since the stream's
 * last ICE restart. An element that takes the agent after gathering
 * started relays them from here, so that it misses none.
 */
#ifndef __GST_ICE_GATHER_LOG_H__
#define __GST_ICE_GATHER_LOG_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GstIceGatherLog GstIceGatherLog;

/**
 * GstIceGatherCursor:
 * How far a reader went in one stream's log; zero-filled at first.
 */
typedef struct {
  guint generation;
  guint next;
} GstIceGatherCursor;

GstIceGatherLog *gst_ice_gather_log_new (void);
void gst_ice_gather_log_free (GstIceGatherLog *log);
void gst_ice_gather_log_append (GstIceGatherLog *log, guint stream_id,
                                const gchar *line);
void gst_ice_gather_log_restart (GstIceGatherLog *log, guint stream_id);
gboolean gst_ice_gather_log_next (GstIceGatherLog *log, guint stream_id,
                                  GstIceGatherCursor *cursor, gchar **line);

G_END_DECLS
#endif /* __GST_ICE_GATHER_LOG_H__ */
