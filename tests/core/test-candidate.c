/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Candidate types, priorities (RFC 8445 §5.1.2, RFC 6544 §4.2, RFC 8421 §4),
 * foundations (RFC 8445 §5.1.1.3), redundancy (§5.1.3), pair priority
 * (§6.1.2.3).
 */
#include "ice/core/ice-candidate.h"

#include <string.h>

static IceTransportAddr
ip (const gchar *s, guint16 port, IceTransport transport)
{
  IceTransportAddr a;

  g_assert_true (ice_addr_parse_ip (&a, s, port));
  a.transport = transport;
  return a;
}

static void
test_type_strings (void)
{
  IceCandidateType t;
  IceTcpType tcp;
  guint i;

  for (i = ICE_CANDIDATE_TYPE_HOST; i <= ICE_CANDIDATE_TYPE_RELAYED; i++) {
    g_assert_true (
        ice_candidate_type_from_string (ice_candidate_type_to_string (i), &t));
    g_assert_cmpint (t, ==, i);
  }
  g_assert_cmpstr (
      ice_candidate_type_to_string (ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE), ==,
      "srflx");
  g_assert_cmpstr (ice_candidate_type_to_string (ICE_CANDIDATE_TYPE_RELAYED),
                   ==, "relay");
  g_assert_true (ice_candidate_type_from_string ("PRFLX", &t));
  g_assert_cmpint (t, ==, ICE_CANDIDATE_TYPE_PEER_REFLEXIVE);
  g_assert_false (ice_candidate_type_from_string ("relayed", &t));
  g_assert_false (ice_candidate_type_from_string ("", &t));
  g_assert_false (ice_candidate_type_from_string (NULL, &t));

  g_assert_cmpstr (ice_tcp_type_to_string (ICE_TCP_TYPE_SO), ==, "so");
  g_assert_true (ice_tcp_type_from_string ("passive", &tcp));
  g_assert_cmpint (tcp, ==, ICE_TCP_TYPE_PASSIVE);
  g_assert_true (ice_tcp_type_from_string ("Active", &tcp));
  g_assert_cmpint (tcp, ==, ICE_TCP_TYPE_ACTIVE);
  g_assert_false (ice_tcp_type_from_string ("", &tcp));
  g_assert_false (ice_tcp_type_from_string ("simultaneous", &tcp));
}

static void
test_priority_values (void)
{
  /* RFC 8445 §5.1.2.1 with the §5.1.2.2 type preferences */
  g_assert_cmpuint (
      ice_candidate_compute_priority (ICE_TYPE_PREF_HOST, 65535, 1), ==,
      2130706431u);
  g_assert_cmpuint (
      ice_candidate_compute_priority (ICE_TYPE_PREF_HOST, 65535, 2), ==,
      2130706430u);
  g_assert_cmpuint (
      ice_candidate_compute_priority (ICE_TYPE_PREF_PEER_REFLEXIVE, 65535, 1),
      ==, 1862270975u);
  g_assert_cmpuint (
      ice_candidate_compute_priority (ICE_TYPE_PREF_SERVER_REFLEXIVE, 65535, 1),
      ==, 1694498815u);
  g_assert_cmpuint (
      ice_candidate_compute_priority (ICE_TYPE_PREF_RELAYED, 65535, 1), ==,
      16777215u);
  g_assert_cmpuint (
      ice_candidate_compute_priority (ICE_TYPE_PREF_RELAYED, 0, 256), ==, 0u);
  /* out-of-range arguments cannot spill into the neighbouring field */
  g_assert_cmpuint (ice_candidate_compute_priority (200, 70000, 0), ==,
                    2130706431u);
  /* every valid priority fits 1..2^31-1 */
  g_assert_cmpuint (ice_candidate_compute_priority (126, 65535, 1), <=,
                    G_MAXINT32);
}

