/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ChannelData (RFC 8656 §12.4) and stream framing (RFC 8656 §12.5).
 */
#define G_LOG_DOMAIN "ice-turn"

#include "ice/turn/turn-framing.h"
#include "ice/common/ice-stream-buffer.h"
#include "ice/stun/stun-constants.h"

#include <string.h>

/* The bytes live in an IceStreamBuffer, as IceRfc4571Reader's do */
struct _IceTurnFramer {
  IceStreamBuffer stream;
};

static guint16
read_u16 (const guint8 *p)
{
  return (guint16)((p[0] << 8) | p[1]);
}

/**
 * ice_turn_is_channel_data:
 * @data: a datagram or framed message
 * @len: its length
 *
 * RFC 7983 §7 / RFC 8656 §12: the first byte of ChannelData is 64-79 (the
 * channel number's top bits 01), and the header is 4 bytes.
 *
 * Returns: TRUE if @data looks like ChannelData.
 */
gboolean
ice_turn_is_channel_data (const guint8 *data, gsize len)
{
  return data != NULL && len >= ICE_TURN_CHANNEL_HEADER_SIZE && data[0] >= 64
         && data[0] <= 79;
}

/**
 * ice_turn_channel_data_header:
 * @header: (out caller-allocates): 4 bytes
 * @channel: the channel number
 * @payload_len: the application data length (without padding)
 *
 * Writes the ChannelData header (RFC 8656 §12.4): channel number, then
 * the length of the application data.
 */
void
ice_turn_channel_data_header (guint8 header[4], guint16 channel,
                              gsize payload_len)
{
  header[0] = channel >> 8;
  header[1] = channel & 0xff;
  header[2] = (payload_len >> 8) & 0xff;
  header[3] = payload_len & 0xff;
}

/**
 * ice_turn_channel_data_write:
 * @out: where the message is written
 * @out_size: size of @out
 * @channel: the channel number
 * @payload: the application data
 * @payload_len: its length, at most 65535
 * @pad: TRUE over TCP/TLS: pad to a multiple of 4 bytes (RFC 8656 §12.5);
 *   FALSE over UDP, where no padding is sent
 *
 * Returns: the number of bytes written, or 0 if @out is too small or
 *   @payload_len too large.
 */
gsize
ice_turn_channel_data_write (guint8 *out, gsize out_size, guint16 channel,
                             const guint8 *payload, gsize payload_len,
                             gboolean pad)
{
  gsize total = ICE_TURN_CHANNEL_HEADER_SIZE + payload_len;
  gsize padded = pad ? (total + 3) & ~(gsize)3 : total;

  if (payload_len > 0xffff || padded > out_size || out == NULL)
    return 0;
  ice_turn_channel_data_header (out, channel, payload_len);
  if (payload_len > 0)
    memmove (out + ICE_TURN_CHANNEL_HEADER_SIZE, payload, payload_len);
  memset (out + total, 0, padded - total);
  return padded;
}

/**
 * ice_turn_channel_data_parse:
 * @data: a ChannelData message
 * @len: its length; may exceed the header's length by padding
 * @channel: (out): the channel number
 * @payload_len: (out): the application data length; the data start at
 *   offset 4
 *
 * RFC 8656 §12.5: the length field may be shorter than the datagram
 * (padding, over UDP too); a length field that runs past @len is refused.
 *
 * Returns: TRUE if @data is well-formed ChannelData.
 */
gboolean
ice_turn_channel_data_parse (const guint8 *data, gsize len, guint16 *channel,
                             gsize *payload_len)
{
  gsize length;

  if (!ice_turn_is_channel_data (data, len))
    return FALSE;
  length = read_u16 (data + 2);
  if (ICE_TURN_CHANNEL_HEADER_SIZE + length > len)
    return FALSE;
  *channel = read_u16 (data);
  *payload_len = length;
  return TRUE;
}

/**
 * ice_turn_frame_size:
 * @data: the start of the unread stream
 * @avail: how many bytes are available
 * @size: (out): the size of the first message (with padding) when
 *   %ICE_TURN_FRAME_COMPLETE, or the size needed when known
 *
 * Finds the first message's boundary: a STUN message (top bits 00) is
 * 20 bytes plus its length field; ChannelData is 4 bytes plus its length
 * padded to 4.
 */
