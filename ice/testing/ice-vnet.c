/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The virtual network: topology (realms, hosts, interfaces), routing of a
 * datagram hop by hop, and the queue of in-flight datagrams ordered by the
 * time they reach their next node. NAT boxes are in ice-vnat.c.
 */
#include "ice/testing/ice-vnet-private.h"

#include <string.h>

static IceVnetRealm *
realm_new (void)
{
  IceVnetRealm *realm = g_new0 (IceVnetRealm, 1);

  realm->outer = ICE_VNET_INVALID;
  realm->nodes = g_hash_table_new_full (ice_addr_hash, ice_addr_hash_equal,
                                        g_free, g_free);
  return realm;
}

static void
realm_free (gpointer data)
{
  IceVnetRealm *realm = data;

  if (realm->nat)
    ice_vnat_free (realm->nat);
  g_hash_table_destroy (realm->nodes);
  g_free (realm);
}

static void
host_free (gpointer data)
{
  IceVnetHost *host = data;

  g_queue_clear_full (&host->queue, g_free);
  g_array_unref (host->interfaces);
  g_free (host->name);
  g_free (host);
}

static void
free_packet (gpointer pkt, gpointer user_data)
{
  g_free (pkt);
}

/**
 * ice_vnet_new:
 * @seed: seeds the network's PRNG (loss, jitter, random NAT ports)
 *
 * Returns: (transfer full): a network with only the internet realm (id 0)
 */
IceVnet *
ice_vnet_new (guint64 seed)
{
  IceVnet *vnet = g_new0 (IceVnet, 1);
  guint32 seed_words[2] = { (guint32)seed, (guint32)(seed >> 32) };

  vnet->rand = g_rand_new_with_seed_array (seed_words, 2);
  vnet->realms = g_ptr_array_new_with_free_func (realm_free);
  vnet->hosts = g_ptr_array_new_with_free_func (host_free);
  vnet->in_flight = g_sequence_new (NULL);
  g_ptr_array_add (vnet->realms, realm_new ());
  return vnet;
}

void
ice_vnet_free (IceVnet *vnet)
{
  if (!vnet)
    return;
  g_sequence_foreach (vnet->in_flight, free_packet, NULL);
  g_sequence_free (vnet->in_flight);
  g_ptr_array_unref (vnet->hosts);
  g_ptr_array_unref (vnet->realms);
  g_rand_free (vnet->rand);
  g_free (vnet);
}

IceVnetRealm *
ice_vnet_get_realm (IceVnet *vnet, guint realm)
{
  if (realm >= vnet->realms->len)
    return NULL;
  return g_ptr_array_index (vnet->realms, realm);
}

IceVnetHost *
ice_vnet_get_host (IceVnet *vnet, guint host)
{
  if (host >= vnet->hosts->len)
    return NULL;
  return g_ptr_array_index (vnet->hosts, host);
}

/* Registers @node at @ip in @realm; FALSE if the IP is taken there. */
static gboolean
realm_add_node (IceVnetRealm *realm, const IceTransportAddr *ip,
                IceVnetNodeKind kind, guint id, guint iface)
{
  IceTransportAddr *key;
  IceVnetNode *node;

  if (g_hash_table_contains (realm->nodes, ip))
    return FALSE;
  key = g_new (IceTransportAddr, 1);
  *key = *ip;
  node = g_new0 (IceVnetNode, 1);
  node->kind = kind;
  node->id = id;
  node->iface = iface;
  g_hash_table_insert (realm->nodes, key, node);
  return TRUE;
}

static gboolean
parse_ip (IceTransportAddr *addr, const gchar *ip)
{
  memset (addr, 0, sizeof (*addr));
  if (ip && ice_addr_parse_ip (addr, ip, 0))
    return TRUE;
  g_warning ("vnet: '%s' is not an IPv4 or IPv6 address", ip ? ip : "(null)");
  return FALSE;
}

/**
 * ice_vnet_add_nat:
 * @vnet: the network
 * @outer_realm: the realm the NAT's external side is in
 * @external_ip: the NAT's external address in @outer_realm
 * @config: (nullable): behaviour; NULL for ice_vnat_config_init() defaults
 *
 * Returns: the id of the new realm behind the NAT, or %ICE_VNET_INVALID
 */
guint
ice_vnet_add_nat (IceVnet *vnet, guint outer_realm, const gchar *external_ip,
                  const IceVnatConfig *config)
{
  IceVnetRealm *outer = ice_vnet_get_realm (vnet, outer_realm);
  IceVnetRealm *inner;
  IceTransportAddr ip;
  IceVnatConfig defaults;
  guint id = vnet->realms->len;

  if (!outer) {
    g_warning ("vnet: no realm %u for a NAT's outside", outer_realm);
    return ICE_VNET_INVALID;
  }
  if (!parse_ip (&ip, external_ip))
    return ICE_VNET_INVALID;
  if (!realm_add_node (outer, &ip, ICE_VNET_NODE_NAT_OUTSIDE, id, 0)) {
    g_warning ("vnet: %s is already used in realm %u", external_ip,
               outer_realm);
    return ICE_VNET_INVALID;
  }
  if (!config) {
    ice_vnat_config_init (&defaults);
    config = &defaults;
  }
  inner = realm_new ();
  inner->outer = outer_realm;
  inner->nat = ice_vnat_new (config);
  ice_vnat_add_external (inner->nat, &ip);
  g_ptr_array_add (vnet->realms, inner);
  return id;
}

