/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Per-pair and per-candidate statistics (ice-stats.h): what one session
 * counted on its selected pair against what its peer counted the other
 * way, round-trip times on a link with a known delay, media counters, the
 * reason a pair failed, and the candidates' types and the STUN server a
 * server-reflexive one came from. A hand-driven link and the simulation
 * driver, both on a virtual clock: deterministic.
 */
#include "test-session-link.h"
#include "ice/core/ice-stats.h"
#include "ice/testing/ice-sim.h"
#include "ice/testing/ice-vstun.h"

#define N_MEDIA 7

static GArray *
pair_stats (IceSession *session)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (IcePairStats));

  ice_session_get_pair_stats (session, ICE_SESSION_ALL_STREAMS, out);
  return out;
}

static GArray *
candidate_stats (IceSession *session)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (IceCandidateStats));

  ice_session_get_candidate_stats (session, ICE_SESSION_ALL_STREAMS, out);
  return out;
}

/* The one selected pair of stream 0, component 1. */
static IcePairStats
selected_pair (IceSession *session)
{
  GArray *all = pair_stats (session);
  IcePairStats found = { 0 };
  guint i, n = 0;

  for (i = 0; i < all->len; i++) {
    IcePairStats *st = &g_array_index (all, IcePairStats, i);

    if (st->selected) {
      found = *st;
      n++;
    }
  }
  g_array_unref (all);
  g_assert_cmpuint (n, ==, 1);
  return found;
}

/* Steps until nothing is on the wire: every request sent so far has been
 * answered and every answer received, so both sides' counts can meet. */
static void
settle (Link *l)
{
  gint64 deadline = l->now + G_TIME_SPAN_SECOND;

  while (!g_queue_is_empty (&l->wire))
    g_assert_true (step (l, deadline));
}

/* What the IO layer does for each datagram: counts it on the sender's
 * selected pair (ice_session_count_media_sent) and hands it to the peer. */
static void
send_media (Link *l, Peer *from, Peer *to, guint n)
{
  static const guint8 rtp[] = { 0x80, 0x60, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4 };
  IceSendRoute route;
  IceDelivery d;
  guint i;

  ice_session_get_send_route (from->session, 0, 1, &route);
  g_assert_true (route.ok);
  for (i = 0; i < n; i++) {
    ice_session_count_media_sent (from->session, 0, 1, 1, sizeof (rtp));
    g_assert_cmpint (ice_session_handle_packet (to->session, l->now, &route.to,
                                                &route.from, rtp, sizeof (rtp),
                                                &d),
                     ==, ICE_PACKET_DELIVER);
  }
}

static void
assert_succeeded (const IcePairStats *st, const Peer *self, const Peer *peer)
{
  g_assert_cmpstr (st->state, ==, "succeeded");
  g_assert_true (st->valid);
  g_assert_true (st->nominated);
  g_assert_cmpstr (st->failure_reason, ==, "");
  g_assert_cmpuint (st->stream_id, ==, 0);
  g_assert_cmpuint (st->component_id, ==, 1);
  g_assert_true (ice_addr_equal (&st->local.addr, &self->addr));
  g_assert_true (ice_addr_equal (&st->remote.addr, &peer->addr));
  g_assert_cmpint (st->local.type, ==, ICE_CANDIDATE_TYPE_HOST);
  g_assert_cmpint (st->remote.type, ==, ICE_CANDIDATE_TYPE_HOST);
  g_assert_cmpuint (st->priority, >, 0);
}

/* Round trips on a link of LINK_DELAY_US each way, nothing lost: every
 * measurement is one round trip (the answer is immediate). */
static void
assert_rtt (const IcePairCounters *c)
{
  g_assert_cmpuint (c->rtt_measurements, >, 0);
  g_assert_cmpint (c->current_rtt_us, ==, 2 * LINK_DELAY_US);
  g_assert_cmpint (c->total_rtt_us, ==,
                   (gint64)c->rtt_measurements * 2 * LINK_DELAY_US);
}

