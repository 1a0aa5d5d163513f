/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * State changes of webrtcbin on gst-ice, 100 times each, under the leaks
 * tracer (GST_TRACERS, tests/webrtc/meson.build) or LeakSanitizer:
 * - one webrtcbin with an offer made (so our streams, transports and the
 *   src/sink in its transport bins exist) NULL -> PLAYING -> NULL;
 * - a new webrtcbin each time: PLAYING, offer, gathering on loopback, NULL,
 *   unref (our ICE object, its agent and sockets made and freed), and the
 *   same without waiting for the gathering to end.
 */
#include "webrtc-peer.h"

#define CYCLES 100
#define DEADLINE_S 30

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean gathered;
} Gathering;

static void
on_gathering_state (GstElement *webrtc, GParamSpec *pspec, Gathering *g)
{
  GstWebRTCICEGatheringState state;

  g_object_get (webrtc, "ice-gathering-state", &state, NULL);
  g_mutex_lock (&g->lock);
  if (state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
    g->gathered = TRUE;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}

static GstElement *
new_pipeline (GstElement **webrtc, Gathering *g)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstWebRTCICE *ice = NULL;
  gboolean ok = FALSE;

  *webrtc = gst_element_factory_make_full ("webrtcbin", "ice-agent",
                                           webrtc_new_gstice (), NULL);
  g_assert_nonnull (*webrtc);
  g_object_get (*webrtc, "ice-agent", &ice, NULL);
  g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &ok);
  g_assert_true (ok);
  gst_object_unref (ice);
  g_signal_connect (*webrtc, "notify::ice-gathering-state",
                    G_CALLBACK (on_gathering_state), g);
  gst_bin_add (GST_BIN (pipeline), *webrtc);
  return pipeline;
}

static void
make_offer (GstElement *webrtc, Gathering *g, gboolean wait_gathered)
{
  GstWebRTCDataChannel *channel = NULL;
  GstWebRTCSessionDescription *offer = NULL;
  GstPromise *promise = gst_promise_new ();
  gint64 deadline;

  g_signal_emit_by_name (webrtc, "create-data-channel", "c", NULL, &channel);
  g_assert_nonnull (channel);
  g_object_unref (channel);
  g_signal_emit_by_name (webrtc, "create-offer", NULL, promise);
  g_assert_cmpint (gst_promise_wait (promise), ==, GST_PROMISE_RESULT_REPLIED);
  gst_structure_get (gst_promise_get_reply (promise), "offer",
                     GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer, NULL);
  gst_promise_unref (promise);
  g_assert_nonnull (offer);
  promise = gst_promise_new ();
  g_signal_emit_by_name (webrtc, "set-local-description", offer, promise);
  g_assert_cmpint (gst_promise_wait (promise), ==, GST_PROMISE_RESULT_REPLIED);
  gst_promise_unref (promise);
  gst_webrtc_session_description_free (offer);
  if (!wait_gathered)
    return;
  deadline = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;
  g_mutex_lock (&g->lock);
  while (!g->gathered && g_cond_wait_until (&g->cond, &g->lock, deadline))
    ;
  g_assert_true (g->gathered);
  g_mutex_unlock (&g->lock);
}

static void
set_state (GstElement *pipeline, GstState state)
{
  g_assert_cmpint (gst_element_set_state (pipeline, state), !=,
                   GST_STATE_CHANGE_FAILURE);
}

static void
test_same_webrtcbin (void)
{
  Gathering g = { 0 };
  GstElement *webrtc, *pipeline = new_pipeline (&webrtc, &g);
  guint i;

  g_mutex_init (&g.lock);
  g_cond_init (&g.cond);
  set_state (pipeline, GST_STATE_PLAYING);
  make_offer (webrtc, &g, TRUE);
  set_state (pipeline, GST_STATE_NULL);
  for (i = 0; i < CYCLES; i++) {
    set_state (pipeline, GST_STATE_PLAYING);
    set_state (pipeline, GST_STATE_NULL);
  }
  gst_object_unref (pipeline);
  g_mutex_clear (&g.lock);
  g_cond_clear (&g.cond);
}

static void
new_webrtcbins (gboolean wait_gathered)
{
  guint i;

  for (i = 0; i < CYCLES; i++) {
    Gathering g = { 0 };
    GstElement *webrtc, *pipeline;

    g_mutex_init (&g.lock);
    g_cond_init (&g.cond);
    pipeline = new_pipeline (&webrtc, &g);
    set_state (pipeline, GST_STATE_PLAYING);
    make_offer (webrtc, &g, wait_gathered);
    set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
    g_mutex_clear (&g.lock);
    g_cond_clear (&g.cond);
  }
}

static void
test_new_webrtcbin (void)
{
  new_webrtcbins (TRUE);
}

/* Torn down while its candidates may still be on their way to webrtcbin's
 * on-candidate callback (which must not run once webrtcbin is gone). */
static void
test_teardown_while_gathering (void)
{
  new_webrtcbins (FALSE);
}

int
main (int argc, char **argv)
{
  int ret;

  if (!webrtc_test_init (&argc, &argv, &ret))
    return ret;
  g_test_add_func ("/webrtc/states/same-webrtcbin", test_same_webrtcbin);
  g_test_add_func ("/webrtc/states/new-webrtcbin", test_new_webrtcbin);
  g_test_add_func ("/webrtc/states/teardown-while-gathering",
                   test_teardown_while_gathering);
  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
