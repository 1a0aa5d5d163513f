/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two IceSessions driven by hand on one link with a virtual clock: a tiny
 * loop moves each session's transmits into the other's handle_packet after
 * a one-way delay. No simulation driver, so the session is tested on its
 * own: connection, nomination timing, media, authentication of sources.
 */
#include "test-session-link.h"
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"
#include "ice/core/ice-stats.h"

static void
connect_on_link (IceNomination nomination)
{
  Link l;
  IceCandidate local, remote;
  const gint64 rtt = 2 * LINK_DELAY_US;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED, nomination);
  start (&l);
  run_until_selected (&l, 5 * G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (&l));
  /* Both check at once; the only pair answers after one round trip and
   * nothing better is pending: regular nomination sends the nominating
   * check at once (B selects it half a round trip later, A when it is
   * answered), aggressive nomination needs no second round trip. */
  if (nomination == ICE_NOMINATION_REGULAR) {
    g_assert_cmpint (l.a.selected_us, ==, 2 * rtt);
    g_assert_cmpint (l.b.selected_us, ==, rtt + rtt / 2);
  } else {
    g_assert_cmpint (l.a.selected_us, ==, rtt);
    g_assert_cmpint (l.b.selected_us, ==, rtt);
  }
  g_assert_cmpuint (l.a.n_selected, ==, 1);
  g_assert_true (
      ice_session_get_selected_pair (l.a.session, 0, 1, &local, &remote));
  g_assert_true (ice_addr_equal (&local.addr, &l.a.addr));
  g_assert_true (ice_addr_equal (&remote.addr, &l.b.addr));
  assert_media_flows (&l, &l.a, &l.b);
  assert_media_flows (&l, &l.b, &l.a);
  run_for (&l, G_TIME_SPAN_SECOND);
  g_assert_cmpint (l.a.state, ==, ICE_CONNECTION_COMPLETED);
  g_assert_cmpint (
      ice_session_get_connection_state (l.a.session, ICE_SESSION_ALL_STREAMS),
      ==, ICE_CONNECTION_COMPLETED);
  g_assert_cmpuint (l.a.n_failed + l.b.n_failed, ==, 0);
  g_assert_cmpint (l.b.state, >=, ICE_CONNECTION_CONNECTED);
  g_assert_cmpint (l.b.state, <=, ICE_CONNECTION_COMPLETED);
  link_clear (&l);
}

static void
test_link_regular (void)
{
  connect_on_link (ICE_NOMINATION_REGULAR);
}

static void
test_link_aggressive (void)
{
  connect_on_link (ICE_NOMINATION_AGGRESSIVE);
}

/* Media from an address that never proved the credentials is dropped and
 * counted, even once a pair is selected. */
static void
test_spoofed_media (void)
{
  static const guint8 rtp[] = { 0x80, 0x60, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4 };
  IceTransportAddr spoofer;
  IceSessionStats stats;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  g_assert_true (ice_addr_parse_ip (&spoofer, "10.0.0.66", 5000));
  /* before anything happened: even the real peer is unknown */
  g_assert_cmpint (ice_session_handle_packet (l.b.session, 0, &l.b.addr,
                                              &l.a.addr, rtp, sizeof (rtp),
                                              NULL),
                   ==, ICE_PACKET_DROPPED);
  start (&l);
  run_until_selected (&l, 5 * G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (&l));
  g_assert_cmpint (ice_session_handle_packet (l.b.session, l.now, &l.b.addr,
                                              &spoofer, rtp, sizeof (rtp),
                                              NULL),
                   ==, ICE_PACKET_DROPPED);
  /* right source, a local socket of someone else */
  g_assert_cmpint (ice_session_handle_packet (l.b.session, l.now, &spoofer,
                                              &l.a.addr, rtp, sizeof (rtp),
                                              NULL),
                   ==, ICE_PACKET_DROPPED);
  ice_session_get_stats (l.b.session, &stats);
  g_assert_cmpuint (stats.dropped[ICE_DROP_UNAUTHENTICATED_SOURCE], ==, 2);
  g_assert_cmpuint (stats.dropped[ICE_DROP_UNKNOWN_LOCAL], ==, 1);
  g_assert_cmpuint (stats.media_packets_in, ==, 0);
  link_clear (&l);
}

