/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-throughput: one sender pipeline (benchsrc ! udpsink|nicesink|
 * icesink) and one receiver pipeline (udpsrc|nicesrc|icesrc ! fakesink) in
 * ONE process, on 127.0.0.1. Received datagrams are counted by a probe on
 * fakesink's pad. Run one process per case so getrusage() figures (CPU,
 * peak RSS) belong to that case alone.
 *
 * Modes:
 *   unpaced   the sender pushes as fast as the sink takes buffers;
 *             prints delivered packets/s and loss
 *   paced     the sender pushes --rate packets/s; prints CPU per packet
 *             (user+sys of the whole process / packets delivered)
 *   overload  the sender pushes --rate packets/s while the receiver
 *             sleeps --consumer-delay-us per buffer, for --duration; then
 *             the receiver consumes at full speed from moment M on.
 *             Prints the peak RSS, and the "first fresh buffer" latency:
 *             the time from M until the receiver gets a packet that was
 *             sent at or after M (how much stale backlog stands between a
 *             reader that catches up and the live stream).
 *
 * Output: one "RESULT key=value ..." line for benchmarks/run.sh.
 */
#include "bench-link.h"
#include "bench-src.h"

#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

typedef struct {
  gchar *transport;
  gchar *mode;
  gint list_size;
  gint rate_pps;
  gint packet_size;
  gdouble duration_s;
  gdouble warmup_s;
  gint consumer_delay_us;
  gdouble catchup_timeout_s;
} Options;

/* Receiver-side counters, touched by the streaming thread (probe) and read
 * by the main thread. */
typedef struct {
  gsize received;        /* atomic */
  gint delay_us;         /* atomic: consumer sleep per buffer */
  gint64 fresh_after_us; /* atomic: 0, or moment M */
  gint64 first_fresh_us; /* atomic: arrival of the first packet after M */
} Receiver;

typedef struct {
  gint64 time_us;
  guint64 received;
  guint64 sent;
  gint64 cpu_us;
  gint64 sender_cpu_us; /* the sender's streaming thread alone */
  glong maxrss_kb;
} Snapshot;

/* --- receiver --------------------------------------------------------- */

static void
check_fresh (Receiver *r, GstBuffer *buf, gint64 fresh_after)
{
  BenchHeader h;

  if (gst_buffer_extract (buf, 0, &h, sizeof h) != sizeof h
      || h.magic != BENCH_HEADER_MAGIC || h.sent_us < fresh_after)
    return;
  if (g_atomic_pointer_get (&r->first_fresh_us) == 0)
    g_atomic_pointer_set (&r->first_fresh_us, g_get_monotonic_time ());
}

static GstPadProbeReturn
count_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Receiver *r = data;
  gint64 fresh_after = (gint64)g_atomic_pointer_get (&r->fresh_after_us);
  gint delay_us = g_atomic_int_get (&r->delay_us);
  guint n = 1;
  guint i;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);

    n = gst_buffer_list_length (list);
    for (i = 0; fresh_after != 0 && i < n; i++)
      check_fresh (r, gst_buffer_list_get (list, i), fresh_after);
  } else if (fresh_after != 0) {
    check_fresh (r, GST_PAD_PROBE_INFO_BUFFER (info), fresh_after);
  }
  g_atomic_pointer_add (&r->received, n);
  /* One sleep per buffer, so that a list is as slow as single buffers and
   * the end of the overload is seen within one delay. */
  for (i = 0; i < n && delay_us > 0; i++) {
    g_usleep (delay_us);
    delay_us = g_atomic_int_get (&r->delay_us);
  }
  return GST_PAD_PROBE_OK;
}

/* --- measuring -------------------------------------------------------- */

static gint64
timeval_us (const struct timeval *tv)
{
  return (gint64)tv->tv_sec * G_USEC_PER_SEC + tv->tv_usec;
}

