/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The TURN client against a real coturn (started per test on 127.0.0.1,
 * stopped by PID): allocation over UDP and TCP, data both ways with a
 * plain UDP peer (Send/Data indications, then ChannelData), refresh
 * across a short max-allocate-lifetime, deallocation, a wrong password,
 * and 438 Stale Nonce on Refresh, CreatePermission and ChannelBind.
 */
#include "coturn-harness.h"

#include <string.h>

#define WAIT_MS 2000
/* only a guard against a hang: the wait ends when the line is written */
#define LOG_WAIT_MS 10000

static void
assert_loopback_relay (const IceTurnEvent *e)
{
  gchar ip[ICE_ADDR_STRLEN];

  g_assert_cmpstr (ice_addr_ip_to_string (&e->relayed, ip), ==, "127.0.0.1");
  g_assert_cmpuint (e->relayed.port, >=, 61000);
  g_assert_cmpuint (e->relayed.port, <=, 65000);
}

static void
expect_peer_gets (Peer *p, const IceTransportAddr *relayed, const gchar *text)
{
  gchar *got = peer_receive (p, relayed, WAIT_MS);

  g_assert_cmpstr (got, ==, text);
  g_free (got);
}

static void
expect_client_gets (Driver *d, const Peer *p, const gchar *text,
                    gboolean channel)
{
  g_assert_true (driver_wait_data (d, WAIT_MS));
  g_assert_cmpmem (d->data, d->data_len, text, strlen (text));
  g_assert_true (ice_addr_equal (&d->data_peer, &p->addr));
  g_assert_cmpint (d->data_was_channel, ==, channel);
}

/* Allocation, a permission, data both ways by indications, a channel,
 * data both ways by ChannelData. Returns the relayed address. */
static void
exchange_through_relay (Driver *d, Peer *peer, IceTransportAddr *relayed)
{
  IceTurnEvent e;
  gboolean channel;

  g_assert_true (ice_turn_client_allocate (d->client, driver_now ()));
  g_assert_true (driver_wait_event (d, ICE_TURN_EVENT_ALLOCATED, WAIT_MS, &e));
  assert_loopback_relay (&e);
  /* the server-reflexive address is our own socket on loopback */
  g_assert_true (ice_addr_equal_ip (&e.mapped, &d->local));
  g_assert_cmpuint (e.mapped.port, ==, d->local.port);
  *relayed = e.relayed;

  g_assert_true (
      ice_turn_client_add_permission (d->client, &peer->addr, driver_now ()));
  g_assert_true (
      driver_wait_event (d, ICE_TURN_EVENT_PERMISSION_CREATED, WAIT_MS, &e));
  driver_send_to_peer (d, &peer->addr, "client->peer by Send", &channel);
  g_assert_false (channel);
  expect_peer_gets (peer, relayed, "client->peer by Send");
  peer_send (peer, relayed, "peer->client by Data");
  expect_client_gets (d, peer, "peer->client by Data", FALSE);

  g_assert_true (
      ice_turn_client_bind_channel (d->client, &peer->addr, driver_now ()));
  g_assert_true (
      driver_wait_event (d, ICE_TURN_EVENT_CHANNEL_BOUND, WAIT_MS, &e));
  g_assert_cmphex (e.channel, ==, 0x4000);
  driver_send_to_peer (d, &peer->addr, "client->peer by ChannelData!",
                       &channel);
  g_assert_true (channel);
  expect_peer_gets (peer, relayed, "client->peer by ChannelData!");
  peer_send (peer, relayed, "peer->client by ChannelData");
  expect_client_gets (d, peer, "peer->client by ChannelData", TRUE);
}

