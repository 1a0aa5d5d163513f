/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Passwords and keys: the OpaqueString profile (RFC 8265 §4.2) and the
 * STUN keys derived from it (RFC 8489 §9.1.1, §9.2.2, §14.4).
 *
 * OpaqueString = FreeformClass (RFC 8264 §4.3) + non-ASCII spaces mapped
 * to U+0020 + NFC; no width, case or directionality rule; an empty result
 * is refused. After mapping and NFC every code point is classified by the
 * RFC 8264 §9 derivation, in its order. How each category is computed:
 *
 *   Exceptions (RFC 5892 §2.6)   exact: a table of the 41 code points
 *   BackwardCompatible           exact: empty
 *   Unassigned                   GLib's general category Cn (GLib 2.74
 *                                carries Unicode 15), noncharacters aside
 *   ASCII7, JoinControl          exact
 *   OldHangulJamo                exact: the L, V and T jamo ranges
 *   PrecisIgnorableProperties    exact for Unicode 15: a table of
 *                                Default_Ignorable_Code_Point (GLib has no
 *                                such property, and g_unichar_iszerowidth
 *                                says FALSE for U+00AD) + noncharacters
 *   Controls                     GLib's Cc
 *   HasCompat                    NFKC (g_utf8_normalize) of the code point
 *   Letters, digits, spaces,     GLib's general categories; what is left
 *   symbols, punctuation         (Cf, Co, Cs, Zl, Zp without a compatibility
 *                                mapping) is disallowed
 *
 * Context rules (RFC 5892 Appendix A): MIDDLE DOT, KERAIA, GERESH,
 * GERSHAYIM, KATAKANA MIDDLE DOT and the two Arabic-Indic digit sets are
 * exact (GLib has the scripts). For ZWNJ and ZWJ only the "after a virama"
 * rule is applied: GLib has no Joining_Type, so ZWNJ between Arabic
 * letters is refused although RFC 5892 A.1 would allow it (stricter, never
 * laxer).
 */
#define G_LOG_DOMAIN "ice-stun"

#include "ice/stun/stun-integrity.h"

#include <string.h>

typedef struct {
  gunichar first;
  gunichar last;
} CodePointRange;

/* Unicode 15 DerivedCoreProperties.txt, Default_Ignorable_Code_Point */
static const CodePointRange default_ignorable[] = {
  { 0x00AD, 0x00AD },   { 0x034F, 0x034F },   { 0x061C, 0x061C },
  { 0x115F, 0x1160 },   { 0x17B4, 0x17B5 },   { 0x180B, 0x180F },
  { 0x200B, 0x200F },   { 0x202A, 0x202E },   { 0x2060, 0x206F },
  { 0x3164, 0x3164 },   { 0xFE00, 0xFE0F },   { 0xFEFF, 0xFEFF },
  { 0xFFA0, 0xFFA0 },   { 0xFFF0, 0xFFF8 },   { 0x1BCA0, 0x1BCA3 },
  { 0x1D173, 0x1D17A }, { 0xE0000, 0xE0FFF },
};

/* Hangul_Syllable_Type L, V and T (RFC 8264 §9, category OldHangulJamo) */
static const CodePointRange old_hangul_jamo[] = {
  { 0x1100, 0x11FF },
  { 0xA960, 0xA97C },
  { 0xD7B0, 0xD7C6 },
  { 0xD7CB, 0xD7FB },
};

/* RFC 5892 §2.6 Exceptions that are DISALLOWED */
static const CodePointRange exceptions_disallowed[] = {
  { 0x0640, 0x0640 }, { 0x07FA, 0x07FA }, { 0x302E, 0x302F },
  { 0x3031, 0x3035 }, { 0x303B, 0x303B },
};

/* RFC 5892 §2.6 Exceptions that are PVALID */
static const gunichar exceptions_valid[] = {
  0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007,
};

/* RFC 5892 §2.6 Exceptions that are CONTEXTO (rules in Appendix A) */
static const CodePointRange exceptions_contexto[] = {
  { 0x00B7, 0x00B7 }, { 0x0375, 0x0375 }, { 0x05F3, 0x05F4 },
  { 0x0660, 0x0669 }, { 0x06F0, 0x06F9 }, { 0x30FB, 0x30FB },
};

