/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Per-pair counters (W3C RTCIceCandidatePairStats words) kept where the
 * checks, answers and media pass, and the snapshots of pairs and
 * candidates that ice-stats.h hands out.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-relay-private.h"

#include <string.h>

/* An authenticated Binding request arrived on (@local, @from) and was
 * answered with a success response. */
void
ice_stats_note_request (IceStream *stream, guint component_id,
                        const IceTransportAddr *local,
                        const IceTransportAddr *from)
{
  IcePair *pair = ice_checklist_find_pair (stream, component_id, local, from);

  if (pair == NULL)
    return; /* early check: no pair until the peer's credentials come */
  pair->counters.requests_received++;
  pair->counters.responses_sent++;
}

/* An authenticated response to a check of @pair; its round-trip time is
 * measured from the check's first transmission when @measure_rtt (the
 * answer is to the current request, not to one before it). */
void
ice_stats_note_response (IcePair *pair, gint64 now_us, gboolean measure_rtt)
{
  IcePairCounters *c = &pair->counters;

  c->responses_received++;
  if (!measure_rtt || pair->first_sent_us <= 0 || now_us < pair->first_sent_us)
    return;
  c->current_rtt_us = now_us - pair->first_sent_us;
  c->total_rtt_us += c->current_rtt_us;
  c->rtt_measurements++;
}

static IcePair *
selected_on (IceSession *session, guint stream_id, guint component_id)
{
  IceComponent *comp = ice_stream_get_component (
      ice_session_find_stream (session, stream_id), component_id);

  return comp != NULL ? comp->selected : NULL;
}

/* Media passed the source check: counted on the selected pair when it
 * came that way (two address compares, no lookup per packet). */
void
ice_stats_note_media_received (IceSession *session, guint stream_id,
                               guint component_id,
                               const IceTransportAddr *local,
                               const IceTransportAddr *from, gsize len)
{
  IcePair *pair = selected_on (session, stream_id, component_id);

  if (pair == NULL || !ice_addr_equal (&pair->local.base, local)
      || !ice_addr_equal (&pair->remote.addr, from))
    return;
  pair->counters.packets_received++;
  pair->counters.bytes_received += len;
}

/**
 * ice_session_count_media_sent:
 * @packets: datagrams handed to the socket of the component's route
 * @bytes: their payload bytes (TURN framing not included)
 *
 * Counted on the component's selected pair, if any.
 */
void
ice_session_count_media_sent (IceSession *session, guint stream_id,
                              guint component_id, guint packets, guint64 bytes)
{
  IcePair *pair;

  g_return_if_fail (session != NULL);
  pair = selected_on (session, stream_id, component_id);
  if (pair == NULL)
    return;
  pair->counters.packets_sent += packets;
  pair->counters.bytes_sent += bytes;
}

/**
 * ice_session_count_media_sent_on:
 * @local: the local base the datagrams left from
 * @remote: the remote address they went to
 *
 * As ice_session_count_media_sent(), for datagrams the IO layer sent on a
 * route it cached earlier: counted on the pair of (@local, @remote), which
 * may no longer be the selected one.
 */
void
ice_session_count_media_sent_on (IceSession *session, guint stream_id,
                                 guint component_id,
                                 const IceTransportAddr *local,
                                 const IceTransportAddr *remote,
                                 guint64 packets, guint64 bytes)
{
  IceStream *stream;
  IcePair *pair;

  g_return_if_fail (session != NULL && local != NULL && remote != NULL);
  pair = selected_on (session, stream_id, component_id);
  if (pair == NULL || !ice_addr_equal (&pair->local.base, local)
      || !ice_addr_equal (&pair->remote.addr, remote)) {
    stream = ice_session_find_stream (session, stream_id);
    pair = stream != NULL
               ? ice_checklist_find_pair (stream, component_id, local, remote)
               : NULL;
  }
  if (pair == NULL)
    return;
  pair->counters.packets_sent += packets;
  pair->counters.bytes_sent += bytes;
}

