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
#include "ice/io/ice-udp-mux-private.h"
#include "ice/mdns/mdns-name.h"

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
  for (c = 0; c < n_components; c++) {
    stream->components[c].queue
        = ice_agent_queue_new (state->queue_capacity, state->queue_max_bytes);
    stream->components[c].reader.wake_fd = -1;
    stream->components[c].route.fd = -1;
  }
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
    /* a muxed agent's one address is fixed (ice-agent-mux.c) */
    if (ok && state->udp_mux == NULL)
      ice_agent_netwatch_start_locked (state);
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
  gboolean ok = FALSE, restarted = FALSE;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  state = ice_agent_get_state (agent);
  LOCK (state);
  if (ice_agent_state_get_stream_locked (state, stream_id) != NULL)
    ok = ice_session_set_local_credentials (state->session, stream_id, ufrag,
                                            pwd, g_get_monotonic_time (),
                                            &restarted);
  if (restarted) {
    /* as ice_agent_restart(), for this stream: new mDNS names */
    ice_agent_mdns_renew_names_locked (state, stream_id);
    ice_agent_mdns_forget_candidates_locked (state);
    ice_agent_state_flush_locked (state);
  }
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

/* The stream's refusals are the session's to count; an unknown stream is
 * counted too while the session lives. */
static gboolean
check_stream_locked (IceAgentState *state, guint stream_id, GError **error)
{
  if (ice_agent_state_get_stream_locked (state, stream_id) != NULL)
    return TRUE;
  if (!state->closed && state->session != NULL)
    ice_session_note_remote_rejected (state->session,
                                      ICE_REMOTE_UNKNOWN_STREAM);
  g_set_error (error, ICE_REMOTE_ERROR, ICE_REMOTE_UNKNOWN_STREAM,
               "unknown stream %u", stream_id);
  return FALSE;
}

static IceRemoteResult
add_remote_candidate (IceAgent *agent, const IceCandidate *candidate,
                      GError **error)
{
  IceAgentState *state = ice_agent_get_state (agent);
  IceRemoteResult result = ICE_REMOTE_UNKNOWN_STREAM;

  LOCK (state);
  if (!check_stream_locked (state, candidate->stream_id, error)) {
    /* counted */
  } else if (ice_agent_mdns_take_locked (state, candidate)) {
    result = ICE_REMOTE_OK; /* held until its name is answered */
  } else {
    result = ice_session_add_remote_candidate_with_result (
        state->session, candidate, g_get_monotonic_time (), error);
    ice_agent_state_flush_locked (state);
  }
  UNLOCK (state);
  return result;
}

gboolean
ice_agent_add_remote_candidate_full (IceAgent *agent,
                                     const IceCandidate *candidate)
{
  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  g_return_val_if_fail (candidate != NULL, FALSE);
  return add_remote_candidate (agent, candidate, NULL) == ICE_REMOTE_OK;
}

/* A line that does not parse is counted like the session's refusals. */
static void
note_malformed (IceAgent *agent, IceRemoteResult result)
{
  IceAgentState *state = ice_agent_get_state (agent);

  LOCK (state);
  if (!state->closed && state->session != NULL)
    ice_session_note_remote_rejected (state->session, result);
  UNLOCK (state);
}

