/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The agent's UDP sockets: address conversion, binding within the
 * "port-range", and sending the session's transmits (STUN) from the socket
 * whose local address the transmit names.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include "ice/io/ice-agent-private.h"
#include "ice/io/ice-udp-mux-private.h"

/* Enough for bursts of media at a few hundred Mbit/s while the context
 * thread is busy elsewhere; the kernel caps it unless we are privileged. */
#define ICE_AGENT_SOCKET_BUFFER (4 * 1024 * 1024)

gboolean
ice_agent_addr_to_sockaddr (const IceTransportAddr *addr,
                            struct sockaddr_storage *ss, socklen_t *len)
{
  memset (ss, 0, sizeof (*ss));
  if (addr->family == ICE_ADDR_FAMILY_IPV4) {
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;

    sin->sin_family = AF_INET;
    sin->sin_port = g_htons (addr->port);
    memcpy (&sin->sin_addr, addr->ip, 4);
    *len = sizeof (*sin);
    return TRUE;
  }
  if (addr->family == ICE_ADDR_FAMILY_IPV6) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = g_htons (addr->port);
    sin6->sin6_scope_id = addr->scope_id;
    memcpy (&sin6->sin6_addr, addr->ip, 16);
    *len = sizeof (*sin6);
    return TRUE;
  }
  *len = 0;
  return FALSE;
}

gboolean
ice_agent_addr_from_sockaddr (IceTransportAddr *addr, const struct sockaddr *sa,
                              socklen_t len)
{
  memset (addr, 0, sizeof (*addr));
  if (sa->sa_family == AF_INET && len >= sizeof (struct sockaddr_in)) {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

    addr->family = ICE_ADDR_FAMILY_IPV4;
    addr->port = g_ntohs (sin->sin_port);
    memcpy (addr->ip, &sin->sin_addr, 4);
    return TRUE;
  }
  if (sa->sa_family == AF_INET6 && len >= sizeof (struct sockaddr_in6)) {
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

    addr->family = ICE_ADDR_FAMILY_IPV6;
    addr->port = g_ntohs (sin6->sin6_port);
    addr->scope_id = sin6->sin6_scope_id;
    memcpy (addr->ip, &sin6->sin6_addr, 16);
    return TRUE;
  }
  return FALSE;
}

static void
enlarge_buffers (gint fd)
{
  gint size = ICE_AGENT_SOCKET_BUFFER;

  /* FORCE variants pass the rmem_max/wmem_max caps when privileged */
  if (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof (size)) < 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof (size));
  if (setsockopt (fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof (size)) < 0)
    setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof (size));
}

/* @shared: SO_REUSEPORT, with bind(2) itself: g_socket_bind() turns it
 * off on stream sockets */
static gboolean
bind_port (GSocket *socket, const IceTransportAddr *local, guint16 port,
           gboolean shared, GError **error)
{
  struct sockaddr_storage ss;
  socklen_t len;
  GSocketAddress *address;
  IceTransportAddr want = *local;
  gint fd = g_socket_get_fd (socket), on = 1;
  gboolean ok;

  want.port = port;
  ice_agent_addr_to_sockaddr (&want, &ss, &len);
  if (shared) {
    setsockopt (fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof (on));
    if (bind (fd, (struct sockaddr *)&ss, len) == 0)
      return TRUE;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                 "cannot bind to port %u: %s", port, g_strerror (errno));
    return FALSE;
  }
  address = g_socket_address_new_from_native (&ss, len);
  ok = g_socket_bind (socket, address, FALSE, error);
  g_object_unref (address);
  return ok;
}

/* Tries every port of [port_min, port_max] (any port if both are 0);
 * UDP sockets and ICE-TCP listeners and connections (ice-agent-tcp.c).
 * @shared: SO_REUSEPORT: the port may be one a socket of ours that set
 * it holds (the connection to a STUN server from an ICE-TCP listener's
 * port, RFC 6544 §5.2). */
gboolean
ice_agent_socket_bind_in_range (GSocket *socket, const IceTransportAddr *local,
                                guint16 port_min, guint16 port_max,
                                gboolean shared, GError **error)
{
  guint port;

  if (port_min == 0 && port_max == 0)
    return bind_port (socket, local, 0, shared, error);
  for (port = port_min; port <= port_max; port++) {
    GError *local_error = NULL;

    if (bind_port (socket, local, port, shared, &local_error))
      return TRUE;
    if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE)
        || port == port_max) {
      g_propagate_error (error, local_error);
      return FALSE;
    }
    g_clear_error (&local_error);
  }
  return FALSE;
}

