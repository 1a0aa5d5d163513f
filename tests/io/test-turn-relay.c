/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Relayed candidates through a real coturn: two IceAgents with the
 * "relay" transport policy connect through it over UDP, TCP and TLS, and
 * carry 1000 datagrams each way with none lost; the selected pair is
 * relayed on both sides. A wrong password gives a clear error and no
 * relayed candidate. URIs of the wrong form are refused.
 */
#include <string.h>

#include "io-coturn.h"
#include "io-test-util.h"

#define N_DATAGRAMS 1000
/* Sizes vary (and are mostly not multiples of 4) so that a ChannelData
 * length or padding that is wrong for one datagram shows */
#define DATAGRAM_MAX 1200
/* Sent in one sendmmsg before waiting for them: a burst of 100 datagrams
 * of up to 1200 bytes overflows coturn's default socket buffers on
 * loopback (seen as RcvbufErrors in /proc/net/snmp), 32 does not */
#define CHUNK 32

static IoCoturn coturn;

static void
relay_only_setup (IceAgent *agent, gpointer data)
{
  const gchar *transport = data;
  gchar *uri = io_coturn_uri (&coturn, transport);

  if (strcmp (transport, "udp-by-name") == 0) {
    /* resolved with GResolver before gathering */
    g_free (uri);
    uri = g_strdup_printf ("turn://%s@localhost:%u", IO_COTURN_URI_CREDENTIALS,
                           coturn.port);
  }

  g_object_set (agent, "ice-transport-policy", ICE_AGENT_TRANSPORT_POLICY_RELAY,
                "turn-server", uri, NULL);
  if (strcmp (transport, "tls") == 0)
    g_object_set (agent, "turn-ca-file", coturn.cert_path, NULL);
  g_free (uri);
}

static void
assert_relayed (IceAgent *agent, guint stream)
{
  IceCandidate local, remote;

  g_assert_true (
      ice_agent_get_selected_pair (agent, stream, 1, &local, &remote));
  g_assert_cmpint (local.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_cmpint (remote.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
}

static gsize
datagram_size (guint32 seq)
{
  return 60 + (seq * 37) % (DATAGRAM_MAX - 60);
}

/* One ice_agent_send_messages() call: one sendmmsg over UDP */
static void
send_range (IceAgent *agent, guint stream, guint32 first, guint count)
{
  GOutputMessage *messages = g_new0 (GOutputMessage, count);
  GOutputVector *vectors = g_new0 (GOutputVector, count);
  guint8 *bufs = g_malloc (count * DATAGRAM_MAX);
  guint i;

  for (i = 0; i < count; i++) {
    gsize size = datagram_size (first + i);

    io_test_fill (bufs + i * DATAGRAM_MAX, size, first + i);
    vectors[i].buffer = bufs + i * DATAGRAM_MAX;
    vectors[i].size = size;
    messages[i].vectors = &vectors[i];
    messages[i].num_vectors = 1;
  }
  g_assert_cmpuint (ice_agent_send_messages (agent, stream, 1, messages, count),
                    ==, count);
  for (i = 0; i < count; i++)
    g_assert_cmpuint (messages[i].bytes_sent, ==, datagram_size (first + i));
  g_free (bufs);
  g_free (vectors);
  g_free (messages);
}

/* In chunks, each awaited: none may be lost, all in order */
static void
carry (IceAgent *from, guint from_stream, IceAgent *to, guint to_stream)
{
  guint32 seq;

  for (seq = 0; seq < N_DATAGRAMS; seq += CHUNK) {
    guint count = MIN (CHUNK, N_DATAGRAMS - seq);

    send_range (from, from_stream, seq, count);
    io_test_expect_sequence (to, to_stream, seq, count);
  }
}

static void
run_relay_only (const gchar *transport)
{
  IoTestPair pair;
  gint64 start, took;

  if (coturn.pid == 0) {
    g_test_skip ("turnserver or openssl not installed");
    return;
  }
  start = g_get_monotonic_time ();
  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, relay_only_setup,
                        (gpointer)transport);
  took = g_get_monotonic_time () - start;
  g_test_message ("relay-only connect time over %s on loopback: %.1f ms",
                  transport, took / 1000.0);
  g_print ("# relay-only connect time over %s: %.1f ms\n", transport,
           took / 1000.0);
  assert_relayed (pair.a, pair.stream_a);
  assert_relayed (pair.b, pair.stream_b);
  carry (pair.a, pair.stream_a, pair.b, pair.stream_b);
  carry (pair.b, pair.stream_b, pair.a, pair.stream_a);
  io_test_pair_clear (&pair);
}

static void
test_relay_udp (void)
{
  run_relay_only ("udp");
}

static void
test_relay_udp_by_name (void)
{
  run_relay_only ("udp-by-name");
}

static void
test_relay_tcp (void)
{
  run_relay_only ("tcp");
}

static void
test_relay_tls (void)
{
  run_relay_only ("tls");
}

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean done;
  guint relayed;
  guint errors;
  gchar *message;
} Gathered;

