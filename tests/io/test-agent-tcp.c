/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ICE-TCP (RFC 6544) of IceAgent on loopback: two agents with "ice-tcp"
 * that learn only each other's TCP candidates connect over a TCP host
 * pair (one connects, the other accepts) and carry media both ways;
 * told everything, they select UDP; strangers' connections to a
 * listener are closed and counted, never warned about; a connect that
 * never completes is closed after its timeout and counted.
 */
#include <gio/gio.h>
#include <string.h>

#include "ice/core/ice-sdp.h"
#include "io-test-util.h"

#define DATAGRAM_SIZE 300
#define PEER_PWD "0123456789abcdefghijkl"

typedef struct {
  IceAgent *peer;
  guint peer_stream;
  gboolean tcp_only;
  GMutex lock;
  GCond cond;       /* a line was added, or gathering is done */
  GPtrArray *lines; /* what we trickled */
  gboolean gathered;
} Trickle;

static void
on_new_candidate (IceAgent *agent, guint stream, const gchar *line,
                  gpointer data)
{
  Trickle *t = data;
  IceCandidate cand;
  GError *error = NULL;

  g_assert_true (ice_sdp_parse_candidate (line, &cand, NULL));
  g_mutex_lock (&t->lock);
  g_ptr_array_add (t->lines, g_strdup (line));
  g_cond_broadcast (&t->cond);
  g_mutex_unlock (&t->lock);
  /* without the other's UDP candidates, no UDP check is ever sent */
  if (t->tcp_only && cand.addr.transport != ICE_TRANSPORT_TCP)
    return;
  if (!ice_agent_add_remote_candidate (t->peer, t->peer_stream, line, &error))
    g_error ("peer refused our candidate \"%s\": %s", line, error->message);
}

static void
on_gathering_done (IceAgent *agent, guint stream, gpointer data)
{
  Trickle *t = data;

  ice_agent_end_of_remote_candidates (t->peer, t->peer_stream);
  g_mutex_lock (&t->lock);
  t->gathered = TRUE;
  g_cond_broadcast (&t->cond);
  g_mutex_unlock (&t->lock);
}

typedef struct {
  IceAgent *a, *b;
  guint sa, sb;
  Trickle ta, tb; /* ta: what A trickles to B */
} TcpPair;

static IceAgent *
make_agent (IceRole role)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  IceAgent *agent = ice_agent_new (NULL);

  g_object_set (agent, "ice-role", role, "bind-address", loopback, "ice-tcp",
                TRUE, NULL);
  return agent;
}

static void
trickle_init (Trickle *t, IceAgent *from, IceAgent *to, guint to_stream,
              gboolean tcp_only)
{
  t->peer = to;
  t->peer_stream = to_stream;
  t->tcp_only = tcp_only;
  g_mutex_init (&t->lock);
  g_cond_init (&t->cond);
  t->lines = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (from, "new-candidate", G_CALLBACK (on_new_candidate), t);
  g_signal_connect (from, "gathering-done", G_CALLBACK (on_gathering_done), t);
}

static void
pair_start (TcpPair *p, gboolean tcp_only)
{
  GError *error = NULL;

  p->a = make_agent (ICE_ROLE_CONTROLLING);
  p->b = make_agent (ICE_ROLE_CONTROLLED);
  p->sa = ice_agent_add_stream (p->a, 1);
  p->sb = ice_agent_add_stream (p->b, 1);
  io_test_give_credentials (p->a, p->sa, p->b, p->sb);
  io_test_give_credentials (p->b, p->sb, p->a, p->sa);
  trickle_init (&p->ta, p->a, p->b, p->sb, tcp_only);
  trickle_init (&p->tb, p->b, p->a, p->sa, tcp_only);
  g_assert_true (ice_agent_gather (p->a, p->sa, &error));
  g_assert_no_error (error);
  g_assert_true (ice_agent_gather (p->b, p->sb, &error));
  g_assert_no_error (error);
}

static void
pair_connect (TcpPair *p, gboolean tcp_only)
{
  pair_start (p, tcp_only);
  g_assert_true (
      ice_agent_wait_connected (p->a, p->sa, IO_TEST_TIMEOUT_US, NULL));
  g_assert_true (
      ice_agent_wait_connected (p->b, p->sb, IO_TEST_TIMEOUT_US, NULL));
}

