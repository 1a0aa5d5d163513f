/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT: built by the
 * builder, checked on the parsed message (RFC 8489 §14.5-14.7), compared
 * with an independent computation; and the nonce cookie (§9.2).
 */
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"

#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

static const guint8 tid[ICE_STUN_TRANSACTION_ID_SIZE] = {
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
};

static void
short_term_key (IceStunKey *key)
{
  g_assert_true (ice_stun_key_short_term (key, "FXr8TP6S/Cr4SeUa35Qnuu"));
}

/* A Binding request with USERNAME and PRIORITY; returns the builder's
 * length so far. */
static void
start_request (IceStunBuilder *b, guint8 *buf, gsize size)
{
  ice_stun_builder_init (b, buf, size, ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, tid);
  g_assert_true (
      ice_stun_builder_add_string (b, ICE_STUN_ATTR_USERNAME, "lj+h:evtj"));
  g_assert_true (
      ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_PRIORITY, 2015364095));
}

/* HMAC of @buf up to @attr_start, computed the way RFC 8489 §14.5 says
 * with OpenSSL's one-shot HMAC(): on a copy whose length field ends the
 * message after an attribute of @value_len bytes at @attr_start. */
static void
reference_hmac (const EVP_MD *md, const IceStunKey *key, const guint8 *buf,
                gsize attr_start, gsize value_len, guint8 *out)
{
  guint8 *copy = g_memdup2 (buf, attr_start);
  gsize length = attr_start + 4 + value_len - ICE_STUN_HEADER_SIZE;
  unsigned int out_len = 0;

  copy[2] = length >> 8;
  copy[3] = length & 0xff;
  g_assert_nonnull (
      HMAC (md, key->bytes, (int)key->len, copy, attr_start, out, &out_len));
  g_assert_cmpuint (out_len, ==, EVP_MD_get_size (md));
  g_free (copy);
}

static void
test_sha1_round_trip (void)
{
  guint8 buf[256];
  guint8 expected[20];
  IceStunBuilder b;
  IceStunMessage msg;
  IceStunKey key;
  const IceStunAttr *mi;
  gsize len;

  short_term_key (&key);
  start_request (&b, buf, sizeof (buf));
  g_assert_true (
      ice_stun_builder_add_message_integrity (&b, key.bytes, key.len));
  g_assert_true (ice_stun_builder_add_fingerprint (&b));
  len = ice_stun_builder_finish (&b);
  g_assert_cmpuint (len, >, 0);
  g_assert_cmpuint ((buf[2] << 8) | buf[3], ==, len - ICE_STUN_HEADER_SIZE);

  g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpint (ice_stun_message_check_integrity (&msg, &key, FALSE), ==,
                   ICE_STUN_CHECK_OK);
  g_assert_cmpint (ice_stun_message_check_fingerprint (&msg), ==,
                   ICE_STUN_CHECK_OK);

  /* the MAC is what RFC 8489 §14.5 prescribes: the length field counts
   * MESSAGE-INTEGRITY but not the FINGERPRINT after it */
  g_assert_cmpint (msg.integrity, >=, 0);
  mi = &msg.attrs[msg.integrity];
  reference_hmac (EVP_sha1 (), &key, buf, mi->offset - 4, 20, expected);
  g_assert_cmpmem (buf + mi->offset, mi->length, expected, 20);
}

static void
test_sha256_round_trip (void)
{
  guint8 buf[256];
  guint8 expected[32];
  IceStunBuilder b;
  IceStunMessage msg;
  IceStunKey key, other;
  const IceStunAttr *mi;
  gsize len;

  g_assert_true (ice_stun_key_long_term (
      &key, ICE_STUN_PASSWORD_ALGORITHM_SHA256, "user", "realm", "pass"));
  g_assert_cmpuint (key.len, ==, 32);
  start_request (&b, buf, sizeof (buf));
  /* RFC 8489 §14.6: both may be sent, SHA-1 first, for older agents */
  g_assert_true (
      ice_stun_builder_add_message_integrity (&b, key.bytes, key.len));
  g_assert_true (
      ice_stun_builder_add_message_integrity_sha256 (&b, key.bytes, key.len));
  g_assert_true (ice_stun_builder_add_fingerprint (&b));
  len = ice_stun_builder_finish (&b);

  g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpint (msg.integrity_sha256, >=, 0);
  mi = &msg.attrs[msg.integrity_sha256];
  g_assert_cmpuint (mi->length, ==, 32);
  reference_hmac (EVP_sha256 (), &key, buf, mi->offset - 4, 32, expected);
  g_assert_cmpmem (buf + mi->offset, mi->length, expected, 32);
  g_assert_cmpint (ice_stun_message_check_integrity (&msg, &key, FALSE), ==,
                   ICE_STUN_CHECK_OK);
  g_assert_cmpint (ice_stun_message_check_fingerprint (&msg), ==,
                   ICE_STUN_CHECK_OK);

  /* the SHA256 MAC is the one checked: damage it, the SHA-1 one alone
   * does not save the message */
  buf[mi->offset + 31] ^= 0x01;
  g_assert_cmpint (ice_stun_message_check_integrity (&msg, &key, FALSE), ==,
                   ICE_STUN_CHECK_BAD);
  buf[mi->offset + 31] ^= 0x01;

  g_assert_true (ice_stun_key_long_term (
      &other, ICE_STUN_PASSWORD_ALGORITHM_SHA256, "user", "realm", "Pass"));
  g_assert_cmpint (ice_stun_message_check_integrity (&msg, &other, FALSE), ==,
                   ICE_STUN_CHECK_BAD);
}

