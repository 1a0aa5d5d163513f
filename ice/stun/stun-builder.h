/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Building STUN messages into a caller's buffer (RFC 8489 §5, §14).
 * A builder never writes past its capacity: once an add does not fit,
 * @overflow is set, every later add fails and finish returns 0. The
 * header's length field is kept up to date after every add (stun-integrity.c
 * relies on it). Bad parameters (an unset address family, an error code
 * outside 300-699, NULL where data is needed) are refused with a critical
 * naming the expected value and leave the message as it was.
 */
#ifndef __ICE_STUN_BUILDER_H__
#define __ICE_STUN_BUILDER_H__

#include "ice/stun/stun-message.h"

G_BEGIN_DECLS

typedef struct {
  guint8 *buf;
  gsize capacity;
  gsize len;
  gboolean overflow;
} IceStunBuilder;

void ice_stun_builder_init (
    IceStunBuilder *b, guint8 *buf, gsize capacity, IceStunClass klass,
    guint16 method, const guint8 transaction_id[ICE_STUN_TRANSACTION_ID_SIZE]);
/* A success or error response to @request: same method and transaction id. */
void ice_stun_builder_init_response (IceStunBuilder *b, guint8 *buf,
                                     gsize capacity,
                                     const IceStunMessage *request,
                                     IceStunClass klass);

/* Appends an attribute, padding its value with zeros to 4 bytes and
 * updating the header's length field. Typed helpers below cover most
 * attributes; the rest go through add/add_u32/add_u64/add_flag:
 *   add_u32: PRIORITY, LIFETIME, CHANGE-REQUEST (ICE_STUN_CHANGE_*),
 *     CHANNEL-NUMBER and RESPONSE-PORT (value << 16),
 *     REQUESTED-TRANSPORT (17 << 24 for UDP), REQUESTED-ADDRESS-FAMILY and
 *     ADDITIONAL-ADDRESS-FAMILY (0x01 IPv4 / 0x02 IPv6, << 24);
 *   add_u64: ICE-CONTROLLING, ICE-CONTROLLED, RESERVATION-TOKEN;
 *   add_flag: USE-CANDIDATE, DONT-FRAGMENT;
 *   add: DATA, PADDING, USERHASH (32 bytes), EVEN-PORT (1 byte, 0x80 = R). */
gboolean ice_stun_builder_add (IceStunBuilder *b, guint16 type,
                               const void *value, gsize len);
gboolean ice_stun_builder_add_flag (IceStunBuilder *b, guint16 type);
gboolean ice_stun_builder_add_u32 (IceStunBuilder *b, guint16 type,
                                   guint32 value);
gboolean ice_stun_builder_add_u64 (IceStunBuilder *b, guint16 type,
                                   guint64 value);
gboolean ice_stun_builder_add_string (IceStunBuilder *b, guint16 type,
                                      const gchar *value);
gboolean ice_stun_builder_add_xor_address (IceStunBuilder *b, guint16 type,
                                           const IceTransportAddr *addr);
gboolean ice_stun_builder_add_address (IceStunBuilder *b, guint16 type,
                                       const IceTransportAddr *addr);
gboolean ice_stun_builder_add_error_code (IceStunBuilder *b, guint code,
                                          const gchar *reason);
/* An odd count is padded with two zero bytes. */
gboolean ice_stun_builder_add_unknown_attributes (IceStunBuilder *b,
                                                  const guint16 *types,
                                                  guint n);
/* PASSWORD-ALGORITHMS (list, parameters empty) and PASSWORD-ALGORITHM. */
gboolean ice_stun_builder_add_password_algorithms (IceStunBuilder *b,
                                                   const guint16 *algorithms,
                                                   guint n);
gboolean ice_stun_builder_add_password_algorithm (IceStunBuilder *b,
                                                  guint16 algorithm);

/* Integrity and fingerprint come last, in this order (RFC 8489 §14.5-14.7);
 * they are implemented in stun-integrity.c. */
gboolean ice_stun_builder_add_message_integrity (IceStunBuilder *b,
                                                 const guint8 *key,
                                                 gsize key_len);
gboolean ice_stun_builder_add_message_integrity_sha256 (IceStunBuilder *b,
                                                        const guint8 *key,
                                                        gsize key_len);
gboolean ice_stun_builder_add_fingerprint (IceStunBuilder *b);

/* The message length, or 0 if anything overflowed. */
gsize ice_stun_builder_finish (IceStunBuilder *b);

G_END_DECLS
#endif /* __ICE_STUN_BUILDER_H__ */
