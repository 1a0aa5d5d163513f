/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticeenums.h"

/**
 * gst_ice_role_get_type:
 *
 * Returns: the #GType of #GstIceRole ("auto", "controlling", "controlled").
 */
GType
gst_ice_role_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_ICE_ROLE_AUTO, "Start controlling, let role-conflict repair decide",
      "auto" },
    { GST_ICE_ROLE_CONTROLLING, "Controlling: this agent nominates",
      "controlling" },
    { GST_ICE_ROLE_CONTROLLED, "Controlled: the peer nominates", "controlled" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstIceRole", values);

    g_once_init_leave (&type, t);
  }
  return type;
}

/**
 * gst_ice_nomination_mode_get_type:
 *
 * Returns: the #GType of #GstIceNominationMode ("regular", "aggressive").
 */
GType
gst_ice_nomination_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_ICE_NOMINATION_MODE_REGULAR, "Regular nomination (RFC 8445)",
      "regular" },
    { GST_ICE_NOMINATION_MODE_AGGRESSIVE,
      "Aggressive nomination (every check nominates; whatever the peer)",
      "aggressive" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstIceNominationMode", values);

    g_once_init_leave (&type, t);
  }
  return type;
}

/**
 * gst_ice_transport_policy_get_type:
 *
 * Returns: the #GType of #GstIceTransportPolicy ("all", "relay").
 */
GType
gst_ice_transport_policy_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_ICE_TRANSPORT_POLICY_ALL, "Every candidate type", "all" },
    { GST_ICE_TRANSPORT_POLICY_RELAY, "Relayed candidates only (TURN)",
      "relay" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstIceTransportPolicy", values);

    g_once_init_leave (&type, t);
  }
  return type;
}

/**
 * gst_ice_connection_state_get_type:
 *
 * Returns: the #GType of #GstIceConnectionState.
 */
GType
gst_ice_connection_state_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_ICE_CONNECTION_STATE_NEW, "New", "new" },
    { GST_ICE_CONNECTION_STATE_CHECKING, "Checking", "checking" },
    { GST_ICE_CONNECTION_STATE_CONNECTED, "Connected", "connected" },
    { GST_ICE_CONNECTION_STATE_COMPLETED, "Completed", "completed" },
    { GST_ICE_CONNECTION_STATE_DISCONNECTED, "Disconnected", "disconnected" },
    { GST_ICE_CONNECTION_STATE_FAILED, "Failed", "failed" },
    { GST_ICE_CONNECTION_STATE_CLOSED, "Closed", "closed" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstIceConnectionState", values);

    g_once_init_leave (&type, t);
  }
  return type;
}

/**
 * gst_ice_gathering_state_get_type:
 *
 * Returns: the #GType of #GstIceGatheringState.
 */
GType
gst_ice_gathering_state_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_ICE_GATHERING_STATE_NEW, "New", "new" },
    { GST_ICE_GATHERING_STATE_GATHERING, "Gathering", "gathering" },
    { GST_ICE_GATHERING_STATE_COMPLETE, "Complete", "complete" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstIceGatheringState", values);

    g_once_init_leave (&type, t);
  }
  return type;
}
