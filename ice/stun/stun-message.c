/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parsing and validating STUN messages (RFC 8489 §5, §14) in one pass over
 * the caller's buffer. The result is a view: attribute positions, never
 * copies, so a Binding request is parsed without allocating.
 */
#define G_LOG_DOMAIN "ice-stun"

#include "ice/stun/stun-message.h"

#include <string.h>

#define ATTR_HEADER_SIZE 4
/* RFC 8489 §14.1: address families as sent in (XOR-)MAPPED-ADDRESS */
#define STUN_FAMILY_IPV4 0x01
#define STUN_FAMILY_IPV6 0x02
/* RFC 8489 §14.3: senders keep USERNAME under 509 bytes, but a receiver
 * must parse up to 763 for compatibility with RFC 3489. */
#define MAX_USERNAME_BYTES 763
/* RFC 8489 §14.8-§14.10, §14.14: reason phrase, REALM, NONCE and SOFTWARE
 * are fewer than 128 characters; receivers accept up to 763 bytes. */
#define MAX_TEXT_CHARS 127
#define MAX_TEXT_BYTES 763

typedef enum {
  ATTR_VALID,
  ATTR_INVALID,
  ATTR_UNKNOWN,
} AttrValidity;

static inline guint16
read_u16 (const guint8 *p)
{
  return ((guint16)p[0] << 8) | p[1];
}

static inline guint32
read_u32 (const guint8 *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8)
         | p[3];
}

/* RFC 8489 §14: every value is padded to a multiple of 4 bytes */
static inline gsize
padded (gsize len)
{
  return (len + 3) & ~(gsize)3;
}

/* RFC 8489 §14.1, §14.2: family 0x01 with a 4-byte address or 0x02 with a
 * 16-byte one, after a reserved byte, the family and the port. */
static gboolean
address_value_is_valid (const guint8 *v, gsize len)
{
  if (len == 8)
    return v[1] == STUN_FAMILY_IPV4;
  if (len == 20)
    return v[1] == STUN_FAMILY_IPV6;
  return FALSE;
}

/* Characters are counted as UTF-8 lead bytes: continuation bytes
 * (10xxxxxx) do not start a character. */
static gboolean
text_value_is_valid (const guint8 *v, gsize len)
{
  guint chars = 0;
  gsize i;

  if (len > MAX_TEXT_BYTES)
    return FALSE;
  for (i = 0; i < len; i++) {
    if ((v[i] & 0xc0) != 0x80)
      chars++;
  }
  return chars <= MAX_TEXT_CHARS;
}

/* RFC 8489 §14.8: 21 reserved bits, class 3-6, number 0-99, reason. */
static gboolean
error_code_value_is_valid (const guint8 *v, gsize len)
{
  guint klass;

  if (len < 4)
    return FALSE;
  klass = v[2] & 0x07;
  return klass >= 3 && klass <= 6 && v[3] < 100
         && text_value_is_valid (v + 4, len - 4);
}

/* RFC 8489 §14.11, §14.12: algorithm (2 bytes), parameters length
 * (2 bytes), parameters padded to 4 bytes. The entry's size in a
 * PASSWORD-ALGORITHMS list, or 0 if it does not fit in @avail. */
static gsize
password_algorithm_entry_size (const guint8 *v, gsize avail)
{
  gsize size;

  if (avail < 4)
    return 0;
  size = 4 + padded (read_u16 (v + 2));
  return size <= avail ? size : 0;
}

static gboolean
password_algorithms_value_is_valid (const guint8 *v, gsize len)
{
  gsize offset = 0;

  while (offset < len) {
    gsize size = password_algorithm_entry_size (v + offset, len - offset);

    if (size == 0)
      return FALSE;
    offset += size;
  }
  return TRUE;
}

/* A single PASSWORD-ALGORITHM: its parameters may or may not be padded
 * inside the value (the attribute's own padding follows either way). */
