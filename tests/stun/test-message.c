/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The STUN parser: the RFC 5769 addresses, every malformation with its own
 * result, the rules for attributes after MESSAGE-INTEGRITY and
 * FINGERPRINT, unknown attributes, and the accessors. Bad messages are
 * written byte by byte here, without the builder, so that a builder bug
 * cannot hide a parser bug.
 */
#include "ice/stun/stun-message.h"

#include <string.h>

/* RFC 5769 §2.1 Sample Request (USERNAME padded with 0x20) */
static const guint8 rfc5769_request[] = {
  0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
  0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10,
  0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c,
  0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
  0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
  0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76,
  0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c,
  0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
  0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf,
};

/* RFC 5769 §2.2 Sample IPv4 Response */
static const guint8 rfc5769_ipv4_response[] = {
  0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
  0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b,
  0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
  0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
  0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3,
  0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7,
  0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
};

/* RFC 5769 §2.3 Sample IPv6 Response */
static const guint8 rfc5769_ipv6_response[] = {
  0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
  0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b,
  0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
  0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
  0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9,
  0x00, 0x08, 0x00, 0x14, 0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1,
  0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75, 0xbf, 0xe3, 0xed, 0x41,
  0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c,
};

/* A message written by hand: any length, any padding byte. */
typedef struct {
  guint8 buf[4096];
  gsize len;
} RawMessage;

static void
raw_set_length (RawMessage *m, gsize body_len)
{
  m->buf[2] = body_len >> 8;
  m->buf[3] = body_len & 0xff;
}

static void
raw_init (RawMessage *m, guint16 type)
{
  guint i;

  memset (m, 0, sizeof (*m));
  m->buf[0] = type >> 8;
  m->buf[1] = type & 0xff;
  m->buf[4] = 0x21;
  m->buf[5] = 0x12;
  m->buf[6] = 0xa4;
  m->buf[7] = 0x42;
  for (i = 0; i < 12; i++)
    m->buf[8 + i] = 0xa0 + i;
  m->len = 20;
}

/* @value NULL: @length bytes of 'a'. Padding bytes are @pad. */
static void
raw_add_padded (RawMessage *m, guint16 type, gsize length, const void *value,
                guint8 pad)
{
  gsize padded = (length + 3) & ~(gsize)3;

  g_assert_cmpuint (m->len + 4 + padded, <=, sizeof (m->buf));
  m->buf[m->len] = type >> 8;
  m->buf[m->len + 1] = type & 0xff;
  m->buf[m->len + 2] = length >> 8;
  m->buf[m->len + 3] = length & 0xff;
  if (value != NULL)
    memcpy (m->buf + m->len + 4, value, length);
  else
    memset (m->buf + m->len + 4, 'a', length);
  memset (m->buf + m->len + 4 + length, pad, padded - length);
  m->len += 4 + padded;
  raw_set_length (m, m->len - 20);
}

static void
raw_add (RawMessage *m, guint16 type, gsize length, const void *value)
{
  raw_add_padded (m, type, length, value, 0);
}

static IceStunParseResult
raw_parse (const RawMessage *m, IceStunMessage *msg)
{
  return ice_stun_message_parse (msg, m->buf, m->len);
}

static void
test_rfc5769_ipv4_response (void)
{
  IceStunMessage msg;
  IceTransportAddr addr;
  gchar text[ICE_ADDR_STRLEN];

  g_assert_cmpint (ice_stun_message_parse (&msg, rfc5769_ipv4_response,
                                           sizeof (rfc5769_ipv4_response)),
                   ==, ICE_STUN_PARSE_OK);
  g_assert_cmpuint (msg.method, ==, ICE_STUN_METHOD_BINDING);
  g_assert_cmpint (msg.klass, ==, ICE_STUN_CLASS_SUCCESS);
  g_assert_true (msg.transaction_id == rfc5769_ipv4_response + 8);
  g_assert_cmpuint (msg.n_attrs, ==, 4);
  g_assert_cmpint (msg.integrity, ==, 2);
  g_assert_cmpint (msg.fingerprint, ==, 3);
  g_assert_cmpint (msg.integrity_sha256, ==, -1);

  g_assert_true (ice_stun_message_get_xor_address (
      &msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &addr));
  g_assert_cmpint (addr.family, ==, ICE_ADDR_FAMILY_IPV4);
  g_assert_cmpuint (addr.port, ==, 32853);
  g_assert_cmpstr (ice_addr_to_string (&addr, text), ==, "192.0.2.1:32853");
  /* SOFTWARE is 11 bytes; its padding byte is 0x20 and is not part of it */
  g_assert_true (ice_stun_message_get_string (&msg, ICE_STUN_ATTR_SOFTWARE,
                                              text, sizeof (text)));
  g_assert_cmpstr (text, ==, "test vector");
}