static gboolean
read_local_address (IceAgentSocket *sock, const IceTransportAddr *want)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof (ss);

  if (getsockname (sock->fd, (struct sockaddr *)&ss, &len) < 0)
    return FALSE;
  if (!ice_agent_addr_from_sockaddr (&sock->local, (struct sockaddr *)&ss, len))
    return FALSE;
  sock->local.scope_id = want->scope_id;
  return TRUE;
}

/* Opens a non-blocking UDP socket bound at @local's IP (its port is
 * ignored) within the port range. */
IceAgentSocket *
ice_agent_socket_open (const IceTransportAddr *local, guint16 port_min,
                       guint16 port_max, GError **error)
{
  GSocketFamily family = local->family == ICE_ADDR_FAMILY_IPV6
                             ? G_SOCKET_FAMILY_IPV6
                             : G_SOCKET_FAMILY_IPV4;
  IceAgentSocket *sock = g_new0 (IceAgentSocket, 1);

  sock->socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM,
                               G_SOCKET_PROTOCOL_UDP, error);
  if (sock->socket == NULL)
    goto failed;
  sock->fd = g_socket_get_fd (sock->socket);
  g_socket_set_blocking (sock->socket, FALSE);
  enlarge_buffers (sock->fd);
  ice_agent_recv_enable_gro (sock->fd);
  if (!ice_agent_socket_bind_in_range (sock->socket, local, port_min, port_max,
                                       FALSE, error))
    goto failed;
  if (!read_local_address (sock, local)) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                 "getsockname failed: %s", g_strerror (errno));
    goto failed;
  }
  return sock;

  /* ERRORS */
failed:
  ice_agent_socket_free (sock);
  return NULL;
}

void
ice_agent_socket_free (IceAgentSocket *sock)
{
  if (sock == NULL)
    return;
  if (sock->source != NULL) {
    g_source_destroy (sock->source);
    g_source_unref (sock->source);
  }
  g_clear_object (&sock->socket);
  g_free (sock);
}

/* Registers @sock (the state takes it) and starts reading it on the
 * agent's context. */
void
ice_agent_state_add_socket_locked (IceAgentState *state, IceAgentSocket *sock)
{
  g_ptr_array_add (state->sockets, sock);
  g_hash_table_insert (state->socket_by_addr, &sock->local, sock);
  ice_agent_tos_apply_locked (state, sock);
  sock->source = ice_agent_recv_source_new (state, sock);
  g_source_attach (sock->source, state->context);
}

void
ice_agent_state_send_transmit_locked (IceAgentState *state,
                                      const IceTransmit *transmit)
{
  IceAgentSocket *sock;
  struct sockaddr_storage ss;
  socklen_t len;
  gchar from[ICE_ADDR_STRLEN], to[ICE_ADDR_STRLEN];

  if (transmit->from.transport != ICE_TRANSPORT_UDP) {
    /* bytes for a TCP/TLS connection to a TURN server (ice-relay.h: an
     * unspecified IP names it), or a check on an ICE-TCP host pair */
    if (ice_addr_is_unspecified (&transmit->from))
      ice_agent_turn_conn_send_locked (state, transmit);
    else
      ice_agent_tcp_send_locked (state, transmit);
    return;
  }
  sock = g_hash_table_lookup (state->socket_by_addr, &transmit->from);
  if (sock == NULL || !ice_agent_addr_to_sockaddr (&transmit->to, &ss, &len)) {
    g_debug ("no socket at %s to send to %s",
             ice_addr_to_string (&transmit->from, from),
             ice_addr_to_string (&transmit->to, to));
    return;
  }
  ice_agent_mux_learn_locked (state, &transmit->to);
  /* non-blocking: a STUN datagram lost to a full buffer is retransmitted
   * by its transaction (RFC 8489 §6.2.1) */
  while (sendto (sock->fd, transmit->data, transmit->len, 0,
                 (struct sockaddr *)&ss, len)
         < 0) {
    if (errno == EINTR)
      continue;
    g_debug ("sendto %s from %s: %s", ice_addr_to_string (&transmit->to, to),
             ice_addr_to_string (&transmit->from, from), g_strerror (errno));
    break;
  }
}
