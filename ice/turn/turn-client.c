/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The TURN client object: its life cycle, the sans-IO loop (handle_packet,
 * handle_timeout, next_timeout, poll_transmit, poll_event) and the state
 * machine of the allocation. The protocol work lives in the other files
 * of this folder, one concern each.
 */
#define G_LOG_DOMAIN "ice-turn"

#include "ice/turn/turn-private.h"

#include <stdarg.h>
#include <string.h>

/**
 * ice_turn_client_state_to_string:
 *
 * Returns: (transfer none): a static name for @state, for logs.
 */
const gchar *
ice_turn_client_state_to_string (IceTurnClientState state)
{
  switch (state) {
    case ICE_TURN_CLIENT_IDLE:
      return "idle";
    case ICE_TURN_CLIENT_ALLOCATING:
      return "allocating";
    case ICE_TURN_CLIENT_ALLOCATED:
      return "allocated";
    case ICE_TURN_CLIENT_DEALLOCATING:
      return "deallocating";
    case ICE_TURN_CLIENT_DEALLOCATED:
      return "deallocated";
    case ICE_TURN_CLIENT_FAILED:
      return "failed";
  }
  return "invalid";
}

/**
 * ice_turn_operation_to_string:
 *
 * Returns: (transfer none): the request's method name, e.g. "Allocate".
 */
const gchar *
ice_turn_operation_to_string (IceTurnOperation op)
{
  switch (op) {
    case ICE_TURN_OP_ALLOCATE:
      return "Allocate";
    case ICE_TURN_OP_REFRESH:
      return "Refresh";
    case ICE_TURN_OP_PERMISSION:
      return "CreatePermission";
    case ICE_TURN_OP_CHANNEL_BIND:
      return "ChannelBind";
    case ICE_TURN_OP_DEALLOCATE:
      return "Deallocate";
  }
  return "invalid";
}

/**
 * ice_turn_event_type_to_string:
 *
 * Returns: (transfer none): a static name for @type, for logs.
 */
const gchar *
ice_turn_event_type_to_string (IceTurnEventType type)
{
  switch (type) {
    case ICE_TURN_EVENT_ALLOCATED:
      return "allocated";
    case ICE_TURN_EVENT_REFRESHED:
      return "refreshed";
    case ICE_TURN_EVENT_PERMISSION_CREATED:
      return "permission-created";
    case ICE_TURN_EVENT_CHANNEL_BOUND:
      return "channel-bound";
    case ICE_TURN_EVENT_DEALLOCATED:
      return "deallocated";
    case ICE_TURN_EVENT_ERROR:
      return "error";
  }
  return "invalid";
}

/**
 * ice_turn_client_config_init:
 * @config: (out caller-allocates): the config to fill with defaults
 *
 * IPv4 relay, server-chosen lifetime, no EVEN-PORT, RTO 500 ms.
 */
void
ice_turn_client_config_init (IceTurnClientConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof (*config));
  config->family = ICE_ADDR_FAMILY_IPV4;
}

/**
 * ice_turn_client_new:
 * @config: the server, credentials and options; strings are copied
 *
 * Returns: (transfer full) (nullable): a client in state IDLE, or %NULL
 *   (with a critical) if @config lacks a server, credentials or a random
 *   callback.
 */
IceTurnClient *
ice_turn_client_new (const IceTurnClientConfig *config)
{
  IceTurnClient *c;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->random != NULL, NULL);
  g_return_val_if_fail (ice_addr_is_set (&config->server), NULL);
  g_return_val_if_fail (config->username != NULL, NULL);
  g_return_val_if_fail (config->password != NULL, NULL);

  c = g_new0 (IceTurnClient, 1);
  c->config = *config;
  turn_auth_init (&c->auth, config->username, config->password, config->realm);
  c->config.username = c->auth.username;
  c->config.password = NULL;
  c->config.realm = c->auth.expected_realm;
  c->software = g_strdup (config->software);
  c->config.software = c->software;
  c->reliable = config->server.transport != ICE_TRANSPORT_UDP;
  c->refresh_at_us = -1;
  c->expires_us = -1;
  c->flush_at_us = -1;
  c->requests = g_ptr_array_new_with_free_func (g_free);
  c->permissions = g_array_new (FALSE, TRUE, sizeof (TurnPermission));
  c->channels = g_array_new (FALSE, TRUE, sizeof (TurnChannel));
  c->next_channel = ICE_TURN_CHANNEL_MIN;
  g_queue_init (&c->transmits);
  g_queue_init (&c->events);
  return c;
}

/**
 * ice_turn_client_free:
 *
 * Frees the client without telling the server: call
 * ice_turn_client_deallocate() and drain the transmit first to release
 * the allocation at once rather than at its expiry.
 */
