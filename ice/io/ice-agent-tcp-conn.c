/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One ICE-TCP connection (RFC 6544 §3): every STUN message and media
 * packet travels as an RFC 4571 frame. A source on the agent's context
 * finishes a non-blocking connect, reads what arrived (each frame goes to
 * the session as if it were a datagram from the connection's remote end
 * to the listener's address, the candidate's base) and writes what is
 * queued. The connection lives as long as its source: a failed one is
 * taken out of the table at once, its source destroyed at the next entry
 * point (ice_agent_tcp_reap_locked) and the conn freed when that source
 * is gone.
 *
 * A connection to a STUN server (RFC 6544 §5.2) carries plain STUN
 * (RFC 8489 §6.2.2): messages are cut by their length fields and written
 * as they are; when it fails, the session's request over it fails too.
 *
 * Nothing the peer sends reaches g_warning: a length above the maximum,
 * or an accepted connection whose first frames are not a check the
 * session accepts (a stranger), closes the connection and counts in
 * IceAgentStats.tcp_closed_invalid.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "ice/io/ice-agent-tcp.h"

#define ICE_AGENT_TCP_READ_CHUNK 16384
/* Chunks read per wakeup before the other sources get their turn */
#define ICE_AGENT_TCP_READ_ROUNDS 8

static IceAgentTcpCounters *
counters (IceAgentTcpConn *conn)
{
  return &conn->state->tcp->counters;
}

void
ice_agent_tcp_conn_fail_locked (IceAgentTcpConn *conn, const gchar *why)
{
  gchar local[ICE_ADDR_STRLEN], remote[ICE_ADDR_STRLEN];

  if (conn->failed)
    return;
  g_debug ("ICE-TCP connection %s <-> %s: %s",
           ice_addr_to_string (&conn->local, local),
           ice_addr_to_string (&conn->remote, remote), why);
  conn->failed = TRUE;
  g_byte_array_set_size (conn->stream.out, 0);
  g_socket_close (conn->stream.socket, NULL);
  if (conn->to_stun_server && !conn->state->closed
      && conn->state->session != NULL)
    ice_session_stun_connection_failed (conn->state->session, &conn->local,
                                        &conn->remote, g_get_monotonic_time ());
  /* out of the table; its source is destroyed (and the conn freed) by
   * ice_agent_tcp_reap_locked(), where no caller holds it */
  ice_agent_tcp_conn_gone_locked (conn->state, conn);
}

static void
write_pending (IceAgentTcpConn *conn)
{
  GError *error = NULL;

  if (!conn->failed && !ice_agent_stream_conn_flush (&conn->stream, &error)) {
    ice_agent_tcp_conn_fail_locked (conn, error->message);
    g_clear_error (&error);
  }
}

/* Queues one frame of @len bytes made of @vectors and writes what the
 * socket takes. FALSE if it was dropped (counted): the connection failed,
 * or its queue is full. */
gboolean
ice_agent_tcp_conn_write_locked (IceAgentTcpConn *conn,
                                 const GOutputVector *vectors, guint n_vectors,
                                 gsize len)
{
  guint8 header[ICE_RFC4571_HEADER_SIZE];
  gsize header_len = conn->to_stun_server ? 0 : sizeof (header);
  guint v;

  if (conn->failed || !ice_rfc4571_write_header (header, len))
    return FALSE;
  if (conn->stream.out->len + header_len + len > ICE_AGENT_TCP_MAX_OUT) {
    counters (conn)->dropped_bytes += len;
    return FALSE;
  }
  g_byte_array_append (conn->stream.out, header, header_len);
  for (v = 0; v < n_vectors; v++)
    g_byte_array_append (conn->stream.out, vectors[v].buffer, vectors[v].size);
  write_pending (conn);
  return TRUE;
}

/* An accepted connection is a stranger's until a check it carried made
 * the session trust its address pair (RFC 6544 §7.2: the pair of the
 * connection is found by the checks that arrive on it). */
static void
judge_locked (IceAgentTcpConn *conn, IcePacketResult res)
{
  if (conn->trusted)
    return;
  if (ice_session_is_authenticated_source (conn->state->session, &conn->local,
                                           &conn->remote)) {
    conn->trusted = TRUE;
  } else if (conn->accepted && res == ICE_PACKET_DROPPED) {
    counters (conn)->closed_invalid++;
    ice_agent_tcp_conn_fail_locked (conn, "not a check the session accepts");
  }
}