static void
test_type_preferences (void)
{
  g_assert_cmpuint (ice_candidate_type_preference (ICE_CANDIDATE_TYPE_HOST,
                                                   ICE_TRANSPORT_UDP),
                    ==, 126);
  g_assert_cmpuint (ice_candidate_type_preference (
                        ICE_CANDIDATE_TYPE_PEER_REFLEXIVE, ICE_TRANSPORT_UDP),
                    ==, 110);
  g_assert_cmpuint (ice_candidate_type_preference (
                        ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE, ICE_TRANSPORT_UDP),
                    ==, 100);
  g_assert_cmpuint (ice_candidate_type_preference (ICE_CANDIDATE_TYPE_RELAYED,
                                                   ICE_TRANSPORT_UDP),
                    ==, 0);
  /* TCP below the UDP candidates of the same or better reachability */
  g_assert_cmpuint (
      ice_candidate_type_preference (ICE_CANDIDATE_TYPE_HOST,
                                     ICE_TRANSPORT_TCP),
      <,
      ice_candidate_type_preference (ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                                     ICE_TRANSPORT_UDP));
  g_assert_cmpuint (ice_candidate_type_preference (ICE_CANDIDATE_TYPE_HOST,
                                                   ICE_TRANSPORT_TCP),
                    >,
                    ice_candidate_type_preference (
                        ICE_CANDIDATE_TYPE_PEER_REFLEXIVE, ICE_TRANSPORT_TCP));
  g_assert_cmpuint (
      ice_candidate_type_preference (ICE_CANDIDATE_TYPE_PEER_REFLEXIVE,
                                     ICE_TRANSPORT_TCP),
      >,
      ice_candidate_type_preference (ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                                     ICE_TRANSPORT_TCP));
  g_assert_cmpuint (ice_candidate_type_preference (ICE_CANDIDATE_TYPE_HOST,
                                                   ICE_TRANSPORT_TLS),
                    ==, ICE_TYPE_PREF_HOST_TCP);
}

/* RFC 8421 §4: IPv6 before IPv4, interfaces in index order, link-local and
 * IPv4-mapped IPv6 last */
static void
test_local_preference_rfc8421 (void)
{
  IceTransportAddr v6 = ip ("2001:db8::1", 5000, ICE_TRANSPORT_UDP);
  IceTransportAddr v4 = ip ("192.0.2.1", 5000, ICE_TRANSPORT_UDP);
  IceTransportAddr ll = ip ("fe80::1%2", 5000, ICE_TRANSPORT_UDP);
  IceTransportAddr mapped = ip ("::ffff:192.0.2.1", 5000, ICE_TRANSPORT_UDP);
  guint v6_0 = ice_candidate_local_preference (&v6, 0, ICE_TCP_TYPE_NONE);
  guint v4_0 = ice_candidate_local_preference (&v4, 0, ICE_TCP_TYPE_NONE);
  guint v6_1 = ice_candidate_local_preference (&v6, 1, ICE_TCP_TYPE_NONE);
  guint v4_1 = ice_candidate_local_preference (&v4, 1, ICE_TCP_TYPE_NONE);
  guint v4_far = ice_candidate_local_preference (&v4, 5000, ICE_TCP_TYPE_NONE);
  guint ll_0 = ice_candidate_local_preference (&ll, 0, ICE_TCP_TYPE_NONE);
  guint mapped_0
      = ice_candidate_local_preference (&mapped, 0, ICE_TCP_TYPE_NONE);
  guint huge
      = ice_candidate_local_preference (&ll, G_MAXUINT, ICE_TCP_TYPE_NONE);

  g_assert_cmpuint (v6_0, ==, 65535);
  g_assert_cmpuint (
      ice_candidate_compute_priority (ICE_TYPE_PREF_HOST, v6_0, 1), ==,
      2130706431u);
  g_assert_cmpuint (v6_0, >, v4_0);
  g_assert_cmpuint (v4_0, >, v6_1);
  g_assert_cmpuint (v6_1, >, v4_1);
  g_assert_cmpuint (v4_1, >, v4_far);
  g_assert_cmpuint (v4_far, >, ll_0);
  g_assert_cmpuint (ll_0, >, mapped_0);
  g_assert_cmpuint (mapped_0, >, huge);
  g_assert_cmpuint (huge, <=, 65535);
}

