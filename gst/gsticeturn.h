/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TURN in the elements: the "turn-server", "ice-transport-policy",
 * "turn-ca-file" and "turn-insecure" properties (webrtcbin's words), the
 * "add-turn-server" action signal, and the agent's "relay-error" turned
 * into an element warning.
 */
#ifndef __GST_ICE_TURN_H__
#define __GST_ICE_TURN_H__

#include <gst/gst.h>

#include "ice/io/ice-agent.h"
#include "gsticesettings.h"
#include "gsticeelement.h"

G_BEGIN_DECLS

gboolean gst_ice_parse_turn_server (const gchar *uri, GError **error);
gboolean gst_ice_parse_ca_file (const gchar *property, const gchar *path,
                                GError **error);
gboolean gst_ice_parse_turn_ca_file (const gchar *path, GError **error);

void gst_ice_turn_install_properties (GObjectClass *klass);
void gst_ice_turn_install_signals (GObjectClass *klass);
gboolean gst_ice_turn_set_setting (GstIceSettings *settings, guint prop_id,
                                   const GValue *value, GError **error);
gboolean gst_ice_turn_get_setting (GstIceSettings *settings, guint prop_id,
                                   GValue *value);

void gst_ice_turn_configure_agent (GstIceSharedAgent *shared,
                                   GstObject *element,
                                   const GstIceSettings *settings);
void gst_ice_turn_on_relay_error (IceAgent *agent, guint stream,
                                  guint component, guint code,
                                  const gchar *reason, GstElement *element);

G_END_DECLS
#endif /* __GST_ICE_TURN_H__ */
