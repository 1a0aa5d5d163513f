/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ICE candidates (RFC 8445 §5.1, RFC 6544 for TCP): types, priorities,
 * foundations. A plain value type, copied with `=`.
 */
#ifndef __ICE_CANDIDATE_H__
#define __ICE_CANDIDATE_H__

#include "ice/common/ice-addr.h"

G_BEGIN_DECLS

typedef enum {
  ICE_CANDIDATE_TYPE_HOST = 0,
  ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
  ICE_CANDIDATE_TYPE_PEER_REFLEXIVE,
  ICE_CANDIDATE_TYPE_RELAYED,
} IceCandidateType;

/* RFC 6544 §4.5 */
typedef enum {
  ICE_TCP_TYPE_NONE = 0, /* UDP candidates */
  ICE_TCP_TYPE_ACTIVE,
  ICE_TCP_TYPE_PASSIVE,
  ICE_TCP_TYPE_SO,
} IceTcpType;

/* RFC 8839 §5.1: foundation is 1*32 ice-char */
#define ICE_FOUNDATION_MAX 32
/* RFC 1035 name length, for mDNS ".local" host names (RFC 8839 §5.1) */
#define ICE_HOSTNAME_MAX 253
/* Unknown candidate extensions ("generation 0 network-cost 999") kept
 * verbatim up to this length; longer ones are cut at a token boundary. */
#define ICE_EXTENSIONS_MAX 255

/**
 * IceCandidate:
 * @type: host, srflx, prflx or relay
 * @stream_id: stream the candidate belongs to
 * @component_id: 1 (RTP) .. 256
 * @foundation: NUL-terminated, 1-32 ice-chars
 * @priority: RFC 8445 §5.1.2
 * @addr: the candidate's transport address; @addr.transport is UDP or TCP.
 *   Unset (family NONE) while @hostname is still to be resolved.
 * @base: local candidates only: the base (RFC 8445 §5.1.1.3), i.e. the local
 *   socket address the candidate sends from; for a relayed candidate the
 *   relayed address itself.
 * @related: raddr/rport of RFC 8839: the base for srflx/prflx, the mapped
 *   address for relay; unset for host.
 * @tcp_type: RFC 6544 type for TCP candidates
 * @hostname: a name instead of an IP (e.g. "<uuid>.local"), or empty
 * @extensions: unknown extension tokens, kept verbatim, or empty
 *
 * A remote candidate whose connection-address is a name (RFC 8839 §5.1,
 * mDNS "<uuid>.local") is parsed with the name in @hostname, @addr.family
 * %ICE_ADDR_FAMILY_NONE, and @addr.port and @addr.transport already set:
 * resolving the name fills @addr.family and @addr.ip. A local candidate
 * may have both: @addr is the real address, @hostname the name published
 * in its place (the writer prints @hostname whenever it is set).
 */
typedef struct {
  IceCandidateType type;
  guint stream_id;
  guint component_id;
  gchar foundation[ICE_FOUNDATION_MAX + 1];
  guint32 priority;
  IceTransportAddr addr;
  IceTransportAddr base;
  IceTransportAddr related;
  IceTcpType tcp_type;
  gchar hostname[ICE_HOSTNAME_MAX + 1];
  gchar extensions[ICE_EXTENSIONS_MAX + 1];
} IceCandidate;

/* "host", "srflx", "prflx", "relay" (RFC 8839 §5.1 cand-type) */
const gchar *ice_candidate_type_to_string (IceCandidateType type);
/* Inverse of the above, ignoring case (ABNF literals, RFC 5234 §2.3);
 * FALSE if unknown. */
gboolean ice_candidate_type_from_string (const gchar *s,
                                         IceCandidateType *type);
/* "active", "passive", "so"; "" for %ICE_TCP_TYPE_NONE */
const gchar *ice_tcp_type_to_string (IceTcpType type);
/* Inverse of the above for the three RFC 6544 types, ignoring case;
 * FALSE if unknown. */
gboolean ice_tcp_type_from_string (const gchar *s, IceTcpType *type);

/* RFC 8445 §5.1.2.2 recommended type preferences */
#define ICE_TYPE_PREF_HOST 126
#define ICE_TYPE_PREF_PEER_REFLEXIVE 110
#define ICE_TYPE_PREF_SERVER_REFLEXIVE 100
#define ICE_TYPE_PREF_RELAYED 0
/* RFC 6544 §4.2 lets the transport take part in the type preference. We
 * prefer UDP (no head-of-line blocking for RTP): host, prflx and srflx TCP
 * candidates rank below every non-relayed UDP candidate (90 < 100) and
 * above relayed ones; relayed TCP shares 0 with relayed UDP (the local
 * preference then decides). TLS counts as TCP. */
