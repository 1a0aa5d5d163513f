/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The virtual TURN server (RFC 8656) driven with raw STUN messages on the
 * virtual network and clock, and RESPONSE-PORT in the STUN server node.
 */
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"
#include "ice/testing/ice-sim.h"
#include "ice/testing/ice-vturn.h"

#include <string.h>

#define SERVER "203.0.113.1:3478"
#define SERVER_IP "203.0.113.1"
#define PEER "198.51.100.20:6000"
#define SEC ((gint64)G_USEC_PER_SEC)

typedef struct {
  IceVnet *vnet;
  IceVturnServer *turn;
  IceTransportAddr server;
} Bed;

/* A raw TURN client: builds requests by hand and keeps the challenge. */
typedef struct {
  Bed *bed;
  guint host;
  IceTransportAddr local;
  const gchar *user;
  const gchar *pass;
  gboolean challenged;
  gchar realm[128];
  gchar nonce[128];
  guint32 features;
  guint16 algorithms[4];
  guint n_algorithms;
  IceStunKey key;
  guint8 txid[ICE_STUN_TRANSACTION_ID_SIZE];
  guint serial;
  IceVnetDatagram in; /* the last datagram received */
  IceStunMessage msg; /* parsed from @in when it is STUN */
} Client;

typedef void (*AddAttrs) (IceStunBuilder *b, gconstpointer data);

static IceTransportAddr
addr (const gchar *str)
{
  IceTransportAddr a;

  g_assert_true (ice_addr_parse (&a, str));
  return a;
}

static void
bed_init (Bed *bed, const IceVturnConfig *config)
{
  IceVturnConfig defaults;

  if (!config) {
    ice_vturn_config_init (&defaults);
    defaults.address = SERVER;
    config = &defaults;
  }
  bed->vnet = ice_vnet_new (1);
  bed->turn = ice_vturn_server_new (bed->vnet, ICE_VNET_INTERNET, config);
  g_assert_nonnull (bed->turn);
  g_assert_true (ice_vturn_server_add_user (bed->turn, "alice", "secret"));
  g_assert_true (ice_vturn_server_add_user (bed->turn, "bob", "hunter2"));
  bed->server = addr (SERVER);
}

static void
bed_clear (Bed *bed)
{
  ice_vturn_server_free (bed->turn);
  ice_vnet_free (bed->vnet);
}

static void
bed_get_counters (Bed *bed, IceVturnCounters *c)
{
  ice_vturn_server_get_counters (bed->turn, c);
}

/* A host in @realm at @local ("IP:PORT"). */
static guint
bed_add_host (Bed *bed, guint realm, const gchar *local)
{
  IceTransportAddr a = addr (local);
  gchar ip[ICE_ADDR_STRLEN];
  guint host = ice_vnet_add_host (bed->vnet, local);

  g_assert_cmpuint (ice_vnet_host_add_interface (
                        bed->vnet, host, realm, ice_addr_ip_to_string (&a, ip)),
                    !=, ICE_VNET_INVALID);
  return host;
}

static void
client_init (Client *c, Bed *bed, guint realm, const gchar *local,
             const gchar *user, const gchar *pass)
{
  memset (c, 0, sizeof (*c));
  c->bed = bed;
  c->local = addr (local);
  c->host = bed_add_host (bed, realm, local);
  c->user = user;
  c->pass = pass;
}

/* Runs the network until nothing is in flight before @limit. */
static void
settle (Bed *bed)
{
  gint64 limit = ice_vnet_get_now (bed->vnet) + SEC;
  gint64 next;

  while ((next = ice_vnet_next_delivery (bed->vnet)) >= 0 && next <= limit)
    ice_vnet_advance (bed->vnet, next);
}

static gboolean
client_recv (Client *c)
{
  settle (c->bed);
  if (!ice_vnet_host_recv (c->bed->vnet, c->host, &c->in))
    return FALSE;
  if (ice_stun_is_message (c->in.data, c->in.len))
    g_assert_cmpint (ice_stun_message_parse (&c->msg, c->in.data, c->in.len),
                     ==, ICE_STUN_PARSE_OK);
  return TRUE;
}

static void
client_send_raw (Client *c, const IceTransportAddr *to, const guint8 *data,
                 gsize len)
{
  g_assert_true (
      ice_vnet_host_send (c->bed->vnet, c->host, &c->local, to, data, len));
}

