/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The virtual TURN server against the sans-IO TURN client on the virtual
 * network: relaying through NATs that defeat direct traffic, refreshes and
 * stale nonces over a long virtual run, the server's timers in the
 * simulation driver's clock; and RESPONSE-PORT in the STUN server node.
 */
#include "ice/stun/stun-builder.h"
#include "ice/testing/ice-sim.h"
#include "ice/testing/ice-vturn.h"

#include <string.h>

#if defined(__has_include)
#if __has_include("ice/turn/turn-client.h")
#include "ice/turn/turn-client.h"
#define HAVE_TURN_CLIENT 1
#endif
#endif

#define SERVER "203.0.113.1:3478"
#define PEER "198.51.100.20:6000"
#define SEC ((gint64)G_USEC_PER_SEC)
#define MS 1000

static IceTransportAddr
addr (const gchar *str)
{
  IceTransportAddr a;

  g_assert_true (ice_addr_parse (&a, str));
  return a;
}

static guint
add_host (IceVnet *vnet, guint realm, const gchar *local)
{
  IceTransportAddr a = addr (local);
  gchar ip[ICE_ADDR_STRLEN];
  guint host = ice_vnet_add_host (vnet, local);

  g_assert_cmpuint (ice_vnet_host_add_interface (
                        vnet, host, realm, ice_addr_ip_to_string (&a, ip)),
                    !=, ICE_VNET_INVALID);
  return host;
}

/* RFC 5780 §7.5: the answer goes to the source IP at RESPONSE-PORT. */
static void
check_response_port (const gchar *alternate)
{
  IceVnet *vnet = ice_vnet_new (3);
  IceVstunServer *stun = ice_vstun_server_new (vnet, ICE_VNET_INTERNET,
                                               "203.0.113.5:3478", alternate);
  IceTransportAddr server = addr ("203.0.113.5:3478");
  IceTransportAddr local = addr ("198.51.100.10:5000"), mapped;
  guint host = add_host (vnet, ICE_VNET_INTERNET, "198.51.100.10:5000");
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE], id[12] = { 1, 2, 3 };
  const guint16 ports[] = { 5001, 0 };
  guint16 port;
  guint i;
  IceStunBuilder b;
  IceVnetDatagram d;
  IceStunMessage msg;
  IceVstunCounters n;
  guint code = 0;

  for (i = 0; i < G_N_ELEMENTS (ports); i++) {
    port = ports[i];
    ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_REQUEST,
                           ICE_STUN_METHOD_BINDING, id);
    ice_stun_builder_add_u32 (&b, ICE_STUN_ATTR_RESPONSE_PORT,
                              (guint32)port << 16);
    g_assert_true (ice_vnet_host_send (vnet, host, &local, &server, buf,
                                       ice_stun_builder_finish (&b)));
    ice_vnet_advance (vnet, ice_vnet_get_now (vnet) + MS);
    g_assert_true (ice_vnet_host_recv (vnet, host, &d));
    g_assert_cmpint (ice_stun_message_parse (&msg, d.data, d.len), ==,
                     ICE_STUN_PARSE_OK);
    if (port) {
      g_assert_cmpuint (d.local.port, ==, 5001);
      g_assert_cmpint (msg.klass, ==, ICE_STUN_CLASS_SUCCESS);
      /* the mapping is still the request's source */
      g_assert_true (ice_stun_message_get_xor_address (
          &msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &mapped));
      g_assert_true (ice_addr_equal (&mapped, &local));
    } else {
      /* a response port of 0 could reach nothing: 400 at the source */
      g_assert_cmpuint (d.local.port, ==, 5000);
      g_assert_true (ice_stun_message_get_error_code (&msg, &code, NULL, NULL));
      g_assert_cmpuint (code, ==, 400);
    }
  }
  ice_vstun_server_get_counters (stun, &n);
  g_assert_cmpuint (n.response_port, ==, 1);
  g_assert_cmpuint (n.errors, ==, 1);
  ice_vstun_server_free (stun);
  ice_vnet_free (vnet);
}

