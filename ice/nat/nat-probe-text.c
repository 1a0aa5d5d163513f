/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An RFC 5780 probe result as JSON and as a sentence for a person.
 */
#define G_LOG_DOMAIN "ice-nat"

#include "ice/nat/nat-probe.h"

#include <string.h>

const gchar *
ice_nat_behaviour_to_string (IceNatBehaviour behaviour)
{
  switch (behaviour) {
    case ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT:
      return "endpoint-independent";
    case ICE_NAT_BEHAVIOUR_ADDRESS_DEPENDENT:
      return "address-dependent";
    case ICE_NAT_BEHAVIOUR_ADDRESS_AND_PORT_DEPENDENT:
      return "address-and-port-dependent";
    case ICE_NAT_BEHAVIOUR_UNKNOWN:
    default:
      return "unknown";
  }
}

const gchar *
ice_nat_probe_status_to_string (IceNatProbeStatus status)
{
  switch (status) {
    case ICE_NAT_PROBE_RUNNING:
      return "running";
    case ICE_NAT_PROBE_OK:
      return "ok";
    case ICE_NAT_PROBE_NO_RESPONSE:
      return "no-response";
    case ICE_NAT_PROBE_SERVER_ERROR:
      return "server-error";
    default:
      return "unknown";
  }
}

const gchar *
ice_nat_hairpinning_to_string (IceNatHairpinning hairpinning)
{
  switch (hairpinning) {
    case ICE_NAT_HAIRPINNING_YES:
      return "yes";
    case ICE_NAT_HAIRPINNING_NO:
      return "no";
    case ICE_NAT_HAIRPINNING_NOT_TESTED:
    default:
      return "not-tested";
  }
}

/* RFC 8259 §7: quotes, backslash and control characters are escaped. */
static void
append_json_string (GString *out, const gchar *s)
{
  const gchar *p;

  if (!s) {
    g_string_append (out, "null");
    return;
  }
  g_string_append_c (out, '"');
  for (p = s; *p; p++) {
    guchar c = (guchar)*p;

    if (c == '"' || c == '\\')
      g_string_append_printf (out, "\\%c", c);
    else if (c < 0x20)
      g_string_append_printf (out, "\\u%04x", c);
    else
      g_string_append_c (out, c);
  }
  g_string_append_c (out, '"');
}

static void
append_json_addr (GString *out, const IceTransportAddr *addr)
{
  gchar buf[ICE_ADDR_STRLEN];

  append_json_string (
      out, ice_addr_is_set (addr) ? ice_addr_to_string (addr, buf) : NULL);
}

static void
append_json_ms (GString *out, gint64 us)
{
  if (us < 0)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, us / 1000);
}

static void
append_json_key (GString *out, const gchar *key)
{
  if (out->len > 1)
    g_string_append (out, ", ");
  append_json_string (out, key);
  g_string_append (out, ": ");
}

gchar *
ice_nat_probe_result_to_json (const IceNatProbeResult *r)
{
  GString *out = g_string_new ("{");
  gchar *summary = ice_nat_probe_result_to_sentence (r);

  append_json_key (out, "status");
  append_json_string (out, ice_nat_probe_status_to_string (r->status));
  append_json_key (out, "error_code");
  g_string_append_printf (out, "%u", r->error_code);
  append_json_key (out, "server");
  append_json_addr (out, &r->server);
  append_json_key (out, "local");
  append_json_addr (out, &r->local);
  append_json_key (out, "mapped");
  append_json_addr (out, &r->mapped);
  append_json_key (out, "other_address");
  append_json_addr (out, &r->other_address);
  append_json_key (out, "behind_nat");
  g_string_append (out, r->behind_nat ? "true" : "false");
  append_json_key (out, "mapping");
  append_json_string (out, ice_nat_behaviour_to_string (r->mapping));
  append_json_key (out, "mapping_reason");
  append_json_string (out, r->mapping_reason);
  append_json_key (out, "filtering");
  append_json_string (out, ice_nat_behaviour_to_string (r->filtering));
  append_json_key (out, "filtering_reason");
  append_json_string (out, r->filtering_reason);
  append_json_key (out, "hairpinning");
  append_json_string (out, ice_nat_hairpinning_to_string (r->hairpinning));
  append_json_key (out, "lifetime_tested");
  g_string_append (out, r->lifetime_tested ? "true" : "false");
  append_json_key (out, "lifetime_ms");
  append_json_ms (out, r->lifetime_us);
  append_json_key (out, "lifetime_expired_ms");
  append_json_ms (out, r->lifetime_expired_us);
  append_json_key (out, "lifetime_reason");
  append_json_string (out, r->lifetime_reason);
  append_json_key (out, "requests_sent");
  g_string_append_printf (out, "%u", r->requests_sent);
  append_json_key (out, "responses");
  g_string_append_printf (out, "%u", r->responses);
  append_json_key (out, "dropped");
  g_string_append_printf (out, "%u", r->dropped);
  append_json_key (out, "summary");
  append_json_string (out, summary);
  g_string_append_c (out, '}');
  g_free (summary);
  return g_string_free (out, FALSE);
}

