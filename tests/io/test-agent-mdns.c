/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * IceAgent resolving the peer's "<uuid>.local" candidates with mDNS
 * (ice/io/ice-agent-mdns.c) against a tiny responder in this test, on
 * real multicast over loopback. Multicast on "lo" needs the MULTICAST
 * flag and a 224.0.0.0/4 route, which the test sets up in a network
 * namespace of its own: it needs root, and skips otherwise.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "io-test-netns.h"
#include "io-test-util.h"
#include "ice/mdns/mdns-message.h"
#include "ice/mdns/mdns-name.h"

#define NAME_B "4b9c3c1e-7a51-4d3b-9f0e-2c6d8a1b5e70.local"
#define NAME_OTHER "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.local"
#define WAIT_US (20 * G_USEC_PER_SEC)

typedef enum {
  ANSWER_RIGHT,   /* the asked name -> 127.0.0.1 */
  ANSWER_AAAA,    /* the asked name -> ::1 (an AAAA record) */
  ANSWER_OTHER,   /* another name */
  ANSWER_GARBAGE, /* a malformed message */
  ANSWER_NONE,
  /* the right answer from OFF_LINK_IP (an address of another interface)
   * with TTL 1: RFC 6762 §11 says it is not from the link */
  ANSWER_OFF_LINK,
} AnswerMode;

#define OFF_LINK_IP "10.9.9.9"

typedef struct {
  GSocket *socket;
  GThread *thread;
  AnswerMode mode;
  gint stop;
  gint queries;      /* queries with an A question for NAME_B */
  gint aaaa_queries; /* ... that asked for its AAAA record too */
  GSocket *off_link; /* ANSWER_OFF_LINK: answers leave from it */
  gint off_link_ttl;
} Responder;

static gboolean
asks_for_b (const IceMdnsMessage *msg, guint16 qtype)
{
  guint i;

  for (i = 0; i < msg->n_questions; i++)
    if (ice_mdns_name_equal (msg->questions[i].name, NAME_B)
        && msg->questions[i].qtype == qtype)
      return TRUE;
  return FALSE;
}

static void
respond (Responder *r, GSocketAddress *group)
{
  IceMdnsAnswer ans = { r->mode == ANSWER_OTHER ? NAME_OTHER : NAME_B,
                        { 0 },
                        ICE_MDNS_TTL_DEFAULT };
  guint8 buf[512];
  gsize len;

  static const guint8 v6_loopback[16] = { [15] = 1 };

  if (r->mode == ANSWER_AAAA)
    ice_addr_set_ipv6 (&ans.addr, v6_loopback, 0);
  else
    ice_addr_set_ipv4 (&ans.addr, 0x7f000001, 0);
  len = ice_mdns_build_response (buf, sizeof (buf), &ans, 1);
  g_assert_cmpuint (len, >, 0);
  if (r->mode == ANSWER_GARBAGE) {
    buf[2] = 0x84; /* a response whose header counts 9 questions... */
    buf[5] = 9;
    len = 12; /* ...and that ends after the header */
  }
  if (r->off_link != NULL)
    g_socket_set_multicast_ttl (r->off_link,
                                g_atomic_int_get (&r->off_link_ttl));
  g_socket_send_to (r->off_link ? r->off_link : r->socket, group,
                    (const gchar *)buf, len, NULL, NULL);
}

static gpointer
responder_thread (gpointer data)
{
  Responder *r = data;
  GInetAddress *ip = g_inet_address_new_from_string ("224.0.0.251");
  GSocketAddress *group = g_inet_socket_address_new (ip, ICE_MDNS_PORT);
  guint8 buf[ICE_MDNS_MAX_MESSAGE];

  while (!g_atomic_int_get (&r->stop)) {
    IceMdnsMessage msg;
    gssize len
        = g_socket_receive (r->socket, (gchar *)buf, sizeof (buf), NULL, NULL);

    if (len <= 0 || ice_mdns_message_parse (&msg, buf, len) != ICE_MDNS_PARSE_OK
        || msg.is_response || !asks_for_b (&msg, ICE_MDNS_TYPE_A))
      continue;
    g_atomic_int_inc (&r->queries);
    if (asks_for_b (&msg, ICE_MDNS_TYPE_AAAA))
      g_atomic_int_inc (&r->aaaa_queries);
    if (r->mode != ANSWER_NONE)
      respond (r, group);
  }
  g_object_unref (group);
  g_object_unref (ip);
  return NULL;
}

