/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The peer's lines are untrusted input: every refusal has an
 * IceRemoteResult, a counter in the session's stats and a message that
 * says what was expected, and none reaches a g_warning (warnings are
 * fatal here). Multicast, broadcast and unspecified addresses are refused
 * at parse time and never checked.
 */
#include "ice/core/ice-sdp.h"
#include "ice/core/ice-session.h"

#include <string.h>

#define UFRAG "abcd"
#define PWD "0123456789abcdefghijkl"

static guint64
counter (gpointer data)
{
  return ++*(guint64 *)data;
}

static guint64 seed;

/* A controlling session with one stream of @n_components and a host
 * address for each component (192.0.2.1:5000+c). */
static IceSession *
new_session (guint n_components)
{
  IceSessionConfig config;
  IceSession *session;
  guint c;

  ice_session_config_init (&config);
  config.random = counter;
  config.random_data = &seed;
  session = ice_session_new (&config);
  g_assert_cmpuint (ice_session_add_stream (session, n_components), ==, 0);
  for (c = 1; c <= n_components; c++) {
    IceTransportAddr base;

    g_assert_true (ice_addr_parse (&base, "192.0.2.1:5000"));
    base.port += c;
    ice_session_add_host_address (session, 0, c, &base, 0);
  }
  ice_session_start_gathering (session, 0);
  return session;
}

static guint64
rejected (IceSession *session, IceRemoteResult result)
{
  IceSessionStats stats;

  ice_session_get_stats (session, &stats);
  g_assert_cmpuint (stats.remote_rejected[ICE_REMOTE_OK], ==, 0);
  return stats.remote_rejected[result];
}

static const gchar *const not_unicast[] = {
  "224.0.0.1",
  "239.255.255.250",
  "230.1.2.3",
  "255.255.255.255",
  "0.0.0.0",
  "::",
  "ff02::1",
  "ff0e::fb",
  "::ffff:224.0.0.1",
  "::ffff:0.0.0.0",
  "::ffff:255.255.255.255",
};

/* RFC 8445 §5.1.1: a candidate is a transport address the peer receives
 * on; none of these can be one, in IPv4 or IPv6. */
static void
test_parse_not_unicast (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (not_unicast); i++) {
    gchar *line = g_strdup_printf ("candidate:1 1 UDP 100 %s 5000 typ host",
                                   not_unicast[i]);
    GError *error = NULL;
    IceCandidate c;

    if (ice_sdp_parse_candidate (line, &c, &error))
      g_error ("'%s' accepted", line);
    g_assert_error (error, ICE_SDP_ERROR, ICE_SDP_ERROR_NOT_UNICAST);
    g_assert_cmpint (ice_remote_result_from_sdp_error (error), ==,
                     ICE_REMOTE_NOT_UNICAST);
    g_assert_nonnull (strstr (error->message, "a unicast address"));
    g_assert_nonnull (strstr (error->message, not_unicast[i]));
    g_clear_error (&error);
    g_free (line);
  }
}

/* Neighbours of the refused ranges are ordinary addresses; raddr 0.0.0.0
 * is how a browser hides its base, not a transport address. */
static void
test_parse_unicast_neighbours (void)
{
  static const gchar *const unicast[] = {
    "223.255.255.255", "240.0.0.1", "255.255.255.254",  "0.0.0.1", "::1",
    "fe80::1",         "fec0::1",   "::ffff:192.0.2.7",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (unicast); i++) {
    gchar *line = g_strdup_printf ("candidate:1 1 UDP 100 %s 5000 typ host",
                                   unicast[i]);
    GError *error = NULL;
    IceCandidate c;

    if (!ice_sdp_parse_candidate (line, &c, &error))
      g_error ("'%s' refused: %s", line, error->message);
    g_assert_true (ice_candidate_addr_is_unicast (&c.addr));
    g_free (line);
  }
  g_assert_true (ice_sdp_parse_candidate (
      "candidate:1 1 UDP 100 192.0.2.7 5000 typ srflx raddr 0.0.0.0 rport 0",
      &(IceCandidate){ 0 }, NULL));
}

/* Each kind of bad line of a description maps to its result, and is
 * counted once in the description. */
