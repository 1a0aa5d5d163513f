/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the two mDNS files of IceAgent share: ice-agent-mdns.c (the
 * multicast socket and resolving the peer's names) and
 * ice-agent-mdns-publish.c (our names and answering for them). Under the
 * agent's lock, like the rest of IceAgentState.
 */
#ifndef __ICE_AGENT_MDNS_PRIVATE_H__
#define __ICE_AGENT_MDNS_PRIVATE_H__

#include "ice/io/ice-agent-private.h"
#include "ice/mdns/mdns-responder.h"

G_BEGIN_DECLS

struct _IceAgentMdns {
  /* NULL until the first query or name, or when they failed */
  GSocket *socket;    /* IPv4, 224.0.0.251 */
  GSocket *socket6;   /* IPv6, ff02::fb; NULL when the host has none */
  GArray *ifindexes6; /* guint: the interfaces socket6 joined */
  gboolean socket_failed;
  GSource *recv_source;
  GSource *recv_source6;
  GSource *timer;
  GPtrArray *pending; /* MdnsPending* (ice-agent-mdns.c) */
  GHashTable *cache;  /* lower-case name -> IceTransportAddr* (ip only) */
  IceAgentMdnsCounters counters;

  /* publishing (ice-agent-mdns-publish.c) */
  IceMdnsResponder *responder; /* NULL until the first name */
  GArray *names;               /* IceAgentMdnsName */
};

/* ice-agent-mdns.c */
IceAgentMdns *ice_agent_mdns_get (IceAgentState *state);
void ice_agent_mdns_ensure_socket_locked (IceAgentState *state);
gboolean ice_agent_mdns_send_group_locked (IceAgentState *state,
                                           GSocketFamily family,
                                           const guint8 *data, gsize len,
                                           guint ifindex);

/* ice-agent-mdns-socket.c: the multicast sockets */
GSocket *ice_agent_mdns_socket_open (IceAgentState *state, GSocketFamily family,
                                     GArray *joined);
gboolean ice_agent_mdns_socket_send (GSocket *socket, const guint8 *data,
                                     gsize len, guint ifindex);
gssize ice_agent_mdns_socket_receive (GSocket *socket, guint8 *buf, gsize size,
                                      guint16 *port, guint *ifindex,
                                      gboolean *on_link);

/* ice-agent-mdns-onlink.c: RFC 6762 §11 */
gboolean ice_agent_mdns_is_on_link (guint32 source, guint ifindex, gint ttl);
gboolean ice_agent_mdns_is_on_link6 (const guint8 source[16], guint ifindex,
                                     gint hops);

/* ice-agent-mdns-publish.c */
void ice_agent_mdns_publish_handle_locked (IceAgentState *state,
                                           GSocketFamily family,
                                           const guint8 *data, gsize len,
                                           guint16 from_port, guint ifindex);
void ice_agent_mdns_publish_get_counters_locked (IceAgentState *state,
                                                 IceAgentMdnsCounters *out);
void ice_agent_mdns_publish_free (IceAgentMdns *m);

G_END_DECLS
#endif /* __ICE_AGENT_MDNS_PRIVATE_H__ */
