/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The unread bytes of a stream (see ice-stream-buffer.h).
 */
#include "ice/common/ice-stream-buffer.h"

void
ice_stream_buffer_init (IceStreamBuffer *b)
{
  b->buf = g_byte_array_new ();
  b->read_pos = 0;
}

void
ice_stream_buffer_clear (IceStreamBuffer *b)
{
  g_clear_pointer (&b->buf, g_byte_array_unref);
  b->read_pos = 0;
}

/* Drops consumed bytes once they are the larger part of the buffer */
static void
compact (IceStreamBuffer *b)
{
  if (b->read_pos == 0 || b->read_pos < b->buf->len / 2)
    return;
  g_byte_array_remove_range (b->buf, 0, b->read_pos);
  b->read_pos = 0;
}

/**
 * ice_stream_buffer_push:
 *
 * Appends @len bytes; what an earlier peek returned becomes invalid. A
 * reader that takes every whole message after each push keeps at most
 * one partial message plus the last push.
 */
void
ice_stream_buffer_push (IceStreamBuffer *b, const guint8 *data, gsize len)
{
  if (len == 0)
    return;
  compact (b);
  g_byte_array_append (b->buf, data, len);
}

/**
 * ice_stream_buffer_peek:
 * @avail: (out): how many unread bytes there are
 *
 * Returns: (transfer none): the first unread byte, valid until the next
 *   push; %NULL when nothing is unread (an empty GByteArray may have no
 *   data, and NULL + 0 is undefined behaviour).
 */
const guint8 *
ice_stream_buffer_peek (IceStreamBuffer *b, gsize *avail)
{
  *avail = b->buf->len - b->read_pos;
  return *avail > 0 ? b->buf->data + b->read_pos : NULL;
}

/* Marks @len peeked bytes as read (they stay valid until the next push) */
void
ice_stream_buffer_consume (IceStreamBuffer *b, gsize len)
{
  g_return_if_fail (len <= b->buf->len - b->read_pos);
  b->read_pos += len;
}

/* Bytes held that no consume has taken yet */
gsize
ice_stream_buffer_pending (const IceStreamBuffer *b)
{
  return b->buf->len - b->read_pos;
}