/* What the two behaviours mean for ICE (RFC 8445 §2, RFC 4787 §4-5): a
 * server-reflexive candidate works for every peer only with
 * endpoint-independent mapping, and unsolicited checks get in only with
 * endpoint-independent filtering. */
static const gchar *
advice (const IceNatProbeResult *r)
{
  if (r->mapping == ICE_NAT_BEHAVIOUR_UNKNOWN
      || r->filtering == ICE_NAT_BEHAVIOUR_UNKNOWN)
    return "not enough is known to predict which peers can connect "
           "directly";
  if (r->mapping != ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT)
    return "the mapped address is good only for the STUN server, so direct "
           "connections work only with peers that have no NAT or one that "
           "filters endpoint-independently; other peers need a TURN relay";
  if (r->filtering == ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT)
    return r->behind_nat ? "any peer can reach the mapped address directly"
                         : "any peer can reach this address directly";
  return "direct connections work with peers whose NAT maps "
         "endpoint-independently";
}

static void
append_behaviour (GString *out, IceNatBehaviour behaviour, const gchar *what,
                  const gchar *reason)
{
  if (behaviour == ICE_NAT_BEHAVIOUR_UNKNOWN)
    g_string_append_printf (out, "%s unknown (%s)", what,
                            reason ? reason : "no reason given");
  else
    g_string_append_printf (out, "%s %s",
                            ice_nat_behaviour_to_string (behaviour), what);
}

static void
append_lifetime (GString *out, const IceNatProbeResult *r)
{
  if (!r->lifetime_tested)
    return;
  if (r->lifetime_reason)
    g_string_append_printf (out, ", mapping lifetime unknown (%s)",
                            r->lifetime_reason);
  else if (r->lifetime_expired_us < 0)
    g_string_append_printf (out, ", mappings survive at least %.1f s idle",
                            r->lifetime_us / 1e6);
  else
    g_string_append_printf (out, ", mappings expire after %.1f-%.1f s idle",
                            MAX (r->lifetime_us, 0) / 1e6,
                            r->lifetime_expired_us / 1e6);
}

gchar *
ice_nat_probe_result_to_sentence (const IceNatProbeResult *r)
{
  gchar server[ICE_ADDR_STRLEN];
  GString *out;

  ice_addr_to_string (&r->server, server);
  switch (r->status) {
    case ICE_NAT_PROBE_RUNNING:
      return g_strdup ("the probe has not finished");
    case ICE_NAT_PROBE_NO_RESPONSE:
      return g_strdup_printf ("the STUN server at %s did not answer: "
                              "nothing is known about the NAT",
                              server);
    case ICE_NAT_PROBE_SERVER_ERROR:
      return g_strdup_printf (
          "the STUN server at %s answered with %s %u: "
          "nothing is known about the NAT",
          server, r->error_code ? "error" : "no mapped address, error",
          r->error_code);
    default:
      break;
  }
  out = g_string_new (NULL);
  if (!r->behind_nat)
    g_string_append (out, "no NAT (the mapped address is the local one), ");
  else {
    append_behaviour (out, r->mapping, "mapping", r->mapping_reason);
    g_string_append (out, ", ");
  }
  append_behaviour (out, r->filtering, "filtering", r->filtering_reason);
  if (r->hairpinning != ICE_NAT_HAIRPINNING_NOT_TESTED)
    g_string_append_printf (
        out, ", hairpinning %s",
        r->hairpinning == ICE_NAT_HAIRPINNING_YES ? "works" : "fails");
  append_lifetime (out, r);
  g_string_append_printf (out, ": %s", advice (r));
  return g_string_free (out, FALSE);
}
