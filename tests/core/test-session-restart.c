/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ICE restart of one peer (RFC 8445 §9, RFC 8839 §4.4.1.1.2) on the
 * virtual network: only A restarts; B, seeing A's new credentials,
 * restarts itself and announces its own (ICE_EVENT_LOCAL_CREDENTIALS),
 * both select a new pair, and media sent all along on the old pair is
 * never lost. With and without a TURN server (symmetric NATs on both
 * sides, so the relay is the only way).
 */
#include <string.h>

#include "ice/core/ice-relay.h"
#include "ice/testing/ice-sim.h"
#include "ice/testing/ice-vturn.h"

#define INTERNET_DELAY_US (20 * G_TIME_SPAN_MILLISECOND)
#define SIGNAL_DELAY_US (50 * G_TIME_SPAN_MILLISECOND)
#define CONNECT_BOUND_US (15 * G_TIME_SPAN_SECOND)
/* Both sides select a new pair within this after A's restart */
#define RECONNECT_BOUND_US (2 * G_TIME_SPAN_SECOND)
#define MEDIA_INTERVAL_US (20 * G_TIME_SPAN_MILLISECOND)
#define TURN_USER "user"
#define TURN_PASSWORD "secret"

typedef struct {
  IceSim *sim;
  IceVturnServer *turn;
  IceSimPeer *a, *b;
  guint a_credentials_events;
  guint b_credentials_events;
  gboolean send_failed;
} Net;

#define A_UFRAG "aNewUfrag"
#define A_PWD "aNewPasswordOfTheOwner0"
#define B_UFRAG "bNewUfrag"
#define B_PWD "bNewPasswordOfTheOwner0"

/* The owner's part of a one-sided restart: a session that restarted on
 * its own sends its new credentials to the peer (here at once; its
 * candidates follow through the simulation's signalling). */
static void
on_event (IceSim *sim, IceSimPeer *peer, const IceEvent *ev, gpointer data)
{
  Net *n = data;
  IceSimPeer *other = peer == n->a ? n->b : n->a;

  if (ev->type != ICE_EVENT_LOCAL_CREDENTIALS)
    return;
  if (peer == n->a)
    n->a_credentials_events++;
  else
    n->b_credentials_events++;
  g_assert_true (ice_session_set_remote_credentials (
      ice_sim_peer_get_session (other), ev->stream_id, ev->u.credentials.ufrag,
      ev->u.credentials.pwd, ice_sim_get_now (sim)));
}

static guint
add_host (Net *n, const gchar *name, gboolean symmetric_nat, guint index)
{
  IceVnet *vnet = ice_sim_get_vnet (n->sim);
  gchar public_ip[32];
  IceVnatConfig cfg;
  guint realm;

  g_snprintf (public_ip, sizeof (public_ip), "203.0.113.%u", 10 + index);
  if (!symmetric_nat)
    return ice_sim_add_host (n->sim, name, ICE_VNET_INTERNET, public_ip);
  ice_vnat_config_init (&cfg);
  g_assert_true (ice_vnat_config_parse (&cfg, "apdm-apdf"));
  realm = ice_vnet_add_nat (vnet, ICE_VNET_INTERNET, public_ip, &cfg);
  g_assert_cmpuint (realm, !=, ICE_VNET_INVALID);
  return ice_sim_add_host (n->sim, name, realm, "192.168.1.2");
}

static IceSimPeer *
add_peer (Net *n, const gchar *name, guint host, IceRole role)
{
  IceSessionConfig cfg;
  IceTransportAddr server;
  IceSimPeer *peer;

  ice_session_config_init (&cfg);
  cfg.role = role;
  peer = ice_sim_add_peer (n->sim, name, host, &cfg, 1);
  if (n->turn != NULL) {
    ice_vturn_server_get_address (n->turn, &server);
    g_assert_true (ice_session_add_turn_server (
        ice_sim_peer_get_session (peer), &server, TURN_USER, TURN_PASSWORD));
  }
  return peer;
}

/* @turn: symmetric NATs on both sides and a TURN server for both. */
static void
net_init (Net *n, gboolean turn, guint64 seed)
{
  IceVnetLink link = { INTERNET_DELAY_US, 0, 0 };
  IceVturnConfig cfg;

  memset (n, 0, sizeof (*n));
  n->sim = ice_sim_new (seed);
  ice_vnet_set_realm_link (ice_sim_get_vnet (n->sim), ICE_VNET_INTERNET, &link);
  if (turn) {
    ice_vturn_config_init (&cfg);
    cfg.address = "198.51.100.2:3478";
    n->turn = ice_vturn_server_new (ice_sim_get_vnet (n->sim),
                                    ICE_VNET_INTERNET, &cfg);
    g_assert_nonnull (n->turn);
    g_assert_true (
        ice_vturn_server_add_user (n->turn, TURN_USER, TURN_PASSWORD));
  }
  n->a = add_peer (n, "A", add_host (n, "a", turn, 1), ICE_ROLE_CONTROLLING);
  n->b = add_peer (n, "B", add_host (n, "b", turn, 2), ICE_ROLE_CONTROLLED);
  ice_sim_pair (n->sim, n->a, n->b, ICE_SIM_SIGNAL_TRICKLE, SIGNAL_DELAY_US);
  ice_sim_set_event_func (n->sim, on_event, n);
}

