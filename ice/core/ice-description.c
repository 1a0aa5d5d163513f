/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A stream's description in RFC 8839 attribute lines, both ways.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-session-private.h"

/**
 * ice_session_get_local_description:
 * @session: the session
 * @stream_id: the stream
 *
 * Returns: (transfer full): credentials, "ice-options:trickle ice2", the
 *   ice-pacing if Ta is not the default, the candidates gathered so far
 *   (peer-reflexive ones are never signalled) and end-of-candidates once
 *   gathering is complete; free with g_free().
 */
gchar *
ice_session_get_local_description (IceSession *session, guint stream_id)
{
  return ice_session_get_local_description_full (session, stream_id, NULL,
                                                 NULL);
}

gchar *
ice_session_get_local_description_full (IceSession *session, guint stream_id,
                                        IceCandidateRewriteFunc rewrite,
                                        gpointer data)
{
  IceStream *stream = ice_session_find_stream (session, stream_id);
  IceSdpDescription *desc;
  gchar *text;
  guint i, j;

  g_return_val_if_fail (stream != NULL, NULL);

  desc = ice_sdp_description_new ();
  g_strlcpy (desc->ufrag, stream->local_ufrag, sizeof (desc->ufrag));
  g_strlcpy (desc->pwd, stream->local_pwd, sizeof (desc->pwd));
  desc->trickle = TRUE;
  desc->ice2 = TRUE;
  desc->ice_lite = session->config.ice_lite; /* RFC 8839 §5.3 */
  if (session->config.ta_us > 0 && session->config.ta_us != ICE_DEFAULT_TA_US)
    desc->pacing_ms = session->config.ta_us / G_TIME_SPAN_MILLISECOND;
  for (i = 0; i < stream->n_components; i++) {
    IceComponent *comp = &stream->components[i];

    for (j = 0; j < comp->local->len; j++) {
      IceCandidate *c = &g_array_index (comp->local, IceCandidate, j);

      if (c->type == ICE_CANDIDATE_TYPE_PEER_REFLEXIVE)
        continue;
      g_array_append_val (desc->candidates, *c);
      if (rewrite != NULL)
        rewrite (&g_array_index (desc->candidates, IceCandidate,
                                 desc->candidates->len - 1),
                 data);
    }
  }
  desc->end_of_candidates = stream->gathering == ICE_GATHERING_COMPLETE;
  text = ice_sdp_description_to_string (desc);
  ice_sdp_description_free (desc);
  return text;
}

/* Counts what the parser refused, once per description. */
static void
note_parse_rejections (IceSession *session, const IceSdpDescription *desc)
{
  guint r;

  for (r = ICE_REMOTE_OK + 1; r < ICE_REMOTE_LAST; r++)
    session->stats.remote_rejected[r] += desc->rejected[r];
}

/* Candidate @i of @desc; a refusal joins the parser's in @desc->errors,
 * with the line number when the parser recorded it. */
static gboolean
add_description_candidate (IceSession *session, IceSdpDescription *desc,
                           guint stream_id, guint i, gint64 now_us)
{
  IceCandidate cand = g_array_index (desc->candidates, IceCandidate, i);
  GError *error = NULL;
  IceRemoteResult result;
  gchar *message;

  cand.stream_id = stream_id;
  result = ice_session_add_remote_candidate_with_result (session, &cand, now_us,
                                                         &error);
  if (result == ICE_REMOTE_OK)
    return TRUE;
  if (i < desc->candidate_lines->len)
    message = g_strdup_printf ("line %u: %s",
                               g_array_index (desc->candidate_lines, guint, i),
                               error->message);
  else
    message = g_strdup_printf ("candidate %u: %s", i + 1, error->message);
  ice_sdp_description_add_error (desc, result, message);
  g_error_free (error);
  return FALSE;
}

/**
 * ice_session_set_remote_description:
 * @session: the session
 * @stream_id: the stream the description is for
 * @desc: the peer's description from ice_sdp_parse() or
 *   ice_sdp_description_new() (options, credentials, candidates,
 *   end-of-candidates are applied in that order); the candidates the
 *   session refuses are added to its errors (ice_sdp_description_add_error())
 * @now_us: the current time
 *
 * Returns: the number of candidates added.
 */
guint
ice_session_set_remote_description (IceSession *session, guint stream_id,
                                    IceSdpDescription *desc, gint64 now_us)
{
  IceStream *stream = ice_session_find_stream (session, stream_id);
  guint i, added = 0;

  g_return_val_if_fail (stream != NULL, 0);
  g_return_val_if_fail (desc != NULL, 0);

  note_parse_rejections (session, desc);
  ice_session_set_remote_options (session, stream_id, desc->ice_lite,
                                  desc->ice2, desc->pacing_ms);
  if (desc->ufrag[0] != '\0' && desc->pwd[0] != '\0')
    ice_session_set_remote_credentials (session, stream_id, desc->ufrag,
                                        desc->pwd, now_us);
  for (i = 0; desc->candidates != NULL && i < desc->candidates->len; i++) {
    if (add_description_candidate (session, desc, stream_id, i, now_us))
      added++;
  }
  if (desc->end_of_candidates)
    ice_session_end_of_remote_candidates (session, stream_id, now_us);
  return added;
}
