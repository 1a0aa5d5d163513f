/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Structures shared by the files of the ICE session (ice-session.c,
 * ice-checklist.c, ice-check.c, ice-gather.c, ice-consent.c). Not a public
 * header: only the session's own files include it.
 */
#ifndef __ICE_SESSION_PRIVATE_H__
#define __ICE_SESSION_PRIVATE_H__

#include "ice/core/ice-session.h"
#include "ice/core/ice-stats.h"
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"
#include "ice/stun/stun-transaction.h"

G_BEGIN_DECLS

/* RFC 8445 §14.2: Ta is 50 ms by default, but the agent's choice, and no
 * less than 5 ms. With IceSessionConfig.ta_us 0 (the default) the session
 * sizes it as browsers do: 5 ms, plus 1 ms per check in flight, at most the
 * RFC's 50 ms, so a few pairs go out at once and a hundred stay paced. */
#define ICE_DEFAULT_TA_US (50 * G_TIME_SPAN_MILLISECOND)
#define ICE_MIN_TA_US (5 * G_TIME_SPAN_MILLISECOND)
#define ICE_TA_PER_CHECK_IN_FLIGHT_US (1 * G_TIME_SPAN_MILLISECOND)
/* The peer's a=ice-pacing (RFC 8839 §5.5) has no upper bound in the grammar
 * (up to 2^32-1 ms): honoured up to 500 ms, the RTO floor of §14.3, beyond
 * which a peer could hold our checks (and the connection) for days. */
#define ICE_MAX_PEER_TA_US (500 * G_TIME_SPAN_MILLISECOND)
/* RFC 8445 §11: Tr is 15 s by default and at least 15 s */
#define ICE_DEFAULT_TR_US (15 * G_TIME_SPAN_SECOND)
/* RFC 8445 §6.1.2.5: 100 pairs per checklist by default */
#define ICE_DEFAULT_MAX_PAIRS 100
#define ICE_DEFAULT_MAX_PRFLX 32
#define ICE_DEFAULT_FAILURE_TIMEOUT_US (10 * G_TIME_SPAN_SECOND)
/* RFC 8445 §14.3: RTO = MAX (500 ms, Ta * (Waiting + In-Progress)) */
#define ICE_CHECK_MIN_RTO_US (500 * G_TIME_SPAN_MILLISECOND)
/* Checks give up sooner than RFC 8489's Rc = 7, Rm = 16 (39.5 s): 5 sends
 * and a last wait of 2 RTO, so a pair fails 0.5 + 1 + 2 + 4 + 1 = 8.5 s
 * after its first check at the minimum RTO. One more send than libnice
 * (RTO 500 ms, 3 retransmits): at 30 % loss each way a check then fails
 * in 3.5 % of the cases instead of 7 %. */
#define ICE_CHECK_RC 5
#define ICE_CHECK_RM 2
/* Regular nomination (RFC 8445 §8.1.1): while a higher-priority pair than
 * the best valid one may still succeed, the controlling agent waits as long
 * as that pair can plausibly take: twice the longest round trip of the
 * component's answered checks plus this margin, counted from the pair's
 * latest check, never more than ICE_NOMINATION_MAX_WAIT_US after the
 * component's first valid pair. */
#define ICE_NOMINATION_RTT_MARGIN_US (3 * G_TIME_SPAN_MILLISECOND)
#define ICE_NOMINATION_MAX_WAIT_US (500 * G_TIME_SPAN_MILLISECOND)
/* ... and, when the best valid pair is relayed while a better direct pair
 * may still succeed, at least this long after the first valid pair: behind
 * an address-dependent filter (RFC 4787 §5) the direct pair answers only
 * once the peer's own check has opened its NAT, which depends on when the
 * peer learns our candidates and paces its checks, not on the round trip;
 * a relay costs latency and a server for the whole call. */
#define ICE_NOMINATION_RELAY_WAIT_US (20 * G_TIME_SPAN_MILLISECOND)
/* A nomination check that times out (loss) is repeated this many times
 * before its valid pair is given up */
#define ICE_NOMINATION_ATTEMPTS 3
/* A controlled agent with a valid pair that is not nominated yet checks it
 * again this often: if the controlling agent's checks were lost, ours
 * trigger new ones (RFC 8445 §7.3.1.4) instead of leaving it to fail. */
