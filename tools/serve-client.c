/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A client's input is untrusted: every problem is answered with an error
 * message of the protocol and logged with g_debug, never a g_warning.
 */
#include "serve-client.h"

#include "signal/gst-ice-signal-msg.h"

#include <stdio.h>
#include <string.h>

/* A larger frame is cut by libsoup itself (close code 1009); up to this
 * size we read it and answer "too-big", as docs/signalling.md says. */
#define PAYLOAD_SLACK 4
/* Pings keep NAT bindings open and find peers that vanished. */
#define KEEPALIVE_SECONDS 20

typedef struct {
  ServeServer *server;
  SoupWebsocketConnection *conn;
  gchar *from;
  gchar *url_room;
  gchar *room; /* once joined */
  gchar *peer;
  ServeBucket bucket;
  guint errors;
  guint join_timer;
  gboolean counted;
  gboolean closing;
} ServeClient;

void
serve_log (const gchar *format, ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static void
client_send (ServeClient *client, gchar *text)
{
  if (soup_websocket_connection_get_state (client->conn)
      == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (client->conn, text);
  g_free (text);
}

/* A fatal error: the reason, then the close (docs/signalling.md). */
static void
client_refuse (ServeClient *client, GstIceSignalError code,
               const gchar *message)
{
  const gchar *name = gst_ice_signal_error_to_string (code);

  if (client->closing)
    return;
  serve_log ("refuse code=%s room=%s peer=%s from=%s: %s", name,
             client->url_room, client->peer ? client->peer : "-", client->from,
             message);
  client_send (client, gst_ice_signal_error_to_json (code, message, TRUE));
  client->closing = TRUE;
  soup_websocket_connection_close (client->conn,
                                   SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, name);
}

/* A non-fatal error, counted against the client's limit. */
static void
client_error (ServeClient *client, GstIceSignalError code, const gchar *message)
{
  g_debug ("client %s: %s: %s", client->from,
           gst_ice_signal_error_to_string (code), message);
  if (++client->errors > client->server->limits.max_errors) {
    client_refuse (client, GST_ICE_SIGNAL_ERROR_RATE,
                   "too many invalid messages");
    return;
  }
  client_send (client, gst_ice_signal_error_to_json (code, message, FALSE));
}

static void
client_leave_room (ServeClient *client)
{
  ServeClient *other;

  if (client->room == NULL)
    return;
  other = serve_rooms_leave (client->server->rooms, client->room, client);
  serve_log ("leave room=%s peer=%s from=%s", client->room, client->peer,
             client->from);
  if (other != NULL)
    client_send (other, gst_ice_signal_peer_left_to_json (client->peer));
  g_clear_pointer (&client->room, g_free);
}

static void
client_paired (ServeClient *client, ServeClient *other)
{
  serve_log ("pair room=%s peers=%s,%s", client->room, other->peer,
             client->peer);
  client_send (other, gst_ice_signal_peer_joined_to_json (client->peer));
  client_send (client, gst_ice_signal_peer_joined_to_json (other->peer));
}

static void
client_join_result (ServeClient *client, ServeJoinResult result,
                    ServeClient *other)
{
  switch (result) {
    case SERVE_JOIN_ROOM_FULL:
      client_refuse (client, GST_ICE_SIGNAL_ERROR_ROOM_FULL,
                     "two peers are in this room already");
      return;
    case SERVE_JOIN_SERVER_FULL:
      client_refuse (client, GST_ICE_SIGNAL_ERROR_SERVER_FULL,
                     "the server has too many rooms");
      return;
    case SERVE_JOIN_FIRST:
    case SERVE_JOIN_PAIRED:
      break;
  }
  g_clear_handle_id (&client->join_timer, g_source_remove);
  client->room = g_strdup (client->url_room);
  serve_log ("join room=%s peer=%s peers=%d from=%s", client->room,
             client->peer, other ? 2 : 1, client->from);
  client_send (client, gst_ice_signal_joined_to_json (
                           client->room, client->peer, other ? 2 : 1));
  if (other != NULL)
    client_paired (client, other);
}

/* The same peer id joining again on another connection: the peer's
 * address went away and its old connection is half-open (nothing it sends
 * arrives, no close will come before a keepalive fails). The old one
 * leaves the room quietly (no peer-left: the peer is back at once) and is
 * closed; the new one takes its place. */
static void
client_drop_stale_self (ServeClient *client)
{
  gpointer peers[2];
  guint i, n;

  n = serve_rooms_peers (client->server->rooms, client->url_room, peers);
  for (i = 0; i < n; i++) {
    ServeClient *old = peers[i];

    if (old == client || g_strcmp0 (old->peer, client->peer) != 0)
      continue;
    serve_log ("rejoin room=%s peer=%s from=%s replaces from=%s", old->room,
               old->peer, client->from, old->from);
    serve_rooms_leave (client->server->rooms, old->room, old);
    g_clear_pointer (&old->room, g_free);
    old->closing = TRUE;
    soup_websocket_connection_close (old->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                     "replaced by the same peer");
  }
}

static void
client_join (ServeClient *client, const GstIceSignalMsg *msg)
{
  gpointer other;
  ServeJoinResult result;

  if (client->room != NULL) {
    client_error (client, GST_ICE_SIGNAL_ERROR_MALFORMED, "already joined");
    return;
  }
  if (msg->room != NULL && strcmp (msg->room, client->url_room) != 0) {
    client_refuse (client, GST_ICE_SIGNAL_ERROR_BAD_ROOM,
                   "the join's room is not the URL's room");
    return;
  }
  g_free (client->peer);
  client->peer = msg->peer != NULL
                     ? g_strdup (msg->peer)
                     : g_strdup_printf ("peer-%" G_GUINT64_FORMAT,
                                        ++client->server->next_peer);
  if (msg->peer != NULL)
    client_drop_stale_self (client);
  result = serve_rooms_join (client->server->rooms, client->url_room, client,
                             &other);
  client_join_result (client, result, other);
}

static void
client_leave (ServeClient *client)
{
  client_leave_room (client);
  client->closing = TRUE;
  soup_websocket_connection_close (client->conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
                                   "leave");
}

/* The server keeps nothing: without a peer the message is dropped, and
 * the peer gets the frame exactly as it came. */
static void
client_relay (ServeClient *client, GBytes *frame)
{
  ServeClient *other;

  if (client->room == NULL) {
    client_error (client, GST_ICE_SIGNAL_ERROR_NOT_JOINED, "send join first");
    return;
  }
  other = serve_rooms_other (client->server->rooms, client->room, client);
  if (other != NULL
      && soup_websocket_connection_get_state (other->conn)
             == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_message (other->conn,
                                            SOUP_WEBSOCKET_DATA_TEXT, frame);
}

static void
client_dispatch (ServeClient *client, const GstIceSignalMsg *msg, GBytes *frame)
{
  if (gst_ice_signal_msg_type_is_relayed (msg->type)) {
    client_relay (client, frame);
    return;
  }
  switch (msg->type) {
    case GST_ICE_SIGNAL_MSG_JOIN:
      client_join (client, msg);
      break;
    case GST_ICE_SIGNAL_MSG_LEAVE:
      client_leave (client);
      break;
    default:
      client_error (client, GST_ICE_SIGNAL_ERROR_UNKNOWN_TYPE,
                    "a message of the server, not of a client");
      break;
  }
}

static void
on_message (SoupWebsocketConnection *conn, gint type, GBytes *frame,
            gpointer user_data)
{
  ServeClient *client = user_data;
  const ServeLimits *limits = &client->server->limits;
  GstIceSignalMsg msg;
  GError *error = NULL;
  gsize len;
  const gchar *text = g_bytes_get_data (frame, &len);

  if (client->closing)
    return;
  if (!serve_bucket_take (&client->bucket, limits, g_get_monotonic_time ())) {
    client_refuse (client, GST_ICE_SIGNAL_ERROR_RATE, "too many messages");
    return;
  }
  if (type != SOUP_WEBSOCKET_DATA_TEXT) {
    client_error (client, GST_ICE_SIGNAL_ERROR_MALFORMED,
                  "messages are text frames");
    return;
  }
  if (len > limits->max_message) {
    client_error (client, GST_ICE_SIGNAL_ERROR_TOO_BIG,
                  "the message is over the size limit");
    return;
  }
  if (!gst_ice_signal_msg_parse (text, len, &msg, &error)) {
    client_error (client, (GstIceSignalError)error->code, error->message);
    g_error_free (error);
    return;
  }
  client_dispatch (client, &msg, frame);
  gst_ice_signal_msg_clear (&msg);
}

static void
client_free (ServeClient *client)
{
  g_clear_handle_id (&client->join_timer, g_source_remove);
  g_signal_handlers_disconnect_by_data (client->conn, client);
  client_leave_room (client);
  if (client->counted)
    serve_rooms_remove_client (client->server->rooms);
  g_object_unref (client->conn);
  g_free (client->from);
  g_free (client->url_room);
  g_free (client->peer);
  g_free (client);
}

static void
on_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  ServeClient *client = user_data;

  g_hash_table_remove (client->server->clients, client);
}

static gboolean
on_join_timeout (gpointer user_data)
{
  ServeClient *client = user_data;

  client->join_timer = 0;
  client_refuse (client, GST_ICE_SIGNAL_ERROR_NOT_JOINED, "no join in time");
  return G_SOURCE_REMOVE;
}

/* Constant time, so that the answer's timing does not reveal a prefix. */
static gboolean
token_equal (const gchar *expected, const gchar *given)
{
  gsize len = strlen (expected), i;
  guint8 diff = 0;

  if (given == NULL || strlen (given) != len)
    return FALSE;
  for (i = 0; i < len; i++)
    diff |= (guint8)(expected[i] ^ given[i]);
  return diff == 0;
}

static gboolean
token_is_valid (ServeServer *server, GUri *uri)
{
  GHashTable *params;
  gboolean ok;

  if (server->token == NULL)
    return TRUE;
  if (g_uri_get_query (uri) == NULL)
    return FALSE;
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                               G_URI_PARAMS_NONE, NULL);
  ok = params != NULL
       && token_equal (server->token, g_hash_table_lookup (params, "token"));
  if (params != NULL)
    g_hash_table_unref (params);
  return ok;
}

static gchar *
remote_to_string (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  if (remote == NULL)
    return g_strdup ("?");
  return g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (remote));
}