static void
test_rfc5769_ipv6_response (void)
{
  static const guint8 expected_ip[16] = {
    0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78,
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
  };
  IceStunMessage msg;
  IceTransportAddr addr;
  gchar text[ICE_ADDR_STRLEN];

  g_assert_cmpint (ice_stun_message_parse (&msg, rfc5769_ipv6_response,
                                           sizeof (rfc5769_ipv6_response)),
                   ==, ICE_STUN_PARSE_OK);
  g_assert_cmpint (msg.klass, ==, ICE_STUN_CLASS_SUCCESS);
  g_assert_true (ice_stun_message_get_xor_address (
      &msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &addr));
  g_assert_cmpint (addr.family, ==, ICE_ADDR_FAMILY_IPV6);
  g_assert_cmpuint (addr.port, ==, 32853);
  g_assert_cmpmem (addr.ip, 16, expected_ip, 16);
  g_assert_cmpstr (ice_addr_to_string (&addr, text), ==,
                   "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
}

static void
test_rfc5769_request (void)
{
  IceStunMessage msg;
  gchar username[64];
  guint32 priority;
  guint64 tie_breaker;

  g_assert_cmpint (
      ice_stun_message_parse (&msg, rfc5769_request, sizeof (rfc5769_request)),
      ==, ICE_STUN_PARSE_OK);
  g_assert_cmpuint (msg.method, ==, ICE_STUN_METHOD_BINDING);
  g_assert_cmpint (msg.klass, ==, ICE_STUN_CLASS_REQUEST);
  g_assert_true (ice_stun_message_get_string (&msg, ICE_STUN_ATTR_USERNAME,
                                              username, sizeof (username)));
  g_assert_cmpstr (username, ==, "evtj:h6vY");
  g_assert_true (
      ice_stun_message_get_u32 (&msg, ICE_STUN_ATTR_PRIORITY, &priority));
  g_assert_cmphex (priority, ==, 0x6e0001ff);
  g_assert_true (ice_stun_message_get_u64 (&msg, ICE_STUN_ATTR_ICE_CONTROLLED,
                                           &tie_breaker));
  g_assert_cmphex (tie_breaker, ==, G_GUINT64_CONSTANT (0x932ff9b151263b36));
  g_assert_false (ice_stun_message_has (&msg, ICE_STUN_ATTR_ICE_CONTROLLING));
  g_assert_true (
      ice_stun_is_message (rfc5769_request, sizeof (rfc5769_request)));
}

static void
test_header_errors (void)
{
  IceStunMessage msg;
  RawMessage m;

  raw_init (&m, 0x0001);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
  g_assert_cmpint (ice_stun_message_parse (&msg, NULL, 0), ==,
                   ICE_STUN_PARSE_TOO_SHORT);
  g_assert_cmpint (ice_stun_message_parse (&msg, m.buf, 19), ==,
                   ICE_STUN_PARSE_TOO_SHORT);

  /* RTP (version 2) and ChannelData (0x40) start with other bits */
  m.buf[0] = 0x80;
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_NOT_STUN);
  m.buf[0] = 0x40;
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_NOT_STUN);
  m.buf[0] = 0x00;

  m.buf[7] = 0x43;
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_BAD_COOKIE);
  g_assert_null (msg.transaction_id);
  m.buf[7] = 0x42;

  /* length field 4, no body */
  raw_set_length (&m, 4);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_BAD_LENGTH);
  /* length field 0, 4 more bytes: RFC 8489 B.1 as published counts the
   * header in the length field, which is refused the same way */
  raw_set_length (&m, 0);
  m.len = 24;
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_BAD_LENGTH);
  raw_set_length (&m, 24);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_BAD_LENGTH);

  /* length field 2, and the datagram does have 2 more bytes */
  raw_set_length (&m, 2);
  m.len = 22;
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_MISALIGNED);
}

static void
test_is_message (void)
{
  RawMessage m;

  g_assert_true (ice_stun_is_message (rfc5769_ipv4_response,
                                      sizeof (rfc5769_ipv4_response)));
  g_assert_false (ice_stun_is_message (rfc5769_ipv4_response,
                                       sizeof (rfc5769_ipv4_response) - 4));
  g_assert_false (ice_stun_is_message (rfc5769_ipv4_response, 19));
  g_assert_false (ice_stun_is_message (NULL, 0));

  raw_init (&m, 0x0001);
  g_assert_true (ice_stun_is_message (m.buf, m.len));
  m.buf[0] = 0x80;
  g_assert_false (ice_stun_is_message (m.buf, m.len));
  m.buf[0] = 0x04;
  g_assert_false (ice_stun_is_message (m.buf, m.len));
  m.buf[0] = 0x03;
  g_assert_true (ice_stun_is_message (m.buf, m.len));
  m.buf[4] = 0x00;
  g_assert_false (ice_stun_is_message (m.buf, m.len));
  m.buf[4] = 0x21;
  raw_set_length (&m, 2);
  m.len = 22;
  g_assert_false (ice_stun_is_message (m.buf, m.len));
}

static void
test_method_and_class (void)
{
  static const struct {
    guint16 type;
    guint16 method;
    IceStunClass klass;
  } cases[] = {
    { 0x0001, ICE_STUN_METHOD_BINDING, ICE_STUN_CLASS_REQUEST },
    { 0x0011, ICE_STUN_METHOD_BINDING, ICE_STUN_CLASS_INDICATION },
    { 0x0101, ICE_STUN_METHOD_BINDING, ICE_STUN_CLASS_SUCCESS },
    { 0x0111, ICE_STUN_METHOD_BINDING, ICE_STUN_CLASS_ERROR },
    { 0x0113, ICE_STUN_METHOD_ALLOCATE, ICE_STUN_CLASS_ERROR },
    { 0x0016, ICE_STUN_METHOD_SEND, ICE_STUN_CLASS_INDICATION },
    { 0x0017, ICE_STUN_METHOD_DATA, ICE_STUN_CLASS_INDICATION },
    { 0x0109, ICE_STUN_METHOD_CHANNEL_BIND, ICE_STUN_CLASS_SUCCESS },
    /* every method bit set: M11..M7 C1 M6..M4 C0 M3..M0 */
    { 0x3eef, 0x0fff, ICE_STUN_CLASS_REQUEST },
    { 0x3fff, 0x0fff, ICE_STUN_CLASS_ERROR },
  };
  IceStunMessage msg;
  RawMessage m;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    raw_init (&m, cases[i].type);
    g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
    g_assert_cmphex (msg.method, ==, cases[i].method);
    g_assert_cmpint (msg.klass, ==, cases[i].klass);
  }
}

