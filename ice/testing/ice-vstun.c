/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The virtual network's STUN server node (RFC 8489 Binding, RFC 5780
 * behaviour discovery with CHANGE-REQUEST and RESPONSE-PORT).
 */
#include "ice/testing/ice-vstun.h"

#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"

#include <string.h>

#define SOFTWARE "gst-ice vstun"

struct _IceVstunServer {
  IceVnet *vnet;
  guint host;
  IceTransportAddr primary;
  /* RFC 5780 §4.1: the alternate address differs in IP and port */
  IceTransportAddr alternate;
  gboolean rfc5780;
  IceVstunCounters counters;
  IceVnetReceiveFunc fallback;
  gpointer fallback_data;
};

static gboolean
is_listening_port (IceVstunServer *server, guint16 port)
{
  return port == server->primary.port
         || (server->rfc5780 && port == server->alternate.port);
}

/* RFC 5780 §6.1: the response leaves from the IP and/or port the
 * CHANGE-REQUEST flags ask to change, relative to where the request came
 * in. */
static IceTransportAddr
response_source (IceVstunServer *server, const IceTransportAddr *arrived,
                 guint32 change)
{
  IceTransportAddr source = *arrived;

  if (change & ICE_STUN_CHANGE_IP)
    memcpy (source.ip,
            ice_addr_equal_ip (arrived, &server->primary) ? server->alternate.ip
                                                          : server->primary.ip,
            sizeof (source.ip));
  if (change & ICE_STUN_CHANGE_PORT)
    source.port = arrived->port == server->primary.port ? server->alternate.port
                                                        : server->primary.port;
  return source;
}

static void
send_error (IceVstunServer *server, const IceVnetDatagram *dgram,
            const IceStunMessage *request, guint code, const gchar *reason)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;
  gsize len;

  ice_stun_builder_init_response (&b, buf, sizeof (buf), request,
                                  ICE_STUN_CLASS_ERROR);
  ice_stun_builder_add_error_code (&b, code, reason);
  if (code == ICE_STUN_ERROR_UNKNOWN_ATTRIBUTE && request->n_unknown)
    ice_stun_builder_add_unknown_attributes (&b, request->unknown,
                                             request->n_unknown);
  ice_stun_builder_add_string (&b, ICE_STUN_ATTR_SOFTWARE, SOFTWARE);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  server->counters.errors++;
  if (len)
    ice_vnet_host_send (server->vnet, server->host, &dgram->local, &dgram->from,
                        buf, len);
}

/* RFC 5780 §7.5: RESPONSE-PORT sends the answer to the request's source
 * IP at that port (the mapping lifetime test of §4.6 relies on it). FALSE
 * for a port of 0, which can receive nothing. */
static gboolean
response_destination (const IceVnetDatagram *dgram,
                      const IceStunMessage *request,
                      IceTransportAddr *destination)
{
  guint32 value;

  *destination = dgram->from;
  if (!ice_stun_message_get_u32 (request, ICE_STUN_ATTR_RESPONSE_PORT, &value))
    return TRUE;
  destination->port = value >> 16;
  return destination->port != 0;
}

static void
answer_binding (IceVstunServer *server, const IceVnetDatagram *dgram,
                const IceStunMessage *request)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;
  IceTransportAddr source, destination;
  guint32 change = 0;
  gsize len;

  if (ice_stun_message_get_u32 (request, ICE_STUN_ATTR_CHANGE_REQUEST, &change)
      && change && !server->rfc5780) {
    /* RFC 5780 §6.1: no alternate address, so CHANGE-REQUEST is unknown */
    send_error (server, dgram, request, ICE_STUN_ERROR_UNKNOWN_ATTRIBUTE,
                "No alternate address");
    return;
  }
  if (!response_destination (dgram, request, &destination)) {
    send_error (server, dgram, request, ICE_STUN_ERROR_BAD_REQUEST,
                "RESPONSE-PORT must not be 0");
    return;
  }
  source = response_source (server, &dgram->local, change);
  ice_stun_builder_init_response (&b, buf, sizeof (buf), request,
                                  ICE_STUN_CLASS_SUCCESS);
  ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
                                    &dgram->from);
  if (server->rfc5780) {
    ice_stun_builder_add_address (&b, ICE_STUN_ATTR_RESPONSE_ORIGIN, &source);
    ice_stun_builder_add_address (&b, ICE_STUN_ATTR_OTHER_ADDRESS,
                                  &server->alternate);
  }
  ice_stun_builder_add_string (&b, ICE_STUN_ATTR_SOFTWARE, SOFTWARE);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  if (!len)
    return;
  server->counters.requests++;
  if (destination.port != dgram->from.port)
    server->counters.response_port++;
  ice_vnet_host_send (server->vnet, server->host, &source, &destination, buf,
                      len);
}

