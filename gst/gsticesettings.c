/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared writable properties of icesrc and icesink. A bad value is refused
 * with a warning that says what was expected; the property keeps its old
 * value.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticesettings.h"
#include "gsticesignaller.h"
#include "gsticeelement.h"
#include "gsticenetwork.h"
#include "gsticeturn.h"

#include <gio/gio.h>
#include <net/if.h>
#include <string.h>

#define GST_CAT_DEFAULT gst_ice_debug

/* RFC 8489 §18.6: the default STUN port */
#define STUN_DEFAULT_PORT 3478

/**
 * gst_ice_settings_init:
 * @settings: storage to fill with the defaults
 */
void
gst_ice_settings_init (GstIceSettings *settings)
{
  memset (settings, 0, sizeof (*settings));
  settings->agent_name = g_strdup (DEFAULT_AGENT_NAME);
  settings->stream = DEFAULT_STREAM;
  settings->component = DEFAULT_COMPONENT;
  settings->rtcp_mux = DEFAULT_RTCP_MUX;
  settings->role = DEFAULT_ICE_ROLE;
  settings->nomination = DEFAULT_NOMINATION;
  settings->consent_freshness = DEFAULT_CONSENT_FRESHNESS;
  settings->ice_tcp = DEFAULT_ICE_TCP;
  settings->peer_timeout = DEFAULT_PEER_TIMEOUT;
  settings->transport_policy = DEFAULT_ICE_TRANSPORT_POLICY;
  settings->turn_insecure = DEFAULT_TURN_INSECURE;
  settings->mdns = DEFAULT_MDNS;
  settings->mdns_resolve = DEFAULT_MDNS_RESOLVE;
  settings->restart_on_network_change = DEFAULT_RESTART_ON_NETWORK_CHANGE;
}

/**
 * gst_ice_settings_clear:
 * @settings: frees the strings; @settings may be initialised again
 */
void
gst_ice_settings_clear (GstIceSettings *settings)
{
  g_clear_pointer (&settings->agent_name, g_free);
  g_clear_pointer (&settings->stun_server, g_free);
  g_clear_pointer (&settings->stun_host, g_free);
  g_clear_pointer (&settings->port_range, g_free);
  g_clear_pointer (&settings->bind_address, g_free);
  g_clear_pointer (&settings->signaller, g_free);
  g_clear_pointer (&settings->signaller_token, g_free);
  g_clear_pointer (&settings->signaller_ca_file, g_free);
  g_clear_pointer (&settings->turn_server, g_free);
  g_clear_pointer (&settings->turn_servers, g_strfreev);
  g_clear_pointer (&settings->turn_ca_file, g_free);
  g_clear_pointer (&settings->interfaces, g_free);
  g_clear_pointer (&settings->exclude_interfaces, g_free);
  g_clear_pointer (&settings->udp_mux, g_free);
}

/**
 * gst_ice_settings_copy:
 * @dest: uninitialised or cleared storage
 * @src: the settings to copy (strings are duplicated)
 */
void
gst_ice_settings_copy (GstIceSettings *dest, const GstIceSettings *src)
{
  *dest = *src;
  dest->agent_name = g_strdup (src->agent_name);
  dest->stun_server = g_strdup (src->stun_server);
  dest->stun_host = g_strdup (src->stun_host);
  dest->port_range = g_strdup (src->port_range);
  dest->bind_address = g_strdup (src->bind_address);
  dest->signaller = g_strdup (src->signaller);
  dest->signaller_token = g_strdup (src->signaller_token);
  dest->signaller_ca_file = g_strdup (src->signaller_ca_file);
  dest->turn_server = g_strdup (src->turn_server);
  dest->turn_servers = g_strdupv (src->turn_servers);
  dest->turn_ca_file = g_strdup (src->turn_ca_file);
  dest->interfaces = g_strdup (src->interfaces);
  dest->exclude_interfaces = g_strdup (src->exclude_interfaces);
  dest->udp_mux = g_strdup (src->udp_mux);
}

/**
 * gst_ice_parse_stun_server:
 * @uri: "stun://HOST[:PORT][?transport=udp|tcp]"
 *
 * Returns: %TRUE and the host and port (3478 if absent), or %FALSE with
 *   @error saying what was expected.
 */
