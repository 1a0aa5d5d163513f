/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Publishing our host candidates as mDNS names
 * (draft-ietf-mmusic-mdns-ice-candidates §3.1), property "mdns": every
 * host candidate leaves the agent (the "new-candidate" line, the local
 * description) with a random "<uuid>.local" name in place of its
 * address, one name per (stream, host address) and per ICE session (new
 * names after a restart, §3.1.1); server-reflexive candidates leave with
 * "raddr 0.0.0.0 rport 0" so that their base does not give the host
 * address away (§3.1.2.2). The session keeps the real addresses: pairing
 * and checks are unchanged.
 *
 * The names are answered on the multicast socket of ice-agent-mdns.c,
 * the decision made by the sans-IO responder (ice/mdns/mdns-responder.c):
 * only our names, one multicast per record per second, nothing from
 * ports other than 5353. A conflict (another host answering for one of
 * our names with another address) is counted and logged; with 122 random
 * bits per name it means a broken or hostile host, not a collision, so
 * the name is kept (no RFC 6762 §9 renaming: the peer has it already).
 *
 * Under the agent's lock. Names are made wherever a candidate is
 * announced (the flush after the session's events, on the context or the
 * API thread); answers are sent from the socket's source on the context.
 */
#include <string.h>
#include <sys/random.h>

#include "ice/io/ice-agent-mdns-private.h"

typedef struct {
  guint stream_id;
  IceTransportAddr ip; /* port 0 */
  gchar name[ICE_MDNS_UUID_NAME_SIZE];
} IceAgentMdnsName;

/* The names stand for our addresses: unguessable, from the kernel's
 * CSPRNG (a GRand is predictable once a few outputs are seen). */
static guint64
name_random (gpointer data)
{
  guint64 value;

  if (getrandom (&value, sizeof (value), 0) != sizeof (value))
    value = ((guint64)g_random_int () << 32) | g_random_int ();
  return value;
}

static IceAgentMdns *
publisher_get (IceAgentState *state)
{
  IceAgentMdns *m = ice_agent_mdns_get (state);

  if (m->responder == NULL) {
    m->responder = ice_mdns_responder_new ();
    m->names = g_array_new (FALSE, FALSE, sizeof (IceAgentMdnsName));
  }
  return m;
}

/* The name of (@stream_id, @ip), made and registered on first use; NULL
 * when the responder's table is full (the address is then published). */
static const gchar *
name_for_locked (IceAgentState *state, guint stream_id,
                 const IceTransportAddr *addr)
{
  IceAgentMdns *m = publisher_get (state);
  IceAgentMdnsName n;
  guint i;

  for (i = 0; i < m->names->len; i++) {
    IceAgentMdnsName *e = &g_array_index (m->names, IceAgentMdnsName, i);

    if (e->stream_id == stream_id && ice_addr_equal_ip (&e->ip, addr))
      return e->name;
  }
  memset (&n, 0, sizeof (n));
  n.stream_id = stream_id;
  n.ip = *addr;
  n.ip.port = 0;
  ice_mdns_name_generate (name_random, NULL, n.name);
  if (!ice_mdns_responder_add (m->responder, n.name, &n.ip)) {
    g_debug ("IceAgent: mDNS: %u names published already, a host address "
             "of stream %u goes out as it is",
             ice_mdns_responder_n_names (m->responder), stream_id);
    return NULL;
  }
  /* the socket must hear the queries before the peer has the name */
  ice_agent_mdns_ensure_socket_locked (state);
  if (m->socket == NULL && m->socket6 == NULL)
    g_message ("mDNS: no socket on port %u: the peer cannot resolve our "
               "names",
               ICE_MDNS_PORT);
  m->counters.names_published++;
  g_array_append_val (m->names, n);
  return g_array_index (m->names, IceAgentMdnsName, m->names->len - 1).name;
}

/**
 * ice_agent_mdns_publish_candidate:
 * @cand: a local candidate about to be signalled (a copy)
 * @state: (type IceAgentState): the agent's state, locked
 *
 * With "mdns" on: a host candidate gets its name in @hostname (the writer
 * prints it in place of the address); a server-reflexive one gets an
 * unspecified raddr and rport 0. Also an #IceCandidateRewriteFunc.
 */
