/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The TURN client's sans-IO loop (DESIGN §2): messages from the server go
 * in through handle_packet, timers through handle_timeout; transmits and
 * events come out through the polls. Plus the read-only accessors.
 */
#define G_LOG_DOMAIN "ice-turn"

#include "ice/turn/turn-private.h"

#include <string.h>

static void
client_flush_pending (IceTurnClient *c)
{
  gint64 at = c->flush_at_us;

  if (at < 0 || c->state != ICE_TURN_CLIENT_ALLOCATED)
    return;
  c->flush_at_us = -1;
  turn_permission_flush (c, at);
  turn_channel_flush (c, at);
}

static IceTurnPacketResult
client_handle_stun (IceTurnClient *c, gint64 now_us, const guint8 *data,
                    gsize len, IceTransportAddr *peer, gsize *payload_offset,
                    gsize *payload_len)
{
  IceStunMessage msg;
  IceStunParseResult res = ice_stun_message_parse (&msg, data, len);

  if (res != ICE_STUN_PARSE_OK) {
    g_debug ("malformed STUN from the TURN server: %s",
             ice_stun_parse_result_to_string (res));
    c->stats.dropped_malformed++;
    return ICE_TURN_PACKET_DROPPED;
  }
  if (ice_stun_message_check_fingerprint (&msg) == ICE_STUN_CHECK_BAD) {
    c->stats.dropped_malformed++;
    return ICE_TURN_PACKET_DROPPED;
  }
  switch (msg.klass) {
    case ICE_STUN_CLASS_INDICATION:
      if (msg.method != ICE_STUN_METHOD_DATA)
        return ICE_TURN_PACKET_NOT_TURN;
      return turn_data_handle_indication (c, now_us, &msg, peer, payload_offset,
                                          payload_len);
    case ICE_STUN_CLASS_SUCCESS:
    case ICE_STUN_CLASS_ERROR:
      return turn_request_handle_response (c, now_us, &msg);
    case ICE_STUN_CLASS_REQUEST:
      break;
  }
  return ICE_TURN_PACKET_NOT_TURN;
}

/**
 * ice_turn_client_handle_packet:
 * @now_us: the current time
 * @data: one datagram from the server, or one framed message of a stream
 * @len: its length
 * @peer: (out): with %ICE_TURN_PACKET_DATA, the peer that sent the payload
 * @payload_offset: (out): with %ICE_TURN_PACKET_DATA, where the payload
 *   starts in @data
 * @payload_len: (out): with %ICE_TURN_PACKET_DATA, its length
 *
 * Classifies by first byte (RFC 7983): 64-79 ChannelData, 0-3 STUN.
 *
 * Returns: see #IceTurnPacketResult.
 */
IceTurnPacketResult
ice_turn_client_handle_packet (IceTurnClient *client, gint64 now_us,
                               const guint8 *data, gsize len,
                               IceTransportAddr *peer, gsize *payload_offset,
                               gsize *payload_len)
{
  IceTurnPacketResult res;

  g_return_val_if_fail (client != NULL, ICE_TURN_PACKET_DROPPED);
  g_return_val_if_fail (data != NULL || len == 0, ICE_TURN_PACKET_DROPPED);
  g_return_val_if_fail (peer && payload_offset && payload_len,
                        ICE_TURN_PACKET_DROPPED);

  *payload_offset = 0;
  *payload_len = 0;
  memset (peer, 0, sizeof (*peer));
  if (len > 0 && data[0] >= 64 && data[0] <= 79)
    res = turn_data_handle_channel_data (client, now_us, data, len, peer,
                                         payload_offset, payload_len);
  else if (len > 0 && data[0] <= 3 && ice_stun_is_message (data, len))
    res = client_handle_stun (client, now_us, data, len, peer, payload_offset,
                              payload_len);
  else if (len > 0 && data[0] <= 3) {
    /* RFC 7983: STUN by its first byte, yet not a STUN message */
    client->stats.dropped_malformed++;
    res = ICE_TURN_PACKET_DROPPED;
  } else
    res = ICE_TURN_PACKET_NOT_TURN;
  client_flush_pending (client);
  return res;
}

/**
 * ice_turn_client_handle_timeout:
 * @now_us: the current time, at or after ice_turn_client_next_timeout()
 *
 * Retransmits, refreshes the allocation, permissions and channels that
 * are due, and sends what was asked for since the last call.
 */
