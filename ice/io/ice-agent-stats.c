/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Per-pair and per-candidate statistics of an IceAgent: the session's
 * snapshot (ice-stats.h) taken under one lock, with what only the agent
 * knows added: the URL of the server a candidate came from.
 */
#include "ice/io/ice-agent-private.h"

#include <string.h>

/**
 * ice_agent_get_pair_stats:
 * @stream_id: a stream, or %ICE_SESSION_ALL_STREAMS
 *
 * Returns: (transfer full) (element-type IcePairStats): every candidate
 *   pair of the stream(s), in checklist order; empty before the first
 *   stream.
 */
GArray *
ice_agent_get_pair_stats (IceAgent *agent, guint stream_id)
{
  IceAgentState *state;
  GArray *out;

  g_return_val_if_fail (ICE_IS_AGENT (agent), NULL);
  state = ice_agent_get_state (agent);
  out = g_array_new (FALSE, FALSE, sizeof (IcePairStats));
  g_mutex_lock (&state->lock);
  if (state->session != NULL) {
    ice_agent_fast_routes_fold_locked (state);
    ice_session_get_pair_stats (state->session, stream_id, out);
  }
  g_mutex_unlock (&state->lock);
  return out;
}

/* The TURN server at @addr, once its name is resolved. */
static IceAgentTurnServer *
find_turn_server_locked (IceAgentState *state, const IceTransportAddr *addr)
{
  guint i;

  for (i = 0; i < state->turn_servers->len; i++) {
    IceAgentTurnServer *server = g_ptr_array_index (state->turn_servers, i);

    if (server->state == ICE_AGENT_STUN_READY
        && ice_addr_equal (&server->addr, addr))
      return server;
  }
  return NULL;
}

/* RFC 7065 URI of a TURN server, without its credentials */
static void
format_turn_url (const IceAgentTurnServer *server, gchar *url, gsize size)
{
  gboolean tls = server->transport == ICE_TRANSPORT_TLS;
  gboolean v6 = strchr (server->host, ':') != NULL;

  g_snprintf (url, size, "%s:%s%s%s:%u?transport=%s", tls ? "turns" : "turn",
              v6 ? "[" : "", server->host, v6 ? "]" : "", server->port,
              server->transport == ICE_TRANSPORT_UDP ? "udp" : "tcp");
}

static const gchar *
relay_protocol (IceTransport transport)
{
  switch (transport) {
    case ICE_TRANSPORT_UDP:
      return "udp";
    case ICE_TRANSPORT_TCP:
      return "tcp";
    default:
      return "tls";
  }
}

static void
fill_candidate_locked (IceAgentState *state, const IceCandidateStats *in,
                       IceAgentCandidateStats *out)
{
  IceAgentTurnServer *turn;

  memset (out, 0, sizeof (*out));
  out->candidate = in->candidate;
  out->is_local = in->is_local;
  if (!in->is_local || !ice_addr_is_set (&in->server))
    return;
  turn = find_turn_server_locked (state, &in->server);
  if (in->candidate.type == ICE_CANDIDATE_TYPE_RELAYED)
    out->relay_protocol = relay_protocol (in->server.transport);
  if (turn != NULL)
    format_turn_url (turn, out->url, sizeof (out->url));
  else if (state->stun_server != NULL)
    g_strlcpy (out->url, state->stun_server, sizeof (out->url));
}

/**
 * ice_agent_get_candidate_stats:
 * @stream_id: a stream, or %ICE_SESSION_ALL_STREAMS
 *
 * Returns: (transfer full) (element-type IceAgentCandidateStats): per
 *   component, our candidates then the peer's.
 */
GArray *
ice_agent_get_candidate_stats (IceAgent *agent, guint stream_id)
{
  IceAgentState *state;
  GArray *core, *out;
  guint i;

  g_return_val_if_fail (ICE_IS_AGENT (agent), NULL);
  state = ice_agent_get_state (agent);
  core = g_array_new (FALSE, FALSE, sizeof (IceCandidateStats));
  out = g_array_new (FALSE, FALSE, sizeof (IceAgentCandidateStats));
  g_mutex_lock (&state->lock);
  if (state->session != NULL)
    ice_session_get_candidate_stats (state->session, stream_id, core);
  g_array_set_size (out, core->len);
  for (i = 0; i < core->len; i++)
    fill_candidate_locked (state, &g_array_index (core, IceCandidateStats, i),
                           &g_array_index (out, IceAgentCandidateStats, i));
  g_mutex_unlock (&state->lock);
  g_array_unref (core);
  return out;
}

/**
 * ice_agent_get_n_streams:
 *
 * Returns: how many streams ice_agent_add_stream() made (ids 0..n-1).
 */
guint
ice_agent_get_n_streams (IceAgent *agent)
{
  IceAgentState *state;
  guint n;

  g_return_val_if_fail (ICE_IS_AGENT (agent), 0);
  state = ice_agent_get_state (agent);
  g_mutex_lock (&state->lock);
  n = state->streams->len;
  g_mutex_unlock (&state->lock);
  return n;
}
