/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Connection states of streams and of the session (one setter per machine
 * that logs every transition), and when a stream fails: after the peer's
 * end-of-candidates once nothing can succeed any more (RFC 8838 §8), or
 * failure_timeout_us after the last progress for peers that never send it
 * (browsers), never before the RFC 8863 PAC timer when no pair was tried;
 * without the peer's credentials, the PAC time after gathering began.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-session-private.h"

/**
 * ice_connection_state_to_string:
 * Returns: a static lower-case name ("new", "checking", ...)
 */
const gchar *
ice_connection_state_to_string (IceConnectionState state)
{
  static const gchar *const names[] = {
    "new",          "checking", "connected", "completed",
    "disconnected", "failed",   "closed",
  };

  if ((guint)state >= G_N_ELEMENTS (names))
    return "unknown";
  return names[state];
}

/**
 * ice_gathering_state_to_string:
 * Returns: "new", "gathering" or "complete"
 */
const gchar *
ice_gathering_state_to_string (IceGatheringState state)
{
  static const gchar *const names[] = { "new", "gathering", "complete" };

  if ((guint)state >= G_N_ELEMENTS (names))
    return "unknown";
  return names[state];
}

void
ice_stream_set_state (IceStream *stream, IceConnectionState state)
{
  IceEvent *ev;

  if (stream->state == state)
    return;
  g_debug ("stream %u: %s → %s", stream->id,
           ice_connection_state_to_string (stream->state),
           ice_connection_state_to_string (state));
  ev = ice_session_new_event (stream->session, ICE_EVENT_CONNECTION_STATE,
                              stream->id, 0);
  ev->u.state.old_state = stream->state;
  ev->u.state.state = state;
  stream->state = state;
}

static void
session_set_state (IceSession *session, IceConnectionState state)
{
  if (session->state == state)
    return;
  g_debug ("session: %s → %s", ice_connection_state_to_string (session->state),
           ice_connection_state_to_string (state));
  session->state = state;
}

void
ice_stream_note_progress (IceStream *stream, gint64 now_us)
{
  stream->last_progress_us = MAX (stream->last_progress_us, now_us);
}

static gboolean
all_components_routed (IceStream *stream)
{
  guint i;

  for (i = 0; i < stream->n_components; i++)
    if (!stream->components[i].route.ok)
      return FALSE;
  return TRUE;
}

static gboolean
has_unselected_valid_pair (IceStream *stream)
{
  guint i;

  for (i = 0; i < stream->pairs->len; i++) {
    IcePair *pair = g_ptr_array_index (stream->pairs, i);
    IceComponent *comp = ice_stream_get_component (stream, pair->component_id);

    if (pair->valid && !comp->route.ok)
      return TRUE;
  }
  return FALSE;
}

/* Whether no pair of the stream can still produce a route: none waiting,
 * in progress or triggered for a component without one. */
static gboolean
stream_is_stuck (IceStream *stream)
{
  guint i;

  for (i = 0; i < stream->n_components; i++) {
    IceComponent *comp = &stream->components[i];

    if (!comp->route.ok
        && ice_checklist_component_can_progress (stream, comp->id))
      return FALSE;
  }
  return TRUE;
}

/* RFC 8863 §4 PAC time once the peer is heard: a pac_timeout_us of 0 only
 * lifts the wait for the credentials, so the usual rules then apply. */
static gint64
pac_after_credentials (IceSession *session)
{
  return session->config.pac_timeout_us > 0 ? session->config.pac_timeout_us
                                            : ICE_PAC_TIMEOUT_US;
}

/* The time at which the stream fails if nothing changes, or -1 (the rule
 * is told in ice-session.h). */
gint64
ice_stream_failure_timeout (IceStream *stream)
{
  IceSession *session = stream->session;
  gint64 deadline;

  if (stream->state == ICE_CONNECTION_FAILED
      || stream->state == ICE_CONNECTION_CLOSED || stream->wait_start_us < 0)
    return -1;
  if (stream->gathering == ICE_GATHERING_GATHERING
      || all_components_routed (stream))
    return -1;
  /* RFC 8863 §4 starts the PAC timer once the peer's credentials came.
   * Without them no check can ever leave: wait as long from the start of
   * gathering (our description went out), then fail. */
  if (stream->start_us < 0)
    return session->config.pac_timeout_us == 0
               ? -1
               : stream->wait_start_us + session->config.pac_timeout_us;
  if (!stream_is_stuck (stream))
    return -1;
  /* A valid pair waiting for the controlling agent's nomination is
   * progress: only the timeout can end it. */
  /* a lite agent cannot fail a pair itself: only the timeouts end it */
  if (stream->remote_eoc && !has_unselected_valid_pair (stream)
      && !session->config.ice_lite)
    deadline = stream->start_us;
  else
    deadline = stream->last_progress_us + session->config.failure_timeout_us;
  /* RFC 8863 §4: wait for the PAC timer while no pair could be tried */
  if (!stream->pair_tried)
    deadline
        = MAX (deadline, stream->start_us + pac_after_credentials (session));
  return deadline;
}

/* Nothing left to try and no end-of-candidates: only a candidate the
 * peer still trickles can help (counted in the stats). */
