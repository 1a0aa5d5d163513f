/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Relayed candidates (ice-relay.h) on the virtual network with the
 * virtual TURN server: every NAT pair connects, those that cannot connect
 * directly through the relay, media crosses it both ways; relay-only
 * sessions use only relayed candidates and lose no check to a missing
 * permission; wrong credentials give a RELAY_ERROR and no candidate;
 * closing releases the allocations.
 */
#include <string.h>

#include "ice/core/ice-relay.h"
#include "ice/testing/ice-sim.h"
#include "ice/testing/ice-vstun.h"
#include "ice/testing/ice-vturn.h"

#define INTERNET_DELAY_US (20 * G_TIME_SPAN_MILLISECOND)
#define CONNECT_BOUND_US (15 * G_TIME_SPAN_SECOND)
#define TURN_USER "user"
#define TURN_PASSWORD "secret"

static const gchar *const nat_models[] = {
  "none", "eim-eif", "eim-adf", "eim-apdf", "adm-apdf", "apdm-apdf",
};

#define N_MODELS G_N_ELEMENTS (nat_models)

/* Pairs that fail without a relay even with a STUN server (see
 * test-session-nat.c): dependent mappings against port-dependent
 * filtering or each other. */
static gboolean
fails_direct (guint a, guint b)
{
  gboolean dep_a = a >= 4, dep_b = b >= 4;

  return (dep_a && dep_b) || (dep_a && b == 3) || (dep_b && a == 3);
}

typedef struct {
  IceSim *sim;
  IceVstunServer *stun;
  IceVturnServer *turn;
  IceSimPeer *a, *b;
} Net;

static guint
add_host (Net *n, const gchar *name, const gchar *model, guint index)
{
  IceVnet *vnet = ice_sim_get_vnet (n->sim);
  gchar public_ip[32], nat_ip[32];
  IceVnatConfig cfg;
  guint realm;

  g_snprintf (public_ip, sizeof (public_ip), "203.0.113.%u", 10 + index);
  if (strcmp (model, "none") == 0)
    return ice_sim_add_host (n->sim, name, ICE_VNET_INTERNET, public_ip);
  ice_vnat_config_init (&cfg);
  g_assert_true (ice_vnat_config_parse (&cfg, model));
  g_snprintf (nat_ip, sizeof (nat_ip), "198.18.0.%u", 10 + index);
  realm = ice_vnet_add_nat (vnet, ICE_VNET_INTERNET, nat_ip, &cfg);
  g_assert_cmpuint (realm, !=, ICE_VNET_INVALID);
  return ice_sim_add_host (n->sim, name, realm, "192.168.1.2");
}

static void
net_init (Net *n, guint64 seed)
{
  IceVnetLink link = { INTERNET_DELAY_US, 0, 0 };
  IceVturnConfig cfg;

  memset (n, 0, sizeof (*n));
  n->sim = ice_sim_new (seed);
  ice_vnet_set_realm_link (ice_sim_get_vnet (n->sim), ICE_VNET_INTERNET, &link);
  n->stun = ice_vstun_server_new (ice_sim_get_vnet (n->sim), ICE_VNET_INTERNET,
                                  "198.51.100.1:3478", NULL);
  ice_vturn_config_init (&cfg);
  cfg.address = "198.51.100.2:3478";
  n->turn = ice_vturn_server_new (ice_sim_get_vnet (n->sim), ICE_VNET_INTERNET,
                                  &cfg);
  g_assert_nonnull (n->turn);
  g_assert_true (ice_vturn_server_add_user (n->turn, TURN_USER, TURN_PASSWORD));
}

