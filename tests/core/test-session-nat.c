/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Sessions across the virtual network's NATs (RFC 4787 behaviours), with
 * and without a STUN server, with loss, IPv6-only and dual-stack, using the
 * simulation driver (ice/testing). Deterministic: seeded, virtual time.
 */
#include "ice/testing/ice-sim.h"
#include "ice/testing/ice-vstun.h"

#include <string.h>

#define INTERNET_DELAY_US (20 * G_TIME_SPAN_MILLISECOND)
/* Checks give up 8.5 s after their first send (ice-session-private.h);
 * with pacing and the peer's late checks every pair is done well before. */
#define FAILURE_BOUND_US (15 * G_TIME_SPAN_SECOND)

static const gchar *const nat_models[] = {
  "none", "eim-eif", "eim-adf", "eim-apdf", "adm-apdf", "apdm-apdf",
};

#define N_MODELS G_N_ELEMENTS (nat_models)

/* Whether two peers behind these NATs connect without a relay.
 * With a STUN server: endpoint-independent mapping on both sides lets
 * srflx candidates meet; against an address(-and-port)-dependent mapping
 * the other side must admit the unknown port of the new mapping (EIF, or
 * ADF since the address is the known NAT's), after which the check it
 * answers comes back through a mapping it just created (prflx); two
 * dependent mappings, or one against port-dependent filtering, meet
 * nowhere. Without a STUN server only a public peer can be reached. */
static const gboolean expect_with_stun[N_MODELS][N_MODELS] = {
  /*            none   eif    adf    apdf   adm    apdm */
  /* none */ { TRUE, TRUE, TRUE, TRUE, TRUE, TRUE },
  /* eif  */ { TRUE, TRUE, TRUE, TRUE, TRUE, TRUE },
  /* adf  */ { TRUE, TRUE, TRUE, TRUE, TRUE, TRUE },
  /* apdf */ { TRUE, TRUE, TRUE, TRUE, FALSE, FALSE },
  /* adm  */ { TRUE, TRUE, TRUE, FALSE, FALSE, FALSE },
  /* apdm */ { TRUE, TRUE, TRUE, FALSE, FALSE, FALSE },
};

static gboolean
expect_without_stun (guint a, guint b)
{
  return a == 0 || b == 0;
}

typedef struct {
  IceSim *sim;
  IceVstunServer *stun;
  IceSimPeer *a, *b;
} Net;

/* A host on the internet ("none") or behind a NAT of @model. */
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
net_init (Net *n, guint64 seed, gboolean with_stun, gdouble loss)
{
  IceVnetLink link = { INTERNET_DELAY_US, 0, loss };

  memset (n, 0, sizeof (*n));
  n->sim = ice_sim_new (seed);
  ice_vnet_set_realm_link (ice_sim_get_vnet (n->sim), ICE_VNET_INTERNET, &link);
  if (with_stun)
    n->stun
        = ice_vstun_server_new (ice_sim_get_vnet (n->sim), ICE_VNET_INTERNET,
                                "198.51.100.1:3478", NULL);
}

static void
net_add_peers (Net *n, guint host_a, guint host_b,
               const IceSessionConfig *cfg_b)
{
  IceSessionConfig cfg;

  ice_session_config_init (&cfg);
  n->a = ice_sim_add_peer (n->sim, "A", host_a, &cfg, 1);
  cfg.role = ICE_ROLE_CONTROLLED;
  n->b = ice_sim_add_peer (n->sim, "B", host_b, cfg_b ? cfg_b : &cfg, 1);
  if (n->stun) {
    IceTransportAddr server;

    ice_vstun_server_get_address (n->stun, &server);
    ice_sim_peer_add_stun_server (n->a, &server);
    ice_sim_peer_add_stun_server (n->b, &server);
  }
  ice_sim_pair (n->sim, n->a, n->b, ICE_SIM_SIGNAL_TRICKLE,
                50 * G_TIME_SPAN_MILLISECOND);
}

static void
net_clear (Net *n)
{
  IceSimStats stats;

  ice_sim_get_stats (n->sim, &stats);
  g_assert_false (stats.stalled);
  if (n->stun)
    ice_vstun_server_free (n->stun);
  ice_sim_free (n->sim);
}

