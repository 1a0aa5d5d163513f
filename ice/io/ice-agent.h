/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * IceAgent: the GLib driver of the sans-IO IceSession (DESIGN §3).
 *
 * The agent owns the UDP sockets, the timer and the lock; it feeds the
 * session with datagrams and time and turns the session's events into
 * GObject signals.
 *
 * Threads:
 * - Every public function may be called from any thread.
 * - Sockets and timers run on the agent's #GMainContext (the
 *   "main-context" property). By default that is one process-wide context
 *   run by a single thread named "gst-ice" that serves every agent. A
 *   caller that passes its own context must iterate it.
 * - Signals (and the role notifies) are emitted with no internal lock
 *   held, so handlers may call back into the agent, in the order the
 *   session raised the events, one at a time per agent. The thread:
 *   - on the shared context (default): a thread of a process-wide pool,
 *     never the "gst-ice" thread, which carries packets and timers only.
 *     Successive signals of one agent may come from different pool
 *     threads, never two at once. A handler that blocks delays only its
 *     own agent's signals: that agent's STUN, consent and media and every
 *     other agent keep running.
 *   - on a context the caller passed: that context (the thread iterating
 *     it); a handler blocking there stalls the agents on that context.
 *   No signal starts once ice_agent_close() (or dispose) has returned; one
 *   already running may still be. ice_agent_wait_connected(), the receive
 *   path and the send path never wait for a signal to be dispatched.
 * - The receive callback (ice_agent_set_receive_callback()) is media, not
 *   a signal: it runs on the agent's context and must not block.
 * - STUN is answered by the agent's context whether or not anybody consumes
 *   media, so a send-only user stays connected.
 *
 * Media:
 * - Receive: each (stream, component) has a bounded queue; when full the
 *   OLDEST datagram is dropped and counted. Drain it with
 *   ice_agent_recv_batch(), or install a callback with
 *   ice_agent_set_receive_callback() (then the queue is bypassed).
 *   Payloads are #GBytes that own the very buffer the socket received
 *   into: wrap them without a copy (e.g. gst_memory_new_wrapped() with
 *   g_bytes_unref as notify).
 * - Send: ice_agent_send(), ice_agent_send_vectors() (one datagram from
 *   several pieces) and ice_agent_send_messages() (many datagrams, one
 *   sendmmsg). Before a pair is selected they send nothing, return 0 and
 *   count the refusal in #IceAgentStats; ice_agent_wait_connected() waits.
 */
#ifndef __ICE_AGENT_H__
#define __ICE_AGENT_H__

#include <gio/gio.h>

#include "ice/core/ice-session.h"
#include "ice/core/ice-stats.h"
#include "ice/io/ice-agent-enums.h"

G_BEGIN_DECLS

#define ICE_TYPE_AGENT (ice_agent_get_type ())
G_DECLARE_FINAL_TYPE (IceAgent, ice_agent, ICE, AGENT, GObject)

/* Receive queue defaults, per (stream, component). */
#define ICE_AGENT_DEFAULT_QUEUE_CAPACITY 1024
#define ICE_AGENT_DEFAULT_QUEUE_MAX_BYTES (8 * 1024 * 1024)
/* "peer-timeout": RFC 8863 §4 PAC time, 39.5 s, in milliseconds */
#define ICE_AGENT_DEFAULT_PEER_TIMEOUT_MS 39500
/* "mdns-resolve": how long a remote "<uuid>.local" name is asked for
 * (queries at 0, 1 and 3 s, RFC 6762 §5.2) before its candidates count as
 * unresolved */
#define ICE_AGENT_MDNS_TIMEOUT_MS 5000

/**
 * IceAgentDatagram:
 * @bytes: (transfer full): the payload (any TURN framing already
 *   stripped). It owns the buffer the socket received into; release it
 *   with ice_agent_datagram_clear() or steal it (set the field to %NULL).
 * @from: the peer's transport address
 * @received_us: g_get_monotonic_time() when the datagram was read
 *
 * One received media datagram.
 */
typedef struct {
  GBytes *bytes;
  IceTransportAddr from;
  gint64 received_us;
} IceAgentDatagram;

/**
 * ice_agent_datagram_clear:
 * @datagram: a datagram; its @bytes is unreffed and set to %NULL.
 */
void ice_agent_datagram_clear (IceAgentDatagram *datagram);

