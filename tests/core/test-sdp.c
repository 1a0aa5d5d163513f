/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RFC 8839 attribute lines: candidates of every kind, credentials,
 * options, descriptions, bad lines, the writer.
 */
#include "ice/core/ice-sdp.h"

#include <string.h>

static IceCandidate
parse_ok (const gchar *line)
{
  GError *error = NULL;
  IceCandidate c;

  if (!ice_sdp_parse_candidate (line, &c, &error))
    g_error ("'%s' refused: %s", line, error->message);
  g_assert_no_error (error);
  return c;
}

static void
assert_ip (const IceTransportAddr *a, const gchar *ip, guint16 port)
{
  gchar buf[ICE_ADDR_STRLEN];

  g_assert_true (ice_addr_is_set (a));
  g_assert_cmpstr (ice_addr_ip_to_string (a, buf), ==, ip);
  g_assert_cmpuint (a->port, ==, port);
}

static void
test_parse_host (void)
{
  IceCandidate c
      = parse_ok ("a=candidate:1 1 UDP 2130706431 192.0.2.7 34122 typ host");

  g_assert_cmpstr (c.foundation, ==, "1");
  g_assert_cmpuint (c.component_id, ==, 1);
  g_assert_cmpuint (c.addr.transport, ==, ICE_TRANSPORT_UDP);
  g_assert_cmpuint (c.priority, ==, 2130706431u);
  assert_ip (&c.addr, "192.0.2.7", 34122);
  g_assert_cmpint (c.addr.family, ==, ICE_ADDR_FAMILY_IPV4);
  g_assert_cmpint (c.type, ==, ICE_CANDIDATE_TYPE_HOST);
  g_assert_false (ice_addr_is_set (&c.related));
  g_assert_false (ice_addr_is_set (&c.base));
  g_assert_cmpint (c.tcp_type, ==, ICE_TCP_TYPE_NONE);
  g_assert_cmpstr (c.hostname, ==, "");
  g_assert_cmpstr (c.extensions, ==, "");
  g_assert_cmpuint (c.stream_id, ==, 0);

  /* without "a=", lower-case transport, component 256, max priority */
  c = parse_ok ("candidate:a+/Z 256 udp 2147483647 192.0.2.8 1 typ host");
  g_assert_cmpstr (c.foundation, ==, "a+/Z");
  g_assert_cmpuint (c.component_id, ==, 256);
  g_assert_cmpuint (c.priority, ==, 2147483647u);
  g_assert_cmpuint (c.addr.transport, ==, ICE_TRANSPORT_UDP);
}

