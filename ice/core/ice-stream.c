/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Streams and components of a session: credentials, the peer's options and
 * candidates (trickle, RFC 8838), send routes; the restart is in
 * ice-stream-restart.c.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-relay-private.h"

#include <string.h>

/* RFC 8445 §5.3, RFC 8839 §5.4: ufrag and pwd are ice-chars */
static const gchar ice_chars[]
    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
random_ice_string (IceSession *session, gchar *out, gsize len)
{
  guint8 bytes[ICE_CREDENTIAL_MAX];
  gsize i;

  ice_session_random_bytes (session, bytes, len);
  for (i = 0; i < len; i++)
    out[i] = ice_chars[bytes[i] & 63];
  out[len] = '\0';
}

void
ice_stream_generate_credentials (IceSession *session, IceStream *stream)
{
  /* 48 bits of ufrag and 144 bits of pwd, above RFC 8445 §5.3's 24/128 */
  random_ice_string (session, stream->local_ufrag, ICE_UFRAG_LEN);
  random_ice_string (session, stream->local_pwd, ICE_PWD_LEN);
}

IceComponent *
ice_stream_get_component (IceStream *stream, guint component_id)
{
  if (stream == NULL || component_id < 1 || component_id > stream->n_components)
    return NULL;
  return &stream->components[component_id - 1];
}

void
ice_stream_free (IceStream *stream)
{
  guint i;

  ice_checklist_free_pairs (stream->session, stream);
  g_ptr_array_free (stream->pairs, TRUE);
  for (i = 0; i < stream->n_components; i++) {
    g_array_free (stream->components[i].local, TRUE);
    g_array_free (stream->components[i].remote, TRUE);
  }
  g_free (stream->components);
  g_array_free (stream->early_checks, TRUE);
  g_free (stream);
}

/**
 * ice_session_add_stream:
 * @session: the session
 * @n_components: 1 to 256
 *
 * Returns: the new stream's id (0, 1, 2, ...), with fresh credentials.
 */
guint
ice_session_add_stream (IceSession *session, guint n_components)
{
  IceStream *stream;
  guint i;

  g_return_val_if_fail (session != NULL, 0);
  g_return_val_if_fail (n_components >= 1 && n_components <= 256, 0);

  stream = g_new0 (IceStream, 1);
  stream->session = session;
  stream->id = session->streams->len;
  stream->n_components = n_components;
  stream->components = g_new0 (IceComponent, n_components);
  for (i = 0; i < n_components; i++) {
    IceComponent *comp = &stream->components[i];

    comp->id = i + 1;
    comp->local = g_array_new (FALSE, TRUE, sizeof (IceCandidate));
    comp->remote = g_array_new (FALSE, TRUE, sizeof (IceCandidate));
    comp->first_valid_us = -1;
  }
  stream->pairs = g_ptr_array_new ();
  stream->early_checks = g_array_new (FALSE, TRUE, sizeof (IceEarlyCheck));
  stream->start_us = -1;
  stream->wait_start_us = -1;
  ice_stream_generate_credentials (session, stream);
  g_ptr_array_add (session->streams, stream);
  return stream->id;
}

/**
 * ice_session_get_local_credentials:
 * @ufrag: (out) (transfer none): valid until the next restart
 * @pwd: (out) (transfer none): valid until the next restart
 */
void
ice_session_get_local_credentials (IceSession *session, guint stream_id,
                                   const gchar **ufrag, const gchar **pwd)
{
  IceStream *stream = ice_session_find_stream (session, stream_id);

  g_return_if_fail (stream != NULL);
  if (ufrag)
    *ufrag = stream->local_ufrag;
  if (pwd)
    *pwd = stream->local_pwd;
}

/**
 * ice_session_set_remote_credentials:
 * Starts the checks of the stream (and answers checks that arrived early,
 * RFC 8445 §7.3). Credentials that differ from the peer's previous ones
 * are its ICE restart: the stream restarts too and emits
 * %ICE_EVENT_LOCAL_CREDENTIALS (see ice_session_restart() in the header).
 * Returns: %FALSE for invalid credentials (the peer's input: counted as
 *   %ICE_REMOTE_BAD_CREDENTIALS, no warning).
 */
