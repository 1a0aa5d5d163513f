/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The sans-IO ICE session (RFC 8445, trickle RFC 8838, consent RFC 7675).
 * It never reads a clock, touches a socket or draws randomness itself: time
 * is an argument, datagrams go in through handle_packet and come out through
 * poll_transmit, randomness comes from the config's callback.
 * Not thread-safe: the owner (IceAgent, or a test) serialises calls.
 *
 * Timing (see ice-session-private.h): one check or STUN request per Ta
 * across the session (Ta 5 ms plus 1 ms per check in flight, at most 50 ms,
 * unless configured); a check is sent 5 times (RTO = MAX (500 ms, Ta * N),
 * doubling) and its pair fails 8.5 s after the first send at the minimum
 * RTO. The controlling agent (regular nomination) nominates a component's
 * best valid pair at once when no higher-priority pair can still succeed;
 * while one is in progress it waits twice the longest round trip seen plus
 * 3 ms from that pair's latest check (at most 500 ms after the first valid
 * pair). The nominating check leaves at once, not at the next Ta.
 *
 * When a stream fails (CONNECTION_STATE FAILED, also from NEW): never
 * while it gathers or while every component has a route. Without the
 * peer's credentials it fails pac_timeout_us (39.5 s, the RFC 8863 PAC
 * time) after it began waiting: the first of start_gathering, a remote
 * candidate, or a restart (a peer that never got our description, or
 * never answered); never if pac_timeout_us is 0. With them, once no pair of a
 * component without a route is frozen, waiting, in progress or triggered: at
 * once after end-of-candidates (unless a valid pair awaits nomination), else
 * failure_timeout_us (10 s) after the last progress (credentials, a new
 * remote candidate, a new valid pair; rechecks are none); and never before
 * pac_timeout_us after the credentials came if no check could be sent
 * (RFC 8863 §4). A restart brings a failed stream back to CHECKING.
 *
 * Transmit and event queues are bounded (256 each: the oldest event is
 * dropped first); drain them after every call.
 */
#ifndef __ICE_SESSION_H__
#define __ICE_SESSION_H__

#include "ice/core/ice-candidate.h"
#include "ice/core/ice-sdp.h"

G_BEGIN_DECLS

typedef struct _IceSession IceSession;

typedef enum {
  ICE_ROLE_CONTROLLING = 0,
  ICE_ROLE_CONTROLLED,
} IceRole;

typedef enum {
  ICE_NOMINATION_REGULAR = 0, /* RFC 8445 §8.1.1, the default */
  /* RFC 5245 §8.1.1.2: every check nominates, whatever the peer announces
   * (but toward a lite peer); one round trip less, but the first pair to
   * answer is used until a better one answers */
  ICE_NOMINATION_AGGRESSIVE,
} IceNomination;

/* Connection state of a stream (and, aggregated, of the session), in the
 * words of webrtcbin / W3C RTCIceConnectionState. */
typedef enum {
  ICE_CONNECTION_NEW = 0,
  ICE_CONNECTION_CHECKING,
  ICE_CONNECTION_CONNECTED,    /* a pair is selected for every component */
  ICE_CONNECTION_COMPLETED,    /* ... and no check is running any more */
  ICE_CONNECTION_DISCONNECTED, /* consent is being lost, may recover */
  ICE_CONNECTION_FAILED,
  ICE_CONNECTION_CLOSED,
} IceConnectionState;

typedef enum {
  ICE_GATHERING_NEW = 0,
  ICE_GATHERING_GATHERING,
  ICE_GATHERING_COMPLETE,
} IceGatheringState;

const gchar *ice_role_to_string (IceRole role);
const gchar *ice_connection_state_to_string (IceConnectionState state);
const gchar *ice_gathering_state_to_string (IceGatheringState state);

/* 64 random bits per call (tie-breaker, transaction ids, ufrag/pwd). */
typedef guint64 (*IceRandomFunc) (gpointer user_data);

