/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A session that never hears enough from its peer ends FAILED after a
 * bounded wait (the rule in ice-session.h), in either role: nothing at
 * all from the signalling, credentials but no candidates and no checks,
 * candidates that never answer, and a description that only one side
 * received. Two sessions on a hand-driven link with a virtual clock.
 */
#include "test-session-link.h"

#define PAC_US (39500 * G_TIME_SPAN_MILLISECOND)
#define FAILURE_TIMEOUT_US (10 * G_TIME_SPAN_SECOND)
/* What the tests give the sessions before they must have failed */
#define GRACE_US (2 * G_TIME_SPAN_SECOND)

static IceRole
other_role (IceRole role)
{
  return role == ICE_ROLE_CONTROLLING ? ICE_ROLE_CONTROLLED
                                      : ICE_ROLE_CONTROLLING;
}

static void
link_init_role (Link *l, gconstpointer data)
{
  IceRole role = GPOINTER_TO_INT (data);

  link_init (l, role, other_role (role), ICE_NOMINATION_REGULAR);
}

/* Runs to @at_us, asserting @p is not failed yet, then one more second. */
static void
assert_fails_at (Link *l, Peer *p, gint64 at_us)
{
  run_for (l, at_us - 100 * G_TIME_SPAN_MILLISECOND - l->now);
  g_assert_cmpint (p->state, !=, ICE_CONNECTION_FAILED);
  g_assert_cmpint (ice_session_get_connection_state (p->session, 0), !=,
                   ICE_CONNECTION_FAILED);
  run_for (l, 100 * G_TIME_SPAN_MILLISECOND + G_TIME_SPAN_SECOND);
  g_assert_cmpint (p->state, ==, ICE_CONNECTION_FAILED);
  g_assert_cmpint (p->failed_us, ==, at_us);
  g_assert_cmpuint (p->n_failed, ==, 1);
  g_assert_cmpint (
      ice_session_get_connection_state (p->session, ICE_SESSION_ALL_STREAMS),
      ==, ICE_CONNECTION_FAILED);
  /* failed is final: nothing keeps the clock busy for it */
  run_for (l, 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (p->n_failed, ==, 1);
}

/* Neither credentials nor candidates ever come: both sides wait the PAC
 * time from the start of gathering, then fail. */
static void
test_nothing_from_peer (gconstpointer data)
{
  Link l;

  link_init_role (&l, data);
  run_for (&l, G_TIME_SPAN_SECOND);
  gather (&l);
  assert_fails_at (&l, &l.a, G_TIME_SPAN_SECOND + PAC_US);
  g_assert_cmpint (l.b.failed_us, ==, G_TIME_SPAN_SECOND + PAC_US);
  /* no pair was ever formed, no check sent */
  g_assert_cmpint (l.a.selected_us, <, 0);
  link_clear (&l);
}

/* The peer's credentials arrive (and restart the PAC time), but neither a
 * candidate nor a check ever follows. */
static void
test_credentials_only (gconstpointer data)
{
  const gint64 creds_at = 5 * G_TIME_SPAN_SECOND;
  IceSessionStats stats;
  Link l;

  link_init_role (&l, data);
  gather (&l);
  run_for (&l, creds_at);
  give_credentials (&l, &l.b, &l.a);
  drain (&l);
  assert_fails_at (&l, &l.a, creds_at + PAC_US);
  ice_session_get_stats (l.a.session, &stats);
  g_assert_cmpuint (stats.checks_sent, ==, 0);
  g_assert_cmpuint (stats.checks_received, ==, 0);
  link_clear (&l);
}

/* Credentials and candidates, no end-of-candidates, and the peer never
 * answers: the checks give up after 8.5 s, the stream fails
 * failure_timeout_us after the last candidate. */
static void
test_candidates_never_answer (gconstpointer data)
{
  const gint64 last_candidate_at = 3 * G_TIME_SPAN_SECOND;
  IceSessionStats stats;
  Link l;

  link_init_role (&l, data);
  l.cut = TRUE;
  gather (&l);
  give_credentials (&l, &l.b, &l.a);
  drain (&l);
  run_for (&l, last_candidate_at);
  give_candidates_only (&l, &l.b, &l.a);
  drain (&l);
  assert_fails_at (&l, &l.a, last_candidate_at + FAILURE_TIMEOUT_US);
  ice_session_get_stats (l.a.session, &stats);
  g_assert_cmpuint (stats.checks_sent, >=, 5);
  g_assert_cmpuint (stats.responses_received, ==, 0);
  link_clear (&l);
}

/* A got B's whole description, B never got A's (the signalling lost it).
 * B answers A's checks with its own password (RFC 8445 §7.3) but can
 * never check or be nominated: B fails the PAC time after gathering.
 * A controlling: its nomination succeeds, A stays connected. A
 * controlled: no nomination ever comes, A fails failure_timeout_us after
 * its valid pair (its rechecks are no progress). */
static void
test_one_way_description (gconstpointer data)
{
  IceRole role = GPOINTER_TO_INT (data);
  Link l;

  link_init_role (&l, data);
  gather (&l);
  give_credentials (&l, &l.b, &l.a);
  give_candidates (&l, &l.b, &l.a);
  drain (&l);
  run_for (&l, G_TIME_SPAN_SECOND);
  g_assert_cmpint (l.b.state, ==, ICE_CONNECTION_NEW);
  if (role == ICE_ROLE_CONTROLLING) {
    g_assert_cmpint (l.a.selected_us, >=, 0);
    assert_fails_at (&l, &l.b, PAC_US);
    g_assert_cmpuint (l.a.n_failed + l.a.n_consent_lost, ==, 0);
    g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_COMPLETED);
  } else {
    g_assert_cmpint (l.a.selected_us, <, 0);
    g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_CHECKING);
    run_for (&l, FAILURE_TIMEOUT_US + GRACE_US);
    g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_FAILED);
    g_assert_cmpint (l.a.failed_us, <=, FAILURE_TIMEOUT_US + LINK_DELAY_US * 4);
    g_assert_cmpint (l.a.failed_us, >=, FAILURE_TIMEOUT_US);
    assert_fails_at (&l, &l.b, PAC_US);
  }
  link_clear (&l);
}

