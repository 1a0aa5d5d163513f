/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parsing and validating STUN messages (RFC 8489 §5, §14) as a view over
 * the caller's buffer: nothing is copied or allocated.
 */
#ifndef __ICE_STUN_MESSAGE_H__
#define __ICE_STUN_MESSAGE_H__

#include "ice/common/ice-addr.h"
#include "ice/stun/stun-constants.h"

G_BEGIN_DECLS

/**
 * IceStunParseResult:
 * Each way a datagram can fail to be a valid STUN message has its own value.
 * @ICE_STUN_PARSE_OK: valid; unknown comprehension-optional attributes ignored
 * @ICE_STUN_PARSE_TOO_SHORT: fewer than 20 bytes
 * @ICE_STUN_PARSE_NOT_STUN: the two most significant bits are not zero
 * @ICE_STUN_PARSE_BAD_COOKIE: the magic cookie is not 0x2112A442
 * @ICE_STUN_PARSE_BAD_LENGTH: the length field is not the datagram size - 20
 *   (or the message is 65536 bytes or longer, which @IceStunAttr offsets
 *   cannot address; only possible over TCP)
 * @ICE_STUN_PARSE_MISALIGNED: the length field is not a multiple of 4
 * @ICE_STUN_PARSE_TRUNCATED_ATTRIBUTE: an attribute (or its padding) runs past
 *   the end of the message
 * @ICE_STUN_PARSE_AFTER_FINGERPRINT: an attribute follows FINGERPRINT
 * @ICE_STUN_PARSE_BAD_ATTRIBUTE: a known attribute has an invalid length or
 *   value (e.g. XOR-MAPPED-ADDRESS of 5 bytes, FINGERPRINT not 4 bytes,
 *   MESSAGE-INTEGRITY not 20 bytes, SHA256 shorter than 16 or not a multiple
 *   of 4, a bad address family, ERROR-CODE class not 3-6 or number over 99,
 *   USERNAME over 763 bytes, REALM/NONCE/SOFTWARE/reason of 128 characters
 *   or more or over 763 bytes: RFC 8489 §14 receiver limits)
 * @ICE_STUN_PARSE_UNKNOWN_REQUIRED: one or more unknown
 *   comprehension-required attributes; the message is otherwise parsed and
 *   their types are in @unknown, so a server can answer 420 (RFC 8489 §6.3.1)
 * @ICE_STUN_PARSE_TOO_MANY_ATTRIBUTES: more than %ICE_STUN_MAX_ATTRIBUTES
 */
typedef enum {
  ICE_STUN_PARSE_OK = 0,
  ICE_STUN_PARSE_TOO_SHORT,
  ICE_STUN_PARSE_NOT_STUN,
  ICE_STUN_PARSE_BAD_COOKIE,
  ICE_STUN_PARSE_BAD_LENGTH,
  ICE_STUN_PARSE_MISALIGNED,
  ICE_STUN_PARSE_TRUNCATED_ATTRIBUTE,
  ICE_STUN_PARSE_AFTER_FINGERPRINT,
  ICE_STUN_PARSE_BAD_ATTRIBUTE,
  ICE_STUN_PARSE_UNKNOWN_REQUIRED,
  ICE_STUN_PARSE_TOO_MANY_ATTRIBUTES,
} IceStunParseResult;

/**
 * IceStunAttr:
 * @type: attribute type
 * @length: value length (without padding)
 * @offset: offset of the value from the start of the message
 */
typedef struct {
  guint16 type;
  guint16 length;
  guint16 offset;
} IceStunAttr;

/**
 * IceStunMessage:
 * A parsed view of a message; valid while the buffer it was parsed from is.
 * Attributes after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256
 * and FINGERPRINT are skipped (RFC 8489 §14.5): they are not in @attrs
 * (after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT is kept). Unknown
 * attributes before that point are in @attrs, so a caller can read an
 * optional one this codec does not know; duplicates are kept in order and
 * the accessors return the first (the _nth one any).
 * @integrity, @integrity_sha256 and @fingerprint index @attrs, or are -1.
 */
typedef struct {
  const guint8 *data;
  gsize len;
  guint16 method;
  IceStunClass klass;
  const guint8 *transaction_id; /* 12 bytes inside @data */
  guint n_attrs;
  IceStunAttr attrs[ICE_STUN_MAX_ATTRIBUTES];
  gint integrity;
  gint integrity_sha256;
  gint fingerprint;
  guint n_unknown;
  guint16 unknown[ICE_STUN_MAX_UNKNOWN];
} IceStunMessage;

