/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TCP and TLS connections to TURN servers (DESIGN §2, §3). The session
 * names each connection by a virtual local address (ice-relay.h); the
 * first transmit from one opens a non-blocking TCP connection to the
 * server, with TLS on top for turns: (ice-agent-tls.c). What the server
 * sends is split into STUN and ChannelData messages by an IceTurnFramer
 * and handed to the session as if each were a datagram. Media of a
 * relayed pair goes as ChannelData padded to 4 bytes (RFC 8656 §12.5).
 */
#include <string.h>

#include "ice/io/ice-agent-private.h"
#include "ice/io/ice-agent-stream-conn.h"
#include "ice/io/ice-agent-tls.h"
#include "ice/turn/turn-framing.h"

#define ICE_AGENT_TURN_READ_CHUNK 16384

struct _IceAgentTurnConn {
  IceAgentState *state;   /* not a reference: the state owns the conn */
  IceTransportAddr local; /* the session's virtual address */
  IceTransportAddr server;
  /* its out queue: bytes for the socket (ciphertext over TLS); no socket
   * when it could not be opened */
  IceAgentStreamConn stream;
  gboolean failed;
  IceTurnFramer *framer;
  IceAgentTls *tls; /* turns: only */
};

/* Stops every connection's source (ice_agent_close, under the lock) */
void
ice_agent_turn_conns_stop_locked (IceAgentState *state)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, state->turn_conns);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    IceAgentTurnConn *conn = value;

    if (conn->stream.source != NULL)
      g_source_destroy (conn->stream.source);
  }
}

void
ice_agent_turn_conn_free (IceAgentTurnConn *conn)
{
  if (conn->stream.source != NULL) {
    g_source_destroy (conn->stream.source);
    g_source_unref (conn->stream.source);
  }
  ice_agent_stream_conn_clear (&conn->stream);
  ice_turn_framer_free (conn->framer);
  ice_agent_tls_free (conn->tls);
  g_free (conn);
}

static void
conn_lost_locked (IceAgentTurnConn *conn, const gchar *why)
{
  IceAgentState *state = conn->state;
  gchar server[ICE_ADDR_STRLEN];

  if (conn->failed)
    return;
  g_message ("TURN connection to %s (%s): %s",
             ice_addr_to_string (&conn->server, server),
             ice_transport_to_string (conn->server.transport), why);
  conn->failed = TRUE;
  if (conn->stream.out != NULL)
    g_byte_array_set_size (conn->stream.out, 0);
  if (conn->stream.source != NULL)
    g_source_destroy (conn->stream.source);
  if (conn->stream.socket != NULL)
    g_socket_close (conn->stream.socket, NULL);
  ice_session_turn_connection_lost (state->session, &conn->local, &conn->server,
                                    why, g_get_monotonic_time ());
}

static void
write_pending (IceAgentTurnConn *conn)
{
  GError *error = NULL;

  if (conn->failed)
    return;
  if (conn->tls != NULL)
    ice_agent_tls_take_output (conn->tls, conn->stream.out);
  if (!ice_agent_stream_conn_flush (&conn->stream, &error)) {
    conn_lost_locked (conn, error->message);
    g_clear_error (&error);
  }
}

static void
write_bytes (IceAgentTurnConn *conn, const guint8 *data, gsize len)
{
  GError *error = NULL;

  if (conn->failed)
    return;
  if (conn->tls == NULL) {
    g_byte_array_append (conn->stream.out, data, len);
  } else if (!ice_agent_tls_write (conn->tls, data, len, &error)) {
    conn_lost_locked (conn, error->message);
    g_clear_error (&error);
    return;
  }
  write_pending (conn);
}

static void
handle_messages (IceAgentTurnConn *conn, gint64 now, GArray *callbacks)
{
  IceAgentState *state = conn->state;
  const guint8 *message;
  IceDelivery delivery;
  IceTurnFrameResult r;
  gsize len;

  while ((r = ice_turn_framer_pop (conn->framer, &message, &len))
         == ICE_TURN_FRAME_COMPLETE) {
    if (ice_session_handle_packet (state->session, now, &conn->local,
                                   &conn->server, message, len, &delivery)
        == ICE_PACKET_DELIVER)
      ice_agent_deliver_copy_locked (state, &delivery, message, now, callbacks);
  }
  if (r == ICE_TURN_FRAME_INVALID)
    conn_lost_locked (conn, "the stream is not STUN or ChannelData");
}

