/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The plugins icews (libsoup 3) and icewebrtc (gstreamer-webrtc) load only
 * when used (gst/meson.build): a running icesrc/icesink pipeline maps
 * libgstice-1.0 and the plugin ice, and none of the libraries of the
 * other two; a ws:// signaller loads icews and libsoup; asking for
 * GstIceWebRTCICE by name loads icewebrtc and gstreamer-webrtc.
 *
 * Each case runs in a subprocess of its own, which maps only what it
 * loads itself: the parent's gst_init () brought the registry up to date
 * (in this process: the suite's GST_REGISTRY_FORK=no opens every plugin),
 * and the child scans as an application does, in gst-plugin-scanner: the
 * plugins that the whitelist leaves out are not kept in the registry, so
 * every process scans them again, and they must not be opened here.
 */
#include <gst/gst.h>
#include <string.h>

#define DEADLINE_S 20

/* Files, as they appear in /proc/self/maps (a path ends with them). */
#define LIB_GSTICE "/libgstice-1.0.so"
#define PLUGIN_ICE "/libgstice.so"
#define PLUGIN_ICEWS "/libgsticews.so"
#define PLUGIN_ICEWEBRTC "/libgsticewebrtc.so"
#define LIB_SOUP "/libsoup-3.0.so"
#define LIB_JSON_GLIB "/libjson-glib-1.0.so"
#define LIB_GSTWEBRTC "/libgstwebrtc-1.0.so"
#define LIB_GSTSDP "/libgstsdp-1.0.so"

static gboolean
mapped (const gchar *file)
{
  gchar *maps = NULL;
  gboolean found;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  found = strstr (maps, file) != NULL;
  g_free (maps);
  return found;
}

static void
assert_not_mapped (const gchar *const *files)
{
  for (; *files != NULL; files++)
    if (mapped (*files))
      g_error ("%s is mapped", *files);
}

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean done;
} Gathered;

static void
on_gathering_done (GstElement *e, guint stream, Gathered *g)
{
  g_mutex_lock (&g->lock);
  g->done = TRUE;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}

static void
wait_gathered (Gathered *g)
{
  gint64 until = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;

  g_mutex_lock (&g->lock);
  while (!g->done && g_cond_wait_until (&g->cond, &g->lock, until))
    ;
  g_assert_true (g->done);
  g_mutex_unlock (&g->lock);
}

/* icesink and icesrc on one agent, playing, gathering done: every part of
 * the elements that runs before a peer is there has run. */
