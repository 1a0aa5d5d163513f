/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Per-candidate and per-pair statistics of a session, in the vocabulary of
 * the W3C RTCIceCandidatePairStats / RTCIceCandidateStats (as webrtcbin's
 * "get-stats" reports them). Snapshots: the caller owns the arrays.
 */
#ifndef __ICE_STATS_H__
#define __ICE_STATS_H__

#include "ice/core/ice-session.h"

G_BEGIN_DECLS

/**
 * IcePairCounters:
 * @requests_sent: connectivity checks sent on the pair, retransmissions
 *   included, consent checks not
 * @requests_received: Binding requests that arrived on the pair and passed
 *   authentication (checks and the peer's consent checks)
 * @responses_sent: success responses sent to those requests
 * @responses_received: authenticated responses to our checks and consent
 *   checks
 * @consent_requests_sent: RFC 7675 consent checks sent while the pair was
 *   selected
 * @current_rtt_us: round-trip time of the latest answered check, from
 *   its first transmission; -1 before any answer
 * @total_rtt_us: sum of the round-trip times measured
 * @rtt_measurements: how many round-trip times @total_rtt_us sums
 * @packets_sent, @bytes_sent: media handed to the IO layer while the pair
 *   was selected (ice_session_count_media_sent())
 * @packets_received, @bytes_received: media that arrived on the pair
 */
typedef struct {
  guint64 requests_sent;
  guint64 requests_received;
  guint64 responses_sent;
  guint64 responses_received;
  guint64 consent_requests_sent;
  gint64 current_rtt_us;
  gint64 total_rtt_us;
  guint64 rtt_measurements;
  guint64 packets_sent;
  guint64 bytes_sent;
  guint64 packets_received;
  guint64 bytes_received;
} IcePairCounters;

/* Failure reasons are short lines ("no response to 5 checks") */
#define ICE_PAIR_FAIL_REASON_MAX 64

/**
 * IcePairStats:
 * @local: the local candidate (a relayed one, or the host base of a
 *   server-reflexive one, RFC 8445 §6.1.2.4)
 * @state: "frozen", "waiting", "in-progress", "succeeded" or "failed"
 * @valid: in the valid list (RFC 8445 §7.2.5.3.2)
 * @nominated: nominated (RFC 8445 §8)
 * @selected: the pair the component's media uses
 * @failure_reason: why the pair failed, "" otherwise
 */
typedef struct {
  guint stream_id;
  guint component_id;
  IceCandidate local;
  IceCandidate remote;
  const gchar *state;
  guint64 priority;
  gboolean valid;
  gboolean nominated;
  gboolean selected;
  gchar failure_reason[ICE_PAIR_FAIL_REASON_MAX];
  IcePairCounters counters;
} IcePairStats;

/**
 * IceCandidateStats:
 * @is_local: one of ours (else the peer's)
 * @server: for a local server-reflexive candidate the STUN or TURN server
 *   that told it, for a relayed one the TURN server that allocated it (its
 *   transport is the relay protocol); family 0 otherwise
 */
typedef struct {
  IceCandidate candidate;
  gboolean is_local;
  IceTransportAddr server;
} IceCandidateStats;

/* Appends an IcePairStats per pair of @stream_id (or of every stream with
 * %ICE_SESSION_ALL_STREAMS) to @out, in checklist order. */
void ice_session_get_pair_stats (IceSession *session, guint stream_id,
                                 GArray *out);
/* Appends an IceCandidateStats per local then remote candidate. */
void ice_session_get_candidate_stats (IceSession *session, guint stream_id,
                                      GArray *out);
/* The IO layer handed @packets datagrams of @bytes in all to the socket of
 * the component's route: counted on its selected pair. */
void ice_session_count_media_sent (IceSession *session, guint stream_id,
                                   guint component_id, guint packets,
                                   guint64 bytes);
/* The same for datagrams sent earlier on the route from @local to @remote:
 * counted on that pair, selected or not any more. */
void ice_session_count_media_sent_on (IceSession *session, guint stream_id,
                                      guint component_id,
                                      const IceTransportAddr *local,
                                      const IceTransportAddr *remote,
                                      guint64 packets, guint64 bytes);

G_END_DECLS
#endif /* __ICE_STATS_H__ */
