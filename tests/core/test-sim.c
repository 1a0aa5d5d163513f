/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The simulation driver itself: the clock only moves forward and jumps from
 * deadline to deadline, events are logged, signalling and media work. The
 * ICE behaviours are tested by the session's own tests.
 */
#include "ice/testing/ice-sim.h"
#include "ice/testing/ice-vstun.h"

#include <string.h>
#include <sys/wait.h>

#define MS 1000
#define DEADLINE (30 * G_USEC_PER_SEC)

typedef struct {
  IceSim *sim;
  IceSimPeer *a, *b;
  gint64 last_event_us;
  guint n_events;
} Fixture;

static void
on_event (IceSim *sim, IceSimPeer *peer, const IceEvent *event,
          gpointer user_data)
{
  Fixture *f = user_data;

  /* the clock only moves forward */
  g_assert_cmpint (ice_sim_get_now (sim), >=, f->last_event_us);
  f->last_event_us = ice_sim_get_now (sim);
  f->n_events++;
}

/* Two public hosts on one link with @one_way_us of latency. */
static void
fixture_init (Fixture *f, guint64 seed, gint64 one_way_us,
              IceSimSignalMode mode, gint64 signal_delay_us)
{
  IceVnetLink link = { one_way_us, 0, 0 };
  IceSessionConfig config;
  guint ha, hb;

  memset (f, 0, sizeof (*f));
  f->sim = ice_sim_new (seed);
  ice_vnet_set_realm_link (ice_sim_get_vnet (f->sim), ICE_VNET_INTERNET, &link);
  ha = ice_sim_add_host (f->sim, "a", ICE_VNET_INTERNET, "203.0.113.1");
  hb = ice_sim_add_host (f->sim, "b", ICE_VNET_INTERNET, "203.0.113.2");
  ice_session_config_init (&config);
  config.role = ICE_ROLE_CONTROLLING;
  f->a = ice_sim_add_peer (f->sim, "a", ha, &config, 1);
  config.role = ICE_ROLE_CONTROLLED;
  f->b = ice_sim_add_peer (f->sim, "b", hb, &config, 1);
  ice_sim_pair (f->sim, f->a, f->b, mode, signal_delay_us);
  ice_sim_set_event_func (f->sim, on_event, f);
}

static void
test_connect_and_log (void)
{
  Fixture f;
  IceSimPeerStats sa, sb;
  gchar *states;

  fixture_init (&f, 1, 10 * MS, ICE_SIM_SIGNAL_TRICKLE, 0);
  ice_sim_start (f.sim);
  g_assert_true (ice_sim_run_until_connected (f.sim, DEADLINE));
  ice_sim_peer_get_stats (f.a, &sa);
  ice_sim_peer_get_stats (f.b, &sb);
  /* a check and its answer cross the 10 ms link at least once each way */
  g_assert_cmpint (sa.first_selected_us, >=, 20 * MS);
  g_assert_cmpint (sb.first_selected_us, >=, 10 * MS);
  g_assert_cmpint (sa.connected_us, >=, 0);
  g_assert_cmpint (ice_sim_get_now (f.sim), <, DEADLINE);
  g_assert_cmpuint (ice_sim_peer_count_events (f.a, ICE_EVENT_LOCAL_CANDIDATE),
                    >=, 1);
  g_assert_cmpuint (ice_sim_peer_count_events (f.a, ICE_EVENT_GATHERING_DONE),
                    ==, 1);
  g_assert_cmpuint (ice_sim_peer_count_events (f.b, ICE_EVENT_SELECTED_PAIR),
                    >=, 1);
  states = ice_sim_peer_states_to_string (f.a, 0);
  g_assert_true (g_str_has_prefix (states, "new,checking,connected")
                 || g_str_has_prefix (states, "new,checking,completed"));
  g_free (states);
  g_assert_cmpuint (f.n_events, ==,
                    ice_sim_peer_get_events (f.a)->len
                        + ice_sim_peer_get_events (f.b)->len);
  ice_sim_free (f.sim);
}