IceTurnFrameResult
ice_turn_frame_size (const guint8 *data, gsize avail, gsize *size)
{
  gsize need;

  *size = 0;
  if (avail == 0)
    return ICE_TURN_FRAME_NEED_MORE;
  if (data[0] >= 64 && data[0] <= 79) {
    if (avail < ICE_TURN_CHANNEL_HEADER_SIZE)
      return ICE_TURN_FRAME_NEED_MORE;
    need = (ICE_TURN_CHANNEL_HEADER_SIZE + read_u16 (data + 2) + 3) & ~(gsize)3;
  } else if ((data[0] & 0xc0) == 0) {
    if (avail < 4)
      return ICE_TURN_FRAME_NEED_MORE;
    /* RFC 8489 §5: the length is a multiple of 4; anything else means
     * the stream is not STUN at this point */
    if (read_u16 (data + 2) % 4 != 0)
      return ICE_TURN_FRAME_INVALID;
    need = ICE_STUN_HEADER_SIZE + read_u16 (data + 2);
  } else {
    return ICE_TURN_FRAME_INVALID;
  }
  *size = need;
  return avail >= need ? ICE_TURN_FRAME_COMPLETE : ICE_TURN_FRAME_NEED_MORE;
}

/**
 * ice_turn_framer_new:
 *
 * A buffer that turns a byte stream from a TURN server (TCP or TLS after
 * decryption) into whole messages for ice_turn_client_handle_packet().
 *
 * Returns: (transfer full): a framer; free with ice_turn_framer_free().
 */
IceTurnFramer *
ice_turn_framer_new (void)
{
  IceTurnFramer *f = g_new0 (IceTurnFramer, 1);

  ice_stream_buffer_init (&f->stream);
  return f;
}

/**
 * ice_turn_framer_free:
 * @framer: (nullable) (transfer full): a framer
 *
 * Frees the framer and any bytes it still holds.
 */
void
ice_turn_framer_free (IceTurnFramer *framer)
{
  if (framer == NULL)
    return;
  ice_stream_buffer_clear (&framer->stream);
  g_free (framer);
}

/**
 * ice_turn_framer_push:
 * @framer: the framer
 * @data: bytes read from the stream, any amount
 * @len: their number
 *
 * Appends bytes. Messages returned by an earlier pop become invalid.
 */
void
ice_turn_framer_push (IceTurnFramer *framer, const guint8 *data, gsize len)
{
  g_return_if_fail (framer != NULL);
  g_return_if_fail (data != NULL || len == 0);

  ice_stream_buffer_push (&framer->stream, data, len);
}

/**
 * ice_turn_framer_pop:
 * @framer: the framer
 * @message: (out) (transfer none): the next message, valid until the next
 *   push or pop
 * @len: (out): its length, ChannelData padding included
 *
 * Call until it returns something other than %ICE_TURN_FRAME_COMPLETE.
 * After %ICE_TURN_FRAME_INVALID the stream is unusable (RFC 8656 §12.5
 * gives no way to resynchronise): close the connection.
 */
IceTurnFrameResult
ice_turn_framer_pop (IceTurnFramer *framer, const guint8 **message, gsize *len)
{
  IceTurnFrameResult res;
  const guint8 *data;
  gsize avail, size;

  g_return_val_if_fail (framer != NULL, ICE_TURN_FRAME_INVALID);

  *message = NULL;
  *len = 0;
  data = ice_stream_buffer_peek (&framer->stream, &avail);
  if (data == NULL)
    return ICE_TURN_FRAME_NEED_MORE;
  res = ice_turn_frame_size (data, avail, &size);
  if (res != ICE_TURN_FRAME_COMPLETE)
    return res;
  *message = data;
  *len = size;
  ice_stream_buffer_consume (&framer->stream, size);
  return res;
}

/**
 * ice_turn_framer_pending:
 *
 * Returns: the number of buffered bytes not yet returned by a pop.
 */
gsize
ice_turn_framer_pending (IceTurnFramer *framer)
{
  g_return_val_if_fail (framer != NULL, 0);
  return ice_stream_buffer_pending (&framer->stream);
}
