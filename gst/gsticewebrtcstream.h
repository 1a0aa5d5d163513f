/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GstIceWebRTCStream: one webrtcbin session (a GstWebRTCICEStream) as one
 * stream of the shared IceAgent, with one component (webrtcbin muxes RTCP,
 * as it does on libnice). Its transports are kept by weak reference;
 * webrtcbin owns them.
 */
#ifndef __GST_ICE_WEBRTC_STREAM_H__
#define __GST_ICE_WEBRTC_STREAM_H__

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

#include "ice/io/ice-agent.h"

G_BEGIN_DECLS

#define GST_TYPE_ICE_WEBRTC_STREAM (gst_ice_webrtc_stream_get_type ())
G_DECLARE_FINAL_TYPE (GstIceWebRTCStream, gst_ice_webrtc_stream, GST,
                      ICE_WEBRTC_STREAM, GstWebRTCICEStream)

GstIceWebRTCStream *gst_ice_webrtc_stream_new (IceAgent *agent,
                                               guint agent_stream,
                                               guint session_id);
guint gst_ice_webrtc_stream_get_session_id (GstIceWebRTCStream *stream);
IceAgent *gst_ice_webrtc_stream_get_agent (GstIceWebRTCStream *stream);

/* The agent's notifications, forwarded by GstIceWebRTCICE (any thread). */
void gst_ice_webrtc_stream_gathering_done (GstIceWebRTCStream *stream);
void gst_ice_webrtc_stream_state_changed (GstIceWebRTCStream *stream,
                                          IceConnectionState state);
void gst_ice_webrtc_stream_selected_pair_changed (GstIceWebRTCStream *stream,
                                                  guint component_id);

G_END_DECLS
#endif /* __GST_ICE_WEBRTC_STREAM_H__ */
