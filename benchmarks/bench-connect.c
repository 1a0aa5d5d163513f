/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-connect: connect time of a host pair on 127.0.0.1, IceAgent
 * (gst-ice) or NiceAgent (libnice), regular or aggressive nomination.
 *
 * One run: two agents (controlling and controlled) are made, then the clock
 * starts and both gather. When one side has gathered, its credentials and
 * candidates are handed to the other in-process (for both libraries the
 * same way). The clock stops when BOTH sides have a selected pair and a
 * usable state (gst-ice: connected or completed; libnice: connected or
 * ready, since its controlled side may sit in connected for seconds).
 * Everything runs on one GMainContext iterated by the main thread, so the
 * time is taken on the thread that sees the events.
 *
 * Output: "RESULT impl=... nomination=... runs=N ok=K median_ms=..."
 */
#include <nice/agent.h>
#include <string.h>

#include "ice/io/ice-agent.h"

#define LOOPBACK "127.0.0.1"
#define RUN_TIMEOUT_MS 5000
#define ICE_OPTIONS "a=ice-options:"

typedef struct {
  gboolean usable;
  gboolean has_pair;
} SideState;

typedef struct {
  GMainLoop *loop;
  gpointer agents[2]; /* IceAgent* or NiceAgent*; [0] controls */
  guint streams[2];
  SideState sides[2];
  gint64 start_us;
  gint64 done_us;
  gboolean failed;
  gboolean legacy_peer;
} Run;

static gint
side_of (Run *run, gpointer agent)
{
  return agent == run->agents[0] ? 0 : 1;
}

static void
check_done (Run *run)
{
  if (run->done_us == 0 && run->sides[0].usable && run->sides[0].has_pair
      && run->sides[1].usable && run->sides[1].has_pair) {
    run->done_us = g_get_monotonic_time ();
    g_main_loop_quit (run->loop);
  }
}

static void
mark_failed (Run *run)
{
  run->failed = TRUE;
  g_main_loop_quit (run->loop);
}

/* --- gst-ice ---------------------------------------------------------- */

/* Drops the "ice2" token from the a=ice-options line (RFC 8445 §10), so
 * the peer takes us for an RFC 5245 agent: gst-ice nominates aggressively
 * only toward such peers. */
static gchar *
without_ice2_option (gchar *text)
{
  gchar **lines = g_strsplit (text, "\n", -1);
  gchar *out;
  guint i;

  for (i = 0; lines[i]; i++) {
    gchar **words;
    GString *line;
    guint j;

    if (!g_str_has_prefix (lines[i], ICE_OPTIONS))
      continue;
    words = g_strsplit_set (lines[i] + strlen (ICE_OPTIONS), " \r", -1);
    line = g_string_new (ICE_OPTIONS);
    for (j = 0; words[j]; j++)
      if (*words[j] && !g_str_equal (words[j], "ice2"))
        g_string_append_printf (line, "%s%s",
                                line->len > strlen (ICE_OPTIONS) ? " " : "",
                                words[j]);
    g_string_append (line, "\r");
    g_strfreev (words);
    g_free (lines[i]);
    lines[i] = g_string_free (line, FALSE);
  }
  out = g_strjoinv ("\n", lines);
  g_strfreev (lines);
  g_free (text);
  return out;
}

static void
on_ice_gathered (IceAgent *agent, guint stream, Run *run)
{
  gint side = side_of (run, agent);
  IceAgent *peer = run->agents[1 - side];
  gchar *text = ice_agent_get_local_description (agent, stream);
  GError *err = NULL;

  if (run->legacy_peer)
    text = without_ice2_option (text);

  if (ice_agent_set_remote_description (peer, run->streams[1 - side], text,
                                        &err)
      < 0) {
    g_printerr ("description refused: %s\n", err->message);
    g_error_free (err);
    mark_failed (run);
  }
  g_free (text);
}

static void
on_ice_state (IceAgent *agent, guint stream, IceConnectionState state, Run *run)
{
  SideState *s = &run->sides[side_of (run, agent)];

  if (state == ICE_CONNECTION_FAILED) {
    mark_failed (run);
    return;
  }
  /* ice-session.h: CONNECTED means every component has a selected pair. */
  s->usable
      = state == ICE_CONNECTION_CONNECTED || state == ICE_CONNECTION_COMPLETED;
  s->has_pair = s->has_pair || s->usable;
  check_done (run);
}

