/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ws signaller's messages (docs/signalling.md): what the server and
 * the peer send us, handled on the signalling thread, and what we send.
 * Whatever the server sends is untrusted: a message we cannot use is
 * dropped, counted and logged (GST_WARNING), never a g_warning.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticewssignaller-private.h"
#include "signal/gst-ice-signal-msg.h"

#define GST_CAT_DEFAULT gst_ice_ws_signaller_debug

#define RESTART_MIN_INTERVAL_US G_TIME_SPAN_SECOND

static void
send_text (GstIceWsSignaller *sig, gchar *json)
{
  GST_LOG ("%s: sending %s", sig->url_log, json);
  soup_websocket_connection_send_text (sig->conn, json);
  g_free (json);
}

static gboolean
can_send (GstIceWsSignaller *sig)
{
  return sig->conn
         && soup_websocket_connection_get_state (sig->conn)
                == SOUP_WEBSOCKET_STATE_OPEN;
}

void
gst_ice_ws_signaller_send_join (GstIceWsSignaller *sig)
{
  if (can_send (sig))
    send_text (sig, gst_ice_signal_join_to_json (sig->uri->room, sig->peer_id));
}

/**
 * gst_ice_ws_signaller_send_pending:
 *
 * Sends the peer what it has not had of our current generation, once it
 * is in the room (the server keeps nothing: before peer-joined, there is
 * no one to send to).
 */
void
gst_ice_ws_signaller_send_pending (GstIceWsSignaller *sig)
{
  GstIceWsLocal *l = &sig->local;
  GPtrArray *outs;
  guint i;

  if (!sig->paired || !can_send (sig))
    return;
  outs = gst_ice_ws_local_take_pending (l);
  for (i = 0; i < outs->len; i++) {
    GstIceWsOut *out = g_ptr_array_index (outs, i);

    switch (out->kind) {
      case GST_ICE_WS_OUT_CREDENTIALS:
        GST_INFO ("%s: sending our credentials, generation %" G_GINT64_FORMAT,
                  sig->url_log, l->generation);
        send_text (sig, gst_ice_signal_credentials_to_json (
                            sig->mid, l->ufrag, l->pwd, l->generation));
        break;
      case GST_ICE_WS_OUT_CANDIDATE:
        send_text (sig, gst_ice_signal_candidate_to_json (
                            sig->mid, l->generation, out->candidate));
        break;
      case GST_ICE_WS_OUT_END:
        send_text (sig, gst_ice_signal_end_of_candidates_to_json (
                            sig->mid, l->generation));
        break;
    }
  }
  g_ptr_array_unref (outs);
}

static void
drop (GstIceWsSignaller *sig, const gchar *what)
{
  sig->n_dropped++;
  GST_WARNING ("%s: dropped a message from the server (%u so far): %s",
               sig->url_log, sig->n_dropped, what);
}

/* The other peer is in the room: (re)send our whole generation. */
static void
on_peer_joined (GstIceWsSignaller *sig, const gchar *peer)
{
  GST_INFO ("%s: paired with peer %s", sig->url_log, peer);
  if (gst_ice_ws_remote_set_peer (&sig->remote, peer)) {
    /* Another peer than the one our agent has a description from: had we
     * sent it our current generation, it would take it, then our answer
     * to its credentials (a restart of ours), and restart in turn, again
     * and again. Restart first and send only the new generation. */
    GST_INFO ("%s: a new peer: restarting ICE before we answer", sig->url_log);
    gst_ice_ws_local_hold (&sig->local);
    if (sig->funcs.restart)
      sig->funcs.restart (sig->stream_id, sig->funcs.user_data);
  }
  sig->paired = TRUE;
  gst_ice_ws_local_resend (&sig->local);
  gst_ice_ws_signaller_send_pending (sig);
}

static void
give_text (GstIceWsSignaller *sig, const GstIceSignalMsg *msg,
           GstIceWsRemoteResult result, gchar *text)
{
  if (text && sig->funcs.text)
    sig->funcs.text (sig->stream_id, text, result == GST_ICE_WS_REMOTE_NEW,
                     sig->funcs.user_data);
  g_free (text);
  if (result == GST_ICE_WS_REMOTE_NEW)
    GST_INFO ("%s: the peer's credentials, generation %" G_GINT64_FORMAT,
              sig->url_log, msg->generation);
  else if (result == GST_ICE_WS_REMOTE_MALFORMED)
    drop (sig, "a bad ufrag, pwd or candidate line");
  else if (result != GST_ICE_WS_REMOTE_MORE)
    GST_DEBUG ("%s: %s %s, generation %" G_GINT64_FORMAT " ignored",
               sig->url_log, gst_ice_ws_remote_result_name (result),
               gst_ice_signal_msg_type_to_string (msg->type), msg->generation);
}