static IceSimPeer *
add_peer (Net *n, const gchar *name, guint host, IceRole role,
          gboolean relay_only, const gchar *password)
{
  IceSessionConfig cfg;
  IceTransportAddr server;
  IceSimPeer *peer;

  ice_session_config_init (&cfg);
  cfg.role = role;
  cfg.relay_only = relay_only;
  peer = ice_sim_add_peer (n->sim, name, host, &cfg, 1);
  ice_vstun_server_get_address (n->stun, &server);
  ice_sim_peer_add_stun_server (peer, &server);
  ice_vturn_server_get_address (n->turn, &server);
  g_assert_true (ice_session_add_turn_server (ice_sim_peer_get_session (peer),
                                              &server, TURN_USER, password));
  return peer;
}

static void
net_add_peers (Net *n, guint ia, guint ib, gboolean relay_only)
{
  n->a = add_peer (n, "A", add_host (n, "a", nat_models[ia], 1),
                   ICE_ROLE_CONTROLLING, relay_only, TURN_PASSWORD);
  n->b = add_peer (n, "B", add_host (n, "b", nat_models[ib], 2),
                   ICE_ROLE_CONTROLLED, relay_only, TURN_PASSWORD);
  ice_sim_pair (n->sim, n->a, n->b, ICE_SIM_SIGNAL_TRICKLE,
                50 * G_TIME_SPAN_MILLISECOND);
}

static void
net_clear (Net *n)
{
  ice_vturn_server_free (n->turn);
  ice_vstun_server_free (n->stun);
  ice_sim_free (n->sim);
}

static void
selected (IceSimPeer *peer, IceCandidate *local, IceCandidate *remote)
{
  g_assert_true (ice_session_get_selected_pair (ice_sim_peer_get_session (peer),
                                                0, 1, local, remote));
}

/* Ten datagrams each way; the first ones may go in Send indications
 * (the channel is bound once the pair is selected), the later ones in
 * ChannelData. */
static void
assert_media_both_ways (Net *n)
{
  static const guint8 payload[] = { 0x80, 0x60, 0, 1, 2, 3, 4, 5, 6 };
  IceSimPeerStats sa, sb;
  guint i;

  for (i = 0; i < 10; i++) {
    g_assert_true (
        ice_sim_peer_send_media (n->a, 0, 1, payload, sizeof (payload)));
    g_assert_true (
        ice_sim_peer_send_media (n->b, 0, 1, payload, sizeof (payload)));
    ice_sim_run_for (n->sim, 100 * G_TIME_SPAN_MILLISECOND);
  }
  ice_sim_run_for (n->sim, G_TIME_SPAN_SECOND);
  ice_sim_peer_get_stats (n->a, &sa);
  ice_sim_peer_get_stats (n->b, &sb);
  g_assert_cmpuint (sa.media_received, ==, 10);
  g_assert_cmpuint (sb.media_received, ==, 10);
}

static void
run_pair (guint ia, guint ib)
{
  IceCandidate la, ra, lb, rb;
  IceVturnCounters counters;
  Net n;

  net_init (&n, 2000 + ia * 10 + ib);
  net_add_peers (&n, ia, ib, FALSE);
  ice_sim_start (n.sim);
  if (!ice_sim_run_until_connected (n.sim, CONNECT_BOUND_US))
    g_error ("%s × %s with TURN: not connected", nat_models[ia],
             nat_models[ib]);
  selected (n.a, &la, &ra);
  selected (n.b, &lb, &rb);
  g_assert_true (ice_addr_equal (&ra.addr, &lb.addr));
  g_assert_true (ice_addr_equal (&rb.addr, &la.addr));
  if (fails_direct (ia, ib))
    g_assert_true (la.type == ICE_CANDIDATE_TYPE_RELAYED
                   || lb.type == ICE_CANDIDATE_TYPE_RELAYED);
  assert_media_both_ways (&n);
  ice_vturn_server_get_counters (n.turn, &counters);
  if (fails_direct (ia, ib))
    g_assert_cmpuint (counters.to_peer, >, 0);
  net_clear (&n);
}

static void
test_matrix (void)
{
  guint ia, ib;

  for (ia = 0; ia < N_MODELS; ia++)
    for (ib = 0; ib < N_MODELS; ib++)
      run_pair (ia, ib);
}

