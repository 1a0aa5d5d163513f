/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a broken or hostile signalling server sends the ws:// signaller
 * (docs/signalling.md): the test is the server (a libsoup WebSocket server
 * on loopback), an icesrc joins it. After peer-joined and our credentials,
 * it sends a binary frame, text that is not JSON, JSON that is no object,
 * another version, an unknown type, a ufrag that would inject a line, a
 * candidate over the size limit, a client's message type, an early
 * candidate, a candidate the agent refuses, a non-fatal error; then valid
 * credentials and a fatal room-full. Each unusable message is dropped and
 * counted with a GST_WARNING (the suite runs with G_DEBUG=fatal-warnings:
 * a g_warning would abort), the valid credentials reach the agent, and the
 * fatal error is an element error naming the server's message. Every
 * line the signaller logs comes from the "gst-ice-signal" thread.
 * Then the restarts of either side and of the room's peer, scripted.
 */
#include <gst/gst.h>
#include <libsoup/soup.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "signal/gst-ice-signal-msg.h"

#define TIMEOUT_S 30
#define UFRAG "srvUFRAG"
#define PWD "serverpwdserverpwdserverpwd"

/* The junk frames counted as dropped; the rest is handled otherwise. */
static const gchar *const junk[] = {
  "not json at all",
  "[1, 2, 3]",
  "{\"v\":2,\"type\":\"peer-left\",\"peer\":\"x\"}",
  "{\"v\":1,\"type\":\"bogus\"}",
  "{\"v\":1,\"type\":\"credentials\",\"mid\":\"0\",\"ufrag\":\"ab\\r\\na=x\","
  "\"pwd\":\"" PWD "\",\"generation\":0}",
  "{\"v\":1,\"type\":\"join\",\"room\":\"room\"}",
};
/* + a binary frame and an oversized candidate */
#define N_DROPPED (G_N_ELEMENTS (junk) + 2)

typedef struct {
  GMainLoop *loop;
  SoupServer *server;
  SoupWebsocketConnection *conn;
  GCallback on_message;
  GstElement *pipeline;
  gboolean got_join;
  gboolean got_credentials;
  gchar *error_text;
  /* the restart test */
  gint step;
  gchar *ufrags[4]; /* the element's, per generation */
  guint n_candidates[4];
} Test;

static GMutex log_lock;
static guint n_dropped_logged;
static gchar *last_dropped;
static gboolean peer_credentials_logged;
static guint n_off_thread; /* signaller lines logged off its thread */
static gboolean restart_request_dropped;

/* The signaller's I/O runs on "gst-ice-signal", never on the "gst-ice"
 * packet thread nor the application's. */
static gboolean
on_signal_thread (void)
{
#ifdef __linux__
  gchar name[17] = "";

  return prctl (PR_GET_NAME, name, 0, 0, 0) != 0
         || strcmp (name, "gst-ice-signal") == 0;
#else
  return TRUE;
#endif
}

/* The signaller logs on its own thread. */
static void
log_func (GstDebugCategory *category, GstDebugLevel level, const gchar *file,
          const gchar *function, gint line, GObject *object,
          GstDebugMessage *message, gpointer data)
{
  const gchar *text;

  if (strcmp (gst_debug_category_get_name (category), "icewssignaller") != 0)
    return;
  text = gst_debug_message_get (message);
  g_mutex_lock (&log_lock);
  if (!on_signal_thread ())
    n_off_thread++;
  if (level == GST_LEVEL_WARNING && strstr (text, "dropped a")) {
    n_dropped_logged++;
    g_free (last_dropped);
    last_dropped = g_strdup (text);
  }
  if (strstr (text, "a restart request within a second"))
    restart_request_dropped = TRUE;
  if (strstr (text, "the peer's credentials, generation 0"))
    peer_credentials_logged = TRUE;
  g_mutex_unlock (&log_lock);
}

static void
send (Test *t, gchar *json)
{
  soup_websocket_connection_send_text (t->conn, json);
  g_free (json);
}

