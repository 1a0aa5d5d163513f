/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The elements' "ice-lite" reaches the agent: an icesink given a STUN
 * server still describes itself as lite with host candidates only.
 */
#include <gst/gst.h>
#include <gst/check/gstharness.h>
#include <string.h>

typedef struct {
  GMutex lock;
  GCond cond;
  gchar *desc;
} Gathered;

static void
on_gathering_done (GstElement *e, guint stream, Gathered *g)
{
  gchar *desc = NULL;

  g_object_get (e, "local-description", &desc, NULL);
  g_mutex_lock (&g->lock);
  if (g->desc == NULL)
    g->desc = desc;
  else
    g_free (desc);
  g_cond_signal (&g->cond);
  g_mutex_unlock (&g->lock);
}

static void
test_sink_lite (void)
{
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  Gathered g = { 0 };
  gboolean lite = FALSE;
  GstHarness *h;
  gint64 until = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  g_assert_nonnull (sink);
  g_object_set (sink, "ice-lite", TRUE, "stun-server", "stun://127.0.0.1:9",
                "bind-address", "127.0.0.1", "wait-for-connection", FALSE,
                NULL);
  g_object_get (sink, "ice-lite", &lite, NULL);
  g_assert_true (lite);
  g_signal_connect (sink, "on-gathering-done", G_CALLBACK (on_gathering_done),
                    &g);
  h = gst_harness_new_with_element (sink, "sink", NULL);
  gst_object_unref (sink);
  gst_harness_play (h);
  g_mutex_lock (&g.lock);
  while (g.desc == NULL && g_cond_wait_until (&g.cond, &g.lock, until))
    ;
  g_mutex_unlock (&g.lock);
  g_assert_nonnull (g.desc);
  g_assert_nonnull (strstr (g.desc, "a=ice-lite\r\n"));
  g_assert_nonnull (strstr (g.desc, " typ host"));
  g_assert_null (strstr (g.desc, " typ srflx"));
  gst_harness_teardown (h);
  g_free (g.desc);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gst/elements/ice-lite", test_sink_lite);
  return g_test_run ();
}
