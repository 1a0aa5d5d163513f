/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The virtual TURN server's long-term credential mechanism (RFC 8489
 * §9.2.4, RFC 8656 §5): nonces with the RFC 8489 cookie announcing the
 * configured security features, their expiry (438), the 401 challenge,
 * USERNAME or USERHASH, MD5 or SHA-256 keys, MESSAGE-INTEGRITY(-SHA256).
 */
#include "ice/testing/ice-vturn-private.h"

#include <string.h>

/* Without the cookie, a nonce that no client could read features from. */
#define PLAIN_NONCE_PREFIX "vturn"

/* RFC 8489 §9.2: cookie, then the 24 feature bits in 4 base64 characters,
 * then anything; ours is a serial number, unique per server. */
static gchar *
nonce_new (IceVturnServer *server)
{
  guint8 bits[3];
  gchar *features, *nonce;
  gint64 *issued = g_new (gint64, 1);

  server->nonce_serial++;
  if (server->config.features) {
    bits[0] = server->config.features >> 16;
    bits[1] = server->config.features >> 8;
    bits[2] = server->config.features;
    features = g_base64_encode (bits, sizeof (bits));
    nonce = g_strdup_printf ("%s%s%016" G_GINT64_MODIFIER "x",
                             ICE_STUN_NONCE_COOKIE, features,
                             server->nonce_serial);
    g_free (features);
  } else {
    nonce = g_strdup_printf ("%s%016" G_GINT64_MODIFIER "x", PLAIN_NONCE_PREFIX,
                             server->nonce_serial);
  }
  *issued = vturn_now (server);
  g_hash_table_insert (server->nonces, nonce, issued);
  return nonce;
}

static gboolean
nonce_is_stale (IceVturnServer *server, const gchar *nonce)
{
  gint64 *issued = g_hash_table_lookup (server->nonces, nonce);

  return !issued
         || vturn_now (server) - *issued >= server->config.nonce_lifetime_us;
}

static gboolean
nonce_expired (gpointer key, gpointer value, gpointer user_data)
{
  IceVturnServer *server = user_data;

  return vturn_now (server) - *(gint64 *)value
         >= server->config.nonce_lifetime_us;
}

void
vturn_nonces_prune (IceVturnServer *server)
{
  g_hash_table_foreach_remove (server->nonces, nonce_expired, server);
}

static gboolean
offers_algorithms (IceVturnServer *server)
{
  return (server->config.features & ICE_STUN_FEATURE_PASSWORD_ALGORITHMS) != 0;
}

/* 401 or 438: REALM, a fresh NONCE and, with the password algorithms
 * feature, PASSWORD-ALGORITHMS (RFC 8489 §9.2.4); no MAC. */
static void
send_challenge (IceVturnServer *server, VturnRequest *req, guint code,
                const gchar *reason)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;
  gchar *nonce = nonce_new (server);

  g_debug ("vturn: %s: %u %s", ice_stun_method_to_string (req->msg.method),
           code, reason);
  if (code == ICE_STUN_ERROR_STALE_NONCE)
    server->counters.stale_nonces++;
  else
    server->counters.challenges++;
  req->user = NULL;
  vturn_response_init (server, req, &b, buf, sizeof (buf),
                       ICE_STUN_CLASS_ERROR);
  ice_stun_builder_add_error_code (&b, code, reason);
  ice_stun_builder_add_string (&b, ICE_STUN_ATTR_REALM, server->realm);
  ice_stun_builder_add_string (&b, ICE_STUN_ATTR_NONCE, nonce);
  if (offers_algorithms (server))
    ice_stun_builder_add_password_algorithms (&b, server->config.algorithms,
                                              server->config.n_algorithms);
  vturn_response_send (server, req, &b);
}

/* RFC 8489 §9.2.4: with the password algorithms feature, either neither
 * attribute (MD5), or both with the list we sent and a choice from it. */
static gboolean
choose_algorithm (IceVturnServer *server, const IceStunMessage *msg,
                  IceStunPasswordAlgorithm *algorithm)
{
  guint16 list[8];
  guint16 len = 0;
  const guint8 *chosen;
  guint n, i;

  *algorithm = ICE_STUN_PASSWORD_ALGORITHM_MD5;
  n = ice_stun_message_get_password_algorithms (msg, list, G_N_ELEMENTS (list));
  chosen = ice_stun_message_get_value (msg, ICE_STUN_ATTR_PASSWORD_ALGORITHM,
                                       &len);
  if (n == 0 && !chosen)
    return TRUE;
  if (n != server->config.n_algorithms || !chosen || len < 2)
    return FALSE;
  for (i = 0; i < n; i++) {
    if (list[i] != server->config.algorithms[i])
      return FALSE;
  }
  *algorithm = (chosen[0] << 8) | chosen[1];
  for (i = 0; i < n; i++) {
    if (list[i] == *algorithm)
      return TRUE;
  }
  return FALSE;
}

