/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * IceAgent publishing its host candidates as "<uuid>.local" names
 * ("mdns", ice/io/ice-agent-mdns-publish.c) and answering for them, on
 * real multicast over loopback in a network namespace of the test's own
 * (root; skipped otherwise): a second agent resolves the names and
 * connects through them; a raw socket on port 5353 asks and claims like
 * another host on the link would.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io-test-netns.h"
#include "io-test-util.h"
#include "ice/mdns/mdns-message.h"
#include "ice/mdns/mdns-name.h"

#define WAIT_US (20 * G_USEC_PER_SEC)

typedef struct {
  GMutex lock;
  gchar *name;  /* the last name seen in a line */
  guint lines;  /* host lines seen */
  IceAgent *to; /* gets the lines, if set */
} Lines;

static IceAgent *
make_agent (IceRole role, gboolean publish)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  IceAgent *agent = ice_agent_new (NULL);

  g_object_set (agent, "ice-role", role, "bind-address", loopback, "mdns",
                publish, NULL);
  g_assert_cmpuint (ice_agent_add_stream (agent, 1), ==, 0);
  return agent;
}

/* Every line of the publishing agent names its host, never its address. */
static void
on_line (IceAgent *agent, guint stream, const gchar *line, gpointer data)
{
  Lines *l = data;
  gchar **f = g_strsplit (line, " ", -1);

  g_assert_null (strstr (line, "127.0.0.1"));
  g_assert_cmpuint (g_strv_length (f), >=, 8);
  g_assert_true (ice_mdns_name_is_valid (f[4]));
  g_mutex_lock (&l->lock);
  g_free (l->name);
  l->name = g_strdup (f[4]);
  l->lines++;
  g_mutex_unlock (&l->lock);
  if (l->to != NULL)
    g_assert_true (ice_agent_add_remote_candidate (l->to, 0, line, NULL));
  g_strfreev (f);
}

static gchar *
last_name (Lines *l)
{
  gchar *name;

  g_mutex_lock (&l->lock);
  name = g_strdup (l->name);
  g_mutex_unlock (&l->lock);
  return name;
}

static gboolean
wait_stat (IceAgent *agent, gsize offset, guint64 at_least)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;
  IceAgentStats s;

  do {
    ice_agent_get_stats (agent, &s);
    if (G_STRUCT_MEMBER (guint64, &s, offset) >= at_least)
      return TRUE;
    g_usleep (10000);
  } while (g_get_monotonic_time () < end);
  return FALSE;
}

#define WAIT_STAT(agent, field, n)                                             \
  g_assert_true (wait_stat (agent, G_STRUCT_OFFSET (IceAgentStats, field), n))

/* A (publishing) gets none of B's candidates: B must resolve A's name to
 * check it, and A learns B peer-reflexively. */
static void
connect_pair (IceAgent *a, IceAgent *b, Lines *l)
{
  IceCandidate remote;
  gchar *name;

  l->to = b;
  g_signal_connect (a, "new-candidate", G_CALLBACK (on_line), l);
  io_test_give_credentials (a, 0, b, 0);
  io_test_give_credentials (b, 0, a, 0);
  g_assert_true (ice_agent_gather (a, 0, NULL));
  g_assert_true (ice_agent_gather (b, 0, NULL));
  g_assert_true (ice_agent_wait_connected (b, 0, WAIT_US, NULL));
  g_assert_true (ice_agent_wait_connected (a, 0, WAIT_US, NULL));
  g_assert_true (ice_agent_get_selected_pair (b, 0, 1, NULL, &remote));
  name = last_name (l);
  g_assert_cmpstr (remote.hostname, ==, name);
  g_assert_cmpint (remote.type, ==, ICE_CANDIDATE_TYPE_HOST);
  g_free (name);
}

static void
test_publish_connect (void)
{
  IceAgent *a = make_agent (ICE_ROLE_CONTROLLING, TRUE);
  IceAgent *b = make_agent (ICE_ROLE_CONTROLLED, FALSE);
  Lines l = { 0 };
  IceAgentStats s;
  gchar *desc, *name;

  g_mutex_init (&l.lock);
  connect_pair (a, b, &l);
  ice_agent_get_stats (a, &s);
  g_assert_cmpuint (s.mdns_names_published, ==, 1);
  g_assert_cmpuint (s.mdns_answers_sent, >=, 1);
  g_assert_cmpuint (s.mdns_conflicts, ==, 0);
  ice_agent_get_stats (b, &s);
  g_assert_cmpuint (s.mdns_resolved, ==, 1);
  g_assert_cmpuint (s.mdns_names_published, ==, 0);
  /* the description says the same as the lines */
  desc = ice_agent_get_local_description (a, 0);
  name = last_name (&l);
  g_assert_null (strstr (desc, "127.0.0.1"));
  g_assert_nonnull (strstr (desc, name));
  g_free (desc);
  /* B, not publishing, shows its address */
  desc = ice_agent_get_local_description (b, 0);
  g_assert_nonnull (strstr (desc, " 127.0.0.1 "));
  g_free (desc);
  g_free (name);
  g_object_unref (a);
  g_object_unref (b);
  g_free (l.name);
  g_mutex_clear (&l.lock);
}

