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

typedef enum
{
  ICE_STUN_TRANSACTION_WAITING = 0,     /* sent, waiting for a response */
  ICE_STUN_TRANSACTION_DONE,    /* the owner said a response arrived */
  ICE_STUN_TRANSACTION_TIMED_OUT,
  ICE_STUN_TRANSACTION_CANCELLED,
} IceStunTransactionState;

typedef enum
{
  ICE_STUN_TIMEOUT_NOTHING = 0, /* not due yet, or already finished */
  ICE_STUN_TIMEOUT_RETRANSMIT,  /* send the request again now */
  ICE_STUN_TIMEOUT_FAILED,      /* no response: the transaction failed */
} IceStunTimeoutAction;

/**
 * IceStunTransaction:
 * A plain struct meant to be embedded in the owner's record. Start it when
 * the first request is sent; call handle_timeout at next_timeout().
 */
typedef struct
{
  IceStunTransactionState state;
  gboolean reliable;
  guint rc;                     /* total number of sends allowed */
  guint rm;                     /* last wait = rm * rto */
  gint64 rto_us;                /* initial RTO */
  guint sent;                   /* sends so far, the first included */
  gint64 start_us;
  gint64 deadline_us;
} IceStunTransaction;

/* Starts with the first send at @now_us. @rto_us <= 0 selects the default;
 * @rc and @rm of 0 select the defaults. */
void ice_stun_transaction_start (IceStunTransaction * t, gint64 now_us,
    gint64 rto_us, guint rc, guint rm, gboolean reliable);
/* Absolute deadline in µs, or -1 once finished. */
gint64 ice_stun_transaction_next_timeout (const IceStunTransaction * t);
IceStunTimeoutAction ice_stun_transaction_handle_timeout (IceStunTransaction *
    t, gint64 now_us);
/* A response arrived (DONE) or the owner gave up (CANCELLED). */
void ice_stun_transaction_complete (IceStunTransaction * t);
void ice_stun_transaction_cancel (IceStunTransaction * t);
gboolean ice_stun_transaction_is_active (const IceStunTransaction * t);

G_END_DECLS
#endif /* __ICE_STUN_TRANSACTION_H__ */