/* After the failure, a restart brings the session back (the PAC time
 * counts anew). */
static void
test_restart_after_failure (void)
{
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  gather (&l);
  run_for (&l, PAC_US + GRACE_US);
  g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_FAILED);
  g_assert_cmpint (l.b.state, ==, ICE_CONNECTION_FAILED);
  g_array_set_size (l.a.candidates, 0);
  g_array_set_size (l.b.candidates, 0);
  ice_session_restart (l.a.session, l.now);
  ice_session_restart (l.b.session, l.now);
  drain (&l);
  g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_CHECKING);
  g_assert_cmpuint (l.a.candidates->len, >=, 1);
  run_for (&l, G_TIME_SPAN_SECOND);
  give_credentials (&l, &l.a, &l.b);
  give_credentials (&l, &l.b, &l.a);
  give_candidates (&l, &l.a, &l.b);
  give_candidates (&l, &l.b, &l.a);
  drain (&l);
  run_until_selected (&l, l.now + 2 * G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (&l));
  assert_media_flows (&l, &l.a, &l.b);
  link_clear (&l);
}

/* The PAC time is the application's to choose (RFC 8863 §4): 5 s here. */
static void
test_configured_pac_time (void)
{
  IceSessionConfig config;
  IceTransportAddr addr;
  IceSession *session;
  guint64 rng = 99;
  gint64 now = 0, failed_at = -1, next;
  IceEvent ev;

  ice_session_config_init (&config);
  g_assert_cmpint (config.pac_timeout_us, ==, PAC_US);
  config.pac_timeout_us = 5 * G_TIME_SPAN_SECOND;
  config.random = peer_random;
  config.random_data = &rng;
  session = ice_session_new (&config);
  ice_session_add_stream (session, 1);
  g_assert_true (ice_addr_parse_ip (&addr, "10.0.0.1", 5000));
  ice_session_add_host_address (session, 0, 1, &addr, 0);
  ice_session_start_gathering (session, now);
  while (failed_at < 0 && (next = ice_session_next_timeout (session)) >= 0) {
    g_assert_cmpint (next, <=, 5 * G_TIME_SPAN_SECOND);
    now = MAX (now, next);
    ice_session_handle_timeout (session, now);
    while (ice_session_poll_event (session, &ev))
      if (ev.type == ICE_EVENT_CONNECTION_STATE
          && ev.u.state.state == ICE_CONNECTION_FAILED)
        failed_at = now;
  }
  g_assert_cmpint (failed_at, ==, 5 * G_TIME_SPAN_SECOND);
  ice_session_free (session);
}

