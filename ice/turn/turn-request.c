/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The client's outstanding requests (Allocate, Refresh, CreatePermission,
 * ChannelBind): building each with credentials, retransmitting it (RFC
 * 8489 §6.2), matching responses by transaction id, answering 401/438 with
 * a new request that carries the new nonce, and handing results to the
 * file that owns the operation.
 */
#define G_LOG_DOMAIN "ice-turn"

#include "ice/turn/turn-private.h"

#include <string.h>

static const guint16 op_methods[] = {
  [ICE_TURN_OP_ALLOCATE] = ICE_STUN_METHOD_ALLOCATE,
  [ICE_TURN_OP_REFRESH] = ICE_STUN_METHOD_REFRESH,
  [ICE_TURN_OP_PERMISSION] = ICE_STUN_METHOD_CREATE_PERMISSION,
  [ICE_TURN_OP_CHANNEL_BIND] = ICE_STUN_METHOD_CHANNEL_BIND,
  [ICE_TURN_OP_DEALLOCATE] = ICE_STUN_METHOD_REFRESH,
};

TurnRequest *
turn_request_new (IceTurnOperation op)
{
  TurnRequest *r = g_new0 (TurnRequest, 1);

  r->op = op;
  return r;
}

/* Takes @r out of the table (without freeing it): the caller frees it
 * after its handler ran, and the handler may add new requests. */
static void
request_finish (IceTurnClient *c, TurnRequest *r)
{
  guint index;

  ice_stun_transaction_complete (&r->txn);
  if (g_ptr_array_find (c->requests, r, &index))
    g_ptr_array_steal_index_fast (c->requests, index);
}

static gboolean
request_add_op_attributes (IceTurnClient *c, TurnRequest *r, IceStunBuilder *b)
{
  switch (r->op) {
    case ICE_TURN_OP_ALLOCATE:
      return turn_allocate_add_attributes (c, r, b);
    case ICE_TURN_OP_REFRESH:
    case ICE_TURN_OP_DEALLOCATE:
      return turn_refresh_add_attributes (c, r, b);
    case ICE_TURN_OP_PERMISSION:
      return turn_permission_add_attributes (c, r, b);
    case ICE_TURN_OP_CHANNEL_BIND:
      return turn_channel_add_attributes (c, r, b);
  }
  return FALSE;
}

/* Builds the request afresh with a new transaction id (a retry after a
 * challenge is a new transaction, RFC 8489 §9.2.5). */
static gboolean
request_build (IceTurnClient *c, TurnRequest *r)
{
  IceStunBuilder b;
  gboolean ok;

  turn_client_random_tid (c, r->tid);
  ice_stun_builder_init (&b, r->msg, sizeof (r->msg), ICE_STUN_CLASS_REQUEST,
                         op_methods[r->op], r->tid);
  ok = request_add_op_attributes (c, r, &b);
  if (c->software)
    ok &= ice_stun_builder_add_string (&b, ICE_STUN_ATTR_SOFTWARE, c->software);
  ok &= turn_auth_add_credentials (&c->auth, &b);
  ok &= turn_auth_add_integrity (&c->auth, &b);
  ok &= ice_stun_builder_add_fingerprint (&b);
  r->len = ice_stun_builder_finish (&b);
  r->had_credentials = c->auth.challenged;
  return ok && r->len > 0;
}

/**
 * turn_request_send:
 * @r: (transfer full): a request; kept until it completes
 *
 * Builds, queues and starts the transaction of @r. On failure @r is freed.
 */