static void
pair_clear (TcpPair *p)
{
  /* the agents go first: no signal reaches the trickles after that */
  g_clear_object (&p->a);
  g_clear_object (&p->b);
  g_ptr_array_unref (p->ta.lines);
  g_ptr_array_unref (p->tb.lines);
  g_mutex_clear (&p->ta.lock);
  g_mutex_clear (&p->tb.lock);
  g_cond_clear (&p->ta.cond);
  g_cond_clear (&p->tb.cond);
}

static void
send_range (IceAgent *agent, guint stream, guint32 first, guint count)
{
  guint8 buf[DATAGRAM_SIZE];
  guint32 seq;

  for (seq = first; seq < first + count; seq++) {
    io_test_fill (buf, sizeof (buf), seq);
    g_assert_cmpuint (ice_agent_send (agent, stream, 1, buf, sizeof (buf)), ==,
                      1);
  }
}

static void
assert_selected_transport (IceAgent *agent, guint stream,
                           IceTransport transport)
{
  IceCandidate local, remote;

  g_assert_true (
      ice_agent_get_selected_pair (agent, stream, 1, &local, &remote));
  g_assert_cmpint (local.addr.transport, ==, transport);
  g_assert_cmpint (remote.addr.transport, ==, transport);
}

/* Count the candidates of each kind A gathered: UDP host, TCP passive
 * (the listener's port) and TCP active (port 9, RFC 6544 §4.5), the TCP
 * ones below UDP (§4.2). */
static void
check_gathered (Trickle *t)
{
  guint i, udp = 0, passive = 0, active = 0;
  guint32 udp_prio = 0, tcp_prio = 0;
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;

  g_mutex_lock (&t->lock);
  /* the pair may connect before the last signals ran */
  while (!t->gathered)
    g_assert_true (g_cond_wait_until (&t->cond, &t->lock, deadline));
  for (i = 0; i < t->lines->len; i++) {
    IceCandidate c;

    g_assert_true (ice_sdp_parse_candidate (t->lines->pdata[i], &c, NULL));
    if (c.type != ICE_CANDIDATE_TYPE_HOST)
      continue;
    if (c.addr.transport == ICE_TRANSPORT_UDP) {
      udp++;
      udp_prio = c.priority;
      continue;
    }
    tcp_prio = MAX (tcp_prio, c.priority);
    if (c.tcp_type == ICE_TCP_TYPE_PASSIVE) {
      passive++;
      g_assert_cmpuint (c.addr.port, !=, 0);
      g_assert_cmpuint (c.addr.port, !=, 9);
    } else if (c.tcp_type == ICE_TCP_TYPE_ACTIVE) {
      active++;
      g_assert_cmpuint (c.addr.port, ==, 9);
    }
  }
  g_mutex_unlock (&t->lock);
  g_assert_cmpuint (udp, ==, 1);
  g_assert_cmpuint (passive, ==, 1);
  g_assert_cmpuint (active, ==, 1);
  g_assert_cmpuint (tcp_prio, <, udp_prio);
}

/* Only TCP candidates known to each side: a TCP pair, media both ways,
 * one side connected and the other accepted. */
static void
test_tcp_only (void)
{
  TcpPair p = { 0 };
  IceAgentStats sa, sb;

  pair_connect (&p, TRUE);
  check_gathered (&p.ta);
  assert_selected_transport (p.a, p.sa, ICE_TRANSPORT_TCP);
  assert_selected_transport (p.b, p.sb, ICE_TRANSPORT_TCP);
  send_range (p.a, p.sa, 0, 200);
  io_test_expect_sequence (p.b, p.sb, 0, 200);
  send_range (p.b, p.sb, 5000, 200);
  io_test_expect_sequence (p.a, p.sa, 5000, 200);

  ice_agent_get_stats (p.a, &sa);
  ice_agent_get_stats (p.b, &sb);
  /* one side's active candidate reached the other's passive one (which
   * one first depends on timing) */
  g_assert_cmpuint (sa.tcp_connects + sb.tcp_connects, >=, 1);
  g_assert_cmpuint (sa.tcp_accepts + sb.tcp_accepts, >=, 1);
  g_assert_cmpuint (sa.tcp_closed_invalid + sb.tcp_closed_invalid, ==, 0);
  g_assert_cmpuint (sa.tcp_dropped_bytes + sb.tcp_dropped_bytes, ==, 0);
  g_assert_cmpuint (sb.packets_received, ==, 200);
  pair_clear (&p);
}

