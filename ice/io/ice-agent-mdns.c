/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Resolution of the peer's mDNS host candidates ("<uuid>.local",
 * draft-ietf-mmusic-mdns-ice-candidates §3.2): a remote candidate whose
 * address is such a name is held back, the agent asks for the name's A
 * record on 224.0.0.251:5353 from a multicast socket of its own, and adds
 * the candidate with the answered address (the name kept in @hostname).
 * One query asks for the name's A and AAAA records (a browser names each
 * host address, of either family); the first address record for the name
 * resolves it, a link-local IPv6 one with the receiving interface as its
 * scope. Queries are handed to ice-agent-mdns-publish.c, which answers for
 * our own names when "mdns" is on. The socket is IPv4: no ff02::fb.
 *
 * Everything here runs under the agent's lock; socket I/O only on the
 * agent's context (a timer source sends the queries, a socket source
 * reads the answers), never from the API thread that added the candidate.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "ice/io/ice-agent-mdns-private.h"
#include "ice/mdns/mdns-message.h"
#include "ice/mdns/mdns-name.h"
#include "ice/mdns/mdns-schedule.h"

#define MDNS_GROUP_V4 "224.0.0.251"
/* The names come from the peer: bounded, so that a hostile description
 * cannot make us flood the link with queries (a browser sends one name
 * per interface). A candidate beyond a bound is refused as unresolved. */
#define MDNS_MAX_PENDING_NAMES 16
#define MDNS_MAX_CANDIDATES_PER_NAME 32

/* One name being asked for, with the candidates that wait for it. */
typedef struct {
  gchar *name;
  GArray *candidates;       /* IceCandidate */
  IceMdnsSchedule schedule; /* RFC 6762 §5.2, mdns-schedule.h */
} MdnsPending;

static void
pending_free (MdnsPending *p)
{
  g_free (p->name);
  g_array_unref (p->candidates);
  g_free (p);
}

IceAgentMdns *
ice_agent_mdns_get (IceAgentState *state)
{
  if (state->mdns == NULL) {
    state->mdns = g_new0 (IceAgentMdns, 1);
    state->mdns->pending
        = g_ptr_array_new_with_free_func ((GDestroyNotify)pending_free);
    state->mdns->cache
        = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  }
  return state->mdns;
}

/* Joins the group on every IPv4 multicast interface (the ones gathering
 * may use); the default interface when none would take it. */
static void
join_group (GSocket *socket)
{
  GInetAddress *group = g_inet_address_new_from_string (MDNS_GROUP_V4);
  struct ifaddrs *ifs = NULL, *i;
  guint joined = 0;

  if (getifaddrs (&ifs) == 0) {
    for (i = ifs; i != NULL; i = i->ifa_next)
      if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET
          && (i->ifa_flags & IFF_UP) && (i->ifa_flags & IFF_MULTICAST)
          && g_socket_join_multicast_group (socket, group, FALSE, i->ifa_name,
                                            NULL))
        joined++;
    freeifaddrs (ifs);
  }
  if (joined == 0
      && !g_socket_join_multicast_group (socket, group, FALSE, NULL, NULL))
    g_debug ("IceAgent: mDNS: could not join %s", MDNS_GROUP_V4);
  g_object_unref (group);
}

/* RFC 6762 §5: a querier that wants multicast answers listens on 5353,
 * shared with the host's other mDNS stacks (SO_REUSEADDR/SO_REUSEPORT). */
static GSocket *
open_socket (void)
{
  GError *error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, &error);
  GInetAddress *any;
  GSocketAddress *local;

  if (socket == NULL)
    goto fail;
  g_socket_set_option (socket, SOL_SOCKET, SO_REUSEADDR, 1, NULL);
  g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, NULL);
  any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  local = g_inet_socket_address_new (any, ICE_MDNS_PORT);
  g_object_unref (any);
  if (!g_socket_bind (socket, local, TRUE, &error)) {
    g_object_unref (local);
    g_clear_object (&socket);
    goto fail;
  }
  g_object_unref (local);
  g_socket_set_blocking (socket, FALSE);
  /* §11: link-local, TTL 255; loopback so a responder on this host hears */
  g_socket_set_multicast_ttl (socket, 255);
  g_socket_set_multicast_loopback (socket, TRUE);
  /* the interface each datagram came in on: answers go out there; and
   * its TTL, for the §11 on-link check */
  g_socket_set_option (socket, IPPROTO_IP, IP_PKTINFO, 1, NULL);
  g_socket_set_option (socket, IPPROTO_IP, IP_RECVTTL, 1, NULL);
  join_group (socket);
  return socket;
