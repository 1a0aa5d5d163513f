/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Per-path entries of "stats", as webrtcbin's "get-stats" names them
 * (GstWebRTCStatsType): a GST_TYPE_STRUCTURE field per candidate pair
 * ("candidate-pair-<id>"), candidate ("local-candidate-<id>",
 * "remote-candidate-<id>") and one for the stream ("stream-<n>"). Built
 * from the agent's snapshots (ice_agent_get_pair_stats(),
 * ice_agent_get_candidate_stats()) of the element's own stream: in a
 * shared agent every element reports its stream, and the agent-wide
 * counters stay in the top level of the structure.
 *
 * Ids are made of what the candidate is ("L0.1-host-udp-192.0.2.7-4000"),
 * so they stay the same from one reading to the next and an application
 * can follow a path over time. Field names keep to the characters a
 * serialized GstStructure accepts unquoted (alphanumerics and "_-+/:.").
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticepairstats.h"

#include <string.h>

/* "L" + stream.component + type + protocol + IP + port, and a pair's two */
#define CANDIDATE_ID_MAX 128
#define PAIR_ID_MAX (2 * CANDIDATE_ID_MAX + 2)

static void
candidate_id (gchar *out, gboolean is_local, const IceCandidate *cand)
{
  gchar ip[ICE_ADDR_STRLEN];
  gchar *p;

  ice_addr_ip_to_string (&cand->addr, ip);
  /* an IPv6 scope ("fe80::1%2") would need quoting */
  for (p = ip; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != ':' && *p != '.')
      *p = '_';
  g_snprintf (out, CANDIDATE_ID_MAX, "%c%u.%u-%s-%s-%s-%u",
              is_local ? 'L' : 'R', cand->stream_id, cand->component_id,
              ice_candidate_type_to_string (cand->type),
              ice_transport_to_string (cand->addr.transport), ip,
              cand->addr.port);
}

static void
pair_id (gchar *out, const IcePairStats *pair)
{
  gchar local[CANDIDATE_ID_MAX], remote[CANDIDATE_ID_MAX];

  candidate_id (local, TRUE, &pair->local);
  candidate_id (remote, FALSE, &pair->remote);
  g_snprintf (out, PAIR_ID_MAX, "%s_%s", local, remote);
}

/* Sets "<prefix>-<id>" to @entry, which it takes. */
static void
take_entry (GstStructure *stats, const gchar *prefix, const gchar *id,
            GstStructure *entry)
{
  gchar *name = g_strdup_printf ("%s-%s", prefix, id);
  GValue v = G_VALUE_INIT;

  g_value_init (&v, GST_TYPE_STRUCTURE);
  g_value_take_boxed (&v, entry);
  gst_structure_take_value (stats, name, &v);
  g_free (name);
}

/* --- candidates ---------------------------------------------------------- */

/* W3C RTCIceCandidateStats: what the candidate is and where it came from */
static GstStructure *
candidate_structure (const IceCandidate *cand, gboolean is_local,
                     const gchar *id)
{
  gchar ip[ICE_ADDR_STRLEN];

  return gst_structure_new (
      "application/x-ice-candidate-stats", "type", G_TYPE_STRING,
      is_local ? "local-candidate" : "remote-candidate", "id", G_TYPE_STRING,
      id, "stream", G_TYPE_UINT, cand->stream_id, "component", G_TYPE_UINT,
      cand->component_id, "candidate-type", G_TYPE_STRING,
      ice_candidate_type_to_string (cand->type), "address", G_TYPE_STRING,
      ice_addr_ip_to_string (&cand->addr, ip), "port", G_TYPE_UINT,
      (guint)cand->addr.port, "protocol", G_TYPE_STRING,
      ice_transport_to_string (cand->addr.transport), "priority", G_TYPE_UINT,
      cand->priority, "foundation", G_TYPE_STRING, cand->foundation, NULL);
}

