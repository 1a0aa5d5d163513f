/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The relayed data path (DESIGN §2): datagrams from a TURN server are
 * unwrapped and handled as arriving on the relayed candidate; what leaves
 * from a relayed candidate is wrapped toward the server (held until the
 * peer's permission is installed, so that no first check is lost);
 * permissions for every remote IP; a channel for each selected pair
 * (RFC 8656 §12: ChannelData for media) and the send route through it.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-relay-private.h"

#include <string.h>

IceRelayClient *
ice_relay_find_by_relayed (IceSession *session, const IceTransportAddr *relayed)
{
  guint i;

  if (session->relay == NULL)
    return NULL;
  for (i = 0; i < session->relay->clients->len; i++) {
    IceRelayClient *rc = g_ptr_array_index (session->relay->clients, i);

    /* a lost relayed address is still ours: what leaves from it is
     * dropped, not sent raw */
    if ((ice_addr_is_set (&rc->relayed)
         && ice_addr_equal (&rc->relayed, relayed))
        || (ice_addr_is_set (&rc->lost_relayed)
            && ice_addr_equal (&rc->lost_relayed, relayed)))
      return rc;
  }
  return NULL;
}

static IceRelayClient *
find_by_connection (IceSession *session, const IceTransportAddr *local,
                    const IceTransportAddr *from)
{
  guint i;

  for (i = 0; i < session->relay->clients->len; i++) {
    IceRelayClient *rc = g_ptr_array_index (session->relay->clients, i);

    if (ice_addr_equal (&rc->base, local)
        && ice_addr_equal (&rc->server->server, from))
      return rc;
  }
  return NULL;
}

/* DESIGN §2: classified by source first. Returns FALSE when the datagram
 * is not for a TURN client (or is a STUN answer the session must see). */
gboolean
ice_relay_handle_packet (IceSession *session, gint64 now_us,
                         const IceTransportAddr *local,
                         const IceTransportAddr *from, const guint8 *data,
                         gsize len, IceDelivery *delivery,
                         IcePacketResult *result)
{
  IceRelayClient *rc;
  IceTransportAddr peer;
  gsize offset = 0, payload_len = 0;

  rc = find_by_connection (session, local, from);
  if (rc == NULL)
    return FALSE;
  session->relay->now_us = now_us;
  switch (ice_turn_client_handle_packet (rc->client, now_us, data, len, &peer,
                                         &offset, &payload_len)) {
    case ICE_TURN_PACKET_DATA:
      *result
          = ice_session_handle_packet (session, now_us, &rc->relayed, &peer,
                                       data + offset, payload_len, delivery);
      if (*result == ICE_PACKET_DELIVER) {
        if (delivery != NULL)
          delivery->offset += offset;
        return TRUE;
      }
      break;
    case ICE_TURN_PACKET_HANDLED:
      *result = ICE_PACKET_HANDLED;
      break;
    case ICE_TURN_PACKET_NOT_TURN:
      return FALSE;
    default:
      *result = ice_session_drop (session, ICE_DROP_MALFORMED_STUN);
      break;
  }
  ice_relay_pump (session, now_us);
  return TRUE;
}

static void
wrap_and_queue (IceSession *session, IceRelayClient *rc,
                const IceTransportAddr *to, const guint8 *data, gsize len)
{
  guint8 buf[ICE_TRANSMIT_MAX];
  gsize n;

  n = ice_turn_client_wrap (rc->client, to, data, len, buf, sizeof (buf));
  if (n > 0)
    ice_session_queue_transmit (session, &rc->base, &rc->server->server, buf,
                                n);
}

void
ice_relay_want_permission (IceRelayClient *rc, const IceTransportAddr *peer)
{
  guint i;

  if (!ice_relay_client_usable (rc) || !ice_addr_is_set (peer)
      || peer->family != rc->server->server.family
      || ice_turn_client_has_permission (rc->client, peer))
    return;
  for (i = 0; i < rc->pending_peers->len; i++)
    if (ice_addr_equal_ip (
            &g_array_index (rc->pending_peers, IceTransportAddr, i), peer))
      return;
  g_array_append_val (rc->pending_peers, *peer);
}

/* The session's hook for everything it sends: TRUE if @from is a relayed
 * address (the datagram is then wrapped, or held for its permission). */
gboolean
ice_relay_wrap_transmit (IceSession *session, const IceTransportAddr *from,
                         const IceTransportAddr *to, const guint8 *data,
                         gsize len)
{
  IceRelayClient *rc = ice_relay_find_by_relayed (session, from);
  IceRelayHeld *held;

  if (rc == NULL)
    return FALSE;
  if (!ice_relay_client_usable (rc) || !ice_addr_equal (&rc->relayed, from))
    return TRUE;
  if (ice_turn_client_has_permission (rc->client, to)) {
    wrap_and_queue (session, rc, to, data, len);
    return TRUE;
  }
  /* RFC 8656 §9: the server drops what it may not relay: wait for the
   * CreatePermission answer instead of losing a check to it */
  if (rc->held.length >= ICE_RELAY_MAX_HELD)
    g_free (g_queue_pop_head (&rc->held));
  held = g_malloc (sizeof (IceRelayHeld) + len);
  held->to = *to;
  held->len = len;
  memcpy (held->data, data, len);
  g_queue_push_tail (&rc->held, held);
  ice_relay_want_permission (rc, to);
  return TRUE;
}

void
ice_relay_flush_held (IceSession *session, IceRelayClient *rc)
{
  GList *l = rc->held.head;

  while (l != NULL) {
    GList *next = l->next;
    IceRelayHeld *held = l->data;

    if (ice_turn_client_has_permission (rc->client, &held->to)) {
      wrap_and_queue (session, rc, &held->to, held->data, held->len);
      g_queue_delete_link (&rc->held, l);
      g_free (held);
    }
    l = next;
  }
}

/* Every remote candidate (signalled or peer-reflexive) is paired with our
 * relayed ones: its IP needs a permission before its first check. */
void
ice_relay_note_remote (IceSession *session, const IceCandidate *remote)
{
  guint i;

  if (session->relay == NULL || remote->addr.transport != ICE_TRANSPORT_UDP)
    return;
  for (i = 0; i < session->relay->clients->len; i++) {
    IceRelayClient *rc = g_ptr_array_index (session->relay->clients, i);

    if (rc->stream_id == remote->stream_id
        && rc->component_id == remote->component_id)
      ice_relay_want_permission (rc, &remote->addr);
  }
}

static gboolean
channel_asked (IceRelayClient *rc, const IceTransportAddr *peer)
{
  guint i;

  for (i = 0; i < rc->channel_peers->len; i++)
    if (ice_addr_equal (&g_array_index (rc->channel_peers, IceTransportAddr, i),
                        peer))
      return TRUE;
  return FALSE;
}

/* A channel for every selected relayed pair, so that media goes in
 * ChannelData (4 bytes) rather than Send indications (36 bytes). */
void
ice_relay_bind_selected (IceSession *session, gint64 now_us)
{
  guint i, c;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (c = 0; c < stream->n_components; c++) {
      IceSendRoute *route = &stream->components[c].route;
      IceRelayClient *rc;

      if (!route->ok)
        continue;
      rc = ice_relay_find_by_relayed (session, &route->from);
      if (rc == NULL || !ice_relay_client_usable (rc)
          || !ice_addr_equal (&rc->relayed, &route->from)
          || channel_asked (rc, &route->to)
          || ice_turn_client_get_state (rc->client)
                 != ICE_TURN_CLIENT_ALLOCATED)
        continue;
      if (ice_turn_client_bind_channel (rc->client, &route->to, now_us))
        g_array_append_val (rc->channel_peers, route->to);
    }
  }
}

