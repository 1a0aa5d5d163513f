/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One client transaction's retransmission timer (RFC 8489 §6.2.1, §6.2.2),
 * sans-IO: time is an argument, the owner sends the bytes.
 */
#ifndef __ICE_STUN_TRANSACTION_H__
#define __ICE_STUN_TRANSACTION_H__

#include <glib.h>

G_BEGIN_DECLS

/* RFC 8489 §6.2.1 defaults */
#define ICE_STUN_DEFAULT_RTO_US (500 * G_TIME_SPAN_MILLISECOND)
#define ICE_STUN_DEFAULT_RC 7
#define ICE_STUN_DEFAULT_RM 16
/* RFC 8489 §6.2.2: reliable transports wait Ti = 39.5 s, no retransmits */
#define ICE_STUN_RELIABLE_TIMEOUT_US (39500 * G_TIME_SPAN_MILLISECOND)

typedef enum {
  ICE_STUN_TRANSACTION_IDLE = 0, /* zero-initialised, not started */
  ICE_STUN_TRANSACTION_WAITING,  /* sent, waiting for a response */
  ICE_STUN_TRANSACTION_DONE,     /* the owner said a response arrived */
  ICE_STUN_TRANSACTION_TIMED_OUT,
  ICE_STUN_TRANSACTION_CANCELLED,
} IceStunTransactionState;

typedef enum {
  ICE_STUN_TIMEOUT_NOTHING = 0, /* not due yet, or already finished */
  ICE_STUN_TIMEOUT_RETRANSMIT,  /* send the request again now */
  ICE_STUN_TIMEOUT_FAILED,      /* no response: the transaction failed */
} IceStunTimeoutAction;

/**
 * IceStunTransaction:
 * A plain struct meant to be embedded in the owner's record. Start it when
 * the first request is sent; call handle_timeout at next_timeout().
 */
typedef struct {
  IceStunTransactionState state;
  gboolean reliable;
  guint rc;      /* total number of sends allowed */
  guint rm;      /* last wait = rm * rto */
  gint64 rto_us; /* initial RTO */
  guint sent;    /* sends so far, the first included */
  gint64 start_us;
  gint64 deadline_us;
} IceStunTransaction;

/* Starts with the first send at @now_us. @rto_us <= 0 selects the default;
 * @rc and @rm of 0 select the defaults. The RTO doubles after each send
 * (RFC 8489 §6.2.1); after the Rc-th send the wait is Rm * @rto_us, then
 * the transaction fails. Reliable: one send, failure after Ti (§6.2.2).
 * Each wait is counted from the @now_us at which the send happened, so a
 * late timer delays the rest of the schedule instead of bunching sends.
 * A started transaction may be started again (a new request). */
void ice_stun_transaction_start (IceStunTransaction *t, gint64 now_us,
                                 gint64 rto_us, guint rc, guint rm,
                                 gboolean reliable);
/* Reliable (RFC 8489 §6.2.2: one send, no retransmission) with a wait of
 * @timeout_us instead of Ti: a caller that cannot wait 39.5 s (gathering)
 * gives up sooner. @timeout_us <= 0 selects Ti. */
void ice_stun_transaction_start_reliable (IceStunTransaction *t, gint64 now_us,
                                          gint64 timeout_us);
/* Absolute deadline in µs, or -1 when not waiting (idle or finished). */
gint64 ice_stun_transaction_next_timeout (const IceStunTransaction *t);
/* NOTHING before the deadline or when not waiting; else RETRANSMIT (the
 * owner sends the same request again) or FAILED (state TIMED_OUT). One
 * action per call. */
IceStunTimeoutAction ice_stun_transaction_handle_timeout (IceStunTransaction *t,
                                                          gint64 now_us);
/* A response arrived (DONE) or the owner gave up (CANCELLED). Either
 * stops the timer; a finished transaction is left as it is. */
void ice_stun_transaction_complete (IceStunTransaction *t);
void ice_stun_transaction_cancel (IceStunTransaction *t);
/* TRUE while WAITING. */
gboolean ice_stun_transaction_is_active (const IceStunTransaction *t);
const gchar *
ice_stun_transaction_state_to_string (IceStunTransactionState state);

G_END_DECLS
#endif /* __ICE_STUN_TRANSACTION_H__ */