static void
test_truncated_attribute (void)
{
  IceStunMessage msg;
  RawMessage m;

  /* an 8-byte value announced, 4 bytes present */
  raw_init (&m, 0x0001);
  raw_add (&m, ICE_STUN_ATTR_PRIORITY, 4, "\x01\x02\x03\x04");
  m.buf[23] = 8;
  g_assert_cmpint (raw_parse (&m, &msg), ==,
                   ICE_STUN_PARSE_TRUNCATED_ATTRIBUTE);

  /* the value fits but its padding does not: 5 bytes need 8 */
  raw_init (&m, 0x0001);
  raw_add (&m, ICE_STUN_ATTR_SOFTWARE, 4, "abcd");
  m.buf[23] = 5;
  g_assert_cmpint (raw_parse (&m, &msg), ==,
                   ICE_STUN_PARSE_TRUNCATED_ATTRIBUTE);

  /* the second attribute runs past the end */
  raw_init (&m, 0x0001);
  raw_add (&m, ICE_STUN_ATTR_SOFTWARE, 4, "abcd");
  raw_add (&m, ICE_STUN_ATTR_DATA, 4, "abcd");
  m.buf[31] = 0xff;
  g_assert_cmpint (raw_parse (&m, &msg), ==,
                   ICE_STUN_PARSE_TRUNCATED_ATTRIBUTE);
}

typedef struct {
  const gchar *what;
  guint16 type;
  gsize length;
  const gchar *value; /* NULL: 'a' repeated */
} AttrCase;

/* A request holding one attribute whose padding is 0xff, so that every
 * case also shows that padding values are ignored. */
static IceStunParseResult
parse_one_attribute (const AttrCase *c, IceStunMessage *msg, RawMessage *m)
{
  raw_init (m, 0x0001);
  raw_add_padded (m, c->type, c->length, c->value, 0xff);
  return raw_parse (m, msg);
}

static void
check_attr_cases (const AttrCase *cases, guint n, IceStunParseResult expected)
{
  IceStunMessage msg;
  RawMessage m;
  guint i;

  for (i = 0; i < n; i++) {
    IceStunParseResult result = parse_one_attribute (&cases[i], &msg, &m);

    if (result != expected)
      g_test_fail_printf ("%s: got \"%s\", expected \"%s\"", cases[i].what,
                          ice_stun_parse_result_to_string (result),
                          ice_stun_parse_result_to_string (expected));
    /* the header stays usable, e.g. for a 400 response */
    g_assert_true (msg.transaction_id == m.buf + 8);
    g_assert_cmpuint (msg.method, ==, ICE_STUN_METHOD_BINDING);
  }
}

/* Each fixed-size or constrained attribute, well formed (and at the edges
 * of what is allowed). */
static const AttrCase good_attrs[] = {
  { "XOR-MAPPED-ADDRESS IPv4", ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, 8,
    "\x00\x01\x12\x34\x01\x02\x03\x04" },
  { "XOR-PEER-ADDRESS IPv6", ICE_STUN_ATTR_XOR_PEER_ADDRESS, 20,
    "\x00\x02\x12\x34"
    "0123456789abcdef" },
  { "MAPPED-ADDRESS IPv4", ICE_STUN_ATTR_MAPPED_ADDRESS, 8,
    "\x00\x01\x12\x34\x01\x02\x03\x04" },
  { "MESSAGE-INTEGRITY", ICE_STUN_ATTR_MESSAGE_INTEGRITY, 20, NULL },
  { "MESSAGE-INTEGRITY-SHA256 16", ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256, 16,
    NULL },
  { "MESSAGE-INTEGRITY-SHA256 32", ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256, 32,
    NULL },
  { "FINGERPRINT", ICE_STUN_ATTR_FINGERPRINT, 4, NULL },
  { "PRIORITY", ICE_STUN_ATTR_PRIORITY, 4, NULL },
  { "ICE-CONTROLLING", ICE_STUN_ATTR_ICE_CONTROLLING, 8, NULL },
  { "USE-CANDIDATE", ICE_STUN_ATTR_USE_CANDIDATE, 0, NULL },
  { "DONT-FRAGMENT", ICE_STUN_ATTR_DONT_FRAGMENT, 0, NULL },
  { "EVEN-PORT", ICE_STUN_ATTR_EVEN_PORT, 1, "\x80" },
  { "ERROR-CODE 300", ICE_STUN_ATTR_ERROR_CODE, 4, "\x00\x00\x03\x00" },
  { "ERROR-CODE 699", ICE_STUN_ATTR_ERROR_CODE, 6, "\x00\x00\x06\x63ok" },
  { "USERHASH", ICE_STUN_ATTR_USERHASH, 32, NULL },
  { "USERNAME 763", ICE_STUN_ATTR_USERNAME, 763, NULL },
  { "REALM 127 characters", ICE_STUN_ATTR_REALM, 127, NULL },
  { "SOFTWARE empty", ICE_STUN_ATTR_SOFTWARE, 0, NULL },
  { "UNKNOWN-ATTRIBUTES", ICE_STUN_ATTR_UNKNOWN_ATTRIBUTES, 2, "\x7f\xff" },
  { "PASSWORD-ALGORITHMS with parameters", ICE_STUN_ATTR_PASSWORD_ALGORITHMS,
    12, "\x00\x02\x00\x03xyz\x00\x00\x01\x00\x00" },
  { "PASSWORD-ALGORITHM", ICE_STUN_ATTR_PASSWORD_ALGORITHM, 4,
    "\x00\x02\x00\x00" },
  { "REQUESTED-ADDRESS-FAMILY", ICE_STUN_ATTR_REQUESTED_ADDRESS_FAMILY, 4,
    "\x02\x00\x00\x00" },
  { "RESERVATION-TOKEN", ICE_STUN_ATTR_RESERVATION_TOKEN, 8, NULL },
  { "ICMP", ICE_STUN_ATTR_ICMP, 8, NULL },
  { "CONNECTION-ID", ICE_STUN_ATTR_CONNECTION_ID, 4, NULL },
  { "DATA of 1 byte", ICE_STUN_ATTR_DATA, 1, NULL },
  { "PADDING of 1001 bytes", ICE_STUN_ATTR_PADDING, 1001, NULL },
};

