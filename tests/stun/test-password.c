/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OpaqueString preparation (RFC 8265 §4.2) and the keys derived from it
 * (RFC 8489 §9.1.1, §9.2.2, §14.4).
 */
#include "ice/stun/stun-integrity.h"

#include <string.h>

/* "マトリックス", the user of RFC 5769 §2.4 and RFC 8489 B.1 */
#define MATRIX_USER                                                            \
  "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83"                           \
  "\xe3\x82\xaf\xe3\x82\xb9"

static void
assert_prepared (const gchar *input, const gchar *expected)
{
  const gchar *error = "unset";
  gchar *prepared = ice_stun_prepare_password (input, &error);

  g_assert_cmpstr (prepared, ==, expected);
  g_assert_null (error);
  g_free (prepared);
}

static void
assert_refused (const gchar *input)
{
  const gchar *error = NULL;
  gchar *prepared = ice_stun_prepare_password (input, &error);

  g_assert_null (prepared);
  g_assert_nonnull (error);
  g_test_message ("refused as expected: %s", error);
}

static void
test_ascii_unchanged (void)
{
  assert_prepared ("TheMatrIX", "TheMatrIX");
  /* ICE passwords (RFC 8839 ice-char) and ASCII space are kept */
  assert_prepared ("VOkJxbRl1RmTxUk/WvJxBt", "VOkJxbRl1RmTxUk/WvJxBt");
  assert_prepared ("pass word+~!", "pass word+~!");
  /* no case or width mapping in OpaqueString */
  assert_prepared ("\xef\xbc\xa1"
                   "b",
                   "\xef\xbc\xa1"
                   "b");
}

static void
test_rfc5769_raw_refused (void)
{
  const gchar *error = NULL;

  /* RFC 5769 §2.4 gives "The<U+00AD>M<U+00AA>tr<U+2168>" before SASLprep;
   * OpaqueString disallows U+00AD SOFT HYPHEN (default-ignorable) */
  g_assert_null (ice_stun_prepare_password ("The\xc2\xad"
                                            "M\xc2\xaa"
                                            "tr\xe2\x85\xa8",
                                            &error));
  g_assert_nonnull (strstr (error, "default-ignorable"));
  /* without the soft hyphen it is allowed and unchanged: U+00AA and
   * U+2168 have compatibility mappings but OpaqueString only does NFC */
  assert_prepared ("TheM\xc2\xaa"
                   "tr\xe2\x85\xa8",
                   "TheM\xc2\xaa"
                   "tr\xe2\x85\xa8");
}

static void
test_nfc (void)
{
  /* e + U+0301 COMBINING ACUTE ACCENT -> U+00E9 */
  assert_prepared ("caf"
                   "e\xcc\x81",
                   "caf\xc3\xa9");
  /* U+212B ANGSTROM SIGN -> U+00C5 (a canonical singleton) */
  assert_prepared ("\xe2\x84\xab", "\xc3\x85");
  /* Hangul syllable from conjoining jamo: L + V composes to U+AC00; the
   * result holds no old jamo, so it is allowed */
  assert_prepared ("\xe1\x84\x80\xe1\x85\xa1", "\xea\xb0\x80");
}

static void
test_spaces_mapped (void)
{
  /* U+3000 IDEOGRAPHIC SPACE, U+00A0 NO-BREAK SPACE, U+2003 EM SPACE */
  assert_prepared ("a\xe3\x80\x80"
                   "b",
                   "a b");
  assert_prepared ("a\xc2\xa0"
                   "b",
                   "a b");
  assert_prepared ("\xe2\x80\x83x", " x");
}

static void
test_disallowed (void)
{
  assert_refused ("");
  assert_refused ("tab\there");        /* control */
  assert_refused ("del\x7f");          /* control */
  assert_refused ("c1\xc2\x85");       /* U+0085 control */
  assert_refused ("\xff\xfe");         /* invalid UTF-8 */
  assert_refused ("ab\xe2\x82");       /* truncated UTF-8 */
  assert_refused ("\xed\xa0\x80");     /* an encoded surrogate */
  assert_refused ("zw\xe2\x80\x8bsp"); /* U+200B default-ignorable */
  assert_refused ("x\xef\xbb\xbf");    /* U+FEFF */
  assert_refused ("x\xef\xb7\x90");    /* U+FDD0 noncharacter */
  assert_refused ("x\xef\xbf\xbe");    /* U+FFFE noncharacter */
  assert_refused ("pu\xee\x80\x80");   /* U+E000 private use */
  assert_refused ("ls\xe2\x80\xa8");   /* U+2028 LINE SEPARATOR */
  assert_refused ("\xe1\x84\x80");     /* U+1100 old Hangul jamo alone */
  assert_refused ("\xcd\xb8");         /* U+0378 unassigned */
  assert_refused ("\xd9\x80");         /* U+0640 TATWEEL, RFC 5892 §2.6 */
  assert_refused ("zwj\xe2\x80\x8d");  /* U+200D not after a virama */
}

