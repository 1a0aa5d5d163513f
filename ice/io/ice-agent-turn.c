/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TURN servers of an IceAgent: the URIs of "turn-server" and
 * ice_agent_add_turn_server() (webrtcbin's form,
 * turn(s)://user:pass@host:port?transport=udp|tcp), names resolved with
 * GResolver on the agent's context, and the hand-over to the session,
 * which makes the allocations (ice-relay.h). Gathering waits for the
 * names so that GATHERING_DONE also waits for the allocations.
 */
#include <string.h>

#include "ice/io/ice-agent-private.h"
#include "ice/io/ice-agent-tls.h"

/* RFC 8656 §3.1 (RFC 7065 §3): 3478 for turn:, 5349 for turns: */
#define ICE_AGENT_TURN_DEFAULT_PORT 3478
#define ICE_AGENT_TURNS_DEFAULT_PORT 5349

#define TURN_URI_FORM                                                          \
  "turn://user:password@host[:port][?transport=udp|tcp] or "                   \
  "turns://user:password@host[:port]"

void
ice_agent_turn_server_free (IceAgentTurnServer *server)
{
  if (server == NULL)
    return;
  g_free (server->uri);
  g_free (server->host);
  g_free (server->username);
  if (server->password != NULL)
    memset (server->password, 0, strlen (server->password));
  g_free (server->password);
  g_free (server);
}

static gboolean
parse_transport (IceAgentTurnServer *server, const gchar *query)
{
  if (query == NULL)
    return TRUE;
  if (g_ascii_strcasecmp (query, "transport=udp") == 0)
    return server->transport != ICE_TRANSPORT_TLS;
  if (g_ascii_strcasecmp (query, "transport=tcp") == 0) {
    /* turns: is TLS over TCP already */
    if (server->transport != ICE_TRANSPORT_TLS)
      server->transport = ICE_TRANSPORT_TCP;
    return TRUE;
  }
  return FALSE;
}

static gboolean
parse_host_port (IceAgentTurnServer *server, const gchar *hostport)
{
  const gchar *colon = NULL;
  guint64 port;
  gchar *end;

  if (hostport[0] == '[') {
    const gchar *close = strchr (hostport, ']');

    if (close == NULL || (close[1] != '\0' && close[1] != ':'))
      return FALSE;
    server->host = g_strndup (hostport + 1, close - hostport - 1);
    colon = close[1] == ':' ? close + 1 : NULL;
  } else {
    colon = strchr (hostport, ':');
    server->host
        = colon ? g_strndup (hostport, colon - hostport) : g_strdup (hostport);
  }
  if (server->host[0] == '\0')
    return FALSE;
  if (colon == NULL)
    return TRUE;
  port = g_ascii_strtoull (colon + 1, &end, 10);
  if (end == colon + 1 || *end != '\0' || port == 0 || port > 65535)
    return FALSE;
  server->port = port;
  return TRUE;
}

static gboolean
parse_userinfo (IceAgentTurnServer *server, const gchar *userinfo)
{
  const gchar *colon = strchr (userinfo, ':');
  gchar *user;

  if (colon == NULL || colon == userinfo)
    return FALSE;
  user = g_strndup (userinfo, colon - userinfo);
  server->username = g_uri_unescape_string (user, NULL);
  server->password = g_uri_unescape_string (colon + 1, NULL);
  g_free (user);
  return server->username != NULL && server->password != NULL;
}

/**
 * ice_agent_parse_turn_uri:
 * @uri: "turn://user:pass@host:port?transport=udp|tcp" or
 *   "turns://user:pass@host:port"; user and password are percent-decoded
 *
 * Returns: (transfer full) (nullable): the server, or %NULL with @error
 *   naming the expected form.
 */
IceAgentTurnServer *
ice_agent_parse_turn_uri (const gchar *uri, GError **error)
{
  IceAgentTurnServer *server = g_new0 (IceAgentTurnServer, 1);
  gchar *rest = NULL, *at, *query;

  if (uri == NULL)
    goto bad;
  server->uri = g_strdup (uri);
  if (g_str_has_prefix (uri, "turn://")) {
    server->transport = ICE_TRANSPORT_UDP;
    server->port = ICE_AGENT_TURN_DEFAULT_PORT;
    rest = g_strdup (uri + strlen ("turn://"));
  } else if (g_str_has_prefix (uri, "turns://")) {
    server->transport = ICE_TRANSPORT_TLS;
    server->port = ICE_AGENT_TURNS_DEFAULT_PORT;
    rest = g_strdup (uri + strlen ("turns://"));
  } else {
    goto bad;
  }
  query = strchr (rest, '?');
  if (query != NULL)
    *query++ = '\0';
  at = strrchr (rest, '@');
  if (at == NULL)
    goto bad;
  *at = '\0';
  if (!parse_userinfo (server, rest) || !parse_host_port (server, at + 1)
      || !parse_transport (server, query))
    goto bad;
  g_free (rest);
  return server;

  /* ERRORS */
bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "TURN server \"%s\" refused: expected " TURN_URI_FORM,
               uri ? uri : "(null)");
  g_free (rest);
  ice_agent_turn_server_free (server);
  return NULL;
}

