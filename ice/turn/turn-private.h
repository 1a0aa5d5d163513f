/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The TURN client's insides, shared by the files of ice/turn/ (one concern
 * each: auth, requests, allocation, permissions, channels, data).
 */
#ifndef __ICE_TURN_PRIVATE_H__
#define __ICE_TURN_PRIVATE_H__

#include "ice/turn/turn-client.h"
#include "ice/turn/turn-framing.h"
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"
#include "ice/stun/stun-transaction.h"

G_BEGIN_DECLS

/* RFC 8656 §9: permissions last 300 s; we refresh a minute early */
#define TURN_PERMISSION_LIFETIME_US (300 * G_TIME_SPAN_SECOND)
#define TURN_PERMISSION_REFRESH_US (240 * G_TIME_SPAN_SECOND)
/* RFC 8656 §12: channel bindings last 600 s; refreshed a minute early */
#define TURN_CHANNEL_LIFETIME_US (600 * G_TIME_SPAN_SECOND)
#define TURN_CHANNEL_REFRESH_US (540 * G_TIME_SPAN_SECOND)
/* Several XOR-PEER-ADDRESS fit in one CreatePermission (RFC 8656 §10.1);
 * this many keeps the request far below the MTU. */
#define TURN_MAX_PEERS_PER_REQUEST 16
/* 401/438 retries of one request before giving up: a server that keeps
 * changing its nonce must not make us loop. */
#define TURN_MAX_AUTH_RETRIES 3
/* RFC 8489 §14.9, §14.10: REALM and NONCE are under 128 characters, up
 * to 763 bytes */
#define TURN_TEXT_MAX 764
/* A probing Refresh (ice_turn_client_probe()) asks whether the server
 * still has the allocation when the path through it went silent: it
 * gives up after 4 sends over 5.5 s (RTO 500 ms, Rc 4, Rm 4) instead of
 * the 39.5 s of RFC 8489 §6.2.1, so a dead server is noticed before
 * consent (30 s, RFC 7675) runs out. */
#define TURN_PROBE_RC 4
#define TURN_PROBE_RM 4

/* --- long-term credentials (turn-auth.c) --------------------------------- */

typedef enum {
  TURN_AUTH_RETRY = 0, /* send the request again, with credentials */
  TURN_AUTH_FAIL,      /* give up: see the reason */
} TurnAuthVerdict;

typedef struct {
  gchar *username;
  gchar *password;
  gchar *expected_realm; /* from the config, or NULL */
  gchar realm[TURN_TEXT_MAX];
  guint8 nonce[TURN_TEXT_MAX];
  gsize nonce_len;
  gboolean challenged; /* realm and nonce known, key derived */
  guint32 features;    /* nonce cookie bits, RFC 8489 §9.2 */
  IceStunPasswordAlgorithm algorithm;
  guint8 algorithms_raw[64]; /* PASSWORD-ALGORITHMS as received */
  gsize algorithms_raw_len;
  IceStunKey key;
} TurnAuth;

void turn_auth_init (TurnAuth *auth, const gchar *username,
                     const gchar *password, const gchar *realm);
void turn_auth_clear (TurnAuth *auth);
gboolean turn_auth_add_credentials (TurnAuth *auth, IceStunBuilder *b);
gboolean turn_auth_add_integrity (TurnAuth *auth, IceStunBuilder *b);
TurnAuthVerdict turn_auth_handle_challenge (TurnAuth *auth,
                                            const IceStunMessage *msg,
                                            guint code,
                                            gboolean had_credentials,
                                            gchar *why, gsize why_size);
IceStunCheck turn_auth_check_response (TurnAuth *auth,
                                       const IceStunMessage *msg);

/* --- requests (turn-request.c) ------------------------------------------- */

typedef struct {
  IceTurnOperation op;
  guint8 tid[ICE_STUN_TRANSACTION_ID_SIZE];
  IceStunTransaction txn;
  guint8 msg[ICE_STUN_MAX_MESSAGE_SIZE];
  gsize len;
  gboolean had_credentials;
  guint auth_retries;
  guint32 lifetime_s; /* Refresh: LIFETIME to send */
  guint n_peers;      /* CreatePermission, ChannelBind */
  IceTransportAddr peers[TURN_MAX_PEERS_PER_REQUEST];
  guint16 channel; /* ChannelBind */
  gboolean probe;  /* Refresh sent by ice_turn_client_probe() */
} TurnRequest;

TurnRequest *turn_request_new (IceTurnOperation op);
gboolean turn_request_send (IceTurnClient *c, TurnRequest *r, gint64 now_us);
IceTurnPacketResult turn_request_handle_response (IceTurnClient *c,
                                                  gint64 now_us,
                                                  const IceStunMessage *msg);
void turn_request_handle_timeouts (IceTurnClient *c, gint64 now_us);
gint64 turn_request_next_timeout (IceTurnClient *c);
void turn_request_cancel_all (IceTurnClient *c);
gboolean turn_request_pending (IceTurnClient *c, IceTurnOperation op);

/* --- the client ------------------------------------------------------------
 */

typedef struct {
  IceTransportAddr ip; /* port ignored (RFC 8656 §9) */
  gboolean installed;
  gboolean wanted; /* not yet asked for */
  gboolean in_flight;
  gboolean failed;
  gint64 expires_us;
  gint64 refresh_at_us;
} TurnPermission;