#define ZWNJ 0x200C
#define ZWJ 0x200D
/* Canonical_Combining_Class Virama */
#define COMBINING_CLASS_VIRAMA 9

typedef enum {
  PRECIS_VALID,
  PRECIS_CONTEXTUAL,
  PRECIS_DISALLOWED,
} PrecisClass;

static gboolean
in_ranges (gunichar c, const CodePointRange *ranges, gsize n)
{
  gsize i;

  for (i = 0; i < n; i++)
    if (c >= ranges[i].first && c <= ranges[i].last)
      return TRUE;
  return FALSE;
}

static gboolean
is_noncharacter (gunichar c)
{
  return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

/* RFC 8264 §9, category HasCompat: toNFKC(cp) != cp */
static gboolean
has_compat (gunichar c)
{
  gchar utf8[8];
  gint n = g_unichar_to_utf8 (c, utf8);
  gchar *nfkc;
  gboolean differs;

  utf8[n] = '\0';
  nfkc = g_utf8_normalize (utf8, n, G_NORMALIZE_NFKC);
  differs = nfkc == NULL || strcmp (nfkc, utf8) != 0;
  g_free (nfkc);
  return differs;
}

/* The categories that make a code point FREE_PVAL or PVALID in the
 * FreeformClass: LetterDigits, OtherLetterDigits, Spaces, Symbols,
 * Punctuation (RFC 8264 §9). */
static gboolean
is_freeform_category (gunichar c)
{
  switch (g_unichar_type (c)) {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return FALSE;
    default:
      return TRUE;
  }
}

/* RFC 8264 §9 Exceptions (RFC 5892 §2.6); FALSE if @c is not one of them. */
static gboolean
exception_class (gunichar c, PrecisClass *klass)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (exceptions_valid); i++) {
    if (exceptions_valid[i] == c) {
      *klass = PRECIS_VALID;
      return TRUE;
    }
  }
  if (in_ranges (c, exceptions_contexto, G_N_ELEMENTS (exceptions_contexto))) {
    *klass = PRECIS_CONTEXTUAL;
    return TRUE;
  }
  if (in_ranges (c, exceptions_disallowed,
                 G_N_ELEMENTS (exceptions_disallowed))) {
    *klass = PRECIS_DISALLOWED;
    return TRUE;
  }
  return FALSE;
}

/* RFC 8264 §9 derivation for the FreeformClass, in its order. @reason is
 * set for DISALLOWED. */
static PrecisClass
freeform_class (gunichar c, const gchar **reason)
{
  PrecisClass klass;

  *reason = NULL;
  if (exception_class (c, &klass)) {
    if (klass == PRECIS_DISALLOWED)
      *reason = "password contains a code point RFC 5892 section 2.6 disallows";
    return klass;
  }
  if (g_unichar_type (c) == G_UNICODE_UNASSIGNED && !is_noncharacter (c))
    *reason = "password contains an unassigned code point";
  else if (c >= 0x21 && c <= 0x7E)
    return PRECIS_VALID;
  else if (c == ZWNJ || c == ZWJ)
    return PRECIS_CONTEXTUAL;
  else if (in_ranges (c, old_hangul_jamo, G_N_ELEMENTS (old_hangul_jamo)))
    *reason = "password contains an old Hangul jamo";
  else if (is_noncharacter (c)
           || in_ranges (c, default_ignorable,
                         G_N_ELEMENTS (default_ignorable)))
    *reason
        = "password contains a default-ignorable code point or noncharacter";
  else if (g_unichar_type (c) == G_UNICODE_CONTROL)
    *reason = "password contains a control character";
  else if (is_freeform_category (c) || has_compat (c))
    return PRECIS_VALID;
  else
    *reason = "password contains a format, private-use or separator code point";
  return PRECIS_DISALLOWED;
}

static gboolean
string_has_range (const gunichar *s, glong n, gunichar first, gunichar last)
{
  glong i;

  for (i = 0; i < n; i++)
    if (s[i] >= first && s[i] <= last)
      return TRUE;
  return FALSE;
}

