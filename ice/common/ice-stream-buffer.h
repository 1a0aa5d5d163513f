/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The buffer under every reader that cuts a TCP byte stream into
 * messages (IceRfc4571Reader: 2-byte length frames, RFC 4571;
 * IceTurnFramer: STUN and ChannelData by their length fields, RFC 8656
 * §12.5): bytes are appended as they are read, messages are handed out in
 * place and consumed, and the consumed bytes are dropped once they are the
 * larger part of the buffer, so the copying stays proportional to the
 * data. Sans-IO: a reader decides where a message ends.
 */
#ifndef __ICE_STREAM_BUFFER_H__
#define __ICE_STREAM_BUFFER_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GByteArray *buf;
  gsize read_pos;
} IceStreamBuffer;

void ice_stream_buffer_init (IceStreamBuffer *b);
void ice_stream_buffer_clear (IceStreamBuffer *b);
void ice_stream_buffer_push (IceStreamBuffer *b, const guint8 *data, gsize len);
const guint8 *ice_stream_buffer_peek (IceStreamBuffer *b, gsize *avail);
void ice_stream_buffer_consume (IceStreamBuffer *b, gsize len);
gsize ice_stream_buffer_pending (const IceStreamBuffer *b);

G_END_DECLS
#endif /* __ICE_STREAM_BUFFER_H__ */