static void
responder_start (Responder *r, AnswerMode mode)
{
  GInetAddress *any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  GInetAddress *group = g_inet_address_new_from_string ("224.0.0.251");
  GSocketAddress *local = g_inet_socket_address_new (any, ICE_MDNS_PORT);
  GError *error = NULL;

  memset (r, 0, sizeof (*r));
  r->mode = mode;
  r->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                            G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (r->socket, local, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (
      g_socket_join_multicast_group (r->socket, group, FALSE, "lo", &error));
  g_assert_no_error (error);
  g_socket_set_multicast_loopback (r->socket, TRUE);
  /* RFC 6762 §11: mDNS senders use TTL 255 (the agent checks it) */
  g_socket_set_multicast_ttl (r->socket, 255);
  /* the stop flag is looked at between reads */
  g_socket_set_timeout (r->socket, 1);
  r->thread = g_thread_new ("responder", responder_thread, r);
  g_object_unref (local);
  g_object_unref (group);
  g_object_unref (any);
}

static void
responder_stop (Responder *r)
{
  g_atomic_int_set (&r->stop, 1);
  g_thread_join (r->thread);
  g_object_unref (r->socket);
  g_clear_object (&r->off_link);
}

/* A socket on OFF_LINK_IP:5353 whose multicast leaves through lo, so
 * that the agent receives its answers on lo from a source on none of
 * lo's subnets; NULL if the address could not be set up */
static GSocket *
off_link_socket (void)
{
  struct in_addr lo = { htonl (INADDR_LOOPBACK) };
  GInetAddress *ip;
  GSocketAddress *local;
  GSocket *s;
  gboolean ok;

  if (system (
          "ip link add ol0 type veth peer name ol1 && ip addr add " OFF_LINK_IP
          "/32 dev ol0 && ip link set ol0 up")
      != 0)
    return NULL;
  ip = g_inet_address_new_from_string (OFF_LINK_IP);
  local = g_inet_socket_address_new (ip, ICE_MDNS_PORT);
  s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                    G_SOCKET_PROTOCOL_UDP, NULL);
  ok = g_socket_bind (s, local, TRUE, NULL)
       && setsockopt (g_socket_get_fd (s), IPPROTO_IP, IP_MULTICAST_IF, &lo,
                      sizeof (lo))
              == 0;
  g_object_unref (local);
  g_object_unref (ip);
  if (!ok)
    g_clear_object (&s);
  return s;
}

/* B's candidates (on @ip) reach A with the name in place of the address,
 * as a browser hides its host addresses. */
static void
add_named (IceAgent *a, const gchar *line, const gchar *ip)
{
  gchar *spaced = g_strdup_printf (" %s ", ip);
  gchar **parts = g_strsplit (line, spaced, 2);
  gchar *named = g_strjoinv (" " NAME_B " ", parts);
  GError *error = NULL;

  g_assert_nonnull (strstr (named, NAME_B));
  g_assert_true (ice_agent_add_remote_candidate (a, 0, named, &error));
  g_assert_no_error (error);
  g_free (named);
  g_strfreev (parts);
  g_free (spaced);
}

static void
on_b_candidate (IceAgent *b, guint stream, const gchar *line, gpointer data)
{
  add_named (data, line, "127.0.0.1");
}

/* The same for B on ::1 */
static void
on_b6_candidate (IceAgent *b, guint stream, const gchar *line, gpointer data)
{
  add_named (data, line, "::1");
}

static IceAgent *
make_agent_on (IceRole role, const gchar *ip)
{
  const gchar *loopback[] = { ip, NULL };
  IceAgent *agent = ice_agent_new (NULL);

  g_object_set (agent, "ice-role", role, "bind-address", loopback, NULL);
  g_assert_cmpuint (ice_agent_add_stream (agent, 1), ==, 0);
  return agent;
}

static IceAgent *
make_agent (IceRole role)
{
  return make_agent_on (role, "127.0.0.1");
}

/* Polls the stats until @pred holds (no event tells a counter moved). */
static gboolean
wait_stats (IceAgent *agent, gboolean (*pred) (const IceAgentStats *s))
{
  gint64 end = g_get_monotonic_time () + WAIT_US;
  IceAgentStats s;

  do {
    ice_agent_get_stats (agent, &s);
    if (pred (&s))
      return TRUE;
    g_usleep (10000);
  } while (g_get_monotonic_time () < end);
  return FALSE;
}

