/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Host candidate gathering (RFC 8445 §5.1.1.1): one UDP socket per
 * (component, usable local address), reported to the session; and the
 * STUN server of "stun-server", resolved with GResolver on the agent's
 * context before the session is told to gather.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "ice/io/ice-agent-private.h"
#include "ice/io/ice-udp-mux-private.h"

#define ICE_AGENT_STUN_DEFAULT_PORT 3478 /* RFC 8489 §18.9 */

typedef IceAgentLocalAddress LocalAddress;

gboolean
ice_agent_parse_port_range (const gchar *range, guint16 *min, guint16 *max)
{
  guint64 lo, hi;
  gchar *end;

  if (range == NULL || *range == '\0') {
    *min = *max = 0;
    return TRUE;
  }
  lo = g_ascii_strtoull (range, &end, 10);
  if (end == range || *end != '-')
    return FALSE;
  range = end + 1;
  hi = g_ascii_strtoull (range, &end, 10);
  if (end == range || *end != '\0' || lo == 0 || lo > hi || hi > 65535)
    return FALSE;
  *min = lo;
  *max = hi;
  return TRUE;
}

static gboolean
is_allowed (gchar **allow, const gchar *ifname, const IceTransportAddr *a,
            gboolean *listed)
{
  IceTransportAddr entry;
  guint i;

  *listed = FALSE;
  if (allow == NULL || allow[0] == NULL)
    return TRUE;
  for (i = 0; allow[i] != NULL; i++) {
    if (g_strcmp0 (allow[i], ifname) == 0
        || (ice_addr_parse_ip (&entry, allow[i], 0)
            && ice_addr_equal_ip (&entry, a))) {
      *listed = TRUE;
      return TRUE;
    }
  }
  return FALSE;
}

/* Usable: up, an IP address, on an interface "interfaces" and
 * "exclude-interfaces" select, loopback only when an allow list names it,
 * link-local IPv6 only with a scope (RFC 4007 §6). */
static gboolean
usable_address (IceAgentState *state, struct ifaddrs *ifa,
                IceTransportAddr *addr)
{
  gboolean listed, named;

  if (ifa->ifa_addr == NULL || !(ifa->ifa_flags & IFF_UP))
    return FALSE;
  if (!ice_agent_addr_from_sockaddr (addr, ifa->ifa_addr,
                                     ifa->ifa_addr->sa_family == AF_INET6
                                         ? sizeof (struct sockaddr_in6)
                                         : sizeof (struct sockaddr_in)))
    return FALSE;
  addr->port = 0;
  if (!is_allowed (state->bind_addresses, ifa->ifa_name, addr, &listed)
      || !ice_agent_interface_selected (
          state->interfaces, state->exclude_interfaces, ifa->ifa_name, &named))
    return FALSE;
  if ((ifa->ifa_flags & IFF_LOOPBACK || ice_addr_is_loopback (addr)) && !listed
      && !named)
    return FALSE;
  if (addr->family == ICE_ADDR_FAMILY_IPV6 && ice_addr_is_link_local (addr)
      && addr->scope_id == 0)
    return FALSE;
  return !ice_addr_is_unspecified (addr);
}

static guint
interface_order (GPtrArray *names, const gchar *ifname)
{
  guint i;

  for (i = 0; i < names->len; i++)
    if (g_str_equal (names->pdata[i], ifname))
      return i;
  g_ptr_array_add (names, g_strdup (ifname));
  return names->len - 1;
}

/* An allow-list entry that names nothing usable is most likely a typo:
 * say so rather than gathering silently on fewer interfaces. */
static void
warn_unmatched (gchar **allow, GArray *used_entries)
{
  guint i;

  for (i = 0; allow != NULL && allow[i] != NULL; i++)
    if (!g_array_index (used_entries, gboolean, i))
      g_message ("bind-address \"%s\" matches no usable interface name or "
                 "local IP address (expected e.g. \"eth0\" or "
                 "\"192.0.2.7\")",
                 allow[i]);
}

static void
mark_used (gchar **allow, const gchar *ifname, const IceTransportAddr *a,
           GArray *used_entries)
{
  IceTransportAddr entry;
  guint i;

  for (i = 0; allow != NULL && allow[i] != NULL; i++)
    if (g_strcmp0 (allow[i], ifname) == 0
        || (ice_addr_parse_ip (&entry, allow[i], 0)
            && ice_addr_equal_ip (&entry, a)))
      g_array_index (used_entries, gboolean, i) = TRUE;
}

/* The usable local addresses now (IceAgentLocalAddress), in interface
 * order; also read again by ice-agent-netwatch.c after a change. */
