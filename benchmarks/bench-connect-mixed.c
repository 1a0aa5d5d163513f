/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-connect-mixed: connect time of gst-ice (IceAgent) against libnice
 * (NiceAgent) on 127.0.0.1, in the same run with each controlling in
 * turn: round after round, one connection with gst-ice controlling, one
 * with libnice controlling. Optionally relay-only through a real coturn
 * started here on loopback (gst-ice with ice-transport-policy=relay over
 * UDP, TCP or TLS to the server; libnice gets the same server through
 * nice_agent_set_relay_info() and gathers host and relayed candidates).
 *
 * Signalling is trickle, in-process, the same for both roles: credentials
 * before gathering, each candidate as it is found, end-of-candidates at
 * gathering-done. The clock starts before both gather and stops when BOTH
 * have a selected pair and a usable state (gst-ice: connected/completed;
 * libnice: connected/ready).
 *
 * A second figure, first media: from the moment the controlling side is
 * usable it sends a small datagram every millisecond; the time at which the
 * controlled side's application receives the first one. It tells the two
 * agents apart: the controlling agent can deliver media before the
 * controlled one has finished its own checks (libnice, controlled, selects
 * only after its triggered check, which waits for its next 20 ms tick).
 *
 * Output: "RESULT cell=... controlling=ice|nice runs=N ok=K median_ms=...
 * media_median_ms=..." and a "RATIO" line (gst-ice controlling / libnice
 * controlling).
 */
#include <nice/agent.h>
#include <string.h>

#include "ice/io/ice-agent.h"
#include "tests/io/io-coturn.h"

#define LOOPBACK "127.0.0.1"
#define RUN_TIMEOUT_MS 5000
#define MEDIA_INTERVAL_MS 1

typedef struct {
  GMainLoop *loop;
  IceAgent *ice;
  guint ice_stream;
  NiceAgent *nice;
  guint nice_stream;
  gboolean ice_controls;
  gboolean ice_usable, nice_usable, nice_has_pair;
  gint64 done_us;    /* both usable */
  gint64 media_us;   /* first datagram at the controlled application */
  GSource *media_tx; /* the controlling side's 1 ms sender */
  gboolean failed;
} Run;

typedef struct {
  const gchar *turn; /* NULL, "udp", "tcp" or "tls" */
  gboolean regular;
  IoCoturn coturn;
} Cell;

static void
check_done (Run *run)
{
  if (run->done_us == 0 && run->ice_usable && run->nice_usable
      && run->nice_has_pair)
    run->done_us = g_get_monotonic_time ();
  if (run->done_us != 0 && run->media_us != 0)
    g_main_loop_quit (run->loop);
}

static const guint8 media_probe[12] = { 0x80, 96 };

/* Runs every MEDIA_INTERVAL_MS once the controlling side is usable: a
 * datagram sent before the controlled side accepts media is simply lost. */
static gboolean
send_media_probe (gpointer data)
{
  Run *run = data;

  if (run->ice_controls)
    ice_agent_send (run->ice, run->ice_stream, 1, media_probe,
                    sizeof media_probe);
  else
    nice_agent_send (run->nice, run->nice_stream, 1, sizeof media_probe,
                     (const gchar *)media_probe);
  return G_SOURCE_CONTINUE;
}

static void
start_media (Run *run)
{
  if (run->media_tx != NULL)
    return;
  run->media_tx = g_timeout_source_new (MEDIA_INTERVAL_MS);
  g_source_set_callback (run->media_tx, send_media_probe, run, NULL);
  g_source_attach (run->media_tx, g_main_context_get_thread_default ());
  send_media_probe (run);
}

static void
media_received (Run *run)
{
  if (run->media_us != 0)
    return;
  run->media_us = g_get_monotonic_time ();
  check_done (run);
}

static void
mark_failed (Run *run)
{
  run->failed = TRUE;
  g_main_loop_quit (run->loop);
}

/* --- gst-ice side ------------------------------------------------------ */

static void
on_ice_candidate (IceAgent *agent, guint stream, const gchar *line, Run *run)
{
  /* libnice's parser wants the "a=" prefix */
  gchar *sdp = g_strconcat ("a=", line, NULL);
  NiceCandidate *cand = nice_agent_parse_remote_candidate_sdp (
      run->nice, run->nice_stream, sdp);
  GSList *list;

  g_free (sdp);
  if (cand == NULL) {
    g_printerr ("libnice refused our candidate %s\n", line);
    return;
  }
  list = g_slist_append (NULL, cand);
  nice_agent_set_remote_candidates (run->nice, run->nice_stream, 1, list);
  g_slist_free_full (list, (GDestroyNotify)nice_candidate_free);
}

