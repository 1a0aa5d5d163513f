/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The agent's side of the UDP mux (ice-udp-mux.c): an agent whose
 * "udp-mux" is set gathers ONE host candidate, the mux address, instead
 * of a socket per local address; it tells the mux its ufrag and the
 * addresses it sends to, and takes the datagrams the mux routes to it
 * under one lock per batch.
 *
 * Limits (docs/ice-agent.md): one stream of one component per agent
 * (rtcp-mux), UDP host candidates only: no STUN or TURN server, no
 * ICE-TCP, no mDNS names (the mux is for a server on a known address).
 */
#include "ice/io/ice-udp-mux-private.h"

static gboolean
check_mux_limits_locked (IceAgentState *state, IceAgentStream *stream,
                         GError **error)
{
  guint i;

  if (stream->n_components != 1) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 "udp-mux carries one component per stream (rtcp-mux), "
                 "stream %u has %u",
                 stream->id, stream->n_components);
    return FALSE;
  }
  for (i = 0; i < state->streams->len; i++) {
    IceAgentStream *other = state->streams->pdata[i];

    if (other != stream && other->sockets_open) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "udp-mux carries one stream per agent (stream %u is "
                   "already on it)",
                   other->id);
      return FALSE;
    }
  }
  if (state->stun_server != NULL || state->turn_servers->len > 0
      || state->ice_tcp || state->mdns_publish)
    g_message ("udp-mux %s: only the host candidate on the mux is "
               "gathered (stun-server, turn-server, ice-tcp and mdns are "
               "not used)",
               state->udp_mux);
  return TRUE;
}

/* Gathering of a stream on the mux (replaces open_stream_sockets and the
 * server lookups of ice-agent-gather.c). */
gboolean
ice_agent_mux_gather_locked (IceAgentState *state, IceAgentStream *stream,
                             GError **error)
{
  IceAgentSocket *sock;

  if (stream->sockets_open)
    return TRUE;
  if (!check_mux_limits_locked (state, stream, error))
    return FALSE;
  state->mux_member = ice_udp_mux_join (state->udp_mux, state, &sock, error);
  if (state->mux_member == NULL)
    return FALSE;
  sock->stream_id = stream->id;
  sock->component_id = 1;
  /* no source of its own: ice-udp-mux.c reads the socket */
  g_ptr_array_add (state->sockets, sock);
  g_hash_table_insert (state->socket_by_addr, &sock->local, sock);
  ice_session_add_host_address (state->session, stream->id, 1, &sock->local, 0);
  stream->sockets_open = TRUE;
  ice_agent_mux_sync_ufrag_locked (state);
  ice_session_start_gathering (state->session, g_get_monotonic_time ());
  ice_agent_state_flush_locked (state);
  return TRUE;
}

/* Every datagram the agent sends from the mux socket: STUN checks, answers
 * to checks (sent only once they authenticate), consent. */
void
ice_agent_mux_learn_locked (IceAgentState *state,
                            const IceTransportAddr *remote)
{
  if (state->mux_member != NULL)
    ice_udp_mux_learn (state->mux_member, remote);
}

/* After every drain of the session: a restart (ours or the peer's) gives
 * the stream a new ufrag that the mux must route. */
void
ice_agent_mux_sync_ufrag_locked (IceAgentState *state)
{
  const gchar *ufrag = NULL, *pwd = NULL;
  guint i;

  if (state->mux_member == NULL || state->session == NULL)
    return;
  for (i = 0; i < state->streams->len && ufrag == NULL; i++)
    if (((IceAgentStream *)state->streams->pdata[i])->sockets_open)
      ice_session_get_local_credentials (
          state->session, ((IceAgentStream *)state->streams->pdata[i])->id,
          &ufrag, &pwd);
  if (ufrag != NULL
      && g_strcmp0 (ufrag, ice_udp_mux_member_ufrag (state->mux_member)) != 0)
    ice_udp_mux_set_ufrag (state->mux_member, ufrag);
}

/* The agent's lock, then the mux's: the order ice-udp-mux-private.h
 * allows. */
guint64
ice_agent_mux_unknown_dropped_locked (IceAgentState *state)
{
  if (state->mux_member == NULL)
    return 0;
  return ice_udp_mux_member_unknown_dropped (state->mux_member);
}

/* The mux thread: the datagrams of one recvmmsg batch that belong to
 * @state, fed to its session under one lock. Events are left to the
 * agent's own context or the dispatch pool (ice_agent_state_flush_locked
 * arranges both); media goes to the queue or the receive callback, which
 * runs here, on the mux's thread. */
void
ice_agent_mux_handle (IceAgentState *state, const IceTransportAddr *local,
                      const IceUdpMuxDatagram *datagrams, guint n)
{
  GArray *callbacks = ice_agent_callbacks_new ();
  IceDelivery delivery;
  gint64 now = g_get_monotonic_time ();
  guint i;

  g_mutex_lock (&state->lock);
  if (state->closed || state->session == NULL) {
    g_mutex_unlock (&state->lock);
    g_array_unref (callbacks);
    return;
  }
  for (i = 0; i < n; i++)
    if (ice_session_handle_packet (state->session, now, local,
                                   &datagrams[i].from, datagrams[i].data,
                                   datagrams[i].len, &delivery)
        == ICE_PACKET_DELIVER)
      ice_agent_deliver_copy_locked (state, &delivery, datagrams[i].data, now,
                                     callbacks);
  ice_agent_state_flush_locked (state);
  g_mutex_unlock (&state->lock);
  if (callbacks->len > 0)
    ice_agent_run_callbacks (state, callbacks);
  g_array_unref (callbacks);
}