/* Each malformation of a known attribute. */
static const AttrCase bad_attrs[] = {
  { "XOR-MAPPED-ADDRESS of 5 bytes", ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, 5,
    "\x00\x01\x12\x34\x01" },
  { "XOR-MAPPED-ADDRESS family 3", ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, 8,
    "\x00\x03\x12\x34\x01\x02\x03\x04" },
  { "XOR-MAPPED-ADDRESS IPv6 in 8 bytes", ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, 8,
    "\x00\x02\x12\x34\x01\x02\x03\x04" },
  { "XOR-RELAYED-ADDRESS IPv4 in 20 bytes", ICE_STUN_ATTR_XOR_RELAYED_ADDRESS,
    20,
    "\x00\x01\x12\x34"
    "0123456789abcdef" },
  { "MAPPED-ADDRESS of 12 bytes", ICE_STUN_ATTR_MAPPED_ADDRESS, 12,
    "\x00\x01\x12\x34\x01\x02\x03\x04\x00\x00\x00\x00" },
  { "ALTERNATE-SERVER family 0", ICE_STUN_ATTR_ALTERNATE_SERVER, 8,
    "\x00\x00\x12\x34\x01\x02\x03\x04" },
  { "OTHER-ADDRESS of 4 bytes", ICE_STUN_ATTR_OTHER_ADDRESS, 4,
    "\x00\x01\x12\x34" },
  { "MESSAGE-INTEGRITY of 16 bytes", ICE_STUN_ATTR_MESSAGE_INTEGRITY, 16,
    NULL },
  { "MESSAGE-INTEGRITY of 24 bytes", ICE_STUN_ATTR_MESSAGE_INTEGRITY, 24,
    NULL },
  { "MESSAGE-INTEGRITY-SHA256 of 12 bytes",
    ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256, 12, NULL },
  { "MESSAGE-INTEGRITY-SHA256 of 18 bytes",
    ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256, 18, NULL },
  { "MESSAGE-INTEGRITY-SHA256 of 36 bytes",
    ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256, 36, NULL },
  { "FINGERPRINT of 8 bytes", ICE_STUN_ATTR_FINGERPRINT, 8, NULL },
  { "PRIORITY of 2 bytes", ICE_STUN_ATTR_PRIORITY, 2, NULL },
  { "LIFETIME of 8 bytes", ICE_STUN_ATTR_LIFETIME, 8, NULL },
  { "CHANGE-REQUEST of 0 bytes", ICE_STUN_ATTR_CHANGE_REQUEST, 0, NULL },
  { "REQUESTED-TRANSPORT of 1 byte", ICE_STUN_ATTR_REQUESTED_TRANSPORT, 1,
    NULL },
  { "CHANNEL-NUMBER of 2 bytes", ICE_STUN_ATTR_CHANNEL_NUMBER, 2, NULL },
  { "ICE-CONTROLLING of 4 bytes", ICE_STUN_ATTR_ICE_CONTROLLING, 4, NULL },
  { "ICE-CONTROLLED of 12 bytes", ICE_STUN_ATTR_ICE_CONTROLLED, 12, NULL },
  { "RESERVATION-TOKEN of 4 bytes", ICE_STUN_ATTR_RESERVATION_TOKEN, 4, NULL },
  { "USE-CANDIDATE of 4 bytes", ICE_STUN_ATTR_USE_CANDIDATE, 4, NULL },
  { "DONT-FRAGMENT of 1 byte", ICE_STUN_ATTR_DONT_FRAGMENT, 1, NULL },
  { "ERROR-CODE of 3 bytes", ICE_STUN_ATTR_ERROR_CODE, 3, "\x00\x00\x04" },
  { "ERROR-CODE class 2", ICE_STUN_ATTR_ERROR_CODE, 4, "\x00\x00\x02\x00" },
  { "ERROR-CODE class 7", ICE_STUN_ATTR_ERROR_CODE, 4, "\x00\x00\x07\x00" },
  { "ERROR-CODE number 100", ICE_STUN_ATTR_ERROR_CODE, 4, "\x00\x00\x04\x64" },
  { "USERHASH of 31 bytes", ICE_STUN_ATTR_USERHASH, 31, NULL },
  { "USERNAME of 764 bytes", ICE_STUN_ATTR_USERNAME, 764, NULL },
  { "REALM of 128 characters", ICE_STUN_ATTR_REALM, 128, NULL },
  { "NONCE of 200 characters", ICE_STUN_ATTR_NONCE, 200, NULL },
  { "SOFTWARE of 128 characters", ICE_STUN_ATTR_SOFTWARE, 128, NULL },
  { "EVEN-PORT of 0 bytes", ICE_STUN_ATTR_EVEN_PORT, 0, NULL },
  { "EVEN-PORT of 4 bytes", ICE_STUN_ATTR_EVEN_PORT, 4, NULL },
  { "REQUESTED-ADDRESS-FAMILY of 8 bytes",
    ICE_STUN_ATTR_REQUESTED_ADDRESS_FAMILY, 8, NULL },
  { "ADDITIONAL-ADDRESS-FAMILY of 2 bytes",
    ICE_STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, 2, NULL },
  { "RESPONSE-PORT of 2 bytes", ICE_STUN_ATTR_RESPONSE_PORT, 2, NULL },
  { "UNKNOWN-ATTRIBUTES of 3 bytes", ICE_STUN_ATTR_UNKNOWN_ATTRIBUTES, 3,
    NULL },
  { "PASSWORD-ALGORITHMS entry past the end", ICE_STUN_ATTR_PASSWORD_ALGORITHMS,
    8, "\x00\x02\x00\x05\x00\x01\x00\x00" },
  { "PASSWORD-ALGORITHMS of 2 bytes", ICE_STUN_ATTR_PASSWORD_ALGORITHMS, 2,
    "\x00\x02" },
  { "PASSWORD-ALGORITHM of 2 bytes", ICE_STUN_ATTR_PASSWORD_ALGORITHM, 2,
    "\x00\x02" },
  { "ICMP of 4 bytes", ICE_STUN_ATTR_ICMP, 4, NULL },
  { "CONNECTION-ID of 8 bytes", ICE_STUN_ATTR_CONNECTION_ID, 8, NULL },
  { "ADDRESS-ERROR-CODE of 2 bytes", ICE_STUN_ATTR_ADDRESS_ERROR_CODE, 2,
    NULL },
  { "PASSWORD-ALGORITHM parameters past the end",
    ICE_STUN_ATTR_PASSWORD_ALGORITHM, 4, "\x00\x02\x00\x04" },
};

