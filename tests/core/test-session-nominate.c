/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * How fast the controlling agent nominates (ice-nominate.c), on the
 * virtual clock: at once when nothing better can still answer, after a
 * wait bounded by the round trips seen when a better pair is in progress,
 * and still the best path that works (srflx, not relay, between two
 * endpoint-independent NATs with a TURN server, under delay and loss);
 * through a relay the check lost to the peer's missing permission goes
 * again as soon as the peer's own check arrives; a better pair whose
 * first check was lost is waited for from when its triggered check leaves,
 * and a direct pair over a relayed one for ICE_NOMINATION_RELAY_WAIT_US;
 * failure comes at once after end-of-candidates.
 */
#include "test-session-link.h"

#include "ice/core/ice-relay.h"
#include "ice/core/ice-stats.h"
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
#define RELAY_WAIT_US (20 * G_TIME_SPAN_MILLISECOND)
/* test_triggered_wait: B's two NATs */
#define B_NAT1_IP "198.18.1.1"
#define B_NAT2_IP "198.18.2.1"

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

/* --- what the nomination waits for ---------------------------------------
 */

static GArray *
pair_stats (IceSimPeer *peer)
{
  GArray *pairs = g_array_new (FALSE, TRUE, sizeof (IcePairStats));

  ice_session_get_pair_stats (ice_sim_peer_get_session (peer), 0, pairs);
  return pairs;
}

/* @peer's valid pairs that are relayed (either end a relayed candidate),
 * or not, as @relayed says; the longest round trip measured on such pairs
 * (on the checked pair: a valid pair built from the mapped address has no
 * checks of its own) goes to @rtt_us if given. */
static guint
count_valid (IceSimPeer *peer, gboolean relayed, gint64 *rtt_us)
{
  GArray *pairs = pair_stats (peer);
  guint i, n = 0;

  for (i = 0; i < pairs->len; i++) {
    const IcePairStats *p = &g_array_index (pairs, IcePairStats, i);
    gboolean r = p->local.type == ICE_CANDIDATE_TYPE_RELAYED
                 || p->remote.type == ICE_CANDIDATE_TYPE_RELAYED;

    if (r != relayed)
      continue;
    if (p->valid)
      n++;
    if (rtt_us != NULL)
      *rtt_us = MAX (*rtt_us, p->counters.current_rtt_us);
  }
  g_array_free (pairs, TRUE);
  return n;
}

/* Whether @peer has a valid pair toward the IP @ip. */
static gboolean
has_valid_to (IceSimPeer *peer, const gchar *ip)
{
  GArray *pairs = pair_stats (peer);
  IceTransportAddr addr;
  gboolean found = FALSE;
  guint i;

  g_assert_true (ice_addr_parse_ip (&addr, ip, 0));
  for (i = 0; i < pairs->len; i++) {
    const IcePairStats *p = &g_array_index (pairs, IcePairStats, i);

    found |= p->valid && ice_addr_equal_ip (&p->remote.addr, &addr);
  }
  g_array_free (pairs, TRUE);
  return found;
}

static gboolean
a_has_valid_relayed (IceSim *sim, gpointer user_data)
{
  Net *n = user_data;

  return count_valid (n->a, TRUE, NULL) > 0;
}

/* Both behind eim-apdf NATs on a fast network (0.2 ms a hop) with STUN
 * and TURN; A's candidates reach B 15 ms after A gathers them, B's reach
 * A after 1 ms. A (controlling) checks B's srflx at 11 ms: B's NAT drops
 * it (B has sent nothing to A yet). A checks B's relayed candidate at
 * 18 ms (B's permission for A's address is installed by then): valid at
 * 18.8 ms, a round trip of 0.8 ms. B learns A's candidates at 15 ms and
 * checks A's srflx only at 28 ms (third in its pacing): that opens B's
 * NAT and reaches A at 28.4 ms; A's triggered check leaves at its next
 * slot (34 ms), is answered at 34.4 ms, and A nominates the srflx pair,
 * selected at 34.8 ms. Without the relay wait (20 ms after the first
 * valid pair) A gives the srflx pair 2 RTT + 3 ms from its lost check
 * (until 15.6 ms), the waiting pairs as long from the first valid pair
 * (23.4 ms), and nominates the relayed pair at 23.4 ms. */