static void
on_ice_gathered (IceAgent *agent, guint stream, Run *run)
{
  nice_agent_peer_candidate_gathering_done (run->nice, run->nice_stream);
}

static void
on_ice_state (IceAgent *agent, guint stream, IceConnectionState state, Run *run)
{
  if (state == ICE_CONNECTION_FAILED) {
    mark_failed (run);
    return;
  }
  /* ice-session.h: CONNECTED means every component has a selected pair */
  run->ice_usable
      = state == ICE_CONNECTION_CONNECTED || state == ICE_CONNECTION_COMPLETED;
  if (run->ice_usable && run->ice_controls)
    start_media (run);
  check_done (run);
}

static void
ice_media_received (IceAgent *agent, guint stream, guint component,
                    IceAgentDatagram *datagrams, guint n, gpointer data)
{
  media_received (data);
}

static void
make_ice (Run *run, Cell *cell, gboolean controlling)
{
  const gchar *bind[] = { LOOPBACK, NULL };

  run->ice = ice_agent_new (g_main_context_get_thread_default ());
  g_object_set (
      run->ice, "bind-address", bind, "controlling-mode", controlling,
      "nomination",
      cell->regular ? ICE_NOMINATION_REGULAR : ICE_NOMINATION_AGGRESSIVE, NULL);
  if (cell->turn != NULL) {
    gchar *uri = io_coturn_uri (&cell->coturn, cell->turn);

    g_object_set (run->ice, "ice-transport-policy",
                  ICE_AGENT_TRANSPORT_POLICY_RELAY, "turn-server", uri,
                  "turn-ca-file", cell->coturn.cert_path, NULL);
    g_free (uri);
  }
  run->ice_stream = ice_agent_add_stream (run->ice, 1);
  g_signal_connect (run->ice, "new-candidate", G_CALLBACK (on_ice_candidate),
                    run);
  g_signal_connect (run->ice, "gathering-done", G_CALLBACK (on_ice_gathered),
                    run);
  g_signal_connect (run->ice, "connection-state-changed",
                    G_CALLBACK (on_ice_state), run);
  ice_agent_set_receive_callback (run->ice, run->ice_stream, 1,
                                  ice_media_received, run, NULL);
}

/* --- libnice side ------------------------------------------------------ */

static void
on_nice_candidate (NiceAgent *agent, NiceCandidate *cand, Run *run)
{
  gchar *line = nice_agent_generate_local_candidate_sdp (agent, cand);

  if (!ice_agent_add_remote_candidate (run->ice, run->ice_stream, line, NULL))
    g_printerr ("we refused libnice's candidate %s\n", line);
  g_free (line);
}

static void
on_nice_gathered (NiceAgent *agent, guint stream, Run *run)
{
  ice_agent_end_of_remote_candidates (run->ice, run->ice_stream);
}

static void
on_nice_state (NiceAgent *agent, guint stream, guint component, guint state,
               Run *run)
{
  if (state == NICE_COMPONENT_STATE_FAILED) {
    mark_failed (run);
    return;
  }
  run->nice_usable = state == NICE_COMPONENT_STATE_CONNECTED
                     || state == NICE_COMPONENT_STATE_READY;
  if (run->nice_usable && !run->ice_controls)
    start_media (run);
  check_done (run);
}

static void
on_nice_pair (NiceAgent *agent, guint stream, guint component,
              NiceCandidate *local, NiceCandidate *remote, Run *run)
{
  run->nice_has_pair = TRUE;
  check_done (run);
}

static void
nice_media_received (NiceAgent *agent, guint stream, guint component, guint len,
                     gchar *buf, gpointer data)
{
  media_received (data);
}

