/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Candidate names, priorities (RFC 8445 §5.1.2, RFC 6544 §4.2, RFC 8421 §4),
 * foundations (RFC 8445 §5.1.1.3) and redundancy (RFC 8445 §5.1.3).
 */
#include "ice/core/ice-candidate.h"

#include <string.h>

/* Room per interface in the UDP local preference: one step per address
 * class (IPv6, IPv4), with space for two more classes if ever needed. */
#define LOCAL_PREF_CLASSES 4
/* RFC 8421 §4: IPv6 link-local and IPv4-mapped addresses are less
 * preferred; they live in the lower half of the 16-bit range. */
#define LOCAL_PREF_DEMOTED 32768
#define LOCAL_PREF_MAX_INDEX ((LOCAL_PREF_DEMOTED / LOCAL_PREF_CLASSES) - 1)
/* RFC 6544 §4.2: other-pref is 0..8191 (13 bits) */
#define TCP_OTHER_PREF_MAX 8191
#define TCP_OTHER_PREF_DEMOTED 4096
#define TCP_OTHER_PREF_MAX_INDEX                                               \
  ((TCP_OTHER_PREF_DEMOTED / LOCAL_PREF_CLASSES) - 1)

/* FNV-1a, 32 bits: a stable hash, the same on every run and every host */
#define FNV_OFFSET_BASIS 2166136261u
#define FNV_PRIME 16777619u

static const gchar *const candidate_type_names[] = {
  [ICE_CANDIDATE_TYPE_HOST] = "host",
  [ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE] = "srflx",
  [ICE_CANDIDATE_TYPE_PEER_REFLEXIVE] = "prflx",
  [ICE_CANDIDATE_TYPE_RELAYED] = "relay",
};

static const gchar *const tcp_type_names[] = {
  [ICE_TCP_TYPE_NONE] = "",
  [ICE_TCP_TYPE_ACTIVE] = "active",
  [ICE_TCP_TYPE_PASSIVE] = "passive",
  [ICE_TCP_TYPE_SO] = "so",
};

const gchar *
ice_candidate_type_to_string (IceCandidateType type)
{
  if ((guint)type >= G_N_ELEMENTS (candidate_type_names))
    return "unknown";
  return candidate_type_names[type];
}

gboolean
ice_candidate_type_from_string (const gchar *s, IceCandidateType *type)
{
  guint i;

  for (i = 0; s != NULL && i < G_N_ELEMENTS (candidate_type_names); i++) {
    if (g_ascii_strcasecmp (s, candidate_type_names[i]) == 0) {
      *type = (IceCandidateType)i;
      return TRUE;
    }
  }
  return FALSE;
}

const gchar *
ice_tcp_type_to_string (IceTcpType type)
{
  if ((guint)type >= G_N_ELEMENTS (tcp_type_names))
    return "unknown";
  return tcp_type_names[type];
}

gboolean
ice_tcp_type_from_string (const gchar *s, IceTcpType *type)
{
  guint i;

  /* from 1: "" (NONE) is not a tcptype value */
  for (i = 1; s != NULL && i < G_N_ELEMENTS (tcp_type_names); i++) {
    if (g_ascii_strcasecmp (s, tcp_type_names[i]) == 0) {
      *type = (IceTcpType)i;
      return TRUE;
    }
  }
  return FALSE;
}

guint
ice_candidate_type_preference (IceCandidateType type, IceTransport transport)
{
  gboolean udp = transport == ICE_TRANSPORT_UDP;

  switch (type) {
    case ICE_CANDIDATE_TYPE_HOST:
      return udp ? ICE_TYPE_PREF_HOST : ICE_TYPE_PREF_HOST_TCP;
    case ICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
      return udp ? ICE_TYPE_PREF_PEER_REFLEXIVE
                 : ICE_TYPE_PREF_PEER_REFLEXIVE_TCP;
    case ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
      return udp ? ICE_TYPE_PREF_SERVER_REFLEXIVE
                 : ICE_TYPE_PREF_SERVER_REFLEXIVE_TCP;
    case ICE_CANDIDATE_TYPE_RELAYED:
      return udp ? ICE_TYPE_PREF_RELAYED : ICE_TYPE_PREF_RELAYED_TCP;
  }
  return 0;
}

guint32
ice_candidate_compute_priority (guint type_pref, guint local_pref,
                                guint component_id)
{
  /* RFC 8445 §5.1.2.1: type pref 0..126, local pref 0..65535, component
   * 1..256; clamp so a bad argument cannot spill into the next field */
  type_pref = MIN (type_pref, 126);
  local_pref = MIN (local_pref, 65535);
  component_id = CLAMP (component_id, 1, 256);
  return ((guint32)type_pref << 24) + ((guint32)local_pref << 8)
         + (256 - component_id);
}

static gboolean
addr_is_less_preferred (const IceTransportAddr *addr)
{
  /* RFC 8421 §4 */
  return addr->family == ICE_ADDR_FAMILY_IPV6
         && (ice_addr_is_link_local (addr) || ice_addr_is_ipv4_mapped (addr));
}

/* 0 is best: IPv6 before IPv4 within one interface (RFC 8421 §4) */
static guint
addr_family_rank (const IceTransportAddr *addr)
{
  if (addr->family == ICE_ADDR_FAMILY_IPV6 && !ice_addr_is_ipv4_mapped (addr))
    return 0;
  return 1;
}