typedef struct {
  IceRole role;
  IceNomination nomination;
  /* RFC 8445 §14.2: Ta, at least 5 ms; 0 (the default): sized to the
   * checks in flight, 5 to 50 ms */
  gint64 ta_us;
  gboolean consent_freshness; /* RFC 7675, default TRUE */
  gint64 keepalive_us;        /* RFC 8445 §11: Tr, default and minimum 15 s */
  guint max_pairs;            /* RFC 8445 §6.1.2.5: default 100 */
  guint max_peer_reflexive;   /* remote prflx candidates per stream, 32 */
  /* Without end-of-candidates, give up this long after the last activity
   * when nothing works (browsers never send it); default 10 s. */
  gint64 failure_timeout_us;
  IceRandomFunc random; /* required */
  gpointer random_data;
  const gchar *software; /* SOFTWARE attribute, or NULL */
  /* Transport policy "relay": only relayed candidates (ice-relay.h) are
   * gathered, announced and paired; default FALSE ("all") */
  gboolean relay_only;
  /* RFC 8863 §4 PAC time: the least wait before failing while no pair
   * could be tried, and the whole wait for the peer's credentials (see
   * "When a stream fails" above); default 39.5 s, negative: the default.
   * 0 waits for the peer's credentials forever (a peer that may start
   * much later); once they came, the usual rules apply with 39.5 s. */
  gint64 pac_timeout_us;
  /* RFC 8445 §2.5 ICE-lite, for an agent on a public address: host
   * candidates only (STUN servers and TURN unused), always controlled
   * (§6.1.1; against a lite peer the configured role stays, the initiator
   * controlling), no checks, consent checks or keepalives of its own; a
   * pair is selected when the peer's check with USE-CANDIDATE is answered
   * (§7.3.1.5), and media is accepted from that pair only. a=ice-lite in
   * the local description. Default FALSE. */
  gboolean ice_lite;
} IceSessionConfig;

void ice_session_config_init (IceSessionConfig *config);

IceSession *ice_session_new (const IceSessionConfig *config);
void ice_session_free (IceSession *session);

/* --- streams, credentials ------------------------------------------------ */

/* Returns the new stream's id: 0, 1, 2, ... Components are 1..n_components. */
guint ice_session_add_stream (IceSession *session, guint n_components);
void ice_session_get_local_credentials (IceSession *session, guint stream_id,
                                        const gchar **ufrag, const gchar **pwd);
/* Overrides the generated credentials (tests, or an app's own); once the
 * owner set some, other ones restart the stream (*@restarted, optional). */
gboolean ice_session_set_local_credentials (IceSession *session,
                                            guint stream_id, const gchar *ufrag,
                                            const gchar *pwd, gint64 now_us,
                                            gboolean *restarted);
gboolean ice_session_set_remote_credentials (IceSession *session,
                                             guint stream_id,
                                             const gchar *ufrag,
                                             const gchar *pwd, gint64 now_us);
/* ice-lite, ice2, ice-pacing of the peer (RFC 8839 §5.5, §5.6). */
void ice_session_set_remote_options (IceSession *session, guint stream_id,
                                     gboolean ice_lite, gboolean ice2,
                                     guint pacing_ms);
IceRole ice_session_get_role (IceSession *session);
void ice_session_set_role (IceSession *session, IceRole role);

/* Our whole description of a stream so far (credentials, options, the
 * candidates gathered, end-of-candidates once gathering is complete). */
gchar *ice_session_get_local_description (IceSession *session, guint stream_id);
/* The same, each candidate (a copy) passed through @rewrite first, e.g.
 * to publish an mDNS name in place of a host address. */
typedef void (*IceCandidateRewriteFunc) (IceCandidate *cand, gpointer data);
gchar *ice_session_get_local_description_full (IceSession *session,
                                               guint stream_id,
                                               IceCandidateRewriteFunc rewrite,
                                               gpointer data);
/* Applies a peer's description: credentials, options, candidates,
 * end-of-candidates. Bad lines are skipped; returns how many candidates
 * were added. The candidates the session refuses are added to
 * @desc->errors ("line N: ...") and @desc->rejected; all of @desc->rejected
 * (the parser's refusals too) is counted in the stats. */
guint ice_session_set_remote_description (IceSession *session, guint stream_id,
                                          IceSdpDescription *desc,
                                          gint64 now_us);

/* --- gathering (the IO layer owns sockets and reports them) ------------- */