gboolean
turn_request_send (IceTurnClient *c, TurnRequest *r, gint64 now_us)
{
  if (!request_build (c, r)) {
    IceTurnOperation op = r->op;

    request_finish (c, r);
    g_free (r);
    /* Reachable from the network: every request echoes the server's REALM
     * and NONCE (up to 763 bytes each, RFC 8489 §14.9, §14.10), so a long
     * challenge plus a long USERNAME cannot fit. Later requests would carry
     * the same attributes: the allocation is given up with a reason. */
    if (op != ICE_TURN_OP_DEALLOCATE && c->state != ICE_TURN_CLIENT_FAILED)
      turn_client_fail (c, op, 0,
                        "the request with the server's REALM and NONCE is "
                        "too long for one STUN message");
    return FALSE;
  }
  if (!g_ptr_array_find (c->requests, r, NULL))
    g_ptr_array_add (c->requests, r);
  ice_stun_transaction_start (&r->txn, now_us, c->config.rto_us,
                              r->probe ? TURN_PROBE_RC : 0,
                              r->probe ? TURN_PROBE_RM : 0, c->reliable);
  turn_client_queue_transmit (c, r->msg, r->len);
  c->stats.requests_sent++;
  return TRUE;
}

static TurnRequest *
request_find (IceTurnClient *c, const guint8 *tid)
{
  guint i;

  for (i = 0; i < c->requests->len; i++) {
    TurnRequest *r = g_ptr_array_index (c->requests, i);

    if (memcmp (r->tid, tid, ICE_STUN_TRANSACTION_ID_SIZE) == 0)
      return r;
  }
  return NULL;
}

static void
request_dispatch_success (IceTurnClient *c, TurnRequest *r,
                          const IceStunMessage *msg, gint64 now_us)
{
  switch (r->op) {
    case ICE_TURN_OP_ALLOCATE:
      turn_allocate_on_success (c, r, msg, now_us);
      break;
    case ICE_TURN_OP_REFRESH:
    case ICE_TURN_OP_DEALLOCATE:
      turn_refresh_on_success (c, r, msg, now_us);
      break;
    case ICE_TURN_OP_PERMISSION:
      turn_permission_on_success (c, r, now_us);
      break;
    case ICE_TURN_OP_CHANNEL_BIND:
      turn_channel_on_success (c, r, now_us);
      break;
  }
}

/* @msg is NULL for a timeout or a local failure (code 0). */
static void
request_dispatch_error (IceTurnClient *c, TurnRequest *r,
                        const IceStunMessage *msg, guint code,
                        const gchar *reason, gint64 now_us)
{
  switch (r->op) {
    case ICE_TURN_OP_ALLOCATE:
      turn_allocate_on_error (c, r, msg, code, reason, now_us);
      break;
    case ICE_TURN_OP_REFRESH:
    case ICE_TURN_OP_DEALLOCATE:
      turn_refresh_on_error (c, r, msg, code, reason);
      break;
    case ICE_TURN_OP_PERMISSION:
      turn_permission_on_error (c, r, code, reason);
      break;
    case ICE_TURN_OP_CHANNEL_BIND:
      turn_channel_on_error (c, r, code, reason);
      break;
  }
}

static void
request_handle_error (IceTurnClient *c, TurnRequest *r,
                      const IceStunMessage *msg, gint64 now_us)
{
  guint code = 0;
  const gchar *reason = NULL;
  gsize reason_len = 0;
  gchar why[ICE_TURN_MESSAGE_MAX];

  if (!ice_stun_message_get_error_code (msg, &code, &reason, &reason_len)) {
    code = ICE_STUN_ERROR_SERVER_ERROR;
    reason = "error response without ERROR-CODE";
    reason_len = strlen (reason);
  }
  g_snprintf (why, sizeof why, "%u %.*s", code, (int)MIN (reason_len, 100),
              reason);
  if ((code == ICE_STUN_ERROR_UNAUTHORIZED
       || code == ICE_STUN_ERROR_STALE_NONCE)
      && r->auth_retries < TURN_MAX_AUTH_RETRIES) {
    if (turn_auth_handle_challenge (&c->auth, msg, code, r->had_credentials,
                                    why, sizeof why)
        == TURN_AUTH_RETRY) {
      IceTurnOperation op = r->op;

      r->auth_retries++;
      if (code == ICE_STUN_ERROR_STALE_NONCE)
        c->stats.stale_nonces[op]++;
      /* a failed send has freed @r; only a too long nonce gets there */
      if (!turn_request_send (c, r, now_us))
        turn_client_fail (c, op, 0, "the retry does not fit in a message");
      return;
    }
  }
  request_finish (c, r);
  request_dispatch_error (c, r, msg, code, why, now_us);
  g_free (r);
}

