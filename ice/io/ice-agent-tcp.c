/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ICE-TCP host candidates (RFC 6544) of IceAgent, with "ice-tcp" set:
 * one listening socket per (component, usable local address), within
 * the "port-range" like the UDP ones. Its address is the base the session
 * makes a passive candidate of, and an active one (port 9, §4.5) whose
 * connections leave from the same IP (ice/core/ice-gather.c). Priorities
 * put them below every UDP candidate of the same type (RFC 6544 §4.2,
 * ice/core/ice-candidate.h): UDP wins when both work.
 *
 * Checks: a transmit from a TCP base to a remote address goes on the
 * connection of that address pair; with none, the local candidate is the
 * active one and a non-blocking connect opens it (§7.1). A peer's connect
 * to a listener is accepted; the checks that arrive on it tell the
 * session which pair it belongs to (§7.2), and the session's responses
 * and triggered checks to that remote address take the same connection.
 * Simultaneous-open (tcptype so) is not done.
 *
 * Server-reflexive candidates (RFC 6544 §5.2): a transmit from a TCP base
 * to a STUN server of the "stun-server" setting goes on a connection that
 * leaves from the listener's own IP and port (SO_REUSEPORT on both), so
 * that the mapping the server sees is the one of the passive candidate;
 * it stays open (the NAT keeps that mapping while it lives).
 *
 * Bounds: ICE_AGENT_TCP_MAX_CONNS connections, ICE_AGENT_TCP_MAX_PENDING
 * accepted ones not yet authenticated (each for at most
 * ICE_AGENT_TCP_PENDING_TIMEOUT_US), connects of at most
 * ICE_AGENT_TCP_CONNECT_TIMEOUT_US, ICE_AGENT_TCP_MAX_OUT queued bytes
 * each; what they refuse is counted (IceAgentStats.tcp_*).
 */
#include <errno.h>
#include <string.h>

#include "ice/io/ice-agent-tcp.h"

/* Connections accepted per wakeup of a listener */
#define ICE_AGENT_TCP_ACCEPT_BATCH 8

typedef struct {
  GSocket *socket;
  GSource *source;
  IceTransportAddr local;
} IceAgentTcpListener;

static IceAgentTcp *
ensure_tcp (IceAgentState *state)
{
  if (state->tcp == NULL) {
    state->tcp = g_new0 (IceAgentTcp, 1);
    state->tcp->listeners = g_ptr_array_new ();
    state->tcp->conns = g_ptr_array_new ();
    state->tcp->dead = g_ptr_array_new ();
    state->tcp->stun_servers
        = g_array_new (FALSE, FALSE, sizeof (IceTransportAddr));
  }
  return state->tcp;
}

void
ice_agent_tcp_conn_gone_locked (IceAgentState *state, IceAgentTcpConn *conn)
{
  IceAgentTcp *tcp = state->tcp;

  if (!g_ptr_array_remove (tcp->conns, conn))
    return;
  g_ptr_array_add (tcp->dead, conn);
  if (conn->accepted) {
    tcp->gone_accepted[tcp->next_gone] = conn->remote;
    tcp->next_gone = (tcp->next_gone + 1) % G_N_ELEMENTS (tcp->gone_accepted);
  }
}

static gboolean
was_accepted (IceAgentTcp *tcp, const IceTransportAddr *remote)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (tcp->gone_accepted); i++)
    if (ice_addr_equal (&tcp->gone_accepted[i], remote))
      return TRUE;
  return FALSE;
}

/* Destroys the sources of failed connections (each frees its conn once
 * no dispatch of it runs). Called where no caller holds a conn. */
void
ice_agent_tcp_reap_locked (IceAgentState *state)
{
  GPtrArray *dead;
  guint i;

  if (state->tcp == NULL || state->tcp->dead->len == 0)
    return;
  dead = state->tcp->dead;
  state->tcp->dead = g_ptr_array_new ();
  for (i = 0; i < dead->len; i++)
    g_source_destroy (((IceAgentTcpConn *)dead->pdata[i])->stream.source);
  g_ptr_array_unref (dead);
}

static IceAgentTcpConn *
find_conn (IceAgentTcp *tcp, const IceTransportAddr *local,
           const IceTransportAddr *remote)
{
  guint i;

  for (i = 0; i < tcp->conns->len; i++) {
    IceAgentTcpConn *conn = tcp->conns->pdata[i];

    if (ice_addr_equal (&conn->local, local)
        && ice_addr_equal (&conn->remote, remote))
      return conn;
  }
  return NULL;
}

/* The oldest accepted connection no check authenticated, if there are
 * ICE_AGENT_TCP_MAX_PENDING of them */