/* TCP candidates' role (RFC 6544 §4.5), the server's URL and, for a
 * relayed candidate, how we reach the TURN server (W3C relayProtocol). */
static void
add_candidate_origin (GstStructure *s, const IceAgentCandidateStats *st)
{
  if (st->candidate.tcp_type != ICE_TCP_TYPE_NONE)
    gst_structure_set (s, "tcp-type", G_TYPE_STRING,
                       ice_tcp_type_to_string (st->candidate.tcp_type), NULL);
  if (st->url[0] != '\0')
    gst_structure_set (s, "url", G_TYPE_STRING, st->url, NULL);
  if (st->relay_protocol != NULL)
    gst_structure_set (s, "relay-protocol", G_TYPE_STRING, st->relay_protocol,
                       NULL);
}

static void
add_candidates (GstStructure *stats, IceAgent *agent, guint stream)
{
  GArray *cands = ice_agent_get_candidate_stats (agent, stream);
  gchar id[CANDIDATE_ID_MAX];
  guint i;

  for (i = 0; i < cands->len; i++) {
    const IceAgentCandidateStats *st
        = &g_array_index (cands, IceAgentCandidateStats, i);
    GstStructure *s;

    candidate_id (id, st->is_local, &st->candidate);
    s = candidate_structure (&st->candidate, st->is_local, id);
    add_candidate_origin (s, st);
    take_entry (stats, st->is_local ? "local-candidate" : "remote-candidate",
                id, s);
  }
  g_array_unref (cands);
}

/* A pair's candidate missing from the lists (the snapshots are two: a
 * restart may come between them) is added from the pair's copy, so that
 * every id a pair names is in the structure. */
static void
ensure_candidate (GstStructure *stats, const IceCandidate *cand,
                  gboolean is_local)
{
  const gchar *prefix = is_local ? "local-candidate" : "remote-candidate";
  gchar id[CANDIDATE_ID_MAX];
  gchar *name;

  candidate_id (id, is_local, cand);
  name = g_strdup_printf ("%s-%s", prefix, id);
  if (!gst_structure_has_field (stats, name))
    take_entry (stats, prefix, id, candidate_structure (cand, is_local, id));
  g_free (name);
}

/* --- pairs ------------------------------------------------------------- */

static gdouble
seconds (gint64 us)
{
  return us / (gdouble)G_USEC_PER_SEC;
}

/* W3C RTCIceCandidatePairStats: the pair, its state and the checks */
static GstStructure *
pair_structure (const IcePairStats *pair, const gchar *id)
{
  gchar local[CANDIDATE_ID_MAX], remote[CANDIDATE_ID_MAX];
  const IcePairCounters *c = &pair->counters;

  candidate_id (local, TRUE, &pair->local);
  candidate_id (remote, FALSE, &pair->remote);
  return gst_structure_new (
      "application/x-ice-candidate-pair-stats", "type", G_TYPE_STRING,
      "candidate-pair", "id", G_TYPE_STRING, id, "stream", G_TYPE_UINT,
      pair->stream_id, "component", G_TYPE_UINT, pair->component_id,
      "local-candidate-id", G_TYPE_STRING, local, "remote-candidate-id",
      G_TYPE_STRING, remote, "state", G_TYPE_STRING, pair->state, "priority",
      G_TYPE_UINT64, pair->priority, "valid", G_TYPE_BOOLEAN, pair->valid,
      "nominated", G_TYPE_BOOLEAN, pair->nominated, "selected", G_TYPE_BOOLEAN,
      pair->selected, "requests-sent", G_TYPE_UINT64, c->requests_sent,
      "requests-received", G_TYPE_UINT64, c->requests_received,
      "responses-sent", G_TYPE_UINT64, c->responses_sent, "responses-received",
      G_TYPE_UINT64, c->responses_received, "consent-requests-sent",
      G_TYPE_UINT64, c->consent_requests_sent, NULL);
}

/* Media on the pair and its round-trip times (W3C: seconds, doubles;
 * current-round-trip-time absent until a check was answered). */
