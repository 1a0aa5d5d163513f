/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Building STUN messages into a caller's buffer (RFC 8489 §5, §14). Every
 * add writes the attribute header, the value and zero padding, then
 * updates the header's length field, so the buffer always holds a complete
 * message: MESSAGE-INTEGRITY and FINGERPRINT (stun-integrity.c) rely on
 * that.
 */
#define G_LOG_DOMAIN "ice-stun"

#include "ice/stun/stun-builder.h"

#include <string.h>

#define ATTR_HEADER_SIZE 4
/* RFC 8489 §14.1 */
#define STUN_FAMILY_IPV4 0x01
#define STUN_FAMILY_IPV6 0x02
/* RFC 8489 §14.8: the reason phrase is at most 763 bytes */
#define MAX_REASON_BYTES 763

static inline void
write_u16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static inline void
write_u32 (guint8 *p, guint32 v)
{
  write_u16 (p, v >> 16);
  write_u16 (p + 2, v & 0xffff);
}

/**
 * ice_stun_builder_init:
 * @b: (out caller-allocates): the builder
 * @buf: where the message is written
 * @capacity: the size of @buf; the builder never writes past it
 * @klass: the message class
 * @method: a 12-bit method
 * @transaction_id: 12 bytes, copied into the header
 *
 * Writes the 20-byte header with a length of 0. If @capacity is smaller
 * than the header nothing is written and the builder has overflowed.
 */
void
ice_stun_builder_init (
    IceStunBuilder *b, guint8 *buf, gsize capacity, IceStunClass klass,
    guint16 method, const guint8 transaction_id[ICE_STUN_TRANSACTION_ID_SIZE])
{
  guint16 type;

  g_return_if_fail (b != NULL);

  /* refused parameters leave an overflowed builder: every add fails */
  b->buf = buf;
  b->capacity = capacity;
  b->len = 0;
  b->overflow = TRUE;
  g_return_if_fail (buf != NULL || capacity == 0);
  g_return_if_fail (transaction_id != NULL);
  g_return_if_fail (method <= 0xfff && (guint)klass <= 3);
  if (capacity < ICE_STUN_HEADER_SIZE)
    return;
  b->overflow = FALSE;

  /* RFC 8489 §5: M11..M7 C1 M6..M4 C0 M3..M0 */
  type = (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2)
         | ((klass & 0x1) << 4) | ((klass & 0x2) << 7);
  write_u16 (buf, type);
  write_u16 (buf + 2, 0);
  write_u32 (buf + 4, ICE_STUN_MAGIC_COOKIE);
  memcpy (buf + 8, transaction_id, ICE_STUN_TRANSACTION_ID_SIZE);
  b->len = ICE_STUN_HEADER_SIZE;
}

/**
 * ice_stun_builder_init_response:
 * @request: the parsed request being answered
 * @klass: %ICE_STUN_CLASS_SUCCESS or %ICE_STUN_CLASS_ERROR
 *
 * As ice_stun_builder_init() with the method and transaction id of
 * @request (RFC 8489 §6.3.1.1).
 */
void
ice_stun_builder_init_response (IceStunBuilder *b, guint8 *buf, gsize capacity,
                                const IceStunMessage *request,
                                IceStunClass klass)
{
  g_return_if_fail (request != NULL);

  ice_stun_builder_init (b, buf, capacity, klass, request->method,
                         request->transaction_id);
}

/* Appends the header of an attribute with a @len-byte value, zeroes the
 * value and its padding and updates the length field. Returns where the
 * value starts, or NULL (and sets overflow) if it does not fit. */
static guint8 *
builder_reserve (IceStunBuilder *b, guint16 type, gsize len)
{
  gsize size = ATTR_HEADER_SIZE + ((len + 3) & ~(gsize)3);
  guint8 *attr;

  if (b->overflow)
    return NULL;
  /* the capacity, and the 16-bit length field, bound the message */
  if (len > G_MAXUINT16 || size > b->capacity - b->len
      || b->len - ICE_STUN_HEADER_SIZE + size > G_MAXUINT16) {
    b->overflow = TRUE;
    return NULL;
  }
  attr = b->buf + b->len;
  write_u16 (attr, type);
  write_u16 (attr + 2, (guint16)len);
  memset (attr + ATTR_HEADER_SIZE, 0, size - ATTR_HEADER_SIZE);
  b->len += size;
  write_u16 (b->buf + 2, (guint16)(b->len - ICE_STUN_HEADER_SIZE));
  return attr + ATTR_HEADER_SIZE;
}

