/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Which elements share an agent: without an agent-name, the icesrc and
 * icesink of one top-level pipeline (nested bins included), and never
 * those of two pipelines; with the same agent-name, any elements of the
 * process. One agent is one set of credentials, so the ufrag tells.
 */
#include <gst/gst.h>
#include <string.h>

static GstElement *
launch (const gchar *description)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch (description, &err);

  g_assert_no_error (err);
  g_assert_cmpint (gst_element_set_state (p, GST_STATE_PAUSED), !=,
                   GST_STATE_CHANGE_FAILURE);
  return p;
}

static void
stop (GstElement *p)
{
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

/* The ufrag of the agent behind the element @name of @p. */
static gchar *
ufrag_of (GstElement *p, const gchar *name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (p), name);
  gchar *desc = NULL, *ufrag, *end;

  g_assert_nonnull (e);
  g_object_get (e, "local-description", &desc, NULL);
  gst_object_unref (e);
  g_assert_nonnull (desc);
  ufrag = strstr (desc, "a=ice-ufrag:");
  g_assert_nonnull (ufrag);
  ufrag = g_strdup (ufrag + strlen ("a=ice-ufrag:"));
  end = strpbrk (ufrag, "\r\n");
  if (end)
    *end = '\0';
  g_free (desc);
  return ufrag;
}

/* @agent: an agent-name= property, or "" for the default */
static gchar *
pair_description (const gchar *agent)
{
  return g_strdup_printf (
      "bin name=inner ( icesrc name=src %s bind-address=127.0.0.1 "
      "! fakesink async=false )  fakesrc num-buffers=0 ! icesink name=sink "
      "%s bind-address=127.0.0.1 async=false wait-for-connection=false",
      agent, agent);
}

static void
check_agents (const gchar *agent, gboolean shared_across)
{
  gchar *desc = pair_description (agent);
  GstElement *p1 = launch (desc), *p2 = launch (desc);
  gchar *src1 = ufrag_of (p1, "src"), *sink1 = ufrag_of (p1, "sink");
  gchar *src2 = ufrag_of (p2, "src"), *sink2 = ufrag_of (p2, "sink");

  /* one agent per pipeline at least: the source in its nested bin too */
  g_assert_cmpstr (src1, ==, sink1);
  g_assert_cmpstr (src2, ==, sink2);
  if (shared_across)
    g_assert_cmpstr (src1, ==, src2);
  else
    g_assert_cmpstr (src1, !=, src2);
  stop (p1);
  stop (p2);
  g_free (src1);
  g_free (sink1);
  g_free (src2);
  g_free (sink2);
  g_free (desc);
}

/* Two unrelated pipelines used to share the agent "default" and split
 * each other's packets. */
static void
test_default_name_per_pipeline (void)
{
  check_agents ("", FALSE);
}

static void
test_same_name_shared (void)
{
  check_agents ("agent-name=shared-by-name", TRUE);
}

/* A pipeline that goes NULL and back keeps its scope (its own agent
 * again, not another pipeline's). */
static void
test_default_name_after_cycle (void)
{
  gchar *desc = pair_description ("");
  GstElement *p1 = launch (desc), *p2 = launch (desc);
  gchar *src1, *sink1, *src2;

  gst_element_set_state (p1, GST_STATE_NULL);
  g_assert_cmpint (gst_element_set_state (p1, GST_STATE_PAUSED), !=,
                   GST_STATE_CHANGE_FAILURE);
  src1 = ufrag_of (p1, "src");
  sink1 = ufrag_of (p1, "sink");
  src2 = ufrag_of (p2, "src");
  g_assert_cmpstr (src1, ==, sink1);
  g_assert_cmpstr (src1, !=, src2);
  stop (p1);
  stop (p2);
  g_free (src1);
  g_free (sink1);
  g_free (src2);
  g_free (desc);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/gst/agent-name/default-per-pipeline",
                   test_default_name_per_pipeline);
  g_test_add_func ("/gst/agent-name/same-name-shared", test_same_name_shared);
  g_test_add_func ("/gst/agent-name/default-after-cycle",
                   test_default_name_after_cycle);
  ret = g_test_run ();
  /* GST_TRACERS=leaks reports leaked objects with a warning at deinit */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL
                          | G_LOG_LEVEL_WARNING);
  gst_deinit ();
  return ret;
}