/* Everything known: UDP host pairs outrank TCP ones and are selected */
static void
test_udp_wins (void)
{
  TcpPair p = { 0 };

  pair_connect (&p, FALSE);
  assert_selected_transport (p.a, p.sa, ICE_TRANSPORT_UDP);
  assert_selected_transport (p.b, p.sb, ICE_TRANSPORT_UDP);
  send_range (p.a, p.sa, 0, 50);
  io_test_expect_sequence (p.b, p.sb, 0, 50);
  pair_clear (&p);
}

/* The listener's port, from the passive candidate's line: the agents may
 * connect over UDP before the signal that carries it ran */
static guint16
passive_port (Trickle *t)
{
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  guint16 port = 0;
  guint seen = 0;

  g_mutex_lock (&t->lock);
  while (port == 0) {
    for (; seen < t->lines->len; seen++) {
      IceCandidate c;

      g_assert_true (ice_sdp_parse_candidate (t->lines->pdata[seen], &c, NULL));
      if (c.tcp_type == ICE_TCP_TYPE_PASSIVE)
        port = c.addr.port;
    }
    if (port == 0 && !g_cond_wait_until (&t->cond, &t->lock, deadline))
      break;
  }
  g_mutex_unlock (&t->lock);
  g_assert_cmpuint (port, !=, 0);
  return port;
}

static GSocket *
connect_to (guint16 port)
{
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *dest = g_inet_socket_address_new (lo, port);

  g_assert_true (g_socket_connect (socket, dest, NULL, NULL));
  g_object_unref (dest);
  g_object_unref (lo);
  return socket;
}

static void
send_bytes (GSocket *socket, const guint8 *data, gsize len)
{
  g_assert_cmpint (g_socket_send (socket, (const gchar *)data, len, NULL, NULL),
                   ==, len);
}

static gboolean
closed_invalid_at_least (const IceAgentStats *stats, gpointer data)
{
  return stats->tcp_closed_invalid >= GPOINTER_TO_UINT (data);
}

static gboolean
refused_at_least (const IceAgentStats *stats, gpointer data)
{
  return stats->tcp_refused >= GPOINTER_TO_UINT (data);
}

/* The peer's side closes a stranger's connection when it reads EOF */
static void
assert_closed_by_peer (GSocket *socket)
{
  gchar buf[16];
  gssize n;

  g_socket_set_timeout (socket, 5);
  n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL);
  g_assert_cmpint (n, <=, 0);
}

/* A length above the maximum, and media (not a check) on an accepted
 * connection: both closed and counted; the call goes on over UDP. Then
 * more silent connections than ICE_AGENT_TCP_MAX_PENDING (16): the
 * oldest are evicted, counted as refused. */
static void
test_strangers (void)
{
  const guint8 huge[] = { 0xff, 0xff, 1, 2, 3 };
  guint8 media[2 + DATAGRAM_SIZE];
  GSocket *s1, *s2, *silent[20];
  TcpPair p = { 0 };
  guint16 port;
  guint i;

  pair_connect (&p, FALSE);
  port = passive_port (&p.tb);

  s1 = connect_to (port);
  send_bytes (s1, huge, sizeof huge);
  g_assert_true (
      io_test_wait_stats (p.b, closed_invalid_at_least, GUINT_TO_POINTER (1)));
  assert_closed_by_peer (s1);

  media[0] = DATAGRAM_SIZE >> 8;
  media[1] = DATAGRAM_SIZE & 0xff;
  io_test_fill (media + 2, DATAGRAM_SIZE, 77);
  s2 = connect_to (port);
  send_bytes (s2, media, sizeof media);
  g_assert_true (
      io_test_wait_stats (p.b, closed_invalid_at_least, GUINT_TO_POINTER (2)));
  assert_closed_by_peer (s2);

  for (i = 0; i < G_N_ELEMENTS (silent); i++)
    silent[i] = connect_to (port);
  g_assert_true (io_test_wait_stats (
      p.b, refused_at_least, GUINT_TO_POINTER (G_N_ELEMENTS (silent) - 16)));

  /* nothing of it reached B's queue; the call still works */
  send_range (p.a, p.sa, 0, 20);
  io_test_expect_sequence (p.b, p.sb, 0, 20);
  for (i = 0; i < G_N_ELEMENTS (silent); i++)
    g_object_unref (silent[i]);
  g_object_unref (s1);
  g_object_unref (s2);
  pair_clear (&p);
}

/* Iterates a context on a thread of its own until told to stop */
typedef struct {
  GMainContext *context;
  GThread *thread;
  gint stop;
} ContextThread;

static gpointer
iterate (gpointer data)
{
  ContextThread *ct = data;

  while (!g_atomic_int_get (&ct->stop))
    g_main_context_iteration (ct->context, TRUE);
  return NULL;
}