gboolean
ice_session_set_remote_credentials (IceSession *session, guint stream_id,
                                    const gchar *ufrag, const gchar *pwd,
                                    gint64 now_us)
{
  IceStream *stream = ice_session_find_stream (session, stream_id);

  g_return_val_if_fail (stream != NULL, FALSE);
  if (ufrag == NULL || pwd == NULL || !ice_sdp_ufrag_is_valid (ufrag)
      || !ice_sdp_pwd_is_valid (pwd)) {
    g_debug ("stream %u: remote credentials refused: expected a ufrag of "
             "4-256 and a pwd of 22-256 ice-chars",
             stream_id);
    ice_session_note_remote_rejected (session, ICE_REMOTE_BAD_CREDENTIALS);
    return FALSE;
  }
  if (stream->have_remote_credentials
      && strcmp (stream->remote_ufrag, ufrag) == 0
      && strcmp (stream->remote_pwd, pwd) == 0)
    return TRUE;
  if (stream->have_remote_credentials) {
    /* New credentials: the peer restarted (RFC 8445 §9); the answerer of a
     * restart restarts too (RFC 8839 §4.4.1.1.2) */
    g_debug ("stream %u: the peer restarted, restarting too", stream->id);
    ice_stream_restart (session, stream, TRUE, NULL, NULL, now_us);
  }
  g_strlcpy (stream->remote_ufrag, ufrag, sizeof (stream->remote_ufrag));
  g_strlcpy (stream->remote_pwd, pwd, sizeof (stream->remote_pwd));
  stream->have_remote_credentials = TRUE;
  if (stream->start_us < 0)
    stream->start_us = now_us;
  ice_stream_note_wait_start (stream, now_us);
  ice_stream_note_progress (stream, now_us);
  ice_check_process_early (stream, now_us);
  ice_checklist_update_frozen (session);
  ice_session_update_states (session, now_us);
  return TRUE;
}

/**
 * ice_session_set_remote_options:
 * @ice_lite: the peer is a lite agent: we become controlling (§6.1.1)
 * @ice2: the peer announced ice2 (RFC 8445 §10)
 * @pacing_ms: the peer's a=ice-pacing, 0 if absent; the larger Ta wins
 */
void
ice_session_set_remote_options (IceSession *session, guint stream_id,
                                gboolean ice_lite, gboolean ice2,
                                guint pacing_ms)
{
  IceStream *stream = ice_session_find_stream (session, stream_id);

  g_return_if_fail (stream != NULL);
  stream->remote_lite = ice_lite;
  stream->remote_ice2 = ice2;
  stream->remote_pacing_ms = pacing_ms;
  /* RFC 8445 §6.1.1: against a lite peer the full agent controls; of
   * two lite agents the initiator does (the configured role) */
  if (session->config.ice_lite) {
    if (ice_lite)
      ice_session_switch_role (session, session->config.role);
  } else if (ice_lite && session->role != ICE_ROLE_CONTROLLING)
    ice_session_switch_role (session, ICE_ROLE_CONTROLLING);
}

/**
 * ice_role_to_string:
 * Returns: "controlling" or "controlled"
 */
const gchar *
ice_role_to_string (IceRole role)
{
  return role == ICE_ROLE_CONTROLLING ? "controlling" : "controlled";
}

/**
 * ice_session_get_role:
 * Returns: the current role, which a role conflict (RFC 8445 §7.3.1.1) or
 *   an ice-lite peer may have changed (ICE_EVENT_ROLE_CHANGED)
 */
IceRole
ice_session_get_role (IceSession *session)
{
  g_return_val_if_fail (session != NULL, ICE_ROLE_CONTROLLING);
  return session->role;
}

/**
 * ice_session_set_role:
 * Changes the role; pair priorities are recomputed (RFC 8445 §6.1.2.3).
 */
void
ice_session_set_role (IceSession *session, IceRole role)
{
  g_return_if_fail (session != NULL);
  if (session->config.ice_lite)
    role = ice_lite_filter_role (session, role);
  if (session->role == role)
    return;
  g_debug ("role %s → %s", ice_role_to_string (session->role),
           ice_role_to_string (role));
  session->role = role;
  ice_checklist_recompute_priorities (session);
}

/* --- remote candidates (trickle) ----------------------------------------- */

IceCandidate *
ice_component_find_remote (IceComponent *comp, const IceTransportAddr *addr)
{
  guint i;

  for (i = 0; i < comp->remote->len; i++) {
    IceCandidate *c = &g_array_index (comp->remote, IceCandidate, i);

    if (ice_addr_equal (&c->addr, addr))
      return c;
  }
  return NULL;
}

