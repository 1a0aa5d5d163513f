/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Resolution of the peer's mDNS host candidates ("<uuid>.local",
 * draft-ietf-mmusic-mdns-ice-candidates §3.2): a remote candidate whose
 * address is such a name is held back, the agent asks for the name's A
 * records on 224.0.0.251:5353 and on [ff02::fb]:5353 (each interface
 * that joined it) from multicast sockets of its own
 * (ice-agent-mdns-socket.c), and adds the candidate with the answered
 * address (the name kept in @hostname).
 * One query asks for the name's A and AAAA records (a browser names each
 * host address, of either family); the first address record for the name
 * resolves it, a link-local IPv6 one with the receiving interface as its
 * scope. Queries are handed to ice-agent-mdns-publish.c, which answers for
 * our own names when "mdns" is on, on the family the query came in on.
 * Without IPv6 (no socket, no interface in ff02::fb) only IPv4 is used.
 *
 * Everything here runs under the agent's lock; socket I/O only on the
 * agent's context (a timer source sends the queries, a socket source
 * reads the answers), never from the API thread that added the candidate.
 */
#include <string.h>

#include "ice/io/ice-agent-mdns-private.h"
#include "ice/mdns/mdns-message.h"
#include "ice/mdns/mdns-name.h"
#include "ice/mdns/mdns-schedule.h"

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

/* RFC 6762 §5, §6: queries and answers go to the group of @family, from
 * port 5353: on interface @ifindex (an answer, where its query came in),
 * or when it is 0 (a query) the default IPv4 multicast interface, or
 * every interface that joined ff02::fb. */
gboolean
ice_agent_mdns_send_group_locked (IceAgentState *state, GSocketFamily family,
                                  const guint8 *data, gsize len, guint ifindex)
{
  IceAgentMdns *m = state->mdns;
  gboolean sent = FALSE;
  guint i;

  if (m == NULL || len == 0)
    return FALSE;
  if (family == G_SOCKET_FAMILY_IPV4)
    return m->socket != NULL
           && ice_agent_mdns_socket_send (m->socket, data, len, ifindex);
  if (m->socket6 == NULL)
    return FALSE;
  if (ifindex != 0)
    return ice_agent_mdns_socket_send (m->socket6, data, len, ifindex);
  for (i = 0; i < m->ifindexes6->len; i++)
    sent |= ice_agent_mdns_socket_send (
        m->socket6, data, len, g_array_index (m->ifindexes6, guint, i));
  return sent;
}

static void
send_query_locked (IceAgentState *state, MdnsPending *p)
{
  IceMdnsQuery q[2] = { { p->name, ICE_MDNS_TYPE_A, FALSE },
                        { p->name, ICE_MDNS_TYPE_AAAA, FALSE } };
  guint8 buf[512];
  gsize len = ice_mdns_build_query (buf, sizeof (buf), q, G_N_ELEMENTS (q));

  gboolean sent4 = ice_agent_mdns_send_group_locked (
      state, G_SOCKET_FAMILY_IPV4, buf, len, 0);
  gboolean sent6 = ice_agent_mdns_send_group_locked (
      state, G_SOCKET_FAMILY_IPV6, buf, len, 0);

  if (sent4 || sent6)
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

static GSource *
watch_socket (IceAgentState *state, GSocket *socket)
{
  GSource *source;

  if (socket == NULL)
    return NULL;
  source = g_socket_create_source (socket, G_IO_IN, NULL);
  g_source_set_callback (source, (GSourceFunc)(void (*) (void))on_readable,
                         ice_agent_state_ref (state),
                         (GDestroyNotify)ice_agent_state_unref);
  g_source_attach (source, state->context);
  return source;
}

/* Opens both sockets once; IPv6 is optional (IPv4 only without it). */
void
ice_agent_mdns_ensure_socket_locked (IceAgentState *state)
{
  IceAgentMdns *m = ice_agent_mdns_get (state);
  GArray *unused;

  if (m->socket != NULL || m->socket6 != NULL || m->socket_failed)
    return;
  unused = g_array_new (FALSE, FALSE, sizeof (guint));
  m->socket = ice_agent_mdns_socket_open (state, G_SOCKET_FAMILY_IPV4, unused);
  g_array_unref (unused);
  m->ifindexes6 = g_array_new (FALSE, FALSE, sizeof (guint));
  m->socket6
      = ice_agent_mdns_socket_open (state, G_SOCKET_FAMILY_IPV6, m->ifindexes6);
  m->socket_failed = m->socket == NULL && m->socket6 == NULL;
  m->recv_source = watch_socket (state, m->socket);
  m->recv_source6 = watch_socket (state, m->socket6);
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

    if (action == ICE_MDNS_SCHEDULE_GIVE_UP || m->socket_failed) {
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
handle_datagram_locked (IceAgentState *state, GSocketFamily family,
                        const guint8 *data, gsize len, guint16 from_port,
                        guint ifindex)
{
  IceAgentMdns *m = state->mdns;
  IceMdnsMessage *msg = g_new0 (IceMdnsMessage, 1);
  IceMdnsParseResult r = ice_mdns_message_parse (msg, data, len);
  gboolean used = FALSE;
  guint a, c, index;

  ice_agent_mdns_publish_handle_locked (state, family, data, len, from_port,
                                        ifindex);
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
    gssize len = ice_agent_mdns_socket_receive (
        socket, buf, ICE_MDNS_MAX_MESSAGE + 1, &port, &ifindex, &on_link);

    if (len < 0)
      break;
    if (!on_link) {
      g_debug ("IceAgent: mDNS: dropped a message from off the link (TTL "
               "below 255, source not link-local nor on a subnet of "
               "interface %u)",
               ifindex);
      state->mdns->counters.dropped++;
      continue;
    }
    handle_datagram_locked (state, g_socket_get_family (socket), buf,
                            (gsize)len, port, ifindex);
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
  if (m->recv_source6 != NULL)
    g_source_destroy (m->recv_source6);
  g_clear_pointer (&m->recv_source6, g_source_unref);
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
  g_clear_object (&m->socket6);
  g_clear_pointer (&m->ifindexes6, g_array_unref);
  g_ptr_array_unref (m->pending);
  g_hash_table_unref (m->cache);
  ice_agent_mdns_publish_free (m);
  g_clear_pointer (&state->mdns, g_free);
}
