/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internals of the virtual TURN server shared by ice-vturn.c (node,
 * dispatch, timers, responses), ice-vturn-auth.c (long-term credentials),
 * ice-vturn-alloc.c (Allocate, Refresh, relay ports) and ice-vturn-relay.c
 * (permissions, channels, relaying).
 */
#ifndef __ICE_VTURN_PRIVATE_H__
#define __ICE_VTURN_PRIVATE_H__

#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"
#include "ice/testing/ice-vturn.h"

G_BEGIN_DECLS

#define VTURN_TEXT_MAX 764
#define VTURN_SECONDS(s) ((gint64)(s)*G_USEC_PER_SEC)

typedef struct {
  gchar *name;
  gchar *password;
  guint8 userhash[ICE_STUN_USERHASH_SIZE];
} VturnUser;

/* RFC 8656 §9: a permission is for an IP; the port does not matter. */
typedef struct {
  IceTransportAddr ip;
  gint64 expires;
} VturnPermission;

typedef struct {
  guint16 number;
  IceTransportAddr peer;
  gint64 expires;
} VturnChannel;

typedef struct {
  IceTransportAddr client; /* the 5-tuple's remote side */
  IceTransportAddr relayed;
  gchar *username; /* RFC 8656 §5: later requests must match */
  guint8 transaction_id[ICE_STUN_TRANSACTION_ID_SIZE]; /* of the Allocate */
  guint32 lifetime_s;
  gint64 expires;
  GArray *permissions; /* VturnPermission */
  GArray *channels;    /* VturnChannel */
} VturnAllocation;

/* RFC 8656 §7.2: the odd port kept after an EVEN-PORT R=1 allocation. */
typedef struct {
  guint64 token;
  guint16 port;
  gint64 expires;
} VturnReservation;

struct _IceVturnServer {
  IceVnet *vnet;
  IceVstunServer *stun;
  guint host;
  IceTransportAddr address;
  IceVturnConfig config; /* strings below are the owned copies */
  gchar *realm;
  gchar *software;
  GPtrArray *users;   /* VturnUser * */
  GHashTable *nonces; /* gchar * -> gint64 * issue time */
  guint64 nonce_serial;
  GHashTable *by_client; /* IceTransportAddr * -> VturnAllocation * (owned) */
  GHashTable *by_port;   /* GUINT_TO_POINTER (port) -> VturnAllocation * */
  GArray *reservations;  /* VturnReservation */
  guint64 token_serial;
  guint64 indication_serial; /* transaction ids of Data indications */
  guint16 next_port;
  gint64 deadline; /* the armed timer: the earliest expiry, or -1 */
  IceVturnCounters counters;
};

/* A request being served: the authenticated user and key once
 * vturn_authenticate() has accepted it. */
typedef struct {
  const IceVnetDatagram *dgram;
  IceStunMessage msg;
  const VturnUser *user;
  IceStunKey key;
  gboolean sha256; /* answer with MESSAGE-INTEGRITY-SHA256 */
} VturnRequest;

/* ice-vturn.c */
void vturn_response_init (IceVturnServer *server, const VturnRequest *req,
                          IceStunBuilder *b, guint8 *buf, gsize size,
                          IceStunClass klass);
/* Adds SOFTWARE, the MAC of an authenticated request, FINGERPRINT; sends. */
void vturn_response_send (IceVturnServer *server, const VturnRequest *req,
                          IceStunBuilder *b);
void vturn_send_error (IceVturnServer *server, const VturnRequest *req,
                       guint code, const gchar *reason);
/* Recomputes the next deadline and arms the host timer. */
void vturn_schedule (IceVturnServer *server);
gint64 vturn_now (IceVturnServer *server);

/* ice-vturn-auth.c */
/* RFC 8489 §9.2.4; answers 400/401/438 itself and returns FALSE. */
gboolean vturn_authenticate (IceVturnServer *server, VturnRequest *req);
void vturn_nonces_prune (IceVturnServer *server);

/* ice-vturn-alloc.c */
void vturn_handle_allocate (IceVturnServer *server, VturnRequest *req);
void vturn_handle_refresh (IceVturnServer *server, VturnRequest *req);
void vturn_allocation_free (gpointer data);
/* Removes what expired; returns the earliest deadline left, or -1. */
gint64 vturn_allocations_sweep (IceVturnServer *server, gint64 now);
/* The allocation of the request's 5-tuple, answering 437 (and
 * returning NULL) without one, or 441 when another user made it. */
VturnAllocation *vturn_request_allocation (IceVturnServer *server,
                                           const VturnRequest *req);

/* ice-vturn-relay.c */
void vturn_handle_create_permission (IceVturnServer *server, VturnRequest *req);
void vturn_handle_channel_bind (IceVturnServer *server, VturnRequest *req);
void vturn_handle_send (IceVturnServer *server, const IceVnetDatagram *dgram,
                        const IceStunMessage *msg);
void vturn_handle_channel_data (IceVturnServer *server,
                                const IceVnetDatagram *dgram);
void vturn_handle_peer_datagram (IceVturnServer *server,
                                 const IceVnetDatagram *dgram);
/* Drops expired permissions and channels; the earliest left, or -1. */
gint64 vturn_relay_sweep (VturnAllocation *alloc, gint64 now);

G_END_DECLS
#endif /* __ICE_VTURN_PRIVATE_H__ */