static void
send_junk (Test *t)
{
  gchar *long_line;
  guint i;

  soup_websocket_connection_send_binary (t->conn, "\x01\x02", 2);
  for (i = 0; i < G_N_ELEMENTS (junk); i++)
    soup_websocket_connection_send_text (t->conn, junk[i]);
  long_line = g_strnfill (2000, 'x');
  memcpy (long_line, "candidate:", 10);
  send (t, gst_ice_signal_candidate_to_json ("0", 0, long_line));
  g_free (long_line);
  /* handled, not dropped: early, then refused by the agent, then a
   * notice */
  send (t, gst_ice_signal_candidate_to_json (
               "0", 0, "candidate:1 1 UDP 1 127.0.0.1 9 typ host"));
  send (t, gst_ice_signal_credentials_to_json ("0", UFRAG, PWD, 0));
  send (t, gst_ice_signal_candidate_to_json ("0", 0, "candidate:garbage"));
  send (t, gst_ice_signal_error_to_json (GST_ICE_SIGNAL_ERROR_MALFORMED,
                                         "not fatal", FALSE));
  send (t,
        gst_ice_signal_error_to_json (GST_ICE_SIGNAL_ERROR_ROOM_FULL,
                                      "the test says the room is full", TRUE));
}

static void
on_message (SoupWebsocketConnection *conn, gint type, GBytes *bytes,
            gpointer data)
{
  Test *t = data;
  GstIceSignalMsg msg = { 0 };
  gsize len;
  const gchar *text = g_bytes_get_data (bytes, &len);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_assert_true (gst_ice_signal_msg_parse (text, len, &msg, NULL));
  if (msg.type == GST_ICE_SIGNAL_MSG_JOIN) {
    g_assert_cmpstr (msg.room, ==, "room");
    g_assert_nonnull (msg.peer);
    t->got_join = TRUE;
    send (t, gst_ice_signal_joined_to_json ("room", msg.peer, 2));
    send (t, gst_ice_signal_peer_joined_to_json ("hostile"));
  } else if (msg.type == GST_ICE_SIGNAL_MSG_CREDENTIALS
             && !t->got_credentials) {
    /* sent after peer-joined, as the protocol says */
    g_assert_cmpstr (msg.mid, ==, "0");
    g_assert_cmpint (msg.generation, ==, 0);
    t->got_credentials = TRUE;
    send_junk (t);
  }
  gst_ice_signal_msg_clear (&msg);
}

static void
on_websocket (SoupServer *server, SoupServerMessage *msg, const char *path,
              SoupWebsocketConnection *conn, gpointer data)
{
  Test *t = data;

  g_assert_cmpstr (path, ==, "/room");
  g_assert_null (t->conn);
  t->conn = g_object_ref (conn);
  g_signal_connect (conn, "message", t->on_message, t);
}

static gboolean
on_bus (GstBus *bus, GstMessage *message, gpointer data)
{
  Test *t = data;
  GError *err = NULL;
  gchar *debug = NULL;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (message, &err, &debug);
    t->error_text = g_strdup_printf ("%s | %s", err->message, debug);
    g_error_free (err);
    g_free (debug);
    g_main_loop_quit (t->loop);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer data)
{
  g_main_loop_quit (((Test *)data)->loop);
  return G_SOURCE_REMOVE;
}

/* Serves ws://127.0.0.1:PORT/room with @handler and runs an icesrc on
 * it until the element posts an error or TIMEOUT_S pass. */
