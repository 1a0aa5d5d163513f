/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ice/io/ice-agent-enums.h"

static GType
register_enum_once (gsize *once, const gchar *name, const GEnumValue *values)
{
  if (g_once_init_enter (once))
    g_once_init_leave (once, g_enum_register_static (name, values));
  return (GType)*once;
}

GType
ice_role_get_type (void)
{
  static gsize once = 0;
  static const GEnumValue values[]
      = { { ICE_ROLE_CONTROLLING, "ICE_ROLE_CONTROLLING", "controlling" },
          { ICE_ROLE_CONTROLLED, "ICE_ROLE_CONTROLLED", "controlled" },
          { 0, NULL, NULL } };

  return register_enum_once (&once, "IceRole", values);
}

GType
ice_nomination_get_type (void)
{
  static gsize once = 0;
  static const GEnumValue values[]
      = { { ICE_NOMINATION_REGULAR, "ICE_NOMINATION_REGULAR", "regular" },
          { ICE_NOMINATION_AGGRESSIVE, "ICE_NOMINATION_AGGRESSIVE",
            "aggressive" },
          { 0, NULL, NULL } };

  return register_enum_once (&once, "IceNomination", values);
}

GType
ice_connection_state_get_type (void)
{
  static gsize once = 0;
  static const GEnumValue values[]
      = { { ICE_CONNECTION_NEW, "ICE_CONNECTION_NEW", "new" },
          { ICE_CONNECTION_CHECKING, "ICE_CONNECTION_CHECKING", "checking" },
          { ICE_CONNECTION_CONNECTED, "ICE_CONNECTION_CONNECTED", "connected" },
          { ICE_CONNECTION_COMPLETED, "ICE_CONNECTION_COMPLETED", "completed" },
          { ICE_CONNECTION_DISCONNECTED, "ICE_CONNECTION_DISCONNECTED",
            "disconnected" },
          { ICE_CONNECTION_FAILED, "ICE_CONNECTION_FAILED", "failed" },
          { ICE_CONNECTION_CLOSED, "ICE_CONNECTION_CLOSED", "closed" },
          { 0, NULL, NULL } };

  return register_enum_once (&once, "IceConnectionState", values);
}

GType
ice_gathering_state_get_type (void)
{
  static gsize once = 0;
  static const GEnumValue values[]
      = { { ICE_GATHERING_NEW, "ICE_GATHERING_NEW", "new" },
          { ICE_GATHERING_GATHERING, "ICE_GATHERING_GATHERING", "gathering" },
          { ICE_GATHERING_COMPLETE, "ICE_GATHERING_COMPLETE", "complete" },
          { 0, NULL, NULL } };

  return register_enum_once (&once, "IceGatheringState", values);
}

GType
ice_agent_transport_policy_get_type (void)
{
  static gsize once = 0;
  static const GEnumValue values[]
      = { { 0, "ICE_AGENT_TRANSPORT_POLICY_ALL", "all" },
          { 1, "ICE_AGENT_TRANSPORT_POLICY_RELAY", "relay" },
          { 0, NULL, NULL } };

  return register_enum_once (&once, "IceAgentTransportPolicy", values);
}
