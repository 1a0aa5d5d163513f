/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A local ICE-lite agent (RFC 8445 §2.5) against a full one: on the
 * virtual network with a STUN server it never asks, and on the hand-driven
 * link for the role rules and for media before the nomination.
 */
#include "test-session-link.h"
#include "ice/core/ice-stats.h"
#include "ice/testing/ice-sim.h"
#include "ice/testing/ice-vstun.h"

#define DEADLINE (30 * G_USEC_PER_SEC)

static const guint8 rtp[] = { 0x80, 0x60, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4 };

/* The lite side's description: a=ice-lite, host candidates only. */
static void
assert_lite_description (IceSession *lite, guint n_components)
{
  gchar *text = ice_session_get_local_description (lite, 0);
  IceSdpDescription *d = ice_sdp_parse (text, -1);
  guint i;

  g_assert_nonnull (strstr (text, "a=ice-lite\r\n"));
  g_assert_true (d->ice_lite);
  g_assert_cmpuint (d->candidates->len, ==, n_components);
  for (i = 0; i < d->candidates->len; i++)
    g_assert_cmpint (g_array_index (d->candidates, IceCandidate, i).type, ==,
                     ICE_CANDIDATE_TYPE_HOST);
  ice_sdp_description_free (d);
  g_free (text);
}

/* The lite agent's options reach the full one as its description says. */
static void
tell_lite (IceSession *full, IceSession *lite)
{
  gchar *text = ice_session_get_local_description (lite, 0);
  IceSdpDescription *d = ice_sdp_parse (text, -1);

  ice_session_set_remote_options (full, 0, d->ice_lite, d->ice2, d->pacing_ms);
  ice_sdp_description_free (d);
  g_free (text);
}

/* Full controlling ↔ lite, two components, a STUN server given to the lite
 * side: each component is checked once and nominated once, the lite side
 * sends nothing but answers, and media flows both ways. */
static void
test_sim_connect (void)
{
  IceVnetLink link = { 5000, 0, 0 };
  IceSim *sim = ice_sim_new (11);
  IceVnet *vnet = ice_sim_get_vnet (sim);
  IceSessionConfig config;
  IceVstunServer *server;
  IceVstunCounters counters;
  IceTransportAddr stun;
  IceSessionStats full_stats, lite_stats;
  IceSimPeerStats lite_peer, full_peer;
  IceSimPeer *full, *lite;
  guint c;

  ice_vnet_set_realm_link (vnet, ICE_VNET_INTERNET, &link);
  server = ice_vstun_server_new (vnet, ICE_VNET_INTERNET, "203.0.113.50:3478",
                                 NULL);
  ice_vstun_server_get_address (server, &stun);
  ice_session_config_init (&config);
  config.role = ICE_ROLE_CONTROLLING;
  full = ice_sim_add_peer (
      sim, "full",
      ice_sim_add_host (sim, "full", ICE_VNET_INTERNET, "203.0.113.1"), &config,
      2);
  config.ice_lite = TRUE;
  lite = ice_sim_add_peer (
      sim, "lite",
      ice_sim_add_host (sim, "lite", ICE_VNET_INTERNET, "203.0.113.2"), &config,
      2);
  ice_sim_peer_add_stun_server (lite, &stun);
  g_assert_cmpint (ice_session_get_role (ice_sim_peer_get_session (lite)), ==,
                   ICE_ROLE_CONTROLLED);
  ice_sim_pair (sim, full, lite, ICE_SIM_SIGNAL_AFTER_GATHERING, 1000);
  tell_lite (ice_sim_peer_get_session (full), ice_sim_peer_get_session (lite));
  ice_sim_start (sim);
  g_assert_true (ice_sim_run_until_connected (sim, DEADLINE));

  /* regular nomination toward a lite peer (RFC 8445 §8.1): per component
   * one check and one nominating check, nothing retransmitted */
  ice_session_get_stats (ice_sim_peer_get_session (full), &full_stats);
  ice_session_get_stats (ice_sim_peer_get_session (lite), &lite_stats);
  g_assert_cmpuint (full_stats.checks_sent, ==, 2 * 2);
  g_assert_cmpuint (lite_stats.checks_received, ==, 2 * 2);
  g_assert_cmpuint (lite_stats.checks_sent, ==, 0);
  for (c = 1; c <= 2; c++) {
    IceCandidate l, r;

    g_assert_true (ice_session_get_selected_pair (
        ice_sim_peer_get_session (lite), 0, c, &l, &r));
    g_assert_cmpuint (l.component_id, ==, c);
    g_assert_true (ice_sim_peer_send_media (full, 0, c, rtp, sizeof (rtp)));
    g_assert_true (ice_sim_peer_send_media (lite, 0, c, rtp, sizeof (rtp)));
  }
  ice_sim_run_for (sim, 20 * G_USEC_PER_SEC);
  g_assert_cmpint (
      ice_session_get_connection_state (ice_sim_peer_get_session (lite), 0), ==,
      ICE_CONNECTION_COMPLETED);
  ice_sim_peer_get_stats (full, &full_peer);
  ice_sim_peer_get_stats (lite, &lite_peer);
  g_assert_cmpuint (full_peer.media_received, ==, 2);
  g_assert_cmpuint (lite_peer.media_received, ==, 2);
  /* every datagram the session gave the lite side to send answered a
   * check (the full side's consent checks included): no check, keepalive
   * or STUN request (media does not go through the session's queue) */
  ice_session_get_stats (ice_sim_peer_get_session (lite), &lite_stats);
  g_assert_cmpuint (lite_stats.checks_received, >, 2 * 2);
  g_assert_cmpuint (lite_peer.transmits_out, ==, lite_stats.checks_received);
  ice_vstun_server_get_counters (server, &counters);
  g_assert_cmpuint (counters.requests, ==, 0);
  g_assert_cmpuint (ice_sim_peer_count_events (lite, ICE_EVENT_GATHERING_DONE),
                    ==, 1);
  assert_lite_description (ice_sim_peer_get_session (lite), 2);
  ice_vstun_server_free (server);
  ice_sim_free (sim);
}

