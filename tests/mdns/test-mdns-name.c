/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Random host-candidate names (version-4 UUIDs) and the validity check of
 * remote ".local" names.
 */
#include "ice/mdns/mdns-name.h"

#include <string.h>

static void
test_from_known_bytes (void)
{
  static const guint8 counting[16]
      = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
  guint8 ones[16];
  gchar name[ICE_MDNS_UUID_NAME_SIZE];

  /* Octet 6 gets version 4 in its high nibble, octet 8 the variant 10. */
  ice_mdns_name_from_bytes (counting, name);
  g_assert_cmpstr (name, ==, "00010203-0405-4607-8809-0a0b0c0d0e0f.local");
  memset (ones, 0xff, sizeof (ones));
  ice_mdns_name_from_bytes (ones, name);
  g_assert_cmpstr (name, ==, "ffffffff-ffff-4fff-bfff-ffffffffffff.local");
  g_assert_cmpuint (strlen (name), ==, ICE_MDNS_UUID_NAME_LEN);
}

static guint64
next_counting (gpointer user_data)
{
  guint *calls = user_data;

  return (*calls)++ == 0 ? G_GUINT64_CONSTANT (0x0001020304050607)
                         : G_GUINT64_CONSTANT (0x08090a0b0c0d0e0f);
}

static void
test_generate_uses_callback (void)
{
  gchar name[ICE_MDNS_UUID_NAME_SIZE];
  guint calls = 0;

  ice_mdns_name_generate (next_counting, &calls, name);
  g_assert_cmpuint (calls, ==, 2);
  g_assert_cmpstr (name, ==, "00010203-0405-4607-8809-0a0b0c0d0e0f.local");
  g_assert_true (ice_mdns_name_is_valid (name));
}

static guint64
next_random (gpointer user_data)
{
  return ((guint64)g_rand_int (user_data) << 32) | g_rand_int (user_data);
}

/* Every generated name has the UUID layout, version 4 and variant 10xx. */
static void
test_generate_is_v4_uuid (void)
{
  GRand *rand = g_rand_new_with_seed (12);
  guint i, j;

  for (i = 0; i < 1000; i++) {
    gchar name[ICE_MDNS_UUID_NAME_SIZE];

    ice_mdns_name_generate (next_random, rand, name);
    g_assert_true (ice_mdns_name_is_valid (name));
    g_assert_true (g_str_has_suffix (name, ".local"));
    for (j = 0; j < 36; j++) {
      if (j == 8 || j == 13 || j == 18 || j == 23)
        g_assert_cmpint (name[j], ==, '-');
      else
        g_assert_true (g_ascii_isxdigit (name[j])
                       && !g_ascii_isupper (name[j]));
    }
    g_assert_cmpint (name[14], ==, '4');
    g_assert_nonnull (strchr ("89ab", name[19]));
  }
  g_rand_free (rand);
}

static void
test_validity (void)
{
  gchar label63[64 + 7], label64[65 + 7];

  memset (label63, 'a', 63);
  strcpy (label63 + 63, ".local");
  memset (label64, 'a', 64);
  strcpy (label64 + 64, ".local");

  g_assert_true (ice_mdns_name_is_valid ("a.local"));
  g_assert_true (ice_mdns_name_is_valid ("Host-1.LOCAL"));
  g_assert_true (ice_mdns_name_is_valid (label63));
  g_assert_false (ice_mdns_name_is_valid (label64));
  g_assert_false (ice_mdns_name_is_valid (NULL));
  g_assert_false (ice_mdns_name_is_valid (""));
  g_assert_false (ice_mdns_name_is_valid (".local"));
  g_assert_false (ice_mdns_name_is_valid ("local"));
  g_assert_false (ice_mdns_name_is_valid ("a.local."));
  g_assert_false (ice_mdns_name_is_valid ("a.b.local"));
  g_assert_false (ice_mdns_name_is_valid ("a_b.local"));
  g_assert_false (ice_mdns_name_is_valid ("a b.local"));
  g_assert_false (ice_mdns_name_is_valid ("-a.local"));
  g_assert_false (ice_mdns_name_is_valid ("a-.local"));
  g_assert_false (ice_mdns_name_is_valid ("a.localhost"));
  g_assert_false (ice_mdns_name_is_valid ("a.example.com"));
  g_assert_false (ice_mdns_name_is_valid ("192.168.1.2"));
  g_assert_false (ice_mdns_name_is_valid ("\xc3\xa9.local"));
}

static void
test_equal (void)
{
  g_assert_true (ice_mdns_name_equal ("ABC-1.Local", "abc-1.local"));
  g_assert_false (ice_mdns_name_equal ("abc.local", "abd.local"));
  g_assert_false (ice_mdns_name_equal ("abc.local", "abc.local."));
  g_assert_false (ice_mdns_name_equal (NULL, "abc.local"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mdns/name/from-known-bytes", test_from_known_bytes);
  g_test_add_func ("/mdns/name/generate-uses-callback",
                   test_generate_uses_callback);
  g_test_add_func ("/mdns/name/generate-is-v4-uuid", test_generate_is_v4_uuid);
  g_test_add_func ("/mdns/name/validity", test_validity);
  g_test_add_func ("/mdns/name/equal", test_equal);
  return g_test_run ();
}