gboolean
gst_ice_parse_stun_server (const gchar *uri, gchar **host, guint16 *port,
                           GError **error)
{
  gchar *scheme = NULL, *query = NULL;
  gint p = -1;
  gboolean ok;

  ok = uri
       && g_uri_split (uri, G_URI_FLAGS_NONE, &scheme, NULL, host, &p, NULL,
                       &query, NULL, NULL)
       && g_ascii_strcasecmp (scheme, "stun") == 0 && *host && **host
       && (query == NULL || g_ascii_strcasecmp (query, "transport=udp") == 0
           || g_ascii_strcasecmp (query, "transport=tcp") == 0);
  g_free (scheme);
  g_free (query);
  if (!ok) {
    if (host)
      g_clear_pointer (host, g_free);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "invalid stun-server '%s': expected "
                 "stun://HOST:PORT[?transport=udp|tcp]",
                 uri ? uri : "(null)");
    return FALSE;
  }
  *port = p > 0 ? (guint16)p : STUN_DEFAULT_PORT;
  return TRUE;
}

/**
 * gst_ice_parse_port_range:
 * @range: "MIN-MAX" with 1 <= MIN <= MAX <= 65535
 *
 * Returns: %TRUE and the bounds, or %FALSE with @error set.
 */
gboolean
gst_ice_parse_port_range (const gchar *range, guint16 *min_port,
                          guint16 *max_port, GError **error)
{
  guint64 lo, hi;
  gchar *end;

  if (range == NULL || !g_ascii_isdigit (range[0]))
    goto bad;
  lo = g_ascii_strtoull (range, &end, 10);
  if (*end != '-' || !g_ascii_isdigit (end[1]))
    goto bad;
  hi = g_ascii_strtoull (end + 1, &end, 10);
  if (*end != '\0' || lo < 1 || lo > hi || hi > 65535)
    goto bad;
  *min_port = (guint16)lo;
  *max_port = (guint16)hi;
  return TRUE;

  /* ERRORS */
bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "invalid port-range '%s': expected MIN-MAX with "
               "1 <= MIN <= MAX <= 65535, e.g. 40000-40100",
               range ? range : "(null)");
  return FALSE;
}

/**
 * gst_ice_parse_bind_address:
 * @address: comma-separated IP addresses and interface names
 *
 * Returns: %TRUE if every item is an IP literal or an existing interface.
 */
gboolean
gst_ice_parse_bind_address (const gchar *address, GError **error)
{
  gchar **items;
  guint i;
  gboolean ok = address != NULL && *address != '\0';

  items = g_strsplit (address ? address : "", ",", -1);
  for (i = 0; ok && items[i]; i++) {
    const gchar *item = g_strstrip (items[i]);

    ok = *item != '\0'
         && (g_hostname_is_ip_address (item) || if_nametoindex (item) != 0);
  }
  g_strfreev (items);
  if (!ok)
    g_set_error (
        error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "invalid bind-address '%s': expected IP addresses or interface "
        "names separated by commas, e.g. 127.0.0.1 or eth0,::1",
        address ? address : "(null)");
  return ok;
}