static void
make_nice (Run *run, Cell *cell, gboolean controlling)
{
  NiceAddress addr;

  run->nice = nice_agent_new_full (
      g_main_context_get_thread_default (), NICE_COMPATIBILITY_RFC5245,
      cell->regular ? NICE_AGENT_OPTION_REGULAR_NOMINATION
                    : NICE_AGENT_OPTION_NONE);
  /* like for like (see bench-connect.c): UDP host candidates, no UPnP */
  g_object_set (run->nice, "controlling-mode", controlling, "upnp", FALSE,
                "ice-tcp", FALSE, NULL);
  nice_address_init (&addr);
  nice_address_set_from_string (&addr, LOOPBACK);
  nice_agent_add_local_address (run->nice, &addr);
  run->nice_stream = nice_agent_add_stream (run->nice, 1);
  if (cell->turn != NULL)
    nice_agent_set_relay_info (
        run->nice, run->nice_stream, 1, LOOPBACK,
        g_str_equal (cell->turn, "tls") ? cell->coturn.tls_port
                                        : cell->coturn.port,
        IO_COTURN_USER, IO_COTURN_PASSWORD,
        g_str_equal (cell->turn, "udp")   ? NICE_RELAY_TYPE_TURN_UDP
        : g_str_equal (cell->turn, "tcp") ? NICE_RELAY_TYPE_TURN_TCP
                                          : NICE_RELAY_TYPE_TURN_TLS);
  nice_agent_attach_recv (run->nice, run->nice_stream, 1,
                          g_main_context_get_thread_default (),
                          nice_media_received, run);
  g_signal_connect (run->nice, "new-candidate-full",
                    G_CALLBACK (on_nice_candidate), run);
  g_signal_connect (run->nice, "candidate-gathering-done",
                    G_CALLBACK (on_nice_gathered), run);
  g_signal_connect (run->nice, "component-state-changed",
                    G_CALLBACK (on_nice_state), run);
  g_signal_connect (run->nice, "new-selected-pair-full",
                    G_CALLBACK (on_nice_pair), run);
}

/* --- runs ---------------------------------------------------------------- */

static void
exchange_credentials (Run *run)
{
  gchar *ufrag = NULL, *pwd = NULL;

  ice_agent_get_local_credentials (run->ice, run->ice_stream, &ufrag, &pwd);
  nice_agent_set_remote_credentials (run->nice, run->nice_stream, ufrag, pwd);
  g_free (ufrag);
  g_free (pwd);
  nice_agent_get_local_credentials (run->nice, run->nice_stream, &ufrag, &pwd);
  ice_agent_set_remote_credentials (run->ice, run->ice_stream, ufrag, pwd);
  g_free (ufrag);
  g_free (pwd);
}

static gboolean
on_run_timeout (gpointer data)
{
  mark_failed (data);
  return G_SOURCE_REMOVE;
}

static void
free_run (Run *run)
{
  if (run->media_tx != NULL) {
    g_source_destroy (run->media_tx);
    g_source_unref (run->media_tx);
  }
  ice_agent_set_receive_callback (run->ice, run->ice_stream, 1, NULL, NULL,
                                  NULL);
  g_signal_handlers_disconnect_by_data (run->ice, run);
  g_signal_handlers_disconnect_by_data (run->nice, run);
  ice_agent_close (run->ice);
  g_object_unref (run->ice);
  nice_agent_attach_recv (run->nice, run->nice_stream, 1, NULL, NULL, NULL);
  g_object_unref (run->nice);
  /* let the closed agents' pending sources run down */
  while (g_main_context_iteration (g_main_context_get_thread_default (), FALSE))
    ;
  g_main_loop_unref (run->loop);
}

/* Returns FALSE on failure or timeout; else the connect time and the first
 * media time, both in ms from the start. */
static gboolean
connect_once (Cell *cell, gboolean ice_controls, gdouble *connect_ms,
              gdouble *media_ms)
{
  GMainContext *ctx = g_main_context_get_thread_default ();
  Run run = { 0 };
  GSource *timeout;
  gint64 start_us;
  gboolean started;

  run.loop = g_main_loop_new (ctx, FALSE);
  run.ice_controls = ice_controls;
  make_ice (&run, cell, ice_controls);
  make_nice (&run, cell, !ice_controls);
  exchange_credentials (&run);
  timeout = g_timeout_source_new (RUN_TIMEOUT_MS);
  g_source_set_callback (timeout, on_run_timeout, &run, NULL);
  g_source_attach (timeout, ctx);
  start_us = g_get_monotonic_time ();
  started = ice_agent_gather (run.ice, run.ice_stream, NULL)
            && nice_agent_gather_candidates (run.nice, run.nice_stream);
  if (started && !run.failed)
    g_main_loop_run (run.loop);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  free_run (&run);
  if (!started || run.failed || run.done_us == 0 || run.media_us == 0)
    return FALSE;
  *connect_ms = (run.done_us - start_us) / 1000.0;
  *media_ms = (run.media_us - start_us) / 1000.0;
  return TRUE;
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *)a, y = *(const gdouble *)b;

  return x < y ? -1 : x > y;
}