static void
test_parse_reflexive_and_relay (void)
{
  IceCandidate c = parse_ok ("candidate:2 2 UDP 1694498814 203.0.113.5 "
                             "40000 typ srflx raddr 192.0.2.7 rport 34122");

  g_assert_cmpint (c.type, ==, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE);
  g_assert_cmpuint (c.component_id, ==, 2);
  assert_ip (&c.addr, "203.0.113.5", 40000);
  assert_ip (&c.related, "192.0.2.7", 34122);
  g_assert_cmpuint (c.related.transport, ==, ICE_TRANSPORT_UDP);

  c = parse_ok ("candidate:3 1 UDP 1862270975 203.0.113.6 40001 typ prflx "
                "raddr 192.0.2.7 rport 34122");
  g_assert_cmpint (c.type, ==, ICE_CANDIDATE_TYPE_PEER_REFLEXIVE);
  assert_ip (&c.related, "192.0.2.7", 34122);

  c = parse_ok ("candidate:4 1 UDP 16777215 198.51.100.9 49152 typ relay "
                "raddr 203.0.113.5 rport 40000");
  g_assert_cmpint (c.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  assert_ip (&c.addr, "198.51.100.9", 49152);
  assert_ip (&c.related, "203.0.113.5", 40000);
}

static void
test_parse_tcp (void)
{
  IceCandidate c = parse_ok ("candidate:5 1 TCP 1518280447 192.0.2.7 9 "
                             "typ host tcptype active");

  g_assert_cmpuint (c.addr.transport, ==, ICE_TRANSPORT_TCP);
  g_assert_cmpint (c.tcp_type, ==, ICE_TCP_TYPE_ACTIVE);
  g_assert_cmpuint (c.addr.port, ==, 9);

  /* RFC 6544 §4.5: an active candidate may say port 0 */
  c = parse_ok ("candidate:5 1 tcp 1518280447 192.0.2.7 0 typ host "
                "tcptype active");
  g_assert_cmpuint (c.addr.port, ==, 0);

  c = parse_ok ("candidate:6 1 TCP 1518214911 192.0.2.7 50000 typ host "
                "tcptype passive");
  g_assert_cmpint (c.tcp_type, ==, ICE_TCP_TYPE_PASSIVE);
  g_assert_cmpuint (c.addr.port, ==, 50000);

  c = parse_ok ("candidate:7 1 TCP 1015021823 203.0.113.5 50001 typ srflx "
                "raddr 192.0.2.7 rport 50001 tcptype so");
  g_assert_cmpint (c.tcp_type, ==, ICE_TCP_TYPE_SO);
  assert_ip (&c.related, "192.0.2.7", 50001);
  g_assert_cmpuint (c.related.transport, ==, ICE_TRANSPORT_TCP);
}

static void
test_parse_ipv6 (void)
{
  IceCandidate c = parse_ok ("candidate:8 1 UDP 2130706431 2001:db8::7 "
                             "5000 typ host");

  g_assert_cmpint (c.addr.family, ==, ICE_ADDR_FAMILY_IPV6);
  assert_ip (&c.addr, "2001:db8::7", 5000);

  c = parse_ok ("candidate:9 1 UDP 1694498815 2001:db8:1::5 6000 typ srflx "
                "raddr 2001:db8::7 rport 5000");
  assert_ip (&c.addr, "2001:db8:1::5", 6000);
  assert_ip (&c.related, "2001:db8::7", 5000);

  c = parse_ok ("candidate:9 1 UDP 1694498815 fe80::1 6000 typ host");
  g_assert_true (ice_addr_is_link_local (&c.addr));
}

/* RFC 8839 §5.1 FQDN, mDNS names as browsers send them */
static void
test_parse_hostname (void)
{
  IceCandidate c
      = parse_ok ("candidate:1 1 udp 2122260223 "
                  "1f4712db-ea17-4bcf-a596-105139dfd8bf.local 54321 typ host "
                  "generation 0 network-id 1");

  g_assert_cmpstr (c.hostname, ==,
                   "1f4712db-ea17-4bcf-a596-105139dfd8bf.local");
  g_assert_cmpint (c.addr.family, ==, ICE_ADDR_FAMILY_NONE);
  g_assert_false (ice_addr_is_set (&c.addr));
  g_assert_cmpuint (c.addr.port, ==, 54321);
  g_assert_cmpuint (c.addr.transport, ==, ICE_TRANSPORT_UDP);
  g_assert_cmpstr (c.extensions, ==, "generation 0 network-id 1");

  /* a srflx whose raddr is a name: accepted, related left unset */
  c = parse_ok ("candidate:2 1 udp 1685987071 203.0.113.5 40000 typ srflx "
                "raddr 1f4712db.local rport 54321");
  g_assert_false (ice_addr_is_set (&c.related));
  assert_ip (&c.addr, "203.0.113.5", 40000);
}

static void
test_parse_browser_style (void)
{
  IceCandidate c = parse_ok (
      "candidate:842163049 1 udp 1677729535 1.2.3.4 "
      "56143 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sGzW "
      "network-cost 999");

  g_assert_cmpstr (c.foundation, ==, "842163049");
  g_assert_cmpuint (c.priority, ==, 1677729535u);
  g_assert_cmpint (c.type, ==, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE);
  assert_ip (&c.addr, "1.2.3.4", 56143);
  assert_ip (&c.related, "0.0.0.0", 0);
  g_assert_cmpstr (c.extensions, ==,
                   "generation 0 ufrag sGzW network-cost 999");

  /* Chrome's TCP host candidate: tcptype among the extensions */
  c = parse_ok (
      "candidate:3169312354 1 tcp 1518280447 192.168.1.10 9 "
      "typ host tcptype active generation 0 network-id 1 network-cost 10");
  g_assert_cmpint (c.tcp_type, ==, ICE_TCP_TYPE_ACTIVE);
  g_assert_cmpstr (c.extensions, ==,
                   "generation 0 network-id 1 network-cost 10");
}

/* libnice's nice_agent_generate_local_candidate_sdp() style */
static void
test_parse_libnice_style (void)
{
  IceCandidate c = parse_ok ("a=candidate:1 1 UDP 2013266431 192.168.1.10 "
                             "47021 typ host");

  g_assert_cmpuint (c.priority, ==, 2013266431u);
  assert_ip (&c.addr, "192.168.1.10", 47021);

  c = parse_ok ("a=candidate:7 1 UDP 8388607 203.0.113.1 49152 typ relay "
                "raddr 198.51.100.2 rport 41234");
  g_assert_cmpint (c.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  assert_ip (&c.related, "198.51.100.2", 41234);

  c = parse_ok ("a=candidate:3 1 TCP 1015022079 192.168.1.10 9 typ host "
                "tcptype active");
  g_assert_cmpint (c.tcp_type, ==, ICE_TCP_TYPE_ACTIVE);
}

typedef struct {
  const gchar *line;
  const gchar *expected; /* substring of the error message */
} BadLine;

static const BadLine bad_lines[] = {
  { "candidate:1 1 UDP 2130706431 192.0.2.7 5000", "8 fields" },
  { "candidate:1 0 UDP 2130706431 192.0.2.7 5000 typ host", "component" },
  { "candidate:1 257 UDP 2130706431 192.0.2.7 5000 typ host", "component" },
  { "candidate:1 x UDP 2130706431 192.0.2.7 5000 typ host", "component" },
  { "candidate:1 1 UDP 0 192.0.2.7 5000 typ host", "priority" },
  { "candidate:1 1 UDP 2147483648 192.0.2.7 5000 typ host", "priority" },
  { "candidate:1 1 UDP 99999999999999999999 192.0.2.7 5000 typ host",
    "priority" },
  { "candidate:1 1 UDP -5 192.0.2.7 5000 typ host", "priority" },
  { "candidate:1 1 UDP 100 192.0.2.7 65536 typ host", "port 0..65535" },
  { "candidate:1 1 UDP 100 192.0.2.7 0 typ host", "0 only for TCP active" },
  { "candidate:1 1 TCP 100 192.0.2.7 0 typ host tcptype passive",
    "0 only for TCP active" },
  { "candidate:1 1 SCTP 100 192.0.2.7 5000 typ host", "transport UDP or TCP" },
  { "candidate:1 1 UDP 100 192.0.2.777 5000 typ host", "connection address" },
  { "candidate:1 1 UDP 100 2001:db8::zz 5000 typ host", "connection address" },
  { "candidate:1 1 UDP 100 bad!name 5000 typ host", "connection address" },
  { "candidate:1 1 UDP 100 192.0.2.7 5000 type host", "'typ'" },
  { "candidate:1 1 UDP 100 192.0.2.7 5000 typ relayed", "candidate type" },
  { "candidate:1 1 TCP 100 192.0.2.7 5000 typ host tcptype both",
    "tcptype active, passive or so" },
  { "candidate:1 1 TCP 100 192.0.2.7 5000 typ host",
    "tcptype expected on a TCP" },
  { "candidate:1 1 UDP 100 192.0.2.7 5000 typ host tcptype active",
    "no tcptype expected" },
  { "candidate:123456789012345678901234567890123 1 UDP 100 192.0.2.7 5000 "
    "typ host",
    "foundation" },
  { "candidate:ab-c 1 UDP 100 192.0.2.7 5000 typ host", "foundation" },
  { "candidate:1 1 UDP 100 192.0.2.7 5000 typ srflx raddr 192.0.2.1",
    "rport expected after raddr" },
  { "candidate:1 1 UDP 100 192.0.2.7 5000 typ srflx raddr 192.0.2.1 "
    "generation 0",
    "rport expected after raddr" },
  { "candidate:1 1 UDP 100 192.0.2.7 5000 typ srflx rport 5",
    "raddr expected before" },
  { "candidate:1 1 UDP 100 192.0.2.7 5000 typ srflx raddr 192.0.2.1 "
    "rport 70000",
    "rport 0..65535" },
  { "candidate:1 1 UDP 100 192.0.2.7 5000 typ srflx raddr 1.2.3 rport 5",
    "raddr IPv4" },
  { "candidate:1 1 UDP 100 192.0.2.7 5000 typ srflx raddr 192.0.2.1 "
    "rport 5 raddr 192.0.2.2",
    "at most once" },
  { "candidate:1 1 UDP 100 192.0.2.7 5000 typ host generation", "a value" },
  { "candidate:garbage", "8 fields" },
  { "candidate:", "8 fields" },
  { "ice-ufrag:abcd", "'candidate:'" },
};

static void
test_parse_bad_lines (void)
{
  GHashTable *seen
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad_lines); i++) {
    GError *error = NULL;
    IceCandidate c;

    memset (&c, 0x55, sizeof (c));
    if (ice_sdp_parse_candidate (bad_lines[i].line, &c, &error))
      g_error ("'%s' accepted", bad_lines[i].line);
    g_assert_error (error, ICE_SDP_ERROR, error->code);
    if (strstr (error->message, bad_lines[i].expected) == NULL)
      g_error ("'%s': message '%s' lacks '%s'", bad_lines[i].line,
               error->message, bad_lines[i].expected);
    g_assert_true (strstr (error->message, "expected") != NULL);
    /* a refused line leaves nothing half-filled behind */
    g_assert_cmpuint (c.priority, ==, 0);
    g_assert_cmpstr (c.foundation, ==, "");
    g_hash_table_add (seen, g_strdup (bad_lines[i].expected));
    g_error_free (error);
  }
  /* the kinds of mistake above each got their own message */
  g_assert_cmpuint (g_hash_table_size (seen), >=, 20);
  g_hash_table_unref (seen);
}

