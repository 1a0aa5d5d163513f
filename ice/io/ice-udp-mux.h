/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The UDP mux: every IceAgent of a process whose "udp-mux" property names
 * the same "HOST:PORT" shares ONE UDP socket bound there (a server that
 * answers many peers on one port). See docs/ice-agent.md, "UDP mux".
 */
#ifndef __ICE_UDP_MUX_H__
#define __ICE_UDP_MUX_H__

#include <glib.h>

G_BEGIN_DECLS

/**
 * IceUdpMuxStats:
 * @agents: agents on the mux now
 * @port: the port the socket is bound to (the one chosen for "HOST:0")
 * @datagrams: datagrams read from the socket
 * @routed_by_ufrag: STUN Binding requests routed by the local ufrag of
 *   their USERNAME (RFC 8445 §7.2.2)
 * @routed_by_address: other datagrams routed by their source address
 * @unknown_dropped: datagrams dropped because no agent on the mux has
 *   their ufrag (a request) or learnt their source (anything else)
 * @addresses: remote transport addresses in the routing table now
 */
typedef struct {
  guint agents;
  guint16 port;
  guint64 datagrams;
  guint64 routed_by_ufrag;
  guint64 routed_by_address;
  guint64 unknown_dropped;
  guint addresses;
} IceUdpMuxStats;

/**
 * ice_udp_mux_get_stats:
 * @address: "HOST:PORT" as given to "udp-mux"
 * @stats: (out caller-allocates): filled with a snapshot of the counters
 *
 * Returns: %FALSE (and @stats zeroed) when no agent uses that mux now.
 */
gboolean ice_udp_mux_get_stats (const gchar *address, IceUdpMuxStats *stats);

G_END_DECLS
#endif /* __ICE_UDP_MUX_H__ */
