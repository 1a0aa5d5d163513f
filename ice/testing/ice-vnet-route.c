/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Datagrams in the virtual network: sending, routing hop by hop with the
 * links' delay and loss, the in-flight queue on the virtual clock, and
 * delivery to hosts.
 */
#include "ice/testing/ice-vnet-private.h"

#include <string.h>

static gint
packet_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const IceVnetPacket *pa = a, *pb = b;

  if (pa->time != pb->time)
    return pa->time < pb->time ? -1 : 1;
  if (pa->seq != pb->seq)
    return pa->seq < pb->seq ? -1 : 1;
  return 0;
}

/* Draws one crossing of @link: FALSE if the datagram is lost, else adds
 * the delay to @delay. */
static gboolean
link_cross (IceVnet *vnet, const IceVnetLink *link, gint64 *delay)
{
  if (link->loss > 0.0 && g_rand_double (vnet->rand) < link->loss)
    return FALSE;
  *delay += link->latency_us;
  if (link->jitter_us > 0)
    *delay += (gint64)(g_rand_double (vnet->rand) * (link->jitter_us + 1));
  return TRUE;
}

static const IceVnetInterface *
node_interface (IceVnet *vnet, const IceVnetNode *node)
{
  IceVnetHost *host;

  if (node->kind != ICE_VNET_NODE_INTERFACE)
    return NULL;
  host = ice_vnet_get_host (vnet, node->id);
  return &g_array_index (host->interfaces, IceVnetInterface, node->iface);
}

/* Finds where a datagram for pkt->dst goes next in @r: the node owning
 * the IP, else up through the realm's NAT; FALSE if nowhere. */
static gboolean
next_hop (IceVnetRealm *r, guint realm, const IceTransportAddr *dst,
          IceVnetNode *target)
{
  IceTransportAddr ip = *dst;
  IceVnetNode *node;

  ip.port = 0;
  ip.transport = ICE_TRANSPORT_UDP;
  ip.scope_id = 0;
  node = g_hash_table_lookup (r->nodes, &ip);
  if (node) {
    *target = *node;
    return TRUE;
  }
  if (r->nat) {
    target->kind = ICE_VNET_NODE_NAT_INSIDE;
    target->id = realm;
    target->iface = 0;
    return TRUE;
  }
  return FALSE;
}

void
ice_vnet_route (IceVnet *vnet, guint realm, const IceVnetInterface *from,
                IceVnetPacket *pkt)
{
  IceVnetRealm *r = ice_vnet_get_realm (vnet, realm);
  const IceVnetInterface *to;
  gint64 delay = 0;
  gboolean alive;

  if (!next_hop (r, realm, &pkt->dst, &pkt->target)) {
    vnet->counters.unroutable++;
    g_free (pkt);
    return;
  }
  to = node_interface (vnet, &pkt->target);
  alive = (!from || link_cross (vnet, &from->link, &delay))
          && link_cross (vnet, &r->link, &delay)
          && (!to || link_cross (vnet, &to->link, &delay));
  if (!alive) {
    vnet->counters.lost++;
    g_free (pkt);
    return;
  }
  pkt->realm = realm;
  pkt->time = vnet->now + delay;
  pkt->seq = vnet->seq++;
  g_sequence_insert_sorted (vnet->in_flight, pkt, packet_compare, NULL);
}

static const IceVnetInterface *
host_interface_with_ip (IceVnetHost *host, const IceTransportAddr *ip)
{
  guint i;

  for (i = 0; i < host->interfaces->len; i++) {
    IceVnetInterface *iface
        = &g_array_index (host->interfaces, IceVnetInterface, i);
    if (ice_addr_equal_ip (&iface->ip, ip))
      return iface;
  }
  return NULL;
}

gboolean
ice_vnet_host_send (IceVnet *vnet, guint host, const IceTransportAddr *from,
                    const IceTransportAddr *to, const guint8 *data, gsize len)
{
  IceVnetHost *h = ice_vnet_get_host (vnet, host);
  const IceVnetInterface *iface;
  IceVnetPacket *pkt;

  g_return_val_if_fail (h != NULL && from != NULL && to != NULL, FALSE);
  iface = host_interface_with_ip (h, from);
  if (!iface || len > ICE_VNET_MAX_DATAGRAM || !ice_addr_is_set (to)) {
    vnet->counters.refused++;
    return FALSE;
  }
  pkt = g_malloc0 (sizeof (IceVnetPacket) + len);
  pkt->src = *from;
  pkt->dst = *to;
  pkt->len = len;
  if (len)
    memcpy (pkt->data, data, len);
  vnet->counters.sent++;
  ice_vnet_route (vnet, iface->realm, iface, pkt);
  return TRUE;
}

gboolean
ice_vnet_send (IceVnet *vnet, const IceTransportAddr *from,
               const IceTransportAddr *to, const guint8 *data, gsize len)
{
  guint i, found = ICE_VNET_INVALID;

  g_return_val_if_fail (from != NULL, FALSE);
  for (i = 0; i < vnet->hosts->len; i++) {
    if (!host_interface_with_ip (g_ptr_array_index (vnet->hosts, i), from))
      continue;
    if (found != ICE_VNET_INVALID) {
      g_warning ("vnet: several hosts have the source IP; use "
                 "ice_vnet_host_send()");
      vnet->counters.refused++;
      return FALSE;
    }
    found = i;
  }
  if (found == ICE_VNET_INVALID) {
    vnet->counters.refused++;
    return FALSE;
  }
  return ice_vnet_host_send (vnet, found, from, to, data, len);
}