static void
test_udp_relay (void)
{
  Coturn t;
  Driver *d;
  Peer peer;
  IceTransportAddr relayed;
  IceTurnEvent e;

  if (!coturn_start (&t, NULL))
    return;
  d = driver_new (&t, ICE_TRANSPORT_UDP, "p", 0);
  peer_init (&peer);
  exchange_through_relay (d, &peer, &relayed);

  ice_turn_client_deallocate (d->client, driver_now ());
  g_assert_true (
      driver_wait_event (d, ICE_TURN_EVENT_DEALLOCATED, WAIT_MS, &e));
  g_assert_cmpint (ice_turn_client_get_state (d->client), ==,
                   ICE_TURN_CLIENT_DEALLOCATED);
  /* coturn deletes it at its next one-second tick and says so; then a
   * new allocation on the same 5-tuple is accepted (while the old one
   * lived it was refused with 437, RFC 8656 §7.2) */
  g_assert_true (coturn_wait_log (&t, "lifetime=0", LOG_WAIT_MS));
  g_assert_true (
      coturn_wait_log (&t, "delete: realm=<r>, username=<u>", LOG_WAIT_MS));
  driver_replace_client (d, &t, "p");
  g_assert_true (ice_turn_client_allocate (d->client, driver_now ()));
  g_assert_true (driver_wait_event (d, ICE_TURN_EVENT_ALLOCATED, WAIT_MS, &e));
  ice_turn_client_deallocate (d->client, driver_now ());
  g_assert_true (
      driver_wait_event (d, ICE_TURN_EVENT_DEALLOCATED, WAIT_MS, &e));

  peer_clear (&peer);
  driver_free (d);
  coturn_stop (&t);
}

static void
test_tcp_relay (void)
{
  Coturn t;
  Driver *d;
  Peer peer;
  IceTransportAddr relayed;
  IceTurnEvent e;

  if (!coturn_start (&t, NULL))
    return;
  d = driver_new (&t, ICE_TRANSPORT_TCP, "p", 0);
  peer_init (&peer);
  exchange_through_relay (d, &peer, &relayed);
  ice_turn_client_deallocate (d->client, driver_now ());
  g_assert_true (
      driver_wait_event (d, ICE_TURN_EVENT_DEALLOCATED, WAIT_MS, &e));
  /* coturn logs the Refresh with lifetime 0, then the deletion */
  g_assert_true (coturn_wait_log (&t, "lifetime=0", LOG_WAIT_MS));
  g_assert_true (
      coturn_wait_log (&t, "delete: realm=<r>, username=<u>", LOG_WAIT_MS));
  peer_clear (&peer);
  driver_free (d);
  coturn_stop (&t);
}

/* coturn grants at most 2 s: the client refreshes at 80 % and the
 * allocation outlives its first lifetime. */
static void
test_refresh (void)
{
  const gchar *const extra[] = { "--max-allocate-lifetime=2", NULL };
  Coturn t;
  Driver *d;
  Peer peer;
  IceTurnEvent e;
  gint64 start;

  if (!coturn_start (&t, extra))
    return;
  /* coturn clamps a requested lifetime above 600 s to its maximum (and
   * one below to 600 s) */
  d = driver_new (&t, ICE_TRANSPORT_UDP, "p", 3600);
  peer_init (&peer);
  start = driver_now ();
  g_assert_true (ice_turn_client_allocate (d->client, start));
  g_assert_true (driver_wait_event (d, ICE_TURN_EVENT_ALLOCATED, WAIT_MS, &e));
  g_assert_cmpuint (e.lifetime_s, ==, 2);
  g_assert_true (driver_wait_event (d, ICE_TURN_EVENT_REFRESHED, 3000, &e));
  g_assert_cmpuint (e.lifetime_s, ==, 2);
  g_assert_true (driver_wait_event (d, ICE_TURN_EVENT_REFRESHED, 3000, &e));
  g_assert_cmpint (driver_now () - start, >, 2 * G_TIME_SPAN_SECOND);
  /* past the first lifetime the allocation still takes permissions */
  g_assert_true (
      ice_turn_client_add_permission (d->client, &peer.addr, driver_now ()));
  g_assert_true (
      driver_wait_event (d, ICE_TURN_EVENT_PERMISSION_CREATED, WAIT_MS, &e));
  peer_clear (&peer);
  driver_free (d);
  coturn_stop (&t);
}

