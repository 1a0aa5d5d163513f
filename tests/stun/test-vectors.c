/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The published STUN test messages: RFC 5769 §2.1-2.4 and RFC 8489
 * Appendix B.1 (as corrected by erratum 6268, and as published). The bytes
 * are read from the .hex files in tests/stun/vectors (annotated hex, '#'
 * comments); the expected fields are written below from the RFCs' prose, as
 * listed in tests/stun/vectors/expected.json.
 */
#include "ice/stun/stun-integrity.h"

#include <string.h>

#define MATRIX_USER                                                            \
  "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83"                           \
  "\xe3\x82\xaf\xe3\x82\xb9"
#define MAX_VECTOR_ATTRS 8

typedef enum {
  KEY_SHORT_TERM,
  KEY_LONG_TERM_MD5,
  KEY_LONG_TERM_SHA256,
} KeyKind;

typedef struct {
  const gchar *file;
  gsize total_len;
  guint16 type;
  IceStunClass klass;
  const gchar *transaction_id;     /* hex */
  guint16 attrs[MAX_VECTOR_ATTRS]; /* in order, 0-terminated */
  const gchar *software;           /* NULL: absent */
  const gchar *username;           /* for the key; in USERNAME unless hashed */
  const gchar *password;
  KeyKind key;
  guint32 priority;        /* 0: absent */
  guint64 ice_controlled;  /* 0: absent */
  const gchar *xor_mapped; /* NULL: absent */
  guint32 fingerprint;     /* 0: absent */
} Vector;

/* RFC 5769 §2.1: short-term credentials */
static const Vector rfc5769_request = {
  "rfc5769-2.1-sample-request.hex",
  108,
  0x0001,
  ICE_STUN_CLASS_REQUEST,
  "b7e7a701bc34d686fa87dfae",
  { ICE_STUN_ATTR_SOFTWARE, ICE_STUN_ATTR_PRIORITY,
    ICE_STUN_ATTR_ICE_CONTROLLED, ICE_STUN_ATTR_USERNAME,
    ICE_STUN_ATTR_MESSAGE_INTEGRITY, ICE_STUN_ATTR_FINGERPRINT },
  "STUN test client",
  "evtj:h6vY",
  "VOkJxbRl1RmTxUk/WvJxBt",
  KEY_SHORT_TERM,
  1845494271,
  G_GUINT64_CONSTANT (0x932ff9b151263b36),
  NULL,
  0xe57a3bcf,
};

/* RFC 5769 §2.2 */
static const Vector rfc5769_ipv4_response = {
  "rfc5769-2.2-sample-ipv4-response.hex",
  80,
  0x0101,
  ICE_STUN_CLASS_SUCCESS,
  "b7e7a701bc34d686fa87dfae",
  { ICE_STUN_ATTR_SOFTWARE, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
    ICE_STUN_ATTR_MESSAGE_INTEGRITY, ICE_STUN_ATTR_FINGERPRINT },
  "test vector",
  NULL,
  "VOkJxbRl1RmTxUk/WvJxBt",
  KEY_SHORT_TERM,
  0,
  0,
  "192.0.2.1:32853",
  0xc07d4c96,
};

/* RFC 5769 §2.3 */
static const Vector rfc5769_ipv6_response = {
  "rfc5769-2.3-sample-ipv6-response.hex",
  92,
  0x0101,
  ICE_STUN_CLASS_SUCCESS,
  "b7e7a701bc34d686fa87dfae",
  { ICE_STUN_ATTR_SOFTWARE, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
    ICE_STUN_ATTR_MESSAGE_INTEGRITY, ICE_STUN_ATTR_FINGERPRINT },
  "test vector",
  NULL,
  "VOkJxbRl1RmTxUk/WvJxBt",
  KEY_SHORT_TERM,
  0,
  0,
  "[2001:db8:1234:5678:11:2233:4455:6677]:32853",
  0xc8fb0b4c,
};

/* RFC 5769 §2.4: long-term credentials; "TheMatrIX" is the password after
 * preparation (the RFC's raw form is refused by OpaqueString) */
static const Vector rfc5769_long_term = {
  "rfc5769-2.4-sample-request-long-term.hex",
  116,
  0x0001,
  ICE_STUN_CLASS_REQUEST,
  "78ad3433c6ad72c029da412e",
  { ICE_STUN_ATTR_USERNAME, ICE_STUN_ATTR_NONCE, ICE_STUN_ATTR_REALM,
    ICE_STUN_ATTR_MESSAGE_INTEGRITY },
  NULL,
  MATRIX_USER,
  "TheMatrIX",
  KEY_LONG_TERM_MD5,
  0,
  0,
  NULL,
  0,
};

