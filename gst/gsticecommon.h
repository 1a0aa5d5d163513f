/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What icesrc and icesink share: the link to the shared agent, the
 * read-only properties, the signals and the element messages.
 */
#ifndef __GST_ICE_COMMON_H__
#define __GST_ICE_COMMON_H__

#include <gst/gst.h>

#include "gsticeelement.h"
#include "gsticesettings.h"

G_BEGIN_DECLS

/**
 * GstIceCommon:
 * Embedded in each element. @settings is guarded by the object lock;
 * @active is a snapshot taken when the agent is acquired (NULL→READY),
 * read without a lock by the streaming thread; @agent is valid from
 * acquire to release.
 */
typedef struct {
  GstElement *element;
  GstIceSettings settings;
  GstIceSettings active;
  GstIceSharedAgent *shared;
  IceAgent *agent;
  gulong handlers[6];
  GSource *catch_up; /* relays what was gathered before we listened */
  gboolean started;
  /* Remote candidates/descriptions given before the stream existed. */
  GPtrArray *pending;
  gint state; /* atomic: IceConnectionState of @active.stream */
  /* how far our stream's gathering was relayed; under relay_order */
  GstIceGatherCursor gather_cursor;
  /* Agent signals being relayed to the application right now, under the
   * object lock: release waits for them so that no handler reads the
   * properties of an element that already let go of its agent. */
  guint relaying;
  GThread *relay_thread; /* the agent's thread while relaying */
  GCond relayed;
  GRecMutex relay_order; /* one relay at a time, see begin_relay() */
} GstIceCommon;

void gst_ice_common_class_init (GObjectClass *klass);
GstIceCommon *gst_ice_common_from_element (gpointer element);
void gst_ice_common_init (GstIceCommon *common, GstElement *element);
void gst_ice_common_finalize (GstIceCommon *common);

gboolean gst_ice_common_set_property (GstIceCommon *common, guint prop_id,
                                      const GValue *value);
gboolean gst_ice_common_get_property (GstIceCommon *common, guint prop_id,
                                      GValue *value);

gboolean gst_ice_common_acquire (GstIceCommon *common);
gboolean gst_ice_common_start (GstIceCommon *common);
void gst_ice_common_release (GstIceCommon *common);

IceConnectionState gst_ice_common_get_state (GstIceCommon *common);
gboolean gst_ice_common_failed (GstIceCommon *common);
GstStructure *gst_ice_common_get_stats (GstIceCommon *common);

G_END_DECLS
#endif /* __GST_ICE_COMMON_H__ */