static gboolean
has_remote_port (IceAgent *agent, guint16 port)
{
  GArray *cands = ice_agent_get_candidate_stats (agent, 0);
  gboolean found = FALSE;
  guint i;

  for (i = 0; i < cands->len; i++) {
    IceAgentCandidateStats *c
        = &g_array_index (cands, IceAgentCandidateStats, i);

    if (!c->is_local && c->candidate.addr.port == port
        && ice_addr_is_set (&c->candidate.addr)
        && g_strcmp0 (c->candidate.hostname, NAME_B) == 0)
      found = TRUE;
  }
  g_array_unref (cands);
  return found;
}

/* A later candidate with a resolved name is added from the cache at once,
 * without a query. */
static void
expect_cached (IceAgent *a, guint64 queries_before)
{
  IceAgentStats s;

  g_assert_true (ice_agent_add_remote_candidate (
      a, 0, "candidate:9 1 UDP 1 " NAME_B " 4001 typ host", NULL));
  g_assert_true (has_remote_port (a, 4001));
  ice_agent_get_stats (a, &s);
  g_assert_cmpuint (s.mdns_queries_sent, ==, queries_before);
  g_assert_cmpuint (s.mdns_resolved, ==, 1);
}

static void
test_resolve_connect (void)
{
  Responder r;
  IceAgent *a = make_agent (ICE_ROLE_CONTROLLING);
  IceAgent *b = make_agent (ICE_ROLE_CONTROLLED);
  IceCandidate remote;
  IceAgentStats s;

  responder_start (&r, ANSWER_RIGHT);
  io_test_give_credentials (a, 0, b, 0);
  io_test_give_credentials (b, 0, a, 0);
  /* B gets none of A's candidates: it cannot check A first and make A
   * learn it peer-reflexively (which would connect before the name is
   * resolved, as with a browser); A must resolve B's name to connect. */
  g_signal_connect (b, "new-candidate", G_CALLBACK (on_b_candidate), a);
  g_assert_true (ice_agent_gather (a, 0, NULL));
  g_assert_true (ice_agent_gather (b, 0, NULL));
  g_assert_true (ice_agent_wait_connected (a, 0, WAIT_US, NULL));
  g_assert_true (ice_agent_wait_connected (b, 0, WAIT_US, NULL));
  g_assert_true (ice_agent_get_selected_pair (a, 0, 1, NULL, &remote));
  g_assert_cmpstr (remote.hostname, ==, NAME_B);
  ice_agent_get_stats (a, &s);
  g_assert_cmpuint (s.mdns_queries_sent, >=, 1);
  g_assert_cmpuint (s.mdns_resolved, ==, 1);
  g_assert_cmpuint (s.mdns_timeouts, ==, 0);
  g_assert_cmpuint (s.remote_rejected[ICE_REMOTE_UNRESOLVED], ==, 0);
  g_assert_cmpint (g_atomic_int_get (&r.queries), >=, 1);
  expect_cached (a, s.mdns_queries_sent);
  g_object_unref (a);
  g_object_unref (b);
  responder_stop (&r);
}

/* B's host candidate is IPv6 (::1): A's query asks for the AAAA record
 * with the A one (on the IPv4 group), the AAAA answer resolves the name
 * and they connect over ::1. */
static void
test_resolve_aaaa (void)
{
  Responder r;
  IceAgent *a = make_agent_on (ICE_ROLE_CONTROLLING, "::1");
  IceAgent *b = make_agent_on (ICE_ROLE_CONTROLLED, "::1");
  IceCandidate remote;
  gchar ip[ICE_ADDR_STRLEN];
  IceAgentStats s;

  responder_start (&r, ANSWER_AAAA);
  io_test_give_credentials (a, 0, b, 0);
  io_test_give_credentials (b, 0, a, 0);
  g_signal_connect (b, "new-candidate", G_CALLBACK (on_b6_candidate), a);
  g_assert_true (ice_agent_gather (a, 0, NULL));
  g_assert_true (ice_agent_gather (b, 0, NULL));
  g_assert_true (ice_agent_wait_connected (a, 0, WAIT_US, NULL));
  g_assert_true (ice_agent_get_selected_pair (a, 0, 1, NULL, &remote));
  g_assert_cmpstr (remote.hostname, ==, NAME_B);
  g_assert_cmpint (remote.addr.family, ==, ICE_ADDR_FAMILY_IPV6);
  g_assert_cmpstr (ice_addr_ip_to_string (&remote.addr, ip), ==, "::1");
  ice_agent_get_stats (a, &s);
  g_assert_cmpuint (s.mdns_resolved, ==, 1);
  g_assert_cmpuint (s.mdns_dropped, ==, 0);
  g_assert_cmpint (g_atomic_int_get (&r.aaaa_queries), >=, 1);
  g_object_unref (a);
  g_object_unref (b);
  responder_stop (&r);
}

