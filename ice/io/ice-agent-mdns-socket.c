/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The multicast sockets of mDNS (RFC 6762): one per family, UDP port 5353
 * shared with the host's other mDNS stacks, in the groups 224.0.0.251
 * and ff02::fb on every interface the agent may use ("interfaces",
 * "exclude-interfaces"). Sending on a chosen interface (an answer goes
 * where its query came in, §6) and receiving with the interface and the
 * TTL / hop limit, for the §11 on-link check. No state of the agent is
 * touched here but the interface lists, read under its lock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "ice/io/ice-agent-mdns-private.h"

#define MDNS_GROUP_V4 "224.0.0.251"
#define MDNS_GROUP_V6 "ff02::fb"

static gboolean
interface_allowed (IceAgentState *state, const struct ifaddrs *i, int family)
{
  return i->ifa_addr != NULL && i->ifa_addr->sa_family == family
         && (i->ifa_flags & IFF_UP) && (i->ifa_flags & IFF_MULTICAST)
         && ice_agent_interface_selected (
             state->interfaces, state->exclude_interfaces, i->ifa_name, NULL);
}

/* Joins the group on every allowed multicast interface with an address
 * of the socket's family, each interface once (@joined: their indexes).
 * IPv4 falls back to the default interface when none would take it;
 * IPv6 has no default for a link-scope group. */
static void
join_group (IceAgentState *state, GSocket *socket, GArray *joined)
{
  gboolean v6 = g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV6;
  int family = v6 ? AF_INET6 : AF_INET;
  GInetAddress *group
      = g_inet_address_new_from_string (v6 ? MDNS_GROUP_V6 : MDNS_GROUP_V4);
  struct ifaddrs *ifs = NULL, *i;
  guint k;

  if (getifaddrs (&ifs) == 0) {
    for (i = ifs; i != NULL; i = i->ifa_next) {
      guint index;
      gboolean seen = FALSE;

      if (!interface_allowed (state, i, family))
        continue;
      index = if_nametoindex (i->ifa_name);
      for (k = 0; k < joined->len; k++)
        seen |= g_array_index (joined, guint, k) == index;
      if (!seen && index != 0
          && g_socket_join_multicast_group (socket, group, FALSE, i->ifa_name,
                                            NULL))
        g_array_append_val (joined, index);
    }
    freeifaddrs (ifs);
  }
  if (joined->len == 0 && !v6
      && !g_socket_join_multicast_group (socket, group, FALSE, NULL, NULL))
    g_debug ("IceAgent: mDNS: could not join %s", MDNS_GROUP_V4);
  g_object_unref (group);
}

/* What each datagram carries besides its bytes: the interface it came in
 * on (answers go out there) and its TTL / hop limit (the §11 check). */
static void
ask_ancillary (GSocket *socket, gboolean v6)
{
  if (v6) {
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, NULL);
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, NULL);
  } else {
    g_socket_set_option (socket, IPPROTO_IP, IP_PKTINFO, 1, NULL);
    g_socket_set_option (socket, IPPROTO_IP, IP_RECVTTL, 1, NULL);
  }
}

/**
 * ice_agent_mdns_socket_open:
 * @family: %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6
 * @joined: (out): the interface indexes whose group it joined
 *
 * RFC 6762 §5: a querier that wants multicast answers listens on 5353,
 * shared with the host's other mDNS stacks (SO_REUSEADDR/SO_REUSEPORT).
 *
 * Returns: (transfer full) (nullable): the socket; %NULL (a debug line)
 *   when it cannot be made, or for IPv6 when no interface joined ff02::fb.
 */
GSocket *
ice_agent_mdns_socket_open (IceAgentState *state, GSocketFamily family,
                            GArray *joined)
{
  gboolean v6 = family == G_SOCKET_FAMILY_IPV6;
  GError *error = NULL;
  GSocket *socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, &error);
  GInetAddress *any;
  GSocketAddress *local;
  gboolean bound;

  if (socket == NULL)
    goto fail;
  g_socket_set_option (socket, SOL_SOCKET, SO_REUSEADDR, 1, NULL);
  g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, NULL);
  /* the IPv4 socket has 224.0.0.251: this one only ff02::fb */
  if (v6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, NULL);
  any = g_inet_address_new_any (family);
  local = g_inet_socket_address_new (any, ICE_MDNS_PORT);
  g_object_unref (any);
  bound = g_socket_bind (socket, local, TRUE, &error);
  g_object_unref (local);
  if (!bound)
    goto fail;
  g_socket_set_blocking (socket, FALSE);
  /* §11: link-local, TTL / hop limit 255; loopback so that a responder
   * on this host hears */
  g_socket_set_multicast_ttl (socket, 255);
  g_socket_set_multicast_loopback (socket, TRUE);
  ask_ancillary (socket, v6);
  join_group (state, socket, joined);
  if (v6 && joined->len == 0) {
    g_debug ("IceAgent: mDNS: no interface joined %s: IPv4 only",
             MDNS_GROUP_V6);
    g_object_unref (socket);
    return NULL;
  }
  return socket;
fail:
  g_debug ("IceAgent: mDNS: no IPv%c socket on port %u: %s%s", v6 ? '6' : '4',
           ICE_MDNS_PORT, error->message, v6 ? " (IPv4 only)" : "");
  g_error_free (error);
  g_clear_object (&socket);
  return NULL;
}

