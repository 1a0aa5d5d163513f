/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The owner's calls fuzz-session makes between datagrams: trickled
 * candidates, descriptions, restarts, credentials, roles, queries.
 */
#include "fuzz-session.h"

#include "ice/core/ice-sdp.h"

#include <string.h>

/* A remote candidate from a text line; its component is made valid. */
static void
add_candidate (SessionFuzz *f, const guint8 *payload, gsize len)
{
  gchar *line = g_strndup ((const gchar *)payload, len);
  IceCandidate cand;

  if (ice_sdp_parse_candidate (line, &cand, NULL)) {
    cand.component_id = (cand.component_id - 1) % f->n_components + 1;
    ice_session_add_remote_candidate (f->session, &cand, f->now);
  }
  g_free (line);
}

static void
apply_description (SessionFuzz *f, const guint8 *payload, gsize len)
{
  IceSdpDescription *desc = ice_sdp_parse ((const gchar *)payload, len);
  guint i;

  for (i = 0; i < desc->candidates->len; i++) {
    IceCandidate *c = &g_array_index (desc->candidates, IceCandidate, i);

    c->component_id = (c->component_id - 1) % f->n_components + 1;
  }
  ice_session_set_remote_description (f->session, 0, desc, f->now);
  ice_sdp_description_free (desc);
}

static void
query (SessionFuzz *f, guint component_id)
{
  IceCandidate local, remote;
  IceSessionStats stats;
  IceSendRoute route;
  gchar *text;

  ice_session_get_send_route (f->session, 0, component_id, &route);
  if (route.ok)
    ice_session_note_sent (f->session, 0, component_id, f->now);
  ice_session_get_selected_pair (f->session, 0, component_id, &local, &remote);
  ice_session_get_connection_state (f->session, ICE_SESSION_ALL_STREAMS);
  ice_session_get_gathering_state (f->session, 0);
  ice_session_get_stats (f->session, &stats);
  text = ice_session_get_local_description (f->session, 0);
  g_free (text);
}

void
fuzz_session_act (SessionFuzz *f, const guint8 *payload, gsize len)
{
  gboolean other;

  if (len < 2)
    return;
  other = payload[1] & 1;
  switch (payload[0] % 9) {
    case 0:
      add_candidate (f, payload + 2, len - 2);
      break;
    case 1:
      ice_session_end_of_remote_candidates (f->session, 0, f->now);
      break;
    case 2:
      ice_session_restart (f->session, f->now);
      break;
    case 3:
      ice_session_set_remote_credentials (
          f->session, 0, other ? OTHER_UFRAG : REMOTE_UFRAG,
          other ? OTHER_PWD : REMOTE_PWD, f->now);
      break;
    case 4:
      ice_session_set_role (f->session,
                            other ? ICE_ROLE_CONTROLLED : ICE_ROLE_CONTROLLING);
      break;
    case 5:
      query (f, payload[1] % f->n_components + 1);
      break;
    case 6:
      ice_session_set_remote_options (f->session, 0, payload[1] & 1,
                                      payload[1] & 2, payload[1] >> 2);
      break;
    case 7:
      apply_description (f, payload + 2, len - 2);
      break;
    default:
      ice_session_set_local_credentials (f->session, 0, LOCAL_UFRAG, LOCAL_PWD,
                                         f->now, NULL);
      break;
  }
}