static gboolean
has_dropped (const IceAgentStats *s)
{
  return s->mdns_dropped >= 1;
}

static gboolean
has_resolved (const IceAgentStats *s)
{
  return s->mdns_resolved >= 1;
}

/* RFC 6762 §11: the right answer, but with TTL 1 from a source on no
 * subnet of lo (where it came in): dropped and counted, the name stays
 * unresolved; the same answer from the same source with TTL 255 (which a
 * router cannot have forwarded) resolves it. */
static void
test_off_link_dropped (void)
{
  Responder r;
  IceAgent *a = make_agent (ICE_ROLE_CONTROLLING);
  IceAgentStats s;

  responder_start (&r, ANSWER_OFF_LINK);
  r.off_link = off_link_socket ();
  if (r.off_link == NULL) {
    responder_stop (&r);
    g_object_unref (a);
    g_test_skip ("could not put " OFF_LINK_IP " on a veth (ip)");
    return;
  }
  g_atomic_int_set (&r.off_link_ttl, 1);
  g_assert_true (ice_agent_gather (a, 0, NULL));
  g_assert_true (ice_agent_add_remote_candidate (
      a, 0, "candidate:1 1 UDP 2015364095 " NAME_B " 4000 typ host", NULL));
  g_assert_true (wait_stats (a, has_dropped));
  ice_agent_get_stats (a, &s);
  g_assert_cmpuint (s.mdns_resolved, ==, 0);

  /* the retransmitted query (1 s later) gets the answer with TTL 255 */
  g_atomic_int_set (&r.off_link_ttl, 255);
  g_assert_true (wait_stats (a, has_resolved));
  g_assert_true (has_remote_port (a, 4000));
  g_object_unref (a);
  responder_stop (&r);
  g_assert_cmpint (system ("ip link del ol0"), ==, 0);
}

static gboolean
has_timed_out (const IceAgentStats *s)
{
  return s->mdns_timeouts == 1;
}

/* One agent is given a named candidate; the responder answers @mode. */
static IceAgent *
ask_with (Responder *r, AnswerMode mode)
{
  IceAgent *a = make_agent (ICE_ROLE_CONTROLLING);
  GError *error = NULL;

  responder_start (r, mode);
  g_assert_true (ice_agent_set_remote_credentials (a, 0, "ufrag",
                                                   "0123456789abcdefghijklmn"));
  g_assert_true (ice_agent_add_remote_candidate (
      a, 0, "candidate:1 1 UDP 2015364095 " NAME_B " 4000 typ host", &error));
  g_assert_no_error (error);
  return a;
}

static void
test_other_name_dropped (void)
{
  Responder r;
  IceAgent *a = ask_with (&r, ANSWER_OTHER);
  IceAgentStats s;

  g_assert_true (wait_stats (a, has_dropped));
  ice_agent_get_stats (a, &s);
  g_assert_cmpuint (s.mdns_resolved, ==, 0);
  g_object_unref (a);
  responder_stop (&r);
}

static void
test_malformed_dropped (void)
{
  Responder r;
  IceAgent *a = ask_with (&r, ANSWER_GARBAGE);
  IceAgentStats s;

  g_assert_true (wait_stats (a, has_dropped));
  ice_agent_get_stats (a, &s);
  g_assert_cmpuint (s.mdns_resolved, ==, 0);
  g_object_unref (a);
  responder_stop (&r);
}

static void
test_timeout_unresolved (void)
{
  Responder r;
  IceAgent *a = ask_with (&r, ANSWER_NONE);
  IceAgentStats s;

  g_assert_true (wait_stats (a, has_timed_out));
  ice_agent_get_stats (a, &s);
  /* RFC 6762 §5.2: at 0, 1 and 3 s within the 5 s */
  g_assert_cmpuint (s.mdns_queries_sent, ==, 3);
  g_assert_cmpuint (s.mdns_resolved, ==, 0);
  g_assert_cmpuint (s.remote_rejected[ICE_REMOTE_UNRESOLVED], ==, 1);
  g_object_unref (a);
  responder_stop (&r);
}

