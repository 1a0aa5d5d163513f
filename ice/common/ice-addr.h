/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __ICE_ADDR_H__
#define __ICE_ADDR_H__

#include <glib.h>

G_BEGIN_DECLS

/**
 * IceAddrFamily:
 * @ICE_ADDR_FAMILY_NONE: the address is unset
 * @ICE_ADDR_FAMILY_IPV4: IPv4, the first 4 bytes of @ip are used
 * @ICE_ADDR_FAMILY_IPV6: IPv6, all 16 bytes of @ip are used
 */
typedef enum {
  ICE_ADDR_FAMILY_NONE = 0,
  ICE_ADDR_FAMILY_IPV4 = 4,
  ICE_ADDR_FAMILY_IPV6 = 6,
} IceAddrFamily;

/**
 * IceTransport:
 * @ICE_TRANSPORT_UDP: datagrams
 * @ICE_TRANSPORT_TCP: a byte stream (RFC 6544 candidates, TURN over TCP)
 * @ICE_TRANSPORT_TLS: TLS over TCP (TURN servers only)
 */
typedef enum {
  ICE_TRANSPORT_UDP = 0,
  ICE_TRANSPORT_TCP = 1,
  ICE_TRANSPORT_TLS = 2,
} IceTransport;

/**
 * IceTransportAddr:
 * @family: an #IceAddrFamily
 * @transport: an #IceTransport
 * @port: port in host byte order
 * @scope_id: IPv6 scope (interface index) for link-local addresses, else 0
 * @ip: the address in network byte order
 *
 * A plain value type: copy it with `=`, compare with ice_addr_equal().
 * Zero-initialised it is unset (%ICE_ADDR_FAMILY_NONE, UDP).
 */
typedef struct {
  guint8 family;
  guint8 transport;
  guint16 port;
  guint32 scope_id;
  guint8 ip[16];
} IceTransportAddr;

/* Room for "[ffff:...:ffff%4294967295]:65535" and a NUL. */
#define ICE_ADDR_STRLEN 64

void ice_addr_set_ipv4 (IceTransportAddr *addr, guint32 ip_host_order,
                        guint16 port);
void ice_addr_set_ipv6 (IceTransportAddr *addr, const guint8 ip[16],
                        guint16 port);
gboolean ice_addr_parse_ip (IceTransportAddr *addr, const gchar *ip,
                            guint16 port);
gboolean ice_addr_parse (IceTransportAddr *addr, const gchar *str);
const gchar *ice_addr_to_string (const IceTransportAddr *addr,
                                 gchar buf[ICE_ADDR_STRLEN]);
const gchar *ice_addr_ip_to_string (const IceTransportAddr *addr,
                                    gchar buf[ICE_ADDR_STRLEN]);
const gchar *ice_transport_to_string (IceTransport transport);

gboolean ice_addr_is_set (const IceTransportAddr *addr);
gboolean ice_addr_equal (const IceTransportAddr *a, const IceTransportAddr *b);
gboolean ice_addr_equal_ip (const IceTransportAddr *a,
                            const IceTransportAddr *b);
gboolean ice_addr_is_loopback (const IceTransportAddr *addr);
gboolean ice_addr_is_link_local (const IceTransportAddr *addr);
gboolean ice_addr_is_unspecified (const IceTransportAddr *addr);
gboolean ice_addr_is_ipv4_mapped (const IceTransportAddr *addr);
gsize ice_addr_ip_len (const IceTransportAddr *addr);

/* For GHashTable keys of IceTransportAddr * (family, transport, ip, port). */
guint ice_addr_hash (gconstpointer addr);
gboolean ice_addr_hash_equal (gconstpointer a, gconstpointer b);

G_END_DECLS
#endif /* __ICE_ADDR_H__ */