/* Idle for a minute: the loop jumps between the sessions' deadlines
 * (consent checks every few seconds), it does not tick. */
static void
test_clock_jumps (void)
{
  Fixture f;
  IceSimStats before, after;
  gint64 start;

  fixture_init (&f, 2, 5 * MS, ICE_SIM_SIGNAL_TRICKLE, 0);
  ice_sim_start (f.sim);
  g_assert_true (ice_sim_run_until_connected (f.sim, DEADLINE));
  ice_sim_get_stats (f.sim, &before);
  start = ice_sim_get_now (f.sim);
  ice_sim_run_for (f.sim, 60 * G_USEC_PER_SEC);
  ice_sim_get_stats (f.sim, &after);
  g_assert_cmpint (ice_sim_get_now (f.sim), ==, start + 60 * G_USEC_PER_SEC);
  g_assert_cmpuint (after.steps - before.steps, >, 0);
  g_assert_cmpuint (after.steps - before.steps, <, 1000);
  g_assert_false (after.stalled);
  g_assert_cmpuint (after.undeliverable, ==, 0);
  ice_sim_free (f.sim);
}

static void
test_empty_run (void)
{
  IceSim *sim = ice_sim_new (3);
  IceSimStats stats;

  ice_sim_start (sim);
  g_assert_false (ice_sim_run_until (sim, NULL, NULL, 2 * G_USEC_PER_SEC));
  g_assert_cmpint (ice_sim_get_now (sim), ==, 2 * G_USEC_PER_SEC);
  ice_sim_get_stats (sim, &stats);
  g_assert_cmpuint (stats.steps, ==, 1);
  /* a deadline in the past does not move the clock back */
  ice_sim_run_until (sim, NULL, NULL, G_USEC_PER_SEC);
  g_assert_cmpint (ice_sim_get_now (sim), ==, 2 * G_USEC_PER_SEC);
  ice_sim_free (sim);
}

/* Candidates bundled after gathering arrive one signalling delay later:
 * nothing can be selected before. */
static void
test_signalling_delay (void)
{
  Fixture f;
  IceSimPeerStats sa;

  fixture_init (&f, 4, 5 * MS, ICE_SIM_SIGNAL_AFTER_GATHERING, 300 * MS);
  ice_sim_start (f.sim);
  g_assert_true (ice_sim_run_until_connected (f.sim, DEADLINE));
  ice_sim_peer_get_stats (f.a, &sa);
  g_assert_cmpint (sa.first_selected_us, >=, 300 * MS);
  ice_sim_free (f.sim);
}

/* When @peer's stream 0 started checking (it had the partner's credentials
 * and a candidate), or -1. */
static gint64
checking_since (IceSimPeer *peer)
{
  const GArray *states = ice_sim_peer_get_states (peer);
  guint i;

  for (i = 0; i < states->len; i++) {
    const IceSimStateRecord *r = &g_array_index (states, IceSimStateRecord, i);

    if (r->stream_id == 0 && r->state == ICE_CONNECTION_CHECKING)
      return r->time_us;
  }
  return -1;
}

/* ice_sim_peer_set_signal_delay: a's messages take 300 ms, b's none, so b
 * starts checking 300 ms in, a at once (b's checks then find a). */
static void
test_signalling_delay_one_way (void)
{
  Fixture f;

  fixture_init (&f, 4, 5 * MS, ICE_SIM_SIGNAL_TRICKLE, 0);
  ice_sim_peer_set_signal_delay (f.a, 300 * MS);
  ice_sim_start (f.sim);
  g_assert_true (ice_sim_run_until_connected (f.sim, DEADLINE));
  g_assert_cmpint (checking_since (f.a), >=, 0);
  g_assert_cmpint (checking_since (f.a), <, 300 * MS);
  g_assert_cmpint (checking_since (f.b), ==, 300 * MS);
  ice_sim_free (f.sim);
}

