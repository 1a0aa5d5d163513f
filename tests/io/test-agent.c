/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * IceAgent against IceAgent on real loopback sockets.
 */
#include <gio/gio.h>
#include <string.h>

#include "io-test-util.h"

#define N_DATAGRAMS 1000
#define DATAGRAM_SIZE 172 /* RTP header + 20 ms of G.711 */

static guint
count_threads_named (const gchar *name)
{
  GDir *dir = g_dir_open ("/proc/self/task", 0, NULL);
  const gchar *tid;
  guint count = 0;

  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)) != NULL) {
    gchar *path = g_strdup_printf ("/proc/self/task/%s/comm", tid);
    gchar *comm = NULL;

    if (g_file_get_contents (path, &comm, NULL, NULL)
        && g_str_equal (g_strchomp (comm), name))
      count++;
    g_free (comm);
    g_free (path);
  }
  g_dir_close (dir);
  return count;
}

/* Sends @count datagrams @first.. in batches through send_messages. */
static void
send_sequence (IceAgent *agent, guint stream, guint32 first, guint count)
{
  guint8 buf[32][DATAGRAM_SIZE];
  GOutputVector vectors[32];
  GOutputMessage messages[32];
  guint sent = 0, n, i;

  while (sent < count) {
    n = MIN (count - sent, G_N_ELEMENTS (messages));
    for (i = 0; i < n; i++) {
      io_test_fill (buf[i], DATAGRAM_SIZE, first + sent + i);
      vectors[i].buffer = buf[i];
      vectors[i].size = DATAGRAM_SIZE;
      memset (&messages[i], 0, sizeof (messages[i]));
      messages[i].vectors = &vectors[i];
      messages[i].num_vectors = 1;
    }
    g_assert_cmpuint (ice_agent_send_messages (agent, stream, 1, messages, n),
                      ==, n);
    for (i = 0; i < n; i++)
      g_assert_cmpuint (messages[i].bytes_sent, ==, DATAGRAM_SIZE);
    sent += n;
  }
}

/* What the selected pair of @agent's component 1 counts as sent: the
 * lock-free send path counts in its slot and folds into the pair when the
 * stats are read (ice-agent-fastroute.c). */
static guint64
selected_pair_packets_sent (IceAgent *agent, guint stream, guint64 *bytes)
{
  GArray *pairs = ice_agent_get_pair_stats (agent, stream);
  guint64 packets = 0;
  guint i, selected = 0;

  *bytes = 0;
  for (i = 0; i < pairs->len; i++) {
    IcePairStats *st = &g_array_index (pairs, IcePairStats, i);

    if (st->selected && st->component_id == 1) {
      selected++;
      packets += st->counters.packets_sent;
      *bytes += st->counters.bytes_sent;
    }
  }
  g_assert_cmpuint (selected, ==, 1);
  g_array_unref (pairs);
  return packets;
}

static void
exchange_1000 (IceNomination nomination)
{
  guint64 bytes;
  IoTestPair pair = { 0 };
  IceAgentStats stats;
  gchar *local = NULL, *remote = NULL;

  io_test_pair_connect (&pair, nomination, NULL, NULL);
  /* two agents, one context thread */
  g_assert_cmpuint (count_threads_named ("gst-ice"), ==, 1);
  g_assert_true (ice_agent_get_selected_pair_strings (pair.a, pair.stream_a, 1,
                                                      &local, &remote));
  g_assert_true (g_str_has_prefix (local, "candidate:"));
  g_assert_nonnull (strstr (remote, "127.0.0.1"));

  send_sequence (pair.a, pair.stream_a, 0, N_DATAGRAMS);
  io_test_expect_sequence (pair.b, pair.stream_b, 0, N_DATAGRAMS);
  send_sequence (pair.b, pair.stream_b, 5000, N_DATAGRAMS);
  io_test_expect_sequence (pair.a, pair.stream_a, 5000, N_DATAGRAMS);

  ice_agent_get_stats (pair.a, &stats);
  g_assert_cmpuint (stats.packets_sent, ==, N_DATAGRAMS);
  g_assert_cmpuint (stats.bytes_sent, ==, N_DATAGRAMS * DATAGRAM_SIZE);
  g_assert_cmpuint (stats.packets_received, ==, N_DATAGRAMS);
  g_assert_cmpuint (stats.queue_dropped, ==, 0);
  g_assert_cmpuint (selected_pair_packets_sent (pair.a, pair.stream_a, &bytes),
                    ==, N_DATAGRAMS);
  g_assert_cmpuint (bytes, ==, N_DATAGRAMS * DATAGRAM_SIZE);
  g_assert_cmpuint (stats.checks_sent, >, 0);
  ice_agent_get_stats (pair.b, &stats);
  g_assert_cmpuint (stats.packets_received, ==, N_DATAGRAMS);
  g_assert_cmpuint (stats.checks_received, >, 0);

  g_free (local);
  g_free (remote);
  io_test_pair_clear (&pair);
}