static void
test_extensions_overflow (void)
{
  GString *line = g_string_new ("candidate:1 1 UDP 100 192.0.2.7 5000 "
                                "typ host");
  IceCandidate c;
  guint i;

  for (i = 0; i < 40; i++)
    g_string_append_printf (line, " ext%02u value%02u", i, i);
  c = parse_ok (line->str);
  /* cut at a pair boundary, within the buffer */
  g_assert_cmpuint (strlen (c.extensions), <=, ICE_EXTENSIONS_MAX);
  g_assert_true (g_str_has_prefix (c.extensions, "ext00 value00 ext01"));
  g_assert_true (g_regex_match_simple ("value[0-9][0-9]$", c.extensions, 0, 0));
  g_string_free (line, TRUE);
}

static void
test_credentials (void)
{
  gchar long_ufrag[ICE_CREDENTIAL_MAX + 2];

  g_assert_true (ice_sdp_ufrag_is_valid ("lj+h"));
  g_assert_true (ice_sdp_ufrag_is_valid ("abcd/EFG0"));
  g_assert_false (ice_sdp_ufrag_is_valid ("abc"));
  g_assert_false (ice_sdp_ufrag_is_valid ("ab-cd"));
  g_assert_false (ice_sdp_ufrag_is_valid ("ab cd"));
  g_assert_false (ice_sdp_ufrag_is_valid (""));
  g_assert_false (ice_sdp_ufrag_is_valid (NULL));
  memset (long_ufrag, 'a', sizeof (long_ufrag));
  long_ufrag[ICE_CREDENTIAL_MAX] = '\0';
  g_assert_true (ice_sdp_ufrag_is_valid (long_ufrag));
  long_ufrag[ICE_CREDENTIAL_MAX] = 'a';
  long_ufrag[ICE_CREDENTIAL_MAX + 1] = '\0';
  g_assert_false (ice_sdp_ufrag_is_valid (long_ufrag));

  g_assert_true (ice_sdp_pwd_is_valid ("FXr8TP6S/Cr4SeUa35Qnuu"));
  g_assert_false (ice_sdp_pwd_is_valid ("FXr8TP6S/Cr4SeUa35Qnu"));
  g_assert_false (ice_sdp_pwd_is_valid ("FXr8TP6S/Cr4SeUa35Qnu="));
  g_assert_false (ice_sdp_pwd_is_valid (long_ufrag));
}

