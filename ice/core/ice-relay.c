/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The session's TURN clients (DESIGN §2): which allocations to make, when
 * to make them, their events turned into relayed and server-reflexive
 * candidates, their timers, and gathering's wait for them. The data path
 * (unwrapping, wrapping, permissions, channels, routes) is in
 * ice-relay-data.c.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-relay-private.h"

#include <string.h>

static void
relay_client_free (IceRelayClient *rc)
{
  ice_turn_client_free (rc->client);
  g_array_unref (rc->pending_peers);
  g_array_unref (rc->channel_peers);
  g_queue_clear_full (&rc->held, g_free);
  g_free (rc);
}

static void
relay_server_free (IceRelayServer *server)
{
  g_free (server->username);
  g_free (server->password);
  g_free (server);
}

static IceRelay *
ensure_relay (IceSession *session)
{
  if (session->relay == NULL) {
    session->relay = g_new0 (IceRelay, 1);
    session->relay->servers
        = g_ptr_array_new_with_free_func ((GDestroyNotify)relay_server_free);
    session->relay->clients
        = g_ptr_array_new_with_free_func ((GDestroyNotify)relay_client_free);
    session->relay->udp_bases
        = g_array_new (FALSE, TRUE, sizeof (IceRelayBase));
  }
  return session->relay;
}

void
ice_relay_free (IceSession *session)
{
  IceRelay *relay = session->relay;

  if (relay == NULL)
    return;
  g_ptr_array_unref (relay->clients);
  g_ptr_array_unref (relay->servers);
  g_array_free (relay->udp_bases, TRUE);
  g_free (relay);
  session->relay = NULL;
}

static IceRelayClient *
find_client (IceRelay *relay, const IceRelayServer *server,
             const IceTransportAddr *base, guint stream_id, guint component_id)
{
  guint i;

  for (i = 0; i < relay->clients->len; i++) {
    IceRelayClient *rc = g_ptr_array_index (relay->clients, i);

    if (rc->server != server || rc->stream_id != stream_id
        || rc->component_id != component_id)
      continue;
    /* one per component over TCP/TLS, one per base over UDP */
    if (base == NULL || ice_addr_equal (&rc->base, base))
      return rc;
  }
  return NULL;
}

/* The Allocate itself waits for the next handle_timeout, which knows the
 * time: hosts are reported without one. */
IceTurnClient *
ice_relay_new_turn_client (IceSession *session, const IceRelayServer *server)
{
  IceTurnClientConfig config;

  ice_turn_client_config_init (&config);
  config.server = server->server;
  config.username = server->username;
  config.password = server->password;
  config.random = session->config.random;
  config.random_data = session->config.random_data;
  config.software = session->software;
  config.family = server->server.family;
  return ice_turn_client_new (&config);
}

static void
add_client (IceSession *session, const IceRelayServer *server, guint stream_id,
            guint component_id, const IceTransportAddr *base)
{
  IceRelay *relay = session->relay;
  IceRelayClient *rc = g_new0 (IceRelayClient, 1);

  rc->client = ice_relay_new_turn_client (session, server);
  rc->server = server;
  rc->stream_id = stream_id;
  rc->component_id = component_id;
  rc->base = *base;
  rc->deadline_us = -1;
  rc->retry_at_us = -1;
  rc->probed_for_us = -1;
  rc->pending_peers = g_array_new (FALSE, TRUE, sizeof (IceTransportAddr));
  rc->channel_peers = g_array_new (FALSE, TRUE, sizeof (IceTransportAddr));
  g_queue_init (&rc->held);
  g_ptr_array_add (relay->clients, rc);
  ice_session_find_stream (session, stream_id)->gathering
      = ICE_GATHERING_GATHERING;
}

/* A TCP/TLS connection's name: see ice-relay.h */
void
ice_relay_make_connection_address (IceRelay *relay,
                                   const IceTransportAddr *server,
                                   IceTransportAddr *out)
{
  memset (out, 0, sizeof (*out));
  out->family = server->family;
  out->transport = server->transport;
  out->port = ++relay->next_connection;
}