static IceAgentTcpConn *
pending_to_evict (IceAgentTcp *tcp)
{
  IceAgentTcpConn *oldest = NULL;
  guint i, n = 0;

  for (i = 0; i < tcp->conns->len; i++) {
    IceAgentTcpConn *conn = tcp->conns->pdata[i];

    if (!conn->accepted || conn->trusted)
      continue;
    n++;
    if (oldest == NULL || conn->opened_us < oldest->opened_us)
      oldest = conn;
  }
  return n >= ICE_AGENT_TCP_MAX_PENDING ? oldest : NULL;
}

static gboolean
remote_address (GSocket *socket, const IceTransportAddr *local,
                IceTransportAddr *remote)
{
  struct sockaddr_storage ss;
  GSocketAddress *addr = g_socket_get_remote_address (socket, NULL);
  gboolean ok;

  if (addr == NULL)
    return FALSE;
  ok = g_socket_address_to_native (addr, &ss, sizeof (ss), NULL)
       && ice_agent_addr_from_sockaddr (
           remote, (struct sockaddr *)&ss,
           g_socket_address_get_native_size (addr));
  g_object_unref (addr);
  remote->transport = ICE_TRANSPORT_TCP;
  if (remote->family == ICE_ADDR_FAMILY_IPV6)
    remote->scope_id = local->scope_id;
  return ok;
}

/* Takes @socket, just accepted on @listener, within the bounds */
static void
take_accepted_locked (IceAgentState *state, IceAgentTcpListener *listener,
                      GSocket *socket)
{
  IceAgentTcp *tcp = state->tcp;
  IceAgentTcpConn *evict;
  IceTransportAddr remote;

  g_socket_set_blocking (socket, FALSE);
  if (!remote_address (socket, &listener->local, &remote)
      || tcp->conns->len >= ICE_AGENT_TCP_MAX_CONNS
      || find_conn (tcp, &listener->local, &remote) != NULL) {
    tcp->counters.refused++;
    g_socket_close (socket, NULL);
    return;
  }
  evict = pending_to_evict (tcp);
  if (evict != NULL) {
    tcp->counters.refused++;
    ice_agent_tcp_conn_fail_locked (evict, "too many unauthenticated "
                                           "connections: the oldest goes");
  }
  tcp->counters.accepts++;
  ice_agent_tcp_conn_new (state, &listener->local, &remote, socket, FALSE, TRUE,
                          FALSE);
}

static IceAgentTcpListener *
find_listener (IceAgentState *state, GSocket *socket)
{
  guint i;

  for (i = 0; state->tcp != NULL && i < state->tcp->listeners->len; i++)
    if (((IceAgentTcpListener *)state->tcp->listeners->pdata[i])->socket
        == socket)
      return state->tcp->listeners->pdata[i];
  return NULL;
}

/* The source holds the state (like the UDP sockets' sources): the
 * listener is looked up under the lock, it may be gone */
static gboolean
listener_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
  IceAgentState *state = data;
  IceAgentTcpListener *listener;
  GError *error = NULL;
  GSocket *accepted;
  guint i;

  g_mutex_lock (&state->lock);
  listener = state->closed ? NULL : find_listener (state, socket);
  if (listener == NULL) {
    g_mutex_unlock (&state->lock);
    return G_SOURCE_REMOVE;
  }
  for (i = 0; i < ICE_AGENT_TCP_ACCEPT_BATCH; i++) {
    accepted = g_socket_accept (listener->socket, NULL, &error);
    if (accepted == NULL) {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        g_debug ("accept: %s", error->message);
      g_clear_error (&error);
      break;
    }
    take_accepted_locked (state, listener, accepted);
    g_object_unref (accepted);
  }
  ice_agent_tcp_reap_locked (state);
  g_mutex_unlock (&state->lock);
  return G_SOURCE_CONTINUE;
}

static void
listener_free (IceAgentTcpListener *listener)
{
  if (listener->source != NULL) {
    g_source_destroy (listener->source);
    g_source_unref (listener->source);
  }
  g_socket_close (listener->socket, NULL);
  g_object_unref (listener->socket);
  g_free (listener);
}

