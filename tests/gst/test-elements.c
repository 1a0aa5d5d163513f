/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * icesrc and icesink one by one and as a pair of harnesses: properties and
 * their validation, data through a real ICE session on loopback, flushing,
 * and NULL↔PLAYING cycles (leaks are caught by GST_TRACERS=leaks).
 */
#include <gst/gst.h>
#include <gst/base/gstbasesrc.h>
#include <gst/check/gstharness.h>
#include <gst/net/gstnetaddressmeta.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* Messages logged with g_warning, so a test can assert a refusal said
 * what was expected. */
static GMutex log_lock;
static GString *warnings;

static GLogWriterOutput
record_warnings (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                 gpointer user_data)
{
  gsize i;

  if (level & G_LOG_LEVEL_WARNING) {
    for (i = 0; i < n_fields; i++) {
      if (strcmp (fields[i].key, "MESSAGE") == 0) {
        g_mutex_lock (&log_lock);
        g_string_append_printf (warnings, "%s\n",
                                (const gchar *)fields[i].value);
        g_mutex_unlock (&log_lock);
      }
    }
    return G_LOG_WRITER_HANDLED;
  }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static gboolean
warning_logged (const gchar *needle)
{
  gboolean found;

  g_mutex_lock (&log_lock);
  found = strstr (warnings->str, needle) != NULL;
  g_string_truncate (warnings, 0);
  g_mutex_unlock (&log_lock);
  return found;
}

static void
test_defaults (void)
{
  GstElement *src = gst_element_factory_make ("icesrc", NULL);
  GstElement *sink = gst_element_factory_make ("icesink", NULL);
  gchar *name = NULL;
  guint stream, component;
  gboolean mux, wait, sync;
  GstCaps *caps = NULL;
  GstStructure *stats = NULL;

  g_assert_nonnull (src);
  g_assert_nonnull (sink);
  g_object_get (src, "agent-name", &name, "stream", &stream, "component",
                &component, "rtcp-mux", &mux, "caps", &caps, "stats", &stats,
                NULL);
  g_assert_cmpstr (name, ==, "default");
  g_assert_cmpuint (stream, ==, 0);
  g_assert_cmpuint (component, ==, 1);
  g_assert_true (mux);
  g_assert_cmpstr (gst_structure_get_name (gst_caps_get_structure (caps, 0)),
                   ==, "application/x-rtp");
  g_assert_true (gst_structure_has_field (stats, "packets-received"));
  g_assert_true (gst_structure_has_field (stats, "local-relay-candidates"));
  g_assert_true (gst_structure_has_field (stats, "selected-pair-relayed"));
  g_object_get (sink, "wait-for-connection", &wait, "sync", &sync, NULL);
  g_assert_true (wait);
  g_assert_true (sync);
  g_free (name);
  gst_caps_unref (caps);
  gst_structure_free (stats);
  gst_object_unref (src);
  gst_object_unref (sink);
}

/* Sets @prop to a bad @value and checks it was refused, with a warning
 * saying what was expected, and the old value kept. */
static void
check_refused (GstElement *e, const gchar *prop, const gchar *good,
               const gchar *bad, const gchar *expected_hint)
{
  gchar *now = NULL;

  g_object_set (e, prop, good, NULL);
  g_assert_false (warning_logged ("expected"));
  g_object_set (e, prop, bad, NULL);
  g_assert_true (warning_logged (expected_hint));
  g_object_get (e, prop, &now, NULL);
  g_assert_cmpstr (now, ==, good);
  g_free (now);
}

static void
test_bad_properties (void)
{
  GstElement *src = gst_element_factory_make ("icesrc", NULL);

  check_refused (src, "stun-server", "stun://127.0.0.1:3478",
                 "http://example.com", "expected stun://HOST:PORT");
  check_refused (src, "stun-server", "stun://127.0.0.1:3478", "stun://:99",
                 "expected stun://HOST:PORT");
  check_refused (src, "port-range", "40000-40100", "5000-4000",
                 "expected MIN-MAX");
  check_refused (src, "port-range", "40000-40100", "70000-70001",
                 "expected MIN-MAX");
  check_refused (src, "port-range", "40000-40100", "abc", "expected MIN-MAX");
  check_refused (src, "bind-address", "127.0.0.1", "300.1.2.3",
                 "expected IP addresses or interface names");
  check_refused (src, "signaller", "file:///tmp/room", "http://h/room",
                 "expected file:///DIRECTORY");
  check_refused (src, "signaller", "ws://127.0.0.1:8443/room1",
                 "ws://127.0.0.1:8443/a/b", "ws://HOST:PORT/ROOM");
  check_refused (src, "signaller", "wss://h/room?token=t", "ws://h/r?x=1",
                 "unknown or empty query parameter");
  check_refused (src, "signaller-ca-file", "/etc/hostname", "/missing.pem",
                 "expected a readable PEM file");
  check_refused (src, "interfaces", "eth0,wlan*", "eth0,,wlan0",
                 "expected 1-15 printable characters");
  check_refused (src, "exclude-interfaces", "docker*,veth*", "docker*,a/b",
                 "expected 1-15 printable characters");
  gst_object_unref (src);
}

/* turn-server (webrtcbin's words): bad URIs are refused
 * with a message saying the expected form, without echoing the password,
 * and the old value stays. */
static void
test_turn_properties (void)
{
  GstElement *src = gst_element_factory_make ("icesrc", NULL);
  const gchar *good = "turn://gst:ice@127.0.0.1:3478?transport=udp";
  const gchar *const bad[] = {
    "stun://127.0.0.1:3478",
    "turn://127.0.0.1:3478",
    "turn://user@127.0.0.1:3478",
    "turn://user:@127.0.0.1:3478",
    "turn://user:pass@:3478",
    "turn://user:pass@127.0.0.1:70000",
    "turn://user:pass@127.0.0.1:0",
    "turn://user:pass@127.0.0.1:3478?transport=sctp",
    "turns://user:pass@127.0.0.1:5349?transport=udp",
    "turn://user:pass@127.0.0.1:3478/path",
    "turn://user:pa%zzss@127.0.0.1:3478",
    "TURN://user:pass@127.0.0.1",
  };
  const gchar *const accepted[] = {
    "turn://us%40er:p%3Ass%2F@127.0.0.1:3478?transport=tcp",
    "turns://user:pass@[::1]:5349",
    "turns://user:pass@turn.example.com?transport=tcp",
    "turn://user:pass@turn.example.com",
  };
  gchar *value = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    check_refused (src, "turn-server", good, bad[i],
                   "expected turn://USER:PASSWORD@HOST");
  /* the password is not repeated in the message */
  g_object_set (src, "turn-server", "turn://user:s3cret@h:3478?x=1", NULL);
  g_mutex_lock (&log_lock);
  g_assert_nonnull (strstr (warnings->str, "turn://user:***@h:3478"));
  g_assert_null (strstr (warnings->str, "s3cret"));
  g_string_truncate (warnings, 0);
  g_mutex_unlock (&log_lock);
  for (i = 0; i < G_N_ELEMENTS (accepted); i++) {
    g_object_set (src, "turn-server", accepted[i], NULL);
    g_assert_false (warning_logged ("expected"));
    g_object_get (src, "turn-server", &value, NULL);
    g_assert_cmpstr (value, ==, accepted[i]);
    g_free (value);
  }

  gst_object_unref (src);
}

/* ice-transport-policy, turn-ca-file and the add-turn-server action. */
static void
test_turn_other_settings (void)
{
  GstElement *src = gst_element_factory_make ("icesrc", NULL);
  gchar *path;
  gint fd, policy = -1;
  gboolean ok = TRUE;

  g_object_get (src, "ice-transport-policy", &policy, NULL);
  g_assert_cmpint (policy, ==, 0);
  gst_util_set_object_arg (G_OBJECT (src), "ice-transport-policy", "relay");
  g_object_get (src, "ice-transport-policy", &policy, NULL);
  g_assert_cmpint (policy, ==, 1);

  fd = g_file_open_tmp ("gst-ice-ca-XXXXXX.pem", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  check_refused (src, "turn-ca-file", path, "/nonexistent/ca.pem",
                 "expected a readable PEM file");
  check_refused (src, "turn-ca-file", path, "/tmp",
                 "expected a readable PEM file");
  g_unlink (path);
  g_free (path);

  /* the action signal answers like webrtcbin's */
  g_signal_emit_by_name (src, "add-turn-server", "turn://u:p@127.0.0.1:3478",
                         &ok);
  g_assert_true (ok);
  g_assert_false (warning_logged ("expected"));
  g_signal_emit_by_name (src, "add-turn-server", "turn://127.0.0.1", &ok);
  g_assert_false (ok);
  g_assert_true (warning_logged ("expected turn://USER:PASSWORD@HOST"));
  gst_object_unref (src);
}

static GstElement *
new_element (const gchar *factory, const gchar *agent, guint component,
             gboolean rtcp_mux)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  g_object_set (e, "agent-name", agent, "bind-address", "127.0.0.1",
                "component", component, "rtcp-mux", rtcp_mux, NULL);
  return e;
}

/* Wraps a configured element (the harness starts a sink at once, and the
 * agent takes its settings at NULL→READY). Takes @e. */
static GstHarness *
harness_of (GstElement *e)
{
  gboolean is_src = GST_IS_BASE_SRC (e);
  GstHarness *h = gst_harness_new_with_element (e, is_src ? NULL : "sink",
                                                is_src ? "src" : NULL);

  /* The harness holds its own reference. */
  gst_object_unref (e);
  return h;
}

typedef struct {
  GMutex lock;
  GCond cond;
  gint64 failed_at;
} FailWait;

static void
on_connection_state (GObject *e, GParamSpec *pspec, FailWait *w)
{
  GValue v = G_VALUE_INIT;
  GEnumValue *state;

  g_value_init (&v, pspec->value_type);
  g_object_get_property (e, "ice-connection-state", &v);
  state = g_enum_get_value (g_type_class_peek (pspec->value_type),
                            g_value_get_enum (&v));
  g_value_unset (&v);
  g_mutex_lock (&w->lock);
  if (g_strcmp0 (state->value_nick, "failed") == 0 && w->failed_at < 0)
    w->failed_at = g_get_monotonic_time ();
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
}

/* peer-timeout: 0 (wait forever) by default on both elements, round-trips,
 * and reaches the agent in seconds: a sink whose peer never answers fails
 * one second after it started gathering. */
static void
test_peer_timeout (void)
{
  GstElement *src = gst_element_factory_make ("icesrc", NULL);
  GstElement *sink = new_element ("icesink", "pt-sink", 1, TRUE);
  FailWait w = { .failed_at = -1 };
  GstHarness *h;
  gint64 start, until;
  guint v = 99;

  g_object_get (src, "peer-timeout", &v, NULL);
  g_assert_cmpuint (v, ==, 0);
  g_object_get (sink, "peer-timeout", &v, NULL);
  g_assert_cmpuint (v, ==, 0);
  g_object_set (src, "peer-timeout", 600, NULL);
  g_object_get (src, "peer-timeout", &v, NULL);
  g_assert_cmpuint (v, ==, 600);
  gst_object_unref (src);

  g_object_set (sink, "peer-timeout", 1, "wait-for-connection", FALSE, NULL);
  g_signal_connect (sink, "notify::ice-connection-state",
                    G_CALLBACK (on_connection_state), &w);
  /* before the harness: it may add the stream, which starts the wait */
  start = g_get_monotonic_time ();
  h = harness_of (sink);
  gst_harness_play (h);
  until = start + 10 * G_TIME_SPAN_SECOND;
  g_mutex_lock (&w.lock);
  while (w.failed_at < 0 && g_cond_wait_until (&w.cond, &w.lock, until))
    ;
  g_mutex_unlock (&w.lock);
  g_assert_cmpint (w.failed_at, >=, start + G_TIME_SPAN_SECOND);
  gst_harness_teardown (h);
}

/* Sends a's full description to b once a has gathered. */
static void
on_gathering_done (GstElement *a, guint stream, GstElement *b)
{
  gchar *desc = NULL;
  gboolean ok = FALSE;

  g_object_get (a, "local-description", &desc, NULL);
  g_assert_nonnull (strstr (desc, "a=ice-ufrag:"));
  g_assert_nonnull (strstr (desc, "a=end-of-candidates"));
  g_signal_emit_by_name (b, "set-remote-description", stream, desc, &ok);
  g_assert_true (ok);
  g_free (desc);
}

static void
link_peers (GstElement *a, GstElement *b)
{
  g_signal_connect (a, "on-gathering-done", G_CALLBACK (on_gathering_done), b);
  g_signal_connect (b, "on-gathering-done", G_CALLBACK (on_gathering_done), a);
}

static GstBuffer *
numbered_buffer (guint i)
{
  gchar payload[64];

  g_snprintf (payload, sizeof (payload), "datagram %u over ice", i);
  return gst_buffer_new_memdup (payload, strlen (payload) + 1);
}

static void
check_datagram (GstBuffer *out, guint expected_index)
{
  GstMapInfo map;
  gchar expected[64];

  g_snprintf (expected, sizeof (expected), "datagram %u over ice",
              expected_index);
  g_assert_true (GST_BUFFER_PTS_IS_VALID (out));
  g_assert_nonnull (gst_buffer_get_net_address_meta (out));
  gst_buffer_map (out, &map, GST_MAP_READ);
  g_assert_cmpstr ((const gchar *)map.data, ==, expected);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);
}

