/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * webrtc-pair-stats: reading webrtcbin's get-stats report.
 */
#include "webrtc-pair-session.h"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

GstStructure *
webrtc_pair_get_stats (WebrtcPair *pair, WebrtcPairSide side)
{
  GstPromise *promise = gst_promise_new ();
  GstStructure *stats = NULL;

  g_signal_emit_by_name (webrtc_pair_get_webrtcbin (pair, side), "get-stats",
                         NULL, promise);
  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED
      && gst_promise_get_reply (promise))
    stats = gst_structure_copy (gst_promise_get_reply (promise));
  gst_promise_unref (promise);
  return stats;
}

/* The entry @id of a stats report, or NULL. (transfer full) */
static GstStructure *
stats_entry (const GstStructure *stats, const gchar *id)
{
  GstStructure *entry = NULL;

  if (id)
    gst_structure_get (stats, id, GST_TYPE_STRUCTURE, &entry, NULL);
  return entry;
}

static GstWebRTCStatsType
stats_type (const GstStructure *entry)
{
  GstWebRTCStatsType type = 0;

  gst_structure_get (entry, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, NULL);
  return type;
}

/* "host 127.0.0.1:50000 [remote-candidate]": the entry's stats type is
 * printed too, since it need not match the id that led to it. */
static void
append_candidate (GString *out, const GstStructure *stats, const gchar *id)
{
  GstStructure *cand = stats_entry (stats, id);
  guint port = 0;

  if (!cand) {
    g_string_append_printf (out, "(no entry %s)", id ? id : "(null)");
    return;
  }
  gst_structure_get_uint (cand, "port", &port);
  g_string_append_printf (
      out, "%s %s:%u [%s]", gst_structure_get_string (cand, "candidate-type"),
      gst_structure_get_string (cand, "address"), port,
      webrtc_pair_enum_nick (GST_TYPE_WEBRTC_STATS_TYPE, stats_type (cand)));
  gst_structure_free (cand);
}

typedef struct {
  const GstStructure *stats;
  GString *out;
  guint64 packets;
} StatsWalk;

static gboolean
describe_pair_entry (GQuark field, const GValue *value, gpointer user_data)
{
  StatsWalk *walk = user_data;
  const GstStructure *entry;

  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;
  entry = gst_value_get_structure (value);
  if (stats_type (entry) != GST_WEBRTC_STATS_CANDIDATE_PAIR)
    return TRUE;
  g_string_append (walk->out, "local ");
  append_candidate (walk->out, walk->stats,
                    gst_structure_get_string (entry, "local-candidate-id"));
  g_string_append (walk->out, " <-> remote ");
  append_candidate (walk->out, walk->stats,
                    gst_structure_get_string (entry, "remote-candidate-id"));
  return FALSE; /* one transport (max-bundle): one pair */
}

gchar *
webrtc_pair_describe_selected (const GstStructure *stats)
{
  StatsWalk walk = { stats, g_string_new (NULL), 0 };

  gst_structure_foreach (stats, describe_pair_entry, &walk);
  if (walk.out->len == 0) {
    g_string_free (walk.out, TRUE);
    return NULL;
  }
  return g_string_free (walk.out, FALSE);
}

static gboolean
sum_inbound_packets (GQuark field, const GValue *value, gpointer user_data)
{
  StatsWalk *walk = user_data;
  const GstStructure *entry;
  guint64 packets = 0;

  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;
  entry = gst_value_get_structure (value);
  if (stats_type (entry) == GST_WEBRTC_STATS_INBOUND_RTP
      && gst_structure_get_uint64 (entry, "packets-received", &packets))
    walk->packets += packets;
  return TRUE;
}

guint64
webrtc_pair_packets_received (const GstStructure *stats)
{
  StatsWalk walk = { stats, NULL, 0 };

  gst_structure_foreach (stats, sum_inbound_packets, &walk);
  return walk.packets;
}
