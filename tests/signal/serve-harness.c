/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "serve-harness.h"

#include <signal.h>
#include <sys/prctl.h>
#include <stdarg.h>
#include <string.h>

static gboolean
on_deadline (gpointer user_data)
{
  HarnessDeadline *d = user_data;

  d->expired = TRUE;
  d->source = 0;
  return G_SOURCE_REMOVE;
}

void
harness_deadline_start (HarnessDeadline *d, guint seconds)
{
  d->expired = FALSE;
  d->source = g_timeout_add_seconds (seconds, on_deadline, d);
}

void
harness_deadline_stop (HarnessDeadline *d)
{
  g_clear_handle_id (&d->source, g_source_remove);
}

/* ---- the server process ---- */

static void read_next_line (HarnessServer *server);

static void
take_line (HarnessServer *server, gchar *line)
{
  const gchar *stun;

  if (!server->quiet)
    g_test_message ("serve: %s", line);
  if (server->url == NULL && g_str_has_prefix (line, "listening "))
    server->url = g_strdup (line + strlen ("listening "));
  stun = g_str_has_prefix (line, "stun udp://") ? strrchr (line, ':') : NULL;
  if (stun != NULL)
    server->stun_port = (guint16)g_ascii_strtoull (stun + 1, NULL, 10);
  g_ptr_array_add (server->lines, line);
}

static void
on_line (GObject *source, GAsyncResult *res, gpointer user_data)
{
  HarnessServer *server = user_data;
  GError *error = NULL;
  gchar *line;

  line = g_data_input_stream_read_line_finish_utf8 (
      G_DATA_INPUT_STREAM (source), res, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_error_free (error);
    return; /* @server may be gone */
  }
  g_clear_error (&error);
  if (line == NULL) {
    server->eof = TRUE;
    return;
  }
  take_line (server, line);
  read_next_line (server);
}

static void
read_next_line (HarnessServer *server)
{
  g_data_input_stream_read_line_async (server->out, G_PRIORITY_DEFAULT,
                                       server->cancel, on_line, server);
}