gboolean
ice_stream_awaits_candidates (IceStream *stream)
{
  return stream->start_us >= 0 && !stream->remote_eoc
         && stream->state == ICE_CONNECTION_CHECKING && stream->pair_tried
         && !all_components_routed (stream) && stream_is_stuck (stream);
}

void
ice_stream_note_wait_start (IceStream *stream, gint64 now_us)
{
  if (stream->wait_start_us < 0)
    stream->wait_start_us = now_us;
}

/* Every pair of the stream is done and each component has a pair. */
static gboolean
stream_is_complete (IceStream *stream)
{
  guint i;

  /* RFC 8445 §7.3.1.5 (lite): completed once every component has its
   * nominated pair; the unchecked pairs are the peer's business */
  if (stream->session->config.ice_lite)
    return TRUE;
  for (i = 0; i < stream->pairs->len; i++) {
    IcePair *pair = g_ptr_array_index (stream->pairs, i);

    if (pair->triggered || pair->state == ICE_PAIR_FROZEN
        || pair->state == ICE_PAIR_WAITING
        || pair->state == ICE_PAIR_IN_PROGRESS)
      return FALSE;
  }
  return TRUE;
}

void
ice_stream_update_state (IceStream *stream, gint64 now_us)
{
  gboolean lost = FALSE, disconnected = FALSE;
  gint64 deadline;
  guint i;

  if (stream->state == ICE_CONNECTION_CLOSED)
    return;
  for (i = 0; i < stream->n_components; i++) {
    lost |= stream->components[i].consent.lost;
    disconnected |= stream->components[i].consent.disconnected;
  }
  if (lost) {
    ice_stream_set_state (stream, ICE_CONNECTION_FAILED);
  } else if (all_components_routed (stream)) {
    if (disconnected)
      ice_stream_set_state (stream, ICE_CONNECTION_DISCONNECTED);
    else if (stream_is_complete (stream)) {
      /* the app sees connected before completed */
      if (stream->state != ICE_CONNECTION_CONNECTED
          && stream->state != ICE_CONNECTION_COMPLETED)
        ice_stream_set_state (stream, ICE_CONNECTION_CONNECTED);
      ice_stream_set_state (stream, ICE_CONNECTION_COMPLETED);
    } else
      ice_stream_set_state (stream, ICE_CONNECTION_CONNECTED);
  } else if (stream->state != ICE_CONNECTION_FAILED) {
    deadline = ice_stream_failure_timeout (stream);
    if (deadline >= 0 && now_us >= deadline)
      ice_stream_set_state (stream, ICE_CONNECTION_FAILED);
    else if (stream->start_us >= 0 || stream->pairs->len > 0)
      ice_stream_set_state (stream, ICE_CONNECTION_CHECKING);
  }
}

void
ice_session_update_states (IceSession *session, gint64 now_us)
{
  guint n[ICE_CONNECTION_CLOSED + 1] = { 0 };
  guint i, total = session->streams->len;
  IceConnectionState state;

  for (i = 0; i < total; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    ice_stream_update_state (stream, now_us);
    n[stream->state]++;
  }
  if (n[ICE_CONNECTION_FAILED] > 0)
    state = ICE_CONNECTION_FAILED;
  else if (n[ICE_CONNECTION_DISCONNECTED] > 0)
    state = ICE_CONNECTION_DISCONNECTED;
  else if (total > 0 && n[ICE_CONNECTION_CLOSED] == total)
    state = ICE_CONNECTION_CLOSED;
  else if (n[ICE_CONNECTION_CHECKING] > 0)
    state = ICE_CONNECTION_CHECKING;
  else if (n[ICE_CONNECTION_NEW] == total - n[ICE_CONNECTION_CLOSED])
    state = ICE_CONNECTION_NEW;
  else if (n[ICE_CONNECTION_NEW] > 0)
    state = ICE_CONNECTION_CHECKING;
  else if (n[ICE_CONNECTION_CONNECTED] > 0)
    state = ICE_CONNECTION_CONNECTED;
  else
    state = ICE_CONNECTION_COMPLETED;
  session_set_state (session, state);
}

/**
 * ice_session_get_connection_state:
 * @stream_id: a stream, or %ICE_SESSION_ALL_STREAMS for the aggregate
 *   (failed if any failed, then disconnected, checking, connected,
 *   completed when all are)
 */
IceConnectionState
ice_session_get_connection_state (IceSession *session, guint stream_id)
{
  IceStream *stream;

  g_return_val_if_fail (session != NULL, ICE_CONNECTION_CLOSED);
  if (stream_id == ICE_SESSION_ALL_STREAMS)
    return session->state;
  stream = ice_session_find_stream (session, stream_id);
  g_return_val_if_fail (stream != NULL, ICE_CONNECTION_CLOSED);
  return stream->state;
}

/**
 * ice_session_get_gathering_state:
 * Returns: the stream's gathering state (complete once every STUN server
 *   answered or timed out; back to gathering after a restart)
 */
IceGatheringState
ice_session_get_gathering_state (IceSession *session, guint stream_id)
{
  IceStream *stream = ice_session_find_stream (session, stream_id);

  g_return_val_if_fail (stream != NULL, ICE_GATHERING_NEW);
  return stream->gathering;
}