static void
datagram_fill (IceVnetDatagram *out, guint host, const IceVnetPacket *pkt)
{
  out->time_us = pkt->time;
  out->host = host;
  out->local = pkt->dst;
  out->from = pkt->src;
  out->len = pkt->len;
  memcpy (out->data, pkt->data, pkt->len);
}

static void
deliver (IceVnet *vnet, IceVnetPacket *pkt)
{
  IceVnetHost *host = ice_vnet_get_host (vnet, pkt->target.id);
  IceVnetDatagram *dgram;

  vnet->counters.delivered++;
  if (!host->receive) {
    g_queue_push_tail (&host->queue, pkt);
    return;
  }
  dgram = g_new (IceVnetDatagram, 1);
  datagram_fill (dgram, pkt->target.id, pkt);
  g_free (pkt);
  host->receive (vnet, dgram, host->receive_data);
  g_free (dgram);
}

static gint64
first_packet_time (IceVnet *vnet)
{
  GSequenceIter *first = g_sequence_get_begin_iter (vnet->in_flight);
  IceVnetPacket *pkt;

  if (g_sequence_iter_is_end (first))
    return -1;
  pkt = g_sequence_get (first);
  return pkt->time;
}

/* The earliest armed host timer (the lowest host id on a tie), or -1. */
static gint64
first_timer (IceVnet *vnet, guint *host_id)
{
  gint64 first = -1;
  guint i;

  for (i = 0; vnet->n_timers > 0 && i < vnet->hosts->len; i++) {
    IceVnetHost *host = g_ptr_array_index (vnet->hosts, i);

    if (host->timer_deadline >= 0
        && (first < 0 || host->timer_deadline < first)) {
      first = host->timer_deadline;
      *host_id = i;
    }
  }
  return first;
}

gint64
ice_vnet_next_delivery (IceVnet *vnet)
{
  gint64 pkt_time = first_packet_time (vnet);
  guint host_id;
  gint64 timer_time = first_timer (vnet, &host_id);

  if (timer_time >= 0 && (pkt_time < 0 || timer_time < pkt_time))
    return timer_time;
  return pkt_time;
}

void
ice_vnet_host_set_timer (IceVnet *vnet, guint host, gint64 deadline_us,
                         IceVnetTimerFunc func, gpointer user_data)
{
  IceVnetHost *h = ice_vnet_get_host (vnet, host);

  g_return_if_fail (h != NULL);
  g_return_if_fail (deadline_us < 0 || func != NULL);
  if (h->timer_deadline >= 0)
    vnet->n_timers--;
  if (deadline_us >= 0)
    vnet->n_timers++;
  h->timer_deadline = deadline_us < 0 ? -1 : deadline_us;
  h->timer = func;
  h->timer_data = user_data;
}

static void
fire_timer (IceVnet *vnet, guint host_id, gint64 deadline)
{
  IceVnetHost *host = g_ptr_array_index (vnet->hosts, host_id);

  host->timer_deadline = -1;
  vnet->n_timers--;
  vnet->now = MAX (vnet->now, deadline);
  host->timer (vnet, host_id, host->timer_data);
}

static void
process_packet (IceVnet *vnet)
{
  GSequenceIter *first = g_sequence_get_begin_iter (vnet->in_flight);
  IceVnetPacket *pkt = g_sequence_get (first);

  /* the sequence owns nothing: removing does not free */
  g_sequence_remove (first);
  vnet->now = pkt->time;
  switch (pkt->target.kind) {
    case ICE_VNET_NODE_INTERFACE:
      deliver (vnet, pkt);
      break;
    case ICE_VNET_NODE_NAT_INSIDE:
      ice_vnat_outbound (vnet, pkt->target.id, pkt);
      break;
    case ICE_VNET_NODE_NAT_OUTSIDE:
      ice_vnat_inbound (vnet, pkt->target.id, pkt);
      break;
  }
}

/* Datagrams and host timers in time order; a datagram goes first when
 * both are due at the same instant. */
void
ice_vnet_advance (IceVnet *vnet, gint64 now_us)
{
  g_return_if_fail (now_us >= vnet->now);

  for (;;) {
    gint64 pkt_time = first_packet_time (vnet);
    guint host_id = 0;
    gint64 timer_time = first_timer (vnet, &host_id);

    if (timer_time >= 0 && timer_time <= now_us
        && (pkt_time < 0 || timer_time < pkt_time))
      fire_timer (vnet, host_id, timer_time);
    else if (pkt_time >= 0 && pkt_time <= now_us)
      process_packet (vnet);
    else
      break;
  }
  vnet->now = now_us;
}

gboolean
ice_vnet_host_recv (IceVnet *vnet, guint host, IceVnetDatagram *out)
{
  IceVnetHost *h = ice_vnet_get_host (vnet, host);
  IceVnetPacket *pkt;

  g_return_val_if_fail (h != NULL && out != NULL, FALSE);
  pkt = g_queue_pop_head (&h->queue);
  if (!pkt)
    return FALSE;
  datagram_fill (out, host, pkt);
  g_free (pkt);
  return TRUE;
}

guint
ice_vnet_host_n_queued (IceVnet *vnet, guint host)
{
  IceVnetHost *h = ice_vnet_get_host (vnet, host);

  g_return_val_if_fail (h != NULL, 0);
  return g_queue_get_length (&h->queue);
}

void
ice_vnet_host_set_receive_func (IceVnet *vnet, guint host,
                                IceVnetReceiveFunc func, gpointer user_data)
{
  IceVnetHost *h = ice_vnet_get_host (vnet, host);

  g_return_if_fail (h != NULL);
  h->receive = func;
  h->receive_data = user_data;
}