/* What @a sent on its selected pair, @b received on its own, and back. */
static void
assert_counts_meet (const IcePairCounters *a, const IcePairCounters *b)
{
  g_assert_cmpuint (a->requests_sent, >, 0);
  g_assert_cmpuint (a->consent_requests_sent, >, 0);
  g_assert_cmpuint (a->requests_sent + a->consent_requests_sent, ==,
                    b->requests_received);
  g_assert_cmpuint (b->responses_sent, ==, b->requests_received);
  g_assert_cmpuint (a->responses_received, ==, b->responses_sent);
}

/* After selection and a few consent rounds (RFC 7675 §5.1: every 4-6 s),
 * each side's selected pair agrees with the peer's, and media is counted
 * per datagram and byte on both ends. */
static void
test_selected_pair (void)
{
  IcePairStats sa, sb;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  start (&l);
  run_until_selected (&l, 5 * G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (&l));
  run_for (&l, 13 * G_TIME_SPAN_SECOND);
  settle (&l);
  send_media (&l, &l.a, &l.b, N_MEDIA);
  send_media (&l, &l.b, &l.a, 2);

  sa = selected_pair (l.a.session);
  sb = selected_pair (l.b.session);
  assert_succeeded (&sa, &l.a, &l.b);
  assert_succeeded (&sb, &l.b, &l.a);
  assert_rtt (&sa.counters);
  assert_rtt (&sb.counters);
  assert_counts_meet (&sa.counters, &sb.counters);
  assert_counts_meet (&sb.counters, &sa.counters);
  g_assert_cmpuint (sa.counters.packets_sent, ==, N_MEDIA);
  g_assert_cmpuint (sa.counters.bytes_sent, ==, N_MEDIA * 12);
  g_assert_cmpuint (sb.counters.packets_received, ==, N_MEDIA);
  g_assert_cmpuint (sb.counters.bytes_received, ==, N_MEDIA * 12);
  g_assert_cmpuint (sb.counters.packets_sent, ==, 2);
  g_assert_cmpuint (sa.counters.packets_received, ==, 2);
  g_assert_cmpuint (sa.counters.bytes_received, ==, 2 * 12);
  link_clear (&l);
}

/* Before any answer no round trip is known (-1); a pair whose checks are
 * never answered fails and says why. */
static void
test_failed_reason (void)
{
  GArray *all;
  IcePairStats *st;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  l.cut = TRUE;
  start (&l);
  all = pair_stats (l.a.session);
  g_assert_cmpuint (all->len, ==, 1);
  st = &g_array_index (all, IcePairStats, 0);
  g_assert_cmpstr (st->state, !=, "failed");
  g_assert_cmpint (st->counters.current_rtt_us, ==, -1);
  g_array_unref (all);

  run_for (&l, 15 * G_TIME_SPAN_SECOND);
  all = pair_stats (l.a.session);
  g_assert_cmpuint (all->len, ==, 1);
  st = &g_array_index (all, IcePairStats, 0);
  g_assert_cmpstr (st->state, ==, "failed");
  g_assert_true (g_str_has_prefix (st->failure_reason, "no response to "));
  g_assert_false (st->valid);
  g_assert_false (st->nominated);
  g_assert_false (st->selected);
  g_assert_cmpuint (st->counters.requests_sent, >=, 2);
  g_assert_cmpuint (st->counters.responses_received, ==, 0);
  g_assert_cmpuint (st->counters.requests_received, ==, 0);
  g_assert_cmpint (st->counters.current_rtt_us, ==, -1);
  g_array_unref (all);
  link_clear (&l);
}

/* --- candidates, on the virtual network with a STUN server ---------------
 */

typedef struct {
  guint n_host, n_srflx, n_remote;
  IceTransportAddr host, srflx_base;
} CandidateCount;

static void
count_candidate (CandidateCount *n, const IceCandidateStats *st,
                 const IceTransportAddr *stun)
{
  g_assert_cmpuint (st->candidate.stream_id, ==, 0);
  g_assert_cmpuint (st->candidate.component_id, ==, 1);
  if (!st->is_local) {
    n->n_remote++;
    g_assert_false (ice_addr_is_set (&st->server));
    return;
  }
  switch (st->candidate.type) {
    case ICE_CANDIDATE_TYPE_HOST:
      n->n_host++;
      n->host = st->candidate.addr;
      g_assert_false (ice_addr_is_set (&st->server));
      break;
    case ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
      n->n_srflx++;
      n->srflx_base = st->candidate.base;
      g_assert_true (ice_addr_equal (&st->server, stun));
      break;
    default:
      g_assert_not_reached ();
  }
}