static gboolean
push_received (IceAgentTurnConn *conn, const guint8 *data, gsize len)
{
  GByteArray *plain;
  GError *error = NULL;
  gboolean ok;

  if (conn->tls == NULL) {
    ice_turn_framer_push (conn->framer, data, len);
    return TRUE;
  }
  plain = g_byte_array_new ();
  ok = ice_agent_tls_feed (conn->tls, data, len, plain, &error);
  ice_turn_framer_push (conn->framer, plain->data, plain->len);
  g_byte_array_unref (plain);
  if (!ok) {
    conn_lost_locked (conn, error->message);
    g_clear_error (&error);
  }
  return ok;
}

static void
read_available (IceAgentTurnConn *conn, GArray *callbacks)
{
  guint8 buf[ICE_AGENT_TURN_READ_CHUNK];
  GError *error = NULL;
  gssize n = 0;

  while (!conn->failed) {
    n = ice_agent_stream_conn_read (&conn->stream, buf, sizeof (buf), &error);
    if (n <= 0)
      break;
    if (push_received (conn, buf, n))
      handle_messages (conn, g_get_monotonic_time (), callbacks);
  }
  if (n < 0) {
    conn_lost_locked (conn, error->message);
    g_clear_error (&error);
  }
}

static void
finish_connect (IceAgentTurnConn *conn)
{
  GError *error = NULL;

  if (!ice_agent_stream_conn_finish_connect (&conn->stream, &error)
      || (conn->tls != NULL && !ice_agent_tls_start (conn->tls, &error))) {
    conn_lost_locked (conn, error->message);
    g_clear_error (&error);
  }
}

static gboolean
conn_ready (gpointer data)
{
  IceAgentTurnConn *conn = data;
  IceAgentState *state = conn->state;
  GIOCondition revents;
  GArray *callbacks = ice_agent_callbacks_new ();

  g_mutex_lock (&state->lock);
  if (state->closed || conn->failed || state->session == NULL) {
    g_mutex_unlock (&state->lock);
    g_array_unref (callbacks);
    return G_SOURCE_REMOVE;
  }
  revents = g_source_query_unix_fd (conn->stream.source, conn->stream.fd_tag);
  if (conn->stream.connecting && (revents & (G_IO_OUT | G_IO_ERR | G_IO_HUP)))
    finish_connect (conn);
  if (!conn->stream.connecting && (revents & (G_IO_IN | G_IO_ERR | G_IO_HUP)))
    read_available (conn, callbacks);
  write_pending (conn);
  ice_agent_state_flush_locked (state);
  g_mutex_unlock (&state->lock);
  ice_agent_run_callbacks (state, callbacks);
  g_array_unref (callbacks);
  ice_agent_state_emit_pending (state);
  return G_SOURCE_CONTINUE;
}

/* The source is destroyed (lost connection, close) before the state can
 * go: the conn is alive here */
static void
conn_source_gone (gpointer data)
{
  IceAgentTurnConn *conn = data;

  ice_agent_state_unref (conn->state);
}

static const IceAgentTurnServer *
find_server (IceAgentState *state, const IceTransportAddr *addr)
{
  guint i;

  for (i = 0; i < state->turn_servers->len; i++) {
    IceAgentTurnServer *s = state->turn_servers->pdata[i];

    if (s->state == ICE_AGENT_STUN_READY && ice_addr_equal (&s->addr, addr))
      return s;
  }
  return NULL;
}

static gboolean
open_tls (IceAgentState *state, IceAgentTurnConn *conn,
          const IceAgentTurnServer *server, GError **error)
{
  if (state->ssl_ctx == NULL)
    state->ssl_ctx = ice_agent_tls_context_new (state->turn_ca_file,
                                                state->turn_insecure, error);
  if (state->ssl_ctx == NULL)
    return FALSE;
  conn->tls = ice_agent_tls_new (state->ssl_ctx, server->host, error);
  return conn->tls != NULL;
}

static gboolean
open_socket (IceAgentState *state, IceAgentTurnConn *conn, GError **error)
{
  const IceAgentTurnServer *server = find_server (state, &conn->server);
  gboolean pending;
  GSocket *socket;

  if (server == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "unknown server");
    return FALSE;
  }
  if (conn->server.transport == ICE_TRANSPORT_TLS
      && !open_tls (state, conn, server, error))
    return FALSE;
  socket
      = ice_agent_stream_connect (&conn->server, NULL, FALSE, &pending, error);
  if (socket == NULL)
    return FALSE;
  ice_agent_stream_conn_init (&conn->stream, socket, pending);
  g_object_unref (socket);
  return pending || conn->tls == NULL || ice_agent_tls_start (conn->tls, error);
}