static void
take_snapshot (Snapshot *s, Receiver *r, BenchSrc *src)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  s->time_us = g_get_monotonic_time ();
  s->received = (guint64)g_atomic_pointer_get (&r->received);
  s->sent = bench_src_get_sent (src);
  s->cpu_us = timeval_us (&ru.ru_utime) + timeval_us (&ru.ru_stime);
  s->sender_cpu_us = bench_src_get_thread_cpu_us (src);
  s->maxrss_kb = ru.ru_maxrss;
}

static void
sleep_seconds (gdouble s)
{
  g_usleep ((gulong)(s * G_USEC_PER_SEC));
}

/* Returns FALSE (and prints it) if either pipeline posted an error. */
static gboolean
pipelines_ok (GstElement *a, GstElement *b)
{
  GstElement *pipes[] = { a, b };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (pipes); i++) {
    GstBus *bus = gst_element_get_bus (pipes[i]);
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    GError *err = NULL;
    gchar *debug = NULL;

    gst_object_unref (bus);
    if (msg == NULL)
      continue;
    gst_message_parse_error (msg, &err, &debug);
    g_printerr ("error from %s: %s (%s)\n", GST_OBJECT_NAME (msg->src),
                err->message, debug ? debug : "");
    g_error_free (err);
    g_free (debug);
    gst_message_unref (msg);
    return FALSE;
  }
  return TRUE;
}

static void
print_window (const Snapshot *a, const Snapshot *b)
{
  gdouble secs = (b->time_us - a->time_us) / 1e6;
  guint64 received = b->received - a->received;
  guint64 sent = b->sent - a->sent;
  gint64 cpu_us = b->cpu_us - a->cpu_us;
  gint64 tx_cpu_us = b->sender_cpu_us - a->sender_cpu_us;

  g_print (" window_s=%.2f pps=%.0f sent_pps=%.0f cpu_us_per_pkt=%.3f"
           " cpu_pct=%.1f",
           secs, received / secs, sent / secs,
           received ? (gdouble)cpu_us / received : -1.0,
           100.0 * cpu_us / (secs * 1e6));
  /* Sender: its streaming thread (source + sink's send path), per packet
   * sent. Receiver: every other thread of the process (the source's
   * streaming thread, agent or context threads), per packet received. */
  if (a->sender_cpu_us >= 0 && sent > 0 && received > 0)
    g_print (" tx_cpu_us_per_pkt=%.3f rx_cpu_us_per_pkt=%.3f",
             (gdouble)tx_cpu_us / sent,
             (gdouble)(cpu_us - tx_cpu_us) / received);
}

static void
run_steady (const Options *o, Receiver *r, BenchSrc *src)
{
  Snapshot a, b;

  bench_src_start (src);
  sleep_seconds (o->warmup_s);
  take_snapshot (&a, r, src);
  sleep_seconds (o->duration_s);
  take_snapshot (&b, r, src);
  print_window (&a, &b);
}

static void
run_overload (const Options *o, Receiver *r, BenchSrc *src)
{
  Snapshot base, end;
  gint64 moment, deadline, first = 0;

  take_snapshot (&base, r, src);
  g_atomic_int_set (&r->delay_us, o->consumer_delay_us);
  bench_src_start (src);
  sleep_seconds (o->duration_s);
  moment = g_get_monotonic_time ();
  g_atomic_pointer_set (&r->fresh_after_us, moment);
  g_atomic_int_set (&r->delay_us, 0);
  deadline = moment + (gint64)(o->catchup_timeout_s * G_USEC_PER_SEC);
  /* Polled at 1 ms: the result is in ms, the probe stamps the exact time. */
  while (g_get_monotonic_time () < deadline
         && (first = (gint64)g_atomic_pointer_get (&r->first_fresh_us)) == 0)
    g_usleep (1000);
  take_snapshot (&end, r, src);
  g_print (" rss_base_kb=%ld rss_peak_kb=%ld first_fresh_ms=%.1f",
           base.maxrss_kb, end.maxrss_kb,
           first ? (first - moment) / 1000.0 : -1.0);
}