static GSocket *
open_listening (const IceTransportAddr *ip, guint16 port_min, guint16 port_max,
                gboolean shared, IceTransportAddr *bound, GError **error)
{
  GSocket *socket
      = g_socket_new (ip->family == ICE_ADDR_FAMILY_IPV6 ? G_SOCKET_FAMILY_IPV6
                                                         : G_SOCKET_FAMILY_IPV4,
                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  struct sockaddr_storage ss;
  socklen_t len = sizeof (ss);

  if (socket == NULL)
    return NULL;
  g_socket_set_blocking (socket, FALSE);
  g_socket_set_listen_backlog (socket, ICE_AGENT_TCP_BACKLOG);
  if (!ice_agent_socket_bind_in_range (socket, ip, port_min, port_max, FALSE,
                                       error)
      || !g_socket_listen (socket, error)) {
    g_object_unref (socket);
    return NULL;
  }
  /* after bind and listen: no other listener of ours takes the port (the
   * range is searched without it), but the connection to the STUN server
   * may bind it (Linux: both set SO_REUSEPORT, as the same user) */
  if (shared)
    g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, NULL);
  if (getsockname (g_socket_get_fd (socket), (struct sockaddr *)&ss, &len) < 0
      || !ice_agent_addr_from_sockaddr (bound, (struct sockaddr *)&ss, len)) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                 "getsockname failed: %s", g_strerror (errno));
    g_object_unref (socket);
    return NULL;
  }
  bound->scope_id = ip->scope_id;
  bound->transport = ICE_TRANSPORT_TCP;
  return socket;
}

/**
 * ice_agent_tcp_listen_locked:
 * @ip: a usable local address (its port is ignored)
 *
 * Opens the listening socket of (@stream_id, @component_id) at @ip and
 * gives its address to the session as a TCP host base (a passive and an
 * active candidate). A failure is logged and leaves UDP alone.
 */
void
ice_agent_tcp_listen_locked (IceAgentState *state, guint stream_id,
                             guint component_id, const IceTransportAddr *ip,
                             guint interface_index)
{
  IceAgentTcpListener *listener;
  IceTransportAddr bound;
  GError *error = NULL;
  gchar str[ICE_ADDR_STRLEN];
  GSocket *socket;

  socket
      = open_listening (ip, state->port_min, state->port_max,
                        ice_agent_stun_over_tcp_locked (state), &bound, &error);
  if (socket == NULL) {
    g_message ("cannot listen for ICE-TCP on %s: %s",
               ice_addr_ip_to_string (ip, str), error->message);
    g_clear_error (&error);
    return;
  }
  listener = g_new0 (IceAgentTcpListener, 1);
  listener->socket = socket;
  listener->local = bound;
  listener->source = g_socket_create_source (socket, G_IO_IN, NULL);
  g_source_set_callback (listener->source, G_SOURCE_FUNC (listener_readable),
                         ice_agent_state_ref (state),
                         (GDestroyNotify)ice_agent_state_unref);
  g_source_set_name (listener->source, "ice-agent-tcp-listen");
  g_source_attach (listener->source, state->context);
  g_ptr_array_add (ensure_tcp (state)->listeners, listener);
  ice_session_add_host_address (state->session, stream_id, component_id, &bound,
                                interface_index);
}

static gboolean
is_our_base (IceAgentTcp *tcp, const IceTransportAddr *local)
{
  guint i;

  for (i = 0; i < tcp->listeners->len; i++)
    if (ice_addr_equal (
            &((IceAgentTcpListener *)tcp->listeners->pdata[i])->local, local))
      return TRUE;
  return FALSE;
}

/**
 * ice_agent_tcp_add_stun_server_locked:
 * @server: a STUN server's TCP address
 *
 * Gives it to the session, which asks it from every TCP base; the
 * transmits to it then take a STUN connection (see above).
 */
void
ice_agent_tcp_add_stun_server_locked (IceAgentState *state,
                                      const IceTransportAddr *server)
{
  g_array_append_val (ensure_tcp (state)->stun_servers, *server);
  ice_session_add_stun_server (state->session, server);
}

static gboolean
is_stun_server (IceAgentTcp *tcp, const IceTransportAddr *addr)
{
  guint i;

  for (i = 0; i < tcp->stun_servers->len; i++)
    if (ice_addr_equal (&g_array_index (tcp->stun_servers, IceTransportAddr, i),
                        addr))
      return TRUE;
  return FALSE;
}

/* RFC 6544 §7.1: the active candidate connects from the base's IP; a
 * connection to a STUN server from the base itself (§5.2: the listener's
 * port, which it shares with SO_REUSEPORT, open_listening) */