static gboolean
password_algorithm_value_is_valid (const guint8 *v, gsize len)
{
  gsize params;

  if (len < 4)
    return FALSE;
  params = read_u16 (v + 2);
  return len >= 4 + params && len <= 4 + padded (params);
}

/* The value length fixed by RFC 8489 §14, RFC 8656 §14, RFC 8445 §7.1.1,
 * RFC 5780 §7 or RFC 6062 §6.2 for @type, or -1 if it is not fixed. */
static gint
fixed_value_length (guint16 type)
{
  switch (type) {
    case ICE_STUN_ATTR_USE_CANDIDATE:
    case ICE_STUN_ATTR_DONT_FRAGMENT:
      return 0;
    case ICE_STUN_ATTR_EVEN_PORT:
      return 1;
    case ICE_STUN_ATTR_FINGERPRINT:
    case ICE_STUN_ATTR_PRIORITY:
    case ICE_STUN_ATTR_LIFETIME:
    case ICE_STUN_ATTR_CHANGE_REQUEST:
    case ICE_STUN_ATTR_REQUESTED_TRANSPORT:
    case ICE_STUN_ATTR_CHANNEL_NUMBER:
    case ICE_STUN_ATTR_REQUESTED_ADDRESS_FAMILY:
    case ICE_STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY:
    case ICE_STUN_ATTR_RESPONSE_PORT:
    case ICE_STUN_ATTR_CONNECTION_ID:
      return 4;
    case ICE_STUN_ATTR_ICE_CONTROLLED:
    case ICE_STUN_ATTR_ICE_CONTROLLING:
    case ICE_STUN_ATTR_RESERVATION_TOKEN:
    case ICE_STUN_ATTR_ICMP:
      return 8;
    case ICE_STUN_ATTR_MESSAGE_INTEGRITY:
      return 20;
    case ICE_STUN_ATTR_USERHASH:
      return 32;
  }
  return -1;
}

static gboolean
variable_value_is_valid (guint16 type, const guint8 *v, gsize len)
{
  switch (type) {
    case ICE_STUN_ATTR_MAPPED_ADDRESS:
    case ICE_STUN_ATTR_XOR_MAPPED_ADDRESS:
    case ICE_STUN_ATTR_XOR_PEER_ADDRESS:
    case ICE_STUN_ATTR_XOR_RELAYED_ADDRESS:
    case ICE_STUN_ATTR_ALTERNATE_SERVER:
    case ICE_STUN_ATTR_RESPONSE_ORIGIN:
    case ICE_STUN_ATTR_OTHER_ADDRESS:
      return address_value_is_valid (v, len);
    case ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256:
      /* RFC 8489 §14.6: 16 to 32 bytes, a multiple of 4 */
      return len >= 16 && len <= 32 && len % 4 == 0;
    case ICE_STUN_ATTR_USERNAME:
      return len <= MAX_USERNAME_BYTES;
    case ICE_STUN_ATTR_REALM:
    case ICE_STUN_ATTR_NONCE:
    case ICE_STUN_ATTR_SOFTWARE:
      return text_value_is_valid (v, len);
    case ICE_STUN_ATTR_ERROR_CODE:
      return error_code_value_is_valid (v, len);
    case ICE_STUN_ATTR_ADDRESS_ERROR_CODE:
      /* RFC 8656 §14.12: family, reserved, class, number, reason */
      return len >= 4;
    case ICE_STUN_ATTR_UNKNOWN_ATTRIBUTES:
      return len % 2 == 0;
    case ICE_STUN_ATTR_PASSWORD_ALGORITHM:
      return password_algorithm_value_is_valid (v, len);
    case ICE_STUN_ATTR_PASSWORD_ALGORITHMS:
      return password_algorithms_value_is_valid (v, len);
  }
  /* DATA, PADDING and ALTERNATE-DOMAIN take any length */
  return TRUE;
}