static void
on_candidate (IceAgent *agent, guint stream, const gchar *line, gpointer data)
{
  Gathered *g = data;

  g_mutex_lock (&g->lock);
  g->relayed += strstr (line, " typ relay") != NULL;
  g_mutex_unlock (&g->lock);
}

static void
on_relay_error (IceAgent *agent, guint stream, guint component, guint code,
                const gchar *message, gpointer data)
{
  Gathered *g = data;

  g_mutex_lock (&g->lock);
  g->errors++;
  g_free (g->message);
  g->message = g_strdup (message);
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}

static void
on_done (IceAgent *agent, guint stream, gpointer data)
{
  Gathered *g = data;

  g_mutex_lock (&g->lock);
  g->done = TRUE;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}

/* Bounds the wait for the error only. It must outlast the session's own
 * wait for an allocation (ICE_RELAY_GATHER_TIMEOUT_US, 5 s): on a loaded
 * machine (ASan with slow unwinding verifies a certificate chain against
 * the system store for seconds) gathering-done comes first, after those
 * 5 s, and the relay-error later. */
#define ERROR_WAIT_US (30 * G_USEC_PER_SEC)

/* Gathers relay-only through @uri: no relayed candidate may come, and a
 * "relay-error" whose message holds @needle must. Waits for both signals:
 * either may come first (see ERROR_WAIT_US). */
static void
gather_expect_error (const gchar *uri, const gchar *needle)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  IceAgent *agent;
  Gathered g = { 0 };
  gint64 deadline;
  GError *error = NULL;

  g_mutex_init (&g.lock);
  g_cond_init (&g.cond);
  agent = ice_agent_new (NULL);
  g_object_set (agent, "bind-address", loopback, "ice-transport-policy",
                ICE_AGENT_TRANSPORT_POLICY_RELAY, "turn-server", uri, NULL);
  g_signal_connect (agent, "new-candidate", G_CALLBACK (on_candidate), &g);
  g_signal_connect (agent, "relay-error", G_CALLBACK (on_relay_error), &g);
  g_signal_connect (agent, "gathering-done", G_CALLBACK (on_done), &g);
  ice_agent_add_stream (agent, 1);
  g_assert_true (ice_agent_gather (agent, 0, &error));
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + ERROR_WAIT_US;
  g_mutex_lock (&g.lock);
  while (!(g.done && g.errors > 0)
         && g_cond_wait_until (&g.cond, &g.lock, deadline))
    ;
  g_assert_true (g.done);
  g_mutex_unlock (&g.lock);
  ice_agent_close (agent);
  g_object_unref (agent);
  g_assert_cmpuint (g.relayed, ==, 0);
  g_assert_cmpuint (g.errors, >=, 1);
  g_test_message ("error: %s", g.message);
  g_assert_nonnull (strstr (g.message, needle));
  g_free (g.message);
  g_mutex_clear (&g.lock);
  g_cond_clear (&g.cond);
}

