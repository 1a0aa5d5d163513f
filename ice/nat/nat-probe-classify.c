/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the RFC 5780 tests' answers mean, and which test comes next.
 */
#define G_LOG_DOMAIN "ice-nat"

#include "ice/nat/nat-probe-private.h"

#include <string.h>

#define REASON_RUNNING "the probe has not finished"
#define REASON_NO_RESPONSE "the server did not answer"
#define REASON_SERVER_ERROR "the server answered with an error"
#define REASON_NO_OTHER_ADDRESS                                                \
  "the server sent no OTHER-ADDRESS: it does not run RFC 5780 behaviour "      \
  "discovery"
#define REASON_BAD_OTHER_ADDRESS                                               \
  "the server's OTHER-ADDRESS does not differ from its primary address in "    \
  "both IP and port"
#define REASON_CHANGE_REFUSED "the server refused CHANGE-REQUEST"
#define REASON_CHANGE_IGNORED                                                  \
  "the server did not answer CHANGE-REQUEST from the address it was asked "    \
  "to use"
#define REASON_ALTERNATE_SILENT "the server's alternate address did not answer"
#define REASON_ALTERNATE_ERROR                                                 \
  "the server's alternate address answered with an error or no mapped "        \
  "address"

void
ice_nat_probe_result_init (IceNatProbe *probe)
{
  IceNatProbeResult *r = &probe->result;

  memset (r, 0, sizeof (*r));
  r->status = ICE_NAT_PROBE_RUNNING;
  r->server = probe->config.server;
  r->local = probe->config.local;
  r->mapping_reason = REASON_RUNNING;
  r->filtering_reason = REASON_RUNNING;
  r->lifetime_us = -1;
  r->lifetime_expired_us = -1;
  r->lifetime_reason = probe->config.test_lifetime ? REASON_RUNNING : NULL;
}

static void
set_mapping (IceNatProbe *probe, IceNatBehaviour mapping, const gchar *why)
{
  probe->result.mapping = mapping;
  probe->result.mapping_reason
      = mapping == ICE_NAT_BEHAVIOUR_UNKNOWN ? why : NULL;
}

static void
set_filtering (IceNatProbe *probe, IceNatBehaviour filtering, const gchar *why)
{
  probe->result.filtering = filtering;
  probe->result.filtering_reason
      = filtering == ICE_NAT_BEHAVIOUR_UNKNOWN ? why : NULL;
}

/* RFC 5780 §7.4: OTHER-ADDRESS differs from the primary in IP and port. */
static gboolean
other_address_is_usable (const IceNatProbeResult *r)
{
  return r->other_address.family == r->server.family
         && !ice_addr_equal_ip (&r->other_address, &r->server)
         && r->other_address.port != r->server.port;
}

static void
mapping_1_finished (IceNatProbe *probe, const NatTest *test, gint64 now_us)
{
  IceNatProbeResult *r = &probe->result;
  const IceNatProbeConfig *c = &probe->config;

  if (test->state == NAT_TEST_FAILED) {
    r->status = ICE_NAT_PROBE_NO_RESPONSE;
    set_mapping (probe, ICE_NAT_BEHAVIOUR_UNKNOWN, REASON_NO_RESPONSE);
    set_filtering (probe, ICE_NAT_BEHAVIOUR_UNKNOWN, REASON_NO_RESPONSE);
    return;
  }
  if (test->state == NAT_TEST_ERROR || !ice_addr_is_set (&test->mapped)) {
    r->status = ICE_NAT_PROBE_SERVER_ERROR;
    r->error_code = test->error_code;
    set_mapping (probe, ICE_NAT_BEHAVIOUR_UNKNOWN, REASON_SERVER_ERROR);
    set_filtering (probe, ICE_NAT_BEHAVIOUR_UNKNOWN, REASON_SERVER_ERROR);
    return;
  }
  r->status = ICE_NAT_PROBE_OK;
  r->mapped = test->mapped;
  r->other_address = test->other_address;
  /* RFC 5780 §4.3: the same address as the local one means no NAT, and
   * without translation every destination sees the same address. */
  r->behind_nat = !ice_addr_equal (&r->mapped, &c->local);
  if (!r->behind_nat)
    set_mapping (probe, ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT, NULL);
  if (c->test_hairpinning)
    /* §4.5: from a second socket to the first one's mapped address */
    ice_nat_probe_launch (probe, NAT_TEST_HAIRPIN, now_us,
                          ICE_NAT_PROBE_SOCKET_SECONDARY, &r->mapped, 0, 0);
  if (!ice_addr_is_set (&r->other_address) || !other_address_is_usable (r)) {
    const gchar *why = ice_addr_is_set (&r->other_address)
                           ? REASON_BAD_OTHER_ADDRESS
                           : REASON_NO_OTHER_ADDRESS;

    if (r->behind_nat)
      set_mapping (probe, ICE_NAT_BEHAVIOUR_UNKNOWN, why);
    set_filtering (probe, ICE_NAT_BEHAVIOUR_UNKNOWN, why);
    return;
  }
  /* §4.4 tests II and III together; both go to the primary address so no
   * pinhole for the alternate one exists yet. */
  ice_nat_probe_launch (probe, NAT_TEST_FILTERING_2, now_us,
                        ICE_NAT_PROBE_SOCKET_PRIMARY, &c->server,
                        ICE_STUN_CHANGE_IP | ICE_STUN_CHANGE_PORT, 0);
  ice_nat_probe_launch (probe, NAT_TEST_FILTERING_3, now_us,
                        ICE_NAT_PROBE_SOCKET_PRIMARY, &c->server,
                        ICE_STUN_CHANGE_PORT, 0);
}

