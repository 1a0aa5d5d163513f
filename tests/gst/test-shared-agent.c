/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * icesrc and icesink sharing one agent: both relay every gathering signal
 * whichever started the stream, and whenever they took the agent; a
 * failed ICE restart stops both with an error; a stream gets the
 * components every element of it needs, in any start order; the default
 * agent-name is one agent per top-level pipeline.
 */
#include <gst/gst.h>
#include <gst/base/gstbasesrc.h>
#include <gst/check/gstharness.h>
#include <string.h>

/* Bounds every wait on an event; never reached when things work. */
#define DEADLINE_S 15

typedef struct {
  GMutex lock;
  GCond cond;
  guint candidates[2]; /* by element: 0 = icesink, 1 = icesrc */
  guint done[2];
} Gathered;

static guint
index_of (GstElement *e)
{
  return g_str_has_prefix (GST_OBJECT_NAME (e), "src") ? 1 : 0;
}

static void
count_candidate (GstElement *e, guint stream, const gchar *line, Gathered *g)
{
  g_assert_true (g_str_has_prefix (line, "candidate:"));
  g_mutex_lock (&g->lock);
  /* a candidate after gathering-done would be one too many */
  g_assert_cmpuint (g->done[index_of (e)], ==, 0);
  g->candidates[index_of (e)]++;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}

static void
count_done (GstElement *e, guint stream, Gathered *g)
{
  g_mutex_lock (&g->lock);
  g->done[index_of (e)]++;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}

static void
watch_gathering (GstElement *e, Gathered *g)
{
  g_signal_connect (e, "on-ice-candidate", G_CALLBACK (count_candidate), g);
  g_signal_connect (e, "on-gathering-done", G_CALLBACK (count_done), g);
}

/* Waits until both elements saw gathering-done, then checks each saw it
 * once, after the same candidates (one host candidate on 127.0.0.1). */
static void
check_both_gathered (Gathered *g)
{
  gint64 until = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;

  g_mutex_lock (&g->lock);
  while ((g->done[0] == 0 || g->done[1] == 0)
         && g_cond_wait_until (&g->cond, &g->lock, until))
    ;
  g_assert_cmpuint (g->done[0], ==, 1);
  g_assert_cmpuint (g->done[1], ==, 1);
  g_assert_cmpuint (g->candidates[0], ==, 1);
  g_assert_cmpuint (g->candidates[1], ==, 1);
  g_mutex_unlock (&g->lock);
}

static GstElement *
launch (const gchar *description)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch (description, &err);

  g_assert_no_error (err);
  return p;
}

static void
watch_by_name (GstElement *bin, const gchar *name, Gathered *g)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (bin), name);

  watch_gathering (e, g);
  gst_object_unref (e);
}

/* One pipeline, appsrc ! icesink and icesrc ! appsink on one agent: the
 * sink used to add and gather the stream at NULL→READY (GstBaseSink's
 * start), before the source had taken the agent and connected its
 * handlers, which then missed signals in a few runs out of a hundred. */
static void
test_gathering_signals_one_pipeline (void)
{
  guint run;

  for (run = 0; run < 100; run++) {
    gchar *desc = g_strdup_printf (
        "appsrc ! icesink name=sink agent-name=gs%u bind-address=127.0.0.1 "
        "async=false  icesrc name=src agent-name=gs%u ! appsink async=false",
        run, run);
    GstElement *p = launch (desc);
    Gathered g = { 0 };

    watch_by_name (p, "sink", &g);
    watch_by_name (p, "src", &g);
    g_assert_cmpint (gst_element_set_state (p, GST_STATE_PLAYING), !=,
                     GST_STATE_CHANGE_FAILURE);
    check_both_gathered (&g);
    gst_element_set_state (p, GST_STATE_NULL);
    gst_object_unref (p);
    g_free (desc);
  }
}

/* The source takes the agent in its own pipeline after the sink's
 * gathering is over: it is told everything the stream gathered. */
static void
test_gathering_signals_late_element (void)
{
  guint run;

  for (run = 0; run < 20; run++) {
    gchar *tx_desc
        = g_strdup_printf ("appsrc ! icesink name=sink agent-name=late%u "
                           "bind-address=127.0.0.1 async=false",
                           run);
    gchar *rx_desc = g_strdup_printf (
        "icesrc name=src agent-name=late%u ! appsink async=false", run);
    GstElement *tx = launch (tx_desc), *rx = launch (rx_desc);
    Gathered g = { 0 };
    gint64 until = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;

    watch_by_name (tx, "sink", &g);
    watch_by_name (rx, "src", &g);
    gst_element_set_state (tx, GST_STATE_PLAYING);
    g_mutex_lock (&g.lock);
    while (g.done[0] == 0 && g_cond_wait_until (&g.cond, &g.lock, until))
      ;
    g_mutex_unlock (&g.lock);
    gst_element_set_state (rx, GST_STATE_PLAYING);
    check_both_gathered (&g);
    gst_element_set_state (rx, GST_STATE_NULL);
    gst_element_set_state (tx, GST_STATE_NULL);
    gst_object_unref (rx);
    gst_object_unref (tx);
    g_free (tx_desc);
    g_free (rx_desc);
  }
}