fail:
  g_debug ("IceAgent: mDNS: no socket on port %u: %s", ICE_MDNS_PORT,
           error->message);
  g_error_free (error);
  return NULL;
}

/* Out of interface @ifindex: IP_PKTINFO's ipi_ifindex chooses the
 * interface of a multicast send on Linux, as IP_MULTICAST_IF would. */
static gboolean
send_on_interface (GSocket *socket, const guint8 *data, gsize len,
                   guint ifindex)
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
  gssize sent;

  dest.sin_family = AF_INET;
  dest.sin_port = htons (ICE_MDNS_PORT);
  inet_pton (AF_INET, MDNS_GROUP_V4, &dest.sin_addr);
  info.ipi_ifindex = (int)ifindex;
  memset (&control, 0, sizeof (control));
  msg.msg_name = &dest;
  msg.msg_namelen = sizeof (dest);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof (control.buf);
  c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = IPPROTO_IP;
  c->cmsg_type = IP_PKTINFO;
  c->cmsg_len = CMSG_LEN (sizeof (info));
  memcpy (CMSG_DATA (c), &info, sizeof (info));
  sent = sendmsg (g_socket_get_fd (socket), &msg, MSG_DONTWAIT);
  if (sent < 0)
    g_debug ("IceAgent: mDNS: send on interface %u: %s", ifindex,
             g_strerror (errno));
  return sent > 0;
}

/* RFC 6762 §5, §6: queries and answers go to the group, from port 5353
 * (the socket's): on interface @ifindex (an answer, where its query came
 * in), or the default multicast interface when it is 0 (a query). */
gboolean
ice_agent_mdns_send_group_locked (IceAgentState *state, const guint8 *data,
                                  gsize len, guint ifindex)
{
  IceAgentMdns *m = state->mdns;
  GInetAddress *group;
  GSocketAddress *dest;
  gboolean sent;

  if (m == NULL || m->socket == NULL || len == 0)
    return FALSE;
  if (ifindex != 0)
    return send_on_interface (m->socket, data, len, ifindex);
  group = g_inet_address_new_from_string (MDNS_GROUP_V4);
  dest = g_inet_socket_address_new (group, ICE_MDNS_PORT);
  sent
      = g_socket_send_to (m->socket, dest, (const gchar *)data, len, NULL, NULL)
        > 0;
  g_object_unref (dest);
  g_object_unref (group);
  return sent;
}

static void
send_query_locked (IceAgentState *state, MdnsPending *p)
{
  IceMdnsQuery q[2] = { { p->name, ICE_MDNS_TYPE_A, FALSE },
                        { p->name, ICE_MDNS_TYPE_AAAA, FALSE } };
  guint8 buf[512];
  gsize len = ice_mdns_build_query (buf, sizeof (buf), q, G_N_ELEMENTS (q));

  if (ice_agent_mdns_send_group_locked (state, buf, len, 0))
    state->mdns->counters.queries_sent++;
}

static void
add_resolved_locked (IceAgentState *state, IceCandidate *cand,
                     const IceTransportAddr *ip)
{
  cand->addr.family = ip->family;
  memcpy (cand->addr.ip, ip->ip, sizeof (cand->addr.ip));
  cand->addr.scope_id = ip->scope_id;
  if (state->session != NULL)
    ice_session_add_remote_candidate_with_result (
        state->session, cand, g_get_monotonic_time (), NULL);
}

static gboolean on_readable (GSocket *socket, GIOCondition cond, gpointer data);
static void schedule_locked (IceAgentState *state, gint64 now);