static void
test_good_attributes (void)
{
  check_attr_cases (good_attrs, G_N_ELEMENTS (good_attrs), ICE_STUN_PARSE_OK);
}

static void
test_bad_attributes (void)
{
  check_attr_cases (bad_attrs, G_N_ELEMENTS (bad_attrs),
                    ICE_STUN_PARSE_BAD_ATTRIBUTE);
}

static void
test_nonzero_padding (void)
{
  IceStunMessage msg;
  RawMessage m;
  gchar name[16];

  raw_init (&m, 0x0001);
  raw_add_padded (&m, ICE_STUN_ATTR_USERNAME, 5, "ab:cd", 0xff);
  raw_add_padded (&m, ICE_STUN_ATTR_PRIORITY, 4, "\x01\x02\x03\x04", 0xff);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
  g_assert_true (ice_stun_message_get_string (&msg, ICE_STUN_ATTR_USERNAME,
                                              name, sizeof (name)));
  g_assert_cmpstr (name, ==, "ab:cd");
  g_assert_true (ice_stun_message_has (&msg, ICE_STUN_ATTR_PRIORITY));
}

static void
test_unknown_optional_ignored (void)
{
  IceStunMessage msg;
  RawMessage m;
  guint16 len;

  /* 0xC057 is Chrome's GOOG-NETWORK-INFO: optional and unknown here */
  raw_init (&m, 0x0001);
  raw_add (&m, 0xc057, 4, "\x00\x01\x00\x0a");
  raw_add (&m, ICE_STUN_ATTR_PRIORITY, 4, "\x01\x02\x03\x04");
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
  g_assert_cmpuint (msg.n_unknown, ==, 0);
  g_assert_true (ice_stun_message_has (&msg, ICE_STUN_ATTR_PRIORITY));
  /* still reachable for a caller that knows it */
  g_assert_nonnull (ice_stun_message_get_value (&msg, 0xc057, &len));
  g_assert_cmpuint (len, ==, 4);
}

static void
test_unknown_required_reported (void)
{
  IceStunMessage msg;
  RawMessage m;
  guint32 priority;

  raw_init (&m, 0x0001);
  raw_add (&m, 0x0030, 4, NULL);
  raw_add (&m, ICE_STUN_ATTR_PRIORITY, 4, "\x01\x02\x03\x04");
  raw_add (&m, 0x7fff, 0, NULL);
  raw_add (&m, 0x0030, 8, NULL);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_UNKNOWN_REQUIRED);
  /* each type once, in order of appearance, for a 420 */
  g_assert_cmpuint (msg.n_unknown, ==, 2);
  g_assert_cmphex (msg.unknown[0], ==, 0x0030);
  g_assert_cmphex (msg.unknown[1], ==, 0x7fff);
  /* the rest of the message is parsed */
  g_assert_true (
      ice_stun_message_get_u32 (&msg, ICE_STUN_ATTR_PRIORITY, &priority));
  g_assert_cmphex (priority, ==, 0x01020304);
}

static void
test_unknown_required_overflow (void)
{
  IceStunMessage msg;
  RawMessage m;
  guint i;

  raw_init (&m, 0x0001);
  for (i = 0; i < ICE_STUN_MAX_UNKNOWN + 4; i++)
    raw_add (&m, 0x0100 + i, 0, NULL);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_UNKNOWN_REQUIRED);
  g_assert_cmpuint (msg.n_unknown, ==, ICE_STUN_MAX_UNKNOWN);
  g_assert_cmphex (msg.unknown[ICE_STUN_MAX_UNKNOWN - 1], ==,
                   0x0100 + ICE_STUN_MAX_UNKNOWN - 1);
}

/* RFC 8489 §14.9: fewer than 128 characters, counted as characters, not
 * bytes. */
