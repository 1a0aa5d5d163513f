/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The virtual network: NAT behaviours of RFC 4787, links, the clock.
 */
#include "ice/testing/ice-vnet.h"
#include "ice/testing/ice-vstun.h"
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"

#include <string.h>

#define SERVER1_IP "203.0.113.10"
#define SERVER2_IP "203.0.113.20"
#define NAT_IP "198.51.100.1"
#define MS 1000

/* One NAT in front of host "a" (192.168.1.2), two public servers. */
typedef struct {
  IceVnet *vnet;
  guint realm;
  guint a, b, s1, s2;
} Topology;

static IceTransportAddr
addr (const gchar *str)
{
  IceTransportAddr a;

  g_assert_true (ice_addr_parse (&a, str));
  return a;
}

static void
topology_init (Topology *t, const gchar *nat, guint64 seed)
{
  IceVnatConfig config;

  ice_vnat_config_init (&config);
  g_assert_true (ice_vnat_config_parse (&config, nat));
  t->vnet = ice_vnet_new (seed);
  t->realm = ice_vnet_add_nat (t->vnet, ICE_VNET_INTERNET, NAT_IP, &config);
  g_assert_cmpuint (t->realm, !=, ICE_VNET_INVALID);
  t->a = ice_vnet_add_host (t->vnet, "a");
  g_assert_cmpuint (
      ice_vnet_host_add_interface (t->vnet, t->a, t->realm, "192.168.1.2"), ==,
      0);
  t->b = ice_vnet_add_host (t->vnet, "b");
  ice_vnet_host_add_interface (t->vnet, t->b, t->realm, "192.168.1.3");
  t->s1 = ice_vnet_add_host (t->vnet, "s1");
  ice_vnet_host_add_interface (t->vnet, t->s1, ICE_VNET_INTERNET, SERVER1_IP);
  t->s2 = ice_vnet_add_host (t->vnet, "s2");
  ice_vnet_host_add_interface (t->vnet, t->s2, ICE_VNET_INTERNET, SERVER2_IP);
}

static void
send_str (IceVnet *vnet, const gchar *from, const gchar *to)
{
  IceTransportAddr f = addr (from), d = addr (to);

  g_assert_true (ice_vnet_send (vnet, &f, &d, (const guint8 *)"x", 1));
}

/* Sends, runs the clock, and returns the source the receiver saw. */
static IceTransportAddr
probe (Topology *t, const gchar *from, const gchar *to, guint receiver)
{
  IceVnetDatagram dgram;

  send_str (t->vnet, from, to);
  ice_vnet_advance (t->vnet, ice_vnet_get_now (t->vnet) + 1);
  g_assert_true (ice_vnet_host_recv (t->vnet, receiver, &dgram));
  g_assert_false (ice_vnet_host_recv (t->vnet, receiver, &dgram));
  return dgram.from;
}

/* Sends, runs the clock; TRUE if @receiver got it. */
static gboolean
arrives (Topology *t, const gchar *from, const gchar *to, guint receiver)
{
  IceVnetDatagram dgram;

  send_str (t->vnet, from, to);
  ice_vnet_advance (t->vnet, ice_vnet_get_now (t->vnet) + 1);
  return ice_vnet_host_recv (t->vnet, receiver, &dgram);
}

static void
check_mapping (const gchar *nat, gboolean same_port_other_port,
               gboolean same_port_other_ip)
{
  Topology t;
  IceTransportAddr m1, m2, m3, m1_again;
  gchar ip[ICE_ADDR_STRLEN];

  topology_init (&t, nat, 1);
  m1 = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3478", t.s1);
  m2 = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3479", t.s1);
  m3 = probe (&t, "192.168.1.2:5000", SERVER2_IP ":3478", t.s2);
  m1_again = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3478", t.s1);
  g_assert_true (ice_addr_equal_ip (&m1, &m2));
  g_assert_true (ice_addr_equal (&m1, &m1_again));
  g_assert_cmpstr (ice_addr_ip_to_string (&m1, ip), ==, NAT_IP);
  g_assert_cmpint (m1.port == m2.port, ==, same_port_other_port);
  g_assert_cmpint (m1.port == m3.port, ==, same_port_other_ip);
  ice_vnet_free (t.vnet);
}

