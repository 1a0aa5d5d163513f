/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The log bridge (gst/gsticelog.c): ice/'s GLib log domains reach
 * GStreamer's debug log as categories of the same names. A real session
 * of an icesink and an icesrc on loopback must put its pairs' state
 * changes into "ice-session" at DEBUG, and nothing at NONE; criticals
 * and fatal warnings stay with GLib.
 *
 * gsticelog.c is also compiled into this test, with its own copy of
 * ice/common: ice_log_enabled () below asks that copy (the plugins' copy
 * is in libgstice-1.0, which this test does not link), which answers from
 * the same categories.
 */
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <string.h>

#include "gst/gsticelog.h"
#include "ice/common/ice-log.h"

static const gchar *const domains[]
    = { "ice-session", "ice-stun", "ice-turn", "ice-nat", "ice-agent" };

static GMutex capture_lock;
static GString *captured; /* "category LEVEL message\n" lines */

/* "DEBUG" of GStreamer's padded "DEBUG  " */
static void
level_name (GstDebugLevel level, gchar *buf, gsize size)
{
  g_strlcpy (buf, gst_debug_level_get_name (level), size);
  g_strchomp (buf);
}

static void capture (GstDebugCategory *category, GstDebugLevel level,
                     const gchar *file, const gchar *function, gint line,
                     GObject *object, GstDebugMessage *message,
                     gpointer data) G_GNUC_NO_INSTRUMENT;

static void
capture (GstDebugCategory *category, GstDebugLevel level, const gchar *file,
         const gchar *function, gint line, GObject *object,
         GstDebugMessage *message, gpointer data)
{
  const gchar *name = gst_debug_category_get_name (category);
  gchar lname[16];

  if (!g_str_has_prefix (name, "ice-"))
    return;
  level_name (level, lname, sizeof (lname));
  g_mutex_lock (&capture_lock);
  g_string_append_printf (captured, "%s %s %s\n", name, lname,
                          gst_debug_message_get (message));
  g_mutex_unlock (&capture_lock);
  /* a test's subprocess shows the parent what it captured */
  if (g_test_subprocess ())
    g_printerr ("captured: %s %s [%s]\n", name, lname,
                gst_debug_message_get (message));
}

/* Returns the captured lines and starts a new capture. */
static gchar *
take_captured (void)
{
  gchar *lines;

  g_mutex_lock (&capture_lock);
  lines = g_strdup (captured->str);
  g_string_truncate (captured, 0);
  g_mutex_unlock (&capture_lock);
  return lines;
}

/* Loads the plugin (its plugin_init registers the categories). */
static void
load_plugin (void)
{
  GstPlugin *plugin = gst_plugin_load_by_name ("ice");

  g_assert_nonnull (plugin);
  gst_object_unref (plugin);
}

/* gst_debug_get_category () is 1.24 */
static GstDebugCategory *
find_category (const gchar *name)
{
  GSList *all = gst_debug_get_all_categories (), *l;
  GstDebugCategory *found = NULL;

  for (l = all; l != NULL && found == NULL; l = l->next)
    if (strcmp (gst_debug_category_get_name (l->data), name) == 0)
      found = l->data;
  g_slist_free (all);
  return found;
}

static void
test_categories (void)
{
  guint i;

  load_plugin ();
  for (i = 0; i < G_N_ELEMENTS (domains); i++) {
    GstDebugCategory *cat = find_category (domains[i]);

    g_assert_nonnull (cat);
    g_assert_cmpstr (gst_debug_category_get_description (cat), !=,
                     "no description");
  }
}

static GstElement *
new_element (const gchar *factory, const gchar *agent)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  g_assert_nonnull (e);
  g_object_set (e, "agent-name", agent, "bind-address", "127.0.0.1", NULL);
  return e;
}

/* Sends a's full description to b once a has gathered. */
static void
on_gathering_done (GstElement *a, guint stream, GstElement *b)
{
  gchar *desc = NULL;
  gboolean ok = FALSE;

  g_object_get (a, "local-description", &desc, NULL);
  g_signal_emit_by_name (b, "set-remote-description", stream, desc, &ok);
  g_assert_true (ok);
  g_free (desc);
}