/* --- setup ------------------------------------------------------------ */

static GstElement *
make_receiver (BenchLink *link, Receiver *r)
{
  GstElement *pipe = gst_pipeline_new ("receiver");
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstPad *pad;

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add_many (GST_BIN (pipe), bench_link_get_src (link), sink, NULL);
  gst_element_link (bench_link_get_src (link), sink);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad,
                     GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     count_probe, r, NULL);
  gst_object_unref (pad);
  return pipe;
}

static GstElement *
make_sender (BenchLink *link, GstElement *src)
{
  GstElement *pipe = gst_pipeline_new ("sender");

  gst_bin_add_many (GST_BIN (pipe), src, bench_link_get_sink (link), NULL);
  gst_element_link (src, bench_link_get_sink (link));
  return pipe;
}

static gboolean
start_pipelines (BenchLink *link, GstElement *rx, GstElement *tx,
                 GError **error)
{
  if (gst_element_set_state (rx, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE
      || gst_element_get_state (rx, NULL, NULL, 5 * GST_SECOND)
             == GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
                 "receiver pipeline did not start");
    return FALSE;
  }
  if (!bench_link_connect (link, error))
    return FALSE;
  if (gst_element_set_state (tx, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
                 "sender pipeline did not start");
    return FALSE;
  }
  return bench_link_wait_connected (link, 10 * G_USEC_PER_SEC, error);
}

static void
print_totals (const Options *o, Receiver *r, BenchSrc *src)
{
  guint64 sent = bench_src_get_sent (src);
  guint64 received = (guint64)g_atomic_pointer_get (&r->received);
  guint64 lost = sent > received ? sent - received : 0;

  g_print (" sent=%" G_GUINT64_FORMAT " received=%" G_GUINT64_FORMAT
           " loss=%" G_GUINT64_FORMAT " loss_pct=%.2f\n",
           sent, received, lost, sent ? 100.0 * lost / sent : 0.0);
}

static guint64
ice_stat (GstElement *element, const gchar *field)
{
  GstStructure *stats = NULL;
  guint64 v = 0;

  g_object_get (element, "stats", &stats, NULL);
  if (stats != NULL) {
    gst_structure_get_uint64 (stats, field, &v);
    gst_structure_free (stats);
  }
  return v;
}

/* What the kernel offloads and icesrc's own reads did (docs/ice-agent.md) */
static void
print_ice_counters (BenchLink *link)
{
  GstElement *sink = bench_link_get_sink (link);
  GstElement *src = bench_link_get_src (link);

  g_print (
      "RESULT-ICE gso_sends=%" G_GUINT64_FORMAT
      " gso_fallbacks=%" G_GUINT64_FORMAT " gro_segments=%" G_GUINT64_FORMAT
      " consumer_reads=%" G_GUINT64_FORMAT
      " reader_handovers=%" G_GUINT64_FORMAT
      " backlog_dropped=%" G_GUINT64_FORMAT " queue_dropped=%" G_GUINT64_FORMAT
      "\n",
      ice_stat (sink, "gso-sends"), ice_stat (sink, "gso-fallbacks"),
      ice_stat (src, "gro-segments"), ice_stat (src, "consumer-reads"),
      ice_stat (src, "reader-handovers"), ice_stat (src, "dropped-backlog"),
      ice_stat (src, "dropped-queue-full"));
}