static void
add_clients_for (IceSession *session, const IceRelayServer *server,
                 IceStream *stream)
{
  IceRelay *relay = session->relay;
  IceTransportAddr conn;
  guint i, c;

  if (relay->closed || !stream->gathering_started)
    return;
  if (server->server.transport != ICE_TRANSPORT_UDP) {
    for (c = 1; c <= stream->n_components; c++) {
      if (find_client (relay, server, NULL, stream->id, c) != NULL)
        continue;
      ice_relay_make_connection_address (relay, &server->server, &conn);
      add_client (session, server, stream->id, c, &conn);
    }
    return;
  }
  for (i = 0; i < relay->udp_bases->len; i++) {
    IceRelayBase *b = &g_array_index (relay->udp_bases, IceRelayBase, i);

    if (b->stream_id != stream->id || b->base.family != server->server.family
        || find_client (relay, server, &b->base, b->stream_id, b->component_id)
               != NULL)
      continue;
    add_client (session, server, b->stream_id, b->component_id, &b->base);
  }
}

/**
 * ice_session_add_turn_server:
 * @server: the server's address; its transport (UDP, TCP or TLS) is the
 *   transport to the server (relayed addresses are always UDP)
 * @username: long-term credential user name
 * @password: its password
 *
 * Allocations are made from every UDP base of the server's family (UDP)
 * or once per component (TCP, TLS) when gathering starts, or at once for
 * streams already gathering.
 *
 * Returns: %FALSE (with a warning) if an argument is unusable.
 */
gboolean
ice_session_add_turn_server (IceSession *session,
                             const IceTransportAddr *server,
                             const gchar *username, const gchar *password)
{
  IceRelay *relay;
  IceRelayServer *s;
  guint i;

  g_return_val_if_fail (session != NULL && server != NULL, FALSE);
  if (!ice_addr_is_set (server) || server->port == 0 || username == NULL
      || password == NULL) {
    g_warning ("TURN server refused: expected an address with a port, a "
               "user name and a password");
    return FALSE;
  }
  relay = ensure_relay (session);
  s = g_new0 (IceRelayServer, 1);
  s->server = *server;
  s->username = g_strdup (username);
  s->password = g_strdup (password);
  s->index = relay->servers->len;
  g_ptr_array_add (relay->servers, s);
  for (i = 0; i < session->streams->len; i++)
    add_clients_for (session, s, g_ptr_array_index (session->streams, i));
  return TRUE;
}

/* A UDP host base (called for every one, relay-only or not) */
void
ice_relay_add_base (IceSession *session, IceStream *stream, guint component_id,
                    const IceTransportAddr *base)
{
  IceRelay *relay = ensure_relay (session);
  IceRelayBase b;
  guint i;

  if (base->transport != ICE_TRANSPORT_UDP)
    return;
  for (i = 0; i < relay->udp_bases->len; i++)
    if (ice_addr_equal (&g_array_index (relay->udp_bases, IceRelayBase, i).base,
                        base))
      return;
  b.stream_id = stream->id;
  b.component_id = component_id;
  b.base = *base;
  g_array_append_val (relay->udp_bases, b);
  for (i = 0; i < relay->servers->len; i++)
    add_clients_for (session, g_ptr_array_index (relay->servers, i), stream);
}

void
ice_relay_start_stream (IceSession *session, IceStream *stream)
{
  guint i;

  if (session->relay == NULL)
    return;
  for (i = 0; i < session->relay->servers->len; i++)
    add_clients_for (session, g_ptr_array_index (session->relay->servers, i),
                     stream);
}

/* Relay-only (the "relay" transport policy): only relayed candidates are
 * gathered, announced and paired. */
gboolean
ice_relay_allows_candidate (IceSession *session, const IceCandidate *cand)
{
  return !session->config.relay_only
         || cand->type == ICE_CANDIDATE_TYPE_RELAYED;
}

gboolean
ice_relay_stream_pending (IceSession *session, guint stream_id)
{
  guint i;

  if (session->relay == NULL)
    return FALSE;
  for (i = 0; i < session->relay->clients->len; i++) {
    IceRelayClient *rc = g_ptr_array_index (session->relay->clients, i);

    if (rc->stream_id == stream_id && !rc->settled)
      return TRUE;
  }
  return FALSE;
}