static void
context_thread_start (ContextThread *ct)
{
  g_atomic_int_set (&ct->stop, 0);
  ct->thread = g_thread_new ("agent-b-context", iterate, ct);
}

static void
context_thread_stop (ContextThread *ct)
{
  g_atomic_int_set (&ct->stop, 1);
  g_main_context_wakeup (ct->context);
  g_thread_join (ct->thread);
  ct->thread = NULL;
}

#define MARKER_SEQ 0xfffffff0u

/* Sends MARKER_SEQ from A (again while A's queue is still full) until B
 * receives it behind the backlog, within IO_TEST_TIMEOUT_US */
static gboolean
marker_arrives (TcpPair *p)
{
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  IceAgentDatagram out[64];
  guint8 buf[1200];
  gboolean sent = FALSE, seen = FALSE;
  gint i, n;

  io_test_fill (buf, sizeof (buf), MARKER_SEQ);
  while (!seen && g_get_monotonic_time () < deadline) {
    if (!sent)
      sent = ice_agent_send (p->a, p->sa, 1, buf, sizeof (buf)) == 1;
    n = ice_agent_recv_batch (p->b, p->sb, 1, out, G_N_ELEMENTS (out),
                              100 * 1000, NULL, NULL);
    for (i = 0; i < n; i++) {
      gsize size;
      const guint8 *data = g_bytes_get_data (out[i].bytes, &size);

      seen |= sent && io_test_seq (data, size) == MARKER_SEQ;
      ice_agent_datagram_clear (&out[i]);
    }
  }
  return seen;
}

/* The receiver stops reading (its context is no longer iterated): the
 * kernel buffers fill, then the sender's queue of ICE_AGENT_TCP_MAX_OUT
 * (256 KiB): further datagrams are refused and counted, never queued
 * without bound. Once it reads again, media flows again. */
static void
test_send_bounded (void)
{
  guint8 buf[1200];
  ContextThread ct = { 0 };
  TcpPair p = { 0 };
  IceAgentStats sa;
  GError *error = NULL;
  guint32 seq = 0;
  guint refused = 0;

  ct.context = g_main_context_new ();
  context_thread_start (&ct);
  p.a = make_agent (ICE_ROLE_CONTROLLING);
  p.b = ice_agent_new (ct.context);
  g_object_set (p.b, "ice-role", ICE_ROLE_CONTROLLED, "bind-address",
                (const gchar *[]){ "127.0.0.1", NULL }, "ice-tcp", TRUE, NULL);
  p.sa = ice_agent_add_stream (p.a, 1);
  p.sb = ice_agent_add_stream (p.b, 1);
  io_test_give_credentials (p.a, p.sa, p.b, p.sb);
  io_test_give_credentials (p.b, p.sb, p.a, p.sa);
  trickle_init (&p.ta, p.a, p.b, p.sb, TRUE);
  trickle_init (&p.tb, p.b, p.a, p.sa, TRUE);
  g_assert_true (ice_agent_gather (p.a, p.sa, &error));
  g_assert_true (ice_agent_gather (p.b, p.sb, &error));
  g_assert_no_error (error);
  g_assert_true (
      ice_agent_wait_connected (p.a, p.sa, IO_TEST_TIMEOUT_US, NULL));
  g_assert_true (
      ice_agent_wait_connected (p.b, p.sb, IO_TEST_TIMEOUT_US, NULL));
  assert_selected_transport (p.a, p.sa, ICE_TRANSPORT_TCP);

  context_thread_stop (&ct);
  /* kernel buffers are a few MiB at most (tcp_wmem, tcp_rmem): 64 MiB
   * of sends must hit the bound */
  for (; seq < 64 * 1024 * 1024 / sizeof (buf) && refused < 100; seq++) {
    io_test_fill (buf, sizeof (buf), seq);
    if (ice_agent_send (p.a, p.sa, 1, buf, sizeof (buf)) == 0)
      refused++;
  }
  g_assert_cmpuint (refused, ==, 100);
  ice_agent_get_stats (p.a, &sa);
  g_assert_cmpuint (sa.tcp_dropped_bytes, ==, 100 * sizeof (buf));
  g_assert_cmpuint (sa.send_errors, ==, 100);

  /* reading again: what was queued drains, a new datagram arrives */
  context_thread_start (&ct);
  g_assert_true (marker_arrives (&p));
  context_thread_stop (&ct);
  pair_clear (&p);
  g_main_context_unref (ct.context);
}