/**
 * IceAgentReceiveFunc:
 * @agent: the agent
 * @stream_id: stream of the datagrams
 * @component_id: component of the datagrams
 * @datagrams: (array length=n_datagrams): the batch just read, in order
 * @n_datagrams: how many, at least 1
 * @user_data: as given to ice_agent_set_receive_callback()
 *
 * Called from the agent's context with no lock held. The agent clears the
 * datagrams after the callback returns; to keep a payload, steal it
 * (take @datagrams[i].bytes and set the field to %NULL).
 */
typedef void (*IceAgentReceiveFunc) (IceAgent *agent, guint stream_id,
                                     guint component_id,
                                     IceAgentDatagram *datagrams,
                                     guint n_datagrams, gpointer user_data);

/**
 * IceAgentStats:
 * @packets_sent: media datagrams sent
 * @bytes_sent: media bytes sent (without any TURN framing)
 * @send_not_connected: media datagrams refused because no pair was
 *   selected (or consent was lost)
 * @send_errors: media datagrams the kernel refused (sendmmsg error)
 * @packets_received: media datagrams delivered (queued or to a callback)
 * @bytes_received: media bytes delivered
 * @queue_dropped: datagrams dropped from a full receive queue (the oldest)
 * @recv_errors: receive errors and truncated datagrams
 * @dropped: datagrams the session refused, by #IceDropReason (e.g. media
 *   from an address that never proved it knows the credentials)
 * @checks_sent: connectivity checks sent
 * @checks_received: connectivity checks received
 * @responses_received: STUN responses received
 * @selected_rtt_us: last RTT measured on a selected pair, -1 if none
 * @relay_allocations_lost: TURN allocations lost while in use (server
 *   restarted or silent; each also a "relay-error")
 * @relay_reallocations: allocations made anew after such a loss
 * @remote_rejected: the peer's lines refused (descriptions, trickled
 *   candidates, credentials), by #IceRemoteResult: malformed, non-unicast
 *   address, bad credentials, unknown stream or component, unresolved name
 * @streams_awaiting_candidates: streams where no pair can succeed any more
 *   while the peer may still trickle (no end-of-candidates yet)
 * @mdns_queries_sent: mDNS queries sent for the peer's ".local" names
 * @mdns_resolved: names answered (their candidates were added)
 * @mdns_timeouts: names nobody answered within %ICE_AGENT_MDNS_TIMEOUT_MS
 *   (their candidates also count in @remote_rejected as unresolved)
 * @mdns_dropped: mDNS messages dropped: malformed, not from port 5353, or
 *   responses with no answer for a name we asked
 * @mdns_names_published: "<uuid>.local" names made for our host addresses
 *   ("mdns"; new ones after each restart)
 * @mdns_answers_sent: mDNS answers multicast for our names
 * @mdns_queries_ignored: queries for names not ours, from ports other than
 *   5353 (legacy unicast), or whose answer would have been too big
 * @mdns_answers_rate_limited: queries for our names not answered because
 *   the record went out less than a second before (RFC 6762 §6) or the
 *   querier listed it as a known answer
 * @mdns_conflicts: messages from another host claiming one of our names
 *   with another address (docs/mdns.md)
 * @tcp_connects: ICE-TCP connections we opened (active candidates, and
 *   the connections to a STUN server over TCP for server-reflexive TCP
 *   candidates)
 * @tcp_connect_failed: of those, the ones refused, unreachable or reset
 *   before they were established, or not established within 10 s
 * @tcp_accepts: connections accepted on our ICE-TCP listeners
 * @tcp_refused: connections refused or closed by the bounds (too many
 *   connections, or the oldest unauthenticated accepted one evicted)
 * @tcp_closed_invalid: connections closed for what the peer sent: a frame
 *   above the maximum, or on an accepted connection something other than
 *   a check the session accepts (a stranger), or a STUN server's stream
 *   that is not STUN
 * @tcp_dropped_bytes: media bytes dropped because a connection's send
 *   queue (ICE-TCP) was full
 * @network_changes: address changes compared with the agent's sockets
 *   (bursts of netlink messages, debounced)
 * @addresses_lost: local addresses the agent had sockets on that went
 *   away (each also a "local-address-lost")
 * @network_restarts: ICE restarts the agent made for such a change
 * @netlink_dropped: netlink messages dropped as malformed or not from
 *   the kernel
 * @consumer_reads: receive batches the consumer read from its route's
 *   socket itself (ice_agent_recv_batch(), docs/ice-agent.md)
 * @reader_handovers: times the agent took such a socket back because the
 *   consumer stayed away (paused, stopped, blocked downstream)
 * @gro_segments: datagrams split out of UDP_GRO reads
 * @gso_sends: UDP_SEGMENT (GSO) sends, each several equal-size datagrams
 * @gso_fallbacks: GSO sends the kernel refused: resent one by one, and
 *   GSO is off for the agent from then on
 * @mux_unknown_dropped: with "udp-mux", the datagrams its shared socket
 *   dropped because no agent on it has their ufrag or learnt their source
 *   (strangers): the mux's counter (IceUdpMuxStats.unknown_dropped), the
 *   same for every agent on that address; 0 without a mux, or once the
 *   agent left it (closed)
 * @backlog_dropped: media a consumer reading its socket itself dropped,
 *   oldest first, because it was too far behind (more than
 *   %ICE_AGENT_BACKLOG_MAX_BYTES waiting in the kernel); the STUN among
 *   them was still handled
 *
 * A snapshot of the agent's counters (all streams together).
 */
