/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A TURN server that restarts under a relay-only call (ice-relay-recover.c)
 * on the virtual network and clock: the server forgets its allocations
 * (ice_vturn_server_restart()), at once or after an outage during which
 * it drops everything. Both peers must report RELAY_ERROR ("allocation
 * lost") well before consent would run out, make a new allocation,
 * restart ICE over it and carry media again.
 */
#include <string.h>

#include "ice/core/ice-relay.h"
#include "ice/testing/ice-sim.h"
#include "ice/testing/ice-vturn.h"

#define INTERNET_DELAY_US (20 * G_TIME_SPAN_MILLISECOND)
#define CONNECT_BOUND_US (15 * G_TIME_SPAN_SECOND)
/* RFC 7675 §5.1: consent is lost 30 s after the last answer */
#define CONSENT_WINDOW_US (30 * G_TIME_SPAN_SECOND)
#define TURN_USER "user"
#define TURN_PASSWORD "secret"

typedef struct {
  IceSim *sim;
  IceVturnServer *turn;
  IceSimPeer *a, *b;
} Net;

static IceSimPeer *
add_peer (Net *n, const gchar *name, const gchar *ip, IceRole role)
{
  IceSessionConfig cfg;
  IceTransportAddr server;
  IceSimPeer *peer;
  guint host = ice_sim_add_host (n->sim, name, ICE_VNET_INTERNET, ip);

  ice_session_config_init (&cfg);
  cfg.role = role;
  cfg.relay_only = TRUE;
  peer = ice_sim_add_peer (n->sim, name, host, &cfg, 1);
  ice_vturn_server_get_address (n->turn, &server);
  g_assert_true (ice_session_add_turn_server (
      ice_sim_peer_get_session (peer), &server, TURN_USER, TURN_PASSWORD));
  return peer;
}

static void
net_connect (Net *n, guint64 seed)
{
  IceVnetLink link = { INTERNET_DELAY_US, 0, 0 };
  IceVturnConfig cfg;

  memset (n, 0, sizeof (*n));
  n->sim = ice_sim_new (seed);
  ice_vnet_set_realm_link (ice_sim_get_vnet (n->sim), ICE_VNET_INTERNET, &link);
  ice_vturn_config_init (&cfg);
  cfg.address = "198.51.100.2:3478";
  n->turn = ice_vturn_server_new (ice_sim_get_vnet (n->sim), ICE_VNET_INTERNET,
                                  &cfg);
  g_assert_true (ice_vturn_server_add_user (n->turn, TURN_USER, TURN_PASSWORD));
  n->a = add_peer (n, "a", "203.0.113.11", ICE_ROLE_CONTROLLING);
  n->b = add_peer (n, "b", "203.0.113.12", ICE_ROLE_CONTROLLED);
  ice_sim_pair (n->sim, n->a, n->b, ICE_SIM_SIGNAL_TRICKLE,
                50 * G_TIME_SPAN_MILLISECOND);
  ice_sim_start (n->sim);
  g_assert_true (ice_sim_run_until_connected (n->sim, CONNECT_BOUND_US));
}

static void
net_clear (Net *n)
{
  ice_vturn_server_free (n->turn);
  ice_sim_free (n->sim);
}

/* Ten datagrams each way over the selected (relayed) pairs; returns how
 * many arrived at each end. */
static void
exchange_media (Net *n, guint64 *to_a, guint64 *to_b)
{
  static const guint8 payload[] = { 0x80, 0x60, 0, 1, 2, 3, 4, 5, 6 };
  IceSimPeerStats before_a, before_b, sa, sb;
  guint i;

  ice_sim_peer_get_stats (n->a, &before_a);
  ice_sim_peer_get_stats (n->b, &before_b);
  for (i = 0; i < 10; i++) {
    ice_sim_peer_send_media (n->a, 0, 1, payload, sizeof (payload));
    ice_sim_peer_send_media (n->b, 0, 1, payload, sizeof (payload));
    ice_sim_run_for (n->sim, 100 * G_TIME_SPAN_MILLISECOND);
  }
  ice_sim_run_for (n->sim, G_TIME_SPAN_SECOND);
  ice_sim_peer_get_stats (n->a, &sa);
  ice_sim_peer_get_stats (n->b, &sb);
  *to_a = sa.media_received - before_a.media_received;
  *to_b = sb.media_received - before_b.media_received;
}

/* The first RELAY_ERROR after @since: its time, or -1 */
static gint64
first_relay_error (IceSimPeer *peer, gint64 since, IceEvent *out)
{
  const GArray *events = ice_sim_peer_get_events (peer);
  guint i;

  for (i = 0; i < events->len; i++) {
    const IceSimEventRecord *r = &g_array_index (events, IceSimEventRecord, i);

    if (r->time_us >= since && r->event.type == ICE_EVENT_RELAY_ERROR) {
      *out = r->event;
      return r->time_us;
    }
  }
  return -1;
}

static guint
count_since (IceSimPeer *peer, IceEventType type, gint64 since)
{
  const GArray *events = ice_sim_peer_get_events (peer);
  guint i, n = 0;

  for (i = 0; i < events->len; i++) {
    const IceSimEventRecord *r = &g_array_index (events, IceSimEventRecord, i);

    n += r->time_us >= since && r->event.type == type;
  }
  return n;
}

typedef struct {
  Net *net;
  gint64 since;
} Recovery;

/* Both peers have selected a pair again since the loss, relayed through a
 * new allocation, and are connected. */
static gboolean
recovered (IceSim *sim, gpointer data)
{
  Recovery *r = data;
  IceSimPeer *peers[] = { r->net->a, r->net->b };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (peers); i++) {
    IceConnectionState state = ice_session_get_connection_state (
        ice_sim_peer_get_session (peers[i]), 0);

    if (count_since (peers[i], ICE_EVENT_SELECTED_PAIR, r->since) == 0
        || (state != ICE_CONNECTION_CONNECTED
            && state != ICE_CONNECTION_COMPLETED))
      return FALSE;
  }
  return TRUE;
}