static const IceCandidate *
candidate_at (const IceSdpDescription *desc, guint i)
{
  g_assert_cmpuint (i, <, desc->candidates->len);
  return &g_array_index (desc->candidates, IceCandidate, i);
}

static void
test_description_attributes_only (void)
{
  const gchar *lf = "a=ice-ufrag:lj+h\n"
                    "a=ice-pwd:FXr8TP6S/Cr4SeUa35Qnuu\n"
                    "a=ice-options:trickle ice2\n"
                    "a=ice-pacing:20\n"
                    "a=ice-lite\n"
                    "a=candidate:1 1 UDP 2015364095 192.0.2.7 34122 typ host\n"
                    "candidate:2 1 UDP 1694498815 203.0.113.5 40000 typ srflx "
                    "raddr 192.0.2.7 rport 34122\n"
                    "a=end-of-candidates";
  gchar **lines = g_strsplit (lf, "\n", -1);
  gchar *crlf = g_strjoinv ("\r\n", lines);
  IceSdpDescription *d;
  guint round;

  g_strfreev (lines);
  g_assert_nonnull (strstr (crlf, "\r\n"));
  for (round = 0; round < 2; round++) {
    d = ice_sdp_parse (round == 0 ? lf : crlf, -1);
    g_assert_cmpuint (d->errors->len, ==, 0);
    g_assert_cmpstr (d->ufrag, ==, "lj+h");
    g_assert_cmpstr (d->pwd, ==, "FXr8TP6S/Cr4SeUa35Qnuu");
    g_assert_true (d->trickle);
    g_assert_true (d->ice2);
    g_assert_cmpuint (d->pacing_ms, ==, 20);
    g_assert_true (d->ice_lite);
    g_assert_true (d->end_of_candidates);
    g_assert_cmpuint (d->candidates->len, ==, 2);
    g_assert_cmpuint (candidate_at (d, 0)->priority, ==, 2015364095u);
    g_assert_cmpint (candidate_at (d, 1)->type, ==,
                     ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE);
    ice_sdp_description_free (d);
  }
  g_free (crlf);

  /* an empty text, a NULL text and one without any ICE line */
  d = ice_sdp_parse ("", -1);
  g_assert_cmpuint (d->candidates->len, ==, 0);
  g_assert_false (d->trickle || d->ice_lite || d->end_of_candidates);
  ice_sdp_description_free (d);
  d = ice_sdp_parse (NULL, -1);
  g_assert_cmpuint (d->errors->len, ==, 0);
  ice_sdp_description_free (d);
  ice_sdp_description_free (NULL);
}