/* RFC 4787 §4.1 */
static void
test_mapping_eim (void)
{
  check_mapping ("eim-eif", TRUE, TRUE);
}

static void
test_mapping_adm (void)
{
  check_mapping ("adm-eif", TRUE, FALSE);
}

static void
test_mapping_apdm (void)
{
  check_mapping ("apdm-eif", FALSE, FALSE);
}

/* After a packet to SERVER1:3478, which inbound sources get in? */
static void
check_filtering (const gchar *nat, gboolean other_port_in, gboolean other_ip_in)
{
  Topology t;
  IceTransportAddr mapped;
  gchar m[ICE_ADDR_STRLEN];
  IceVnetCounters c;

  topology_init (&t, nat, 1);
  mapped = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3478", t.s1);
  ice_addr_to_string (&mapped, m);
  g_assert_true (arrives (&t, SERVER1_IP ":3478", m, t.a));
  g_assert_cmpint (arrives (&t, SERVER1_IP ":3479", m, t.a), ==, other_port_in);
  g_assert_cmpint (arrives (&t, SERVER2_IP ":3478", m, t.a), ==, other_ip_in);
  ice_vnet_get_counters (t.vnet, &c);
  g_assert_cmpuint (c.filtered, ==, !other_port_in + !other_ip_in);
  ice_vnet_free (t.vnet);
}

/* RFC 4787 §5 */
static void
test_filtering_eif (void)
{
  check_filtering ("eim-eif", TRUE, TRUE);
}

static void
test_filtering_adf (void)
{
  check_filtering ("eim-adf", TRUE, FALSE);
}

static void
test_filtering_apdf (void)
{
  check_filtering ("eim-apdf", FALSE, FALSE);
}

static void
test_filtering_unsolicited (void)
{
  Topology t;
  IceVnetCounters c;

  topology_init (&t, "eim-eif", 1);
  g_assert_false (arrives (&t, SERVER1_IP ":3478", NAT_IP ":5000", t.a));
  ice_vnet_get_counters (t.vnet, &c);
  g_assert_cmpuint (c.filtered, ==, 1);
  ice_vnet_free (t.vnet);
}

/* RFC 4787 §4.2.1: preservation falls back to the next free port. */
static void
test_ports_preserve (void)
{
  Topology t;
  IceTransportAddr ma, mb;

  topology_init (&t, "eim-eif,ports=preserve", 1);
  ma = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3478", t.s1);
  mb = probe (&t, "192.168.1.3:5000", SERVER1_IP ":3478", t.s1);
  g_assert_cmpuint (ma.port, ==, 5000);
  g_assert_cmpuint (mb.port, !=, 5000);
  ice_vnet_free (t.vnet);
}

static void
test_ports_sequential (void)
{
  Topology t;
  IceTransportAddr m1, m2, m3;

  topology_init (&t, "apdm-eif,ports=sequential", 1);
  m1 = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3478", t.s1);
  m2 = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3479", t.s1);
  m3 = probe (&t, "192.168.1.3:5000", SERVER1_IP ":3478", t.s1);
  g_assert_cmpuint (m2.port, ==, m1.port + 1);
  g_assert_cmpuint (m3.port, ==, m1.port + 2);
  ice_vnet_free (t.vnet);
}

static void
random_ports (guint64 seed, guint16 ports[3])
{
  Topology t;
  const gchar *servers[3]
      = { SERVER1_IP ":1", SERVER1_IP ":2", SERVER1_IP ":3" };
  guint i;

  /* ADM and APDM default to random ports: symmetric NAT behaviour */
  topology_init (&t, "apdm-apdf", seed);
  for (i = 0; i < 3; i++)
    ports[i] = probe (&t, "192.168.1.2:5000", servers[i], t.s1).port;
  ice_vnet_free (t.vnet);
}

static void
test_ports_random (void)
{
  guint16 run1[3], run2[3], other_seed[3];

  random_ports (7, run1);
  random_ports (7, run2);
  random_ports (8, other_seed);
  g_assert_cmpmem (run1, sizeof (run1), run2, sizeof (run2));
  g_assert_false (memcmp (run1, other_seed, sizeof (run1)) == 0);
  g_assert_cmpuint (run1[1], !=, run1[0] + 1);
  g_assert_cmpuint (run1[0], >=, 1024);
}