static void
net_clear (Net *n)
{
  if (n->turn != NULL)
    ice_vturn_server_free (n->turn);
  ice_sim_free (n->sim);
}

static void
send_both_ways (Net *n)
{
  static const guint8 rtp[] = { 0x80, 0x60, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4 };

  if (!ice_sim_peer_send_media (n->a, 0, 1, rtp, sizeof (rtp))
      || !ice_sim_peer_send_media (n->b, 0, 1, rtp, sizeof (rtp)))
    n->send_failed = TRUE;
}

static guint
count_selected (IceSimPeer *peer)
{
  const GArray *events = ice_sim_peer_get_events (peer);
  guint i, n = 0;

  /* selections, not a prflx remote renamed by its signalled candidate */
  for (i = 0; i < events->len; i++) {
    const IceEvent *ev = &g_array_index (events, IceSimEventRecord, i).event;

    n += ev->type == ICE_EVENT_SELECTED_PAIR && !ev->u.pair.renamed;
  }
  return n;
}

/* Media every 20 ms both ways until both peers selected @n_selected pairs
 * or @bound_us passed; returns whether they did. */
static gboolean
media_until_selected (Net *n, guint n_selected, gint64 bound_us)
{
  gint64 end = ice_sim_get_now (n->sim) + bound_us;

  while (ice_sim_get_now (n->sim) < end) {
    send_both_ways (n);
    ice_sim_run_for (n->sim, MEDIA_INTERVAL_US);
    if (count_selected (n->a) >= n_selected
        && count_selected (n->b) >= n_selected)
      return TRUE;
  }
  return FALSE;
}

static void
assert_nothing_lost (Net *n)
{
  IceSimPeerStats a, b;

  /* what is still in flight arrives */
  ice_sim_run_for (n->sim, G_TIME_SPAN_SECOND);
  ice_sim_peer_get_stats (n->a, &a);
  ice_sim_peer_get_stats (n->b, &b);
  g_assert_false (n->send_failed);
  g_assert_cmpuint (a.media_sent, >, 0);
  g_assert_cmpuint (b.media_received, ==, a.media_sent);
  g_assert_cmpuint (a.media_received, ==, b.media_sent);
}

static gchar *
local_ufrag (IceSimPeer *peer)
{
  const gchar *ufrag;

  ice_session_get_local_credentials (ice_sim_peer_get_session (peer), 0, &ufrag,
                                     NULL);
  return g_strdup (ufrag);
}

static void
one_sided_restart (gboolean turn, guint64 seed)
{
  gchar *b_ufrag_before, *b_ufrag_after;
  IceCandidate la, ra, lb, rb;
  gint64 restart_at;
  Net n;

  net_init (&n, turn, seed);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, CONNECT_BOUND_US));
  g_assert_true (media_until_selected (&n, 1, G_TIME_SPAN_SECOND));
  ice_sim_run_for (n.sim, 2 * G_TIME_SPAN_SECOND);
  b_ufrag_before = local_ufrag (n.b);

  restart_at = ice_sim_get_now (n.sim);
  ice_sim_peer_restart (n.a);
  g_assert_true (media_until_selected (&n, 2, RECONNECT_BOUND_US));
  g_assert_cmpint (ice_sim_get_now (n.sim) - restart_at, <=,
                   RECONNECT_BOUND_US);

  /* B restarted on its own, once, and told its new credentials; A, which
   * asked for the restart, did not announce anything more */
  g_assert_cmpuint (n.b_credentials_events, ==, 1);
  g_assert_cmpuint (n.a_credentials_events, ==, 0);
  b_ufrag_after = local_ufrag (n.b);
  g_assert_cmpstr (b_ufrag_before, !=, b_ufrag_after);
  g_free (b_ufrag_before);
  g_free (b_ufrag_after);
  g_assert_cmpuint (ice_sim_peer_count_events (n.b, ICE_EVENT_GATHERING_DONE),
                    ==, 2);

  g_assert_true (ice_session_get_selected_pair (ice_sim_peer_get_session (n.a),
                                                0, 1, &la, &ra));
  g_assert_true (ice_session_get_selected_pair (ice_sim_peer_get_session (n.b),
                                                0, 1, &lb, &rb));
  if (turn)
    g_assert_true (la.type == ICE_CANDIDATE_TYPE_RELAYED
                   || ra.type == ICE_CANDIDATE_TYPE_RELAYED);
  assert_nothing_lost (&n);

  /* consent runs on the new credentials: a minute later all is well */
  ice_sim_run_for (n.sim, 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (
      ice_sim_peer_count_events (n.a, ICE_EVENT_CONSENT_LOST)
          + ice_sim_peer_count_events (n.b, ICE_EVENT_CONSENT_LOST),
      ==, 0);
  g_assert_cmpint (
      ice_session_get_connection_state (ice_sim_peer_get_session (n.a), 0), ==,
      ICE_CONNECTION_COMPLETED);
  g_assert_cmpint (
      ice_session_get_connection_state (ice_sim_peer_get_session (n.b), 0), ==,
      ICE_CONNECTION_COMPLETED);
  g_assert_cmpuint (count_selected (n.a), ==, 2);
  g_assert_cmpuint (count_selected (n.b), ==, 2);
  net_clear (&n);
}