static AttrValidity
attr_validity (guint16 type, const guint8 *v, gsize len)
{
  gint fixed;

  if (ice_stun_attr_name (type) == NULL)
    return ATTR_UNKNOWN;
  fixed = fixed_value_length (type);
  if (fixed >= 0)
    return (gsize)fixed == len ? ATTR_VALID : ATTR_INVALID;
  return variable_value_is_valid (type, v, len) ? ATTR_VALID : ATTR_INVALID;
}

/**
 * ice_stun_is_message:
 * @data: a datagram
 * @len: its size
 *
 * The cheap demultiplexing test: first byte 0-3 (RFC 7983 §7), the magic
 * cookie (RFC 8489 §5) and a length field that is a multiple of 4 and
 * equal to @len - 20. No attribute is read.
 *
 * Returns: %TRUE if @data looks like a STUN message.
 */
gboolean
ice_stun_is_message (const guint8 *data, gsize len)
{
  gsize body;

  if (data == NULL || len < ICE_STUN_HEADER_SIZE || data[0] > 3)
    return FALSE;
  if (read_u32 (data + 4) != ICE_STUN_MAGIC_COOKIE)
    return FALSE;
  body = read_u16 (data + 2);
  return body % 4 == 0 && body == len - ICE_STUN_HEADER_SIZE;
}