#define ICE_AWAIT_NOMINATION_RECHECK_US (1 * G_TIME_SPAN_SECOND)
/* RFC 8863 §4: the patiently-awaiting-connectivity timer (default of
 * IceSessionConfig.pac_timeout_us) */
#define ICE_PAC_TIMEOUT_US (39500 * G_TIME_SPAN_MILLISECOND)
/* RFC 7675 §5.1: consent checks every 5 s +-20 %, lost after 30 s */
#define ICE_CONSENT_INTERVAL_US (5 * G_TIME_SPAN_SECOND)
#define ICE_CONSENT_TIMEOUT_US (30 * G_TIME_SPAN_SECOND)
/* Outstanding consent requests remembered to match late responses */
#define ICE_CONSENT_TXIDS 8
/* Queue bounds: a flood of checks cannot grow memory */
#define ICE_MAX_TRANSMITS 256
#define ICE_MAX_EVENTS 256
#define ICE_MAX_EARLY_CHECKS 16
#define ICE_MAX_LOCAL_PRFLX 8
/* Authenticated (local, remote) media sources per session */
#define ICE_MAX_AUTHENTICATED 1024

#define ICE_UFRAG_LEN 8
#define ICE_PWD_LEN 24

typedef enum {
  ICE_PAIR_FROZEN = 0,
  ICE_PAIR_WAITING,
  ICE_PAIR_IN_PROGRESS,
  ICE_PAIR_SUCCEEDED,
  ICE_PAIR_FAILED,
} IcePairState;

typedef struct _IcePair IcePair;
typedef struct _IceStream IceStream;
typedef struct _IceComponent IceComponent;

struct _IcePair {
  IceStream *stream;
  guint component_id;
  IceCandidate local; /* host or relayed (srflx replaced by base) */
  IceCandidate remote;
  guint64 priority;
  IcePairState state;
  gboolean valid; /* in the valid list */
  gboolean nominated;
  gboolean derived;             /* built from a response, never checked */
  gboolean triggered;           /* in the triggered-check queue */
  gboolean use_candidate;       /* next/current check carries USE-CANDIDATE */
  gboolean nominate_on_success; /* controlled: USE-CANDIDATE seen */
  gboolean recheck;             /* checked again though it succeeded */
  IcePair *valid_pair;          /* the valid pair this one produced */
  IcePair *generator;           /* for a valid pair: the checked pair */
  IceStunTransaction tx;
  guint8 txid[ICE_STUN_TRANSACTION_ID_SIZE];
  guint8 prev_txid[ICE_STUN_TRANSACTION_ID_SIZE];
  gboolean have_prev_txid;
  gboolean tx_controlling; /* role the current request was sent in */
  gboolean tx_use_candidate;
  gint64 first_sent_us;
  gint64 prev_sent_us;         /* first send of prev_txid, for its round trip */
  gboolean prev_use_candidate; /* prev_txid carried USE-CANDIDATE */
  IcePairCounters counters;    /* ice-stats.c */
  gchar fail_reason[ICE_PAIR_FAIL_REASON_MAX]; /* why it failed, logged */
};

/* Consent freshness (RFC 7675) and keepalives (RFC 8445 §11) on a
 * component's selected pair. Credentials are copied at selection so that a
 * restart does not break consent on the pair in use. */
typedef struct {
  gboolean running;
  gchar username[2 * ICE_CREDENTIAL_MAX + 2];
  gchar remote_pwd[ICE_CREDENTIAL_MAX + 1];
  gint64 last_confirmed_us;
  gint64 next_check_us;
  gint64 retry_us;     /* repeat an unanswered check, or 0 */
  gint64 last_sent_us; /* any traffic, for keepalives */
  guint8 txids[ICE_CONSENT_TXIDS][ICE_STUN_TRANSACTION_ID_SIZE];
  guint n_txids;
  guint next_txid_slot;
  gboolean lost;
  gboolean disconnected;
} IceConsent;