/* A behind an endpoint-independent NAT learns its srflx candidate from
 * the STUN server: the stats list it with the server, next to the host
 * candidate it is based on; B is on the internet (its srflx would be
 * its host address, redundant: RFC 8445 §5.1.3). */
static void
test_candidates (void)
{
  IceVnetLink internet = { 20 * G_TIME_SPAN_MILLISECOND, 0, 0 };
  static const guint8 payload[] = { 0x80, 0x60, 0, 1, 2, 3, 4, 5, 6, 7 };
  IceSim *sim = ice_sim_new (11);
  IceVnet *vnet = ice_sim_get_vnet (sim);
  IceSessionConfig cfg;
  IceVnatConfig nat;
  IceVstunServer *stun;
  IceTransportAddr server;
  IceSimPeer *a, *b;
  CandidateCount n = { 0 };
  IcePairStats sel;
  GArray *cands;
  guint i, realm;

  ice_vnet_set_realm_link (vnet, ICE_VNET_INTERNET, &internet);
  stun = ice_vstun_server_new (vnet, ICE_VNET_INTERNET, "198.51.100.1:3478",
                               NULL);
  ice_vstun_server_get_address (stun, &server);
  ice_vnat_config_init (&nat);
  g_assert_true (ice_vnat_config_parse (&nat, "eim-eif"));
  realm = ice_vnet_add_nat (vnet, ICE_VNET_INTERNET, "198.18.0.10", &nat);
  ice_session_config_init (&cfg);
  a = ice_sim_add_peer (
      sim, "A", ice_sim_add_host (sim, "a", realm, "192.168.1.2"), &cfg, 1);
  cfg.role = ICE_ROLE_CONTROLLED;
  b = ice_sim_add_peer (
      sim, "B", ice_sim_add_host (sim, "b", ICE_VNET_INTERNET, "203.0.113.20"),
      &cfg, 1);
  ice_sim_peer_add_stun_server (a, &server);
  ice_sim_peer_add_stun_server (b, &server);
  ice_sim_pair (sim, a, b, ICE_SIM_SIGNAL_TRICKLE,
                50 * G_TIME_SPAN_MILLISECOND);
  ice_sim_start (sim);
  g_assert_true (ice_sim_run_until_connected (sim, 5 * G_TIME_SPAN_SECOND));

  cands = candidate_stats (ice_sim_peer_get_session (a));
  for (i = 0; i < cands->len; i++)
    count_candidate (&n, &g_array_index (cands, IceCandidateStats, i), &server);
  g_array_unref (cands);
  g_assert_cmpuint (n.n_host, ==, 1);
  g_assert_cmpuint (n.n_srflx, ==, 1);
  g_assert_cmpuint (n.n_remote, >=, 1);
  g_assert_true (ice_addr_equal (&n.srflx_base, &n.host));

  /* the valid pair A uses has the mapped address (srflx) as its local
   * candidate (RFC 8445 §7.2.5.3.2); media A sends is counted on it */
  sel = selected_pair (ice_sim_peer_get_session (a));
  g_assert_cmpint (sel.local.type, ==, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE);
  g_assert_true (ice_addr_equal (&sel.local.base, &n.host));
  g_assert_true (ice_sim_peer_send_media (a, 0, 1, payload, sizeof (payload)));
  ice_sim_run_for (sim, G_TIME_SPAN_SECOND);
  sel = selected_pair (ice_sim_peer_get_session (a));
  g_assert_cmpuint (sel.counters.packets_sent, ==, 1);
  g_assert_cmpuint (sel.counters.bytes_sent, ==, sizeof (payload));
  sel = selected_pair (ice_sim_peer_get_session (b));
  g_assert_cmpuint (sel.counters.packets_received, ==, 1);
  g_assert_cmpuint (sel.counters.bytes_received, ==, sizeof (payload));

  ice_vstun_server_free (stun);
  ice_sim_free (sim);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/session/stats/selected-pair", test_selected_pair);
  g_test_add_func ("/core/session/stats/failed-reason", test_failed_reason);
  g_test_add_func ("/core/session/stats/candidates", test_candidates);
  return g_test_run ();
}