/* Both sides selected the same path, and media crosses it both ways. */
static void
assert_same_pair_and_media (Net *n)
{
  IceSession *sa = ice_sim_peer_get_session (n->a);
  IceSession *sb = ice_sim_peer_get_session (n->b);
  static const guint8 payload[] = { 0x80, 0x60, 0, 1, 2, 3, 4, 5 };
  IceCandidate la, ra, lb, rb;
  IceSimPeerStats stats;

  g_assert_true (ice_session_get_selected_pair (sa, 0, 1, &la, &ra));
  g_assert_true (ice_session_get_selected_pair (sb, 0, 1, &lb, &rb));
  g_assert_true (ice_addr_equal (&ra.addr, &lb.addr));
  g_assert_true (ice_addr_equal (&rb.addr, &la.addr));
  g_assert_true (
      ice_sim_peer_send_media (n->a, 0, 1, payload, sizeof (payload)));
  g_assert_true (
      ice_sim_peer_send_media (n->b, 0, 1, payload, sizeof (payload)));
  ice_sim_run_for (n->sim, G_TIME_SPAN_SECOND);
  ice_sim_peer_get_stats (n->a, &stats);
  g_assert_cmpuint (stats.media_received, >=, 1);
  ice_sim_peer_get_stats (n->b, &stats);
  g_assert_cmpuint (stats.media_received, >=, 1);
}

/* The type of the candidate a peer behind @model ends up using: its host
 * address on the internet, its srflx one behind an endpoint-independent
 * mapping it learnt from the STUN server, else the mapping the peer's
 * check revealed (prflx). */
static IceCandidateType
expected_type (guint model, gboolean with_stun)
{
  if (model == 0)
    return ICE_CANDIDATE_TYPE_HOST;
  if (with_stun && g_str_has_prefix (nat_models[model], "eim"))
    return ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;
  return ICE_CANDIDATE_TYPE_PEER_REFLEXIVE;
}

static void
assert_types (Net *n, guint ia, guint ib, gboolean with_stun)
{
  IceCandidate local, remote;

  g_assert_true (ice_session_get_selected_pair (ice_sim_peer_get_session (n->a),
                                                0, 1, &local, &remote));
  g_assert_cmpint (local.type, ==, expected_type (ia, with_stun));
  g_assert_cmpint (remote.type, ==, expected_type (ib, with_stun));
  g_assert_true (ice_session_get_selected_pair (ice_sim_peer_get_session (n->b),
                                                0, 1, &local, &remote));
  g_assert_cmpint (local.type, ==, expected_type (ib, with_stun));
  g_assert_cmpint (remote.type, ==, expected_type (ia, with_stun));
}

static void
run_nat_case (guint ia, guint ib, gboolean with_stun)
{
  gboolean expected
      = with_stun ? expect_with_stun[ia][ib] : expect_without_stun (ia, ib);
  Net n;
  gboolean connected;

  net_init (&n, 1000 + ia * 10 + ib, with_stun, 0);
  net_add_peers (&n, add_host (&n, "a", nat_models[ia], 1),
                 add_host (&n, "b", nat_models[ib], 2), NULL);
  ice_sim_start (n.sim);
  connected = ice_sim_run_until_connected (n.sim, FAILURE_BOUND_US);
  if (connected != expected)
    g_error ("%s × %s %s STUN: expected %s, got %s", nat_models[ia],
             nat_models[ib], with_stun ? "with" : "without",
             expected ? "connected" : "failed",
             connected ? "connected" : "not connected");
  if (expected) {
    assert_types (&n, ia, ib, with_stun);
    assert_same_pair_and_media (&n);
  } else {
    /* the peers send end-of-candidates: failure, within the bound */
    g_assert_true (ice_sim_run_until_settled (n.sim, FAILURE_BOUND_US));
    g_assert_cmpint (
        ice_session_get_connection_state (ice_sim_peer_get_session (n.a), 0),
        ==, ICE_CONNECTION_FAILED);
    g_assert_cmpint (
        ice_session_get_connection_state (ice_sim_peer_get_session (n.b), 0),
        ==, ICE_CONNECTION_FAILED);
  }
  net_clear (&n);
}

static void
test_matrix (gconstpointer data)
{
  gboolean with_stun = GPOINTER_TO_INT (data);
  guint ia, ib;

  for (ia = 0; ia < N_MODELS; ia++)
    for (ib = 0; ib < N_MODELS; ib++)
      run_nat_case (ia, ib, with_stun);
}

/* Behind two EIM NATs with a STUN server the pair found is srflx ↔ srflx
 * on both sides: the highest-priority pair that works. */