void
ice_agent_mdns_ensure_socket_locked (IceAgentState *state)
{
  IceAgentMdns *m = ice_agent_mdns_get (state);

  if (m->socket != NULL || m->socket_failed)
    return;
  m->socket = open_socket ();
  m->socket_failed = m->socket == NULL;
  if (m->socket == NULL)
    return;
  m->recv_source = g_socket_create_source (m->socket, G_IO_IN, NULL);
  g_source_set_callback (
      m->recv_source, (GSourceFunc)(void (*) (void))on_readable,
      ice_agent_state_ref (state), (GDestroyNotify)ice_agent_state_unref);
  g_source_attach (m->recv_source, state->context);
}

/* Sends what is due, gives up on names past their deadline (the
 * candidates count as unresolved, as without mDNS). */
static void
tick_locked (IceAgentState *state, gint64 now)
{
  IceAgentMdns *m = state->mdns;
  guint i = 0;

  ice_agent_mdns_ensure_socket_locked (state);
  while (i < m->pending->len) {
    MdnsPending *p = g_ptr_array_index (m->pending, i);
    IceMdnsScheduleAction action = ice_mdns_schedule_poll (&p->schedule, now);
    guint c;

    if (action == ICE_MDNS_SCHEDULE_GIVE_UP || m->socket == NULL) {
      g_debug ("IceAgent: mDNS: no answer for %s", p->name);
      m->counters.timeouts++;
      for (c = 0; c < p->candidates->len && state->session != NULL; c++)
        ice_session_note_remote_rejected (state->session,
                                          ICE_REMOTE_UNRESOLVED);
      g_ptr_array_remove_index (m->pending, i);
      continue;
    }
    if (action == ICE_MDNS_SCHEDULE_SEND)
      send_query_locked (state, p);
    i++;
  }
}

static gboolean
on_timer (gpointer data)
{
  IceAgentState *state = data;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&state->lock);
  if (!state->closed && state->mdns != NULL) {
    g_clear_pointer (&state->mdns->timer, g_source_unref);
    tick_locked (state, now);
    schedule_locked (state, now);
  }
  g_mutex_unlock (&state->lock);
  return G_SOURCE_REMOVE;
}

static void
schedule_locked (IceAgentState *state, gint64 now)
{
  IceAgentMdns *m = state->mdns;
  gint64 next = G_MAXINT64;
  guint i;

  for (i = 0; i < m->pending->len; i++) {
    MdnsPending *p = g_ptr_array_index (m->pending, i);

    next = MIN (next, ice_mdns_schedule_next (&p->schedule));
  }
  if (next == G_MAXINT64)
    return;
  if (m->timer != NULL) {
    g_source_destroy (m->timer);
    g_source_unref (m->timer);
  }
  m->timer = g_timeout_source_new ((guint)((MAX (next - now, 0) + 999) / 1000));
  g_source_set_callback (m->timer, on_timer, ice_agent_state_ref (state),
                         (GDestroyNotify)ice_agent_state_unref);
  g_source_attach (m->timer, state->context);
}

/**
 * ice_agent_mdns_take_locked:
 * @cand: a remote candidate the session would refuse as unresolved
 *
 * Returns: %TRUE when the candidate is taken (added now from the cache, or
 *   held until its name is answered or times out); %FALSE when it is not
 *   an mDNS name, resolution is off, or too many names (or candidates of
 *   one name) are waiting: the caller refuses it as unresolved.
 */
