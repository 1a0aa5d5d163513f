/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A peer's output in the simulation: transmits into the network, events
 * into the logs, and the virtual signalling channel (credentials, trickled
 * or bundled candidates, end-of-candidates) to its partner.
 */
#include "ice/testing/ice-sim-private.h"

#include <string.h>

static IceSimMsg *
message_new (IceSimPeer *from, IceSimMsgKind kind, guint stream_id)
{
  IceSimMsg *msg = g_new0 (IceSimMsg, 1);

  msg->time_us = from->sim->now + from->signal_delay_us;
  msg->to = from->partner;
  msg->kind = kind;
  msg->stream_id = stream_id;
  return msg;
}

void
ice_sim_peer_send_credentials (IceSimPeer *peer)
{
  guint s;

  if (!peer->partner)
    return;
  for (s = 0; s < peer->n_streams; s++) {
    IceSimMsg *msg = message_new (peer, ICE_SIM_MSG_CREDENTIALS, s);
    const gchar *ufrag = NULL, *pwd = NULL;

    ice_session_get_local_credentials (peer->session, s, &ufrag, &pwd);
    g_strlcpy (msg->ufrag, ufrag ? ufrag : "", sizeof (msg->ufrag));
    g_strlcpy (msg->pwd, pwd ? pwd : "", sizeof (msg->pwd));
    ice_sim_queue_message (peer->sim, msg);
  }
}

static void
send_candidate (IceSimPeer *peer, const IceCandidate *cand)
{
  IceSimMsg *msg = message_new (peer, ICE_SIM_MSG_CANDIDATE, cand->stream_id);

  /* the peer learns what an SDP line carries: not our base */
  msg->candidate = *cand;
  memset (&msg->candidate.base, 0, sizeof (msg->candidate.base));
  ice_sim_queue_message (peer->sim, msg);
}

/* After gathering: the candidates of the stream gathered since its
 * previous GATHERING_DONE (a restart gathers anew), then the end. The
 * current GATHERING_DONE is already the last logged event. */
static void
send_gathered (IceSimPeer *peer, guint stream_id)
{
  guint i, first = 0;

  for (i = peer->events->len - 1; i > 0; i--) {
    const IceEvent *ev
        = &g_array_index (peer->events, IceSimEventRecord, i - 1).event;

    if (ev->type == ICE_EVENT_GATHERING_DONE && ev->stream_id == stream_id) {
      first = i;
      break;
    }
  }
  for (i = first; i < peer->events->len; i++) {
    const IceEvent *ev
        = &g_array_index (peer->events, IceSimEventRecord, i).event;

    if (ev->type == ICE_EVENT_LOCAL_CANDIDATE
        && ev->u.candidate.stream_id == stream_id)
      send_candidate (peer, &ev->u.candidate);
  }
  ice_sim_queue_message (
      peer->sim, message_new (peer, ICE_SIM_MSG_END_OF_CANDIDATES, stream_id));
}

void
ice_sim_peer_apply_message (IceSimPeer *peer, const IceSimMsg *msg)
{
  gint64 now = peer->sim->now;

  switch (msg->kind) {
    case ICE_SIM_MSG_CREDENTIALS:
      ice_session_set_remote_credentials (peer->session, msg->stream_id,
                                          msg->ufrag, msg->pwd, now);
      break;
    case ICE_SIM_MSG_CANDIDATE:
      ice_session_add_remote_candidate (peer->session, &msg->candidate, now);
      break;
    case ICE_SIM_MSG_END_OF_CANDIDATES:
      ice_session_end_of_remote_candidates (peer->session, msg->stream_id, now);
      break;
  }
}

static void
record_event (IceSimPeer *peer, const IceEvent *ev)
{
  IceSimEventRecord rec;
  IceSimStateRecord state;
  gint64 now = peer->sim->now;

  rec.time_us = now;
  rec.event = *ev;
  g_array_append_val (peer->events, rec);
  if (ev->type == ICE_EVENT_SELECTED_PAIR && peer->stats.first_selected_us < 0)
    peer->stats.first_selected_us = now;
  if (ev->type != ICE_EVENT_CONNECTION_STATE)
    return;
  state.time_us = now;
  state.stream_id = ev->stream_id;
  state.state = ev->u.state.state;
  g_array_append_val (peer->states, state);
  if ((state.state == ICE_CONNECTION_CONNECTED
       || state.state == ICE_CONNECTION_COMPLETED)
      && peer->stats.connected_us < 0)
    peer->stats.connected_us = now;
}

static void
signal_event (IceSimPeer *peer, const IceEvent *ev)
{
  if (!peer->partner)
    return;
  /* the session answered a peer's restart with one of its own: the peer
   * needs the new credentials (RFC 8445 section 9) */
  if (ev->type == ICE_EVENT_LOCAL_CREDENTIALS) {
    IceSimMsg *msg = message_new (peer, ICE_SIM_MSG_CREDENTIALS, ev->stream_id);

    g_strlcpy (msg->ufrag, ev->u.credentials.ufrag, sizeof (msg->ufrag));
    g_strlcpy (msg->pwd, ev->u.credentials.pwd, sizeof (msg->pwd));
    ice_sim_queue_message (peer->sim, msg);
  }
  if (ev->type == ICE_EVENT_LOCAL_CANDIDATE
      && peer->mode == ICE_SIM_SIGNAL_TRICKLE)
    send_candidate (peer, &ev->u.candidate);
  if (ev->type != ICE_EVENT_GATHERING_DONE)
    return;
  if (peer->mode == ICE_SIM_SIGNAL_TRICKLE)
    ice_sim_queue_message (
        peer->sim,
        message_new (peer, ICE_SIM_MSG_END_OF_CANDIDATES, ev->stream_id));
  else
    send_gathered (peer, ev->stream_id);
}

/* Returns whether there was anything to drain. */
gboolean
ice_sim_peer_drain (IceSimPeer *peer)
{
  IceSim *sim = peer->sim;
  IceTransmit *tx = g_new (IceTransmit, 1);
  IceEvent *ev = g_new (IceEvent, 1);
  gboolean any = FALSE;

  while (ice_session_poll_transmit (peer->session, tx)) {
    any = TRUE;
    peer->stats.transmits_out++;
    if (!ice_vnet_host_send (sim->vnet, peer->host, &tx->from, &tx->to,
                             tx->data, tx->len))
      peer->stats.transmits_refused++;
  }
  while (ice_session_poll_event (peer->session, ev)) {
    any = TRUE;
    record_event (peer, ev);
    signal_event (peer, ev);
    if (sim->event_func)
      sim->event_func (sim, peer, ev, sim->event_data);
  }
  g_free (ev);
  g_free (tx);
  return any;
}