static void
test_text_counts_characters (void)
{
  GString *text = g_string_new (NULL);
  IceStunMessage msg;
  RawMessage m;
  guint i;

  for (i = 0; i < 127; i++)
    g_string_append (text, "\xe2\x82\xac"); /* EURO SIGN, 3 bytes */
  raw_init (&m, 0x0001);
  raw_add (&m, ICE_STUN_ATTR_REALM, text->len, text->str);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);

  g_string_append (text, "\xe2\x82\xac");
  raw_init (&m, 0x0001);
  raw_add (&m, ICE_STUN_ATTR_REALM, text->len, text->str);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_BAD_ATTRIBUTE);
  g_string_free (text, TRUE);
}

static void
test_after_fingerprint_rejected (void)
{
  IceStunMessage msg;
  RawMessage m;

  raw_init (&m, 0x0001);
  raw_add (&m, ICE_STUN_ATTR_PRIORITY, 4, NULL);
  raw_add (&m, ICE_STUN_ATTR_FINGERPRINT, 4, NULL);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
  g_assert_cmpint (msg.fingerprint, ==, 1);

  raw_add (&m, ICE_STUN_ATTR_SOFTWARE, 3, "abc");
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_AFTER_FINGERPRINT);

  /* a second FINGERPRINT is an attribute after FINGERPRINT too */
  raw_init (&m, 0x0001);
  raw_add (&m, ICE_STUN_ATTR_FINGERPRINT, 4, NULL);
  raw_add (&m, ICE_STUN_ATTR_FINGERPRINT, 4, NULL);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_AFTER_FINGERPRINT);
}

/* RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY other than
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored, even malformed or
 * unknown comprehension-required ones. */
static void
test_after_integrity_ignored (void)
{
  IceStunMessage msg;
  RawMessage m;

  raw_init (&m, 0x0001);
  raw_add (&m, ICE_STUN_ATTR_USERNAME, 3, "a:b");
  raw_add (&m, ICE_STUN_ATTR_MESSAGE_INTEGRITY, 20, NULL);
  raw_add (&m, ICE_STUN_ATTR_SOFTWARE, 3, "abc");
  raw_add (&m, ICE_STUN_ATTR_PRIORITY, 2, NULL);
  raw_add (&m, 0x0030, 4, NULL);
  raw_add (&m, ICE_STUN_ATTR_MESSAGE_INTEGRITY, 20, NULL);
  raw_add (&m, ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256, 32, NULL);
  raw_add (&m, ICE_STUN_ATTR_USE_CANDIDATE, 0, NULL);
  raw_add (&m, ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256, 16, NULL);
  raw_add (&m, ICE_STUN_ATTR_FINGERPRINT, 4, NULL);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
  g_assert_cmpuint (msg.n_attrs, ==, 4);
  g_assert_cmpuint (msg.n_unknown, ==, 0);
  g_assert_cmpint (msg.integrity, ==, 1);
  g_assert_cmpint (msg.integrity_sha256, ==, 2);
  g_assert_cmpint (msg.fingerprint, ==, 3);
  g_assert_cmpuint (msg.attrs[msg.integrity_sha256].length, ==, 32);
  g_assert_false (ice_stun_message_has (&msg, ICE_STUN_ATTR_SOFTWARE));
  g_assert_false (ice_stun_message_has (&msg, ICE_STUN_ATTR_PRIORITY));
  g_assert_false (ice_stun_message_has (&msg, ICE_STUN_ATTR_USE_CANDIDATE));

  /* a truncated attribute is still an error: the walk cannot go on */
  raw_init (&m, 0x0001);
  raw_add (&m, ICE_STUN_ATTR_MESSAGE_INTEGRITY, 20, NULL);
  raw_add (&m, ICE_STUN_ATTR_SOFTWARE, 4, "abcd");
  m.buf[m.len - 5] = 9;
  g_assert_cmpint (raw_parse (&m, &msg), ==,
                   ICE_STUN_PARSE_TRUNCATED_ATTRIBUTE);
}

static void
test_too_many_attributes (void)
{
  IceStunMessage msg;
  RawMessage m;
  guint i;

  raw_init (&m, 0x0001);
  for (i = 0; i < ICE_STUN_MAX_ATTRIBUTES; i++)
    raw_add (&m, ICE_STUN_ATTR_DATA, 1, NULL);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
  g_assert_cmpuint (msg.n_attrs, ==, ICE_STUN_MAX_ATTRIBUTES);

  raw_add (&m, ICE_STUN_ATTR_DATA, 1, NULL);
  g_assert_cmpint (raw_parse (&m, &msg), ==,
                   ICE_STUN_PARSE_TOO_MANY_ATTRIBUTES);
}

static void
test_error_code_accessor (void)
{
  IceStunMessage msg;
  RawMessage m;
  const gchar *reason;
  gsize reason_len;
  guint code;

  raw_init (&m, 0x0111);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
  g_assert_false (
      ice_stun_message_get_error_code (&msg, &code, &reason, &reason_len));

  /* reserved bits set in the first bytes are ignored */
  raw_add (&m, ICE_STUN_ATTR_ERROR_CODE, 21,
           "\xff\xff\xfc\x14Unknown Attribute");
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
  g_assert_true (
      ice_stun_message_get_error_code (&msg, &code, &reason, &reason_len));
  g_assert_cmpuint (code, ==, 420);
  g_assert_cmpmem (reason, reason_len, "Unknown Attribute", 17);
}