/* The route the IO layer sees for a relayed pair: to the server, from
 * the socket (or connection) to it, with the ChannelData header to fill
 * in; Send indications (through ice_session_send_media()) until the
 * channel is bound. */
void
ice_relay_translate_route (IceSession *session, IceSendRoute *route)
{
  IceRelayClient *rc;
  IceTransportAddr peer;

  if (!route->ok || session->relay == NULL)
    return;
  rc = ice_relay_find_by_relayed (session, &route->from);
  if (rc == NULL)
    return;
  if (!ice_relay_client_usable (rc)
      || !ice_addr_equal (&rc->relayed, &route->from)) {
    route->ok = FALSE;
    return;
  }
  peer = route->to;
  route->from = rc->base;
  route->to = rc->server->server;
  if (ice_turn_client_send_prefix (rc->client, &peer, route->prefix,
                                   &route->prefix_len)) {
    route->prefix_kind = ICE_SEND_PREFIX_CHANNEL_DATA;
  } else {
    route->prefix_kind = ICE_SEND_PREFIX_WRAP;
    route->prefix_len = 0;
  }
}

/**
 * ice_session_send_media:
 * @data: (array length=len): one datagram of media
 *
 * Sends @data on the selected pair of the component through the session:
 * for a route whose @prefix_kind is %ICE_SEND_PREFIX_WRAP (a relayed pair
 * whose channel is not bound yet) it is wrapped in a Send indication.
 * Drain the transmits afterwards.
 *
 * Returns: %FALSE if no pair is selected.
 */
gboolean
ice_session_send_media (IceSession *session, guint stream_id,
                        guint component_id, const guint8 *data, gsize len,
                        gint64 now_us)
{
  IceComponent *comp;

  g_return_val_if_fail (session != NULL && (data != NULL || len == 0), FALSE);
  comp = ice_stream_get_component (ice_session_find_stream (session, stream_id),
                                   component_id);
  if (comp == NULL || !comp->route.ok)
    return FALSE;
  ice_session_queue_transmit (session, &comp->route.from, &comp->route.to, data,
                              len);
  ice_session_note_sent (session, stream_id, component_id, now_us);
  return TRUE;
}