/* USERNAME, or USERHASH (RFC 8489 §14.4) when the client hides it. */
static const VturnUser *
find_user (IceVturnServer *server, const IceStunMessage *msg)
{
  gchar name[VTURN_TEXT_MAX];
  const guint8 *hash;
  guint16 len = 0;
  guint i;

  hash = ice_stun_message_get_value (msg, ICE_STUN_ATTR_USERHASH, &len);
  if (!hash
      && !ice_stun_message_get_string (msg, ICE_STUN_ATTR_USERNAME, name,
                                       sizeof (name)))
    return NULL;
  for (i = 0; i < server->users->len; i++) {
    const VturnUser *user = g_ptr_array_index (server->users, i);

    if (hash ? (len == ICE_STUN_USERHASH_SIZE
                && memcmp (hash, user->userhash, len) == 0)
             : strcmp (name, user->name) == 0)
      return user;
  }
  return NULL;
}

static gboolean
has_credentials (const IceStunMessage *msg)
{
  return (ice_stun_message_has (msg, ICE_STUN_ATTR_USERNAME)
          || ice_stun_message_has (msg, ICE_STUN_ATTR_USERHASH))
         && ice_stun_message_has (msg, ICE_STUN_ATTR_REALM)
         && ice_stun_message_has (msg, ICE_STUN_ATTR_NONCE);
}

/* Derives the key and checks the MAC; FALSE on a wrong one. */
static gboolean
check_integrity (IceVturnServer *server, VturnRequest *req,
                 const VturnUser *user, IceStunPasswordAlgorithm algorithm)
{
  if (!ice_stun_key_long_term (&req->key, algorithm, user->name, server->realm,
                               user->password))
    return FALSE;
  req->sha256 = req->msg.integrity_sha256 >= 0;
  return ice_stun_message_check_integrity (&req->msg, &req->key, FALSE)
         == ICE_STUN_CHECK_OK;
}

/**
 * vturn_authenticate:
 *
 * RFC 8489 §9.2.4, in its order: no MAC → 401; a MAC without USERNAME
 * (or USERHASH), REALM or NONCE → 400; a bad password algorithm choice →
 * 400; an unknown or expired nonce → 438; an unknown user, another realm
 * or a wrong MAC → 401.
 *
 * Returns: TRUE with @req's user and key set; FALSE once answered.
 */
gboolean
vturn_authenticate (IceVturnServer *server, VturnRequest *req)
{
  IceStunMessage *msg = &req->msg;
  IceStunPasswordAlgorithm algorithm;
  gchar nonce[VTURN_TEXT_MAX], realm[VTURN_TEXT_MAX];
  const VturnUser *user;

  if (msg->integrity < 0 && msg->integrity_sha256 < 0) {
    send_challenge (server, req, ICE_STUN_ERROR_UNAUTHORIZED, "Unauthorized");
    return FALSE;
  }
  if (!has_credentials (msg)
      || !ice_stun_message_get_string (msg, ICE_STUN_ATTR_NONCE, nonce,
                                       sizeof (nonce))
      || !ice_stun_message_get_string (msg, ICE_STUN_ATTR_REALM, realm,
                                       sizeof (realm))) {
    vturn_send_error (server, req, ICE_STUN_ERROR_BAD_REQUEST,
                      "Missing USERNAME, REALM or NONCE");
    return FALSE;
  }
  if (offers_algorithms (server)
      && !choose_algorithm (server, msg, &algorithm)) {
    vturn_send_error (server, req, ICE_STUN_ERROR_BAD_REQUEST,
                      "PASSWORD-ALGORITHMS does not match the server's list");
    return FALSE;
  }
  if (!offers_algorithms (server))
    algorithm = ICE_STUN_PASSWORD_ALGORITHM_MD5;
  if (nonce_is_stale (server, nonce)) {
    send_challenge (server, req, ICE_STUN_ERROR_STALE_NONCE, "Stale Nonce");
    return FALSE;
  }
  user = find_user (server, msg);
  if (!user || strcmp (realm, server->realm) != 0
      || !check_integrity (server, req, user, algorithm)) {
    send_challenge (server, req, ICE_STUN_ERROR_UNAUTHORIZED,
                    "Wrong credentials");
    return FALSE;
  }
  req->user = user;
  return TRUE;
}