/* RFC 4787 §4.3: outbound refreshes, inbound does not, expiry closes. */
static void
test_mapping_timeout (void)
{
  Topology t;
  IceTransportAddr m1, m2;
  gchar m[ICE_ADDR_STRLEN];
  IceVnetCounters c;

  topology_init (&t, "eim-eif,ports=sequential,timeout=30", 1);
  m1 = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3478", t.s1);
  ice_addr_to_string (&m1, m);
  ice_vnet_advance (t.vnet, 20 * G_USEC_PER_SEC);
  g_assert_true (arrives (&t, SERVER1_IP ":3478", m, t.a));
  /* refresh at 29 s: alive until 59 s */
  ice_vnet_advance (t.vnet, 29 * G_USEC_PER_SEC);
  m2 = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3478", t.s1);
  g_assert_true (ice_addr_equal (&m1, &m2));
  ice_vnet_advance (t.vnet, 50 * G_USEC_PER_SEC);
  g_assert_true (arrives (&t, SERVER1_IP ":3478", m, t.a));
  g_assert_cmpuint (ice_vnet_nat_n_mappings (t.vnet, t.realm), ==, 1);
  ice_vnet_advance (t.vnet, 60 * G_USEC_PER_SEC);
  g_assert_cmpuint (ice_vnet_nat_n_mappings (t.vnet, t.realm), ==, 0);
  g_assert_false (arrives (&t, SERVER1_IP ":3478", m, t.a));
  m2 = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3478", t.s1);
  g_assert_cmpuint (m2.port, !=, m1.port);
  ice_vnet_get_counters (t.vnet, &c);
  g_assert_cmpuint (c.mappings_expired, ==, 1);
  g_assert_cmpuint (c.mappings_created, ==, 2);
  ice_vnet_free (t.vnet);
}

/* A NAT reboot: the old mapping filters, the flow gets a new port. */
static void
test_mapping_clear (void)
{
  Topology t;
  IceTransportAddr m1, m2;
  gchar m[ICE_ADDR_STRLEN];

  topology_init (&t, "eim-eif,ports=sequential", 1);
  m1 = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3478", t.s1);
  ice_vnet_nat_clear_mappings (t.vnet, t.realm);
  g_assert_cmpuint (ice_vnet_nat_n_mappings (t.vnet, t.realm), ==, 0);
  ice_addr_to_string (&m1, m);
  g_assert_false (arrives (&t, SERVER1_IP ":3478", m, t.a));
  m2 = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3478", t.s1);
  g_assert_cmpuint (m2.port, !=, m1.port);
  ice_vnet_free (t.vnet);
}

/* RFC 4787 §6: a to b through the NAT's external address. */
static void
check_hairpin (const gchar *nat, gboolean expect)
{
  Topology t;
  IceTransportAddr ma, mb, seen, b_local = addr ("192.168.1.3:6000");
  gchar m[ICE_ADDR_STRLEN];
  IceVnetDatagram dgram;

  topology_init (&t, nat, 1);
  ma = probe (&t, "192.168.1.2:5000", SERVER1_IP ":3478", t.s1);
  mb = probe (&t, "192.168.1.3:6000", SERVER1_IP ":3478", t.s1);
  ice_addr_to_string (&mb, m);
  send_str (t.vnet, "192.168.1.2:5000", m);
  ice_vnet_advance (t.vnet, ice_vnet_get_now (t.vnet) + 1);
  g_assert_cmpint (ice_vnet_host_recv (t.vnet, t.b, &dgram), ==, expect);
  if (expect) {
    seen = dgram.from;
    /* RFC 4787 REQ-9a: the source is a's external address */
    g_assert_true (ice_addr_equal (&seen, &ma));
    g_assert_true (ice_addr_equal (&dgram.local, &b_local));
  }
  ice_vnet_free (t.vnet);
}

static void
test_hairpin_on (void)
{
  check_hairpin ("eim-eif,hairpin", TRUE);
}

static void
test_hairpin_off (void)
{
  check_hairpin ("eim-eif", FALSE);
}