void
ice_turn_client_free (IceTurnClient *client)
{
  if (client == NULL)
    return;
  g_ptr_array_unref (client->requests);
  g_array_unref (client->permissions);
  g_array_unref (client->channels);
  g_queue_clear_full (&client->transmits, g_free);
  g_queue_clear_full (&client->events, g_free);
  turn_auth_clear (&client->auth);
  g_free (client->software);
  g_free (client);
}

void
turn_client_set_state (IceTurnClient *c, IceTurnClientState state)
{
  if (c->state == state)
    return;
  g_debug ("TURN client %p: state changed from %s to %s", (gpointer)c,
           ice_turn_client_state_to_string (c->state),
           ice_turn_client_state_to_string (state));
  c->state = state;
}

void
turn_client_random_tid (IceTurnClient *c,
                        guint8 tid[ICE_STUN_TRANSACTION_ID_SIZE])
{
  guint64 a = c->config.random (c->config.random_data);
  guint64 b = c->config.random (c->config.random_data);

  memcpy (tid, &a, 8);
  memcpy (tid + 8, &b, 4);
}

void
turn_client_queue_transmit (IceTurnClient *c, const guint8 *data, gsize len)
{
  IceTurnTransmit *t;

  g_return_if_fail (len <= sizeof (t->data));
  t = g_new (IceTurnTransmit, 1);
  t->to = c->config.server;
  t->len = len;
  memcpy (t->data, data, len);
  g_queue_push_tail (&c->transmits, t);
}

IceTurnEvent *
turn_client_push_event (IceTurnClient *c, IceTurnEventType type,
                        IceTurnOperation op)
{
  IceTurnEvent *e = g_new0 (IceTurnEvent, 1);

  e->type = type;
  e->operation = op;
  g_queue_push_tail (&c->events, e);
  return e;
}

/**
 * turn_client_push_error:
 * @code: a STUN error code, or 0 (timeout, local failure)
 * @fatal: the allocation is gone or was refused
 * @peer: (nullable): the peer of a permission or channel
 *
 * Queues an ERROR event whose message starts with the operation's name.
 */
void
turn_client_push_error (IceTurnClient *c, IceTurnOperation op, guint code,
                        gboolean fatal, const IceTransportAddr *peer,
                        const gchar *format, ...)
{
  IceTurnEvent *e = turn_client_push_event (c, ICE_TURN_EVENT_ERROR, op);
  gchar detail[ICE_TURN_MESSAGE_MAX];
  va_list args;

  va_start (args, format);
  g_vsnprintf (detail, sizeof detail, format, args);
  va_end (args);
  e->error_code = code;
  e->fatal = fatal;
  if (peer)
    e->peer = *peer;
  g_snprintf (e->message, sizeof e->message, "%s failed: %s",
              ice_turn_operation_to_string (op), detail);
  g_debug ("TURN client %p: %s", (gpointer)c, e->message);
}

/**
 * turn_client_fail:
 *
 * The allocation is refused or lost: a fatal ERROR event (with @lost when
 * it existed), state FAILED, nothing more is sent.
 */
void
turn_client_fail (IceTurnClient *c, IceTurnOperation op, guint code,
                  const gchar *what)
{
  IceTurnEvent *e;

  turn_client_push_error (c, op, code, TRUE, NULL, "%s", what);
  e = g_queue_peek_tail (&c->events);
  e->lost = c->state == ICE_TURN_CLIENT_ALLOCATED;
  turn_request_cancel_all (c);
  c->refresh_at_us = -1;
  c->flush_at_us = -1;
  turn_client_set_state (c, ICE_TURN_CLIENT_FAILED);
}

/**
 * ice_turn_client_allocate:
 * @now_us: the current time
 *
 * Sends the first Allocate (without credentials: the server's 401 tells
 * the realm and nonce, RFC 8656 §7.1). An ALLOCATED or ERROR event follows.
 *
 * Returns: FALSE if the client is not IDLE.
 */
gboolean
ice_turn_client_allocate (IceTurnClient *client, gint64 now_us)
{
  g_return_val_if_fail (client != NULL, FALSE);

  if (client->state != ICE_TURN_CLIENT_IDLE) {
    g_warning ("allocate: expected an idle client, it is %s",
               ice_turn_client_state_to_string (client->state));
    return FALSE;
  }
  turn_client_set_state (client, ICE_TURN_CLIENT_ALLOCATING);
  /* a request that does not fit fails the client (turn_request_send) */
  return turn_request_send (client, turn_request_new (ICE_TURN_OP_ALLOCATE),
                            now_us);
}

static gboolean
client_accepts_peers (IceTurnClient *c, const IceTransportAddr *peer,
                      const gchar *what)
{
  if (peer == NULL || !ice_addr_is_set (peer)) {
    g_warning ("%s: expected a peer address", what);
    return FALSE;
  }
  if (c->state != ICE_TURN_CLIENT_ALLOCATING
      && c->state != ICE_TURN_CLIENT_ALLOCATED) {
    g_warning ("%s: expected an allocating or allocated client, it is %s", what,
               ice_turn_client_state_to_string (c->state));
    return FALSE;
  }
  return TRUE;
}

