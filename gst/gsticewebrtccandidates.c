/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GstWebRTCICECandidateStats from the IceAgent: what libnice's backend
 * reports (address, port, type, protocol, priority; for our own srflx and
 * relay candidates the server's URI and how the relay is reached).
 * webrtcbin frees them with gst_webrtc_ice_candidate_stats_free(), which
 * frees @ipaddr and @url only: the other strings are static.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticewebrtccandidates.h"

#include <string.h>

static const gchar *
relay_protocol_literal (const gchar *p)
{
  if (g_strcmp0 (p, "udp") == 0)
    return "udp";
  if (g_strcmp0 (p, "tcp") == 0)
    return "tcp";
  if (g_strcmp0 (p, "tls") == 0)
    return "tls";
  return NULL;
}

/* The address without an IPv6 zone ("fe80::1%3"), as libnice reports it:
 * webrtcbin makes it part of a GstStructure name, where '%' is invalid
 * (a g_critical in get-stats). */
static gchar *
address_without_zone (const IceTransportAddr *addr)
{
  gchar ip[ICE_ADDR_STRLEN];
  gchar *percent;

  ice_addr_ip_to_string (addr, ip);
  percent = strchr (ip, '%');
  if (percent != NULL)
    *percent = '\0';
  return g_strdup (ip);
}

static GstWebRTCICECandidateStats *
stats_from_candidate (const IceCandidate *c, guint stream_id,
                      const IceAgentCandidateStats *extra)
{
  GstWebRTCICECandidateStats *s = g_new0 (GstWebRTCICECandidateStats, 1);

  s->ipaddr = address_without_zone (&c->addr);
  s->port = c->addr.port;
  s->stream_id = stream_id;
  /* ice_candidate_type_to_string () returns literals */
  s->type = ice_candidate_type_to_string (c->type);
  s->proto = c->addr.transport == ICE_TRANSPORT_UDP ? "udp" : "tcp";
  s->prio = c->priority;
  if (extra != NULL && extra->is_local) {
    s->relay_proto = relay_protocol_literal (extra->relay_protocol);
    s->url = g_strdup (extra->url);
  }
  return s;
}

static GArray *
component_candidates (IceAgent *agent, GstWebRTCICEStream *stream)
{
  return ice_agent_get_candidate_stats (agent, stream->stream_id);
}

/**
 * gst_ice_webrtc_candidates_list:
 * Returns: (transfer full): a %NULL-terminated array of our (@local) or
 *   the peer's candidates of the stream's component 1
 */
GstWebRTCICECandidateStats **
gst_ice_webrtc_candidates_list (IceAgent *agent, GstWebRTCICEStream *stream,
                                gboolean local)
{
  GArray *all = component_candidates (agent, stream);
  GPtrArray *out = g_ptr_array_new ();
  guint i;

  for (i = 0; i < all->len; i++) {
    const IceAgentCandidateStats *cs
        = &g_array_index (all, IceAgentCandidateStats, i);

    if (cs->candidate.component_id == 1 && !cs->is_local == !local)
      g_ptr_array_add (
          out, stats_from_candidate (&cs->candidate, stream->stream_id, cs));
  }
  g_array_unref (all);
  g_ptr_array_add (out, NULL);
  return (GstWebRTCICECandidateStats **)g_ptr_array_free (out, FALSE);
}

/* The statistics entry of @c (for the URI of a local candidate). */
static const IceAgentCandidateStats *
find_entry (GArray *all, const IceCandidate *c, gboolean local)
{
  guint i;

  for (i = 0; i < all->len; i++) {
    const IceAgentCandidateStats *cs
        = &g_array_index (all, IceAgentCandidateStats, i);

    if (!cs->is_local == !local && cs->candidate.type == c->type
        && cs->candidate.component_id == c->component_id
        && ice_addr_equal (&cs->candidate.addr, &c->addr))
      return cs;
  }
  return NULL;
}

/**
 * gst_ice_webrtc_candidates_selected:
 * @local: (out) (transfer full): our end of the selected pair
 * @remote: (out) (transfer full): the peer's end
 *
 * Returns: %FALSE (outputs untouched) if component 1 has no pair yet.
 */
gboolean
gst_ice_webrtc_candidates_selected (IceAgent *agent, GstWebRTCICEStream *stream,
                                    GstWebRTCICECandidateStats **local,
                                    GstWebRTCICECandidateStats **remote)
{
  IceCandidate l, r;
  GArray *all;

  if (!ice_agent_get_selected_pair (agent, stream->stream_id, 1, &l, &r))
    return FALSE;
  all = component_candidates (agent, stream);
  *local = stats_from_candidate (&l, stream->stream_id,
                                 find_entry (all, &l, TRUE));
  *remote = stats_from_candidate (&r, stream->stream_id, NULL);
  g_array_unref (all);
  return TRUE;
}