static void
run_plain_pipeline (void)
{
  const gchar *const absent[]
      = { PLUGIN_ICEWS,  PLUGIN_ICEWEBRTC, LIB_SOUP, LIB_JSON_GLIB,
          LIB_GSTWEBRTC, LIB_GSTSDP,       NULL };
  GError *err = NULL;
  GstElement *p, *src;
  Gathered g = { 0 };

  assert_not_mapped ((const gchar *const[]){ LIB_GSTICE, PLUGIN_ICE, NULL });
  p = gst_parse_launch (
      "appsrc ! icesink agent-name=lazy bind-address=127.0.0.1 async=false  "
      "icesrc name=src agent-name=lazy ! fakesink async=false",
      &err);
  g_assert_no_error (err);
  src = gst_bin_get_by_name (GST_BIN (p), "src");
  g_signal_connect (src, "on-gathering-done", G_CALLBACK (on_gathering_done),
                    &g);
  g_assert_cmpint (gst_element_set_state (p, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  wait_gathered (&g);
  /* what the maps must show, so that their absence below means something */
  g_assert_true (mapped (LIB_GSTICE));
  g_assert_true (mapped (PLUGIN_ICE));
  assert_not_mapped (absent);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (p);
}

/* @run in a new process (this test again, in the subprocess branch) */
static void
run_in_subprocess (void (*run) (void))
{
  if (g_test_subprocess ()) {
    run ();
    return;
  }
  g_test_trap_subprocess (NULL, (DEADLINE_S + 10) * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_plain_pipeline (void)
{
  run_in_subprocess (run_plain_pipeline);
}

/* The signaller property loads icews, which validates the URI: it is
 * accepted, and libsoup is there (the ws tests in suite "signal" show
 * that it works). */
static void
run_ws_signaller (void)
{
  const gchar *const absent[]
      = { PLUGIN_ICEWEBRTC, LIB_GSTWEBRTC, LIB_GSTSDP, NULL };
  const gchar *uri = "ws://127.0.0.1:9/lazy";
  GstElement *src = gst_element_factory_make ("icesrc", NULL);
  gchar *now = NULL;

  g_assert_nonnull (src);
  assert_not_mapped ((const gchar *const[]){ PLUGIN_ICEWS, LIB_SOUP, NULL });
  g_object_set (src, "signaller", uri, NULL);
  g_object_get (src, "signaller", &now, NULL);
  g_assert_cmpstr (now, ==, uri);
  g_assert_true (mapped (PLUGIN_ICEWS));
  g_assert_true (mapped (LIB_SOUP));
  assert_not_mapped (absent);
  g_free (now);
  gst_object_unref (src);
}

static void
test_ws_signaller (void)
{
  if (HAVE_ICEWS)
    run_in_subprocess (run_ws_signaller);
  else
    g_test_skip ("the plugin icews is not built (no libsoup 3)");
}

/* gst_dynamic_type_factory_load (@name), which loads the plugin that
 * registered the type, without the two references to the registry's
 * factory that it keeps (GStreamer 1.22): LeakSanitizer would report the
 * factory at gst_deinit (). */
static GType
load_dynamic_type (const gchar *name)
{
  GstPluginFeature *feature, *loaded;

  feature = gst_registry_find_feature (gst_registry_get (), name,
                                       GST_TYPE_DYNAMIC_TYPE_FACTORY);
  if (feature == NULL)
    return G_TYPE_INVALID;
  loaded = gst_plugin_feature_load (feature);
  gst_object_unref (feature);
  if (loaded == NULL)
    return G_TYPE_INVALID;
  gst_object_unref (loaded);
  return g_type_from_name (name);
}

/* docs/webrtcbin.md: the type by name loads icewebrtc. */
static void
run_webrtc_type (void)
{
  const gchar *const absent[] = { PLUGIN_ICEWS, LIB_SOUP, NULL };
  GType type;

  assert_not_mapped (
      (const gchar *const[]){ PLUGIN_ICEWEBRTC, LIB_GSTWEBRTC, NULL });
  type = load_dynamic_type ("GstIceWebRTCICE");
  g_assert_cmpuint (type, !=, G_TYPE_INVALID);
  g_assert_cmpstr (g_type_name (g_type_parent (type)), ==, "GstWebRTCICE");
  g_assert_true (mapped (PLUGIN_ICEWEBRTC));
  g_assert_true (mapped (LIB_GSTWEBRTC));
  assert_not_mapped (absent);
}

static void
test_webrtc_type (void)
{
  if (HAVE_ICEWEBRTC)
    run_in_subprocess (run_webrtc_type);
  else
    g_test_skip ("the plugin icewebrtc is not built (no gstreamer-webrtc)");
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  /* for the children (our plugins are in the registry by now) */
  g_setenv ("GST_REGISTRY_FORK", "yes", TRUE);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/gst/lazy-plugins/plain-pipeline", test_plain_pipeline);
  g_test_add_func ("/gst/lazy-plugins/ws-signaller", test_ws_signaller);
  g_test_add_func ("/gst/lazy-plugins/webrtc-type", test_webrtc_type);
  ret = g_test_run ();
  /* GST_TRACERS=leaks reports leaked objects with a warning at deinit */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL
                          | G_LOG_LEVEL_WARNING);
  gst_deinit ();
  return ret;
}