static void
client_begin (Client *c, IceStunBuilder *b, guint8 *buf, IceStunClass klass,
              guint16 method)
{
  memset (c->txid, 0, sizeof (c->txid));
  c->txid[0] = c->host;
  c->txid[1] = ++c->serial;
  ice_stun_builder_init (b, buf, ICE_STUN_MAX_MESSAGE_SIZE, klass, method,
                         c->txid);
  if (!c->challenged || klass != ICE_STUN_CLASS_REQUEST)
    return;
  if (c->features & ICE_STUN_FEATURE_USERNAME_ANONYMITY) {
    guint8 hash[ICE_STUN_USERHASH_SIZE];

    ice_stun_userhash (hash, c->user, c->realm);
    ice_stun_builder_add (b, ICE_STUN_ATTR_USERHASH, hash, sizeof (hash));
  } else {
    ice_stun_builder_add_string (b, ICE_STUN_ATTR_USERNAME, c->user);
  }
  ice_stun_builder_add_string (b, ICE_STUN_ATTR_REALM, c->realm);
  ice_stun_builder_add_string (b, ICE_STUN_ATTR_NONCE, c->nonce);
  if (c->features & ICE_STUN_FEATURE_PASSWORD_ALGORITHMS) {
    ice_stun_builder_add_password_algorithms (b, c->algorithms,
                                              c->n_algorithms);
    ice_stun_builder_add_password_algorithm (b, c->algorithms[0]);
  }
}

static void
client_send (Client *c, IceStunBuilder *b, gboolean integrity)
{
  gsize len;

  if (integrity && c->challenged) {
    if (c->features & ICE_STUN_FEATURE_PASSWORD_ALGORITHMS)
      ice_stun_builder_add_message_integrity_sha256 (b, c->key.bytes,
                                                     c->key.len);
    else
      ice_stun_builder_add_message_integrity (b, c->key.bytes, c->key.len);
  }
  ice_stun_builder_add_fingerprint (b);
  len = ice_stun_builder_finish (b);
  g_assert_cmpuint (len, >, 0);
  client_send_raw (c, &c->bed->server, b->buf, len);
}

/* REALM, NONCE, the features and algorithms of a 401 or 438. */
static void
client_take_challenge (Client *c)
{
  guint16 len = 0;
  const guint8 *nonce
      = ice_stun_message_get_value (&c->msg, ICE_STUN_ATTR_NONCE, &len);
  IceStunPasswordAlgorithm algorithm = ICE_STUN_PASSWORD_ALGORITHM_MD5;

  g_assert_true (ice_stun_message_get_string (&c->msg, ICE_STUN_ATTR_REALM,
                                              c->realm, sizeof (c->realm)));
  g_assert_true (ice_stun_message_get_string (&c->msg, ICE_STUN_ATTR_NONCE,
                                              c->nonce, sizeof (c->nonce)));
  ice_stun_nonce_get_features (nonce, len, &c->features);
  c->n_algorithms = ice_stun_message_get_password_algorithms (
      &c->msg, c->algorithms, G_N_ELEMENTS (c->algorithms));
  if (c->features & ICE_STUN_FEATURE_PASSWORD_ALGORITHMS) {
    g_assert_cmpuint (c->n_algorithms, >, 0);
    algorithm = c->algorithms[0];
  }
  g_assert_true (
      ice_stun_key_long_term (&c->key, algorithm, c->user, c->realm, c->pass));
  c->challenged = TRUE;
}

static guint
response_code (Client *c)
{
  guint code = 0;

  g_assert_true (ice_stun_message_get_error_code (&c->msg, &code, NULL, NULL));
  return code;
}

/* Sends one request; returns 0 for a success, else the error code. */
static guint
client_request_once (Client *c, guint16 method, AddAttrs add,
                     gconstpointer data)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;

  client_begin (c, &b, buf, ICE_STUN_CLASS_REQUEST, method);
  if (add)
    add (&b, data);
  client_send (c, &b, TRUE);
  g_assert_true (client_recv (c));
  g_assert_cmpmem (c->msg.transaction_id, 12, c->txid, 12);
  if (c->msg.klass == ICE_STUN_CLASS_SUCCESS) {
    /* RFC 8489 §9.2.4: the answer is keyed like the request */
    g_assert_cmpint (ice_stun_message_check_integrity (&c->msg, &c->key, FALSE),
                     ==, ICE_STUN_CHECK_OK);
    return 0;
  }
  g_assert_cmpint (c->msg.klass, ==, ICE_STUN_CLASS_ERROR);
  return response_code (c);
}