/* RFC 6544 §4.2: (2^13) * direction-pref + other-pref */
static void
test_local_preference_tcp (void)
{
  IceTransportAddr v6 = ip ("2001:db8::1", 9, ICE_TRANSPORT_TCP);
  IceTransportAddr v4 = ip ("192.0.2.1", 9, ICE_TRANSPORT_TCP);
  guint active = ice_candidate_local_preference (&v4, 0, ICE_TCP_TYPE_ACTIVE);
  guint passive = ice_candidate_local_preference (&v4, 0, ICE_TCP_TYPE_PASSIVE);
  guint so = ice_candidate_local_preference (&v4, 0, ICE_TCP_TYPE_SO);

  g_assert_cmpuint (
      ice_candidate_local_preference (&v6, 0, ICE_TCP_TYPE_ACTIVE), ==,
      6 * 8192 + 8191);
  g_assert_cmpuint (active >> 13, ==, 6);
  g_assert_cmpuint (passive >> 13, ==, 4);
  g_assert_cmpuint (so >> 13, ==, 2);
  g_assert_cmpuint (active, >, passive);
  g_assert_cmpuint (passive, >, so);
  /* other-pref keeps the RFC 8421 order inside one direction-pref */
  g_assert_cmpuint (
      ice_candidate_local_preference (&v6, 0, ICE_TCP_TYPE_PASSIVE), >,
      passive);
  g_assert_cmpuint (
      passive, >,
      ice_candidate_local_preference (&v4, 1, ICE_TCP_TYPE_PASSIVE));
  g_assert_cmpuint (
      ice_candidate_local_preference (&v4, G_MAXUINT, ICE_TCP_TYPE_SO) >> 13,
      ==, 2);

  g_assert_cmpuint (ice_candidate_tcp_direction_preference (
                        ICE_CANDIDATE_TYPE_HOST, ICE_TCP_TYPE_ACTIVE),
                    ==, 6);
  g_assert_cmpuint (ice_candidate_tcp_direction_preference (
                        ICE_CANDIDATE_TYPE_RELAYED, ICE_TCP_TYPE_SO),
                    ==, 2);
  g_assert_cmpuint (ice_candidate_tcp_direction_preference (
                        ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE, ICE_TCP_TYPE_SO),
                    ==, 6);
  g_assert_cmpuint (
      ice_candidate_tcp_direction_preference (
          ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE, ICE_TCP_TYPE_ACTIVE),
      ==, 4);
  g_assert_cmpuint (
      ice_candidate_tcp_direction_preference (
          ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE, ICE_TCP_TYPE_PASSIVE),
      ==, 2);
  g_assert_cmpuint (ice_candidate_tcp_direction_preference (
                        ICE_CANDIDATE_TYPE_HOST, ICE_TCP_TYPE_NONE),
                    ==, 0);
}

static IceCandidate
local_candidate (IceCandidateType type, const gchar *addr, guint16 port,
                 const gchar *base, guint16 base_port, IceTransport transport)
{
  IceCandidate c;

  memset (&c, 0, sizeof (c));
  c.type = type;
  c.component_id = 1;
  c.addr = ip (addr, port, transport);
  c.base = ip (base, base_port, transport);
  return c;
}

static const gchar *
foundation_of (IceCandidate *c, const gchar *server)
{
  IceTransportAddr s;

  if (server != NULL)
    s = ip (server, 3478, ICE_TRANSPORT_UDP);
  ice_candidate_compute_foundation (c, server != NULL ? &s : NULL);
  g_assert_true (strlen (c->foundation) >= 1);
  g_assert_true (strspn (c->foundation, "0123456789")
                 == strlen (c->foundation));
  return c->foundation;
}

