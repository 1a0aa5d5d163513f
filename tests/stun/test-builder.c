/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The STUN builder: header encoding, every attribute kind built and parsed
 * back, the length field after every add, and overflow at every capacity.
 */
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"

#include <string.h>

#define GUARD_SIZE 32
#define GUARD_BYTE 0xa5
#define BIG 2048

static const guint8 tid[ICE_STUN_TRANSACTION_ID_SIZE] = {
  0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
};

static const guint8 userhash[32] = {
  0x4a, 0x3c, 0xf3, 0x8f, 0xef, 0x69, 0x92, 0xbd, 0xa9, 0x52, 0xc6,
  0x78, 0x04, 0x17, 0xda, 0x0f, 0x24, 0x81, 0x94, 0x15, 0x56, 0x9e,
  0x60, 0xb2, 0x05, 0xc4, 0x6e, 0x41, 0x40, 0x7f, 0x17, 0x04,
};

static const guint16 unknown_types[] = { 0x0030, 0x7fff, 0x0031 };
static const guint16 algorithms[] = {
  ICE_STUN_PASSWORD_ALGORITHM_SHA256,
  ICE_STUN_PASSWORD_ALGORITHM_MD5,
};

/* Addresses of one family for the address attributes. */
typedef struct {
  IceTransportAddr mapped, xor_mapped, alternate, peer1, peer2, relayed, origin,
      other;
} Addresses;

static void
set_addr (IceTransportAddr *addr, const gchar *text)
{
  g_assert_true (ice_addr_parse (addr, text));
}