static void
test_response_port (void)
{
  check_response_port (NULL);
  check_response_port ("203.0.113.6");
}

/* Garbage, truncated ChannelData and random bytes are dropped and
 * counted; the server keeps serving. */
static void
test_malformed (void)
{
  IceVnet *vnet = ice_vnet_new (4);
  IceVturnConfig config;
  IceVturnServer *server;
  IceVturnCounters n;
  IceTransportAddr local = addr ("198.51.100.10:5000"), to = addr (SERVER);
  guint host = add_host (vnet, ICE_VNET_INTERNET, "198.51.100.10:5000");
  const guint8 short_channel[] = { 0x40, 0x01, 0x00, 0x09, 'x' };
  GRand *rand = g_rand_new_with_seed (11);
  guint8 junk[600];
  guint i, j;

  ice_vturn_config_init (&config);
  config.address = SERVER;
  server = ice_vturn_server_new (vnet, ICE_VNET_INTERNET, &config);
  ice_vnet_host_send (vnet, host, &local, &to, short_channel,
                      sizeof (short_channel));
  for (i = 0; i < 500; i++) {
    gsize len = g_rand_int_range (rand, 0, sizeof (junk));

    for (j = 0; j < len; j++)
      junk[j] = g_rand_int (rand);
    /* STUN-looking or ChannelData-looking first bytes, too */
    if (len > 0 && i % 3 == 0)
      junk[0] = i % 2 ? 0x40 : 0x00;
    to.port = i % 2 ? 3478 : 49152 + i % 4;
    ice_vnet_host_send (vnet, host, &local, &to, junk, len);
  }
  ice_vnet_advance (vnet, SEC);
  ice_vturn_server_get_counters (server, &n);
  g_assert_cmpuint (n.malformed, >=, 1);
  g_assert_cmpuint (n.dropped_no_allocation, >=, 1);
  g_assert_cmpuint (n.allocations, ==, 0);
  g_rand_free (rand);
  ice_vturn_server_free (server);
  ice_vnet_free (vnet);
}

#ifdef HAVE_TURN_CLIENT

/* One TURN client on a host, and what reached it. */
typedef struct {
  IceTurnClient *turn;
  guint host;
  IceTransportAddr local;
  guint64 seed;
  guint n_data;
  gchar last[64];
  IceTransportAddr last_peer;
  guint n_direct; /* datagrams that came straight from a peer */
} Side;

typedef struct {
  IceVnet *vnet;
  IceVturnServer *server;
  IceTransportAddr server_addr;
  Side *sides[2];
  guint n_sides;
} World;

