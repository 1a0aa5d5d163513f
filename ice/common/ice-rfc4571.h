/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RFC 4571 framing, sans-IO: over a TCP connection (ICE-TCP, RFC 6544
 * §3) every STUN message and media packet is preceded by a 16-bit
 * big-endian length. IceRfc4571Reader cuts a byte stream read in pieces
 * of any size into whole frames, with a maximum frame size below the
 * 65535 the length field allows; errors are result codes (the bytes come
 * from the network).
 */
#ifndef __ICE_RFC4571_H__
#define __ICE_RFC4571_H__

#include <glib.h>

G_BEGIN_DECLS

#define ICE_RFC4571_HEADER_SIZE 2
#define ICE_RFC4571_MAX_FRAME 65535

/**
 * IceRfc4571Result:
 * @ICE_RFC4571_NEED_MORE: no whole frame yet
 * @ICE_RFC4571_COMPLETE: a whole frame is available
 * @ICE_RFC4571_TOO_LARGE: the next frame's length exceeds the reader's
 *   maximum: the stream cannot be trusted further, close the connection
 */
typedef enum {
  ICE_RFC4571_NEED_MORE = 0,
  ICE_RFC4571_COMPLETE,
  ICE_RFC4571_TOO_LARGE,
} IceRfc4571Result;

gboolean ice_rfc4571_write_header (guint8 header[ICE_RFC4571_HEADER_SIZE],
                                   gsize frame_len);

typedef struct _IceRfc4571Reader IceRfc4571Reader;

IceRfc4571Reader *ice_rfc4571_reader_new (gsize max_frame);
void ice_rfc4571_reader_free (IceRfc4571Reader *reader);
void ice_rfc4571_reader_push (IceRfc4571Reader *reader, const guint8 *data,
                              gsize len);
IceRfc4571Result ice_rfc4571_reader_pop (IceRfc4571Reader *reader,
                                         const guint8 **frame, gsize *len);
gsize ice_rfc4571_reader_pending (IceRfc4571Reader *reader);

G_END_DECLS
#endif /* __ICE_RFC4571_H__ */