static void
addresses_init (Addresses *a, gboolean ipv6)
{
  if (ipv6) {
    set_addr (&a->mapped, "[2001:db8::1]:1");
    set_addr (&a->xor_mapped, "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
    set_addr (&a->alternate, "[2001:db8::3]:3478");
    set_addr (&a->peer1, "[::1]:65535");
    set_addr (&a->peer2, "[fe80::1:2:3:4]:9");
    set_addr (&a->relayed, "[2001:db8:ffff::]:49152");
    set_addr (&a->origin, "[2001:db8::4]:3478");
    set_addr (&a->other, "[2001:db8::5]:3479");
  } else {
    set_addr (&a->mapped, "192.0.2.1:1");
    set_addr (&a->xor_mapped, "192.0.2.1:32853");
    set_addr (&a->alternate, "198.51.100.3:3478");
    set_addr (&a->peer1, "127.0.0.1:65535");
    set_addr (&a->peer2, "0.0.0.0:0");
    set_addr (&a->relayed, "255.255.255.255:49152");
    set_addr (&a->origin, "203.0.113.4:3478");
    set_addr (&a->other, "203.0.113.5:3479");
  }
}

/* After every add the header's length field counts the whole message:
 * MESSAGE-INTEGRITY and FINGERPRINT are computed from it. */
static void
assert_length_field (const IceStunBuilder *b)
{
  if (b->overflow)
    return;
  g_assert_cmpuint ((b->buf[2] << 8) | b->buf[3], ==, b->len - 20);
  g_assert_cmpuint (b->len % 4, ==, 0);
}

#define ADD(expr)                                                              \
  G_STMT_START                                                                 \
  {                                                                            \
    ok = (expr) && ok;                                                         \
    assert_length_field (b);                                                   \
  }                                                                            \
  G_STMT_END

static gboolean
add_stun_attributes (IceStunBuilder *b, const Addresses *a)
{
  gboolean ok = TRUE;

  ADD (ice_stun_builder_add_xor_address (b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
                                         &a->xor_mapped));
  ADD (ice_stun_builder_add_address (b, ICE_STUN_ATTR_MAPPED_ADDRESS,
                                     &a->mapped));
  ADD (ice_stun_builder_add_string (b, ICE_STUN_ATTR_USERNAME, "alice:bob"));
  ADD (ice_stun_builder_add (b, ICE_STUN_ATTR_USERHASH, userhash, 32));
  ADD (ice_stun_builder_add_string (b, ICE_STUN_ATTR_REALM, "example.org"));
  ADD (ice_stun_builder_add_string (
      b, ICE_STUN_ATTR_NONCE, "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"));
  ADD (ice_stun_builder_add_password_algorithms (b, algorithms, 2));
  ADD (ice_stun_builder_add_password_algorithm (
      b, ICE_STUN_PASSWORD_ALGORITHM_SHA256));
  ADD (ice_stun_builder_add_error_code (b, 438, "Stale Nonce"));
  ADD (ice_stun_builder_add_unknown_attributes (b, unknown_types, 3));
  ADD (ice_stun_builder_add_string (b, ICE_STUN_ATTR_SOFTWARE, "gst-ice"));
  ADD (ice_stun_builder_add_address (b, ICE_STUN_ATTR_ALTERNATE_SERVER,
                                     &a->alternate));
  return ok;
}

static gboolean
add_ice_and_turn_attributes (IceStunBuilder *b, const Addresses *a)
{
  gboolean ok = TRUE;

  ADD (ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_PRIORITY, 0x6e0001ff));
  ADD (ice_stun_builder_add_flag (b, ICE_STUN_ATTR_USE_CANDIDATE));
  ADD (ice_stun_builder_add_u64 (b, ICE_STUN_ATTR_ICE_CONTROLLED,
                                 G_GUINT64_CONSTANT (0x932ff9b151263b36)));
  ADD (ice_stun_builder_add_u64 (b, ICE_STUN_ATTR_ICE_CONTROLLING,
                                 G_GUINT64_CONSTANT (0xfedcba9876543210)));
  ADD (ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_CHANNEL_NUMBER,
                                 0x4001u << 16));
  ADD (ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_LIFETIME, 600));
  ADD (ice_stun_builder_add_xor_address (b, ICE_STUN_ATTR_XOR_PEER_ADDRESS,
                                         &a->peer1));
  ADD (ice_stun_builder_add_xor_address (b, ICE_STUN_ATTR_XOR_PEER_ADDRESS,
                                         &a->peer2));
  ADD (ice_stun_builder_add (b, ICE_STUN_ATTR_DATA, "\x01\x02\x03\x00\x05", 5));
  ADD (ice_stun_builder_add_xor_address (b, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS,
                                         &a->relayed));
  ADD (ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_REQUESTED_ADDRESS_FAMILY,
                                 0x02u << 24));
  ADD (ice_stun_builder_add (b, ICE_STUN_ATTR_EVEN_PORT, "\x80", 1));
  ADD (ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_REQUESTED_TRANSPORT,
                                 17u << 24));
  ADD (ice_stun_builder_add_flag (b, ICE_STUN_ATTR_DONT_FRAGMENT));
  ADD (ice_stun_builder_add_u64 (b, ICE_STUN_ATTR_RESERVATION_TOKEN,
                                 G_GUINT64_CONSTANT (0x0123456789abcdef)));
  ADD (ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY,
                                 0x02u << 24));
  return ok;
}

static gboolean
add_nat_and_integrity_attributes (IceStunBuilder *b, const Addresses *a)
{
  static const guint8 key[] = "VOkJxbRl1RmTxUk/WvJxBt";
  gboolean ok = TRUE;

  /* RFC 5780 */
  ADD (ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_CHANGE_REQUEST,
                                 ICE_STUN_CHANGE_IP | ICE_STUN_CHANGE_PORT));
  ADD (ice_stun_builder_add_address (b, ICE_STUN_ATTR_RESPONSE_ORIGIN,
                                     &a->origin));
  ADD (
      ice_stun_builder_add_address (b, ICE_STUN_ATTR_OTHER_ADDRESS, &a->other));
  ADD (ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_RESPONSE_PORT, 5000u << 16));
  ADD (ice_stun_builder_add (b, ICE_STUN_ATTR_PADDING, "paddin\xff", 7));
  /* stun-integrity.c works on the builder's fields directly */
  ADD (ice_stun_builder_add_message_integrity (b, key, sizeof (key) - 1));
  ADD (
      ice_stun_builder_add_message_integrity_sha256 (b, key, sizeof (key) - 1));
  ADD (ice_stun_builder_add_fingerprint (b));
  return ok;
}