struct _IceComponent {
  guint id;
  GArray *local;  /* IceCandidate; host, srflx, relay, prflx */
  GArray *remote; /* IceCandidate */
  IcePair *selected;
  /* The selected pair as last announced: survives a restart until a new
   * pair is selected. */
  gboolean has_selection;
  IceCandidate selected_local;
  IceCandidate selected_remote;
  IceSendRoute route;
  gint64 first_valid_us;    /* -1 until a valid pair exists */
  gboolean nomination_sent; /* controlling, regular nomination */
  guint nomination_attempts;
  gint64 next_recheck_us; /* controlled, awaiting nomination */
  IceConsent consent;
  /* longest round trip of an answered check since first_valid_us */
  gint64 max_rtt_us;
};

/* A check received before the peer's credentials (RFC 8445 §7.3): the
 * response was sent, the triggered check waits for the password. */
typedef struct {
  guint component_id;
  IceTransportAddr local;
  IceTransportAddr from;
  guint32 priority;
  gboolean use_candidate;
} IceEarlyCheck;

struct _IceStream {
  IceSession *session;
  guint id;
  guint n_components;
  IceComponent *components; /* [n_components], component id - 1 */
  gchar local_ufrag[ICE_CREDENTIAL_MAX + 1];
  gchar local_pwd[ICE_CREDENTIAL_MAX + 1];
  /* the owner set the local credentials: new ones are its restart */
  gboolean local_from_owner;
  /* Accepted from the peer until a pair is selected after a restart */
  gchar old_ufrag[ICE_CREDENTIAL_MAX + 1];
  gchar old_pwd[ICE_CREDENTIAL_MAX + 1];
  gchar remote_ufrag[ICE_CREDENTIAL_MAX + 1];
  gchar remote_pwd[ICE_CREDENTIAL_MAX + 1];
  gboolean have_remote_credentials;
  gboolean remote_lite;
  gboolean remote_ice2;
  guint remote_pacing_ms;
  gboolean remote_eoc;
  GPtrArray *pairs;     /* IcePair *, sorted by priority, owned */
  GArray *early_checks; /* IceEarlyCheck */
  guint n_remote_prflx;
  guint next_prflx_foundation;
  IceConnectionState state;
  IceGatheringState gathering;
  gboolean gathering_started;
  gboolean checks_started;
  gboolean pair_tried; /* some check was sent (RFC 8863) */
  gint64 start_us;     /* the peer's credentials came, -1 before */
  /* The stream began waiting for its peer (gathering, or anything from the
   * peer, or a restart): the PAC time without credentials counts from it */
  gint64 wait_start_us;
  gint64 last_progress_us;
};

/* A Binding request to a STUN server from a UDP base (RFC 8445 §5.1.1.2),
 * or over TCP from a TCP base (RFC 6544 §5.2) */
typedef struct {
  guint stream_id;
  guint component_id;
  IceTransportAddr base;
  IceTransportAddr server;
  guint8 txid[ICE_STUN_TRANSACTION_ID_SIZE];
  gboolean sent;
  IceStunTransaction tx;
} IceGatherRequest;

/* Key of the media fast path: which (local base, remote) proved the
 * credentials, and for which component. */
typedef struct {
  IceTransportAddr local;
  IceTransportAddr remote;
} IceAddrPairKey;

typedef struct {
  IceAddrPairKey key;
  guint stream_id;
  guint component_id;
} IceAuthSource;

struct _IceSession {
  IceSessionConfig config;
  gchar *software;
  IceRole role;
  guint64 tie_breaker;
  GPtrArray *streams;        /* IceStream *, owned */
  GArray *stun_servers;      /* IceTransportAddr */
  GArray *gather_requests;   /* IceGatherRequest */
  GQueue triggered;          /* IcePair *, RFC 8445 §7.3.1.4 */
  GQueue transmits;          /* IceQueuedTransmit * */
  GQueue events;             /* IceEvent * */
  GHashTable *authenticated; /* IceAddrPairKey * -> IceAuthSource * */
  gint64 next_pace_us;       /* RFC 8445 §14.2: one check per Ta */
  guint ordinary_rr;         /* round robin over checklists */
  IceConnectionState state;  /* aggregate over the streams */
  IceSessionStats stats;
  guint64 dropped_transmits;
  guint64 dropped_events;
  struct _IceRelay *relay; /* TURN clients (ice-relay.c), NULL if none */
};