#define ICE_TYPE_PREF_HOST_TCP 90
#define ICE_TYPE_PREF_PEER_REFLEXIVE_TCP 80
#define ICE_TYPE_PREF_SERVER_REFLEXIVE_TCP 70
#define ICE_TYPE_PREF_RELAYED_TCP 0

/**
 * ice_candidate_type_preference:
 * Returns: the type preference (0..126) of @type over @transport, from the
 * ICE_TYPE_PREF_* values above.
 */
guint ice_candidate_type_preference (IceCandidateType type,
                                     IceTransport transport);

/* RFC 8445 §5.1.2.1: (2^24)*type_pref + (2^8)*local_pref + (256 - component)
 * Out-of-range arguments are clamped (126, 65535, 1..256) so that none
 * spills into its neighbour's bits. */
guint32 ice_candidate_compute_priority (guint type_pref, guint local_pref,
                                        guint component_id);

/* Local preference of an address (RFC 8445 §5.1.2.1, RFC 8421 §4): orders
 * interfaces by @interface_index (lower first) and, within one interface,
 * IPv6 before IPv4 (RFC 8421 §4 intermixing is done by the priority
 * order of the pairs); TCP types per RFC 6544 §4.2. 0..65535.
 *
 * UDP (@tcp_type NONE): 65535 - 4 * index - rank, where rank is 0 for IPv6,
 * 1 for IPv4; IPv6 link-local and IPv4-mapped addresses (RFC 8421 §4: "less
 * preferred") drop a further 32768, below every other address of any
 * interface. Index 0, IPv6 gives 65535. Indexes above 8191 count as 8191.
 *
 * TCP: (2^13) * direction-pref + other-pref (RFC 6544 §4.2), direction-pref
 * from ice_candidate_tcp_direction_preference() for a host candidate
 * (the base's address is what this function sees), other-pref the UDP
 * scheme scaled to 0..8191 (8191 - 4 * index - rank, demoted by 4096,
 * indexes above 1023 count as 1023). */
guint ice_candidate_local_preference (const IceTransportAddr *addr,
                                      guint interface_index,
                                      IceTcpType tcp_type);

/* RFC 6544 §4.2 recommended direction-pref (0..7): host and relayed
 * candidates 6 active, 4 passive, 2 so; server reflexive (NAT-assisted)
 * 6 so, 4 active, 2 passive. 0 for %ICE_TCP_TYPE_NONE. */
guint ice_candidate_tcp_direction_preference (IceCandidateType type,
                                              IceTcpType tcp_type);

/* Fills the foundation of a local candidate (RFC 8445 §5.1.1.3): equal for
 * candidates of the same type, base IP, server (for srflx/relay) and
 * transport. @server may be NULL. Uses @cand->type, the IP of @cand->base
 * (of @cand->addr if the base is unset), @cand->addr.transport (TLS counts
 * as TCP) and the IP of @server (its port is not part of it). The result
 * is a 32-bit FNV-1a hash of these written in decimal: 1-10 digits, the
 * same on every run and every host. */
void ice_candidate_compute_foundation (IceCandidate *cand,
                                       const IceTransportAddr *server);

/* Redundancy (RFC 8445 §5.1.3): same transport address (IP, port,
 * transport; the host name and port when both addresses are unset) and
 * same base. The caller keeps the one with the higher priority. */
gboolean ice_candidate_is_redundant (const IceCandidate *a,
                                     const IceCandidate *b);

/* Whether @addr can be a peer's transport address: an IP that is not
 * unspecified (0.0.0.0, ::), IPv4 limited broadcast (255.255.255.255) or
 * multicast (224.0.0.0/4, RFC 5771; ff00::/8, RFC 4291 §2.7), IPv4-mapped
 * forms included. FALSE for an unset address. */
gboolean ice_candidate_addr_is_unicast (const IceTransportAddr *addr);

/* Pair priority (RFC 8445 §6.1.2.3):
 * 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0) */
guint64 ice_pair_priority (guint32 controlling_prio, guint32 controlled_prio);

G_END_DECLS
#endif /* __ICE_CANDIDATE_H__ */