static void
pass_on (IceVstunServer *server, const IceVnetDatagram *dgram)
{
  if (!server->fallback) {
    server->counters.malformed++;
    return;
  }
  server->counters.passed++;
  server->fallback (server->vnet, dgram, server->fallback_data);
}

static void
on_receive (IceVnet *vnet, const IceVnetDatagram *dgram, gpointer user_data)
{
  IceVstunServer *server = user_data;
  IceStunMessage msg;
  IceStunParseResult res;

  if (!is_listening_port (server, dgram->local.port)
      || !ice_stun_is_message (dgram->data, dgram->len)) {
    pass_on (server, dgram);
    return;
  }
  res = ice_stun_message_parse (&msg, dgram->data, dgram->len);
  if (res != ICE_STUN_PARSE_OK && res != ICE_STUN_PARSE_UNKNOWN_REQUIRED) {
    server->counters.malformed++;
    return;
  }
  if (msg.method != ICE_STUN_METHOD_BINDING) {
    pass_on (server, dgram);
    return;
  }
  if (msg.klass != ICE_STUN_CLASS_REQUEST)
    return; /* RFC 8489 §6.3.2: indications need nothing */
  if (msg.fingerprint >= 0
      && ice_stun_message_check_fingerprint (&msg) != ICE_STUN_CHECK_OK) {
    server->counters.malformed++;
    return;
  }
  if (res == ICE_STUN_PARSE_UNKNOWN_REQUIRED) {
    /* RFC 8489 §6.3.1.1 */
    send_error (server, dgram, &msg, ICE_STUN_ERROR_UNKNOWN_ATTRIBUTE,
                "Unknown attribute");
    return;
  }
  answer_binding (server, dgram, &msg);
}

static gboolean
add_interface (IceVnet *vnet, guint host, guint realm,
               const IceTransportAddr *ip)
{
  gchar str[ICE_ADDR_STRLEN];

  return ice_vnet_host_add_interface (vnet, host, realm,
                                      ice_addr_ip_to_string (ip, str))
         != ICE_VNET_INVALID;
}

IceVstunServer *
ice_vstun_server_new (IceVnet *vnet, guint realm, const gchar *address,
                      const gchar *alternate_ip)
{
  IceVstunServer *server;
  IceTransportAddr primary, alternate = { 0 };

  if (!address || !ice_addr_parse (&primary, address) || primary.port == 0
      || primary.port == 65535) {
    g_warning ("vstun: '%s' is not an IP:PORT with a port below 65535",
               address ? address : "(null)");
    return NULL;
  }
  if (alternate_ip
      && (!ice_addr_parse_ip (&alternate, alternate_ip, primary.port + 1)
          || alternate.family != primary.family)) {
    g_warning ("vstun: alternate '%s' is not an IP of the primary's family",
               alternate_ip);
    return NULL;
  }
  server = g_new0 (IceVstunServer, 1);
  server->vnet = vnet;
  server->primary = primary;
  server->alternate = alternate;
  server->rfc5780 = alternate_ip != NULL;
  server->host = ice_vnet_add_host (vnet, "stun");
  if (!add_interface (vnet, server->host, realm, &primary)
      || (server->rfc5780
          && !add_interface (vnet, server->host, realm, &alternate))) {
    g_free (server);
    return NULL;
  }
  ice_vnet_host_set_receive_func (vnet, server->host, on_receive, server);
  return server;
}

void
ice_vstun_server_free (IceVstunServer *server)
{
  if (!server)
    return;
  ice_vnet_host_set_receive_func (server->vnet, server->host, NULL, NULL);
  g_free (server);
}

guint
ice_vstun_server_get_host (IceVstunServer *server)
{
  return server->host;
}

void
ice_vstun_server_get_address (IceVstunServer *server, IceTransportAddr *address)
{
  *address = server->primary;
}

void
ice_vstun_server_get_counters (IceVstunServer *server,
                               IceVstunCounters *counters)
{
  *counters = server->counters;
}

void
ice_vstun_server_set_fallback (IceVstunServer *server, IceVnetReceiveFunc func,
                               gpointer user_data)
{
  server->fallback = func;
  server->fallback_data = user_data;
}