static void
test_description_rejected_counts (void)
{
  IceSdpDescription *d = ice_sdp_parse (
      "a=ice-ufrag:ab\n"                                  /* 1 */
      "a=ice-pwd:" PWD "\n"                               /* 2 */
      "a=candidate:1 1 UDP 100 224.0.0.1 5000 typ host\n" /* 3 */
      "a=candidate:1 1 UDP 100 ff02::1 5000 typ host\n"   /* 4 */
      "a=candidate:garbage\n"                             /* 5 */
      "a=candidate:1 1 UDP 100 192.0.2.7 5000 typ host\n" /* 6 */
      "a=candidate:1 1 UDP 100 192.0.2.7 5000 typ nope\n" /* 7 */
      "a=ice-pwd:tooshort\n",                             /* 8 */
      -1);

  g_assert_cmpuint (d->errors->len, ==, 6);
  g_assert_cmpuint (d->rejected[ICE_REMOTE_OK], ==, 0);
  g_assert_cmpuint (d->rejected[ICE_REMOTE_BAD_CREDENTIALS], ==, 2);
  g_assert_cmpuint (d->rejected[ICE_REMOTE_NOT_UNICAST], ==, 2);
  g_assert_cmpuint (d->rejected[ICE_REMOTE_MALFORMED], ==, 2);
  g_assert_cmpuint (d->candidates->len, ==, 1);
  g_assert_cmpuint (d->candidate_lines->len, ==, 1);
  g_assert_cmpuint (g_array_index (d->candidate_lines, guint, 0), ==, 6);
  g_assert_true (
      g_str_has_prefix (g_ptr_array_index (d->errors, 1), "line 3: a unicast"));
  ice_sdp_description_free (d);
}

/* Component 2 on a one-component (rtcp-mux) stream, a name where an IP is
 * needed: refused by the session, named by line, counted; the rest of the
 * description is applied. */
static void
test_description_session_refusals (void)
{
  IceSession *session = new_session (1);
  IceSdpDescription *d = ice_sdp_parse (
      "a=ice-ufrag:" UFRAG "\n"                                 /* 1 */
      "a=ice-pwd:" PWD "\n"                                     /* 2 */
      "a=candidate:1 2 UDP 100 192.0.2.9 5002 typ host\n"       /* 3 */
      "a=candidate:1 1 UDP 100 x.local 5003 typ host\n"         /* 4 */
      "a=candidate:1 1 UDP 100 255.255.255.255 5004 typ host\n" /* 5 */
      "a=candidate:1 1 UDP 100 192.0.2.9 5001 typ host\n"       /* 6 */
      "a=end-of-candidates\n",
      -1);

  g_assert_cmpuint (ice_session_set_remote_description (session, 0, d, 0), ==,
                    1);
  g_assert_cmpuint (d->errors->len, ==, 3);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (d->errors, 0),
                                   "line 5: a unicast address"));
  g_assert_true (
      g_str_has_prefix (g_ptr_array_index (d->errors, 1),
                        "line 3: component 1..1 of stream 0 expected, got 2"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (d->errors, 2),
                                   "line 4: an IP address expected"));
  g_assert_cmpuint (d->rejected[ICE_REMOTE_UNKNOWN_COMPONENT], ==, 1);
  g_assert_cmpuint (d->rejected[ICE_REMOTE_UNRESOLVED], ==, 1);
  g_assert_cmpuint (d->error_reasons->len, ==, 3);
  g_assert_cmpint (g_array_index (d->error_reasons, IceRemoteResult, 0), ==,
                   ICE_REMOTE_NOT_UNICAST);
  g_assert_cmpint (g_array_index (d->error_reasons, IceRemoteResult, 1), ==,
                   ICE_REMOTE_UNKNOWN_COMPONENT);
  g_assert_cmpint (g_array_index (d->error_reasons, IceRemoteResult, 2), ==,
                   ICE_REMOTE_UNRESOLVED);
  g_assert_cmpuint (rejected (session, ICE_REMOTE_UNKNOWN_COMPONENT), ==, 1);
  g_assert_cmpuint (rejected (session, ICE_REMOTE_UNRESOLVED), ==, 1);
  g_assert_cmpuint (rejected (session, ICE_REMOTE_NOT_UNICAST), ==, 1);
  /* the credentials and the good candidate were applied */
  g_assert_cmpint (ice_session_get_connection_state (session, 0), ==,
                   ICE_CONNECTION_CHECKING);
  ice_sdp_description_free (d);
  ice_session_free (session);
}

/* Candidates built by hand (not parsed) meet the same checks, with their
 * results and messages, and no check is ever sent to a group address. */