static guint64
side_random (gpointer data)
{
  Side *side = data;

  /* splitmix64: deterministic ids */
  guint64 z = (side->seed += 0x9e3779b97f4a7c15ull);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static void
world_init (World *w, IceVnet *vnet, gint64 latency_us,
            const IceVturnConfig *config)
{
  IceVturnConfig defaults;
  IceVnetLink link = { latency_us, 0, 0.0 };

  memset (w, 0, sizeof (*w));
  if (!config) {
    ice_vturn_config_init (&defaults);
    defaults.address = SERVER;
    config = &defaults;
  }
  w->vnet = vnet ? vnet : ice_vnet_new (5);
  ice_vnet_set_realm_link (w->vnet, ICE_VNET_INTERNET, &link);
  w->server = ice_vturn_server_new (w->vnet, ICE_VNET_INTERNET, config);
  g_assert_nonnull (w->server);
  g_assert_true (ice_vturn_server_add_user (w->server, "alice", "secret"));
  w->server_addr = addr (SERVER);
}

static Side *
world_add_side (World *w, guint realm, const gchar *local)
{
  Side *side = g_new0 (Side, 1);
  IceTurnClientConfig config;

  side->local = addr (local);
  side->host = add_host (w->vnet, realm, local);
  side->seed = side->host;
  ice_turn_client_config_init (&config);
  config.server = w->server_addr;
  config.username = "alice";
  config.password = "secret";
  config.random = side_random;
  config.random_data = side;
  side->turn = ice_turn_client_new (&config);
  g_assert_nonnull (side->turn);
  g_assert_true (
      ice_turn_client_allocate (side->turn, ice_vnet_get_now (w->vnet)));
  w->sides[w->n_sides++] = side;
  return side;
}

static void
world_clear (World *w, gboolean free_vnet)
{
  guint i;

  for (i = 0; i < w->n_sides; i++) {
    ice_turn_client_free (w->sides[i]->turn);
    g_free (w->sides[i]);
  }
  ice_vturn_server_free (w->server);
  if (free_vnet)
    ice_vnet_free (w->vnet);
}

static void
side_flush (World *w, Side *side)
{
  IceTurnTransmit *tx = g_new (IceTurnTransmit, 1);

  while (side->turn && ice_turn_client_poll_transmit (side->turn, tx))
    g_assert_true (ice_vnet_host_send (w->vnet, side->host, &side->local,
                                       &tx->to, tx->data, tx->len));
  g_free (tx);
}

static void
side_receive (World *w, Side *side)
{
  IceVnetDatagram *d = g_new (IceVnetDatagram, 1);
  gsize off, len;
  IceTransportAddr peer;

  while (ice_vnet_host_recv (w->vnet, side->host, d)) {
    if (!ice_addr_equal (&d->from, &w->server_addr) || !side->turn) {
      side->n_direct++;
      continue;
    }
    if (ice_turn_client_handle_packet (side->turn, d->time_us, d->data, d->len,
                                       &peer, &off, &len)
        != ICE_TURN_PACKET_DATA)
      continue;
    side->n_data++;
    side->last_peer = peer;
    g_assert_cmpuint (len, <, sizeof (side->last));
    memcpy (side->last, d->data + off, len);
    side->last[len] = '\0';
  }
  g_free (d);
}

/* Runs the clients and the network on virtual time up to @until. */
static void
world_run_until (World *w, gint64 until)
{
  guint i, steps = 0;

  for (;;) {
    gint64 next, now;

    for (i = 0; i < w->n_sides; i++)
      side_flush (w, w->sides[i]);
    next = ice_vnet_next_delivery (w->vnet);
    for (i = 0; i < w->n_sides; i++) {
      gint64 t = ice_turn_client_next_timeout (w->sides[i]->turn);

      if (t >= 0 && (next < 0 || t < next))
        next = t;
    }
    if (next < 0 || next > until)
      break;
    now = MAX (next, ice_vnet_get_now (w->vnet));
    ice_vnet_advance (w->vnet, now);
    for (i = 0; i < w->n_sides; i++) {
      gint64 t = ice_turn_client_next_timeout (w->sides[i]->turn);

      side_receive (w, w->sides[i]);
      if (t >= 0 && t <= now)
        ice_turn_client_handle_timeout (w->sides[i]->turn, now);
    }
    g_assert_cmpuint (++steps, <, 100000);
  }
  if (until > ice_vnet_get_now (w->vnet))
    ice_vnet_advance (w->vnet, until);
  for (i = 0; i < w->n_sides; i++)
    side_receive (w, w->sides[i]);
}

static void
world_run_for (World *w, gint64 duration_us)
{
  world_run_until (w, ice_vnet_get_now (w->vnet) + duration_us);
}

static IceTransportAddr
side_relayed (Side *side)
{
  IceTransportAddr relayed;

  g_assert_cmpint (ice_turn_client_get_state (side->turn), ==,
                   ICE_TURN_CLIENT_ALLOCATED);
  g_assert_true (ice_turn_client_get_relayed_address (side->turn, &relayed));
  return relayed;
}

static void
side_send (World *w, Side *side, const IceTransportAddr *peer,
           const gchar *payload)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  gsize len = ice_turn_client_wrap (side->turn, peer, (const guint8 *)payload,
                                    strlen (payload), buf, sizeof (buf));

  g_assert_cmpuint (len, >, 0);
  g_assert_true (ice_vnet_host_send (w->vnet, side->host, &side->local,
                                     &w->server_addr, buf, len));
}

