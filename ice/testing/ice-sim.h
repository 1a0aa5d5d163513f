/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The simulation driver: IceSessions placed on hosts of a virtual network,
 * run on the virtual clock. Each step jumps the clock to the earliest of
 * every session's next timeout, the network's next event (a delivery or
 * a server node's timer, e.g. a TURN allocation expiring) and the next
 * signalling message, feeds what is due into the sessions, and drains their
 * transmits into the network and their events into per-peer logs.
 * Deterministic: the network and every session draw from PRNGs seeded from
 * the simulation's seed. Tests and benchmarks only.
 */
#ifndef __ICE_SIM_H__
#define __ICE_SIM_H__

#include "ice/core/ice-session.h"
#include "ice/testing/ice-vnet.h"

G_BEGIN_DECLS

typedef struct _IceSim IceSim;
typedef struct _IceSimPeer IceSimPeer;

/* Local ports: peer n binds its sockets from ICE_SIM_FIRST_PORT + 100 * n
 * upwards, the same port on each of its host's interfaces. */
#define ICE_SIM_FIRST_PORT 40000

/* How candidates travel through the virtual signalling channel. */
typedef enum {
  ICE_SIM_SIGNAL_TRICKLE = 0,     /* each candidate as it is gathered */
  ICE_SIM_SIGNAL_AFTER_GATHERING, /* all at once when gathering is done */
} IceSimSignalMode;

typedef struct {
  gint64 time_us;
  IceEvent event;
} IceSimEventRecord;

typedef struct {
  gint64 time_us;
  guint stream_id;
  IceConnectionState state;
} IceSimStateRecord;

/**
 * IceSimPeerStats:
 * @first_selected_us: virtual time of the first SELECTED_PAIR event, or -1
 * @connected_us: first time a stream reached CONNECTED or COMPLETED, or -1
 * @media_sent: datagrams sent with ice_sim_peer_send_media()
 * @media_received: datagrams the session returned as DELIVER
 * @media_bytes_received: their payload bytes
 * @datagrams_in: datagrams fed to ice_session_handle_packet()
 * @transmits_out: datagrams drained from ice_session_poll_transmit()
 * @transmits_refused: transmits the network refused (unknown source)
 */
typedef struct {
  gint64 first_selected_us;
  gint64 connected_us;
  guint64 media_sent;
  guint64 media_received;
  guint64 media_bytes_received;
  guint64 datagrams_in;
  guint64 transmits_out;
  guint64 transmits_refused;
} IceSimPeerStats;

/**
 * IceSimStats:
 * @steps: loop iterations (each feeds what is due at one instant)
 * @clock_jumps: steps that moved the clock forward
 * @past_deadlines: a session's timeout that was already in the past when
 *   the clock reached it (it is fired at the current time)
 * @stalled: the loop stopped because time could not advance (a session
 *   kept asking for a timeout at or before now after handling it)
 * @undeliverable: datagrams reaching a host at an address no peer bound
 */
typedef struct {
  guint64 steps;
  guint64 clock_jumps;
  guint64 past_deadlines;
  gboolean stalled;
  guint64 undeliverable;
} IceSimStats;

typedef void (*IceSimEventFunc) (IceSim *sim, IceSimPeer *peer,
                                 const IceEvent *event, gpointer user_data);
typedef gboolean (*IceSimCondition) (IceSim *sim, gpointer user_data);
/* @payload is @delivery->len bytes of media, valid during the call. */
typedef void (*IceSimMediaFunc) (IceSim *sim, IceSimPeer *peer,
                                 const IceDelivery *delivery,
                                 const guint8 *payload, gpointer user_data);

/* --- setup -----------------------------------------------------------------
 */

IceSim *ice_sim_new (guint64 seed);
void ice_sim_free (IceSim *sim);
/* The network (owned by the simulation): build realms, NATs and servers on
 * it, before or while running. */
IceVnet *ice_sim_get_vnet (IceSim *sim);
gint64 ice_sim_get_now (IceSim *sim);
void ice_sim_get_stats (IceSim *sim, IceSimStats *stats);
/* Called for every event of every session, after it is logged. */
void ice_sim_set_event_func (IceSim *sim, IceSimEventFunc func,
                             gpointer user_data);

/* Called for every media datagram a session delivers. */
void ice_sim_set_media_func (IceSim *sim, IceSimMediaFunc func,
                             gpointer user_data);

/* Convenience: a host with one interface @ip in @realm; returns its id. */
guint ice_sim_add_host (IceSim *sim, const gchar *name, guint realm,
                        const gchar *ip);

/* A session on @host with one stream of @n_components components, bound on
 * every interface of the host (ice_session_add_host_address). The
 * interface index given to the session is the host's interface order,
 * except that addresses in the same realm count as one dual-stack NIC.
 * @config may be NULL for defaults; its random callback is replaced by one
 * seeded from the simulation. Add peers before ice_sim_start(). */
IceSimPeer *ice_sim_add_peer (IceSim *sim, const gchar *name, guint host,
                              const IceSessionConfig *config,
                              guint n_components);
/* Another stream, bound the same way; returns its id. */
guint ice_sim_peer_add_stream (IceSimPeer *peer, guint n_components);

/* Connects @a and @b through a signalling channel with @delay_us one way:
 * credentials of every stream as soon as ice_sim_start() runs, candidates
 * and end-of-candidates as @mode says. Streams pair by id. */
void ice_sim_pair (IceSim *sim, IceSimPeer *a, IceSimPeer *b,
                   IceSimSignalMode mode, gint64 delay_us);
/* After ice_sim_pair(): messages @peer sends to its partner from now on
 * take @delay_us one way (the other direction keeps its delay), e.g. a
 * peer whose candidates reach the other side late. Lowered while messages
 * are under way, later ones may overtake them. */
void ice_sim_peer_set_signal_delay (IceSimPeer *peer, gint64 delay_us);
/* Starts gathering on every peer at the current time and sends
 * credentials. */
void ice_sim_start (IceSim *sim);

/* --- running -------------------------------------------------------------- */

/* Runs until @cond holds (checked after every step, and first before any)
 * or the clock would pass @deadline_us (absolute); the clock then stands at
 * @deadline_us. Returns whether @cond held. */
gboolean ice_sim_run_until (IceSim *sim, IceSimCondition cond,
                            gpointer user_data, gint64 deadline_us);
/* Until every peer has a CONNECTED or COMPLETED stream 0. */
gboolean ice_sim_run_until_connected (IceSim *sim, gint64 deadline_us);
/* Until every peer's stream 0 is connected, completed or failed. */
gboolean ice_sim_run_until_settled (IceSim *sim, gint64 deadline_us);
/* Runs for @duration_us of virtual time. */
void ice_sim_run_for (IceSim *sim, gint64 duration_us);

/* --- peers ------------------------------------------------------------- */

IceSession *ice_sim_peer_get_session (IceSimPeer *peer);
const gchar *ice_sim_peer_get_name (IceSimPeer *peer);
guint ice_sim_peer_get_host (IceSimPeer *peer);
void ice_sim_peer_add_stun_server (IceSimPeer *peer,
                                   const IceTransportAddr *server);
/* Sends @len bytes on the selected route of the component (TURN prefix
 * included); FALSE when the session has no route. */
gboolean ice_sim_peer_send_media (IceSimPeer *peer, guint stream_id,
                                  guint component_id, const guint8 *data,
                                  gsize len);
void ice_sim_peer_get_stats (IceSimPeer *peer, IceSimPeerStats *stats);
/* Every event, in order, with its time: IceSimEventRecord. */
const GArray *ice_sim_peer_get_events (IceSimPeer *peer);
guint ice_sim_peer_count_events (IceSimPeer *peer, IceEventType type);
/* The CONNECTION_STATE transitions: IceSimStateRecord. */
const GArray *ice_sim_peer_get_states (IceSimPeer *peer);
/* "new,checking,connected" for stream @stream_id: newly allocated. */
gchar *ice_sim_peer_states_to_string (IceSimPeer *peer, guint stream_id);
/* Restarts the session (RFC 8445 §9) and signals the new credentials. */
void ice_sim_peer_restart (IceSimPeer *peer);

G_END_DECLS
#endif /* __ICE_SIM_H__ */
