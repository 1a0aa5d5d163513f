/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A NAT box of the virtual network, with the behaviours of RFC 4787:
 * mapping (§4.1), port assignment (§4.2.1), mapping refresh (§4.3),
 * filtering (§5) and hairpinning (§6).
 */
#include "ice/testing/ice-vnet-private.h"

#include <string.h>

/* RFC 4787 REQ-3: a host port in 1024-65535 gets an external one there. */
#define FIRST_PORT 1024
#define FIRST_SEQUENTIAL_PORT 20000
#define RANDOM_PORT_TRIES 1000

/* What identifies a flow's mapping: the internal endpoint and, masked by
 * the mapping behaviour, the remote endpoint. */
typedef struct {
  IceTransportAddr internal;
  IceTransportAddr remote;
} MappingKey;

typedef struct {
  MappingKey key;
  IceTransportAddr external;
  gint64 expires;
  GArray *permits; /* IceTransportAddr: remotes sent to */
} Mapping;

struct _IceVnat {
  IceVnatConfig config;
  IceTransportAddr external[2];
  guint n_external;
  GHashTable *by_key;      /* MappingKey * -> Mapping * (owned) */
  GHashTable *by_external; /* IceTransportAddr * -> Mapping * */
  guint16 next_port;
};

static guint
mapping_key_hash (gconstpointer p)
{
  const MappingKey *k = p;

  return ice_addr_hash (&k->internal) * 31u + ice_addr_hash (&k->remote);
}

static gboolean
mapping_key_equal (gconstpointer a, gconstpointer b)
{
  const MappingKey *ka = a, *kb = b;

  return ice_addr_equal (&ka->internal, &kb->internal)
         && ice_addr_equal (&ka->remote, &kb->remote);
}

static void
mapping_free (gpointer data)
{
  Mapping *m = data;

  g_array_unref (m->permits);
  g_free (m);
}

IceVnat *
ice_vnat_new (const IceVnatConfig *config)
{
  IceVnat *nat = g_new0 (IceVnat, 1);

  nat->config = *config;
  if (nat->config.ports == ICE_VNAT_PORTS_DEFAULT)
    nat->config.ports = config->mapping == ICE_VNAT_MAPPING_EIM
                            ? ICE_VNAT_PORTS_PRESERVE
                            : ICE_VNAT_PORTS_RANDOM;
  if (nat->config.mapping_timeout_us <= 0)
    nat->config.mapping_timeout_us = ICE_VNAT_DEFAULT_MAPPING_TIMEOUT_US;
  nat->by_key = g_hash_table_new_full (mapping_key_hash, mapping_key_equal,
                                       NULL, mapping_free);
  nat->by_external = g_hash_table_new (ice_addr_hash, ice_addr_hash_equal);
  nat->next_port = FIRST_SEQUENTIAL_PORT;
  return nat;
}

void
ice_vnat_free (IceVnat *nat)
{
  g_hash_table_destroy (nat->by_external);
  g_hash_table_destroy (nat->by_key);
  g_free (nat);
}

gboolean
ice_vnat_add_external (IceVnat *nat, const IceTransportAddr *ip)
{
  guint i;

  for (i = 0; i < nat->n_external; i++)
    if (nat->external[i].family == ip->family)
      return FALSE;
  nat->external[nat->n_external++] = *ip;
  return TRUE;
}

gboolean
ice_vnat_is_external_ip (IceVnat *nat, const IceTransportAddr *ip)
{
  guint i;

  for (i = 0; i < nat->n_external; i++)
    if (ice_addr_equal_ip (&nat->external[i], ip))
      return TRUE;
  return FALSE;
}

static const IceTransportAddr *
external_ip_for (IceVnat *nat, const IceTransportAddr *dst)
{
  guint i;

  for (i = 0; i < nat->n_external; i++)
    if (nat->external[i].family == dst->family)
      return &nat->external[i];
  return NULL;
}

guint
ice_vnat_n_live_mappings (IceVnat *nat, gint64 now)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, nat->by_key);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Mapping *)value)->expires > now)
      n++;
  return n;
}

void
ice_vnat_clear_mappings (IceVnat *nat)
{
  g_hash_table_remove_all (nat->by_external);
  g_hash_table_remove_all (nat->by_key);
}

static void
mapping_remove (IceVnet *vnet, IceVnat *nat, Mapping *m)
{
  MappingKey key = m->key;

  vnet->counters.mappings_expired++;
  g_hash_table_remove (nat->by_external, &m->external);
  g_hash_table_remove (nat->by_key, &key);
}

/* An external port is free unless a live mapping holds it; an expired
 * holder is reaped on the way. */
static gboolean
port_is_free (IceVnet *vnet, IceVnat *nat, const IceTransportAddr *ip,
              guint16 port)
{
  IceTransportAddr ext = *ip;
  Mapping *m;

  ext.port = port;
  m = g_hash_table_lookup (nat->by_external, &ext);
  if (m && m->expires <= vnet->now) {
    mapping_remove (vnet, nat, m);
    m = NULL;
  }
  return port >= FIRST_PORT && m == NULL;
}

static guint16
allocate_sequential (IceVnet *vnet, IceVnat *nat, const IceTransportAddr *ip)
{
  guint i;

  for (i = 0; i < 65536 - FIRST_PORT; i++) {
    guint16 port = nat->next_port;

    nat->next_port = port == 65535 ? FIRST_PORT : port + 1;
    if (port_is_free (vnet, nat, ip, port))
      return port;
  }
  return 0;
}

