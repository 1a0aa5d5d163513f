/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticestats.h"
#include "gsticepairstats.h"
#include "gsticeenums.h"
#include "gsticesettings.h"

#include <string.h>

/**
 * gst_ice_stats_install_properties:
 * @klass: icesrc's or icesink's class
 */
void
gst_ice_stats_install_properties (GObjectClass *klass)
{
  /**
   * GstIceSrc:ice-connection-state:
   * Connection state of the element's stream.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_ICE_CONNECTION_STATE,
      g_param_spec_enum ("ice-connection-state", "ICE connection state",
                         "Connection state of the stream",
                         GST_TYPE_ICE_CONNECTION_STATE,
                         GST_ICE_CONNECTION_STATE_NEW,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:ice-gathering-state:
   * Gathering state of the element's stream.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_ICE_GATHERING_STATE,
      g_param_spec_enum ("ice-gathering-state", "ICE gathering state",
                         "Gathering state of the stream",
                         GST_TYPE_ICE_GATHERING_STATE,
                         GST_ICE_GATHERING_STATE_NEW,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:selected-pair:
   * "LOCAL (type) <-> REMOTE (type)" of the element's component, or NULL.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_SELECTED_PAIR,
      g_param_spec_string ("selected-pair", "Selected pair",
                           "The candidate pair media uses", NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:stats:
   * Counters of the shared agent: packets/bytes in and out, drops by
   * reason, checks sent/received, RTT of the selected pair, the peer's
   * lines refused (remote-rejected, and by reason); and for the
   * element's stream, the relayed candidates gathered, whether the
   * selected pair goes through a TURN relay, and a structure per path
   * as webrtcbin's get-stats names them: "candidate-pair-<id>",
   * "local-candidate-<id>", "remote-candidate-<id>" and "stream-<n>"
   * (docs/elements.md).
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_STATS,
      g_param_spec_boxed (
          "stats", "Statistics",
          "Statistics of the shared ICE agent, and of every candidate pair "
          "and candidate of the element's stream",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:local-description:
   * Our RFC 8839 lines for the stream (credentials, candidates so far).
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_LOCAL_DESCRIPTION,
      g_param_spec_string ("local-description", "Local description",
                           "Our ICE description of the stream (RFC 8839 lines)",
                           NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

/* The peer's lines refused (descriptions, trickled candidates), in all
 * and by reason: "remote-rejected", "remote-rejected-malformed", ... */
static void
add_remote_rejected (GstStructure *s, const IceAgentStats *st)
{
  guint64 total = 0;
  guint r;

  for (r = ICE_REMOTE_OK + 1; r < ICE_REMOTE_LAST; r++) {
    gchar *name = g_strdup_printf ("remote-rejected-%s",
                                   ice_remote_result_to_string (r));

    gst_structure_set (s, name, G_TYPE_UINT64, st->remote_rejected[r], NULL);
    total += st->remote_rejected[r];
    g_free (name);
  }
  gst_structure_set (s, "remote-rejected", G_TYPE_UINT64, total, NULL);
}

/**
 * gst_ice_stats_new_structure:
 * @agent: (nullable): the agent, or %NULL before the element has one
 *
 * Returns: (transfer full): an "application/x-ice-stats" structure.
 */
GstStructure *
gst_ice_stats_new_structure (IceAgent *agent)
{
  IceAgentStats st = {
    0,
  };
  GstStructure *s;
  guint i;

  st.selected_rtt_us = -1;
  if (agent)
    ice_agent_get_stats (agent, &st);
  s = gst_structure_new (
      "application/x-ice-stats", "packets-sent", G_TYPE_UINT64, st.packets_sent,
      "bytes-sent", G_TYPE_UINT64, st.bytes_sent, "packets-received",
      G_TYPE_UINT64, st.packets_received, "bytes-received", G_TYPE_UINT64,
      st.bytes_received, "dropped-send-not-connected", G_TYPE_UINT64,
      st.send_not_connected, "dropped-send-error", G_TYPE_UINT64,
      st.send_errors, "dropped-queue-full", G_TYPE_UINT64, st.queue_dropped,
      "dropped-recv-error", G_TYPE_UINT64, st.recv_errors, "checks-sent",
      G_TYPE_UINT64, st.checks_sent, "checks-received", G_TYPE_UINT64,
      st.checks_received, "responses-received", G_TYPE_UINT64,
      st.responses_received, "rtt-us", G_TYPE_INT64, st.selected_rtt_us,
      "relay-allocations-lost", G_TYPE_UINT64, st.relay_allocations_lost,
      "relay-reallocations", G_TYPE_UINT64, st.relay_reallocations,
      "streams-awaiting-candidates", G_TYPE_UINT,
      st.streams_awaiting_candidates, "mdns-queries-sent", G_TYPE_UINT64,
      st.mdns_queries_sent, "mdns-resolved", G_TYPE_UINT64, st.mdns_resolved,
      "mdns-timeouts", G_TYPE_UINT64, st.mdns_timeouts, "mdns-dropped",
      G_TYPE_UINT64, st.mdns_dropped, "mdns-names-published", G_TYPE_UINT64,
      st.mdns_names_published, "mdns-answers-sent", G_TYPE_UINT64,
      st.mdns_answers_sent, "mdns-queries-ignored", G_TYPE_UINT64,
      st.mdns_queries_ignored, "mdns-answers-rate-limited", G_TYPE_UINT64,
      st.mdns_answers_rate_limited, "mdns-conflicts", G_TYPE_UINT64,
      st.mdns_conflicts, NULL);
  gst_structure_set (
      s, "tcp-connects", G_TYPE_UINT64, st.tcp_connects, "tcp-connect-failed",
      G_TYPE_UINT64, st.tcp_connect_failed, "tcp-accepts", G_TYPE_UINT64,
      st.tcp_accepts, "tcp-refused", G_TYPE_UINT64, st.tcp_refused,
      "tcp-closed-invalid", G_TYPE_UINT64, st.tcp_closed_invalid,
      "tcp-dropped-bytes", G_TYPE_UINT64, st.tcp_dropped_bytes, NULL);
  gst_structure_set (s, "network-changes", G_TYPE_UINT64, st.network_changes,
                     "addresses-lost", G_TYPE_UINT64, st.addresses_lost,
                     "network-restarts", G_TYPE_UINT64, st.network_restarts,
                     "netlink-dropped", G_TYPE_UINT64, st.netlink_dropped,
                     NULL);
  gst_structure_set (s, "consumer-reads", G_TYPE_UINT64, st.consumer_reads,
                     "reader-handovers", G_TYPE_UINT64, st.reader_handovers,
                     "gro-segments", G_TYPE_UINT64, st.gro_segments,
                     "gso-sends", G_TYPE_UINT64, st.gso_sends, "gso-fallbacks",
                     G_TYPE_UINT64, st.gso_fallbacks, "dropped-backlog",
                     G_TYPE_UINT64, st.backlog_dropped, NULL);
  gst_structure_set (s, "mux-unknown-dropped", G_TYPE_UINT64,
                     st.mux_unknown_dropped, NULL);
  for (i = 0; i < ICE_DROP_LAST; i++) {
    gchar *name = g_strdup_printf ("dropped-%s", ice_drop_reason_to_string (i));

    g_strdelimit (name, "_ ", '-');
    gst_structure_set (s, name, G_TYPE_UINT64, st.dropped[i], NULL);
    g_free (name);
  }
  add_remote_rejected (s, &st);
  return s;
}

static void
format_candidate (GString *out, const IceCandidate *cand)
{
  gchar buf[ICE_ADDR_STRLEN];

  g_string_append_printf (out, "%s %s (%s)",
                          ice_transport_to_string (cand->addr.transport),
                          ice_addr_to_string (&cand->addr, buf),
                          ice_candidate_type_to_string (cand->type));
}

/**
 * gst_ice_stats_selected_pair_string:
 *
 * Returns: (transfer full) (nullable): "UDP 192.0.2.7:4000 (host) <-> UDP
 *   192.0.2.9:5000 (host)", or %NULL while no pair is selected.
 */
gchar *
gst_ice_stats_selected_pair_string (IceAgent *agent, guint stream,
                                    guint component)
{
  IceCandidate local, remote;
  GString *out;

  if (agent == NULL
      || !ice_agent_get_selected_pair (agent, stream, component, &local,
                                       &remote))
    return NULL;
  out = g_string_new (NULL);
  format_candidate (out, &local);
  g_string_append (out, " <-> ");
  format_candidate (out, &remote);
  return g_string_free (out, FALSE);
}

/* Relay figures of the element's stream: how many relayed candidates we
 * gathered, and whether the selected pair goes through a TURN relay. */
static void
add_relay_stats (GstStructure *s, IceAgent *agent, guint stream,
                 guint component)
{
  IceCandidate local, remote;
  gchar *desc = agent ? ice_agent_get_local_description (agent, stream) : NULL;
  const gchar *p = desc;
  guint n_relay = 0;
  gboolean relayed = FALSE;

  while (p && (p = strstr (p, " typ relay")) != NULL) {
    n_relay++;
    p++;
  }
  g_free (desc);
  if (agent
      && ice_agent_get_selected_pair (agent, stream, component, &local,
                                      &remote))
    relayed = local.type == ICE_CANDIDATE_TYPE_RELAYED
              || remote.type == ICE_CANDIDATE_TYPE_RELAYED;
  gst_structure_set (s, "local-relay-candidates", G_TYPE_UINT, n_relay,
                     "selected-pair-relayed", G_TYPE_BOOLEAN, relayed, NULL);
}

/**
 * gst_ice_stats_get_property:
 * @agent: (nullable): the element's agent, %NULL before it has one
 *
 * Returns: %FALSE if @prop_id is not one of the read-only properties.
 */
gboolean
gst_ice_stats_get_property (IceAgent *agent, guint stream, guint component,
                            guint prop_id, GValue *value)
{
  switch (prop_id) {
    case GST_ICE_PROP_ICE_CONNECTION_STATE:
      g_value_set_enum (
          value, agent ? (gint)ice_agent_get_connection_state (agent, stream)
                       : GST_ICE_CONNECTION_STATE_NEW);
      break;
    case GST_ICE_PROP_ICE_GATHERING_STATE:
      g_value_set_enum (
          value, agent ? (gint)ice_agent_get_gathering_state (agent, stream)
                       : GST_ICE_GATHERING_STATE_NEW);
      break;
    case GST_ICE_PROP_SELECTED_PAIR:
      g_value_take_string (
          value, gst_ice_stats_selected_pair_string (agent, stream, component));
      break;
    case GST_ICE_PROP_STATS: {
      GstStructure *stats = gst_ice_stats_new_structure (agent);

      add_relay_stats (stats, agent, stream, component);
      gst_ice_pair_stats_add (stats, agent, stream, component);
      g_value_take_boxed (value, stats);
      break;
    }
    case GST_ICE_PROP_LOCAL_DESCRIPTION:
      g_value_take_string (
          value,
          agent ? ice_agent_get_local_description (agent, stream) : NULL);
      break;
    default:
      return FALSE;
  }
  return TRUE;
}