/* RFC 8445 "relay" policy on both sides, behind symmetric NATs: relayed
 * candidates only, a channel for the selected pair, and no datagram lost
 * to a permission that came too late. */
static void
test_relay_only (void)
{
  IceCandidate la, ra, lb, rb;
  IceVturnCounters counters;
  const GArray *events;
  guint i;
  Net n;

  net_init (&n, 77);
  net_add_peers (&n, 5, 5, TRUE);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, CONNECT_BOUND_US));
  selected (n.a, &la, &ra);
  selected (n.b, &lb, &rb);
  g_assert_cmpint (la.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpint (ra.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpint (lb.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpint (rb.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  events = ice_sim_peer_get_events (n.a);
  for (i = 0; i < events->len; i++) {
    const IceEvent *ev = &g_array_index (events, IceSimEventRecord, i).event;

    if (ev->type == ICE_EVENT_LOCAL_CANDIDATE)
      g_assert_cmpint (ev->u.candidate.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  }
  assert_media_both_ways (&n);
  ice_vturn_server_get_counters (n.turn, &counters);
  g_assert_cmpuint (counters.dropped_peer_no_permission, ==, 0);
  g_assert_cmpuint (counters.dropped_send_no_permission, ==, 0);
  g_assert_cmpuint (counters.channels, ==, 2);
  g_assert_cmpuint (counters.to_client_channel, >, 0);
  net_clear (&n);
}

/* GATHERING_DONE waits for the allocation and follows its candidate */
static void
test_gathering_waits (void)
{
  const GArray *events;
  gboolean relayed = FALSE, done = FALSE;
  guint i;
  Net n;

  net_init (&n, 5);
  net_add_peers (&n, 1, 1, FALSE);
  ice_sim_start (n.sim);
  ice_sim_run_for (n.sim, 2 * G_TIME_SPAN_SECOND);
  events = ice_sim_peer_get_events (n.a);
  for (i = 0; i < events->len; i++) {
    const IceEvent *ev = &g_array_index (events, IceSimEventRecord, i).event;

    if (ev->type == ICE_EVENT_LOCAL_CANDIDATE
        && ev->u.candidate.type == ICE_CANDIDATE_TYPE_RELAYED) {
      g_assert_false (done);
      relayed = TRUE;
    }
    done |= ev->type == ICE_EVENT_GATHERING_DONE;
  }
  g_assert_true (relayed);
  g_assert_true (done);
  net_clear (&n);
}

static void
test_wrong_password (void)
{
  const GArray *events;
  guint i, errors = 0;
  Net n;

  net_init (&n, 9);
  n.a = add_peer (&n, "A", add_host (&n, "a", "none", 1), ICE_ROLE_CONTROLLING,
                  TRUE, "not-the-password");
  n.b = add_peer (&n, "B", add_host (&n, "b", "none", 2), ICE_ROLE_CONTROLLED,
                  TRUE, TURN_PASSWORD);
  ice_sim_pair (n.sim, n.a, n.b, ICE_SIM_SIGNAL_TRICKLE,
                50 * G_TIME_SPAN_MILLISECOND);
  ice_sim_start (n.sim);
  ice_sim_run_for (n.sim, 2 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (ice_sim_peer_count_events (n.a, ICE_EVENT_LOCAL_CANDIDATE),
                    ==, 0);
  g_assert_cmpuint (ice_sim_peer_count_events (n.a, ICE_EVENT_GATHERING_DONE),
                    ==, 1);
  events = ice_sim_peer_get_events (n.a);
  for (i = 0; i < events->len; i++) {
    const IceEvent *ev = &g_array_index (events, IceSimEventRecord, i).event;

    if (ev->type != ICE_EVENT_RELAY_ERROR)
      continue;
    errors++;
    g_assert_true (ev->u.relay_error.fatal);
    g_assert_nonnull (strstr (ev->u.relay_error.message, "credentials"));
  }
  g_assert_cmpuint (errors, ==, 1);
  net_clear (&n);
}

/* A call longer than the allocation (600 s), the permissions (300 s) and
 * the channel (600 s): refreshes keep all three, consent keeps passing
 * through the relay, media still flows. */
static void
test_long_call (void)
{
  IceVturnCounters counters;
  IceConnectionState state;
  Net n;

  net_init (&n, 13);
  net_add_peers (&n, 5, 5, TRUE);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, CONNECT_BOUND_US));
  ice_sim_run_for (n.sim, 700 * G_TIME_SPAN_SECOND);
  state = ice_session_get_connection_state (ice_sim_peer_get_session (n.a), 0);
  g_assert_true (state == ICE_CONNECTION_CONNECTED
                 || state == ICE_CONNECTION_COMPLETED);
  g_assert_cmpuint (ice_sim_peer_count_events (n.a, ICE_EVENT_CONSENT_LOST), ==,
                    0);
  ice_vturn_server_get_counters (n.turn, &counters);
  g_assert_cmpuint (counters.allocations_expired, ==, 0);
  g_assert_cmpuint (counters.refreshes, >=, 2);
  g_assert_cmpuint (ice_vturn_server_n_allocations (n.turn), ==, 2);
  assert_media_both_ways (&n);
  net_clear (&n);
}

/* An ICE restart of both peers (RFC 8445 §9) keeps the allocations: the
 * relayed candidates are announced again and the peers reconnect through
 * them. */
static void
test_restart (void)
{
  IceCandidate la, ra;
  guint before;
  Net n;

  net_init (&n, 17);
  net_add_peers (&n, 5, 5, TRUE);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, CONNECT_BOUND_US));
  before = ice_sim_peer_count_events (n.a, ICE_EVENT_SELECTED_PAIR);
  /* offer/answer: both restart */
  ice_sim_peer_restart (n.a);
  ice_sim_peer_restart (n.b);
  ice_sim_run_for (n.sim, 5 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (ice_sim_peer_count_events (n.a, ICE_EVENT_SELECTED_PAIR), >,
                    before);
  g_assert_cmpuint (ice_sim_peer_count_events (n.a, ICE_EVENT_GATHERING_DONE),
                    ==, 2);
  selected (n.a, &la, &ra);
  g_assert_cmpint (la.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpuint (ice_vturn_server_n_allocations (n.turn), ==, 2);
  assert_media_both_ways (&n);
  net_clear (&n);
}

/* ice_session_close() releases the allocations (RFC 8656 §8) */
static void
test_close_deallocates (void)
{
  Net n;

  net_init (&n, 11);
  net_add_peers (&n, 5, 5, TRUE);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, CONNECT_BOUND_US));
  g_assert_cmpuint (ice_vturn_server_n_allocations (n.turn), ==, 2);
  ice_session_close (ice_sim_peer_get_session (n.a), ice_sim_get_now (n.sim));
  ice_session_close (ice_sim_peer_get_session (n.b), ice_sim_get_now (n.sim));
  ice_sim_run_for (n.sim, G_TIME_SPAN_SECOND);
  g_assert_cmpuint (ice_vturn_server_n_allocations (n.turn), ==, 0);
  net_clear (&n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/session/relay/nat-matrix", test_matrix);
  g_test_add_func ("/core/session/relay/relay-only", test_relay_only);
  g_test_add_func ("/core/session/relay/gathering-waits", test_gathering_waits);
  g_test_add_func ("/core/session/relay/wrong-password", test_wrong_password);
  g_test_add_func ("/core/session/relay/long-call", test_long_call);
  g_test_add_func ("/core/session/relay/restart", test_restart);
  g_test_add_func ("/core/session/relay/close-deallocates",
                   test_close_deallocates);
  return g_test_run ();
}