gboolean
ice_agent_mdns_take_locked (IceAgentState *state, const IceCandidate *cand)
{
  IceAgentMdns *m;
  MdnsPending *p = NULL;
  IceCandidate copy = *cand;
  const IceTransportAddr *cached;
  gchar *key;
  gint64 now = g_get_monotonic_time ();
  guint i;

  if (!state->mdns_resolve || state->closed || ice_addr_is_set (&cand->addr)
      || !ice_mdns_name_is_valid (cand->hostname))
    return FALSE;
  m = ice_agent_mdns_get (state);
  key = g_ascii_strdown (cand->hostname, -1);
  cached = g_hash_table_lookup (m->cache, key);
  if (cached != NULL) {
    g_free (key);
    add_resolved_locked (state, &copy, cached);
    return TRUE;
  }
  for (i = 0; i < m->pending->len && p == NULL; i++)
    if (ice_mdns_name_equal (((MdnsPending *)m->pending->pdata[i])->name, key))
      p = m->pending->pdata[i];
  if (p == NULL && m->pending->len >= MDNS_MAX_PENDING_NAMES) {
    g_debug ("mDNS: %u names asked already, %s refused", m->pending->len, key);
    g_free (key);
    return FALSE;
  }
  if (p != NULL && p->candidates->len >= MDNS_MAX_CANDIDATES_PER_NAME) {
    g_free (key);
    return FALSE;
  }
  if (p == NULL) {
    p = g_new0 (MdnsPending, 1);
    p->name = key;
    p->candidates = g_array_new (FALSE, FALSE, sizeof (IceCandidate));
    /* the first query is sent by the context, at once */
    ice_mdns_schedule_start (&p->schedule, now,
                             ICE_AGENT_MDNS_TIMEOUT_MS * (gint64)1000);
    g_ptr_array_add (m->pending, p);
    schedule_locked (state, now);
  } else {
    g_free (key);
  }
  g_array_append_val (p->candidates, copy);
  return TRUE;
}

static MdnsPending *
find_pending (IceAgentMdns *m, const gchar *name, guint *index)
{
  guint i;

  for (i = 0; i < m->pending->len; i++) {
    MdnsPending *p = g_ptr_array_index (m->pending, i);

    if (ice_mdns_name_equal (p->name, name)) {
      *index = i;
      return p;
    }
  }
  return NULL;
}

/* One datagram: the publisher sees it first (it answers queries for our
 * names, notices conflicts); then queries are done with, and a response
 * must come from port 5353 and carry an A or AAAA record for a name we
 * asked, else it is dropped and counted (RFC 6762 §11: only the link's
 * hosts can send to the group, but any of them may lie or be broken). */
static void
handle_datagram_locked (IceAgentState *state, const guint8 *data, gsize len,
                        guint16 from_port, guint ifindex)
{
  IceAgentMdns *m = state->mdns;
  IceMdnsMessage *msg = g_new0 (IceMdnsMessage, 1);
  IceMdnsParseResult r = ice_mdns_message_parse (msg, data, len);
  gboolean used = FALSE;
  guint a, c, index;

  ice_agent_mdns_publish_handle_locked (state, data, len, from_port, ifindex);
  if (r != ICE_MDNS_PARSE_OK || from_port != ICE_MDNS_PORT) {
    g_debug ("IceAgent: mDNS: dropped a message from port %u: %s", from_port,
             ice_mdns_parse_result_to_string (r));
    m->counters.dropped++;
    g_free (msg);
    return;
  }
  if (!msg->is_response) {
    g_free (msg);
    return;
  }
  for (a = 0; a < msg->n_addresses; a++) {
    const IceMdnsAddressRecord *rec = &msg->addresses[a];
    MdnsPending *p = find_pending (m, rec->name, &index);

    IceTransportAddr addr;

    if (p == NULL)
      continue;
    addr = rec->addr;
    if (addr.family == ICE_ADDR_FAMILY_IPV6 && ice_addr_is_link_local (&addr))
      addr.scope_id = ifindex;
    g_hash_table_insert (m->cache, g_strdup (p->name),
                         g_memdup2 (&addr, sizeof (addr)));
    for (c = 0; c < p->candidates->len; c++)
      add_resolved_locked (
          state, &g_array_index (p->candidates, IceCandidate, c), &addr);
    m->counters.resolved++;
    g_ptr_array_remove_index (m->pending, index);
    used = TRUE;
  }
  if (!used) {
    g_debug ("IceAgent: mDNS: dropped a response for no name we asked");
    m->counters.dropped++;
  }
  g_free (msg);
}

/* One datagram, its source port, the interface it came in on
 * (IP_PKTINFO; 0 if unknown) and whether RFC 6762 §11 takes it as from
 * the link. Returns its length, or -1 when none is left. A longer
 * datagram than @size is cut, and then refused by the parser (TOO_LONG)
 * since @size is one over the largest message. */
