/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * IceAgent internals, shared by the ice/io files (not installed).
 *
 * The GObject is a thin handle: everything the context thread touches
 * lives in a refcounted IceAgentState. Sources hold a reference on the
 * state (as their callback data), never on the GObject, so the object can
 * be disposed from any thread while a callback runs: the callback finds
 * `closed` set under the lock, and reaches the object only through a weak
 * reference to emit signals.
 */
#ifndef __ICE_AGENT_PRIVATE_H__
#define __ICE_AGENT_PRIVATE_H__

#include <sys/socket.h>

#include "ice/core/ice-relay.h"
#include "ice/io/ice-agent.h"

G_BEGIN_DECLS

/* recvmmsg batch (DESIGN §3: 32-64 datagrams per call) */
#define ICE_AGENT_RECV_BATCH 32
/* Each datagram is read into a slot of this size that is handed over to the
 * consumer as is; larger datagrams spill into an overflow area and are
 * copied once into a buffer of their size (rare: above the usual MTU). */
#define ICE_AGENT_SLOT_SIZE 2048
#define ICE_AGENT_MAX_DATAGRAM 65536
/* sendmmsg batch for media */
#define ICE_AGENT_SEND_BATCH 64

typedef struct _IceAgentQueue IceAgentQueue;

/* One UDP socket: bound at @local for (@stream_id, @component_id). */
typedef struct {
  GSocket *socket;
  gint fd;
  IceTransportAddr local;
  guint stream_id;
  guint component_id;
  GSource *source;  /* ice-agent-recv.c: reads while the agent owns it */
  gpointer fd_tag;  /* the source's fd, polled for G_IO_IN or nothing */
  gboolean polling; /* the source polls the fd (G_IO_IN) */
  /* the hand-over (ice-agent-reader.c), under the agent's lock */
  gboolean consumer_owned; /* a consumer reads it, the agent does not */
  gboolean agent_reading;  /* the agent's source is between recvmmsg and
                            * handing the batch on */
  /* the UDP mux's socket, shared with other agents: only ice-udp-mux.c
   * reads it, never this agent's consumer */
  gboolean shared;
} IceAgentSocket;

/* The cached send route of a component (DESIGN §3: no session call per
 * packet): refreshed on SELECTED_PAIR / CONSENT_LOST / state events. */
typedef struct {
  gboolean ok;
  GSocket *socket; /* ref, the socket bound at route.from; NULL over TCP
                    * and in a copy from the lock-free slot */
  gint fd;         /* the socket's, -1 over TCP */
  struct sockaddr_storage dest;
  socklen_t dest_len;
  gsize prefix_len;
  guint8 prefix[4];
  IceSendPrefixKind prefix_kind;
  /* a relayed pair over TCP/TLS to the TURN server: the connection's
   * virtual address (ice-relay.h); media goes through the stream */
  gboolean over_stream;
  IceTransportAddr stream_local;
  IceTransportAddr stream_remote; /* ICE-TCP: the pair's remote end */
} IceAgentRoute;

typedef struct _IceAgentTurnConn IceAgentTurnConn;
typedef struct _IceAgentMdns IceAgentMdns;
typedef struct _IceAgentTcp IceAgentTcp;

/* ice-agent-tcp.c's counters (IceAgentStats.tcp_*) */
typedef struct {
  guint64 connects;
  guint64 connect_failed;
  guint64 accepts;
  guint64 refused;
  guint64 closed_invalid;
  guint64 dropped_bytes;
} IceAgentTcpCounters;
typedef struct _IceAgentNetwatch IceAgentNetwatch;

/* ice-agent-mdns.c's counters (IceAgentStats.mdns_*) */
typedef struct {
  guint64 queries_sent;
  guint64 resolved;
  guint64 timeouts;
  guint64 dropped;
  /* publishing (ice-agent-mdns-publish.c) */
  guint64 names_published;
  guint64 answers_sent;
  guint64 queries_ignored;
  guint64 answers_rate_limited;
  guint64 conflicts;
} IceAgentMdnsCounters;