static IceAgent *
make_ice_agent (Run *run, gboolean controlling, gboolean regular, guint *stream)
{
  const gchar *bind[] = { LOOPBACK, NULL };
  IceAgent *agent = ice_agent_new (g_main_context_get_thread_default ());

  g_object_set (
      agent, "bind-address", bind, "ice-role",
      controlling ? ICE_ROLE_CONTROLLING : ICE_ROLE_CONTROLLED, "nomination",
      regular ? ICE_NOMINATION_REGULAR : ICE_NOMINATION_AGGRESSIVE, NULL);
  *stream = ice_agent_add_stream (agent, 1);
  g_signal_connect (agent, "gathering-done", G_CALLBACK (on_ice_gathered), run);
  g_signal_connect (agent, "connection-state-changed",
                    G_CALLBACK (on_ice_state), run);
  return agent;
}

static gboolean
start_ice (Run *run)
{
  GError *err = NULL;
  guint i;

  for (i = 0; i < 2; i++) {
    if (!ice_agent_gather (run->agents[i], run->streams[i], &err)) {
      g_printerr ("gather failed: %s\n", err->message);
      g_error_free (err);
      return FALSE;
    }
  }
  return TRUE;
}

static void
free_ice (Run *run)
{
  guint i;

  for (i = 0; i < 2; i++) {
    g_signal_handlers_disconnect_by_data (run->agents[i], run);
    ice_agent_close (run->agents[i]);
    g_object_unref (run->agents[i]);
  }
}

/* --- libnice ---------------------------------------------------------- */

static void
on_nice_gathered (NiceAgent *agent, guint stream, Run *run)
{
  gint side = side_of (run, agent);
  NiceAgent *peer = run->agents[1 - side];
  guint peer_stream = run->streams[1 - side];
  gchar *ufrag = NULL;
  gchar *pwd = NULL;
  GSList *cands = nice_agent_get_local_candidates (agent, stream, 1);

  nice_agent_get_local_credentials (agent, stream, &ufrag, &pwd);
  nice_agent_set_remote_credentials (peer, peer_stream, ufrag, pwd);
  nice_agent_set_remote_candidates (peer, peer_stream, 1, cands);
  nice_agent_peer_candidate_gathering_done (peer, peer_stream);
  g_slist_free_full (cands, (GDestroyNotify)nice_candidate_free);
  g_free (ufrag);
  g_free (pwd);
}

static void
on_nice_state (NiceAgent *agent, guint stream, guint component, guint state,
               Run *run)
{
  if (state == NICE_COMPONENT_STATE_FAILED) {
    mark_failed (run);
    return;
  }
  run->sides[side_of (run, agent)].usable
      = state == NICE_COMPONENT_STATE_CONNECTED
        || state == NICE_COMPONENT_STATE_READY;
  check_done (run);
}

static void
on_nice_pair (NiceAgent *agent, guint stream, guint component,
              NiceCandidate *local, NiceCandidate *remote, Run *run)
{
  run->sides[side_of (run, agent)].has_pair = TRUE;
  check_done (run);
}

/* test-beds: sockets nobody reads never answer checks. */
static void
discard_received (NiceAgent *agent, guint stream, guint component, guint len,
                  gchar *buf, gpointer user_data)
{}

static NiceAgent *
make_nice_agent (Run *run, gboolean controlling, gboolean regular,
                 guint *stream)
{
  NiceAgent *agent = nice_agent_new_full (
      g_main_context_get_thread_default (), NICE_COMPATIBILITY_RFC5245,
      regular ? NICE_AGENT_OPTION_REGULAR_NOMINATION : NICE_AGENT_OPTION_NONE);
  NiceAddress addr;

  /* Like for like with gst-ice: UDP only, and no UPnP discovery (its
   * 200 ms timeout would delay gathering-done). With a TCP candidate
   * libnice also falls back to regular nomination. */
  g_object_set (agent, "controlling-mode", controlling, "upnp", FALSE,
                "ice-tcp", FALSE, NULL);
  nice_address_init (&addr);
  nice_address_set_from_string (&addr, LOOPBACK);
  nice_agent_add_local_address (agent, &addr);
  *stream = nice_agent_add_stream (agent, 1);
  g_signal_connect (agent, "candidate-gathering-done",
                    G_CALLBACK (on_nice_gathered), run);
  g_signal_connect (agent, "component-state-changed",
                    G_CALLBACK (on_nice_state), run);
  g_signal_connect (agent, "new-selected-pair-full", G_CALLBACK (on_nice_pair),
                    run);
  return agent;
}

static gboolean
start_nice (Run *run)
{
  guint i;

  for (i = 0; i < 2; i++) {
    if (!nice_agent_gather_candidates (run->agents[i], run->streams[i]))
      return FALSE;
    nice_agent_attach_recv (run->agents[i], run->streams[i], 1,
                            g_main_context_get_thread_default (),
                            discard_received, NULL);
  }
  return TRUE;
}

