/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GEnum types for the core's enums, so they can be GObject properties and
 * signal arguments (the core itself knows nothing of GObject).
 */
#ifndef __ICE_AGENT_ENUMS_H__
#define __ICE_AGENT_ENUMS_H__

#include <glib-object.h>

#include "ice/core/ice-session.h"

G_BEGIN_DECLS

/* IceRole: "controlling", "controlled" */
#define ICE_TYPE_ROLE (ice_role_get_type ())
GType ice_role_get_type (void);

/* IceNomination: "regular", "aggressive" */
#define ICE_TYPE_NOMINATION (ice_nomination_get_type ())
GType ice_nomination_get_type (void);

/* IceConnectionState: "new", "checking", "connected", "completed",
 * "disconnected", "failed", "closed" */
#define ICE_TYPE_CONNECTION_STATE (ice_connection_state_get_type ())
GType ice_connection_state_get_type (void);

/* IceGatheringState: "new", "gathering", "complete" */
#define ICE_TYPE_GATHERING_STATE (ice_gathering_state_get_type ())
GType ice_gathering_state_get_type (void);

/* IceAgentTransportPolicy (ice-agent.h): "all", "relay" */
#define ICE_TYPE_AGENT_TRANSPORT_POLICY (ice_agent_transport_policy_get_type ())
GType ice_agent_transport_policy_get_type (void);

G_END_DECLS
#endif /* __ICE_AGENT_ENUMS_H__ */
