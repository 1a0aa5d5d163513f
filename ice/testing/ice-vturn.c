/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The virtual TURN server node: creation, the dispatch of what the STUN
 * node underneath passes on (TURN requests, Send indications, ChannelData,
 * peer datagrams at relay ports), the host timer and response helpers.
 */
#include "ice/testing/ice-vturn-private.h"

#include <string.h>

#define DEFAULT_REALM "gst-ice.test"
#define DEFAULT_SOFTWARE "gst-ice vturn"
/* RFC 8656 §12: ChannelData starts with a channel number 0x4000-0x4FFF */
#define IS_CHANNEL_DATA_BYTE(b) ((b) >= 0x40 && (b) <= 0x4F)

/**
 * ice_vturn_config_init:
 * @config: (out): receives the defaults described in ice-vturn.h
 */
void
ice_vturn_config_init (IceVturnConfig *config)
{
  memset (config, 0, sizeof (*config));
  config->realm = DEFAULT_REALM;
  config->features = ICE_STUN_FEATURE_PASSWORD_ALGORITHMS;
  config->algorithms[0] = ICE_STUN_PASSWORD_ALGORITHM_SHA256;
  config->algorithms[1] = ICE_STUN_PASSWORD_ALGORITHM_MD5;
  config->n_algorithms = 2;
  config->nonce_lifetime_us = VTURN_SECONDS (3600);
  config->default_lifetime_s = ICE_VTURN_DEFAULT_LIFETIME_S;
  config->max_lifetime_s = ICE_VTURN_MAX_LIFETIME_S;
  config->relay_port_min = 49152;
  config->relay_port_max = 65535;
  config->software = DEFAULT_SOFTWARE;
}

gint64
vturn_now (IceVturnServer *server)
{
  return ice_vnet_get_now (server->vnet);
}

void
vturn_response_init (IceVturnServer *server, const VturnRequest *req,
                     IceStunBuilder *b, guint8 *buf, gsize size,
                     IceStunClass klass)
{
  ice_stun_builder_init_response (b, buf, size, &req->msg, klass);
}

void
vturn_response_send (IceVturnServer *server, const VturnRequest *req,
                     IceStunBuilder *b)
{
  gsize len;

  if (server->software)
    ice_stun_builder_add_string (b, ICE_STUN_ATTR_SOFTWARE, server->software);
  /* RFC 8489 §9.2.4: answer with the MAC the request used, same key */
  if (req->user && req->sha256)
    ice_stun_builder_add_message_integrity_sha256 (b, req->key.bytes,
                                                   req->key.len);
  else if (req->user)
    ice_stun_builder_add_message_integrity (b, req->key.bytes, req->key.len);
  ice_stun_builder_add_fingerprint (b);
  len = ice_stun_builder_finish (b);
  if (len == 0) {
    g_warning ("vturn: a response to %s did not fit",
               ice_stun_method_to_string (req->msg.method));
    return;
  }
  ice_vnet_host_send (server->vnet, server->host, &server->address,
                      &req->dgram->from, b->buf, len);
}

void
vturn_send_error (IceVturnServer *server, const VturnRequest *req, guint code,
                  const gchar *reason)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;

  g_debug ("vturn: %s from %s: %u %s",
           ice_stun_method_to_string (req->msg.method),
           req->user ? req->user->name : "(unauthenticated)", code, reason);
  server->counters.errors++;
  vturn_response_init (server, req, &b, buf, sizeof (buf),
                       ICE_STUN_CLASS_ERROR);
  ice_stun_builder_add_error_code (&b, code, reason);
  if (code == ICE_STUN_ERROR_UNKNOWN_ATTRIBUTE && req->msg.n_unknown)
    ice_stun_builder_add_unknown_attributes (&b, req->msg.unknown,
                                             req->msg.n_unknown);
  vturn_response_send (server, req, &b);
}

static void
on_timer (IceVnet *vnet, guint host, gpointer user_data)
{
  vturn_schedule (user_data);
}

/* Sweeps what expired by now and arms the timer at the next expiry. */
void
vturn_schedule (IceVturnServer *server)
{
  gint64 next = vturn_allocations_sweep (server, vturn_now (server));

  vturn_nonces_prune (server);
  server->deadline = next;
  ice_vnet_host_set_timer (server->vnet, server->host, next,
                           next >= 0 ? on_timer : NULL, server);
}

static void
handle_request (IceVturnServer *server, VturnRequest *req,
                IceStunParseResult res)
{
  server->counters.requests++;
  if (res == ICE_STUN_PARSE_UNKNOWN_REQUIRED) {
    /* RFC 8489 §6.3.1.1 */
    vturn_send_error (server, req, ICE_STUN_ERROR_UNKNOWN_ATTRIBUTE,
                      "Unknown comprehension-required attribute");
    return;
  }
  switch (req->msg.method) {
    case ICE_STUN_METHOD_ALLOCATE:
    case ICE_STUN_METHOD_REFRESH:
    case ICE_STUN_METHOD_CREATE_PERMISSION:
    case ICE_STUN_METHOD_CHANNEL_BIND:
      break;
    default:
      vturn_send_error (server, req, ICE_STUN_ERROR_BAD_REQUEST,
                        "Method not served by this TURN server");
      return;
  }
  if (!vturn_authenticate (server, req))
    return;
  switch (req->msg.method) {
    case ICE_STUN_METHOD_ALLOCATE:
      vturn_handle_allocate (server, req);
      break;
    case ICE_STUN_METHOD_REFRESH:
      vturn_handle_refresh (server, req);
      break;
    case ICE_STUN_METHOD_CREATE_PERMISSION:
      vturn_handle_create_permission (server, req);
      break;
    default:
      vturn_handle_channel_bind (server, req);
      break;
  }
}