static void
free_nice (Run *run)
{
  guint i;

  for (i = 0; i < 2; i++) {
    g_signal_handlers_disconnect_by_data (run->agents[i], run);
    nice_agent_attach_recv (run->agents[i], run->streams[i], 1, NULL, NULL,
                            NULL);
    g_object_unref (run->agents[i]);
  }
}

/* --- runs ------------------------------------------------------------- */

static gboolean
on_run_timeout (gpointer data)
{
  mark_failed (data);
  return G_SOURCE_REMOVE;
}

/* Returns the connect time in ms, or -1 on failure or timeout. */
static gdouble
connect_once (gboolean use_ice, gboolean regular, gboolean legacy_peer)
{
  Run run = { 0 };
  GSource *timeout;
  gboolean started;
  guint i;

  run.legacy_peer = legacy_peer;
  run.loop = g_main_loop_new (g_main_context_get_thread_default (), FALSE);
  for (i = 0; i < 2; i++)
    run.agents[i] = use_ice ? (gpointer)make_ice_agent (&run, i == 0, regular,
                                                        &run.streams[i])
                            : (gpointer)make_nice_agent (&run, i == 0, regular,
                                                         &run.streams[i]);
  timeout = g_timeout_source_new (RUN_TIMEOUT_MS);
  g_source_set_callback (timeout, on_run_timeout, &run, NULL);
  g_source_attach (timeout, g_main_context_get_thread_default ());
  run.start_us = g_get_monotonic_time ();
  started = use_ice ? start_ice (&run) : start_nice (&run);
  if (started && !run.failed && run.done_us == 0)
    g_main_loop_run (run.loop);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  if (use_ice)
    free_ice (&run);
  else
    free_nice (&run);
  /* Let the closed agents' pending sources run down. */
  while (g_main_context_iteration (g_main_context_get_thread_default (), FALSE))
    ;
  g_main_loop_unref (run.loop);
  if (!started || run.failed || run.done_us == 0)
    return -1;
  return (run.done_us - run.start_us) / 1000.0;
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *)a;
  gdouble y = *(const gdouble *)b;

  return x < y ? -1 : x > y;
}

static void
report (const gchar *impl, const gchar *nomination, GArray *times, gint runs)
{
  gdouble *t = (gdouble *)(gpointer)times->data;
  guint n = times->len;

  g_array_sort (times, compare_doubles);
  g_print ("RESULT impl=%s nomination=%s runs=%d ok=%u", impl, nomination, runs,
           n);
  if (n > 0)
    g_print (" median_ms=%.1f min_ms=%.1f max_ms=%.1f",
             n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2, t[0], t[n - 1]);
  g_print ("\n");
}

int
main (int argc, char **argv)
{
  gchar *impl = NULL;
  gchar *nomination = NULL;
  gint runs = 21;
  gboolean legacy_peer = FALSE;
  GOptionEntry entries[] = {
    { "impl", 'i', 0, G_OPTION_ARG_STRING, &impl, "ice or nice", "I" },
    { "nomination", 'n', 0, G_OPTION_ARG_STRING, &nomination,
      "regular or aggressive", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "connections to time", "N" },
    { "legacy-peer", 0, 0, G_OPTION_ARG_NONE, &legacy_peer,
      "ice: hide the ice2 option from each peer (as RFC 5245 agents)", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- loopback connect time");
  GError *error = NULL;
  GMainContext *main_ctx;
  GArray *times;
  gboolean use_ice, regular;
  gint i;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("bench-connect: %s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  use_ice = g_strcmp0 (impl, "nice") != 0;
  regular = g_strcmp0 (nomination, "aggressive") != 0;
  if ((impl && !use_ice && g_strcmp0 (impl, "nice") != 0)
      || (impl && use_ice && g_strcmp0 (impl, "ice") != 0)
      || (nomination && regular && g_strcmp0 (nomination, "regular") != 0)
      || runs < 1) {
    g_printerr ("expected --impl ice|nice, --nomination regular|aggressive, "
                "--runs >= 1\n");
    return 2;
  }
  main_ctx = g_main_context_new ();
  g_main_context_push_thread_default (main_ctx);
  times = g_array_new (FALSE, FALSE, sizeof (gdouble));
  for (i = 0; i < runs; i++) {
    gdouble ms = connect_once (use_ice, regular, legacy_peer);

    if (ms >= 0)
      g_array_append_val (times, ms);
  }
  report (use_ice ? (legacy_peer ? "ice-legacy" : "ice") : "nice",
          regular ? "regular" : "aggressive", times, runs);
  g_array_unref (times);
  g_main_context_pop_thread_default (main_ctx);
  g_main_context_unref (main_ctx);
  g_free (impl);
  g_free (nomination);
  return 0;
}