static gboolean
run_case (const Options *o, BenchTransport transport, GError **error)
{
  Receiver r = { 0 };
  BenchLink *link = bench_link_new (transport, error);
  GstElement *src, *rx, *tx;
  gboolean ok;

  if (link == NULL)
    return FALSE;
  src = bench_src_new (o->packet_size, o->list_size,
                       g_str_equal (o->mode, "unpaced") ? 0 : o->rate_pps);
  rx = make_receiver (link, &r);
  tx = make_sender (link, src);
  ok = start_pipelines (link, rx, tx, error);
  if (ok) {
    g_print ("RESULT transport=%s mode=%s list=%d rate=%d size=%d",
             o->transport, o->mode, o->list_size, o->rate_pps, o->packet_size);
    if (g_str_equal (o->mode, "overload"))
      run_overload (o, &r, BENCH_SRC (src));
    else
      run_steady (o, &r, BENCH_SRC (src));
    bench_src_stop (BENCH_SRC (src));
    /* Let what is in flight arrive before counting the loss. */
    g_atomic_int_set (&r.delay_us, 0);
    sleep_seconds (0.3);
    print_totals (o, &r, BENCH_SRC (src));
    if (transport == BENCH_TRANSPORT_ICE)
      print_ice_counters (link);
    ok = pipelines_ok (rx, tx);
  }
  gst_element_set_state (tx, GST_STATE_NULL);
  gst_element_set_state (rx, GST_STATE_NULL);
  gst_object_unref (tx);
  gst_object_unref (rx);
  bench_link_free (link);
  return ok;
}

static gboolean
parse_options (int argc, char **argv, Options *o, GError **error)
{
  GOptionEntry entries[] = {
    { "transport", 't', 0, G_OPTION_ARG_STRING, &o->transport,
      "udp, nice or ice", "T" },
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &o->mode,
      "unpaced, paced or overload", "M" },
    { "list", 'l', 0, G_OPTION_ARG_INT, &o->list_size,
      "packets per push (1 = single buffers)", "N" },
    { "rate", 'r', 0, G_OPTION_ARG_INT, &o->rate_pps,
      "packets/s when paced (paced, overload)", "PPS" },
    { "size", 's', 0, G_OPTION_ARG_INT, &o->packet_size, "bytes per packet",
      "B" },
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &o->duration_s,
      "measured seconds (overload: seconds of overload)", "S" },
    { "warmup", 'w', 0, G_OPTION_ARG_DOUBLE, &o->warmup_s,
      "seconds before measuring", "S" },
    { "consumer-delay-us", 0, 0, G_OPTION_ARG_INT, &o->consumer_delay_us,
      "overload: receiver sleep per buffer", "US" },
    { "catchup-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &o->catchup_timeout_s,
      "overload: longest wait for a fresh packet", "S" },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- datagram throughput");
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  ok = g_option_context_parse (ctx, &argc, &argv, error);
  g_option_context_free (ctx);
  return ok;
}

int
main (int argc, char **argv)
{
  Options o = { NULL, NULL, 1, 20000, 1200, 3.0, 0.5, 500, 10.0 };
  BenchTransport transport;
  GError *error = NULL;
  gboolean ok;

  /* Default 50 us timer slack would blur pacing at 20 000 packets/s. */
  prctl (PR_SET_TIMERSLACK, 1UL);
  if (!parse_options (argc, argv, &o, &error))
    goto failed;
  if (o.transport == NULL)
    o.transport = g_strdup ("udp");
  if (o.mode == NULL)
    o.mode = g_strdup ("unpaced");
  if (!bench_transport_from_string (o.transport, &transport)
      || !(g_str_equal (o.mode, "unpaced") || g_str_equal (o.mode, "paced")
           || g_str_equal (o.mode, "overload"))
      || o.list_size < 1 || o.rate_pps < 1
      || o.packet_size < (gint)sizeof (BenchHeader) || o.packet_size > 65000
      || o.duration_s <= 0) {
    g_printerr ("expected --transport udp|nice|ice, --mode "
                "unpaced|paced|overload, --list >= 1, --rate >= 1, --size "
                "%u..65000, --duration > 0\n",
                (guint)sizeof (BenchHeader));
    return 2;
  }
  ok = run_case (&o, transport, &error);
  g_free (o.transport);
  g_free (o.mode);
  if (!ok)
    goto failed;
  return 0;

failed:
  g_printerr ("bench-throughput: %s\n", error ? error->message : "failed");
  g_clear_error (&error);
  return 1;
}