/* As a client library does: answers a challenge or a stale nonce once. */
static guint
client_request (Client *c, guint16 method, AddAttrs add, gconstpointer data)
{
  guint code = client_request_once (c, method, add, data);

  if ((code == 401 && !c->challenged) || code == 438) {
    client_take_challenge (c);
    code = client_request_once (c, method, add, data);
  }
  return code;
}

static void
add_udp (IceStunBuilder *b, gconstpointer data)
{
  ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_REQUESTED_TRANSPORT, 17u << 24);
}

static void
add_lifetime (IceStunBuilder *b, gconstpointer data)
{
  ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_LIFETIME, GPOINTER_TO_UINT (data));
}

static void
add_peers (IceStunBuilder *b, gconstpointer data)
{
  const IceTransportAddr *peers = data;
  guint i;

  for (i = 0; ice_addr_is_set (&peers[i]); i++)
    ice_stun_builder_add_xor_address (b, ICE_STUN_ATTR_XOR_PEER_ADDRESS,
                                      &peers[i]);
}

typedef struct {
  guint16 channel;
  IceTransportAddr peer;
} Bind;

static void
add_bind (IceStunBuilder *b, gconstpointer data)
{
  const Bind *bind = data;

  ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_CHANNEL_NUMBER,
                            (guint32)bind->channel << 16);
  ice_stun_builder_add_xor_address (b, ICE_STUN_ATTR_XOR_PEER_ADDRESS,
                                    &bind->peer);
}

/* Allocates; returns the relayed address. */
static IceTransportAddr
client_allocate (Client *c)
{
  IceTransportAddr relayed;

  g_assert_cmpuint (client_request (c, ICE_STUN_METHOD_ALLOCATE, add_udp, NULL),
                    ==, 0);
  g_assert_true (ice_stun_message_get_xor_address (
      &c->msg, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, &relayed));
  return relayed;
}

static void
client_permit (Client *c, const IceTransportAddr *peer)
{
  IceTransportAddr peers[2] = { *peer, { 0 } };

  g_assert_cmpuint (
      client_request (c, ICE_STUN_METHOD_CREATE_PERMISSION, add_peers, peers),
      ==, 0);
}

static void
client_send_indication (Client *c, const IceTransportAddr *peer,
                        const gchar *payload)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;

  client_begin (c, &b, buf, ICE_STUN_CLASS_INDICATION, ICE_STUN_METHOD_SEND);
  ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_PEER_ADDRESS, peer);
  ice_stun_builder_add (&b, ICE_STUN_ATTR_DATA, payload, strlen (payload));
  client_send (c, &b, FALSE);
}

/* The payload of the Data indication just received, from @peer. */
static void
assert_data_indication (Client *c, const IceTransportAddr *peer,
                        const gchar *payload)
{
  IceTransportAddr from;
  const guint8 *data;
  guint16 len = 0;

  g_assert_cmpint (c->msg.klass, ==, ICE_STUN_CLASS_INDICATION);
  g_assert_cmpint (c->msg.method, ==, ICE_STUN_METHOD_DATA);
  g_assert_true (ice_stun_message_get_xor_address (
      &c->msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS, &from));
  g_assert_true (ice_addr_equal (&from, peer));
  data = ice_stun_message_get_value (&c->msg, ICE_STUN_ATTR_DATA, &len);
  g_assert_cmpmem (data, len, payload, strlen (payload));
}

/* RFC 8656 §7.2 with RFC 8489 §9.2: 401 with realm, nonce cookie and
 * algorithms, then success on the server's IP; a wrong password is 401. */
