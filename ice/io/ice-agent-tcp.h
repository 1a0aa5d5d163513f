/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ICE-TCP (RFC 6544) inside IceAgent, shared by ice-agent-tcp.c (host
 * candidates, listeners, the connection table and its bounds) and
 * ice-agent-tcp-conn.c (one connection: RFC 4571 frames in and out).
 * Not installed. Everything here is under the state lock.
 */
#ifndef __ICE_AGENT_TCP_H__
#define __ICE_AGENT_TCP_H__

#include "ice/common/ice-rfc4571.h"
#include "ice/io/ice-agent-private.h"
#include "ice/io/ice-agent-stream-conn.h"
#include "ice/turn/turn-framing.h"

G_BEGIN_DECLS

/* Connections per agent (open or opening, both directions) */
#define ICE_AGENT_TCP_MAX_CONNS 64
/* Accepted connections no check has authenticated yet; one more closes
 * the oldest of them (a stranger cannot hold a slot for long) */
#define ICE_AGENT_TCP_MAX_PENDING 16
/* Bytes queued per connection while the kernel's buffer is full; a frame
 * that does not fit is dropped whole (the stream keeps its framing) */
#define ICE_AGENT_TCP_MAX_OUT (256 * 1024)
/* The largest frame read (STUN, or a media packet): a longer length
 * closes the connection */
#define ICE_AGENT_TCP_MAX_FRAME 16384
/* A connect that has not finished by then fails (a firewall that drops
 * SYNs would otherwise hold a slot for the kernel's minutes); an accepted
 * connection no check authenticated by then is closed */
#define ICE_AGENT_TCP_CONNECT_TIMEOUT_US (10 * G_USEC_PER_SEC)
#define ICE_AGENT_TCP_PENDING_TIMEOUT_US (10 * G_USEC_PER_SEC)
/* listen(2) backlog: connections the kernel holds before we accept */
#define ICE_AGENT_TCP_BACKLOG 8

typedef struct {
  IceAgentState *state;      /* not a reference: the state owns the conn */
  IceTransportAddr local;    /* the session's base: the listener's address */
  IceTransportAddr remote;   /* the peer's end of this connection */
  IceAgentStreamConn stream; /* connecting: ours (active), not finished */
  gboolean accepted; /* theirs: made by a peer's connect to a listener */
  gboolean trusted;  /* a check authenticated (local, remote) */
  gboolean failed;
  gint64 opened_us;
  /* to a STUN server (RFC 6544 §5.2): plain STUN messages on the stream
   * (RFC 8489 §6.2.2), cut by their length fields, no RFC 4571 frame */
  gboolean to_stun_server;
  IceRfc4571Reader *reader; /* ICE-TCP connections */
  IceTurnFramer *stun;      /* to_stun_server */
} IceAgentTcpConn;

struct _IceAgentTcp {
  GPtrArray *listeners; /* IceAgentTcpListener*, owned */
  GPtrArray *conns;     /* IceAgentTcpConn* that have not failed */
  GPtrArray *dead;      /* failed, their sources not destroyed yet */
  /* remote ends of accepted connections that closed: the session may
   * still send to them (consent, a retransmission), but they are active
   * candidates' ephemeral ports, never connected to (RFC 6544 §7.1: only
   * active candidates connect); a ring of the last ones */
  IceTransportAddr gone_accepted[ICE_AGENT_TCP_MAX_CONNS];
  guint next_gone;
  GArray *stun_servers; /* IceTransportAddr (TCP) */
  IceAgentTcpCounters counters;
};

/* ice-agent-tcp-conn.c */
IceAgentTcpConn *ice_agent_tcp_conn_new (IceAgentState *state,
                                         const IceTransportAddr *local,
                                         const IceTransportAddr *remote,
                                         GSocket *socket, gboolean connecting,
                                         gboolean accepted,
                                         gboolean to_stun_server);
void ice_agent_tcp_conn_fail_locked (IceAgentTcpConn *conn, const gchar *why);
gboolean ice_agent_tcp_conn_write_locked (IceAgentTcpConn *conn,
                                          const GOutputVector *vectors,
                                          guint n_vectors, gsize len);

/* ice-agent-tcp.c */
void ice_agent_tcp_conn_gone_locked (IceAgentState *state,
                                     IceAgentTcpConn *conn);
void ice_agent_tcp_reap_locked (IceAgentState *state);

G_END_DECLS
#endif /* __ICE_AGENT_TCP_H__ */
