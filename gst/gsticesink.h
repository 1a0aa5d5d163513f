/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_ICE_SINK_H__
#define __GST_ICE_SINK_H__

#include <gst/gst.h>
#include <gst/base/gstbasesink.h>
#include <gio/gio.h>

#include "gsticecommon.h"

G_BEGIN_DECLS

#define GST_TYPE_ICE_SINK (gst_ice_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstIceSink, gst_ice_sink, GST, ICE_SINK, GstBaseSink)

/**
 * GstIceSink:
 * @ice: the link to the shared agent
 * @wait_for_connection: the "wait-for-connection" property
 * @cancellable: cancelled by unlock(), replaced by unlock_stop()
 * @messages, @vectors, @maps: preallocated for render_list, grown as needed
 * @dropped: buffers dropped because no pair was selected yet
 * @send_failed: buffers the kernel refused after a pair was selected
 * @last_send_ok: the previous send went out whole (streaming thread only)
 */
struct _GstIceSink {
  GstBaseSink parent;

  GstIceCommon ice;
  gboolean wait_for_connection;
  GCancellable *cancellable;

  GArray *messages; /* GOutputMessage */
  GArray *vectors;  /* GOutputVector */
  GArray *maps;     /* GstMapInfo */
  guint64 dropped;
  guint64 send_failed;
  gboolean last_send_ok;
};

G_END_DECLS
#endif /* __GST_ICE_SINK_H__ */