static void
test_unknown_attributes_accessor (void)
{
  IceStunMessage msg;
  RawMessage m;
  guint16 types[4];

  raw_init (&m, 0x0111);
  raw_add (&m, ICE_STUN_ATTR_UNKNOWN_ATTRIBUTES, 6, "\x00\x30\x7f\xff\x00\x31");
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
  g_assert_cmpuint (ice_stun_message_get_unknown_attributes (&msg, types, 4),
                    ==, 3);
  g_assert_cmphex (types[0], ==, 0x0030);
  g_assert_cmphex (types[1], ==, 0x7fff);
  g_assert_cmphex (types[2], ==, 0x0031);
  g_assert_cmpuint (ice_stun_message_get_unknown_attributes (&msg, types, 2),
                    ==, 2);
}

static void
test_password_algorithms_accessor (void)
{
  IceStunMessage msg;
  RawMessage m;
  guint16 algorithms[4] = { 0 };

  /* SHA256 with 3 bytes of parameters (padded to 4), then MD5 */
  raw_init (&m, 0x0113);
  raw_add (&m, ICE_STUN_ATTR_PASSWORD_ALGORITHMS, 12,
           "\x00\x02\x00\x03xyz\xee\x00\x01\x00\x00");
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
  g_assert_cmpuint (
      ice_stun_message_get_password_algorithms (&msg, algorithms, 4), ==, 2);
  g_assert_cmpuint (algorithms[0], ==, ICE_STUN_PASSWORD_ALGORITHM_SHA256);
  g_assert_cmpuint (algorithms[1], ==, ICE_STUN_PASSWORD_ALGORITHM_MD5);
  g_assert_cmpuint (
      ice_stun_message_get_password_algorithms (&msg, algorithms, 1), ==, 1);
}

static void
test_string_accessor (void)
{
  IceStunMessage msg;
  RawMessage m;
  gchar buf[8];

  raw_init (&m, 0x0001);
  raw_add (&m, ICE_STUN_ATTR_USERNAME, 7, "abc:def");
  raw_add (&m, ICE_STUN_ATTR_REALM, 3, "a\0b");
  raw_add (&m, ICE_STUN_ATTR_NONCE, 0, NULL);
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);
  g_assert_true (
      ice_stun_message_get_string (&msg, ICE_STUN_ATTR_USERNAME, buf, 8));
  g_assert_cmpstr (buf, ==, "abc:def");
  /* no room for the NUL */
  g_assert_false (
      ice_stun_message_get_string (&msg, ICE_STUN_ATTR_USERNAME, buf, 7));
  /* an embedded NUL would truncate silently */
  g_assert_false (
      ice_stun_message_get_string (&msg, ICE_STUN_ATTR_REALM, buf, 8));
  g_assert_true (
      ice_stun_message_get_string (&msg, ICE_STUN_ATTR_NONCE, buf, 8));
  g_assert_cmpstr (buf, ==, "");
  g_assert_false (
      ice_stun_message_get_string (&msg, ICE_STUN_ATTR_SOFTWARE, buf, 8));
}

static void
test_value_accessors (void)
{
  IceStunMessage msg;
  RawMessage m;
  guint32 u32;
  guint64 u64;
  guint16 len = 0;
  const guint8 *value;

  raw_init (&m, 0x0001);
  raw_add (&m, ICE_STUN_ATTR_DATA, 5, "\x01\x02\x03\x04\x05");
  raw_add (&m, ICE_STUN_ATTR_PRIORITY, 4, "\x7e\x00\x01\xff");
  raw_add (&m, ICE_STUN_ATTR_PRIORITY, 4, "\x00\x00\x00\x01");
  raw_add (&m, ICE_STUN_ATTR_RESERVATION_TOKEN, 8,
           "\x01\x23\x45\x67\x89\xab\xcd\xef");
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);

  value = ice_stun_message_get_value (&msg, ICE_STUN_ATTR_DATA, &len);
  g_assert_cmpmem (value, len, "\x01\x02\x03\x04\x05", 5);
  g_assert_true (value == m.buf + 24);
  g_assert_null (
      ice_stun_message_get_value (&msg, ICE_STUN_ATTR_LIFETIME, NULL));
  /* the first of duplicates counts */
  g_assert_true (ice_stun_message_get_u32 (&msg, ICE_STUN_ATTR_PRIORITY, &u32));
  g_assert_cmphex (u32, ==, 0x7e0001ff);
  g_assert_false (ice_stun_message_get_u32 (&msg, ICE_STUN_ATTR_DATA, &u32));
  g_assert_false (
      ice_stun_message_get_u32 (&msg, ICE_STUN_ATTR_LIFETIME, &u32));
  g_assert_true (
      ice_stun_message_get_u64 (&msg, ICE_STUN_ATTR_RESERVATION_TOKEN, &u64));
  g_assert_cmphex (u64, ==, G_GUINT64_CONSTANT (0x0123456789abcdef));
  g_assert_false (
      ice_stun_message_get_u64 (&msg, ICE_STUN_ATTR_PRIORITY, &u64));
}