/* A socket bound at @base for @component_id; @interface_index orders local
 * preferences (lower is preferred). The session makes a host candidate of
 * it (emitted on start_gathering or at once if gathering began). */
void ice_session_add_host_address (IceSession *session, guint stream_id,
                                   guint component_id,
                                   const IceTransportAddr *base,
                                   guint interface_index);
/* A STUN server: over UDP (@server's transport) it is asked from every UDP
 * base of its family; over TCP from every TCP base (the listener's
 * address: the IO layer connects from that IP and port, RFC 6544 §5.2),
 * as plain STUN on the stream (RFC 8489 §6.2.2, no RFC 4571 frame). */
void ice_session_add_stun_server (IceSession *session,
                                  const IceTransportAddr *server);
/* The IO layer could not connect from the TCP base @local to the STUN
 * server @server, or the connection closed: its request fails now
 * instead of at its timeout. */
void ice_session_stun_connection_failed (IceSession *session,
                                         const IceTransportAddr *local,
                                         const IceTransportAddr *server,
                                         gint64 now_us);
/* Emits host candidates, sends Binding requests to STUN servers from every
 * base of the server's transport; GATHERING_DONE follows when all have
 * answered or timed out. */
void ice_session_start_gathering (IceSession *session, gint64 now_us);

/* --- remote candidates (trickle) ----------------------------------------- */

gboolean ice_session_add_remote_candidate (IceSession *session,
                                           const IceCandidate *cand,
                                           gint64 now_us);
/* The same, with the reason of a refusal (unknown stream or component,
 * non-unicast address, unresolved name), counted in
 * IceSessionStats.remote_rejected; @error (may be NULL) then says what was
 * expected, in domain %ICE_REMOTE_ERROR with the result as code. */
IceRemoteResult
ice_session_add_remote_candidate_with_result (IceSession *session,
                                              const IceCandidate *cand,
                                              gint64 now_us, GError **error);
/* Counts a refusal of remote input the caller found itself (a line that
 * does not parse, a description for an unknown stream). */
void ice_session_note_remote_rejected (IceSession *session,
                                       IceRemoteResult result);
void ice_session_end_of_remote_candidates (IceSession *session, guint stream_id,
                                           gint64 now_us);

/* ICE restart (RFC 8445 §9): new local credentials for every stream,
 * remote credentials and candidates forgotten (give the peer's new ones,
 * as after an offer/answer: call this before applying the peer's restart
 * description); gathering runs again, so LOCAL_CANDIDATE events (for every
 * candidate, srflx asked anew) and GATHERING_DONE follow, to be signalled
 * with the new credentials. Media keeps flowing on the selected pair, and
 * the old credentials answer consent on it, until a new one is selected.
 *
 * One-sided restart (RFC 8445 §9, RFC 8839 §4.4.1.1.2): new remote
 * credentials for a stream that has the peer's previous ones and did not
 * restart itself since are the peer's restart, and the stream restarts
 * too: ICE_EVENT_LOCAL_CREDENTIALS (its new ufrag and pwd) comes first,
 * then LOCAL_CANDIDATE for every candidate and GATHERING_DONE, as after
 * ice_session_restart(). The owner signals them like a first description
 * (credentials, candidates, end-of-candidates) and needs no other call.
 * The peer receives them after its own restart, so it does not restart
 * again. */
void ice_session_restart (IceSession *session, gint64 now_us);

/* The host's addresses changed (ice-netchange.c): the candidates of the
 * socket at @base are forgotten (its address went away); the restart
 * takes the hosts opened on new addresses and announces new credentials
 * (ICE_EVENT_LOCAL_CREDENTIALS per stream) before every candidate. */
typedef struct {
  guint stream_id;
  guint component_id;
  IceTransportAddr base;
  guint interface_index;
} IceHostAddress;

guint ice_session_remove_host_address (IceSession *session,
                                       const IceTransportAddr *base);
void ice_session_restart_announced (IceSession *session,
                                    const IceHostAddress *added, guint n_added,
                                    gint64 now_us);

/* --- the sans-IO loop ----------------------------------------------------- */

/**
 * IceTransmit:
 * A datagram to send from the local socket bound at @from to @to.
 */