typedef struct {
  guint64 packets_sent;
  guint64 bytes_sent;
  guint64 send_not_connected;
  guint64 send_errors;
  guint64 packets_received;
  guint64 bytes_received;
  guint64 queue_dropped;
  guint64 recv_errors;
  guint64 dropped[ICE_DROP_LAST];
  guint64 checks_sent;
  guint64 checks_received;
  guint64 responses_received;
  gint64 selected_rtt_us;
  guint64 relay_allocations_lost;
  guint64 relay_reallocations;
  guint64 remote_rejected[ICE_REMOTE_LAST];
  guint streams_awaiting_candidates;
  guint64 mdns_queries_sent;
  guint64 mdns_resolved;
  guint64 mdns_timeouts;
  guint64 mdns_dropped;
  guint64 mdns_names_published;
  guint64 mdns_answers_sent;
  guint64 mdns_queries_ignored;
  guint64 mdns_answers_rate_limited;
  guint64 mdns_conflicts;
  guint64 tcp_connects;
  guint64 tcp_connect_failed;
  guint64 tcp_accepts;
  guint64 tcp_refused;
  guint64 tcp_closed_invalid;
  guint64 tcp_dropped_bytes;
  guint64 network_changes;
  guint64 addresses_lost;
  guint64 network_restarts;
  guint64 netlink_dropped;
  guint64 consumer_reads;
  guint64 reader_handovers;
  guint64 gro_segments;
  guint64 gso_sends;
  guint64 gso_fallbacks;
  guint64 mux_unknown_dropped;
  guint64 backlog_dropped;
} IceAgentStats;

/* How far a consumer reading its socket itself may fall behind, in bytes
 * of the kernel's socket buffer accounting, before it drops the oldest
 * media (more than udpsrc's whole default buffer; the kernel's figure is
 * late by up to a quarter of the buffer, which is added to this bound:
 * docs/ice-agent.md, "Who reads a socket"). */
#define ICE_AGENT_BACKLOG_MAX_BYTES (256 * 1024)