/* RFC 5892 A.7: KATAKANA MIDDLE DOT needs Hiragana, Katakana or Han */
static gboolean
string_has_japanese (const gunichar *s, glong n)
{
  glong i;

  for (i = 0; i < n; i++) {
    GUnicodeScript script = g_unichar_get_script (s[i]);

    if (script == G_UNICODE_SCRIPT_HIRAGANA
        || script == G_UNICODE_SCRIPT_KATAKANA
        || script == G_UNICODE_SCRIPT_HAN)
      return TRUE;
  }
  return FALSE;
}

/* RFC 5892 Appendix A: the rule for the contextual code point s[i]. */
static gboolean
context_rule_holds (const gunichar *s, glong n, glong i)
{
  gunichar c = s[i];
  gboolean has_before = i > 0;
  gboolean has_after = i + 1 < n;

  if (c == ZWNJ || c == ZWJ) /* A.1, A.2: virama rule only, see above */
    return has_before
           && g_unichar_combining_class (s[i - 1]) == COMBINING_CLASS_VIRAMA;
  if (c == 0x00B7) /* A.3 MIDDLE DOT, as in Catalan "l·l" */
    return has_before && has_after && s[i - 1] == 'l' && s[i + 1] == 'l';
  if (c == 0x0375) /* A.4 GREEK LOWER NUMERAL SIGN */
    return has_after
           && g_unichar_get_script (s[i + 1]) == G_UNICODE_SCRIPT_GREEK;
  if (c == 0x05F3 || c == 0x05F4) /* A.5, A.6 GERESH, GERSHAYIM */
    return has_before
           && g_unichar_get_script (s[i - 1]) == G_UNICODE_SCRIPT_HEBREW;
  if (c == 0x30FB) /* A.7 */
    return string_has_japanese (s, n);
  if (c >= 0x0660 && c <= 0x0669) /* A.8: no mixing digit sets */
    return !string_has_range (s, n, 0x06F0, 0x06F9);
  if (c >= 0x06F0 && c <= 0x06F9) /* A.9 */
    return !string_has_range (s, n, 0x0660, 0x0669);
  return FALSE;
}

/* Overwrites @n bytes of a secret with zeros in a way the compiler may not
 * drop as a dead store (the memory is freed right after). */
static void
wipe_secret (gpointer p, gsize n)
{
#ifdef HAVE_EXPLICIT_BZERO
  explicit_bzero (p, n);
#else
  volatile guint8 *v = p;

  while (n-- > 0)
    *v++ = 0;
#endif
}

/* NULL if every code point of @utf8 is allowed, else the reason. */
static const gchar *
freeform_check (const gchar *utf8)
{
  const gchar *reason = NULL;
  gunichar *s;
  glong n, i;

  s = g_utf8_to_ucs4_fast (utf8, -1, &n);
  for (i = 0; i < n && reason == NULL; i++) {
    switch (freeform_class (s[i], &reason)) {
      case PRECIS_VALID:
        break;
      case PRECIS_CONTEXTUAL:
        if (!context_rule_holds (s, n, i))
          reason = "password contains a code point whose context rule "
                   "(RFC 5892 Appendix A) fails";
        break;
      case PRECIS_DISALLOWED:
        /* the code point is not logged: it is part of a secret */
        break;
    }
  }
  wipe_secret (s, n * sizeof (gunichar));
  g_free (s);
  return reason;
}

/* RFC 8265 §4.2.2 (additional mapping rule): non-ASCII spaces (Zs but U+0020)
 * become U+0020 */
static gchar *
map_spaces (const gchar *utf8)
{
  GString *out = g_string_sized_new (strlen (utf8));
  const gchar *p;

  for (p = utf8; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (c != ' ' && g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR)
      g_string_append_c (out, ' ');
    else
      g_string_append_len (out, p, g_utf8_next_char (p) - p);
  }
  return g_string_free (out, FALSE);
}

/* Frees a string that held a password, wiping it first. */
static void
free_secret (gchar *secret)
{
  if (secret != NULL) {
    wipe_secret (secret, strlen (secret));
    g_free (secret);
  }
}