/* Both peers with pac_timeout_us = 0 (wait for the peer forever). */
static void
link_init_patient (Link *l, gconstpointer data)
{
  IceRole role = GPOINTER_TO_INT (data);
  IceSessionConfig config;

  memset (l, 0, sizeof (*l));
  ice_session_config_init (&config);
  config.pac_timeout_us = 0;
  config.role = role;
  peer_init_config (&l->a, "10.0.0.1", &config, 0x1234567);
  config.role = other_role (role);
  peer_init_config (&l->b, "10.0.0.2", &config, 0x7654321);
  g_queue_init (&l->wire);
  l->loss_rng = 42;
}

static void
assert_not_failed (Peer *p)
{
  g_assert_cmpuint (p->n_failed, ==, 0);
  g_assert_cmpint (ice_session_get_connection_state (p->session, 0), !=,
                   ICE_CONNECTION_FAILED);
}

/* pac_timeout_us = 0: a peer never heard from is waited for forever. */
static void
test_patient_nothing_from_peer (gconstpointer data)
{
  Link l;

  link_init_patient (&l, data);
  gather (&l);
  run_for (&l, 60 * 60 * G_TIME_SPAN_SECOND);
  assert_not_failed (&l.a);
  assert_not_failed (&l.b);
  g_assert_cmpint (ice_session_next_timeout (l.a.session), <, 0);
  link_clear (&l);
}

/* pac_timeout_us = 0 and the peer's description comes 50 minutes late:
 * the stream connects as usual and media flows. */
static void
test_patient_late_peer_connects (gconstpointer data)
{
  Link l;

  link_init_patient (&l, data);
  gather (&l);
  run_for (&l, 50 * 60 * G_TIME_SPAN_SECOND);
  assert_not_failed (&l.a);
  give_credentials (&l, &l.a, &l.b);
  give_candidates (&l, &l.a, &l.b);
  give_credentials (&l, &l.b, &l.a);
  give_candidates (&l, &l.b, &l.a);
  drain (&l);
  run_until_selected (&l, l.now + 5 * G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (&l));
  assert_media_flows (&l, &l.a, &l.b);
  assert_media_flows (&l, &l.b, &l.a);
  assert_not_failed (&l.a);
  assert_not_failed (&l.b);
  link_clear (&l);
}

/* pac_timeout_us = 0 lifts only the wait for the credentials: once they
 * came with no candidate nor check, the 39.5 s PAC time applies. */
static void
test_patient_then_usual_rules (gconstpointer data)
{
  const gint64 creds_at = 50 * 60 * G_TIME_SPAN_SECOND;
  Link l;

  link_init_patient (&l, data);
  gather (&l);
  run_for (&l, creds_at);
  give_credentials (&l, &l.b, &l.a);
  drain (&l);
  assert_fails_at (&l, &l.a, creds_at + PAC_US);
  link_clear (&l);
}

static void
add_both_roles (const gchar *name, GTestDataFunc func)
{
  gchar *path;

  path = g_strdup_printf ("/core/session/failure/%s/controlling", name);
  g_test_add_data_func (path, GINT_TO_POINTER (ICE_ROLE_CONTROLLING), func);
  g_free (path);
  path = g_strdup_printf ("/core/session/failure/%s/controlled", name);
  g_test_add_data_func (path, GINT_TO_POINTER (ICE_ROLE_CONTROLLED), func);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  add_both_roles ("nothing-from-peer", test_nothing_from_peer);
  add_both_roles ("credentials-only", test_credentials_only);
  add_both_roles ("candidates-never-answer", test_candidates_never_answer);
  add_both_roles ("one-way-description", test_one_way_description);
  add_both_roles ("patient/nothing-from-peer", test_patient_nothing_from_peer);
  add_both_roles ("patient/late-peer-connects",
                  test_patient_late_peer_connects);
  add_both_roles ("patient/then-usual-rules", test_patient_then_usual_rules);
  g_test_add_func ("/core/session/failure/restart-after-failure",
                   test_restart_after_failure);
  g_test_add_func ("/core/session/failure/configured-pac-time",
                   test_configured_pac_time);
  return g_test_run ();
}