static void
test_allocate_challenge (void)
{
  Bed bed;
  Client c, wrong;
  IceTransportAddr relayed, mapped;
  IceVturnCounters n;
  guint32 lifetime = 0, features = 0;
  guint16 len = 0;
  const guint8 *nonce;

  bed_init (&bed, NULL);
  client_init (&c, &bed, ICE_VNET_INTERNET, "198.51.100.10:5000", "alice",
               "secret");
  g_assert_cmpuint (
      client_request_once (&c, ICE_STUN_METHOD_ALLOCATE, add_udp, NULL), ==,
      401);
  g_assert_true (ice_stun_message_has (&c.msg, ICE_STUN_ATTR_REALM));
  nonce = ice_stun_message_get_value (&c.msg, ICE_STUN_ATTR_NONCE, &len);
  g_assert_true (ice_stun_nonce_get_features (nonce, len, &features));
  g_assert_cmphex (features, ==, ICE_STUN_FEATURE_PASSWORD_ALGORITHMS);
  client_take_challenge (&c);
  g_assert_cmpuint (c.algorithms[0], ==, ICE_STUN_PASSWORD_ALGORITHM_SHA256);
  relayed = client_allocate (&c);
  g_assert_true (ice_addr_equal_ip (&relayed, &bed.server));
  g_assert_cmpuint (relayed.port, >=, 49152);
  g_assert_true (ice_stun_message_get_xor_address (
      &c.msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &mapped));
  g_assert_true (ice_addr_equal (&mapped, &c.local));
  g_assert_true (
      ice_stun_message_get_u32 (&c.msg, ICE_STUN_ATTR_LIFETIME, &lifetime));
  g_assert_cmpuint (lifetime, ==, ICE_VTURN_DEFAULT_LIFETIME_S);
  g_assert_cmpuint (ice_vturn_server_n_allocations (bed.turn), ==, 1);

  client_init (&wrong, &bed, ICE_VNET_INTERNET, "198.51.100.11:5000", "alice",
               "not-the-password");
  g_assert_cmpuint (
      client_request (&wrong, ICE_STUN_METHOD_ALLOCATE, add_udp, NULL), ==,
      401);
  g_assert_true (wrong.challenged);
  bed_get_counters (&bed, &n);
  g_assert_cmpuint (n.challenges, ==, 3);
  g_assert_cmpuint (n.allocations, ==, 1);
  g_assert_cmpuint (ice_vturn_server_n_allocations (bed.turn), ==, 1);
  bed_clear (&bed);
}

/* The classic mechanism (no cookie: MD5 and MESSAGE-INTEGRITY) and
 * username anonymity (USERHASH). */
static void
check_features (guint32 features)
{
  Bed bed;
  IceVturnConfig config;
  Client c;

  ice_vturn_config_init (&config);
  config.address = SERVER;
  config.features = features;
  config.algorithms[0] = ICE_STUN_PASSWORD_ALGORITHM_MD5;
  config.n_algorithms = 1;
  bed_init (&bed, &config);
  client_init (&c, &bed, ICE_VNET_INTERNET, "198.51.100.10:5000", "bob",
               "hunter2");
  client_allocate (&c);
  g_assert_cmpuint (c.features, ==, features);
  g_assert_cmpint (c.msg.integrity_sha256 >= 0, ==,
                   (features & ICE_STUN_FEATURE_PASSWORD_ALGORITHMS) != 0);
  g_assert_cmpuint (ice_vturn_server_n_allocations (bed.turn), ==, 1);
  bed_clear (&bed);
}

static void
test_auth_features (void)
{
  check_features (0);
  check_features (ICE_STUN_FEATURE_USERNAME_ANONYMITY);
  check_features (ICE_STUN_FEATURE_USERNAME_ANONYMITY
                  | ICE_STUN_FEATURE_PASSWORD_ALGORITHMS);
}