gchar *
ice_stun_prepare_password (const gchar *password, const gchar **error)
{
  const gchar *reason;
  gchar *mapped;
  gchar *prepared;

  if (error != NULL)
    *error = NULL;
  g_return_val_if_fail (password != NULL, NULL);

  if (!g_utf8_validate (password, -1, NULL)) {
    reason = "password is not valid UTF-8";
    goto refused;
  }
  /* RFC 8265 §4.2.2: additional mapping, then normalization, then the
   * FreeformClass check on the result */
  mapped = map_spaces (password);
  prepared = g_utf8_normalize (mapped, -1, G_NORMALIZE_NFC);
  free_secret (mapped);
  reason = freeform_check (prepared);
  if (reason == NULL && prepared[0] == '\0')
    reason = "password is empty (RFC 8265 section 4.2.2)";
  if (reason != NULL) {
    free_secret (prepared);
    goto refused;
  }
  return prepared;

  /* ERRORS */
refused:
  if (error != NULL)
    *error = reason;
  return NULL;
}

gboolean
ice_stun_key_short_term (IceStunKey *key, const gchar *password)
{
  const gchar *reason;
  gchar *prepared;
  gsize len;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  key->len = 0;
  prepared = ice_stun_prepare_password (password, &reason);
  if (prepared == NULL) {
    g_debug ("short-term key refused: %s", reason);
    return FALSE;
  }
  len = strlen (prepared);
  if (len > sizeof (key->bytes)) {
    g_debug ("short-term key refused: %" G_GSIZE_FORMAT
             " bytes, at most %" G_GSIZE_FORMAT " expected",
             len, sizeof (key->bytes));
    free_secret (prepared);
    return FALSE;
  }
  memcpy (key->bytes, prepared, len);
  key->len = len;
  free_secret (prepared);
  return TRUE;
}

/* SHA-256 or MD5 of @input into @out; the length hashed is strlen. With
 * GLib's GChecksum: OpenSSL stays uninitialised unless TLS is used. */
static gboolean
digest_string (GChecksumType type, const gchar *input, guint8 *out,
               gsize *out_len)
{
  GChecksum *checksum = g_checksum_new (type);
  gsize written = (gsize)g_checksum_type_get_length (type);

  if (checksum == NULL)
    return FALSE;
  g_checksum_update (checksum, (const guchar *)input, (gssize)strlen (input));
  g_checksum_get_digest (checksum, out, &written);
  g_checksum_free (checksum);
  *out_len = written;
  return written > 0;
}

gboolean
ice_stun_key_long_term (IceStunKey *key, IceStunPasswordAlgorithm algorithm,
                        const gchar *username, const gchar *realm,
                        const gchar *password)
{
  GChecksumType md;
  const gchar *reason;
  gchar *prepared;
  gchar *input;
  gboolean ok;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (username != NULL && realm != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  key->len = 0;
  /* RFC 8489 §18.5: the two algorithms defined for the long-term key */
  if (algorithm == ICE_STUN_PASSWORD_ALGORITHM_MD5)
    md = G_CHECKSUM_MD5;
  else if (algorithm == ICE_STUN_PASSWORD_ALGORITHM_SHA256)
    md = G_CHECKSUM_SHA256;
  else {
    g_debug ("long-term key refused: password algorithm 0x%04x, expected "
             "MD5 (0x0001) or SHA-256 (0x0002)",
             algorithm);
    return FALSE;
  }
  prepared = ice_stun_prepare_password (password, &reason);
  if (prepared == NULL) {
    g_debug ("long-term key refused: %s", reason);
    return FALSE;
  }
  /* RFC 8489 §9.2.2: key = H(username ":" realm ":" OpaqueString(pass)) */
  input = g_strjoin (":", username, realm, prepared, NULL);
  ok = digest_string (md, input, key->bytes, &key->len);
  free_secret (input);
  free_secret (prepared);
  return ok;
}

void
ice_stun_userhash (guint8 out[32], const gchar *username, const gchar *realm)
{
  gchar *input;
  gsize len = 0;

  g_return_if_fail (out != NULL);
  g_return_if_fail (username != NULL && realm != NULL);

  /* RFC 8489 §14.4: userhash = SHA-256(username ":" realm) */
  input = g_strjoin (":", username, realm, NULL);
  if (!digest_string (G_CHECKSUM_SHA256, input, out, &len))
    memset (out, 0, ICE_STUN_USERHASH_SIZE);
  g_free (input);
}