/* RFC 4787 §4.2.1: preservation, sequential or random assignment. */
static guint16
allocate_port (IceVnet *vnet, IceVnat *nat, const IceTransportAddr *ip,
               guint16 internal_port)
{
  guint i;

  switch (nat->config.ports) {
    case ICE_VNAT_PORTS_PRESERVE:
      if (port_is_free (vnet, nat, ip, internal_port))
        return internal_port;
      break;
    case ICE_VNAT_PORTS_RANDOM:
      for (i = 0; i < RANDOM_PORT_TRIES; i++) {
        guint16 port = g_rand_int_range (vnet->rand, FIRST_PORT, 65536);
        if (port_is_free (vnet, nat, ip, port))
          return port;
      }
      break;
    default:
      break;
  }
  return allocate_sequential (vnet, nat, ip);
}

static void
mapping_key_init (IceVnat *nat, MappingKey *key,
                  const IceTransportAddr *internal,
                  const IceTransportAddr *remote)
{
  memset (key, 0, sizeof (*key));
  key->internal = *internal;
  key->remote.family = remote->family;
  key->remote.transport = remote->transport;
  if (nat->config.mapping != ICE_VNAT_MAPPING_EIM)
    memcpy (key->remote.ip, remote->ip, sizeof (key->remote.ip));
  if (nat->config.mapping == ICE_VNAT_MAPPING_APDM)
    key->remote.port = remote->port;
}

/* The live mapping for a flow from @internal to @remote, created if none
 * (NULL if the ports are exhausted). */
static Mapping *
mapping_for (IceVnet *vnet, IceVnat *nat, const IceTransportAddr *internal,
             const IceTransportAddr *remote, const IceTransportAddr *ext_ip)
{
  MappingKey key;
  Mapping *m;
  guint16 port;

  mapping_key_init (nat, &key, internal, remote);
  m = g_hash_table_lookup (nat->by_key, &key);
  if (m && m->expires <= vnet->now) {
    mapping_remove (vnet, nat, m);
    m = NULL;
  }
  if (m)
    return m;
  port = allocate_port (vnet, nat, ext_ip, internal->port);
  if (port == 0)
    return NULL;
  m = g_new0 (Mapping, 1);
  m->key = key;
  m->external = *ext_ip;
  m->external.port = port;
  m->external.transport = internal->transport;
  m->permits = g_array_new (FALSE, FALSE, sizeof (IceTransportAddr));
  g_hash_table_insert (nat->by_key, &m->key, m);
  g_hash_table_insert (nat->by_external, &m->external, m);
  vnet->counters.mappings_created++;
  return m;
}

static void
mapping_permit (Mapping *m, const IceTransportAddr *remote)
{
  guint i;

  for (i = 0; i < m->permits->len; i++)
    if (ice_addr_equal (&g_array_index (m->permits, IceTransportAddr, i),
                        remote))
      return;
  g_array_append_val (m->permits, *remote);
}

/* RFC 4787 §5: whether @m admits a datagram from @remote. */
static gboolean
mapping_admits (IceVnat *nat, Mapping *m, const IceTransportAddr *remote)
{
  guint i;

  if (nat->config.filtering == ICE_VNAT_FILTERING_EIF)
    return TRUE;
  for (i = 0; i < m->permits->len; i++) {
    const IceTransportAddr *p
        = &g_array_index (m->permits, IceTransportAddr, i);
    if (!ice_addr_equal_ip (p, remote))
      continue;
    if (nat->config.filtering == ICE_VNAT_FILTERING_ADF
        || p->port == remote->port)
      return TRUE;
  }
  return FALSE;
}

static void
drop_filtered (IceVnet *vnet, IceVnetPacket *pkt)
{
  vnet->counters.filtered++;
  g_free (pkt);
}

void
ice_vnat_outbound (IceVnet *vnet, guint realm, IceVnetPacket *pkt)
{
  IceVnetRealm *r = ice_vnet_get_realm (vnet, realm);
  IceVnat *nat = r->nat;
  const IceTransportAddr *ext_ip = external_ip_for (nat, &pkt->dst);
  Mapping *m;

  if (!ext_ip) {
    vnet->counters.unroutable++;
    g_free (pkt);
    return;
  }
  m = mapping_for (vnet, nat, &pkt->src, &pkt->dst, ext_ip);
  if (!m) {
    drop_filtered (vnet, pkt);
    return;
  }
  /* RFC 4787 REQ-6: outbound traffic refreshes the mapping. */
  m->expires = vnet->now + nat->config.mapping_timeout_us;
  mapping_permit (m, &pkt->dst);
  pkt->src = m->external;
  if (ice_vnat_is_external_ip (nat, &pkt->dst)) {
    /* RFC 4787 REQ-9: hairpinned with the external source address. */
    if (!nat->config.hairpinning)
      drop_filtered (vnet, pkt);
    else
      ice_vnat_inbound (vnet, realm, pkt);
    return;
  }
  ice_vnet_route (vnet, r->outer, NULL, pkt);
}

void
ice_vnat_inbound (IceVnet *vnet, guint realm, IceVnetPacket *pkt)
{
  IceVnat *nat = ice_vnet_get_realm (vnet, realm)->nat;
  IceTransportAddr ext = pkt->dst;
  Mapping *m;

  ext.scope_id = 0;
  m = g_hash_table_lookup (nat->by_external, &ext);
  if (m && m->expires <= vnet->now) {
    mapping_remove (vnet, nat, m);
    m = NULL;
  }
  if (!m || !mapping_admits (nat, m, &pkt->src)) {
    drop_filtered (vnet, pkt);
    return;
  }
  pkt->dst = m->key.internal;
  ice_vnet_route (vnet, realm, NULL, pkt);
}