static void
handle_frames (IceAgentTcpConn *conn, gint64 now, GArray *callbacks)
{
  IceAgentState *state = conn->state;
  const guint8 *frame;
  IceDelivery delivery;
  IceRfc4571Result r;
  IcePacketResult res;
  gsize len;

  while (!conn->failed
         && (r = ice_rfc4571_reader_pop (conn->reader, &frame, &len))
                == ICE_RFC4571_COMPLETE) {
    if (len == 0)
      continue; /* RFC 4571 allows it; nothing to hand over */
    res = ice_session_handle_packet (state->session, now, &conn->local,
                                     &conn->remote, frame, len, &delivery);
    if (res == ICE_PACKET_DELIVER)
      ice_agent_deliver_copy_locked (state, &delivery, frame, now, callbacks);
    judge_locked (conn, res);
  }
  if (!conn->failed && r == ICE_RFC4571_TOO_LARGE) {
    counters (conn)->closed_invalid++;
    ice_agent_tcp_conn_fail_locked (conn, "a frame above the maximum");
  }
}

/* What a STUN server sent: its answers (the session drops anything
 * else); a stream that is not STUN closes the connection */
static void
handle_stun_messages (IceAgentTcpConn *conn, gint64 now)
{
  const guint8 *message;
  IceDelivery delivery;
  IceTurnFrameResult r;
  gsize len;

  while (!conn->failed
         && (r = ice_turn_framer_pop (conn->stun, &message, &len))
                == ICE_TURN_FRAME_COMPLETE)
    ice_session_handle_packet (conn->state->session, now, &conn->local,
                               &conn->remote, message, len, &delivery);
  if (!conn->failed
      && (r == ICE_TURN_FRAME_INVALID
          || ice_turn_framer_pending (conn->stun) > ICE_AGENT_TCP_MAX_FRAME)) {
    counters (conn)->closed_invalid++;
    ice_agent_tcp_conn_fail_locked (conn, "the STUN server's stream is not "
                                          "STUN messages");
  }
}

static void
push_received (IceAgentTcpConn *conn, const guint8 *data, gsize len,
               GArray *callbacks)
{
  if (conn->to_stun_server) {
    ice_turn_framer_push (conn->stun, data, len);
    handle_stun_messages (conn, g_get_monotonic_time ());
  } else {
    ice_rfc4571_reader_push (conn->reader, data, len);
    handle_frames (conn, g_get_monotonic_time (), callbacks);
  }
}

static void
read_available (IceAgentTcpConn *conn, GArray *callbacks)
{
  guint8 buf[ICE_AGENT_TCP_READ_CHUNK];
  GError *error = NULL;
  guint round;
  gssize n = 0;

  for (round = 0; round < ICE_AGENT_TCP_READ_ROUNDS && !conn->failed; round++) {
    n = ice_agent_stream_conn_read (&conn->stream, buf, sizeof (buf), &error);
    if (n <= 0)
      break;
    push_received (conn, buf, n, callbacks);
  }
  if (n < 0) {
    ice_agent_tcp_conn_fail_locked (conn, error->message);
    g_clear_error (&error);
  }
}

static void
finish_connect (IceAgentTcpConn *conn)
{
  GError *error = NULL;

  g_source_set_ready_time (conn->stream.source, -1);
  if (!ice_agent_stream_conn_finish_connect (&conn->stream, &error)) {
    counters (conn)->connect_failed++;
    ice_agent_tcp_conn_fail_locked (conn, error->message);
    g_clear_error (&error);
  }
}

/* The source's ready time: a connect or an unauthenticated accepted
 * connection that took too long */
static void
check_deadline (IceAgentTcpConn *conn, gint64 now)
{
  if (conn->stream.connecting
      && now >= conn->opened_us + ICE_AGENT_TCP_CONNECT_TIMEOUT_US) {
    counters (conn)->connect_failed++;
    ice_agent_tcp_conn_fail_locked (conn, "connect timed out");
  } else if (conn->accepted && !conn->trusted
             && now >= conn->opened_us + ICE_AGENT_TCP_PENDING_TIMEOUT_US) {
    counters (conn)->refused++;
    ice_agent_tcp_conn_fail_locked (conn, "no check authenticated it");
  } else if (conn->trusted) {
    g_source_set_ready_time (conn->stream.source, -1);
  }
}

