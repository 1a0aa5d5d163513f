/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * MESSAGE-INTEGRITY (RFC 8489 §14.5), MESSAGE-INTEGRITY-SHA256 (§14.6) and
 * FINGERPRINT (§14.7): computing them into a builder and checking them in a
 * parsed message; and the nonce cookie's feature bits (§9.2).
 *
 * Each value covers the message up to its own attribute, with the header's
 * length field counting the message up to the end of that attribute. When
 * checking, the adjusted 20-byte header is fed to the MAC or CRC first and
 * the rest of the message follows from the caller's buffer, so nothing is
 * copied.
 */
#define G_LOG_DOMAIN "ice-stun"

#include "ice/stun/stun-integrity.h"
#include "ice/stun/stun-builder.h"

#include <string.h>
#include <zlib.h>

/* RFC 8489 §14.7 */
#define FINGERPRINT_XOR 0x5354554eu
#define FINGERPRINT_SIZE 4
#define ATTR_HEADER_SIZE 4

/* HMAC with @digest (SHA-1 or SHA-256) over @header (20 bytes, length
 * field already adjusted) followed by @body. Writes @out_size bytes.
 * GLib's GHmac, not OpenSSL: initialising OpenSSL and fetching its HMAC
 * costs a process about 1 MiB of RSS, and only TLS to a TURN server
 * needs OpenSSL (ice/io/ice-agent-tls.c). */
static gboolean
hmac_compute (GChecksumType digest, const guint8 *key, gsize key_len,
              const guint8 *header, const guint8 *body, gsize body_len,
              guint8 *out, gsize out_size)
{
  static const guint8 empty_key[1] = { 0 };
  gsize written = out_size;
  GHmac *hmac;

  /* an empty key is legal (RFC 2104 pads it to the block size) */
  hmac = g_hmac_new (digest, key_len > 0 ? key : empty_key, key_len);
  if (hmac == NULL)
    return FALSE;
  g_hmac_update (hmac, header, ICE_STUN_HEADER_SIZE);
  g_hmac_update (hmac, body, (gssize)body_len);
  g_hmac_get_digest (hmac, out, &written);
  g_hmac_unref (hmac);
  return written == out_size;
}

/* A copy of the first 20 bytes of @data whose length field says the
 * message ends at @end (an offset from the start of the message). */
static void
header_with_length (guint8 header[ICE_STUN_HEADER_SIZE], const guint8 *data,
                    gsize end)
{
  guint16 body_len = (guint16)(end - ICE_STUN_HEADER_SIZE);

  memcpy (header, data, ICE_STUN_HEADER_SIZE);
  header[2] = body_len >> 8;
  header[3] = body_len & 0xff;
}

/* The MAC of @data up to @attr_start for an attribute whose value is
 * @value_len bytes (already a multiple of 4). */
static gboolean
message_mac (GChecksumType digest, const guint8 *key, gsize key_len,
             const guint8 *data, gsize attr_start, gsize value_len, guint8 *out,
             gsize out_size)
{
  guint8 header[ICE_STUN_HEADER_SIZE];

  header_with_length (header, data, attr_start + ATTR_HEADER_SIZE + value_len);
  return hmac_compute (digest, key, key_len, header,
                       data + ICE_STUN_HEADER_SIZE,
                       attr_start - ICE_STUN_HEADER_SIZE, out, out_size);
}

/**
 * ice_stun_mac_equal:
 * Constant-time: the time taken does not depend on where @a and @b differ,
 * so a forger learns nothing from how fast a guess is refused.
 */
