/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * mDNS over IPv6 (RFC 6762 on ff02::fb, ice/io/ice-agent-mdns-socket.c),
 * on real multicast in a network namespace of the test's own (root;
 * skipped otherwise). Linux loops IPv6 multicast back on an interface that
 * transmits, and lo does not (even with its MULTICAST flag), so the
 * namespace gets a veth pair, one end with IPv6 (fd00:6::1) and the other
 * with none. There is no IPv4 address nor 224.0.0.0/4 route: IPv4 mDNS
 * goes nowhere, so whatever is resolved was asked and answered on
 * ff02::fb. Both agents bind fd00:6::1 only (an IPv6 host candidate); a
 * raw socket on [::]:5353 asks like another host would.
 */
#define _GNU_SOURCE
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io-test-netns.h"
#include "io-test-util.h"
#include "ice/mdns/mdns-message.h"
#include "ice/mdns/mdns-name.h"

/* how long one question waits for its answer */
#define ANSWER_WAIT_US (1200 * G_TIME_SPAN_MILLISECOND)

#define WAIT_US (20 * G_USEC_PER_SEC)
#define LINK "gi6v0"
#define LINK_IP "fd00:6::1"

typedef struct {
  GMutex lock;
  gchar *name;  /* the name of the last line */
  IceAgent *to; /* gets the lines */
} Named;

static IceAgent *
make_agent_on (IceRole role, gboolean publish, const gchar *ip)
{
  const gchar *bind[] = { ip, NULL };
  IceAgent *agent = ice_agent_new (NULL);

  g_object_set (agent, "ice-role", role, "bind-address", bind, "mdns", publish,
                NULL);
  g_assert_cmpuint (ice_agent_add_stream (agent, 1), ==, 0);
  return agent;
}

static IceAgent *
make_agent (IceRole role, gboolean publish)
{
  return make_agent_on (role, publish, LINK_IP);
}

static void
on_line (IceAgent *agent, guint stream, const gchar *line, gpointer data)
{
  Named *n = data;
  gchar **f = g_strsplit (line, " ", -1);

  g_assert_null (strstr (line, LINK_IP));
  g_assert_null (strstr (line, "127.0.0.1"));
  g_assert_cmpuint (g_strv_length (f), >=, 8);
  g_assert_true (ice_mdns_name_is_valid (f[4]));
  g_mutex_lock (&n->lock);
  g_free (n->name);
  n->name = g_strdup (f[4]);
  g_mutex_unlock (&n->lock);
  if (n->to != NULL)
    g_assert_true (ice_agent_add_remote_candidate (n->to, 0, line, NULL));
  g_strfreev (f);
}

/* A publishes, B resolves A's name (an AAAA answer on ff02::fb, the only
 * way here) and checks it; A learns B peer-reflexively. Returns A's name. */
static gchar *
connect_pair (IceAgent *a, IceAgent *b, Named *n)
{
  IceCandidate remote;
  IceAgentStats s;
  gchar *name;

  n->to = b;
  g_signal_connect (a, "new-candidate", G_CALLBACK (on_line), n);
  io_test_give_credentials (a, 0, b, 0);
  io_test_give_credentials (b, 0, a, 0);
  g_assert_true (ice_agent_gather (a, 0, NULL));
  g_assert_true (ice_agent_gather (b, 0, NULL));
  g_assert_true (ice_agent_wait_connected (b, 0, WAIT_US, NULL));
  g_assert_true (ice_agent_get_selected_pair (b, 0, 1, NULL, &remote));
  g_mutex_lock (&n->lock);
  name = g_strdup (n->name);
  g_mutex_unlock (&n->lock);
  g_assert_cmpstr (remote.hostname, ==, name);
  g_assert_cmpint (remote.type, ==, ICE_CANDIDATE_TYPE_HOST);
  g_assert_cmpint (remote.addr.family, ==, ICE_ADDR_FAMILY_IPV6);
  ice_agent_get_stats (b, &s);
  g_assert_cmpuint (s.mdns_resolved, ==, 1);
  ice_agent_get_stats (a, &s);
  g_assert_cmpuint (s.mdns_answers_sent, >=, 1);
  return name;
}

static void
test_resolve_over_ff02 (void)
{
  IceAgent *a = make_agent (ICE_ROLE_CONTROLLING, TRUE);
  IceAgent *b = make_agent (ICE_ROLE_CONTROLLED, FALSE);
  Named n = { 0 };

  g_mutex_init (&n.lock);
  g_free (connect_pair (a, b, &n));
  g_object_unref (a);
  g_object_unref (b);
  g_free (n.name);
  g_mutex_clear (&n.lock);
}

/* Another host's stack: [::]:5353 in ff02::fb on LINK, hop limit 255. */
static GSocket *
link_socket6 (void)
{
  GInetAddress *any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
  GInetAddress *group = g_inet_address_new_from_string ("ff02::fb");
  GSocketAddress *local = g_inet_socket_address_new (any, ICE_MDNS_PORT);
  GError *error = NULL;
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                             G_SOCKET_PROTOCOL_UDP, &error);

  g_assert_no_error (error);
  g_socket_set_option (s, IPPROTO_IPV6, IPV6_V6ONLY, 1, NULL);
  g_assert_true (g_socket_bind (s, local, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_join_multicast_group (s, group, FALSE, LINK, &error));
  g_assert_no_error (error);
  g_socket_set_multicast_loopback (s, TRUE);
  g_socket_set_multicast_ttl (s, 255);
  g_socket_set_timeout (s, 1);
  g_object_unref (local);
  g_object_unref (group);
  g_object_unref (any);
  return s;
}