static GPtrArray *
make_argv (const gchar *first_arg, va_list args)
{
  GPtrArray *argv = g_ptr_array_new ();
  const gchar *tool = g_getenv ("GST_ICE_TOOL");
  const gchar *arg;

  g_assert_nonnull (tool);
  g_ptr_array_add (argv, (gpointer)tool);
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const gchar *))
    g_ptr_array_add (argv, (gpointer)arg);
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* A test that fails an assertion must not leave the server running (and
 * holding the test's stdout open). */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (GPtrArray *argv)
{
  GSubprocessLauncher *launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  GError *error = NULL;
  GSubprocess *proc;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  proc = g_subprocess_launcher_spawnv (
      launcher, (const gchar *const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_object_unref (launcher);
  return proc;
}

HarnessServer *
harness_server_start (const gchar *first_arg, ...)
{
  HarnessServer *server = g_new0 (HarnessServer, 1);
  GPtrArray *argv;
  va_list args;

  va_start (args, first_arg);
  argv = make_argv (first_arg, args);
  va_end (args);
  server->proc = spawn (argv);
  g_ptr_array_free (argv, TRUE);
  server->out
      = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->proc));
  server->cancel = g_cancellable_new ();
  server->lines = g_ptr_array_new_with_free_func (g_free);
  read_next_line (server);
  HARNESS_WAIT_UNTIL (server->url != NULL || server->eof);
  g_assert_nonnull (server->url);
  return server;
}

static void
on_exited (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
  *(gboolean *)user_data = TRUE;
}

void
harness_server_stop (HarnessServer *server)
{
  gboolean exited = FALSE;

  g_subprocess_send_signal (server->proc, SIGTERM);
  g_subprocess_wait_async (server->proc, NULL, on_exited, &exited);
  HARNESS_WAIT_UNTIL (exited);
  g_assert_true (g_subprocess_get_if_exited (server->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (server->proc), ==, 0);
  g_cancellable_cancel (server->cancel);
  g_object_unref (server->cancel);
  g_object_unref (server->out);
  g_object_unref (server->proc);
  g_ptr_array_unref (server->lines);
  g_free (server->url);
  g_free (server);
}

guint
harness_server_count_lines (HarnessServer *server, const gchar *prefix)
{
  guint i, n = 0;

  for (i = 0; i < server->lines->len; i++) {
    if (g_str_has_prefix (g_ptr_array_index (server->lines, i), prefix))
      n++;
  }
  return n;
}

void
harness_server_wait_lines (HarnessServer *server, const gchar *prefix, guint n)
{
  HARNESS_WAIT_UNTIL (harness_server_count_lines (server, prefix) >= n);
}

guint64
harness_server_status_kb (HarnessServer *server, const gchar *field)
{
  gchar *path, *text = NULL, *at;
  guint64 kb = 0;

  path = g_strdup_printf ("/proc/%s/status",
                          g_subprocess_get_identifier (server->proc));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  at = strstr (text, field);
  g_assert_nonnull (at);
  kb = g_ascii_strtoull (at + strlen (field) + 1, NULL, 10);
  g_free (text);
  g_free (path);
  return kb;
}

/* ---- clients ---- */

SoupSession *
harness_session_new (void)
{
  /* The handshakes of many clients run at once; no proxy on loopback. */
  return soup_session_new_with_options ("max-conns", 1000, "max-conns-per-host",
                                        1000, "proxy-resolver", NULL, "timeout",
                                        HARNESS_TIMEOUT_S, NULL);
}

static void
on_message (SoupWebsocketConnection *conn, gint type, GBytes *frame,
            gpointer user_data)
{
  HarnessClient *client = user_data;
  gsize len;
  const gchar *data = g_bytes_get_data (frame, &len);

  if (type == SOUP_WEBSOCKET_DATA_TEXT)
    g_queue_push_tail (&client->received, g_strndup (data, len));
}

static void
on_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  ((HarnessClient *)user_data)->closed = TRUE;
}

static void
on_connected (GObject *source, GAsyncResult *res, gpointer user_data)
{
  HarnessClient *client = user_data;

  client->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source),
                                                        res, &client->error);
  if (client->conn == NULL) {
    client->failed = TRUE;
    return;
  }
  g_signal_connect (client->conn, "message", G_CALLBACK (on_message), client);
  g_signal_connect (client->conn, "closed", G_CALLBACK (on_closed), client);
}

static gboolean
on_accept_certificate (SoupMessage *msg, GTlsCertificate *cert,
                       GTlsCertificateFlags errors, gpointer user_data)
{
  HarnessClient *client = user_data;

  return client->pinned != NULL
         && g_tls_certificate_is_same (cert, client->pinned);
}

HarnessClient *
harness_client_new (SoupSession *session, const gchar *url,
                    GTlsCertificate *pinned)
{
  static const gchar *protocols[] = { GST_ICE_SIGNAL_SUBPROTOCOL, NULL };
  HarnessClient *client = g_new0 (HarnessClient, 1);
  SoupMessage *msg = soup_message_new ("GET", url);

  g_assert_nonnull (msg);
  g_queue_init (&client->received);
  client->pinned = pinned ? g_object_ref (pinned) : NULL;
  g_signal_connect (msg, "accept-certificate",
                    G_CALLBACK (on_accept_certificate), client);
  soup_session_websocket_connect_async (session, msg, NULL, (gchar **)protocols,
                                        G_PRIORITY_DEFAULT, NULL, on_connected,
                                        client);
  g_object_unref (msg);
  return client;
}

HarnessClient *
harness_client_open (SoupSession *session, const gchar *url)
{
  HarnessClient *client = harness_client_new (session, url, NULL);

  HARNESS_WAIT_UNTIL (client->conn != NULL || client->failed);
  g_assert_no_error (client->error);
  return client;
}