/* Single buffers, then a buffer list (one sendmmsg), through a real ICE
 * session on loopback, on @component of stream 0. */
static void
run_push_pull (const gchar *prefix, guint component, gboolean rtcp_mux)
{
  gchar *sink_name = g_strconcat (prefix, "-sink", NULL);
  gchar *src_name = g_strconcat (prefix, "-src", NULL);
  GstElement *sink, *src;
  GstHarness *hsink, *hsrc;
  GstBufferList *list;
  gchar *pair = NULL;
  guint i;

  sink = new_element ("icesink", sink_name, component, rtcp_mux);
  src = new_element ("icesrc", src_name, component, rtcp_mux);
  /* Before the harness starts the sink: its description must not be
   * announced before anyone listens. */
  link_peers (sink, src);
  hsink = harness_of (sink);
  hsrc = harness_of (src);
  gst_harness_play (hsrc);
  gst_harness_play (hsink);
  gst_harness_set_src_caps_str (hsink, "application/x-rtp");

  /* The sink waits for a pair, then sends in order. */
  for (i = 0; i < 5; i++)
    g_assert_cmpint (gst_harness_push (hsink, numbered_buffer (i)), ==,
                     GST_FLOW_OK);
  for (i = 0; i < 5; i++)
    check_datagram (gst_harness_pull (hsrc), i);

  list = gst_buffer_list_new ();
  for (i = 5; i < 15; i++)
    gst_buffer_list_add (list, numbered_buffer (i));
  g_assert_cmpint (gst_pad_push_list (hsink->srcpad, list), ==, GST_FLOW_OK);
  for (i = 5; i < 15; i++)
    check_datagram (gst_harness_pull (hsrc), i);

  /* The sender has a pair (it sent); the receiver may accept media before
   * its own nomination completes (RFC 8445 §12). */
  g_object_get (hsink->element, "selected-pair", &pair, NULL);
  g_assert_nonnull (pair);
  g_assert_nonnull (strstr (pair, "127.0.0.1"));
  g_free (pair);

  gst_harness_teardown (hsrc);
  gst_harness_teardown (hsink);
  g_free (sink_name);
  g_free (src_name);
}