/* The consumer's read of its route socket (ice-agent-reader.c), under
 * the agent's lock. */
typedef struct {
  GSocket *socket; /* ref: the socket the consumer owns; NULL = none */
  IceTransportAddr local;
  gboolean reading; /* the consumer is inside its poll/recvmmsg */
  gint64 left_us;   /* when it last came out */
  guint per_read;   /* datagrams per message in its last read (GRO) */
  gint wake_fd;     /* eventfd: media queued, route changed, closed; -1 */
  GCancellable *cancellable; /* ref: the last one polled */
  gulong cancel_handler;     /* it writes wake_fd when cancelled */
} IceAgentReader;

typedef struct {
  IceAgentQueue *queue;
  IceAgentRoute route;
  IceAgentReader reader;
  IceAgentReceiveFunc recv_func;
  gpointer recv_data;
  GDestroyNotify recv_notify;
} IceAgentComponent;

typedef struct {
  guint id;
  guint n_components;
  IceAgentComponent *components; /* [component_id - 1] */
  gboolean sockets_open;
  gboolean gather_pending; /* waits for the STUN server's name */
  guint tos;               /* ice_agent_set_tos(), 0 = the system's */
} IceAgentStream;

/* Counters of the send path, updated with atomics (no lock per packet). */
typedef struct {
  guint64 packets_sent;
  guint64 bytes_sent;
  guint64 send_not_connected;
  guint64 send_errors;
  /* UDP GSO (UDP_SEGMENT): super-datagrams sent, and the times the kernel
   * refused one (GSO is then off for the agent) */
  guint64 gso_sends;
  guint64 gso_fallbacks;
  gint gso_off;
  gint gso_test_fail; /* ICE_AGENT_TEST_GSO_FAIL: the next one fails */
} IceAgentSendCounters;

/* ice-agent-fastroute.c: the plain UDP send route of a component, for
 * the send path to read without the lock (a seqlock), for the first
 * ICE_AGENT_FAST_STREAMS streams. Every field is accessed with atomics. */
#define ICE_AGENT_FAST_STREAMS 4
#define ICE_AGENT_FAST_COMPONENTS 2
#define ICE_AGENT_FAST_DEST_WORDS 7 /* a struct sockaddr_in6 */
typedef struct {
  guint seq; /* odd while the agent writes the slot */
  gint fd;   /* -1: no plain route, take the locked path */
  guint dest_len;
  guint32 dest[ICE_AGENT_FAST_DEST_WORDS];
  /* what the lock-free senders did since the last fold */
  gint64 last_sent_us;
  guint64 packets;
  guint64 bytes;
  /* under the lock: the pair those counts belong to */
  IceTransportAddr local;
  IceTransportAddr remote;
} IceAgentFastRoute;

typedef struct {
  IceAgentFastRoute slots[ICE_AGENT_FAST_STREAMS][ICE_AGENT_FAST_COMPONENTS];
  gint senders;       /* lock-free senders in flight */
  GPtrArray *retired; /* GSocket refs a sender in flight may still use */
} IceAgentFastRoutes;

typedef enum {
  ICE_AGENT_STUN_NONE = 0,
  ICE_AGENT_STUN_RESOLVING,
  ICE_AGENT_STUN_READY, /* added to the session */
  ICE_AGENT_STUN_FAILED,
} IceAgentStunState;

/* A TURN server of "turn-server" / ice_agent_add_turn_server() */
typedef struct {
  gchar *uri;
  gchar *host;
  guint16 port;
  IceTransport transport;
  gchar *username;
  gchar *password;
  IceAgentStunState state;
  IceTransportAddr addr; /* once READY */
} IceAgentTurnServer;