static IceAgentTcpConn *
connect_locked (IceAgentState *state, const IceTransportAddr *local,
                const IceTransportAddr *remote, gboolean to_stun_server)
{
  IceAgentTcp *tcp = state->tcp;
  IceAgentTcpConn *conn;
  IceTransportAddr from = *local;
  GError *error = NULL;
  GSocket *socket;
  gboolean pending;

  if (tcp->conns->len >= ICE_AGENT_TCP_MAX_CONNS) {
    tcp->counters.refused++;
    return NULL;
  }
  tcp->counters.connects++;
  if (!to_stun_server)
    from.port = 0;
  socket = ice_agent_stream_connect (remote, &from, to_stun_server, &pending,
                                     &error);
  if (socket == NULL) {
    tcp->counters.connect_failed++;
    g_debug ("ICE-TCP connect: %s", error->message);
    g_clear_error (&error);
    if (to_stun_server)
      ice_session_stun_connection_failed (state->session, local, remote,
                                          g_get_monotonic_time ());
    return NULL;
  }
  conn = ice_agent_tcp_conn_new (state, local, remote, socket, pending, FALSE,
                                 to_stun_server);
  g_object_unref (socket);
  return conn;
}

/* A transmit (STUN) whose @from is a TCP host base */
void
ice_agent_tcp_send_locked (IceAgentState *state, const IceTransmit *transmit)
{
  GOutputVector vector = { transmit->data, transmit->len };
  IceAgentTcpConn *conn;

  if (state->tcp == NULL || transmit->to.transport != ICE_TRANSPORT_TCP
      || !is_our_base (state->tcp, &transmit->from))
    return;
  ice_agent_tcp_reap_locked (state);
  conn = find_conn (state->tcp, &transmit->from, &transmit->to);
  if (conn == NULL && !was_accepted (state->tcp, &transmit->to))
    conn = connect_locked (state, &transmit->from, &transmit->to,
                           is_stun_server (state->tcp, &transmit->to));
  /* lost: the check's transaction retransmits, on a new connection */
  if (conn != NULL)
    ice_agent_tcp_conn_write_locked (conn, &vector, 1, transmit->len);
}

static gsize
message_size (const GOutputMessage *m)
{
  gsize len = 0;
  guint v;

  for (v = 0; v < m->num_vectors; v++)
    len += m->vectors[v].size;
  return len;
}

/* Media of a component whose selected pair is a TCP host pair: one frame
 * per datagram on the pair's connection, one lock for the batch. */
guint
ice_agent_tcp_send_media (IceAgentState *state, const IceAgentRoute *route,
                          GOutputMessage *messages, guint n_messages)
{
  IceAgentTcpConn *conn = NULL;
  guint m, n_ok = 0;
  gsize len;

  g_mutex_lock (&state->lock);
  if (!state->closed && state->tcp != NULL)
    conn = find_conn (state->tcp, &route->stream_local, &route->stream_remote);
  for (m = 0; m < n_messages; m++) {
    messages[m].bytes_sent = 0;
    len = message_size (&messages[m]);
    if (conn == NULL || conn->failed || len > ICE_AGENT_TCP_MAX_FRAME
        || !ice_agent_tcp_conn_write_locked (conn, messages[m].vectors,
                                             messages[m].num_vectors, len)) {
      __atomic_add_fetch (&state->send.send_errors, 1, __ATOMIC_RELAXED);
      continue;
    }
    messages[m].bytes_sent = len;
    __atomic_add_fetch (&state->send.bytes_sent, len, __ATOMIC_RELAXED);
    __atomic_add_fetch (&state->send.packets_sent, 1, __ATOMIC_RELAXED);
    n_ok++;
  }
  g_mutex_unlock (&state->lock);
  return n_ok;
}

void
ice_agent_tcp_get_counters_locked (IceAgentState *state,
                                   IceAgentTcpCounters *out)
{
  if (state->tcp != NULL)
    *out = state->tcp->counters;
  else
    memset (out, 0, sizeof (*out));
}

/* ice_agent_close: every listener and connection stops */
void
ice_agent_tcp_close_locked (IceAgentState *state)
{
  IceAgentTcp *tcp = state->tcp;
  guint i;

  if (tcp == NULL)
    return;
  for (i = 0; i < tcp->listeners->len; i++)
    listener_free (tcp->listeners->pdata[i]);
  g_ptr_array_set_size (tcp->listeners, 0);
  while (tcp->conns->len > 0)
    ice_agent_tcp_conn_fail_locked (tcp->conns->pdata[0], "agent closed");
  ice_agent_tcp_reap_locked (state);
}

void
ice_agent_tcp_free (IceAgentState *state)
{
  if (state->tcp == NULL)
    return;
  g_ptr_array_unref (state->tcp->listeners);
  g_ptr_array_unref (state->tcp->conns);
  g_ptr_array_unref (state->tcp->dead);
  g_array_unref (state->tcp->stun_servers);
  g_clear_pointer (&state->tcp, g_free);
}
