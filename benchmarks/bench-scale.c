/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-scale: N agent pairs in one process on 127.0.0.1, gst-ice
 * (IceAgent) or libnice (NiceAgent), as a server answering many peers
 * would hold them.
 *
 * One case = one process (so RSS, fds and CPU belong to that case alone;
 * without -i, bench-scale runs itself once per implementation). Every
 * agent runs on one GMainContext iterated by the main thread.
 *  1. connect: 2N agents are made (every pair: one controlling, one
 *     controlled; regular nomination), all gather at once; when both sides
 *     of a pair have gathered each gets the other's complete description
 *     (credentials, candidates, end-of-candidates). connect_s runs from
 *     the first gather to the moment every agent is usable (or the
 *     timeout); RSS and fds are read then: rss_kib_per_pair is the growth
 *     over the process before any agent existed, divided by N.
 *  2. traffic: for --seconds, every agent sends a 172-byte datagram to its
 *     peer 25 times a second (50 packets/s per pair, in both directions),
 *     the pairs spread over a 40 ms cycle (-c C: once per C ms); then 0.5 s
 *     of drain.
 *     cpu_us_per_pkt = process CPU (user + system) during the traffic and
 *     the drain / datagrams received; lost = sent - received (datagrams
 *     the agent refused to send are counted apart as refused).
 *
 * With -m (gst-ice only), the controlled side of every pair is on one
 * UDP mux ("udp-mux" 127.0.0.1:0) and the controlling sides run in a
 * second process (bench-scale-peer.h): each needs its own address, so its
 * own socket, and the measured process is the server's. connect_s then
 * includes starting that process; rss_kib_per_pair adds both processes'
 * growth, rss_kib_per_mux_agent is the server's alone; fds is the
 * server's; cpu_us_per_pkt adds both processes' CPU (server_cpu_us_per_pkt
 * the server's over the datagrams it received).
 *
 * Output, one line per case:
 * "RESULT impl=ice n=N mux=no connected=K connect_s=... rss_kib_per_pair=...
 *  fds=... fds_per_pair=... sent=... received=... lost=... refused=...
 *  cpu_us_per_pkt=..." (and with -m: peer_connected=, rss_kib_per_mux_agent=,
 *  server_cpu_us_per_pkt=)
 */
#include <string.h>

#include "benchmarks/bench-proc.h"
#include "benchmarks/bench-scale-peer.h"
#include "benchmarks/bench-scale-side.h"

/* each agent sends once per cycle (-c; default 40 ms: 25 pkt/s) */
static guint cycle_ms = BENCH_SCALE_CYCLE_MS;
#define DRAIN_MS BENCH_SCALE_DRAIN_MS