static void
fill_pair_stats (IcePairStats *st, const IcePair *pair)
{
  IceComponent *comp
      = ice_stream_get_component (pair->stream, pair->component_id);

  memset (st, 0, sizeof (*st));
  st->stream_id = pair->stream->id;
  st->component_id = pair->component_id;
  st->local = pair->local;
  st->remote = pair->remote;
  st->state = ice_pair_state_to_string (pair->state);
  st->priority = pair->priority;
  st->valid = pair->valid;
  st->nominated = pair->nominated;
  st->selected = comp != NULL && comp->selected == pair;
  if (pair->state == ICE_PAIR_FAILED)
    g_strlcpy (st->failure_reason, pair->fail_reason,
               sizeof (st->failure_reason));
  st->counters = pair->counters;
  if (st->counters.rtt_measurements == 0)
    st->counters.current_rtt_us = -1;
}

static void
stream_pair_stats (IceStream *stream, GArray *out)
{
  IcePairStats st;
  guint i;

  for (i = 0; i < stream->pairs->len; i++) {
    fill_pair_stats (&st, g_ptr_array_index (stream->pairs, i));
    g_array_append_val (out, st);
  }
}

/**
 * ice_session_get_pair_stats:
 * @stream_id: a stream, or %ICE_SESSION_ALL_STREAMS
 * @out: (element-type IcePairStats): appended to
 */
void
ice_session_get_pair_stats (IceSession *session, guint stream_id, GArray *out)
{
  guint i;

  g_return_if_fail (session != NULL);
  g_return_if_fail (out != NULL);
  for (i = 0; i < session->streams->len; i++)
    if (stream_id == ICE_SESSION_ALL_STREAMS || stream_id == i)
      stream_pair_stats (g_ptr_array_index (session->streams, i), out);
}

/* The server a local candidate came from (ice-stats.h), if known. */
static void
find_server (IceSession *session, const IceCandidate *cand,
             IceTransportAddr *server)
{
  IceRelayClient *rc;
  guint i;

  memset (server, 0, sizeof (*server));
  if (cand->type == ICE_CANDIDATE_TYPE_RELAYED) {
    rc = ice_relay_find_by_relayed (session, &cand->addr);
    if (rc != NULL)
      *server = rc->server->server;
    return;
  }
  if (cand->type != ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE)
    return;
  for (i = 0; i < session->gather_requests->len; i++) {
    IceGatherRequest *req
        = &g_array_index (session->gather_requests, IceGatherRequest, i);

    if (ice_addr_equal (&req->base, &cand->base)) {
      *server = req->server;
      return;
    }
  }
  /* the mapped address an Allocate answer told */
  for (i = 0; session->relay != NULL && i < session->relay->clients->len; i++) {
    rc = g_ptr_array_index (session->relay->clients, i);
    if (ice_addr_equal (&rc->base, &cand->base)) {
      *server = rc->server->server;
      return;
    }
  }
}

static void
append_candidates (IceSession *session, GArray *cands, gboolean is_local,
                   GArray *out)
{
  IceCandidateStats st;
  guint i;

  for (i = 0; i < cands->len; i++) {
    memset (&st, 0, sizeof (st));
    st.candidate = g_array_index (cands, IceCandidate, i);
    st.is_local = is_local;
    if (is_local)
      find_server (session, &st.candidate, &st.server);
    g_array_append_val (out, st);
  }
}

/**
 * ice_session_get_candidate_stats:
 * @stream_id: a stream, or %ICE_SESSION_ALL_STREAMS
 * @out: (element-type IceCandidateStats): appended to, per component the
 *   local candidates then the remote ones
 */
void
ice_session_get_candidate_stats (IceSession *session, guint stream_id,
                                 GArray *out)
{
  guint i, c;

  g_return_if_fail (session != NULL);
  g_return_if_fail (out != NULL);
  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    if (stream_id != ICE_SESSION_ALL_STREAMS && stream_id != i)
      continue;
    for (c = 0; c < stream->n_components; c++) {
      append_candidates (session, stream->components[c].local, TRUE, out);
      append_candidates (session, stream->components[c].remote, FALSE, out);
    }
  }
}
