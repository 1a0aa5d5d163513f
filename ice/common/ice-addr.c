/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Transport addresses as plain values. inet_pton/inet_ntop are pure text
 * conversions: no socket is touched here.
 */
#include "ice/common/ice-addr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

void
ice_addr_set_ipv4 (IceTransportAddr *addr, guint32 ip_host_order, guint16 port)
{
  memset (addr, 0, sizeof (*addr));
  addr->family = ICE_ADDR_FAMILY_IPV4;
  addr->port = port;
  addr->ip[0] = ip_host_order >> 24;
  addr->ip[1] = ip_host_order >> 16;
  addr->ip[2] = ip_host_order >> 8;
  addr->ip[3] = ip_host_order;
}

void
ice_addr_set_ipv6 (IceTransportAddr *addr, const guint8 ip[16], guint16 port)
{
  memset (addr, 0, sizeof (*addr));
  addr->family = ICE_ADDR_FAMILY_IPV6;
  addr->port = port;
  memcpy (addr->ip, ip, 16);
}

/* Accepts "192.0.2.1", "2001:db8::1" and "fe80::1%3" (numeric scope only). */
gboolean
ice_addr_parse_ip (IceTransportAddr *addr, const gchar *ip, guint16 port)
{
  gchar tmp[ICE_ADDR_STRLEN];
  const gchar *percent;
  guint32 scope = 0;
  guint8 bytes[16];

  if (ip == NULL)
    return FALSE;
  if (inet_pton (AF_INET, ip, bytes) == 1) {
    memset (addr, 0, sizeof (*addr));
    addr->family = ICE_ADDR_FAMILY_IPV4;
    memcpy (addr->ip, bytes, 4);
    addr->port = port;
    return TRUE;
  }
  percent = strchr (ip, '%');
  if (percent != NULL) {
    gchar *end;
    gsize n = percent - ip;
    guint64 v;

    if (n >= sizeof (tmp))
      return FALSE;
    memcpy (tmp, ip, n);
    tmp[n] = '\0';
    v = g_ascii_strtoull (percent + 1, &end, 10);
    if (*end != '\0' || end == percent + 1 || v > G_MAXUINT32)
      return FALSE;
    scope = v;
    ip = tmp;
  }
  if (inet_pton (AF_INET6, ip, bytes) != 1)
    return FALSE;
  ice_addr_set_ipv6 (addr, bytes, port);
  addr->scope_id = scope;
  return TRUE;
}

static gboolean
parse_port (const gchar *s, guint16 *port)
{
  gchar *end;
  guint64 v;

  if (*s == '\0' || !g_ascii_isdigit (*s))
    return FALSE;
  v = g_ascii_strtoull (s, &end, 10);
  if (*end != '\0' || v > 65535)
    return FALSE;
  *port = v;
  return TRUE;
}

/* Accepts "192.0.2.1:3478" and "[2001:db8::1]:3478". */
gboolean
ice_addr_parse (IceTransportAddr *addr, const gchar *str)
{
  gchar host[ICE_ADDR_STRLEN];
  const gchar *colon;
  guint16 port;
  gsize n;

  if (str == NULL)
    return FALSE;
  if (str[0] == '[') {
    const gchar *close = strchr (str, ']');

    if (close == NULL || close[1] != ':')
      return FALSE;
    n = close - str - 1;
    if (n >= sizeof (host))
      return FALSE;
    memcpy (host, str + 1, n);
    host[n] = '\0';
    return parse_port (close + 2, &port) && strchr (host, ':') != NULL
           && ice_addr_parse_ip (addr, host, port);
  }
  colon = strrchr (str, ':');
  if (colon == NULL || strchr (str, ':') != colon)
    return FALSE;
  n = colon - str;
  if (n >= sizeof (host))
    return FALSE;
  memcpy (host, str, n);
  host[n] = '\0';
  return parse_port (colon + 1, &port) && ice_addr_parse_ip (addr, host, port)
         && addr->family == ICE_ADDR_FAMILY_IPV4;
}