static void
test_wrong_password (void)
{
  Coturn t;
  Driver *d;
  IceTurnEvent e;
  IceTransportAddr relayed;

  if (!coturn_start (&t, NULL))
    return;
  d = driver_new (&t, ICE_TRANSPORT_UDP, "not-the-password", 0);
  g_assert_true (ice_turn_client_allocate (d->client, driver_now ()));
  g_assert_false (driver_wait_event (d, ICE_TURN_EVENT_ALLOCATED, WAIT_MS, &e));
  g_assert_cmpint (e.type, ==, ICE_TURN_EVENT_ERROR);
  g_assert_cmpuint (e.error_code, ==, 401);
  g_assert_true (e.fatal);
  g_assert_nonnull (strstr (e.message, "wrong credentials"));
  g_assert_cmpint (ice_turn_client_get_state (d->client), ==,
                   ICE_TURN_CLIENT_FAILED);
  g_assert_false (ice_turn_client_get_relayed_address (d->client, &relayed));
  driver_free (d);
  coturn_stop (&t);
}

static Driver *
allocated_client (Coturn *t)
{
  Driver *d = driver_new (t, ICE_TRANSPORT_UDP, "p", 3600);

  g_assert_true (ice_turn_client_allocate (d->client, driver_now ()));
  g_assert_true (
      driver_wait_event (d, ICE_TURN_EVENT_ALLOCATED, WAIT_MS, NULL));
  return d;
}

static guint64
stale_nonces (Driver *d, IceTurnOperation op)
{
  IceTurnStats stats;

  ice_turn_client_get_stats (d->client, &stats);
  return stats.stale_nonces[op];
}

/* With a 1 s nonce lifetime, a request made 3 s after the last one meets
 * 438 and succeeds on the retry. coturn counts time in whole seconds on a
 * one-second timer, hence the 3 s. Three clients (three sessions, three
 * nonces) wait together: one refreshes (at 80 % of 4 s), one creates a
 * permission, one binds a channel. */
static void
test_stale_nonce (void)
{
  const gchar *const extra[]
      = { "--stale-nonce=1", "--max-allocate-lifetime=4", NULL };
  Coturn t;
  Driver *perm, *chan, *refresh;
  Peer peer;

  if (!coturn_start (&t, extra))
    return;
  peer_init (&peer);
  refresh = allocated_client (&t);
  perm = allocated_client (&t);
  chan = allocated_client (&t);
  driver_run_for (refresh, 3000);

  g_assert_true (
      ice_turn_client_add_permission (perm->client, &peer.addr, driver_now ()));
  g_assert_true (driver_wait_event (perm, ICE_TURN_EVENT_PERMISSION_CREATED,
                                    WAIT_MS, NULL));
  g_assert_cmpuint (stale_nonces (perm, ICE_TURN_OP_PERMISSION), ==, 1);
  g_assert_true (
      ice_turn_client_bind_channel (chan->client, &peer.addr, driver_now ()));
  g_assert_true (
      driver_wait_event (chan, ICE_TURN_EVENT_CHANNEL_BOUND, WAIT_MS, NULL));
  g_assert_cmpuint (stale_nonces (chan, ICE_TURN_OP_CHANNEL_BIND), ==, 1);
  g_assert_true (
      driver_wait_event (refresh, ICE_TURN_EVENT_REFRESHED, WAIT_MS, NULL));
  g_assert_cmpuint (stale_nonces (refresh, ICE_TURN_OP_REFRESH), ==, 1);

  driver_free (perm);
  driver_free (chan);
  driver_free (refresh);
  peer_clear (&peer);
  coturn_stop (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/turn/coturn/udp-relay", test_udp_relay);
  g_test_add_func ("/turn/coturn/tcp-relay", test_tcp_relay);
  g_test_add_func ("/turn/coturn/refresh", test_refresh);
  g_test_add_func ("/turn/coturn/wrong-password", test_wrong_password);
  g_test_add_func ("/turn/coturn/stale-nonce", test_stale_nonce);
  return g_test_run ();
}
