/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Byte-stream glue of IceAgent's TCP connections (see
 * ice-agent-stream-conn.h).
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "ice/io/ice-agent-stream-conn.h"

/**
 * ice_agent_stream_connect:
 * @remote: where to connect
 * @bind_to: (nullable): the local address to bind first (port 0: any)
 * @shared: bind with SO_REUSEPORT (ice_agent_socket_bind_in_range())
 * @pending: (out): TRUE when the connect is still in progress
 *
 * Starts a non-blocking TCP connect, Nagle off (small STUN messages and
 * media must not wait).
 *
 * Returns: (transfer full): the socket, or %NULL with @error set.
 */
GSocket *
ice_agent_stream_connect (const IceTransportAddr *remote,
                          const IceTransportAddr *bind_to, gboolean shared,
                          gboolean *pending, GError **error)
{
  struct sockaddr_storage ss;
  GSocketAddress *dest;
  GError *local_error = NULL;
  GSocket *socket;
  socklen_t len;
  gboolean ok;

  *pending = FALSE;
  if (!ice_agent_addr_to_sockaddr (remote, &ss, &len)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "no socket address for the remote end");
    return NULL;
  }
  socket = g_socket_new (ss.ss_family == AF_INET6 ? G_SOCKET_FAMILY_IPV6
                                                  : G_SOCKET_FAMILY_IPV4,
                         G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;
  g_socket_set_blocking (socket, FALSE);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  if (bind_to != NULL
      && !ice_agent_socket_bind_in_range (socket, bind_to, bind_to->port,
                                          bind_to->port, shared, error)) {
    g_object_unref (socket);
    return NULL;
  }
  dest = g_socket_address_new_from_native (&ss, len);
  ok = g_socket_connect (socket, dest, NULL, &local_error);
  g_object_unref (dest);
  if (!ok && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PENDING)) {
    g_clear_error (&local_error);
    *pending = TRUE;
  } else if (!ok) {
    g_propagate_error (error, local_error);
    g_clear_object (&socket);
  }
  return socket;
}

/* Takes a reference on @socket (non-blocking; connecting or established) */
void
ice_agent_stream_conn_init (IceAgentStreamConn *c, GSocket *socket,
                            gboolean connecting)
{
  c->socket = g_object_ref (socket);
  c->connecting = connecting;
  c->out = g_byte_array_new ();
}

/* Drops the socket (closed) and the queue; the source is the owner's:
 * destroyed before, or by, this call's caller */
void
ice_agent_stream_conn_clear (IceAgentStreamConn *c)
{
  if (c->socket != NULL)
    g_socket_close (c->socket, NULL);
  g_clear_object (&c->socket);
  g_clear_pointer (&c->out, g_byte_array_unref);
}

static gboolean
stream_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  return callback (data);
}

static GSourceFuncs stream_funcs
    = { NULL, NULL, stream_dispatch, NULL, NULL, NULL };

/**
 * ice_agent_stream_conn_attach:
 * @func: runs on @context when the socket is readable, writable while it
 *   should be, or the source's ready time (the owner's deadline) came
 * @notify: called with @data when the source is destroyed
 *
 * Creates c->source (the owner holds that reference) and attaches it.
 */
void
ice_agent_stream_conn_attach (IceAgentStreamConn *c, GMainContext *context,
                              const gchar *name, GSourceFunc func,
                              gpointer data, GDestroyNotify notify)
{
  c->source = g_source_new (&stream_funcs, sizeof (GSource));
  g_source_set_name (c->source, name);
  c->fd_tag
      = g_source_add_unix_fd (c->source, g_socket_get_fd (c->socket),
                              c->connecting ? G_IO_IN | G_IO_OUT : G_IO_IN);
  g_source_set_callback (c->source, func, data, notify);
  g_source_attach (c->source, context);
}

static void
update_interest (IceAgentStreamConn *c)
{
  GIOCondition events = G_IO_IN;

  if (c->source == NULL)
    return;
  if (c->connecting || c->out->len > 0)
    events |= G_IO_OUT;
  g_source_modify_unix_fd (c->source, c->fd_tag, events);
}

/* The connect finished (the socket became writable or failed) */
gboolean
ice_agent_stream_conn_finish_connect (IceAgentStreamConn *c, GError **error)
{
  c->connecting = FALSE;
  return g_socket_check_connect_result (c->socket, error);
}

/**
 * ice_agent_stream_conn_flush:
 *
 * Writes what the kernel takes of c->out (nothing while connecting) and
 * watches for writability while bytes stay queued.
 *
 * Returns: FALSE with @error set if the connection failed.
 */
gboolean
ice_agent_stream_conn_flush (IceAgentStreamConn *c, GError **error)
{
  GError *local_error = NULL;
  gssize n;

  while (!c->connecting && c->out->len > 0) {
    n = g_socket_send (c->socket, (const gchar *)c->out->data, c->out->len,
                       NULL, &local_error);
    if (n < 0) {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
        g_propagate_error (error, local_error);
        return FALSE;
      }
      g_clear_error (&local_error);
      break;
    }
    g_byte_array_remove_range (c->out, 0, n);
  }
  update_interest (c);
  return TRUE;
}

/**
 * ice_agent_stream_conn_read:
 *
 * One non-blocking read of at most @size bytes into @buf.
 *
 * Returns: the number of bytes read; 0 when there is nothing more now;
 *   -1 with @error set when the connection is lost (closed by the other
 *   end, or failed).
 */
gssize
ice_agent_stream_conn_read (IceAgentStreamConn *c, guint8 *buf, gsize size,
                            GError **error)
{
  GError *local_error = NULL;
  gssize got
      = g_socket_receive (c->socket, (gchar *)buf, size, NULL, &local_error);

  if (got == 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                 "closed by the other end");
    return -1;
  }
  if (got < 0
      && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
    g_clear_error (&local_error);
    return 0;
  }
  if (got < 0)
    g_propagate_error (error, local_error);
  return got;
}