static void
give_to_session_locked (IceAgentState *state, IceAgentTurnServer *server,
                        const IceTransportAddr *addr)
{
  IceTransportAddr a = *addr;

  a.transport = server->transport;
  server->addr = a;
  if (ice_session_add_turn_server (state->session, &a, server->username,
                                   server->password))
    server->state = ICE_AGENT_STUN_READY;
  else
    server->state = ICE_AGENT_STUN_FAILED;
}

/* IPv4 first: the relayed address family follows the server's, and the
 * host bases are mostly IPv4 ("localhost" often resolves to ::1 first) */
static gboolean
pick_address (GList *addresses, guint16 port, IceTransportAddr *out)
{
  GList *l;
  gint pass;

  for (pass = 0; pass < 2; pass++)
    for (l = addresses; l != NULL; l = l->next) {
      GInetAddress *inet = l->data;
      gchar *text;
      gboolean ok;

      if (pass == 0 && g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV4)
        continue;
      text = g_inet_address_to_string (inet);
      ok = ice_addr_parse_ip (out, text, port);
      g_free (text);
      if (ok)
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  IceAgentState *state;
  IceAgentTurnServer *server;
} Lookup;

static void
turn_resolved (GObject *source, GAsyncResult *result, gpointer data)
{
  Lookup *lookup = data;
  IceAgentState *state = lookup->state;
  GError *error = NULL;
  GList *addresses;
  IceTransportAddr addr;

  addresses
      = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  g_mutex_lock (&state->lock);
  if (!state->closed) {
    if (pick_address (addresses, lookup->server->port, &addr)) {
      give_to_session_locked (state, lookup->server, &addr);
    } else {
      g_message ("cannot resolve TURN server %s: %s", lookup->server->host,
                 error ? error->message : "no usable address");
      lookup->server->state = ICE_AGENT_STUN_FAILED;
    }
    ice_agent_start_pending_gathering_locked (state);
  }
  g_mutex_unlock (&state->lock);
  ice_agent_state_emit_pending (state);
  g_resolver_free_addresses (addresses);
  g_clear_error (&error);
  ice_agent_state_unref (state);
  g_free (lookup);
}

/* Runs on the agent's context so that the answer comes back there */
static gboolean
start_lookup (gpointer data)
{
  Lookup *lookup = data;
  IceAgentState *state = lookup->state;
  GResolver *resolver = g_resolver_get_default ();
  GCancellable *cancellable = NULL;
  gchar *host = NULL;

  g_mutex_lock (&state->lock);
  if (!state->closed) {
    cancellable = g_object_ref (state->turn_cancellable);
    host = g_strdup (lookup->server->host);
  }
  g_mutex_unlock (&state->lock);
  if (cancellable == NULL) {
    ice_agent_state_unref (state);
    g_free (lookup);
    g_object_unref (resolver);
    return G_SOURCE_REMOVE;
  }
  g_main_context_push_thread_default (state->context);
  g_resolver_lookup_by_name_async (resolver, host, cancellable, turn_resolved,
                                   lookup);
  g_main_context_pop_thread_default (state->context);
  g_object_unref (resolver);
  g_object_unref (cancellable);
  g_free (host);
  return G_SOURCE_REMOVE;
}

static void
resolve_locked (IceAgentState *state, IceAgentTurnServer *server)
{
  Lookup *lookup = g_new0 (Lookup, 1);
  GSource *idle = g_idle_source_new ();

  server->state = ICE_AGENT_STUN_RESOLVING;
  lookup->state = ice_agent_state_ref (state);
  lookup->server = server; /* the array owns it until the state goes */
  g_source_set_callback (idle, start_lookup, lookup, NULL);
  g_source_attach (idle, state->context);
  g_source_unref (idle);
}

/* Gives the session the servers it does not have yet (IP literals at
 * once, names once resolved). Returns TRUE when none is being resolved. */
gboolean
ice_agent_turn_prepare_locked (IceAgentState *state)
{
  IceTransportAddr addr;
  guint i;

  if (state->session == NULL)
    return TRUE;
  for (i = 0; i < state->turn_servers->len; i++) {
    IceAgentTurnServer *server = state->turn_servers->pdata[i];

    if (server->state != ICE_AGENT_STUN_NONE)
      continue;
    if (ice_addr_parse_ip (&addr, server->host, server->port))
      give_to_session_locked (state, server, &addr);
    else
      resolve_locked (state, server);
  }
  return !ice_agent_turn_resolving_locked (state);
}

gboolean
ice_agent_turn_resolving_locked (IceAgentState *state)
{
  guint i;

  for (i = 0; i < state->turn_servers->len; i++)
    if (((IceAgentTurnServer *)state->turn_servers->pdata[i])->state
        == ICE_AGENT_STUN_RESOLVING)
      return TRUE;
  return FALSE;
}

/**
 * ice_agent_add_turn_server:
 * @agent: the agent
 * @uri: "turn://user:pass@host:port?transport=udp|tcp" or
 *   "turns://user:pass@host:port" (user and password percent-encoded;
 *   ports 3478 and 5349 by default)
 * @error: why @uri was refused
 *
 * Adds a TURN server: relayed candidates are gathered through it (from
 * every UDP socket over UDP, once per component over TCP or TLS). May be
 * called before or after ice_agent_gather().
 *
 * Returns: %FALSE if @uri is not of the expected form.
 */
gboolean
ice_agent_add_turn_server (IceAgent *agent, const gchar *uri, GError **error)
{
  IceAgentState *state;
  IceAgentTurnServer *server;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  server = ice_agent_parse_turn_uri (uri, error);
  if (server == NULL)
    return FALSE;
  state = ice_agent_get_state (agent);
  g_mutex_lock (&state->lock);
  g_ptr_array_add (state->turn_servers, server);
  if (state->session != NULL && !state->closed) {
    ice_agent_turn_prepare_locked (state);
    ice_agent_state_flush_locked (state);
  }
  g_mutex_unlock (&state->lock);
  ice_agent_state_emit_pending (state);
  return TRUE;
}

void
ice_agent_turn_state_init (IceAgentState *state)
{
  state->turn_servers = g_ptr_array_new_with_free_func (
      (GDestroyNotify)ice_agent_turn_server_free);
  state->turn_cancellable = g_cancellable_new ();
  state->turn_conns
      = g_hash_table_new_full (ice_addr_hash, ice_addr_hash_equal, NULL,
                               (GDestroyNotify)ice_agent_turn_conn_free);
}

/* ice_agent_close, under the lock */
void
ice_agent_turn_state_close (IceAgentState *state)
{
  ice_agent_turn_conns_stop_locked (state);
  g_cancellable_cancel (state->turn_cancellable);
}

void
ice_agent_turn_state_clear (IceAgentState *state)
{
  g_hash_table_unref (state->turn_conns);
  g_ptr_array_unref (state->turn_servers);
  g_clear_object (&state->turn_cancellable);
  g_free (state->turn_ca_file);
  if (state->ssl_ctx != NULL)
    ice_agent_tls_context_free (state->ssl_ctx);
}