static gssize
receive_one (GSocket *socket, guint8 *buf, gsize size, guint16 *port,
             guint *ifindex, gboolean *on_link)
{
  union {
    struct cmsghdr align;
    guint8 buf[CMSG_SPACE (sizeof (struct in_pktinfo))
               + CMSG_SPACE (sizeof (gint))];
  } control;
  gint ttl = -1;
  struct sockaddr_in from = { 0 };
  struct iovec iov = { buf, size };
  struct msghdr msg = { 0 };
  struct cmsghdr *c;
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
  *port = from.sin_family == AF_INET ? ntohs (from.sin_port) : 0;
  *ifindex = 0;
  for (c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c)) {
    struct in_pktinfo info;

    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL)
      memcpy (&ttl, CMSG_DATA (c), sizeof (ttl));
    if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_PKTINFO)
      continue;
    memcpy (&info, CMSG_DATA (c), sizeof (info));
    *ifindex = (guint)info.ipi_ifindex;
  }
  *on_link = ice_agent_mdns_is_on_link (from.sin_addr.s_addr, *ifindex, ttl);
  return len;
}

static gboolean
on_readable (GSocket *socket, GIOCondition cond, gpointer data)
{
  IceAgentState *state = data;
  guint8 *buf = g_malloc (ICE_MDNS_MAX_MESSAGE + 1);
  guint n;

  g_mutex_lock (&state->lock);
  /* bounded per wake-up, so a flood cannot hold the context */
  for (n = 0; n < 64 && !state->closed; n++) {
    guint16 port = 0;
    guint ifindex = 0;
    gboolean on_link = FALSE;
    gssize len = receive_one (socket, buf, ICE_MDNS_MAX_MESSAGE + 1, &port,
                              &ifindex, &on_link);

    if (len < 0)
      break;
    if (!on_link) {
      g_debug ("IceAgent: mDNS: dropped a message from off the link (TTL "
               "below 255, source on no subnet of interface %u)",
               ifindex);
      state->mdns->counters.dropped++;
      continue;
    }
    handle_datagram_locked (state, buf, (gsize)len, port, ifindex);
  }
  if (!state->closed)
    ice_agent_state_flush_locked (state);
  g_mutex_unlock (&state->lock);
  g_free (buf);
  return G_SOURCE_CONTINUE;
}

void
ice_agent_mdns_get_counters_locked (IceAgentState *state,
                                    IceAgentMdnsCounters *out)
{
  if (state->mdns != NULL)
    *out = state->mdns->counters;
  else
    memset (out, 0, sizeof (*out));
  ice_agent_mdns_publish_get_counters_locked (state, out);
}

/* ICE restart (RFC 8445 §9): the session forgot the remote candidates, so
 * the held ones go too; the names are still asked (and cached). */
void
ice_agent_mdns_forget_candidates_locked (IceAgentState *state)
{
  guint i;

  if (state->mdns == NULL)
    return;
  for (i = 0; i < state->mdns->pending->len; i++)
    g_array_set_size (
        ((MdnsPending *)state->mdns->pending->pdata[i])->candidates, 0);
}

/* Stops the sources (they hold references on the state). */
void
ice_agent_mdns_close_locked (IceAgentState *state)
{
  IceAgentMdns *m = state->mdns;

  if (m == NULL)
    return;
  if (m->timer != NULL)
    g_source_destroy (m->timer);
  g_clear_pointer (&m->timer, g_source_unref);
  if (m->recv_source != NULL)
    g_source_destroy (m->recv_source);
  g_clear_pointer (&m->recv_source, g_source_unref);
  g_ptr_array_set_size (m->pending, 0);
}

void
ice_agent_mdns_free (IceAgentState *state)
{
  IceAgentMdns *m = state->mdns;

  if (m == NULL)
    return;
  ice_agent_mdns_close_locked (state);
  g_clear_object (&m->socket);
  g_ptr_array_unref (m->pending);
  g_hash_table_unref (m->cache);
  ice_agent_mdns_publish_free (m);
  g_clear_pointer (&state->mdns, g_free);
}