/* A socket on port 5353 joined to the group, as another host's stack. */
static GSocket *
link_socket (guint16 port)
{
  GInetAddress *any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  GInetAddress *group = g_inet_address_new_from_string ("224.0.0.251");
  GSocketAddress *local = g_inet_socket_address_new (any, port);
  GError *error = NULL;
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                             G_SOCKET_PROTOCOL_UDP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (s, local, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_join_multicast_group (s, group, FALSE, "lo", &error));
  g_assert_no_error (error);
  g_socket_set_multicast_loopback (s, TRUE);
  /* RFC 6762 §11: mDNS senders use TTL 255 (the agent checks it) */
  g_socket_set_multicast_ttl (s, 255);
  g_socket_set_timeout (s, 1);
  g_object_unref (local);
  g_object_unref (group);
  g_object_unref (any);
  return s;
}

static void
send_to_group (GSocket *s, const guint8 *buf, gsize len)
{
  GInetAddress *ip = g_inet_address_new_from_string ("224.0.0.251");
  GSocketAddress *group = g_inet_socket_address_new (ip, ICE_MDNS_PORT);

  g_assert_cmpint (
      g_socket_send_to (s, group, (const gchar *)buf, len, NULL, NULL), ==,
      (gssize)len);
  g_object_unref (group);
  g_object_unref (ip);
}

static void
send_query (GSocket *s, const gchar *name)
{
  IceMdnsQuery q = { name, ICE_MDNS_TYPE_A, FALSE };
  guint8 buf[256];
  gsize len = ice_mdns_build_query (buf, sizeof (buf), &q, 1);

  send_to_group (s, buf, len);
}

/* Asks until answered: the record may have gone out to B's query less
 * than a second ago, and then the first of ours is rate-limited. */
static void
ask_until_answered (GSocket *s, const gchar *name, guint16 *port,
                    IceTransportAddr *addr)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;

  do {
    send_query (s, name);
    if (io_test_mdns_receive_answer (s, name, 1200 * G_TIME_SPAN_MILLISECOND,
                                     port, addr))
      return;
  } while (g_get_monotonic_time () < end);
  g_assert_not_reached ();
}

/* On the wire: the answer comes from port 5353 with the real address; a
 * query within the second after it is not answered; a query from another
 * port, or for a name not ours, is ignored; a claim on our name is a
 * conflict. */
static void
test_answers_on_the_wire (void)
{
  IceAgent *a = make_agent (ICE_ROLE_CONTROLLING, TRUE);
  IceAgent *b = make_agent (ICE_ROLE_CONTROLLED, FALSE);
  GSocket *peer = link_socket (ICE_MDNS_PORT);
  GSocket *legacy = link_socket (0);
  Lines l = { 0 };
  IceMdnsAnswer claim = { NULL, { 0 }, ICE_MDNS_TTL_DEFAULT };
  IceTransportAddr addr;
  IceAgentStats s0, s;
  guint8 buf[256];
  guint16 port = 0;
  gchar *name;

  g_mutex_init (&l.lock);
  connect_pair (a, b, &l);
  name = last_name (&l);
  ask_until_answered (peer, name, &port, &addr);
  g_assert_cmpuint (port, ==, ICE_MDNS_PORT);
  g_assert_cmpuint (addr.family, ==, ICE_ADDR_FAMILY_IPV4);
  g_assert_cmpuint (addr.ip[0], ==, 127);
  /* at once again: rate-limited (RFC 6762 §6) */
  ice_agent_get_stats (a, &s0);
  send_query (peer, name);
  WAIT_STAT (a, mdns_answers_rate_limited, s0.mdns_answers_rate_limited + 1);
  send_query (legacy, name);
  send_query (peer, "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.local");
  WAIT_STAT (a, mdns_queries_ignored, s0.mdns_queries_ignored + 2);
  claim.name = name;
  ice_addr_set_ipv4 (&claim.addr, 0x0a090909, 0);
  send_to_group (peer, buf,
                 ice_mdns_build_response (buf, sizeof (buf), &claim, 1));
  WAIT_STAT (a, mdns_conflicts, 1);
  ice_agent_get_stats (a, &s);
  /* none of these was answered */
  g_assert_cmpuint (s.mdns_answers_sent, ==, s0.mdns_answers_sent);
  g_free (name);
  g_object_unref (legacy);
  g_object_unref (peer);
  g_object_unref (a);
  g_object_unref (b);
  g_free (l.name);
  g_mutex_clear (&l.lock);
}

