/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `gst-ice sim`: two ICE sessions through the virtual network (NATs, loss,
 * latency) on the virtual clock; prints one JSON object saying whether and
 * how fast they connected, over which candidate types.
 */
#include "gst-ice-commands.h"

#include "ice/testing/ice-sim.h"
#include "ice/core/ice-relay.h"
#include "ice/testing/ice-vstun.h"
#include "ice/testing/ice-vturn.h"

#include <stdio.h>
#include <string.h>

#define COMMAND "sim"

#define DEFAULT_RTT_MS 50
#define DEFAULT_SIGNAL_DELAY_MS 50
#define DEFAULT_TIMEOUT_S 30
/* After both sides settle, run a little longer so that the states that
 * follow (completed) are seen. */
#define SETTLE_TAIL_US (2 * G_USEC_PER_SEC)

typedef struct {
  gchar *nat_spec[2];
  gboolean stun;
  gboolean turn;
  gboolean relay_only;
  gdouble loss_percent;
  gint rtt_ms;
  gint signal_delay_ms;
  gchar *nomination;
  gboolean trickle;
  gint64 seed;
  gboolean ipv6;
  gint timeout_s;
  /* parsed */
  gboolean natted[2];
  IceVnatConfig nat[2];
  IceNomination nomination_mode;
} SimOptions;

/* Addresses of side a (index 0) and b (index 1). */
static const gchar *const public_ip[2] = { "203.0.113.1", "203.0.113.2" };
static const gchar *const public_ip6[2] = { "2001:db8:a::1", "2001:db8:b::1" };
static const gchar *const nat_ip[2] = { "198.51.100.1", "198.51.100.2" };
static const gchar *const nat_ip6[2] = { "2001:db8:ffa::1", "2001:db8:ffb::1" };
static const gchar *const private_ip[2] = { "192.168.1.2", "10.0.0.2" };
static const gchar *const private_ip6[2] = { "fd00:a::2", "fd00:b::2" };
#define STUN_ADDRESS "203.0.113.100:3478"
#define STUN_ADDRESS6 "[2001:db8:5::100]:3478"
#define TURN_ADDRESS "203.0.113.101:3478"
#define TURN_USER "sim"
#define TURN_PASSWORD "sim-password"

static const gchar sim_description[]
    = "Output fields:\n"
      "  connected       both sides reached connected or completed\n"
      "  connect_ms      virtual ms from start until both had a selected "
      "pair (null if not)\n"
      "  a, b            per side: local_type and remote_type of the "
      "selected pair\n"
      "                  (host|srflx|prflx|relay, null if none), local and "
      "remote addresses,\n"
      "                  selected_ms, checks_sent, checks_received, and "
      "states (the\n"
      "                  connection states it went through, in order)\n"
      "  network         datagrams sent, delivered, lost, filtered by NATs "
      "and\n"
      "                  unroutable; end_ms, the virtual time the run "
      "stopped\n"
      "  config          the options used\n"
      "\n"
      "Example (side b behind a symmetric NAT):\n"
      "  gst-ice sim --a-nat eim-adf --b-nat apdm-apdf --stun --rtt 80\n"
      "  {\"connected\": true, \"connect_ms\": 890.0,\n"
      "   \"a\": {\"local_type\": \"srflx\", \"remote_type\": \"prflx\", "
      "\"local\": \"198.51.100.1:40000\", ...,\n"
      "         \"checks_sent\": 8, \"checks_received\": 1,\n"
      "         \"states\": [\"new\", \"checking\", \"connected\"]},\n"
      "   \"b\": {...}, \"config\": {...}}\n"
      "\n"
      "Exit status: 0 the simulation ran (connected or not); 2 bad "
      "options.\n";