/**
 * ice_stun_builder_add:
 * @value: (nullable): @len bytes, or %NULL when @len is 0
 *
 * Returns: %FALSE if the attribute does not fit (the builder has then
 *   overflowed) or the builder had already overflowed.
 */
gboolean
ice_stun_builder_add (IceStunBuilder *b, guint16 type, const void *value,
                      gsize len)
{
  guint8 *dest;

  g_return_val_if_fail (b != NULL, FALSE);
  g_return_val_if_fail (value != NULL || len == 0, FALSE);

  dest = builder_reserve (b, type, len);
  if (dest == NULL)
    return FALSE;
  if (len > 0)
    memcpy (dest, value, len);
  return TRUE;
}

/**
 * ice_stun_builder_add_flag:
 * An attribute with an empty value: USE-CANDIDATE, DONT-FRAGMENT.
 */
gboolean
ice_stun_builder_add_flag (IceStunBuilder *b, guint16 type)
{
  return ice_stun_builder_add (b, type, NULL, 0);
}

/**
 * ice_stun_builder_add_u32:
 * A 4-byte value in network order: PRIORITY, LIFETIME, CHANGE-REQUEST,
 * and those whose number fills only the leading bytes, which the caller
 * shifts up: CHANNEL-NUMBER and RESPONSE-PORT (`n << 16`),
 * REQUESTED-TRANSPORT (`17 << 24` for UDP), REQUESTED-ADDRESS-FAMILY and
 * ADDITIONAL-ADDRESS-FAMILY (`family << 24`, 0x01 IPv4, 0x02 IPv6).
 */
gboolean
ice_stun_builder_add_u32 (IceStunBuilder *b, guint16 type, guint32 value)
{
  guint8 bytes[4];

  write_u32 (bytes, value);
  return ice_stun_builder_add (b, type, bytes, sizeof (bytes));
}

/**
 * ice_stun_builder_add_u64:
 * An 8-byte value in network order: ICE-CONTROLLING, ICE-CONTROLLED,
 * RESERVATION-TOKEN.
 */
gboolean
ice_stun_builder_add_u64 (IceStunBuilder *b, guint16 type, guint64 value)
{
  guint8 bytes[8];

  write_u32 (bytes, value >> 32);
  write_u32 (bytes + 4, value & 0xffffffffu);
  return ice_stun_builder_add (b, type, bytes, sizeof (bytes));
}

/**
 * ice_stun_builder_add_string:
 * @value: NUL-terminated; the NUL is not sent (USERNAME, REALM, NONCE,
 *   SOFTWARE, ...)
 */
gboolean
ice_stun_builder_add_string (IceStunBuilder *b, guint16 type,
                             const gchar *value)
{
  g_return_val_if_fail (value != NULL, FALSE);

  return ice_stun_builder_add (b, type, value, strlen (value));
}

/* RFC 8489 §14.1, §14.2: reserved byte, family, port, address; the XOR
 * forms xor port and address with header bytes 4.. (cookie, then the
 * transaction id for IPv6). */
static gboolean
add_address (IceStunBuilder *b, guint16 type, const IceTransportAddr *addr,
             gboolean xored)
{
  static const guint8 no_mask[16] = { 0 };
  const guint8 *mask;
  gsize ip_len, i;
  guint8 *v;

  g_return_val_if_fail (b != NULL && addr != NULL, FALSE);
  g_return_val_if_fail (addr->family == ICE_ADDR_FAMILY_IPV4
                            || addr->family == ICE_ADDR_FAMILY_IPV6,
                        FALSE);

  ip_len = addr->family == ICE_ADDR_FAMILY_IPV4 ? 4 : 16;
  v = builder_reserve (b, type, 4 + ip_len);
  if (v == NULL)
    return FALSE;
  mask = xored ? b->buf + 4 : no_mask;
  v[1] = ip_len == 4 ? STUN_FAMILY_IPV4 : STUN_FAMILY_IPV6;
  write_u16 (v + 2, addr->port ^ ((mask[0] << 8) | mask[1]));
  for (i = 0; i < ip_len; i++)
    v[4 + i] = addr->ip[i] ^ mask[i];
  return TRUE;
}