/* RFC 8489 §9.2.4: an expired nonce is answered 438 with a new one. */
static void
test_auth_stale_nonce (void)
{
  Bed bed;
  IceVturnConfig config;
  IceVturnCounters n;
  Client c;
  gchar old_nonce[128];

  ice_vturn_config_init (&config);
  config.address = SERVER;
  config.nonce_lifetime_us = 30 * SEC;
  bed_init (&bed, &config);
  client_init (&c, &bed, ICE_VNET_INTERNET, "198.51.100.10:5000", "alice",
               "secret");
  client_allocate (&c);
  g_strlcpy (old_nonce, c.nonce, sizeof (old_nonce));
  ice_vnet_advance (bed.vnet, 31 * SEC);
  g_assert_cmpuint (
      client_request_once (&c, ICE_STUN_METHOD_REFRESH, NULL, NULL), ==, 438);
  client_take_challenge (&c);
  g_assert_cmpstr (c.nonce, !=, old_nonce);
  g_assert_cmpuint (
      client_request_once (&c, ICE_STUN_METHOD_REFRESH, NULL, NULL), ==, 0);
  /* and on demand */
  ice_vturn_server_expire_nonces (bed.turn);
  g_assert_cmpuint (client_request (&c, ICE_STUN_METHOD_REFRESH, NULL, NULL),
                    ==, 0);
  bed_get_counters (&bed, &n);
  g_assert_cmpuint (n.stale_nonces, ==, 2);
  g_assert_cmpuint (n.refreshes, ==, 2);
  bed_clear (&bed);
}

/* RFC 8656 §9, §11: nothing is relayed either way without a permission. */
static void
test_relay_permission (void)
{
  Bed bed;
  Client c;
  IceTransportAddr relayed, peer = addr (PEER);
  IceTransportAddr two_peers[3] = { addr (PEER), addr ("192.0.2.77:1"), { 0 } };
  IceVturnCounters n;
  IceVnetDatagram d;
  guint peer_host;

  bed_init (&bed, NULL);
  client_init (&c, &bed, ICE_VNET_INTERNET, "198.51.100.10:5000", "alice",
               "secret");
  peer_host = bed_add_host (&bed, ICE_VNET_INTERNET, PEER);
  relayed = client_allocate (&c);

  client_send_indication (&c, &peer, "early");
  g_assert_true (ice_vnet_host_send (bed.vnet, peer_host, &peer, &relayed,
                                     (const guint8 *)"knock", 5));
  settle (&bed);
  g_assert_cmpuint (ice_vnet_host_n_queued (bed.vnet, peer_host), ==, 0);
  g_assert_false (client_recv (&c));
  bed_get_counters (&bed, &n);
  g_assert_cmpuint (n.dropped_send_no_permission, ==, 1);
  g_assert_cmpuint (n.dropped_peer_no_permission, ==, 1);

  /* RFC 8656 §9.2: several peers in one request */
  g_assert_cmpuint (client_request (&c, ICE_STUN_METHOD_CREATE_PERMISSION,
                                    add_peers, two_peers),
                    ==, 0);
  g_assert_true (ice_vturn_server_has_permission (bed.turn, &c.local, &peer));
  g_assert_true (
      ice_vturn_server_has_permission (bed.turn, &c.local, &two_peers[1]));
  client_send_indication (&c, &peer, "hello");
  settle (&bed);
  g_assert_true (ice_vnet_host_recv (bed.vnet, peer_host, &d));
  g_assert_true (ice_addr_equal (&d.from, &relayed));
  g_assert_cmpmem (d.data, d.len, "hello", 5);
  g_assert_true (ice_vnet_host_send (bed.vnet, peer_host, &peer, &relayed,
                                     (const guint8 *)"reply", 5));
  g_assert_true (client_recv (&c));
  assert_data_indication (&c, &peer, "reply");
  bed_get_counters (&bed, &n);
  g_assert_cmpuint (n.to_peer, ==, 1);
  g_assert_cmpuint (n.to_client_data, ==, 1);
  g_assert_cmpuint (n.permissions, ==, 2);
  bed_clear (&bed);
}

static void
peer_send (Bed *bed, guint peer_host, const IceTransportAddr *relayed,
           const gchar *payload)
{
  IceTransportAddr peer = addr (PEER);

  g_assert_true (ice_vnet_host_send (bed->vnet, peer_host, &peer, relayed,
                                     (const guint8 *)payload,
                                     strlen (payload)));
}

