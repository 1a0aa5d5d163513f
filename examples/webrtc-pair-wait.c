/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * webrtc-pair-wait: waiting for a condition of the pair (on its condition
 * variable, with a deadline) and the times and counts it recorded.
 */
#include "webrtc-pair-private.h"

static gboolean
condition_met_locked (WebrtcPair *pair, WebrtcPairCondition cond)
{
  switch (cond) {
    case WEBRTC_PAIR_ICE_CONNECTED:
      return pair->ice_us[0] && pair->ice_us[1];
    case WEBRTC_PAIR_DTLS_CONNECTED:
      return pair->dtls_us[0] && pair->dtls_us[1];
    case WEBRTC_PAIR_MEDIA:
      return pair->frames > 0 && pair->message[0] && pair->message[1];
  }
  return FALSE;
}

static const gchar *
condition_name (WebrtcPairCondition cond)
{
  switch (cond) {
    case WEBRTC_PAIR_ICE_CONNECTED:
      return "both ICE transports connected";
    case WEBRTC_PAIR_DTLS_CONNECTED:
      return "both peer connections (DTLS) connected";
    case WEBRTC_PAIR_MEDIA:
      return "a decoded frame and a data channel message each way";
  }
  return "?";
}

const gchar *
webrtc_pair_enum_nick (GType type, gint value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  /* enum classes of registered types are never freed */
  g_type_class_unref (klass);
  return v ? v->value_nick : "?";
}

/* "offerer (ice): ice-connection-state checking, connection-state
 * connecting; ..." for a timeout message. */
static gchar *
describe_states (WebrtcPair *pair)
{
  GString *out = g_string_new (NULL);
  GstWebRTCICEConnectionState ice;
  GstWebRTCPeerConnectionState pc;
  guint i;

  for (i = 0; i < 2; i++) {
    g_object_get (pair->bin[i], "ice-connection-state", &ice,
                  "connection-state", &pc, NULL);
    g_string_append_printf (
        out, "%s%s (%s): ice-connection-state %s, connection-state %s",
        i ? "; " : "", webrtc_pair_side_name (i),
        webrtc_pair_backend_name (pair->backend[i]),
        webrtc_pair_enum_nick (GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, ice),
        webrtc_pair_enum_nick (GST_TYPE_WEBRTC_PEER_CONNECTION_STATE, pc));
  }
  g_mutex_lock (&pair->lock);
  g_string_append_printf (out,
                          "; offer %s, %" G_GUINT64_FORMAT
                          " frames decoded, data channel messages: "
                          "offerer %s, answerer %s",
                          pair->offer_created_us ? "created" : "not created",
                          pair->frames, pair->message[0] ? "yes" : "no",
                          pair->message[1] ? "yes" : "no");
  g_mutex_unlock (&pair->lock);
  return g_string_free (out, FALSE);
}

gboolean
webrtc_pair_wait (WebrtcPair *pair, WebrtcPairCondition cond,
                  gint64 deadline_us, GError **error)
{
  gboolean met;
  gchar *states;

  g_mutex_lock (&pair->lock);
  while (!(met = condition_met_locked (pair, cond)) && !pair->error) {
    if (!g_cond_wait_until (&pair->cond, &pair->lock, deadline_us)) {
      met = condition_met_locked (pair, cond);
      break;
    }
  }
  if (!met && pair->error) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "%s",
                 pair->error);
  }
  g_mutex_unlock (&pair->lock);
  if (!met && error && !*error) {
    states = describe_states (pair);
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
                 "timed out waiting for %s (%s)", condition_name (cond),
                 states);
    g_free (states);
  }
  return met;
}

static gdouble
ms_between (gint64 from_us, gint64 to_us)
{
  if (!from_us || !to_us)
    return -1.0;
  return (to_us - from_us) / 1000.0;
}

gdouble
webrtc_pair_ms_since_offer (WebrtcPair *pair, WebrtcPairCondition cond)
{
  gint64 done_us = 0;
  gdouble ms;

  g_mutex_lock (&pair->lock);
  if (condition_met_locked (pair, cond)) {
    switch (cond) {
      case WEBRTC_PAIR_ICE_CONNECTED:
        done_us = MAX (pair->ice_us[0], pair->ice_us[1]);
        break;
      case WEBRTC_PAIR_DTLS_CONNECTED:
        done_us = MAX (pair->dtls_us[0], pair->dtls_us[1]);
        break;
      case WEBRTC_PAIR_MEDIA:
        done_us = 0; /* not timed: frames keep arriving */
        break;
    }
  }
  ms = ms_between (pair->offer_created_us, done_us);
  g_mutex_unlock (&pair->lock);
  return ms;
}

gdouble
webrtc_pair_offer_ms (WebrtcPair *pair)
{
  gdouble ms;

  g_mutex_lock (&pair->lock);
  ms = ms_between (pair->offer_requested_us, pair->offer_created_us);
  g_mutex_unlock (&pair->lock);
  return ms;
}

guint64
webrtc_pair_frames_received (WebrtcPair *pair)
{
  guint64 frames;

  g_mutex_lock (&pair->lock);
  frames = pair->frames;
  g_mutex_unlock (&pair->lock);
  return frames;
}

gchar *
webrtc_pair_message_received (WebrtcPair *pair, WebrtcPairSide side)
{
  gchar *text;

  g_mutex_lock (&pair->lock);
  text = g_strdup (pair->message[side]);
  g_mutex_unlock (&pair->lock);
  return text;
}
