/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * How fast the controlling agent nominates (ice-nominate.c), on the
 * virtual clock: at once when nothing better can still answer, after a
 * wait bounded by the round trips seen when a better pair is in progress,
 * and still the best path that works (srflx, not relay, between two
 * endpoint-independent NATs with a TURN server, under delay and loss);
 * through a relay the check lost to the peer's missing permission goes
 * again as soon as the peer's own check arrives; failure comes at once
 * after end-of-candidates.
 */
#include "test-session-link.h"

#include "ice/core/ice-relay.h"
#include "ice/testing/ice-sim.h"
#include "ice/testing/ice-vstun.h"
#include "ice/testing/ice-vturn.h"

#define RTT_US (2 * LINK_DELAY_US)
#define INTERNET_DELAY_US (20 * G_TIME_SPAN_MILLISECOND)
#define FAST_DELAY_US (200)
#define TURN_USER "user"
#define TURN_PASSWORD "secret"
/* ice-session-private.h */
#define NOMINATION_MARGIN_US (3 * G_TIME_SPAN_MILLISECOND)
#define MAX_TA_US (50 * G_TIME_SPAN_MILLISECOND)

/* B's candidates plus one of a higher priority at an address where
 * nobody answers: A's best pair is then in progress, never valid. */
static void
give_candidates_with_dead_one (Link *l)
{
  IceCandidate dead = g_array_index (l->b.candidates, IceCandidate, 0);

  g_assert_true (ice_addr_parse_ip (&dead.addr, "10.0.0.99", 5000));
  dead.base = dead.addr;
  dead.priority += 1000;
  g_strlcpy (dead.foundation, "dead", sizeof (dead.foundation));
  g_assert_true (
      ice_session_add_remote_candidate (l->a.session, &dead, l->now));
  give_candidates (l, &l->b, &l->a);
}

/* The dead pair is checked first (t = 0) and the real one answers one
 * round trip later: A waits 2 RTT + margin from the dead pair's check,
 * not the 500 ms cap, then nominates; selected one round trip after. */
static void
test_bounded_wait (void)
{
  IceCandidate local, remote;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  gather (&l);
  give_credentials (&l, &l.a, &l.b);
  give_candidates (&l, &l.a, &l.b);
  give_credentials (&l, &l.b, &l.a);
  give_candidates_with_dead_one (&l);
  drain (&l);
  run_until_selected (&l, 5 * G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (&l));
  /* it did wait for the better pair ... */
  g_assert_cmpint (l.a.selected_us, >=,
                   2 * RTT_US + NOMINATION_MARGIN_US + RTT_US);
  /* ... only as long as it could plausibly take (a Ta of slack) */
  g_assert_cmpint (l.a.selected_us, <=,
                   2 * RTT_US + NOMINATION_MARGIN_US + RTT_US + MAX_TA_US / 5);
  g_assert_true (
      ice_session_get_selected_pair (l.a.session, 0, 1, &local, &remote));
  g_assert_true (ice_addr_equal (&remote.addr, &l.b.addr));
  link_clear (&l);
}

/* --- the virtual network ------------------------------------------------ */

typedef struct {
  IceSim *sim;
  IceVstunServer *stun;
  IceVturnServer *turn;
  IceSimPeer *a, *b;
} Net;

static guint
add_nat_host (Net *n, const gchar *name, const gchar *model, guint index)
{
  IceVnet *vnet = ice_sim_get_vnet (n->sim);
  gchar public_ip[32], nat_ip[32];
  IceVnatConfig cfg;
  guint realm;

  g_snprintf (public_ip, sizeof (public_ip), "203.0.113.%u", 10 + index);
  if (g_strcmp0 (model, "none") == 0)
    return ice_sim_add_host (n->sim, name, ICE_VNET_INTERNET, public_ip);
  ice_vnat_config_init (&cfg);
  g_assert_true (ice_vnat_config_parse (&cfg, model));
  g_snprintf (nat_ip, sizeof (nat_ip), "198.18.0.%u", 10 + index);
  realm = ice_vnet_add_nat (vnet, ICE_VNET_INTERNET, nat_ip, &cfg);
  g_assert_cmpuint (realm, !=, ICE_VNET_INVALID);
  return ice_sim_add_host (n->sim, name, realm, "192.168.1.2");
}