static void
link_init_lite (Link *l, IceRole full_role)
{
  IceSessionConfig config;

  memset (l, 0, sizeof (*l));
  peer_init (&l->a, "10.0.0.1", full_role, ICE_NOMINATION_REGULAR, TRUE,
             0x1234567);
  ice_session_config_init (&config);
  config.ice_lite = TRUE;
  config.role = ICE_ROLE_CONTROLLING; /* ignored facing a full agent */
  peer_init_config (&l->b, "10.0.0.2", &config, 0x7654321);
  g_queue_init (&l->wire);
  l->loss_rng = 42;
}

static void
assert_connected (Link *l)
{
  IceSessionStats stats;

  run_until_selected (l, l->now + 5 * G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (l));
  g_assert_cmpint (ice_session_get_role (l->a.session), ==,
                   ICE_ROLE_CONTROLLING);
  g_assert_cmpint (ice_session_get_role (l->b.session), ==,
                   ICE_ROLE_CONTROLLED);
  assert_media_flows (l, &l->a, &l->b);
  assert_media_flows (l, &l->b, &l->a);
  ice_session_get_stats (l->b.session, &stats);
  g_assert_cmpuint (stats.checks_sent, ==, 0);
}

/* RFC 8445 §6.1.1: a full agent configured controlled becomes controlling
 * on the peer's a=ice-lite; the app cannot make the lite agent control. */
static void
test_role_from_description (void)
{
  Link l;

  link_init_lite (&l, ICE_ROLE_CONTROLLED);
  ice_session_set_role (l.b.session, ICE_ROLE_CONTROLLING);
  g_assert_cmpint (ice_session_get_role (l.b.session), ==, ICE_ROLE_CONTROLLED);
  tell_lite (l.a.session, l.b.session);
  g_assert_cmpint (ice_session_get_role (l.a.session), ==,
                   ICE_ROLE_CONTROLLING);
  g_assert_cmpuint (l.a.n_role_changes + l.b.n_role_changes, ==, 0);
  drain (&l);
  g_assert_cmpuint (l.a.n_role_changes, ==, 1);
  start (&l);
  assert_connected (&l);
  g_assert_cmpuint (l.b.n_role_changes, ==, 0);
  link_clear (&l);
}

/* Without the a=ice-lite line both believe themselves controlled: the
 * lite agent answers 487 whatever the tie-breakers, the full one takes
 * control (§7.2.5.1). */
static void
test_role_conflict (void)
{
  Link l;

  link_init_lite (&l, ICE_ROLE_CONTROLLED);
  start (&l);
  assert_connected (&l);
  g_assert_cmpuint (l.a.n_role_changes, ==, 1);
  g_assert_cmpuint (l.b.n_role_changes, ==, 0);
  link_clear (&l);
}

/* The full agent's first check proves its address, but the lite agent
 * accepts media only once the pair is nominated (and selected). */
static void
test_media_before_nomination (void)
{
  IceSessionStats stats;
  IceDelivery d;
  Link l;

  link_init_lite (&l, ICE_ROLE_CONTROLLING);
  start (&l);
  do {
    ice_session_get_stats (l.b.session, &stats);
  } while (stats.checks_received == 0
           && step (&l, l.now + 5 * G_TIME_SPAN_SECOND));
  g_assert_cmpuint (stats.checks_received, ==, 1);
  g_assert_cmpint (l.b.selected_us, <, 0);
  g_assert_cmpint (ice_session_handle_packet (l.b.session, l.now, &l.b.addr,
                                              &l.a.addr, rtp, sizeof (rtp), &d),
                   ==, ICE_PACKET_DROPPED);
  ice_session_get_stats (l.b.session, &stats);
  g_assert_cmpuint (stats.dropped[ICE_DROP_UNAUTHENTICATED_SOURCE], ==, 1);
  assert_connected (&l);
  link_clear (&l);
}

/* §6.1.1: of two lite agents the initiator (configured controlling)
 * controls once it learns the peer is lite; the other stays controlled. */
static void
test_both_lite (void)
{
  IceSessionConfig config;
  Link l;

  memset (&l, 0, sizeof (l));
  ice_session_config_init (&config);
  config.ice_lite = TRUE;
  config.role = ICE_ROLE_CONTROLLING;
  peer_init_config (&l.a, "10.0.0.1", &config, 1);
  config.role = ICE_ROLE_CONTROLLED;
  peer_init_config (&l.b, "10.0.0.2", &config, 2);
  g_queue_init (&l.wire);
  g_assert_cmpint (ice_session_get_role (l.a.session), ==, ICE_ROLE_CONTROLLED);
  tell_lite (l.a.session, l.b.session);
  tell_lite (l.b.session, l.a.session);
  g_assert_cmpint (ice_session_get_role (l.a.session), ==,
                   ICE_ROLE_CONTROLLING);
  g_assert_cmpint (ice_session_get_role (l.b.session), ==, ICE_ROLE_CONTROLLED);
  link_clear (&l);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/session/lite/sim-connect", test_sim_connect);
  g_test_add_func ("/core/session/lite/role-from-description",
                   test_role_from_description);
  g_test_add_func ("/core/session/lite/role-conflict", test_role_conflict);
  g_test_add_func ("/core/session/lite/media-before-nomination",
                   test_media_before_nomination);
  g_test_add_func ("/core/session/lite/both-lite", test_both_lite);
  return g_test_run ();
}
