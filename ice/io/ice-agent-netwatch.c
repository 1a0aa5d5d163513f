/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Watching the host's addresses: a netlink route socket subscribed to
 * the IPv4 and IPv6 address groups (RTM_NEWADDR, RTM_DELADDR; rtnetlink(7))
 * is read on the agent's context like a packet socket: non-blocking,
 * bounded per wakeup. A change arms a debounce timer (addresses change in
 * bursts: DHCP, a VPN coming up, IPv6 privacy addresses); when it fires
 * the agent's sockets are compared with getifaddrs():
 *
 * - a socket whose address is gone is closed and its candidates are
 *   forgotten; "local-address-lost" is signalled for the address and,
 *   with "restart-on-network-change", the agent restarts ICE itself with
 *   sockets on the addresses that appeared (RFC 8445 §9), announcing the
 *   new credentials like a restart of the peer's, so a signaller carries
 *   them to the peer;
 * - without the restart, sockets are opened on the new addresses and
 *   their host candidates trickled; the application restarts;
 * - addresses that only appear change nothing while every component has
 *   a socket (a selected pair keeps working), unless a component has
 *   none left: then the agent restarts on them.
 *
 * The netlink messages are only a trigger: the comparison reads the
 * addresses afresh, so a message lost to a full socket buffer (ENOBUFS)
 * or a malformed one (counted, never warned about) costs nothing but a
 * comparison.
 */
#include <errno.h>
#include <glib-unix.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ice/io/ice-agent-private.h"

/* a burst of changes is handled once, this long after its last message,
 * and at most NETWATCH_MAX_DELAY_MS after its first */
#define NETWATCH_DEBOUNCE_MS 200
#define NETWATCH_MAX_DELAY_MS 1000
#define NETWATCH_BUFFER 8192
#define NETWATCH_ROUNDS 8

struct _IceAgentNetwatch {
  gint fd;
  GSource *source;   /* fd readable */
  GSource *debounce; /* armed while a change waits */
  gint64 first_change_us;
  IceAgentNetwatchCounters counters;
};

static gboolean netwatch_readable (gint fd, GIOCondition cond, gpointer data);
static gboolean debounce_fired (gpointer data);

static gboolean
debounce_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  return callback (data);
}

/* a one-shot source woken at its ready time, postponed by each change */
static GSourceFuncs debounce_funcs
    = { NULL, NULL, debounce_dispatch, NULL, NULL, NULL };

static gint
open_route_socket (void)
{
  struct sockaddr_nl sa;
  gint fd;

  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
               NETLINK_ROUTE);
  if (fd < 0)
    return -1;
  memset (&sa, 0, sizeof (sa));
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (bind (fd, (struct sockaddr *)&sa, sizeof (sa)) < 0) {
    close (fd);
    return -1;
  }
  return fd;
}

/* Starts watching on the agent's context, once; without netlink (not
 * Linux, a sandbox) the agent works as before, on the addresses of its
 * first gathering. */
void
ice_agent_netwatch_start_locked (IceAgentState *state)
{
  IceAgentNetwatch *nw;
  gint fd;

  if (state->netwatch != NULL || state->closed)
    return;
  nw = state->netwatch = g_new0 (IceAgentNetwatch, 1);
  nw->fd = -1;
  fd = open_route_socket ();
  if (fd < 0) {
    g_debug ("no netlink route socket (%s): address changes are not watched",
             g_strerror (errno));
    return;
  }
  nw->fd = fd;
  nw->source = g_unix_fd_source_new (fd, G_IO_IN);
  g_source_set_callback (nw->source, G_SOURCE_FUNC (netwatch_readable),
                         ice_agent_state_ref (state),
                         (GDestroyNotify)ice_agent_state_unref);
  g_source_set_name (nw->source, "ice-agent-netwatch");
  g_source_attach (nw->source, state->context);
}

/* One RTM_NEWADDR / RTM_DELADDR: an ifaddrmsg of an IP family whose
 * attributes fit the message (rtnetlink(7)). */
