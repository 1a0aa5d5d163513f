/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_ICE_SRC_H__
#define __GST_ICE_SRC_H__

#include <gst/gst.h>
#include <gst/base/gstpushsrc.h>
#include <gio/gio.h>

#include "gsticecommon.h"

G_BEGIN_DECLS

#define GST_TYPE_ICE_SRC (gst_ice_src_get_type ())
G_DECLARE_FINAL_TYPE (GstIceSrc, gst_ice_src, GST, ICE_SRC, GstPushSrc)

/* Datagrams received per create() call. */
#define GST_ICE_SRC_BATCH 64
/* Room for one datagram in a pooled buffer (above the usual MTU; larger
 * datagrams come in memory of their own size) */
#define GST_ICE_SRC_SLOT_SIZE 2048

/**
 * GstIceSrc:
 * @ice: the link to the shared agent
 * @caps: the "caps" property
 * @cancellable: cancelled by unlock(), replaced by unlock_stop()
 * @pool: the buffers datagrams are received into (no allocation per
 *   datagram once the pool has grown to what is in flight downstream)
 * @bufs: buffers of @pool taken for the next receive call, mapped in
 *   @maps and described to the agent in @slots
 * @last_from: the source address of the previous datagram, and
 * @last_addr: its GSocketAddress, reused while the peer stays the same
 */
struct _GstIceSrc {
  GstPushSrc parent;

  GstIceCommon ice;
  GstCaps *caps;
  GCancellable *cancellable;
  GstBufferPool *pool;
  GstBuffer *bufs[GST_ICE_SRC_BATCH];
  GstMapInfo maps[GST_ICE_SRC_BATCH];
  IceAgentRecvSlot slots[GST_ICE_SRC_BATCH];
  IceTransportAddr last_from;
  GSocketAddress *last_addr;
};

G_END_DECLS
#endif /* __GST_ICE_SRC_H__ */