static const gchar full_sdp[]
    = "v=0\r\n"
      "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
      "s=-\r\n"
      "t=0 0\r\n"
      "a=group:BUNDLE 0\r\n"
      "a=ice-ufrag:sess\r\n"
      "a=ice-pwd:sessionpasswordsession\r\n"
      "a=ice-options:trickle\r\n"
      "a=ice-lite\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
      "c=IN IP4 0.0.0.0\r\n"
      "a=rtpmap:111 opus/48000/2\r\n"
      "a=ice-ufrag:medi\r\n"
      "a=candidate:1 1 udp 2122260223 192.0.2.7 54321 typ host "
      "generation 0\r\n"
      "a=ice-mismatch\r\n"
      "a=end-of-candidates\r\n";

/* session-level attributes, overridden by media-level ones */
static void
test_description_full_sdp (void)
{
  IceSdpDescription *d = ice_sdp_parse (full_sdp, -1);

  g_assert_cmpuint (d->errors->len, ==, 0);
  g_assert_cmpstr (d->ufrag, ==, "medi");
  g_assert_cmpstr (d->pwd, ==, "sessionpasswordsession");
  g_assert_true (d->trickle);
  g_assert_false (d->ice2);
  g_assert_true (d->ice_lite);
  g_assert_true (d->end_of_candidates);
  g_assert_cmpuint (d->candidates->len, ==, 1);
  g_assert_cmpstr (candidate_at (d, 0)->extensions, ==, "generation 0");
  ice_sdp_description_free (d);

  /* media-level ice-options replace the session-level ones */
  d = ice_sdp_parse ("a=ice-options:trickle\nm=video 9 RTP/AVP 96\n"
                     "a=ice-options:ice2 renomination\n",
                     -1);
  g_assert_false (d->trickle);
  g_assert_true (d->ice2);
  g_assert_cmpuint (d->errors->len, ==, 0);
  ice_sdp_description_free (d);

  /* @len is honoured: the second line is not read */
  d = ice_sdp_parse ("a=ice-ufrag:abcd\na=ice-lite\n", 17);
  g_assert_cmpstr (d->ufrag, ==, "abcd");
  g_assert_false (d->ice_lite);
  ice_sdp_description_free (d);
}

