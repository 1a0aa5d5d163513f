/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Peer datagrams through the relay: Send and Data indications (RFC 8656
 * §10) until a channel is bound, ChannelData afterwards (§12).
 */
#define G_LOG_DOMAIN "ice-turn"

#include "ice/turn/turn-private.h"

static gboolean
client_relays (IceTurnClient *c)
{
  /* data may still arrive while the deallocation is on its way */
  return c->state == ICE_TURN_CLIENT_ALLOCATED
         || c->state == ICE_TURN_CLIENT_DEALLOCATING;
}

/**
 * turn_data_handle_indication:
 *
 * RFC 8656 §10.4: a Data indication carries XOR-PEER-ADDRESS and DATA;
 * one from an IP without an installed permission is discarded.
 */
IceTurnPacketResult
turn_data_handle_indication (IceTurnClient *c, gint64 now_us,
                             const IceStunMessage *msg, IceTransportAddr *peer,
                             gsize *payload_offset, gsize *payload_len)
{
  const IceStunAttr *data;

  if (!client_relays (c)) {
    c->stats.dropped_no_permission++;
    return ICE_TURN_PACKET_DROPPED;
  }
  data = ice_stun_message_find (msg, ICE_STUN_ATTR_DATA);
  if (data == NULL
      || !ice_stun_message_get_xor_address (msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS,
                                            peer)) {
    c->stats.dropped_malformed++;
    return ICE_TURN_PACKET_DROPPED;
  }
  peer->transport = ICE_TRANSPORT_UDP;
  if (!turn_permission_allows (c, peer, now_us)) {
    c->stats.dropped_no_permission++;
    return ICE_TURN_PACKET_DROPPED;
  }
  *payload_offset = data->offset;
  *payload_len = data->length;
  c->stats.data_in++;
  return ICE_TURN_PACKET_DATA;
}

/**
 * turn_data_handle_channel_data:
 *
 * RFC 8656 §12.6: ChannelData on a channel that is not bound is
 * discarded.
 */
IceTurnPacketResult
turn_data_handle_channel_data (IceTurnClient *c, gint64 now_us,
                               const guint8 *data, gsize len,
                               IceTransportAddr *peer, gsize *payload_offset,
                               gsize *payload_len)
{
  TurnChannel *ch;
  guint16 number;
  gsize length;

  if (!ice_turn_channel_data_parse (data, len, &number, &length)) {
    c->stats.dropped_malformed++;
    return ICE_TURN_PACKET_DROPPED;
  }
  ch = turn_channel_find_number (c, number);
  if (ch == NULL || !ch->bound || !client_relays (c)) {
    c->stats.dropped_unknown_channel++;
    return ICE_TURN_PACKET_DROPPED;
  }
  *peer = ch->peer;
  *payload_offset = ICE_TURN_CHANNEL_HEADER_SIZE;
  *payload_len = length;
  c->stats.data_in++;
  return ICE_TURN_PACKET_DATA;
}

static gsize
data_write_send_indication (IceTurnClient *c, const IceTransportAddr *peer,
                            const guint8 *payload, gsize len, guint8 *out,
                            gsize out_size)
{
  guint8 tid[ICE_STUN_TRANSACTION_ID_SIZE];
  IceStunBuilder b;
  gboolean ok;

  /* RFC 8656 §10.1: indications are not authenticated, and each has a
   * fresh transaction id */
  turn_client_random_tid (c, tid);
  ice_stun_builder_init (&b, out, out_size, ICE_STUN_CLASS_INDICATION,
                         ICE_STUN_METHOD_SEND, tid);
  ok = ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_PEER_ADDRESS,
                                         peer);
  ok &= ice_stun_builder_add (&b, ICE_STUN_ATTR_DATA, payload, len);
  if (c->config.dont_fragment)
    ok &= ice_stun_builder_add_flag (&b, ICE_STUN_ATTR_DONT_FRAGMENT);
  return ok ? ice_stun_builder_finish (&b) : 0;
}

/**
 * ice_turn_client_wrap:
 * @peer: the peer the payload is for
 * @payload: the datagram
 * @len: its length
 * @out: where the framed message is written; may not overlap @payload
 *   for a Send indication
 * @out_size: the size of @out
 *
 * Frames a datagram for the server: ChannelData once a channel to @peer
 * is bound (padded over TCP/TLS, RFC 8656 §12.5), else a Send indication
 * (which the server drops unless @peer's IP has a permission).
 *
 * Returns: the number of bytes written to @out, or 0 if the client has
 *   no allocation or @out is too small.
 */
gsize
ice_turn_client_wrap (IceTurnClient *client, const IceTransportAddr *peer,
                      const guint8 *payload, gsize len, guint8 *out,
                      gsize out_size)
{
  TurnChannel *ch;

  g_return_val_if_fail (client != NULL && peer != NULL, 0);
  g_return_val_if_fail (payload != NULL || len == 0, 0);
  g_return_val_if_fail (out != NULL, 0);

  if (client->state != ICE_TURN_CLIENT_ALLOCATED)
    return 0;
  ch = turn_channel_find_peer (client, peer);
  if (ch != NULL && ch->bound)
    return ice_turn_channel_data_write (out, out_size, ch->number, payload, len,
                                        client->reliable);
  return data_write_send_indication (client, peer, payload, len, out, out_size);
}

/**
 * ice_turn_client_send_prefix:
 * @peer: the peer
 * @prefix: (out caller-allocates): the ChannelData header
 * @prefix_len: (out): 4, or 0 when FALSE is returned
 *
 * For the zero-copy route: once a channel to @peer is bound, a datagram
 * is the 4-byte ChannelData header followed by the payload. Bytes 2-3 of
 * @prefix hold the payload length and are returned as 0: the sender
 * writes the length of each datagram there (ice_turn_channel_data_header()
 * does both). Over TCP/TLS the sender also appends zero padding to a
 * multiple of 4 bytes (RFC 8656 §12.5).
 *
 * Returns: FALSE when no channel to @peer is bound: use
 *   ice_turn_client_wrap() (a Send indication) instead.
 */
gboolean
ice_turn_client_send_prefix (IceTurnClient *client,
                             const IceTransportAddr *peer, guint8 prefix[4],
                             gsize *prefix_len)
{
  TurnChannel *ch;

  g_return_val_if_fail (client != NULL && peer != NULL, FALSE);
  g_return_val_if_fail (prefix != NULL && prefix_len != NULL, FALSE);

  *prefix_len = 0;
  ch = turn_channel_find_peer (client, peer);
  if (client->state != ICE_TURN_CLIENT_ALLOCATED || ch == NULL || !ch->bound)
    return FALSE;
  ice_turn_channel_data_header (prefix, ch->number, 0);
  *prefix_len = ICE_TURN_CHANNEL_HEADER_SIZE;
  return TRUE;
}