guint
ice_candidate_tcp_direction_preference (IceCandidateType type,
                                        IceTcpType tcp_type)
{
  gboolean behind_nat = type == ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;

  /* RFC 6544 §4.2 recommended values */
  switch (tcp_type) {
    case ICE_TCP_TYPE_ACTIVE:
      return behind_nat ? 4 : 6;
    case ICE_TCP_TYPE_PASSIVE:
      return behind_nat ? 2 : 4;
    case ICE_TCP_TYPE_SO:
      return behind_nat ? 6 : 2;
    case ICE_TCP_TYPE_NONE:
      break;
  }
  return 0;
}

guint
ice_candidate_local_preference (const IceTransportAddr *addr,
                                guint interface_index, IceTcpType tcp_type)
{
  guint rank = addr_family_rank (addr);
  gboolean demoted = addr_is_less_preferred (addr);
  guint index, other_pref;

  if (tcp_type == ICE_TCP_TYPE_NONE) {
    index = MIN (interface_index, LOCAL_PREF_MAX_INDEX);
    return 65535 - (demoted ? LOCAL_PREF_DEMOTED : 0)
           - index * LOCAL_PREF_CLASSES - rank;
  }
  /* RFC 6544 §4.2: (2^13) * direction-pref + other-pref */
  index = MIN (interface_index, TCP_OTHER_PREF_MAX_INDEX);
  other_pref = TCP_OTHER_PREF_MAX - (demoted ? TCP_OTHER_PREF_DEMOTED : 0)
               - index * LOCAL_PREF_CLASSES - rank;
  return (ice_candidate_tcp_direction_preference (ICE_CANDIDATE_TYPE_HOST,
                                                  tcp_type)
          << 13)
         + other_pref;
}

static guint32
fnv1a (guint32 hash, const guint8 *data, gsize len)
{
  gsize i;

  for (i = 0; i < len; i++) {
    hash ^= data[i];
    hash *= FNV_PRIME;
  }
  return hash;
}

static guint32
fnv1a_ip (guint32 hash, const IceTransportAddr *addr)
{
  guint8 family = addr->family;

  hash = fnv1a (hash, &family, 1);
  return fnv1a (hash, addr->ip, ice_addr_ip_len (addr));
}

void
ice_candidate_compute_foundation (IceCandidate *cand,
                                  const IceTransportAddr *server)
{
  const IceTransportAddr *base
      = ice_addr_is_set (&cand->base) ? &cand->base : &cand->addr;
  static const IceTransportAddr no_server = { 0 };
  guint8 type = cand->type;
  /* RFC 8445 §5.1.1.3 speaks of the transport protocol: TLS runs on TCP */
  guint8 transport = cand->addr.transport == ICE_TRANSPORT_UDP
                         ? ICE_TRANSPORT_UDP
                         : ICE_TRANSPORT_TCP;
  guint32 hash = FNV_OFFSET_BASIS;

  hash = fnv1a (hash, &type, 1);
  hash = fnv1a (hash, &transport, 1);
  hash = fnv1a_ip (hash, base);
  hash = fnv1a_ip (hash, server != NULL ? server : &no_server);
  g_snprintf (cand->foundation, sizeof (cand->foundation), "%u", hash);
}

gboolean
ice_candidate_is_redundant (const IceCandidate *a, const IceCandidate *b)
{
  if (!ice_addr_equal (&a->base, &b->base))
    return FALSE;
  if (ice_addr_is_set (&a->addr) || ice_addr_is_set (&b->addr))
    return ice_addr_equal (&a->addr, &b->addr);
  /* both still names: the same name and port is the same address */
  return a->addr.port == b->addr.port && a->addr.transport == b->addr.transport
         && g_ascii_strcasecmp (a->hostname, b->hostname) == 0;
}

guint64
ice_pair_priority (guint32 controlling_prio, guint32 controlled_prio)
{
  guint64 g = controlling_prio, d = controlled_prio;

  /* RFC 8445 §6.1.2.3 */
  return ((guint64)1 << 32) * MIN (g, d) + 2 * MAX (g, d) + (g > d ? 1 : 0);
}

gboolean
ice_candidate_addr_is_unicast (const IceTransportAddr *addr)
{
  const guint8 *v4;

  if (!ice_addr_is_set (addr) || ice_addr_is_unspecified (addr))
    return FALSE;
  if (addr->family == ICE_ADDR_FAMILY_IPV6 && !ice_addr_is_ipv4_mapped (addr))
    return addr->ip[0] != 0xff; /* RFC 4291 §2.7: ff00::/8 is multicast */
  /* IPv4, or its mapped form ::ffff:a.b.c.d (RFC 4291 §2.5.5.2) */
  v4 = addr->family == ICE_ADDR_FAMILY_IPV4 ? addr->ip : addr->ip + 12;
  if (v4[0] == 0 && v4[1] == 0 && v4[2] == 0 && v4[3] == 0)
    return FALSE;
  /* RFC 919 §7 limited broadcast; RFC 5771: 224.0.0.0/4 is multicast */
  if (v4[0] == 255 && v4[1] == 255 && v4[2] == 255 && v4[3] == 255)
    return FALSE;
  return (v4[0] & 0xf0) != 0xe0;
}