const gchar *ice_stun_parse_result_to_string (IceStunParseResult result);

/* Cheap test for demultiplexing (RFC 7983 first byte 0-3 and RFC 8489 magic
 * cookie, length a multiple of 4 and equal to len - 20). No attribute is
 * read. */
gboolean ice_stun_is_message (const guint8 *data, gsize len);

IceStunParseResult ice_stun_message_parse (IceStunMessage *msg,
                                           const guint8 *data, gsize len);

/* Accessors. Each returns FALSE if the attribute is absent or malformed.
 * ice_stun_message_get_u32() needs a 4-byte value: for CHANNEL-NUMBER and
 * RESPONSE-PORT shift it right by 16, for REQUESTED-TRANSPORT and
 * (ADDITIONAL-/REQUESTED-)ADDRESS-FAMILY by 24. Addresses come back with
 * transport UDP and scope 0: the message does not carry them. */
const IceStunAttr *ice_stun_message_find (const IceStunMessage *msg,
                                          guint16 type);
gboolean ice_stun_message_has (const IceStunMessage *msg, guint16 type);
const guint8 *ice_stun_message_get_value (const IceStunMessage *msg,
                                          guint16 type, guint16 *length);
gboolean ice_stun_message_get_u32 (const IceStunMessage *msg, guint16 type,
                                   guint32 *value);
gboolean ice_stun_message_get_u64 (const IceStunMessage *msg, guint16 type,
                                   guint64 *value);
/**
 * ice_stun_message_get_string:
 * @buf: (out caller-allocates): receives the value and a NUL
 * @size: the size of @buf
 *
 * Copies a text attribute (USERNAME, REALM, NONCE, SOFTWARE, ...) as a
 * NUL-terminated string.
 *
 * Returns: %FALSE if absent, longer than @size - 1 or containing a NUL.
 */
gboolean ice_stun_message_get_string (const IceStunMessage *msg, guint16 type,
                                      gchar *buf, gsize size);
/**
 * ice_stun_message_get_xor_address:
 * @addr: (out): the decoded address
 *
 * XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS, IPv4 or IPv6
 * (RFC 8489 §14.2). The n-th occurrence (several XOR-PEER-ADDRESS may be
 * present) via ice_stun_message_get_xor_address_nth(), counting from 0.
 *
 * Returns: %FALSE if there is no such attribute.
 */
gboolean ice_stun_message_get_xor_address (const IceStunMessage *msg,
                                           guint16 type,
                                           IceTransportAddr *addr);
gboolean ice_stun_message_get_xor_address_nth (const IceStunMessage *msg,
                                               guint16 type, guint n,
                                               IceTransportAddr *addr);
/**
 * ice_stun_message_get_address:
 * @addr: (out): the address
 *
 * MAPPED-ADDRESS, ALTERNATE-SERVER, RESPONSE-ORIGIN, OTHER-ADDRESS: the
 * plain (not XOR'd) form of RFC 8489 §14.1.
 *
 * Returns: %FALSE if there is no such attribute.
 */
gboolean ice_stun_message_get_address (const IceStunMessage *msg, guint16 type,
                                       IceTransportAddr *addr);
/**
 * ice_stun_message_get_error_code:
 * @code: (out) (optional): class * 100 + number, 300 to 699
 * @reason: (out) (optional) (transfer none): the reason phrase, pointing
 *   into the message, not NUL-terminated
 * @reason_len: (out) (optional): its length in bytes
 *
 * Returns: %FALSE if there is no valid ERROR-CODE.
 */
gboolean ice_stun_message_get_error_code (const IceStunMessage *msg,
                                          guint *code, const gchar **reason,
                                          gsize *reason_len);
/**
 * ice_stun_message_get_unknown_attributes:
 * @types: (out caller-allocates) (array length=max): receives the types
 *
 * Returns: the number of types of UNKNOWN-ATTRIBUTES written, at most
 *   @max; 0 without the attribute.
 */
guint ice_stun_message_get_unknown_attributes (const IceStunMessage *msg,
                                               guint16 *types, guint max);
/**
 * ice_stun_message_get_password_algorithms:
 * @algorithms: (out caller-allocates) (array length=max): receives the
 *   algorithm numbers of PASSWORD-ALGORITHMS in order, their parameters
 *   skipped
 *
 * Returns: the number written, at most @max; 0 without the attribute.
 */
guint ice_stun_message_get_password_algorithms (const IceStunMessage *msg,
                                                guint16 *algorithms, guint max);

G_END_DECLS
#endif /* __ICE_STUN_MESSAGE_H__ */