/* Agent-level settings about sockets: where to gather from. */
static void
install_socket_properties (GObjectClass *klass)
{
  /**
   * GstIceSrc:port-range:
   * Local UDP ports "MIN-MAX", or NULL for any port. Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_PORT_RANGE,
      g_param_spec_string ("port-range", "Port range",
                           "Local UDP port range MIN-MAX (agent-level)",
                           DEFAULT_PORT_RANGE,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:bind-address:
   * Comma-separated IP addresses and interface names to gather from; NULL
   * gathers every non-loopback interface, or loopback on a machine that
   * has no other. Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_BIND_ADDRESS,
      g_param_spec_string (
          "bind-address", "Bind address",
          "IP addresses or interface names to gather from, comma-separated "
          "(agent-level)",
          DEFAULT_BIND_ADDRESS, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:ice-tcp:
   * Also gather ICE-TCP host candidates (RFC 6544: a listening socket per
   * host address, passive, and active ones) for hosts whose firewall
   * blocks UDP; they rank below UDP, which wins when both work. Media on
   * a TCP pair is framed per RFC 4571. Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_ICE_TCP,
      g_param_spec_boolean ("ice-tcp", "ICE-TCP",
                            "Also gather RFC 6544 TCP host candidates, "
                            "ranked below UDP (agent-level)",
                            DEFAULT_ICE_TCP,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
install_agent_properties (GObjectClass *klass)
{
  /**
   * GstIceSrc:stun-server:
   * STUN server for server-reflexive candidates,
   * "stun://HOST:PORT[?transport=udp|tcp]". Without a transport it is
   * asked over UDP and, with #GstIceSrc:ice-tcp, over TCP from the
   * ICE-TCP listeners too (RFC 6544 server-reflexive TCP candidates).
   * An agent-level setting.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_STUN_SERVER,
      g_param_spec_string ("stun-server", "STUN server",
                           "STUN server as stun://HOST:PORT[?transport="
                           "udp|tcp] (no transport: UDP, and TCP with "
                           "ice-tcp; agent-level)",
                           DEFAULT_STUN_SERVER,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:ice-role:
   * The ICE role; "auto" starts controlling and lets RFC 8445 §7.3.1.1
   * role-conflict repair decide when the peer does the same.
   * An agent-level setting.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_ICE_ROLE,
      g_param_spec_enum ("ice-role", "ICE role", "ICE role (agent-level)",
                         GST_TYPE_ICE_ROLE, DEFAULT_ICE_ROLE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:nomination:
   * Regular (RFC 8445, the default: the best valid pair is nominated as soon
   * as no better pair can plausibly still answer) or aggressive (every check
   * nominates, whatever the peer announces, but never toward an ice-lite
   * peer: one round trip less, but the first pair to answer is used until
   * a better one does). Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_NOMINATION,
      g_param_spec_enum ("nomination", "Nomination",
                         "Nomination mode when controlling (agent-level)",
                         GST_TYPE_ICE_NOMINATION_MODE, DEFAULT_NOMINATION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:consent-freshness:
   * RFC 7675 consent freshness checks. Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_CONSENT_FRESHNESS,
      g_param_spec_boolean (
          "consent-freshness", "Consent freshness",
          "Check consent to send every ~5 s, RFC 7675 (agent-level)",
          DEFAULT_CONSENT_FRESHNESS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:mdns:
   * Publish host candidates as random `<uuid>.local` names (new ones per
   * ICE session) and answer mDNS queries for them on 224.0.0.251:5353
   * and [ff02::fb]:5353, as browsers do
   * (draft-ietf-mmusic-mdns-ice-candidates): the description and trickled
   * candidates carry no local address, and server-reflexive candidates say
   * `raddr 0.0.0.0 rport 0`. Off by default: a peer that cannot resolve mDNS
   * names (libnice, most gateways) then reaches us only if we check it first,
   * and loopback has no multicast. Agent-level; set before the agent gathers.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_MDNS,
      g_param_spec_boolean ("mdns", "mDNS host candidates",
                            "Publish host candidates as <uuid>.local names "
                            "answered with mDNS, never their addresses "
                            "(agent-level)",
                            DEFAULT_MDNS,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:mdns-resolve:
   * Resolve the peer's `<uuid>.local` candidates (browsers send their
   * host candidates so) with mDNS queries on 224.0.0.251:5353 and
   * [ff02::fb]:5353 (IPv4 only on a host without IPv6); the
   * candidate is added when the name answers, and counts as unresolved
   * after 5 s without an answer. FALSE refuses such candidates at once as
   * unresolved and sends no query (a host where multicast must stay
   * quiet). Agent-level; docs/mdns.md.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_MDNS_RESOLVE,
      g_param_spec_boolean ("mdns-resolve", "Resolve mDNS candidates",
                            "Resolve the peer's <uuid>.local candidates "
                            "with mDNS queries (agent-level)",
                            DEFAULT_MDNS_RESOLVE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:peer-timeout:
   * Seconds a stream waits for the peer's description before it fails
   * (the RFC 8863 PAC time, 39.5 s, is the library's default). 0 waits
   * forever, as udpsrc does, so two pipelines meeting through a signaller
   * may start minutes apart. Once the peer is heard, the usual failure
   * rules apply. Agent-level, frozen at the agent's first stream.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_PEER_TIMEOUT,
      g_param_spec_uint ("peer-timeout", "Peer timeout",
                         "Seconds to wait for the peer's description before "
                         "failing, 0 = forever (agent-level)",
                         0, GST_ICE_MAX_PEER_TIMEOUT, DEFAULT_PEER_TIMEOUT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:signaller:
   * Where to exchange descriptions with the peer: "file:///DIR" (a room
   * directory shared by two peers), or "ws://HOST:PORT/ROOM" /
   * "wss://HOST:PORT/ROOM[?token=T]" (a room on a `gst-ice serve`
   * server, docs/signalling.md). NULL: the application uses the signals.
   * Agent-level; the first element of a stream names its signaller.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_SIGNALLER,
      g_param_spec_string ("signaller", "Signaller",
                           "Signalling URI: file:///DIRECTORY, "
                           "ws://HOST:PORT/ROOM or wss://HOST:PORT/ROOM, "
                           "optionally ?token=SECRET (agent-level)",
                           DEFAULT_SIGNALLER,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:signaller-token:
   * The token a `gst-ice serve --token` server asks for; wins over a
   * ?token= in the signaller URI. Sent as the URL's query.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_SIGNALLER_TOKEN,
      g_param_spec_string ("signaller-token", "Signaller token",
                           "Token for a ws:// or wss:// signaller's server "
                           "(instead of ?token= in the URI)",
                           DEFAULT_SIGNALLER_TOKEN,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:signaller-ca-file:
   * PEM file of the CAs that sign the wss:// signalling server's
   * certificate (e.g. a test or private CA); NULL = the system's store.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_SIGNALLER_CA_FILE,
      g_param_spec_string ("signaller-ca-file", "Signaller CA file",
                           "PEM file of the CAs trusted for a wss:// "
                           "signaller (NULL = the system store)",
                           DEFAULT_SIGNALLER_CA_FILE,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  install_socket_properties (klass);
  gst_ice_network_install_properties (klass);
  gst_ice_turn_install_properties (klass);
}

/**
 * gst_ice_settings_install_properties:
 * @klass: the class of icesrc or icesink
 *
 * Installs the writable properties both elements share.
 */
void
gst_ice_settings_install_properties (GObjectClass *klass)
{
  /**
   * GstIceSrc:agent-name:
   * Elements with the same name in one process share one ICE agent. The
   * default name, "default", is scoped by the top-level bin: the
   * elements of one pipeline share one agent, those of two pipelines (or
   * an element without a parent) do not. The scope is looked up when the
   * element goes NULL→READY.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_AGENT_NAME,
      g_param_spec_string (
          "agent-name", "Agent name",
          "Elements with the same agent name share one ICE agent; "
          "\"default\" is one agent per top-level pipeline",
          DEFAULT_AGENT_NAME, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:stream:
   * The agent's stream this element carries.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_STREAM,
      g_param_spec_uint ("stream", "Stream", "ICE stream id", 0,
                         GST_ICE_MAX_STREAMS - 1, DEFAULT_STREAM,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:component:
   * 1 (RTP, and RTCP when muxed) or 2 (RTCP, only with rtcp-mux=false).
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_COMPONENT,
      g_param_spec_uint (
          "component", "Component",
          "ICE component: 1 = RTP, 2 = RTCP when rtcp-mux is false", 1, 2,
          DEFAULT_COMPONENT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:rtcp-mux:
   * RTCP shares component 1 with RTP (RFC 5761); otherwise the stream
   * has a second component for RTCP. The stream gets two components if
   * any element holding the agent when the stream starts (the first of
   * its elements goes READY→PAUSED) has rtcp-mux=false; a component
   * cannot be added later, so an element with rtcp-mux=false that takes
   * the agent after a one-component stream started fails to start.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_RTCP_MUX,
      g_param_spec_boolean ("rtcp-mux", "RTCP mux",
                            "RTP and RTCP share component 1", DEFAULT_RTCP_MUX,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  install_agent_properties (klass);
}

static void
refuse (GstObject *obj, GError *err)
{
  GST_WARNING_OBJECT (obj, "%s", err->message);
  g_warning ("%s: %s; the property is left unchanged", GST_OBJECT_NAME (obj),
             err->message);
  g_error_free (err);
}

/* Validates and stores the string settings; called with the object lock
 * held. */
static gboolean
set_string_setting (GstIceSettings *s, guint prop_id, const gchar *v,
                    GError **err)
{
  gchar *host = NULL;
  guint16 a = 0, b = 0;

  switch (prop_id) {
    case GST_ICE_PROP_STUN_SERVER:
      if (v && !gst_ice_parse_stun_server (v, &host, &a, err))
        return FALSE;
      g_free (s->stun_server);
      s->stun_server = g_strdup (v);
      g_free (s->stun_host);
      s->stun_host = host;
      s->stun_port = a;
      s->explicit |= GST_ICE_SET_STUN_SERVER;
      return TRUE;
    case GST_ICE_PROP_PORT_RANGE:
      if (v && !gst_ice_parse_port_range (v, &a, &b, err))
        return FALSE;
      g_free (s->port_range);
      s->port_range = g_strdup (v);
      s->port_min = a;
      s->port_max = b;
      s->explicit |= GST_ICE_SET_PORT_RANGE;
      return TRUE;
    case GST_ICE_PROP_BIND_ADDRESS:
      if (v && !gst_ice_parse_bind_address (v, err))
        return FALSE;
      g_free (s->bind_address);
      s->bind_address = g_strdup (v);
      s->explicit |= GST_ICE_SET_BIND_ADDRESS;
      return TRUE;
    case GST_ICE_PROP_SIGNALLER:
      if (v && !gst_ice_signaller_uri_is_valid (v, err))
        return FALSE;
      g_free (s->signaller);
      s->signaller = g_strdup (v);
      s->explicit |= GST_ICE_SET_SIGNALLER;
      return TRUE;
    case GST_ICE_PROP_SIGNALLER_TOKEN:
      g_free (s->signaller_token);
      s->signaller_token = g_strdup (v);
      return TRUE;
    case GST_ICE_PROP_SIGNALLER_CA_FILE:
      if (v && !gst_ice_parse_ca_file ("signaller-ca-file", v, err))
        return FALSE;
      g_free (s->signaller_ca_file);
      s->signaller_ca_file = g_strdup (v);
      return TRUE;
    default:
      g_assert_not_reached ();
      return FALSE;
  }
}

/**
 * gst_ice_settings_set_property:
 * @obj: the element, for messages and its object lock
 *
 * Returns: %FALSE if @prop_id is not a shared writable property.
 */
gboolean
gst_ice_settings_set_property (GstObject *obj, GstIceSettings *s, guint prop_id,
                               const GValue *value)
{
  GError *err = NULL;
  gboolean ok = TRUE;

  GST_OBJECT_LOCK (obj);
  switch (prop_id) {
    case GST_ICE_PROP_AGENT_NAME:
      g_free (s->agent_name);
      s->agent_name = g_value_dup_string (value);
      if (s->agent_name == NULL)
        s->agent_name = g_strdup (DEFAULT_AGENT_NAME);
      break;
    case GST_ICE_PROP_STREAM:
      s->stream = g_value_get_uint (value);
      break;
    case GST_ICE_PROP_COMPONENT:
      s->component = g_value_get_uint (value);
      break;
    case GST_ICE_PROP_RTCP_MUX:
      s->rtcp_mux = g_value_get_boolean (value);
      break;
    case GST_ICE_PROP_STUN_SERVER:
    case GST_ICE_PROP_PORT_RANGE:
    case GST_ICE_PROP_BIND_ADDRESS:
    case GST_ICE_PROP_SIGNALLER:
    case GST_ICE_PROP_SIGNALLER_TOKEN:
    case GST_ICE_PROP_SIGNALLER_CA_FILE:
      ok = set_string_setting (s, prop_id, g_value_get_string (value), &err);
      break;
    case GST_ICE_PROP_ICE_ROLE:
      s->role = g_value_get_enum (value);
      s->explicit |= GST_ICE_SET_ICE_ROLE;
      break;
    case GST_ICE_PROP_NOMINATION:
      s->nomination = g_value_get_enum (value);
      s->explicit |= GST_ICE_SET_NOMINATION;
      break;
    case GST_ICE_PROP_CONSENT_FRESHNESS:
      s->consent_freshness = g_value_get_boolean (value);
      s->explicit |= GST_ICE_SET_CONSENT_FRESHNESS;
      break;
    case GST_ICE_PROP_PEER_TIMEOUT:
      s->peer_timeout = g_value_get_uint (value);
      s->explicit |= GST_ICE_SET_PEER_TIMEOUT;
      break;
    case GST_ICE_PROP_MDNS:
      s->mdns = g_value_get_boolean (value);
      s->explicit |= GST_ICE_SET_MDNS;
      break;
    case GST_ICE_PROP_MDNS_RESOLVE:
      s->mdns_resolve = g_value_get_boolean (value);
      s->explicit |= GST_ICE_SET_MDNS_RESOLVE;
      break;
    case GST_ICE_PROP_ICE_TCP:
      s->ice_tcp = g_value_get_boolean (value);
      s->explicit |= GST_ICE_SET_ICE_TCP;
      break;
    case GST_ICE_PROP_TURN_SERVER:
    case GST_ICE_PROP_ICE_TRANSPORT_POLICY:
    case GST_ICE_PROP_TURN_CA_FILE:
    case GST_ICE_PROP_TURN_INSECURE:
      ok = gst_ice_turn_set_setting (s, prop_id, value, &err);
      break;
    case GST_ICE_PROP_INTERFACES:
    case GST_ICE_PROP_EXCLUDE_INTERFACES:
    case GST_ICE_PROP_RESTART_ON_NETWORK_CHANGE:
    case GST_ICE_PROP_UDP_MUX:
    case GST_ICE_PROP_ICE_LITE:
      ok = gst_ice_network_set_setting (s, prop_id, value, &err);
      break;
    default:
      GST_OBJECT_UNLOCK (obj);
      return FALSE;
  }
  GST_OBJECT_UNLOCK (obj);
  if (!ok)
    refuse (obj, err);
  return TRUE;
}

/**
 * gst_ice_settings_get_property:
 * Call with the element's object lock held.
 *
 * Returns: %FALSE if @prop_id is not a shared writable property.
 */
gboolean
gst_ice_settings_get_property (GstIceSettings *s, guint prop_id, GValue *value)
{
  switch (prop_id) {
    case GST_ICE_PROP_AGENT_NAME:
      g_value_set_string (value, s->agent_name);
      break;
    case GST_ICE_PROP_STREAM:
      g_value_set_uint (value, s->stream);
      break;
    case GST_ICE_PROP_COMPONENT:
      g_value_set_uint (value, s->component);
      break;
    case GST_ICE_PROP_RTCP_MUX:
      g_value_set_boolean (value, s->rtcp_mux);
      break;
    case GST_ICE_PROP_STUN_SERVER:
      g_value_set_string (value, s->stun_server);
      break;
    case GST_ICE_PROP_ICE_ROLE:
      g_value_set_enum (value, s->role);
      break;
    case GST_ICE_PROP_PORT_RANGE:
      g_value_set_string (value, s->port_range);
      break;
    case GST_ICE_PROP_BIND_ADDRESS:
      g_value_set_string (value, s->bind_address);
      break;
    case GST_ICE_PROP_NOMINATION:
      g_value_set_enum (value, s->nomination);
      break;
    case GST_ICE_PROP_CONSENT_FRESHNESS:
      g_value_set_boolean (value, s->consent_freshness);
      break;
    case GST_ICE_PROP_PEER_TIMEOUT:
      g_value_set_uint (value, s->peer_timeout);
      break;
    case GST_ICE_PROP_ICE_TCP:
      g_value_set_boolean (value, s->ice_tcp);
      break;
    case GST_ICE_PROP_SIGNALLER:
      g_value_set_string (value, s->signaller);
      break;
    case GST_ICE_PROP_SIGNALLER_TOKEN:
      g_value_set_string (value, s->signaller_token);
      break;
    case GST_ICE_PROP_SIGNALLER_CA_FILE:
      g_value_set_string (value, s->signaller_ca_file);
      break;
    case GST_ICE_PROP_MDNS:
      g_value_set_boolean (value, s->mdns);
      break;
    case GST_ICE_PROP_MDNS_RESOLVE:
      g_value_set_boolean (value, s->mdns_resolve);
      break;
    default:
      return gst_ice_turn_get_setting (s, prop_id, value)
             || gst_ice_network_get_setting (s, prop_id, value);
  }
  return TRUE;
}