/* RFC 8489 Appendix B.1 with verified erratum 6268: USERHASH instead of
 * USERNAME, PASSWORD-ALGORITHM SHA-256, MESSAGE-INTEGRITY-SHA256 */
static const Vector rfc8489_b1 = {
  "rfc8489-B.1-errata6268.hex",
  164,
  0x0001,
  ICE_STUN_CLASS_REQUEST,
  "78ad3433c6ad72c029da412e",
  { ICE_STUN_ATTR_USERHASH, ICE_STUN_ATTR_NONCE, ICE_STUN_ATTR_REALM,
    ICE_STUN_ATTR_PASSWORD_ALGORITHM, ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256 },
  NULL,
  MATRIX_USER,
  "TheMatrIX",
  KEY_LONG_TERM_SHA256,
  0,
  0,
  NULL,
  0,
};

static const Vector *const valid_vectors[] = {
  &rfc5769_request,
  &rfc5769_ipv4_response,
  &rfc5769_ipv6_response,
  &rfc5769_long_term,
  &rfc8489_b1,
};

/* Reads TEST_SRCDIR/vectors/@file: hex byte pairs, whitespace ignored,
 * '#' to the end of a line a comment. */
static guint8 *
load_vector (const gchar *file, gsize *len)
{
  gchar *path = g_build_filename (TEST_SRCDIR, "vectors", file, NULL);
  GByteArray *bytes = g_byte_array_new ();
  gchar *text = NULL;
  gchar **lines;
  guint i;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("cannot read test vector %s", path);
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i] != NULL; i++) {
    gchar *comment = strchr (lines[i], '#');
    gchar **words;
    guint j;

    if (comment != NULL)
      *comment = '\0';
    words = g_strsplit_set (g_strstrip (lines[i]), " \t\r", -1);
    for (j = 0; words[j] != NULL; j++) {
      guint8 byte;

      if (words[j][0] == '\0')
        continue;
      g_assert_cmpuint (strlen (words[j]), ==, 2);
      g_assert_true (g_ascii_isxdigit (words[j][0])
                     && g_ascii_isxdigit (words[j][1]));
      byte = (g_ascii_xdigit_value (words[j][0]) << 4)
             | g_ascii_xdigit_value (words[j][1]);
      g_byte_array_append (bytes, &byte, 1);
    }
    g_strfreev (words);
  }
  g_strfreev (lines);
  g_free (text);
  g_free (path);
  *len = bytes->len;
  return g_byte_array_free (bytes, FALSE);
}

static void
assert_hex (const guint8 *bytes, gsize len, const gchar *hex)
{
  gchar *got = g_malloc (2 * len + 1);
  gsize i;

  for (i = 0; i < len; i++)
    g_snprintf (got + 2 * i, 3, "%02x", bytes[i]);
  g_assert_cmpstr (got, ==, hex);
  g_free (got);
}

static void
assert_string_attr (const IceStunMessage *msg, guint16 type,
                    const gchar *expected)
{
  gchar buf[256];

  g_assert_true (ice_stun_message_get_string (msg, type, buf, sizeof (buf)));
  g_assert_cmpstr (buf, ==, expected);
}

/* Derives the key the way a receiver would: from the USERNAME and REALM
 * the message carries (or the known user when it sends a USERHASH). */
static void
derive_key (const Vector *v, const IceStunMessage *msg, IceStunKey *key)
{
  gchar realm[128];

  if (v->key == KEY_SHORT_TERM) {
    g_assert_true (ice_stun_key_short_term (key, v->password));
    return;
  }
  g_assert_true (ice_stun_message_get_string (msg, ICE_STUN_ATTR_REALM, realm,
                                              sizeof (realm)));
  g_assert_cmpstr (realm, ==, "example.org");
  g_assert_true (ice_stun_key_long_term (
      key,
      v->key == KEY_LONG_TERM_MD5 ? ICE_STUN_PASSWORD_ALGORITHM_MD5
                                  : ICE_STUN_PASSWORD_ALGORITHM_SHA256,
      v->username, realm, v->password));
}

static void
assert_optional_fields (const Vector *v, const IceStunMessage *msg)
{
  guint32 u32;
  guint64 u64;

  if (v->software != NULL)
    assert_string_attr (msg, ICE_STUN_ATTR_SOFTWARE, v->software);
  if (v->priority != 0) {
    g_assert_true (
        ice_stun_message_get_u32 (msg, ICE_STUN_ATTR_PRIORITY, &u32));
    g_assert_cmpuint (u32, ==, v->priority);
  }
  if (v->ice_controlled != 0) {
    g_assert_true (
        ice_stun_message_get_u64 (msg, ICE_STUN_ATTR_ICE_CONTROLLED, &u64));
    g_assert_cmpuint (u64, ==, v->ice_controlled);
  }
  if (v->xor_mapped != NULL) {
    IceTransportAddr addr;
    gchar buf[ICE_ADDR_STRLEN];

    g_assert_true (ice_stun_message_get_xor_address (
        msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &addr));
    g_assert_cmpstr (ice_addr_to_string (&addr, buf), ==, v->xor_mapped);
  }
}