/*
 * Properties (all readable and writable unless said otherwise):
 *
 * "main-context"       GMainContext*, construct-only: the context sockets
 *                      and timers run on; NULL (default) = the shared
 *                      "gst-ice" thread.
 * "ice-role"           IceRole (ICE_TYPE_ROLE), default controlling.
 * "controlling-mode"   gboolean, libnice's word for ice-role.
 * "nomination"         IceNomination (ICE_TYPE_NOMINATION), default
 *                      regular; only before the first ice_agent_add_stream.
 * "consent-freshness"  gboolean, RFC 7675, default TRUE; only before the
 *                      first ice_agent_add_stream.
 * "peer-timeout"       guint, milliseconds a stream waits for the peer's
 *                      credentials before it fails (RFC 8863 PAC time,
 *                      IceSessionConfig.pac_timeout_us), default
 *                      ICE_AGENT_DEFAULT_PEER_TIMEOUT_MS (39.5 s); 0 =
 *                      wait forever (once the peer is heard, the usual
 *                      failure rules apply). Only before the first
 *                      ice_agent_add_stream.
 * "stun-server"        gchar*, "stun://host:port" (port defaults to 3478),
 *                      or NULL; used by the next ice_agent_gather().
 * "port-range"         gchar*, "min-max" local UDP ports, e.g.
 *                      "40000-40100", or NULL for any port.
 * "bind-address"       GStrv, allow list of interface names ("eth0") and
 *                      IP addresses ("192.0.2.7", "::1"); empty or NULL =
 *                      every usable interface except loopback. Loopback
 *                      is gathered only when listed here ("lo",
 *                      "127.0.0.1").
 * "ice-tcp"            gboolean, default FALSE: also gather RFC 6544 TCP
 *                      host candidates (a listening socket per host
 *                      address: passive, and active ones of port 9),
 *                      below UDP in priority; checks and media framed
 *                      per RFC 4571. Used by the next ice_agent_gather().
 *                      docs/ice-agent.md "ICE-TCP".
 * "receive-queue-capacity"  guint, datagrams per (stream, component)
 *                      queue, default ICE_AGENT_DEFAULT_QUEUE_CAPACITY.
 * "mdns-resolve"       gboolean, default TRUE: resolve the peer's
 *                      "<uuid>.local" candidates with mDNS queries (A
 *                      and AAAA, on 224.0.0.251:5353 and [ff02::fb]:5353
 *                      from sockets bound to port 5353; IPv4 only
 *                      without IPv6) for ICE_AGENT_MDNS_TIMEOUT_MS; FALSE
 *                      refuses them as unresolved. docs/mdns.md.
 * "mdns"               gboolean, default FALSE: publish host candidates
 *                      as random "<uuid>.local" names (new ones per ICE
 *                      session), srflx with "raddr 0.0.0.0 rport 0", and
 *                      answer A/AAAA queries for those names only, on
 *                      the family asked (224.0.0.251:5353 or
 *                      [ff02::fb]:5353) (draft-ietf-mmusic-mdns-ice-
 *                      candidates §3.1); set before gathering.
 * "receive-queue-max-bytes" guint, payload bytes per queue, default
 *                      ICE_AGENT_DEFAULT_QUEUE_MAX_BYTES; 0 = no byte limit.
 * "interfaces"         GStrv, interface names or glob patterns ('*', '?')
 *                      to gather on; empty or NULL = all. Applies with
 *                      bind-address; an exact name allows loopback.
 * "exclude-interfaces" GStrv, names or patterns never gathered on ("docker*",
 *                      "veth*"); wins over both allow lists. Default empty.
 * "restart-on-network-change" gboolean, default TRUE: when an address
 *                      the agent has sockets on goes away (watched with a
 *                      netlink socket on the agent's context, changes
 *                      debounced 200 ms), restart ICE on the addresses
 *                      there are now; FALSE: close those sockets, gather
 *                      on new addresses (trickled) and only signal.
 * "udp-mux"            gchararray, default NULL: "HOST:PORT" (an IP
 *                      address; port 0 picks one) of a UDP socket that
 *                      every agent of the process naming the same string
 *                      shares (ice-udp-mux.h): the agent gathers that one
 *                      host candidate; one stream of one component. Set
 *                      before gathering. docs/ice-agent.md "UDP mux".
 *
 * Signals (no lock held; from the dispatch pool on the shared context,
 * from the caller's context otherwise: see "Threads" above):
 *
 * "new-candidate"            (IceAgent*, guint stream_id, gchar *line):
 *     a local candidate, as "candidate:..." (no "a=", no line end).
 * "gathering-done"           (IceAgent*, guint stream_id)
 * "connection-state-changed" (IceAgent*, guint stream_id,
 *                             IceConnectionState state)
 * "selected-pair-changed"    (IceAgent*, guint stream_id, guint component_id,
 *                             gchar *local_line, gchar *remote_line):
 *     the pair media now uses; both as "candidate:..." strings.
 * "consent-lost"             (IceAgent*, guint stream_id, guint component_id)
 * "new-remote-candidate"     (IceAgent*, guint stream_id, gchar *line):
 *     a peer-reflexive remote candidate learnt from a check.
 * "local-credentials-changed" (IceAgent*, guint stream_id, gchar *ufrag,
 *                             gchar *pwd): the peer restarted ICE (new
 *     credentials given to set_remote_credentials/_description) and the
 *     stream restarted too (RFC 8839 §4.4.1.1.2): signal the new ufrag and
 *     pwd; "new-candidate" and "gathering-done" follow as after a restart.
 *     Also when the agent restarted by itself over a new TURN allocation
 *     after "relay-error" reported the old one lost (docs/turn.md).
 * "local-address-lost"       (IceAgent*, gchar *ip, gboolean restarting):
 *     an address the agent had sockets on went away (docs/ice-agent.md,
 *     "Address changes"); its sockets are closed. When @restarting, the
 *     agent restarts ICE itself: "local-credentials-changed" follows for
 *     every stream, then the candidates, as after a restart of the peer.
 * "ice-role" and "controlling-mode" are notified when a role conflict
 * (RFC 8445 §7.3.1.1) switches the role.
 */

/**
 * ice_agent_new:
 * @context: (nullable): the context to run on, or %NULL for the shared
 *   "gst-ice" thread
 *
 * Returns: (transfer full): a new agent, with no stream yet.
 */