static GOptionContext *
make_context (SimOptions *o)
{
  const GOptionEntry entries[] = {
    { "a-nat", 0, 0, G_OPTION_ARG_STRING, &o->nat_spec[0],
      "NAT in front of side a: none, or MAPPING-FILTERING with MAPPING "
      "eim|adm|apdm and FILTERING eif|adf|apdf, optionally followed by "
      ",ports=preserve|sequential|random ,hairpin ,timeout=SECONDS "
      "(default none)",
      "NAT" },
    { "b-nat", 0, 0, G_OPTION_ARG_STRING, &o->nat_spec[1],
      "NAT in front of side b, as --a-nat", "NAT" },
    { "stun", 0, 0, G_OPTION_ARG_NONE, &o->stun,
      "Give both sides a STUN server on the internet (srflx candidates)",
      NULL },
    { "turn", 0, 0, G_OPTION_ARG_NONE, &o->turn,
      "Give both sides a TURN server on the internet (relayed candidates, "
      "RFC 8656 over UDP)",
      NULL },
    { "relay-only", 0, 0, G_OPTION_ARG_NONE, &o->relay_only,
      "Transport policy \"relay\" on both sides: relayed candidates only "
      "(needs --turn)",
      NULL },
    { "loss", 0, 0, G_OPTION_ARG_DOUBLE, &o->loss_percent,
      "Loss on the internet, in percent per datagram (default 0)", "PERCENT" },
    { "rtt", 0, 0, G_OPTION_ARG_INT, &o->rtt_ms,
      "Round-trip time between the sides, in ms (default 50)", "MS" },
    { "signal-delay", 0, 0, G_OPTION_ARG_INT, &o->signal_delay_ms,
      "One-way delay of the signalling channel, in ms (default 50)", "MS" },
    { "nomination", 0, 0, G_OPTION_ARG_STRING, &o->nomination,
      "regular (RFC 8445, default) or aggressive", "MODE" },
    { "trickle", 0, 0, G_OPTION_ARG_NONE, &o->trickle,
      "Signal each candidate as it is gathered (default: all at once "
      "when gathering is done)",
      NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed,
      "Seed of every random choice; same seed, same run (default 1)", "N" },
    { "ipv6", 0, 0, G_OPTION_ARG_NONE, &o->ipv6,
      "Give hosts (and NATs, and the STUN server) IPv6 addresses too", NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &o->timeout_s,
      "Give up after this many virtual seconds (default 30)", "S" },
    { NULL },
  };
  GOptionContext *context = g_option_context_new (NULL);

  g_option_context_set_summary (
      context,
      "Runs two ICE sessions, a "
      "(controlling) and b (controlled), through a virtual network with "
      "NATs, loss and latency, on a virtual clock (milliseconds of real "
      "time), and prints one JSON object.");
  g_option_context_set_description (context, sim_description);
  g_option_context_add_main_entries (context, entries, NULL);
  return context;
}

static void
options_init (SimOptions *o)
{
  memset (o, 0, sizeof (*o));
  o->rtt_ms = DEFAULT_RTT_MS;
  o->signal_delay_ms = DEFAULT_SIGNAL_DELAY_MS;
  o->seed = 1;
  o->timeout_s = DEFAULT_TIMEOUT_S;
}

static void
options_clear (SimOptions *o)
{
  g_free (o->nat_spec[0]);
  g_free (o->nat_spec[1]);
  g_free (o->nomination);
}

/* Returns NULL if the options make sense, else what was expected. */
static gchar *
check_options (SimOptions *o)
{
  guint i;

  for (i = 0; i < 2; i++) {
    ice_vnat_config_init (&o->nat[i]);
    o->natted[i] = o->nat_spec[i] && g_strcmp0 (o->nat_spec[i], "none");
    if (o->natted[i] && !ice_vnat_config_parse (&o->nat[i], o->nat_spec[i]))
      return g_strdup_printf (
          "--%c-nat: expected none or "
          "eim|adm|apdm-eif|adf|apdf[,ports=preserve|sequential|random]"
          "[,hairpin][,timeout=SECONDS], not '%s'",
          'a' + i, o->nat_spec[i]);
  }
  if (!o->nomination || g_strcmp0 (o->nomination, "regular") == 0)
    o->nomination_mode = ICE_NOMINATION_REGULAR;
  else if (g_strcmp0 (o->nomination, "aggressive") == 0)
    o->nomination_mode = ICE_NOMINATION_AGGRESSIVE;
  else
    return g_strdup_printf ("--nomination: expected regular or aggressive, "
                            "not '%s'",
                            o->nomination);
  if (o->loss_percent < 0 || o->loss_percent > 100)
    return g_strdup_printf ("--loss: expected a percentage from 0 to 100, "
                            "not %g",
                            o->loss_percent);
  if (o->rtt_ms < 0 || o->rtt_ms > 60000)
    return g_strdup_printf ("--rtt: expected 0 to 60000 ms, not %d", o->rtt_ms);
  if (o->signal_delay_ms < 0 || o->signal_delay_ms > 60000)
    return g_strdup_printf ("--signal-delay: expected 0 to 60000 ms, not %d",
                            o->signal_delay_ms);
  if (o->relay_only && !o->turn)
    return g_strdup ("--relay-only: expected --turn too (a relay to use)");
  if (o->timeout_s <= 0 || o->timeout_s > 3600)
    return g_strdup_printf ("--timeout: expected 1 to 3600 s, not %d",
                            o->timeout_s);
  if (o->seed < 0)
    return g_strdup_printf (
        "--seed: expected a number >= 0, not %" G_GINT64_FORMAT, o->seed);
  return NULL;
}