static void
add_pair_traffic (GstStructure *s, const IcePairStats *pair)
{
  const IcePairCounters *c = &pair->counters;

  gst_structure_set (
      s, "packets-sent", G_TYPE_UINT64, c->packets_sent, "bytes-sent",
      G_TYPE_UINT64, c->bytes_sent, "packets-received", G_TYPE_UINT64,
      c->packets_received, "bytes-received", G_TYPE_UINT64, c->bytes_received,
      "total-round-trip-time", G_TYPE_DOUBLE, seconds (c->total_rtt_us),
      "round-trip-time-measurements", G_TYPE_UINT64, c->rtt_measurements, NULL);
  if (c->current_rtt_us >= 0)
    gst_structure_set (s, "current-round-trip-time", G_TYPE_DOUBLE,
                       seconds (c->current_rtt_us), NULL);
  if (pair->failure_reason[0] != '\0')
    gst_structure_set (s, "failure-reason", G_TYPE_STRING, pair->failure_reason,
                       NULL);
}

/* Adds every pair of @pairs; @selected gets the id of the one selected
 * for @component, or "" when none is. */
static void
add_pairs (GstStructure *stats, GArray *pairs, guint component,
           gchar selected[PAIR_ID_MAX])
{
  gchar id[PAIR_ID_MAX];
  guint i;

  selected[0] = '\0';
  for (i = 0; i < pairs->len; i++) {
    const IcePairStats *pair = &g_array_index (pairs, IcePairStats, i);
    GstStructure *s;

    pair_id (id, pair);
    s = pair_structure (pair, id);
    add_pair_traffic (s, pair);
    take_entry (stats, "candidate-pair", id, s);
    ensure_candidate (stats, &pair->local, TRUE);
    ensure_candidate (stats, &pair->remote, FALSE);
    if (pair->selected && pair->component_id == component)
      g_strlcpy (selected, id, PAIR_ID_MAX);
  }
}

/* --- the stream -------------------------------------------------------- */

static void
add_stream (GstStructure *stats, IceAgent *agent, guint stream, guint n_pairs,
            const gchar *selected)
{
  gchar *id = g_strdup_printf ("%u", stream);
  GstStructure *s = gst_structure_new (
      "application/x-ice-stream-stats", "type", G_TYPE_STRING, "stream", "id",
      G_TYPE_STRING, id, "stream", G_TYPE_UINT, stream, "ice-connection-state",
      G_TYPE_STRING,
      ice_connection_state_to_string (
          ice_agent_get_connection_state (agent, stream)),
      "ice-gathering-state", G_TYPE_STRING,
      ice_gathering_state_to_string (
          ice_agent_get_gathering_state (agent, stream)),
      "candidate-pairs", G_TYPE_UINT, n_pairs, NULL);

  if (selected[0] != '\0')
    gst_structure_set (s, "selected-candidate-pair-id", G_TYPE_STRING, selected,
                       NULL);
  take_entry (stats, "stream", id, s);
  g_free (id);
}

/**
 * gst_ice_pair_stats_add:
 * @stats: the element's "stats" structure, added to
 * @agent: (nullable): the element's agent, %NULL before its stream exists
 * @stream: the element's stream
 * @component: the element's component: the one whose selected pair
 *   "stream-<n>" names
 *
 * Adds the entries of the element's stream: its candidates first, then
 * its pairs (with any candidate a pair names that the lists missed) and
 * the stream.
 */
void
gst_ice_pair_stats_add (GstStructure *stats, IceAgent *agent, guint stream,
                        guint component)
{
  gchar selected[PAIR_ID_MAX];
  GArray *pairs;

  if (agent == NULL)
    return;
  add_candidates (stats, agent, stream);
  pairs = ice_agent_get_pair_stats (agent, stream);
  add_pairs (stats, pairs, component, selected);
  add_stream (stats, agent, stream, pairs->len, selected);
  g_array_unref (pairs);
}