#define ICE_TRANSMIT_MAX 1500
typedef struct {
  IceTransportAddr from;
  IceTransportAddr to;
  gsize len;
  guint8 data[ICE_TRANSMIT_MAX];
} IceTransmit;

typedef enum {
  ICE_PACKET_HANDLED = 0, /* STUN for the session, consumed */
  ICE_PACKET_DELIVER,     /* media: see IceDelivery */
  ICE_PACKET_DROPPED,     /* counted in the stats by reason */
} IcePacketResult;

/**
 * IceDelivery:
 * Where media belongs: @offset/@len locate the payload inside the input
 * buffer (TURN framing stripped); @remote is the peer's address.
 */
typedef struct {
  guint stream_id;
  guint component_id;
  gsize offset;
  gsize len;
  IceTransportAddr remote;
} IceDelivery;

IcePacketResult ice_session_handle_packet (IceSession *session, gint64 now_us,
                                           const IceTransportAddr *local,
                                           const IceTransportAddr *from,
                                           const guint8 *data, gsize len,
                                           IceDelivery *delivery);
void ice_session_handle_timeout (IceSession *session, gint64 now_us);
/* TRUE once a check proved that @remote, reaching us at @local, knows the
 * credentials (media from it is delivered): how the IO layer tells a
 * peer's ICE-TCP connection from a stranger's (RFC 6544 §7.2). */
gboolean ice_session_is_authenticated_source (IceSession *session,
                                              const IceTransportAddr *local,
                                              const IceTransportAddr *remote);
/* Absolute µs of the next timer, or -1 when nothing is scheduled. */
gint64 ice_session_next_timeout (IceSession *session);
gboolean ice_session_poll_transmit (IceSession *session, IceTransmit *out);

typedef enum {
  ICE_EVENT_LOCAL_CANDIDATE = 0,   /* u.candidate */
  ICE_EVENT_GATHERING_DONE,        /* stream_id */
  ICE_EVENT_CONNECTION_STATE,      /* stream_id, u.state */
  ICE_EVENT_SELECTED_PAIR,         /* stream_id, component_id, u.pair */
  ICE_EVENT_CONSENT_LOST,          /* stream_id, component_id */
  ICE_EVENT_ROLE_CHANGED,          /* u.role (after a role conflict) */
  ICE_EVENT_REMOTE_PEER_REFLEXIVE, /* u.candidate learnt from a check */
  ICE_EVENT_ROUTE_CHANGED,         /* stream_id, component_id: re-read it */
  ICE_EVENT_RELAY_ERROR, /* stream_id, component_id, u.relay_error (TURN) */
  /* stream_id, u.credentials: the stream restarted itself because the peer
   * restarted (see ice_session_restart()) or because the TURN allocation
   * of its selected pair was lost and made anew (ice-relay-recover.c);
   * signal them to the peer */
  ICE_EVENT_LOCAL_CREDENTIALS,
} IceEventType;

typedef struct {
  IceEventType type;
  guint stream_id;
  guint component_id;
  union {
    IceCandidate candidate;
    struct {
      IceConnectionState old_state;
      IceConnectionState state;
    } state;
    struct {
      IceCandidate local;
      IceCandidate remote;
      /* TRUE: the same path as the last selection, only the remote
       * candidate's description changed (a signalled candidate replaced
       * the peer-reflexive one, RFC 8838 §11) */
      gboolean renamed;
    } pair;
    IceRole role;
    struct {
      guint code;     /* STUN error code, 0 for a timeout or lost connection */
      gboolean fatal; /* no relayed candidate from this allocation */
      gchar message[160];
    } relay_error;
    struct {
      gchar ufrag[ICE_CREDENTIAL_MAX + 1];
      gchar pwd[ICE_CREDENTIAL_MAX + 1];
    } credentials;
  } u;
} IceEvent;

gboolean ice_session_poll_event (IceSession *session, IceEvent *out);

/* --- sending media ---------------------------------------------------------
 */

