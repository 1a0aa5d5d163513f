/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The answer of a plain STUN server to one datagram (RFC 8489 §6.3): a
 * Binding request gets a success response with XOR-MAPPED-ADDRESS, one
 * with unknown comprehension-required attributes a 420. Sans-IO: the
 * caller owns the socket (tools/serve-stun.c).
 */
#ifndef __ICE_STUN_BINDING_H__
#define __ICE_STUN_BINDING_H__

#include "ice/stun/stun-message.h"

G_BEGIN_DECLS

/**
 * IceStunBindingResult:
 * @ICE_STUN_BINDING_ANSWERED: a success response was built
 * @ICE_STUN_BINDING_REFUSED: an error response was built (420)
 * @ICE_STUN_BINDING_IGNORED: nothing to send: not STUN, not a Binding
 *   request, a bad FINGERPRINT, or an indication (§6.3.2)
 */
typedef enum {
  ICE_STUN_BINDING_ANSWERED,
  ICE_STUN_BINDING_REFUSED,
  ICE_STUN_BINDING_IGNORED,
} IceStunBindingResult;

/**
 * ice_stun_binding_answer:
 * @data: the datagram received
 * @len: its length
 * @from: where it came from: the mapped address to report
 * @software: (nullable): the SOFTWARE attribute of the answer
 * @out: where to build the answer
 * @capacity: size of @out (%ICE_STUN_MAX_MESSAGE_SIZE is enough)
 * @out_len: (out): the answer's length; 0 unless answered or refused
 *
 * Returns: what was done with the datagram.
 */
IceStunBindingResult ice_stun_binding_answer (const guint8 *data, gsize len,
                                              const IceTransportAddr *from,
                                              const gchar *software,
                                              guint8 *out, gsize capacity,
                                              gsize *out_len);

G_END_DECLS
#endif /* __ICE_STUN_BINDING_H__ */