static void
test_context_rules (void)
{
  /* RFC 5892 A.3: MIDDLE DOT only between two 'l' */
  assert_prepared ("l\xc2\xb7l", "l\xc2\xb7l");
  assert_refused ("a\xc2\xb7"
                  "b");
  /* A.2: ZWJ after U+094D DEVANAGARI SIGN VIRAMA */
  assert_prepared ("\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8d",
                   "\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8d");
  /* A.8/A.9: Arabic-Indic and extended Arabic-Indic digits do not mix */
  assert_prepared ("\xd9\xa1\xd9\xa2", "\xd9\xa1\xd9\xa2");
  assert_refused ("\xd9\xa1\xdb\xb2");
  /* A.7: KATAKANA MIDDLE DOT needs Japanese script around it */
  assert_prepared ("\xe3\x82\xa2\xe3\x83\xbb", "\xe3\x82\xa2\xe3\x83\xbb");
  assert_refused ("a\xe3\x83\xbb");
}

static void
test_short_term_key (void)
{
  IceStunKey key;

  g_assert_true (ice_stun_key_short_term (&key, "VOkJxbRl1RmTxUk/WvJxBt"));
  g_assert_cmpuint (key.len, ==, 22);
  g_assert_cmpmem (key.bytes, key.len, "VOkJxbRl1RmTxUk/WvJxBt", 22);
  g_assert_false (ice_stun_key_short_term (&key, ""));
  g_assert_cmpuint (key.len, ==, 0);
}

static void
test_long_term_md5 (void)
{
  /* The key RFC 5769 §2.4's MESSAGE-INTEGRITY verifies with:
   * MD5("マトリックス:example.org:TheMatrIX"), checked against the
   * vector's HMAC when this test was written (test-vectors.c checks the
   * vector itself with the derived key). */
  static const guint8 expected[16] = {
    0xe8, 0xca, 0x7a, 0xd5, 0x9d, 0x5e, 0xb0, 0x51,
    0x8e, 0x31, 0x29, 0x11, 0xd2, 0xda, 0xb2, 0xa9,
  };
  IceStunKey key;

  g_assert_true (ice_stun_key_long_term (&key, ICE_STUN_PASSWORD_ALGORITHM_MD5,
                                         MATRIX_USER, "example.org",
                                         "TheMatrIX"));
  g_assert_cmpmem (key.bytes, key.len, expected, sizeof (expected));
  /* the raw RFC 5769 password is refused by OpaqueString */
  g_assert_false (ice_stun_key_long_term (&key, ICE_STUN_PASSWORD_ALGORITHM_MD5,
                                          MATRIX_USER, "example.org",
                                          "The\xc2\xad"
                                          "M\xc2\xaa"
                                          "tr\xe2\x85\xa8"));
}

static void
test_long_term_sha256 (void)
{
  /* SHA-256("マトリックス:example.org:TheMatrIX"), the key of RFC 8489
   * B.1 (erratum 6268) */
  static const guint8 expected[32] = {
    0xdd, 0x29, 0x5a, 0x61, 0x3b, 0x90, 0x58, 0xc3, 0xc2, 0x3d, 0x6d,
    0xc7, 0x16, 0x5b, 0xda, 0x07, 0x23, 0x04, 0xd9, 0x89, 0xc9, 0xd0,
    0xaf, 0x3a, 0x8c, 0x7e, 0x18, 0x4b, 0x4f, 0x9b, 0xb4, 0xa1,
  };
  IceStunKey key;

  g_assert_true (
      ice_stun_key_long_term (&key, ICE_STUN_PASSWORD_ALGORITHM_SHA256,
                              MATRIX_USER, "example.org", "TheMatrIX"));
  g_assert_cmpmem (key.bytes, key.len, expected, sizeof (expected));
  /* no such algorithm */
  g_assert_false (
      ice_stun_key_long_term (&key, ICE_STUN_PASSWORD_ALGORITHM_NONE,
                              MATRIX_USER, "example.org", "TheMatrIX"));
  g_assert_false (ice_stun_key_long_term (&key, 0x0003, MATRIX_USER,
                                          "example.org", "TheMatrIX"));
}

static void
test_userhash (void)
{
  /* RFC 8489 B.1: USERHASH of "マトリックス" in realm "example.org" */
  static const guint8 expected[32] = {
    0x4a, 0x3c, 0xf3, 0x8f, 0xef, 0x69, 0x92, 0xbd, 0xa9, 0x52, 0xc6,
    0x78, 0x04, 0x17, 0xda, 0x0f, 0x24, 0x81, 0x94, 0x15, 0x56, 0x9e,
    0x60, 0xb2, 0x05, 0xc4, 0x6e, 0x41, 0x40, 0x7f, 0x17, 0x04,
  };
  guint8 hash[32];

  ice_stun_userhash (hash, MATRIX_USER, "example.org");
  g_assert_cmpmem (hash, sizeof (hash), expected, sizeof (expected));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stun/password/ascii-unchanged", test_ascii_unchanged);
  g_test_add_func ("/stun/password/rfc5769-raw-refused",
                   test_rfc5769_raw_refused);
  g_test_add_func ("/stun/password/nfc", test_nfc);
  g_test_add_func ("/stun/password/spaces-mapped", test_spaces_mapped);
  g_test_add_func ("/stun/password/disallowed", test_disallowed);
  g_test_add_func ("/stun/password/context-rules", test_context_rules);
  g_test_add_func ("/stun/password/short-term-key", test_short_term_key);
  g_test_add_func ("/stun/password/long-term-md5", test_long_term_md5);
  g_test_add_func ("/stun/password/long-term-sha256", test_long_term_sha256);
  g_test_add_func ("/stun/password/userhash", test_userhash);

  return g_test_run ();
}
