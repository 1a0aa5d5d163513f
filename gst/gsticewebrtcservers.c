/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GstIceWebRTCICE's servers and policy: webrtcbin's stun-server,
 * turn-server, add-turn-server, ice-transport-policy and http-proxy, on
 * the IceAgent (which parses and resolves the URIs itself).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticewebrtcice-private.h"

GST_DEBUG_CATEGORY_EXTERN (gst_ice_webrtc_ice_debug);
#define GST_CAT_DEFAULT gst_ice_webrtc_ice_debug

static gboolean
gst_ice_webrtc_ice_add_turn_server (GstWebRTCICE *ice, const gchar *uri)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);
  GError *error = NULL;

  if (uri == NULL || !ice_agent_add_turn_server (self->agent, uri, &error)) {
    GST_ERROR_OBJECT (self, "TURN server refused: %s",
                      error ? error->message : "no URI");
    g_clear_error (&error);
    return FALSE;
  }
  return TRUE;
}

static void
gst_ice_webrtc_ice_set_turn_server (GstWebRTCICE *ice, const gchar *uri)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);

  /* the agent adds servers, it never replaces one: a second turn-server
   * is used next to the first */
  if (uri != NULL && gst_ice_webrtc_ice_add_turn_server (ice, uri)) {
    g_mutex_lock (&self->lock);
    g_free (self->turn_server);
    self->turn_server = g_strdup (uri);
    g_mutex_unlock (&self->lock);
  }
}

static gchar *
gst_ice_webrtc_ice_get_turn_server (GstWebRTCICE *ice)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);
  gchar *uri;

  g_mutex_lock (&self->lock);
  uri = g_strdup (self->turn_server);
  g_mutex_unlock (&self->lock);
  return uri;
}

static void
gst_ice_webrtc_ice_set_stun_server (GstWebRTCICE *ice, const gchar *uri)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);
  GstUri *parsed = uri ? gst_uri_from_string (uri) : NULL;

  if (uri != NULL
      && (parsed == NULL || g_strcmp0 (gst_uri_get_scheme (parsed), "stun")
          || gst_uri_get_host (parsed) == NULL)) {
    GST_ERROR_OBJECT (self, "stun-server \"%s\" is not stun://host:port", uri);
    g_clear_pointer (&parsed, gst_uri_unref);
    return;
  }
  g_clear_pointer (&parsed, gst_uri_unref);
  g_mutex_lock (&self->lock);
  g_free (self->stun_server);
  self->stun_server = g_strdup (uri);
  g_mutex_unlock (&self->lock);
  g_object_set (self->agent, "stun-server", uri, NULL);
}

static gchar *
gst_ice_webrtc_ice_get_stun_server (GstWebRTCICE *ice)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);
  gchar *uri;

  g_mutex_lock (&self->lock);
  uri = g_strdup (self->stun_server);
  g_mutex_unlock (&self->lock);
  return uri;
}

static void
gst_ice_webrtc_ice_set_http_proxy (GstWebRTCICE *ice, const gchar *uri)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);

  GST_FIXME_OBJECT (self, "http-proxy is not supported; \"%s\" is ignored",
                    uri);
  g_mutex_lock (&self->lock);
  g_free (self->http_proxy);
  self->http_proxy = g_strdup (uri);
  g_mutex_unlock (&self->lock);
}

static gchar *
gst_ice_webrtc_ice_get_http_proxy (GstWebRTCICE *ice)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);
  gchar *uri;

  g_mutex_lock (&self->lock);
  uri = g_strdup (self->http_proxy);
  g_mutex_unlock (&self->lock);
  return uri;
}

static void
gst_ice_webrtc_ice_set_force_relay (GstWebRTCICE *ice, gboolean force_relay)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);

  /* the agent reads the policy when its session is made (first stream) */
  if (ice_agent_get_n_streams (self->agent) > 0) {
    GST_ERROR_OBJECT (self, "ice-transport-policy can only change before "
                            "the first session; ignored");
    return;
  }
  g_object_set (self->agent, "ice-transport-policy",
                force_relay ? ICE_AGENT_TRANSPORT_POLICY_RELAY
                            : ICE_AGENT_TRANSPORT_POLICY_ALL,
                NULL);
}

void
gst_ice_webrtc_ice_install_server_vfuncs (GstWebRTCICEClass *ice_class)
{
  ice_class->add_turn_server = gst_ice_webrtc_ice_add_turn_server;
  ice_class->set_turn_server = gst_ice_webrtc_ice_set_turn_server;
  ice_class->get_turn_server = gst_ice_webrtc_ice_get_turn_server;
  ice_class->set_stun_server = gst_ice_webrtc_ice_set_stun_server;
  ice_class->get_stun_server = gst_ice_webrtc_ice_get_stun_server;
  ice_class->set_http_proxy = gst_ice_webrtc_ice_set_http_proxy;
  ice_class->get_http_proxy = gst_ice_webrtc_ice_get_http_proxy;
  ice_class->set_force_relay = gst_ice_webrtc_ice_set_force_relay;
}
