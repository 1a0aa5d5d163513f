/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A component of a GstIceWebRTCStream as a GstWebRTCICETransport. It
 * holds its stream (which holds the agent); webrtcbin holds it (through
 * its DTLS transport) and puts our src/sink in its transport bins.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticewebrtcelements.h"
#include "gsticewebrtctransport.h"

GST_DEBUG_CATEGORY_STATIC (gst_ice_webrtc_transport_debug);
#define GST_CAT_DEFAULT gst_ice_webrtc_transport_debug

struct _GstIceWebRTCTransport {
  GstWebRTCICETransport parent;
  GstIceWebRTCStream *stream;
};

G_DEFINE_TYPE_WITH_CODE (
    GstIceWebRTCTransport, gst_ice_webrtc_transport,
    GST_TYPE_WEBRTC_ICE_TRANSPORT,
    GST_DEBUG_CATEGORY_INIT (gst_ice_webrtc_transport_debug,
                             "icewebrtctransport", 0,
                             "webrtcbin's ICE transport on gst-ice"));

static GstWebRTCICEConnectionState
to_webrtc_state (IceConnectionState state)
{
  switch (state) {
    case ICE_CONNECTION_NEW:
      return GST_WEBRTC_ICE_CONNECTION_STATE_NEW;
    case ICE_CONNECTION_CHECKING:
      return GST_WEBRTC_ICE_CONNECTION_STATE_CHECKING;
    case ICE_CONNECTION_CONNECTED:
      return GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED;
    case ICE_CONNECTION_COMPLETED:
      return GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED;
    case ICE_CONNECTION_DISCONNECTED:
      return GST_WEBRTC_ICE_CONNECTION_STATE_DISCONNECTED;
    case ICE_CONNECTION_FAILED:
      return GST_WEBRTC_ICE_CONNECTION_STATE_FAILED;
    case ICE_CONNECTION_CLOSED:
    default:
      return GST_WEBRTC_ICE_CONNECTION_STATE_CLOSED;
  }
}

void
gst_ice_webrtc_transport_set_state (GstIceWebRTCTransport *transport,
                                    IceConnectionState state)
{
  GstWebRTCICETransport *base = GST_WEBRTC_ICE_TRANSPORT (transport);
  GstWebRTCICEConnectionState s = to_webrtc_state (state);

  GST_DEBUG_OBJECT (transport, "state %s",
                    ice_connection_state_to_string (state));
  if (base->state != s)
    gst_webrtc_ice_transport_connection_state_change (base, s);
}

static void
gst_ice_webrtc_transport_finalize (GObject *object)
{
  GstIceWebRTCTransport *self = GST_ICE_WEBRTC_TRANSPORT (object);
  GstWebRTCICETransport *base = GST_WEBRTC_ICE_TRANSPORT (object);

  /* our own references (see _new); webrtcbin's bins hold theirs */
  gst_clear_object (&base->src);
  gst_clear_object (&base->sink);
  gst_clear_object (&self->stream);
  G_OBJECT_CLASS (gst_ice_webrtc_transport_parent_class)->finalize (object);
}

static void
gst_ice_webrtc_transport_class_init (GstIceWebRTCTransportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_ice_webrtc_transport_finalize;
}

static void
gst_ice_webrtc_transport_init (GstIceWebRTCTransport *self)
{}

/**
 * gst_ice_webrtc_transport_new:
 * Returns: (transfer floating): the transport of @component, with its
 *   src and sink (owned by the transport; a bin they are added to takes
 *   its own reference)
 */
GstIceWebRTCTransport *
gst_ice_webrtc_transport_new (GstIceWebRTCStream *stream,
                              GstWebRTCICEComponent component)
{
  GstIceWebRTCTransport *self;
  GstWebRTCICETransport *base;
  IceAgent *agent = gst_ice_webrtc_stream_get_agent (stream);
  guint stream_id = GST_WEBRTC_ICE_STREAM (stream)->stream_id;
  gboolean controlling = FALSE;

  self = g_object_new (GST_TYPE_ICE_WEBRTC_TRANSPORT, "component", component,
                       NULL);
  base = GST_WEBRTC_ICE_TRANSPORT (self);
  self->stream = gst_object_ref (stream);
  g_object_get (agent, "controlling-mode", &controlling, NULL);
  base->role = controlling ? GST_WEBRTC_ICE_ROLE_CONTROLLING
                           : GST_WEBRTC_ICE_ROLE_CONTROLLED;
  /* webrtcbin muxes RTCP: component RTP is the agent's component 1 */
  base->src
      = gst_object_ref_sink (gst_ice_webrtc_src_new (agent, stream_id, 1));
  base->sink
      = gst_object_ref_sink (gst_ice_webrtc_sink_new (agent, stream_id, 1));
  return self;
}