static void
test_relay_wait (void)
{
  IceCandidate la, ra, lb, rb;
  IceSimPeerStats sa;
  gint64 valid_us, rtt_us = -1;
  Net n;

  net_init_delay (&n, 41, 0, FAST_DELAY_US);
  n.a = add_peer (&n, "A", add_nat_host (&n, "a", "eim-apdf", 1),
                  ICE_ROLE_CONTROLLING, FALSE, TRUE);
  n.b = add_peer (&n, "B", add_nat_host (&n, "b", "eim-apdf", 2),
                  ICE_ROLE_CONTROLLED, FALSE, TRUE);
  ice_sim_pair (n.sim, n.a, n.b, ICE_SIM_SIGNAL_TRICKLE,
                G_TIME_SPAN_MILLISECOND);
  ice_sim_peer_set_signal_delay (n.a, 15 * G_TIME_SPAN_MILLISECOND);
  ice_sim_start (n.sim);
  g_assert_true (
      ice_sim_run_until (n.sim, a_has_valid_relayed, &n, G_TIME_SPAN_SECOND));
  /* the relayed pair came first: no direct pair has answered A yet */
  valid_us = ice_sim_get_now (n.sim);
  g_assert_cmpuint (count_valid (n.a, TRUE, &rtt_us), ==, 1);
  g_assert_cmpuint (count_valid (n.a, FALSE, NULL), ==, 0);
  g_assert_cmpint (rtt_us, >, 0);
  g_assert_true (ice_sim_run_until_connected (n.sim, 10 * G_TIME_SPAN_SECOND));
  selected (n.a, &la, &ra);
  selected (n.b, &lb, &rb);
  g_assert_cmpint (la.type, !=, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpint (ra.type, !=, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpint (lb.type, !=, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpint (rb.type, !=, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_true (ice_addr_equal (&ra.addr, &lb.addr));
  g_assert_true (ice_addr_equal (&rb.addr, &la.addr));
  g_assert_cmpuint (ice_sim_peer_count_events (n.b, ICE_EVENT_SELECTED_PAIR),
                    ==, 1);
  /* longer than the round trips alone allow, and bounded: the relay wait
   * plus the nomination's round trip and one more */
  ice_sim_peer_get_stats (n.a, &sa);
  g_assert_cmpint (sa.first_selected_us, >,
                   valid_us + 2 * rtt_us + NOMINATION_MARGIN_US);
  g_assert_cmpint (sa.first_selected_us, <=,
                   valid_us + RELAY_WAIT_US + 2 * rtt_us);
  net_clear (&n);
}

/* B's host: its first interface behind an eim-apdf NAT at B_NAT1_IP, its
 * second (lower local preference) behind an eim-eif NAT at B_NAT2_IP. */
static guint
add_two_nat_host (Net *n)
{
  IceVnet *vnet = ice_sim_get_vnet (n->sim);
  IceVnatConfig cfg;
  guint host, realm1, realm2;

  ice_vnat_config_init (&cfg);
  g_assert_true (ice_vnat_config_parse (&cfg, "eim-apdf"));
  realm1 = ice_vnet_add_nat (vnet, ICE_VNET_INTERNET, B_NAT1_IP, &cfg);
  g_assert_true (ice_vnat_config_parse (&cfg, "eim-eif"));
  realm2 = ice_vnet_add_nat (vnet, ICE_VNET_INTERNET, B_NAT2_IP, &cfg);
  g_assert_cmpuint (realm1, !=, ICE_VNET_INVALID);
  g_assert_cmpuint (realm2, !=, ICE_VNET_INVALID);
  host = ice_sim_add_host (n->sim, "b", realm1, "192.168.1.2");
  g_assert_cmpuint (
      ice_vnet_host_add_interface (vnet, host, realm2, "192.168.2.2"), ==, 1);
  return host;
}

static gboolean
a_has_valid_to_nat2 (IceSim *sim, gpointer user_data)
{
  Net *n = user_data;

  return has_valid_to (n->a, B_NAT2_IP);
}

/* No relay: A public, pacing at the RFC's Ta of 50 ms (ta_us); B with two
 * interfaces, behind an eim-apdf NAT (srflx S1, the better pair) and an
 * eim-eif NAT (srflx S2); 20 ms a hop. B's candidates reach A after 1 ms,
 * A's reach B after 150 ms. A checks B's private hosts at 1 and 51 ms
 * (lost), S1 at 101 ms (dropped by B's NAT: B has sent nothing yet) and
 * S2 at 151 ms (the EIF NAT lets it in): valid at 191 ms, RTT 40 ms.
 * B checks A from its first interface at 150 ms: that opens its NAT and
 * reaches A at 170 ms, where the triggered check on S1 is queued for A's
 * next slot, 201 ms; answered at 241 ms, A nominates S1 (selected by B at
 * 261 ms, by A at 281 ms). Timed from its lost check (101 + 2 RTT + 3 =
 * 184 ms) instead of from when the triggered check leaves (201 + 83 =
 * 284 ms), A would stop waiting for S1 at 191 ms and nominate S2. */
static void
test_triggered_wait (void)
{
  IceCandidate la, ra, lb, rb;
  IceTransportAddr nat1;
  IceSessionConfig cfg;
  IceTransportAddr server;
  IceSimPeerStats sa;
  gint64 valid_us;
  Net n;

  net_init (&n, 43, 0);
  ice_session_config_init (&cfg);
  cfg.role = ICE_ROLE_CONTROLLING;
  cfg.ta_us = MAX_TA_US;
  n.a = ice_sim_add_peer (n.sim, "A", add_nat_host (&n, "a", "none", 1), &cfg,
                          1);
  cfg.role = ICE_ROLE_CONTROLLED;
  cfg.ta_us = 0;
  n.b = ice_sim_add_peer (n.sim, "B", add_two_nat_host (&n), &cfg, 1);
  ice_vstun_server_get_address (n.stun, &server);
  ice_sim_peer_add_stun_server (n.b, &server);
  ice_sim_pair (n.sim, n.a, n.b, ICE_SIM_SIGNAL_TRICKLE,
                G_TIME_SPAN_MILLISECOND);
  ice_sim_peer_set_signal_delay (n.a, 150 * G_TIME_SPAN_MILLISECOND);
  ice_sim_start (n.sim);
  g_assert_true (
      ice_sim_run_until (n.sim, a_has_valid_to_nat2, &n, G_TIME_SPAN_SECOND));
  /* the lower pair answered first */
  valid_us = ice_sim_get_now (n.sim);
  g_assert_false (has_valid_to (n.a, B_NAT1_IP));
  g_assert_true (ice_sim_run_until_connected (n.sim, 10 * G_TIME_SPAN_SECOND));
  selected (n.a, &la, &ra);
  selected (n.b, &lb, &rb);
  g_assert_true (ice_addr_parse_ip (&nat1, B_NAT1_IP, 0));
  g_assert_true (ice_addr_equal_ip (&ra.addr, &nat1));
  g_assert_true (ice_addr_equal (&ra.addr, &lb.addr));
  g_assert_true (ice_addr_equal (&rb.addr, &la.addr));
  g_assert_cmpuint (ice_sim_peer_count_events (n.b, ICE_EVENT_SELECTED_PAIR),
                    ==, 1);
  /* within a Ta (the triggered check's slot) and two round trips */
  ice_sim_peer_get_stats (n.a, &sa);
  g_assert_cmpint (sa.first_selected_us, <=,
                   valid_us + MAX_TA_US + 4 * INTERNET_DELAY_US);
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
  g_test_add_func ("/core/nominate/relay-wait", test_relay_wait);
  g_test_add_func ("/core/nominate/triggered-wait", test_triggered_wait);
  g_test_add_func ("/core/nominate/failure-after-eoc", test_failure_after_eoc);
  g_test_add_func ("/core/nominate/stuck-while-trickling",
                   test_stuck_while_trickling);
  return g_test_run ();
}