/* A handler's answer for a response that is not its own */
#define ICE_PACKET_NOT_MINE ((IcePacketResult)99)

/* ice-session.c */
IceStream *ice_session_find_stream (IceSession *session, guint stream_id);
void ice_session_queue_transmit (IceSession *session,
                                 const IceTransportAddr *from,
                                 const IceTransportAddr *to, const guint8 *data,
                                 gsize len);
IceEvent *ice_session_new_event (IceSession *session, IceEventType type,
                                 guint stream_id, guint component_id);
void ice_session_random_bytes (IceSession *session, guint8 *out, gsize len);
void ice_session_authenticate_source (IceSession *session,
                                      const IceTransportAddr *local,
                                      const IceTransportAddr *remote,
                                      guint stream_id, guint component_id);
void ice_session_forget_sources (IceSession *session, IceStream *stream);
gint64 ice_session_effective_ta (IceSession *session);
IcePacketResult ice_session_drop (IceSession *session, IceDropReason reason);

/* ice-stream.c */
IceComponent *ice_stream_get_component (IceStream *stream, guint component_id);
void ice_stream_generate_credentials (IceSession *session, IceStream *stream);

/* ice-stream-restart.c */
void ice_stream_restart (IceSession *session, IceStream *stream,
                         gboolean announce, const gchar *ufrag,
                         const gchar *pwd, gint64 now_us);
void ice_stream_free (IceStream *stream);
IceCandidate *ice_component_find_remote (IceComponent *comp,
                                         const IceTransportAddr *addr);

/* ice-state.c */
void ice_stream_set_state (IceStream *stream, IceConnectionState state);
void ice_stream_update_state (IceStream *stream, gint64 now_us);
void ice_stream_note_progress (IceStream *stream, gint64 now_us);
void ice_stream_restart_announced (IceSession *session, IceStream *stream,
                                   gint64 now_us);
void ice_stream_note_wait_start (IceStream *stream, gint64 now_us);
gint64 ice_stream_failure_timeout (IceStream *stream);
gboolean ice_stream_awaits_candidates (IceStream *stream);
void ice_session_update_states (IceSession *session, gint64 now_us);

/* ice-checklist.c */
const gchar *ice_pair_state_to_string (IcePairState state);
void ice_pair_set_state (IcePair *pair, IcePairState state);
void ice_pair_fail (IcePair *pair, const gchar *format, ...)
    G_GNUC_PRINTF (2, 3);
gchar *ice_pair_describe (const IcePair *pair, gchar *buf, gsize size);
void ice_checklist_pair_remote (IceStream *stream, const IceCandidate *remote);
void ice_checklist_pair_local (IceStream *stream, const IceCandidate *local);
IcePair *ice_checklist_find_pair (IceStream *stream, guint component_id,
                                  const IceTransportAddr *base,
                                  const IceTransportAddr *remote);
IcePair *ice_checklist_add_pair (IceStream *stream, const IceCandidate *local,
                                 const IceCandidate *remote);
void ice_checklist_update_frozen (IceSession *session);
void ice_checklist_recompute_priorities (IceSession *session);
void ice_checklist_trigger (IceSession *session, IcePair *pair);
void ice_checklist_untrigger (IceSession *session, IcePair *pair);
IcePair *ice_checklist_next_ordinary (IceSession *session);
guint ice_checklist_count_active (IceSession *session);
guint ice_checklist_count_in_progress (IceSession *session);
void ice_checklist_free_pairs (IceSession *session, IceStream *stream);
void ice_checklist_prune_below (IceStream *stream, guint component_id,
                                guint64 priority);
gboolean ice_checklist_component_can_progress (IceStream *stream,
                                               guint component_id);

/* ice-nominate.c */
gboolean ice_stream_uses_aggressive (IceStream *stream);
void ice_checklist_update_selection (IceStream *stream, guint component_id,
                                     gint64 now_us);
void ice_checklist_check_nomination (IceStream *stream, gint64 now_us);
gint64 ice_checklist_nomination_timeout (IceStream *stream);
gboolean ice_checklist_retry_nomination (IceStream *stream, IcePair *pair);

/* ice-check.c */
gboolean ice_check_verify (IceSession *session, const IceStunMessage *msg,
                           const gchar *pwd);