/* RFC 8838 §11: a signalled candidate that we already learnt as peer
 * reflexive replaces it: the pairs keep their state, take its priority. */
static void
replace_prflx (IceStream *stream, IceCandidate *known, const IceCandidate *cand)
{
  IceComponent *comp = ice_stream_get_component (stream, cand->component_id);
  IceEvent *ev;
  guint i;

  if (known->type == ICE_CANDIDATE_TYPE_PEER_REFLEXIVE
      && stream->n_remote_prflx > 0)
    stream->n_remote_prflx--;
  *known = *cand;
  /* the pair in use is the same path: it now names the signalled one, and
   * the application hears of the new description (not a new path) */
  if (comp->has_selection
      && ice_addr_equal (&comp->selected_remote.addr, &cand->addr)) {
    comp->selected_remote = *cand;
    ev = ice_session_new_event (stream->session, ICE_EVENT_SELECTED_PAIR,
                                stream->id, comp->id);
    ev->u.pair.local = comp->selected_local;
    ev->u.pair.remote = *cand;
    ev->u.pair.renamed = TRUE;
  }
  for (i = 0; i < stream->pairs->len; i++) {
    IcePair *pair = g_ptr_array_index (stream->pairs, i);

    if (pair->component_id == cand->component_id
        && ice_addr_equal (&pair->remote.addr, &cand->addr))
      pair->remote = *cand;
  }
  ice_checklist_recompute_priorities (stream->session);
}

void
ice_session_note_remote_rejected (IceSession *session, IceRemoteResult result)
{
  g_return_if_fail (session != NULL);
  g_return_if_fail (result > ICE_REMOTE_OK && result < ICE_REMOTE_LAST);
  session->stats.remote_rejected[result]++;
}

static IceRemoteResult refuse_candidate (IceSession *session,
                                         IceRemoteResult result, GError **error,
                                         const gchar *format, ...)
    G_GNUC_PRINTF (4, 5);

/* The peer's candidate is untrusted input: a counter and a message that
 * says what was expected, never a warning (RFC 8445 §5.1.1: it must be a
 * transport address the peer can receive on). */
static IceRemoteResult
refuse_candidate (IceSession *session, IceRemoteResult result, GError **error,
                  const gchar *format, ...)
{
  va_list args;
  gchar *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_debug ("remote candidate refused (%s): %s",
           ice_remote_result_to_string (result), message);
  ice_session_note_remote_rejected (session, result);
  g_set_error_literal (error, ICE_REMOTE_ERROR, result, message);
  g_free (message);
  return result;
}

static IceRemoteResult
check_remote_candidate (IceSession *session, const IceCandidate *cand,
                        GError **error)
{
  IceStream *stream = ice_session_find_stream (session, cand->stream_id);

  if (stream == NULL)
    return refuse_candidate (session, ICE_REMOTE_UNKNOWN_STREAM, error,
                             "one of the %u streams expected, got stream %u",
                             session->streams->len, cand->stream_id);
  if (ice_stream_get_component (stream, cand->component_id) == NULL)
    return refuse_candidate (
        session, ICE_REMOTE_UNKNOWN_COMPONENT, error,
        "component 1..%u of stream %u expected, got %u (with rtcp-mux "
        "RTCP shares component 1)",
        stream->n_components, stream->id, cand->component_id);
  if (!ice_addr_is_set (&cand->addr))
    return refuse_candidate (
        session, ICE_REMOTE_UNRESOLVED, error,
        "an IP address expected, got the name '%s' (names are not resolved)",
        cand->hostname);
  if (!ice_candidate_addr_is_unicast (&cand->addr))
    return refuse_candidate (session, ICE_REMOTE_NOT_UNICAST, error,
                             "a unicast address expected (not multicast, "
                             "broadcast or unspecified)");
  return ICE_REMOTE_OK;
}

/**
 * ice_session_add_remote_candidate:
 * @cand: a candidate of the peer; @cand->stream_id names the stream
 *
 * Pairs the candidate into the running checklist. Returns: %FALSE for an
 * unknown stream or component, or a candidate without a unicast address
 * (see ice_session_add_remote_candidate_with_result()).
 */