void
ice_agent_mdns_publish_candidate (IceCandidate *cand, gpointer data)
{
  IceAgentState *state = data;
  const gchar *name;

  if (!state->mdns_publish || state->closed)
    return;
  if (cand->type == ICE_CANDIDATE_TYPE_HOST && ice_addr_is_set (&cand->addr)) {
    name = name_for_locked (state, cand->stream_id, &cand->addr);
    if (name != NULL)
      g_strlcpy (cand->hostname, name, sizeof (cand->hostname));
  } else if (cand->type == ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE
             && ice_addr_is_set (&cand->related)) {
    IceTransport transport = cand->related.transport;

    memset (&cand->related, 0, sizeof (cand->related));
    cand->related.family = cand->addr.family == ICE_ADDR_FAMILY_IPV6
                               ? ICE_ADDR_FAMILY_IPV6
                               : ICE_ADDR_FAMILY_IPV4;
    cand->related.transport = transport;
  }
}

/**
 * ice_agent_mdns_renew_names_locked:
 * @stream_id: the stream that restarted, or %ICE_AGENT_MDNS_ALL_STREAMS
 *
 * A new ICE session (RFC 8445 §9 restart): the stream's names are
 * forgotten and no longer answered; its candidates get new ones when they
 * are announced again.
 */
void
ice_agent_mdns_renew_names_locked (IceAgentState *state, guint stream_id)
{
  IceAgentMdns *m = state->mdns;
  guint i = 0;

  if (m == NULL || m->names == NULL)
    return;
  while (i < m->names->len) {
    IceAgentMdnsName *e = &g_array_index (m->names, IceAgentMdnsName, i);

    if (stream_id != ICE_AGENT_MDNS_ALL_STREAMS && e->stream_id != stream_id) {
      i++;
      continue;
    }
    ice_mdns_responder_remove (m->responder, e->name);
    g_array_remove_index (m->names, i);
  }
}

/* One datagram from a socket of @family, before the resolver sees it;
 * @ifindex is the interface it came in on: the answer goes there, on the
 * same family (§6: per interface), with the records asked (A for an IPv4
 * host address, AAAA for an IPv6 one) whichever family carries them. */
void
ice_agent_mdns_publish_handle_locked (IceAgentState *state,
                                      GSocketFamily family, const guint8 *data,
                                      gsize len, guint16 from_port,
                                      guint ifindex)
{
  IceAgentMdns *m = state->mdns;
  guint8 out[1024];
  gsize out_len;
  IceMdnsResponderResult res;

  if (m == NULL || m->responder == NULL
      || ice_mdns_responder_n_names (m->responder) == 0)
    return;
  res = ice_mdns_responder_handle (m->responder, data, len, from_port,
                                   g_get_monotonic_time (), out, sizeof (out),
                                   &out_len);
  switch (res) {
    case ICE_MDNS_RESPONDER_ANSWER:
      if (!ice_agent_mdns_send_group_locked (state, family, out, out_len,
                                             ifindex))
        g_debug ("IceAgent: mDNS: an answer could not be sent");
      break;
    case ICE_MDNS_RESPONDER_CONFLICT:
      g_debug ("IceAgent: mDNS: another host claims one of our names "
               "(docs/mdns.md: conflicts)");
      break;
    case ICE_MDNS_RESPONDER_LEGACY:
      g_debug ("IceAgent: mDNS: ignored a query from port %u (legacy "
               "unicast is not answered)",
               from_port);
      break;
    default:
      break;
  }
}

void
ice_agent_mdns_publish_get_counters_locked (IceAgentState *state,
                                            IceAgentMdnsCounters *out)
{
  const IceMdnsResponderCounters *c;

  if (state->mdns == NULL || state->mdns->responder == NULL)
    return;
  c = ice_mdns_responder_get_counters (state->mdns->responder);
  out->answers_sent = c->answers;
  out->queries_ignored = c->ignored + c->too_big;
  out->answers_rate_limited = c->rate_limited;
  out->conflicts = c->conflicts;
}

void
ice_agent_mdns_publish_free (IceAgentMdns *m)
{
  g_clear_pointer (&m->responder, ice_mdns_responder_free);
  if (m->names != NULL)
    g_array_unref (m->names);
  m->names = NULL;
}
