/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The writable properties icesrc and icesink share: their storage,
 * defaults, validation and GParamSpecs.
 */
#ifndef __GST_ICE_SETTINGS_H__
#define __GST_ICE_SETTINGS_H__

#include <gst/gst.h>
#include "gsticeenums.h"

G_BEGIN_DECLS

/* Streams per agent an element can address (ids 0 .. MAX - 1). */
#define GST_ICE_MAX_STREAMS 256

#define DEFAULT_AGENT_NAME "default"
#define DEFAULT_STREAM 0
#define DEFAULT_COMPONENT 1
#define DEFAULT_RTCP_MUX TRUE
#define DEFAULT_STUN_SERVER NULL
#define DEFAULT_ICE_ROLE GST_ICE_ROLE_AUTO
#define DEFAULT_PORT_RANGE NULL
#define DEFAULT_BIND_ADDRESS NULL
#define DEFAULT_NOMINATION GST_ICE_NOMINATION_MODE_REGULAR
#define DEFAULT_CONSENT_FRESHNESS TRUE
#define DEFAULT_ICE_TCP FALSE
/* seconds; 0 = wait for the peer forever, like udpsrc's timeout */
#define DEFAULT_PEER_TIMEOUT 0
/* the largest peer-timeout whose milliseconds fit the agent's guint */
#define GST_ICE_MAX_PEER_TIMEOUT (G_MAXUINT / 1000)
#define DEFAULT_SIGNALLER NULL
#define DEFAULT_SIGNALLER_TOKEN NULL
#define DEFAULT_SIGNALLER_CA_FILE NULL
#define DEFAULT_TURN_SERVER NULL
#define DEFAULT_ICE_TRANSPORT_POLICY GST_ICE_TRANSPORT_POLICY_ALL
#define DEFAULT_TURN_CA_FILE NULL
#define DEFAULT_TURN_INSECURE FALSE
/* off: most non-browser peers (libnice, SIP gateways, gst-ice's own
 * loopback uses) cannot resolve names; docs/mdns.md "Default" */
#define DEFAULT_MDNS FALSE
/* the peer's <uuid>.local candidates are resolved (browsers send them) */
#define DEFAULT_MDNS_RESOLVE TRUE

/* Property ids shared by both elements; an element's own ids follow
 * GST_ICE_PROP_LAST. */
enum {
  GST_ICE_PROP_0,
  GST_ICE_PROP_AGENT_NAME,
  GST_ICE_PROP_STREAM,
  GST_ICE_PROP_COMPONENT,
  GST_ICE_PROP_RTCP_MUX,
  GST_ICE_PROP_STUN_SERVER,
  GST_ICE_PROP_ICE_ROLE,
  GST_ICE_PROP_PORT_RANGE,
  GST_ICE_PROP_BIND_ADDRESS,
  GST_ICE_PROP_NOMINATION,
  GST_ICE_PROP_CONSENT_FRESHNESS,
  GST_ICE_PROP_SIGNALLER,
  GST_ICE_PROP_TURN_SERVER,
  GST_ICE_PROP_ICE_TRANSPORT_POLICY,
  GST_ICE_PROP_TURN_CA_FILE,
  GST_ICE_PROP_TURN_INSECURE,
  GST_ICE_PROP_PEER_TIMEOUT,
  GST_ICE_PROP_SIGNALLER_TOKEN,
  GST_ICE_PROP_SIGNALLER_CA_FILE,
  GST_ICE_PROP_MDNS,
  GST_ICE_PROP_ICE_TCP,
  GST_ICE_PROP_INTERFACES,
  GST_ICE_PROP_EXCLUDE_INTERFACES,
  GST_ICE_PROP_RESTART_ON_NETWORK_CHANGE,
  GST_ICE_PROP_MDNS_RESOLVE,
  GST_ICE_PROP_UDP_MUX,
  GST_ICE_PROP_ICE_LITE,
  /* read-only, answered by the agent */
  GST_ICE_PROP_ICE_CONNECTION_STATE,
  GST_ICE_PROP_ICE_GATHERING_STATE,
  GST_ICE_PROP_SELECTED_PAIR,
  GST_ICE_PROP_STATS,
  GST_ICE_PROP_LOCAL_DESCRIPTION,
  GST_ICE_PROP_LAST
};

