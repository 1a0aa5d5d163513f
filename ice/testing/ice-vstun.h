/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A STUN server node of the virtual network: Binding requests answered with
 * XOR-MAPPED-ADDRESS (RFC 8489 §10.1), and, when given a second IP, the
 * NAT behaviour discovery mode of RFC 5780 (CHANGE-REQUEST, RESPONSE-ORIGIN,
 * OTHER-ADDRESS). RESPONSE-PORT (RFC 5780 §7.5) is honoured in both modes:
 * the answer goes to the request's source IP at that port. Everything it does
 * not serve (other methods, non-STUN datagrams) goes to an optional fallback,
 * so a TURN model can sit on the same node.
 */
#ifndef __ICE_VSTUN_H__
#define __ICE_VSTUN_H__

#include "ice/testing/ice-vnet.h"

G_BEGIN_DECLS

typedef struct _IceVstunServer IceVstunServer;

/**
 * IceVstunCounters:
 * @requests: Binding requests answered with a success response
 * @errors: requests answered with an error (420 for unknown comprehension-
 *   required attributes or CHANGE-REQUEST without an alternate address)
 * @malformed: datagrams dropped as not valid STUN
 * @passed: datagrams handed to the fallback
 * @response_port: success responses sent to another port than the
 *   request's source because of RESPONSE-PORT (RFC 5780 §7.5)
 */
typedef struct {
  guint64 requests;
  guint64 errors;
  guint64 malformed;
  guint64 passed;
  guint64 response_port;
} IceVstunCounters;

/* Creates a host "stun" in @realm listening on @address ("IP:PORT"). With
 * @alternate_ip (nullable) it also listens on that IP and on PORT + 1 of
 * both IPs, in RFC 5780 mode. Returns NULL (and warns) for a bad address
 * or one already used in @realm. Free it before the network. */
IceVstunServer *ice_vstun_server_new (IceVnet *vnet, guint realm,
                                      const gchar *address,
                                      const gchar *alternate_ip);
void ice_vstun_server_free (IceVstunServer *server);

guint ice_vstun_server_get_host (IceVstunServer *server);
/* The primary transport address, the one clients are configured with. */
void ice_vstun_server_get_address (IceVstunServer *server,
                                   IceTransportAddr *address);
void ice_vstun_server_get_counters (IceVstunServer *server,
                                    IceVstunCounters *counters);
/* Receives what the STUN server does not serve. */
void ice_vstun_server_set_fallback (IceVstunServer *server,
                                    IceVnetReceiveFunc func,
                                    gpointer user_data);

G_END_DECLS
#endif /* __ICE_VSTUN_H__ */
