/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Server-reflexive ICE-TCP candidates (RFC 6544 §5.2) of IceAgent against
 * a real coturn on loopback, asked over TCP (plain STUN on the stream,
 * RFC 8489 §6.2.2). Without a NAT the mapping is the listener's address
 * and both srflx TCP candidates are redundant (RFC 8445 §5.1.3), but the
 * answer ends gathering long before the request's 8.5 s timeout. As root,
 * in a network namespace of our own, a Linux NAT (iptables SNAT on lo to
 * 127.0.0.2) stands between the agent and coturn: the passive srflx
 * candidate has the mapped address and the listener's port (the STUN
 * connection left from it), related to the host candidate, and the
 * active one the mapped IP with port 9. A server that refuses the
 * connection ends gathering at once and is counted.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "ice/core/ice-sdp.h"
#include "io-coturn.h"
#include "io-test-util.h"

#define NAT_IP "127.0.0.2"

/* Gathers with "ice-tcp" and @stun_uri; returns the agent (the STUN
 * connection still open) once gathering-done came, or fails the test
 * after IO_TEST_TIMEOUT_US (5 s, below the TCP request's 8.5 s) */
static IceAgent *
gather (const gchar *stun_uri, IoTestGathered *g)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  IceAgent *agent = ice_agent_new (NULL);
  GError *error = NULL;
  guint stream;

  g_object_set (agent, "bind-address", loopback, "ice-tcp", TRUE, "stun-server",
                stun_uri, NULL);
  io_test_gathered_watch (g, agent);
  stream = ice_agent_add_stream (agent, 1);
  g_assert_true (ice_agent_gather (agent, stream, &error));
  g_assert_no_error (error);
  g_assert_true (io_test_gathered_wait (g, IO_TEST_TIMEOUT_US));
  return agent;
}

/* The candidate of @type, @transport and @tcp_type, or FALSE */
static gboolean
find (IoTestGathered *g, IceCandidateType type, IceTransport transport,
      IceTcpType tcp_type, IceCandidate *out)
{
  guint i;

  for (i = 0; i < g->lines->len; i++) {
    g_assert_true (ice_sdp_parse_candidate (g->lines->pdata[i], out, NULL));
    if (out->type == type && out->addr.transport == transport
        && out->tcp_type == tcp_type)
      return TRUE;
  }
  return FALSE;
}

static guint
count_srflx (IoTestGathered *g)
{
  IceCandidate c;
  guint i, n = 0;

  for (i = 0; i < g->lines->len; i++) {
    g_assert_true (ice_sdp_parse_candidate (g->lines->pdata[i], &c, NULL));
    n += c.type == ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;
  }
  return n;
}

static gboolean
start_coturn (IoCoturn *turn)
{
  if (!io_coturn_start (turn)) {
    g_test_skip ("turnserver (coturn) or openssl is not installed");
    return FALSE;
  }
  return TRUE;
}

/* No NAT: coturn answers over TCP (and UDP: no ?transport= asks both),
 * every mapping is a host address, so no srflx candidate */
static void
test_no_nat (void)
{
  IoCoturn turn = { 0 };
  IoTestGathered g;
  IceAgentStats stats;
  IceCandidate host;
  IceAgent *agent;
  gchar *uri;

  if (!start_coturn (&turn))
    return;
  uri = g_strdup_printf ("stun://127.0.0.1:%u", turn.port);
  agent = gather (uri, &g);
  g_assert_true (find (&g, ICE_CANDIDATE_TYPE_HOST, ICE_TRANSPORT_TCP,
                       ICE_TCP_TYPE_PASSIVE, &host));
  g_assert_cmpuint (count_srflx (&g), ==, 0);
  ice_agent_get_stats (agent, &stats);
  g_assert_cmpuint (stats.tcp_connects, ==, 1);
  g_assert_cmpuint (stats.tcp_connect_failed, ==, 0);
  g_assert_cmpuint (stats.tcp_closed_invalid, ==, 0);
  g_assert_cmpuint (stats.dropped[ICE_DROP_MALFORMED_STUN], ==, 0);
  g_object_unref (agent);
  io_test_gathered_clear (&g);
  g_free (uri);
  io_coturn_stop (&turn);
}

