/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GstIceWebRTCTransport: a component of a GstIceWebRTCStream as
 * webrtcbin's GstWebRTCICETransport, with our datagram source and sink
 * (gsticewebrtcsrc.c, gsticewebrtcsink.c) on the stream's IceAgent.
 */
#ifndef __GST_ICE_WEBRTC_TRANSPORT_H__
#define __GST_ICE_WEBRTC_TRANSPORT_H__

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

#include "gsticewebrtcstream.h"

G_BEGIN_DECLS

#define GST_TYPE_ICE_WEBRTC_TRANSPORT (gst_ice_webrtc_transport_get_type ())
G_DECLARE_FINAL_TYPE (GstIceWebRTCTransport, gst_ice_webrtc_transport, GST,
                      ICE_WEBRTC_TRANSPORT, GstWebRTCICETransport)

GstIceWebRTCTransport *
gst_ice_webrtc_transport_new (GstIceWebRTCStream *stream,
                              GstWebRTCICEComponent component);

/* The agent's notifications for this transport (any thread). */
void gst_ice_webrtc_transport_set_state (GstIceWebRTCTransport *transport,
                                         IceConnectionState state);

G_END_DECLS
#endif /* __GST_ICE_WEBRTC_TRANSPORT_H__ */