static void
test_one_sided (void)
{
  one_sided_restart (FALSE, 3);
}

static void
test_one_sided_turn (void)
{
  one_sided_restart (TRUE, 5);
}

/* The controlled side restarts alone: the controlling one follows. */
static void
test_controlled_restarts (void)
{
  Net n;

  net_init (&n, FALSE, 7);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, CONNECT_BOUND_US));
  ice_sim_peer_restart (n.b);
  g_assert_true (media_until_selected (&n, 2, RECONNECT_BOUND_US));
  g_assert_cmpuint (n.a_credentials_events, ==, 1);
  g_assert_cmpuint (n.b_credentials_events, ==, 0);
  assert_nothing_lost (&n);
  net_clear (&n);
}

/* Both restart at once (offer/answer done by the application): neither
 * restarts a second time on the other's credentials. */
static void
test_both_restart (void)
{
  Net n;

  net_init (&n, FALSE, 9);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, CONNECT_BOUND_US));
  ice_sim_peer_restart (n.a);
  ice_sim_peer_restart (n.b);
  g_assert_true (media_until_selected (&n, 2, RECONNECT_BOUND_US));
  ice_sim_run_for (n.sim, 5 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (n.a_credentials_events + n.b_credentials_events, ==, 0);
  g_assert_cmpuint (count_selected (n.a), ==, 2);
  assert_nothing_lost (&n);
  net_clear (&n);
}

/* The owner of A sets its credentials, then new ones once connected (a
 * new offer with other a=ice-ufrag/ice-pwd): that is A's restart. */
static void
test_owner_credentials (void)
{
  IceSession *a, *b;
  gboolean restarted = TRUE;
  gchar *ufrag;
  Net n;

  net_init (&n, FALSE, 11);
  a = ice_sim_peer_get_session (n.a);
  b = ice_sim_peer_get_session (n.b);
  /* the first ones the owner sets are no restart */
  g_assert_true (ice_session_set_local_credentials (
      a, 0, "aOldUfrag", "aOldPasswordOfTheOwner0", 0, &restarted));
  g_assert_false (restarted);
  ice_sim_start (n.sim);
  g_assert_true (ice_sim_run_until_connected (n.sim, CONNECT_BOUND_US));
  g_assert_true (media_until_selected (&n, 1, G_TIME_SPAN_SECOND));
  /* the same again: nothing happens */
  g_assert_true (ice_session_set_local_credentials (
      a, 0, "aOldUfrag", "aOldPasswordOfTheOwner0", ice_sim_get_now (n.sim),
      &restarted));
  g_assert_false (restarted);

  g_assert_true (ice_session_set_local_credentials (
      a, 0, A_UFRAG, A_PWD, ice_sim_get_now (n.sim), &restarted));
  g_assert_true (restarted);
  g_assert_true (ice_session_set_remote_credentials (b, 0, A_UFRAG, A_PWD,
                                                     ice_sim_get_now (n.sim)));
  g_assert_true (media_until_selected (&n, 2, RECONNECT_BOUND_US));
  g_assert_cmpuint (ice_sim_peer_count_events (n.a, ICE_EVENT_GATHERING_DONE),
                    ==, 2);
  g_assert_cmpuint (n.a_credentials_events, ==, 0);
  g_assert_cmpuint (n.b_credentials_events, ==, 1);
  ufrag = local_ufrag (n.a);
  g_assert_cmpstr (ufrag, ==, A_UFRAG);
  g_free (ufrag);
  assert_nothing_lost (&n);
  /* consent runs on the owners' credentials */
  ice_sim_run_for (n.sim, 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (
      ice_sim_peer_count_events (n.a, ICE_EVENT_CONSENT_LOST)
          + ice_sim_peer_count_events (n.b, ICE_EVENT_CONSENT_LOST),
      ==, 0);
  g_assert_cmpuint (count_selected (n.a), ==, 2);

  /* B's credentials were made by its restart: the owner's values replace
   * them without another restart (webrtcbin's answer to the restart) */
  g_assert_true (ice_session_set_local_credentials (
      b, 0, B_UFRAG, B_PWD, ice_sim_get_now (n.sim), &restarted));
  g_assert_false (restarted);
  ufrag = local_ufrag (n.b);
  g_assert_cmpstr (ufrag, ==, B_UFRAG);
  g_free (ufrag);
  net_clear (&n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/session/restart/one-sided", test_one_sided);
  g_test_add_func ("/core/session/restart/one-sided-turn", test_one_sided_turn);
  g_test_add_func ("/core/session/restart/controlled-restarts",
                   test_controlled_restarts);
  g_test_add_func ("/core/session/restart/both", test_both_restart);
  g_test_add_func ("/core/session/restart/owner-credentials",
                   test_owner_credentials);
  return g_test_run ();
}