typedef struct {
  gint refcount;
  GMutex lock;
  GCond cond;
  gboolean closed;
  GWeakRef agent;
  GMainContext *context;
  gboolean shared_context;

  /* settings, under the lock */
  IceRole role;
  IceNomination nomination;
  gboolean consent_freshness;
  guint peer_timeout_ms; /* IceSessionConfig.pac_timeout_us, 0 = forever */
  gboolean ice_tcp;
  gboolean ice_lite; /* IceSessionConfig.ice_lite */
  gchar *stun_server;
  guint16 port_min;
  guint16 port_max;
  gchar **bind_addresses;
  guint queue_capacity;
  guint queue_max_bytes;

  IceSession *session;          /* created by the first add_stream */
  GPtrArray *streams;           /* IceAgentStream*, index = stream id */
  GPtrArray *sockets;           /* IceAgentSocket* */
  GHashTable *socket_by_addr;   /* IceTransportAddr* -> IceAgentSocket* */
  struct _IceAgentTimer *timer; /* ice-agent-timer.h */
  GArray *pending_events;       /* IceEvent, emitted after unlock (shared
                                 * context: by ice-agent-dispatch.c) */

  IceAgentStunState stun_state;
  GCancellable *resolve_cancellable;

  /* TURN (ice-agent-turn.c, ice-agent-turn-conn.c, ice-agent-tls.c) */
  GPtrArray *turn_servers; /* IceAgentTurnServer *, owned */
  gboolean relay_only;     /* ice-transport-policy "relay" */
  gchar *turn_ca_file;
  gboolean turn_insecure;
  GCancellable *turn_cancellable;
  GHashTable *turn_conns; /* virtual IceTransportAddr* -> IceAgentTurnConn* */
  gpointer ssl_ctx;       /* SSL_CTX *, made on the first TLS connection */

  /* mDNS resolution of remote ".local" candidates (ice-agent-mdns.c) */
  gboolean mdns_resolve; /* "mdns-resolve" */
  gboolean mdns_publish; /* "mdns": our host candidates as names */
  IceAgentMdns *mdns;    /* NULL until the first name */

  /* ICE-TCP listeners and connections (ice-agent-tcp.c), NULL until the
   * first listener */
  IceAgentTcp *tcp;
  /* interface lists and address watching (ice-agent-ifmatch.c,
   * ice-agent-netwatch.c) */
  gchar **interfaces;         /* "interfaces" */
  gchar **exclude_interfaces; /* "exclude-interfaces" */
  gboolean restart_on_network_change;
  IceAgentNetwatch *netwatch; /* NULL until the first gather */

  /* receive-side counters, under the lock */
  guint64 packets_received;
  guint64 bytes_received;
  guint64 queue_dropped;
  guint64 recv_errors;
  guint64 gro_segments;     /* datagrams split out of UDP_GRO reads */
  guint64 consumer_reads;   /* batches the consumer read itself */
  guint64 reader_handovers; /* sockets taken back from a consumer */
  guint64 backlog_dropped;  /* media a consumer dropped: too far behind */
  IceAgentSendCounters send;
  IceAgentFastRoutes fast; /* ice-agent-fastroute.c */

  /* ice-agent-mux.c: "udp-mux" and the agent's place on that mux */
  gchar *udp_mux;
  gpointer mux_member; /* IceUdpMuxMember *, NULL until gathering */

  /* ice-agent-dispatch.c: a pool task of this agent is queued or running
   * (shared context only), under the lock */
  gboolean dispatch_scheduled;
} IceAgentState;

/* ice-agent.c */
IceAgentState *ice_agent_get_state (IceAgent *agent);
void ice_agent_emit_event (IceAgent *agent, const IceEvent *event);

/* ice-agent-state.c: lifetime, session, the timer, events */
IceAgentState *ice_agent_state_new (IceAgent *agent, GMainContext *ctx);
IceAgentState *ice_agent_state_ref (IceAgentState *state);
void ice_agent_state_unref (IceAgentState *state);
gboolean ice_agent_state_ensure_session_locked (IceAgentState *state);
IceAgentStream *ice_agent_state_get_stream_locked (IceAgentState *state,
                                                   guint stream_id);