static void
on_media (IceSim *sim, IceSimPeer *peer, const IceDelivery *delivery,
          const guint8 *payload, gpointer user_data)
{
  guint *n = user_data;

  g_assert_cmpuint (delivery->stream_id, ==, 0);
  g_assert_cmpuint (delivery->component_id, ==, 1);
  g_assert_cmpuint (delivery->len, ==, 100);
  g_assert_cmpuint (payload[0], ==, 0x80);
  g_assert_cmpuint (payload[99], ==, *n);
  (*n)++;
}

static void
test_media (void)
{
  Fixture f;
  IceSimPeerStats sa, sb;
  guint8 payload[100] = { 0x80, 0x60 };
  guint i, n_media = 0;

  fixture_init (&f, 5, 5 * MS, ICE_SIM_SIGNAL_TRICKLE, 0);
  ice_sim_start (f.sim);
  g_assert_true (ice_sim_run_until_connected (f.sim, DEADLINE));
  /* let the controlled side learn the nomination too */
  ice_sim_run_for (f.sim, 100 * MS);
  ice_sim_set_media_func (f.sim, on_media, &n_media);
  for (i = 0; i < 10; i++) {
    payload[99] = i;
    g_assert_true (
        ice_sim_peer_send_media (f.a, 0, 1, payload, sizeof (payload)));
  }
  ice_sim_run_for (f.sim, 50 * MS);
  ice_sim_peer_get_stats (f.a, &sa);
  ice_sim_peer_get_stats (f.b, &sb);
  g_assert_cmpuint (sa.media_sent, ==, 10);
  g_assert_cmpuint (sb.media_received, ==, 10);
  g_assert_cmpuint (sb.media_bytes_received, ==, 10 * sizeof (payload));
  g_assert_cmpuint (n_media, ==, 10);
  ice_sim_free (f.sim);
}

/* Same seed, same run: every event at the same virtual time. */
static GArray *
run_log (guint64 seed)
{
  Fixture f;
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
  const GArray *events;
  IceVnetLink lossy = { 10 * MS, 5 * MS, 0.1 };
  guint i;

  fixture_init (&f, seed, 0, ICE_SIM_SIGNAL_TRICKLE, 20 * MS);
  ice_vnet_set_realm_link (ice_sim_get_vnet (f.sim), ICE_VNET_INTERNET, &lossy);
  ice_sim_start (f.sim);
  ice_sim_run_until_settled (f.sim, DEADLINE);
  events = ice_sim_peer_get_events (f.a);
  for (i = 0; i < events->len; i++)
    g_array_append_val (times,
                        g_array_index (events, IceSimEventRecord, i).time_us);
  ice_sim_free (f.sim);
  return times;
}

static void
test_deterministic (void)
{
  GArray *r1 = run_log (9), *r2 = run_log (9);

  g_assert_cmpuint (r1->len, >, 0);
  g_assert_cmpmem (r1->data, r1->len * sizeof (gint64), r2->data,
                   r2->len * sizeof (gint64));
  g_array_unref (r1);
  g_array_unref (r2);
}

/* A peer behind a NAT learns its server-reflexive candidate from the
 * virtual STUN server. */
static void
test_stun_gathering (void)
{
  IceSim *sim = ice_sim_new (6);
  IceVnet *vnet = ice_sim_get_vnet (sim);
  IceVstunServer *server;
  IceTransportAddr stun;
  IceSimPeer *peer;
  const GArray *events;
  guint realm, host, i, srflx = 0;

  realm = ice_vnet_add_nat (vnet, ICE_VNET_INTERNET, "198.51.100.1", NULL);
  host = ice_sim_add_host (sim, "a", realm, "192.168.1.2");
  server = ice_vstun_server_new (vnet, ICE_VNET_INTERNET, "203.0.113.50:3478",
                                 NULL);
  ice_vstun_server_get_address (server, &stun);
  peer = ice_sim_add_peer (sim, "a", host, NULL, 1);
  ice_sim_peer_add_stun_server (peer, &stun);
  ice_sim_start (sim);
  ice_sim_run_for (sim, 5 * G_USEC_PER_SEC);
  events = ice_sim_peer_get_events (peer);
  for (i = 0; i < events->len; i++) {
    const IceEvent *ev = &g_array_index (events, IceSimEventRecord, i).event;
    gchar ip[ICE_ADDR_STRLEN];

    if (ev->type != ICE_EVENT_LOCAL_CANDIDATE
        || ev->u.candidate.type != ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE)
      continue;
    srflx++;
    g_assert_cmpstr (ice_addr_ip_to_string (&ev->u.candidate.addr, ip), ==,
                     "198.51.100.1");
  }
  g_assert_cmpuint (srflx, ==, 1);
  g_assert_cmpuint (ice_sim_peer_count_events (peer, ICE_EVENT_GATHERING_DONE),
                    ==, 1);
  ice_vstun_server_free (server);
  ice_sim_free (sim);
}