static void
handle_stun (IceVturnServer *server, const IceVnetDatagram *dgram)
{
  VturnRequest *req = g_new0 (VturnRequest, 1);
  IceStunParseResult res;

  req->dgram = dgram;
  res = ice_stun_message_parse (&req->msg, dgram->data, dgram->len);
  if ((res != ICE_STUN_PARSE_OK && res != ICE_STUN_PARSE_UNKNOWN_REQUIRED)
      || (req->msg.fingerprint >= 0
          && ice_stun_message_check_fingerprint (&req->msg)
                 != ICE_STUN_CHECK_OK)) {
    server->counters.malformed++;
  } else if (req->msg.klass == ICE_STUN_CLASS_INDICATION) {
    /* RFC 8656 §11.2: only Send indications go to a server */
    if (req->msg.method == ICE_STUN_METHOD_SEND)
      vturn_handle_send (server, dgram, &req->msg);
    else
      server->counters.malformed++;
  } else if (req->msg.klass == ICE_STUN_CLASS_REQUEST) {
    handle_request (server, req, res);
  }
  /* responses are never addressed to a server: ignored */
  memset (&req->key, 0, sizeof (req->key));
  g_free (req);
}

/* What the STUN node does not serve: everything TURN. */
static void
on_datagram (IceVnet *vnet, const IceVnetDatagram *dgram, gpointer user_data)
{
  IceVturnServer *server = user_data;

  /* A datagram goes before a timer due at the same instant: what expires
   * now is removed before anything is served. */
  if (server->deadline >= 0 && vturn_now (server) >= server->deadline)
    vturn_schedule (server);
  if (!ice_addr_equal (&dgram->local, &server->address)) {
    vturn_handle_peer_datagram (server, dgram);
  } else if (dgram->len >= 4 && IS_CHANNEL_DATA_BYTE (dgram->data[0])) {
    vturn_handle_channel_data (server, dgram);
  } else if (ice_stun_is_message (dgram->data, dgram->len)) {
    handle_stun (server, dgram);
    /* requests make, extend or delete what expires */
    vturn_schedule (server);
  } else {
    server->counters.malformed++;
  }
}

static gboolean
config_is_valid (const IceVturnConfig *config, IceTransportAddr *address)
{
  if (!config->address || !ice_addr_parse (address, config->address)
      || address->port == 0) {
    g_warning ("vturn: address '%s' is not an IP:PORT",
               config->address ? config->address : "(null)");
    return FALSE;
  }
  if (!config->realm || !*config->realm) {
    g_warning ("vturn: a realm is required (RFC 8656 §5)");
    return FALSE;
  }
  if (config->relay_port_min == 0
      || config->relay_port_min > config->relay_port_max) {
    g_warning ("vturn: relay ports %u-%u: expected 1 <= min <= max",
               config->relay_port_min, config->relay_port_max);
    return FALSE;
  }
  if ((config->features & ICE_STUN_FEATURE_PASSWORD_ALGORITHMS)
      && (config->n_algorithms == 0
          || config->n_algorithms > G_N_ELEMENTS (config->algorithms))) {
    g_warning ("vturn: the password algorithms feature needs 1 or 2 "
               "algorithms, not %u",
               config->n_algorithms);
    return FALSE;
  }
  if (config->default_lifetime_s == 0
      || config->max_lifetime_s < config->default_lifetime_s
      || config->nonce_lifetime_us <= 0) {
    g_warning ("vturn: expected 0 < default lifetime <= max lifetime and a "
               "positive nonce lifetime");
    return FALSE;
  }
  return TRUE;
}

static void
user_free (gpointer data)
{
  VturnUser *user = data;

  memset (user->password, 0, strlen (user->password));
  g_free (user->password);
  g_free (user->name);
  g_free (user);
}

/**
 * ice_vturn_server_new:
 * @realm: the vnet realm of the server's address (usually the internet)
 *
 * Returns: (transfer full) (nullable): the server, with no user yet
 */
