/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internals of the simulation driver shared by ice-sim.c (clock loop) and
 * ice-sim-peer.c (peers, event logs, signalling, media).
 */
#ifndef __ICE_SIM_PRIVATE_H__
#define __ICE_SIM_PRIVATE_H__

#include "ice/testing/ice-sim.h"

G_BEGIN_DECLS

/* A message of the virtual signalling channel, due at @time_us. */
typedef enum {
  ICE_SIM_MSG_CREDENTIALS = 0,
  ICE_SIM_MSG_CANDIDATE,
  ICE_SIM_MSG_END_OF_CANDIDATES,
} IceSimMsgKind;

typedef struct {
  gint64 time_us;
  guint64 seq;
  IceSimPeer *to;
  IceSimMsgKind kind;
  guint stream_id;
  gchar ufrag[ICE_CREDENTIAL_MAX + 1];
  gchar pwd[ICE_CREDENTIAL_MAX + 1];
  IceCandidate candidate;
} IceSimMsg;

struct _IceSimPeer {
  IceSim *sim;
  gchar *name;
  guint index;
  guint host;
  IceSession *session;
  GRand *rand;
  guint16 next_port;
  guint n_streams;
  GArray *bound;  /* IceTransportAddr: the session's sockets */
  GArray *events; /* IceSimEventRecord */
  GArray *states; /* IceSimStateRecord */
  IceSimPeerStats stats;
  IceSimPeer *partner;
  IceSimSignalMode mode;
  gint64 signal_delay_us;
};

struct _IceSim {
  GRand *rand;
  IceVnet *vnet;
  gint64 now;
  gboolean started;
  GPtrArray *peers; /* IceSimPeer * */
  GQueue signals;   /* IceSimMsg *, by (time, seq) */
  guint64 signal_seq;
  IceSimStats stats;
  IceSimEventFunc event_func;
  gpointer event_data;
  IceSimMediaFunc media_func;
  gpointer media_data;
};

/* ice-sim-peer.c */
void ice_sim_peer_free (IceSimPeer *peer);
/* Feeds a datagram that arrived at one of the peer's sockets. */
void ice_sim_peer_receive (IceSimPeer *peer, const IceVnetDatagram *dgram);
/* Drains transmits into the network and events into the logs. */
gboolean ice_sim_peer_drain (IceSimPeer *peer);
void ice_sim_peer_send_credentials (IceSimPeer *peer);
void ice_sim_peer_apply_message (IceSimPeer *peer, const IceSimMsg *msg);
gboolean ice_sim_peer_is_bound (IceSimPeer *peer,
                                const IceTransportAddr *local);

/* ice-sim.c */
void ice_sim_queue_message (IceSim *sim, IceSimMsg *msg);

G_END_DECLS
#endif /* __ICE_SIM_PRIVATE_H__ */