static void
test_address_accessors (void)
{
  IceStunMessage msg;
  RawMessage m;
  IceTransportAddr addr;
  gchar text[ICE_ADDR_STRLEN];

  raw_init (&m, 0x0101);
  /* plain MAPPED-ADDRESS: no xor */
  raw_add (&m, ICE_STUN_ATTR_MAPPED_ADDRESS, 8,
           "\x00\x01\x13\x88\xc0\x00\x02\x07");
  raw_add (&m, ICE_STUN_ATTR_OTHER_ADDRESS, 20,
           "\x00\x02\x0d\x96\x20\x01\x0d\xb8\x00\x00\x00\x00"
           "\x00\x00\x00\x00\x00\x00\x00\x09");
  /* two XOR-PEER-ADDRESS: port 0x2112 ^ 0x2112 = 0, then port 1 */
  raw_add (&m, ICE_STUN_ATTR_XOR_PEER_ADDRESS, 8,
           "\x00\x01\x21\x12\x21\x12\xa4\x43");
  raw_add (&m, ICE_STUN_ATTR_XOR_PEER_ADDRESS, 8,
           "\x00\x01\x21\x13\x5e\x12\xa4\x43");
  g_assert_cmpint (raw_parse (&m, &msg), ==, ICE_STUN_PARSE_OK);

  g_assert_true (
      ice_stun_message_get_address (&msg, ICE_STUN_ATTR_MAPPED_ADDRESS, &addr));
  g_assert_cmpstr (ice_addr_to_string (&addr, text), ==, "192.0.2.7:5000");
  g_assert_true (
      ice_stun_message_get_address (&msg, ICE_STUN_ATTR_OTHER_ADDRESS, &addr));
  g_assert_cmpstr (ice_addr_to_string (&addr, text), ==, "[2001:db8::9]:3478");
  g_assert_true (ice_stun_message_get_xor_address_nth (
      &msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS, 0, &addr));
  g_assert_cmpstr (ice_addr_to_string (&addr, text), ==, "0.0.0.1:0");
  g_assert_true (ice_stun_message_get_xor_address_nth (
      &msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS, 1, &addr));
  g_assert_cmpstr (ice_addr_to_string (&addr, text), ==, "127.0.0.1:1");
  g_assert_false (ice_stun_message_get_xor_address_nth (
      &msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS, 2, &addr));
  g_assert_false (ice_stun_message_get_xor_address (
      &msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &addr));
}

static void
test_names (void)
{
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
  gint r;

  for (r = ICE_STUN_PARSE_OK; r <= ICE_STUN_PARSE_TOO_MANY_ATTRIBUTES; r++) {
    const gchar *text = ice_stun_parse_result_to_string (r);

    g_assert_nonnull (text);
    g_assert_false (g_hash_table_contains (seen, text));
    g_hash_table_add (seen, (gpointer)text);
  }
  g_hash_table_unref (seen);

  g_assert_cmpstr (ice_stun_attr_name (ICE_STUN_ATTR_XOR_MAPPED_ADDRESS), ==,
                   "XOR-MAPPED-ADDRESS");
  g_assert_cmpstr (ice_stun_attr_name (ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256),
                   ==, "MESSAGE-INTEGRITY-SHA256");
  g_assert_cmpstr (ice_stun_attr_name (ICE_STUN_ATTR_OTHER_ADDRESS), ==,
                   "OTHER-ADDRESS");
  g_assert_null (ice_stun_attr_name (0x0030));
  g_assert_null (ice_stun_attr_name (0xc057));
  g_assert_cmpstr (ice_stun_method_to_string (ICE_STUN_METHOD_BINDING), ==,
                   "Binding");
  g_assert_cmpstr (ice_stun_method_to_string (ICE_STUN_METHOD_CHANNEL_BIND), ==,
                   "ChannelBind");
  g_assert_cmpstr (ice_stun_method_to_string (0x0fff), ==, "unknown");
  g_assert_cmpstr (ice_stun_class_to_string (ICE_STUN_CLASS_ERROR), ==,
                   "error response");
  g_assert_cmpstr (ice_stun_class_to_string (ICE_STUN_CLASS_INDICATION), ==,
                   "indication");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stun/message/rfc5769-ipv4-response",
                   test_rfc5769_ipv4_response);
  g_test_add_func ("/stun/message/rfc5769-ipv6-response",
                   test_rfc5769_ipv6_response);
  g_test_add_func ("/stun/message/rfc5769-request", test_rfc5769_request);
  g_test_add_func ("/stun/message/header-errors", test_header_errors);
  g_test_add_func ("/stun/message/is-message", test_is_message);
  g_test_add_func ("/stun/message/method-and-class", test_method_and_class);
  g_test_add_func ("/stun/message/truncated-attribute",
                   test_truncated_attribute);
  g_test_add_func ("/stun/message/good-attributes", test_good_attributes);
  g_test_add_func ("/stun/message/bad-attributes", test_bad_attributes);
  g_test_add_func ("/stun/message/text-counts-characters",
                   test_text_counts_characters);
  g_test_add_func ("/stun/message/nonzero-padding", test_nonzero_padding);
  g_test_add_func ("/stun/message/unknown-optional-ignored",
                   test_unknown_optional_ignored);
  g_test_add_func ("/stun/message/unknown-required-reported",
                   test_unknown_required_reported);
  g_test_add_func ("/stun/message/unknown-required-overflow",
                   test_unknown_required_overflow);
  g_test_add_func ("/stun/message/after-fingerprint-rejected",
                   test_after_fingerprint_rejected);
  g_test_add_func ("/stun/message/after-integrity-ignored",
                   test_after_integrity_ignored);
  g_test_add_func ("/stun/message/too-many-attributes",
                   test_too_many_attributes);
  g_test_add_func ("/stun/message/error-code", test_error_code_accessor);
  g_test_add_func ("/stun/message/unknown-attributes",
                   test_unknown_attributes_accessor);
  g_test_add_func ("/stun/message/password-algorithms",
                   test_password_algorithms_accessor);
  g_test_add_func ("/stun/message/strings", test_string_accessor);
  g_test_add_func ("/stun/message/values", test_value_accessors);
  g_test_add_func ("/stun/message/addresses", test_address_accessors);
  g_test_add_func ("/stun/message/names", test_names);

  return g_test_run ();
}