static void
settle (IceSession *session, IceRelayClient *rc)
{
  if (rc->settled)
    return;
  rc->settled = TRUE;
  ice_gather_check_done (session,
                         ice_session_find_stream (session, rc->stream_id));
}

/* RFC 8445 §5.1.2.1: the relayed candidates of several servers and
 * transports need distinct local preferences; UDP to the server first. */
static guint
relay_local_preference (const IceRelayServer *server)
{
  return 65535 - 1024 * server->server.transport - MIN (server->index, 1023);
}

/* @announce: trickle it (a LOCAL_CANDIDATE event); an ICE restart that
 * follows announces it otherwise. */
void
ice_relay_add_relayed_candidate (IceSession *session, IceRelayClient *rc,
                                 const IceTurnEvent *ev, gboolean announce)
{
  IceStream *stream = ice_session_find_stream (session, rc->stream_id);
  IceComponent *comp = ice_stream_get_component (stream, rc->component_id);
  IceCandidate cand;
  guint i;

  memset (&cand, 0, sizeof (cand));
  cand.type = ICE_CANDIDATE_TYPE_RELAYED;
  cand.stream_id = rc->stream_id;
  cand.component_id = rc->component_id;
  cand.addr = ev->relayed;
  cand.addr.transport = ICE_TRANSPORT_UDP;
  cand.base = cand.addr;
  cand.related = ice_addr_is_set (&ev->mapped) ? ev->mapped : rc->base;
  cand.related.transport = ICE_TRANSPORT_UDP;
  cand.priority = ice_candidate_compute_priority (
      ice_candidate_type_preference (ICE_CANDIDATE_TYPE_RELAYED,
                                     rc->server->server.transport),
      relay_local_preference (rc->server), rc->component_id);
  ice_candidate_compute_foundation (&cand, &rc->server->server);
  rc->relayed = cand.addr;
  /* the peer's checks must find a permission when they arrive */
  for (i = 0; i < comp->remote->len; i++)
    ice_relay_want_permission (
        rc, &g_array_index (comp->remote, IceCandidate, i).addr);
  ice_gather_add_local_candidate (session, stream, &cand, announce);
}

/* The allocation's XOR-MAPPED-ADDRESS over UDP is a srflx candidate of
 * the base, as a STUN server's answer would be (RFC 8656 §7.3). */
static void
add_mapped_candidate (IceSession *session, IceRelayClient *rc,
                      const IceTurnEvent *ev)
{
  IceStream *stream = ice_session_find_stream (session, rc->stream_id);
  IceCandidate cand;

  if (rc->base.transport != ICE_TRANSPORT_UDP || !ice_addr_is_set (&ev->mapped))
    return;
  memset (&cand, 0, sizeof (cand));
  cand.type = ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;
  cand.stream_id = rc->stream_id;
  cand.component_id = rc->component_id;
  cand.addr = ev->mapped;
  cand.addr.transport = ICE_TRANSPORT_UDP;
  cand.base = rc->base;
  cand.related = rc->base;
  cand.priority = ice_candidate_compute_priority (
      ice_candidate_type_preference (ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                                     ICE_TRANSPORT_UDP),
      ice_candidate_local_preference (&rc->base, 0, ICE_TCP_TYPE_NONE),
      rc->component_id);
  ice_candidate_compute_foundation (&cand, &rc->server->server);
  if (ice_relay_allows_candidate (session, &cand))
    ice_gather_add_local_candidate (session, stream, &cand, TRUE);
}

static void
report_error (IceSession *session, IceRelayClient *rc, const IceTurnEvent *ev)
{
  gchar server[ICE_ADDR_STRLEN];
  IceEvent *out;

  g_message ("TURN server %s (%s), component %u: %s",
             ice_addr_to_string (&rc->server->server, server),
             ice_transport_to_string (rc->server->server.transport),
             rc->component_id, ev->message);
  out = ice_session_new_event (session, ICE_EVENT_RELAY_ERROR, rc->stream_id,
                               rc->component_id);
  out->u.relay_error.code = ev->error_code;
  out->u.relay_error.fatal = ev->fatal;
  /* the message names the server: several may serve one component */
  g_snprintf (out->u.relay_error.message, sizeof (out->u.relay_error.message),
              "TURN server %s: %s%s", server,
              ev->lost ? "allocation lost: " : "", ev->message);
}

