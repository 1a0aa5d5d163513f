/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ICE restart of a stream (RFC 8445 §9): asked by the owner
 * (ice_session_restart(), or new local credentials once the first ones were
 * given out), by the peer (its new credentials) or by the session itself.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-relay-private.h"

#include <string.h>

/* Forgets what the peer's previous generation told us (RFC 8445 §9):
 * credentials, candidates, pairs, local prflx candidates; the routes in use
 * and their consent stay until new pairs are selected. Early checks are
 * kept: they may come from the peer's new generation. */
static void
forget_remote (IceSession *session, IceStream *stream, gint64 now_us)
{
  guint i, j;

  ice_checklist_free_pairs (session, stream);
  for (i = 0; i < stream->n_components; i++) {
    IceComponent *comp = &stream->components[i];

    g_array_set_size (comp->remote, 0);
    for (j = comp->local->len; j > 0; j--) {
      IceCandidate *c = &g_array_index (comp->local, IceCandidate, j - 1);

      if (c->type == ICE_CANDIDATE_TYPE_PEER_REFLEXIVE)
        g_array_remove_index (comp->local, j - 1);
    }
    comp->selected = NULL;
    comp->first_valid_us = -1;
    comp->nomination_sent = FALSE;
    comp->nomination_attempts = 0;
    comp->next_recheck_us = 0;
  }
  ice_session_forget_sources (session, stream);
  stream->have_remote_credentials = FALSE;
  stream->remote_ufrag[0] = stream->remote_pwd[0] = '\0';
  stream->remote_eoc = FALSE;
  stream->n_remote_prflx = 0;
  stream->pair_tried = FALSE;
  stream->start_us = -1;
  /* a restart waits for the peer anew */
  stream->wait_start_us = now_us;
  stream->last_progress_us = now_us;
  if (stream->state == ICE_CONNECTION_FAILED)
    ice_stream_set_state (stream, ICE_CONNECTION_CHECKING);
  else if (stream->state == ICE_CONNECTION_COMPLETED)
    ice_stream_set_state (stream, ICE_CONNECTION_CONNECTED);
}

/* @announce: tell the owner the new credentials (a restart it did not ask
 * for), before the candidates gathered anew. @ufrag, @pwd: the owner's new
 * credentials (already checked), or NULL to make them. */
void
ice_stream_restart (IceSession *session, IceStream *stream, gboolean announce,
                    const gchar *ufrag, const gchar *pwd, gint64 now_us)
{
  IceEvent *ev;

  /* The peer may keep using the old credentials on the pair in use until
   * it restarts too. */
  g_strlcpy (stream->old_ufrag, stream->local_ufrag,
             sizeof (stream->old_ufrag));
  g_strlcpy (stream->old_pwd, stream->local_pwd, sizeof (stream->old_pwd));
  if (ufrag != NULL) {
    g_strlcpy (stream->local_ufrag, ufrag, sizeof (stream->local_ufrag));
    g_strlcpy (stream->local_pwd, pwd, sizeof (stream->local_pwd));
  } else {
    ice_stream_generate_credentials (session, stream);
  }
  stream->local_from_owner = ufrag != NULL;
  forget_remote (session, stream, now_us);
  /* checks made with our old credentials must not be triggered */
  g_array_set_size (stream->early_checks, 0);
  if (announce) {
    ev = ice_session_new_event (session, ICE_EVENT_LOCAL_CREDENTIALS,
                                stream->id, 0);
    g_strlcpy (ev->u.credentials.ufrag, stream->local_ufrag,
               sizeof (ev->u.credentials.ufrag));
    g_strlcpy (ev->u.credentials.pwd, stream->local_pwd,
               sizeof (ev->u.credentials.pwd));
  }
  ice_gather_restart (session, stream, now_us);
}

/* A restart the session makes on its own (its TURN allocation was lost,
 * ice-relay-recover.c): announced like the answer to a peer's restart. */
void
ice_stream_restart_announced (IceSession *session, IceStream *stream,
                              gint64 now_us)
{
  ice_stream_restart (session, stream, TRUE, NULL, NULL, now_us);
  ice_session_update_states (session, now_us);
}

/**
 * ice_session_restart:
 * ICE restart (RFC 8445 §9) of every stream: new local credentials, the
 * remote side forgotten (the peer's new credentials and candidates must be
 * given again), gathering anew: LOCAL_CANDIDATE events for every candidate
 * and GATHERING_DONE follow, to be signalled with the new credentials.
 * The selected pairs keep their send routes and consent until new pairs
 * are selected.
 */
void
ice_session_restart (IceSession *session, gint64 now_us)
{
  guint i;

  g_return_if_fail (session != NULL);
  for (i = 0; i < session->streams->len; i++)
    ice_stream_restart (session, g_ptr_array_index (session->streams, i), FALSE,
                        NULL, NULL, now_us);
  ice_session_update_states (session, now_us);
}

/**
 * ice_session_set_local_credentials:
 * @restarted: (out) (optional): set to whether the stream restarted
 *
 * The first call overrides the credentials the session made (tests, or
 * an application's own). Once the owner has set some, other values are
 * its ICE restart (RFC 8445 §9, RFC 8839 §4.4.1.1.2: new a=ice-ufrag and
 * a=ice-pwd in a new offer): the stream restarts with them, without
 * %ICE_EVENT_LOCAL_CREDENTIALS. After a restart the session made (the
 * peer's, or its own), the next values replace the made ones without a
 * new restart: webrtcbin's answer to a restart offer brings them.
 * Returns: %FALSE (with a warning) unless @ufrag has 4-256 and @pwd 22-256
 *   ice-chars (RFC 8839 §5.4).
 */
gboolean
ice_session_set_local_credentials (IceSession *session, guint stream_id,
                                   const gchar *ufrag, const gchar *pwd,
                                   gint64 now_us, gboolean *restarted)
{
  IceStream *stream = ice_session_find_stream (session, stream_id);
  gboolean restart;

  if (restarted)
    *restarted = FALSE;
  g_return_val_if_fail (stream != NULL, FALSE);
  if (!ice_sdp_ufrag_is_valid (ufrag) || !ice_sdp_pwd_is_valid (pwd)) {
    g_warning ("local credentials refused: expected a ufrag of 4-256 and a "
               "pwd of 22-256 ice-chars");
    return FALSE;
  }
  restart = stream->local_from_owner
            && (strcmp (stream->local_ufrag, ufrag) != 0
                || strcmp (stream->local_pwd, pwd) != 0);
  if (restart) {
    g_debug ("stream %u: new local credentials, restarting", stream->id);
    ice_stream_restart (session, stream, FALSE, ufrag, pwd, now_us);
    ice_session_update_states (session, now_us);
  } else {
    g_strlcpy (stream->local_ufrag, ufrag, sizeof (stream->local_ufrag));
    g_strlcpy (stream->local_pwd, pwd, sizeof (stream->local_pwd));
  }
  stream->local_from_owner = TRUE;
  if (restarted)
    *restarted = restart;
  return TRUE;
}
