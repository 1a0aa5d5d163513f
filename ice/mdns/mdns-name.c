/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Random UUID host names and the check of remote ".local" names.
 */
#define G_LOG_DOMAIN "ice-mdns"

#include "ice/mdns/mdns-name.h"

#include <string.h>

#define LOCAL_SUFFIX ".local"
#define LOCAL_SUFFIX_LEN 6

/* RFC 4122 §4.4: the version (4, random) in the high nibble of octet 6,
 * the variant (binary 10) in the two high bits of octet 8; the rest is
 * random. §3 writes the 16 octets as hex in groups of 4-2-2-2-6 octets. */
void
ice_mdns_name_from_bytes (const guint8 bytes[16],
                          gchar out[ICE_MDNS_UUID_NAME_SIZE])
{
  static const gchar hex[] = "0123456789abcdef";
  guint8 uuid[16];
  gchar *p = out;
  guint i;

  memcpy (uuid, bytes, sizeof (uuid));
  uuid[6] = (uuid[6] & 0x0f) | 0x40;
  uuid[8] = (uuid[8] & 0x3f) | 0x80;
  for (i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      *p++ = '-';
    *p++ = hex[uuid[i] >> 4];
    *p++ = hex[uuid[i] & 0x0f];
  }
  memcpy (p, LOCAL_SUFFIX, LOCAL_SUFFIX_LEN + 1);
}

void
ice_mdns_name_generate (IceMdnsRandomFunc random, gpointer random_data,
                        gchar out[ICE_MDNS_UUID_NAME_SIZE])
{
  guint8 bytes[16];
  guint i;

  g_return_if_fail (random != NULL);
  for (i = 0; i < 2; i++) {
    guint64 r = random (random_data);
    guint j;

    for (j = 0; j < 8; j++)
      bytes[i * 8 + j] = (guint8)(r >> (56 - 8 * j));
  }
  ice_mdns_name_from_bytes (bytes, out);
}

static gboolean
is_ldh (gchar c)
{
  return g_ascii_isalnum (c) || c == '-';
}

/* A remote candidate's address: exactly one label of letters, digits and
 * hyphens (RFC 1123 §2.1 host name rules: no hyphen first or last), 1 to
 * 63 characters, then ".local" in any case. Anything else (more labels,
 * a trailing dot, other characters) is not a name we would ever resolve:
 * browsers send exactly the form ice_mdns_name_from_bytes() writes. */
gboolean
ice_mdns_name_is_valid (const gchar *name)
{
  gsize len, label_len, i;

  if (name == NULL)
    return FALSE;
  len = strlen (name);
  if (len <= LOCAL_SUFFIX_LEN
      || g_ascii_strcasecmp (name + len - LOCAL_SUFFIX_LEN, LOCAL_SUFFIX) != 0)
    return FALSE;
  label_len = len - LOCAL_SUFFIX_LEN;
  if (label_len > ICE_MDNS_MAX_LABEL)
    return FALSE;
  for (i = 0; i < label_len; i++) {
    if (!is_ldh (name[i]))
      return FALSE;
  }
  return name[0] != '-' && name[label_len - 1] != '-';
}

/* DNS names compare without regard to ASCII case (RFC 1035 §2.3.3,
 * RFC 6762 §16 for mDNS). */
gboolean
ice_mdns_name_equal (const gchar *a, const gchar *b)
{
  if (a == NULL || b == NULL)
    return FALSE;
  return g_ascii_strcasecmp (a, b) == 0;
}
