/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The named agent registry: elements with the same agent-name in one
 * process share one IceAgent (a refcounted table under a mutex, like
 * gst-plugins-bad's intersurface), with its streams and signallers.
 */
#ifndef __GST_ICE_ELEMENT_H__
#define __GST_ICE_ELEMENT_H__

#include <gst/gst.h>

#include "ice/io/ice-agent.h"
#include "gsticegatherlog.h"
#include "gsticesettings.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_ice_debug);

typedef struct _GstIceSharedAgent GstIceSharedAgent;

GstIceSharedAgent *
gst_ice_shared_agent_acquire (GstObject *element,
                              const GstIceSettings *settings);
void gst_ice_shared_agent_release (GstIceSharedAgent *shared,
                                   const GstIceSettings *settings);
IceAgent *gst_ice_shared_agent_get_agent (GstIceSharedAgent *shared);

void gst_ice_shared_agent_configure (GstIceSharedAgent *shared,
                                     GstObject *element,
                                     const GstIceSettings *settings);
gboolean gst_ice_shared_agent_add_turn_server (GstIceSharedAgent *shared,
                                               GstObject *element,
                                               const gchar *uri,
                                               GError **error);
gboolean gst_ice_shared_agent_start_stream (GstIceSharedAgent *shared,
                                            GstObject *element,
                                            const GstIceSettings *settings,
                                            GError **error);
void gst_ice_shared_agent_apply_remote_text (GstIceSharedAgent *shared,
                                             guint stream_id, const gchar *text,
                                             gboolean first);

gboolean gst_ice_shared_agent_has_stream (GstIceSharedAgent *shared,
                                          guint stream_id);
void gst_ice_shared_agent_restart (GstIceSharedAgent *shared);
gboolean gst_ice_shared_agent_next_gathered (GstIceSharedAgent *shared,
                                             guint stream_id,
                                             GstIceGatherCursor *cursor,
                                             gchar **line);

G_END_DECLS
#endif /* __GST_ICE_ELEMENT_H__ */