IceAgentComponent *ice_agent_state_get_component_locked (IceAgentState *state,
                                                         guint stream_id,
                                                         guint component_id);
void ice_agent_state_flush_locked (IceAgentState *state);
void ice_agent_state_emit_pending (IceAgentState *state);
void ice_agent_state_close (IceAgentState *state);

/* ice-agent-dispatch.c: signals of agents on the shared context */
void ice_agent_dispatch_schedule_locked (IceAgentState *state);
void ice_agent_dispatch_emit (IceAgentState *state, GArray *events);

/* ice-agent-context.c: the shared "gst-ice" thread */
GMainContext *ice_agent_shared_context_ref (void);
void ice_agent_shared_context_unref (void);

/* ice-agent-socket.c: addresses, sockets, sendto */
gboolean ice_agent_addr_to_sockaddr (const IceTransportAddr *addr,
                                     struct sockaddr_storage *ss,
                                     socklen_t *len);
gboolean ice_agent_addr_from_sockaddr (IceTransportAddr *addr,
                                       const struct sockaddr *sa,
                                       socklen_t len);
IceAgentSocket *ice_agent_socket_open (const IceTransportAddr *local,
                                       guint16 port_min, guint16 port_max,
                                       GError **error);
void ice_agent_socket_free (IceAgentSocket *sock);
gboolean ice_agent_socket_bind_in_range (GSocket *socket,
                                         const IceTransportAddr *local,
                                         guint16 port_min, guint16 port_max,
                                         gboolean shared, GError **error);
void ice_agent_state_add_socket_locked (IceAgentState *state,
                                        IceAgentSocket *sock);
void ice_agent_state_send_transmit_locked (IceAgentState *state,
                                           const IceTransmit *transmit);

/* ice-agent-tos.c: the stream's TOS / traffic class on a new socket */
void ice_agent_tos_apply_locked (IceAgentState *state, IceAgentSocket *sock);

/* ice-agent-recv.c: the socket source (recvmmsg), batches for both readers */
GSource *ice_agent_recv_source_new (IceAgentState *state, IceAgentSocket *sock);
/* Where a consumer's own read puts the media of its component */
typedef struct {
  guint stream_id;
  guint component_id;
  IceAgentDatagram *out;   /* ice_agent_recv_batch(), or */
  IceAgentRecvSlot *slots; /* ice_agent_recv_into(): copied in */
  guint n;
  guint max;
  /* the batch read is old (the consumer is behind): its media for this
   * component is dropped and counted, the rest handled as always */
  gboolean discard;
} IceAgentDirect;
gboolean ice_agent_direct_take_locked (IceAgentState *state,
                                       IceAgentDirect *direct,
                                       const IceDelivery *delivery,
                                       const guint8 *payload, gint64 now);
void ice_agent_direct_put (IceAgentDirect *direct, IceAgentDatagram *datagram);
gboolean ice_agent_direct_discard (const IceAgentDirect *direct,
                                   const IceDelivery *delivery);
guint ice_agent_direct_pop_locked (IceAgentQueue *queue,
                                   IceAgentDirect *direct);
gint ice_agent_recv_read (gint fd, guint vlen);
void ice_agent_recv_handle_locked (IceAgentState *state,
                                   const IceTransportAddr *local, gint n,
                                   IceAgentDirect *direct, GArray *callbacks);
void ice_agent_recv_enable_gro (gint fd);

/* ice-agent-reader.c: the consumer reads its route socket itself */
gboolean ice_agent_reader_agent_may_read_locked (IceAgentState *state,
                                                 IceAgentSocket *sock,
                                                 gint64 now);