gboolean
ice_session_add_remote_candidate (IceSession *session, const IceCandidate *cand,
                                  gint64 now_us)
{
  return ice_session_add_remote_candidate_with_result (session, cand, now_us,
                                                       NULL)
         == ICE_REMOTE_OK;
}

/**
 * ice_session_add_remote_candidate_with_result:
 * @error: (optional): what was expected, if the candidate is refused
 *
 * Returns: %ICE_REMOTE_OK, or why the candidate was refused (counted).
 */
IceRemoteResult
ice_session_add_remote_candidate_with_result (IceSession *session,
                                              const IceCandidate *cand,
                                              gint64 now_us, GError **error)
{
  IceStream *stream;
  IceComponent *comp;
  IceCandidate *known;
  IceRemoteResult result;

  g_return_val_if_fail (session != NULL && cand != NULL, ICE_REMOTE_MALFORMED);
  result = check_remote_candidate (session, cand, error);
  if (result != ICE_REMOTE_OK)
    return result;
  stream = ice_session_find_stream (session, cand->stream_id);
  comp = ice_stream_get_component (stream, cand->component_id);
  known = ice_component_find_remote (comp, &cand->addr);
  if (known != NULL) {
    if (known->type == ICE_CANDIDATE_TYPE_PEER_REFLEXIVE
        && cand->type != ICE_CANDIDATE_TYPE_PEER_REFLEXIVE)
      replace_prflx (stream, known, cand);
    return ICE_REMOTE_OK;
  }
  g_array_append_val (comp->remote, *cand);
  ice_checklist_pair_remote (stream, cand);
  ice_checklist_update_frozen (session);
  ice_stream_note_wait_start (stream, now_us);
  ice_stream_note_progress (stream, now_us);
  ice_session_update_states (session, now_us);
  return ICE_REMOTE_OK;
}

/**
 * ice_session_end_of_remote_candidates:
 * The peer will send no more candidates (RFC 8838 §13): once every pair
 * failed the stream may fail.
 */
void
ice_session_end_of_remote_candidates (IceSession *session, guint stream_id,
                                      gint64 now_us)
{
  IceStream *stream = ice_session_find_stream (session, stream_id);

  g_return_if_fail (stream != NULL);
  stream->remote_eoc = TRUE;
  ice_session_update_states (session, now_us);
}

/* --- sending media
 * ------------------------------------------------------------ */

/**
 * ice_session_get_send_route:
 * @route: (out caller-allocates): the route; @route->ok is %FALSE while no
 *   pair is selected or after consent was lost
 */
void
ice_session_get_send_route (IceSession *session, guint stream_id,
                            guint component_id, IceSendRoute *route)
{
  IceComponent *comp;

  g_return_if_fail (session != NULL && route != NULL);
  memset (route, 0, sizeof (*route));
  comp = ice_stream_get_component (ice_session_find_stream (session, stream_id),
                                   component_id);
  if (comp != NULL)
    *route = comp->route;
  /* a relayed pair goes through its TURN server (ice-relay-data.c) */
  ice_relay_translate_route (session, route);
}

/**
 * ice_session_note_sent:
 * Media left on the selected pair at @now_us: no keepalive is needed for
 * Tr (RFC 8445 §11).
 */
void
ice_session_note_sent (IceSession *session, guint stream_id, guint component_id,
                       gint64 now_us)
{
  IceComponent *comp;

  g_return_if_fail (session != NULL);
  comp = ice_stream_get_component (ice_session_find_stream (session, stream_id),
                                   component_id);
  if (comp != NULL)
    comp->consent.last_sent_us = now_us;
}

/**
 * ice_session_get_selected_pair:
 * @local: (out caller-allocates) (optional): the local candidate
 * @remote: (out caller-allocates) (optional): the remote candidate
 *
 * Returns: %TRUE if a pair is selected for the component.
 */
gboolean
ice_session_get_selected_pair (IceSession *session, guint stream_id,
                               guint component_id, IceCandidate *local,
                               IceCandidate *remote)
{
  IceComponent *comp;

  g_return_val_if_fail (session != NULL, FALSE);
  comp = ice_stream_get_component (ice_session_find_stream (session, stream_id),
                                   component_id);
  if (comp == NULL || !comp->has_selection)
    return FALSE;
  if (local)
    *local = comp->selected_local;
  if (remote)
    *remote = comp->selected_remote;
  return TRUE;
}