static void
test_srflx_selected (void)
{
  IceCandidate local, remote;
  Net n;

  net_init (&n, 7, TRUE, 0);
  net_add_peers (&n, add_host (&n, "a", "eim-apdf", 1),
                 add_host (&n, "b", "eim-apdf", 2), NULL);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, 5 * G_TIME_SPAN_SECOND));
  g_assert_true (ice_session_get_selected_pair (ice_sim_peer_get_session (n.a),
                                                0, 1, &local, &remote));
  g_assert_cmpint (local.type, ==, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE);
  g_assert_cmpint (remote.type, ==, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE);
  assert_same_pair_and_media (&n);
  net_clear (&n);
}

static gboolean
both_selected (IceSim *sim, gpointer data)
{
  Net *n = data;

  return ice_session_get_selected_pair (ice_sim_peer_get_session (n->a), 0, 1,
                                        NULL, NULL)
         && ice_session_get_selected_pair (ice_sim_peer_get_session (n->b), 0,
                                           1, NULL, NULL);
}

/* Loss on every internet hop, both ways. A run can fail for good reasons
 * at 30 % (every request to the STUN server lost: no srflx candidate to
 * meet behind port-restricted filtering), so the rate is asserted. */
static void
test_loss (gconstpointer data)
{
  gdouble loss = GPOINTER_TO_INT (data) / 100.0;
  guint seed, connected = 0, runs = 20;

  for (seed = 1; seed <= runs; seed++) {
    Net n;

    net_init (&n, seed, TRUE, loss);
    net_add_peers (&n, add_host (&n, "a", "eim-adf", 1),
                   add_host (&n, "b", "eim-apdf", 2), NULL);
    ice_sim_start (n.sim);
    /* connected means a pair selected on both sides: consent may be
     * DISCONNECTED for a while on so lossy a path */
    if (ice_sim_run_until (n.sim, both_selected, &n, FAILURE_BOUND_US))
      connected++;
    net_clear (&n);
  }
  if (loss < 0.2)
    g_assert_cmpuint (connected, ==, runs);
  else
    g_assert_cmpuint (connected, >=, runs * 9 / 10);
}

static guint
add_dual_host (Net *n, const gchar *name, const gchar *v4, const gchar *v6,
               gboolean with_v4)
{
  IceVnet *vnet = ice_sim_get_vnet (n->sim);
  guint host = ice_vnet_add_host (vnet, name);

  if (with_v4)
    g_assert_cmpuint (
        ice_vnet_host_add_interface (vnet, host, ICE_VNET_INTERNET, v4), !=,
        ICE_VNET_INVALID);
  g_assert_cmpuint (
      ice_vnet_host_add_interface (vnet, host, ICE_VNET_INTERNET, v6), !=,
      ICE_VNET_INVALID);
  return host;
}

static void
test_ipv6_only (void)
{
  IceCandidate local, remote;
  Net n;

  net_init (&n, 3, FALSE, 0);
  net_add_peers (&n, add_dual_host (&n, "a", NULL, "2001:db8::1", FALSE),
                 add_dual_host (&n, "b", NULL, "2001:db8::2", FALSE), NULL);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, 2 * G_TIME_SPAN_SECOND));
  g_assert_true (ice_session_get_selected_pair (ice_sim_peer_get_session (n.a),
                                                0, 1, &local, &remote));
  g_assert_cmpint (local.addr.family, ==, ICE_ADDR_FAMILY_IPV6);
  assert_same_pair_and_media (&n);
  net_clear (&n);
}

/* Dual stack: four host pairs (two per family); the one selected is the
 * highest-priority one, i.e. made of each side's best host candidate. */
static void
test_dual_stack (void)
{
  IceCandidate local, remote;
  const GArray *events;
  guint32 best = 0;
  Net n;
  guint i;

  net_init (&n, 4, FALSE, 0);
  net_add_peers (
      &n, add_dual_host (&n, "a", "203.0.113.1", "2001:db8::1", TRUE),
      add_dual_host (&n, "b", "203.0.113.2", "2001:db8::2", TRUE), NULL);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, 2 * G_TIME_SPAN_SECOND));
  ice_sim_run_for (n.sim, 2 * G_TIME_SPAN_SECOND);
  events = ice_sim_peer_get_events (n.a);
  for (i = 0; i < events->len; i++) {
    const IceEvent *ev = &g_array_index (events, IceSimEventRecord, i).event;

    if (ev->type == ICE_EVENT_LOCAL_CANDIDATE)
      best = MAX (best, ev->u.candidate.priority);
  }
  g_assert_true (ice_session_get_selected_pair (ice_sim_peer_get_session (n.a),
                                                0, 1, &local, &remote));
  g_assert_cmpuint (local.priority, ==, best);
  g_assert_cmpuint (ice_sim_peer_count_events (n.a, ICE_EVENT_SELECTED_PAIR),
                    ==, 1);
  assert_same_pair_and_media (&n);
  net_clear (&n);
}

