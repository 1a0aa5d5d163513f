/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Trickle ICE (RFC 8838) in any order, early checks (RFC 8445 §7.3), role
 * conflicts (§7.3.1.1) and when a session gives up: after end-of-candidates,
 * after failure_timeout_us without it, never before the RFC 8863 PAC timer
 * when no pair could be tried. Two sessions on a hand-driven link.
 */
#include "test-session-link.h"

#define TA_US (50 * G_TIME_SPAN_MILLISECOND)
#define RTT_US (2 * LINK_DELAY_US)

/* B learns A's credentials at once but A's candidates only a second later:
 * A's checks reach B first, B learns A as peer reflexive, and both select
 * before the candidates arrive; the signalled candidate then replaces the
 * prflx one without a new selection, and B hears the selected pair's new
 * description once. */
static void
test_checks_before_candidates (void)
{
  IceCandidate local, remote;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  gather (&l);
  give_credentials (&l, &l.a, &l.b);
  give_credentials (&l, &l.b, &l.a);
  give_candidates (&l, &l.b, &l.a);
  drain (&l);
  run_until_selected (&l, G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (&l));
  g_assert_cmpuint (l.b.n_prflx, ==, 1);
  g_assert_true (
      ice_session_get_selected_pair (l.b.session, 0, 1, &local, &remote));
  g_assert_cmpint (remote.type, ==, ICE_CANDIDATE_TYPE_PEER_REFLEXIVE);
  g_assert_true (ice_addr_equal (&remote.addr, &l.a.addr));
  run_for (&l, G_TIME_SPAN_SECOND - l.now);
  give_candidates (&l, &l.a, &l.b);
  drain (&l);
  run_for (&l, G_TIME_SPAN_SECOND);
  g_assert_cmpuint (l.b.n_selected, ==, 1);
  g_assert_cmpuint (l.a.n_selected, ==, 1);
  g_assert_cmpuint (l.b.n_renamed, ==, 1);
  g_assert_cmpint (l.b.renamed_type, ==, ICE_CANDIDATE_TYPE_HOST);
  g_assert_cmpuint (l.a.n_renamed, ==, 0);
  g_assert_true (
      ice_session_get_selected_pair (l.b.session, 0, 1, &local, &remote));
  g_assert_cmpint (remote.type, ==, ICE_CANDIDATE_TYPE_HOST);
  g_assert_cmpuint (l.a.n_failed + l.b.n_failed, ==, 0);
  assert_media_flows (&l, &l.a, &l.b);
  assert_media_flows (&l, &l.b, &l.a);
  link_clear (&l);
}

/* A learns B's candidates first and B's credentials 200 ms later: pairs
 * wait for the password, then connect. */
static void
test_candidates_before_credentials (void)
{
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  gather (&l);
  give_candidates (&l, &l.b, &l.a);
  give_credentials (&l, &l.a, &l.b);
  give_candidates (&l, &l.a, &l.b);
  drain (&l);
  run_for (&l, 200 * G_TIME_SPAN_MILLISECOND);
  g_assert_false (both_selected (&l));
  give_credentials (&l, &l.b, &l.a);
  drain (&l);
  run_until_selected (&l, 2 * G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (&l));
  g_assert_cmpint (l.a.selected_us, <=, l.now);
  g_assert_cmpint (l.a.selected_us - 200 * G_TIME_SPAN_MILLISECOND, <=,
                   TA_US + 2 * RTT_US);
  assert_media_flows (&l, &l.a, &l.b);
  link_clear (&l);
}

/* B hears nothing from the signalling for a second while A's checks (and
 * its nomination) arrive: B answers them with its own password only, then
 * connects at once when A's credentials come. */
static void
test_early_checks (void)
{
  const gint64 late = G_TIME_SPAN_SECOND;
  IceSessionStats stats;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  l.b.late = TRUE;
  start (&l);
  run_for (&l, late);
  ice_session_get_stats (l.b.session, &stats);
  g_assert_cmpuint (stats.checks_received, >=, 2);
  g_assert_cmpuint (stats.checks_sent, ==, 0);
  /* A's checks were answered: A has even selected its pair */
  g_assert_cmpint (l.a.selected_us, >=, 0);
  g_assert_cmpint (l.b.selected_us, <, 0);
  give_credentials (&l, &l.a, &l.b);
  drain (&l);
  run_until_selected (&l, late + G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (&l));
  /* the queued triggered check leaves at once: one round trip */
  g_assert_cmpint (l.b.selected_us - late, <=, TA_US + RTT_US);
  assert_media_flows (&l, &l.b, &l.a);
  give_candidates (&l, &l.a, &l.b);
  drain (&l);
  run_for (&l, G_TIME_SPAN_SECOND);
  g_assert_cmpuint (l.b.n_selected, ==, 1);
  link_clear (&l);
}