gint ice_agent_reader_read (IceAgentState *state, IceAgentDirect *direct,
                            gint64 deadline, GCancellable *cancellable);
void ice_agent_reader_release_locked (IceAgentState *state,
                                      IceAgentComponent *comp);
void ice_agent_reader_wake (IceAgentComponent *comp);
void ice_agent_reader_wake_all_locked (IceAgentState *state);
void ice_agent_reader_clear (IceAgentReader *reader);

/* ice-agent-send.c: routes and media send */
void ice_agent_route_refresh_locked (IceAgentState *state, guint stream_id,
                                     guint component_id);
void ice_agent_route_clear (IceAgentRoute *route);

/* ice-agent-fastroute.c: the send route read without the lock */
void ice_agent_fast_routes_init (IceAgentFastRoutes *fast);
void ice_agent_fast_routes_clear (IceAgentFastRoutes *fast);
void ice_agent_fast_routes_fold_locked (IceAgentState *state);
void ice_agent_fast_routes_unpublish_locked (IceAgentState *state);
void ice_agent_fast_route_publish_locked (IceAgentState *state, guint stream_id,
                                          guint component_id,
                                          const IceAgentRoute *route,
                                          const IceTransportAddr *from,
                                          const IceTransportAddr *to,
                                          GSocket *old_socket);
gboolean ice_agent_fast_route_enter (IceAgentState *state, guint stream_id,
                                     guint component_id, IceAgentRoute *out,
                                     guint packets, guint64 bytes);
void ice_agent_fast_route_leave (IceAgentState *state);

/* ice-agent-turn.c: TURN servers, their URIs and names */
IceAgentTurnServer *ice_agent_parse_turn_uri (const gchar *uri, GError **error);
void ice_agent_turn_server_free (IceAgentTurnServer *server);
gboolean ice_agent_turn_prepare_locked (IceAgentState *state);
gboolean ice_agent_turn_resolving_locked (IceAgentState *state);
void ice_agent_turn_state_init (IceAgentState *state);
void ice_agent_turn_state_clear (IceAgentState *state);
void ice_agent_turn_state_close (IceAgentState *state);

/* ice-agent-turn-conn.c: TCP/TLS connections to TURN servers */
void ice_agent_turn_conn_send_locked (IceAgentState *state,
                                      const IceTransmit *transmit);
guint ice_agent_turn_send_media (IceAgentState *state, guint stream_id,
                                 guint component_id, const IceAgentRoute *route,
                                 GOutputMessage *messages, guint n_messages);
void ice_agent_turn_conn_free (IceAgentTurnConn *conn);
void ice_agent_turn_conns_stop_locked (IceAgentState *state);

/* ice-agent-recv.c: delivery of media found by other paths (TCP/TLS) */
GArray *ice_agent_callbacks_new (void);
void ice_agent_deliver_copy_locked (IceAgentState *state,
                                    const IceDelivery *delivery,
                                    const guint8 *data, gint64 now,
                                    GArray *callbacks);
void ice_agent_run_callbacks (IceAgentState *state, GArray *callbacks);

/* ice-agent-mdns.c: remote ".local" candidates */
gboolean ice_agent_mdns_take_locked (IceAgentState *state,
                                     const IceCandidate *cand);
void ice_agent_mdns_get_counters_locked (IceAgentState *state,
                                         IceAgentMdnsCounters *out);
void ice_agent_mdns_forget_candidates_locked (IceAgentState *state);
void ice_agent_mdns_close_locked (IceAgentState *state);
void ice_agent_mdns_free (IceAgentState *state);
/* ice-agent-mdns-publish.c: our host candidates as "<uuid>.local" */
void ice_agent_mdns_publish_candidate (IceCandidate *cand, gpointer state);
void ice_agent_mdns_renew_names_locked (IceAgentState *state, guint stream_id);
#define ICE_AGENT_MDNS_ALL_STREAMS G_MAXUINT

