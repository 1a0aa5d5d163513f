/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * After selection: consent freshness (RFC 7675), keepalives (RFC 8445
 * §11), ICE restart (§9) and bounded memory under a flood of checks. Two
 * sessions on a hand-driven link with a virtual clock.
 */
#include "test-session-link.h"
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"

static void
connect_link (Link *l)
{
  start (l);
  run_until_selected (l, 5 * G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (l));
}

/* Consent lasts while the peer answers, even with no media at all, and is
 * lost exactly 30 s after the last authenticated response once the path
 * goes silent: DISCONNECTED first, then CONSENT_LOST, FAILED, no route. */
static void
test_consent_expiry (void)
{
  IceSendRoute route;
  gint64 cut_at;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  connect_link (&l);
  run_for (&l, 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (l.a.n_consent_lost + l.b.n_consent_lost, ==, 0);
  g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_COMPLETED);
  /* consent checks were answered all along */
  g_assert_cmpint (l.a.last_response_us, >, 50 * G_TIME_SPAN_SECOND);

  l.cut = TRUE;
  cut_at = l.now;
  run_for (&l, 25 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (l.a.n_consent_lost, ==, 0);
  g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_DISCONNECTED);
  ice_session_get_send_route (l.a.session, 0, 1, &route);
  g_assert_true (route.ok);
  run_for (&l, 15 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (l.a.n_consent_lost, ==, 1);
  g_assert_cmpint (l.a.last_response_us, <=, cut_at);
  g_assert_cmpint (l.a.consent_lost_us, ==,
                   l.a.last_response_us + 30 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_FAILED);
  ice_session_get_send_route (l.a.session, 0, 1, &route);
  g_assert_false (route.ok);
  g_assert_cmpuint (l.b.n_consent_lost, ==, 1);
  link_clear (&l);
}

/* RFC 8445 §11: without consent checks, a Binding indication leaves after
 * Tr (15 s) without other traffic; media sent counts as traffic. */
static void
test_keepalive (void)
{
  gint64 t;
  Link l;

  link_init_full (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
                  ICE_NOMINATION_REGULAR, FALSE);
  connect_link (&l);
  run_for (&l, 46 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (l.b.n_indications_in, ==, 3);
  /* A sends media every second: no more keepalives from A */
  for (t = 0; t < 40; t++) {
    ice_session_note_sent (l.a.session, 0, 1, l.now);
    run_for (&l, G_TIME_SPAN_SECOND);
  }
  g_assert_cmpuint (l.b.n_indications_in, ==, 3);
  g_assert_cmpuint (l.a.n_indications_in, >=, 5);
  link_clear (&l);
}

/* ICE restart: media keeps flowing on the old pair until the new one is
 * selected, then moves to it. */
static void
test_restart (void)
{
  const gchar *old_ufrag, *new_ufrag;
  gchar *saved;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  connect_link (&l);
  run_for (&l, 10 * G_TIME_SPAN_SECOND);
  ice_session_get_local_credentials (l.a.session, 0, &old_ufrag, NULL);
  saved = g_strdup (old_ufrag);
  ice_session_restart (l.a.session, l.now);
  ice_session_get_local_credentials (l.a.session, 0, &new_ufrag, NULL);
  g_assert_cmpstr (saved, !=, new_ufrag);
  g_free (saved);
  /* the peer has not heard of it yet: media and consent go on */
  assert_media_flows (&l, &l.a, &l.b);
  assert_media_flows (&l, &l.b, &l.a);
  run_for (&l, 10 * G_TIME_SPAN_SECOND);
  assert_media_flows (&l, &l.a, &l.b);
  assert_media_flows (&l, &l.b, &l.a);
  g_assert_cmpuint (l.a.n_selected, ==, 1);
  /* the answer: B restarts too, both learn the new credentials */
  ice_session_restart (l.b.session, l.now);
  assert_media_flows (&l, &l.a, &l.b);
  give_credentials (&l, &l.a, &l.b);
  give_credentials (&l, &l.b, &l.a);
  give_candidates (&l, &l.a, &l.b);
  give_candidates (&l, &l.b, &l.a);
  drain (&l);
  assert_media_flows (&l, &l.a, &l.b);
  run_for (&l, G_TIME_SPAN_SECOND);
  g_assert_cmpuint (l.a.n_selected, ==, 2);
  g_assert_cmpuint (l.b.n_selected, ==, 2);
  assert_media_flows (&l, &l.a, &l.b);
  assert_media_flows (&l, &l.b, &l.a);
  /* consent now runs on the new credentials */
  run_for (&l, 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (l.a.n_consent_lost + l.b.n_consent_lost, ==, 0);
  g_assert_cmpuint (l.a.n_failed + l.b.n_failed, ==, 0);
  link_clear (&l);
}

static gsize
build_check (guint8 *buf, gsize size, guint32 n, const gchar *username,
             const gchar *pwd)
{
  guint8 txid[12] = { 0 };
  IceStunBuilder b;
  IceStunKey key;

  memcpy (txid, &n, sizeof (n));
  ice_stun_builder_init (&b, buf, size, ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, txid);
  ice_stun_builder_add_string (&b, ICE_STUN_ATTR_USERNAME, username);
  ice_stun_builder_add_u32 (&b, ICE_STUN_ATTR_PRIORITY, 0x6e0001ff);
  ice_stun_builder_add_u64 (&b, ICE_STUN_ATTR_ICE_CONTROLLING, 1);
  g_assert_true (ice_stun_key_short_term (&key, pwd));
  ice_stun_builder_add_message_integrity (&b, key.bytes, key.len);
  ice_stun_builder_add_fingerprint (&b);
  return ice_stun_builder_finish (&b);
}

/* 20000 authenticated checks from 20000 addresses (someone who knows the
 * credentials) and 10000 with a wrong password: queues, prflx candidates
 * and pairs stay bounded, and the real peer still gets through. */
static void
test_flood (void)
{
  const guint n = 10000;
  gchar username[300], peer_ufrag[300];
  const gchar *ufrag, *pwd;
  IceSessionStats stats;
  guint8 buf[512];
  IceTransmit t;
  IceEvent ev;
  guint i, n_transmits = 0, n_events = 0, n_prflx = 0;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  connect_link (&l);
  ice_session_get_local_credentials (l.a.session, 0, &ufrag, NULL);
  g_strlcpy (peer_ufrag, ufrag, sizeof (peer_ufrag));
  ice_session_get_local_credentials (l.b.session, 0, &ufrag, &pwd);
  g_snprintf (username, sizeof (username), "%s:%s", ufrag, peer_ufrag);
  for (i = 0; i < 2 * n; i++) {
    IceTransportAddr from;
    gsize len;

    ice_addr_set_ipv4 (&from, 0x0b000000 + (i % n), 1000 + i % 50000);
    len = build_check (buf, sizeof (buf), i, username,
                       i < n ? pwd : "wrong-password-wrong-password");
    ice_session_handle_packet (l.b.session, l.now, &l.b.addr, &from, buf, len,
                               NULL);
  }
  ice_session_handle_timeout (l.b.session, l.now);
  while (ice_session_poll_transmit (l.b.session, &t))
    n_transmits++;
  while (ice_session_poll_event (l.b.session, &ev)) {
    n_events++;
    n_prflx += ev.type == ICE_EVENT_REMOTE_PEER_REFLEXIVE;
  }
  l.b.state = ice_session_get_connection_state (l.b.session, 0);
  g_assert_cmpuint (n_transmits, <=, 256);
  g_assert_cmpuint (n_events, <=, 256);
  g_assert_cmpuint (n_prflx, <=, 32);
  ice_session_get_stats (l.b.session, &stats);
  g_assert_cmpuint (stats.dropped[ICE_DROP_BAD_INTEGRITY], ==, n);
  /* the responses beyond the queue's bound were dropped and counted */
  g_assert_cmpuint (stats.transmits_dropped, >=, n - 256);
  g_assert_cmpuint (stats.dropped[ICE_DROP_PEER_REFLEXIVE_LIMIT], >=, n - 32);
  /* the session is intact */
  assert_media_flows (&l, &l.a, &l.b);
  run_for (&l, 40 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (l.b.n_consent_lost, ==, 0);
  assert_media_flows (&l, &l.a, &l.b);
  link_clear (&l);
}

/* RFC 7675 §5.2: an authenticated 403 to a consent check revokes consent
 * at once; an unauthenticated one changes nothing. */
static void
test_consent_forbidden (void)
{
  const gchar *b_pwd;
  guint8 buf[512];
  IceStunMessage req;
  IceStunBuilder b;
  IceStunKey key;
  IceSendRoute route;
  IceTransmit t;
  IceEvent ev;
  gboolean lost = FALSE, found = FALSE;
  gsize len;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  connect_link (&l);
  run_for (&l, G_TIME_SPAN_SECOND);
  /* drive A alone until it sends its next consent check */
  while (!found) {
    l.now = MAX (l.now, ice_session_next_timeout (l.a.session));
    ice_session_handle_timeout (l.a.session, l.now);
    while (ice_session_poll_transmit (l.a.session, &t))
      found |= ice_stun_message_parse (&req, t.data, t.len) == ICE_STUN_PARSE_OK
               && req.klass == ICE_STUN_CLASS_REQUEST;
  }
  ice_session_get_local_credentials (l.b.session, 0, NULL, &b_pwd);
  ice_stun_builder_init_response (&b, buf, sizeof (buf), &req,
                                  ICE_STUN_CLASS_ERROR);
  ice_stun_builder_add_error_code (&b, 403, "Forbidden");
  g_assert_true (ice_stun_key_short_term (&key, "not-the-password-at-all"));
  ice_stun_builder_add_message_integrity (&b, key.bytes, key.len);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  g_assert_cmpint (ice_session_handle_packet (l.a.session, l.now, &t.from,
                                              &t.to, buf, len, NULL),
                   ==, ICE_PACKET_DROPPED);
  ice_session_get_send_route (l.a.session, 0, 1, &route);
  g_assert_true (route.ok);
  ice_stun_builder_init_response (&b, buf, sizeof (buf), &req,
                                  ICE_STUN_CLASS_ERROR);
  ice_stun_builder_add_error_code (&b, 403, "Forbidden");
  g_assert_true (ice_stun_key_short_term (&key, b_pwd));
  ice_stun_builder_add_message_integrity (&b, key.bytes, key.len);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  g_assert_cmpint (ice_session_handle_packet (l.a.session, l.now, &t.from,
                                              &t.to, buf, len, NULL),
                   ==, ICE_PACKET_HANDLED);
  while (ice_session_poll_event (l.a.session, &ev))
    lost |= ev.type == ICE_EVENT_CONSENT_LOST;
  g_assert_true (lost);
  ice_session_get_send_route (l.a.session, 0, 1, &route);
  g_assert_false (route.ok);
  g_assert_cmpint (ice_session_get_connection_state (l.a.session, 0), ==,
                   ICE_CONNECTION_FAILED);
  link_clear (&l);
}

/* RFC 8445 §6.1.2.5: no more than max_pairs pairs, the lowest-priority
 * ones dropped: with 2, only the two best remote candidates are checked. */
static void
test_max_pairs (void)
{
  IceSessionConfig config;
  IceTransportAddr local, seen[16];
  guint64 rng = 99;
  guint n_seen = 0, i, k;
  IceSession *s;
  IceTransmit t;
  gint64 now = 0;

  ice_session_config_init (&config);
  config.random = peer_random;
  config.random_data = &rng;
  config.max_pairs = 2;
  s = ice_session_new (&config);
  ice_session_add_stream (s, 1);
  g_assert_true (ice_addr_parse_ip (&local, "10.0.0.1", 5000));
  ice_session_add_host_address (s, 0, 1, &local, 0);
  ice_session_start_gathering (s, 0);
  g_assert_true (ice_session_set_remote_credentials (
      s, 0, "peer", "peerpeerpeerpeerpeerpeer", 0));
  for (i = 0; i < 10; i++) {
    IceCandidate cand;

    memset (&cand, 0, sizeof (cand));
    cand.component_id = 1;
    cand.type = ICE_CANDIDATE_TYPE_HOST;
    cand.priority = 1000 + i;
    g_snprintf (cand.foundation, sizeof (cand.foundation), "%u", i);
    ice_addr_set_ipv4 (&cand.addr, 0x0a000100 + i, 6000);
    g_assert_true (ice_session_add_remote_candidate (s, &cand, 0));
  }
  while (now < 20 * G_TIME_SPAN_SECOND && ice_session_next_timeout (s) >= 0) {
    now = MAX (now, ice_session_next_timeout (s));
    ice_session_handle_timeout (s, now);
    while (ice_session_poll_transmit (s, &t)) {
      for (k = 0; k < n_seen; k++)
        if (ice_addr_equal (&seen[k], &t.to))
          break;
      if (k == n_seen && n_seen < G_N_ELEMENTS (seen))
        seen[n_seen++] = t.to;
    }
  }
  g_assert_cmpuint (n_seen, ==, 2);
  for (k = 0; k < n_seen; k++)
    g_assert_cmpuint (seen[k].ip[3], >=, 8);
  ice_session_free (s);
}

/* RFC 8839 §5.5: the peer's a=ice-pacing of @pacing_ms, larger than our
 * Ta, spaces our checks @expected_ms apart. */
static void
check_peer_pacing (guint pacing_ms, gint64 expected_ms)
{
  IceSessionConfig config;
  IceTransportAddr local;
  gint64 first_send[4] = { -1, -1, -1, -1 }, now = 0;
  guint64 rng = 7;
  IceSession *s;
  IceTransmit t;
  guint i;

  ice_session_config_init (&config);
  config.random = peer_random;
  config.random_data = &rng;
  s = ice_session_new (&config);
  ice_session_add_stream (s, 1);
  g_assert_true (ice_addr_parse_ip (&local, "10.0.0.1", 5000));
  ice_session_add_host_address (s, 0, 1, &local, 0);
  ice_session_start_gathering (s, 0);
  ice_session_set_remote_options (s, 0, FALSE, TRUE, pacing_ms);
  g_assert_true (ice_session_set_remote_credentials (
      s, 0, "peer", "peerpeerpeerpeerpeerpeer", 0));
  for (i = 0; i < 4; i++) {
    IceCandidate cand;

    memset (&cand, 0, sizeof (cand));
    cand.component_id = 1;
    cand.priority = 1000 + i;
    g_snprintf (cand.foundation, sizeof (cand.foundation), "f%u", i);
    ice_addr_set_ipv4 (&cand.addr, 0x0a000100 + i, 6000);
    g_assert_true (ice_session_add_remote_candidate (s, &cand, 0));
  }
  while (now < 4 * expected_ms * G_TIME_SPAN_MILLISECOND
         && ice_session_next_timeout (s) >= 0) {
    now = MAX (now, ice_session_next_timeout (s));
    ice_session_handle_timeout (s, now);
    while (ice_session_poll_transmit (s, &t))
      if (first_send[t.to.ip[3]] < 0)
        first_send[t.to.ip[3]] = now;
  }
  /* highest priority first, one every @expected_ms */
  for (i = 0; i < 4; i++)
    g_assert_cmpint (first_send[3 - i], ==,
                     i * expected_ms * G_TIME_SPAN_MILLISECOND);
  ice_session_free (s);
}

static void
test_peer_pacing (void)
{
  check_peer_pacing (200, 200);
}

/* A peer's a=ice-pacing of 2^32-1 ms (49 days, the grammar's maximum)
 * would hold our checks forever: it is honoured up to 500 ms. */
static void
test_peer_pacing_bounded (void)
{
  check_peer_pacing (G_MAXUINT32, 500);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/session/consent/expiry", test_consent_expiry);
  g_test_add_func ("/core/session/consent/keepalive", test_keepalive);
  g_test_add_func ("/core/session/restart", test_restart);
  g_test_add_func ("/core/session/flood", test_flood);
  g_test_add_func ("/core/session/consent/forbidden", test_consent_forbidden);
  g_test_add_func ("/core/session/max-pairs", test_max_pairs);
  g_test_add_func ("/core/session/peer-pacing", test_peer_pacing);
  g_test_add_func ("/core/session/peer-pacing-bounded",
                   test_peer_pacing_bounded);
  return g_test_run ();
}