/* Bits of GstIceSettings.explicit: which agent-level settings the user set
 * on this element (only those are applied to a shared agent). */
typedef enum {
  GST_ICE_SET_STUN_SERVER = 1 << 0,
  GST_ICE_SET_ICE_ROLE = 1 << 1,
  GST_ICE_SET_PORT_RANGE = 1 << 2,
  GST_ICE_SET_BIND_ADDRESS = 1 << 3,
  GST_ICE_SET_NOMINATION = 1 << 4,
  GST_ICE_SET_CONSENT_FRESHNESS = 1 << 5,
  GST_ICE_SET_SIGNALLER = 1 << 6,
  GST_ICE_SET_TURN_SERVER = 1 << 7,
  GST_ICE_SET_ICE_TRANSPORT_POLICY = 1 << 8,
  GST_ICE_SET_TURN_CA_FILE = 1 << 9,
  GST_ICE_SET_TURN_INSECURE = 1 << 10,
  GST_ICE_SET_PEER_TIMEOUT = 1 << 11,
  GST_ICE_SET_MDNS = 1 << 12,
  GST_ICE_SET_ICE_TCP = 1 << 13,
  GST_ICE_SET_INTERFACES = 1 << 14,
  GST_ICE_SET_EXCLUDE_INTERFACES = 1 << 15,
  GST_ICE_SET_RESTART_ON_NETWORK_CHANGE = 1 << 16,
  GST_ICE_SET_MDNS_RESOLVE = 1 << 17,
  GST_ICE_SET_UDP_MUX = 1 << 18,
  GST_ICE_SET_ICE_LITE = 1 << 19,
} GstIceSettingFlags;

/**
 * GstIceSettings:
 * Element-side copy of the properties, guarded by the element's
 * GST_OBJECT_LOCK. @stun_host/@stun_port, @port_min/@port_max are the
 * validated forms of @stun_server and @port_range. @turn_server is the
 * "turn-server" property; @turn_servers the URIs given to the
 * "add-turn-server" action (NULL-terminated, or %NULL), kept so that they
 * are given again to the agent after a NULL→READY cycle.
 */
typedef struct {
  gchar *agent_name;
  guint stream;
  guint component;
  gboolean rtcp_mux;
  gchar *stun_server;
  gchar *stun_host;
  guint16 stun_port;
  GstIceRole role;
  gchar *port_range;
  guint16 port_min;
  guint16 port_max;
  gchar *bind_address;
  gboolean ice_tcp;
  GstIceNominationMode nomination;
  gboolean consent_freshness;
  guint peer_timeout; /* seconds, 0 = forever */
  gchar *signaller;
  gchar *signaller_token;
  gchar *signaller_ca_file;
  gchar *turn_server;
  gchar **turn_servers;
  GstIceTransportPolicy transport_policy;
  gchar *turn_ca_file;
  gboolean turn_insecure;
  gboolean mdns;
  gboolean mdns_resolve;
  gchar *interfaces;         /* gsticenetwork.c */
  gchar *exclude_interfaces; /* gsticenetwork.c */
  gboolean restart_on_network_change;
  gchar *udp_mux;    /* gsticenetwork.c */
  gboolean ice_lite; /* gsticenetwork.c */
  GstIceSettingFlags explicit;
} GstIceSettings;

void gst_ice_settings_init (GstIceSettings *settings);
void gst_ice_settings_clear (GstIceSettings *settings);
void gst_ice_settings_copy (GstIceSettings *dest, const GstIceSettings *src);

void gst_ice_settings_install_properties (GObjectClass *klass);
gboolean gst_ice_settings_set_property (GstObject *obj,
                                        GstIceSettings *settings, guint prop_id,
                                        const GValue *value);
gboolean gst_ice_settings_get_property (GstIceSettings *settings, guint prop_id,
                                        GValue *value);

gboolean gst_ice_parse_stun_server (const gchar *uri, gchar **host,
                                    guint16 *port, GError **error);
gboolean gst_ice_parse_port_range (const gchar *range, guint16 *min_port,
                                   guint16 *max_port, GError **error);
gboolean gst_ice_parse_bind_address (const gchar *address, GError **error);

G_END_DECLS
#endif /* __GST_ICE_SETTINGS_H__ */