static GstHarness *
harness_of (GstElement *e, gboolean is_src)
{
  GstHarness *h = gst_harness_new_with_element (e, is_src ? NULL : "sink",
                                                is_src ? "src" : NULL);

  gst_object_unref (e);
  return h;
}

/* One datagram from an icesink to an icesrc over a real ICE session on
 * loopback (two agents, @prefix-sink and @prefix-src). */
static void
run_session (const gchar *prefix)
{
  gchar *sink_name = g_strconcat (prefix, "-sink", NULL);
  gchar *src_name = g_strconcat (prefix, "-src", NULL);
  GstElement *sink = new_element ("icesink", sink_name);
  GstElement *src = new_element ("icesrc", src_name);
  GstHarness *hsink, *hsrc;
  GstBuffer *out;

  g_signal_connect (sink, "on-gathering-done", G_CALLBACK (on_gathering_done),
                    src);
  g_signal_connect (src, "on-gathering-done", G_CALLBACK (on_gathering_done),
                    sink);
  hsink = harness_of (sink, FALSE);
  hsrc = harness_of (src, TRUE);
  gst_harness_play (hsrc);
  gst_harness_play (hsink);
  gst_harness_set_src_caps_str (hsink, "application/x-rtp");
  /* the sink waits for a pair, the pull for the datagram (60 s) */
  g_assert_cmpint (
      gst_harness_push (hsink, gst_buffer_new_memdup ("over ice", 9)), ==,
      GST_FLOW_OK);
  out = gst_harness_pull (hsrc);
  g_assert_nonnull (out);
  gst_buffer_unref (out);
  gst_harness_teardown (hsrc);
  gst_harness_teardown (hsink);
  g_free (sink_name);
  g_free (src_name);
}

/* ice-session at DEBUG: every pair's "from → to" state change, the
 * session's state changes, at GStreamer's DEBUG level. */
static void
test_session_lines (void)
{
  gchar *lines;

  load_plugin ();
  gst_debug_set_threshold_for_name ("ice-session", GST_LEVEL_DEBUG);
  gst_debug_set_threshold_for_name ("ice-agent", GST_LEVEL_DEBUG);
  g_free (take_captured ());
  run_session ("log-debug");
  lines = take_captured ();
  g_assert_nonnull (strstr (lines, "ice-session DEBUG new pair "));
  g_assert_nonnull (strstr (lines, " host 127.0.0.1:"));
  g_assert_nonnull (strstr (lines, ": frozen → waiting\n"));
  g_assert_nonnull (strstr (lines, ": in-progress → succeeded\n"));
  g_assert_nonnull (strstr (lines, "ice-session DEBUG selected pair "));
  g_assert_nonnull (strstr (lines, "ice-session DEBUG session: "));
  g_assert_nonnull (strstr (lines, " → connected\n"));
  g_free (lines);
  gst_debug_set_threshold_for_name ("ice-session", GST_LEVEL_NONE);
  gst_debug_set_threshold_for_name ("ice-agent", GST_LEVEL_NONE);
}

/* ice-session at NONE: ICE_DEBUG is not even formatted (the enabled test
 * says no), and nothing of the category reaches the log. */
static void
test_threshold_none (void)
{
  gchar *lines;

  load_plugin ();
  gst_ice_log_init ();
  gst_debug_set_threshold_for_name ("ice-session", GST_LEVEL_DEBUG);
  g_assert_true (ice_log_enabled ("ice-session", G_LOG_LEVEL_DEBUG));
  gst_debug_set_threshold_for_name ("ice-session", GST_LEVEL_INFO);
  g_assert_false (ice_log_enabled ("ice-session", G_LOG_LEVEL_DEBUG));
  g_assert_true (ice_log_enabled ("ice-session", G_LOG_LEVEL_INFO));
  gst_debug_set_threshold_for_name ("ice-session", GST_LEVEL_NONE);
  g_assert_false (ice_log_enabled ("ice-session", G_LOG_LEVEL_DEBUG));
  g_assert_false (ice_log_enabled ("ice-session", G_LOG_LEVEL_INFO));
  /* GLib's rule still answers for a domain that is not ours */
  g_assert_false (ice_log_enabled ("not-ice", G_LOG_LEVEL_DEBUG));
  g_assert_true (ice_log_enabled ("not-ice", G_LOG_LEVEL_WARNING));

  g_free (take_captured ());
  run_session ("log-none");
  lines = take_captured ();
  g_assert_null (strstr (lines, "ice-session "));
  g_free (lines);
}