/* ice-agent-tcp.c: ICE-TCP (RFC 6544) host candidates and connections */
void ice_agent_tcp_listen_locked (IceAgentState *state, guint stream_id,
                                  guint component_id,
                                  const IceTransportAddr *ip,
                                  guint interface_index);
void ice_agent_tcp_send_locked (IceAgentState *state,
                                const IceTransmit *transmit);
/* a STUN server (TCP) asked from every TCP base (RFC 6544 §5.2) */
void ice_agent_tcp_add_stun_server_locked (IceAgentState *state,
                                           const IceTransportAddr *server);
guint ice_agent_tcp_send_media (IceAgentState *state,
                                const IceAgentRoute *route,
                                GOutputMessage *messages, guint n_messages);
void ice_agent_tcp_get_counters_locked (IceAgentState *state,
                                        IceAgentTcpCounters *out);
void ice_agent_tcp_close_locked (IceAgentState *state);
void ice_agent_tcp_free (IceAgentState *state);

/* ice-agent-gather.c: interfaces, port range, STUN server */
gboolean ice_agent_stun_over_tcp_locked (IceAgentState *state);
typedef struct {
  IceTransportAddr addr;
  guint interface_index;
} IceAgentLocalAddress;
GArray *ice_agent_list_local_addresses (IceAgentState *state);
void ice_agent_start_pending_gathering_locked (IceAgentState *state);
gboolean ice_agent_state_gather_locked (IceAgentState *state, guint stream_id,
                                        GError **error);
gboolean ice_agent_parse_port_range (const gchar *range, guint16 *min,
                                     guint16 *max);

/* ice-agent-ifmatch.c: "interfaces" and "exclude-interfaces" */
gboolean ice_agent_iflist_validate (const gchar *property, gchar **list,
                                    GError **error);
gboolean ice_agent_iflist_match (gchar **list, const gchar *ifname,
                                 gboolean *exact);
gboolean ice_agent_interface_selected (gchar **include, gchar **exclude,
                                       const gchar *ifname, gboolean *named);

/* ice-agent-netwatch.c: the host's addresses, watched with netlink */
typedef struct {
  guint64 messages;       /* netlink messages read */
  guint64 malformed;      /* dropped: truncated, not an address, not kernel */
  guint64 overruns;       /* ENOBUFS: messages lost, compared anyway */
  guint64 comparisons;    /* debounced comparisons with getifaddrs */
  guint64 addresses_lost; /* socket addresses that went away */
  guint64 restarts;       /* ICE restarts made for them */
} IceAgentNetwatchCounters;
/* An agent event next to the session's: u.candidate.addr went away,
 * component_id is TRUE when the agent restarts for it */
#define ICE_AGENT_EVENT_ADDRESS_LOST ((IceEventType)0x100)
void ice_agent_netwatch_start_locked (IceAgentState *state);
gboolean ice_agent_netwatch_parse (const guint8 *buf, gsize n,
                                   IceAgentNetwatchCounters *counters);
void ice_agent_netwatch_get_counters_locked (IceAgentState *state,
                                             IceAgentNetwatchCounters *out);
void ice_agent_netwatch_close_locked (IceAgentState *state);
void ice_agent_netwatch_free (IceAgentState *state);

/* ice-agent-queue.c: the bounded receive queue (caller holds the lock) */
IceAgentQueue *ice_agent_queue_new (guint capacity, gsize max_bytes);
void ice_agent_queue_free (IceAgentQueue *queue);
guint ice_agent_queue_push (IceAgentQueue *queue, IceAgentDatagram *datagram);
guint ice_agent_queue_pop (IceAgentQueue *queue, IceAgentDatagram *out,
                           guint max);
guint ice_agent_queue_length (IceAgentQueue *queue);
void ice_agent_queue_clear (IceAgentQueue *queue);

G_END_DECLS
#endif /* __ICE_AGENT_PRIVATE_H__ */