static guint
add_side_host (IceSim *sim, const SimOptions *o, guint side)
{
  IceVnet *vnet = ice_sim_get_vnet (sim);
  const gchar *name = side == 0 ? "a" : "b";
  guint realm = ICE_VNET_INTERNET, host;

  if (o->natted[side]) {
    realm = ice_vnet_add_nat (vnet, ICE_VNET_INTERNET, nat_ip[side],
                              &o->nat[side]);
    if (o->ipv6)
      ice_vnet_nat_add_external_ip (vnet, realm, nat_ip6[side]);
  }
  host = ice_sim_add_host (
      sim, name, realm, o->natted[side] ? private_ip[side] : public_ip[side]);
  if (o->ipv6)
    ice_vnet_host_add_interface (vnet, host, realm,
                                 o->natted[side] ? private_ip6[side]
                                                 : public_ip6[side]);
  return host;
}

/* One hop crosses the internet each way: it carries the whole delay. */
static void
set_internet_link (IceSim *sim, const SimOptions *o)
{
  IceVnetLink link = { 0 };

  link.latency_us = (gint64)o->rtt_ms * 1000 / 2;
  link.loss = o->loss_percent / 100.0;
  ice_vnet_set_realm_link (ice_sim_get_vnet (sim), ICE_VNET_INTERNET, &link);
}

static IceSimPeer *
add_side_peer (IceSim *sim, const SimOptions *o, guint side,
               IceVstunServer **servers, IceVturnServer *turn)
{
  IceSessionConfig config;
  IceSimPeer *peer;
  IceTransportAddr addr;
  guint host = add_side_host (sim, o, side), i;

  ice_session_config_init (&config);
  config.role = side == 0 ? ICE_ROLE_CONTROLLING : ICE_ROLE_CONTROLLED;
  config.nomination = o->nomination_mode;
  config.relay_only = o->relay_only;
  peer = ice_sim_add_peer (sim, side == 0 ? "a" : "b", host, &config, 1);
  if (turn) {
    ice_vturn_server_get_address (turn, &addr);
    ice_session_add_turn_server (ice_sim_peer_get_session (peer), &addr,
                                 TURN_USER, TURN_PASSWORD);
  }
  for (i = 0; i < 2; i++) {
    if (!servers[i])
      continue;
    ice_vstun_server_get_address (servers[i], &addr);
    ice_sim_peer_add_stun_server (peer, &addr);
  }
  return peer;
}

/* JSON string contents; every value printed here is ASCII. */
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
    if (*p == '"' || *p == '\\')
      g_string_append_c (out, '\\');
    if ((guchar)*p < 0x20)
      g_string_append_printf (out, "\\u%04x", (guchar)*p);
    else
      g_string_append_c (out, *p);
  }
  g_string_append_c (out, '"');
}

static void
append_ms (GString *out, gint64 us)
{
  if (us < 0)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%.1f", us / 1000.0);
}

static void
append_states (GString *out, IceSimPeer *peer)
{
  gchar *states = ice_sim_peer_states_to_string (peer, 0);
  gchar **names = g_strsplit (states, ",", -1);
  guint i;

  g_string_append_c (out, '[');
  for (i = 0; names[i]; i++) {
    if (i > 0)
      g_string_append (out, ", ");
    append_json_string (out, names[i]);
  }
  g_string_append_c (out, ']');
  g_strfreev (names);
  g_free (states);
}

