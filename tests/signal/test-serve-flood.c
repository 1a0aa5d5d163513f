/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `gst-ice serve` under a bounded flood from loopback (issue 11): 2,000
 * WebSocket connections, 100 at a time, each joining a room of its own
 * and sending 50 messages at once (its join, 19 junk frames that are
 * answered with errors, 30 candidates with no peer to relay to), so
 * 100,000 messages. Meanwhile a paired room of the same server keeps
 * relaying, and the server's memory stays bounded.
 */
#include "serve-harness.h"

#include <string.h>

#define N_CONNECTIONS 2000
#define N_IN_FLIGHT 100
#define N_JUNK 19 /* under the server's 20 errors per client */
#define N_CANDIDATES 30
#define N_PER_CONNECTION (1 + N_JUNK + N_CANDIDATES)
/* issue 11 asks for the flood in 20 s; on a shared 2-core machine the
 * assertion leaves room, the time is in the log */
#define FLOOD_BUDGET_S 60
/* A probe through the paired room every this many finished floods. */
#define PROBE_EVERY 100
#define MAX_RSS_KB (200 * 1024)
/* What the flood may leave behind once every flood client is gone. */
#define MAX_GROWTH_KB (32 * 1024)

#define CAND "candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host"

/* N_CONNECTIONS, or a quarter in a sanitizer build (GST_ICE_TEST_SANITIZED,
 * set by tests/signal/meson.build): ASan makes each connection several
 * times dearer, and the budget is for the plain build. */
static guint n_connections = N_CONNECTIONS;

typedef struct {
  HarnessServer *server;
  SoupSession *session;
  HarnessClient *a, *b;
  guint started, finished, failed, in_flight;
  guint64 sent, errors;
  guint probes_sent;
} Flood;

typedef struct {
  Flood *flood;
  SoupWebsocketConnection *conn;
  guint received;
} Flooder;

static void start_more (Flood *flood);

static void
flooder_done (Flooder *f)
{
  Flood *flood = f->flood;
  gchar *probe;

  if (f->conn != NULL) {
    g_signal_handlers_disconnect_by_data (f->conn, f);
    g_object_unref (f->conn);
  }
  g_free (f);
  flood->in_flight--;
  if (++flood->finished % PROBE_EVERY == 0) {
    probe = gst_ice_signal_candidate_to_json ("probe", flood->probes_sent++,
                                              CAND);
    g_assert_true (harness_client_send (flood->a, probe));
    g_free (probe);
  }
  start_more (flood);
}

static void
on_flood_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  flooder_done (user_data);
}

/* joined, then one error per junk frame: then we hang up. */
static void
on_flood_message (SoupWebsocketConnection *conn, gint type, GBytes *frame,
                  gpointer user_data)
{
  Flooder *f = user_data;
  gsize len;
  const gchar *text = g_bytes_get_data (frame, &len);

  if (g_strstr_len (text, len, "\"error\"") != NULL)
    f->flood->errors++;
  if (++f->received == 1 + N_JUNK)
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

static void
send_junk (Flooder *f, guint i)
{
  static const guint8 binary[] = { 0xde, 0xad };

  switch (i % 4) {
    case 0:
      soup_websocket_connection_send_text (f->conn, "not json at all");
      break;
    case 1:
      soup_websocket_connection_send_binary (f->conn, binary, sizeof (binary));
      break;
    case 2:
      soup_websocket_connection_send_text (f->conn, "{\"v\":1,\"type\":\"x\"}");
      break;
    default:
      soup_websocket_connection_send_text (f->conn, "{\"v\":7}");
      break;
  }
}

static void
send_all (Flooder *f)
{
  gchar *join = gst_ice_signal_join_to_json (NULL, NULL);
  gchar *cand = gst_ice_signal_candidate_to_json ("0", 0, CAND);
  guint i;

  soup_websocket_connection_send_text (f->conn, join);
  for (i = 0; i < N_JUNK + N_CANDIDATES; i++) {
    /* junk and candidates interleaved: even places first */
    if (i % 2 == 0 && i / 2 < N_JUNK)
      send_junk (f, i / 2);
    else
      soup_websocket_connection_send_text (f->conn, cand);
  }
  f->flood->sent += N_PER_CONNECTION;
  g_free (join);
  g_free (cand);
}

static void
on_flood_connected (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Flooder *f = user_data;
  GError *error = NULL;

  f->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), res,
                                                   &error);
  if (f->conn == NULL) {
    g_test_message ("flood connection failed: %s", error->message);
    g_error_free (error);
    f->flood->failed++;
    flooder_done (f);
    return;
  }
  g_signal_connect (f->conn, "message", G_CALLBACK (on_flood_message), f);
  g_signal_connect (f->conn, "closed", G_CALLBACK (on_flood_closed), f);
  send_all (f);
}