/**
 * turn_request_handle_response:
 *
 * Returns: NOT_TURN if no request of ours has this transaction id,
 *   DROPPED if it fails the integrity check, else HANDLED.
 */
IceTurnPacketResult
turn_request_handle_response (IceTurnClient *c, gint64 now_us,
                              const IceStunMessage *msg)
{
  TurnRequest *r = request_find (c, msg->transaction_id);
  IceStunCheck check;

  if (r == NULL)
    return ICE_TURN_PACKET_NOT_TURN;
  check = r->had_credentials ? turn_auth_check_response (&c->auth, msg)
                             : ICE_STUN_CHECK_ABSENT;
  /* RFC 8489 §9.2.5: a bad MAC is discarded as if never received; a
   * success without one cannot be trusted either. Error responses
   * (401/438 in particular) may come without. */
  if (check == ICE_STUN_CHECK_BAD
      || (check == ICE_STUN_CHECK_ABSENT && r->had_credentials
          && msg->klass == ICE_STUN_CLASS_SUCCESS)) {
    g_debug ("%s response fails integrity (%s): dropped",
             ice_turn_operation_to_string (r->op),
             ice_stun_check_to_string (check));
    c->stats.dropped_unauthenticated++;
    return ICE_TURN_PACKET_DROPPED;
  }
  if (msg->klass == ICE_STUN_CLASS_ERROR) {
    request_handle_error (c, r, msg, now_us);
    return ICE_TURN_PACKET_HANDLED;
  }
  request_finish (c, r);
  request_dispatch_success (c, r, msg, now_us);
  g_free (r);
  return ICE_TURN_PACKET_HANDLED;
}

/**
 * turn_request_handle_timeouts:
 *
 * Retransmits what is due; a request that ran out of retransmissions
 * (RFC 8489 §6.2.1) is reported to its owner as code 0.
 */
void
turn_request_handle_timeouts (IceTurnClient *c, gint64 now_us)
{
  guint i = 0;

  while (i < c->requests->len) {
    TurnRequest *r = g_ptr_array_index (c->requests, i);

    switch (ice_stun_transaction_handle_timeout (&r->txn, now_us)) {
      case ICE_STUN_TIMEOUT_RETRANSMIT:
        turn_client_queue_transmit (c, r->msg, r->len);
        c->stats.retransmits++;
        i++;
        break;
      case ICE_STUN_TIMEOUT_FAILED:
        g_ptr_array_steal_index_fast (c->requests, i);
        request_dispatch_error (c, r, NULL, 0, "no response from the server",
                                now_us);
        g_free (r);
        /* the handler may have added or removed requests: start over */
        i = 0;
        break;
      case ICE_STUN_TIMEOUT_NOTHING:
        i++;
        break;
    }
  }
}

gint64
turn_request_next_timeout (IceTurnClient *c)
{
  gint64 next = -1;
  guint i;

  for (i = 0; i < c->requests->len; i++) {
    TurnRequest *r = g_ptr_array_index (c->requests, i);
    gint64 t = ice_stun_transaction_next_timeout (&r->txn);

    if (t >= 0 && (next < 0 || t < next))
      next = t;
  }
  return next;
}

void
turn_request_cancel_all (IceTurnClient *c)
{
  g_ptr_array_set_size (c->requests, 0);
}

gboolean
turn_request_pending (IceTurnClient *c, IceTurnOperation op)
{
  guint i;

  for (i = 0; i < c->requests->len; i++) {
    TurnRequest *r = g_ptr_array_index (c->requests, i);

    if (r->op == op)
      return TRUE;
  }
  return FALSE;
}
