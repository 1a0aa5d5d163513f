/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One client transaction's retransmission timer (RFC 8489 §6.2.1, §6.2.2).
 * With the defaults (RTO 500 ms, Rc 7, Rm 16) an unreliable request is sent
 * at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s and fails at 39.5 s; over a
 * reliable transport it is sent once and fails at Ti = 39.5 s.
 */
#define G_LOG_DOMAIN "ice-stun"

#include "ice/stun/stun-transaction.h"

/* Waits longer than this are clamped: no transaction outlives an hour,
 * and a large Rc or RTO must not overflow the doubling. */
#define MAX_WAIT_US (3600 * G_TIME_SPAN_SECOND)

const gchar *
ice_stun_transaction_state_to_string (IceStunTransactionState state)
{
  switch (state) {
    case ICE_STUN_TRANSACTION_IDLE:
      return "idle";
    case ICE_STUN_TRANSACTION_WAITING:
      return "waiting";
    case ICE_STUN_TRANSACTION_DONE:
      return "done";
    case ICE_STUN_TRANSACTION_TIMED_OUT:
      return "timed-out";
    case ICE_STUN_TRANSACTION_CANCELLED:
      return "cancelled";
  }
  return "invalid";
}

static void
transaction_set_state (IceStunTransaction *t, IceStunTransactionState state)
{
  if (t->state == state)
    return;
  g_debug ("transaction %p: state changed from %s to %s", (gpointer)t,
           ice_stun_transaction_state_to_string (t->state),
           ice_stun_transaction_state_to_string (state));
  t->state = state;
}

/* How long to wait after the t->sent-th send. */
static gint64
wait_after_send (const IceStunTransaction *t)
{
  gint64 wait = t->rto_us;
  guint i;

  if (t->reliable)
    return ICE_STUN_RELIABLE_TIMEOUT_US;
  /* RFC 8489 §6.2.1: after the last send, wait Rm times the initial RTO */
  if (t->sent >= t->rc)
    return MIN ((gint64)t->rm * t->rto_us, MAX_WAIT_US);
  /* otherwise the RTO doubles after each send: RTO * 2^(sent - 1) */
  for (i = 1; i < t->sent && wait < MAX_WAIT_US; i++)
    wait *= 2;
  return MIN (wait, MAX_WAIT_US);
}

void
ice_stun_transaction_start (IceStunTransaction *t, gint64 now_us, gint64 rto_us,
                            guint rc, guint rm, gboolean reliable)
{
  g_return_if_fail (t != NULL);

  t->reliable = reliable;
  t->rto_us = rto_us > 0 ? MIN (rto_us, MAX_WAIT_US) : ICE_STUN_DEFAULT_RTO_US;
  t->rc = rc > 0 ? rc : ICE_STUN_DEFAULT_RC;
  t->rm = rm > 0 ? rm : ICE_STUN_DEFAULT_RM;
  t->sent = 1;
  t->start_us = now_us;
  t->deadline_us = now_us + wait_after_send (t);
  transaction_set_state (t, ICE_STUN_TRANSACTION_WAITING);
}

void
ice_stun_transaction_start_reliable (IceStunTransaction *t, gint64 now_us,
                                     gint64 timeout_us)
{
  g_return_if_fail (t != NULL);

  ice_stun_transaction_start (t, now_us, 0, 0, 0, TRUE);
  if (timeout_us > 0)
    t->deadline_us = now_us + timeout_us;
}

gint64
ice_stun_transaction_next_timeout (const IceStunTransaction *t)
{
  g_return_val_if_fail (t != NULL, -1);

  return t->state == ICE_STUN_TRANSACTION_WAITING ? t->deadline_us : -1;
}

IceStunTimeoutAction
ice_stun_transaction_handle_timeout (IceStunTransaction *t, gint64 now_us)
{
  g_return_val_if_fail (t != NULL, ICE_STUN_TIMEOUT_NOTHING);

  if (t->state != ICE_STUN_TRANSACTION_WAITING || now_us < t->deadline_us)
    return ICE_STUN_TIMEOUT_NOTHING;
  if (t->reliable || t->sent >= t->rc) {
    g_debug ("transaction %p: no response after %u sends and %" G_GINT64_FORMAT
             " ms",
             (gpointer)t, t->sent,
             (now_us - t->start_us) / G_TIME_SPAN_MILLISECOND);
    transaction_set_state (t, ICE_STUN_TRANSACTION_TIMED_OUT);
    return ICE_STUN_TIMEOUT_FAILED;
  }
  t->sent++;
  t->deadline_us = now_us + wait_after_send (t);
  return ICE_STUN_TIMEOUT_RETRANSMIT;
}

void
ice_stun_transaction_complete (IceStunTransaction *t)
{
  g_return_if_fail (t != NULL);

  if (t->state == ICE_STUN_TRANSACTION_WAITING)
    transaction_set_state (t, ICE_STUN_TRANSACTION_DONE);
}

void
ice_stun_transaction_cancel (IceStunTransaction *t)
{
  g_return_if_fail (t != NULL);

  if (t->state == ICE_STUN_TRANSACTION_WAITING)
    transaction_set_state (t, ICE_STUN_TRANSACTION_CANCELLED);
}

gboolean
ice_stun_transaction_is_active (const IceStunTransaction *t)
{
  g_return_val_if_fail (t != NULL, FALSE);

  return t->state == ICE_STUN_TRANSACTION_WAITING;
}