IceAgent *ice_agent_new (GMainContext *context);

/**
 * ice_agent_get_main_context:
 * Returns: (transfer none): the context the agent's sockets and timers
 *   run on (the shared one if none was given).
 */
GMainContext *ice_agent_get_main_context (IceAgent *agent);

/* --- streams, credentials ------------------------------------------------ */

/**
 * ice_agent_add_stream:
 * @n_components: 1 (RTP, or RTP+RTCP muxed) or 2 (RTP and RTCP), up to 256
 *
 * Returns: the new stream's id (0, 1, 2, ...), or G_MAXUINT if
 *   @n_components is out of range or the agent is closed.
 *   Components are numbered 1..@n_components.
 */
guint ice_agent_add_stream (IceAgent *agent, guint n_components);

/**
 * ice_agent_gather:
 * @stream_id: a stream from ice_agent_add_stream()
 * @error: a #GError, or %NULL
 *
 * Opens one UDP socket per (component, usable local address), reports them
 * to the session as host candidates and, when "stun-server" is set,
 * resolves it and asks it for server-reflexive candidates. Candidates
 * arrive through "new-candidate"; "gathering-done" ends the list.
 *
 * Returns: %FALSE (with @error set) when no socket could be opened for
 *   some component, or the stream is unknown.
 */
gboolean ice_agent_gather (IceAgent *agent, guint stream_id, GError **error);

/**
 * ice_agent_get_local_credentials:
 * @ufrag: (out) (transfer full) (optional): our ice-ufrag
 * @pwd: (out) (transfer full) (optional): our ice-pwd
 *
 * Returns: %FALSE if the stream is unknown.
 */
gboolean ice_agent_get_local_credentials (IceAgent *agent, guint stream_id,
                                          gchar **ufrag, gchar **pwd);

/**
 * ice_agent_set_local_credentials:
 * Replaces the generated credentials (RFC 8839 §5.4: ufrag 4-256 and pwd
 * 22-256 ice-chars). Once the application has set some, other values are
 * its ICE restart of the stream (RFC 8445 §9, as a new offer with new
 * a=ice-ufrag/a=ice-pwd): the peer's candidates are forgotten, gathering
 * starts again (candidates and gathering-done follow, no
 * local-credentials-changed), the pair in use carries media until a new one
 * is selected. After a restart the agent made (local-credentials-changed),
 * the next values replace its ones without another restart.
 *
 * Returns: %FALSE if they are invalid or the stream is unknown.
 */
gboolean ice_agent_set_local_credentials (IceAgent *agent, guint stream_id,
                                          const gchar *ufrag, const gchar *pwd);

/**
 * ice_agent_set_remote_credentials:
 * Returns: %FALSE if they are invalid or the stream is unknown.
 */
gboolean ice_agent_set_remote_credentials (IceAgent *agent, guint stream_id,
                                           const gchar *ufrag,
                                           const gchar *pwd);

/* --- remote candidates, descriptions ------------------------------------- */

/**
 * ice_agent_add_remote_candidate:
 * @sdp_line: one RFC 8839 candidate attribute, with or without "a=" and
 *   line ending ("candidate:1 1 UDP 2015364095 192.0.2.7 34122 typ host")
 * @error: a #GError, or %NULL
 *
 * Returns: %FALSE (with @error set, domain %ICE_REMOTE_ERROR, the
 *   #IceRemoteResult as code, the message saying what was expected) if the
 *   line does not parse, has a multicast, broadcast or unspecified
 *   address, names a component the stream lacks, or the stream is
 *   unknown. Every refusal is counted in #IceAgentStats.remote_rejected.
 */
gboolean ice_agent_add_remote_candidate (IceAgent *agent, guint stream_id,
                                         const gchar *sdp_line, GError **error);

/**
 * ice_agent_add_remote_candidate_full:
 * @candidate: a remote candidate; its @stream_id is used.
 *
 * Returns: %FALSE if the session refused it.
 */
gboolean ice_agent_add_remote_candidate_full (IceAgent *agent,
                                              const IceCandidate *candidate);

/**
 * ice_agent_end_of_remote_candidates:
 * The peer will trickle no more candidates for @stream_id (RFC 8838 §8.2).
 */
void ice_agent_end_of_remote_candidates (IceAgent *agent, guint stream_id);

