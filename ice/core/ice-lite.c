/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The local ICE-lite agent (RFC 8445 §2.5, config ice_lite): what it does
 * instead of checking. It answers the full agent's checks (ice-check.c)
 * and, when one carries USE-CANDIDATE, takes that pair as valid,
 * nominated and selected (§7.3.1.5); only then is media from the pair's
 * remote address accepted. Its role is controlled whatever the app sets,
 * unless the peer is lite too (§6.1.1: then the initiator controls).
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-session-private.h"

static gboolean
has_lite_peer (IceSession *session)
{
  guint i;

  for (i = 0; i < session->streams->len; i++)
    if (((IceStream *)g_ptr_array_index (session->streams, i))->remote_lite)
      return TRUE;
  return FALSE;
}

/* The role the app asks for, remembered for a lite peer; a lite agent
 * facing a full one stays controlled. Returns the role to take. */
IceRole
ice_lite_filter_role (IceSession *session, IceRole role)
{
  session->config.role = role;
  if (role == ICE_ROLE_CONTROLLING && !has_lite_peer (session)) {
    g_debug ("lite agent: stays controlled (RFC 8445 §6.1.1)");
    return ICE_ROLE_CONTROLLED;
  }
  return role;
}

/* An authenticated check on @pair, answered. Without USE-CANDIDATE it
 * changes nothing: a lite agent keeps no checklist of its own. */
void
ice_lite_handle_check (IceStream *stream, IcePair *pair, gboolean use_candidate,
                       gint64 now_us)
{
  IceSession *session = stream->session;
  IceComponent *comp = ice_stream_get_component (stream, pair->component_id);

  if (!use_candidate || session->role != ICE_ROLE_CONTROLLED)
    return;
  if (!pair->valid)
    ice_stream_note_progress (stream, now_us);
  ice_pair_set_state (pair, ICE_PAIR_SUCCEEDED);
  pair->valid = TRUE;
  pair->nominated = TRUE;
  pair->valid_pair = pair;
  if (comp->first_valid_us < 0)
    comp->first_valid_us = now_us;
  ice_session_authenticate_source (session, &pair->local.base,
                                   &pair->remote.addr, stream->id,
                                   pair->component_id);
  ice_checklist_update_selection (stream, pair->component_id, now_us);
}