/* Every attribute kind the project sends, in one message. */
static gsize
build_everything (guint8 *buf, gsize capacity, const Addresses *a,
                  gboolean *all_added)
{
  IceStunBuilder b;
  gboolean ok;

  ice_stun_builder_init (&b, buf, capacity, ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_ALLOCATE, tid);
  ok = add_stun_attributes (&b, a);
  ok = add_ice_and_turn_attributes (&b, a) && ok;
  ok = add_nat_and_integrity_attributes (&b, a) && ok;
  *all_added = ok;
  return ice_stun_builder_finish (&b);
}

static void
assert_address (const IceStunMessage *msg, guint16 type, guint n,
                gboolean xored, const IceTransportAddr *expected)
{
  IceTransportAddr got;

  if (xored)
    g_assert_true (ice_stun_message_get_xor_address_nth (msg, type, n, &got));
  else
    g_assert_true (ice_stun_message_get_address (msg, type, &got));
  g_assert_true (ice_addr_equal (&got, expected));
}

static void
assert_string (const IceStunMessage *msg, guint16 type, const gchar *text)
{
  gchar buf[128];

  g_assert_true (ice_stun_message_get_string (msg, type, buf, sizeof (buf)));
  g_assert_cmpstr (buf, ==, text);
}

static void
assert_u32 (const IceStunMessage *msg, guint16 type, guint32 expected)
{
  guint32 value;

  g_assert_true (ice_stun_message_get_u32 (msg, type, &value));
  g_assert_cmphex (value, ==, expected);
}

static void
assert_u64 (const IceStunMessage *msg, guint16 type, guint64 expected)
{
  guint64 value;

  g_assert_true (ice_stun_message_get_u64 (msg, type, &value));
  g_assert_cmphex (value, ==, expected);
}

static void
assert_bytes (const IceStunMessage *msg, guint16 type, const void *bytes,
              gsize len)
{
  const guint8 *value;
  guint16 value_len;

  value = ice_stun_message_get_value (msg, type, &value_len);
  g_assert_nonnull (value);
  g_assert_cmpmem (value, value_len, bytes, len);
}

static void
check_stun_attributes (const IceStunMessage *msg, const Addresses *a)
{
  guint16 types[8], algs[8];
  const gchar *reason;
  gsize reason_len;
  guint code;

  assert_address (msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, 0, TRUE,
                  &a->xor_mapped);
  assert_address (msg, ICE_STUN_ATTR_MAPPED_ADDRESS, 0, FALSE, &a->mapped);
  assert_string (msg, ICE_STUN_ATTR_USERNAME, "alice:bob");
  assert_bytes (msg, ICE_STUN_ATTR_USERHASH, userhash, 32);
  assert_string (msg, ICE_STUN_ATTR_REALM, "example.org");
  assert_string (msg, ICE_STUN_ATTR_NONCE,
                 "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA");
  g_assert_cmpuint (ice_stun_message_get_password_algorithms (msg, algs, 8), ==,
                    2);
  g_assert_cmpmem (algs, 2 * sizeof (guint16), algorithms, sizeof (algorithms));
  assert_bytes (msg, ICE_STUN_ATTR_PASSWORD_ALGORITHM, "\x00\x02\x00\x00", 4);
  g_assert_true (
      ice_stun_message_get_error_code (msg, &code, &reason, &reason_len));
  g_assert_cmpuint (code, ==, 438);
  g_assert_cmpmem (reason, reason_len, "Stale Nonce", 11);
  g_assert_cmpuint (ice_stun_message_get_unknown_attributes (msg, types, 8), ==,
                    3);
  g_assert_cmpmem (types, 3 * sizeof (guint16), unknown_types,
                   sizeof (unknown_types));
  assert_string (msg, ICE_STUN_ATTR_SOFTWARE, "gst-ice");
  assert_address (msg, ICE_STUN_ATTR_ALTERNATE_SERVER, 0, FALSE, &a->alternate);
}