void
ice_turn_client_handle_timeout (IceTurnClient *client, gint64 now_us)
{
  g_return_if_fail (client != NULL);

  turn_request_handle_timeouts (client, now_us);
  turn_allocate_handle_timeout (client, now_us);
  if (client->state == ICE_TURN_CLIENT_ALLOCATED) {
    client_flush_pending (client);
    turn_permission_flush (client, now_us);
    turn_channel_flush (client, now_us);
  }
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

/**
 * ice_turn_client_next_timeout:
 *
 * Returns: the absolute time (µs) at which handle_timeout must be called,
 *   or -1 when nothing is scheduled.
 */
gint64
ice_turn_client_next_timeout (IceTurnClient *client)
{
  gint64 next;

  g_return_val_if_fail (client != NULL, -1);

  next = turn_request_next_timeout (client);
  next = earliest (next, turn_allocate_next_timeout (client));
  if (client->state == ICE_TURN_CLIENT_ALLOCATED) {
    next = earliest (next, client->flush_at_us);
    next = earliest (next, turn_permission_next_timeout (client));
    next = earliest (next, turn_channel_next_timeout (client));
  }
  return next;
}

/**
 * ice_turn_client_poll_transmit:
 * @out: (out caller-allocates): the next bytes for the server
 *
 * Returns: FALSE when nothing is left to send.
 */
gboolean
ice_turn_client_poll_transmit (IceTurnClient *client, IceTurnTransmit *out)
{
  IceTurnTransmit *t;

  g_return_val_if_fail (client != NULL && out != NULL, FALSE);

  client_flush_pending (client);
  t = g_queue_pop_head (&client->transmits);
  if (t == NULL)
    return FALSE;
  out->to = t->to;
  out->len = t->len;
  memcpy (out->data, t->data, t->len);
  g_free (t);
  return TRUE;
}

/**
 * ice_turn_client_poll_event:
 * @out: (out caller-allocates): the next event
 *
 * Returns: FALSE when no event is left.
 */
gboolean
ice_turn_client_poll_event (IceTurnClient *client, IceTurnEvent *out)
{
  IceTurnEvent *e;

  g_return_val_if_fail (client != NULL && out != NULL, FALSE);

  e = g_queue_pop_head (&client->events);
  if (e == NULL)
    return FALSE;
  *out = *e;
  g_free (e);
  return TRUE;
}

/**
 * ice_turn_client_get_state:
 *
 * Returns: the allocation's state.
 */
IceTurnClientState
ice_turn_client_get_state (IceTurnClient *client)
{
  g_return_val_if_fail (client != NULL, ICE_TURN_CLIENT_FAILED);
  return client->state;
}

/**
 * ice_turn_client_get_relayed_address:
 * @relayed: (out): the relayed transport address
 *
 * Returns: TRUE while allocated.
 */
gboolean
ice_turn_client_get_relayed_address (IceTurnClient *client,
                                     IceTransportAddr *relayed)
{
  g_return_val_if_fail (client != NULL && relayed != NULL, FALSE);

  *relayed = client->relayed;
  return client->state == ICE_TURN_CLIENT_ALLOCATED;
}

/**
 * ice_turn_client_get_mapped_address:
 * @mapped: (out): the server-reflexive address the Allocate answer named
 *
 * Returns: TRUE if the server sent XOR-MAPPED-ADDRESS.
 */
gboolean
ice_turn_client_get_mapped_address (IceTurnClient *client,
                                    IceTransportAddr *mapped)
{
  g_return_val_if_fail (client != NULL && mapped != NULL, FALSE);

  *mapped = client->mapped;
  return ice_addr_is_set (&client->mapped);
}

/**
 * ice_turn_client_get_server:
 *
 * Returns: (transfer none): the server's transport address, as configured:
 *   the owner matches the source of incoming datagrams against it.
 */
const IceTransportAddr *
ice_turn_client_get_server (IceTurnClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);
  return &client->config.server;
}

/**
 * ice_turn_client_has_permission:
 *
 * Returns: TRUE if a permission for @peer's IP is installed.
 */
gboolean
ice_turn_client_has_permission (IceTurnClient *client,
                                const IceTransportAddr *peer)
{
  TurnPermission *p;

  g_return_val_if_fail (client != NULL && peer != NULL, FALSE);

  p = turn_permission_find (client, peer);
  return p != NULL && p->installed;
}

/**
 * ice_turn_client_get_channel:
 *
 * Returns: the channel bound to @peer, or 0 if none is bound (yet).
 */
guint16
ice_turn_client_get_channel (IceTurnClient *client,
                             const IceTransportAddr *peer)
{
  TurnChannel *ch;

  g_return_val_if_fail (client != NULL && peer != NULL, 0);

  ch = turn_channel_find_peer (client, peer);
  return ch != NULL && ch->bound ? ch->number : 0;
}

/**
 * ice_turn_client_get_stats:
 * @stats: (out caller-allocates): the counters
 */
void
ice_turn_client_get_stats (IceTurnClient *client, IceTurnStats *stats)
{
  g_return_if_fail (client != NULL && stats != NULL);
  *stats = client->stats;
}