/**
 * ice_agent_set_remote_description:
 * @text: RFC 8839 attribute lines (ice-ufrag, ice-pwd, ice-options,
 *   candidates, end-of-candidates), CRLF or LF; other lines are ignored
 * @error: a #GError, or %NULL
 *
 * Bad lines are skipped (logged with g_debug and counted in
 * #IceAgentStats.remote_rejected), never fatal to the rest.
 *
 * Returns: the number of candidates added, or -1 (with @error set, domain
 *   %ICE_REMOTE_ERROR: %ICE_REMOTE_UNKNOWN_STREAM or
 *   %ICE_REMOTE_BAD_CREDENTIALS) if the stream is unknown or the text
 *   carries no valid credentials.
 */
gint ice_agent_set_remote_description (IceAgent *agent, guint stream_id,
                                       const gchar *text, GError **error);

/**
 * ice_agent_set_remote_description_full:
 * @skipped: (out) (optional) (transfer full) (element-type GError):
 *   one #GError per line skipped, in domain %ICE_REMOTE_ERROR with the
 *   #IceRemoteResult as code and "line N: <what was expected>" as message;
 *   free with g_ptr_array_unref() (never %NULL when asked for)
 *
 * ice_agent_set_remote_description(), telling the caller which lines were
 * skipped (also when the whole description is refused).
 */
gint ice_agent_set_remote_description_full (IceAgent *agent, guint stream_id,
                                            const gchar *text,
                                            GPtrArray **skipped,
                                            GError **error);

/**
 * ice_agent_get_local_description:
 * Returns: (transfer full) (nullable): our description of the stream so
 *   far as "a=...\r\n" lines (credentials, options, the candidates
 *   gathered, end-of-candidates once gathering is done), or %NULL if the
 *   stream is unknown.
 */
gchar *ice_agent_get_local_description (IceAgent *agent, guint stream_id);

/**
 * ice_agent_restart:
 * ICE restart (RFC 8445 §9): new local credentials for every stream,
 * remote candidates forgotten; media keeps flowing on the selected pairs
 * until new ones are selected.
 */
void ice_agent_restart (IceAgent *agent);

/* --- TURN (relayed candidates) ----------------------------------------------
 *
 * Properties: "turn-server" (a URI as below; setting it adds that server),
 * "ice-transport-policy" (#IceAgentTransportPolicy: "relay" gathers and
 * uses only relayed candidates; set it before the first stream),
 * "turn-ca-file" (PEM CA certificates for turns:, default: the system
 * store), "turn-insecure" (do not verify the server's certificate; only
 * when asked). Signal "relay-error" (stream, component, STUN error code or
 * 0, message): an allocation failed or was lost (e.g. wrong credentials).
 */

/**
 * IceAgentTransportPolicy:
 * @ICE_AGENT_TRANSPORT_POLICY_ALL: every candidate type (webrtcbin "all")
 * @ICE_AGENT_TRANSPORT_POLICY_RELAY: relayed candidates only ("relay")
 */
typedef enum {
  ICE_AGENT_TRANSPORT_POLICY_ALL = 0,
  ICE_AGENT_TRANSPORT_POLICY_RELAY,
} IceAgentTransportPolicy;

gboolean ice_agent_add_turn_server (IceAgent *agent, const gchar *uri,
                                    GError **error);

/* --- state ------------------------------------------------------------------
 */

/**
 * ice_agent_get_connection_state:
 * Returns: the stream's state; %ICE_CONNECTION_CLOSED once the agent is
 *   closed or if the stream is unknown.
 */
IceConnectionState ice_agent_get_connection_state (IceAgent *agent,
                                                   guint stream_id);

/**
 * ice_agent_get_gathering_state:
 */
IceGatheringState ice_agent_get_gathering_state (IceAgent *agent,
                                                 guint stream_id);

/**
 * ice_agent_get_selected_pair:
 * @local: (out) (optional): the local candidate of the selected pair
 * @remote: (out) (optional): the remote candidate
 *
 * Returns: %FALSE if no pair is selected for the component.
 */
gboolean ice_agent_get_selected_pair (IceAgent *agent, guint stream_id,
                                      guint component_id, IceCandidate *local,
                                      IceCandidate *remote);

/**
 * ice_agent_get_selected_pair_strings:
 * @local: (out) (transfer full) (optional): "candidate:..." of the local end
 * @remote: (out) (transfer full) (optional): "candidate:..." of the remote
 *
 * Returns: %FALSE if no pair is selected for the component.
 */
gboolean ice_agent_get_selected_pair_strings (IceAgent *agent, guint stream_id,
                                              guint component_id, gchar **local,
                                              gchar **remote);