static const gchar mixed[]
    = "a=ice-ufrag:abc\n"                                   /* 1 */
      "a=ice-ufrag:good\n"                                  /* 2 */
      "a=ice-pwd:short\n"                                   /* 3 */
      "a=candidate:1 1 UDP 0 192.0.2.7 5000 typ host\n"     /* 4 */
      "a=candidate:1 1 UDP 100 192.0.2.7 5000 typ host\n"   /* 5 */
      "a=candidate:1 1 UDP 100 192.0.2.7 5001 typ nope\r\n" /* 6 */
      "\n"                                                  /* 7 */
      "a=candidate:2 2 UDP 99 192.0.2.7 5002 typ host\r\n"  /* 8 */
      "a=ice-pacing:fast\n"                                 /* 9 */
      "a=ice-pacing:0\n"                                    /* 10 */
      "a=ice-options:\n"                                    /* 11 */
      "a=ice-lite:yes\n"                                    /* 12 */
      "a=candidate\n"                                       /* 13 */
      "a=end-of-candidates\n"                               /* 14 */
      "a=rtcp-mux\n"                                        /* 15 */
      "garbage line\n";                                     /* 16 */

/* every bad ICE line gets its own numbered error; the good ones survive */
static void
test_description_bad_lines (void)
{
  static const gchar *expected[] = {
    "line 1: ice-ufrag of 4-256",
    "line 3: ice-pwd of 22-256",
    "line 4: priority",
    "line 6: candidate type",
    "line 9: ice-pacing",
    "line 10: ice-pacing",
    "line 11: at least one ice-options tag",
    "line 12: nothing expected after 'a=ice-lite'",
    "line 13: a value expected after 'a=candidate:'",
  };
  IceSdpDescription *d = ice_sdp_parse (mixed, -1);
  guint i;

  for (i = 0; i < d->errors->len; i++)
    g_test_message ("%s", (const gchar *)g_ptr_array_index (d->errors, i));
  g_assert_cmpuint (d->errors->len, ==, G_N_ELEMENTS (expected));
  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_true (
        g_str_has_prefix (g_ptr_array_index (d->errors, i), expected[i]));
  /* a password, even a bad one, is not echoed into logs */
  g_assert_null (strstr (g_ptr_array_index (d->errors, 1), "short"));
  g_assert_cmpstr (d->ufrag, ==, "good");
  g_assert_cmpstr (d->pwd, ==, "");
  g_assert_cmpuint (d->pacing_ms, ==, 0);
  g_assert_false (d->ice_lite);
  g_assert_true (d->end_of_candidates);
  g_assert_cmpuint (d->candidates->len, ==, 2);
  g_assert_cmpuint (candidate_at (d, 0)->addr.port, ==, 5000);
  g_assert_cmpuint (candidate_at (d, 1)->component_id, ==, 2);
  ice_sdp_description_free (d);
}

