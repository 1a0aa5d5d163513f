/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The elements' choice of interfaces and their reaction to address
 * changes: the "interfaces", "exclude-interfaces" and
 * "restart-on-network-change" properties, mirrored on the shared IceAgent,
 * and the agent's "local-address-lost" as an element message.
 */
#ifndef __GST_ICE_NETWORK_H__
#define __GST_ICE_NETWORK_H__

#include <gst/gst.h>

#include "ice/io/ice-agent.h"
#include "gsticeelement.h"
#include "gsticesettings.h"

G_BEGIN_DECLS

#define DEFAULT_INTERFACES NULL
#define DEFAULT_EXCLUDE_INTERFACES NULL
#define DEFAULT_UDP_MUX NULL
#define DEFAULT_ICE_LITE FALSE
#define DEFAULT_RESTART_ON_NETWORK_CHANGE TRUE

gchar **gst_ice_parse_interface_list (const gchar *property, const gchar *value,
                                      GError **error);
void gst_ice_network_install_properties (GObjectClass *klass);
gboolean gst_ice_network_set_setting (GstIceSettings *settings, guint prop_id,
                                      const GValue *value, GError **error);
gboolean gst_ice_network_get_setting (GstIceSettings *settings, guint prop_id,
                                      GValue *value);
void gst_ice_network_on_address_lost (IceAgent *agent, const gchar *ip,
                                      gboolean restarting, GstElement *element);
void gst_ice_network_configure_agent (GstIceSharedAgent *shared,
                                      const GstIceSettings *settings);

G_END_DECLS
#endif /* __GST_ICE_NETWORK_H__ */