/* The name of the next line announced after @lines were seen. */
static gchar *
wait_new_line (Lines *l, guint lines)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;
  gchar *name = NULL;

  while (name == NULL && g_get_monotonic_time () < end) {
    g_usleep (10000);
    g_mutex_lock (&l->lock);
    if (l->lines > lines)
      name = g_strdup (l->name);
    g_mutex_unlock (&l->lock);
  }
  g_assert_nonnull (name);
  return name;
}

static guint
lines_seen (Lines *l)
{
  guint n;

  g_mutex_lock (&l->lock);
  n = l->lines;
  g_mutex_unlock (&l->lock);
  return n;
}

/* A restart is a new session: a new name (§3.1.1), the old one no longer
 * answered. */
static void
test_restart_new_name (void)
{
  IceAgent *a = make_agent (ICE_ROLE_CONTROLLING, TRUE);
  IceAgent *b = make_agent (ICE_ROLE_CONTROLLED, FALSE);
  GSocket *peer = link_socket (ICE_MDNS_PORT);
  Lines l = { 0 };
  IceAgentStats s0;
  gchar *old_name, *new_name;
  guint lines;

  g_mutex_init (&l.lock);
  connect_pair (a, b, &l);
  old_name = last_name (&l);
  l.to = NULL;
  lines = lines_seen (&l);
  ice_agent_restart (a);
  WAIT_STAT (a, mdns_names_published, 2);
  /* the candidate is announced again, with the new name */
  new_name = wait_new_line (&l, lines);
  g_assert_cmpstr (new_name, !=, old_name);
  ice_agent_get_stats (a, &s0);
  send_query (peer, old_name);
  WAIT_STAT (a, mdns_queries_ignored, s0.mdns_queries_ignored + 1);
  g_free (old_name);
  g_free (new_name);
  g_object_unref (peer);
  g_object_unref (a);
  g_object_unref (b);
  g_free (l.name);
  g_mutex_clear (&l.lock);
}

/* The peer restarts (new credentials): the session restarts the stream
 * itself (one-sided, RFC 8445 §9) and its candidates come again, named
 * anew. */
static void
test_peer_restart_new_name (void)
{
  IceAgent *a = make_agent (ICE_ROLE_CONTROLLING, TRUE);
  IceAgent *b = make_agent (ICE_ROLE_CONTROLLED, FALSE);
  Lines l = { 0 };
  gchar *old_name, *new_name;
  guint lines;

  g_mutex_init (&l.lock);
  connect_pair (a, b, &l);
  old_name = last_name (&l);
  l.to = NULL;
  lines = lines_seen (&l);
  ice_agent_restart (b);
  io_test_give_credentials (b, 0, a, 0);
  new_name = wait_new_line (&l, lines);
  g_assert_cmpstr (new_name, !=, old_name);
  WAIT_STAT (a, mdns_names_published, 2);
  g_free (old_name);
  g_free (new_name);
  g_object_unref (a);
  g_object_unref (b);
  g_free (l.name);
  g_mutex_clear (&l.lock);
}

int
main (int argc, char **argv)
{
  const gchar *skip = io_test_netns_enter_multicast_lo ();

  g_test_init (&argc, &argv, NULL);
  if (skip != NULL) {
    io_test_add_skipped ("/agent-mdns-publish/multicast", skip);
    return g_test_run ();
  }
  g_test_add_func ("/agent-mdns-publish/connect", test_publish_connect);
  g_test_add_func ("/agent-mdns-publish/answers-on-the-wire",
                   test_answers_on_the_wire);
  g_test_add_func ("/agent-mdns-publish/restart-new-name",
                   test_restart_new_name);
  g_test_add_func ("/agent-mdns-publish/peer-restart-new-name",
                   test_peer_restart_new_name);
  return g_test_run ();
}