GArray *
ice_agent_list_local_addresses (IceAgentState *state)
{
  gchar **allow = state->bind_addresses;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (LocalAddress));
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GArray *used = g_array_new (FALSE, TRUE, sizeof (gboolean));
  struct ifaddrs *ifas, *ifa;
  LocalAddress local;

  g_array_set_size (used, allow != NULL ? g_strv_length (allow) : 0);

  if (getifaddrs (&ifas) < 0) {
    g_warning ("getifaddrs failed: %s", g_strerror (errno));
    g_ptr_array_unref (names);
    g_array_unref (used);
    return out;
  }
  for (ifa = ifas; ifa != NULL; ifa = ifa->ifa_next) {
    if (!usable_address (state, ifa, &local.addr))
      continue;
    local.interface_index = interface_order (names, ifa->ifa_name);
    g_array_append_val (out, local);
    mark_used (allow, ifa->ifa_name, &local.addr, used);
  }
  freeifaddrs (ifas);
  warn_unmatched (allow, used);
  g_ptr_array_unref (names);
  g_array_unref (used);
  return out;
}

static guint
open_component_sockets (IceAgentState *state, guint stream_id,
                        guint component_id, GArray *locals, GError **error)
{
  guint i, opened = 0;

  for (i = 0; i < locals->len; i++) {
    LocalAddress *local = &g_array_index (locals, LocalAddress, i);
    GError *local_error = NULL;
    IceAgentSocket *sock;
    gchar str[ICE_ADDR_STRLEN];

    sock = ice_agent_socket_open (&local->addr, state->port_min,
                                  state->port_max, &local_error);
    if (sock == NULL) {
      g_message ("cannot open a UDP socket on %s: %s",
                 ice_addr_ip_to_string (&local->addr, str),
                 local_error->message);
      if (opened == 0 && i == locals->len - 1)
        g_propagate_error (error, local_error);
      else
        g_clear_error (&local_error);
      continue;
    }
    sock->stream_id = stream_id;
    sock->component_id = component_id;
    ice_agent_state_add_socket_locked (state, sock);
    ice_session_add_host_address (state->session, stream_id, component_id,
                                  &sock->local, local->interface_index);
    if (state->ice_tcp) /* RFC 6544: ice-agent-tcp.c */
      ice_agent_tcp_listen_locked (state, stream_id, component_id, &local->addr,
                                   local->interface_index);
    opened++;
  }
  return opened;
}

static gboolean
open_stream_sockets (IceAgentState *state, IceAgentStream *stream,
                     GError **error)
{
  GArray *locals = ice_agent_list_local_addresses (state);
  guint c;

  if (locals->len == 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 "no usable local address (bind-address, interfaces or "
                 "exclude-interfaces allow none, or every interface is down "
                 "or loopback)");
    g_array_unref (locals);
    return FALSE;
  }
  for (c = 1; c <= stream->n_components; c++) {
    if (open_component_sockets (state, stream->id, c, locals, error) == 0) {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "no socket could be opened for component %u", c);
      g_array_unref (locals);
      return FALSE;
    }
  }
  g_array_unref (locals);
  stream->sockets_open = TRUE;
  return TRUE;
}

/* Which transports a stun-server is asked over (its ?transport=) */
enum {
  STUN_OVER_UDP = 1 << 0,
  STUN_OVER_TCP = 1 << 1,
};

/* "?transport=udp|tcp" after the port: only that transport; without it,
 * UDP and (with ice-tcp) TCP, both on the same port (RFC 8489 §9: 3478
 * serves both). */
static gboolean
parse_stun_transport (const gchar *query, guint *over)
{
  *over = STUN_OVER_UDP | STUN_OVER_TCP;
  if (query == NULL || *query == '\0')
    return TRUE;
  if (g_ascii_strcasecmp (query, "?transport=udp") == 0)
    *over = STUN_OVER_UDP;
  else if (g_ascii_strcasecmp (query, "?transport=tcp") == 0)
    *over = STUN_OVER_TCP;
  else
    return FALSE;
  return TRUE;
}

/* "stun://host:port", "stun:host:port" (RFC 7064), "[v6]:port", or a bare
 * host; the port defaults to 3478; "?transport=udp|tcp" may follow. */
