/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GstIceWebRTCICE's instance, shared by gsticewebrtcice.c (streams,
 * candidates, the agent's signals) and gsticewebrtcservers.c (STUN, TURN,
 * the transport policy).
 */
#ifndef __GST_ICE_WEBRTC_ICE_PRIVATE_H__
#define __GST_ICE_WEBRTC_ICE_PRIVATE_H__

#include "gsticewebrtcice.h"
#include "ice/io/ice-agent.h"

G_BEGIN_DECLS

typedef struct _GstIceWebRTCGate GstIceWebRTCGate;

struct _GstIceWebRTCICE {
  GstWebRTCICE parent;
  IceAgent *agent;
  GstIceWebRTCGate *gate; /* how the agent's signals reach us */
  gulong handlers[4];
  GMutex lock;
  /* GstIceWebRTCStream*, owned, index = the agent's stream id; under lock */
  GPtrArray *streams;
  gchar *stun_server;
  gchar *turn_server;
  gchar *http_proxy;
  gboolean port_range_set;
  GstWebRTCICEOnCandidateFunc on_candidate;
  gpointer on_candidate_data;
  GDestroyNotify on_candidate_notify;
};

void gst_ice_webrtc_ice_install_server_vfuncs (GstWebRTCICEClass *ice_class);

G_END_DECLS
#endif /* __GST_ICE_WEBRTC_ICE_PRIVATE_H__ */