/**
 * ice_vnet_nat_add_external_ip:
 * @realm: the realm behind the NAT
 *
 * Returns: FALSE for a bad or taken IP, or a second one of the same family
 */
gboolean
ice_vnet_nat_add_external_ip (IceVnet *vnet, guint realm,
                              const gchar *external_ip)
{
  IceVnetRealm *inner = ice_vnet_get_realm (vnet, realm);
  IceTransportAddr ip;

  g_return_val_if_fail (inner && inner->nat, FALSE);
  if (!parse_ip (&ip, external_ip))
    return FALSE;
  if (!ice_vnat_add_external (inner->nat, &ip)) {
    g_warning ("vnet: NAT of realm %u already has an IPv%u address", realm,
               ip.family);
    return FALSE;
  }
  return realm_add_node (ice_vnet_get_realm (vnet, inner->outer), &ip,
                         ICE_VNET_NODE_NAT_OUTSIDE, realm, 0);
}

guint
ice_vnet_nat_n_mappings (IceVnet *vnet, guint realm)
{
  IceVnetRealm *inner = ice_vnet_get_realm (vnet, realm);

  g_return_val_if_fail (inner && inner->nat, 0);
  return ice_vnat_n_live_mappings (inner->nat, vnet->now);
}

void
ice_vnet_nat_clear_mappings (IceVnet *vnet, guint realm)
{
  IceVnetRealm *inner = ice_vnet_get_realm (vnet, realm);

  g_return_if_fail (inner && inner->nat);
  ice_vnat_clear_mappings (inner->nat);
}

guint
ice_vnet_add_host (IceVnet *vnet, const gchar *name)
{
  IceVnetHost *host = g_new0 (IceVnetHost, 1);

  host->name = g_strdup (name ? name : "host");
  host->interfaces = g_array_new (FALSE, TRUE, sizeof (IceVnetInterface));
  g_queue_init (&host->queue);
  host->timer_deadline = -1;
  g_ptr_array_add (vnet->hosts, host);
  return vnet->hosts->len - 1;
}

/**
 * ice_vnet_host_add_interface:
 * @realm: the realm the interface's @ip is in
 *
 * Returns: the interface's index on the host, or %ICE_VNET_INVALID
 */
guint
ice_vnet_host_add_interface (IceVnet *vnet, guint host, guint realm,
                             const gchar *ip)
{
  IceVnetHost *h = ice_vnet_get_host (vnet, host);
  IceVnetRealm *r = ice_vnet_get_realm (vnet, realm);
  IceVnetInterface iface = { 0 };

  g_return_val_if_fail (h != NULL, ICE_VNET_INVALID);
  if (!r) {
    g_warning ("vnet: no realm %u for an interface of %s", realm, h->name);
    return ICE_VNET_INVALID;
  }
  if (!parse_ip (&iface.ip, ip))
    return ICE_VNET_INVALID;
  if (!realm_add_node (r, &iface.ip, ICE_VNET_NODE_INTERFACE, host,
                       h->interfaces->len)) {
    g_warning ("vnet: %s is already used in realm %u", ip, realm);
    return ICE_VNET_INVALID;
  }
  iface.realm = realm;
  g_array_append_val (h->interfaces, iface);
  return h->interfaces->len - 1;
}

guint
ice_vnet_host_n_interfaces (IceVnet *vnet, guint host)
{
  IceVnetHost *h = ice_vnet_get_host (vnet, host);

  g_return_val_if_fail (h != NULL, 0);
  return h->interfaces->len;
}

gboolean
ice_vnet_host_get_interface (IceVnet *vnet, guint host, guint iface,
                             IceTransportAddr *ip, guint *realm)
{
  IceVnetHost *h = ice_vnet_get_host (vnet, host);
  IceVnetInterface *i;

  g_return_val_if_fail (h != NULL, FALSE);
  if (iface >= h->interfaces->len)
    return FALSE;
  i = &g_array_index (h->interfaces, IceVnetInterface, iface);
  if (ip)
    *ip = i->ip;
  if (realm)
    *realm = i->realm;
  return TRUE;
}

const gchar *
ice_vnet_host_get_name (IceVnet *vnet, guint host)
{
  IceVnetHost *h = ice_vnet_get_host (vnet, host);

  g_return_val_if_fail (h != NULL, NULL);
  return h->name;
}

void
ice_vnet_set_realm_link (IceVnet *vnet, guint realm, const IceVnetLink *link)
{
  IceVnetRealm *r = ice_vnet_get_realm (vnet, realm);

  g_return_if_fail (r != NULL && link != NULL);
  g_return_if_fail (link->loss >= 0.0 && link->loss <= 1.0);
  r->link = *link;
}

void
ice_vnet_set_interface_link (IceVnet *vnet, guint host, guint iface,
                             const IceVnetLink *link)
{
  IceVnetHost *h = ice_vnet_get_host (vnet, host);

  g_return_if_fail (h != NULL && iface < h->interfaces->len && link);
  g_return_if_fail (link->loss >= 0.0 && link->loss <= 1.0);
  g_array_index (h->interfaces, IceVnetInterface, iface).link = *link;
}

gint64
ice_vnet_get_now (IceVnet *vnet)
{
  return vnet->now;
}

void
ice_vnet_get_counters (IceVnet *vnet, IceVnetCounters *counters)
{
  *counters = vnet->counters;
}