static void
append_side (GString *out, const gchar *name, IceSimPeer *peer)
{
  IceSession *session = ice_sim_peer_get_session (peer);
  IceCandidate local, remote;
  IceSessionStats stats;
  IceSimPeerStats sim_stats;
  gboolean selected;
  gchar addr[ICE_ADDR_STRLEN];

  selected = ice_session_get_selected_pair (session, 0, 1, &local, &remote);
  ice_session_get_stats (session, &stats);
  ice_sim_peer_get_stats (peer, &sim_stats);
  g_string_append_printf (out, "  \"%s\": {\"local_type\": ", name);
  append_json_string (out, selected ? ice_candidate_type_to_string (local.type)
                                    : NULL);
  g_string_append (out, ", \"remote_type\": ");
  append_json_string (out, selected ? ice_candidate_type_to_string (remote.type)
                                    : NULL);
  g_string_append (out, ", \"local\": ");
  append_json_string (out,
                      selected ? ice_addr_to_string (&local.addr, addr) : NULL);
  g_string_append (out, ", \"remote\": ");
  append_json_string (out, selected ? ice_addr_to_string (&remote.addr, addr)
                                    : NULL);
  g_string_append (out, ", \"selected_ms\": ");
  append_ms (out, sim_stats.first_selected_us);
  g_string_append_printf (out,
                          ", \"checks_sent\": %" G_GUINT64_FORMAT
                          ", \"checks_received\": %" G_GUINT64_FORMAT
                          ", \"states\": ",
                          stats.checks_sent, stats.checks_received);
  append_states (out, peer);
  g_string_append (out, "},\n");
}

static void
append_nat (GString *out, const SimOptions *o, guint side)
{
  const IceVnatConfig *c = &o->nat[side];
  IceVnatPorts ports = c->ports;

  if (ports == ICE_VNAT_PORTS_DEFAULT)
    ports = c->mapping == ICE_VNAT_MAPPING_EIM ? ICE_VNAT_PORTS_PRESERVE
                                               : ICE_VNAT_PORTS_RANDOM;
  if (!o->natted[side]) {
    append_json_string (out, "none");
    return;
  }
  g_string_append_printf (
      out,
      "{\"mapping\": \"%s\", \"filtering\": "
      "\"%s\", \"ports\": \"%s\", \"hairpin\": %s, \"timeout_s\": %.1f}",
      ice_vnat_mapping_to_string (c->mapping),
      ice_vnat_filtering_to_string (c->filtering),
      ice_vnat_ports_to_string (ports), c->hairpinning ? "true" : "false",
      c->mapping_timeout_us / (gdouble)G_USEC_PER_SEC);
}

static void
append_config (GString *out, const SimOptions *o)
{
  g_string_append (out, "  \"config\": {\"a_nat\": ");
  append_nat (out, o, 0);
  g_string_append (out, ", \"b_nat\": ");
  append_nat (out, o, 1);
  g_string_append_printf (
      out,
      ", \"stun\": %s, \"turn\": %s, \"relay_only\": %s, "
      "\"loss_percent\": %g, "
      "\"rtt_ms\": %d, \"signal_delay_ms\": %d, \"nomination\": \"%s\", "
      "\"trickle\": %s, \"seed\": %" G_GINT64_FORMAT ", \"ipv6\": %s, "
      "\"timeout_s\": %d}\n",
      o->stun ? "true" : "false", o->turn ? "true" : "false",
      o->relay_only ? "true" : "false", o->loss_percent, o->rtt_ms,
      o->signal_delay_ms,
      o->nomination_mode == ICE_NOMINATION_AGGRESSIVE ? "aggressive"
                                                      : "regular",
      o->trickle ? "true" : "false", o->seed, o->ipv6 ? "true" : "false",
      o->timeout_s);
}

static gboolean
peer_is_connected (IceSimPeer *peer)
{
  IceConnectionState s
      = ice_session_get_connection_state (ice_sim_peer_get_session (peer), 0);

  return s == ICE_CONNECTION_CONNECTED || s == ICE_CONNECTION_COMPLETED;
}

/* What the network did: explains a failure (filtered by a NAT, lost). */
static void
append_network (GString *out, IceSim *sim)
{
  IceVnetCounters c;

  ice_vnet_get_counters (ice_sim_get_vnet (sim), &c);
  g_string_append_printf (
      out,
      "  \"network\": {\"sent\": %" G_GUINT64_FORMAT
      ", \"delivered\": %" G_GUINT64_FORMAT ", \"lost\": %" G_GUINT64_FORMAT
      ", \"filtered\": %" G_GUINT64_FORMAT
      ", \"unroutable\": %" G_GUINT64_FORMAT ", \"end_ms\": ",
      c.sent, c.delivered, c.lost, c.filtered, c.unroutable);
  append_ms (out, ice_sim_get_now (sim));
  g_string_append (out, "},\n");
}