static void
role_conflict (IceRole role)
{
  IceCandidate la, ra, lb, rb;
  Link l;

  link_init (&l, role, role, ICE_NOMINATION_REGULAR);
  start (&l);
  run_until_selected (&l, 5 * G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (&l));
  g_assert_cmpint (ice_session_get_role (l.a.session), !=,
                   ice_session_get_role (l.b.session));
  /* exactly the side that lost the tie-break changed role */
  g_assert_cmpuint (l.a.n_role_changes + l.b.n_role_changes, ==, 1);
  g_assert_true (ice_session_get_selected_pair (l.a.session, 0, 1, &la, &ra));
  g_assert_true (ice_session_get_selected_pair (l.b.session, 0, 1, &lb, &rb));
  g_assert_true (ice_addr_equal (&ra.addr, &lb.addr));
  g_assert_true (ice_addr_equal (&rb.addr, &la.addr));
  assert_media_flows (&l, &l.a, &l.b);
  assert_media_flows (&l, &l.b, &l.a);
  link_clear (&l);
}

static void
test_role_conflict_controlling (void)
{
  role_conflict (ICE_ROLE_CONTROLLING);
}

static void
test_role_conflict_controlled (void)
{
  role_conflict (ICE_ROLE_CONTROLLED);
}

/* With end-of-candidates, a stream fails as soon as its last pair failed:
 * checks give up 8.5 s after their first send. */
static void
test_fail_after_end_of_candidates (void)
{
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  l.cut = TRUE;
  start (&l);
  run_for (&l, 20 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_FAILED);
  g_assert_cmpint (l.a.failed_us, >=, 8 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (l.a.failed_us, <=, 9 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (l.b.state, ==, ICE_CONNECTION_FAILED);
  g_assert_cmpuint (l.a.n_selected + l.b.n_selected, ==, 0);
  link_clear (&l);
}

/* A peer that never sends end-of-candidates (browsers): failed
 * failure_timeout_us (10 s) after the last progress, not before. */
static void
test_fail_without_end_of_candidates (void)
{
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  l.cut = TRUE;
  gather (&l);
  give_credentials (&l, &l.a, &l.b);
  give_credentials (&l, &l.b, &l.a);
  give_candidates_only (&l, &l.b, &l.a);
  give_candidates_only (&l, &l.a, &l.b);
  drain (&l);
  run_for (&l, 9900 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_CHECKING);
  run_for (&l, 200 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_FAILED);
  g_assert_cmpint (l.a.failed_us, ==, 10 * G_TIME_SPAN_SECOND);
  link_clear (&l);
}

/* RFC 8863: end-of-candidates but no candidate at all, so no pair could be
 * tried: the PAC timer (39.5 s) runs out before the stream fails. */
static void
test_pac_timer (void)
{
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  gather (&l);
  give_credentials (&l, &l.b, &l.a);
  ice_session_end_of_remote_candidates (l.a.session, 0, l.now);
  drain (&l);
  run_for (&l, 39 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_CHECKING);
  run_for (&l, G_TIME_SPAN_SECOND);
  g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_FAILED);
  g_assert_cmpint (l.a.failed_us, ==, 39500 * G_TIME_SPAN_MILLISECOND);
  link_clear (&l);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/session/trickle/checks-before-candidates",
                   test_checks_before_candidates);
  g_test_add_func ("/core/session/trickle/candidates-before-credentials",
                   test_candidates_before_credentials);
  g_test_add_func ("/core/session/trickle/early-checks", test_early_checks);
  g_test_add_func ("/core/session/role-conflict/both-controlling",
                   test_role_conflict_controlling);
  g_test_add_func ("/core/session/role-conflict/both-controlled",
                   test_role_conflict_controlled);
  g_test_add_func ("/core/session/failure/end-of-candidates",
                   test_fail_after_end_of_candidates);
  g_test_add_func ("/core/session/failure/no-end-of-candidates",
                   test_fail_without_end_of_candidates);
  g_test_add_func ("/core/session/failure/pac-timer", test_pac_timer);
  return g_test_run ();
}