static gboolean
on_deadline (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates @ctx until *@done or @ms have passed. */
static void
run_for (GMainContext *ctx, guint ms, const gboolean *done)
{
  gboolean late = FALSE;
  GSource *timer = g_timeout_source_new (ms);

  g_source_set_callback (timer, on_deadline, &late, NULL);
  g_source_attach (timer, ctx);
  while (!late && (done == NULL || !*done))
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
}

typedef struct {
  Bench *bench;
  gint64 start_us, end_us;
  gint64 next_slot; /* the next 1 ms slot of the cycle to send */
  gboolean over;
} Traffic;

/* Every millisecond slot s sends for the pairs i with i % cycle_ms == s %
 * cycle_ms; a late wakeup catches up the slots it missed. */
static gboolean
on_traffic_tick (gpointer data)
{
  Traffic *t = data;
  Bench *bench = t->bench;
  gint64 now = g_get_monotonic_time ();
  gint64 slot_now = (MIN (now, t->end_us) - t->start_us) / 1000;

  for (; t->next_slot <= slot_now; t->next_slot++) {
    guint i;

    for (i = t->next_slot % cycle_ms; i < bench->n; i += cycle_ms) {
      scale_side_send (&bench->pairs[i].sides[0]);
      scale_side_send (&bench->pairs[i].sides[1]);
    }
  }
  t->over = now >= t->end_us;
  return t->over ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
run_traffic (Bench *bench, GMainContext *ctx, guint seconds)
{
  Traffic t = { bench };
  GSource *tick = g_timeout_source_new (1);

  t.start_us = g_get_monotonic_time ();
  t.end_us = t.start_us + seconds * G_USEC_PER_SEC;
  g_source_set_callback (tick, on_traffic_tick, &t, NULL);
  g_source_attach (tick, ctx);
  while (!t.over)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (tick);
  g_source_unref (tick);
  run_for (ctx, DRAIN_MS, NULL);
}

static gboolean
all_usable (Bench *bench)
{
  return bench->usable == (bench->mux ? 1 : 2) * bench->n;
}

/* Waits for every agent to be usable, iterating the context. */
static void
wait_all_usable (Bench *bench, GMainContext *ctx, guint timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  gint64 report = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!all_usable (bench) && g_get_monotonic_time () < deadline) {
    run_for (ctx, 100, NULL);
    if (g_get_monotonic_time () >= report) {
      g_printerr ("# %u of %u agents usable\n", bench->usable,
                  (bench->mux ? 1 : 2) * bench->n);
      report += 10 * G_USEC_PER_SEC;
    }
  }
}

static guint
count_connected_pairs (Bench *bench)
{
  guint i, n = 0;

  for (i = 0; i < bench->n; i++)
    n += (bench->mux || bench->pairs[i].sides[0].usable)
         && bench->pairs[i].sides[1].usable;
  return n;
}

static void
on_peer_desc (guint index, const gchar *desc, gpointer data)
{
  Bench *bench = data;

  if (index < bench->n)
    scale_side_apply (&bench->pairs[index].sides[1], desc);
}

/* -m: every muxed agent has gathered; the peer processes get their
 * descriptions and answer with their own. */
static GPtrArray *
start_peer_processes (Bench *bench, GMainContext *ctx, guint threads)
{
  gchar *self = g_file_read_link ("/proc/self/exe", NULL);
  GPtrArray *procs = g_ptr_array_new ();
  guint base, i;

  /* all started first: they make their agents at the same time */
  for (base = 0; base < bench->n; base += BENCH_PEERS_PER_PROCESS) {
    guint count = MIN (BENCH_PEERS_PER_PROCESS, bench->n - base);

    g_ptr_array_add (procs,
                     bench_peer_spawn (self, base, count,
                                       MAX (1, threads * count / bench->n)));
  }
  while (bench->gathered < bench->n)
    g_main_context_iteration (ctx, TRUE);
  for (base = 0; base < bench->n; base += BENCH_PEERS_PER_PROCESS) {
    guint count = MIN (BENCH_PEERS_PER_PROCESS, bench->n - base);
    BenchPeerProc *proc = procs->pdata[base / BENCH_PEERS_PER_PROCESS];

    for (i = base; i < base + count; i++) {
      gchar *desc = scale_side_description (&bench->pairs[i].sides[1]);

      bench_peer_send_desc (proc, i, desc);
      g_free (desc);
    }
    bench_peer_end_descs (proc, ctx, on_peer_desc, bench);
  }
  g_free (self);
  return procs;
}

/* The sum of the peer processes' results; frees them. */
static void
finish_peer_processes (GPtrArray *procs, BenchPeerResult *sum)
{
  guint i;

  memset (sum, 0, sizeof *sum);
  for (i = 0; procs != NULL && i < procs->len; i++) {
    BenchPeerResult one;

    if (!bench_peer_finish (procs->pdata[i], &one))
      g_printerr ("# peer process %u gave no result\n", i);
    sum->sent += one.sent;
    sum->received += one.received;
    sum->refused += one.refused;
    sum->connected += one.connected;
    sum->rss_kib += one.rss_kib;
    sum->cpu_s += one.cpu_s;
  }
  if (procs != NULL)
    g_ptr_array_unref (procs);
}

static void
make_sides (Bench *bench, GMainContext *ctx)
{
  guint i, s;

  for (i = 0; i < bench->n; i++)
    for (s = bench->mux ? 1 : 0; s < 2; s++) {
      Side *side = &bench->pairs[i].sides[s];

      bench->pairs[i].bench = bench;
      side->pair = &bench->pairs[i];
      side->controlling = s == 0;
      scale_side_make (side, ctx);
    }
}

/* "# states:" of the gst-ice agents at the end, by IceConnectionState */
static void
print_states (Bench *bench)
{
  guint count[ICE_CONNECTION_CLOSED + 1] = { 0 }, i, s;
  GString *line = g_string_new ("# agent states at the end:");

  for (i = 0; bench->use_ice && i < bench->n; i++)
    for (s = bench->mux ? 1 : 0; s < 2; s++)
      if (bench->pairs[i].sides[s].last_state <= ICE_CONNECTION_CLOSED)
        count[bench->pairs[i].sides[s].last_state]++;
  for (s = 0; s <= ICE_CONNECTION_CLOSED; s++)
    g_string_append_printf (line, " %u", count[s]);
  g_printerr ("%s (new checking connected completed disconnected failed "
              "closed)\n",
              line->str);
  g_string_free (line, TRUE);
}

/* @connected: pairs usable when connecting ended; connected_end= is read
 * after the traffic */
static void
print_result (Bench *bench, guint connected, gdouble connect_s, gdouble rss_kib,
              guint fds, gdouble fds0, gdouble cpu_s,
              const BenchPeerResult *peer)
{
  guint64 sent = bench->sent + peer->sent;
  guint64 received = bench->received + peer->received;
  GString *extra = g_string_new (NULL);

  if (bench->mux)
    g_string_append_printf (extra,
                            " peer_connected=%u rss_kib_per_mux_agent=%.1f "
                            "server_cpu_us_per_pkt=%.2f",
                            peer->connected, rss_kib / bench->n,
                            bench->received ? cpu_s * 1e6 / bench->received
                                            : 0.0);
  g_print (
      "RESULT impl=%s n=%u mux=%s connected=%u connected_end=%u "
      "connect_s=%.2f "
      "rss_kib_per_pair=%.1f fds=%u fds_per_pair=%.2f sent=%" G_GUINT64_FORMAT
      " received=%" G_GUINT64_FORMAT " lost=%" G_GINT64_FORMAT
      " refused=%" G_GUINT64_FORMAT " cpu_us_per_pkt=%.2f%s\n",
      bench->use_ice ? "ice" : "nice", bench->n, bench->mux ? "yes" : "no",
      connected, count_connected_pairs (bench), connect_s,
      (rss_kib + peer->rss_kib) / bench->n, fds,
      ((gdouble)fds - fds0) / bench->n, sent, received,
      (gint64)sent - (gint64)received, bench->refused + peer->refused,
      received ? (cpu_s + peer->cpu_s) * 1e6 / received : 0.0, extra->str);
  g_string_free (extra, TRUE);
  print_states (bench);
}

static void
run_case (Bench *bench, guint seconds, guint timeout_s, guint threads)
{
  GMainContext *ctx = g_main_context_new ();
  GPtrArray *procs = NULL;
  BenchPeerResult peer = { 0 };
  gdouble rss0, rss1, cpu0, cpu1, connect_s;
  guint fds0, fds1, i, s;
  gint64 start_us;
  guint connected;

  g_main_context_push_thread_default (ctx);
  bench_proc_raise_fd_limit (bench->n);
  rss0 = bench_proc_rss_kib ();
  fds0 = bench_proc_open_fds ();
  bench->pairs = g_new0 (Pair, bench->n);
  make_sides (bench, ctx);
  start_us = g_get_monotonic_time ();
  for (i = 0; i < bench->n; i++)
    for (s = bench->mux ? 1 : 0; s < 2; s++)
      if (!scale_side_gather (&bench->pairs[i].sides[s]))
        g_printerr ("# pair %u side %u: gathering did not start\n", i, s);
  if (bench->mux)
    procs = start_peer_processes (bench, ctx, threads);
  wait_all_usable (bench, ctx, timeout_s);
  connect_s = (g_get_monotonic_time () - start_us) / 1e6;
  connected = count_connected_pairs (bench);
  rss1 = bench_proc_rss_kib ();
  fds1 = bench_proc_open_fds ();

  cpu0 = bench_proc_cpu_seconds ();
  for (i = 0; procs != NULL && i < procs->len; i++)
    bench_peer_start_traffic (procs->pdata[i], seconds, cycle_ms);
  run_traffic (bench, ctx, seconds);
  cpu1 = bench_proc_cpu_seconds ();
  finish_peer_processes (procs, &peer);
  print_result (bench, connected, connect_s, rss1 - rss0, fds1, fds0,
                cpu1 - cpu0, &peer);

  for (i = 0; i < bench->n; i++)
    for (s = 0; s < 2; s++)
      scale_side_free (&bench->pairs[i].sides[s]);
  /* let the closed agents' pending sources run down */
  while (g_main_context_iteration (ctx, FALSE))
    ;
  g_free (bench->pairs);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
}

/* Without -i: one child process per implementation, gst-ice first. */
static gint
run_children (const gchar *self, guint n, guint seconds, guint timeout_s,
              gboolean mux)
{
  const gchar *impls[] = { "ice", "nice" };
  gint status = 0;
  guint i;

  for (i = 0; i < (mux ? 1 : G_N_ELEMENTS (impls)); i++) {
    gchar *n_arg = g_strdup_printf ("%u", n);
    gchar *s_arg = g_strdup_printf ("%u", seconds);
    gchar *t_arg = g_strdup_printf ("%u", timeout_s);
    gchar *c_arg = g_strdup_printf ("%u", cycle_ms);
    const gchar *argv[]
        = { self,  "-i", impls[i], "-n", n_arg, "-s",
            s_arg, "-t", t_arg,    "-c", c_arg, mux ? "-m" : NULL,
            NULL };
    GError *error = NULL;
    gint child = 0;

    if (!g_spawn_sync (NULL, (gchar **)argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                       NULL, NULL, NULL, NULL, &child, &error)) {
      g_printerr ("bench-scale: %s\n", error->message);
      g_error_free (error);
      status = 1;
    } else if (!g_spawn_check_wait_status (child, NULL)) {
      status = 1;
    }
    g_free (n_arg);
    g_free (s_arg);
    g_free (t_arg);
    g_free (c_arg);
  }
  return status;
}

int
main (int argc, char **argv)
{
  gchar *impl = NULL;
  gint n = 100, seconds = 5, timeout_s = 120, threads = 0,
       cycle = BENCH_SCALE_CYCLE_MS;
  gboolean mux = FALSE, peer = FALSE;
  GOptionEntry entries[] = {
    { "impl", 'i', 0, G_OPTION_ARG_STRING, &impl,
      "ice or nice (default: both, one process each)", "I" },
    { "pairs", 'n', 0, G_OPTION_ARG_INT, &n, "agent pairs (default 100)", "N" },
    { "seconds", 's', 0, G_OPTION_ARG_INT, &seconds, "traffic time (default 5)",
      "S" },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_s,
      "connect time limit in seconds (default 120)", "T" },
    { "mux", 'm', 0, G_OPTION_ARG_NONE, &mux,
      "gst-ice with udp-mux: one side of each pair on one socket, the "
      "peers in a second process",
      NULL },
    { "peer-threads", 'j', 0, G_OPTION_ARG_INT, &threads,
      "threads of the peer process with -m (default: one per 1000 pairs)",
      "J" },
    { "cycle", 'c', 0, G_OPTION_ARG_INT, &cycle,
      "each agent sends once per C ms (default 40: 25 pkt/s)", "C" },
    { "peer", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &peer,
      "run as the peer process of -m", NULL },
    { NULL },
  };
  GOptionContext *octx
      = g_option_context_new ("- N agent pairs in one process");
  gboolean ok;

  g_option_context_add_main_entries (octx, entries, NULL);
  ok = g_option_context_parse (octx, &argc, &argv, NULL);
  g_option_context_free (octx);
  if (!ok || n < 1 || seconds < 1 || timeout_s < 1 || threads < 0
      || (impl != NULL && g_strcmp0 (impl, "ice") != 0
          && g_strcmp0 (impl, "nice") != 0)
      || (mux && g_strcmp0 (impl, "nice") == 0)) {
    g_printerr ("expected -i ice|nice, -n >= 1, -s >= 1, -t >= 1 (-m with "
                "ice only)\n");
    return 2;
  }
  if (threads == 0)
    threads = (n + 999) / 1000;
  cycle_ms = MAX (cycle, 1);
  if (peer)
    return bench_scale_peer_main (n, threads);
  if (impl == NULL) {
    gchar *self = g_file_read_link ("/proc/self/exe", NULL);
    gint status
        = run_children (self ? self : argv[0], n, seconds, timeout_s, mux);

    g_free (self);
    return status;
  }
  {
    Bench bench = { g_str_equal (impl, "ice"), mux, n };

    run_case (&bench, seconds, timeout_s, threads);
  }
  g_free (impl);
  return 0;
}
