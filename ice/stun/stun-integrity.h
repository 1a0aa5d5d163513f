/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Credentials and integrity: MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5),
 * MESSAGE-INTEGRITY-SHA256 (§14.6), FINGERPRINT (§14.7), short- and
 * long-term keys (§9), USERHASH (§14.4), OpaqueString password preparation
 * (RFC 8265 §4.2), and the nonce cookie's security feature bits (§9.2).
 *
 * Implemented in stun-integrity.c (MACs, fingerprint, nonce cookie) and
 * stun-password.c (OpaqueString, keys, USERHASH).
 */
#ifndef __ICE_STUN_INTEGRITY_H__
#define __ICE_STUN_INTEGRITY_H__

#include "ice/stun/stun-message.h"

G_BEGIN_DECLS

/* RFC 8489 §14.5, §14.6: MAC sizes as sent */
#define ICE_STUN_HMAC_SHA1_SIZE 20
#define ICE_STUN_HMAC_SHA256_SIZE 32
/* RFC 8489 §14.6: a received SHA256 MAC is at least 16 bytes */
#define ICE_STUN_HMAC_SHA256_MIN_SIZE 16
#define ICE_STUN_USERHASH_SIZE 32

/**
 * IceStunKey:
 * @bytes: the key
 * @len: number of bytes used in @bytes
 *
 * A derived HMAC key: the prepared password (short-term), or MD5 (16 bytes)
 * or SHA-256 (32 bytes) of "username:realm:password" (long-term). A plain
 * value; clear it with memset when done if it must not linger.
 */
typedef struct {
  guint8 bytes[513];
  gsize len;
} IceStunKey;

/**
 * IceStunCheck:
 * @ICE_STUN_CHECK_ABSENT: the message carries no such attribute
 * @ICE_STUN_CHECK_OK: present and correct
 * @ICE_STUN_CHECK_BAD: present and wrong (or of a size not allowed)
 */
typedef enum {
  ICE_STUN_CHECK_ABSENT = 0,
  ICE_STUN_CHECK_OK,
  ICE_STUN_CHECK_BAD,
} IceStunCheck;

const gchar *ice_stun_check_to_string (IceStunCheck check);

/**
 * ice_stun_prepare_password:
 * @password: a NUL-terminated UTF-8 string
 * @error: (out) (optional): a static reason when %NULL is returned
 *
 * RFC 8265 §4.2 OpaqueString: non-ASCII spaces mapped to U+0020, NFC, then
 * every code point must be allowed by the FreeformClass (RFC 8264 §4.3);
 * an empty result is refused. There is no width or case mapping.
 * GLib's Unicode tables approximate the RFC 8264 §9 derivation; see
 * stun-password.c for what is exact and what is not.
 *
 * Returns: (transfer full) (nullable): the prepared password, or %NULL
 *   (and *@error set) for invalid UTF-8, a disallowed code point or an
 *   empty result.
 */
gchar *ice_stun_prepare_password (const gchar *password, const gchar **error);

/**
 * ice_stun_key_short_term:
 * Short-term key (RFC 8489 §9.1.1): the OpaqueString-prepared password.
 * Returns: FALSE if the password is refused or longer than 513 bytes.
 */
gboolean ice_stun_key_short_term (IceStunKey *key, const gchar *password);

/**
 * ice_stun_key_long_term:
 * Long-term key (RFC 8489 §9.2.2): MD5 or SHA-256 of
 * "username:realm:OpaqueString(password)". @username and @realm are hashed
 * as given (as sent in USERNAME and REALM, which their senders have
 * already processed, RFC 8489 §14.3, §14.9).
 * Returns: FALSE if the password is refused or @algorithm is neither MD5
 *   nor SHA256.
 */
gboolean ice_stun_key_long_term (IceStunKey *key,
                                 IceStunPasswordAlgorithm algorithm,
                                 const gchar *username, const gchar *realm,
                                 const gchar *password);

/**
 * ice_stun_userhash:
 * USERHASH (RFC 8489 §14.4): SHA-256 of "username:realm", both as given.
 */
void ice_stun_userhash (guint8 out[32], const gchar *username,
                        const gchar *realm);

/**
 * ice_stun_fingerprint_compute:
 * CRC-32 of @data[0..@len) xor 0x5354554e (RFC 8489 §14.7). @len is the
 * offset of the FINGERPRINT attribute; the header's length field must
 * already count that attribute (the builder and the check arrange this).
 */
guint32 ice_stun_fingerprint_compute (const guint8 *data, gsize len);

/**
 * ice_stun_message_check_fingerprint:
 * ABSENT without FINGERPRINT, else OK or BAD.
 */
IceStunCheck ice_stun_message_check_fingerprint (const IceStunMessage *msg);

/**
 * ice_stun_message_check_integrity:
 * Verifies MESSAGE-INTEGRITY-SHA256 if present, else MESSAGE-INTEGRITY,
 * with the message length field adjusted to end at that attribute (so
 * FINGERPRINT, and anything the parser skipped after the MAC, is ignored).
 * A SHA256 value shorter than 32 bytes is BAD unless @allow_truncated (a
 * usage that allows it, RFC 8489 §14.6); it must still be ≥ 16 bytes and a
 * multiple of 4. MACs are compared in constant time.
 */
IceStunCheck ice_stun_message_check_integrity (const IceStunMessage *msg,
                                               const IceStunKey *key,
                                               gboolean allow_truncated);

/* RFC 8489 §9.2: a NONCE that starts with "obMatJos2" carries 24 bits of
 * security features, base64-encoded in the next 4 characters. RFC 8489
 * §18.1 numbers the bits from 0 = most significant. */
#define ICE_STUN_NONCE_COOKIE "obMatJos2"
#define ICE_STUN_NONCE_COOKIE_LEN 9
#define ICE_STUN_FEATURE_PASSWORD_ALGORITHMS (1u << 23)
#define ICE_STUN_FEATURE_USERNAME_ANONYMITY (1u << 22)

/**
 * ice_stun_nonce_get_features:
 * @nonce: the NONCE value (not NUL-terminated)
 * @len: its length
 * @features: (out): the 24 feature bits, 0 when FALSE is returned
 *
 * Returns: TRUE if @nonce starts with the cookie followed by 4 valid
 *   base64 characters; FALSE without the cookie or with bad base64.
 */
gboolean ice_stun_nonce_get_features (const guint8 *nonce, gsize len,
                                      guint32 *features);

/* Constant-time comparison of two byte strings of length @len. */
gboolean ice_stun_mac_equal (const guint8 *a, const guint8 *b, gsize len);

G_END_DECLS
#endif /* __ICE_STUN_INTEGRITY_H__ */