/* RFC 8445 §5.1.1.3: same type, base IP, server and transport */
static void
test_foundation (void)
{
  IceCandidate h1 = local_candidate (ICE_CANDIDATE_TYPE_HOST, "192.0.2.1", 5000,
                                     "192.0.2.1", 5000, ICE_TRANSPORT_UDP);
  IceCandidate h2 = local_candidate (ICE_CANDIDATE_TYPE_HOST, "192.0.2.1", 6000,
                                     "192.0.2.1", 6000, ICE_TRANSPORT_UDP);
  IceCandidate h3 = local_candidate (ICE_CANDIDATE_TYPE_HOST, "192.0.2.2", 5000,
                                     "192.0.2.2", 5000, ICE_TRANSPORT_UDP);
  IceCandidate ht = local_candidate (ICE_CANDIDATE_TYPE_HOST, "192.0.2.1", 9,
                                     "192.0.2.1", 9, ICE_TRANSPORT_TCP);
  IceCandidate htls = local_candidate (ICE_CANDIDATE_TYPE_HOST, "192.0.2.1", 9,
                                       "192.0.2.1", 9, ICE_TRANSPORT_TLS);
  IceCandidate s1
      = local_candidate (ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE, "203.0.113.5",
                         40000, "192.0.2.1", 5000, ICE_TRANSPORT_UDP);
  IceCandidate s2
      = local_candidate (ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE, "203.0.113.5",
                         40001, "192.0.2.1", 6000, ICE_TRANSPORT_UDP);
  IceCandidate s3
      = local_candidate (ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE, "203.0.113.5",
                         40002, "192.0.2.1", 5000, ICE_TRANSPORT_UDP);
  IceCandidate no_base = h1;
  gchar f_h1[ICE_FOUNDATION_MAX + 1];
  gchar f_s1[ICE_FOUNDATION_MAX + 1];

  g_strlcpy (f_h1, foundation_of (&h1, NULL), sizeof (f_h1));
  /* same base IP, other port: same foundation; deterministic */
  g_assert_cmpstr (foundation_of (&h2, NULL), ==, f_h1);
  g_assert_cmpstr (foundation_of (&h1, NULL), ==, f_h1);
  /* other base IP */
  g_assert_cmpstr (foundation_of (&h3, NULL), !=, f_h1);
  /* other transport; TLS is TCP */
  g_assert_cmpstr (foundation_of (&ht, NULL), !=, f_h1);
  g_assert_cmpstr (foundation_of (&htls, NULL), ==, ht.foundation);
  /* other type, same base */
  g_strlcpy (f_s1, foundation_of (&s1, "198.51.100.1"), sizeof (f_s1));
  g_assert_cmpstr (f_s1, !=, f_h1);
  /* same server IP and base IP */
  g_assert_cmpstr (foundation_of (&s2, "198.51.100.1"), ==, f_s1);
  /* other server */
  g_assert_cmpstr (foundation_of (&s3, "198.51.100.2"), !=, f_s1);
  /* base unset: the address stands for it */
  memset (&no_base.base, 0, sizeof (no_base.base));
  g_assert_cmpstr (foundation_of (&no_base, NULL), ==, f_h1);
}