static void
check_ice_and_turn_attributes (const IceStunMessage *msg, const Addresses *a)
{
  assert_u32 (msg, ICE_STUN_ATTR_PRIORITY, 0x6e0001ff);
  assert_bytes (msg, ICE_STUN_ATTR_USE_CANDIDATE, "", 0);
  assert_u64 (msg, ICE_STUN_ATTR_ICE_CONTROLLED,
              G_GUINT64_CONSTANT (0x932ff9b151263b36));
  assert_u64 (msg, ICE_STUN_ATTR_ICE_CONTROLLING,
              G_GUINT64_CONSTANT (0xfedcba9876543210));
  assert_u32 (msg, ICE_STUN_ATTR_CHANNEL_NUMBER, 0x40010000);
  assert_u32 (msg, ICE_STUN_ATTR_LIFETIME, 600);
  assert_address (msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS, 0, TRUE, &a->peer1);
  assert_address (msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS, 1, TRUE, &a->peer2);
  assert_bytes (msg, ICE_STUN_ATTR_DATA, "\x01\x02\x03\x00\x05", 5);
  assert_address (msg, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, 0, TRUE, &a->relayed);
  assert_u32 (msg, ICE_STUN_ATTR_REQUESTED_ADDRESS_FAMILY, 0x02000000);
  assert_bytes (msg, ICE_STUN_ATTR_EVEN_PORT, "\x80", 1);
  assert_u32 (msg, ICE_STUN_ATTR_REQUESTED_TRANSPORT, 0x11000000);
  assert_bytes (msg, ICE_STUN_ATTR_DONT_FRAGMENT, "", 0);
  assert_u64 (msg, ICE_STUN_ATTR_RESERVATION_TOKEN,
              G_GUINT64_CONSTANT (0x0123456789abcdef));
  assert_u32 (msg, ICE_STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, 0x02000000);
}

static void
check_nat_and_integrity_attributes (const IceStunMessage *msg,
                                    const Addresses *a)
{
  IceStunKey key = { "VOkJxbRl1RmTxUk/WvJxBt", 22 };

  assert_u32 (msg, ICE_STUN_ATTR_CHANGE_REQUEST, 0x6);
  assert_address (msg, ICE_STUN_ATTR_RESPONSE_ORIGIN, 0, FALSE, &a->origin);
  assert_address (msg, ICE_STUN_ATTR_OTHER_ADDRESS, 0, FALSE, &a->other);
  assert_u32 (msg, ICE_STUN_ATTR_RESPONSE_PORT, 5000u << 16);
  assert_bytes (msg, ICE_STUN_ATTR_PADDING, "paddin\xff", 7);
  g_assert_cmpint (msg->integrity, >=, 0);
  g_assert_cmpint (msg->integrity_sha256, ==, msg->integrity + 1);
  g_assert_cmpint (msg->fingerprint, ==, (gint)msg->n_attrs - 1);
  g_assert_cmpint (ice_stun_message_check_integrity (msg, &key, FALSE), ==,
                   ICE_STUN_CHECK_OK);
  g_assert_cmpint (ice_stun_message_check_fingerprint (msg), ==,
                   ICE_STUN_CHECK_OK);
}

static void
round_trip (gboolean ipv6)
{
  guint8 buf[BIG];
  IceStunMessage msg;
  Addresses a;
  gboolean all_added;
  gsize len;

  addresses_init (&a, ipv6);
  len = build_everything (buf, sizeof (buf), &a, &all_added);
  g_assert_true (all_added);
  g_assert_cmpuint (len, >, 20);
  g_assert_true (ice_stun_is_message (buf, len));
  g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpuint (msg.method, ==, ICE_STUN_METHOD_ALLOCATE);
  g_assert_cmpint (msg.klass, ==, ICE_STUN_CLASS_REQUEST);
  g_assert_cmpmem (msg.transaction_id, 12, tid, 12);
  g_assert_cmpuint (msg.n_attrs, ==, 36);
  check_stun_attributes (&msg, &a);
  check_ice_and_turn_attributes (&msg, &a);
  check_nat_and_integrity_attributes (&msg, &a);
}