gboolean
ice_stun_mac_equal (const guint8 *a, const guint8 *b, gsize len)
{
  /* volatile: the compiler may not stop at the first difference */
  volatile guint8 diff = 0;
  gsize i;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  for (i = 0; i < len; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

const gchar *
ice_stun_check_to_string (IceStunCheck check)
{
  switch (check) {
    case ICE_STUN_CHECK_ABSENT:
      return "absent";
    case ICE_STUN_CHECK_OK:
      return "ok";
    case ICE_STUN_CHECK_BAD:
      return "bad";
  }
  return "invalid";
}

/* Appends the header of an attribute with a @size-byte value (a multiple
 * of 4, so no padding) and sets the message length field to count it, as
 * RFC 8489 §14.5-14.7 require before computing. Returns where the value
 * goes, or NULL (and marks the builder overflowed) when it does not fit.
 * Written on the builder's fields so this file needs only its struct. */
static guint8 *
builder_reserve (IceStunBuilder *b, guint16 type, gsize size)
{
  guint8 *attr;
  gsize body_len;

  if (b->overflow || b->len + ATTR_HEADER_SIZE + size > b->capacity
      || b->len + ATTR_HEADER_SIZE + size - ICE_STUN_HEADER_SIZE
             > G_MAXUINT16) {
    b->overflow = TRUE;
    return NULL;
  }
  attr = b->buf + b->len;
  attr[0] = type >> 8;
  attr[1] = type & 0xff;
  attr[2] = (guint8)(size >> 8);
  attr[3] = size & 0xff;
  b->len += ATTR_HEADER_SIZE + size;
  body_len = b->len - ICE_STUN_HEADER_SIZE;
  b->buf[2] = (guint8)(body_len >> 8);
  b->buf[3] = body_len & 0xff;
  return attr + ATTR_HEADER_SIZE;
}

static gboolean
builder_add_mac (IceStunBuilder *b, guint16 type, GChecksumType digest,
                 gsize mac_size, const guint8 *key, gsize key_len)
{
  guint8 *value;
  gsize attr_start;

  g_return_val_if_fail (b != NULL, FALSE);
  g_return_val_if_fail (key != NULL || key_len == 0, FALSE);

  value = builder_reserve (b, type, mac_size);
  if (value == NULL)
    return FALSE;
  attr_start = (gsize)(value - b->buf) - ATTR_HEADER_SIZE;
  if (!message_mac (digest, key, key_len, b->buf, attr_start, mac_size, value,
                    mac_size)) {
    /* never send a message with a garbage MAC: finish will return 0 */
    b->overflow = TRUE;
    return FALSE;
  }
  return TRUE;
}

/**
 * ice_stun_builder_add_message_integrity:
 * Appends MESSAGE-INTEGRITY: HMAC-SHA1 with @key over the message so far
 * (RFC 8489 §14.5). Add it after every other attribute but
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT.
 */
gboolean
ice_stun_builder_add_message_integrity (IceStunBuilder *b, const guint8 *key,
                                        gsize key_len)
{
  return builder_add_mac (b, ICE_STUN_ATTR_MESSAGE_INTEGRITY, G_CHECKSUM_SHA1,
                          ICE_STUN_HMAC_SHA1_SIZE, key, key_len);
}

/**
 * ice_stun_builder_add_message_integrity_sha256:
 * Appends MESSAGE-INTEGRITY-SHA256 with all 32 bytes of HMAC-SHA256
 * (RFC 8489 §14.6: senders do not truncate).
 */
gboolean
ice_stun_builder_add_message_integrity_sha256 (IceStunBuilder *b,
                                               const guint8 *key, gsize key_len)
{
  return builder_add_mac (b, ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256,
                          G_CHECKSUM_SHA256, ICE_STUN_HMAC_SHA256_SIZE, key,
                          key_len);
}

/**
 * ice_stun_builder_add_fingerprint:
 * Appends FINGERPRINT (RFC 8489 §14.7); it must be the last attribute.
 */
gboolean
ice_stun_builder_add_fingerprint (IceStunBuilder *b)
{
  guint8 *value;
  guint32 crc;

  g_return_val_if_fail (b != NULL, FALSE);

  value = builder_reserve (b, ICE_STUN_ATTR_FINGERPRINT, FINGERPRINT_SIZE);
  if (value == NULL)
    return FALSE;
  crc = ice_stun_fingerprint_compute (b->buf, (gsize)(value - b->buf)
                                                  - ATTR_HEADER_SIZE);
  value[0] = crc >> 24;
  value[1] = (crc >> 16) & 0xff;
  value[2] = (crc >> 8) & 0xff;
  value[3] = crc & 0xff;
  return TRUE;
}

guint32
ice_stun_fingerprint_compute (const guint8 *data, gsize len)
{
  uLong crc = crc32 (0L, Z_NULL, 0);

  g_return_val_if_fail (data != NULL || len == 0, 0);

  /* zlib takes uInt lengths; STUN messages are far shorter than 4 GiB */
  crc = crc32 (crc, data, (uInt)len);
  return (guint32)crc ^ FINGERPRINT_XOR;
}

IceStunCheck
ice_stun_message_check_fingerprint (const IceStunMessage *msg)
{
  guint8 header[ICE_STUN_HEADER_SIZE];
  const IceStunAttr *attr;
  const guint8 *value;
  gsize attr_start;
  uLong crc;
  guint32 sent;

  g_return_val_if_fail (msg != NULL, ICE_STUN_CHECK_BAD);

  if (msg->fingerprint < 0)
    return ICE_STUN_CHECK_ABSENT;
  attr = &msg->attrs[msg->fingerprint];
  if (attr->length != FINGERPRINT_SIZE)
    return ICE_STUN_CHECK_BAD;
  value = msg->data + attr->offset;
  attr_start = attr->offset - ATTR_HEADER_SIZE;

  /* RFC 8489 §14.7: the length field counts FINGERPRINT itself */
  header_with_length (header, msg->data, attr->offset + FINGERPRINT_SIZE);
  crc = crc32 (0L, Z_NULL, 0);
  crc = crc32 (crc, header, ICE_STUN_HEADER_SIZE);
  crc = crc32 (crc, msg->data + ICE_STUN_HEADER_SIZE,
               (uInt)(attr_start - ICE_STUN_HEADER_SIZE));
  sent = ((guint32)value[0] << 24) | ((guint32)value[1] << 16)
         | ((guint32)value[2] << 8) | value[3];
  return ((guint32)crc ^ FINGERPRINT_XOR) == sent ? ICE_STUN_CHECK_OK
                                                  : ICE_STUN_CHECK_BAD;
}

/* RFC 8489 §14.6: at least 16 bytes, a multiple of 4, at most 32; shorter
 * than 32 only where the usage allows truncation. */
static gboolean
sha256_length_acceptable (guint16 length, gboolean allow_truncated)
{
  if (length > ICE_STUN_HMAC_SHA256_SIZE
      || length < ICE_STUN_HMAC_SHA256_MIN_SIZE || length % 4 != 0)
    return FALSE;
  return length == ICE_STUN_HMAC_SHA256_SIZE || allow_truncated;
}

static IceStunCheck
check_mac_attr (const IceStunMessage *msg, const IceStunAttr *attr,
                GChecksumType digest, gsize mac_size, const IceStunKey *key)
{
  guint8 mac[ICE_STUN_HMAC_SHA256_SIZE];
  gboolean equal;

  if (!message_mac (digest, key->bytes, key->len, msg->data,
                    attr->offset - ATTR_HEADER_SIZE, attr->length, mac,
                    mac_size))
    return ICE_STUN_CHECK_BAD;
  /* a truncated SHA256 value is the leading bytes of the MAC */
  equal = ice_stun_mac_equal (mac, msg->data + attr->offset, attr->length);
  return equal ? ICE_STUN_CHECK_OK : ICE_STUN_CHECK_BAD;
}

IceStunCheck
ice_stun_message_check_integrity (const IceStunMessage *msg,
                                  const IceStunKey *key,
                                  gboolean allow_truncated)
{
  const IceStunAttr *attr;

  g_return_val_if_fail (msg != NULL, ICE_STUN_CHECK_BAD);
  g_return_val_if_fail (key != NULL, ICE_STUN_CHECK_BAD);
  g_return_val_if_fail (key->len <= sizeof (key->bytes), ICE_STUN_CHECK_BAD);

  /* RFC 8489 §14.6: an agent that understands SHA256 checks it and
   * ignores a MESSAGE-INTEGRITY sent along for older agents. */
  if (msg->integrity_sha256 >= 0) {
    attr = &msg->attrs[msg->integrity_sha256];
    if (!sha256_length_acceptable (attr->length, allow_truncated)) {
      g_debug ("MESSAGE-INTEGRITY-SHA256 of %u bytes refused%s", attr->length,
               allow_truncated ? "" : " (truncation not allowed)");
      return ICE_STUN_CHECK_BAD;
    }
    return check_mac_attr (msg, attr, G_CHECKSUM_SHA256,
                           ICE_STUN_HMAC_SHA256_SIZE, key);
  }
  if (msg->integrity >= 0) {
    attr = &msg->attrs[msg->integrity];
    if (attr->length != ICE_STUN_HMAC_SHA1_SIZE)
      return ICE_STUN_CHECK_BAD;
    return check_mac_attr (msg, attr, G_CHECKSUM_SHA1, ICE_STUN_HMAC_SHA1_SIZE,
                           key);
  }
  return ICE_STUN_CHECK_ABSENT;
}

/* One base64 character (RFC 4648 §4 alphabet) as 6 bits, or -1. */
static gint
base64_value (guint8 c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

gboolean
ice_stun_nonce_get_features (const guint8 *nonce, gsize len, guint32 *features)
{
  guint32 bits = 0;
  guint i;

  g_return_val_if_fail (features != NULL, FALSE);
  *features = 0;
  g_return_val_if_fail (nonce != NULL || len == 0, FALSE);

  /* RFC 8489 §9.2: cookie, then 4 base64 characters = 24 bits */
  if (len < ICE_STUN_NONCE_COOKIE_LEN + 4
      || memcmp (nonce, ICE_STUN_NONCE_COOKIE, ICE_STUN_NONCE_COOKIE_LEN) != 0)
    return FALSE;
  for (i = 0; i < 4; i++) {
    gint v = base64_value (nonce[ICE_STUN_NONCE_COOKIE_LEN + i]);

    if (v < 0)
      return FALSE;
    bits = (bits << 6) | (guint32)v;
  }
  *features = bits;
  return TRUE;
}