static gboolean
parse_stun_server (const gchar *uri, gchar **host, guint16 *port, guint *over)
{
  const gchar *rest = uri, *colon, *query;
  guint64 value = ICE_AGENT_STUN_DEFAULT_PORT;
  gchar *end;

  if (g_str_has_prefix (rest, "stun://"))
    rest += strlen ("stun://");
  else if (g_str_has_prefix (rest, "stun:"))
    rest += strlen ("stun:");
  query = strchr (rest, '?');
  if (!parse_stun_transport (query, over))
    return FALSE;
  if (*rest == '[') {
    const gchar *close = strchr (rest, ']');

    if (close == NULL)
      return FALSE;
    *host = g_strndup (rest + 1, close - rest - 1);
    colon = close[1] == ':' ? close + 1 : NULL;
  } else {
    gsize len = query ? (gsize)(query - rest) : strlen (rest);

    colon = g_strrstr_len (rest, len, ":");
    *host = g_strndup (rest, colon ? (gsize)(colon - rest) : len);
  }
  if (colon != NULL) {
    value = g_ascii_strtoull (colon + 1, &end, 10);
    if (end == colon + 1 || (*end != '\0' && *end != '/' && *end != '?')
        || value == 0 || value > 65535) {
      g_clear_pointer (host, g_free);
      return FALSE;
    }
  }
  *port = value;
  if (**host == '\0') {
    g_clear_pointer (host, g_free);
    return FALSE;
  }
  return TRUE;
}

/* Gives @server (UDP) to the session over each transport it is asked
 * over: TCP only with ice-tcp (the TCP bases are the listeners) */
static void
add_stun_server_locked (IceAgentState *state, const IceTransportAddr *server,
                        guint over)
{
  IceTransportAddr tcp = *server;

  if (over & STUN_OVER_UDP)
    ice_session_add_stun_server (state->session, server);
  if ((over & STUN_OVER_TCP) && state->ice_tcp) {
    tcp.transport = ICE_TRANSPORT_TCP;
    ice_agent_tcp_add_stun_server_locked (state, &tcp);
  }
}

/* Whether the ICE-TCP listeners must let a connection to the STUN server
 * leave from their port (SO_REUSEPORT, ice-agent-tcp.c) */
gboolean
ice_agent_stun_over_tcp_locked (IceAgentState *state)
{
  gchar *host = NULL;
  guint16 port;
  guint over = 0;

  if (state->stun_server == NULL || !state->ice_tcp
      || !parse_stun_server (state->stun_server, &host, &port, &over))
    return FALSE;
  g_free (host);
  return (over & STUN_OVER_TCP) != 0;
}

/* Starts the streams that waited for the STUN and TURN servers' names */
void
ice_agent_start_pending_gathering_locked (IceAgentState *state)
{
  guint i;
  gboolean any = FALSE;

  if (state->stun_state == ICE_AGENT_STUN_RESOLVING
      || ice_agent_turn_resolving_locked (state)) {
    ice_agent_state_flush_locked (state);
    return;
  }
  for (i = 0; i < state->streams->len; i++) {
    IceAgentStream *stream = state->streams->pdata[i];

    any |= stream->gather_pending;
    stream->gather_pending = FALSE;
  }
  if (any)
    ice_session_start_gathering (state->session, g_get_monotonic_time ());
  ice_agent_state_flush_locked (state);
}

static gboolean
inet_address_to_addr (GInetAddress *inet, guint16 port, IceTransportAddr *addr)
{
  const guint8 *bytes = g_inet_address_to_bytes (inet);

  memset (addr, 0, sizeof (*addr));
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4) {
    ice_addr_set_ipv4 (addr,
                       ((guint32)bytes[0] << 24) | (bytes[1] << 16)
                           | (bytes[2] << 8) | bytes[3],
                       port);
    return TRUE;
  }
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6) {
    ice_addr_set_ipv6 (addr, bytes, port);
    return TRUE;
  }
  return FALSE;
}

/* The first address of each family: the session asks it from the bases
 * of that family ("localhost" is often ::1 first). */
static guint
add_resolved_servers_locked (IceAgentState *state, GList *addresses,
                             guint16 port, guint over)
{
  gboolean have_v4 = FALSE, have_v6 = FALSE;
  IceTransportAddr server;
  guint added = 0;
  GList *l;

  for (l = addresses; l != NULL; l = l->next) {
    if (!inet_address_to_addr (l->data, port, &server))
      continue;
    if (server.family == ICE_ADDR_FAMILY_IPV4 ? have_v4 : have_v6)
      continue;
    have_v4 |= server.family == ICE_ADDR_FAMILY_IPV4;
    have_v6 |= server.family == ICE_ADDR_FAMILY_IPV6;
    add_stun_server_locked (state, &server, over);
    added++;
  }
  return added;
}