static void
test_round_trip_ipv4 (void)
{
  round_trip (FALSE);
}

static void
test_round_trip_ipv6 (void)
{
  round_trip (TRUE);
}

static gboolean
guard_intact (const guint8 *guard)
{
  guint i;

  for (i = 0; i < GUARD_SIZE; i++) {
    if (guard[i] != GUARD_BYTE)
      return FALSE;
  }
  return TRUE;
}

/* At every capacity short of the full size every add after the first
 * that does not fit fails and finish returns 0; nothing is written past
 * the capacity. The buffer is allocated at the exact capacity too, so
 * that valgrind sees any stray write. */
static void
overflow_at_every_capacity (gboolean ipv6)
{
  guint8 big[BIG + GUARD_SIZE];
  Addresses a;
  gboolean all_added;
  gsize full, cap;

  addresses_init (&a, ipv6);
  full = build_everything (big, BIG, &a, &all_added);
  g_assert_true (all_added);

  for (cap = 0; cap <= full; cap++) {
    guint8 *exact = g_malloc (MAX (cap, 1));
    gsize len;

    memset (big, GUARD_BYTE, sizeof (big));
    len = build_everything (big, cap, &a, &all_added);
    if (!guard_intact (big + cap))
      g_test_fail_printf ("capacity %" G_GSIZE_FORMAT ": wrote past it", cap);
    g_assert_cmpuint (len, ==, cap == full ? full : 0);
    g_assert_true (all_added == (cap == full));

    len = build_everything (exact, cap, &a, &all_added);
    g_assert_cmpuint (len, ==, cap == full ? full : 0);
    g_free (exact);
  }
}

static void
test_overflow_ipv4 (void)
{
  overflow_at_every_capacity (FALSE);
}

static void
test_overflow_ipv6 (void)
{
  overflow_at_every_capacity (TRUE);
}

/* Once an add has failed, a smaller one that would fit fails too: the
 * message must not silently lack an attribute. */
static void
test_overflow_is_sticky (void)
{
  guint8 buf[32];
  IceStunBuilder b;

  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, tid);
  g_assert_false (ice_stun_builder_add_string (
      &b, ICE_STUN_ATTR_SOFTWARE, "a string longer than eight bytes"));
  g_assert_true (b.overflow);
  g_assert_cmpuint (b.len, ==, 20);
  g_assert_false (ice_stun_builder_add_flag (&b, ICE_STUN_ATTR_USE_CANDIDATE));
  g_assert_cmpuint (ice_stun_builder_finish (&b), ==, 0);
}

static void
test_header (void)
{
  static const guint8 expected[20] = {
    0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7,
    0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
  };
  guint8 buf[20];
  IceStunBuilder b;

  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, tid);
  g_assert_cmpuint (ice_stun_builder_finish (&b), ==, 20);
  g_assert_cmpmem (buf, 20, expected, 20);

  /* too small for the header: nothing written, finish returns 0 */
  memset (buf, GUARD_BYTE, sizeof (buf));
  ice_stun_builder_init (&b, buf, 19, ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, tid);
  g_assert_true (b.overflow);
  g_assert_cmpuint (ice_stun_builder_finish (&b), ==, 0);
  g_assert_cmpuint (buf[0], ==, GUARD_BYTE);
}

static void
test_method_class_round_trip (void)
{
  guint8 buf[20];
  IceStunMessage msg;
  IceStunBuilder b;
  guint method, klass;

  for (method = 0; method <= 0xfff; method++) {
    for (klass = 0; klass < 4; klass++) {
      ice_stun_builder_init (&b, buf, sizeof (buf), klass, method, tid);
      g_assert_cmpuint (ice_stun_builder_finish (&b), ==, 20);
      g_assert_cmpint (ice_stun_message_parse (&msg, buf, 20), ==,
                       ICE_STUN_PARSE_OK);
      g_assert_cmpuint (msg.method, ==, method);
      g_assert_cmpuint (msg.klass, ==, klass);
    }
  }
}