const gchar *
ice_addr_ip_to_string (const IceTransportAddr *addr, gchar buf[ICE_ADDR_STRLEN])
{
  gchar ip[INET6_ADDRSTRLEN];

  switch (addr->family) {
    case ICE_ADDR_FAMILY_IPV4:
      inet_ntop (AF_INET, addr->ip, buf, ICE_ADDR_STRLEN);
      return buf;
    case ICE_ADDR_FAMILY_IPV6:
      inet_ntop (AF_INET6, addr->ip, ip, sizeof (ip));
      if (addr->scope_id != 0)
        g_snprintf (buf, ICE_ADDR_STRLEN, "%s%%%u", ip, addr->scope_id);
      else
        g_strlcpy (buf, ip, ICE_ADDR_STRLEN);
      return buf;
    default:
      g_strlcpy (buf, "(unset)", ICE_ADDR_STRLEN);
      return buf;
  }
}

const gchar *
ice_addr_to_string (const IceTransportAddr *addr, gchar buf[ICE_ADDR_STRLEN])
{
  gchar ip[ICE_ADDR_STRLEN];

  ice_addr_ip_to_string (addr, ip);
  if (addr->family == ICE_ADDR_FAMILY_IPV6)
    g_snprintf (buf, ICE_ADDR_STRLEN, "[%s]:%u", ip, addr->port);
  else if (addr->family == ICE_ADDR_FAMILY_IPV4)
    g_snprintf (buf, ICE_ADDR_STRLEN, "%s:%u", ip, addr->port);
  else
    g_strlcpy (buf, ip, ICE_ADDR_STRLEN);
  return buf;
}

const gchar *
ice_transport_to_string (IceTransport transport)
{
  switch (transport) {
    case ICE_TRANSPORT_UDP:
      return "udp";
    case ICE_TRANSPORT_TCP:
      return "tcp";
    case ICE_TRANSPORT_TLS:
      return "tls";
  }
  return "unknown";
}

gsize
ice_addr_ip_len (const IceTransportAddr *addr)
{
  return addr->family == ICE_ADDR_FAMILY_IPV6   ? 16
         : addr->family == ICE_ADDR_FAMILY_IPV4 ? 4
                                                : 0;
}

gboolean
ice_addr_is_set (const IceTransportAddr *addr)
{
  return addr->family != ICE_ADDR_FAMILY_NONE;
}

gboolean
ice_addr_equal_ip (const IceTransportAddr *a, const IceTransportAddr *b)
{
  return a->family == b->family
         && memcmp (a->ip, b->ip, ice_addr_ip_len (a)) == 0;
}

gboolean
ice_addr_equal (const IceTransportAddr *a, const IceTransportAddr *b)
{
  return ice_addr_equal_ip (a, b) && a->port == b->port
         && a->transport == b->transport;
}

gboolean
ice_addr_is_loopback (const IceTransportAddr *addr)
{
  static const guint8 v6_loopback[16] = { [15] = 1 };

  if (addr->family == ICE_ADDR_FAMILY_IPV4)
    return addr->ip[0] == 127;
  return addr->family == ICE_ADDR_FAMILY_IPV6
         && memcmp (addr->ip, v6_loopback, 16) == 0;
}

gboolean
ice_addr_is_link_local (const IceTransportAddr *addr)
{
  if (addr->family == ICE_ADDR_FAMILY_IPV4)
    return addr->ip[0] == 169 && addr->ip[1] == 254;
  return addr->family == ICE_ADDR_FAMILY_IPV6 && addr->ip[0] == 0xfe
         && (addr->ip[1] & 0xc0) == 0x80;
}

gboolean
ice_addr_is_unspecified (const IceTransportAddr *addr)
{
  gsize i, n = ice_addr_ip_len (addr);

  for (i = 0; i < n; i++)
    if (addr->ip[i] != 0)
      return FALSE;
  return n > 0;
}

gboolean
ice_addr_is_ipv4_mapped (const IceTransportAddr *addr)
{
  static const guint8 prefix[12] = { [10] = 0xff, [11] = 0xff };

  return addr->family == ICE_ADDR_FAMILY_IPV6
         && memcmp (addr->ip, prefix, 12) == 0;
}

guint
ice_addr_hash (gconstpointer p)
{
  const IceTransportAddr *addr = p;
  guint h = addr->family * 31u + addr->transport;
  gsize i, n = ice_addr_ip_len (addr);

  for (i = 0; i < n; i++)
    h = h * 31u + addr->ip[i];
  return h * 31u + addr->port;
}

gboolean
ice_addr_hash_equal (gconstpointer a, gconstpointer b)
{
  return ice_addr_equal (a, b);
}
