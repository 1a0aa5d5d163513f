/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Channel bindings (RFC 8656 §11): a channel number (0x4000-0x4FFF) per
 * peer transport address, bound by ChannelBind, valid 600 s, refreshed at
 * 540 s by binding the same number to the same peer again.
 */
#define G_LOG_DOMAIN "ice-turn"

#include "ice/turn/turn-private.h"

TurnChannel *
turn_channel_find_peer (IceTurnClient *c, const IceTransportAddr *peer)
{
  guint i;

  for (i = 0; i < c->channels->len; i++) {
    TurnChannel *ch = &g_array_index (c->channels, TurnChannel, i);

    if (ice_addr_equal_ip (&ch->peer, peer) && ch->peer.port == peer->port)
      return ch;
  }
  return NULL;
}

TurnChannel *
turn_channel_find_number (IceTurnClient *c, guint16 number)
{
  guint i;

  for (i = 0; i < c->channels->len; i++) {
    TurnChannel *ch = &g_array_index (c->channels, TurnChannel, i);

    if (ch->number == number)
      return ch;
  }
  return NULL;
}

/**
 * turn_channel_add:
 *
 * Returns: FALSE if every channel number is taken.
 */
gboolean
turn_channel_add (IceTurnClient *c, const IceTransportAddr *peer)
{
  TurnChannel *ch = turn_channel_find_peer (c, peer);
  TurnChannel fresh = { 0 };

  if (ch != NULL) {
    /* a failed binding may be tried again with the same number */
    if (ch->failed) {
      ch->failed = FALSE;
      ch->wanted = TRUE;
    }
    return TRUE;
  }
  if (c->next_channel > ICE_TURN_CHANNEL_MAX) {
    /* Reachable from the network: every new peer address a remote agent
     * makes us select takes a number. Data to this peer goes on in Send
     * indications (RFC 8656 §11), so it is counted, not a warning. */
    c->stats.channels_exhausted++;
    g_debug ("bind_channel: all %d channel numbers are in use",
             ICE_TURN_CHANNEL_MAX - ICE_TURN_CHANNEL_MIN + 1);
    return FALSE;
  }
  fresh.peer = *peer;
  fresh.peer.transport = ICE_TRANSPORT_UDP;
  fresh.number = c->next_channel++;
  fresh.wanted = TRUE;
  fresh.expires_us = -1;
  fresh.refresh_at_us = -1;
  g_array_append_val (c->channels, fresh);
  return TRUE;
}

/**
 * turn_channel_flush:
 *
 * One ChannelBind per channel that is new or due for refresh (a request
 * carries a single CHANNEL-NUMBER, RFC 8656 §11.1).
 */
void
turn_channel_flush (IceTurnClient *c, gint64 now_us)
{
  guint i;

  for (i = 0; i < c->channels->len; i++) {
    TurnChannel *ch = &g_array_index (c->channels, TurnChannel, i);
    TurnRequest *r;

    if (ch->in_flight || ch->failed)
      continue;
    if (!ch->wanted
        && !(ch->bound && ch->refresh_at_us >= 0
             && now_us >= ch->refresh_at_us))
      continue;
    ch->wanted = FALSE;
    ch->in_flight = TRUE;
    r = turn_request_new (ICE_TURN_OP_CHANNEL_BIND);
    r->peers[0] = ch->peer;
    r->n_peers = 1;
    r->channel = ch->number;
    /* the send may add requests but never touches the channel table */
    turn_request_send (c, r, now_us);
  }
}

gboolean
turn_channel_add_attributes (IceTurnClient *c, TurnRequest *r,
                             IceStunBuilder *b)
{
  gboolean ok;

  /* RFC 8656 §14.1: the number, then 16 reserved bits */
  ok = ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_CHANNEL_NUMBER,
                                 (guint32)r->channel << 16);
  ok &= ice_stun_builder_add_xor_address (b, ICE_STUN_ATTR_XOR_PEER_ADDRESS,
                                          &r->peers[0]);
  return ok;
}

void
turn_channel_on_success (IceTurnClient *c, TurnRequest *r, gint64 now_us)
{
  TurnChannel *ch = turn_channel_find_number (c, r->channel);
  gboolean first;

  if (ch == NULL)
    return;
  first = !ch->bound;
  ch->in_flight = FALSE;
  ch->bound = TRUE;
  ch->expires_us = now_us + TURN_CHANNEL_LIFETIME_US;
  ch->refresh_at_us = now_us + TURN_CHANNEL_REFRESH_US;
  turn_permission_note_installed (c, &ch->peer, now_us);
  if (first) {
    IceTurnEvent *e = turn_client_push_event (c, ICE_TURN_EVENT_CHANNEL_BOUND,
                                              ICE_TURN_OP_CHANNEL_BIND);

    e->peer = ch->peer;
    e->channel = ch->number;
  }
}

void
turn_channel_on_error (IceTurnClient *c, TurnRequest *r, guint code,
                       const gchar *reason)
{
  TurnChannel *ch = turn_channel_find_number (c, r->channel);
  gchar peer[ICE_ADDR_STRLEN];

  if (c->state != ICE_TURN_CLIENT_ALLOCATED)
    return;
  if (code == ICE_STUN_ERROR_ALLOCATION_MISMATCH) {
    turn_client_fail (c, r->op, code,
                      "437 Allocation Mismatch: the server no longer has "
                      "the allocation");
    return;
  }
  if (code == 0) {
    turn_client_fail_unanswered (c, r->op);
    return;
  }
  if (ch != NULL) {
    /* RFC 8656 §12: no ChannelData on a binding the server refused;
     * the peer is reached by Send indications instead */
    ch->in_flight = FALSE;
    ch->failed = TRUE;
    ch->bound = FALSE;
  }
  turn_client_push_error (c, r->op, code, FALSE, &r->peers[0],
                          "%s for channel 0x%04x to %s", reason, r->channel,
                          ice_addr_to_string (&r->peers[0], peer));
}

gint64
turn_channel_next_timeout (IceTurnClient *c)
{
  gint64 next = -1;
  guint i;

  for (i = 0; i < c->channels->len; i++) {
    TurnChannel *ch = &g_array_index (c->channels, TurnChannel, i);

    if (ch->in_flight || ch->failed || !ch->bound || ch->refresh_at_us < 0)
      continue;
    if (next < 0 || ch->refresh_at_us < next)
      next = ch->refresh_at_us;
  }
  return next;
}