/* of a sorted, non-empty array */
static gdouble
median_of (GArray *times)
{
  gdouble *t = (gdouble *)(gpointer)times->data;
  guint n = times->len;

  return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* Prints " PREFIXmedian_ms=... PREFIXmin_ms=... PREFIXmax_ms=..." */
static gdouble
print_spread (const gchar *prefix, GArray *times)
{
  gdouble *t = (gdouble *)(gpointer)times->data;
  guint n = times->len;
  gdouble median;

  if (n == 0)
    return -1;
  g_array_sort (times, compare_doubles);
  median = median_of (times);
  g_print (" %smedian_ms=%.1f %smin_ms=%.1f %smax_ms=%.1f", prefix, median,
           prefix, t[0], prefix, t[n - 1]);
  return median;
}

typedef struct {
  GArray *connect, *media;
} Times;

static void
times_init (Times *times)
{
  times->connect = g_array_new (FALSE, FALSE, sizeof (gdouble));
  times->media = g_array_new (FALSE, FALSE, sizeof (gdouble));
}

static void
times_clear (Times *times)
{
  g_array_unref (times->connect);
  g_array_unref (times->media);
}

static void
time_one (Cell *cell, gboolean ice_controls, Times *times)
{
  gdouble connect_ms, media_ms;

  if (!connect_once (cell, ice_controls, &connect_ms, &media_ms))
    return;
  g_array_append_val (times->connect, connect_ms);
  g_array_append_val (times->media, media_ms);
}

/* Returns the median connect time, -1 if nothing connected. */
static gdouble
report (const gchar *cell, const gchar *controlling, Times *times, gint runs)
{
  gdouble median;

  g_print ("RESULT cell=%s controlling=%s runs=%d ok=%u", cell, controlling,
           runs, times->connect->len);
  median = print_spread ("", times->connect);
  print_spread ("media_", times->media);
  g_print ("\n");
  return median;
}

int
main (int argc, char **argv)
{
  gchar *turn = NULL, *nomination = NULL, *name;
  gint runs = 21, i;
  GOptionEntry entries[] = {
    { "turn", 't', 0, G_OPTION_ARG_STRING, &turn,
      "relay-only through coturn: udp, tcp or tls", "T" },
    { "nomination", 'n', 0, G_OPTION_ARG_STRING, &nomination,
      "regular (default) or aggressive, both agents", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "connections per role", "N" },
    { NULL },
  };
  GOptionContext *octx = g_option_context_new ("- gst-ice vs libnice connect");
  GMainContext *ctx;
  Times ice_times, nice_times;
  gdouble mi, mn;
  Cell cell = { 0 };

  g_option_context_add_main_entries (octx, entries, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, NULL) || runs < 1
      || (turn && !g_str_equal (turn, "udp") && !g_str_equal (turn, "tcp")
          && !g_str_equal (turn, "tls"))
      || (nomination && !g_str_equal (nomination, "regular")
          && !g_str_equal (nomination, "aggressive"))) {
    g_printerr ("expected --turn udp|tcp|tls, --nomination "
                "regular|aggressive, --runs >= 1\n");
    return 2;
  }
  g_option_context_free (octx);
  cell.turn = turn;
  cell.regular = g_strcmp0 (nomination, "aggressive") != 0;
  if (turn != NULL && !io_coturn_start (&cell.coturn)) {
    g_printerr ("bench-connect-mixed: turnserver or openssl missing\n");
    return 77;
  }
  ctx = g_main_context_new ();
  g_main_context_push_thread_default (ctx);
  times_init (&ice_times);
  times_init (&nice_times);
  for (i = 0; i < runs; i++) {
    time_one (&cell, TRUE, &ice_times);
    time_one (&cell, FALSE, &nice_times);
  }
  name = g_strdup_printf ("%s-%s", turn ? turn : "host",
                          cell.regular ? "regular" : "aggressive");
  mi = report (name, "ice", &ice_times, runs);
  mn = report (name, "nice", &nice_times, runs);
  if (mi > 0 && mn > 0)
    g_print ("RATIO cell=%s ice_controlling/nice_controlling=%.2f "
             "media=%.2f\n",
             name, mi / mn,
             median_of (ice_times.media) / median_of (nice_times.media));
  g_free (name);
  times_clear (&ice_times);
  times_clear (&nice_times);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  if (turn != NULL)
    io_coturn_stop (&cell.coturn);
  g_free (turn);
  g_free (nomination);
  return 0;
}