static void
test_init_response (void)
{
  guint8 request[64], response[64];
  IceStunMessage req, resp;
  IceStunBuilder b;
  gsize len;

  ice_stun_builder_init (&b, request, sizeof (request), ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_CREATE_PERMISSION, tid);
  len = ice_stun_builder_finish (&b);
  g_assert_cmpint (ice_stun_message_parse (&req, request, len), ==,
                   ICE_STUN_PARSE_OK);

  ice_stun_builder_init_response (&b, response, sizeof (response), &req,
                                  ICE_STUN_CLASS_ERROR);
  g_assert_true (ice_stun_builder_add_error_code (&b, 403, "Forbidden"));
  len = ice_stun_builder_finish (&b);
  g_assert_cmpint (ice_stun_message_parse (&resp, response, len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpuint (resp.method, ==, ICE_STUN_METHOD_CREATE_PERMISSION);
  g_assert_cmpint (resp.klass, ==, ICE_STUN_CLASS_ERROR);
  g_assert_cmpmem (resp.transaction_id, 12, tid, 12);
  /* 0x0118: CreatePermission error response */
  g_assert_cmphex ((response[0] << 8) | response[1], ==, 0x0118);
}

/* The RFC 5769 §2.2 and §2.3 encodings, byte for byte. */
static void
test_xor_address_encoding (void)
{
  static const guint8 ipv4_value[] = {
    0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
  };
  static const guint8 ipv6_value[] = {
    0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa, 0xa5, 0xd3,
    0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9,
  };
  IceTransportAddr addr;
  IceStunBuilder b;
  guint8 buf[64];

  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_SUCCESS,
                         ICE_STUN_METHOD_BINDING, tid);
  set_addr (&addr, "192.0.2.1:32853");
  g_assert_true (ice_stun_builder_add_xor_address (
      &b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &addr));
  set_addr (&addr, "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
  g_assert_true (ice_stun_builder_add_xor_address (
      &b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &addr));
  g_assert_cmpuint (ice_stun_builder_finish (&b), ==, 20 + 12 + 24);
  g_assert_cmpmem (buf + 20, 4, "\x00\x20\x00\x08", 4);
  g_assert_cmpmem (buf + 24, 8, ipv4_value, 8);
  g_assert_cmpmem (buf + 32, 4, "\x00\x20\x00\x14", 4);
  g_assert_cmpmem (buf + 36, 20, ipv6_value, 20);
}

/* Values are padded with zeros; an odd UNKNOWN-ATTRIBUTES count too. */
static void
test_padding_is_zero (void)
{
  static const guint16 one[] = { 0x0030 };
  guint8 buf[64];
  IceStunBuilder b;

  memset (buf, GUARD_BYTE, sizeof (buf));
  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_ERROR,
                         ICE_STUN_METHOD_BINDING, tid);
  g_assert_true (ice_stun_builder_add_unknown_attributes (&b, one, 1));
  g_assert_true (
      ice_stun_builder_add_string (&b, ICE_STUN_ATTR_SOFTWARE, "abcde"));
  g_assert_true (
      ice_stun_builder_add_unknown_attributes (&b, unknown_types, 2));
  g_assert_cmpuint (ice_stun_builder_finish (&b), ==, 20 + 8 + 12 + 8);
  g_assert_cmpmem (buf + 20, 8, "\x00\x0a\x00\x02\x00\x30\x00\x00", 8);
  g_assert_cmpmem (buf + 28, 12,
                   "\x80\x22\x00\x05"
                   "abcde\0\0\0",
                   12);
  g_assert_cmpmem (buf + 40, 8, "\x00\x0a\x00\x04\x00\x30\x7f\xff", 8);
}

static void
test_error_code_edges (void)
{
  guint8 buf[64];
  IceStunMessage msg;
  IceStunBuilder b;
  const gchar *reason;
  gsize reason_len, len;
  guint code;

  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_ERROR,
                         ICE_STUN_METHOD_BINDING, tid);
  g_assert_true (ice_stun_builder_add_error_code (&b, 699, NULL));
  len = ice_stun_builder_finish (&b);
  g_assert_cmpmem (buf + 20, 8, "\x00\x09\x00\x04\x00\x00\x06\x63", 8);
  g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_true (
      ice_stun_message_get_error_code (&msg, &code, &reason, &reason_len));
  g_assert_cmpuint (code, ==, 699);
  g_assert_cmpuint (reason_len, ==, 0);

  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_ERROR,
                         ICE_STUN_METHOD_BINDING, tid);
  g_assert_true (ice_stun_builder_add_error_code (&b, 300, "Try Alternate"));
  len = ice_stun_builder_finish (&b);
  g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_true (ice_stun_message_get_error_code (&msg, &code, NULL, NULL));
  g_assert_cmpuint (code, ==, 300);
}