static IceStunParseResult
parse_header (IceStunMessage *msg, const guint8 *data, gsize len)
{
  guint16 type;
  gsize body;

  if (len < ICE_STUN_HEADER_SIZE)
    return ICE_STUN_PARSE_TOO_SHORT;
  /* RFC 8489 §5: the two most significant bits are zero */
  if ((data[0] & 0xc0) != 0)
    return ICE_STUN_PARSE_NOT_STUN;
  if (read_u32 (data + 4) != ICE_STUN_MAGIC_COOKIE)
    return ICE_STUN_PARSE_BAD_COOKIE;
  body = read_u16 (data + 2);
  if (body % 4 != 0)
    return ICE_STUN_PARSE_MISALIGNED;
  /* IceStunAttr offsets are 16 bits: a message of 65536 bytes or more,
   * possible only over TCP, is refused as if its length were wrong. */
  if (body != len - ICE_STUN_HEADER_SIZE || len > G_MAXUINT16)
    return ICE_STUN_PARSE_BAD_LENGTH;

  type = read_u16 (data);
  /* RFC 8489 §5: M11..M7 C1 M6..M4 C0 M3..M0 */
  msg->method
      = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  msg->klass = (IceStunClass)(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
  msg->transaction_id = data + 8;
  return ICE_STUN_PARSE_OK;
}

/* RFC 8489 §14.5, §14.6: after MESSAGE-INTEGRITY only
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT count; after
 * MESSAGE-INTEGRITY-SHA256 only FINGERPRINT. The rest is ignored. */
static gboolean
attr_is_ignored (const IceStunMessage *msg, guint16 type)
{
  if (type == ICE_STUN_ATTR_FINGERPRINT)
    return FALSE;
  if (msg->integrity_sha256 >= 0)
    return TRUE;
  if (msg->integrity >= 0)
    return type != ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256;
  return FALSE;
}

static void
note_unknown (IceStunMessage *msg, guint16 type)
{
  guint i;

  for (i = 0; i < msg->n_unknown; i++) {
    if (msg->unknown[i] == type)
      return;
  }
  /* a 420 listing the first ones is as useful as one listing them all */
  if (msg->n_unknown < ICE_STUN_MAX_UNKNOWN)
    msg->unknown[msg->n_unknown++] = type;
}

static IceStunParseResult
record_attribute (IceStunMessage *msg, guint16 type, guint16 length,
                  gsize value_offset)
{
  AttrValidity validity;
  IceStunAttr *attr;
  gint index;

  validity = attr_validity (type, msg->data + value_offset, length);
  if (validity == ATTR_INVALID)
    return ICE_STUN_PARSE_BAD_ATTRIBUTE;
  if (validity == ATTR_UNKNOWN
      && ICE_STUN_ATTR_IS_COMPREHENSION_REQUIRED (type))
    note_unknown (msg, type);
  if (msg->n_attrs == ICE_STUN_MAX_ATTRIBUTES)
    return ICE_STUN_PARSE_TOO_MANY_ATTRIBUTES;

  index = (gint)msg->n_attrs++;
  attr = &msg->attrs[index];
  attr->type = type;
  attr->length = length;
  attr->offset = (guint16)value_offset;
  /* attr_is_ignored() makes each of these appear at most once */
  if (type == ICE_STUN_ATTR_MESSAGE_INTEGRITY)
    msg->integrity = index;
  else if (type == ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256)
    msg->integrity_sha256 = index;
  else if (type == ICE_STUN_ATTR_FINGERPRINT)
    msg->fingerprint = index;
  return ICE_STUN_PARSE_OK;
}

static IceStunParseResult
parse_attributes (IceStunMessage *msg)
{
  gsize offset = ICE_STUN_HEADER_SIZE;

  /* The body is a multiple of 4, so an attribute header always fits. */
  while (offset < msg->len) {
    guint16 type = read_u16 (msg->data + offset);
    guint16 length = read_u16 (msg->data + offset + 2);
    gsize value_offset = offset + ATTR_HEADER_SIZE;
    gsize end = value_offset + padded (length);

    /* RFC 8489 §14.7: FINGERPRINT is the last attribute */
    if (msg->fingerprint >= 0)
      return ICE_STUN_PARSE_AFTER_FINGERPRINT;
    if (end > msg->len)
      return ICE_STUN_PARSE_TRUNCATED_ATTRIBUTE;
    if (!attr_is_ignored (msg, type)) {
      IceStunParseResult result;

      result = record_attribute (msg, type, length, value_offset);
      if (result != ICE_STUN_PARSE_OK)
        return result;
    }
    offset = end;
  }
  return msg->n_unknown > 0 ? ICE_STUN_PARSE_UNKNOWN_REQUIRED
                            : ICE_STUN_PARSE_OK;
}

/**
 * ice_stun_message_parse:
 * @msg: (out caller-allocates): the view to fill
 * @data: a datagram (or one framed message from a stream)
 * @len: its size
 *
 * Parses and validates @data in one pass without allocating. On
 * %ICE_STUN_PARSE_OK and %ICE_STUN_PARSE_UNKNOWN_REQUIRED @msg is complete
 * and refers to @data. On an attribute error (TRUNCATED_ATTRIBUTE and
 * after) only the header fields are meaningful, enough for a 400 response;
 * on a header error @transaction_id is %NULL.
 *
 * Returns: %ICE_STUN_PARSE_OK or what is wrong with @data.
 */
IceStunParseResult
ice_stun_message_parse (IceStunMessage *msg, const guint8 *data, gsize len)
{
  IceStunParseResult result;

  g_return_val_if_fail (msg != NULL, ICE_STUN_PARSE_TOO_SHORT);
  g_return_val_if_fail (data != NULL || len == 0, ICE_STUN_PARSE_TOO_SHORT);

  msg->data = data;
  msg->len = len;
  msg->n_attrs = 0;
  msg->integrity = -1;
  msg->integrity_sha256 = -1;
  msg->fingerprint = -1;
  msg->n_unknown = 0;
  msg->transaction_id = NULL;
  result = parse_header (msg, data, len);
  if (result != ICE_STUN_PARSE_OK)
    return result;
  return parse_attributes (msg);
}

static const IceStunAttr *
find_nth (const IceStunMessage *msg, guint16 type, guint n)
{
  guint i;

  for (i = 0; i < msg->n_attrs; i++) {
    if (msg->attrs[i].type == type && n-- == 0)
      return &msg->attrs[i];
  }
  return NULL;
}

/**
 * ice_stun_message_find:
 * @msg: a parsed message
 * @type: an attribute type
 *
 * Returns: (transfer none) (nullable): the first attribute of @type (RFC
 *   8489 §14: later duplicates are ignored), or %NULL.
 */
const IceStunAttr *
ice_stun_message_find (const IceStunMessage *msg, guint16 type)
{
  g_return_val_if_fail (msg != NULL, NULL);

  return find_nth (msg, type, 0);
}

/**
 * ice_stun_message_has:
 * Returns: %TRUE if @msg carries an attribute of @type.
 */
gboolean
ice_stun_message_has (const IceStunMessage *msg, guint16 type)
{
  return ice_stun_message_find (msg, type) != NULL;
}

/**
 * ice_stun_message_get_value:
 * @msg: a parsed message
 * @type: an attribute type
 * @length: (out) (optional): the value's length without padding
 *
 * Returns: (transfer none) (nullable): the value of the first attribute of
 *   @type, pointing into the message, or %NULL if absent.
 */
const guint8 *
ice_stun_message_get_value (const IceStunMessage *msg, guint16 type,
                            guint16 *length)
{
  const IceStunAttr *attr = ice_stun_message_find (msg, type);

  if (attr == NULL)
    return NULL;
  if (length != NULL)
    *length = attr->length;
  return msg->data + attr->offset;
}

/**
 * ice_stun_message_get_u32:
 * @value: (out): the 4-byte value in host order; for attributes whose
 *   number fills only the leading bytes (CHANNEL-NUMBER, RESPONSE-PORT:
 *   16 bits; REQUESTED-TRANSPORT, REQUESTED-ADDRESS-FAMILY: 8 bits) shift
 *   it down.
 *
 * Returns: %FALSE if absent or not 4 bytes long.
 */
gboolean
ice_stun_message_get_u32 (const IceStunMessage *msg, guint16 type,
                          guint32 *value)
{
  const IceStunAttr *attr = ice_stun_message_find (msg, type);

  g_return_val_if_fail (value != NULL, FALSE);

  if (attr == NULL || attr->length != 4)
    return FALSE;
  *value = read_u32 (msg->data + attr->offset);
  return TRUE;
}

/**
 * ice_stun_message_get_u64:
 * @value: (out): the 8-byte value (ICE-CONTROLLING, ICE-CONTROLLED,
 *   RESERVATION-TOKEN) in host order
 *
 * Returns: %FALSE if absent or not 8 bytes long.
 */
gboolean
ice_stun_message_get_u64 (const IceStunMessage *msg, guint16 type,
                          guint64 *value)
{
  const IceStunAttr *attr = ice_stun_message_find (msg, type);
  const guint8 *v;

  g_return_val_if_fail (value != NULL, FALSE);

  if (attr == NULL || attr->length != 8)
    return FALSE;
  v = msg->data + attr->offset;
  *value = ((guint64)read_u32 (v) << 32) | read_u32 (v + 4);
  return TRUE;
}

gboolean
ice_stun_message_get_string (const IceStunMessage *msg, guint16 type,
                             gchar *buf, gsize size)
{
  const IceStunAttr *attr = ice_stun_message_find (msg, type);
  const guint8 *v;

  g_return_val_if_fail (buf != NULL && size > 0, FALSE);

  if (attr == NULL || attr->length >= size)
    return FALSE;
  v = msg->data + attr->offset;
  if (memchr (v, '\0', attr->length) != NULL)
    return FALSE;
  memcpy (buf, v, attr->length);
  buf[attr->length] = '\0';
  return TRUE;
}

/* RFC 8489 §14.2: X-Port is the port xor the cookie's top 16 bits and
 * X-Address the address xor the cookie followed (for IPv6) by the
 * transaction id, which are exactly header bytes 4 to 19. */
static gboolean
decode_address (const IceStunMessage *msg, const IceStunAttr *attr,
                gboolean xored, IceTransportAddr *addr)
{
  static const guint8 no_mask[16] = { 0 };
  const guint8 *mask = xored ? msg->data + 4 : no_mask;
  const guint8 *v;
  gsize ip_len, i;

  if (attr == NULL)
    return FALSE;
  v = msg->data + attr->offset;
  if (!address_value_is_valid (v, attr->length))
    return FALSE;

  memset (addr, 0, sizeof (*addr));
  ip_len = v[1] == STUN_FAMILY_IPV4 ? 4 : 16;
  addr->family = ip_len == 4 ? ICE_ADDR_FAMILY_IPV4 : ICE_ADDR_FAMILY_IPV6;
  addr->port = read_u16 (v + 2) ^ read_u16 (mask);
  for (i = 0; i < ip_len; i++)
    addr->ip[i] = v[4 + i] ^ mask[i];
  return TRUE;
}

/**
 * ice_stun_message_get_xor_address_nth:
 * @addr: (out): the decoded address; transport UDP and scope 0 (the
 *   message does not carry them)
 *
 * Returns: %FALSE if there is no @n-th (from 0) attribute of @type or it
 *   is malformed.
 */
gboolean
ice_stun_message_get_xor_address_nth (const IceStunMessage *msg, guint16 type,
                                      guint n, IceTransportAddr *addr)
{
  g_return_val_if_fail (msg != NULL && addr != NULL, FALSE);

  return decode_address (msg, find_nth (msg, type, n), TRUE, addr);
}

gboolean
ice_stun_message_get_xor_address (const IceStunMessage *msg, guint16 type,
                                  IceTransportAddr *addr)
{
  return ice_stun_message_get_xor_address_nth (msg, type, 0, addr);
}

gboolean
ice_stun_message_get_address (const IceStunMessage *msg, guint16 type,
                              IceTransportAddr *addr)
{
  g_return_val_if_fail (msg != NULL && addr != NULL, FALSE);

  return decode_address (msg, find_nth (msg, type, 0), FALSE, addr);
}

gboolean
ice_stun_message_get_error_code (const IceStunMessage *msg, guint *code,
                                 const gchar **reason, gsize *reason_len)
{
  const IceStunAttr *attr
      = ice_stun_message_find (msg, ICE_STUN_ATTR_ERROR_CODE);
  const guint8 *v;

  if (attr == NULL)
    return FALSE;
  v = msg->data + attr->offset;
  if (!error_code_value_is_valid (v, attr->length))
    return FALSE;
  if (code != NULL)
    *code = (v[2] & 0x07) * 100 + v[3];
  if (reason != NULL)
    *reason = (const gchar *)v + 4;
  if (reason_len != NULL)
    *reason_len = attr->length - 4;
  return TRUE;
}

guint
ice_stun_message_get_unknown_attributes (const IceStunMessage *msg,
                                         guint16 *types, guint max)
{
  const IceStunAttr *attr;
  const guint8 *v;
  guint i, n;

  g_return_val_if_fail (types != NULL || max == 0, 0);

  attr = ice_stun_message_find (msg, ICE_STUN_ATTR_UNKNOWN_ATTRIBUTES);
  if (attr == NULL)
    return 0;
  v = msg->data + attr->offset;
  n = MIN (attr->length / 2u, max);
  for (i = 0; i < n; i++)
    types[i] = read_u16 (v + 2 * i);
  return n;
}

guint
ice_stun_message_get_password_algorithms (const IceStunMessage *msg,
                                          guint16 *algorithms, guint max)
{
  const IceStunAttr *attr;
  const guint8 *v;
  gsize offset = 0;
  guint n = 0;

  g_return_val_if_fail (algorithms != NULL || max == 0, 0);

  attr = ice_stun_message_find (msg, ICE_STUN_ATTR_PASSWORD_ALGORITHMS);
  if (attr == NULL)
    return 0;
  v = msg->data + attr->offset;
  while (offset < attr->length && n < max) {
    gsize size
        = password_algorithm_entry_size (v + offset, attr->length - offset);

    if (size == 0)
      break;
    /* the parameters are skipped: MD5 and SHA-256 have none */
    algorithms[n++] = read_u16 (v + offset);
    offset += size;
  }
  return n;
}
