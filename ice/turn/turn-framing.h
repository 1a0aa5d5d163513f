/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TURN framing: ChannelData messages (RFC 8656 §12.4, §12.5) and the
 * splitting of a TCP/TLS byte stream into STUN and ChannelData messages
 * (RFC 8656 §12.5: over a stream, ChannelData is padded to 4 bytes and
 * the receiver uses the length fields to find message boundaries).
 */
#ifndef __ICE_TURN_FRAMING_H__
#define __ICE_TURN_FRAMING_H__

#include <glib.h>

G_BEGIN_DECLS

/* RFC 8656 §12: channel numbers 0x4000 through 0x4FFF */
#define ICE_TURN_CHANNEL_MIN 0x4000
#define ICE_TURN_CHANNEL_MAX 0x4FFF
#define ICE_TURN_CHANNEL_HEADER_SIZE 4

gboolean ice_turn_is_channel_data (const guint8 *data, gsize len);

void ice_turn_channel_data_header (guint8 header[4], guint16 channel,
                                   gsize payload_len);
gsize ice_turn_channel_data_write (guint8 *out, gsize out_size, guint16 channel,
                                   const guint8 *payload, gsize payload_len,
                                   gboolean pad);
gboolean ice_turn_channel_data_parse (const guint8 *data, gsize len,
                                      guint16 *channel, gsize *payload_len);

/**
 * IceTurnFrameResult:
 * @ICE_TURN_FRAME_NEED_MORE: the bytes so far do not hold a whole message
 * @ICE_TURN_FRAME_COMPLETE: a whole message is available
 * @ICE_TURN_FRAME_INVALID: the stream does not start with a STUN or
 *   ChannelData message: framing is lost and the connection must be closed
 */
typedef enum {
  ICE_TURN_FRAME_NEED_MORE = 0,
  ICE_TURN_FRAME_COMPLETE,
  ICE_TURN_FRAME_INVALID,
} IceTurnFrameResult;

IceTurnFrameResult ice_turn_frame_size (const guint8 *data, gsize avail,
                                        gsize *size);

typedef struct _IceTurnFramer IceTurnFramer;

IceTurnFramer *ice_turn_framer_new (void);
void ice_turn_framer_free (IceTurnFramer *framer);
void ice_turn_framer_push (IceTurnFramer *framer, const guint8 *data,
                           gsize len);
IceTurnFrameResult ice_turn_framer_pop (IceTurnFramer *framer,
                                        const guint8 **message, gsize *len);
gsize ice_turn_framer_pending (IceTurnFramer *framer);

G_END_DECLS
#endif /* __ICE_TURN_FRAMING_H__ */