static void
test_candidate_results (void)
{
  IceSession *session = new_session (2);
  IceCandidate cand = { 0 };
  GError *error = NULL;
  IceTransmit t;
  gboolean to_good = FALSE;
  gint64 now = 0;
  guint i;

  g_assert_true (
      ice_session_set_remote_credentials (session, 0, UFRAG, PWD, now));
  cand.type = ICE_CANDIDATE_TYPE_HOST;
  cand.priority = 100;
  g_strlcpy (cand.foundation, "1", sizeof (cand.foundation));
  cand.component_id = 1;
  g_assert_true (ice_addr_parse (&cand.addr, "239.1.2.3:5000"));
  g_assert_cmpint (ice_session_add_remote_candidate_with_result (session, &cand,
                                                                 now, &error),
                   ==, ICE_REMOTE_NOT_UNICAST);
  g_assert_error (error, ICE_REMOTE_ERROR, ICE_REMOTE_NOT_UNICAST);
  g_clear_error (&error);
  cand.component_id = 3;
  g_assert_true (ice_addr_parse (&cand.addr, "192.0.2.9:5000"));
  g_assert_cmpint (ice_session_add_remote_candidate_with_result (session, &cand,
                                                                 now, &error),
                   ==, ICE_REMOTE_UNKNOWN_COMPONENT);
  g_assert_nonnull (strstr (error->message, "component 1..2"));
  g_clear_error (&error);
  cand.component_id = 1;
  cand.stream_id = 4;
  g_assert_cmpint (ice_session_add_remote_candidate_with_result (session, &cand,
                                                                 now, &error),
                   ==, ICE_REMOTE_UNKNOWN_STREAM);
  g_assert_nonnull (strstr (error->message, "one of the 1 streams"));
  g_clear_error (&error);
  cand.stream_id = 0;
  g_assert_cmpint (
      ice_session_add_remote_candidate_with_result (session, &cand, now, NULL),
      ==, ICE_REMOTE_OK);
  g_assert_cmpuint (rejected (session, ICE_REMOTE_NOT_UNICAST), ==, 1);
  g_assert_cmpuint (rejected (session, ICE_REMOTE_UNKNOWN_COMPONENT), ==, 1);
  g_assert_cmpuint (rejected (session, ICE_REMOTE_UNKNOWN_STREAM), ==, 1);

  /* a few Ta: checks go to the good candidate, none to the group */
  for (i = 0; i < 20; i++) {
    while (ice_session_poll_transmit (session, &t)) {
      gchar buf[ICE_ADDR_STRLEN];

      g_assert_true (ice_candidate_addr_is_unicast (&t.to));
      to_good
          |= strcmp (ice_addr_to_string (&t.to, buf), "192.0.2.9:5000") == 0;
    }
    now = MAX (now, ice_session_next_timeout (session));
    ice_session_handle_timeout (session, now);
  }
  g_assert_true (to_good);
  ice_session_free (session);
}

/* Credentials of the wrong length or charset (RFC 8839 §5.4) are refused
 * and counted, no warning. */
static void
test_bad_credentials (void)
{
  static const struct {
    const gchar *ufrag, *pwd;
  } bad[] = {
    { "abc", PWD },                     /* ufrag shorter than 4 */
    { "ab-d", PWD },                    /* '-' is no ice-char */
    { UFRAG, "0123456789abcdefghijk" }, /* pwd shorter than 22 */
    { UFRAG, "0123456789abcdefghijk!" },
    { "", PWD },
  };
  IceSession *session = new_session (1);
  gchar *long_ufrag = g_strnfill (257, 'a');
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (ice_session_set_remote_credentials (
        session, 0, bad[i].ufrag, bad[i].pwd, 0));
  g_assert_false (
      ice_session_set_remote_credentials (session, 0, long_ufrag, PWD, 0));
  g_assert_cmpuint (rejected (session, ICE_REMOTE_BAD_CREDENTIALS), ==,
                    G_N_ELEMENTS (bad) + 1);
  long_ufrag[256] = '\0';
  g_assert_true (
      ice_session_set_remote_credentials (session, 0, long_ufrag, PWD, 0));
  g_free (long_ufrag);
  ice_session_free (session);
}

/* The description's parse-time refusals reach the session's counters. */
static void
test_description_counts_parse_refusals (void)
{
  IceSession *session = new_session (1);
  IceSdpDescription *d = ice_sdp_parse ("a=ice-ufrag:" UFRAG "\n"
                                        "a=ice-pwd:" PWD "\n"
                                        "a=candidate:x\n"
                                        "a=candidate:1 1 UDP 1 :: 9 typ host\n",
                                        -1);

  ice_session_set_remote_description (session, 0, d, 0);
  g_assert_cmpuint (rejected (session, ICE_REMOTE_MALFORMED), ==, 1);
  g_assert_cmpuint (rejected (session, ICE_REMOTE_NOT_UNICAST), ==, 1);
  ice_session_note_remote_rejected (session, ICE_REMOTE_UNKNOWN_STREAM);
  g_assert_cmpuint (rejected (session, ICE_REMOTE_UNKNOWN_STREAM), ==, 1);
  g_assert_cmpstr (ice_remote_result_to_string (ICE_REMOTE_UNKNOWN_COMPONENT),
                   ==, "unknown-component");
  ice_sdp_description_free (d);
  ice_session_free (session);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL
                          | G_LOG_LEVEL_WARNING);
  g_test_add_func ("/core/remote-input/parse-not-unicast",
                   test_parse_not_unicast);
  g_test_add_func ("/core/remote-input/parse-unicast-neighbours",
                   test_parse_unicast_neighbours);
  g_test_add_func ("/core/remote-input/description-rejected-counts",
                   test_description_rejected_counts);
  g_test_add_func ("/core/remote-input/description-session-refusals",
                   test_description_session_refusals);
  g_test_add_func ("/core/remote-input/candidate-results",
                   test_candidate_results);
  g_test_add_func ("/core/remote-input/bad-credentials", test_bad_credentials);
  g_test_add_func ("/core/remote-input/description-counts-parse-refusals",
                   test_description_counts_parse_refusals);
  return g_test_run ();
}
