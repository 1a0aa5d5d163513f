/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The session's TURN side (ice-relay.c, ice-relay-data.c), shared with the
 * hooks in the session's own files. Not a public header.
 */
#ifndef __ICE_RELAY_PRIVATE_H__
#define __ICE_RELAY_PRIVATE_H__

#include "ice/core/ice-relay.h"
#include "ice/core/ice-session-private.h"
#include "ice/turn/turn-client.h"

G_BEGIN_DECLS

typedef struct _IceRelay IceRelay;

/* How long GATHERING_DONE waits for an allocation; a later relayed
 * candidate is still trickled. RFC 8445 leaves it open; a TURN server on
 * the Internet answers within a second or two (401 then success). */
#define ICE_RELAY_GATHER_TIMEOUT_US (5 * G_TIME_SPAN_SECOND)
/* Datagrams held for a permission in flight, per allocation */
#define ICE_RELAY_MAX_HELD 32

typedef struct {
  IceTransportAddr server;
  gchar *username;
  gchar *password;
  guint index;
} IceRelayServer;

typedef struct {
  guint stream_id;
  guint component_id;
  IceTransportAddr base;
} IceRelayBase;

typedef struct {
  IceTransportAddr to;
  gsize len;
  guint8 data[];
} IceRelayHeld;

typedef struct {
  IceTurnClient *client;
  const IceRelayServer *server;
  guint stream_id;
  guint component_id;
  IceTransportAddr base; /* UDP host base, or virtual TCP/TLS address */
  IceTransportAddr relayed;
  gboolean started; /* Allocate asked */
  gboolean settled; /* allocated, failed or waited for long enough */
  gboolean dead;    /* failed or deallocated */
  gint64 deadline_us;
  GArray *pending_peers; /* IceTransportAddr: permissions for the next tick */
  GArray *channel_peers; /* IceTransportAddr: channels asked for */
  GQueue held;           /* IceRelayHeld *: waiting for a permission */
  /* A lost allocation and its recovery (ice-relay-recover.c) */
  gboolean lost;                 /* gone; a new one is being made */
  gboolean cleanup_due;          /* lost: the next tick forgets the candidate */
  gboolean restart_wanted;       /* the relay carried the selected pair */
  gboolean restart_due;          /* re-allocated: the next tick restarts ICE */
  IceTransportAddr lost_relayed; /* the relayed address that died */
  gchar lost_ufrag[ICE_CREDENTIAL_MAX + 1]; /* the generation it died in */
  guint attempts;       /* re-allocations tried since the loss */
  gint64 retry_at_us;   /* the next re-allocation, or -1 */
  gint64 probed_for_us; /* consent's last confirmation a probe was for */
} IceRelayClient;

struct _IceRelay {
  GPtrArray *servers; /* IceRelayServer *, owned */
  GPtrArray *clients; /* IceRelayClient *, owned */
  GArray *udp_bases;  /* IceRelayBase */
  guint next_connection;
  gint64 now_us; /* the latest input's time */
  gboolean closed;
};

/* After a lost allocation: re-allocations (each a full Allocate
 * transaction, RFC 8489 §6.2.1) that fail with an answer wait 1, 2, 4, 8 s
 * before the next; after this many the relay is given up. */
#define ICE_RELAY_MAX_REALLOCATIONS 5
/* A relayed selected pair whose consent checks went unanswered this long
 * (more than one consent interval of 5 s +20 % and a retry, RFC 7675
 * §5.1) probes its allocation (ice_turn_client_probe()). */
#define ICE_RELAY_PROBE_AFTER_US (8 * G_TIME_SPAN_SECOND)

/* ice-relay.c */
IceTurnClient *ice_relay_new_turn_client (IceSession *session,
                                          const IceRelayServer *server);
void ice_relay_make_connection_address (IceRelay *relay,
                                        const IceTransportAddr *server,
                                        IceTransportAddr *out);
void ice_relay_add_relayed_candidate (IceSession *session, IceRelayClient *rc,
                                      const IceTurnEvent *ev,
                                      gboolean announce);
void ice_relay_report_error (IceSession *session, IceRelayClient *rc,
                             guint code, const gchar *message);
void ice_relay_free (IceSession *session);
void ice_relay_add_base (IceSession *session, IceStream *stream,
                         guint component_id, const IceTransportAddr *base);
void ice_relay_start_stream (IceSession *session, IceStream *stream);
gboolean ice_relay_stream_pending (IceSession *session, guint stream_id);
void ice_relay_handle_timeouts (IceSession *session, gint64 now_us);
gint64 ice_relay_next_timeout (IceSession *session);
void ice_relay_pump (IceSession *session, gint64 now_us);
gboolean ice_relay_allows_candidate (IceSession *session,
                                     const IceCandidate *cand);

/* ice-relay-recover.c */
gboolean ice_relay_client_usable (const IceRelayClient *rc);
void ice_relay_note_lost (IceSession *session, IceRelayClient *rc);
gboolean ice_relay_recover_allocated (IceSession *session, IceRelayClient *rc,
                                      const IceTurnEvent *ev);
void ice_relay_recover_tick (IceSession *session, IceRelayClient *rc,
                             gint64 now_us);
gint64 ice_relay_recover_next_timeout (IceSession *session, IceRelayClient *rc);

/* ice-relay-data.c */
IceRelayClient *ice_relay_find_by_relayed (IceSession *session,
                                           const IceTransportAddr *relayed);
gboolean ice_relay_handle_packet (IceSession *session, gint64 now_us,
                                  const IceTransportAddr *local,
                                  const IceTransportAddr *from,
                                  const guint8 *data, gsize len,
                                  IceDelivery *delivery,
                                  IcePacketResult *result);
gboolean ice_relay_wrap_transmit (IceSession *session,
                                  const IceTransportAddr *from,
                                  const IceTransportAddr *to,
                                  const guint8 *data, gsize len);
void ice_relay_note_remote (IceSession *session, const IceCandidate *remote);
void ice_relay_want_permission (IceRelayClient *rc,
                                const IceTransportAddr *peer);
void ice_relay_flush_held (IceSession *session, IceRelayClient *rc);
void ice_relay_bind_selected (IceSession *session, gint64 now_us);
void ice_relay_translate_route (IceSession *session, IceSendRoute *route);

/* ice-gather.c: GATHERING_DONE once nothing is pending any more */
void ice_gather_check_done (IceSession *session, IceStream *stream);

G_END_DECLS
#endif /* __ICE_RELAY_PRIVATE_H__ */