static void
test_push_pull (void)
{
  run_push_pull ("pp", 1, TRUE);
}

/* RTCP on its own component when rtcp-mux is off. */
static void
test_rtcp_component (void)
{
  run_push_pull ("rtcp", 2, FALSE);
}

static gchar *
ufrag_of (GstElement *e)
{
  gchar *desc = NULL, *ufrag, *end;

  g_object_get (e, "local-description", &desc, NULL);
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

/* The restart action gives the shared agent new credentials (RFC 8445
 * §9), seen by both elements of the agent. */
static void
test_restart (void)
{
  GstElement *p, *sink, *src;
  gchar *before, *after, *src_after;

  p = gst_parse_launch (
      "icesrc name=src agent-name=rs bind-address=127.0.0.1 ! fakesink "
      "async=false  fakesrc num-buffers=1 ! icesink name=sink agent-name=rs "
      "async=false wait-for-connection=false",
      NULL);
  sink = gst_bin_get_by_name (GST_BIN (p), "sink");
  src = gst_bin_get_by_name (GST_BIN (p), "src");
  g_assert_cmpint (gst_element_set_state (p, GST_STATE_PAUSED), !=,
                   GST_STATE_CHANGE_FAILURE);
  before = ufrag_of (sink);
  g_signal_emit_by_name (sink, "restart");
  after = ufrag_of (sink);
  src_after = ufrag_of (src);
  g_assert_cmpstr (before, !=, after);
  g_assert_cmpstr (after, ==, src_after);
  gst_element_set_state (p, GST_STATE_NULL);
  g_free (before);
  g_free (after);
  g_free (src_after);
  gst_object_unref (sink);
  gst_object_unref (src);
  gst_object_unref (p);
}

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean arrived;
} Arrival;

