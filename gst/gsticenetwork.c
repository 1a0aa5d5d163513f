/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Interfaces in the elements: "interfaces" and "exclude-interfaces" as
 * comma-separated strings (like "bind-address"), validated by the
 * agent's own rules and given to the shared agent as string lists.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticenetwork.h"

#include "ice/io/ice-agent.h"

/**
 * gst_ice_parse_interface_list:
 * @property: the property's name, for the message
 * @value: (nullable): "eth0,wlan*"; %NULL or "" is the empty list
 *
 * Returns: (transfer full): the trimmed entries (an empty list for an
 *   empty @value), or %NULL with @error saying what was expected.
 */
gchar **
gst_ice_parse_interface_list (const gchar *property, const gchar *value,
                              GError **error)
{
  gchar **items;
  guint i;

  if (value == NULL || *value == '\0')
    return g_new0 (gchar *, 1);
  items = g_strsplit (value, ",", -1);
  for (i = 0; items[i] != NULL; i++)
    g_strstrip (items[i]);
  if (!ice_agent_validate_interface_list (property, (const gchar *const *)items,
                                          error))
    g_clear_pointer (&items, g_strfreev);
  return items;
}

/**
 * gst_ice_network_install_properties:
 * @klass: icesrc's or icesink's class
 */
void
gst_ice_network_install_properties (GObjectClass *klass)
{
  /**
   * GstIceSrc:interfaces:
   * Comma-separated interface names or glob patterns ('*', '?') to gather
   * on, e.g. "eth0,wlan*"; NULL = every usable interface. Applies
   * together with bind-address; "lo" named exactly allows loopback.
   * Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_INTERFACES,
      g_param_spec_string ("interfaces", "Interfaces",
                           "Interface names or patterns to gather on, "
                           "comma-separated, e.g. eth0,wlan* (agent-level)",
                           DEFAULT_INTERFACES,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:exclude-interfaces:
   * Comma-separated interface names or glob patterns never gathered on,
   * e.g. "docker*,veth*,virbr*"; wins over interfaces and bind-address.
   * NULL excludes nothing. Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_EXCLUDE_INTERFACES,
      g_param_spec_string ("exclude-interfaces", "Exclude interfaces",
                           "Interface names or patterns never gathered on, "
                           "comma-separated, e.g. docker*,veth* (agent-level)",
                           DEFAULT_EXCLUDE_INTERFACES,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static gboolean
set_list (gchar **field, const gchar *property, const gchar *value,
          GError **error)
{
  gchar **items = gst_ice_parse_interface_list (property, value, error);

  if (items == NULL)
    return FALSE;
  g_strfreev (items);
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/**
 * gst_ice_network_set_setting:
 * @settings: the element's settings; call with the object lock held
 * @error: why a value was refused (the setting is then unchanged)
 *
 * Returns: %FALSE if the value was refused.
 */
gboolean
gst_ice_network_set_setting (GstIceSettings *s, guint prop_id,
                             const GValue *value, GError **error)
{
  switch (prop_id) {
    case GST_ICE_PROP_INTERFACES:
      if (!set_list (&s->interfaces, "interfaces", g_value_get_string (value),
                     error))
        return FALSE;
      s->explicit |= GST_ICE_SET_INTERFACES;
      return TRUE;
    case GST_ICE_PROP_EXCLUDE_INTERFACES:
      if (!set_list (&s->exclude_interfaces, "exclude-interfaces",
                     g_value_get_string (value), error))
        return FALSE;
      s->explicit |= GST_ICE_SET_EXCLUDE_INTERFACES;
      return TRUE;
    default:
      g_assert_not_reached ();
      return FALSE;
  }
}

/**
 * gst_ice_network_get_setting:
 * Call with the element's object lock held.
 *
 * Returns: %FALSE if @prop_id is not one of this file's properties.
 */
gboolean
gst_ice_network_get_setting (GstIceSettings *s, guint prop_id, GValue *value)
{
  switch (prop_id) {
    case GST_ICE_PROP_INTERFACES:
      g_value_set_string (value, s->interfaces);
      return TRUE;
    case GST_ICE_PROP_EXCLUDE_INTERFACES:
      g_value_set_string (value, s->exclude_interfaces);
      return TRUE;
    default:
      return FALSE;
  }
}

static void
configure_list (IceAgent *agent, const gchar *property, const gchar *value)
{
  /* validated when set */
  gchar **items = gst_ice_parse_interface_list (property, value, NULL);

  g_object_set (agent, property, items, NULL);
  g_strfreev (items);
}

/**
 * gst_ice_network_configure_agent:
 * @shared: the element's shared agent
 * @settings: the element's settings at NULL→READY; only what it set
 *   explicitly is applied (the precedence rule of gsticeelement.c)
 */
void
gst_ice_network_configure_agent (GstIceSharedAgent *shared,
                                 const GstIceSettings *s)
{
  IceAgent *agent = gst_ice_shared_agent_get_agent (shared);

  if (s->explicit & GST_ICE_SET_INTERFACES)
    configure_list (agent, "interfaces", s->interfaces);
  if (s->explicit & GST_ICE_SET_EXCLUDE_INTERFACES)
    configure_list (agent, "exclude-interfaces", s->exclude_interfaces);
}