static void
assert_lost_and_recovered (Net *n, gint64 since, const gchar *reason)
{
  IceSimPeer *peers[] = { n->a, n->b };
  Recovery r = { n, since };
  IceCandidate local, remote;
  guint64 to_a, to_b;
  IceEvent ev;
  guint i;

  g_assert_true (
      ice_sim_run_until (n->sim, recovered, &r, since + 2 * CONSENT_WINDOW_US));
  for (i = 0; i < G_N_ELEMENTS (peers); i++) {
    gint64 at = first_relay_error (peers[i], since, &ev);

    g_assert_cmpint (at, >=, 0);
    g_test_message ("%s: relay-error %.1f s after the loss: %s",
                    ice_sim_peer_get_name (peers[i]), (at - since) / 1e6,
                    ev.u.relay_error.message);
    g_assert_cmpint (at - since, <, CONSENT_WINDOW_US);
    g_assert_true (ev.u.relay_error.fatal);
    g_assert_nonnull (strstr (ev.u.relay_error.message, "allocation lost"));
    g_assert_nonnull (strstr (ev.u.relay_error.message, reason));
    g_assert_nonnull (strstr (ev.u.relay_error.message, "198.51.100.2"));
    /* an ICE restart with new credentials, and no consent lost first */
    g_assert_true (ice_session_get_selected_pair (
        ice_sim_peer_get_session (peers[i]), 0, 1, &local, &remote));
    g_assert_cmpint (local.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
    g_assert_cmpint (remote.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  }
  g_assert_cmpuint (
      count_since (n->a, ICE_EVENT_LOCAL_CREDENTIALS, since)
          + count_since (n->b, ICE_EVENT_LOCAL_CREDENTIALS, since),
      >=, 1);
  g_assert_cmpuint (ice_vturn_server_n_allocations (n->turn), ==, 2);
  for (i = 0; i < G_N_ELEMENTS (peers); i++) {
    IceSessionStats stats;

    ice_session_get_stats (ice_sim_peer_get_session (peers[i]), &stats);
    g_assert_cmpuint (stats.relay_allocations_lost, ==, 1);
    g_assert_cmpuint (stats.relay_reallocations, ==, 1);
  }
  exchange_media (n, &to_a, &to_b);
  g_assert_cmpuint (to_a, ==, 10);
  g_assert_cmpuint (to_b, ==, 10);
}

/* The server restarts and answers again at once: the probing Refresh
 * meets 437 (RFC 8656 §7.3). */
static void
test_server_restart (void)
{
  guint64 to_a, to_b;
  gint64 since;
  Net n;

  net_connect (&n, 41);
  exchange_media (&n, &to_a, &to_b);
  g_assert_cmpuint (to_a, ==, 10);
  since = ice_sim_get_now (n.sim);
  ice_vturn_server_restart (n.turn);
  g_assert_cmpuint (ice_vturn_server_n_allocations (n.turn), ==, 0);
  assert_lost_and_recovered (&n, since, "437");
  net_clear (&n);
}

/* The server is down for 20 s (nothing reaches it or leaves it), then
 * comes back restarted: the probe goes unanswered, the re-allocation's
 * retransmissions reach the server once it is back. */
static void
test_server_outage (void)
{
  IceVnetLink down = { .loss = 1.0 };
  IceVnetLink up = { .loss = 0.0 };
  IceVnet *vnet;
  guint host;
  gint64 since;
  Net n;

  net_connect (&n, 43);
  vnet = ice_sim_get_vnet (n.sim);
  host = ice_vturn_server_get_host (n.turn);
  since = ice_sim_get_now (n.sim);
  ice_vnet_set_interface_link (vnet, host, 0, &down);
  ice_sim_run_for (n.sim, 20 * G_TIME_SPAN_SECOND);
  ice_vturn_server_restart (n.turn);
  ice_vnet_set_interface_link (vnet, host, 0, &up);
  assert_lost_and_recovered (&n, since, "no response");
  net_clear (&n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/session/relay/server-restart", test_server_restart);
  g_test_add_func ("/core/session/relay/server-outage", test_server_outage);
  return g_test_run ();
}