typedef struct {
  IceTransportAddr peer;
  guint16 number;
  gboolean bound;
  gboolean wanted;
  gboolean in_flight;
  gboolean failed;
  gint64 expires_us;
  gint64 refresh_at_us;
} TurnChannel;

struct _IceTurnClient {
  IceTurnClientConfig config; /* strings owned by @auth and below */
  gchar *software;
  gboolean reliable; /* TCP or TLS to the server */
  IceTurnClientState state;
  TurnAuth auth;

  IceTransportAddr relayed;
  IceTransportAddr relayed_additional;
  IceTransportAddr mapped;
  guint32 lifetime_s;
  gint64 expires_us;
  gint64 refresh_at_us; /* -1 when no refresh is due */

  GPtrArray *requests; /* TurnRequest *, owned */
  GArray *permissions; /* TurnPermission */
  GArray *channels;    /* TurnChannel */
  guint16 next_channel;
  gint64 flush_at_us; /* wanted permissions/channels, or -1 */
  GQueue transmits;   /* IceTurnTransmit *, owned */
  GQueue events;      /* IceTurnEvent *, owned */
  IceTurnStats stats;
};

void turn_client_set_state (IceTurnClient *c, IceTurnClientState state);
void turn_client_queue_transmit (IceTurnClient *c, const guint8 *data,
                                 gsize len);
IceTurnEvent *turn_client_push_event (IceTurnClient *c, IceTurnEventType type,
                                      IceTurnOperation op);
void turn_client_push_error (IceTurnClient *c, IceTurnOperation op, guint code,
                             gboolean fatal, const IceTransportAddr *peer,
                             const gchar *format, ...) G_GNUC_PRINTF (6, 7);
void turn_client_fail (IceTurnClient *c, IceTurnOperation op, guint code,
                       const gchar *what);
void turn_client_random_tid (IceTurnClient *c,
                             guint8 tid[ICE_STUN_TRANSACTION_ID_SIZE]);

/* --- allocation and refresh (turn-allocate.c) ------------------------------
 */

gboolean turn_allocate_add_attributes (IceTurnClient *c, TurnRequest *r,
                                       IceStunBuilder *b);
gboolean turn_refresh_add_attributes (IceTurnClient *c, TurnRequest *r,
                                      IceStunBuilder *b);
void turn_allocate_on_success (IceTurnClient *c, TurnRequest *r,
                               const IceStunMessage *msg, gint64 now_us);
void turn_refresh_on_success (IceTurnClient *c, TurnRequest *r,
                              const IceStunMessage *msg, gint64 now_us);
void turn_allocate_on_error (IceTurnClient *c, TurnRequest *r,
                             const IceStunMessage *msg, guint code,
                             const gchar *reason, gint64 now_us);
void turn_refresh_on_error (IceTurnClient *c, TurnRequest *r,
                            const IceStunMessage *msg, guint code,
                            const gchar *reason);
void turn_allocate_handle_timeout (IceTurnClient *c, gint64 now_us);
gint64 turn_allocate_next_timeout (IceTurnClient *c);

/* --- permissions (turn-permission.c) ---------------------------------------
 */

TurnPermission *turn_permission_find (IceTurnClient *c,
                                      const IceTransportAddr *ip);
gboolean turn_permission_add (IceTurnClient *c, const IceTransportAddr *peer);
void turn_permission_note_installed (IceTurnClient *c,
                                     const IceTransportAddr *ip, gint64 now_us);
gboolean turn_permission_allows (IceTurnClient *c, const IceTransportAddr *peer,
                                 gint64 now_us);
void turn_permission_flush (IceTurnClient *c, gint64 now_us);
gboolean turn_permission_add_attributes (IceTurnClient *c, TurnRequest *r,
                                         IceStunBuilder *b);
void turn_permission_on_success (IceTurnClient *c, TurnRequest *r,
                                 gint64 now_us);
void turn_permission_on_error (IceTurnClient *c, TurnRequest *r, guint code,
                               const gchar *reason);
void turn_client_fail_unanswered (IceTurnClient *c, IceTurnOperation op);
gint64 turn_permission_next_timeout (IceTurnClient *c);

/* --- channels (turn-channel.c) ---------------------------------------------
 */

TurnChannel *turn_channel_find_peer (IceTurnClient *c,
                                     const IceTransportAddr *peer);
TurnChannel *turn_channel_find_number (IceTurnClient *c, guint16 number);
gboolean turn_channel_add (IceTurnClient *c, const IceTransportAddr *peer);
void turn_channel_flush (IceTurnClient *c, gint64 now_us);
gboolean turn_channel_add_attributes (IceTurnClient *c, TurnRequest *r,
                                      IceStunBuilder *b);
void turn_channel_on_success (IceTurnClient *c, TurnRequest *r, gint64 now_us);
void turn_channel_on_error (IceTurnClient *c, TurnRequest *r, guint code,
                            const gchar *reason);
gint64 turn_channel_next_timeout (IceTurnClient *c);

/* --- peer data (turn-data.c) -----------------------------------------------
 */

IceTurnPacketResult
turn_data_handle_indication (IceTurnClient *c, gint64 now_us,
                             const IceStunMessage *msg, IceTransportAddr *peer,
                             gsize *payload_offset, gsize *payload_len);
IceTurnPacketResult turn_data_handle_channel_data (
    IceTurnClient *c, gint64 now_us, const guint8 *data, gsize len,
    IceTransportAddr *peer, gsize *payload_offset, gsize *payload_len);

G_END_DECLS
#endif /* __ICE_TURN_PRIVATE_H__ */