static gboolean
address_message_is_valid (const struct nlmsghdr *nlh)
{
  const struct ifaddrmsg *ifa;
  const struct rtattr *rta;
  gint len;

  if (nlh->nlmsg_len < NLMSG_LENGTH (sizeof (*ifa)))
    return FALSE;
  ifa = NLMSG_DATA (nlh);
  if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
    return FALSE;
  len = nlh->nlmsg_len - NLMSG_LENGTH (sizeof (*ifa));
  for (rta = IFA_RTA (ifa); RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
    ;
  /* what is left must be padding, not a truncated attribute */
  return len < (gint)sizeof (struct rtattr);
}

/**
 * ice_agent_netwatch_parse:
 * @buf: (array length=n): what one recvfrom() on the route socket read,
 *   aligned to NLMSG_ALIGNTO
 * @counters: @messages and @malformed are counted here
 *
 * Walks the netlink messages of @buf, never past @n (NLMSG_OK checks each
 * header against what is left).
 *
 * Returns: %TRUE when a well-formed RTM_NEWADDR or RTM_DELADDR of an IP
 *   family is among them.
 */
gboolean
ice_agent_netwatch_parse (const guint8 *buf, gsize n,
                          IceAgentNetwatchCounters *counters)
{
  const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
  gboolean changed = FALSE;
  gint len = MIN (n, NETWATCH_BUFFER);

  for (; NLMSG_OK (nlh, len); nlh = NLMSG_NEXT (nlh, len)) {
    counters->messages++;
    if (nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR) {
      if (address_message_is_valid (nlh))
        changed = TRUE;
      else
        counters->malformed++;
    } else if (nlh->nlmsg_type != NLMSG_DONE && nlh->nlmsg_type != NLMSG_NOOP) {
      counters->malformed++;
    }
  }
  if (len > 0)
    counters->malformed++; /* a truncated header */
  return changed;
}

static void
arm_debounce_locked (IceAgentState *state, IceAgentNetwatch *nw)
{
  gint64 now = g_get_monotonic_time ();
  gint64 at = now + NETWATCH_DEBOUNCE_MS * G_TIME_SPAN_MILLISECOND;

  if (nw->debounce == NULL) {
    nw->first_change_us = now;
    nw->debounce = g_source_new (&debounce_funcs, sizeof (GSource));
    g_source_set_ready_time (nw->debounce, at);
    g_source_set_name (nw->debounce, "ice-agent-netwatch-debounce");
    g_source_set_callback (nw->debounce, debounce_fired,
                           ice_agent_state_ref (state),
                           (GDestroyNotify)ice_agent_state_unref);
    g_source_attach (nw->debounce, state->context);
    return;
  }
  at = MIN (at, nw->first_change_us
                    + NETWATCH_MAX_DELAY_MS * G_TIME_SPAN_MILLISECOND);
  g_source_set_ready_time (nw->debounce, at);
}

/* Reads what the kernel sent (bounded per wakeup); only messages from
 * the kernel itself (nl_pid 0) count. */
static gboolean
read_changes (IceAgentNetwatch *nw, gint fd)
{
  guint8 buf[NETWATCH_BUFFER] __attribute__ ((aligned (NLMSG_ALIGNTO)));
  gboolean changed = FALSE;
  guint round;

  for (round = 0; round < NETWATCH_ROUNDS; round++) {
    struct sockaddr_nl from;
    socklen_t from_len = sizeof (from);
    gssize n = recvfrom (fd, buf, sizeof (buf), MSG_DONTWAIT,
                         (struct sockaddr *)&from, &from_len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == ENOBUFS) {
      changed = TRUE; /* messages were lost: compare anyway */
      nw->counters.overruns++;
      continue;
    }
    if (n <= 0)
      break;
    if (from_len != sizeof (from) || from.nl_pid != 0) {
      nw->counters.malformed++;
      continue;
    }
    changed |= ice_agent_netwatch_parse (buf, n, &nw->counters);
  }
  return changed;
}

static gboolean
netwatch_readable (gint fd, GIOCondition cond, gpointer data)
{
  IceAgentState *state = data;
  IceAgentNetwatch *nw;

  g_mutex_lock (&state->lock);
  nw = state->netwatch;
  if (state->closed || nw == NULL) {
    g_mutex_unlock (&state->lock);
    return G_SOURCE_REMOVE;
  }
  if (read_changes (nw, fd))
    arm_debounce_locked (state, nw);
  g_mutex_unlock (&state->lock);
  return G_SOURCE_CONTINUE;
}

/* --- the comparison, when the burst is over ------------------------------ */

static gboolean
same_address (const IceTransportAddr *a, const IceTransportAddr *b)
{
  /* fe80::1 may be on two links: the scope tells them apart */
  return ice_addr_equal_ip (a, b)
         && (!ice_addr_is_link_local (a) || a->scope_id == b->scope_id);
}

static gboolean
still_there (GArray *locals, const IceTransportAddr *addr)
{
  guint i;

  for (i = 0; i < locals->len; i++)
    if (same_address (&g_array_index (locals, IceAgentLocalAddress, i).addr,
                      addr))
      return TRUE;
  return FALSE;
}

static void
append_unique (GArray *lost, const IceTransportAddr *addr)
{
  guint i;

  for (i = 0; i < lost->len; i++)
    if (same_address (&g_array_index (lost, IceTransportAddr, i), addr))
      return;
  g_array_append_val (lost, *addr);
}

/* Closes the sockets whose address is gone; their IPs go to @lost. */
static void
close_lost_sockets_locked (IceAgentState *state, GArray *locals, GArray *lost)
{
  guint i;

  for (i = state->sockets->len; i > 0; i--) {
    IceAgentSocket *sock = state->sockets->pdata[i - 1];

    if (still_there (locals, &sock->local))
      continue;
    ice_session_remove_host_address (state->session, &sock->local);
    append_unique (lost, &sock->local);
    g_hash_table_remove (state->socket_by_addr, &sock->local);
    g_ptr_array_remove_index (state->sockets, i - 1);
    /* a send route may still hold the GSocket: its sends fail and count
     * as send errors until the restart selects a new pair */
    ice_agent_socket_free (sock);
  }
}

static guint
count_sockets_locked (IceAgentState *state, guint stream_id, guint component_id,
                      const IceTransportAddr *ip)
{
  guint i, n = 0;

  for (i = 0; i < state->sockets->len; i++) {
    IceAgentSocket *sock = state->sockets->pdata[i];

    if (sock->stream_id == stream_id && sock->component_id == component_id
        && (ip == NULL || same_address (&sock->local, ip)))
      n++;
  }
  return n;
}

static gboolean
some_component_has_no_socket_locked (IceAgentState *state)
{
  guint i, c;

  for (i = 0; i < state->streams->len; i++) {
    IceAgentStream *stream = state->streams->pdata[i];

    for (c = 1; stream->sockets_open && c <= stream->n_components; c++)
      if (count_sockets_locked (state, stream->id, c, NULL) == 0)
        return TRUE;
  }
  return FALSE;
}

static void
open_socket_locked (IceAgentState *state, guint stream_id, guint component_id,
                    const IceAgentLocalAddress *local, GArray *added)
{
  IceAgentSocket *sock;
  IceHostAddress host;
  GError *error = NULL;
  gchar str[ICE_ADDR_STRLEN];

  sock = ice_agent_socket_open (&local->addr, state->port_min, state->port_max,
                                &error);
  if (sock == NULL) {
    /* e.g. an IPv6 address still tentative (DAD): its next RTM_NEWADDR
     * brings another comparison */
    g_debug ("netwatch: no socket on %s yet: %s",
             ice_addr_ip_to_string (&local->addr, str), error->message);
    g_error_free (error);
    return;
  }
  sock->stream_id = stream_id;
  sock->component_id = component_id;
  ice_agent_state_add_socket_locked (state, sock);
  host.stream_id = stream_id;
  host.component_id = component_id;
  host.base = sock->local;
  host.interface_index = local->interface_index;
  g_array_append_val (added, host);
}

/* Opens a socket per (component, new address) of every gathered stream. */
static GArray *
open_new_sockets_locked (IceAgentState *state, GArray *locals)
{
  GArray *added = g_array_new (FALSE, FALSE, sizeof (IceHostAddress));
  guint i, c, k;

  for (i = 0; i < state->streams->len; i++) {
    IceAgentStream *stream = state->streams->pdata[i];

    for (c = 1; stream->sockets_open && c <= stream->n_components; c++)
      for (k = 0; k < locals->len; k++) {
        IceAgentLocalAddress *local
            = &g_array_index (locals, IceAgentLocalAddress, k);

        if (count_sockets_locked (state, stream->id, c, &local->addr) == 0)
          open_socket_locked (state, stream->id, c, local, added);
      }
  }
  return added;
}

/* "local-address-lost" goes through the event queue: emitted off the
 * packet thread, in order with the restart's signals that follow. */
static void
queue_lost_locked (IceAgentState *state, GArray *lost, gboolean restarting)
{
  guint i;

  for (i = 0; i < lost->len; i++) {
    IceEvent event;

    memset (&event, 0, sizeof (event));
    event.type = ICE_AGENT_EVENT_ADDRESS_LOST;
    event.component_id = restarting;
    event.u.candidate.addr = g_array_index (lost, IceTransportAddr, i);
    g_array_append_val (state->pending_events, event);
  }
}

static void
apply_change_locked (IceAgentState *state, GArray *lost, GArray *added)
{
  IceAgentNetwatch *nw = state->netwatch;
  gboolean restart = state->restart_on_network_change;
  guint i;

  nw->counters.addresses_lost += lost->len;
  queue_lost_locked (state, lost, restart);
  if (restart) {
    g_debug ("netwatch: %u address(es) lost, %u socket(s) opened: ICE restart",
             lost->len, added->len);
    nw->counters.restarts++;
    ice_session_restart_announced (state->session,
                                   (const IceHostAddress *)added->data,
                                   added->len, g_get_monotonic_time ());
    ice_agent_mdns_forget_candidates_locked (state);
    return;
  }
  /* the application restarts when it wants: the new hosts trickle now */
  for (i = 0; i < added->len; i++) {
    IceHostAddress *host = &g_array_index (added, IceHostAddress, i);

    ice_session_add_host_address (state->session, host->stream_id,
                                  host->component_id, &host->base,
                                  host->interface_index);
  }
}

static void
compare_addresses_locked (IceAgentState *state)
{
  GArray *locals = ice_agent_list_local_addresses (state);
  GArray *lost = g_array_new (FALSE, FALSE, sizeof (IceTransportAddr));
  GArray *added;

  close_lost_sockets_locked (state, locals, lost);
  /* new addresses alone change nothing while every component can still
   * send: the selected pairs keep working */
  if (lost->len > 0 || some_component_has_no_socket_locked (state)) {
    added = open_new_sockets_locked (state, locals);
    if (lost->len > 0 || added->len > 0)
      apply_change_locked (state, lost, added);
    g_array_unref (added);
  }
  g_array_unref (lost);
  g_array_unref (locals);
}

static gboolean
debounce_fired (gpointer data)
{
  IceAgentState *state = data;
  IceAgentNetwatch *nw;

  g_mutex_lock (&state->lock);
  nw = state->netwatch;
  g_clear_pointer (&nw->debounce, g_source_unref);
  if (!state->closed && state->session != NULL) {
    nw->counters.comparisons++;
    compare_addresses_locked (state);
    ice_agent_state_flush_locked (state);
  }
  g_mutex_unlock (&state->lock);
  ice_agent_state_emit_pending (state);
  return G_SOURCE_REMOVE;
}

void
ice_agent_netwatch_get_counters_locked (IceAgentState *state,
                                        IceAgentNetwatchCounters *out)
{
  if (state->netwatch != NULL)
    *out = state->netwatch->counters;
  else
    memset (out, 0, sizeof (*out));
}

void
ice_agent_netwatch_close_locked (IceAgentState *state)
{
  IceAgentNetwatch *nw = state->netwatch;

  if (nw == NULL)
    return;
  if (nw->source != NULL)
    g_source_destroy (nw->source);
  if (nw->debounce != NULL)
    g_source_destroy (nw->debounce);
}

void
ice_agent_netwatch_free (IceAgentState *state)
{
  IceAgentNetwatch *nw = state->netwatch;

  if (nw == NULL)
    return;
  if (nw->source != NULL) {
    g_source_destroy (nw->source);
    g_source_unref (nw->source);
  }
  if (nw->debounce != NULL) {
    g_source_destroy (nw->debounce);
    g_source_unref (nw->debounce);
  }
  if (nw->fd >= 0)
    close (nw->fd);
  g_free (nw);
  state->netwatch = NULL;
}