static void
net_init_delay (Net *n, guint64 seed, gdouble loss, gint64 delay_us)
{
  IceVnetLink link = { delay_us, 0, loss };
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

static void
net_init (Net *n, guint64 seed, gdouble loss)
{
  net_init_delay (n, seed, loss, INTERNET_DELAY_US);
}

static IceSimPeer *
add_peer (Net *n, const gchar *name, guint host, IceRole role,
          gboolean relay_only, gboolean with_stun)
{
  IceSessionConfig cfg;
  IceTransportAddr server;
  IceSimPeer *peer;

  ice_session_config_init (&cfg);
  cfg.role = role;
  cfg.relay_only = relay_only;
  peer = ice_sim_add_peer (n->sim, name, host, &cfg, 1);
  if (with_stun) {
    ice_vstun_server_get_address (n->stun, &server);
    ice_sim_peer_add_stun_server (peer, &server);
  }
  ice_vturn_server_get_address (n->turn, &server);
  g_assert_true (ice_session_add_turn_server (
      ice_sim_peer_get_session (peer), &server, TURN_USER, TURN_PASSWORD));
  return peer;
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

/* Both behind endpoint-independent mappings, STUN and TURN configured:
 * the relayed pairs work too, but the srflx pair is better and works, so
 * it is the one selected, by both, with and without loss. */
static void
run_srflx_over_relay (const gchar *model, gdouble loss, guint64 seed,
                      gint64 delay_us)
{
  IceCandidate la, ra, lb, rb;
  Net n;

  net_init_delay (&n, seed, loss, delay_us);
  n.a = add_peer (&n, "A", add_nat_host (&n, "a", model, 1),
                  ICE_ROLE_CONTROLLING, FALSE, TRUE);
  n.b = add_peer (&n, "B", add_nat_host (&n, "b", model, 2),
                  ICE_ROLE_CONTROLLED, FALSE, TRUE);
  ice_sim_pair (n.sim, n.a, n.b, ICE_SIM_SIGNAL_TRICKLE,
                delay_us == FAST_DELAY_US ? G_TIME_SPAN_MILLISECOND
                                          : 50 * G_TIME_SPAN_MILLISECOND);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, 30 * G_TIME_SPAN_SECOND));
  ice_sim_run_for (n.sim, 2 * G_TIME_SPAN_SECOND);
  selected (n.a, &la, &ra);
  selected (n.b, &lb, &rb);
  g_test_message ("%s loss %.2f: A %s → %s", model, loss,
                  ice_candidate_type_to_string (la.type),
                  ice_candidate_type_to_string (ra.type));
  g_assert_cmpint (la.type, !=, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpint (ra.type, !=, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpint (lb.type, !=, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpint (rb.type, !=, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_true (ice_addr_equal (&ra.addr, &lb.addr));
  g_assert_true (ice_addr_equal (&rb.addr, &la.addr));
  net_clear (&n);
}

static void
test_srflx_over_relay (void)
{
  static const gchar *const models[] = { "eim-eif", "eim-adf", "eim-apdf" };
  guint i, seed;

  for (i = 0; i < G_N_ELEMENTS (models); i++)
    for (seed = 1; seed <= 5; seed++) {
      run_srflx_over_relay (models[i], 0, seed, INTERNET_DELAY_US);
      run_srflx_over_relay (models[i], 0.05, 100 + seed, INTERNET_DELAY_US);
      /* a LAN-like internet and signalling, as in tests/netns, where the
       * relayed pair may answer before the srflx pair's triggered check
       * (it opens the peer's NAT) leaves */
      run_srflx_over_relay (models[i], 0, 200 + seed, FAST_DELAY_US);
    }
}

/* A (public, no relay of its own) checks B's relayed candidate as soon as
 * the fast signalling brings it; B (relay-only) sits behind a slow access
 * link, so its CreatePermission for A's address reaches the TURN server
 * after A's first check, which the server drops. B's own check through
 * the relay then reaches A, whose triggered check (RFC 8445 §7.3.1.4)
 * replaces the lost one at once instead of waiting for its retransmission
 * (RTO 500 ms after the first send). */
static void
test_relay_triggered_retry (void)
{
  IceVnetLink slow = { 50 * G_TIME_SPAN_MILLISECOND, 0, 0 };
  IceVturnCounters counters;
  IceSimPeerStats sa, sb;
  IceCandidate la, ra;
  guint host_b;
  Net n;

  net_init (&n, 31, 0);
  n.a = ice_sim_add_peer (n.sim, "A", add_nat_host (&n, "a", "none", 1), NULL,
                          1);
  host_b = add_nat_host (&n, "b", "none", 2);
  ice_vnet_set_interface_link (ice_sim_get_vnet (n.sim), host_b, 0, &slow);
  n.b = add_peer (&n, "B", host_b, ICE_ROLE_CONTROLLED, TRUE, FALSE);
  ice_sim_pair (n.sim, n.a, n.b, ICE_SIM_SIGNAL_TRICKLE,
                1 * G_TIME_SPAN_MILLISECOND);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, 10 * G_TIME_SPAN_SECOND));
  ice_vturn_server_get_counters (n.turn, &counters);
  ice_sim_peer_get_stats (n.a, &sa);
  ice_sim_peer_get_stats (n.b, &sb);
  g_test_message ("dropped for permission %" G_GUINT64_FORMAT
                  ", A selected %" G_GINT64_FORMAT " B %" G_GINT64_FORMAT,
                  counters.dropped_peer_no_permission, sa.first_selected_us,
                  sb.first_selected_us);
  selected (n.a, &la, &ra);
  g_assert_cmpint (ra.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpuint (counters.dropped_peer_no_permission, >, 0);
  /* A's first check leaves at 281 ms (B's relayed candidate came), so its
   * retransmission would leave at 781 ms and, a relay round trip (180 ms)
   * later, make the first valid pair at 961 ms: A selects before that
   * (B's check reaches A at 510 ms, the triggered check leaves at once,
   * is answered at 690 ms, nominated and selected at 870 ms). */
  g_assert_cmpint (sa.first_selected_us, <, 950 * G_TIME_SPAN_MILLISECOND);
  net_clear (&n);
}

/* --- failure -------------------------------------------------------------- */

/* The link is cut: with B's end-of-candidates A fails the moment its last
 * pair fails (8.5 s after its first check); without, A reports the stuck
 * checklist in stats and waits for new candidates until failure_timeout_us
 * (10 s) after the last progress. */
static void
run_failure (gboolean eoc)
{
  IceSessionStats stats;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  l.cut = TRUE;
  gather (&l);
  give_credentials (&l, &l.b, &l.a);
  if (eoc)
    give_candidates (&l, &l.b, &l.a);
  else
    give_candidates_only (&l, &l.b, &l.a);
  drain (&l);
  run_for (&l, 9 * G_TIME_SPAN_SECOND);
  ice_session_get_stats (l.a.session, &stats);
  if (eoc) {
    g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_FAILED);
    /* 0.5 + 1 + 2 + 4 + 1 s after the only check, at t = 0 */
    g_assert_cmpint (l.a.failed_us, ==, 8500 * G_TIME_SPAN_MILLISECOND);
    g_assert_cmpuint (stats.streams_awaiting_candidates, ==, 0);
  } else {
    g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_CHECKING);
    g_assert_cmpuint (stats.streams_awaiting_candidates, ==, 1);
    run_for (&l, 2 * G_TIME_SPAN_SECOND);
    g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_FAILED);
    /* failure_timeout_us after the last progress, the credentials at 0 */
    g_assert_cmpint (l.a.failed_us, ==, 10 * G_TIME_SPAN_SECOND);
    ice_session_get_stats (l.a.session, &stats);
    g_assert_cmpuint (stats.streams_awaiting_candidates, ==, 0);
  }
  link_clear (&l);
}

static void
test_failure_after_eoc (void)
{
  run_failure (TRUE);
}

static void
test_stuck_while_trickling (void)
{
  run_failure (FALSE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/nominate/bounded-wait", test_bounded_wait);
  g_test_add_func ("/core/nominate/srflx-over-relay", test_srflx_over_relay);
  g_test_add_func ("/core/nominate/relay-triggered-retry",
                   test_relay_triggered_retry);
  g_test_add_func ("/core/nominate/failure-after-eoc", test_failure_after_eoc);
  g_test_add_func ("/core/nominate/stuck-while-trickling",
                   test_stuck_while_trickling);
  return g_test_run ();
}