/* A sends to B's relayed address through A's allocation; B must get it
 * from A's relayed address. */
static void
assert_relayed (World *w, Side *a, Side *b, const gchar *payload)
{
  IceTransportAddr ra = side_relayed (a), rb = side_relayed (b);
  guint before = b->n_data;

  side_send (w, a, &rb, payload);
  world_run_for (w, 200 * MS);
  g_assert_cmpuint (b->n_data, ==, before + 1);
  g_assert_cmpstr (b->last, ==, payload);
  g_assert_true (ice_addr_equal_ip (&b->last_peer, &ra));
  g_assert_cmpuint (b->last_peer.port, ==, ra.port);
}

/* Two clients behind address-and-port-dependent NATs: direct datagrams to
 * each other's server-reflexive addresses are filtered; through two
 * allocations they flow both ways, by Send/Data and by ChannelData. */
static void
test_client_symmetric (void)
{
  World w;
  IceVnatConfig nat;
  IceVnetCounters vc;
  IceVturnCounters n;
  Side *a, *b;
  IceTransportAddr ma, mb, ra, rb;
  guint realm_a, realm_b;
  guint64 filtered;
  gchar ip[ICE_ADDR_STRLEN];

  world_init (&w, NULL, 10 * MS, NULL);
  ice_vnat_config_init (&nat);
  g_assert_true (ice_vnat_config_parse (&nat, "apdm-apdf"));
  realm_a = ice_vnet_add_nat (w.vnet, ICE_VNET_INTERNET, "192.0.2.1", &nat);
  realm_b = ice_vnet_add_nat (w.vnet, ICE_VNET_INTERNET, "192.0.2.2", &nat);
  a = world_add_side (&w, realm_a, "10.0.0.2:5000");
  b = world_add_side (&w, realm_b, "10.0.0.2:5000");
  world_run_for (&w, SEC);
  ra = side_relayed (a);
  rb = side_relayed (b);
  g_assert_true (ice_turn_client_get_mapped_address (a->turn, &ma));
  g_assert_true (ice_turn_client_get_mapped_address (b->turn, &mb));
  g_assert_cmpstr (ice_addr_ip_to_string (&ma, ip), ==, "192.0.2.1");

  /* both punch at once: new mappings, and the peer's filter refuses */
  ice_vnet_get_counters (w.vnet, &vc);
  filtered = vc.filtered;
  g_assert_true (ice_vnet_host_send (w.vnet, a->host, &a->local, &mb,
                                     (const guint8 *)"hi", 2));
  g_assert_true (ice_vnet_host_send (w.vnet, b->host, &b->local, &ma,
                                     (const guint8 *)"hi", 2));
  world_run_for (&w, 200 * MS);
  ice_vnet_get_counters (w.vnet, &vc);
  g_assert_cmpuint (vc.filtered, ==, filtered + 2);
  g_assert_cmpuint (a->n_direct + b->n_direct, ==, 0);

  g_assert_true (
      ice_turn_client_add_permission (a->turn, &rb, ice_vnet_get_now (w.vnet)));
  g_assert_true (
      ice_turn_client_add_permission (b->turn, &ra, ice_vnet_get_now (w.vnet)));
  world_run_for (&w, SEC);
  assert_relayed (&w, a, b, "a to b");
  assert_relayed (&w, b, a, "b to a");
  g_assert_true (
      ice_turn_client_bind_channel (a->turn, &rb, ice_vnet_get_now (w.vnet)));
  g_assert_true (
      ice_turn_client_bind_channel (b->turn, &ra, ice_vnet_get_now (w.vnet)));
  world_run_for (&w, SEC);
  g_assert_cmpuint (ice_turn_client_get_channel (a->turn, &rb), !=, 0);
  assert_relayed (&w, a, b, "a to b on a channel");
  assert_relayed (&w, b, a, "b to a on a channel");
  ice_vturn_server_get_counters (w.server, &n);
  g_assert_cmpuint (n.allocations, ==, 2);
  g_assert_cmpuint (n.to_peer, ==, 4);
  g_assert_cmpuint (n.to_client_data, ==, 2);
  g_assert_cmpuint (n.to_client_channel, ==, 2);
  world_clear (&w, TRUE);
}

