/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-webrtc-connect: webrtcbin's connect time on gst-ice against libnice,
 * in one run, on this host (every interface webrtcbin's agents gather on).
 *
 * One connection: the pair of examples/webrtc-pair (two webrtcbins in one
 * pipeline, VP8 video and a data channel, offer/answer and trickled
 * candidates handed over in-process). The clock starts when the offer is
 * created (create-offer's promise replied), not when the elements are: a
 * webrtcbin spends its first create-offer/create-answer making DTLS
 * transports and a certificate, which is the same work for both agents and
 * is reported on its own (offer_ms). It stops when both ice-connection-
 * states are connected or completed (median_ms, the figure compared) and
 * when both connection-states are connected, i.e. DTLS is done (dtls_ms).
 *
 * Each round runs the four cases in turn, offerer-answerer: nice-nice,
 * ice-nice, nice-ice, ice-ice; one nice-nice connection before the first
 * round is not counted (it loads the plugins). Output, per case:
 *   RESULT case=ice-nice rounds=R ok=K median_ms=... min_ms=... p90_ms=...
 *          dtls_median_ms=... offer_median_ms=... ratio_vs_nice=...
 *
 * With --relay, every webrtcbin has ice-transport-policy=relay and a
 * coturn started by the benchmark on 127.0.0.1 (tests/io/io-coturn.c,
 * stopped by PID) as its turn-server over UDP; the lines say policy=relay.
 *
 *   bench-webrtc-connect [-r ROUNDS] [-t TIMEOUT_S] [--relay]
 */
#include <stdlib.h>

#include "examples/webrtc-pair-session.h"
#include "tests/io/io-coturn.h"

#define N_CASES 4

/* offerer-answerer; nice-nice first: the others' ratios refer to it */
static const struct {
  const gchar *name;
  WebrtcPairBackend offerer, answerer;
} case_table[N_CASES] = {
  { "nice-nice", WEBRTC_PAIR_NICE, WEBRTC_PAIR_NICE },
  { "ice-nice", WEBRTC_PAIR_ICE, WEBRTC_PAIR_NICE },
  { "nice-ice", WEBRTC_PAIR_NICE, WEBRTC_PAIR_ICE },
  { "ice-ice", WEBRTC_PAIR_ICE, WEBRTC_PAIR_ICE },
};

typedef struct {
  const gchar *name;
  WebrtcPairBackend offerer, answerer;
  GArray *ice_ms, *dtls_ms, *offer_ms; /* gdouble, successful rounds */
  guint failures;
  gboolean skipped;
} Case;

static gint
compare_ms (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *)a, y = *(const gdouble *)b;

  return x < y ? -1 : x > y;
}

/* The value at rank ceil(q * n) of the sorted samples: q = 0.5 median,
 * 0.9 the 90th percentile; 0 is the minimum. */
static gdouble
quantile (GArray *ms, gdouble q)
{
  guint rank;

  if (ms->len == 0)
    return -1.0;
  g_array_sort (ms, compare_ms);
  rank = (guint)(q * ms->len + 0.999999);
  return g_array_index (ms, gdouble, rank ? rank - 1 : 0);
}

/* NULL, or the TURN server every webrtcbin relays through */
static gchar *turn_uri;

/* One connection; on success appends its three times to @c. */
static gboolean
connect_once (Case *c, gint timeout_s, gboolean counted)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_TIME_SPAN_SECOND;
  GError *error = NULL;
  WebrtcPair *pair;
  gdouble ice, dtls, offer;
  gboolean ok;

  pair = webrtc_pair_new (c->offerer, c->answerer, &error);
  if (pair && turn_uri)
    webrtc_pair_configure_ice (pair, NULL, turn_uri, TRUE);
  ok = pair && webrtc_pair_start (pair, &error)
       && webrtc_pair_wait (pair, WEBRTC_PAIR_DTLS_CONNECTED, deadline, &error)
       && webrtc_pair_wait (pair, WEBRTC_PAIR_ICE_CONNECTED, deadline, &error);
  if (ok && counted) {
    ice = webrtc_pair_ms_since_offer (pair, WEBRTC_PAIR_ICE_CONNECTED);
    dtls = webrtc_pair_ms_since_offer (pair, WEBRTC_PAIR_DTLS_CONNECTED);
    offer = webrtc_pair_offer_ms (pair);
    g_array_append_val (c->ice_ms, ice);
    g_array_append_val (c->dtls_ms, dtls);
    g_array_append_val (c->offer_ms, offer);
  }
  if (!ok) {
    g_printerr ("case %s: %s\n", c->name, error->message);
    c->failures += counted;
  }
  g_clear_error (&error);
  webrtc_pair_free (pair);
  return ok;
}