gboolean
ice_agent_add_remote_candidate (IceAgent *agent, guint stream_id,
                                const gchar *sdp_line, GError **error)
{
  IceCandidate candidate;
  GError *parse_error = NULL;
  IceRemoteResult result;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  g_return_val_if_fail (sdp_line != NULL, FALSE);
  if (!ice_sdp_parse_candidate (sdp_line, &candidate, &parse_error)) {
    result = ice_remote_result_from_sdp_error (parse_error);
    note_malformed (agent, result);
    g_set_error_literal (error, ICE_REMOTE_ERROR, result, parse_error->message);
    g_error_free (parse_error);
    return FALSE;
  }
  candidate.stream_id = stream_id;
  return add_remote_candidate (agent, &candidate, error) == ICE_REMOTE_OK;
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

/* The skipped lines, as #GError with their reason as code. */
static GPtrArray *
skipped_lines (const IceSdpDescription *desc)
{
  GPtrArray *skipped
      = g_ptr_array_new_with_free_func ((GDestroyNotify)g_error_free);
  guint i;

  for (i = 0; i < desc->errors->len; i++)
    g_ptr_array_add (skipped,
                     g_error_new_literal (ICE_REMOTE_ERROR,
                                          g_array_index (desc->error_reasons,
                                                         IceRemoteResult, i),
                                          g_ptr_array_index (desc->errors, i)));
  return skipped;
}

/* A description refused whole (for @whole, unless %ICE_REMOTE_OK: already
 * counted): the lines the parser refused count too. */
static void
note_refused_locked (IceAgentState *state, const IceSdpDescription *desc,
                     IceRemoteResult whole)
{
  guint r, n;

  if (state->closed || state->session == NULL)
    return;
  if (whole != ICE_REMOTE_OK)
    ice_session_note_remote_rejected (state->session, whole);
  for (r = ICE_REMOTE_OK + 1; r < ICE_REMOTE_LAST; r++)
    for (n = 0; n < desc->rejected[r]; n++)
      ice_session_note_remote_rejected (state->session, r);
}

/* The description's ".local" candidates, taken out of @desc: they go to
 * ice-agent-mdns.c once the session has the description's credentials. */
static GArray *
steal_named_candidates (IceSdpDescription *desc)
{
  GArray *named = g_array_new (FALSE, FALSE, sizeof (IceCandidate));
  guint i = 0;

  while (i < desc->candidates->len) {
    IceCandidate *cand = &g_array_index (desc->candidates, IceCandidate, i);

    if (ice_addr_is_set (&cand->addr)
        || !ice_mdns_name_is_valid (cand->hostname)) {
      i++;
      continue;
    }
    g_array_append_val (named, *cand);
    g_array_remove_index (desc->candidates, i);
    if (i < desc->candidate_lines->len)
      g_array_remove_index (desc->candidate_lines, i);
  }
  return named;
}

/* Counted as added when held (or added from the cache), as unresolved
 * when resolution is off. */
static gint
hold_named_candidates_locked (IceAgentState *state, guint stream_id,
                              GArray *named)
{
  gint held = 0;
  guint i;

  for (i = 0; i < named->len; i++) {
    IceCandidate *cand = &g_array_index (named, IceCandidate, i);

    cand->stream_id = stream_id;
    if (ice_agent_mdns_take_locked (state, cand))
      held++;
    else
      ice_session_add_remote_candidate_with_result (
          state->session, cand, g_get_monotonic_time (), NULL);
  }
  return held;
}

static gint
apply_description_locked (IceAgentState *state, guint stream_id,
                          IceSdpDescription *desc, GError **error)
{
  GArray *named;
  gint added;

  if (!check_stream_locked (state, stream_id, error)) {
    note_refused_locked (state, desc, ICE_REMOTE_OK);
    return -1;
  }
  if (desc->ufrag[0] == '\0' || desc->pwd[0] == '\0') {
    g_set_error (error, ICE_REMOTE_ERROR, ICE_REMOTE_BAD_CREDENTIALS,
                 "the description has no valid a=ice-ufrag and a=ice-pwd "
                 "lines (4-256 and 22-256 ice-chars, RFC 8839 section 5.4)");
    note_refused_locked (state, desc,
                         desc->rejected[ICE_REMOTE_BAD_CREDENTIALS] > 0
                             ? ICE_REMOTE_OK
                             : ICE_REMOTE_BAD_CREDENTIALS);
    return -1;
  }
  named = steal_named_candidates (desc);
  added = ice_session_set_remote_description (state->session, stream_id, desc,
                                              g_get_monotonic_time ());
  if (added >= 0)
    added += hold_named_candidates_locked (state, stream_id, named);
  g_array_unref (named);
  ice_agent_state_flush_locked (state);
  return added;
}

gint
ice_agent_set_remote_description_full (IceAgent *agent, guint stream_id,
                                       const gchar *text, GPtrArray **skipped,
                                       GError **error)
{
  IceAgentState *state;
  IceSdpDescription *desc;
  gint added;

  g_return_val_if_fail (ICE_IS_AGENT (agent), -1);
  g_return_val_if_fail (text != NULL, -1);
  desc = ice_sdp_parse (text, -1);
  state = ice_agent_get_state (agent);
  LOCK (state);
  added = apply_description_locked (state, stream_id, desc, error);
  UNLOCK (state);
  if (skipped != NULL)
    *skipped = skipped_lines (desc);
  ice_sdp_description_free (desc);
  return added;
}

gint
ice_agent_set_remote_description (IceAgent *agent, guint stream_id,
                                  const gchar *text, GError **error)
{
  GPtrArray *skipped = NULL;
  gint added;
  guint i;

  g_return_val_if_fail (ICE_IS_AGENT (agent), -1);
  g_return_val_if_fail (text != NULL, -1);
  added = ice_agent_set_remote_description_full (agent, stream_id, text,
                                                 &skipped, error);
  for (i = 0; i < skipped->len; i++)
    g_debug ("IceAgent: remote description of stream %u: skipped %s", stream_id,
             ((GError *)g_ptr_array_index (skipped, i))->message);
  g_ptr_array_unref (skipped);
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
    text = ice_session_get_local_description_full (
        state->session, stream_id, ice_agent_mdns_publish_candidate, state);
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
    /* a new session: new names for our host candidates (mDNS draft
     * §3.1.1), given as the candidates are announced again */
    ice_agent_mdns_renew_names_locked (state, ICE_AGENT_MDNS_ALL_STREAMS);
    ice_session_restart (state->session, g_get_monotonic_time ());
    ice_agent_mdns_forget_candidates_locked (state);
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
  IceAgentMdnsCounters m;
  IceAgentTcpCounters t;
  IceAgentNetwatchCounters nw;

  g_return_if_fail (ICE_IS_AGENT (agent));
  g_return_if_fail (stats != NULL);
  state = ice_agent_get_state (agent);
  memset (stats, 0, sizeof (*stats));
  memset (&s, 0, sizeof (s));
  s.selected_rtt_us = -1;
  LOCK (state);
  if (state->session != NULL) {
    ice_agent_fast_routes_fold_locked (state);
    ice_session_get_stats (state->session, &s);
  }
  stats->packets_received = state->packets_received;
  stats->bytes_received = state->bytes_received;
  stats->queue_dropped = state->queue_dropped;
  stats->recv_errors = state->recv_errors;
  stats->consumer_reads = state->consumer_reads;
  stats->reader_handovers = state->reader_handovers;
  stats->backlog_dropped = state->backlog_dropped;
  stats->gro_segments = state->gro_segments;
  UNLOCK (state);
  stats->gso_sends = __atomic_load_n (&state->send.gso_sends, __ATOMIC_RELAXED);
  stats->gso_fallbacks
      = __atomic_load_n (&state->send.gso_fallbacks, __ATOMIC_RELAXED);
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
  memcpy (stats->remote_rejected, s.remote_rejected,
          sizeof (stats->remote_rejected));
  stats->streams_awaiting_candidates = s.streams_awaiting_candidates;
  LOCK (state);
  ice_agent_mdns_get_counters_locked (state, &m);
  ice_agent_tcp_get_counters_locked (state, &t);
  ice_agent_netwatch_get_counters_locked (state, &nw);
  stats->mux_unknown_dropped = ice_agent_mux_unknown_dropped_locked (state);
  UNLOCK (state);
  stats->network_changes = nw.comparisons;
  stats->addresses_lost = nw.addresses_lost;
  stats->network_restarts = nw.restarts;
  stats->netlink_dropped = nw.malformed;
  stats->mdns_queries_sent = m.queries_sent;
  stats->mdns_resolved = m.resolved;
  stats->mdns_timeouts = m.timeouts;
  stats->mdns_dropped = m.dropped;
  stats->mdns_names_published = m.names_published;
  stats->mdns_answers_sent = m.answers_sent;
  stats->mdns_queries_ignored = m.queries_ignored;
  stats->mdns_answers_rate_limited = m.answers_rate_limited;
  stats->mdns_conflicts = m.conflicts;
  stats->tcp_connects = t.connects;
  stats->tcp_connect_failed = t.connect_failed;
  stats->tcp_accepts = t.accepts;
  stats->tcp_refused = t.refused;
  stats->tcp_closed_invalid = t.closed_invalid;
  stats->tcp_dropped_bytes = t.dropped_bytes;
}
