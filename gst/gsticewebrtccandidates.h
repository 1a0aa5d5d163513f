/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The candidate queries webrtcbin's get-stats makes, answered from the
 * IceAgent's candidate statistics (component 1 only: rtcp-mux).
 */
#ifndef __GST_ICE_WEBRTC_CANDIDATES_H__
#define __GST_ICE_WEBRTC_CANDIDATES_H__

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

#include "ice/io/ice-agent.h"

G_BEGIN_DECLS

GstWebRTCICECandidateStats **
gst_ice_webrtc_candidates_list (IceAgent *agent, GstWebRTCICEStream *stream,
                                gboolean local);
gboolean
gst_ice_webrtc_candidates_selected (IceAgent *agent, GstWebRTCICEStream *stream,
                                    GstWebRTCICECandidateStats **local,
                                    GstWebRTCICECandidateStats **remote);

G_END_DECLS
#endif /* __GST_ICE_WEBRTC_CANDIDATES_H__ */