gsize ice_check_build_request (IceSession *session, guint8 *buf, gsize capacity,
                               const guint8 *txid, const gchar *username,
                               const gchar *pwd, guint32 priority,
                               gboolean controlling, gboolean use_candidate);
guint32 ice_check_prflx_priority (const IceCandidate *local);
void ice_check_send (IceSession *session, IcePair *pair, gint64 now_us);
void ice_check_handle_timeouts (IceSession *session, gint64 now_us);
gint64 ice_check_next_timeout (IceSession *session);
void ice_session_switch_role (IceSession *session, IceRole role);
IcePacketResult ice_check_handle_request (IceSession *session, gint64 now_us,
                                          const IceTransportAddr *local,
                                          const IceTransportAddr *from,
                                          const IceStunMessage *msg);
void ice_check_process_early (IceStream *stream, gint64 now_us);

/* ice-lite.c */
IceRole ice_lite_filter_role (IceSession *session, IceRole role);
void ice_lite_handle_check (IceStream *stream, IcePair *pair,
                            gboolean use_candidate, gint64 now_us);

/* ice-response.c */
IcePacketResult ice_check_handle_response (IceSession *session, gint64 now_us,
                                           const IceTransportAddr *local,
                                           const IceTransportAddr *from,
                                           const IceStunMessage *msg);

/* ice-gather.c
 *
 * TURN hook (relayed candidates come with the TURN issue): a relayed
 * candidate enters through ice_gather_add_local_candidate() with @base set
 * to the relayed address; it is paired like a host candidate, and
 * ice_session_find_local_base() knows its base, so checks and media
 * "leave from" and "arrive at" the relayed address. Two places then need
 * the TurnClient: ice_session_queue_transmit() for a @from that is a
 * relayed address (wrap in Send indication / ChannelData toward the
 * server), and ice_session_handle_packet() for datagrams from a TURN
 * server (unwrap, then handle as arriving at the relayed address; the
 * send route gets the ChannelData prefix). */

IceStream *ice_session_find_local_base (IceSession *session,
                                        const IceTransportAddr *base,
                                        guint *component_id);
gboolean ice_gather_add_local_candidate (IceSession *session, IceStream *stream,
                                         const IceCandidate *cand,
                                         gboolean announce_it);
void ice_gather_add_host (IceSession *session, IceStream *stream,
                          guint component_id, const IceTransportAddr *base,
                          guint interface_index, gint64 now_us);
void ice_gather_start (IceSession *session, IceStream *stream, gint64 now_us);
void ice_gather_restart (IceSession *session, IceStream *stream, gint64 now_us);
gboolean ice_gather_has_unsent (IceSession *session);
gboolean ice_gather_send_next (IceSession *session, gint64 now_us);
void ice_gather_handle_timeouts (IceSession *session, gint64 now_us);
gint64 ice_gather_next_timeout (IceSession *session);
IcePacketResult ice_gather_handle_response (IceSession *session, gint64 now_us,
                                            const IceTransportAddr *local,
                                            const IceTransportAddr *from,
                                            const IceStunMessage *msg);

/* ice-consent.c */
void ice_consent_start (IceSession *session, IceStream *stream,
                        IceComponent *component, gint64 now_us);
void ice_consent_handle_timeouts (IceSession *session, gint64 now_us);
gint64 ice_consent_next_timeout (IceSession *session);
IcePacketResult ice_consent_handle_response (IceSession *session, gint64 now_us,
                                             const IceTransportAddr *local,
                                             const IceTransportAddr *from,
                                             const IceStunMessage *msg);

/* ice-stats.c: per-pair counters (one call at each place they change) */
void ice_stats_note_request (IceStream *stream, guint component_id,
                             const IceTransportAddr *local,
                             const IceTransportAddr *from);
void ice_stats_note_response (IcePair *pair, gint64 now_us,
                              gboolean measure_rtt);
void ice_stats_note_media_received (IceSession *session, guint stream_id,
                                    guint component_id,
                                    const IceTransportAddr *local,
                                    const IceTransportAddr *from, gsize len);

G_END_DECLS
#endif /* __ICE_SESSION_PRIVATE_H__ */
