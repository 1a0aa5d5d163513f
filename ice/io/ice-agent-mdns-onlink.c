/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RFC 6762 §11: a multicast DNS message is only taken from the local
 * link. A host checks that its IP TTL is 255 (what every mDNS sender
 * uses, and what a router cannot forward intact), or else that its
 * source address is on a subnet of the interface it came in on. A message
 * from elsewhere (a router that forwards 5353, a spoofer off the link) is
 * dropped before the responder or the resolver sees it. IPv6 the same,
 * with the hop limit, and a link-local source counts as on the link.
 */
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include "ice/io/ice-agent-mdns-private.h"

/* §11: the hop limit of a message sent with TTL 255 on the link */
#define MDNS_LINK_TTL 255

/* Whether @source (IPv4, network order) is inside a subnet configured on
 * interface @ifindex (any interface when 0) */
static gboolean
source_on_subnet (guint32 source, guint ifindex)
{
  struct ifaddrs *list, *ifa;
  gboolean found = FALSE;

  if (getifaddrs (&list) != 0)
    return FALSE;
  for (ifa = list; ifa != NULL && !found; ifa = ifa->ifa_next) {
    const struct sockaddr_in *addr = (const void *)ifa->ifa_addr;
    const struct sockaddr_in *mask = (const void *)ifa->ifa_netmask;

    if (addr == NULL || mask == NULL || addr->sin_family != AF_INET
        || (ifindex != 0 && if_nametoindex (ifa->ifa_name) != ifindex))
      continue;
    found = ((source ^ addr->sin_addr.s_addr) & mask->sin_addr.s_addr) == 0;
  }
  freeifaddrs (list);
  return found;
}

/**
 * ice_agent_mdns_is_on_link:
 * @source: the IPv4 source address, network order
 * @ifindex: the interface it came in on (IP_PKTINFO), 0 if unknown
 * @ttl: its IP TTL (IP_RECVTTL), -1 if unknown
 *
 * Returns: TRUE if RFC 6762 §11 lets the message in. The interface
 *   lookup runs only for a TTL below 255, which no mDNS sender on the
 *   link uses.
 */
gboolean
ice_agent_mdns_is_on_link (guint32 source, guint ifindex, gint ttl)
{
  if (ttl == MDNS_LINK_TTL)
    return TRUE;
  return source_on_subnet (source, ifindex);
}

/* Whether @source is inside a prefix configured on interface @ifindex
 * (any interface when 0) */
static gboolean
source_on_prefix6 (const guint8 source[16], guint ifindex)
{
  struct ifaddrs *list, *ifa;
  gboolean found = FALSE;
  guint b;

  if (getifaddrs (&list) != 0)
    return FALSE;
  for (ifa = list; ifa != NULL && !found; ifa = ifa->ifa_next) {
    const struct sockaddr_in6 *addr = (const void *)ifa->ifa_addr;
    const struct sockaddr_in6 *mask = (const void *)ifa->ifa_netmask;

    if (addr == NULL || mask == NULL || addr->sin6_family != AF_INET6
        || (ifindex != 0 && if_nametoindex (ifa->ifa_name) != ifindex))
      continue;
    found = TRUE;
    for (b = 0; b < 16; b++)
      found &= ((source[b] ^ addr->sin6_addr.s6_addr[b])
                & mask->sin6_addr.s6_addr[b])
               == 0;
  }
  freeifaddrs (list);
  return found;
}

/**
 * ice_agent_mdns_is_on_link6:
 * @source: the IPv6 source address
 * @ifindex: the interface it came in on (IPV6_PKTINFO), 0 if unknown
 * @hops: its hop limit (IPV6_RECVHOPLIMIT), -1 if unknown
 *
 * Returns: TRUE if RFC 6762 §11 lets the message in: hop limit 255, a
 *   link-local source (fe80::/10 never crosses a router), or a source on
 *   a prefix of the receiving interface.
 */
gboolean
ice_agent_mdns_is_on_link6 (const guint8 source[16], guint ifindex, gint hops)
{
  if (hops == MDNS_LINK_TTL)
    return TRUE;
  if (source[0] == 0xfe && (source[1] & 0xc0) == 0x80)
    return TRUE;
  return source_on_prefix6 (source, ifindex);
}