static guint32
best_local_priority (IceSimPeer *peer)
{
  const GArray *events = ice_sim_peer_get_events (peer);
  guint32 best = 0;
  guint i;

  for (i = 0; i < events->len; i++) {
    const IceEvent *ev = &g_array_index (events, IceSimEventRecord, i).event;

    if (ev->type == ICE_EVENT_LOCAL_CANDIDATE)
      best = MAX (best, ev->u.candidate.priority);
  }
  return best;
}

/* A controlling agent nominating aggressively (USE-CANDIDATE on every
 * check, libnice's default): the controlled side follows it to the
 * highest-priority nominated pair, switching upward if a lower one came
 * first. */
static void
test_aggressive_dual_stack (void)
{
  IceSessionConfig cfg;
  IceCandidate local, remote;
  Net n;
  guint ha, hb;

  net_init (&n, 5, FALSE, 0);
  ha = add_dual_host (&n, "a", "203.0.113.1", "2001:db8::1", TRUE);
  hb = add_dual_host (&n, "b", "203.0.113.2", "2001:db8::2", TRUE);
  ice_session_config_init (&cfg);
  cfg.nomination = ICE_NOMINATION_AGGRESSIVE;
  n.a = ice_sim_add_peer (n.sim, "A", ha, &cfg, 1);
  cfg.role = ICE_ROLE_CONTROLLED;
  n.b = ice_sim_add_peer (n.sim, "B", hb, &cfg, 1);
  ice_sim_pair (n.sim, n.a, n.b, ICE_SIM_SIGNAL_TRICKLE,
                50 * G_TIME_SPAN_MILLISECOND);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, 2 * G_TIME_SPAN_SECOND));
  ice_sim_run_for (n.sim, 3 * G_TIME_SPAN_SECOND);
  g_assert_true (ice_session_get_selected_pair (ice_sim_peer_get_session (n.b),
                                                0, 1, &local, &remote));
  g_assert_cmpuint (local.priority, ==, best_local_priority (n.b));
  g_assert_cmpuint (remote.priority, ==, best_local_priority (n.a));
  assert_same_pair_and_media (&n);
  net_clear (&n);
}

static gboolean
all_streams_connected (IceSim *sim, gpointer data)
{
  Net *n = data;
  IceSimPeer *peers[2] = { n->a, n->b };
  guint i, s;

  for (i = 0; i < 2; i++)
    for (s = 0; s < 2; s++) {
      IceConnectionState st = ice_session_get_connection_state (
          ice_sim_peer_get_session (peers[i]), s);

      if (st != ICE_CONNECTION_CONNECTED && st != ICE_CONNECTION_COMPLETED)
        return FALSE;
    }
  return TRUE;
}

/* Two streams, the first of one component, the second of two (RTP and
 * RTCP without rtcp-mux), behind NATs: a selected pair for each, on its
 * own sockets. With @data, both streams share their credentials
 * (session-level a=ice-ufrag). */