static GstPadProbeReturn
note_arrival (GstPad *pad, GstPadProbeInfo *info, Arrival *a)
{
  g_mutex_lock (&a->lock);
  a->arrived = TRUE;
  g_cond_signal (&a->cond);
  g_mutex_unlock (&a->lock);
  return GST_PAD_PROBE_OK;
}

/* A source waiting for data and a sink waiting for a pair must both give
 * up promptly when asked to stop (unlock cancels their waits): without
 * that, set_state would block forever and the test time out. */
static void
test_flushing (void)
{
  GstElement *p, *sink;
  GstPad *pad;
  Arrival a = {
    0,
  };

  p = gst_parse_launch (
      "icesrc agent-name=fl-src bind-address=127.0.0.1 "
      "! fakesink async=false  fakesrc num-buffers=5 sizetype=fixed "
      "sizemax=100 ! icesink name=sink agent-name=fl-sink "
      "bind-address=127.0.0.1 async=false",
      NULL);
  g_assert_nonnull (p);
  sink = gst_bin_get_by_name (GST_BIN (p), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
                     (GstPadProbeCallback)note_arrival, &a, NULL);
  g_assert_cmpint (gst_element_set_state (p, GST_STATE_PLAYING), ==,
                   GST_STATE_CHANGE_SUCCESS);

  /* The sink got a buffer: it now waits for a pair that never comes. */
  g_mutex_lock (&a.lock);
  while (!a.arrived)
    g_cond_wait (&a.cond, &a.lock);
  g_mutex_unlock (&a.lock);
  g_assert_cmpint (gst_element_set_state (p, GST_STATE_READY), ==,
                   GST_STATE_CHANGE_SUCCESS);
  g_assert_cmpint (gst_element_set_state (p, GST_STATE_NULL), ==,
                   GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (p);
}

static void
test_drop_without_pair (void)
{
  GstHarness *h = harness_of (new_element ("icesink", "drop-sink", 1, TRUE));
  GstStructure *stats = NULL;
  guint64 dropped = 0;
  guint i;

  g_object_set (h->element, "wait-for-connection", FALSE, NULL);
  gst_harness_play (h);
  gst_harness_set_src_caps_str (h, "application/x-rtp");
  for (i = 0; i < 7; i++)
    g_assert_cmpint (gst_harness_push (h, numbered_buffer (i)), ==,
                     GST_FLOW_OK);
  g_object_get (h->element, "stats", &stats, NULL);
  g_assert_true (
      gst_structure_get_uint64 (stats, "dropped-not-connected", &dropped));
  g_assert_cmpuint (dropped, ==, 7);
  gst_structure_free (stats);
  gst_harness_teardown (h);
}

typedef struct {
  GMutex lock;
  GCond cond;
  guint gathered;
  guint without_description;
} GatherCount;

/* The application's usual handler: the description must be readable in
 * it, complete (benchmarks/bench-link.c saw NULL here once in a while). */
static void
count_description (GstElement *e, guint stream, GatherCount *g)
{
  gchar *desc = NULL;

  g_object_get (e, "local-description", &desc, NULL);
  g_mutex_lock (&g->lock);
  if (desc == NULL || strstr (desc, "a=end-of-candidates") == NULL)
    g->without_description++;
  g->gathered++;
  g_cond_signal (&g->cond);
  g_mutex_unlock (&g->lock);
  g_free (desc);
}

/* NULL→PLAYING→NULL cycles of a lone icesink and icesrc, stopped at once:
 * a gathering-done that was already being emitted on the agent's thread
 * when the element stopped must still see the description (the element
 * lets go of its agent only after the handler returned). */
static void
test_description_in_gathering_done (void)
{
  const gchar *factories[] = { "icesink", "icesrc" };
  GatherCount g = { 0 };
  guint i, f;

  for (f = 0; f < G_N_ELEMENTS (factories); f++) {
    GstElement *e = new_element (factories[f], "gd", 1, TRUE);
    gint64 until = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;
    GstHarness *h;

    g_signal_connect (e, "on-gathering-done", G_CALLBACK (count_description),
                      &g);
    h = harness_of (e);
    gst_harness_play (h);
    g_mutex_lock (&g.lock);
    while (g.gathered == 0 && g_cond_wait_until (&g.cond, &g.lock, until))
      ;
    g_assert_cmpuint (g.gathered, >, 0);
    g.gathered = 0;
    g_mutex_unlock (&g.lock);
    for (i = 0; i < 100; i++) {
      gst_element_set_state (h->element, GST_STATE_NULL);
      gst_element_set_state (h->element, GST_STATE_PLAYING);
    }
    gst_harness_teardown (h);
  }
  g_assert_cmpuint (g.without_description, ==, 0);
}

static void
test_state_cycles (void)
{
  GstElement *p;
  guint i;

  p = gst_parse_launch (
      "icesrc agent-name=cy bind-address=127.0.0.1 "
      "! fakesink async=false  fakesrc num-buffers=1 "
      "! icesink agent-name=cy bind-address=127.0.0.1 async=false "
      "wait-for-connection=false",
      NULL);
  for (i = 0; i < 5; i++) {
    g_assert_cmpint (gst_element_set_state (p, GST_STATE_PLAYING), !=,
                     GST_STATE_CHANGE_FAILURE);
    g_assert_cmpint (gst_element_get_state (p, NULL, NULL, 5 * GST_SECOND), ==,
                     GST_STATE_CHANGE_SUCCESS);
    g_assert_cmpint (gst_element_set_state (p, GST_STATE_NULL), ==,
                     GST_STATE_CHANGE_SUCCESS);
  }
  gst_object_unref (p);
}

int
main (int argc, char **argv)
{
  int ret;

  warnings = g_string_new (NULL);
  g_log_set_writer_func (record_warnings, NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/gst/elements/defaults", test_defaults);
  g_test_add_func ("/gst/elements/bad-properties", test_bad_properties);
  g_test_add_func ("/gst/elements/peer-timeout", test_peer_timeout);
  g_test_add_func ("/gst/elements/turn-properties", test_turn_properties);
  g_test_add_func ("/gst/elements/turn-other-settings",
                   test_turn_other_settings);
  g_test_add_func ("/gst/elements/push-pull", test_push_pull);
  g_test_add_func ("/gst/elements/rtcp-component", test_rtcp_component);
  g_test_add_func ("/gst/elements/restart", test_restart);
  g_test_add_func ("/gst/elements/flushing", test_flushing);
  g_test_add_func ("/gst/elements/drop-without-pair", test_drop_without_pair);
  g_test_add_func ("/gst/elements/state-cycles", test_state_cycles);
  g_test_add_func ("/gst/elements/description-in-gathering-done",
                   test_description_in_gathering_done);
  ret = g_test_run ();
  /* GST_TRACERS=leaks reports leaked objects with a warning at deinit. */
  gst_deinit ();
  if (warning_logged ("Leaks detected")) {
    g_printerr ("leaks detected, see GST_DEBUG=GST_TRACER:7\n");
    ret = 1;
  }
  g_string_free (warnings, TRUE);
  return ret;
}
