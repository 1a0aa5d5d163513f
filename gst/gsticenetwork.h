/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The elements' choice of interfaces and their reaction to address
 * changes: the "interfaces" and "exclude-interfaces" properties,
 * mirrored on the shared IceAgent.
 */
#ifndef __GST_ICE_NETWORK_H__
#define __GST_ICE_NETWORK_H__

#include <gst/gst.h>

#include "gsticeelement.h"
#include "gsticesettings.h"

G_BEGIN_DECLS

#define DEFAULT_INTERFACES NULL
#define DEFAULT_EXCLUDE_INTERFACES NULL

gchar **gst_ice_parse_interface_list (const gchar *property, const gchar *value,
                                      GError **error);
void gst_ice_network_install_properties (GObjectClass *klass);
gboolean gst_ice_network_set_setting (GstIceSettings *settings, guint prop_id,
                                      const GValue *value, GError **error);
gboolean gst_ice_network_get_setting (GstIceSettings *settings, guint prop_id,
                                      GValue *value);
void gst_ice_network_configure_agent (GstIceSharedAgent *shared,
                                      const GstIceSettings *settings);

G_END_DECLS
#endif /* __GST_ICE_NETWORK_H__ */
