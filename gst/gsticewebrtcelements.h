/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The datagram source and sink of a GstIceWebRTCTransport: internal
 * elements (no factory) that carry whatever webrtcbin gives them (DTLS,
 * SRTP, SRTCP, SCTP over DTLS) on one component of an IceAgent stream.
 */
#ifndef __GST_ICE_WEBRTC_ELEMENTS_H__
#define __GST_ICE_WEBRTC_ELEMENTS_H__

#include <gst/base/gstbasesink.h>
#include <gst/base/gstpushsrc.h>
#include <gst/gst.h>

#include "ice/io/ice-agent.h"

G_BEGIN_DECLS

#define GST_TYPE_ICE_WEBRTC_SRC (gst_ice_webrtc_src_get_type ())
G_DECLARE_FINAL_TYPE (GstIceWebRTCSrc, gst_ice_webrtc_src, GST, ICE_WEBRTC_SRC,
                      GstPushSrc)
#define GST_TYPE_ICE_WEBRTC_SINK (gst_ice_webrtc_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstIceWebRTCSink, gst_ice_webrtc_sink, GST,
                      ICE_WEBRTC_SINK, GstBaseSink)

GstElement *gst_ice_webrtc_src_new (IceAgent *agent, guint stream_id,
                                    guint component_id);
GstElement *gst_ice_webrtc_sink_new (IceAgent *agent, guint stream_id,
                                     guint component_id);

G_END_DECLS
#endif /* __GST_ICE_WEBRTC_ELEMENTS_H__ */