/* A request whose MESSAGE-INTEGRITY-SHA256 carries only the first
 * @mac_len bytes of the right MAC (optionally damaged). */
static gsize
build_truncated (guint8 *buf, gsize size, const IceStunKey *key, gsize mac_len,
                 gboolean damage)
{
  guint8 mac[32];
  IceStunBuilder b;

  start_request (&b, buf, size);
  reference_hmac (EVP_sha256 (), key, buf, b.len, mac_len, mac);
  if (damage)
    mac[mac_len - 1] ^= 0x80;
  g_assert_true (ice_stun_builder_add (
      &b, ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256, mac, mac_len));
  return ice_stun_builder_finish (&b);
}

static void
test_sha256_truncated (void)
{
  static const gsize sizes[] = { 16, 20, 24, 28 };
  guint8 buf[256];
  IceStunMessage msg;
  IceStunKey key;
  gsize len;
  guint i;

  short_term_key (&key);
  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    len = build_truncated (buf, sizeof (buf), &key, sizes[i], FALSE);
    g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                     ICE_STUN_PARSE_OK);
    /* RFC 8489 §14.6: accepted only where the usage allows truncation */
    g_assert_cmpint (ice_stun_message_check_integrity (&msg, &key, FALSE), ==,
                     ICE_STUN_CHECK_BAD);
    g_assert_cmpint (ice_stun_message_check_integrity (&msg, &key, TRUE), ==,
                     ICE_STUN_CHECK_OK);

    len = build_truncated (buf, sizeof (buf), &key, sizes[i], TRUE);
    g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                     ICE_STUN_PARSE_OK);
    g_assert_cmpint (ice_stun_message_check_integrity (&msg, &key, TRUE), ==,
                     ICE_STUN_CHECK_BAD);
  }
}

static void
test_wrong_key (void)
{
  guint8 buf[256];
  IceStunBuilder b;
  IceStunMessage msg;
  IceStunKey key, wrong;
  gsize len;

  short_term_key (&key);
  g_assert_true (ice_stun_key_short_term (&wrong, "FXr8TP6S/Cr4SeUa35Qnuv"));
  start_request (&b, buf, sizeof (buf));
  g_assert_true (
      ice_stun_builder_add_message_integrity (&b, key.bytes, key.len));
  len = ice_stun_builder_finish (&b);
  g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpint (ice_stun_message_check_integrity (&msg, &wrong, FALSE), ==,
                   ICE_STUN_CHECK_BAD);
  g_assert_cmpint (ice_stun_message_check_integrity (&msg, &key, FALSE), ==,
                   ICE_STUN_CHECK_OK);
  /* no FINGERPRINT was added */
  g_assert_cmpint (ice_stun_message_check_fingerprint (&msg), ==,
                   ICE_STUN_CHECK_ABSENT);
}

static void
test_absent (void)
{
  guint8 buf[256];
  IceStunBuilder b;
  IceStunMessage msg;
  IceStunKey key;
  gsize len;

  short_term_key (&key);
  start_request (&b, buf, sizeof (buf));
  g_assert_true (ice_stun_builder_add_fingerprint (&b));
  len = ice_stun_builder_finish (&b);
  g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpint (ice_stun_message_check_integrity (&msg, &key, TRUE), ==,
                   ICE_STUN_CHECK_ABSENT);
  g_assert_cmpint (ice_stun_message_check_fingerprint (&msg), ==,
                   ICE_STUN_CHECK_OK);

  /* damage the fingerprint value */
  buf[len - 1] ^= 0x01;
  g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpint (ice_stun_message_check_fingerprint (&msg), ==,
                   ICE_STUN_CHECK_BAD);
}

