/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The RFC 5780 probe on the virtual network: every modelled NAT is
 * recognised, and the ways a probe can fail say so.
 */
#include "ice/nat/nat-probe.h"
#include "ice/testing/ice-vstun.h"

#include <string.h>

#define SERVER "192.0.2.1:3478"
#define SERVER_ALTERNATE_IP "192.0.2.2"
#define NAT_EXTERNAL_IP "203.0.113.1"
#define PRIVATE_IP "10.0.0.2"
#define PUBLIC_IP "198.51.100.2"
#define PROBE_PORT 5000
#define SECOND_PORT 5001
/* A datagram crosses the internet in 20 ms. */
#define LATENCY_US (20 * G_TIME_SPAN_MILLISECOND)

typedef struct {
  IceVnet *vnet;
  IceVstunServer *stun;
  guint host;
  IceTransportAddr local;
  IceTransportAddr second;
  IceTransportAddr server;
  GRand *rand;
  IceNatProbe *probe;
  guint ignored_on_second;
} Bed;

static guint64
bed_random (gpointer user_data)
{
  GRand *rand = user_data;

  return ((guint64)g_rand_int (rand) << 32) | g_rand_int (rand);
}

/* @nat: a vnat config name ("eim-apdf,hairpin"), or NULL for no NAT.
 * @alternate: whether the STUN server runs in RFC 5780 mode. */
static void
bed_init (Bed *bed, const gchar *nat, gboolean alternate)
{
  IceVnetLink link = { LATENCY_US, 0, 0.0 };
  IceVnatConfig config;
  guint realm = ICE_VNET_INTERNET;

  memset (bed, 0, sizeof (*bed));
  bed->vnet = ice_vnet_new (42);
  bed->rand = g_rand_new_with_seed (7);
  ice_vnet_set_realm_link (bed->vnet, ICE_VNET_INTERNET, &link);
  if (nat) {
    ice_vnat_config_init (&config);
    g_assert_true (ice_vnat_config_parse (&config, nat));
    realm = ice_vnet_add_nat (bed->vnet, ICE_VNET_INTERNET, NAT_EXTERNAL_IP,
                              &config);
    g_assert_cmpuint (realm, !=, ICE_VNET_INVALID);
  }
  bed->host = ice_vnet_add_host (bed->vnet, "prober");
  g_assert_cmpuint (ice_vnet_host_add_interface (bed->vnet, bed->host, realm,
                                                 nat ? PRIVATE_IP : PUBLIC_IP),
                    !=, ICE_VNET_INVALID);
  g_assert_true (ice_addr_parse_ip (&bed->local, nat ? PRIVATE_IP : PUBLIC_IP,
                                    PROBE_PORT));
  bed->second = bed->local;
  bed->second.port = SECOND_PORT;
  bed->stun = ice_vstun_server_new (bed->vnet, ICE_VNET_INTERNET, SERVER,
                                    alternate ? SERVER_ALTERNATE_IP : NULL);
  g_assert_nonnull (bed->stun);
  g_assert_true (ice_addr_parse (&bed->server, SERVER));
}

static void
bed_clear (Bed *bed)
{
  ice_nat_probe_free (bed->probe);
  ice_vstun_server_free (bed->stun);
  ice_vnet_free (bed->vnet);
  g_rand_free (bed->rand);
}

static void
bed_new_probe (Bed *bed, const IceTransportAddr *server, gboolean hairpin)
{
  IceNatProbeConfig config;

  ice_nat_probe_config_init (&config);
  config.server = *server;
  config.local = bed->local;
  config.random = bed_random;
  config.random_data = bed->rand;
  config.test_hairpinning = hairpin;
  config.software = "gst-ice test";
  bed->probe = ice_nat_probe_new (&config);
  g_assert_nonnull (bed->probe);
}

static void
bed_send (Bed *bed)
{
  IceNatProbeTransmit tx;

  while (ice_nat_probe_poll_transmit (bed->probe, &tx)) {
    const IceTransportAddr *from = tx.socket == ICE_NAT_PROBE_SOCKET_PRIMARY
                                       ? &bed->local
                                       : &bed->second;

    g_assert_true (ice_vnet_host_send (bed->vnet, bed->host, from, &tx.to,
                                       tx.data, tx.len));
  }
}

static void
bed_receive (Bed *bed)
{
  IceVnetDatagram dgram;

  while (ice_vnet_host_recv (bed->vnet, bed->host, &dgram)) {
    if (dgram.local.port != PROBE_PORT) {
      bed->ignored_on_second++;
      continue;
    }
    ice_nat_probe_handle_packet (bed->probe, dgram.time_us, &dgram.from,
                                 dgram.data, dgram.len);
  }
}