/* RFC 8656 §12: ChannelData both ways once the channel is bound. */
static void
test_relay_channel (void)
{
  Bed bed;
  Client c;
  Bind bind = { 0x4001, addr (PEER) };
  IceTransportAddr relayed;
  IceVturnCounters n;
  IceVnetDatagram d;
  guint8 frame[4 + 8] = { 0x40, 0x01, 0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0 };
  guint peer_host;

  bed_init (&bed, NULL);
  client_init (&c, &bed, ICE_VNET_INTERNET, "198.51.100.10:5000", "alice",
               "secret");
  peer_host = bed_add_host (&bed, ICE_VNET_INTERNET, PEER);
  relayed = client_allocate (&c);
  /* unbound: dropped */
  client_send_raw (&c, &bed.server, frame, sizeof (frame));
  settle (&bed);
  g_assert_cmpuint (ice_vnet_host_n_queued (bed.vnet, peer_host), ==, 0);
  g_assert_cmpuint (
      client_request (&c, ICE_STUN_METHOD_CHANNEL_BIND, add_bind, &bind), ==,
      0);
  /* the binding made the permission (RFC 8656 §11.2) */
  g_assert_true (
      ice_vturn_server_has_permission (bed.turn, &c.local, &bind.peer));
  /* padded to 4 bytes as over a stream: still accepted over UDP */
  client_send_raw (&c, &bed.server, frame, sizeof (frame));
  settle (&bed);
  g_assert_true (ice_vnet_host_recv (bed.vnet, peer_host, &d));
  g_assert_cmpmem (d.data, d.len, "hello", 5);
  g_assert_true (ice_addr_equal (&d.from, &relayed));
  peer_send (&bed, peer_host, &relayed, "back");
  g_assert_true (client_recv (&c));
  g_assert_cmpuint (c.in.len, ==, 8);
  g_assert_cmpmem (c.in.data, 8,
                   "\x40\x01\x00\x04"
                   "back",
                   8);
  /* another channel for the same peer, or the same channel for another
   * peer, is refused */
  bind.channel = 0x4002;
  g_assert_cmpuint (
      client_request (&c, ICE_STUN_METHOD_CHANNEL_BIND, add_bind, &bind), ==,
      400);
  bind.channel = 0x3fff;
  g_assert_cmpuint (
      client_request (&c, ICE_STUN_METHOD_CHANNEL_BIND, add_bind, &bind), ==,
      400);
  /* RFC 8656 §12: unrefreshed, the binding is gone after 600 s (while
   * the allocation lives on) */
  g_assert_cmpuint (client_request (&c, ICE_STUN_METHOD_REFRESH, add_lifetime,
                                    GUINT_TO_POINTER (3600)),
                    ==, 0);
  ice_vnet_advance (bed.vnet, ICE_VTURN_CHANNEL_LIFETIME_S * SEC);
  client_send_raw (&c, &bed.server, frame, sizeof (frame));
  settle (&bed);
  g_assert_cmpuint (ice_vnet_host_n_queued (bed.vnet, peer_host), ==, 0);
  bed_get_counters (&bed, &n);
  g_assert_cmpuint (n.dropped_unbound_channel, ==, 2);
  g_assert_cmpuint (n.to_client_channel, ==, 1);
  g_assert_cmpuint (n.to_peer, ==, 1);
  g_assert_cmpuint (n.channels, ==, 1);
  bed_clear (&bed);
}

/* Lifetimes run on the network's clock: the server's timer is the next
 * event, permissions die at 300 s, the allocation at its lifetime. */
static void
test_refresh_expiry (void)
{
  Bed bed;
  Client c;
  IceTransportAddr relayed, peer = addr (PEER);
  IceVturnCounters n;
  guint32 lifetime = 0;
  guint peer_host;

  bed_init (&bed, NULL);
  client_init (&c, &bed, ICE_VNET_INTERNET, "198.51.100.10:5000", "alice",
               "secret");
  peer_host = bed_add_host (&bed, ICE_VNET_INTERNET, PEER);
  relayed = client_allocate (&c);
  client_permit (&c, &peer);
  g_assert_cmpint (ice_vnet_next_delivery (bed.vnet), ==, 300 * SEC);
  ice_vnet_advance (bed.vnet, 300 * SEC);
  g_assert_false (ice_vturn_server_has_permission (bed.turn, &c.local, &peer));
  peer_send (&bed, peer_host, &relayed, "late");
  g_assert_false (client_recv (&c));
  /* RFC 8656 §7.3: more than the default is granted up to the maximum */
  g_assert_cmpuint (client_request (&c, ICE_STUN_METHOD_REFRESH, add_lifetime,
                                    GUINT_TO_POINTER (1200)),
                    ==, 0);
  g_assert_true (
      ice_stun_message_get_u32 (&c.msg, ICE_STUN_ATTR_LIFETIME, &lifetime));
  g_assert_cmpuint (lifetime, ==, 1200);
  g_assert_cmpint (ice_vnet_next_delivery (bed.vnet), ==, 1500 * SEC);
  ice_vnet_advance (bed.vnet, 1500 * SEC - 1);
  g_assert_cmpuint (ice_vturn_server_n_allocations (bed.turn), ==, 1);
  ice_vnet_advance (bed.vnet, 1500 * SEC);
  g_assert_cmpuint (ice_vturn_server_n_allocations (bed.turn), ==, 0);
  g_assert_cmpint (ice_vnet_next_delivery (bed.vnet), ==, -1);
  g_assert_cmpuint (client_request (&c, ICE_STUN_METHOD_REFRESH, NULL, NULL),
                    ==, 437);
  bed_get_counters (&bed, &n);
  g_assert_cmpuint (n.allocations_expired, ==, 1);
  g_assert_cmpuint (n.dropped_peer_no_permission, ==, 1);
  bed_clear (&bed);
}