static void
print_result (Case *c, guint rounds, gdouble nice_median)
{
  gdouble median = quantile (c->ice_ms, 0.5);

  g_print ("RESULT case=%s policy=%s rounds=%u ok=%u median_ms=%.1f "
           "min_ms=%.1f p90_ms=%.1f dtls_median_ms=%.1f offer_median_ms=%.1f",
           c->name, turn_uri ? "relay" : "all", rounds, c->ice_ms->len, median,
           quantile (c->ice_ms, 0.0), quantile (c->ice_ms, 0.9),
           quantile (c->dtls_ms, 0.5), quantile (c->offer_ms, 0.5));
  if (median >= 0 && nice_median > 0)
    g_print (" ratio_vs_nice=%.2f", median / nice_median);
  g_print ("\n");
}

int
main (int argc, char **argv)
{
  gint rounds = 11, timeout_s = 20;
  gboolean relay = FALSE;
  IoCoturn coturn = { 0 };
  GOptionEntry entries[] = {
    { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds,
      "connections per case (default 11)", "R" },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_s,
      "give up on a connection after N s (default 20)", "N" },
    { "relay", 0, 0, G_OPTION_ARG_NONE, &relay,
      "ice-transport-policy=relay through a coturn on 127.0.0.1", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- webrtcbin connect time");
  Case cases[N_CASES];
  GError *error = NULL;
  gboolean have_ice;
  gdouble nice_median;
  guint i, r, failures = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || rounds < 1) {
    g_printerr ("bench-webrtc-connect: %s\n",
                error ? error->message : "at least one round");
    return EXIT_FAILURE;
  }
  g_option_context_free (ctx);

  if (relay) {
    if (!io_coturn_start (&coturn)) {
      g_printerr ("bench-webrtc-connect: --relay needs turnserver (coturn) "
                  "and openssl\n");
      return EXIT_FAILURE;
    }
    /* no "?transport=udp": webrtcbin 1.22's libnice agent then gathers
     * nothing (gst-ice takes either) */
    turn_uri = g_strdup_printf ("turn://%s@127.0.0.1:%u",
                                IO_COTURN_URI_CREDENTIALS, coturn.port);
  }
  have_ice = webrtc_pair_find_ice_type (&error) != G_TYPE_INVALID;
  for (i = 0; i < N_CASES; i++) {
    cases[i].name = case_table[i].name;
    cases[i].offerer = case_table[i].offerer;
    cases[i].answerer = case_table[i].answerer;
    cases[i].ice_ms = g_array_new (FALSE, FALSE, sizeof (gdouble));
    cases[i].dtls_ms = g_array_new (FALSE, FALSE, sizeof (gdouble));
    cases[i].offer_ms = g_array_new (FALSE, FALSE, sizeof (gdouble));
    cases[i].failures = 0;
    cases[i].skipped = !have_ice && i != 0;
    if (cases[i].skipped)
      g_print ("SKIP case=%s reason=\"%s\"\n", cases[i].name, error->message);
  }
  g_clear_error (&error);

  connect_once (&cases[0], timeout_s, FALSE);
  for (r = 0; r < (guint)rounds; r++) {
    for (i = 0; i < N_CASES; i++) {
      if (!cases[i].skipped)
        connect_once (&cases[i], timeout_s, TRUE);
    }
  }
  /* nice-nice's median first: the ratios refer to it */
  nice_median = quantile (cases[0].ice_ms, 0.5);
  for (i = 0; i < N_CASES; i++) {
    Case *c = &cases[i];

    if (!c->skipped)
      print_result (c, rounds, nice_median);
    failures += c->failures;
  }
  for (i = 0; i < N_CASES; i++) {
    g_array_free (cases[i].ice_ms, TRUE);
    g_array_free (cases[i].dtls_ms, TRUE);
    g_array_free (cases[i].offer_ms, TRUE);
  }
  if (relay)
    io_coturn_stop (&coturn);
  g_free (turn_uri);
  gst_deinit (); /* lets GST_TRACERS=leaks report */
  return failures || !have_ice ? EXIT_FAILURE : EXIT_SUCCESS;
}