void
harness_client_free (HarnessClient *client)
{
  if (client->conn != NULL) {
    g_signal_handlers_disconnect_by_data (client->conn, client);
    if (soup_websocket_connection_get_state (client->conn)
        == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (client->conn,
                                       SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    g_object_unref (client->conn);
  }
  g_queue_clear_full (&client->received, g_free);
  g_clear_object (&client->pinned);
  g_clear_error (&client->error);
  g_free (client);
}

gboolean
harness_client_send (HarnessClient *client, const gchar *text)
{
  if (client->conn == NULL
      || soup_websocket_connection_get_state (client->conn)
             != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;
  soup_websocket_connection_send_text (client->conn, text);
  return TRUE;
}

void
harness_client_send_take (HarnessClient *client, gchar *text)
{
  g_assert_true (harness_client_send (client, text));
  g_free (text);
}

gchar *
harness_client_next (HarnessClient *client)
{
  HARNESS_WAIT_UNTIL (!g_queue_is_empty (&client->received));
  return g_queue_pop_head (&client->received);
}

void
harness_client_expect (HarnessClient *client, GstIceSignalMsgType type,
                       GstIceSignalMsg *msg)
{
  gchar *text = harness_client_next (client);
  GError *error = NULL;

  g_test_message ("received %s", text);
  g_assert_true (gst_ice_signal_msg_parse (text, strlen (text), msg, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (gst_ice_signal_msg_type_to_string (msg->type), ==,
                   gst_ice_signal_msg_type_to_string (type));
  g_free (text);
}

void
harness_client_expect_error (HarnessClient *client, GstIceSignalError code,
                             gboolean fatal)
{
  GstIceSignalMsg msg;

  harness_client_expect (client, GST_ICE_SIGNAL_MSG_ERROR, &msg);
  g_assert_cmpstr (msg.code_name, ==, gst_ice_signal_error_to_string (code));
  g_assert_cmpint (msg.fatal, ==, fatal);
  g_assert_cmpstr (msg.message, !=, "");
  gst_ice_signal_msg_clear (&msg);
}

void
harness_client_wait_closed (HarnessClient *client)
{
  HARNESS_WAIT_UNTIL (client->closed);
}

/* @room may carry a query ("r?token=T"): the join names the room only. */
HarnessClient *
harness_join (SoupSession *session, HarnessServer *server, const gchar *room,
              const gchar *peer, gint expect_peers)
{
  gchar *url = g_strdup_printf ("%s/%s", server->url, room);
  gchar *name = g_strndup (room, strcspn (room, "?"));
  HarnessClient *client = harness_client_open (session, url);
  GstIceSignalMsg msg;

  harness_client_send_take (client, gst_ice_signal_join_to_json (name, peer));
  harness_client_expect (client, GST_ICE_SIGNAL_MSG_JOINED, &msg);
  g_assert_cmpstr (msg.room, ==, name);
  if (peer != NULL)
    g_assert_cmpstr (msg.peer, ==, peer);
  g_assert_cmpint (msg.peers, ==, expect_peers);
  gst_ice_signal_msg_clear (&msg);
  g_free (name);
  g_free (url);
  return client;
}

static void
expect_peer_joined (HarnessClient *client, const gchar *peer)
{
  GstIceSignalMsg msg;

  harness_client_expect (client, GST_ICE_SIGNAL_MSG_PEER_JOINED, &msg);
  g_assert_cmpstr (msg.peer, ==, peer);
  gst_ice_signal_msg_clear (&msg);
}

void
harness_pair (SoupSession *session, HarnessServer *server, const gchar *room,
              HarnessClient **a, HarnessClient **b)
{
  *a = harness_join (session, server, room, "a", 1);
  *b = harness_join (session, server, room, "b", 2);
  expect_peer_joined (*a, "b");
  expect_peer_joined (*b, "a");
}
