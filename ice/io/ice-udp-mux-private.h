/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The UDP mux inside ice/io (not installed): ice-udp-mux.c holds the
 * process-wide registry, the shared socket and the routing tables;
 * ice-agent-mux.c is the agent's side (gathering on the mux, learning
 * addresses, taking the datagrams routed to it).
 *
 * Locks: one process-wide mux lock guards the registry and every mux's
 * tables. An agent may take it while holding its own lock; the mux
 * thread never takes an agent's lock while holding it.
 */
#ifndef __ICE_UDP_MUX_PRIVATE_H__
#define __ICE_UDP_MUX_PRIVATE_H__

#include "ice/io/ice-agent-private.h"
#include "ice/io/ice-udp-mux.h"

G_BEGIN_DECLS

typedef struct _IceUdpMuxMember IceUdpMuxMember;

/* One datagram the mux read, routed to an agent */
typedef struct {
  const guint8 *data;
  gsize len;
  IceTransportAddr from;
} IceUdpMuxDatagram;

/* ice-udp-mux.c */
gboolean ice_udp_mux_parse (const gchar *text, IceTransportAddr *addr);
IceUdpMuxMember *ice_udp_mux_join (const gchar *address, IceAgentState *state,
                                   IceAgentSocket **sock, GError **error);
/* With no agent lock held (the last leave may join the gst-ice thread) */
void ice_udp_mux_leave (IceUdpMuxMember *member);
void ice_udp_mux_learn (IceUdpMuxMember *member,
                        const IceTransportAddr *remote);
const gchar *ice_udp_mux_member_ufrag (IceUdpMuxMember *member);
void ice_udp_mux_set_ufrag (IceUdpMuxMember *member, const gchar *ufrag);
/* IceUdpMuxStats.unknown_dropped of the member's mux (takes the mux lock) */
guint64 ice_udp_mux_member_unknown_dropped (IceUdpMuxMember *member);

/* ice-agent-mux.c (agent lock held unless said otherwise) */
gboolean ice_agent_mux_gather_locked (IceAgentState *state,
                                      IceAgentStream *stream, GError **error);
void ice_agent_mux_learn_locked (IceAgentState *state,
                                 const IceTransportAddr *remote);
void ice_agent_mux_sync_ufrag_locked (IceAgentState *state);
/* IceAgentStats.mux_unknown_dropped: 0 when the agent is on no mux */
guint64 ice_agent_mux_unknown_dropped_locked (IceAgentState *state);
/* the mux thread, no lock held: datagrams of one batch for @state */
void ice_agent_mux_handle (IceAgentState *state, const IceTransportAddr *local,
                           const IceUdpMuxDatagram *datagrams, guint n);

G_END_DECLS
#endif /* __ICE_UDP_MUX_PRIVATE_H__ */
