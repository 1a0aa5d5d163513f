/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * webrtc-pair-session: see webrtc-pair-session.h.
 */
#include "webrtc-pair-private.h"

#define ICE_TYPE_NAME "GstIceWebRTCICE"

static const gchar *side_names[2] = { "offerer", "answerer" };

const gchar *
webrtc_pair_side_name (WebrtcPairSide side)
{
  return side_names[side];
}

const gchar *
webrtc_pair_backend_name (WebrtcPairBackend backend)
{
  return backend == WEBRTC_PAIR_ICE ? "ice" : "nice";
}

gboolean
webrtc_pair_backend_from_name (const gchar *name, WebrtcPairBackend *out)
{
  if (g_strcmp0 (name, "ice") == 0)
    *out = WEBRTC_PAIR_ICE;
  else if (g_strcmp0 (name, "nice") == 0)
    *out = WEBRTC_PAIR_NICE;
  else
    return FALSE;
  return TRUE;
}

static WebrtcPairSide
side_of (WebrtcPair *pair, GstElement *bin)
{
  return bin == pair->bin[WEBRTC_PAIR_OFFERER] ? WEBRTC_PAIR_OFFERER
                                               : WEBRTC_PAIR_ANSWERER;
}

void
webrtc_pair_fail (WebrtcPair *pair, const gchar *format, ...)
{
  va_list args;

  g_mutex_lock (&pair->lock);
  if (!pair->error) {
    va_start (args, format);
    pair->error = g_strdup_vprintf (format, args);
    va_end (args);
  }
  g_cond_broadcast (&pair->cond);
  g_mutex_unlock (&pair->lock);
}

/* The plugin icewebrtc registers its GstWebRTCICE subclass as a dynamic
 * type: the registry loads the plugin when the type is asked for by name,
 * which keeps this program free of a link to the plugin. */
GType
webrtc_pair_find_ice_type (GError **error)
{
  GType type = gst_dynamic_type_factory_load (ICE_TYPE_NAME);

  if (type == G_TYPE_INVALID || !g_type_is_a (type, GST_TYPE_WEBRTC_ICE)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                 ICE_TYPE_NAME " not found: no GStreamer plugin icewebrtc "
                               "(set GST_PLUGIN_PATH to the build's gst/ "
                               "folder, or run in `meson devenv`; gst-ice "
                               "builds it when gstreamer-webrtc is found)");
    return G_TYPE_INVALID;
  }
  return type;
}

static GstElement *
make_webrtcbin (const gchar *name, WebrtcPairBackend backend, GError **error)
{
  GstElementFactory *factory = gst_element_factory_find ("webrtcbin");
  GstElement *bin;
  GObject *agent;
  GType type;

  if (!factory) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                 "webrtcbin not found: install gstreamer1.0-plugins-bad");
    return NULL;
  }
  if (backend == WEBRTC_PAIR_NICE) {
    bin = gst_element_factory_create_full (
        factory, "name", name, "bundle-policy",
        GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  } else if ((type = webrtc_pair_find_ice_type (error)) != G_TYPE_INVALID) {
    /* webrtcbin 1.22 keeps the object it is given without taking a
     * reference of its own and unrefs it in dispose: this (floating)
     * reference is handed over to it. */
    agent = g_object_new (type, NULL);
    bin = gst_element_factory_create_full (
        factory, "name", name, "ice-agent", agent, "bundle-policy",
        GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  } else {
    bin = NULL;
  }
  gst_object_unref (factory);
  if (!bin && error && !*error)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
                 "webrtcbin refused to be made for the %s", name);
  return bin;
}

/* A promise whose reply, if any, must not carry an "error". */
typedef struct {
  WebrtcPair *pair;
  WebrtcPairSide side;
  const gchar *signal, *kind;
} Check;

static void
on_checked_reply (GstPromise *promise, gpointer user_data)
{
  Check *check = user_data;
  const GstStructure *reply = gst_promise_get_reply (promise);
  GError *err = NULL;

  if (reply && gst_structure_has_field (reply, "error")) {
    gst_structure_get (reply, "error", G_TYPE_ERROR, &err, NULL);
    webrtc_pair_fail (check->pair, "%s (%s) on the %s failed: %s",
                      check->signal, check->kind, side_names[check->side],
                      err ? err->message : "(no message)");
    g_clear_error (&err);
  }
  gst_promise_unref (promise);
}

/* @signal ("set-local-description", ...) with the @kind ("offer") of
 * description on @side, its failure reported as "SIGNAL (KIND) on SIDE" */
