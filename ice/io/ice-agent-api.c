/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The session side of IceAgent's API: streams, credentials, candidates,
 * descriptions, state and stats. Each call takes the lock once, feeds the
 * session with g_get_monotonic_time() and drains it; the events it causes
 * are emitted later by the agent's context.
 */
#include <string.h>

#include "ice/io/ice-agent-private.h"

#define LOCK(s) g_mutex_lock (&(s)->lock)
#define UNLOCK(s) g_mutex_unlock (&(s)->lock)

static IceAgentStream *
stream_new (IceAgentState *state, guint id, guint n_components)
{
  IceAgentStream *stream = g_new0 (IceAgentStream, 1);
  guint c;

  stream->id = id;
  stream->n_components = n_components;
  stream->components = g_new0 (IceAgentComponent, n_components);
  for (c = 0; c < n_components; c++)
    stream->components[c].queue
        = ice_agent_queue_new (state->queue_capacity, state->queue_max_bytes);
  return stream;
}

guint
ice_agent_add_stream (IceAgent *agent, guint n_components)
{
  IceAgentState *state;
  guint id = G_MAXUINT;

  g_return_val_if_fail (ICE_IS_AGENT (agent), G_MAXUINT);
  if (n_components < 1 || n_components > 256) {
    g_warning ("ice_agent_add_stream: %u components, expected 1..256",
               n_components);
    return G_MAXUINT;
  }
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (ice_agent_state_ensure_session_locked (state)) {
    id = ice_session_add_stream (state->session, n_components);
    g_assert (id == state->streams->len);
    g_ptr_array_add (state->streams, stream_new (state, id, n_components));
    ice_agent_state_flush_locked (state);
  }
  UNLOCK (state);
  return id;
}

gboolean
ice_agent_gather (IceAgent *agent, guint stream_id, GError **error)
{
  IceAgentState *state;
  gboolean ok;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (state->closed) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "agent is closed");
    ok = FALSE;
  } else {
    ok = ice_agent_state_gather_locked (state, stream_id, error);
  }
  UNLOCK (state);
  return ok;
}

gboolean
ice_agent_get_local_credentials (IceAgent *agent, guint stream_id,
                                 gchar **ufrag, gchar **pwd)
{
  IceAgentState *state;
  const gchar *u = NULL, *p = NULL;
  gboolean ok;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  state = ice_agent_get_state (agent);
  LOCK (state);
  ok = ice_agent_state_get_stream_locked (state, stream_id) != NULL;
  if (ok)
    ice_session_get_local_credentials (state->session, stream_id, &u, &p);
  if (ufrag != NULL)
    *ufrag = g_strdup (u);
  if (pwd != NULL)
    *pwd = g_strdup (p);
  UNLOCK (state);
  return ok;
}

gboolean
ice_agent_set_local_credentials (IceAgent *agent, guint stream_id,
                                 const gchar *ufrag, const gchar *pwd)
{
  IceAgentState *state;
  gboolean ok = FALSE;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (ice_agent_state_get_stream_locked (state, stream_id) != NULL)
    ok = ice_session_set_local_credentials (state->session, stream_id, ufrag,
                                            pwd);
  UNLOCK (state);
  return ok;
}

gboolean
ice_agent_set_remote_credentials (IceAgent *agent, guint stream_id,
                                  const gchar *ufrag, const gchar *pwd)
{
  IceAgentState *state;
  gboolean ok = FALSE;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (ice_agent_state_get_stream_locked (state, stream_id) != NULL) {
    ok = ice_session_set_remote_credentials (state->session, stream_id, ufrag,
                                             pwd, g_get_monotonic_time ());
    ice_agent_state_flush_locked (state);
  }
  UNLOCK (state);
  return ok;
}

gboolean
ice_agent_add_remote_candidate_full (IceAgent *agent,
                                     const IceCandidate *candidate)
{
  IceAgentState *state;
  gboolean ok = FALSE;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  g_return_val_if_fail (candidate != NULL, FALSE);
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (ice_agent_state_get_component_locked (state, candidate->stream_id,
                                            candidate->component_id)
      != NULL) {
    ok = ice_session_add_remote_candidate (state->session, candidate,
                                           g_get_monotonic_time ());
    ice_agent_state_flush_locked (state);
  }
  UNLOCK (state);
  return ok;
}

gboolean
ice_agent_add_remote_candidate (IceAgent *agent, guint stream_id,
                                const gchar *sdp_line, GError **error)
{
  IceCandidate candidate;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  g_return_val_if_fail (sdp_line != NULL, FALSE);
  if (!ice_sdp_parse_candidate (sdp_line, &candidate, error))
    return FALSE;
  candidate.stream_id = stream_id;
  if (!ice_agent_add_remote_candidate_full (agent, &candidate)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "candidate refused: stream %u or component %u unknown, or the "
                 "session rejected it",
                 stream_id, candidate.component_id);
    return FALSE;
  }
  return TRUE;
}

void
ice_agent_end_of_remote_candidates (IceAgent *agent, guint stream_id)
{
  IceAgentState *state;

  g_return_if_fail (ICE_IS_AGENT (agent));
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (ice_agent_state_get_stream_locked (state, stream_id) != NULL) {
    ice_session_end_of_remote_candidates (state->session, stream_id,
                                          g_get_monotonic_time ());
    ice_agent_state_flush_locked (state);
  }
  UNLOCK (state);
}