static void
run_element (Test *t, GCallback handler)
{
  GError *err = NULL;
  GSList *uris;
  GstBus *bus;
  gchar *launch;
  guint port, timeout;
  const gchar *protocols[] = { GST_ICE_SIGNAL_SUBPROTOCOL, NULL };

  t->on_message = handler;
  t->loop = g_main_loop_new (NULL, FALSE);
  t->server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (t->server, NULL, NULL, (gchar **)protocols,
                                     on_websocket, t, NULL);
  g_assert_true (soup_server_listen_local (t->server, 0,
                                           SOUP_SERVER_LISTEN_IPV4_ONLY, &err));
  g_assert_no_error (err);
  uris = soup_server_get_uris (t->server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  launch = g_strdup_printf ("icesrc signaller=ws://127.0.0.1:%u/room "
                            "bind-address=127.0.0.1 ! fakesink",
                            port);
  t->pipeline = gst_parse_launch (launch, &err);
  g_assert_no_error (err);
  g_free (launch);
  bus = gst_element_get_bus (t->pipeline);
  gst_bus_add_watch (bus, on_bus, t);
  timeout = g_timeout_add_seconds (TIMEOUT_S, on_timeout, t);
  gst_element_set_state (t->pipeline, GST_STATE_PLAYING);
  g_main_loop_run (t->loop);
  g_source_remove (timeout);
  gst_element_set_state (t->pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  if (t->error_text)
    g_test_message ("error: %s", t->error_text);
}

static void
test_clear (Test *t)
{
  guint i;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_TIME_SPAN_SECOND;

  gst_object_unref (t->pipeline);
  /* let our end of the socket close, or the server keeps it */
  if (t->conn
      && soup_websocket_connection_get_state (t->conn)
             == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (t->conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
                                     NULL);
  while (t->conn
         && soup_websocket_connection_get_state (t->conn)
                != SOUP_WEBSOCKET_STATE_CLOSED
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&t->conn);
  soup_server_disconnect (t->server);
  g_object_unref (t->server);
  g_main_loop_unref (t->loop);
  g_free (t->error_text);
  for (i = 0; i < G_N_ELEMENTS (t->ufrags); i++)
    g_free (t->ufrags[i]);
}

static void
test_hostile_server (void)
{
  Test t = { 0 };

  run_element (&t, G_CALLBACK (on_message));
  g_assert_true (t.got_join);
  g_assert_true (t.got_credentials);
  g_assert_nonnull (t.error_text);
  g_assert_nonnull (strstr (t.error_text, "Signalling failed"));
  g_assert_nonnull (strstr (t.error_text, "room-full"));
  g_assert_nonnull (strstr (t.error_text, "the test says the room is full"));
  g_mutex_lock (&log_lock);
  g_test_message ("last drop: %s", last_dropped);
  g_assert_cmpuint (n_dropped_logged, ==, N_DROPPED);
  g_assert_true (peer_credentials_logged);
  g_assert_cmpuint (n_off_thread, ==, 0);
  g_mutex_unlock (&log_lock);
  test_clear (&t);
}

/* --- restarts ------------------------------------------------------------ */

#define PEER_UFRAG0 "peerUFRAG0"
#define PEER_UFRAG1 "peerUFRAG1"

static void
send_peer_change (Test *t)
{
  /* a late generation 0 (stale), then the peer replaced by another */
  send (t, gst_ice_signal_credentials_to_json ("0", PEER_UFRAG0, PWD, 0));
  send (t, gst_ice_signal_peer_left_to_json ("p1"));
  send (t, gst_ice_signal_peer_joined_to_json ("p2"));
}

/* The element's credentials of @gen: checks them against the script. */
static void
on_element_credentials (Test *t, const GstIceSignalMsg *msg)
{
  guint i;

  g_test_message ("step %d: credentials, generation %" G_GINT64_FORMAT
                  ", ufrag %s",
                  t->step, msg->generation, msg->ufrag);
  g_assert_cmpint (msg->generation, <, G_N_ELEMENTS (t->ufrags));
  /* a new generation has a new ufrag; one never comes back */
  for (i = 0; i < G_N_ELEMENTS (t->ufrags); i++)
    if (i != msg->generation)
      g_assert_cmpstr (msg->ufrag, !=, t->ufrags[i]);
  if (t->ufrags[msg->generation] == NULL)
    t->ufrags[msg->generation] = g_strdup (msg->ufrag);
  g_assert_cmpstr (msg->ufrag, ==, t->ufrags[msg->generation]);
  switch (t->step) {
    case 0: /* the first */
      g_assert_cmpint (msg->generation, ==, 0);
      t->step = 1;
      break;
    case 2: /* its answer to our restart */
      g_assert_cmpint (msg->generation, ==, 1);
      t->step = 3;
      break;
    case 4: /* the first to the new peer: after a restart, never gen 1 */
      g_assert_cmpint (msg->generation, ==, 2);
      t->step = 5;
      /* the new peer asks for a restart, twice: once is honoured */
      send (t, gst_ice_signal_restart_to_json ("0"));
      send (t, gst_ice_signal_restart_to_json ("0"));
      break;
    case 5:
      g_assert_cmpint (msg->generation, ==, 3);
      t->step = 6;
      send (t, gst_ice_signal_error_to_json (GST_ICE_SIGNAL_ERROR_RATE,
                                             "the script is over", TRUE));
      break;
    default:
      g_assert_not_reached ();
  }
}

static void
on_restart_message (SoupWebsocketConnection *conn, gint type, GBytes *bytes,
                    gpointer data)
{
  Test *t = data;
  GstIceSignalMsg msg = { 0 };
  gsize len;
  const gchar *text = g_bytes_get_data (bytes, &len);

  g_assert_true (gst_ice_signal_msg_parse (text, len, &msg, NULL));
  switch (msg.type) {
    case GST_ICE_SIGNAL_MSG_JOIN:
      send (t, gst_ice_signal_joined_to_json ("room", msg.peer, 2));
      send (t, gst_ice_signal_peer_joined_to_json ("p1"));
      break;
    case GST_ICE_SIGNAL_MSG_CREDENTIALS:
      on_element_credentials (t, &msg);
      break;
    case GST_ICE_SIGNAL_MSG_CANDIDATE:
      g_assert_cmpint (msg.generation, <, G_N_ELEMENTS (t->n_candidates));
      t->n_candidates[msg.generation]++;
      break;
    case GST_ICE_SIGNAL_MSG_END_OF_CANDIDATES:
      g_assert_cmpuint (t->n_candidates[msg.generation], >, 0);
      if (t->step == 1 && msg.generation == 0) {
        /* our generation 0, then our restart: the element answers */
        send (t, gst_ice_signal_credentials_to_json ("0", PEER_UFRAG0, PWD, 0));
        send (t, gst_ice_signal_credentials_to_json ("0", PEER_UFRAG1, PWD, 1));
        t->step = 2;
      } else if (t->step == 3 && msg.generation == 1) {
        send_peer_change (t);
        t->step = 4;
      }
      break;
    default:
      break;
  }
  gst_ice_signal_msg_clear (&msg);
}

/* The element as the peer of a scripted one: its generation 0 trickled to
 * end-of-candidates; the peer's restart answered with generation 1; a
 * stale generation of the peer ignored; a new peer in the room met with a
 * restart first (generation 2, never generation 1 again); a restart
 * message answered with generation 3, a second one at once dropped. */
static void
test_peer_restarts (void)
{
  Test t = { 0 };

  run_element (&t, G_CALLBACK (on_restart_message));
  g_assert_cmpint (t.step, ==, 6);
  g_assert_nonnull (t.error_text);
  g_assert_nonnull (strstr (t.error_text, "the script is over"));
  g_mutex_lock (&log_lock);
  g_assert_true (restart_request_dropped);
  g_mutex_unlock (&log_lock);
  test_clear (&t);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  gst_debug_add_log_function (log_func, NULL, NULL);
  gst_debug_set_threshold_for_name ("icewssignaller", GST_LEVEL_INFO);
  g_test_add_func ("/ws/hostile-server", test_hostile_server);
  g_test_add_func ("/ws/peer-restarts", test_peer_restarts);
  return g_test_run ();
}