static void
emit_checked (WebrtcPair *pair, WebrtcPairSide side, const gchar *signal,
              GstWebRTCSessionDescription *desc, const gchar *kind)
{
  Check *check = g_new (Check, 1);
  GstPromise *promise;

  check->pair = pair;
  check->side = side;
  check->signal = signal;
  check->kind = kind;
  promise = gst_promise_new_with_change_func (on_checked_reply, check, g_free);
  /* the change func unrefs it; the signal takes its own reference */
  g_signal_emit_by_name (pair->bin[side], signal, desc, promise);
}

static GstWebRTCSessionDescription *
take_description (WebrtcPair *pair, GstPromise *promise, const gchar *field)
{
  GstWebRTCSessionDescription *desc = NULL;
  const GstStructure *reply = NULL;
  GError *err = NULL;

  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED)
    reply = gst_promise_get_reply (promise);
  if (reply)
    gst_structure_get (reply, field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc,
                       "error", G_TYPE_ERROR, &err, NULL);
  if (!desc)
    webrtc_pair_fail (pair, "create-%s failed: %s", field,
                      err ? err->message : "no description in the reply");
  g_clear_error (&err);
  gst_promise_unref (promise);
  return desc;
}

/* Each description is applied to the peer before its author applies it
 * locally: the author's candidates come only after the latter, so the
 * peer always holds the description first, as when a signalling channel
 * keeps the order of its messages. */
static void
apply_description (WebrtcPair *pair, WebrtcPairSide author,
                   GstWebRTCSessionDescription *desc, const gchar *kind)
{
  emit_checked (pair, !author, "set-remote-description", desc, kind);
  emit_checked (pair, author, "set-local-description", desc, kind);
}

static void
on_answer_created (GstPromise *promise, gpointer user_data)
{
  WebrtcPair *pair = user_data;
  GstWebRTCSessionDescription *answer;

  answer = take_description (pair, promise, "answer");
  if (!answer)
    return;
  apply_description (pair, WEBRTC_PAIR_ANSWERER, answer, "answer");
  gst_webrtc_session_description_free (answer);
}

static void
on_offer_created (GstPromise *promise, gpointer user_data)
{
  WebrtcPair *pair = user_data;
  GstWebRTCSessionDescription *offer;

  offer = take_description (pair, promise, "offer");
  if (!offer)
    return;
  g_mutex_lock (&pair->lock);
  pair->offer_created_us = g_get_monotonic_time ();
  g_mutex_unlock (&pair->lock);

  apply_description (pair, WEBRTC_PAIR_OFFERER, offer, "offer");
  gst_webrtc_session_description_free (offer);

  promise = gst_promise_new_with_change_func (on_answer_created, pair, NULL);
  g_signal_emit_by_name (pair->bin[WEBRTC_PAIR_ANSWERER], "create-answer", NULL,
                         promise);
}

static void
on_negotiation_needed (GstElement *bin, WebrtcPair *pair)
{
  GstPromise *promise;
  gboolean first;

  /* one offer/answer round: later renegotiation is not part of this */
  g_mutex_lock (&pair->lock);
  first = pair->offer_requested_us == 0;
  if (first)
    pair->offer_requested_us = g_get_monotonic_time ();
  g_mutex_unlock (&pair->lock);
  if (!first)
    return;
  promise = gst_promise_new_with_change_func (on_offer_created, pair, NULL);
  g_signal_emit_by_name (bin, "create-offer", NULL, promise);
}

static void
on_ice_candidate (GstElement *bin, guint mline, const gchar *candidate,
                  WebrtcPair *pair)
{
  WebrtcPairSide side = side_of (pair, bin);

  g_signal_emit_by_name (pair->bin[!side], "add-ice-candidate", mline,
                         candidate);
}

/* The first time a side reached a state (@at: one of its *_us[side]);
 * wakes webrtc_pair_wait() */
static void
stamp_once (WebrtcPair *pair, gint64 *at)
{
  g_mutex_lock (&pair->lock);
  if (*at == 0)
    *at = g_get_monotonic_time ();
  g_cond_broadcast (&pair->cond);
  g_mutex_unlock (&pair->lock);
}

static void
on_ice_state (GstElement *bin, GParamSpec *pspec, WebrtcPair *pair)
{
  WebrtcPairSide side = side_of (pair, bin);
  GstWebRTCICEConnectionState state;

  g_object_get (bin, "ice-connection-state", &state, NULL);
  if (state == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED) {
    webrtc_pair_fail (pair, "ICE failed on the %s (%s)", side_names[side],
                      webrtc_pair_backend_name (pair->backend[side]));
    return;
  }
  if (state != GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED
      && state != GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED)
    return;
  stamp_once (pair, &pair->ice_us[side]);
}