typedef struct {
  gboolean failed;  /* "ICE connection failed" */
  gboolean stopped; /* the streaming thread gave up (flow error) */
} ErrorSeen;

/* Collects error messages until @src (icesrc) and @feed (the sink's
 * upstream) both stopped and both ICE elements said why. */
static void
wait_for_errors (GstElement *p, GstElement *src, GstElement *sink,
                 GstElement *feed, ErrorSeen seen[3])
{
  GstElement *who[3] = { src, sink, feed };
  GstBus *bus = gst_element_get_bus (p);
  gint64 until = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;
  gint64 now;

  while (
      !(seen[0].failed && seen[1].failed && seen[0].stopped && seen[2].stopped)
      && (now = g_get_monotonic_time ()) < until) {
    GstMessage *msg = gst_bus_timed_pop_filtered (
        bus, (until - now) * GST_USECOND, GST_MESSAGE_ERROR);
    GError *err = NULL;
    guint i;

    if (msg == NULL)
      break;
    gst_message_parse_error (msg, &err, NULL);
    for (i = 0; i < 3; i++) {
      if (GST_MESSAGE_SRC (msg) != GST_OBJECT (who[i]))
        continue;
      if (g_error_matches (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ)
          || g_error_matches (err, GST_RESOURCE_ERROR,
                              GST_RESOURCE_ERROR_WRITE))
        seen[i].failed |= strstr (err->message, "ICE connection failed") != 0;
      if (err->domain == GST_STREAM_ERROR)
        seen[i].stopped = TRUE;
    }
    g_error_free (err);
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
}

static GstTaskState
task_state_of (GstElement *e)
{
  GstPad *pad = gst_element_get_static_pad (e, "src");
  GstTaskState state = gst_pad_get_task_state (pad);

  gst_object_unref (pad);
  return state;
}

/* No peer ever answers; peer-timeout=1 fails the stream one second after
 * the ICE restart (a restart waits for the peer anew). Both elements must
 * then post an error and stop, as for a first failure: the source used to
 * wait forever and the sink to drop every buffer, silently. */
static void
test_failed_restart (void)
{
  GstElement *p = launch (
      "icesrc name=src agent-name=fr bind-address=127.0.0.1 peer-timeout=1 "
      "! fakesink async=false  fakesrc name=feed is-live=true "
      "sizetype=fixed sizemax=64 ! icesink name=sink agent-name=fr "
      "async=false");
  GstElement *src = gst_bin_get_by_name (GST_BIN (p), "src");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (p), "sink");
  GstElement *feed = gst_bin_get_by_name (GST_BIN (p), "feed");
  ErrorSeen seen[3] = { 0 };

  g_assert_cmpint (gst_element_set_state (p, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  g_signal_emit_by_name (sink, "restart");
  wait_for_errors (p, src, sink, feed, seen);
  g_assert_true (seen[0].failed);
  g_assert_true (seen[1].failed);
  /* the flow error is posted after the task paused */
  g_assert_true (seen[0].stopped);
  g_assert_true (seen[2].stopped);
  g_assert_cmpint (task_state_of (src), ==, GST_TASK_PAUSED);
  g_assert_cmpint (task_state_of (feed), ==, GST_TASK_PAUSED);

  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (feed);
  gst_object_unref (p);
}

/* --- components ---------------------------------------------------------- */

static GstElement *
component_element (const gchar *factory, const gchar *name, const gchar *agent,
                   guint component, gboolean rtcp_mux)
{
  GstElement *e = gst_element_factory_make (factory, name);

  g_object_set (e, "agent-name", agent, "bind-address", "127.0.0.1",
                "component", component, "rtcp-mux", rtcp_mux, NULL);
  return e;
}

static GstHarness *
harness_of (GstElement *e)
{
  gboolean is_src = GST_IS_BASE_SRC (e);
  GstHarness *h = gst_harness_new_with_element (e, is_src ? NULL : "sink",
                                                is_src ? "src" : NULL);

  gst_object_unref (e);
  return h;
}

/* Sends a's full description to b once a has gathered. */
static void
describe_to (GstElement *a, guint stream, GstElement *b)
{
  gchar *desc = NULL;
  gboolean ok = FALSE;

  g_object_get (a, "local-description", &desc, NULL);
  g_signal_emit_by_name (b, "set-remote-description", stream, desc, &ok);
  g_assert_true (ok);
  g_free (desc);
}

static void
send_and_receive (GstHarness *sink, GstHarness *src, const gchar *text)
{
  GstBuffer *out;
  GstMapInfo map;

  gst_harness_set_src_caps_str (sink, "application/x-rtp");
  g_assert_cmpint (
      gst_harness_push (sink, gst_buffer_new_memdup (text, strlen (text) + 1)),
      ==, GST_FLOW_OK);
  out = gst_harness_pull (src);
  g_assert_nonnull (out);
  gst_buffer_map (out, &map, GST_MAP_READ);
  g_assert_cmpstr ((const gchar *)map.data, ==, text);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);
}

/* Agent A: icesink rtcp-mux=true on component 1 and icesrc rtcp-mux=false
 * on component 2 (the stream then has two components, whichever starts
 * first); agent B, the peer, the mirror image. Both directions carry
 * data. */
static void
run_component_order (const gchar *prefix, gboolean mux_sink_first)
{
  gchar *a = g_strconcat (prefix, "-a", NULL);
  gchar *b = g_strconcat (prefix, "-b", NULL);
  GstElement *mux_sink, *rtcp_src, *rtcp_peer;
  GstHarness *a_sink, *a_src, *b_src, *b_sink, *first, *second;

  /* Every element of agent A holds the agent (READY) before any starts
   * (PAUSED), as in a pipeline; then they start in the order asked (the
   * harness starts a sink at once). */
  mux_sink = component_element ("icesink", "a-sink", a, 1, TRUE);
  rtcp_src = component_element ("icesrc", "a-src", a, 2, FALSE);
  rtcp_peer = component_element ("icesrc", "b-src", b, 1, FALSE);
  /* kept until B's source starts */
  g_signal_connect (mux_sink, "on-gathering-done", G_CALLBACK (describe_to),
                    rtcp_peer);
  gst_element_set_state (mux_sink, GST_STATE_READY);
  gst_element_set_state (rtcp_src, GST_STATE_READY);
  first = harness_of (mux_sink_first ? mux_sink : rtcp_src);
  gst_harness_play (first);
  second = harness_of (mux_sink_first ? rtcp_src : mux_sink);
  gst_harness_play (second);
  a_sink = mux_sink_first ? first : second;
  a_src = mux_sink_first ? second : first;
  b_src = harness_of (rtcp_peer);
  b_sink = harness_of (component_element ("icesink", "b-sink", b, 2, FALSE));
  g_signal_connect (b_src->element, "on-gathering-done",
                    G_CALLBACK (describe_to), a_sink->element);
  gst_harness_play (b_src);
  gst_harness_play (b_sink);

  send_and_receive (a_sink, b_src, "RTP on component 1");
  send_and_receive (b_sink, a_src, "RTCP on component 2");

  gst_harness_teardown (a_sink);
  gst_harness_teardown (a_src);
  gst_harness_teardown (b_src);
  gst_harness_teardown (b_sink);
  g_free (a);
  g_free (b);
}

static void
test_components_mux_sink_first (void)
{
  run_component_order ("cm", TRUE);
}

static void
test_components_rtcp_src_first (void)
{
  run_component_order ("cr", FALSE);
}

/* An element that takes the agent after the stream started with one
 * component cannot get a second: it fails to start, saying why. */
static void
test_components_late_element (void)
{
  GstElement *sink = component_element ("icesink", "late-sink", "cl", 1, TRUE);
  GstElement *src = component_element ("icesrc", "late-src", "cl", 2, FALSE);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;

  gst_element_set_bus (src, bus);
  g_assert_cmpint (gst_element_set_state (sink, GST_STATE_PAUSED), !=,
                   GST_STATE_CHANGE_FAILURE);
  g_assert_cmpint (gst_element_set_state (src, GST_STATE_PAUSED), ==,
                   GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  gst_message_parse_error (msg, &err, &debug);
  g_assert_nonnull (strstr (debug, "rtcp-mux"));
  g_error_free (err);
  g_free (debug);
  gst_message_unref (msg);
  gst_element_set_state (src, GST_STATE_NULL);
  gst_element_set_state (sink, GST_STATE_NULL);
  gst_element_set_bus (src, NULL);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (sink);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/gst/shared-agent/gathering-signals-one-pipeline",
                   test_gathering_signals_one_pipeline);
  g_test_add_func ("/gst/shared-agent/gathering-signals-late-element",
                   test_gathering_signals_late_element);
  g_test_add_func ("/gst/shared-agent/failed-restart", test_failed_restart);
  g_test_add_func ("/gst/shared-agent/components-mux-sink-first",
                   test_components_mux_sink_first);
  g_test_add_func ("/gst/shared-agent/components-rtcp-src-first",
                   test_components_rtcp_src_first);
  g_test_add_func ("/gst/shared-agent/components-late-element",
                   test_components_late_element);
  ret = g_test_run ();
  /* GST_TRACERS=leaks reports leaked objects with a warning at deinit */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL
                          | G_LOG_LEVEL_WARNING);
  gst_deinit ();
  return ret;
}
