/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RFC 4571 framing (see ice-rfc4571.h). The reader keeps the unread
 * bytes in an IceStreamBuffer (as IceTurnFramer does, whose frames are
 * found by the STUN and ChannelData length fields instead, RFC 8656
 * §12.5) and hands out frames in place.
 */
#include "ice/common/ice-rfc4571.h"
#include "ice/common/ice-stream-buffer.h"

struct _IceRfc4571Reader {
  IceStreamBuffer stream;
  gsize max_frame;
};

/**
 * ice_rfc4571_write_header:
 * @header: (out): the two length bytes
 * @frame_len: the length of the frame that follows
 *
 * Returns: FALSE if @frame_len does not fit the 16-bit field.
 */
gboolean
ice_rfc4571_write_header (guint8 header[ICE_RFC4571_HEADER_SIZE],
                          gsize frame_len)
{
  if (frame_len > ICE_RFC4571_MAX_FRAME)
    return FALSE;
  header[0] = frame_len >> 8;
  header[1] = frame_len & 0xff;
  return TRUE;
}

/**
 * ice_rfc4571_reader_new:
 * @max_frame: the largest frame accepted, at most %ICE_RFC4571_MAX_FRAME
 *   (larger values are clamped)
 *
 * Returns: (transfer full): a reader; free with ice_rfc4571_reader_free().
 */
IceRfc4571Reader *
ice_rfc4571_reader_new (gsize max_frame)
{
  IceRfc4571Reader *r = g_new0 (IceRfc4571Reader, 1);

  ice_stream_buffer_init (&r->stream);
  r->max_frame = MIN (max_frame, ICE_RFC4571_MAX_FRAME);
  return r;
}

void
ice_rfc4571_reader_free (IceRfc4571Reader *reader)
{
  if (reader == NULL)
    return;
  ice_stream_buffer_clear (&reader->stream);
  g_free (reader);
}

/**
 * ice_rfc4571_reader_push:
 * @reader: the reader
 * @data: bytes read from the connection, any amount
 * @len: their number
 *
 * Appends bytes; frames returned by an earlier pop become invalid. Pop
 * after each push: what stays buffered is then at most one partial
 * frame (the header and the maximum) plus the last push.
 */
void
ice_rfc4571_reader_push (IceRfc4571Reader *reader, const guint8 *data,
                         gsize len)
{
  ice_stream_buffer_push (&reader->stream, data, len);
}

/**
 * ice_rfc4571_reader_pop:
 * @reader: the reader
 * @frame: (out) (transfer none): the next frame's payload, valid until
 *   the next push or pop; may be empty (a zero length is allowed)
 * @len: (out): its length
 *
 * Call until it returns something other than %ICE_RFC4571_COMPLETE.
 * %ICE_RFC4571_TOO_LARGE stays the answer: the stream has no way to
 * resynchronise.
 */
IceRfc4571Result
ice_rfc4571_reader_pop (IceRfc4571Reader *reader, const guint8 **frame,
                        gsize *len)
{
  gsize avail, size;
  const guint8 *p = ice_stream_buffer_peek (&reader->stream, &avail);

  *frame = NULL;
  *len = 0;
  if (avail < ICE_RFC4571_HEADER_SIZE)
    return ICE_RFC4571_NEED_MORE;
  size = ((gsize)p[0] << 8) | p[1];
  if (size > reader->max_frame)
    return ICE_RFC4571_TOO_LARGE;
  if (avail < ICE_RFC4571_HEADER_SIZE + size)
    return ICE_RFC4571_NEED_MORE;
  *frame = p + ICE_RFC4571_HEADER_SIZE;
  *len = size;
  ice_stream_buffer_consume (&reader->stream, ICE_RFC4571_HEADER_SIZE + size);
  return ICE_RFC4571_COMPLETE;
}

/* Bytes held that no pop has returned yet */
gsize
ice_rfc4571_reader_pending (IceRfc4571Reader *reader)
{
  return ice_stream_buffer_pending (&reader->stream);
}