/* An hour of virtual time: the client refreshes the allocation and the
 * permission before they expire and recovers from stale nonces; then it
 * deallocates. */
static void
test_client_long_run (void)
{
  World w;
  IceVturnConfig config;
  IceVturnCounters n;
  IceTurnStats stats;
  IceTransportAddr peer = addr (PEER), local;
  Side *side;

  ice_vturn_config_init (&config);
  config.address = SERVER;
  config.nonce_lifetime_us = 500 * SEC;
  world_init (&w, NULL, 20 * MS, &config);
  side = world_add_side (&w, ICE_VNET_INTERNET, "198.51.100.10:5000");
  add_host (w.vnet, ICE_VNET_INTERNET, PEER);
  local = side->local;
  world_run_for (&w, SEC);
  g_assert_true (ice_turn_client_add_permission (side->turn, &peer,
                                                 ice_vnet_get_now (w.vnet)));
  world_run_for (&w, 3600 * SEC);
  side_relayed (side);
  g_assert_true (ice_vturn_server_has_permission (w.server, &local, &peer));
  ice_vturn_server_get_counters (w.server, &n);
  g_assert_cmpuint (n.allocations_expired, ==, 0);
  g_assert_cmpuint (n.refreshes, >=, 5);
  g_assert_cmpuint (n.stale_nonces, >=, 1);
  ice_turn_client_get_stats (side->turn, &stats);
  g_assert_cmpuint (stats.stale_nonces[ICE_TURN_OP_REFRESH]
                        + stats.stale_nonces[ICE_TURN_OP_PERMISSION],
                    >=, 1);
  ice_turn_client_deallocate (side->turn, ice_vnet_get_now (w.vnet));
  world_run_for (&w, SEC);
  g_assert_cmpint (ice_turn_client_get_state (side->turn), ==,
                   ICE_TURN_CLIENT_DEALLOCATED);
  g_assert_cmpuint (ice_vturn_server_n_allocations (w.server), ==, 0);
  world_clear (&w, TRUE);
}

static gboolean
no_allocation (IceSim *sim, gpointer user_data)
{
  return ice_vturn_server_n_allocations (user_data) == 0;
}

/* The server's expiry timer is one of the simulation's deadlines: the
 * loop stops exactly when the abandoned allocation expires. */
static void
test_sim_clock (void)
{
  IceSim *sim = ice_sim_new (9);
  IceVturnCounters n;
  World w;

  world_init (&w, ice_sim_get_vnet (sim), 0, NULL);
  world_add_side (&w, ICE_VNET_INTERNET, "198.51.100.10:5000");
  world_run_until (&w, 0);
  side_relayed (w.sides[0]);
  /* the client goes away without deallocating */
  ice_turn_client_free (w.sides[0]->turn);
  w.sides[0]->turn = NULL;
  w.n_sides = 0;
  g_free (w.sides[0]);
  g_assert_true (ice_sim_run_until (sim, no_allocation, w.server, 3600 * SEC));
  g_assert_cmpint (ice_sim_get_now (sim), ==,
                   ICE_VTURN_DEFAULT_LIFETIME_S * SEC);
  ice_vturn_server_get_counters (w.server, &n);
  g_assert_cmpuint (n.allocations_expired, ==, 1);
  world_clear (&w, FALSE);
  ice_sim_free (sim);
}

#endif /* HAVE_TURN_CLIENT */

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vstun/response-port", test_response_port);
  g_test_add_func ("/vturn/malformed", test_malformed);
#ifdef HAVE_TURN_CLIENT
  g_test_add_func ("/vturn/client/symmetric-nats", test_client_symmetric);
  g_test_add_func ("/vturn/client/long-run", test_client_long_run);
  g_test_add_func ("/vturn/sim/clock", test_sim_clock);
#endif
  return g_test_run ();
}