/* Drives the probe on virtual time until it is done; returns the time. */
static gint64
bed_run (Bed *bed, const IceTransportAddr *server, gboolean hairpin)
{
  guint steps = 0;

  bed_new_probe (bed, server, hairpin);
  ice_nat_probe_start (bed->probe, ice_vnet_get_now (bed->vnet));
  bed_send (bed);
  while (!ice_nat_probe_is_done (bed->probe)) {
    gint64 timer = ice_nat_probe_next_timeout (bed->probe);
    gint64 delivery = ice_vnet_next_delivery (bed->vnet);
    gint64 next = timer;

    g_assert_cmpint (timer, >=, 0);
    if (delivery >= 0 && delivery < next)
      next = delivery;
    ice_vnet_advance (bed->vnet, next);
    bed_receive (bed);
    if (ice_nat_probe_next_timeout (bed->probe) >= 0
        && ice_nat_probe_next_timeout (bed->probe) <= next)
      ice_nat_probe_handle_timeout (bed->probe, next);
    bed_send (bed);
    g_assert_cmpuint (++steps, <, 1000);
  }
  g_assert_cmpint (ice_nat_probe_next_timeout (bed->probe), ==, -1);
  return ice_vnet_get_now (bed->vnet);
}

typedef struct {
  const gchar *nat;
  IceNatBehaviour mapping;
  IceNatBehaviour filtering;
} NatCase;

#define EI ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT
#define AD ICE_NAT_BEHAVIOUR_ADDRESS_DEPENDENT
#define APD ICE_NAT_BEHAVIOUR_ADDRESS_AND_PORT_DEPENDENT

/* Every NAT the virtual network models, and what RFC 5780 must find. */
static const NatCase nat_cases[] = {
  { NULL, EI, EI },
  { "eim-eif", EI, EI },
  { "eim-adf", EI, AD },
  { "eim-apdf", EI, APD },
  { "adm-eif", AD, EI },
  { "adm-adf", AD, AD },
  { "adm-apdf", AD, APD },
  { "apdm-eif", APD, EI },
  { "apdm-adf", APD, AD },
  { "apdm-apdf", APD, APD },
  { "eim-apdf,ports=sequential", EI, APD },
  { "apdm-apdf,ports=sequential", APD, APD },
};

static void
test_behaviour_table (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (nat_cases); i++) {
    const NatCase *c = &nat_cases[i];
    IceNatProbeResult r;
    gchar buf[ICE_ADDR_STRLEN];
    gint64 took;
    Bed bed;

    bed_init (&bed, c->nat, TRUE);
    took = bed_run (&bed, &bed.server, FALSE);
    ice_nat_probe_get_result (bed.probe, &r);
    g_test_message (
        "%s: mapping %s, filtering %s, mapped %s, %" G_GINT64_FORMAT " ms",
        c->nat ? c->nat : "no NAT", ice_nat_behaviour_to_string (r.mapping),
        ice_nat_behaviour_to_string (r.filtering),
        ice_addr_to_string (&r.mapped, buf), took / 1000);
    g_assert_cmpint (r.status, ==, ICE_NAT_PROBE_OK);
    g_assert_cmpint (r.behind_nat, ==, c->nat != NULL);
    g_assert_cmpstr (ice_nat_behaviour_to_string (r.mapping), ==,
                     ice_nat_behaviour_to_string (c->mapping));
    g_assert_cmpstr (ice_nat_behaviour_to_string (r.filtering), ==,
                     ice_nat_behaviour_to_string (c->filtering));
    g_assert_null (r.mapping_reason);
    g_assert_null (r.filtering_reason);
    g_assert_cmpstr (ice_addr_ip_to_string (&r.mapped, buf), ==,
                     c->nat ? NAT_EXTERNAL_IP : PUBLIC_IP);
    g_assert_cmpstr (ice_addr_ip_to_string (&r.other_address, buf), ==,
                     SERVER_ALTERNATE_IP);
    g_assert_cmpuint (r.other_address.port, ==, bed.server.port + 1);
    g_assert_cmpint (r.hairpinning, ==, ICE_NAT_HAIRPINNING_NOT_TESTED);
    /* a blocked filtering test costs the short schedule, not 39.5 s */
    g_assert_cmpint (took, <, 2 * G_TIME_SPAN_SECOND);
    /* at most the late answer to filtering test III after II decided */
    g_assert_cmpuint (r.dropped, <=, 1);
    bed_clear (&bed);
  }
}

static void
test_no_nat_is_local (void)
{
  IceNatProbeResult r;
  Bed bed;

  bed_init (&bed, NULL, TRUE);
  bed_run (&bed, &bed.server, FALSE);
  ice_nat_probe_get_result (bed.probe, &r);
  g_assert_true (ice_addr_equal (&r.mapped, &bed.local));
  g_assert_true (ice_addr_equal (&r.local, &bed.local));
  g_assert_false (r.behind_nat);
  bed_clear (&bed);
}