static IceAgentTurnConn *
conn_open_locked (IceAgentState *state, const IceTransmit *transmit)
{
  IceAgentTurnConn *conn = g_new0 (IceAgentTurnConn, 1);
  GError *error = NULL;

  conn->state = state;
  conn->local = transmit->from;
  conn->server = transmit->to;
  conn->framer = ice_turn_framer_new ();
  g_hash_table_insert (state->turn_conns, &conn->local, conn);
  if (!open_socket (state, conn, &error)) {
    conn_lost_locked (conn, error->message);
    g_clear_error (&error);
    return conn;
  }
  /* like the socket sources, it keeps the state alive while it runs */
  ice_agent_state_ref (state);
  ice_agent_stream_conn_attach (&conn->stream, state->context,
                                "ice-agent-turn-conn", conn_ready, conn,
                                conn_source_gone);
  return conn;
}

/* A transmit whose @from is a connection's virtual address */
void
ice_agent_turn_conn_send_locked (IceAgentState *state,
                                 const IceTransmit *transmit)
{
  IceAgentTurnConn *conn
      = g_hash_table_lookup (state->turn_conns, &transmit->from);

  if (conn == NULL)
    conn = conn_open_locked (state, transmit);
  write_bytes (conn, transmit->data, transmit->len);
}

static gsize
gather_message (const GOutputMessage *m, guint8 *buf, gsize room)
{
  gsize len = 0;
  guint v;

  for (v = 0; v < m->num_vectors; v++) {
    if (len + m->vectors[v].size > room)
      return 0;
    memcpy (buf + len, m->vectors[v].buffer, m->vectors[v].size);
    len += m->vectors[v].size;
  }
  return len;
}

static gboolean
send_one_locked (IceAgentState *state, guint stream_id, guint component_id,
                 const IceAgentRoute *route, const guint8 *payload, gsize len)
{
  guint8 frame[ICE_TURN_CHANNEL_HEADER_SIZE + ICE_AGENT_SLOT_SIZE + 3];
  IceAgentTurnConn *conn;
  gsize padded;

  if (route->prefix_kind != ICE_SEND_PREFIX_CHANNEL_DATA)
    return ice_session_send_media (state->session, stream_id, component_id,
                                   payload, len, g_get_monotonic_time ());
  conn = g_hash_table_lookup (state->turn_conns, &route->stream_local);
  if (conn == NULL || conn->failed)
    return FALSE;
  /* RFC 8656 §12.5: over a stream, ChannelData is padded to 4 bytes */
  padded = (len + 3) & ~(gsize)3;
  memcpy (frame, route->prefix, ICE_TURN_CHANNEL_HEADER_SIZE);
  ice_turn_channel_data_header (frame, (frame[0] << 8) | frame[1], len);
  memcpy (frame + ICE_TURN_CHANNEL_HEADER_SIZE, payload, len);
  memset (frame + ICE_TURN_CHANNEL_HEADER_SIZE + len, 0, padded - len);
  write_bytes (conn, frame, ICE_TURN_CHANNEL_HEADER_SIZE + padded);
  ice_session_note_sent (state->session, stream_id, component_id,
                         g_get_monotonic_time ());
  return !conn->failed;
}

/* The slow send path, one lock for the batch: a relayed pair over a
 * TCP/TLS connection, or one whose channel is not bound yet (Send
 * indications built by the session). */
guint
ice_agent_turn_send_media (IceAgentState *state, guint stream_id,
                           guint component_id, const IceAgentRoute *route,
                           GOutputMessage *messages, guint n_messages)
{
  guint8 payload[ICE_AGENT_SLOT_SIZE];
  guint m, n_ok = 0;
  gsize len;

  g_mutex_lock (&state->lock);
  for (m = 0; m < n_messages && !state->closed; m++) {
    messages[m].bytes_sent = 0;
    len = gather_message (&messages[m], payload, sizeof (payload));
    if (len == 0
        || !send_one_locked (state, stream_id, component_id, route, payload,
                             len)) {
      __atomic_add_fetch (&state->send.send_errors, 1, __ATOMIC_RELAXED);
      continue;
    }
    messages[m].bytes_sent = len;
    __atomic_add_fetch (&state->send.bytes_sent, len, __ATOMIC_RELAXED);
    __atomic_add_fetch (&state->send.packets_sent, 1, __ATOMIC_RELAXED);
    n_ok++;
  }
  /* events wait for the context thread, which emits them */
  ice_agent_state_flush_locked (state);
  g_mutex_unlock (&state->lock);
  return n_ok;
}