static void
assert_round_trip (const gchar *line)
{
  IceCandidate c = parse_ok (line), again;
  gchar *written = ice_sdp_candidate_to_string (&c);

  g_assert_cmpstr (written, ==, line);
  again = parse_ok (written);
  g_assert_true (memcmp (&c, &again, sizeof (c)) == 0);
  g_free (written);
}

static void
test_writer_round_trip (void)
{
  IceCandidate c;
  gchar *s;

  assert_round_trip ("candidate:1 1 UDP 2130706431 192.0.2.7 34122 typ host");
  assert_round_trip ("candidate:2 2 UDP 1694498814 203.0.113.5 40000 "
                     "typ srflx raddr 192.0.2.7 rport 34122");
  assert_round_trip ("candidate:3 1 UDP 1862270975 203.0.113.6 40001 "
                     "typ prflx raddr 192.0.2.7 rport 34122");
  assert_round_trip ("candidate:4 1 UDP 16777215 198.51.100.9 49152 "
                     "typ relay raddr 203.0.113.5 rport 40000");
  assert_round_trip ("candidate:5 1 TCP 1518280447 192.0.2.7 9 typ host "
                     "tcptype active");
  assert_round_trip ("candidate:6 1 TCP 1518214911 2001:db8::7 50000 "
                     "typ host tcptype passive");
  assert_round_trip ("candidate:7 1 TCP 1015021823 203.0.113.5 50001 "
                     "typ srflx raddr 192.0.2.7 rport 50001 tcptype so");
  assert_round_trip ("candidate:8 1 UDP 2122260223 abc-def.local 54321 "
                     "typ host generation 0 network-cost 999");
  assert_round_trip ("candidate:842163049 1 UDP 1677729535 1.2.3.4 56143 "
                     "typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sGzW "
                     "network-cost 999");

  /* normalised: lower-case transport and keywords, extra blanks */
  c = parse_ok ("candidate:9  1 udp 100 192.0.2.7 5000 TYP host\r\n");
  s = ice_sdp_candidate_to_string (&c);
  g_assert_cmpstr (s, ==, "candidate:9 1 UDP 100 192.0.2.7 5000 typ host");
  g_free (s);

  /* a local candidate with both: the name is published, not the IP */
  c = parse_ok ("candidate:1 1 UDP 100 192.0.2.7 5000 typ host");
  g_strlcpy (c.hostname, "x.local", sizeof (c.hostname));
  s = ice_sdp_candidate_to_string (&c);
  g_assert_cmpstr (s, ==, "candidate:1 1 UDP 100 x.local 5000 typ host");
  g_free (s);

  /* nothing to write in place of the foundation or the address */
  memset (&c, 0, sizeof (c));
  g_strlcpy (c.foundation, "1", sizeof (c.foundation));
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*ice_addr_is_set*");
  g_assert_null (ice_sdp_candidate_to_string (&c));
  g_test_assert_expected_messages ();

  /* no zone index leaves the host */
  c = parse_ok ("candidate:1 1 UDP 100 fe80::1%3 5000 typ host");
  g_assert_cmpuint (c.addr.scope_id, ==, 3);
  s = ice_sdp_candidate_to_string (&c);
  g_assert_cmpstr (s, ==, "candidate:1 1 UDP 100 fe80::1 5000 typ host");
  g_free (s);
}

