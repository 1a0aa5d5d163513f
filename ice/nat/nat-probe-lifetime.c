/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RFC 5780 §4.6 binding lifetime discovery. Each trial refreshes the
 * primary socket's mapping with a Binding request to the server, keeps
 * that socket silent for T, then sends from the secondary socket a Binding
 * request whose RESPONSE-PORT is the primary's mapped port: the answer
 * reaches the primary socket only if the mapping outlived T. A first
 * trial with T = 0 checks that the server honours RESPONSE-PORT at all.
 */
#define G_LOG_DOMAIN "ice-nat"

#include "ice/nat/nat-probe-private.h"

#define REASON_REFRESH_SILENT "the server stopped answering"
#define REASON_RESPONSE_PORT                                                   \
  "no answer through RESPONSE-PORT even without waiting: the server does "     \
  "not honour it"

static void
lifetime_finish (IceNatProbe *probe, const gchar *reason)
{
  probe->lifetime_finished = TRUE;
  probe->result.lifetime_reason = reason;
}

static void
start_trial (IceNatProbe *probe, gint64 now_us)
{
  g_debug ("nat-probe: lifetime trial of %" G_GINT64_FORMAT " ms",
           probe->lifetime_trial_us / 1000);
  ice_nat_probe_launch (probe, NAT_TEST_LIFETIME_REFRESH, now_us,
                        ICE_NAT_PROBE_SOCKET_PRIMARY, &probe->config.server, 0,
                        0);
}

void
ice_nat_probe_lifetime_begin (IceNatProbe *probe, gint64 now_us)
{
  probe->lifetime_started = TRUE;
  probe->result.lifetime_tested = TRUE;
  probe->lifetime_trial_us = 0;
  start_trial (probe, now_us);
}

static void
send_lifetime_probe (IceNatProbe *probe, gint64 now_us)
{
  probe->lifetime_wait_until = -1;
  ice_nat_probe_launch (probe, NAT_TEST_LIFETIME_PROBE, now_us,
                        ICE_NAT_PROBE_SOCKET_SECONDARY, &probe->config.server,
                        0, probe->lifetime_mapped.port);
}

/* The next idle time to try: doubling until a mapping dies or the maximum
 * is reached, then halving the interval between the longest survived and
 * the shortest fatal idle time. Returns -1 when the search is over. */
static gint64
next_trial (IceNatProbe *probe)
{
  const IceNatProbeConfig *c = &probe->config;
  IceNatProbeResult *r = &probe->result;

  if (r->lifetime_expired_us < 0) {
    if (r->lifetime_us >= c->lifetime_max_us)
      return -1;
    if (r->lifetime_us <= 0)
      return MIN (c->lifetime_resolution_us, c->lifetime_max_us);
    return MIN (r->lifetime_us * 2, c->lifetime_max_us);
  }
  if (r->lifetime_expired_us - r->lifetime_us <= c->lifetime_resolution_us)
    return -1;
  return (r->lifetime_us + r->lifetime_expired_us) / 2;
}

static void
probe_finished (IceNatProbe *probe, const NatTest *test, gint64 now_us)
{
  IceNatProbeResult *r = &probe->result;
  gint64 next;

  if (test->state == NAT_TEST_ANSWERED) {
    r->lifetime_us = MAX (r->lifetime_us, probe->lifetime_trial_us);
  } else if (probe->lifetime_trial_us == 0) {
    lifetime_finish (probe, REASON_RESPONSE_PORT);
    return;
  } else if (r->lifetime_expired_us < 0
             || probe->lifetime_trial_us < r->lifetime_expired_us) {
    r->lifetime_expired_us = probe->lifetime_trial_us;
  }
  next = next_trial (probe);
  if (next < 0) {
    lifetime_finish (probe, NULL);
    return;
  }
  probe->lifetime_trial_us = next;
  start_trial (probe, now_us);
}

void
ice_nat_probe_lifetime_test_finished (IceNatProbe *probe, NatTestId id,
                                      gint64 now_us)
{
  const NatTest *test = &probe->tests[id];

  if (id == NAT_TEST_LIFETIME_PROBE) {
    probe_finished (probe, test, now_us);
    return;
  }
  if (test->state != NAT_TEST_ANSWERED || !ice_addr_is_set (&test->mapped)) {
    lifetime_finish (probe, REASON_REFRESH_SILENT);
    return;
  }
  /* A mapping that died and was made again may have a new port. */
  probe->lifetime_mapped = test->mapped;
  if (probe->lifetime_trial_us == 0)
    send_lifetime_probe (probe, now_us);
  else
    probe->lifetime_wait_until = now_us + probe->lifetime_trial_us;
}

void
ice_nat_probe_lifetime_handle_timeout (IceNatProbe *probe, gint64 now_us)
{
  if (probe->lifetime_wait_until < 0 || now_us < probe->lifetime_wait_until)
    return;
  send_lifetime_probe (probe, now_us);
}
