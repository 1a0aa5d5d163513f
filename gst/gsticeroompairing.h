/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The pairing rule of a file:// room (docs/signalling-file.md), with no
 * I/O: the signaller feeds what it read and the time; this says whom we
 * claim and when we are paired.
 */
#ifndef __GST_ICE_ROOM_PAIRING_H__
#define __GST_ICE_ROOM_PAIRING_H__

#include <gst/gst.h>

#include "gsticeroomfile.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_ice_signaller_debug);

/**
 * GstIceRoomPeer:
 * @id: the file name without ".ice"
 * @file: its parsed content
 * @live: set by gst_ice_room_pairing_observe()
 *
 * Another peer's file of our stream, as read in one scan of the room.
 */
typedef struct {
  gchar *id;
  GstIceRoomFile file;
  gboolean live;
} GstIceRoomPeer;

typedef struct _GstIceRoomPairing GstIceRoomPairing;

GstIceRoomPeer *gst_ice_room_peer_new (const gchar *id, const gchar *text);
void gst_ice_room_peer_free (gpointer peer);

GstIceRoomPairing *gst_ice_room_pairing_new (const gchar *own_id,
                                             const gchar *room);
void gst_ice_room_pairing_free (GstIceRoomPairing *pairing);
void gst_ice_room_pairing_observe (GstIceRoomPairing *pairing,
                                   GstIceRoomPeer *peer);
void gst_ice_room_pairing_end_scan (GstIceRoomPairing *pairing);
gboolean gst_ice_room_pairing_update (GstIceRoomPairing *pairing,
                                      GPtrArray *peers, gint64 now_us,
                                      gboolean *became_busy);
const gchar *gst_ice_room_pairing_get_claim (GstIceRoomPairing *pairing);
gboolean gst_ice_room_pairing_is_paired (GstIceRoomPairing *pairing);
GstIceRoomPeer *gst_ice_room_pairing_find (GPtrArray *peers, const gchar *id);

G_END_DECLS
#endif /* __GST_ICE_ROOM_PAIRING_H__ */
