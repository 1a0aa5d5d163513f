/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The UDP mux on loopback: many agents on one port, each pair's checks
 * and media reach the right agent only, strangers are dropped and
 * counted, an agent leaving disturbs nobody, the last one closes the
 * socket.
 */
#include <string.h>

#include "io-test-util.h"
#include "ice/io/ice-udp-mux.h"

#define MUX "127.0.0.1:0"
#define N_PAIRS 50
#define CONNECT_TIMEOUT_US (60 * G_USEC_PER_SEC)

/* The controlled side of every pair goes on the mux (a server's agents);
 * the controlling side keeps its own socket (the peers). */
static void
setup_mux (IceAgent *agent, gpointer data)
{
  IceRole role;

  g_object_get (agent, "ice-role", &role, NULL);
  if (role == ICE_ROLE_CONTROLLED)
    g_object_set (agent, "udp-mux", MUX, NULL);
}

static void
start_pairs (IoTestPair *pairs, guint n)
{
  guint i;

  /* all gather at once, so that the checks of the pairs interleave on the
   * mux socket */
  for (i = 0; i < n; i++)
    io_test_pair_start (&pairs[i], ICE_NOMINATION_REGULAR, setup_mux, NULL);
  for (i = 0; i < n; i++) {
    g_assert_true (ice_agent_wait_connected (pairs[i].a, pairs[i].stream_a,
                                             CONNECT_TIMEOUT_US, NULL));
    g_assert_true (ice_agent_wait_connected (pairs[i].b, pairs[i].stream_b,
                                             CONNECT_TIMEOUT_US, NULL));
  }
}

static void
send_seq (IceAgent *agent, guint stream, guint32 first, guint count)
{
  guint8 buf[100];
  guint k;

  for (k = 0; k < count; k++) {
    io_test_fill (buf, sizeof buf, first + k);
    g_assert_cmpint (ice_agent_send (agent, stream, 1, buf, sizeof buf), ==, 1);
  }
}

/* Every pair sends its own numbers both ways, all pairs before anyone
 * reads: each agent must get exactly its peer's, in order. */
static void
exchange (IoTestPair *pairs, guint n, guint32 base)
{
  guint i;

  for (i = 0; i < n; i++) {
    send_seq (pairs[i].a, pairs[i].stream_a, base + i * 1000, 5);
    send_seq (pairs[i].b, pairs[i].stream_b, base + i * 1000 + 500, 5);
  }
  for (i = 0; i < n; i++) {
    io_test_expect_sequence (pairs[i].b, pairs[i].stream_b, base + i * 1000, 5);
    io_test_expect_sequence (pairs[i].a, pairs[i].stream_a,
                             base + i * 1000 + 500, 5);
  }
}

/* The candidate every muxed agent announces is the mux address */
static guint16
mux_port_of (IoTestPair *pair)
{
  IceUdpMuxStats stats;

  g_assert_true (ice_udp_mux_get_stats (MUX, &stats));
  g_assert_cmpuint (stats.port, !=, 0);
  return stats.port;
}

static void
assert_candidate_on_mux (IoTestPair *pair, guint16 port)
{
  gchar *desc = ice_agent_get_local_description (pair->b, pair->stream_b);
  gchar *expected = g_strdup_printf (" 127.0.0.1 %u typ host", port);

  g_assert_nonnull (strstr (desc, expected));
  g_free (expected);
  g_free (desc);
}

static void
test_fifty_pairs (void)
{
  IoTestPair pairs[N_PAIRS] = { 0 };
  IceUdpMuxStats stats;
  guint16 port;
  guint i;

  start_pairs (pairs, N_PAIRS);
  port = mux_port_of (&pairs[0]);
  for (i = 0; i < N_PAIRS; i++)
    assert_candidate_on_mux (&pairs[i], port);
  exchange (pairs, N_PAIRS, 1);

  g_assert_true (ice_udp_mux_get_stats (MUX, &stats));
  g_assert_cmpuint (stats.agents, ==, N_PAIRS);
  /* each muxed agent was checked (by ufrag) and got media (by address) */
  g_assert_cmpuint (stats.routed_by_ufrag, >=, N_PAIRS);
  g_assert_cmpuint (stats.routed_by_address, >=, 5 * N_PAIRS);
  g_assert_cmpuint (stats.addresses, >=, N_PAIRS);
  /* a muxed agent's consumer never reads the shared socket itself (it
   * would take the other agents' datagrams) */
  for (i = 0; i < N_PAIRS; i++) {
    IceAgentStats agent_stats;

    ice_agent_get_stats (pairs[i].b, &agent_stats);
    g_assert_cmpuint (agent_stats.consumer_reads, ==, 0);
  }
  for (i = 0; i < N_PAIRS; i++)
    io_test_pair_clear (&pairs[i]);
  g_assert_false (ice_udp_mux_get_stats (MUX, &stats));
}