static void
stun_resolved (GObject *source, GAsyncResult *result, gpointer data)
{
  IceAgentState *state = data;
  GError *error = NULL;
  GList *addresses;
  guint16 port = 0;
  guint over = 0;
  gchar *host = NULL;

  addresses
      = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  g_mutex_lock (&state->lock);
  if (!state->closed) {
    parse_stun_server (state->stun_server, &host, &port, &over);
    if (add_resolved_servers_locked (state, addresses, port, over) > 0) {
      state->stun_state = ICE_AGENT_STUN_READY;
    } else {
      g_message ("cannot resolve STUN server %s: %s", state->stun_server,
                 error ? error->message : "no usable address");
      state->stun_state = ICE_AGENT_STUN_FAILED;
    }
    ice_agent_start_pending_gathering_locked (state);
  }
  g_mutex_unlock (&state->lock);
  ice_agent_state_emit_pending (state);

  g_free (host);
  g_resolver_free_addresses (addresses);
  g_clear_error (&error);
  ice_agent_state_unref (state);
}

/* Runs on the agent's context so that the lookup's answer comes back
 * there (GTask answers on the thread-default context of the caller). */
static gboolean
start_resolve (gpointer data)
{
  IceAgentState *state = data;
  GResolver *resolver;
  GCancellable *cancellable = NULL;
  guint16 port;
  guint over;
  gchar *host = NULL;

  g_mutex_lock (&state->lock);
  if (!state->closed
      && parse_stun_server (state->stun_server, &host, &port, &over))
    cancellable = g_object_ref (state->resolve_cancellable);
  g_mutex_unlock (&state->lock);
  if (cancellable == NULL)
    return G_SOURCE_REMOVE;

  resolver = g_resolver_get_default ();
  g_main_context_push_thread_default (state->context);
  g_resolver_lookup_by_name_async (resolver, host, cancellable, stun_resolved,
                                   ice_agent_state_ref (state));
  g_main_context_pop_thread_default (state->context);
  g_object_unref (resolver);
  g_object_unref (cancellable);
  g_free (host);
  return G_SOURCE_REMOVE;
}

/* Adds the STUN server at once if it is an IP literal; otherwise starts
 * resolving it. Returns TRUE when gathering may start now. */
static gboolean
prepare_stun_server_locked (IceAgentState *state)
{
  IceTransportAddr server;
  GSource *idle;
  guint16 port;
  guint over;
  gchar *host = NULL;

  if (state->stun_state == ICE_AGENT_STUN_RESOLVING)
    return FALSE;
  /* a lite agent asks no STUN server (RFC 8445 §5.1.1): nothing to resolve */
  if (state->stun_state != ICE_AGENT_STUN_NONE || state->stun_server == NULL
      || state->ice_lite)
    return TRUE;
  if (!parse_stun_server (state->stun_server, &host, &port, &over)) {
    g_warning ("stun-server \"%s\" is not "
               "stun://host:port[?transport=udp|tcp]",
               state->stun_server);
    state->stun_state = ICE_AGENT_STUN_FAILED;
    return TRUE;
  }
  if (ice_addr_parse_ip (&server, host, port)) {
    add_stun_server_locked (state, &server, over);
    state->stun_state = ICE_AGENT_STUN_READY;
    g_free (host);
    return TRUE;
  }
  g_free (host);
  state->stun_state = ICE_AGENT_STUN_RESOLVING;
  g_clear_object (&state->resolve_cancellable);
  state->resolve_cancellable = g_cancellable_new ();
  idle = g_idle_source_new ();
  g_source_set_callback (idle, start_resolve, ice_agent_state_ref (state),
                         (GDestroyNotify)ice_agent_state_unref);
  g_source_attach (idle, state->context);
  g_source_unref (idle);
  return FALSE;
}

gboolean
ice_agent_state_gather_locked (IceAgentState *state, guint stream_id,
                               GError **error)
{
  IceAgentStream *stream = ice_agent_state_get_stream_locked (state, stream_id);
  gboolean stun_ready, turn_ready;

  if (stream == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "unknown stream %u (add it with ice_agent_add_stream)",
                 stream_id);
    return FALSE;
  }
  if (state->udp_mux != NULL) /* ice-agent-mux.c */
    return ice_agent_mux_gather_locked (state, stream, error);
  if (!stream->sockets_open && !open_stream_sockets (state, stream, error))
    return FALSE;
  stream->gather_pending = TRUE;
  stun_ready = prepare_stun_server_locked (state);
  turn_ready = ice_agent_turn_prepare_locked (state);
  if (stun_ready && turn_ready)
    ice_agent_start_pending_gathering_locked (state);
  return TRUE;
}