/* GLib levels map to GStreamer's: debug → DEBUG, info and message → INFO
 * (the message still goes to GLib's stderr too). */
static void
test_levels (void)
{
  gchar *lines;

  load_plugin ();
  gst_debug_set_threshold_for_name ("ice-stun", GST_LEVEL_DEBUG);
  g_free (take_captured ());
  g_log ("ice-stun", G_LOG_LEVEL_DEBUG, "bridge debug %d", 1);
  g_log ("ice-stun", G_LOG_LEVEL_INFO, "bridge info %d", 2);
  g_log ("ice-stun", G_LOG_LEVEL_MESSAGE, "bridge message %d", 3);
  lines = take_captured ();
  g_assert_cmpstr (lines, ==,
                   "ice-stun DEBUG bridge debug 1\n"
                   "ice-stun INFO bridge info 2\n"
                   "ice-stun INFO bridge message 3\n");
  g_free (lines);
  gst_debug_set_threshold_for_name ("ice-stun", GST_LEVEL_NONE);
}

/* A critical in our domain is a programmer error: it never passes the
 * bridge, GLib prints it and (fatal in tests) aborts. */
static void
test_critical_stays (void)
{
  if (g_test_subprocess ()) {
    load_plugin ();
    gst_debug_set_threshold_for_name ("ice-session", GST_LEVEL_MEMDUMP);
    g_log ("ice-session", G_LOG_LEVEL_DEBUG, "bridge debug %d", 4);
    g_log ("ice-session", G_LOG_LEVEL_CRITICAL, "bridge critical %d", 4);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  /* the debug line before it went through: the bridge was there */
  g_test_trap_assert_stderr ("*captured: ice-session DEBUG [bridge debug 4]*");
  g_test_trap_assert_stderr ("*ice-session-CRITICAL **: *bridge critical 4*");
  g_test_trap_assert_stderr_unmatched ("*[bridge critical 4]*");
}

/* A warning reaches the category and GLib both, and fatal-warnings still
 * aborts on it: g_logv () applies it after the handler. */
static void
test_warning_still_fatal (void)
{
  if (g_test_subprocess ()) {
    load_plugin ();
    gst_debug_set_threshold_for_name ("ice-agent", GST_LEVEL_WARNING);
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL
                            | G_LOG_LEVEL_WARNING);
    g_log ("ice-agent", G_LOG_LEVEL_WARNING, "bridge warning %d", 5);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*captured: ice-agent WARN [bridge warning 5]*");
  g_test_trap_assert_stderr ("*ice-agent-WARNING **: *bridge warning 5*");
}

int
main (int argc, char **argv)
{
  int ret;

  /* GLib's own rule must not show debug lines: the enabled test would
   * answer yes for it */
  g_unsetenv ("G_MESSAGES_DEBUG");
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  captured = g_string_new (NULL);
  gst_debug_add_log_function (capture, NULL, NULL);
  /* the thresholds below would fill stderr; GST_DEBUG=... shows it */
  if (g_getenv ("GST_DEBUG") == NULL)
    gst_debug_remove_log_function (NULL);

  g_test_add_func ("/gst/log/categories", test_categories);
  g_test_add_func ("/gst/log/session-lines", test_session_lines);
  g_test_add_func ("/gst/log/threshold-none", test_threshold_none);
  g_test_add_func ("/gst/log/levels", test_levels);
  g_test_add_func ("/gst/log/critical-stays", test_critical_stays);
  g_test_add_func ("/gst/log/warning-still-fatal", test_warning_still_fatal);
  ret = g_test_run ();
  gst_debug_remove_log_function (capture);
  /* GST_TRACERS=leaks reports leaked objects with a warning at deinit */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL
                          | G_LOG_LEVEL_WARNING);
  gst_deinit ();
  g_string_free (captured, TRUE);
  return ret;
}