static void
test_wrong_password (void)
{
  gchar *uri;

  if (coturn.pid == 0) {
    g_test_skip ("turnserver or openssl not installed");
    return;
  }
  uri = g_strdup_printf ("turn://%s:wrong@127.0.0.1:%u", IO_COTURN_USER,
                         coturn.port);
  gather_expect_error (uri, "wrong credentials");
  g_free (uri);
}

/* The "system" certificate store of this process is an empty one
 * (OpenSSL's SSL_CERT_FILE and SSL_CERT_DIR, read when an agent without
 * turn-ca-file makes its TLS context): it cannot know the test's
 * certificate either, and loading the real one (some 140 certificates)
 * takes seconds to half a minute in the ASan build with slow unwinding on
 * a busy machine. Set before any thread reads the environment. */
static void
use_empty_system_store (void)
{
  gchar *file = g_build_filename (coturn.dir, "no-such-ca-file.pem", NULL);

  g_setenv ("SSL_CERT_FILE", file, TRUE);
  g_setenv ("SSL_CERT_DIR", coturn.dir, TRUE);
  g_free (file);
}

/* Without turn-ca-file the system store does not know the test's
 * self-signed certificate: the TLS handshake must fail. */
static void
test_tls_untrusted (void)
{
  gchar *uri;

  if (coturn.pid == 0) {
    g_test_skip ("turnserver or openssl not installed");
    return;
  }
  uri = io_coturn_uri (&coturn, "tls");
  gather_expect_error (uri, "certificate");
  g_free (uri);
}

static void
expect_refused (const gchar *uri)
{
  IceAgent *agent = ice_agent_new (NULL);
  GError *error = NULL;

  g_assert_false (ice_agent_add_turn_server (agent, uri, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "expected turn://"));
  g_clear_error (&error);
  g_object_unref (agent);
}

static void
test_uri (void)
{
  IceAgent *agent = ice_agent_new (NULL);
  GError *error = NULL;
  gchar *value = NULL;

  expect_refused ("stun://u:p@host:3478");
  expect_refused ("turn://host:3478");
  expect_refused ("turn://u:p@:3478");
  expect_refused ("turn://u:p@host:0");
  expect_refused ("turn://u:p@host:70000");
  expect_refused ("turn://u:p@host?transport=sctp");
  expect_refused ("turns://u:p@host?transport=udp");
  expect_refused ("turn://u:p@[::1");
  g_assert_true (ice_agent_add_turn_server (
      agent, "turn://a%40b:p%3Aw@[::1]:3479?transport=tcp", &error));
  g_assert_no_error (error);
  g_assert_true (
      ice_agent_add_turn_server (agent, "turns://u:p@example.org", &error));
  g_object_get (agent, "turn-server", &value, NULL);
  g_assert_cmpstr (value, ==, "turns://u:p@example.org");
  g_free (value);
  g_object_unref (agent);
}

int
main (int argc, char **argv)
{
  gint ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/turn/uri", test_uri);
  g_test_add_func ("/io/turn/relay-only-udp", test_relay_udp);
  g_test_add_func ("/io/turn/relay-only-udp-by-name", test_relay_udp_by_name);
  g_test_add_func ("/io/turn/relay-only-tcp", test_relay_tcp);
  g_test_add_func ("/io/turn/relay-only-tls", test_relay_tls);
  g_test_add_func ("/io/turn/wrong-password", test_wrong_password);
  g_test_add_func ("/io/turn/tls-untrusted", test_tls_untrusted);
  if (!io_coturn_start (&coturn))
    coturn.pid = 0;
  else
    use_empty_system_store ();
  ret = g_test_run ();
  io_coturn_stop (&coturn);
  return ret;
}
