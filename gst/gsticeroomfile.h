/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One peer's file in a file:// room (docs/signalling-file.md): a few
 * header lines of the room protocol, then the peer's RFC 8839
 * description. Parsing, formatting, and the file I/O (atomic, private).
 */
#ifndef __GST_ICE_ROOM_FILE_H__
#define __GST_ICE_ROOM_FILE_H__

#include <gio/gio.h>

G_BEGIN_DECLS

#define GST_ICE_ROOM_FILE_SUFFIX ".ice"

/**
 * GstIceRoomFile:
 * @stream_id: a=mid (0 if absent)
 * @generation: a=x-gst-ice-generation, bumped by every write (0 if absent)
 * @peer: a=x-gst-ice-peer, the id this file claims, or %NULL
 * @ufrag: the description's a=ice-ufrag, or %NULL
 * @description: the description lines, without the header lines
 */
typedef struct {
  guint stream_id;
  guint64 generation;
  gchar *peer;
  gchar *ufrag;
  gchar **description;
} GstIceRoomFile;

void gst_ice_room_file_parse (const gchar *text, GstIceRoomFile *out);
void gst_ice_room_file_clear (GstIceRoomFile *file);
gchar *gst_ice_room_file_format (guint stream_id, guint64 generation,
                                 const gchar *peer, const gchar *description);

gchar *gst_ice_room_file_read (const gchar *path, GError **error);
gboolean gst_ice_room_file_write (const gchar *path, const gchar *text,
                                  GError **error);
gboolean gst_ice_room_dir_ensure (const gchar *dir, GError **error);
gboolean gst_ice_room_dir_check (const gchar *dir, const gchar *probe_name,
                                 GError **error);

G_END_DECLS
#endif /* __GST_ICE_ROOM_FILE_H__ */