typedef struct {
  const gchar *nat;
  IceNatHairpinning expected;
} HairpinCase;

/* The virtual NAT filters a hairpinned datagram like any inbound one, so
 * only endpoint-independent filtering lets it back in. */
static const HairpinCase hairpin_cases[] = {
  { NULL, ICE_NAT_HAIRPINNING_YES },
  { "eim-eif,hairpin", ICE_NAT_HAIRPINNING_YES },
  { "eim-eif", ICE_NAT_HAIRPINNING_NO },
  { "eim-apdf,hairpin", ICE_NAT_HAIRPINNING_NO },
  { "apdm-eif,hairpin", ICE_NAT_HAIRPINNING_YES },
};

static void
test_hairpinning (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (hairpin_cases); i++) {
    IceNatProbeResult r;
    gchar *sentence;
    Bed bed;

    bed_init (&bed, hairpin_cases[i].nat, TRUE);
    bed_run (&bed, &bed.server, TRUE);
    ice_nat_probe_get_result (bed.probe, &r);
    g_test_message ("%s: hairpinning %s",
                    hairpin_cases[i].nat ? hairpin_cases[i].nat : "no NAT",
                    ice_nat_hairpinning_to_string (r.hairpinning));
    g_assert_cmpint (r.status, ==, ICE_NAT_PROBE_OK);
    g_assert_cmpstr (ice_nat_hairpinning_to_string (r.hairpinning), ==,
                     ice_nat_hairpinning_to_string (hairpin_cases[i].expected));
    sentence = ice_nat_probe_result_to_sentence (&r);
    g_assert_nonnull (strstr (sentence, r.hairpinning == ICE_NAT_HAIRPINNING_YES
                                            ? "hairpinning works"
                                            : "hairpinning fails"));
    g_free (sentence);
    bed_clear (&bed);
  }
}

static void
test_server_without_other_address (void)
{
  IceNatProbeResult r;
  Bed bed;

  bed_init (&bed, "eim-apdf", FALSE);
  bed_run (&bed, &bed.server, FALSE);
  ice_nat_probe_get_result (bed.probe, &r);
  g_assert_cmpint (r.status, ==, ICE_NAT_PROBE_OK);
  g_assert_true (r.behind_nat);
  g_assert_false (ice_addr_is_set (&r.other_address));
  g_assert_cmpint (r.mapping, ==, ICE_NAT_BEHAVIOUR_UNKNOWN);
  g_assert_cmpint (r.filtering, ==, ICE_NAT_BEHAVIOUR_UNKNOWN);
  g_assert_nonnull (strstr (r.mapping_reason, "OTHER-ADDRESS"));
  g_assert_nonnull (strstr (r.filtering_reason, "OTHER-ADDRESS"));
  /* only test I was sent: nothing else can run */
  g_assert_cmpuint (r.requests_sent, ==, 1);
  bed_clear (&bed);
}

static void
test_server_silent (void)
{
  IceTransportAddr nobody;
  IceNatProbeResult r;
  gint64 took;
  gchar *sentence;
  Bed bed;

  bed_init (&bed, "eim-eif", TRUE);
  g_assert_true (ice_addr_parse (&nobody, "192.0.2.99:3478"));
  took = bed_run (&bed, &nobody, FALSE);
  ice_nat_probe_get_result (bed.probe, &r);
  g_assert_cmpint (r.status, ==, ICE_NAT_PROBE_NO_RESPONSE);
  g_assert_false (ice_addr_is_set (&r.mapped));
  g_assert_cmpuint (r.requests_sent, ==, ICE_NAT_PROBE_DEFAULT_RC);
  /* sends at 0, 100, 300, 700 ms; given up at 700 + 8 × 100 ms */
  g_assert_cmpint (took, ==, 1500 * G_TIME_SPAN_MILLISECOND);
  sentence = ice_nat_probe_result_to_sentence (&r);
  g_assert_cmpstr (sentence, ==,
                   "the STUN server at 192.0.2.99:3478 did "
                   "not answer: nothing is known about the NAT");
  g_free (sentence);
  bed_clear (&bed);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nat/probe/behaviour-table", test_behaviour_table);
  g_test_add_func ("/nat/probe/no-nat-is-local", test_no_nat_is_local);
  g_test_add_func ("/nat/probe/hairpinning", test_hairpinning);
  g_test_add_func ("/nat/probe/server-without-other-address",
                   test_server_without_other_address);
  g_test_add_func ("/nat/probe/server-silent", test_server_silent);
  return g_test_run ();
}