/**
 * ice_agent_wait_connected:
 * @timeout_us: how long to wait, in µs; 0 = just check, -1 = forever
 * @cancellable: (nullable): cancels the wait
 *
 * Waits until every component of the stream has a usable pair (state
 * CONNECTED or COMPLETED). Must not be called from the agent's context
 * thread (the context would never run to connect).
 *
 * Returns: %TRUE when connected; %FALSE on timeout, cancellation, FAILED,
 *   or when the agent is closed.
 */
gboolean ice_agent_wait_connected (IceAgent *agent, guint stream_id,
                                   gint64 timeout_us,
                                   GCancellable *cancellable);

/**
 * ice_agent_get_stats:
 * @stats: (out caller-allocates): filled with a snapshot of the counters
 */
void ice_agent_get_stats (IceAgent *agent, IceAgentStats *stats);

/* --- media: receive ------------------------------------------------------- */

/**
 * ice_agent_recv_batch:
 * @out: (out caller-allocates) (array length=max): receives up to @max
 *   datagrams, oldest first; the caller owns them (ice_agent_datagram_clear())
 * @max: room in @out, at least 1
 * @timeout_us: how long to wait for the first datagram, in µs; 0 = do not
 *   wait, -1 = forever
 * @cancellable: (nullable): interrupts the wait (use it for unlock/flush)
 * @error: a #GError, or %NULL
 *
 * Takes what is queued for the component, up to @max, waiting until at
 * least one datagram is there. One lock per call, not per datagram; the
 * cancellable is only watched when the call has to wait. Never wait on the
 * agent's own context thread (nothing would fill the queue).
 *
 * Returns: the number of datagrams stored in @out (> 0); 0 on timeout;
 *   -1 with @error set to G_IO_ERROR_CANCELLED when @cancellable fired,
 *   G_IO_ERROR_CLOSED when the agent was closed, G_IO_ERROR_INVALID_ARGUMENT
 *   for an unknown stream or component.
 */
gint ice_agent_recv_batch (IceAgent *agent, guint stream_id, guint component_id,
                           IceAgentDatagram *out, guint max, gint64 timeout_us,
                           GCancellable *cancellable, GError **error);

/**
 * IceAgentRecvSlot:
 * @data: (in): memory the caller gives for one datagram (from its pool)
 * @size: (in): room at @data; (out): the datagram's length there, 0 when
 *   it came in @bytes instead
 * @bytes: (out) (transfer full) (nullable): the datagram when it did not
 *   fit @data; %NULL otherwise (set it to %NULL before the call)
 * @from: (out): the peer's transport address
 * @received_us: (out): g_get_monotonic_time() when it was read
 *
 * One datagram of ice_agent_recv_into().
 */
typedef struct {
  guint8 *data;
  gsize size;
  GBytes *bytes;
  IceTransportAddr from;
  gint64 received_us;
} IceAgentRecvSlot;

/**
 * ice_agent_recv_into:
 * @slots: (array length=n_slots): caller memory, filled in order
 * @n_slots: how many, at least 1
 *
 * As ice_agent_recv_batch(), but the datagrams are copied into the
 * caller's memory (one memcpy each; no allocation per datagram, e.g.
 * with a #GstBufferPool); only a datagram larger than its slot comes as
 * @bytes.
 *
 * Returns: the number of slots filled (> 0); 0 on timeout; -1 with
 *   @error set, as ice_agent_recv_batch().
 */
gint ice_agent_recv_into (IceAgent *agent, guint stream_id, guint component_id,
                          IceAgentRecvSlot *slots, guint n_slots,
                          gint64 timeout_us, GCancellable *cancellable,
                          GError **error);

/**
 * ice_agent_flush_receive_queue:
 * Drops everything queued for the component (not counted as drops).
 */
void ice_agent_flush_receive_queue (IceAgent *agent, guint stream_id,
                                    guint component_id);

/**
 * ice_agent_set_receive_callback:
 * @func: (nullable): called with each batch read for the component, from
 *   the agent's context; %NULL goes back to queueing
 * @user_data: passed to @func
 * @notify: (nullable): frees @user_data when replaced (called later from
 *   the agent's context, once a batch in flight is done) or when the agent
 *   is finalized
 *
 * While a callback is set the receive queue of the component is bypassed
 * (anything already queued stays there for ice_agent_recv_batch()).
 *
 * Returns: %FALSE if the stream or component is unknown.
 */
gboolean ice_agent_set_receive_callback (IceAgent *agent, guint stream_id,
                                         guint component_id,
                                         IceAgentReceiveFunc func,
                                         gpointer user_data,
                                         GDestroyNotify notify);