static void
on_connection_state (GstElement *bin, GParamSpec *pspec, WebrtcPair *pair)
{
  WebrtcPairSide side = side_of (pair, bin);
  GstWebRTCPeerConnectionState state;

  g_object_get (bin, "connection-state", &state, NULL);
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED) {
    webrtc_pair_fail (pair, "the connection (DTLS) failed on the %s",
                      side_names[side]);
    return;
  }
  if (state != GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED)
    return;
  stamp_once (pair, &pair->dtls_us[side]);
}

static GstBusSyncReply
on_bus_message (GstBus *bus, GstMessage *msg, gpointer user_data)
{
  WebrtcPair *pair = user_data;
  GError *err = NULL;
  gchar *debug = NULL;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, &debug);
    webrtc_pair_fail (pair, "%s: %s (%s)", GST_MESSAGE_SRC_NAME (msg),
                      err->message, debug ? debug : "no details");
    g_clear_error (&err);
    g_free (debug);
  }
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

static void
connect_bin_signals (WebrtcPair *pair, GstElement *bin)
{
  g_signal_connect (bin, "on-ice-candidate", G_CALLBACK (on_ice_candidate),
                    pair);
  g_signal_connect (bin, "notify::ice-connection-state",
                    G_CALLBACK (on_ice_state), pair);
  g_signal_connect (bin, "notify::connection-state",
                    G_CALLBACK (on_connection_state), pair);
}

WebrtcPair *
webrtc_pair_new (WebrtcPairBackend offerer, WebrtcPairBackend answerer,
                 GError **error)
{
  WebrtcPair *pair = g_new0 (WebrtcPair, 1);
  GstBus *bus;
  guint i;

  g_mutex_init (&pair->lock);
  g_cond_init (&pair->cond);
  pair->backend[WEBRTC_PAIR_OFFERER] = offerer;
  pair->backend[WEBRTC_PAIR_ANSWERER] = answerer;
  pair->pipeline = gst_pipeline_new ("webrtc-pair");
  bus = gst_element_get_bus (pair->pipeline);
  gst_bus_set_sync_handler (bus, on_bus_message, pair, NULL);
  gst_object_unref (bus);

  for (i = 0; i < 2; i++) {
    pair->bin[i] = make_webrtcbin (side_names[i], pair->backend[i], error);
    if (!pair->bin[i])
      goto failed;
    gst_bin_add (GST_BIN (pair->pipeline), pair->bin[i]);
    connect_bin_signals (pair, pair->bin[i]);
  }
  g_signal_connect (pair->bin[WEBRTC_PAIR_OFFERER], "on-negotiation-needed",
                    G_CALLBACK (on_negotiation_needed), pair);
  if (!webrtc_pair_media_build (pair, error))
    goto failed;
  return pair;

failed:
  webrtc_pair_free (pair);
  return NULL;
}

void
webrtc_pair_configure_ice (WebrtcPair *pair, const gchar *stun,
                           const gchar *turn, gboolean relay)
{
  guint i;

  for (i = 0; i < 2; i++) {
    if (stun)
      g_object_set (pair->bin[i], "stun-server", stun, NULL);
    if (turn)
      g_object_set (pair->bin[i], "turn-server", turn, NULL);
    if (relay)
      g_object_set (pair->bin[i], "ice-transport-policy",
                    GST_WEBRTC_ICE_TRANSPORT_POLICY_RELAY, NULL);
  }
}

gboolean
webrtc_pair_start (WebrtcPair *pair, GError **error)
{
  /* the channel must exist before the offer, and webrtcbin makes one only
   * from READY on */
  if (gst_element_set_state (pair->pipeline, GST_STATE_READY)
      == GST_STATE_CHANGE_FAILURE)
    goto state_failed;
  if (!webrtc_pair_media_open_channel (pair, error))
    return FALSE;
  if (gst_element_set_state (pair->pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    goto state_failed;
  return TRUE;

state_failed:
  g_mutex_lock (&pair->lock);
  g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
               "the pipeline refused to start%s%s", pair->error ? ": " : "",
               pair->error ? pair->error : "");
  g_mutex_unlock (&pair->lock);
  return FALSE;
}

GstElement *
webrtc_pair_get_webrtcbin (WebrtcPair *pair, WebrtcPairSide side)
{
  return pair->bin[side];
}

void
webrtc_pair_free (WebrtcPair *pair)
{
  guint i;

  if (!pair)
    return;
  gst_element_set_state (pair->pipeline, GST_STATE_NULL);
  for (i = 0; i < 2; i++) {
    if (pair->channel[i]) {
      g_signal_handlers_disconnect_by_data (pair->channel[i], pair);
      g_object_unref (pair->channel[i]);
    }
    g_free (pair->message[i]);
  }
  gst_object_unref (pair->pipeline);
  g_free (pair->error);
  g_cond_clear (&pair->cond);
  g_mutex_clear (&pair->lock);
  g_free (pair);
}