static void
start_mapping_tests (IceNatProbe *probe, gint64 now_us)
{
  IceTransportAddr to = probe->result.other_address;

  if (!probe->result.behind_nat)
    return;
  /* §4.3 test II: the alternate IP with the primary port */
  to.port = probe->config.server.port;
  ice_nat_probe_launch (probe, NAT_TEST_MAPPING_2, now_us,
                        ICE_NAT_PROBE_SOCKET_PRIMARY, &to, 0, 0);
}

/* The answer to a CHANGE-REQUEST really came from where it was asked to:
 * the other IP when @change_ip, and the other port. */
static gboolean
answer_changed (const IceNatProbe *probe, const NatTest *test,
                gboolean change_ip)
{
  const IceTransportAddr *primary = &probe->config.server;

  return ice_addr_equal_ip (&test->from, primary) != change_ip
         && test->from.port != primary->port;
}

/* §4.4: returns FALSE while the answers do not decide yet. */
static gboolean
decide_filtering (IceNatProbe *probe)
{
  const NatTest *t2 = &probe->tests[NAT_TEST_FILTERING_2];
  const NatTest *t3 = &probe->tests[NAT_TEST_FILTERING_3];

  switch (t2->state) {
    case NAT_TEST_RUNNING:
      return FALSE;
    case NAT_TEST_ANSWERED:
      if (answer_changed (probe, t2, TRUE))
        set_filtering (probe, ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT, NULL);
      else
        set_filtering (probe, ICE_NAT_BEHAVIOUR_UNKNOWN, REASON_CHANGE_IGNORED);
      return TRUE;
    case NAT_TEST_FAILED:
      break;
    default:
      set_filtering (probe, ICE_NAT_BEHAVIOUR_UNKNOWN, REASON_CHANGE_REFUSED);
      return TRUE;
  }
  /* Test II got nothing: test III (other port, same IP) decides. */
  switch (t3->state) {
    case NAT_TEST_RUNNING:
      return FALSE;
    case NAT_TEST_ANSWERED:
      if (answer_changed (probe, t3, FALSE))
        set_filtering (probe, ICE_NAT_BEHAVIOUR_ADDRESS_DEPENDENT, NULL);
      else
        set_filtering (probe, ICE_NAT_BEHAVIOUR_UNKNOWN, REASON_CHANGE_IGNORED);
      return TRUE;
    case NAT_TEST_FAILED:
      set_filtering (probe, ICE_NAT_BEHAVIOUR_ADDRESS_AND_PORT_DEPENDENT, NULL);
      return TRUE;
    default:
      set_filtering (probe, ICE_NAT_BEHAVIOUR_UNKNOWN, REASON_CHANGE_REFUSED);
      return TRUE;
  }
}

static void
filtering_test_finished (IceNatProbe *probe, gint64 now_us)
{
  if (probe->filtering_decided || !decide_filtering (probe))
    return;
  probe->filtering_decided = TRUE;
  ice_nat_probe_cancel (probe, NAT_TEST_FILTERING_3);
  start_mapping_tests (probe, now_us);
}