static void
assert_fingerprint (const Vector *v, const IceStunMessage *msg)
{
  const IceStunAttr *attr;
  const guint8 *value;
  guint32 sent;

  if (v->fingerprint == 0) {
    g_assert_cmpint (ice_stun_message_check_fingerprint (msg), ==,
                     ICE_STUN_CHECK_ABSENT);
    return;
  }
  g_assert_cmpint (ice_stun_message_check_fingerprint (msg), ==,
                   ICE_STUN_CHECK_OK);
  attr = &msg->attrs[msg->fingerprint];
  value = msg->data + attr->offset;
  sent = ((guint32)value[0] << 24) | (value[1] << 16) | (value[2] << 8)
         | value[3];
  g_assert_cmpuint (sent, ==, v->fingerprint);
  /* FINGERPRINT is last, so the header already counts it */
  g_assert_cmpuint (ice_stun_fingerprint_compute (msg->data, attr->offset - 4),
                    ==, v->fingerprint);
}

/* Parses @v and checks every field it lists; returns the key and the
 * message's bytes for further checks. */
static guint8 *
check_vector (const Vector *v, IceStunKey *key, gsize *len)
{
  IceStunMessage msg;
  guint8 *data = load_vector (v->file, len);
  guint n;

  g_assert_cmpuint (*len, ==, v->total_len);
  g_assert_cmpint (ice_stun_message_parse (&msg, data, *len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpuint ((data[0] << 8) | data[1], ==, v->type);
  g_assert_cmpint (msg.klass, ==, v->klass);
  g_assert_cmpuint (msg.method, ==, ICE_STUN_METHOD_BINDING);
  assert_hex (msg.transaction_id, ICE_STUN_TRANSACTION_ID_SIZE,
              v->transaction_id);
  for (n = 0; n < MAX_VECTOR_ATTRS && v->attrs[n] != 0; n++) {
    g_assert_cmpuint (n, <, msg.n_attrs);
    g_assert_cmpuint (msg.attrs[n].type, ==, v->attrs[n]);
  }
  g_assert_cmpuint (msg.n_attrs, ==, n);
  if (v->key != KEY_LONG_TERM_SHA256 && v->username != NULL)
    assert_string_attr (&msg, ICE_STUN_ATTR_USERNAME, v->username);
  assert_optional_fields (v, &msg);
  assert_fingerprint (v, &msg);

  derive_key (v, &msg, key);
  g_assert_cmpint (ice_stun_message_check_integrity (&msg, key, FALSE), ==,
                   ICE_STUN_CHECK_OK);
  return data;
}

static void
test_vector (gconstpointer user_data)
{
  IceStunKey key;
  gsize len;

  g_free (check_vector (user_data, &key, &len));
}

static void
test_long_term_key_printed (void)
{
  IceStunKey key;
  gchar *hex;
  gsize len;

  g_free (check_vector (&rfc5769_long_term, &key, &len));
  g_assert_cmpuint (key.len, ==, 16);
  hex = g_compute_checksum_for_string (
      G_CHECKSUM_MD5, MATRIX_USER ":example.org:TheMatrIX", -1);
  g_test_message ("RFC 5769 2.4 long-term key MD5(user:realm:pass) = %s", hex);
  /* GLib's MD5 agrees with the key derived through OpenSSL */
  assert_hex (key.bytes, key.len, hex);
  g_free (hex);
}

static void
test_rfc8489_b1_details (void)
{
  const guint8 *value;
  guint8 userhash[ICE_STUN_USERHASH_SIZE];
  IceStunMessage msg;
  IceStunKey key;
  guint16 length;
  guint32 features;
  guint8 *data;
  gsize len;

  data = check_vector (&rfc8489_b1, &key, &len);
  g_assert_cmpint (ice_stun_message_parse (&msg, data, len), ==,
                   ICE_STUN_PARSE_OK);

  /* RFC 8489 §14.4: USERHASH = SHA-256(username ":" realm) */
  value = ice_stun_message_get_value (&msg, ICE_STUN_ATTR_USERHASH, &length);
  g_assert_nonnull (value);
  ice_stun_userhash (userhash, MATRIX_USER, "example.org");
  g_assert_cmpmem (value, length, userhash, sizeof (userhash));
  assert_hex (
      value, length,
      "4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704");

  /* PASSWORD-ALGORITHM: SHA-256 (0x0002), no parameters (§14.12) */
  value = ice_stun_message_get_value (&msg, ICE_STUN_ATTR_PASSWORD_ALGORITHM,
                                      &length);
  assert_hex (value, length, "00020000");

  /* the nonce starts with the cookie; its 4 characters "AAAC" decode to
   * 0x000002 (by §18.1's numbering, bit 0 = most significant, neither
   * defined feature is set in the example) */
  assert_string_attr (&msg, ICE_STUN_ATTR_NONCE,
                      "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA");
  value = ice_stun_message_get_value (&msg, ICE_STUN_ATTR_NONCE, &length);
  g_assert_true (ice_stun_nonce_get_features (value, length, &features));
  g_assert_cmphex (features, ==, 0x000002);
  g_free (data);
}

static void
test_rfc8489_b1_as_published (void)
{
  IceStunMessage msg;
  guint8 *data;
  gsize len;

  /* its length field 0x9c counts the 20-byte header: refused */
  data = load_vector ("rfc8489-B.1-as-published.hex", &len);
  g_assert_cmpuint (len, ==, 156);
  g_assert_cmpint (ice_stun_message_parse (&msg, data, len), ==,
                   ICE_STUN_PARSE_BAD_LENGTH);
  g_free (data);
}

static void
test_rfc5769_nonce_has_no_cookie (void)
{
  const guint8 *value;
  IceStunMessage msg;
  guint32 features = 42;
  guint16 length;
  guint8 *data;
  gsize len;

  data = load_vector (rfc5769_long_term.file, &len);
  g_assert_cmpint (ice_stun_message_parse (&msg, data, len), ==,
                   ICE_STUN_PARSE_OK);
  value = ice_stun_message_get_value (&msg, ICE_STUN_ATTR_NONCE, &length);
  g_assert_false (ice_stun_nonce_get_features (value, length, &features));
  g_assert_cmpuint (features, ==, 0);
  g_free (data);
}

/* TRUE if the (possibly damaged) message would be accepted: it parses and
 * every check the original carries passes. */
static gboolean
accepted (const Vector *v, const guint8 *data, gsize len, const IceStunKey *key)
{
  IceStunMessage msg;

  if (ice_stun_message_parse (&msg, data, len) != ICE_STUN_PARSE_OK)
    return FALSE;
  if (ice_stun_message_check_integrity (&msg, key, FALSE) != ICE_STUN_CHECK_OK)
    return FALSE;
  return v->fingerprint == 0
         || ice_stun_message_check_fingerprint (&msg) == ICE_STUN_CHECK_OK;
}

static void
test_bit_flips (gconstpointer user_data)
{
  const Vector *v = user_data;
  IceStunKey key;
  gsize len, bit;
  guint8 *data = check_vector (v, &key, &len);
  guint8 *copy = g_malloc (len);

  g_assert_true (accepted (v, data, len, &key));
  for (bit = 0; bit < len * 8; bit++) {
    memcpy (copy, data, len);
    copy[bit / 8] ^= 1 << (bit % 8);
    if (accepted (v, copy, len, &key))
      g_error ("%s: flipping bit %" G_GSIZE_FORMAT " of byte %" G_GSIZE_FORMAT
               " is not detected",
               v->file, bit % 8, bit / 8);
  }
  g_free (copy);
  g_free (data);
}

static void
add_vector_tests (const gchar *prefix, GTestDataFunc func)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (valid_vectors); i++) {
    gchar *name = g_strndup (valid_vectors[i]->file,
                             strlen (valid_vectors[i]->file) - strlen (".hex"));
    gchar *path = g_strconcat (prefix, name, NULL);

    g_test_add_data_func (path, valid_vectors[i], func);
    g_free (path);
    g_free (name);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  add_vector_tests ("/stun/vectors/decode/", test_vector);
  add_vector_tests ("/stun/vectors/bit-flips/", test_bit_flips);
  g_test_add_func ("/stun/vectors/rfc5769-long-term-key",
                   test_long_term_key_printed);
  g_test_add_func ("/stun/vectors/rfc8489-b1-details", test_rfc8489_b1_details);
  g_test_add_func ("/stun/vectors/rfc8489-b1-as-published-rejected",
                   test_rfc8489_b1_as_published);
  g_test_add_func ("/stun/vectors/rfc5769-nonce-without-cookie",
                   test_rfc5769_nonce_has_no_cookie);

  return g_test_run ();
}