/**
 * ice_turn_client_add_permission:
 * @peer: the peer; only its IP counts (RFC 8656 §9)
 *
 * Installs a permission for @peer's IP and keeps it refreshed. Peers added
 * at the same @now_us go in one CreatePermission, sent at the next
 * poll_transmit or handle_timeout (and not before the allocation exists).
 * PERMISSION_CREATED follows, or a non-fatal ERROR naming @peer.
 *
 * Returns: FALSE if the client cannot take permissions now.
 */
gboolean
ice_turn_client_add_permission (IceTurnClient *client,
                                const IceTransportAddr *peer, gint64 now_us)
{
  g_return_val_if_fail (client != NULL, FALSE);

  if (!client_accepts_peers (client, peer, "add_permission"))
    return FALSE;
  if (turn_permission_add (client, peer) && client->flush_at_us < 0)
    client->flush_at_us = now_us;
  return TRUE;
}

/**
 * ice_turn_client_bind_channel:
 * @peer: the peer transport address
 *
 * Binds a channel to @peer (which also installs a permission for its IP,
 * RFC 8656 §11.2) and keeps it refreshed. Until CHANNEL_BOUND, data to
 * @peer goes in Send indications.
 *
 * Returns: FALSE if the client cannot bind now or no channel number is
 *   left.
 */
gboolean
ice_turn_client_bind_channel (IceTurnClient *client,
                              const IceTransportAddr *peer, gint64 now_us)
{
  g_return_val_if_fail (client != NULL, FALSE);

  if (!client_accepts_peers (client, peer, "bind_channel"))
    return FALSE;
  if (!turn_channel_add (client, peer))
    return FALSE;
  if (client->flush_at_us < 0)
    client->flush_at_us = now_us;
  return TRUE;
}

/**
 * turn_client_fail_unanswered:
 *
 * A request on the allocation ran out of retransmissions: the server is
 * down or restarted behind a new address, and an allocation that nothing
 * can refresh is as good as lost (RFC 8656 §8: it expires unrefreshed).
 */
void
turn_client_fail_unanswered (IceTurnClient *c, IceTurnOperation op)
{
  turn_client_fail (c, op, 0,
                    "no response from the server: the allocation is "
                    "presumed lost");
}

/**
 * ice_turn_client_probe:
 * @now_us: the current time
 *
 * Asks the server at once whether it still has the allocation: a Refresh
 * (with the configured LIFETIME) that gives up after 5.5 s without an
 * answer. The owner calls it when the path through the relay went silent
 * (e.g. consent checks unanswered): a server that restarted answers 437
 * (RFC 8656 §7.3), a server that is down does not answer; both end in a
 * fatal ERROR event with @lost set. A success is a REFRESHED event.
 *
 * Returns: FALSE if the client is not allocated or a Refresh is already
 *   in flight.
 */
gboolean
ice_turn_client_probe (IceTurnClient *client, gint64 now_us)
{
  TurnRequest *r;

  g_return_val_if_fail (client != NULL, FALSE);

  if (client->state != ICE_TURN_CLIENT_ALLOCATED
      || turn_request_pending (client, ICE_TURN_OP_REFRESH))
    return FALSE;
  r = turn_request_new (ICE_TURN_OP_REFRESH);
  r->lifetime_s = client->config.lifetime_s;
  r->probe = TRUE;
  return turn_request_send (client, r, now_us);
}

/**
 * ice_turn_client_deallocate:
 *
 * RFC 8656 §8: a Refresh with LIFETIME 0 releases the allocation. The
 * DEALLOCATED event follows the answer (or its timeout); a client that had
 * no allocation reports DEALLOCATED at once.
 */
void
ice_turn_client_deallocate (IceTurnClient *client, gint64 now_us)
{
  TurnRequest *r;

  g_return_if_fail (client != NULL);

  if (client->state == ICE_TURN_CLIENT_DEALLOCATING
      || client->state == ICE_TURN_CLIENT_DEALLOCATED)
    return;
  turn_request_cancel_all (client);
  client->refresh_at_us = -1;
  client->flush_at_us = -1;
  if (client->state != ICE_TURN_CLIENT_ALLOCATED) {
    turn_client_set_state (client, ICE_TURN_CLIENT_DEALLOCATED);
    turn_client_push_event (client, ICE_TURN_EVENT_DEALLOCATED,
                            ICE_TURN_OP_DEALLOCATE);
    return;
  }
  turn_client_set_state (client, ICE_TURN_CLIENT_DEALLOCATING);
  r = turn_request_new (ICE_TURN_OP_DEALLOCATE);
  r->lifetime_s = 0;
  if (!turn_request_send (client, r, now_us)) {
    turn_client_set_state (client, ICE_TURN_CLIENT_DEALLOCATED);
    turn_client_push_event (client, ICE_TURN_EVENT_DEALLOCATED,
                            ICE_TURN_OP_DEALLOCATE);
  }
}