static void
test_writer_description (void)
{
  IceSdpDescription *d = ice_sdp_description_new (), *back;
  IceCandidate c = parse_ok ("candidate:1 1 UDP 2015364095 192.0.2.7 34122 "
                             "typ host");
  gchar *text, *again;

  g_strlcpy (d->ufrag, "lj+h", sizeof (d->ufrag));
  g_strlcpy (d->pwd, "FXr8TP6S/Cr4SeUa35Qnuu", sizeof (d->pwd));
  d->trickle = d->ice2 = TRUE;
  d->pacing_ms = 50;
  d->ice_lite = TRUE;
  g_array_append_val (d->candidates, c);
  c = parse_ok ("candidate:2 1 TCP 1518280447 192.0.2.7 9 typ host "
                "tcptype active");
  g_array_append_val (d->candidates, c);
  d->end_of_candidates = TRUE;

  text = ice_sdp_description_to_string (d);
  g_assert_cmpstr (
      text, ==,
      "a=ice-ufrag:lj+h\r\n"
      "a=ice-pwd:FXr8TP6S/Cr4SeUa35Qnuu\r\n"
      "a=ice-options:trickle ice2\r\n"
      "a=ice-pacing:50\r\n"
      "a=ice-lite\r\n"
      "a=candidate:1 1 UDP 2015364095 192.0.2.7 34122 typ host\r\n"
      "a=candidate:2 1 TCP 1518280447 192.0.2.7 9 typ host tcptype active\r\n"
      "a=end-of-candidates\r\n");

  back = ice_sdp_parse (text, -1);
  g_assert_cmpuint (back->errors->len, ==, 0);
  g_assert_cmpuint (back->candidates->len, ==, 2);
  again = ice_sdp_description_to_string (back);
  g_assert_cmpstr (again, ==, text);
  g_free (again);
  ice_sdp_description_free (back);
  g_free (text);

  /* only what is set is written */
  d->trickle = d->ice_lite = d->end_of_candidates = FALSE;
  d->pacing_ms = 0;
  d->pwd[0] = '\0';
  g_array_set_size (d->candidates, 0);
  text = ice_sdp_description_to_string (d);
  g_assert_cmpstr (text, ==, "a=ice-ufrag:lj+h\r\na=ice-options:ice2\r\n");
  g_free (text);
  ice_sdp_description_free (d);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/sdp/parse-host", test_parse_host);
  g_test_add_func ("/core/sdp/parse-reflexive-relay",
                   test_parse_reflexive_and_relay);
  g_test_add_func ("/core/sdp/parse-tcp", test_parse_tcp);
  g_test_add_func ("/core/sdp/parse-ipv6", test_parse_ipv6);
  g_test_add_func ("/core/sdp/parse-hostname", test_parse_hostname);
  g_test_add_func ("/core/sdp/parse-browser-style", test_parse_browser_style);
  g_test_add_func ("/core/sdp/parse-libnice-style", test_parse_libnice_style);
  g_test_add_func ("/core/sdp/parse-bad-lines", test_parse_bad_lines);
  g_test_add_func ("/core/sdp/extensions-overflow", test_extensions_overflow);
  g_test_add_func ("/core/sdp/credentials", test_credentials);
  g_test_add_func ("/core/sdp/description-attributes-only",
                   test_description_attributes_only);
  g_test_add_func ("/core/sdp/description-full-sdp", test_description_full_sdp);
  g_test_add_func ("/core/sdp/description-bad-lines",
                   test_description_bad_lines);
  g_test_add_func ("/core/sdp/writer-round-trip", test_writer_round_trip);
  g_test_add_func ("/core/sdp/writer-description", test_writer_description);
  return g_test_run ();
}
