/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Credentials and integrity: MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5),
 * MESSAGE-INTEGRITY-SHA256 (§14.6), FINGERPRINT (§14.7), short- and
 * long-term keys (§9), USERHASH (§14.4), OpaqueString password preparation
 * (RFC 8265 §4.2), and the nonce cookie's security feature bits (§9.2).
 */
#ifndef __ICE_STUN_INTEGRITY_H__
#define __ICE_STUN_INTEGRITY_H__

#include "ice/stun/stun-message.h"

G_BEGIN_DECLS

/**
 * IceStunKey:
 * A derived HMAC key: the prepared password (short-term), or MD5 (16 bytes)
 * or SHA-256 (32 bytes) of "username:realm:password" (long-term).
 */
typedef struct
{
  guint8 bytes[513];
  gsize len;
} IceStunKey;

typedef enum
{
  ICE_STUN_CHECK_ABSENT = 0,
  ICE_STUN_CHECK_OK,
  ICE_STUN_CHECK_BAD,
} IceStunCheck;

const gchar *ice_stun_check_to_string (IceStunCheck check);

/* RFC 8265 §4.2 OpaqueString: width mapping, NFC, non-ASCII spaces mapped to
 * U+0020; NULL (and *error set to a reason) for an empty result or a
 * disallowed code point. Returns a newly allocated string. */
gchar *ice_stun_prepare_password (const gchar * password,
    const gchar ** error);

/* Short-term key (RFC 8489 §9.1.1): the OpaqueString-prepared password. */
gboolean ice_stun_key_short_term (IceStunKey * key, const gchar * password);
/* Long-term key (RFC 8489 §9.2.2). @algorithm is MD5 or SHA256; the
 * password is prepared with OpaqueString first. FALSE if it is refused. */
gboolean ice_stun_key_long_term (IceStunKey * key,
    IceStunPasswordAlgorithm algorithm, const gchar * username,
    const gchar * realm, const gchar * password);
/* USERHASH (RFC 8489 §14.4): SHA-256 of "username:realm". */
void ice_stun_userhash (guint8 out[32], const gchar * username,
    const gchar * realm);

/* FINGERPRINT: CRC-32 of the message up to the attribute, xor 0x5354554e. */
guint32 ice_stun_fingerprint_compute (const guint8 * data, gsize len);
IceStunCheck ice_stun_message_check_fingerprint (const IceStunMessage * msg);

/* Verifies MESSAGE-INTEGRITY-SHA256 if present, else MESSAGE-INTEGRITY.
 * A SHA256 value shorter than 32 bytes is BAD unless @allow_truncated (a
 * usage that allows it, RFC 8489 §14.6). MACs are compared in constant
 * time. */
IceStunCheck ice_stun_message_check_integrity (const IceStunMessage * msg,
    const IceStunKey * key, gboolean allow_truncated);

/* RFC 8489 §9.2: a NONCE that starts with "obMatJos2" carries 24 bits of
 * security features, base64-encoded in the next 4 characters. */
#define ICE_STUN_NONCE_COOKIE "obMatJos2"
#define ICE_STUN_FEATURE_PASSWORD_ALGORITHMS (1u << 23)
#define ICE_STUN_FEATURE_USERNAME_ANONYMITY (1u << 22)
gboolean ice_stun_nonce_get_features (const guint8 * nonce, gsize len,
    guint32 * features);

/* Constant-time comparison of two byte strings of length @len. */
gboolean ice_stun_mac_equal (const guint8 * a, const guint8 * b, gsize len);

G_END_DECLS
#endif /* __ICE_STUN_INTEGRITY_H__ */