static gboolean
answered_with_mapping (const NatTest *test)
{
  return test->state == NAT_TEST_ANSWERED && ice_addr_is_set (&test->mapped);
}

static void
mapping_test_finished (IceNatProbe *probe, NatTestId id, gint64 now_us)
{
  const NatTest *test = &probe->tests[id];
  const NatTest *t2 = &probe->tests[NAT_TEST_MAPPING_2];

  if (!answered_with_mapping (test)) {
    set_mapping (probe, ICE_NAT_BEHAVIOUR_UNKNOWN,
                 test->state == NAT_TEST_FAILED ? REASON_ALTERNATE_SILENT
                                                : REASON_ALTERNATE_ERROR);
    return;
  }
  if (id == NAT_TEST_MAPPING_2) {
    /* §4.3: the same mapping for another IP: endpoint-independent */
    if (ice_addr_equal (&test->mapped, &probe->result.mapped)) {
      set_mapping (probe, ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT, NULL);
      return;
    }
    /* test III: the alternate IP and the alternate port */
    ice_nat_probe_launch (probe, NAT_TEST_MAPPING_3, now_us,
                          ICE_NAT_PROBE_SOCKET_PRIMARY,
                          &probe->result.other_address, 0, 0);
    return;
  }
  /* §4.3: the same mapping for another port of that IP: address-dependent */
  set_mapping (probe,
               ice_addr_equal (&test->mapped, &t2->mapped)
                   ? ICE_NAT_BEHAVIOUR_ADDRESS_DEPENDENT
                   : ICE_NAT_BEHAVIOUR_ADDRESS_AND_PORT_DEPENDENT,
               NULL);
}

static gboolean
any_test_running (const IceNatProbe *probe)
{
  guint i;

  for (i = 0; i < N_NAT_TESTS; i++) {
    if (probe->tests[i].state == NAT_TEST_RUNNING)
      return TRUE;
  }
  return FALSE;
}

void
ice_nat_probe_test_finished (IceNatProbe *probe, NatTestId id, gint64 now_us)
{
  const NatTest *test = &probe->tests[id];

  switch (id) {
    case NAT_TEST_MAPPING_1:
      mapping_1_finished (probe, test, now_us);
      break;
    case NAT_TEST_FILTERING_2:
    case NAT_TEST_FILTERING_3:
      filtering_test_finished (probe, now_us);
      break;
    case NAT_TEST_MAPPING_2:
    case NAT_TEST_MAPPING_3:
      mapping_test_finished (probe, id, now_us);
      break;
    case NAT_TEST_HAIRPIN:
      probe->result.hairpinning = test->state == NAT_TEST_ANSWERED
                                      ? ICE_NAT_HAIRPINNING_YES
                                      : ICE_NAT_HAIRPINNING_NO;
      break;
    case NAT_TEST_LIFETIME_REFRESH:
    case NAT_TEST_LIFETIME_PROBE:
      ice_nat_probe_lifetime_test_finished (probe, id, now_us);
      break;
    default:
      break;
  }
  ice_nat_probe_check_done (probe, now_us);
}

/* Done once nothing runs or waits; the lifetime search, which must not
 * overlap the other tests, starts when they have all finished. */
void
ice_nat_probe_check_done (IceNatProbe *probe, gint64 now_us)
{
  if (any_test_running (probe) || probe->lifetime_wait_until >= 0)
    return;
  if (probe->config.test_lifetime && !probe->lifetime_started
      && probe->result.status == ICE_NAT_PROBE_OK) {
    ice_nat_probe_lifetime_begin (probe, now_us);
    return;
  }
  if (probe->config.test_lifetime && !probe->lifetime_started)
    probe->result.lifetime_reason = probe->result.mapping_reason;
  if (!probe->done) {
    probe->done = TRUE;
    g_debug ("nat-probe: done, mapping %s, filtering %s",
             ice_nat_behaviour_to_string (probe->result.mapping),
             ice_nat_behaviour_to_string (probe->result.filtering));
  }
}

void
ice_nat_probe_get_result (IceNatProbe *probe, IceNatProbeResult *result)
{
  g_return_if_fail (probe != NULL && result != NULL);
  *result = probe->result;
  result->requests_sent = probe->requests_sent;
  result->responses = probe->responses;
  result->dropped = probe->dropped;
}