static gsize
build_check (guint8 *buf, gsize size, const gchar *username, const gchar *pwd)
{
  static const guint8 txid[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  IceStunBuilder b;
  IceStunKey key;

  ice_stun_builder_init (&b, buf, size, ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, txid);
  ice_stun_builder_add_string (&b, ICE_STUN_ATTR_USERNAME, username);
  ice_stun_builder_add_u32 (&b, ICE_STUN_ATTR_PRIORITY, 0x6e0001ff);
  ice_stun_builder_add_u64 (&b, ICE_STUN_ATTR_ICE_CONTROLLING, 1);
  ice_stun_builder_add_flag (&b, ICE_STUN_ATTR_USE_CANDIDATE);
  g_assert_true (ice_stun_key_short_term (&key, pwd));
  ice_stun_builder_add_message_integrity (&b, key.bytes, key.len);
  ice_stun_builder_add_fingerprint (&b);
  return ice_stun_builder_finish (&b);
}

/* A check with the right username but the wrong password is dropped: no
 * response, no prflx candidate, no media accepted from its source. */
static void
test_wrong_password (void)
{
  static const guint8 rtp[] = { 0x80, 0x60, 0, 1, 0, 0, 0, 0 };
  guint8 buf[512];
  gchar username[300];
  const gchar *ufrag, *pwd;
  IceTransportAddr attacker;
  IceSessionStats stats;
  IceTransmit t;
  IceEvent ev;
  gsize len;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  start (&l);
  g_assert_true (ice_addr_parse_ip (&attacker, "10.0.0.66", 7000));
  ice_session_get_local_credentials (l.b.session, 0, &ufrag, &pwd);
  g_snprintf (username, sizeof (username), "%s:evil", ufrag);
  len = build_check (buf, sizeof (buf), username, "wrongwrongwrongwrongwrong");
  g_assert_cmpuint (len, >, 0);
  g_assert_cmpint (ice_session_handle_packet (l.b.session, l.now, &l.b.addr,
                                              &attacker, buf, len, NULL),
                   ==, ICE_PACKET_DROPPED);
  /* an unknown ufrag too */
  len = build_check (buf, sizeof (buf), "nope:evil", pwd);
  g_assert_cmpint (ice_session_handle_packet (l.b.session, l.now, &l.b.addr,
                                              &attacker, buf, len, NULL),
                   ==, ICE_PACKET_DROPPED);
  g_assert_false (ice_session_poll_transmit (l.b.session, &t));
  while (ice_session_poll_event (l.b.session, &ev))
    g_assert_cmpint (ev.type, !=, ICE_EVENT_REMOTE_PEER_REFLEXIVE);
  g_assert_cmpint (ice_session_handle_packet (l.b.session, l.now, &l.b.addr,
                                              &attacker, rtp, sizeof (rtp),
                                              NULL),
                   ==, ICE_PACKET_DROPPED);
  ice_session_get_stats (l.b.session, &stats);
  g_assert_cmpuint (stats.dropped[ICE_DROP_BAD_INTEGRITY], ==, 1);
  g_assert_cmpuint (stats.dropped[ICE_DROP_UNKNOWN_USERNAME], ==, 1);
  g_assert_cmpuint (stats.dropped[ICE_DROP_UNAUTHENTICATED_SOURCE], ==, 1);
  /* the right password from the same source is answered and proves it */
  len = build_check (buf, sizeof (buf), username, pwd);
  g_assert_cmpint (ice_session_handle_packet (l.b.session, l.now, &l.b.addr,
                                              &attacker, buf, len, NULL),
                   ==, ICE_PACKET_HANDLED);
  g_assert_true (ice_session_poll_transmit (l.b.session, &t));
  g_assert_true (ice_addr_equal (&t.to, &attacker));
  g_assert_cmpint (ice_session_handle_packet (l.b.session, l.now, &l.b.addr,
                                              &attacker, rtp, sizeof (rtp),
                                              NULL),
                   ==, ICE_PACKET_DELIVER);
  link_clear (&l);
}

/* A forged success response to our check (an on-path attacker who saw the
 * transaction id but not the password) makes no valid pair; one without
 * the transaction id is not even matched. */
static void
test_spoofed_response (void)
{
  static const guint8 other_txid[12] = { 9, 9, 9 };
  IceSessionStats stats;
  IceStunMessage req;
  IceStunBuilder b;
  IceStunKey key;
  IceTransmit t;
  guint8 buf[512];
  gsize len;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  l.b.late = TRUE;
  start (&l);
  ice_session_handle_timeout (l.a.session, 0);
  g_assert_true (ice_session_poll_transmit (l.a.session, &t));
  g_assert_cmpint (ice_stun_message_parse (&req, t.data, t.len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpint (req.klass, ==, ICE_STUN_CLASS_REQUEST);
  ice_stun_builder_init_response (&b, buf, sizeof (buf), &req,
                                  ICE_STUN_CLASS_SUCCESS);
  ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
                                    &t.from);
  g_assert_true (ice_stun_key_short_term (&key, "guessed-guessed-guessed"));
  ice_stun_builder_add_message_integrity (&b, key.bytes, key.len);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  g_assert_cmpint (ice_session_handle_packet (l.a.session, 0, &t.from, &t.to,
                                              buf, len, NULL),
                   ==, ICE_PACKET_DROPPED);
  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_SUCCESS,
                         ICE_STUN_METHOD_BINDING, other_txid);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  g_assert_cmpint (ice_session_handle_packet (l.a.session, 0, &t.from, &t.to,
                                              buf, len, NULL),
                   ==, ICE_PACKET_DROPPED);
  ice_session_get_stats (l.a.session, &stats);
  g_assert_cmpuint (stats.dropped[ICE_DROP_BAD_INTEGRITY], ==, 1);
  g_assert_cmpuint (stats.dropped[ICE_DROP_UNMATCHED_RESPONSE], ==, 1);
  g_assert_false (
      ice_session_get_selected_pair (l.a.session, 0, 1, NULL, NULL));
  /* nor does it make the forger's address a media source */
  g_assert_cmpint (ice_session_handle_packet (l.a.session, 0, &t.from, &t.to,
                                              (const guint8 *)"\x80media", 6,
                                              NULL),
                   ==, ICE_PACKET_DROPPED);
  link_clear (&l);
}

/* Garbage that looks like STUN is counted, never crashes. */
static void
test_malformed_stun (void)
{
  guint8 buf[64];
  IceSessionStats stats;
  Link l;
  guint i;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  for (i = 0; i < 200; i++) {
    gsize len = 20 + (xorshift (&l.loss_rng) % 40);
    gsize k;

    for (k = 0; k < len; k++)
      buf[k] = xorshift (&l.loss_rng);
    buf[0] &= 3;
    buf[4] = 0x21;
    buf[5] = 0x12;
    buf[6] = 0xA4;
    buf[7] = 0x42;
    g_assert_cmpint (ice_session_handle_packet (l.a.session, 0, &l.a.addr,
                                                &l.b.addr, buf, len, NULL),
                     ==, ICE_PACKET_DROPPED);
  }
  ice_session_get_stats (l.a.session, &stats);
  g_assert_cmpuint (stats.dropped[ICE_DROP_MALFORMED_STUN], ==, 200);
  link_clear (&l);
}

/* Two sessions that know each other only through their descriptions
 * (RFC 8839 lines, parsed back): credentials, candidates, end. */
static void
test_descriptions (void)
{
  IceSdpDescription *desc;
  gchar *text;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  gather (&l);
  text = ice_session_get_local_description (l.a.session, 0);
  g_assert_nonnull (strstr (text, "a=ice-options:trickle ice2"));
  g_assert_nonnull (strstr (text, "a=end-of-candidates"));
  desc = ice_sdp_parse (text, -1);
  g_assert_cmpuint (desc->errors->len, ==, 0);
  g_assert_cmpuint (
      ice_session_set_remote_description (l.b.session, 0, desc, l.now), ==, 1);
  ice_sdp_description_free (desc);
  g_free (text);
  text = ice_session_get_local_description (l.b.session, 0);
  desc = ice_sdp_parse (text, -1);
  g_assert_cmpuint (
      ice_session_set_remote_description (l.a.session, 0, desc, l.now), ==, 1);
  ice_sdp_description_free (desc);
  g_free (text);
  drain (&l);
  run_until_selected (&l, G_TIME_SPAN_SECOND);
  g_assert_true (both_selected (&l));
  assert_media_flows (&l, &l.a, &l.b);
  link_clear (&l);
}

/* RFC 6544: a TCP socket gives an active and a passive host candidate;
 * the description carries their tcptype. */
static void
test_tcp_candidates (void)
{
  IceTransportAddr tcp;
  gchar *text;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  g_assert_true (ice_addr_parse_ip (&tcp, "10.0.0.1", 5001));
  tcp.transport = ICE_TRANSPORT_TCP;
  ice_session_add_host_address (l.a.session, 0, 1, &tcp, 0);
  gather (&l);
  g_assert_cmpuint (l.a.candidates->len, ==, 3);
  text = ice_session_get_local_description (l.a.session, 0);
  g_assert_nonnull (strstr (text, "tcptype active"));
  g_assert_nonnull (strstr (text, "tcptype passive"));
  g_free (text);
  link_clear (&l);
}

/* ice_session_get_local_description_full: each candidate goes through the
 * rewrite (as IceAgent's mdns names host candidates), the session keeps
 * the real address, and a peer cannot use the name without resolving it. */
static void
name_host (IceCandidate *cand, gpointer data)
{
  if (cand->type == ICE_CANDIDATE_TYPE_HOST)
    g_strlcpy (cand->hostname, data, sizeof (cand->hostname));
}

static void
test_description_rewrite (void)
{
  const gchar *name = "4b9c3c1e-7a51-4d3b-9f0e-2c6d8a1b5e70.local";
  gchar ip[ICE_ADDR_STRLEN], *text;
  IceSdpDescription *desc;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  gather (&l);
  ice_addr_ip_to_string (&l.a.addr, ip);
  text = ice_session_get_local_description_full (l.a.session, 0, name_host,
                                                 (gpointer)name);
  g_assert_nonnull (strstr (text, name));
  g_assert_null (strstr (text, ip));
  desc = ice_sdp_parse (text, -1);
  g_assert_cmpuint (
      ice_session_set_remote_description (l.b.session, 0, desc, l.now), ==, 0);
  g_assert_cmpuint (desc->rejected[ICE_REMOTE_UNRESOLVED], ==, 1);
  ice_sdp_description_free (desc);
  g_free (text);
  text = ice_session_get_local_description (l.a.session, 0);
  g_assert_nonnull (strstr (text, ip));
  g_assert_null (strstr (text, ".local"));
  g_free (text);
  link_clear (&l);
}

static void
add_tcp_remote (IceSession *session, guint16 port, IceTcpType tcp_type)
{
  IceCandidate c;

  memset (&c, 0, sizeof (c));
  c.type = ICE_CANDIDATE_TYPE_HOST;
  c.component_id = 1;
  c.tcp_type = tcp_type;
  c.priority = 1000;
  g_strlcpy (c.foundation, tcp_type == ICE_TCP_TYPE_ACTIVE ? "a" : "p",
             sizeof (c.foundation));
  g_assert_true (ice_addr_parse_ip (&c.addr, "10.0.0.2", port));
  c.addr.transport = ICE_TRANSPORT_TCP;
  g_assert_true (ice_session_add_remote_candidate (session, &c, 0));
}

/* RFC 6544 §6.2: our active candidate pairs with the peer's passive one;
 * our passive one sends no checks, so the peer's signalled active
 * candidate (port 9) forms no pair: only a check arriving on our
 * listener makes one, with the peer-reflexive candidate it reveals. */
static void
test_tcp_pairs (void)
{
  IceTransportAddr tcp;
  GArray *pairs;
  IcePairStats *p;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  g_assert_true (ice_addr_parse_ip (&tcp, "10.0.0.1", 5001));
  tcp.transport = ICE_TRANSPORT_TCP;
  ice_session_add_host_address (l.a.session, 0, 1, &tcp, 0);
  gather (&l);
  add_tcp_remote (l.a.session, 9, ICE_TCP_TYPE_ACTIVE);
  add_tcp_remote (l.a.session, 6000, ICE_TCP_TYPE_PASSIVE);
  pairs = g_array_new (FALSE, FALSE, sizeof (IcePairStats));
  ice_session_get_pair_stats (l.a.session, 0, pairs);
  g_assert_cmpuint (pairs->len, ==, 1);
  p = &g_array_index (pairs, IcePairStats, 0);
  g_assert_cmpint (p->local.tcp_type, ==, ICE_TCP_TYPE_ACTIVE);
  g_assert_cmpint (p->remote.tcp_type, ==, ICE_TCP_TYPE_PASSIVE);
  g_assert_cmpuint (p->remote.addr.port, ==, 6000);
  g_array_unref (pairs);
  link_clear (&l);
}

/* RFC 8445 §6.1.1: against an ice-lite peer the full agent controls. */
static void
test_lite_peer (void)
{
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLED, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  ice_session_set_remote_options (l.a.session, 0, TRUE, TRUE, 0);
  g_assert_cmpint (ice_session_get_role (l.a.session), ==,
                   ICE_ROLE_CONTROLLING);
  link_clear (&l);
}

/* A peer's bad credentials and candidates are refused and counted, with no
 * warning (warnings are fatal in tests: a peer must not abort us). */
static void
test_bad_parameters (void)
{
  IceSessionStats stats;
  IceCandidate cand;
  Link l;

  link_init (&l, ICE_ROLE_CONTROLLING, ICE_ROLE_CONTROLLED,
             ICE_NOMINATION_REGULAR);
  g_assert_false (
      ice_session_set_remote_credentials (l.a.session, 0, "ab", "short", 0));
  memset (&cand, 0, sizeof (cand));
  cand.component_id = 7;
  g_assert_false (ice_session_add_remote_candidate (l.a.session, &cand, 0));
  cand.component_id = 1;
  cand.stream_id = 5;
  g_assert_cmpint (ice_session_add_remote_candidate_with_result (
                       l.a.session, &cand, 0, NULL),
                   ==, ICE_REMOTE_UNKNOWN_STREAM);
  ice_session_get_stats (l.a.session, &stats);
  g_assert_cmpuint (stats.remote_rejected[ICE_REMOTE_BAD_CREDENTIALS], ==, 1);
  g_assert_cmpuint (stats.remote_rejected[ICE_REMOTE_UNKNOWN_COMPONENT], ==, 1);
  g_assert_cmpuint (stats.remote_rejected[ICE_REMOTE_UNKNOWN_STREAM], ==, 1);
  link_clear (&l);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/session/link/regular", test_link_regular);
  g_test_add_func ("/core/session/link/aggressive", test_link_aggressive);
  g_test_add_func ("/core/session/spoofed-media", test_spoofed_media);
  g_test_add_func ("/core/session/wrong-password", test_wrong_password);
  g_test_add_func ("/core/session/spoofed-response", test_spoofed_response);
  g_test_add_func ("/core/session/malformed-stun", test_malformed_stun);
  g_test_add_func ("/core/session/descriptions", test_descriptions);
  g_test_add_func ("/core/session/tcp-candidates", test_tcp_candidates);
  g_test_add_func ("/core/session/description-rewrite",
                   test_description_rewrite);
  g_test_add_func ("/core/session/tcp-pairs", test_tcp_pairs);
  g_test_add_func ("/core/session/lite-peer", test_lite_peer);
  g_test_add_func ("/core/session/bad-parameters", test_bad_parameters);
  return g_test_run ();
}