/* A Binding request whose USERNAME names @ufrag, without integrity */
static gsize
stranger_request (guint8 *buf, const gchar *ufrag)
{
  gchar username[64];
  gsize ulen, padded;

  g_snprintf (username, sizeof username, "%s:peer", ufrag);
  ulen = strlen (username);
  padded = (ulen + 3) & ~3;
  memset (buf, 0, 20 + 4 + padded);
  buf[1] = 0x01; /* Binding request */
  buf[3] = 4 + padded;
  buf[4] = 0x21, buf[5] = 0x12, buf[6] = 0xa4, buf[7] = 0x42;
  memset (buf + 8, 0x5a, 12);
  buf[21] = 0x06; /* USERNAME */
  buf[23] = ulen;
  memcpy (buf + 24, username, ulen);
  return 20 + 4 + padded;
}

static void
send_from_stranger (GSocket *socket, guint16 port, const guint8 *data,
                    gsize len)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *to = g_inet_socket_address_new (lo, port);
  GError *error = NULL;

  g_assert_cmpint (
      g_socket_send_to (socket, to, (const gchar *)data, len, NULL, &error), ==,
      len);
  g_assert_no_error (error);
  g_object_unref (to);
  g_object_unref (lo);
}

static GSocket *
stranger_socket (void)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);
  GError *error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_object_unref (any);
  g_object_unref (lo);
  return socket;
}

static gboolean
wait_dropped (guint64 at_least)
{
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  IceUdpMuxStats stats;

  while (ice_udp_mux_get_stats (MUX, &stats)
         && stats.unknown_dropped < at_least) {
    if (g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (1000);
  }
  return stats.unknown_dropped >= at_least;
}

static void
test_stranger_dropped (void)
{
  IoTestPair pair = { 0 };
  GSocket *stranger = stranger_socket ();
  IceUdpMuxStats stats;
  IceAgentStats agent_stats;
  guint8 buf[128];
  guint16 port;
  gsize len;

  start_pairs (&pair, 1);
  port = mux_port_of (&pair);
  g_assert_true (ice_udp_mux_get_stats (MUX, &stats));
  /* an unknown ufrag, then media from an unknown source */
  len = stranger_request (buf, "nobody99");
  send_from_stranger (stranger, port, buf, len);
  io_test_fill (buf, 100, 77777);
  send_from_stranger (stranger, port, buf, 100);
  g_assert_true (wait_dropped (stats.unknown_dropped + 2));
  /* the muxed agent's own stats carry the mux's count (icesrc's
   * "mux-unknown-dropped"): at least what the mux had then, at most what
   * it has after; the peer on its own socket counts none */
  ice_agent_get_stats (pair.b, &agent_stats);
  g_assert_cmpuint (agent_stats.mux_unknown_dropped, >=,
                    stats.unknown_dropped + 2);
  g_assert_true (ice_udp_mux_get_stats (MUX, &stats));
  g_assert_cmpuint (agent_stats.mux_unknown_dropped, <=, stats.unknown_dropped);
  ice_agent_get_stats (pair.a, &agent_stats);
  g_assert_cmpuint (agent_stats.mux_unknown_dropped, ==, 0);

  /* the muxed agent got neither: the first datagram it reads is its
   * peer's */
  send_seq (pair.a, pair.stream_a, 10, 3);
  io_test_expect_sequence (pair.b, pair.stream_b, 10, 3);
  io_test_pair_clear (&pair);
  g_object_unref (stranger);
}

static gboolean
port_is_free (guint16 port)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *at = g_inet_socket_address_new (lo, port);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, NULL);
  gboolean ok = g_socket_bind (socket, at, FALSE, NULL);

  g_object_unref (socket);
  g_object_unref (at);
  g_object_unref (lo);
  return ok;
}