/* An error of the recovery itself (ice-relay-recover.c) */
void
ice_relay_report_error (IceSession *session, IceRelayClient *rc, guint code,
                        const gchar *message)
{
  IceTurnEvent ev;

  memset (&ev, 0, sizeof (ev));
  ev.type = ICE_TURN_EVENT_ERROR;
  ev.error_code = code;
  ev.fatal = TRUE;
  g_strlcpy (ev.message, message, sizeof (ev.message));
  report_error (session, rc, &ev);
}

static void
handle_turn_event (IceSession *session, IceRelayClient *rc,
                   const IceTurnEvent *ev)
{
  switch (ev->type) {
    case ICE_TURN_EVENT_ALLOCATED:
      if (ice_relay_recover_allocated (session, rc, ev))
        break;
      add_mapped_candidate (session, rc, ev);
      ice_relay_add_relayed_candidate (session, rc, ev, TRUE);
      settle (session, rc);
      break;
    case ICE_TURN_EVENT_PERMISSION_CREATED:
      ice_relay_flush_held (session, rc);
      break;
    case ICE_TURN_EVENT_CHANNEL_BOUND:
      /* the send route now carries a ChannelData prefix */
      ice_session_new_event (session, ICE_EVENT_ROUTE_CHANGED, rc->stream_id,
                             rc->component_id);
      break;
    case ICE_TURN_EVENT_ERROR:
      report_error (session, rc, ev);
      if (ev->fatal && (ev->lost || rc->lost) && !session->relay->closed) {
        /* RFC 8656 §7.3: a restarted server forgets its allocations; a
         * new one is made (ice-relay-recover.c) */
        ice_relay_note_lost (session, rc);
      } else if (ev->fatal) {
        rc->dead = TRUE;
        g_queue_clear_full (&rc->held, g_free);
        settle (session, rc);
      }
      break;
    case ICE_TURN_EVENT_DEALLOCATED:
      rc->dead = TRUE;
      settle (session, rc);
      break;
    default:
      break;
  }
}

/* Drains every client's events and transmits into the session. */
void
ice_relay_pump (IceSession *session, gint64 now_us)
{
  IceRelay *relay = session->relay;
  IceTurnTransmit *tx;
  IceTurnEvent ev;
  guint i;

  if (relay == NULL)
    return;
  relay->now_us = now_us;
  ice_relay_bind_selected (session, now_us);
  tx = g_new (IceTurnTransmit, 1);
  for (i = 0; i < relay->clients->len; i++) {
    IceRelayClient *rc = g_ptr_array_index (relay->clients, i);

    while (ice_turn_client_poll_event (rc->client, &ev))
      handle_turn_event (session, rc, &ev);
    while (ice_turn_client_poll_transmit (rc->client, tx))
      ice_session_queue_transmit (session, &rc->base, &tx->to, tx->data,
                                  tx->len);
  }
  g_free (tx);
}

static void
client_tick (IceSession *session, IceRelayClient *rc, gint64 now_us)
{
  gint64 next;
  guint i;

  if (!rc->started && !session->relay->closed) {
    rc->started = TRUE;
    rc->deadline_us = now_us + ICE_RELAY_GATHER_TIMEOUT_US;
    ice_turn_client_allocate (rc->client, now_us);
  }
  ice_relay_recover_tick (session, rc, now_us);
  if (ice_relay_client_usable (rc) && rc->pending_peers->len > 0) {
    /* one CreatePermission for all the IPs of this tick */
    for (i = 0; i < rc->pending_peers->len; i++)
      ice_turn_client_add_permission (
          rc->client, &g_array_index (rc->pending_peers, IceTransportAddr, i),
          now_us);
    g_array_set_size (rc->pending_peers, 0);
  }
  if (!rc->settled && rc->deadline_us >= 0 && now_us >= rc->deadline_us) {
    g_message ("TURN server did not allocate within %d s: gathering goes on "
               "without it",
               (gint)(ICE_RELAY_GATHER_TIMEOUT_US / G_TIME_SPAN_SECOND));
    settle (session, rc);
  }
  next = ice_turn_client_next_timeout (rc->client);
  if (next >= 0 && next <= now_us)
    ice_turn_client_handle_timeout (rc->client, now_us);
}