/* Bad parameters are refused with a critical that names what was expected,
 * and leave the message unchanged. */
static void
test_bad_parameters (void)
{
  IceTransportAddr unset = { 0 };
  guint8 buf[64];
  IceStunBuilder b;

  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, tid);
  g_test_expect_message ("ice-stun", G_LOG_LEVEL_CRITICAL,
                         "*ICE_ADDR_FAMILY_IPV4*");
  g_assert_false (ice_stun_builder_add_xor_address (
      &b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &unset));
  g_test_assert_expected_messages ();
  g_test_expect_message ("ice-stun", G_LOG_LEVEL_CRITICAL, "*code >= 300*");
  g_assert_false (ice_stun_builder_add_error_code (&b, 200, "OK"));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (ice_stun_builder_finish (&b), ==, 20);
}

/* RFC 8489 §5: the length field is 16 bits; a message whose body would
 * not fit in it overflows whatever the capacity. */
static void
test_length_field_limit (void)
{
  gsize capacity = 20 + 65536 + 64;
  guint8 *buf = g_malloc (capacity);
  guint8 *data = g_malloc0 (65528);
  IceStunBuilder b;

  ice_stun_builder_init (&b, buf, capacity, ICE_STUN_CLASS_INDICATION,
                         ICE_STUN_METHOD_SEND, tid);
  g_assert_true (ice_stun_builder_add (&b, ICE_STUN_ATTR_DATA, data, 65528));
  g_assert_cmpuint (b.len, ==, 20 + 65532);
  g_assert_cmphex ((buf[2] << 8) | buf[3], ==, 65532);
  g_assert_false (ice_stun_builder_add_flag (&b, ICE_STUN_ATTR_DONT_FRAGMENT));
  g_assert_cmpuint (ice_stun_builder_finish (&b), ==, 0);
  g_free (data);
  g_free (buf);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stun/builder/header", test_header);
  g_test_add_func ("/stun/builder/method-class-round-trip",
                   test_method_class_round_trip);
  g_test_add_func ("/stun/builder/init-response", test_init_response);
  g_test_add_func ("/stun/builder/xor-address-encoding",
                   test_xor_address_encoding);
  g_test_add_func ("/stun/builder/round-trip-ipv4", test_round_trip_ipv4);
  g_test_add_func ("/stun/builder/round-trip-ipv6", test_round_trip_ipv6);
  g_test_add_func ("/stun/builder/overflow-ipv4", test_overflow_ipv4);
  g_test_add_func ("/stun/builder/overflow-ipv6", test_overflow_ipv6);
  g_test_add_func ("/stun/builder/overflow-is-sticky", test_overflow_is_sticky);
  g_test_add_func ("/stun/builder/padding-is-zero", test_padding_is_zero);
  g_test_add_func ("/stun/builder/error-code-edges", test_error_code_edges);
  g_test_add_func ("/stun/builder/bad-parameters", test_bad_parameters);
  g_test_add_func ("/stun/builder/length-field-limit", test_length_field_limit);

  return g_test_run ();
}