/**
 * ice_stun_builder_add_xor_address:
 * @addr: an IPv4 or IPv6 address
 *
 * XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS. Add it after
 * init: the transaction id in the header is part of the IPv6 mask.
 */
gboolean
ice_stun_builder_add_xor_address (IceStunBuilder *b, guint16 type,
                                  const IceTransportAddr *addr)
{
  return add_address (b, type, addr, TRUE);
}

/**
 * ice_stun_builder_add_address:
 * MAPPED-ADDRESS, ALTERNATE-SERVER, RESPONSE-ORIGIN, OTHER-ADDRESS.
 */
gboolean
ice_stun_builder_add_address (IceStunBuilder *b, guint16 type,
                              const IceTransportAddr *addr)
{
  return add_address (b, type, addr, FALSE);
}

/**
 * ice_stun_builder_add_error_code:
 * @code: 300 to 699 (RFC 8489 §14.8)
 * @reason: (nullable): a UTF-8 reason phrase of at most 763 bytes
 */
gboolean
ice_stun_builder_add_error_code (IceStunBuilder *b, guint code,
                                 const gchar *reason)
{
  gsize reason_len = reason != NULL ? strlen (reason) : 0;
  guint8 *v;

  g_return_val_if_fail (b != NULL, FALSE);
  g_return_val_if_fail (code >= 300 && code <= 699, FALSE);
  g_return_val_if_fail (reason_len <= MAX_REASON_BYTES, FALSE);

  v = builder_reserve (b, ICE_STUN_ATTR_ERROR_CODE, 4 + reason_len);
  if (v == NULL)
    return FALSE;
  v[2] = code / 100;
  v[3] = code % 100;
  if (reason_len > 0)
    memcpy (v + 4, reason, reason_len);
  return TRUE;
}

/**
 * ice_stun_builder_add_unknown_attributes:
 * @types: @n attribute types
 *
 * An odd count is padded with two zero bytes (RFC 8489 §14.9 leaves the
 * padding's content free; RFC 3489 repeated a type).
 */
gboolean
ice_stun_builder_add_unknown_attributes (IceStunBuilder *b,
                                         const guint16 *types, guint n)
{
  guint8 *v;
  guint i;

  g_return_val_if_fail (b != NULL, FALSE);
  g_return_val_if_fail (types != NULL || n == 0, FALSE);

  v = builder_reserve (b, ICE_STUN_ATTR_UNKNOWN_ATTRIBUTES, 2 * (gsize)n);
  if (v == NULL)
    return FALSE;
  for (i = 0; i < n; i++)
    write_u16 (v + 2 * i, types[i]);
  return TRUE;
}

/**
 * ice_stun_builder_add_password_algorithms:
 * @algorithms: @n #IceStunPasswordAlgorithm numbers, in order of
 *   preference
 *
 * PASSWORD-ALGORITHMS (RFC 8489 §14.11), each with empty parameters.
 */
gboolean
ice_stun_builder_add_password_algorithms (IceStunBuilder *b,
                                          const guint16 *algorithms, guint n)
{
  guint8 *v;
  guint i;

  g_return_val_if_fail (b != NULL, FALSE);
  g_return_val_if_fail (algorithms != NULL || n == 0, FALSE);

  v = builder_reserve (b, ICE_STUN_ATTR_PASSWORD_ALGORITHMS, 4 * (gsize)n);
  if (v == NULL)
    return FALSE;
  for (i = 0; i < n; i++)
    write_u16 (v + 4 * i, algorithms[i]);
  return TRUE;
}

/**
 * ice_stun_builder_add_password_algorithm:
 * PASSWORD-ALGORITHM (RFC 8489 §14.12) with empty parameters.
 */
gboolean
ice_stun_builder_add_password_algorithm (IceStunBuilder *b, guint16 algorithm)
{
  return ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_PASSWORD_ALGORITHM,
                                   (guint32)algorithm << 16);
}

/**
 * ice_stun_builder_finish:
 * Returns: the message's length, or 0 if any add did not fit.
 */
gsize
ice_stun_builder_finish (IceStunBuilder *b)
{
  g_return_val_if_fail (b != NULL, 0);

  return b->overflow ? 0 : b->len;
}