IceVturnServer *
ice_vturn_server_new (IceVnet *vnet, guint realm, const IceVturnConfig *config)
{
  IceVturnServer *server;
  IceTransportAddr address;

  g_return_val_if_fail (vnet != NULL && config != NULL, NULL);
  if (!config_is_valid (config, &address))
    return NULL;
  server = g_new0 (IceVturnServer, 1);
  server->stun = ice_vstun_server_new (vnet, realm, config->address, NULL);
  if (!server->stun) {
    g_free (server);
    return NULL;
  }
  server->vnet = vnet;
  server->host = ice_vstun_server_get_host (server->stun);
  ice_vstun_server_get_address (server->stun, &server->address);
  server->config = *config;
  server->realm = g_strdup (config->realm);
  server->software = g_strdup (config->software);
  server->config.address = NULL;
  server->config.realm = server->realm;
  server->config.software = server->software;
  server->users = g_ptr_array_new_with_free_func (user_free);
  server->nonces
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->by_client = g_hash_table_new_full (ice_addr_hash, ice_addr_hash_equal,
                                             NULL, vturn_allocation_free);
  server->by_port = g_hash_table_new (g_direct_hash, g_direct_equal);
  server->reservations = g_array_new (FALSE, TRUE, sizeof (VturnReservation));
  server->next_port = config->relay_port_min;
  server->deadline = -1;
  ice_vstun_server_set_fallback (server->stun, on_datagram, server);
  return server;
}

void
ice_vturn_server_free (IceVturnServer *server)
{
  if (!server)
    return;
  ice_vnet_host_set_timer (server->vnet, server->host, -1, NULL, NULL);
  ice_vstun_server_free (server->stun);
  g_hash_table_destroy (server->by_port);
  g_hash_table_destroy (server->by_client);
  g_hash_table_destroy (server->nonces);
  g_array_unref (server->reservations);
  g_ptr_array_unref (server->users);
  g_free (server->realm);
  g_free (server->software);
  g_free (server);
}

/**
 * ice_vturn_server_restart:
 *
 * What a server restart does to its clients: every allocation (with its
 * permissions and channels), reservation and nonce is forgotten; the
 * users and the address stay. Later requests on an old 5-tuple get 437
 * (RFC 8656 §7.3), ChannelData and Send indications are dropped.
 */
void
ice_vturn_server_restart (IceVturnServer *server)
{
  g_return_if_fail (server != NULL);

  g_hash_table_remove_all (server->by_port);
  g_hash_table_remove_all (server->by_client);
  g_hash_table_remove_all (server->nonces);
  g_array_set_size (server->reservations, 0);
  vturn_schedule (server);
}

/**
 * ice_vturn_server_add_user:
 *
 * Returns: FALSE for an empty @username or a @password OpaqueString refuses
 */
gboolean
ice_vturn_server_add_user (IceVturnServer *server, const gchar *username,
                           const gchar *password)
{
  IceStunKey probe;
  VturnUser *user;
  guint i;

  g_return_val_if_fail (server != NULL, FALSE);
  if (!username || !*username || !password
      || !ice_stun_key_long_term (&probe, ICE_STUN_PASSWORD_ALGORITHM_MD5,
                                  username, server->realm, password)) {
    g_warning ("vturn: user '%s': expected a non-empty name and a valid "
               "OpaqueString password",
               username ? username : "(null)");
    return FALSE;
  }
  for (i = 0; i < server->users->len; i++) {
    user = g_ptr_array_index (server->users, i);
    if (strcmp (user->name, username) == 0) {
      g_ptr_array_remove_index (server->users, i);
      break;
    }
  }
  user = g_new0 (VturnUser, 1);
  user->name = g_strdup (username);
  user->password = g_strdup (password);
  ice_stun_userhash (user->userhash, username, server->realm);
  g_ptr_array_add (server->users, user);
  return TRUE;
}

guint
ice_vturn_server_get_host (IceVturnServer *server)
{
  return server->host;
}

void
ice_vturn_server_get_address (IceVturnServer *server, IceTransportAddr *address)
{
  *address = server->address;
}

IceVstunServer *
ice_vturn_server_get_stun (IceVturnServer *server)
{
  return server->stun;
}

void
ice_vturn_server_get_counters (IceVturnServer *server,
                               IceVturnCounters *counters)
{
  *counters = server->counters;
}

guint
ice_vturn_server_n_allocations (IceVturnServer *server)
{
  vturn_allocations_sweep (server, vturn_now (server));
  return g_hash_table_size (server->by_client);
}

gboolean
ice_vturn_server_get_relayed (IceVturnServer *server,
                              const IceTransportAddr *client,
                              IceTransportAddr *relayed)
{
  VturnAllocation *alloc;

  vturn_allocations_sweep (server, vturn_now (server));
  alloc = g_hash_table_lookup (server->by_client, client);
  if (alloc && relayed)
    *relayed = alloc->relayed;
  return alloc != NULL;
}

gboolean
ice_vturn_server_has_permission (IceVturnServer *server,
                                 const IceTransportAddr *client,
                                 const IceTransportAddr *peer)
{
  VturnAllocation *alloc;
  guint i;

  vturn_allocations_sweep (server, vturn_now (server));
  alloc = g_hash_table_lookup (server->by_client, client);
  for (i = 0; alloc && i < alloc->permissions->len; i++) {
    if (ice_addr_equal_ip (
            &g_array_index (alloc->permissions, VturnPermission, i).ip, peer))
      return TRUE;
  }
  return FALSE;
}

void
ice_vturn_server_expire_nonces (IceVturnServer *server)
{
  g_hash_table_remove_all (server->nonces);
}