static void
start_one (Flood *flood)
{
  Flooder *f = g_new0 (Flooder, 1);
  gchar *url
      = g_strdup_printf ("%s/flood-%u", flood->server->url, flood->started++);
  SoupMessage *msg = soup_message_new ("GET", url);

  f->flood = flood;
  flood->in_flight++;
  soup_session_websocket_connect_async (flood->session, msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT, NULL,
                                        on_flood_connected, f);
  g_object_unref (msg);
  g_free (url);
}

static void
start_more (Flood *flood)
{
  while (flood->in_flight < N_IN_FLIGHT && flood->started < n_connections)
    start_one (flood);
}

/* The probes arrive in order, unchanged, and nothing else does. */
static void
check_probes (Flood *flood)
{
  guint i;
  gchar *text, *expected;

  HARNESS_WAIT_UNTIL (g_queue_get_length (&flood->b->received)
                      >= flood->probes_sent);
  for (i = 0; i < flood->probes_sent; i++) {
    text = g_queue_pop_head (&flood->b->received);
    expected = gst_ice_signal_candidate_to_json ("probe", i, CAND);
    g_assert_cmpstr (text, ==, expected);
    g_free (expected);
    g_free (text);
  }
  g_assert_true (g_queue_is_empty (&flood->b->received));
  g_assert_true (g_queue_is_empty (&flood->a->received));
  g_assert_false (flood->a->closed || flood->b->closed);
}

static void
run_flood (Flood *flood)
{
  gint64 start = g_get_monotonic_time ();
  gdouble seconds;

  start_more (flood);
  HARNESS_WAIT_UNTIL_S (flood->finished == n_connections, FLOOD_BUDGET_S);
  seconds = (g_get_monotonic_time () - start) / (gdouble)G_USEC_PER_SEC;
  g_test_message ("%u connections, %" G_GUINT64_FORMAT " messages sent, "
                  "%" G_GUINT64_FORMAT " errors answered, in %.1f s",
                  flood->finished, flood->sent, flood->errors, seconds);
  g_assert_cmpuint (flood->failed, ==, 0);
  g_assert_cmpuint (flood->sent, ==, n_connections * N_PER_CONNECTION);
  g_assert_cmpuint (flood->errors, ==, n_connections * N_JUNK);
}

static void
test_flood (void)
{
  Flood flood = { 0 };
  guint64 rss_before, rss, hwm;
  gchar *after, *got;

  flood.server = harness_server_start (NULL);
  flood.server->quiet = TRUE;
  flood.session = harness_session_new ();
  harness_pair (flood.session, flood.server, "kept", &flood.a, &flood.b);
  rss_before = harness_server_status_kb (flood.server, "VmRSS:");
  run_flood (&flood);
  check_probes (&flood);
  /* the server noticed every hang-up: all those rooms are gone */
  harness_server_wait_lines (flood.server, "leave room=flood-", n_connections);
  after = gst_ice_signal_restart_to_json ("after");
  g_assert_true (harness_client_send (flood.b, after));
  got = harness_client_next (flood.a);
  g_assert_cmpstr (got, ==, after);
  g_free (got);
  rss = harness_server_status_kb (flood.server, "VmRSS:");
  hwm = harness_server_status_kb (flood.server, "VmHWM:");
  g_test_message ("server VmRSS %" G_GUINT64_FORMAT
                  " kB before, %" G_GUINT64_FORMAT
                  " kB after, VmHWM %" G_GUINT64_FORMAT " kB",
                  rss_before, rss, hwm);
  /* ASan's shadow memory and quarantine (256 MiB) are not the server's */
  if (g_getenv ("GST_ICE_TEST_SANITIZED") == NULL) {
    g_assert_cmpuint (hwm, <, MAX_RSS_KB);
    g_assert_cmpuint (rss, <, rss_before + MAX_GROWTH_KB);
  }
  g_free (after);
  harness_client_free (flood.a);
  harness_client_free (flood.b);
  g_object_unref (flood.session);
  harness_server_stop (flood.server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("GST_ICE_TEST_SANITIZED") != NULL)
    n_connections = N_CONNECTIONS / 4;
  g_test_add_func ("/signal/serve/flood", test_flood);
  return g_test_run ();
}