/* RFC 8445 §5.1.3 */
static void
test_redundancy (void)
{
  IceCandidate host
      = local_candidate (ICE_CANDIDATE_TYPE_HOST, "192.0.2.1", 5000,
                         "192.0.2.1", 5000, ICE_TRANSPORT_UDP);
  /* a srflx equal to the host candidate (no NAT) is redundant */
  IceCandidate srflx
      = local_candidate (ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE, "192.0.2.1", 5000,
                         "192.0.2.1", 5000, ICE_TRANSPORT_UDP);
  IceCandidate other_base
      = local_candidate (ICE_CANDIDATE_TYPE_HOST, "192.0.2.1", 5000,
                         "192.0.2.9", 5000, ICE_TRANSPORT_UDP);
  IceCandidate other_addr
      = local_candidate (ICE_CANDIDATE_TYPE_HOST, "192.0.2.1", 5001,
                         "192.0.2.1", 5000, ICE_TRANSPORT_UDP);
  IceCandidate tcp
      = local_candidate (ICE_CANDIDATE_TYPE_HOST, "192.0.2.1", 5000,
                         "192.0.2.1", 5000, ICE_TRANSPORT_TCP);
  IceCandidate name1, name2;

  g_assert_true (ice_candidate_is_redundant (&host, &srflx));
  g_assert_true (ice_candidate_is_redundant (&srflx, &host));
  g_assert_false (ice_candidate_is_redundant (&host, &other_base));
  g_assert_false (ice_candidate_is_redundant (&host, &other_addr));
  g_assert_false (ice_candidate_is_redundant (&host, &tcp));

  memset (&name1, 0, sizeof (name1));
  name1.addr.port = 5000;
  g_strlcpy (name1.hostname, "a.local", sizeof (name1.hostname));
  name2 = name1;
  g_assert_true (ice_candidate_is_redundant (&name1, &name2));
  g_strlcpy (name2.hostname, "b.local", sizeof (name2.hostname));
  g_assert_false (ice_candidate_is_redundant (&name1, &name2));
}

/* RFC 8445 §6.1.2.3: 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0) */
static void
test_pair_priority (void)
{
  const guint32 max = G_MAXINT32; /* the largest valid priority */

  g_assert_cmpuint (ice_pair_priority (2, 1), ==,
                    (G_GUINT64_CONSTANT (1) << 32) + 4 + 1);
  g_assert_cmpuint (ice_pair_priority (1, 2), ==,
                    (G_GUINT64_CONSTANT (1) << 32) + 4);
  g_assert_cmpuint (ice_pair_priority (7, 7), ==,
                    (G_GUINT64_CONSTANT (7) << 32) + 14);
  /* the G>D bit is the only difference between the two roles */
  g_assert_cmpuint (ice_pair_priority (2130706431u, 1694498815u), ==,
                    ice_pair_priority (1694498815u, 2130706431u) + 1);
  /* 64-bit: MIN*2^32 does not wrap at 32 bits */
  g_assert_cmpuint (ice_pair_priority (max, max), ==,
                    G_GUINT64_CONSTANT (0x7FFFFFFF00000000) + 2 * (guint64)max);
  g_assert_cmpuint (ice_pair_priority (max, max), ==,
                    G_GUINT64_CONSTANT (9223372036854775806));
  g_assert_cmpuint (ice_pair_priority (max, 1), ==,
                    G_GUINT64_CONSTANT (8589934591));
  g_assert_cmpuint (ice_pair_priority (1, max), ==,
                    G_GUINT64_CONSTANT (8589934590));
  /* MIN dominates: a pair with a better minimum wins however big MAX is */
  g_assert_cmpuint (ice_pair_priority (2, 2), >, ice_pair_priority (1, max));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/candidate/type-strings", test_type_strings);
  g_test_add_func ("/core/candidate/priority-values", test_priority_values);
  g_test_add_func ("/core/candidate/type-preferences", test_type_preferences);
  g_test_add_func ("/core/candidate/local-preference-rfc8421",
                   test_local_preference_rfc8421);
  g_test_add_func ("/core/candidate/local-preference-tcp",
                   test_local_preference_tcp);
  g_test_add_func ("/core/candidate/foundation", test_foundation);
  g_test_add_func ("/core/candidate/redundancy", test_redundancy);
  g_test_add_func ("/core/candidate/pair-priority", test_pair_priority);
  return g_test_run ();
}