static void
test_nested_nat (void)
{
  Topology t;
  IceVnatConfig inner_config;
  guint inner, c;
  IceTransportAddr mapped;
  gchar m[ICE_ADDR_STRLEN];

  topology_init (&t, "eim-eif", 1);
  ice_vnat_config_init (&inner_config);
  inner = ice_vnet_add_nat (t.vnet, t.realm, "192.168.1.254", &inner_config);
  c = ice_vnet_add_host (t.vnet, "c");
  ice_vnet_host_add_interface (t.vnet, c, inner, "10.0.0.2");
  mapped = probe (&t, "10.0.0.2:7000", SERVER1_IP ":3478", t.s1);
  g_assert_cmpstr (ice_addr_ip_to_string (&mapped, m), ==, NAT_IP);
  ice_addr_to_string (&mapped, m);
  g_assert_true (arrives (&t, SERVER1_IP ":3478", m, c));
  g_assert_cmpuint (ice_vnet_nat_n_mappings (t.vnet, inner), ==, 1);
  g_assert_cmpuint (ice_vnet_nat_n_mappings (t.vnet, t.realm), ==, 1);
  ice_vnet_free (t.vnet);
}

/* Another realm's private address is not reachable: it vanishes. */
static void
test_private_address_vanishes (void)
{
  Topology t;
  guint realm2, d;
  IceVnetCounters c;
  IceTransportAddr unknown = addr ("192.168.1.9:1");

  topology_init (&t, "eim-eif", 1);
  realm2 = ice_vnet_add_nat (t.vnet, ICE_VNET_INTERNET, "198.51.100.2", NULL);
  d = ice_vnet_add_host (t.vnet, "d");
  ice_vnet_host_add_interface (t.vnet, d, realm2, "10.1.0.2");
  g_assert_false (arrives (&t, "192.168.1.2:5000", "10.1.0.2:5000", d));
  ice_vnet_get_counters (t.vnet, &c);
  g_assert_cmpuint (c.unroutable, ==, 1);
  g_assert_cmpuint (c.delivered, ==, 0);
  /* the same private IP in two realms is allowed; the LAN one answers */
  g_assert_cmpuint (
      ice_vnet_host_add_interface (t.vnet, d, realm2, "192.168.1.2"), ==, 1);
  /* a source address the host does not have is refused */
  g_assert_false (ice_vnet_host_send (t.vnet, t.b, &unknown, &unknown,
                                      (const guint8 *)"x", 1));
  ice_vnet_get_counters (t.vnet, &c);
  g_assert_cmpuint (c.refused, ==, 1);
  ice_vnet_free (t.vnet);
}

/* An IP twice in one realm is refused with a message (fatal in tests,
 * hence the subprocess). */