/* IPv4: IP_PKTINFO's ipi_ifindex chooses the interface of a multicast
 * send on Linux, as IP_MULTICAST_IF would. */
static gssize
send_v4 (int fd, const guint8 *data, gsize len, guint ifindex)
{
  union {
    struct cmsghdr align;
    guint8 buf[CMSG_SPACE (sizeof (struct in_pktinfo))];
  } control;
  struct sockaddr_in dest = { 0 };
  struct in_pktinfo info = { 0 };
  struct iovec iov = { (gpointer)data, len };
  struct msghdr msg = { 0 };
  struct cmsghdr *c;

  dest.sin_family = AF_INET;
  dest.sin_port = htons (ICE_MDNS_PORT);
  inet_pton (AF_INET, MDNS_GROUP_V4, &dest.sin_addr);
  msg.msg_name = &dest;
  msg.msg_namelen = sizeof (dest);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (ifindex != 0) {
    info.ipi_ifindex = (int)ifindex;
    memset (&control, 0, sizeof (control));
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof (control.buf);
    c = CMSG_FIRSTHDR (&msg);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN (sizeof (info));
    memcpy (CMSG_DATA (c), &info, sizeof (info));
  }
  return sendmsg (fd, &msg, MSG_DONTWAIT);
}

/* IPv6: ff02::fb is link-scoped, the scope id names the interface. */
static gssize
send_v6 (int fd, const guint8 *data, gsize len, guint ifindex)
{
  struct sockaddr_in6 dest = { 0 };

  dest.sin6_family = AF_INET6;
  dest.sin6_port = htons (ICE_MDNS_PORT);
  dest.sin6_scope_id = ifindex;
  inet_pton (AF_INET6, MDNS_GROUP_V6, &dest.sin6_addr);
  return sendto (fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&dest,
                 sizeof (dest));
}

/**
 * ice_agent_mdns_socket_send:
 * @ifindex: the interface to send on; 0: the default (IPv4 only)
 *
 * RFC 6762 §5, §6: queries and answers go to the socket's group, from
 * port 5353 (the socket's).
 *
 * Returns: whether the datagram was sent.
 */
gboolean
ice_agent_mdns_socket_send (GSocket *socket, const guint8 *data, gsize len,
                            guint ifindex)
{
  int fd = g_socket_get_fd (socket);
  gboolean v6 = g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV6;
  gssize sent = v6 ? send_v6 (fd, data, len, ifindex)
                   : send_v4 (fd, data, len, ifindex);

  if (sent < 0)
    g_debug ("IceAgent: mDNS: send on IPv%c interface %u: %s", v6 ? '6' : '4',
             ifindex, g_strerror (errno));
  return sent > 0;
}

/* The interface and TTL / hop limit of a received datagram. */
static void
read_ancillary (struct msghdr *msg, guint *ifindex, gint *hops)
{
  struct cmsghdr *c;

  for (c = CMSG_FIRSTHDR (msg); c != NULL; c = CMSG_NXTHDR (msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL)
      memcpy (hops, CMSG_DATA (c), sizeof (*hops));
    else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)
      memcpy (hops, CMSG_DATA (c), sizeof (*hops));
    else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      struct in_pktinfo info;

      memcpy (&info, CMSG_DATA (c), sizeof (info));
      *ifindex = (guint)info.ipi_ifindex;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      struct in6_pktinfo info;

      memcpy (&info, CMSG_DATA (c), sizeof (info));
      *ifindex = info.ipi6_ifindex;
    }
  }
}

/**
 * ice_agent_mdns_socket_receive:
 * @port: (out): the source port
 * @ifindex: (out): the interface it came in on, 0 if unknown
 * @on_link: (out): whether RFC 6762 §11 takes it as from the link
 *
 * One datagram. A longer one than @size is cut, and then refused by the
 * parser (TOO_LONG) since @size is one over the largest message.
 *
 * Returns: its length, or -1 when none is left.
 */
gssize
ice_agent_mdns_socket_receive (GSocket *socket, guint8 *buf, gsize size,
                               guint16 *port, guint *ifindex, gboolean *on_link)
{
  union {
    struct cmsghdr align;
    guint8 buf[CMSG_SPACE (sizeof (struct in6_pktinfo))
               + CMSG_SPACE (sizeof (gint))];
  } control;
  struct sockaddr_storage from = { 0 };
  const struct sockaddr_in *from4 = (const void *)&from;
  const struct sockaddr_in6 *from6 = (const void *)&from;
  gint hops = -1;
  struct iovec iov = { buf, size };
  struct msghdr msg = { 0 };
  gssize len;

  msg.msg_name = &from;
  msg.msg_namelen = sizeof (from);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof (control.buf);
  len = recvmsg (g_socket_get_fd (socket), &msg, MSG_DONTWAIT);
  if (len < 0)
    return -1;
  *ifindex = 0;
  read_ancillary (&msg, ifindex, &hops);
  if (from.ss_family == AF_INET6) {
    *port = ntohs (from6->sin6_port);
    *on_link
        = ice_agent_mdns_is_on_link6 (from6->sin6_addr.s6_addr, *ifindex, hops);
  } else {
    *port = from.ss_family == AF_INET ? ntohs (from4->sin_port) : 0;
    *on_link
        = ice_agent_mdns_is_on_link (from4->sin_addr.s_addr, *ifindex, hops);
  }
  return len;
}