/* Nothing listens: the refused connection ends the request at once */
static void
test_refused (void)
{
  IoCoturn turn = { 0 };
  IoTestGathered g;
  IceAgentStats stats;
  IceAgent *agent;
  guint16 port;
  gchar *uri;

  /* a port coturn listened on, free once it is stopped */
  if (!start_coturn (&turn))
    return;
  port = turn.port;
  io_coturn_stop (&turn);
  uri = g_strdup_printf ("stun://127.0.0.1:%u?transport=tcp", port);
  agent = gather (uri, &g);
  g_assert_cmpuint (count_srflx (&g), ==, 0);
  ice_agent_get_stats (agent, &stats);
  g_assert_cmpuint (stats.tcp_connects, ==, 1);
  g_assert_cmpuint (stats.tcp_connect_failed, ==, 1);
  g_object_unref (agent);
  io_test_gathered_clear (&g);
  g_free (uri);
}

static gboolean
run (const gchar *command)
{
  return system (command) == 0;
}

/* Behind a real (Linux) NAT: coturn sees 127.0.0.2 and our port */
static void
test_through_nat (gconstpointer skip)
{
  IoCoturn turn = { 0 };
  IoTestGathered g;
  IceCandidate host, passive, active;
  gchar ip[ICE_ADDR_STRLEN], *uri, *rule;
  IceAgent *agent;

  if (skip != NULL) {
    g_test_skip (skip);
    return;
  }
  if (!start_coturn (&turn))
    return;
  rule = g_strdup_printf ("POSTROUTING -o lo -p tcp -d 127.0.0.1 --dport %u "
                          "-j SNAT --to-source " NAT_IP,
                          turn.port);
  uri = g_strdup_printf ("iptables -t nat -A %s", rule);
  if (!run (uri)) {
    g_test_skip ("iptables could not add the SNAT rule");
    goto out;
  }
  g_free (uri);
  /* TCP only: the UDP srflx would be redundant anyway */
  uri = g_strdup_printf ("stun://127.0.0.1:%u?transport=tcp", turn.port);
  agent = gather (uri, &g);

  g_assert_true (find (&g, ICE_CANDIDATE_TYPE_HOST, ICE_TRANSPORT_TCP,
                       ICE_TCP_TYPE_PASSIVE, &host));
  g_assert_true (find (&g, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                       ICE_TRANSPORT_TCP, ICE_TCP_TYPE_PASSIVE, &passive));
  g_assert_true (find (&g, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                       ICE_TRANSPORT_TCP, ICE_TCP_TYPE_ACTIVE, &active));
  g_assert_cmpuint (count_srflx (&g), ==, 2);
  /* the connection left from the listener's port, which SNAT kept */
  g_assert_cmpstr (ice_addr_ip_to_string (&passive.addr, ip), ==, NAT_IP);
  g_assert_cmpuint (passive.addr.port, ==, host.addr.port);
  g_assert_true (ice_addr_equal (&passive.related, &host.addr));
  g_assert_cmpstr (ice_addr_ip_to_string (&active.addr, ip), ==, NAT_IP);
  g_assert_cmpuint (active.addr.port, ==, 9);
  g_assert_cmpstr (ice_addr_ip_to_string (&active.related, ip), ==,
                   "127.0.0.1");
  g_assert_cmpuint (passive.priority, <, host.priority);
  g_object_unref (agent);
  io_test_gathered_clear (&g);
  g_free (uri);
  uri = g_strdup_printf ("iptables -t nat -D %s", rule);
  g_assert_true (run (uri));
out:
  g_free (uri);
  g_free (rule);
  io_coturn_stop (&turn);
}

/* A network namespace of our own, before any thread exists (later
 * threads inherit it), with lo up */
static const gchar *
enter_namespace (void)
{
  if (getuid () != 0)
    return "needs root (a network namespace with a NAT on lo)";
  if (unshare (CLONE_NEWNET) != 0)
    return "unshare(CLONE_NEWNET) failed";
  if (!run ("ip link set lo up"))
    return "could not bring lo up (ip)";
  return NULL;
}

int
main (int argc, char **argv)
{
  const gchar *skip = enter_namespace ();

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agent-tcp-srflx/no-nat", test_no_nat);
  g_test_add_func ("/agent-tcp-srflx/refused", test_refused);
  g_test_add_data_func ("/agent-tcp-srflx/through-nat", skip, test_through_nat);
  return g_test_run ();
}