/* --- media: send -------------------------------------------------------------
 */

/**
 * ice_agent_send:
 * Sends one datagram on the component's selected pair, from any thread.
 *
 * Returns: 1 if sent, 0 if not (no pair selected yet, consent lost, or
 *   the kernel refused it; counted in #IceAgentStats).
 */
guint ice_agent_send (IceAgent *agent, guint stream_id, guint component_id,
                      const guint8 *data, gsize len);

/**
 * ice_agent_send_vectors:
 * @vectors: (array length=n_vectors): pieces of ONE datagram, gathered
 *   without copy (e.g. the memories of a GstBuffer)
 *
 * Returns: 1 if sent, 0 if not (see ice_agent_send()).
 */
guint ice_agent_send_vectors (IceAgent *agent, guint stream_id,
                              guint component_id, const GOutputVector *vectors,
                              guint n_vectors);

/**
 * ice_agent_send_messages:
 * @messages: (array length=n_messages): one datagram each; the @address
 *   and @control_messages fields are ignored (the selected pair decides),
 *   @bytes_sent is set for each message sent
 *
 * Sends many datagrams with one lock and as few sendmmsg() calls as the
 * kernel allows (batches of up to 64).
 *
 * Returns: the number of datagrams sent; 0 if no pair is selected yet. A
 *   datagram the kernel refuses is skipped and counted (its @bytes_sent
 *   stays 0); a full socket buffer makes the call wait up to 100 ms.
 */
guint ice_agent_send_messages (IceAgent *agent, guint stream_id,
                               guint component_id, GOutputMessage *messages,
                               guint n_messages);

/**
 * ice_agent_set_tos:
 * @stream_id: a stream from ice_agent_add_stream()
 * @tos: the IPv4 TOS byte / IPv6 traffic class (DSCP << 2 | ECN), 0 for
 *   the system's default
 *
 * Marks the stream's UDP datagrams (checks, TURN traffic and media on its
 * sockets; sockets opened later too) with @tos (webrtcbin's DSCP, RFC
 * 8837). ICE-TCP and TCP/TLS connections to TURN servers keep the
 * default.
 *
 * Returns: %FALSE if the stream is unknown or the kernel refused the
 *   option on some socket (logged with g_debug).
 */
gboolean ice_agent_set_tos (IceAgent *agent, guint stream_id, guint tos);

/* --- teardown ----------------------------------------------------------------
 */

/**
 * ice_agent_close:
 * Stops reading the sockets and the timers, wakes every waiter (they
 * return CLOSED), refuses further calls and reports every stream as
 * %ICE_CONNECTION_CLOSED. No signal starts afterwards (a handler already
 * running on another thread may still be running). Idempotent;
 * dispose calls it. The object stays valid until its last unref; the
 * sockets are closed when that is gone and a callback that may be running
 * on the context at that moment has returned.
 */
void ice_agent_close (IceAgent *agent);

/* --- per-pair and per-candidate statistics ------------------------------- */

/* "turns:[2001:db8::1]:5349?transport=tcp" and the like */
#define ICE_AGENT_URL_MAX 320

/**
 * IceAgentCandidateStats:
 * @candidate: the candidate
 * @is_local: ours (else the peer's)
 * @relay_protocol: for a local relayed candidate, how we reach the TURN
 *   server: "udp", "tcp" or "tls"; %NULL otherwise
 * @url: for a local server-reflexive or relayed candidate, the URI of the
 *   STUN or TURN server it came from (never with credentials); "" otherwise
 */
typedef struct {
  IceCandidate candidate;
  gboolean is_local;
  const gchar *relay_protocol;
  gchar url[ICE_AGENT_URL_MAX];
} IceAgentCandidateStats;

GArray *ice_agent_get_pair_stats (IceAgent *agent, guint stream_id);
GArray *ice_agent_get_candidate_stats (IceAgent *agent, guint stream_id);
guint ice_agent_get_n_streams (IceAgent *agent);

/* --- interfaces (ice-agent-ifmatch.c) ------------------------------------ */

/**
 * ice_agent_validate_interface_list:
 * @property: "interfaces" or "exclude-interfaces", for the message
 * @list: (nullable): interface names or glob patterns ('*', '?')
 *
 * What the two properties accept: entries of 1-15 printable bytes with no
 * white space, '/' or ','.
 *
 * Returns: %FALSE with @error saying what was expected.
 */
gboolean ice_agent_validate_interface_list (const gchar *property,
                                            const gchar *const *list,
                                            GError **error);

G_END_DECLS
#endif /* __ICE_AGENT_H__ */