/* --- `gst-ice sim`, when the tool is built ---------------------------- */

static gchar *
tool_path (void)
{
  const gchar *builddir = g_getenv ("GST_ICE_TEST_BUILDDIR");
  gchar *path;

  if (!builddir)
    return NULL;
  path = g_build_filename (builddir, "..", "tools", "gst-ice", NULL);
  if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    return path;
  g_free (path);
  return NULL;
}

/* Runs `gst-ice sim ARGS...`; returns the exit status. */
static gint
run_tool (const gchar *path, const gchar *const *args, gchar **out, gchar **err)
{
  GPtrArray *argv = g_ptr_array_new ();
  GError *error = NULL;
  gint status = -1;
  guint i;

  g_ptr_array_add (argv, (gpointer)path);
  g_ptr_array_add (argv, (gpointer) "sim");
  for (i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (gchar **)argv->pdata, NULL,
                               G_SPAWN_DEFAULT, NULL, NULL, out, err, &status,
                               &error));
  g_assert_no_error (error);
  g_ptr_array_unref (argv);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_tool (void)
{
  const gchar *direct[] = { "--seed", "3", "--rtt", "40", NULL };
  const gchar *symmetric[] = { "--a-nat", "apdm-apdf", "--b-nat", "apdm-apdf",
                               "--stun",  "--timeout", "12",      NULL };
  const gchar *cone[] = { "--a-nat", "eim-apdf",  "--b-nat", "eim-adf",
                          "--stun",  "--trickle", NULL };
  const gchar *bad[] = { "--a-nat", "cone", NULL };
  const gchar *help[] = { "--help", NULL };
  gchar *path = tool_path (), *out = NULL, *err = NULL, *again = NULL;

  if (!path) {
    g_test_skip ("tools/gst-ice is not built");
    return;
  }
  g_assert_cmpint (run_tool (path, direct, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "\"connected\": true"));
  g_assert_nonnull (strstr (out, "\"local_type\": \"host\""));
  g_assert_nonnull (strstr (out, "\"rtt_ms\": 40"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* RFC 8445 §2.2: both sides symmetric, no relay: no pair works */
  g_assert_cmpint (run_tool (path, symmetric, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "\"connected\": false"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_tool (path, cone, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "\"connected\": true"));
  g_assert_nonnull (strstr (out, "srflx"));
  /* same options, same seed: the same run, byte for byte */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_tool (path, cone, &again, &err), ==, 0);
  g_assert_cmpstr (out, ==, again);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&again, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_tool (path, bad, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "expected none or"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_tool (path, help, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "connect_ms"));
  g_free (out);
  g_free (err);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/connect-and-log", test_connect_and_log);
  g_test_add_func ("/sim/clock/jumps", test_clock_jumps);
  g_test_add_func ("/sim/clock/empty-run", test_empty_run);
  g_test_add_func ("/sim/signalling/delay", test_signalling_delay);
  g_test_add_func ("/sim/signalling/one-way-delay",
                   test_signalling_delay_one_way);
  g_test_add_func ("/sim/media", test_media);
  g_test_add_func ("/sim/deterministic", test_deterministic);
  g_test_add_func ("/sim/stun-gathering", test_stun_gathering);
  g_test_add_func ("/sim/tool", test_tool);
  return g_test_run ();
}