/* ICE restart forgets the remote candidates: a held one is not added (nor
 * counted as unresolved) when its name times out. */
static void
test_restart_forgets (void)
{
  Responder r;
  IceAgent *a = ask_with (&r, ANSWER_NONE);
  IceAgentStats s;

  ice_agent_restart (a);
  g_assert_true (wait_stats (a, has_timed_out));
  ice_agent_get_stats (a, &s);
  g_assert_cmpuint (s.remote_rejected[ICE_REMOTE_UNRESOLVED], ==, 0);
  g_object_unref (a);
  responder_stop (&r);
}

#define NAME_00_LINE                                                           \
  "candidate:2 1 UDP 1 4b9c3c1e-7a51-4d3b-9f0e-2c6d8a1b5e00.local 4001 typ "   \
  "host"

/* The peer's names are bounded (ice-agent-mdns.c): 16 names wait, the
 * 17th is refused at once as unresolved, and so is the 33rd candidate of
 * one name; nobody answers, so all of them are still waiting. */
static void
test_names_bounded (void)
{
  IceAgent *a = make_agent (ICE_ROLE_CONTROLLING);
  GError *error = NULL;
  IceAgentStats s;
  gchar *line;
  guint i;

  for (i = 0; i < 17; i++) {
    line = g_strdup_printf ("candidate:1 1 UDP 2015364095 "
                            "4b9c3c1e-7a51-4d3b-9f0e-2c6d8a1b5e%02u.local "
                            "4000 typ host",
                            i);
    g_assert_cmpint (ice_agent_add_remote_candidate (a, 0, line, &error), ==,
                     i < 16);
    g_free (line);
  }
  g_assert_error (error, ICE_REMOTE_ERROR, ICE_REMOTE_UNRESOLVED);
  g_clear_error (&error);
  /* the first name has one candidate waiting: 31 more fit */
  for (i = 0; i < 31; i++)
    g_assert_true (ice_agent_add_remote_candidate (a, 0, NAME_00_LINE, NULL));
  g_assert_false (ice_agent_add_remote_candidate (a, 0, NAME_00_LINE, NULL));
  ice_agent_get_stats (a, &s);
  g_assert_cmpuint (s.remote_rejected[ICE_REMOTE_UNRESOLVED], ==, 2);
  g_object_unref (a);
}

static void
test_resolve_off (void)
{
  IceAgent *a = make_agent (ICE_ROLE_CONTROLLING);
  GError *error = NULL;
  IceAgentStats s;

  g_object_set (a, "mdns-resolve", FALSE, NULL);
  g_assert_false (ice_agent_add_remote_candidate (
      a, 0, "candidate:1 1 UDP 2015364095 " NAME_B " 4000 typ host", &error));
  g_assert_error (error, ICE_REMOTE_ERROR, ICE_REMOTE_UNRESOLVED);
  g_clear_error (&error);
  ice_agent_get_stats (a, &s);
  g_assert_cmpuint (s.mdns_queries_sent, ==, 0);
  g_assert_cmpuint (s.remote_rejected[ICE_REMOTE_UNRESOLVED], ==, 1);
  g_object_unref (a);
}

int
main (int argc, char **argv)
{
  const gchar *skip = io_test_netns_enter_multicast_lo ();

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agent-mdns/resolve-off", test_resolve_off);
  if (skip != NULL) {
    io_test_add_skipped ("/agent-mdns/multicast", skip);
    return g_test_run ();
  }
  g_test_add_func ("/agent-mdns/resolve-connect", test_resolve_connect);
  g_test_add_func ("/agent-mdns/resolve-aaaa", test_resolve_aaaa);
  g_test_add_func ("/agent-mdns/other-name-dropped", test_other_name_dropped);
  g_test_add_func ("/agent-mdns/malformed-dropped", test_malformed_dropped);
  g_test_add_func ("/agent-mdns/off-link-dropped", test_off_link_dropped);
  g_test_add_func ("/agent-mdns/timeout-unresolved", test_timeout_unresolved);
  g_test_add_func ("/agent-mdns/restart-forgets", test_restart_forgets);
  g_test_add_func ("/agent-mdns/names-bounded", test_names_bounded);
  return g_test_run ();
}