static void
test_duplicate_ip (void)
{
  if (g_test_subprocess ()) {
    Topology t;

    topology_init (&t, "eim-eif", 1);
    g_assert_cmpuint (
        ice_vnet_host_add_interface (t.vnet, t.b, t.realm, "192.168.1.2"), ==,
        ICE_VNET_INVALID);
    ice_vnet_free (t.vnet);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*192.168.1.2 is already used in realm 1*");
}

static guint
count_delivered_with_loss (guint64 seed, guint n)
{
  Topology t;
  IceVnetLink link = { 0, 0, 0.2 };
  IceVnetCounters c;
  guint i, got = 0;
  IceVnetDatagram dgram;

  topology_init (&t, "eim-eif", seed);
  ice_vnet_set_interface_link (t.vnet, t.s1, 0, &link);
  for (i = 0; i < n; i++)
    send_str (t.vnet, SERVER1_IP ":1", SERVER2_IP ":1");
  ice_vnet_advance (t.vnet, 1);
  while (ice_vnet_host_recv (t.vnet, t.s2, &dgram))
    got++;
  ice_vnet_get_counters (t.vnet, &c);
  g_assert_cmpuint (c.lost + c.delivered, ==, n);
  g_assert_cmpuint (c.delivered, ==, got);
  ice_vnet_free (t.vnet);
  return got;
}

static void
test_loss_rate (void)
{
  guint n = 10000;
  guint got = count_delivered_with_loss (42, n);

  /* 8000 expected, binomial sd = 40 */
  g_assert_cmpuint (got, >, 7800);
  g_assert_cmpuint (got, <, 8200);
  g_assert_cmpuint (count_delivered_with_loss (42, n), ==, got);
}

typedef struct {
  gint64 last_time;
  guint got;
  guint reordered;
  guint prev_index;
} JitterLog;

/* Checks what s2 received: in arrival order, within the delay bounds. */
static void
drain_jitter (Topology *t, JitterLog *log)
{
  IceVnetDatagram dgram;

  while (ice_vnet_host_recv (t->vnet, t->s2, &dgram)) {
    gint64 sent = dgram.data[0] * MS;

    g_assert_cmpint (dgram.time_us, >=, log->last_time);
    g_assert_cmpint (dgram.time_us, <=, ice_vnet_get_now (t->vnet));
    g_assert_cmpint (dgram.time_us - sent, >=, 25 * MS);
    g_assert_cmpint (dgram.time_us - sent, <=, 35 * MS);
    if (log->got > 0 && dgram.data[0] < log->prev_index)
      log->reordered++;
    log->prev_index = dgram.data[0];
    log->last_time = dgram.time_us;
    log->got++;
  }
}

/* Each hop: realm latency plus the access links at both ends. */
static void
test_latency_jitter (void)
{
  Topology t;
  IceVnetLink realm = { 20 * MS, 10 * MS, 0 }, access = { 5 * MS, 0, 0 };
  IceTransportAddr f = addr (SERVER1_IP ":1"), d = addr (SERVER2_IP ":1");
  JitterLog log = { 0 };
  gint64 next;
  guint8 i;

  topology_init (&t, "eim-eif", 3);
  ice_vnet_set_realm_link (t.vnet, ICE_VNET_INTERNET, &realm);
  ice_vnet_set_interface_link (t.vnet, t.s2, 0, &access);
  for (i = 0; i < 100; i++) {
    ice_vnet_advance (t.vnet, i * MS);
    drain_jitter (&t, &log);
    g_assert_true (ice_vnet_send (t.vnet, &f, &d, &i, 1));
  }
  while ((next = ice_vnet_next_delivery (t.vnet)) >= 0) {
    g_assert_cmpint (next, >=, ice_vnet_get_now (t.vnet));
    ice_vnet_advance (t.vnet, next);
    drain_jitter (&t, &log);
  }
  g_assert_cmpuint (log.got, ==, 100);
  /* 10 ms of jitter over 1 ms spacing reorders some */
  g_assert_cmpuint (log.reordered, >, 0);
  ice_vnet_free (t.vnet);
}

static void
test_clock_no_early_delivery (void)
{
  Topology t;
  IceVnetLink realm = { 30 * MS, 0, 0 };
  IceVnetDatagram dgram;
  IceTransportAddr s2_local = addr (SERVER2_IP ":1");

  topology_init (&t, "eim-eif", 1);
  ice_vnet_set_realm_link (t.vnet, ICE_VNET_INTERNET, &realm);
  g_assert_cmpint (ice_vnet_next_delivery (t.vnet), ==, -1);
  send_str (t.vnet, SERVER1_IP ":1", SERVER2_IP ":1");
  g_assert_cmpint (ice_vnet_next_delivery (t.vnet), ==, 30 * MS);
  ice_vnet_advance (t.vnet, 30 * MS - 1);
  g_assert_false (ice_vnet_host_recv (t.vnet, t.s2, &dgram));
  ice_vnet_advance (t.vnet, 30 * MS);
  g_assert_true (ice_vnet_host_recv (t.vnet, t.s2, &dgram));
  g_assert_true (ice_addr_equal (&dgram.local, &s2_local));
  g_assert_cmpint (ice_vnet_next_delivery (t.vnet), ==, -1);
  ice_vnet_free (t.vnet);
}

static void
test_config_parse (void)
{
  IceVnatConfig c;

  ice_vnat_config_init (&c);
  g_assert_true (ice_vnat_config_parse (
      &c, "apdm-adf,ports=sequential,hairpin,timeout=2.5"));
  g_assert_cmpint (c.mapping, ==, ICE_VNAT_MAPPING_APDM);
  g_assert_cmpint (c.filtering, ==, ICE_VNAT_FILTERING_ADF);
  g_assert_cmpint (c.ports, ==, ICE_VNAT_PORTS_SEQUENTIAL);
  g_assert_true (c.hairpinning);
  g_assert_cmpint (c.mapping_timeout_us, ==, 2500 * MS);
  g_assert_false (ice_vnat_config_parse (&c, "eim"));
  g_assert_false (ice_vnat_config_parse (&c, "eim-xyz"));
  g_assert_false (ice_vnat_config_parse (&c, "eim-eif,ports=odd"));
  g_assert_false (ice_vnat_config_parse (&c, "eim-eif,timeout=-1"));
  g_assert_false (ice_vnat_config_parse (&c, ""));
}

#define STUN_IP "203.0.113.50"
#define STUN_ALT_IP "203.0.113.51"

/* Sends a Binding request from a (192.168.1.2:5000) and returns whether
 * a response came back; fills @msg (viewing @dgram) if so. */
static gboolean
binding (Topology *t, guint32 change, IceVnetDatagram *dgram,
         IceStunMessage *msg)
{
  static const guint8 tid[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  guint8 buf[256];
  IceStunBuilder b;
  IceTransportAddr from = addr ("192.168.1.2:5000");
  IceTransportAddr to = addr (STUN_IP ":3478");
  gsize len;

  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, tid);
  if (change)
    ice_stun_builder_add_u32 (&b, ICE_STUN_ATTR_CHANGE_REQUEST, change);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  g_assert_cmpuint (len, >, 0);
  g_assert_true (ice_vnet_send (t->vnet, &from, &to, buf, len));
  ice_vnet_advance (t->vnet, ice_vnet_get_now (t->vnet) + 10 * MS);
  if (!ice_vnet_host_recv (t->vnet, t->a, dgram))
    return FALSE;
  g_assert_cmpint (ice_stun_message_parse (msg, dgram->data, dgram->len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpmem (msg->transaction_id, 12, tid, 12);
  g_assert_cmpint (ice_stun_message_check_fingerprint (msg), ==,
                   ICE_STUN_CHECK_OK);
  return TRUE;
}

static void
check_address_attr (const IceStunMessage *msg, guint16 type,
                    const gchar *expected)
{
  IceTransportAddr a;
  gchar str[ICE_ADDR_STRLEN];

  if (type == ICE_STUN_ATTR_XOR_MAPPED_ADDRESS)
    g_assert_true (ice_stun_message_get_xor_address (msg, type, &a));
  else
    g_assert_true (ice_stun_message_get_address (msg, type, &a));
  g_assert_cmpstr (ice_addr_to_string (&a, str), ==, expected);
}

static void
test_stun_mapped_address (void)
{
  Topology t;
  IceVstunServer *server;
  IceVnetDatagram dgram;
  IceStunMessage msg;
  IceVstunCounters c;
  gchar str[ICE_ADDR_STRLEN];

  topology_init (&t, "eim-apdf,ports=sequential", 1);
  server
      = ice_vstun_server_new (t.vnet, ICE_VNET_INTERNET, STUN_IP ":3478", NULL);
  g_assert_nonnull (server);
  g_assert_true (binding (&t, 0, &dgram, &msg));
  g_assert_cmpint (msg.klass, ==, ICE_STUN_CLASS_SUCCESS);
  g_assert_cmpstr (ice_addr_to_string (&dgram.from, str), ==, STUN_IP ":3478");
  /* the NAT's mapping, not the host's address */
  check_address_attr (&msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, NAT_IP ":20000");
  g_assert_false (ice_stun_message_has (&msg, ICE_STUN_ATTR_OTHER_ADDRESS));
  /* RFC 5780 §6.1: CHANGE-REQUEST without an alternate address: 420 */
  g_assert_true (binding (&t, ICE_STUN_CHANGE_IP, &dgram, &msg));
  g_assert_cmpint (msg.klass, ==, ICE_STUN_CLASS_ERROR);
  ice_vstun_server_get_counters (server, &c);
  g_assert_cmpuint (c.requests, ==, 1);
  g_assert_cmpuint (c.errors, ==, 1);
  /* garbage to the server is counted, not answered */
  send_str (t.vnet, "192.168.1.2:5000", STUN_IP ":3478");
  ice_vnet_advance (t.vnet, ice_vnet_get_now (t.vnet) + 10 * MS);
  g_assert_false (ice_vnet_host_recv (t.vnet, t.a, &dgram));
  ice_vstun_server_get_counters (server, &c);
  g_assert_cmpuint (c.malformed, ==, 1);
  ice_vstun_server_free (server);
  ice_vnet_free (t.vnet);
}

/* RFC 5780 §4.4 filtering discovery through an EIF and an APDF NAT. */
static void
check_change_request (const gchar *nat, gboolean apdf)
{
  Topology t;
  IceVstunServer *server;
  IceVnetDatagram dgram;
  IceStunMessage msg;
  gchar str[ICE_ADDR_STRLEN];

  topology_init (&t, nat, 1);
  server = ice_vstun_server_new (t.vnet, ICE_VNET_INTERNET, STUN_IP ":3478",
                                 STUN_ALT_IP);
  g_assert_nonnull (server);
  g_assert_true (binding (&t, 0, &dgram, &msg));
  check_address_attr (&msg, ICE_STUN_ATTR_RESPONSE_ORIGIN, STUN_IP ":3478");
  check_address_attr (&msg, ICE_STUN_ATTR_OTHER_ADDRESS, STUN_ALT_IP ":3479");
  g_assert_cmpint (
      binding (&t, ICE_STUN_CHANGE_IP | ICE_STUN_CHANGE_PORT, &dgram, &msg), ==,
      !apdf);
  if (!apdf) {
    g_assert_cmpstr (ice_addr_to_string (&dgram.from, str), ==,
                     STUN_ALT_IP ":3479");
    check_address_attr (&msg, ICE_STUN_ATTR_RESPONSE_ORIGIN,
                        STUN_ALT_IP ":3479");
  }
  g_assert_cmpint (binding (&t, ICE_STUN_CHANGE_PORT, &dgram, &msg), ==, !apdf);
  if (!apdf)
    g_assert_cmpstr (ice_addr_to_string (&dgram.from, str), ==,
                     STUN_IP ":3479");
  ice_vstun_server_free (server);
  ice_vnet_free (t.vnet);
}

static void
test_stun_change_request (void)
{
  check_change_request ("eim-eif", FALSE);
  check_change_request ("eim-apdf", TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vnet/mapping/eim", test_mapping_eim);
  g_test_add_func ("/vnet/mapping/adm", test_mapping_adm);
  g_test_add_func ("/vnet/mapping/apdm", test_mapping_apdm);
  g_test_add_func ("/vnet/mapping/timeout", test_mapping_timeout);
  g_test_add_func ("/vnet/mapping/clear", test_mapping_clear);
  g_test_add_func ("/vnet/filtering/eif", test_filtering_eif);
  g_test_add_func ("/vnet/filtering/adf", test_filtering_adf);
  g_test_add_func ("/vnet/filtering/apdf", test_filtering_apdf);
  g_test_add_func ("/vnet/filtering/unsolicited", test_filtering_unsolicited);
  g_test_add_func ("/vnet/ports/preserve", test_ports_preserve);
  g_test_add_func ("/vnet/ports/sequential", test_ports_sequential);
  g_test_add_func ("/vnet/ports/random", test_ports_random);
  g_test_add_func ("/vnet/hairpin/on", test_hairpin_on);
  g_test_add_func ("/vnet/hairpin/off", test_hairpin_off);
  g_test_add_func ("/vnet/nat/nested", test_nested_nat);
  g_test_add_func ("/vnet/route/private-vanishes",
                   test_private_address_vanishes);
  g_test_add_func ("/vnet/route/duplicate-ip", test_duplicate_ip);
  g_test_add_func ("/vnet/link/loss", test_loss_rate);
  g_test_add_func ("/vnet/link/latency-jitter", test_latency_jitter);
  g_test_add_func ("/vnet/clock/no-early-delivery",
                   test_clock_no_early_delivery);
  g_test_add_func ("/vnet/config/parse", test_config_parse);
  g_test_add_func ("/vnet/stun/mapped-address", test_stun_mapped_address);
  g_test_add_func ("/vnet/stun/change-request", test_stun_change_request);
  return g_test_run ();
}