gint
ice_agent_set_remote_description (IceAgent *agent, guint stream_id,
                                  const gchar *text, GError **error)
{
  IceAgentState *state;
  IceSdpDescription *desc;
  gint added = -1;
  guint i;

  g_return_val_if_fail (ICE_IS_AGENT (agent), -1);
  g_return_val_if_fail (text != NULL, -1);
  desc = ice_sdp_parse (text, -1);
  for (i = 0; desc->errors != NULL && i < desc->errors->len; i++)
    g_message ("IceAgent: remote description of stream %u: skipped %s",
               stream_id, (const gchar *)desc->errors->pdata[i]);
  for (i = 0; desc->candidates != NULL && i < desc->candidates->len; i++)
    g_array_index (desc->candidates, IceCandidate, i).stream_id = stream_id;

  state = ice_agent_get_state (agent);
  LOCK (state);
  if (ice_agent_state_get_stream_locked (state, stream_id) == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "unknown stream %u", stream_id);
  } else if (desc->ufrag[0] == '\0' || desc->pwd[0] == '\0') {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "the description has no a=ice-ufrag and a=ice-pwd lines");
  } else {
    added = ice_session_set_remote_description (state->session, stream_id, desc,
                                                g_get_monotonic_time ());
    ice_agent_state_flush_locked (state);
  }
  UNLOCK (state);
  ice_sdp_description_free (desc);
  return added;
}

gchar *
ice_agent_get_local_description (IceAgent *agent, guint stream_id)
{
  IceAgentState *state;
  gchar *text = NULL;

  g_return_val_if_fail (ICE_IS_AGENT (agent), NULL);
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (ice_agent_state_get_stream_locked (state, stream_id) != NULL)
    text = ice_session_get_local_description (state->session, stream_id);
  UNLOCK (state);
  return text;
}

void
ice_agent_restart (IceAgent *agent)
{
  IceAgentState *state;

  g_return_if_fail (ICE_IS_AGENT (agent));
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (!state->closed && state->session != NULL) {
    ice_session_restart (state->session, g_get_monotonic_time ());
    ice_agent_state_flush_locked (state);
  }
  UNLOCK (state);
}

IceConnectionState
ice_agent_get_connection_state (IceAgent *agent, guint stream_id)
{
  IceAgentState *state;
  IceConnectionState s = ICE_CONNECTION_CLOSED;

  g_return_val_if_fail (ICE_IS_AGENT (agent), ICE_CONNECTION_CLOSED);
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (ice_agent_state_get_stream_locked (state, stream_id) != NULL)
    s = ice_session_get_connection_state (state->session, stream_id);
  UNLOCK (state);
  return s;
}

IceGatheringState
ice_agent_get_gathering_state (IceAgent *agent, guint stream_id)
{
  IceAgentState *state;
  IceGatheringState s = ICE_GATHERING_NEW;

  g_return_val_if_fail (ICE_IS_AGENT (agent), ICE_GATHERING_NEW);
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (ice_agent_state_get_stream_locked (state, stream_id) != NULL)
    s = ice_session_get_gathering_state (state->session, stream_id);
  UNLOCK (state);
  return s;
}

gboolean
ice_agent_get_selected_pair (IceAgent *agent, guint stream_id,
                             guint component_id, IceCandidate *local,
                             IceCandidate *remote)
{
  IceAgentState *state;
  IceCandidate l, r;
  gboolean ok = FALSE;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (ice_agent_state_get_component_locked (state, stream_id, component_id)
      != NULL)
    ok = ice_session_get_selected_pair (state->session, stream_id, component_id,
                                        &l, &r);
  UNLOCK (state);
  if (ok && local != NULL)
    *local = l;
  if (ok && remote != NULL)
    *remote = r;
  return ok;
}

gboolean
ice_agent_get_selected_pair_strings (IceAgent *agent, guint stream_id,
                                     guint component_id, gchar **local,
                                     gchar **remote)
{
  IceCandidate l, r;

  if (!ice_agent_get_selected_pair (agent, stream_id, component_id, &l, &r))
    return FALSE;
  if (local != NULL)
    *local = ice_sdp_candidate_to_string (&l);
  if (remote != NULL)
    *remote = ice_sdp_candidate_to_string (&r);
  return TRUE;
}

void
ice_agent_get_stats (IceAgent *agent, IceAgentStats *stats)
{
  IceAgentState *state;
  IceSessionStats s;

  g_return_if_fail (ICE_IS_AGENT (agent));
  g_return_if_fail (stats != NULL);
  state = ice_agent_get_state (agent);
  memset (stats, 0, sizeof (*stats));
  memset (&s, 0, sizeof (s));
  s.selected_rtt_us = -1;
  LOCK (state);
  if (state->session != NULL)
    ice_session_get_stats (state->session, &s);
  stats->packets_received = state->packets_received;
  stats->bytes_received = state->bytes_received;
  stats->queue_dropped = state->queue_dropped;
  stats->recv_errors = state->recv_errors;
  UNLOCK (state);
  stats->packets_sent
      = __atomic_load_n (&state->send.packets_sent, __ATOMIC_RELAXED);
  stats->bytes_sent
      = __atomic_load_n (&state->send.bytes_sent, __ATOMIC_RELAXED);
  stats->send_not_connected
      = __atomic_load_n (&state->send.send_not_connected, __ATOMIC_RELAXED);
  stats->send_errors
      = __atomic_load_n (&state->send.send_errors, __ATOMIC_RELAXED);
  memcpy (stats->dropped, s.dropped, sizeof (stats->dropped));
  stats->checks_sent = s.checks_sent;
  stats->checks_received = s.checks_received;
  stats->responses_received = s.responses_received;
  stats->selected_rtt_us = s.selected_rtt_us;
  stats->relay_allocations_lost = s.relay_allocations_lost;
  stats->relay_reallocations = s.relay_reallocations;
}
