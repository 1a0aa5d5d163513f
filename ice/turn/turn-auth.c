/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The long-term credential mechanism from the client's side (RFC 8489
 * §9.2): the first request goes without credentials, the server's 401
 * names the realm and a nonce, and every later request carries USERNAME
 * (or USERHASH), REALM, NONCE and a MESSAGE-INTEGRITY keyed with
 * H(username:realm:password). A 438 brings a fresh nonce.
 */
#define G_LOG_DOMAIN "ice-turn"

#include "ice/turn/turn-private.h"

#include <string.h>

void
turn_auth_init (TurnAuth *auth, const gchar *username, const gchar *password,
                const gchar *realm)
{
  memset (auth, 0, sizeof (*auth));
  auth->username = g_strdup (username ? username : "");
  auth->password = g_strdup (password ? password : "");
  auth->expected_realm = g_strdup (realm);
  auth->algorithm = ICE_STUN_PASSWORD_ALGORITHM_MD5;
}

void
turn_auth_clear (TurnAuth *auth)
{
  /* the password and the key must not linger in freed memory */
  if (auth->password)
    memset (auth->password, 0, strlen (auth->password));
  g_free (auth->username);
  g_free (auth->password);
  g_free (auth->expected_realm);
  memset (auth, 0, sizeof (*auth));
}

/* RFC 8489 §9.2.4: with the "password algorithms" feature bit the client
 * takes the first algorithm of the server's list that it supports and
 * echoes the list; without the bit it uses MD5 and sends neither. */
static gboolean
auth_choose_algorithm (TurnAuth *auth, const IceStunMessage *msg, gchar *why,
                       gsize why_size)
{
  guint16 algorithms[16];
  const guint8 *raw;
  guint16 raw_len = 0;
  guint n, i;

  auth->algorithm = ICE_STUN_PASSWORD_ALGORITHM_MD5;
  auth->algorithms_raw_len = 0;
  if (!(auth->features & ICE_STUN_FEATURE_PASSWORD_ALGORITHMS))
    return TRUE;
  raw = ice_stun_message_get_value (msg, ICE_STUN_ATTR_PASSWORD_ALGORITHMS,
                                    &raw_len);
  n = ice_stun_message_get_password_algorithms (msg, algorithms,
                                                G_N_ELEMENTS (algorithms));
  if (raw == NULL || n == 0)
    return TRUE;
  for (i = 0; i < n; i++) {
    if (algorithms[i] == ICE_STUN_PASSWORD_ALGORITHM_MD5
        || algorithms[i] == ICE_STUN_PASSWORD_ALGORITHM_SHA256)
      break;
  }
  if (i == n || raw_len > sizeof (auth->algorithms_raw)) {
    g_snprintf (why, why_size,
                "none of the server's %u password algorithms is supported "
                "(MD5 and SHA-256 are)",
                n);
    return FALSE;
  }
  auth->algorithm = algorithms[i];
  memcpy (auth->algorithms_raw, raw, raw_len);
  auth->algorithms_raw_len = raw_len;
  return TRUE;
}

/* Takes REALM, NONCE and the algorithm from a 401 or 438 and derives the
 * key (RFC 8489 §9.2.2). */
static gboolean
auth_take_challenge (TurnAuth *auth, const IceStunMessage *msg, gchar *why,
                     gsize why_size)
{
  const guint8 *nonce;
  guint16 nonce_len = 0;
  gchar realm[TURN_TEXT_MAX];

  nonce = ice_stun_message_get_value (msg, ICE_STUN_ATTR_NONCE, &nonce_len);
  if (nonce == NULL || nonce_len == 0 || nonce_len >= TURN_TEXT_MAX) {
    g_snprintf (why, why_size, "the server's challenge has no usable NONCE");
    return FALSE;
  }
  if (!ice_stun_message_get_string (msg, ICE_STUN_ATTR_REALM, realm,
                                    sizeof (realm))) {
    /* a 438 may leave the realm out: keep the one we have */
    if (!auth->challenged) {
      g_snprintf (why, why_size, "the server's challenge has no REALM");
      return FALSE;
    }
    g_strlcpy (realm, auth->realm, sizeof (realm));
  }
  if (auth->expected_realm && strcmp (auth->expected_realm, realm) != 0) {
    g_snprintf (why, why_size, "the server's realm \"%s\" is not \"%s\"", realm,
                auth->expected_realm);
    return FALSE;
  }
  memcpy (auth->nonce, nonce, nonce_len);
  auth->nonce_len = nonce_len;
  g_strlcpy (auth->realm, realm, sizeof (auth->realm));
  ice_stun_nonce_get_features (nonce, nonce_len, &auth->features);
  if (!auth_choose_algorithm (auth, msg, why, why_size))
    return FALSE;
  if (!ice_stun_key_long_term (&auth->key, auth->algorithm, auth->username,
                               auth->realm, auth->password)) {
    g_snprintf (why, why_size,
                "the password is not a valid OpaqueString (RFC 8265)");
    return FALSE;
  }
  auth->challenged = TRUE;
  return TRUE;
}