static void
test_attribute_after_integrity (void)
{
  guint8 buf[256];
  IceStunBuilder b;
  IceStunMessage msg;
  IceStunKey key;
  gsize len;

  short_term_key (&key);
  start_request (&b, buf, sizeof (buf));
  g_assert_true (
      ice_stun_builder_add_message_integrity (&b, key.bytes, key.len));
  /* RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (but FINGERPRINT)
   * are ignored; the MAC was computed before it existed and still
   * verifies, because the check ends the message at the MAC */
  g_assert_true (ice_stun_builder_add_string (&b, ICE_STUN_ATTR_SOFTWARE,
                                              "added by a middlebox"));
  g_assert_true (ice_stun_builder_add_fingerprint (&b));
  len = ice_stun_builder_finish (&b);
  g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpint (ice_stun_message_check_integrity (&msg, &key, FALSE), ==,
                   ICE_STUN_CHECK_OK);
  g_assert_cmpint (ice_stun_message_check_fingerprint (&msg), ==,
                   ICE_STUN_CHECK_OK);
}

static void
test_overflow (void)
{
  guint8 buf[64];
  IceStunBuilder b;
  IceStunKey key;

  short_term_key (&key);
  /* header 20 + USERNAME 16 + PRIORITY 8 = 44: MESSAGE-INTEGRITY (24)
   * does not fit in 64 */
  start_request (&b, buf, sizeof (buf));
  g_assert_cmpuint (b.len, ==, 44);
  g_assert_false (
      ice_stun_builder_add_message_integrity (&b, key.bytes, key.len));
  g_assert_false (ice_stun_builder_add_fingerprint (&b));
  g_assert_cmpuint (ice_stun_builder_finish (&b), ==, 0);
}

static void
test_fingerprint_value (void)
{
  /* CRC-32 of "123456789" is 0xcbf43926 (the standard check value) */
  g_assert_cmphex (
      ice_stun_fingerprint_compute ((const guint8 *)"123456789", 9), ==,
      0xcbf43926u ^ 0x5354554eu);
}

static void
test_mac_equal (void)
{
  guint8 a[20], c[20];

  memset (a, 0x5a, sizeof (a));
  memcpy (c, a, sizeof (a));
  g_assert_true (ice_stun_mac_equal (a, c, sizeof (a)));
  c[19] ^= 1;
  g_assert_false (ice_stun_mac_equal (a, c, sizeof (a)));
  c[19] ^= 1;
  c[0] ^= 0x80;
  g_assert_false (ice_stun_mac_equal (a, c, sizeof (a)));
}

static gboolean
features_of (const gchar *nonce, guint32 *features)
{
  return ice_stun_nonce_get_features ((const guint8 *)nonce, strlen (nonce),
                                      features);
}

static void
test_nonce_features (void)
{
  guint32 f;

  /* RFC 8489 §18.1: bit 0 (the most significant of 24) = password
   * algorithms, bit 1 = username anonymity; "g" = 100000b */
  g_assert_true (features_of ("obMatJos2gAAAnonce", &f));
  g_assert_cmphex (f, ==, ICE_STUN_FEATURE_PASSWORD_ALGORITHMS);
  g_assert_true (features_of ("obMatJos2QAAA", &f));
  g_assert_cmphex (f, ==, ICE_STUN_FEATURE_USERNAME_ANONYMITY);
  g_assert_true (features_of ("obMatJos2wAAAxyz", &f));
  g_assert_cmphex (f, ==,
                   ICE_STUN_FEATURE_PASSWORD_ALGORITHMS
                       | ICE_STUN_FEATURE_USERNAME_ANONYMITY);
  g_assert_true (features_of ("obMatJos2////", &f));
  g_assert_cmphex (f, ==, 0xffffff);
  g_assert_true (features_of ("obMatJos2AAAB", &f));
  g_assert_cmphex (f, ==, 1);

  /* no cookie, a cookie cut short, bad base64 */
  g_assert_false (features_of ("f//499k954d6OL34oL9FSTvy64sA", &f));
  g_assert_cmphex (f, ==, 0);
  g_assert_false (features_of ("obMatJos2AA", &f));
  g_assert_false (features_of ("obMatJos2AA*A", &f));
  g_assert_false (features_of ("obMatJos2AAA=", &f));
  g_assert_false (features_of ("obmatJos2AAAA", &f));
  g_assert_false (ice_stun_nonce_get_features (NULL, 0, &f));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stun/integrity/sha1-round-trip", test_sha1_round_trip);
  g_test_add_func ("/stun/integrity/sha256-round-trip", test_sha256_round_trip);
  g_test_add_func ("/stun/integrity/sha256-truncated", test_sha256_truncated);
  g_test_add_func ("/stun/integrity/wrong-key", test_wrong_key);
  g_test_add_func ("/stun/integrity/absent", test_absent);
  g_test_add_func ("/stun/integrity/attribute-after-integrity",
                   test_attribute_after_integrity);
  g_test_add_func ("/stun/integrity/overflow", test_overflow);
  g_test_add_func ("/stun/integrity/fingerprint-value", test_fingerprint_value);
  g_test_add_func ("/stun/integrity/mac-equal", test_mac_equal);
  g_test_add_func ("/stun/integrity/nonce-features", test_nonce_features);

  return g_test_run ();
}