static void
test_loopback_regular (void)
{
  exchange_1000 (ICE_NOMINATION_REGULAR);
}

static void
test_loopback_aggressive (void)
{
  exchange_1000 (ICE_NOMINATION_AGGRESSIVE);
}

static void
bind_ipv6_loopback (IceAgent *agent, gpointer data)
{
  const gchar *v6[] = { "::1", NULL };

  g_object_set (agent, "bind-address", v6, NULL);
}

static gboolean
have_ipv6_loopback (void)
{
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);
  gboolean ok = socket != NULL && g_socket_bind (socket, any, FALSE, NULL);

  g_object_unref (any);
  g_object_unref (lo);
  g_clear_object (&socket);
  return ok;
}

/* The same over ::1 (sockaddr_in6 on every path). */
static void
test_loopback_ipv6 (void)
{
  IoTestPair pair = { 0 };
  IceCandidate local;
  gchar ip[ICE_ADDR_STRLEN];

  if (!have_ipv6_loopback ()) {
    g_test_skip ("no IPv6 loopback (::1) on this host");
    return;
  }
  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, bind_ipv6_loopback,
                        NULL);
  g_assert_true (
      ice_agent_get_selected_pair (pair.a, pair.stream_a, 1, &local, NULL));
  g_assert_cmpstr (ice_addr_ip_to_string (&local.addr, ip), ==, "::1");
  send_sequence (pair.a, pair.stream_a, 0, 100);
  io_test_expect_sequence (pair.b, pair.stream_b, 0, 100);
  send_sequence (pair.b, pair.stream_b, 500, 100);
  io_test_expect_sequence (pair.a, pair.stream_a, 500, 100);
  io_test_pair_clear (&pair);
}

/* Before a pair is selected a send sends nothing and is counted. */
static void
test_send_before_connected (void)
{
  IceAgent *agent = ice_agent_new (NULL);
  guint8 buf[DATAGRAM_SIZE];
  IceAgentStats stats;
  guint stream = ice_agent_add_stream (agent, 1);

  io_test_fill (buf, sizeof (buf), 1);
  g_assert_cmpuint (ice_agent_send (agent, stream, 1, buf, sizeof (buf)), ==,
                    0);
  g_assert_cmpuint (ice_agent_send (agent, stream + 1, 1, buf, sizeof (buf)),
                    ==, 0);
  g_assert_false (ice_agent_wait_connected (agent, stream, 0, NULL));
  ice_agent_get_stats (agent, &stats);
  g_assert_cmpuint (stats.send_not_connected, ==, 2);
  g_assert_cmpuint (stats.packets_sent, ==, 0);
  g_object_unref (agent);
}