/* RFC 8656 §7.3: LIFETIME 0 deletes; the relay port is then dead. */
static void
test_deallocate (void)
{
  Bed bed;
  Client c;
  IceTransportAddr relayed, peer = addr (PEER);
  IceVturnCounters n;
  guint32 lifetime = 1;
  guint peer_host;

  bed_init (&bed, NULL);
  client_init (&c, &bed, ICE_VNET_INTERNET, "198.51.100.10:5000", "alice",
               "secret");
  peer_host = bed_add_host (&bed, ICE_VNET_INTERNET, PEER);
  relayed = client_allocate (&c);
  client_permit (&c, &peer);
  g_assert_cmpuint (client_request (&c, ICE_STUN_METHOD_REFRESH, add_lifetime,
                                    GUINT_TO_POINTER (0)),
                    ==, 0);
  g_assert_true (
      ice_stun_message_get_u32 (&c.msg, ICE_STUN_ATTR_LIFETIME, &lifetime));
  g_assert_cmpuint (lifetime, ==, 0);
  g_assert_cmpuint (ice_vturn_server_n_allocations (bed.turn), ==, 0);
  peer_send (&bed, peer_host, &relayed, "gone");
  g_assert_false (client_recv (&c));
  client_send_indication (&c, &peer, "gone");
  settle (&bed);
  g_assert_cmpuint (ice_vnet_host_n_queued (bed.vnet, peer_host), ==, 0);
  bed_get_counters (&bed, &n);
  g_assert_cmpuint (n.allocations_deleted, ==, 1);
  g_assert_cmpuint (n.dropped_no_allocation, ==, 2);
  /* a new allocation for the same 5-tuple is possible again */
  relayed = client_allocate (&c);
  g_assert_cmpuint (ice_vturn_server_n_allocations (bed.turn), ==, 1);
  bed_clear (&bed);
}

static void
resend_last (Client *c, guint8 *copy, gsize len)
{
  client_send_raw (c, &c->bed->server, copy, len);
  g_assert_true (client_recv (c));
}

/* 437 for a second Allocate on a 5-tuple (not for a retransmission), 486
 * over the quota, 441 for another user's allocation. */