static gboolean
conn_ready (gpointer data)
{
  IceAgentTcpConn *conn = data;
  IceAgentState *state = conn->state;
  GArray *callbacks;
  GIOCondition revents;

  g_mutex_lock (&state->lock);
  if (!state->closed && conn->failed) {
    /* failed elsewhere (a send): its source goes through the reaper,
     * which knows it */
    ice_agent_tcp_reap_locked (state);
    g_mutex_unlock (&state->lock);
    return G_SOURCE_CONTINUE;
  }
  if (state->closed || state->session == NULL) {
    g_mutex_unlock (&state->lock);
    return G_SOURCE_REMOVE;
  }
  callbacks = ice_agent_callbacks_new ();
  revents = g_source_query_unix_fd (conn->stream.source, conn->stream.fd_tag);
  check_deadline (conn, g_get_monotonic_time ());
  if (!conn->failed && conn->stream.connecting
      && (revents & (G_IO_OUT | G_IO_ERR | G_IO_HUP)))
    finish_connect (conn);
  if (!conn->failed && !conn->stream.connecting
      && (revents & (G_IO_IN | G_IO_ERR | G_IO_HUP)))
    read_available (conn, callbacks);
  write_pending (conn);
  ice_agent_state_flush_locked (state);
  /* this conn too, if it failed: GLib frees it after this dispatch */
  ice_agent_tcp_reap_locked (state);
  g_cond_broadcast (&state->cond);
  g_mutex_unlock (&state->lock);
  ice_agent_run_callbacks (state, callbacks);
  g_array_unref (callbacks);
  ice_agent_state_emit_pending (state);
  return G_SOURCE_CONTINUE;
}

/* The source's destroy notify: no dispatch of the conn runs any more */
static void
conn_free (gpointer data)
{
  IceAgentTcpConn *conn = data;
  IceAgentState *state = conn->state;

  g_source_unref (conn->stream.source);
  ice_agent_stream_conn_clear (&conn->stream);
  ice_rfc4571_reader_free (conn->reader);
  ice_turn_framer_free (conn->stun);
  g_free (conn);
  ice_agent_state_unref (state);
}

/* A connection on @socket (non-blocking; connecting or established),
 * read and written on the agent's context from now on. */
IceAgentTcpConn *
ice_agent_tcp_conn_new (IceAgentState *state, const IceTransportAddr *local,
                        const IceTransportAddr *remote, GSocket *socket,
                        gboolean connecting, gboolean accepted,
                        gboolean to_stun_server)
{
  IceAgentTcpConn *conn = g_new0 (IceAgentTcpConn, 1);

  conn->state = state;
  conn->local = *local;
  conn->remote = *remote;
  ice_agent_stream_conn_init (&conn->stream, socket, connecting);
  conn->accepted = accepted;
  conn->to_stun_server = to_stun_server;
  conn->opened_us = g_get_monotonic_time ();
  if (to_stun_server)
    conn->stun = ice_turn_framer_new ();
  else
    conn->reader = ice_rfc4571_reader_new (ICE_AGENT_TCP_MAX_FRAME);
  /* an accepted socket: Nagle off too (ice_agent_stream_connect() did it
   * for ours) */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  /* like the socket sources, it keeps the state alive while it runs */
  ice_agent_state_ref (state);
  ice_agent_stream_conn_attach (&conn->stream, state->context,
                                "ice-agent-tcp-conn", conn_ready, conn,
                                conn_free);
  if (connecting)
    g_source_set_ready_time (conn->stream.source,
                             conn->opened_us
                                 + ICE_AGENT_TCP_CONNECT_TIMEOUT_US);
  else if (accepted)
    g_source_set_ready_time (conn->stream.source,
                             conn->opened_us
                                 + ICE_AGENT_TCP_PENDING_TIMEOUT_US);
  g_ptr_array_add (state->tcp->conns, conn);
  return conn;
}