/**
 * IceSendPrefixKind:
 * @ICE_SEND_PREFIX_NONE: send the datagram as it is
 * @ICE_SEND_PREFIX_CHANNEL_DATA: @prefix is a TURN ChannelData header
 *   whose length field (bytes 2-3) is zero: write each datagram's length
 *   there (ice_turn_channel_data_header()); when @to's transport is TCP or
 *   TLS, also pad the datagram with zeros to a multiple of 4 (RFC 8656
 *   §12.5)
 * @ICE_SEND_PREFIX_WRAP: a relayed pair whose channel is not bound yet:
 *   send each datagram with ice_session_send_media() (a Send indication);
 *   ICE_EVENT_ROUTE_CHANGED follows when the channel is bound
 */
typedef enum {
  ICE_SEND_PREFIX_NONE = 0,
  ICE_SEND_PREFIX_CHANNEL_DATA,
  ICE_SEND_PREFIX_WRAP,
} IceSendPrefixKind;

/**
 * IceSendRoute:
 * How to send media of a component without going through the session per
 * packet: from the socket at @from to @to, with @prefix_len bytes of
 * @prefix in front (a TURN ChannelData header when relayed, else none).
 * @ok is FALSE while no pair is selected or consent is lost.
 */
typedef struct {
  gboolean ok;
  IceTransportAddr from;
  IceTransportAddr to;
  gsize prefix_len;
  guint8 prefix[4];
  IceSendPrefixKind prefix_kind;
} IceSendRoute;

/* The route changes only with an ICE_EVENT_SELECTED_PAIR, CONSENT_LOST or
 * ROUTE_CHANGED event: callers may cache it until the next event. */
void ice_session_get_send_route (IceSession *session, guint stream_id,
                                 guint component_id, IceSendRoute *route);
/* Media was sent on the selected pair (for keepalive bookkeeping). */
void ice_session_note_sent (IceSession *session, guint stream_id,
                            guint component_id, gint64 now_us);

/* For ice_session_get_connection_state(): the session's aggregate state
 * (failed if any stream failed, then disconnected, checking, connected;
 * completed when every stream is). */
#define ICE_SESSION_ALL_STREAMS G_MAXUINT

IceConnectionState ice_session_get_connection_state (IceSession *session,
                                                     guint stream_id);
IceGatheringState ice_session_get_gathering_state (IceSession *session,
                                                   guint stream_id);
gboolean ice_session_get_selected_pair (IceSession *session, guint stream_id,
                                        guint component_id, IceCandidate *local,
                                        IceCandidate *remote);

/* --- statistics --------------------------------------------------------------
 */

typedef enum {
  ICE_DROP_UNAUTHENTICATED_SOURCE = 0, /* media from an unproven address */
  ICE_DROP_MALFORMED_STUN,
  ICE_DROP_BAD_INTEGRITY,
  ICE_DROP_BAD_FINGERPRINT,
  ICE_DROP_UNKNOWN_USERNAME,
  ICE_DROP_UNMATCHED_RESPONSE,
  ICE_DROP_PEER_REFLEXIVE_LIMIT,
  ICE_DROP_UNKNOWN_LOCAL, /* arrived on a socket we do not know */
  ICE_DROP_LAST
} IceDropReason;

const gchar *ice_drop_reason_to_string (IceDropReason reason);

typedef struct {
  guint64 checks_sent;
  guint64 checks_received;
  guint64 responses_received;
  guint64 media_packets_in;
  guint64 media_bytes_in;
  guint64 dropped[ICE_DROP_LAST];
  gint64 selected_rtt_us;         /* last RTT on a selected pair, -1 if none */
  guint64 transmits_dropped;      /* transmit queue full (flood) */
  guint64 events_dropped;         /* event queue full: oldest dropped */
  guint64 relay_allocations_lost; /* TURN allocations lost while in use */
  guint64 relay_reallocations;    /* allocations made anew after a loss */
  /* remote lines refused, by IceRemoteResult ([ICE_REMOTE_OK] stays 0) */
  guint64 remote_rejected[ICE_REMOTE_LAST];
  /* streams where no pair can succeed any more while the peer may still
   * trickle candidates (no end-of-candidates): state stays CHECKING until
   * a new candidate or failure_timeout_us */
  guint streams_awaiting_candidates;
} IceSessionStats;

void ice_session_get_stats (IceSession *session, IceSessionStats *stats);

G_END_DECLS
#endif /* __ICE_SESSION_H__ */