static void
test_streams_and_components (gconstpointer data)
{
  gboolean shared = GPOINTER_TO_INT (data);
  IceSession *sa;
  IceCandidate local[4], remote;
  Net n;
  guint s, c, i, j;

  net_init (&n, 11, TRUE, 0);
  net_add_peers (&n, add_host (&n, "a", "eim-apdf", 1),
                 add_host (&n, "b", "eim-eif", 2), NULL);
  /* stream 0 was made with one component: make the pair of 2 x 2 */
  g_assert_cmpuint (ice_sim_peer_add_stream (n.a, 2), ==, 1);
  g_assert_cmpuint (ice_sim_peer_add_stream (n.b, 2), ==, 1);
  for (s = 0; shared && s < 2; s++) {
    g_assert_true (ice_session_set_local_credentials (
        ice_sim_peer_get_session (n.a), s, "aaaa", "aaaaaaaaaaaaaaaaaaaaaa", 0,
        NULL));
    g_assert_true (ice_session_set_local_credentials (
        ice_sim_peer_get_session (n.b), s, "bbbb", "bbbbbbbbbbbbbbbbbbbbbb", 0,
        NULL));
  }
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until (n.sim, all_streams_connected, &n,
                                    5 * G_TIME_SPAN_SECOND));
  sa = ice_sim_peer_get_session (n.a);
  i = 0;
  for (s = 0; s < 2; s++)
    for (c = 1; c <= (s == 0 ? 1u : 2u); c++) {
      g_assert_true (
          ice_session_get_selected_pair (sa, s, c, &local[i], &remote));
      g_assert_cmpuint (local[i].stream_id, ==, s);
      g_assert_cmpuint (local[i].component_id, ==, c);
      g_assert_cmpuint (remote.component_id, ==, c);
      i++;
    }
  for (i = 0; i < 3; i++)
    for (j = i + 1; j < 3; j++)
      g_assert_false (ice_addr_equal (&local[i].base, &local[j].base));
  g_assert_cmpuint (ice_sim_peer_count_events (n.a, ICE_EVENT_SELECTED_PAIR),
                    ==, 3);
  net_clear (&n);
}

/* Both peers restart (offer/answer): media keeps flowing on the old pair,
 * then each selects anew and consent carries on with the new
 * credentials. */
static void
test_restart_sim (void)
{
  static const guint8 payload[] = { 0x80, 0x60, 0, 1 };
  IceSimPeerStats before, after;
  Net n;

  net_init (&n, 12, TRUE, 0);
  net_add_peers (&n, add_host (&n, "a", "eim-apdf", 1),
                 add_host (&n, "b", "eim-adf", 2), NULL);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, 5 * G_TIME_SPAN_SECOND));
  ice_sim_run_for (n.sim, 5 * G_TIME_SPAN_SECOND);
  ice_sim_peer_restart (n.a);
  ice_sim_peer_restart (n.b);
  ice_sim_peer_get_stats (n.b, &before);
  g_assert_true (
      ice_sim_peer_send_media (n.a, 0, 1, payload, sizeof (payload)));
  ice_sim_run_for (n.sim, 30 * G_TIME_SPAN_MILLISECOND);
  ice_sim_peer_get_stats (n.b, &after);
  g_assert_cmpuint (after.media_received, ==, before.media_received + 1);
  g_assert_cmpuint (ice_sim_peer_count_events (n.a, ICE_EVENT_SELECTED_PAIR),
                    ==, 1);
  ice_sim_run_for (n.sim, 3 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (ice_sim_peer_count_events (n.a, ICE_EVENT_SELECTED_PAIR),
                    ==, 2);
  g_assert_cmpuint (ice_sim_peer_count_events (n.b, ICE_EVENT_SELECTED_PAIR),
                    ==, 2);
  assert_same_pair_and_media (&n);
  ice_sim_run_for (n.sim, 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (
      ice_sim_peer_count_events (n.a, ICE_EVENT_CONSENT_LOST)
          + ice_sim_peer_count_events (n.b, ICE_EVENT_CONSENT_LOST),
      ==, 0);
  net_clear (&n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/core/session/nat/matrix-with-stun",
                        GINT_TO_POINTER (TRUE), test_matrix);
  g_test_add_data_func ("/core/session/nat/matrix-without-stun",
                        GINT_TO_POINTER (FALSE), test_matrix);
  g_test_add_func ("/core/session/nat/srflx-selected", test_srflx_selected);
  g_test_add_data_func ("/core/session/loss/1", GINT_TO_POINTER (1), test_loss);
  g_test_add_data_func ("/core/session/loss/10", GINT_TO_POINTER (10),
                        test_loss);
  g_test_add_data_func ("/core/session/loss/30", GINT_TO_POINTER (30),
                        test_loss);
  g_test_add_func ("/core/session/ipv6-only", test_ipv6_only);
  g_test_add_func ("/core/session/dual-stack", test_dual_stack);
  g_test_add_data_func ("/core/session/streams-and-components",
                        GINT_TO_POINTER (FALSE), test_streams_and_components);
  g_test_add_data_func ("/core/session/streams-shared-credentials",
                        GINT_TO_POINTER (TRUE), test_streams_and_components);
  g_test_add_func ("/core/session/restart-sim", test_restart_sim);
  g_test_add_func ("/core/session/aggressive-dual-stack",
                   test_aggressive_dual_stack);
  return g_test_run ();
}