static void
test_mismatch_quota (void)
{
  Bed bed;
  IceVturnConfig config;
  Client c, other;
  IceTransportAddr relayed, again;
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;
  gsize len;

  ice_vturn_config_init (&config);
  config.address = SERVER;
  config.max_allocations = 1;
  bed_init (&bed, &config);
  client_init (&c, &bed, ICE_VNET_INTERNET, "198.51.100.10:5000", "alice",
               "secret");
  client_request_once (&c, ICE_STUN_METHOD_ALLOCATE, add_udp, NULL);
  client_take_challenge (&c);
  client_begin (&c, &b, buf, ICE_STUN_CLASS_REQUEST, ICE_STUN_METHOD_ALLOCATE);
  add_udp (&b, NULL);
  client_send (&c, &b, TRUE);
  len = b.len;
  g_assert_true (client_recv (&c));
  g_assert_true (ice_stun_message_get_xor_address (
      &c.msg, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, &relayed));
  /* RFC 8656 §7.2 step 2: the same transaction gets the same answer */
  resend_last (&c, buf, len);
  g_assert_cmpint (c.msg.klass, ==, ICE_STUN_CLASS_SUCCESS);
  g_assert_true (ice_stun_message_get_xor_address (
      &c.msg, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, &again));
  g_assert_true (ice_addr_equal (&relayed, &again));
  g_assert_cmpuint (
      client_request (&c, ICE_STUN_METHOD_ALLOCATE, add_udp, NULL), ==, 437);
  client_init (&other, &bed, ICE_VNET_INTERNET, "198.51.100.11:5000", "bob",
               "hunter2");
  g_assert_cmpuint (
      client_request (&other, ICE_STUN_METHOD_ALLOCATE, add_udp, NULL), ==,
      486);
  /* bob on alice's 5-tuple */
  c.user = "bob";
  c.pass = "hunter2";
  g_assert_true (ice_stun_key_long_term (&c.key, c.algorithms[0], c.user,
                                         c.realm, c.pass));
  g_assert_cmpuint (client_request (&c, ICE_STUN_METHOD_REFRESH, NULL, NULL),
                    ==, 441);
  g_assert_cmpuint (client_request (&c, ICE_STUN_METHOD_ALLOCATE, NULL, NULL),
                    ==, 437);
  bed_clear (&bed);
}

static void
add_even_port (IceStunBuilder *b, gconstpointer data)
{
  guint8 r = 0x80;

  add_udp (b, NULL);
  ice_stun_builder_add (b, ICE_STUN_ATTR_EVEN_PORT, &r, 1);
}

static void
add_token (IceStunBuilder *b, gconstpointer data)
{
  add_udp (b, NULL);
  ice_stun_builder_add_u64 (b, ICE_STUN_ATTR_RESERVATION_TOKEN,
                            *(const guint64 *)data);
}

/* RFC 8656 §7.2: EVEN-PORT with R reserves the next port for a token. */
static void
test_even_port (void)
{
  Bed bed;
  IceVturnConfig config;
  Client a, b, c;
  IceTransportAddr ra, rb;
  guint64 token = 0;

  ice_vturn_config_init (&config);
  config.address = SERVER;
  config.relay_port_min = 50001;
  bed_init (&bed, &config);
  client_init (&a, &bed, ICE_VNET_INTERNET, "198.51.100.10:5000", "alice",
               "secret");
  client_init (&b, &bed, ICE_VNET_INTERNET, "198.51.100.11:5000", "bob",
               "hunter2");
  client_init (&c, &bed, ICE_VNET_INTERNET, "198.51.100.12:5000", "bob",
               "hunter2");
  g_assert_cmpuint (
      client_request (&a, ICE_STUN_METHOD_ALLOCATE, add_even_port, NULL), ==,
      0);
  g_assert_true (ice_stun_message_get_xor_address (
      &a.msg, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, &ra));
  g_assert_cmpuint (ra.port, ==, 50002);
  g_assert_true (ice_stun_message_get_u64 (
      &a.msg, ICE_STUN_ATTR_RESERVATION_TOKEN, &token));
  /* the reserved port is skipped by ordinary allocations */
  g_assert_cmpuint (client_allocate (&c).port, ==, 50004);
  g_assert_cmpuint (
      client_request (&b, ICE_STUN_METHOD_ALLOCATE, add_token, &token), ==, 0);
  g_assert_true (ice_stun_message_get_xor_address (
      &b.msg, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, &rb));
  g_assert_cmpuint (rb.port, ==, 50003);
  bed_clear (&bed);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vturn/allocate/challenge", test_allocate_challenge);
  g_test_add_func ("/vturn/auth/features", test_auth_features);
  g_test_add_func ("/vturn/auth/stale-nonce", test_auth_stale_nonce);
  g_test_add_func ("/vturn/relay/permission", test_relay_permission);
  g_test_add_func ("/vturn/relay/channel", test_relay_channel);
  g_test_add_func ("/vturn/allocation/refresh-expiry", test_refresh_expiry);
  g_test_add_func ("/vturn/allocation/deallocate", test_deallocate);
  g_test_add_func ("/vturn/allocation/mismatch-quota", test_mismatch_quota);
  g_test_add_func ("/vturn/allocation/even-port", test_even_port);
  return g_test_run ();
}