void
ice_relay_handle_timeouts (IceSession *session, gint64 now_us)
{
  guint i;

  if (session->relay == NULL)
    return;
  for (i = 0; i < session->relay->clients->len; i++)
    client_tick (session, g_ptr_array_index (session->relay->clients, i),
                 now_us);
  ice_relay_pump (session, now_us);
}

static gint64
earliest (gint64 a, gint64 b)
{
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return MIN (a, b);
}

gint64
ice_relay_next_timeout (IceSession *session)
{
  gint64 next = -1;
  guint i;

  if (session->relay == NULL)
    return -1;
  for (i = 0; i < session->relay->clients->len; i++) {
    IceRelayClient *rc = g_ptr_array_index (session->relay->clients, i);

    /* work that waits for a time: as soon as possible */
    if ((!rc->started && !session->relay->closed)
        || (ice_relay_client_usable (rc) && rc->pending_peers->len > 0))
      return 0;
    if (!rc->settled)
      next = earliest (next, rc->deadline_us);
    next = earliest (next, ice_relay_recover_next_timeout (session, rc));
    next = earliest (next, ice_turn_client_next_timeout (rc->client));
  }
  return next;
}

/**
 * ice_session_turn_connection_lost:
 * @local: the virtual address of the connection (see ice-relay.h)
 * @server: the server it went to
 * @reason: (nullable): why, for the RELAY_ERROR event
 *
 * The IO layer could not connect, lost the connection or the TLS session,
 * or the stream's framing (ICE_TURN_FRAME_INVALID): the allocation is
 * gone, gathering stops waiting for it.
 */
void
ice_session_turn_connection_lost (IceSession *session,
                                  const IceTransportAddr *local,
                                  const IceTransportAddr *server,
                                  const gchar *reason, gint64 now_us)
{
  IceTurnEvent ev;
  guint i;

  g_return_if_fail (session != NULL && local != NULL && server != NULL);
  if (session->relay == NULL)
    return;
  for (i = 0; i < session->relay->clients->len; i++) {
    IceRelayClient *rc = g_ptr_array_index (session->relay->clients, i);

    if (rc->dead || !ice_addr_equal (&rc->base, local)
        || !ice_addr_equal (&rc->server->server, server))
      continue;
    memset (&ev, 0, sizeof (ev));
    ev.type = ICE_TURN_EVENT_ERROR;
    ev.fatal = TRUE;
    ev.lost
        = ice_turn_client_get_state (rc->client) == ICE_TURN_CLIENT_ALLOCATED;
    g_snprintf (ev.message, sizeof (ev.message),
                "the connection to the TURN server was lost: %s",
                reason ? reason : "no reason given");
    handle_turn_event (session, rc, &ev);
  }
  ice_relay_pump (session, now_us);
  ice_session_update_states (session, now_us);
}

/**
 * ice_session_close:
 * @now_us: the current time
 *
 * Releases every TURN allocation (RFC 8656 §8: a Refresh with LIFETIME 0):
 * drain the transmits after this call and send them before freeing the
 * session. Nothing new is allocated afterwards.
 */
void
ice_session_close (IceSession *session, gint64 now_us)
{
  guint i;

  g_return_if_fail (session != NULL);
  if (session->relay == NULL)
    return;
  session->relay->closed = TRUE;
  for (i = 0; i < session->relay->clients->len; i++) {
    IceRelayClient *rc = g_ptr_array_index (session->relay->clients, i);

    if (rc->started && !rc->dead)
      ice_turn_client_deallocate (rc->client, now_us);
  }
  ice_relay_pump (session, now_us);
}
