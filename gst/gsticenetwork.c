/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Interfaces in the elements: "interfaces" and "exclude-interfaces" as
 * comma-separated strings (like "bind-address"), validated by the
 * agent's own rules and given to the shared agent as string lists; and
 * address changes: "restart-on-network-change", and the agent's
 * "local-address-lost" posted as an "ice-local-address-lost" element
 * message. The restart itself needs nothing here: the agent announces its
 * new credentials (local-credentials-changed) and the signallers publish
 * the new description as after a restart of the peer. And "udp-mux":
 * the agent's one shared UDP socket (ice/io/ice-udp-mux.h), and
 * "ice-lite" (RFC 8445 §2.5), both for servers on a public address.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticenetwork.h"

#include "ice/common/ice-addr.h"

#define GST_CAT_DEFAULT gst_ice_debug

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
  /**
   * GstIceSrc:restart-on-network-change:
   * When an address the agent gathered on goes away (the host's addresses
   * are watched with netlink; a burst of changes is taken as one after
   * 200 ms), restart ICE on the addresses there are now: with a signaller
   * the new description reaches the peer, which restarts too, and media
   * resumes on a new pair. FALSE: only post "ice-local-address-lost" and
   * let the application emit #GstIceSrc::restart. Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_RESTART_ON_NETWORK_CHANGE,
      g_param_spec_boolean ("restart-on-network-change",
                            "Restart on network change",
                            "Restart ICE when a local address in use goes "
                            "away (agent-level)",
                            DEFAULT_RESTART_ON_NETWORK_CHANGE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:udp-mux:
   * "HOST:PORT" (an IP address; port 0 picks one) of a UDP socket shared
   * by every agent of the process that names the same string: a server
   * answering many peers on one port. The agent gathers that one host
   * candidate (no STUN, TURN or ICE-TCP candidates) and needs rtcp-mux;
   * checks reach it by their ufrag, everything else by the peer's address.
   * NULL: the agent's own sockets. Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_UDP_MUX,
      g_param_spec_string ("udp-mux", "UDP mux",
                           "HOST:PORT of a UDP socket shared by every agent "
                           "of the process that names it (agent-level)",
                           DEFAULT_UDP_MUX,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:ice-lite:
   * Be an ICE-lite agent (RFC 8445 §2.5), for a server on a public
   * address facing full agents: host candidates only (no STUN or TURN),
   * always controlled, no checks of its own; the peer's nomination picks
   * the pair, a=ice-lite is in the description. Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_ICE_LITE,
      g_param_spec_boolean ("ice-lite", "ICE-lite",
                            "Be an ICE-lite agent (RFC 8445 2.5): host "
                            "candidates only, answers checks, sends none "
                            "(agent-level)",
                            DEFAULT_ICE_LITE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static gboolean
set_udp_mux (GstIceSettings *s, const gchar *value, GError **error)
{
  IceTransportAddr addr;

  if (value != NULL && *value != '\0'
      && (!ice_addr_parse (&addr, value) || ice_addr_is_unspecified (&addr))) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "udp-mux \"%s\" is not HOST:PORT with an IP address, e.g. "
                 "\"192.0.2.7:3478\"",
                 value);
    return FALSE;
  }
  g_free (s->udp_mux);
  s->udp_mux = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
  s->explicit |= GST_ICE_SET_UDP_MUX;
  return TRUE;
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
    case GST_ICE_PROP_RESTART_ON_NETWORK_CHANGE:
      s->restart_on_network_change = g_value_get_boolean (value);
      s->explicit |= GST_ICE_SET_RESTART_ON_NETWORK_CHANGE;
      return TRUE;
    case GST_ICE_PROP_UDP_MUX:
      return set_udp_mux (s, g_value_get_string (value), error);
    case GST_ICE_PROP_ICE_LITE:
      s->ice_lite = g_value_get_boolean (value);
      s->explicit |= GST_ICE_SET_ICE_LITE;
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
    case GST_ICE_PROP_RESTART_ON_NETWORK_CHANGE:
      g_value_set_boolean (value, s->restart_on_network_change);
      return TRUE;
    case GST_ICE_PROP_UDP_MUX:
      g_value_set_string (value, s->udp_mux);
      return TRUE;
    case GST_ICE_PROP_ICE_LITE:
      g_value_set_boolean (value, s->ice_lite);
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
  if (s->explicit & GST_ICE_SET_RESTART_ON_NETWORK_CHANGE)
    g_object_set (agent, "restart-on-network-change",
                  s->restart_on_network_change, NULL);
  if (s->explicit & GST_ICE_SET_UDP_MUX)
    g_object_set (agent, "udp-mux", s->udp_mux, NULL);
  if (s->explicit & GST_ICE_SET_ICE_LITE)
    g_object_set (agent, "ice-lite", s->ice_lite, NULL);
}

/**
 * gst_ice_network_on_address_lost:
 * @element: the element relaying the agent's signals
 *
 * The agent's "local-address-lost" (emitted off the packet thread, see
 * docs/ice-agent.md), posted as an "ice-local-address-lost" element
 * message with the address and whether the agent restarts by itself.
 */
void
gst_ice_network_on_address_lost (IceAgent *agent, const gchar *ip,
                                 gboolean restarting, GstElement *element)
{
  GST_INFO_OBJECT (element, "local address %s went away%s", ip,
                   restarting ? ": ICE restart" : "");
  gst_element_post_message (
      element, gst_message_new_element (
                   GST_OBJECT (element),
                   gst_structure_new ("ice-local-address-lost", "address",
                                      G_TYPE_STRING, ip, "restarting",
                                      G_TYPE_BOOLEAN, restarting, NULL)));
}