static void
send_query6 (GSocket *s, const gchar *name, guint16 qtype)
{
  IceMdnsQuery q = { name, qtype, FALSE };
  GInetAddress *ip = g_inet_address_new_from_string ("ff02::fb");
  GSocketAddress *group
      = g_object_new (G_TYPE_INET_SOCKET_ADDRESS, "address", ip, "port",
                      ICE_MDNS_PORT, "scope-id", if_nametoindex (LINK), NULL);
  guint8 buf[256];
  gsize len = ice_mdns_build_query (buf, sizeof (buf), &q, 1);

  g_assert_cmpint (
      g_socket_send_to (s, group, (const gchar *)buf, len, NULL, NULL), ==,
      (gssize)len);
  g_object_unref (group);
  g_object_unref (ip);
}

/* An AAAA question on ff02::fb gets an AAAA answer with LINK_IP there,
 * from port 5353 (asked until answered: B's query may have had the
 * record multicast less than a second ago, RFC 6762 §6). */
static void
test_answer_aaaa (void)
{
  IceAgent *a = make_agent (ICE_ROLE_CONTROLLING, TRUE);
  IceAgent *b = make_agent (ICE_ROLE_CONTROLLED, FALSE);
  GSocket *peer = link_socket6 ();
  Named n = { 0 };
  IceTransportAddr addr = { 0 }, expected;
  gint64 end = g_get_monotonic_time () + WAIT_US;
  guint16 port = 0;
  gboolean answered = FALSE;
  gchar *name;

  g_mutex_init (&n.lock);
  name = connect_pair (a, b, &n);
  while (!answered && g_get_monotonic_time () < end) {
    send_query6 (peer, name, ICE_MDNS_TYPE_AAAA);
    answered = io_test_mdns_receive_answer (peer, name, ANSWER_WAIT_US, &port,
                                            &addr);
  }
  g_assert_true (answered);
  g_assert_cmpuint (port, ==, ICE_MDNS_PORT);
  g_assert_cmpint (addr.family, ==, ICE_ADDR_FAMILY_IPV6);
  g_assert_true (ice_addr_parse_ip (&expected, LINK_IP, 0));
  g_assert_true (ice_addr_equal_ip (&addr, &expected));
  g_free (name);
  g_object_unref (peer);
  g_object_unref (a);
  g_object_unref (b);
  g_free (n.name);
  g_mutex_clear (&n.lock);
}

/* The name of an IPv4 host candidate, asked (A) on ff02::fb, is answered
 * there with the A record: answers go on the family the query came in
 * on, whatever the address's family (no IPv4 route here to answer on). */
static void
test_answer_a_over_ipv6 (void)
{
  IceAgent *a = make_agent_on (ICE_ROLE_CONTROLLING, TRUE, "127.0.0.1");
  GSocket *peer = link_socket6 ();
  Named n = { 0 };
  IceTransportAddr addr = { 0 };
  gint64 end = g_get_monotonic_time () + WAIT_US;
  guint16 port = 0;
  gboolean answered = FALSE;
  gchar *name = NULL;

  g_mutex_init (&n.lock);
  g_signal_connect (a, "new-candidate", G_CALLBACK (on_line), &n);
  g_assert_true (ice_agent_gather (a, 0, NULL));
  while (name == NULL && g_get_monotonic_time () < end) {
    g_mutex_lock (&n.lock);
    name = g_strdup (n.name);
    g_mutex_unlock (&n.lock);
    if (name == NULL)
      g_usleep (10000);
  }
  g_assert_nonnull (name);
  while (!answered && g_get_monotonic_time () < end) {
    send_query6 (peer, name, ICE_MDNS_TYPE_A);
    answered = io_test_mdns_receive_answer (peer, name, ANSWER_WAIT_US, &port,
                                            &addr);
  }
  g_assert_true (answered);
  g_assert_cmpuint (port, ==, ICE_MDNS_PORT);
  g_assert_cmpint (addr.family, ==, ICE_ADDR_FAMILY_IPV4);
  g_assert_cmpuint (addr.ip[0], ==, 127);
  g_free (name);
  g_object_unref (peer);
  g_object_unref (a);
  g_free (n.name);
  g_mutex_clear (&n.lock);
}

/* A network namespace of our own, before any thread exists (a namespace
 * is per thread; later threads inherit it): LINK with IPv6 only (no DAD:
 * a tentative address cannot be bound), its peer end without IPv6. */
static const gchar *
enter_namespace (void)
{
  return io_test_netns_enter (
      "needs root (a network namespace with a veth pair)",
      "ip link set lo up && "
      "ip link add " LINK " type veth peer name gi6v1 && "
      "sysctl -qw net.ipv6.conf.gi6v1.disable_ipv6=1 "
      "net.ipv6.conf." LINK ".disable_ipv6=0 "
      "net.ipv6.conf." LINK ".accept_dad=0 && "
      "ip link set gi6v1 up && ip link set " LINK " up && "
      "ip -6 addr add " LINK_IP "/64 dev " LINK " nodad",
      "could not set up IPv6 multicast on a veth pair (ip, sysctl)");
}

int
main (int argc, char **argv)
{
  const gchar *skip = enter_namespace ();

  g_test_init (&argc, &argv, NULL);
  if (skip != NULL) {
    io_test_add_skipped ("/agent-mdns6/multicast", skip);
    return g_test_run ();
  }
  g_test_add_func ("/agent-mdns6/resolve-over-ff02", test_resolve_over_ff02);
  g_test_add_func ("/agent-mdns6/answer-aaaa", test_answer_aaaa);
  g_test_add_func ("/agent-mdns6/answer-a-over-ipv6", test_answer_a_over_ipv6);
  return g_test_run ();
}