static ServeClient *
client_new (ServeServer *server, SoupServerMessage *msg,
            SoupWebsocketConnection *conn)
{
  ServeClient *client = g_new0 (ServeClient, 1);
  const gchar *path = g_uri_get_path (soup_server_message_get_uri (msg));

  client->server = server;
  client->conn = g_object_ref (conn);
  client->from = remote_to_string (msg);
  client->url_room = g_strdup (path[0] == '/' ? path + 1 : path);
  serve_bucket_init (&client->bucket, &server->limits, g_get_monotonic_time ());
  g_hash_table_add (server->clients, client);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), client);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), client);
  soup_websocket_connection_set_max_incoming_payload_size (
      conn, (guint64)server->limits.max_message * PAYLOAD_SLACK);
  soup_websocket_connection_set_keepalive_interval (conn, KEEPALIVE_SECONDS);
  return client;
}

void
serve_client_accept (ServeServer *server, SoupServerMessage *msg,
                     SoupWebsocketConnection *conn)
{
  ServeClient *client = client_new (server, msg, conn);

  client->counted = serve_rooms_add_client (server->rooms);
  if (!client->counted)
    client_refuse (client, GST_ICE_SIGNAL_ERROR_SERVER_FULL,
                   "the server has too many clients");
  else if (!token_is_valid (server, soup_server_message_get_uri (msg)))
    client_refuse (client, GST_ICE_SIGNAL_ERROR_BAD_TOKEN,
                   "the token is missing or wrong");
  else if (!gst_ice_signal_room_is_valid (client->url_room))
    client_refuse (client, GST_ICE_SIGNAL_ERROR_BAD_ROOM,
                   "a room is 1-64 characters of A-Z a-z 0-9 . _ -");
  else
    client->join_timer = g_timeout_add_seconds (server->limits.join_timeout,
                                                on_join_timeout, client);
}

static void
client_destroy (gpointer data)
{
  ServeClient *client = data;

  /* no "closed" from here on: we are in the table's removal already */
  g_signal_handlers_disconnect_by_data (client->conn, client);
  if (soup_websocket_connection_get_state (client->conn)
      == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (
        client->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server exits");
  client_free (client);
}

void
serve_server_init (ServeServer *server, const ServeLimits *limits,
                   const gchar *token)
{
  memset (server, 0, sizeof (*server));
  server->limits = *limits;
  server->rooms = serve_rooms_new (limits);
  server->token = g_strdup (token);
  server->clients = g_hash_table_new_full (NULL, NULL, client_destroy, NULL);
}

void
serve_server_clear (ServeServer *server)
{
  /* clients first: leaving their rooms needs the table of rooms */
  g_clear_pointer (&server->clients, g_hash_table_unref);
  g_clear_pointer (&server->rooms, serve_rooms_free);
  g_clear_pointer (&server->token, g_free);
}