/**
 * turn_auth_handle_challenge:
 * @msg: a 401 or 438 error response
 * @code: its error code
 * @had_credentials: the request it answers carried MESSAGE-INTEGRITY
 * @why: (out caller-allocates): the reason when FAIL is returned
 *
 * RFC 8489 §9.2.5: a 401 to a request without credentials is the
 * challenge; a 401 to one with credentials means they are wrong. A 438
 * (Stale Nonce) means: retry with the new nonce.
 */
TurnAuthVerdict
turn_auth_handle_challenge (TurnAuth *auth, const IceStunMessage *msg,
                            guint code, gboolean had_credentials, gchar *why,
                            gsize why_size)
{
  if (code == ICE_STUN_ERROR_UNAUTHORIZED && had_credentials) {
    g_snprintf (why, why_size,
                "wrong credentials: the server refused user \"%s\" in "
                "realm \"%s\"",
                auth->username, auth->realm);
    return TURN_AUTH_FAIL;
  }
  if (!auth_take_challenge (auth, msg, why, why_size))
    return TURN_AUTH_FAIL;
  g_debug ("%s: realm \"%s\", algorithm %u, features 0x%06x",
           code == ICE_STUN_ERROR_STALE_NONCE ? "new nonce" : "challenge",
           auth->realm, auth->algorithm, auth->features);
  return TURN_AUTH_RETRY;
}

/**
 * turn_auth_add_credentials:
 *
 * Adds USERNAME (or USERHASH when the nonce cookie asks for username
 * anonymity, RFC 8489 §9.2.4), REALM, NONCE and, with the password
 * algorithms feature, PASSWORD-ALGORITHMS and PASSWORD-ALGORITHM. Adds
 * nothing before the first challenge.
 */
gboolean
turn_auth_add_credentials (TurnAuth *auth, IceStunBuilder *b)
{
  gboolean ok = TRUE;

  if (!auth->challenged)
    return TRUE;
  if (auth->features & ICE_STUN_FEATURE_USERNAME_ANONYMITY) {
    guint8 hash[ICE_STUN_USERHASH_SIZE];

    ice_stun_userhash (hash, auth->username, auth->realm);
    ok &= ice_stun_builder_add (b, ICE_STUN_ATTR_USERHASH, hash, sizeof hash);
  } else {
    ok &= ice_stun_builder_add_string (b, ICE_STUN_ATTR_USERNAME,
                                       auth->username);
  }
  ok &= ice_stun_builder_add_string (b, ICE_STUN_ATTR_REALM, auth->realm);
  ok &= ice_stun_builder_add (b, ICE_STUN_ATTR_NONCE, auth->nonce,
                              auth->nonce_len);
  if (auth->algorithms_raw_len > 0) {
    ok &= ice_stun_builder_add (b, ICE_STUN_ATTR_PASSWORD_ALGORITHMS,
                                auth->algorithms_raw, auth->algorithms_raw_len);
    ok &= ice_stun_builder_add_password_algorithm (b, auth->algorithm);
  }
  return ok;
}

/**
 * turn_auth_add_integrity:
 *
 * MESSAGE-INTEGRITY-SHA256 toward a server whose nonce cookie announces
 * RFC 8489 password algorithms (such a server implements it), else
 * MESSAGE-INTEGRITY (RFC 8489 §9.2.4). Nothing before the challenge.
 */
gboolean
turn_auth_add_integrity (TurnAuth *auth, IceStunBuilder *b)
{
  if (!auth->challenged)
    return TRUE;
  if (auth->features & ICE_STUN_FEATURE_PASSWORD_ALGORITHMS)
    return ice_stun_builder_add_message_integrity_sha256 (b, auth->key.bytes,
                                                          auth->key.len);
  return ice_stun_builder_add_message_integrity (b, auth->key.bytes,
                                                 auth->key.len);
}

/**
 * turn_auth_check_response:
 *
 * RFC 8489 §9.2.5: a response to an authenticated request is checked with
 * the same key. ABSENT when it carries no MAC (or no key is known yet).
 */
IceStunCheck
turn_auth_check_response (TurnAuth *auth, const IceStunMessage *msg)
{
  if (!auth->challenged)
    return ICE_STUN_CHECK_ABSENT;
  return ice_stun_message_check_integrity (msg, &auth->key, FALSE);
}
