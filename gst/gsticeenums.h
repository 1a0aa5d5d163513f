/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Enum types of the ice elements' properties.
 */
#ifndef __GST_ICE_ENUMS_H__
#define __GST_ICE_ENUMS_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GstIceRole:
 * @GST_ICE_ROLE_AUTO: start controlling; when both peers do, RFC 8445
 *   §7.3.1.1 role-conflict repair settles the roles by tie-breaker
 * @GST_ICE_ROLE_CONTROLLING: this agent nominates pairs
 * @GST_ICE_ROLE_CONTROLLED: the peer nominates pairs
 */
typedef enum {
  GST_ICE_ROLE_AUTO = 0,
  GST_ICE_ROLE_CONTROLLING,
  GST_ICE_ROLE_CONTROLLED,
} GstIceRole;

/**
 * GstIceNominationMode:
 * @GST_ICE_NOMINATION_MODE_REGULAR: RFC 8445 §8.1.1 regular nomination
 * @GST_ICE_NOMINATION_MODE_AGGRESSIVE: RFC 5245 aggressive nomination,
 *   toward peers that are not ice2
 */
typedef enum {
  GST_ICE_NOMINATION_MODE_REGULAR = 0,
  GST_ICE_NOMINATION_MODE_AGGRESSIVE,
} GstIceNominationMode;

/**
 * GstIceTransportPolicy:
 * @GST_ICE_TRANSPORT_POLICY_ALL: every candidate type (webrtcbin "all")
 * @GST_ICE_TRANSPORT_POLICY_RELAY: only relayed candidates (TURN), so the
 *   peer never learns our addresses (webrtcbin "relay")
 *
 * The values match the agent's #IceAgentTransportPolicy.
 */
typedef enum {
  GST_ICE_TRANSPORT_POLICY_ALL = 0,
  GST_ICE_TRANSPORT_POLICY_RELAY,
} GstIceTransportPolicy;

/**
 * GstIceConnectionState:
 * The words of webrtcbin / W3C RTCIceConnectionState; the values match the
 * core's #IceConnectionState.
 */
typedef enum {
  GST_ICE_CONNECTION_STATE_NEW = 0,
  GST_ICE_CONNECTION_STATE_CHECKING,
  GST_ICE_CONNECTION_STATE_CONNECTED,
  GST_ICE_CONNECTION_STATE_COMPLETED,
  GST_ICE_CONNECTION_STATE_DISCONNECTED,
  GST_ICE_CONNECTION_STATE_FAILED,
  GST_ICE_CONNECTION_STATE_CLOSED,
} GstIceConnectionState;

/**
 * GstIceGatheringState:
 * The values match the core's #IceGatheringState.
 */
typedef enum {
  GST_ICE_GATHERING_STATE_NEW = 0,
  GST_ICE_GATHERING_STATE_GATHERING,
  GST_ICE_GATHERING_STATE_COMPLETE,
} GstIceGatheringState;

#define GST_TYPE_ICE_ROLE (gst_ice_role_get_type ())
GType gst_ice_role_get_type (void);

#define GST_TYPE_ICE_NOMINATION_MODE (gst_ice_nomination_mode_get_type ())
GType gst_ice_nomination_mode_get_type (void);

#define GST_TYPE_ICE_TRANSPORT_POLICY (gst_ice_transport_policy_get_type ())
GType gst_ice_transport_policy_get_type (void);

#define GST_TYPE_ICE_CONNECTION_STATE (gst_ice_connection_state_get_type ())
GType gst_ice_connection_state_get_type (void);

#define GST_TYPE_ICE_GATHERING_STATE (gst_ice_gathering_state_get_type ())
GType gst_ice_gathering_state_get_type (void);

G_END_DECLS
#endif /* __GST_ICE_ENUMS_H__ */