static void
test_close_one (void)
{
  IoTestPair pairs[3] = { 0 };
  IceUdpMuxStats stats;
  gint64 deadline;
  guint16 port;

  start_pairs (pairs, 3);
  port = mux_port_of (&pairs[0]);
  io_test_pair_clear (&pairs[1]);
  g_assert_true (ice_udp_mux_get_stats (MUX, &stats));
  g_assert_cmpuint (stats.agents, ==, 2);
  /* the others keep their checks, consent and media */
  send_seq (pairs[0].a, pairs[0].stream_a, 100, 3);
  send_seq (pairs[2].b, pairs[2].stream_b, 200, 3);
  io_test_expect_sequence (pairs[0].b, pairs[0].stream_b, 100, 3);
  io_test_expect_sequence (pairs[2].a, pairs[2].stream_a, 200, 3);
  g_assert_false (port_is_free (port));

  io_test_pair_clear (&pairs[0]);
  io_test_pair_clear (&pairs[2]);
  g_assert_false (ice_udp_mux_get_stats (MUX, &stats));
  /* the socket closes as the last agent's state goes (a callback that
   * was running may hold it a moment longer) */
  deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  while (!port_is_free (port) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_true (port_is_free (port));
}

static gchar *
wait_new_ufrag (IceAgent *agent, const gchar *old)
{
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  gchar *ufrag = NULL;

  for (;;) {
    g_assert_true (ice_agent_get_local_credentials (agent, 0, &ufrag, NULL));
    if (g_strcmp0 (ufrag, old) != 0 || g_get_monotonic_time () > deadline)
      return ufrag;
    g_free (ufrag);
    g_usleep (1000);
  }
}

/* Sends a Binding request naming @ufrag from a stranger; waits until the
 * mux counted it, and returns whether it was routed (not dropped). */
static gboolean
probe_ufrag (GSocket *stranger, guint16 port, const gchar *ufrag)
{
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  IceUdpMuxStats before, now;
  guint8 buf[128];

  g_assert_true (ice_udp_mux_get_stats (MUX, &before));
  send_from_stranger (stranger, port, buf, stranger_request (buf, ufrag));
  for (;;) {
    g_assert_true (ice_udp_mux_get_stats (MUX, &now));
    if (now.routed_by_ufrag > before.routed_by_ufrag)
      return TRUE;
    if (now.unknown_dropped > before.unknown_dropped)
      return FALSE;
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_usleep (1000);
  }
}

/* After an ICE restart the mux routes the muxed agent's new ufrag, keeps
 * the old one (consent on the old pair), and media still flows. */
static void
test_restart (void)
{
  IoTestPair pair = { 0 };
  GSocket *stranger = stranger_socket ();
  gchar *old_ufrag = NULL, *new_ufrag;
  guint16 port;

  start_pairs (&pair, 1);
  port = mux_port_of (&pair);
  g_assert_true (ice_agent_get_local_credentials (pair.b, 0, &old_ufrag, NULL));
  g_assert_false (probe_ufrag (stranger, port, "nobody99"));
  g_main_context_invoke (ice_agent_get_main_context (pair.a),
                         io_test_pair_restart, &pair);
  new_ufrag = wait_new_ufrag (pair.b, old_ufrag);
  g_assert_cmpstr (new_ufrag, !=, old_ufrag);
  g_assert_true (probe_ufrag (stranger, port, new_ufrag));
  g_assert_true (probe_ufrag (stranger, port, old_ufrag));

  send_seq (pair.a, pair.stream_a, 300, 5);
  io_test_expect_sequence (pair.b, pair.stream_b, 300, 5);
  send_seq (pair.b, pair.stream_b, 400, 5);
  io_test_expect_sequence (pair.a, pair.stream_a, 400, 5);
  io_test_pair_clear (&pair);
  g_object_unref (stranger);
  g_free (old_ufrag);
  g_free (new_ufrag);
}

/* The mux is the last user of the gst-ice thread when its agents run on
 * their own context: the last leave stops that thread and frees its
 * context while destroying the mux's source (a use after free, then a
 * hang at exit, before the fix). */
static void
test_last_user_of_thread (void)
{
  GMainContext *ctx = g_main_context_new ();
  IceAgent *agent = ice_agent_new (ctx);
  const gchar *loopback[] = { "127.0.0.1", NULL };
  IceUdpMuxStats stats;
  GError *error = NULL;
  guint stream;

  g_object_set (agent, "bind-address", loopback, "udp-mux", MUX, NULL);
  stream = ice_agent_add_stream (agent, 1);
  g_assert_true (ice_agent_gather (agent, stream, &error));
  g_assert_no_error (error);
  g_assert_true (ice_udp_mux_get_stats (MUX, &stats));
  g_assert_cmpuint (stats.agents, ==, 1);
  ice_agent_close (agent);
  g_assert_false (ice_udp_mux_get_stats (MUX, &stats));
  g_object_unref (agent);
  while (g_main_context_iteration (ctx, FALSE))
    ;
  g_main_context_unref (ctx);
}

static void
test_bad_address (void)
{
  IceAgent *agent = ice_agent_new (NULL);
  gchar *value = NULL;

  g_test_expect_message ("ice-agent", G_LOG_LEVEL_WARNING, "*not HOST:PORT*");
  g_object_set (agent, "udp-mux", "localhost:3478", NULL);
  g_test_assert_expected_messages ();
  g_object_get (agent, "udp-mux", &value, NULL);
  g_assert_null (value);
  g_object_unref (agent);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/udp-mux/fifty-pairs", test_fifty_pairs);
  g_test_add_func ("/udp-mux/stranger-dropped", test_stranger_dropped);
  g_test_add_func ("/udp-mux/close-one", test_close_one);
  g_test_add_func ("/udp-mux/restart", test_restart);
  g_test_add_func ("/udp-mux/bad-address", test_bad_address);
  g_test_add_func ("/udp-mux/last-user-of-thread", test_last_user_of_thread);
  return g_test_run ();
}