/* The peer asks for a restart; our new generation answers it. A peer
 * that asks again and again would keep the checks from ever settling:
 * one restart a second at most. */
static void
on_restart_request (GstIceWsSignaller *sig)
{
  gint64 now = g_get_monotonic_time ();

  if (sig->last_restart_us != 0
      && now - sig->last_restart_us < RESTART_MIN_INTERVAL_US) {
    drop (sig, "a restart request within a second of the last");
    return;
  }
  sig->last_restart_us = now;
  GST_INFO ("%s: the peer asks for an ICE restart", sig->url_log);
  if (sig->funcs.restart)
    sig->funcs.restart (sig->stream_id, sig->funcs.user_data);
}

/* credentials, candidate, end-of-candidates, restart: from the peer */
static void
on_relayed (GstIceWsSignaller *sig, const GstIceSignalMsg *msg)
{
  GstIceWsRemoteResult result;
  gchar *text = NULL;

  if (g_strcmp0 (msg->mid, sig->mid) != 0) {
    GST_DEBUG ("%s: a message for mid %s, ours is %s: ignored", sig->url_log,
               msg->mid, sig->mid);
    return;
  }
  switch (msg->type) {
    case GST_ICE_SIGNAL_MSG_CREDENTIALS:
      result = gst_ice_ws_remote_credentials (&sig->remote, msg->generation,
                                              msg->ufrag, msg->pwd, &text);
      break;
    case GST_ICE_SIGNAL_MSG_CANDIDATE:
      result = gst_ice_ws_remote_candidate (&sig->remote, msg->generation,
                                            msg->candidate, &text);
      break;
    case GST_ICE_SIGNAL_MSG_END_OF_CANDIDATES:
      result = gst_ice_ws_remote_end (&sig->remote, msg->generation, &text);
      break;
    default:
      on_restart_request (sig);
      return;
  }
  give_text (sig, msg, result, text);
}

static void
on_error (GstIceWsSignaller *sig, const GstIceSignalMsg *msg)
{
  gchar *text;

  if (!msg->fatal) {
    /* an answer to something of ours the server did not like */
    GST_WARNING ("%s: the server says %s: %s", sig->url_log, msg->code_name,
                 msg->message);
    return;
  }
  text = g_strdup_printf ("the signalling server %s refused us: %s: %s",
                          sig->url_log, msg->code_name, msg->message);
  gst_ice_ws_signaller_problem (sig, TRUE, text);
  g_free (text);
  gst_ice_ws_signaller_refused (sig);
}

static void
dispatch (GstIceWsSignaller *sig, const GstIceSignalMsg *msg)
{
  switch (msg->type) {
    case GST_ICE_SIGNAL_MSG_JOINED:
      GST_INFO ("%s: joined room %s as %s, %d peer(s) in it", sig->url_log,
                msg->room, msg->peer, msg->peers);
      sig->joined_once = TRUE;
      sig->warned_lost = FALSE;
      sig->backoff_s = 0;
      break;
    case GST_ICE_SIGNAL_MSG_PEER_JOINED:
      on_peer_joined (sig, msg->peer);
      break;
    case GST_ICE_SIGNAL_MSG_PEER_LEFT:
      GST_INFO ("%s: peer %s left the room", sig->url_log, msg->peer);
      sig->paired = FALSE;
      break;
    case GST_ICE_SIGNAL_MSG_ERROR:
      on_error (sig, msg);
      break;
    case GST_ICE_SIGNAL_MSG_JOIN:
    case GST_ICE_SIGNAL_MSG_LEAVE:
      drop (sig, "a client's message type");
      break;
    default:
      if (sig->paired)
        on_relayed (sig, msg);
      else
        drop (sig, "a peer's message while we have no peer");
      break;
  }
}

/**
 * gst_ice_ws_signaller_handle:
 * @bytes: a text frame's payload
 *
 * Parses and handles one message from the server; one that does not parse
 * is dropped.
 */
void
gst_ice_ws_signaller_handle (GstIceWsSignaller *sig, GBytes *bytes)
{
  GstIceSignalMsg msg = { 0 };
  GError *err = NULL;
  gsize len;
  const gchar *data = g_bytes_get_data (bytes, &len);

  if (!gst_ice_signal_msg_parse (data, len, &msg, &err)) {
    drop (sig, err->message);
    g_error_free (err);
    return;
  }
  GST_LOG ("%s: received %.*s", sig->url_log, (int)MIN (len, 512), data);
  dispatch (sig, &msg);
  gst_ice_signal_msg_clear (&msg);
}