static gchar *
report (const SimOptions *o, IceSim *sim, IceSimPeer *a, IceSimPeer *b)
{
  GString *out = g_string_new ("{\n");
  IceSimPeerStats sa, sb;
  gboolean connected = peer_is_connected (a) && peer_is_connected (b);

  ice_sim_peer_get_stats (a, &sa);
  ice_sim_peer_get_stats (b, &sb);
  g_string_append_printf (out, "  \"connected\": %s,\n  \"connect_ms\": ",
                          connected ? "true" : "false");
  append_ms (out, sa.first_selected_us < 0 || sb.first_selected_us < 0
                      ? -1
                      : MAX (sa.first_selected_us, sb.first_selected_us));
  g_string_append (out, ",\n");
  append_side (out, "a", a);
  append_side (out, "b", b);
  append_network (out, sim);
  append_config (out, o);
  g_string_append (out, "}\n");
  return g_string_free (out, FALSE);
}

static IceVturnServer *
make_turn_server (IceSim *sim)
{
  IceVturnConfig cfg;
  IceVturnServer *turn;

  ice_vturn_config_init (&cfg);
  cfg.address = TURN_ADDRESS;
  turn = ice_vturn_server_new (ice_sim_get_vnet (sim), ICE_VNET_INTERNET, &cfg);
  g_assert (turn != NULL);
  ice_vturn_server_add_user (turn, TURN_USER, TURN_PASSWORD);
  return turn;
}

static gchar *
run_simulation (const SimOptions *o)
{
  IceSim *sim = ice_sim_new ((guint64)o->seed);
  IceVstunServer *servers[2] = { NULL, NULL };
  IceVturnServer *turn = NULL;
  IceSimPeer *a, *b;
  gint64 deadline = (gint64)o->timeout_s * G_USEC_PER_SEC;
  gchar *json;

  set_internet_link (sim, o);
  if (o->stun) {
    servers[0] = ice_vstun_server_new (ice_sim_get_vnet (sim),
                                       ICE_VNET_INTERNET, STUN_ADDRESS, NULL);
    if (o->ipv6)
      servers[1] = ice_vstun_server_new (
          ice_sim_get_vnet (sim), ICE_VNET_INTERNET, STUN_ADDRESS6, NULL);
  }
  if (o->turn)
    turn = make_turn_server (sim);
  a = add_side_peer (sim, o, 0, servers, turn);
  b = add_side_peer (sim, o, 1, servers, turn);
  ice_sim_pair (sim, a, b,
                o->trickle ? ICE_SIM_SIGNAL_TRICKLE
                           : ICE_SIM_SIGNAL_AFTER_GATHERING,
                (gint64)o->signal_delay_ms * 1000);
  ice_sim_start (sim);
  ice_sim_run_until_settled (sim, deadline);
  ice_sim_run_until (sim, NULL, NULL,
                     MIN (deadline, ice_sim_get_now (sim) + SETTLE_TAIL_US));
  json = report (o, sim, a, b);
  if (turn)
    ice_vturn_server_free (turn);
  ice_vstun_server_free (servers[0]);
  ice_vstun_server_free (servers[1]);
  ice_sim_free (sim);
  return json;
}

/**
 * gst_ice_cmd_sim:
 *
 * Returns: %GST_ICE_EXIT_OK when the simulation ran, %GST_ICE_EXIT_USAGE
 *   for bad options.
 */
int
gst_ice_cmd_sim (int argc, char **argv)
{
  SimOptions o;
  GOptionContext *context;
  gchar **remaining = NULL;
  gchar *error, *json;
  int status = GST_ICE_EXIT_OK;

  options_init (&o);
  context = make_context (&o);
  if (!gst_ice_parse_options (context, COMMAND, argc, argv, &remaining)) {
    status = GST_ICE_EXIT_USAGE;
    goto out;
  }
  if (remaining && remaining[0]) {
    status = gst_ice_usage_error (COMMAND, "expected only options, not '%s'",
                                  remaining[0]);
    goto out;
  }
  error = check_options (&o);
  if (error) {
    status = gst_ice_usage_error (COMMAND, "%s", error);
    g_free (error);
    goto out;
  }
  json = run_simulation (&o);
  fputs (json, stdout);
  g_free (json);
out:
  g_strfreev (remaining);
  g_option_context_free (context);
  options_clear (&o);
  return status;
}