/* Sockets in /proc/net/tcp connecting (SYN_SENT, state 02) to
 * 127.0.0.1:@port */
static guint
syn_sent_to (guint16 port)
{
  gchar *text = NULL, **lines, want[16];
  guint i, n = 0;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &text, NULL, NULL));
  g_snprintf (want, sizeof want, "0100007F:%04X", port);
  lines = g_strsplit (text, "\n", -1);
  for (i = 1; lines[i] != NULL; i++) {
    gchar **f = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
    gchar *fields[4] = { NULL };
    guint k, m = 0;

    for (k = 0; f[k] != NULL && m < 4; k++)
      if (*f[k] != '\0')
        fields[m++] = f[k];
    if (m == 4 && strcmp (fields[2], want) == 0
        && strcmp (fields[3], "02") == 0)
      n++;
    g_strfreev (f);
  }
  g_strfreev (lines);
  g_free (text);
  return n;
}

/* A listener whose accept queue is full (backlog 0, one connection that
 * nobody accepts): Linux drops further SYNs, so connects to it stay
 * pending. Returns its port; *@filler holds the queued connection. */
static GSocket *
full_listener (guint16 *port, GSocket **filler)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0), *bound;
  GSocket *listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                    G_SOCKET_PROTOCOL_TCP, NULL);

  g_assert_true (g_socket_bind (listener, any, FALSE, NULL));
  g_socket_set_listen_backlog (listener, 0);
  g_assert_true (g_socket_listen (listener, NULL));
  bound = g_socket_get_local_address (listener, NULL);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  *filler = connect_to (*port);
  g_object_unref (bound);
  g_object_unref (any);
  g_object_unref (lo);
  return listener;
}

static gboolean
connect_failed_at_least (const IceAgentStats *stats, gpointer data)
{
  return stats->tcp_connect_failed >= GPOINTER_TO_UINT (data);
}

/* A check from our active candidate to a passive one whose SYNs are
 * dropped: the connect stays pending, then ICE_AGENT_TCP_CONNECT_TIMEOUT_US
 * (10 s) closes it, counted in tcp_connect_failed, and its socket is gone
 * from the kernel's table. */
static void
test_connect_timeout (void)
{
  IceAgent *agent = make_agent (ICE_ROLE_CONTROLLING);
  GSocket *listener, *filler;
  GError *error = NULL;
  IceAgentStats stats;
  gint64 deadline;
  guint16 port;
  gchar *line;
  guint stream;

  listener = full_listener (&port, &filler);
  stream = ice_agent_add_stream (agent, 1);
  g_assert_true (
      ice_agent_set_remote_credentials (agent, stream, "abcd", PEER_PWD));
  g_assert_true (ice_agent_gather (agent, stream, &error));
  g_assert_no_error (error);
  line = g_strdup_printf ("candidate:1 1 TCP 1518280447 127.0.0.1 %u typ host "
                          "tcptype passive",
                          port);
  g_assert_true (ice_agent_add_remote_candidate (agent, stream, line, &error));
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  while (syn_sent_to (port) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  g_assert_cmpuint (syn_sent_to (port), ==, 1);
  ice_agent_get_stats (agent, &stats);
  g_assert_cmpuint (stats.tcp_connects, ==, 1);
  g_assert_cmpuint (stats.tcp_connect_failed, ==, 0);

  /* the connect timeout is 10 s */
  g_assert_true (io_test_wait_stats_for (agent, 30 * G_USEC_PER_SEC,
                                         connect_failed_at_least,
                                         GUINT_TO_POINTER (1)));
  g_assert_cmpuint (syn_sent_to (port), ==, 0);
  ice_agent_get_stats (agent, &stats);
  /* the check's retransmissions took the pending connection: no second */
  g_assert_cmpuint (stats.tcp_connects, ==, 1);
  g_assert_cmpuint (stats.tcp_connect_failed, ==, 1);
  g_assert_cmpuint (stats.tcp_refused, ==, 0);

  g_object_unref (agent);
  g_object_unref (filler);
  g_object_unref (listener);
  g_free (line);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/tcp/tcp-only", test_tcp_only);
  g_test_add_func ("/io/tcp/udp-wins", test_udp_wins);
  g_test_add_func ("/io/tcp/strangers", test_strangers);
  g_test_add_func ("/io/tcp/connect-timeout", test_connect_timeout);
  g_test_add_func ("/io/tcp/send-bounded", test_send_bounded);
  return g_test_run ();
}