static void
test_bad_parameters (void)
{
  IceAgent *agent = ice_agent_new (NULL);
  GError *error = NULL;
  guint stream = ice_agent_add_stream (agent, 1);
  IceAgentDatagram d;
  IceAgentStats stats;

  g_assert_false (ice_agent_add_remote_candidate (agent, stream,
                                                  "candidate:garbage", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (ice_agent_add_remote_candidate (
      agent, stream, "candidate:1 2 UDP 2015364095 127.0.0.1 4000 typ host",
      &error));
  g_assert_error (error, ICE_REMOTE_ERROR, ICE_REMOTE_UNKNOWN_COMPONENT);
  g_clear_error (&error);
  g_assert_false (ice_agent_gather (agent, 7, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (
      ice_agent_recv_batch (agent, stream, 3, &d, 1, 0, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (ice_agent_set_remote_description (
                       agent, stream,
                       "a=candidate:1 1 UDP 1 127.0.0.1 4000 typ host\n",
                       &error),
                   ==, -1);
  g_assert_error (error, ICE_REMOTE_ERROR, ICE_REMOTE_BAD_CREDENTIALS);
  g_clear_error (&error);
  g_assert_false (ice_agent_add_remote_candidate (
      agent, stream, "candidate:1 1 UDP 1 224.0.0.251 5353 typ host", &error));
  g_assert_error (error, ICE_REMOTE_ERROR, ICE_REMOTE_NOT_UNICAST);
  g_clear_error (&error);
  /* the peer's refusals above are counted, by reason */
  ice_agent_get_stats (agent, &stats);
  g_assert_cmpuint (stats.remote_rejected[ICE_REMOTE_MALFORMED], ==, 1);
  g_assert_cmpuint (stats.remote_rejected[ICE_REMOTE_UNKNOWN_COMPONENT], ==, 1);
  g_assert_cmpuint (stats.remote_rejected[ICE_REMOTE_BAD_CREDENTIALS], ==, 1);
  g_assert_cmpuint (stats.remote_rejected[ICE_REMOTE_NOT_UNICAST], ==, 1);
  g_object_unref (agent);
}

/* A cancelled receive returns at once; a closed agent wakes waiters. */
static void
test_recv_cancel_and_close (void)
{
  IceAgent *agent = ice_agent_new (NULL);
  GCancellable *cancellable = g_cancellable_new ();
  guint stream = ice_agent_add_stream (agent, 1);
  GError *error = NULL;
  IceAgentDatagram d;

  g_assert_cmpint (
      ice_agent_recv_batch (agent, stream, 1, &d, 1, 0, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  g_assert_cmpint (
      ice_agent_recv_batch (agent, stream, 1, &d, 1, -1, cancellable, &error),
      ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  ice_agent_close (agent);
  g_assert_cmpint (
      ice_agent_recv_batch (agent, stream, 1, &d, 1, -1, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_cmpint (ice_agent_get_connection_state (agent, stream), ==,
                   ICE_CONNECTION_CLOSED);
  g_object_unref (cancellable);
  g_object_unref (agent);
}

static IceSdpDescription *
gather_description (IceAgent *agent, GError **error)
{
  guint stream = ice_agent_add_stream (agent, 2);
  IceSdpDescription *desc;
  gchar *text;

  if (!ice_agent_gather (agent, stream, error))
    return NULL;
  /* host candidates are known as soon as gather() returns */
  text = ice_agent_get_local_description (agent, stream);
  g_assert_nonnull (text);
  desc = ice_sdp_parse (text, -1);
  g_free (text);
  return desc;
}

/* Sockets only on the allowed address, ports inside the range, one
 * socket per component. */
static void
test_port_range_and_bind_address (void)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  IceAgent *agent = ice_agent_new (NULL);
  IceSdpDescription *desc;
  GError *error = NULL;
  gchar *range = NULL;
  guint i;

  g_object_set (agent, "bind-address", loopback, "port-range", "41000-41063",
                NULL);
  g_object_get (agent, "port-range", &range, NULL);
  g_assert_cmpstr (range, ==, "41000-41063");
  desc = gather_description (agent, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (desc->candidates->len, ==, 2);
  for (i = 0; i < desc->candidates->len; i++) {
    IceCandidate *c = &g_array_index (desc->candidates, IceCandidate, i);
    gchar ip[ICE_ADDR_STRLEN];

    g_assert_cmpstr (ice_addr_ip_to_string (&c->addr, ip), ==, "127.0.0.1");
    g_assert_cmpuint (c->addr.port, >=, 41000);
    g_assert_cmpuint (c->addr.port, <=, 41063);
    g_assert_cmpuint (c->component_id, ==, i + 1);
  }
  ice_sdp_description_free (desc);
  g_free (range);
  g_object_unref (agent);
}

/* Without an allow list loopback is never gathered (and with no other
 * interface up, gathering says so). */
static void
test_no_loopback_unless_asked (void)
{
  IceAgent *agent = ice_agent_new (NULL);
  IceSdpDescription *desc;
  GError *error = NULL;
  guint i;

  desc = gather_description (agent, &error);
  if (desc == NULL) {
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_object_unref (agent);
    return;
  }
  for (i = 0; i < desc->candidates->len; i++)
    g_assert_false (ice_addr_is_loopback (
        &g_array_index (desc->candidates, IceCandidate, i).addr));
  ice_sdp_description_free (desc);
  g_object_unref (agent);
}

typedef struct {
  GMutex lock;
  GCond cond;
  guint selections;
  guint credentials_changed;
  IoTestPair *pair;
} Restart;

static void
on_selected (IceAgent *agent, guint stream, guint component, const gchar *local,
             const gchar *remote, gpointer data)
{
  Restart *r = data;

  g_mutex_lock (&r->lock);
  r->selections++;
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
}

static void
watch_selections (IceAgent *agent, gpointer data)
{
  g_signal_connect (agent, "selected-pair-changed", G_CALLBACK (on_selected),
                    data);
}

static void
wait_selections (Restart *r, guint count)
{
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;

  g_mutex_lock (&r->lock);
  while (r->selections < count
         && g_cond_wait_until (&r->cond, &r->lock, deadline))
    ;
  g_assert_cmpuint (r->selections, >=, count);
  g_mutex_unlock (&r->lock);
}

/* ICE restart (RFC 8445 §9) on both sides: new credentials, candidates
 * trickled again, a pair selected again (one more selection per agent),
 * media flows. */
static void
test_restart (void)
{
  IoTestPair pair = { 0 };
  Restart r = { 0 };
  gchar *old_ufrag = NULL, *new_ufrag = NULL;

  g_mutex_init (&r.lock);
  g_cond_init (&r.cond);
  r.pair = &pair;
  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, watch_selections, &r);
  wait_selections (&r, 2);
  send_sequence (pair.a, pair.stream_a, 0, 10);
  io_test_expect_sequence (pair.b, pair.stream_b, 0, 10);
  g_assert_true (ice_agent_get_local_credentials (pair.a, 0, &old_ufrag, NULL));

  g_main_context_invoke (ice_agent_get_main_context (pair.a),
                         io_test_pair_restart, &pair);
  wait_selections (&r, 4);
  g_assert_true (ice_agent_get_local_credentials (pair.a, 0, &new_ufrag, NULL));
  g_assert_cmpstr (old_ufrag, !=, new_ufrag);

  send_sequence (pair.a, pair.stream_a, 100, 10);
  io_test_expect_sequence (pair.b, pair.stream_b, 100, 10);
  send_sequence (pair.b, pair.stream_b, 200, 10);
  io_test_expect_sequence (pair.a, pair.stream_a, 200, 10);
  io_test_pair_clear (&pair);
  g_free (old_ufrag);
  g_free (new_ufrag);
  g_mutex_clear (&r.lock);
  g_cond_clear (&r.cond);
}

/* The session restarted B because A restarted: B's new credentials go to
 * A (the owner's only part of a one-sided restart). */
static void
on_local_credentials (IceAgent *agent, guint stream, const gchar *ufrag,
                      const gchar *pwd, gpointer data)
{
  Restart *r = data;

  g_assert_true (agent == r->pair->b);
  g_assert_true (
      ice_agent_set_remote_credentials (r->pair->a, stream, ufrag, pwd));
  g_mutex_lock (&r->lock);
  r->credentials_changed++;
  g_mutex_unlock (&r->lock);
}

static gboolean
restart_a_only (gpointer data)
{
  Restart *r = data;

  ice_agent_restart (r->pair->a);
  io_test_give_credentials (r->pair->a, 0, r->pair->b, 0);
  return G_SOURCE_REMOVE;
}

/* Only A restarts (RFC 8445 §9): B restarts itself on A's new credentials
 * and signals "local-credentials-changed"; both select again, media
 * flows. */
static void
test_restart_one_sided (void)
{
  IoTestPair pair = { 0 };
  Restart r = { 0 };
  gchar *old_ufrag = NULL, *new_ufrag = NULL;

  g_mutex_init (&r.lock);
  g_cond_init (&r.cond);
  r.pair = &pair;
  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, watch_selections, &r);
  wait_selections (&r, 2);
  g_signal_connect (pair.b, "local-credentials-changed",
                    G_CALLBACK (on_local_credentials), &r);
  g_assert_true (ice_agent_get_local_credentials (pair.b, 0, &old_ufrag, NULL));

  g_main_context_invoke (ice_agent_get_main_context (pair.a), restart_a_only,
                         &r);
  wait_selections (&r, 4);
  g_mutex_lock (&r.lock);
  g_assert_cmpuint (r.credentials_changed, ==, 1);
  g_mutex_unlock (&r.lock);
  g_assert_true (ice_agent_get_local_credentials (pair.b, 0, &new_ufrag, NULL));
  g_assert_cmpstr (old_ufrag, !=, new_ufrag);

  send_sequence (pair.a, pair.stream_a, 100, 10);
  io_test_expect_sequence (pair.b, pair.stream_b, 100, 10);
  send_sequence (pair.b, pair.stream_b, 200, 10);
  io_test_expect_sequence (pair.a, pair.stream_a, 200, 10);
  io_test_pair_clear (&pair);
  g_free (old_ufrag);
  g_free (new_ufrag);
  g_mutex_clear (&r.lock);
  g_cond_clear (&r.cond);
}

static void
on_state_changed (IceAgent *agent, guint stream, IceConnectionState state,
                  gpointer data)
{
  if (state == ICE_CONNECTION_FAILED)
    *(gint64 *)data = g_get_monotonic_time ();
}

static gboolean
on_deadline (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* "peer-timeout" reaches the session: a stream whose peer never answers
 * fails after it (not after the 39.5 s default), and it is frozen once a
 * stream exists. */
static void
test_peer_timeout (void)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  GMainContext *ctx = g_main_context_new ();
  IceAgent *agent = ice_agent_new (ctx);
  gint64 start, failed_at = -1;
  gboolean timed_out = FALSE;
  GError *error = NULL;
  GSource *deadline;
  guint value, stream;

  g_object_get (agent, "peer-timeout", &value, NULL);
  g_assert_cmpuint (value, ==, ICE_AGENT_DEFAULT_PEER_TIMEOUT_MS);
  g_object_set (agent, "peer-timeout", 0, NULL);
  g_object_get (agent, "peer-timeout", &value, NULL);
  g_assert_cmpuint (value, ==, 0);
  g_object_set (agent, "peer-timeout", 300, "bind-address", loopback, NULL);
  g_signal_connect (agent, "connection-state-changed",
                    G_CALLBACK (on_state_changed), &failed_at);
  stream = ice_agent_add_stream (agent, 1);
  /* ice/ logs with g_log (), so GLib's expected messages see it */
  g_test_expect_message ("ice-agent", G_LOG_LEVEL_WARNING, "*peer-timeout*");
  g_object_set (agent, "peer-timeout", 0, NULL);
  g_test_assert_expected_messages ();
  g_object_get (agent, "peer-timeout", &value, NULL);
  g_assert_cmpuint (value, ==, 300);
  start = g_get_monotonic_time ();
  g_assert_true (ice_agent_gather (agent, stream, &error));
  g_assert_no_error (error);
  deadline = g_timeout_source_new (IO_TEST_TIMEOUT_US / 1000);
  g_source_set_callback (deadline, on_deadline, &timed_out, NULL);
  g_source_attach (deadline, ctx);
  while (failed_at < 0 && !timed_out)
    g_main_context_iteration (ctx, TRUE);
  g_assert_false (timed_out);
  g_assert_cmpint (failed_at - start, >=, 300 * 1000);
  g_source_destroy (deadline);
  g_source_unref (deadline);
  g_object_unref (agent);
  g_main_context_unref (ctx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/agent/loopback-1000-regular", test_loopback_regular);
  g_test_add_func ("/io/agent/loopback-1000-aggressive",
                   test_loopback_aggressive);
  g_test_add_func ("/io/agent/restart", test_restart);
  g_test_add_func ("/io/agent/restart-one-sided", test_restart_one_sided);
  g_test_add_func ("/io/agent/loopback-ipv6", test_loopback_ipv6);
  g_test_add_func ("/io/agent/send-before-connected",
                   test_send_before_connected);
  g_test_add_func ("/io/agent/bad-parameters", test_bad_parameters);
  g_test_add_func ("/io/agent/recv-cancel-and-close",
                   test_recv_cancel_and_close);
  g_test_add_func ("/io/agent/port-range-and-bind-address",
                   test_port_range_and_bind_address);
  g_test_add_func ("/io/agent/no-loopback-unless-asked",
                   test_no_loopback_unless_asked);
  g_test_add_func ("/io/agent/peer-timeout", test_peer_timeout);
  return g_test_run ();
}
