/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The per-path entries of "stats" (docs/elements.md): an icesink and an
 * icesrc with their own agents meet on loopback through their signals,
 * media flows, and each element's structure then holds its selected
 * candidate pair, the two candidates the pair names, the stream entry
 * naming the pair, and the media counted on it. The structure must
 * survive serialization (what `gst-launch-1.0 -m` prints).
 */
#include <gst/gst.h>
#include <gst/base/gstbasesrc.h>
#include <gst/check/gstharness.h>
#include <gio/gio.h>
#include <string.h>

/* Bounds every wait on an event; never reached when things work. */
#define DEADLINE_S 30
#define N_BUFFERS 5

static GstElement *
new_element (const gchar *factory, const gchar *agent)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  g_object_set (e, "agent-name", agent, "bind-address", "127.0.0.1", NULL);
  return e;
}

/* Takes @e (the harness holds its own reference). */
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
on_gathering_done (GstElement *a, guint stream, GstElement *b)
{
  gchar *desc = NULL;
  gboolean ok = FALSE;

  g_object_get (a, "local-description", &desc, NULL);
  g_signal_emit_by_name (b, "set-remote-description", stream, desc, &ok);
  g_assert_true (ok);
  g_free (desc);
}

static void
push_and_pull (GstHarness *hsink, GstHarness *hsrc)
{
  static const gchar payload[] = "a datagram over ice";
  guint i;

  for (i = 0; i < N_BUFFERS; i++)
    g_assert_cmpint (gst_harness_push (hsink, gst_buffer_new_memdup (
                                                  payload, sizeof (payload))),
                     ==, GST_FLOW_OK);
  for (i = 0; i < N_BUFFERS; i++)
    gst_buffer_unref (gst_harness_pull (hsrc));
}

/* --- waiting for a selected pair ---------------------------------------- */

typedef struct {
  GMutex lock;
  GCond cond;
} Waiter;

static void
on_selected_pair (GObject *e, GParamSpec *pspec, Waiter *w)
{
  g_mutex_lock (&w->lock);
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
}

static gboolean
has_selected_pair (GstElement *e)
{
  gchar *pair = NULL;
  gboolean has;

  g_object_get (e, "selected-pair", &pair, NULL);
  has = pair != NULL;
  g_free (pair);
  return has;
}

/* The notification comes under @w's lock, so none is missed between the
 * check and the wait. */
static void
wait_selected (GstElement *e, Waiter *w)
{
  gint64 until = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;

  g_mutex_lock (&w->lock);
  while (!has_selected_pair (e)
         && g_cond_wait_until (&w->cond, &w->lock, until))
    ;
  g_mutex_unlock (&w->lock);
  g_assert_true (has_selected_pair (e));
}

/* --- reading the structure --------------------------------------------- */

static GstStructure *
entry (const GstStructure *stats, const gchar *prefix, const gchar *id)
{
  gchar *name = g_strdup_printf ("%s-%s", prefix, id);
  GstStructure *s = NULL;

  if (gst_structure_has_field_typed (stats, name, GST_TYPE_STRUCTURE))
    gst_structure_get (stats, name, GST_TYPE_STRUCTURE, &s, NULL);
  g_free (name);
  return s;
}

typedef struct {
  const gchar *type;
  guint n;
  gchar *selected_id; /* of the last selected pair seen */
} Count;

static gboolean
count_entry (GQuark field, const GValue *value, gpointer data)
{
  Count *c = data;
  const GstStructure *s;
  gboolean selected = FALSE;

  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;
  s = gst_value_get_structure (value);
  if (g_strcmp0 (gst_structure_get_string (s, "type"), c->type) != 0)
    return TRUE;
  c->n++;
  /* the field is named by the entry's id */
  g_assert_true (g_str_has_suffix (g_quark_to_string (field),
                                   gst_structure_get_string (s, "id")));
  if (gst_structure_get_boolean (s, "selected", &selected) && selected) {
    g_free (c->selected_id);
    c->selected_id = g_strdup (gst_structure_get_string (s, "id"));
  }
  return TRUE;
}

static Count
count_type (const GstStructure *stats, const gchar *type)
{
  Count c = { type, 0, NULL };

  gst_structure_foreach (stats, count_entry, &c);
  return c;
}

/* A host candidate on loopback, of the kind @type, in stream 0. */
static void
check_candidate (const GstStructure *stats, const gchar *prefix,
                 const gchar *id)
{
  GstStructure *cand = entry (stats, prefix, id);
  guint port = 0, stream = 99;

  g_assert_nonnull (cand);
  g_assert_cmpstr (gst_structure_get_string (cand, "type"), ==, prefix);
  g_assert_cmpstr (gst_structure_get_string (cand, "id"), ==, id);
  g_assert_cmpstr (gst_structure_get_string (cand, "candidate-type"), ==,
                   "host");
  g_assert_cmpstr (gst_structure_get_string (cand, "address"), ==, "127.0.0.1");
  g_assert_cmpstr (gst_structure_get_string (cand, "protocol"), ==, "udp");
  g_assert_true (gst_structure_get_uint (cand, "port", &port));
  g_assert_cmpuint (port, >, 0);
  g_assert_true (gst_structure_get_uint (cand, "stream", &stream));
  g_assert_cmpuint (stream, ==, 0);
  g_assert_false (gst_structure_has_field (cand, "url"));
  gst_structure_free (cand);
}

static guint64
get_u64 (const GstStructure *s, const gchar *field)
{
  guint64 v = 0;

  g_assert_true (gst_structure_get_uint64 (s, field, &v));
  return v;
}

/* The selected pair: succeeded, nominated, checked both ways, measured */
static void
check_selected_pair (const GstStructure *pair)
{
  gboolean nominated = FALSE;
  gdouble rtt = -1, total = -1;

  g_assert_cmpstr (gst_structure_get_string (pair, "state"), ==, "succeeded");
  g_assert_true (gst_structure_get_boolean (pair, "nominated", &nominated));
  g_assert_true (nominated);
  g_assert_false (gst_structure_has_field (pair, "failure-reason"));
  g_assert_cmpuint (get_u64 (pair, "requests-sent")
                        + get_u64 (pair, "requests-received"),
                    >, 0);
  g_assert_cmpuint (get_u64 (pair, "responses-sent")
                        + get_u64 (pair, "responses-received"),
                    >, 0);
  /* seconds; loopback answers in well under one */
  if (get_u64 (pair, "round-trip-time-measurements") > 0) {
    g_assert_true (
        gst_structure_get_double (pair, "current-round-trip-time", &rtt));
    g_assert_cmpfloat (rtt, >=, 0);
    g_assert_cmpfloat (rtt, <, 1);
  }
  g_assert_true (
      gst_structure_get_double (pair, "total-round-trip-time", &total));
  g_assert_cmpfloat (total, >=, 0);
}

/* The stream entry names the selected pair and says it is connected. */
static void
check_stream (const GstStructure *stats, const gchar *selected_id)
{
  GstStructure *stream = entry (stats, "stream", "0");
  const gchar *state;
  guint n_pairs = 0;

  g_assert_nonnull (stream);
  g_assert_cmpstr (gst_structure_get_string (stream, "type"), ==, "stream");
  g_assert_cmpstr (
      gst_structure_get_string (stream, "selected-candidate-pair-id"), ==,
      selected_id);
  g_assert_true (gst_structure_get_uint (stream, "candidate-pairs", &n_pairs));
  g_assert_cmpuint (n_pairs, >=, 1);
  state = gst_structure_get_string (stream, "ice-connection-state");
  g_assert_true (g_strcmp0 (state, "connected") == 0
                 || g_strcmp0 (state, "completed") == 0);
  g_assert_cmpstr (gst_structure_get_string (stream, "ice-gathering-state"), ==,
                   "complete");
  gst_structure_free (stream);
}

/* Serialized and parsed back, the entries are all still there. */
static void
check_round_trip (const GstStructure *stats, const gchar *selected_id)
{
  gchar *text = gst_structure_to_string (stats);
  GstStructure *back = gst_structure_from_string (text, NULL);
  GstStructure *pair;

  g_assert_nonnull (back);
  g_assert_cmpuint (gst_structure_n_fields (back), ==,
                    gst_structure_n_fields (stats));
  pair = entry (back, "candidate-pair", selected_id);
  g_assert_nonnull (pair);
  gst_structure_free (pair);
  gst_structure_free (back);
  g_free (text);
}

/* Returns the selected pair's entry of @e's "stats", checked. */
static GstStructure *
check_paths (GstElement *e)
{
  GstStructure *stats = NULL, *pair;
  Count pairs;

  g_object_get (e, "stats", &stats, NULL);
  g_assert_nonnull (stats);
  pairs = count_type (stats, "candidate-pair");
  g_assert_cmpuint (pairs.n, >=, 1);
  g_assert_nonnull (pairs.selected_id);
  /* each element carries one stream, one host candidate each side */
  g_assert_cmpuint (count_type (stats, "local-candidate").n, ==, 1);
  g_assert_cmpuint (count_type (stats, "remote-candidate").n, ==, 1);
  g_assert_cmpuint (count_type (stats, "stream").n, ==, 1);
  pair = entry (stats, "candidate-pair", pairs.selected_id);
  check_selected_pair (pair);
  check_candidate (stats, "local-candidate",
                   gst_structure_get_string (pair, "local-candidate-id"));
  check_candidate (stats, "remote-candidate",
                   gst_structure_get_string (pair, "remote-candidate-id"));
  check_stream (stats, pairs.selected_id);
  check_round_trip (stats, pairs.selected_id);
  g_free (pairs.selected_id);
  gst_structure_free (stats);
  return pair;
}

/* Before the element has a stream there is no path to report. */
static void
test_no_paths_before_start (void)
{
  GstElement *src = gst_element_factory_make ("icesrc", NULL);
  GstStructure *stats = NULL;

  g_object_get (src, "stats", &stats, NULL);
  g_assert_nonnull (stats);
  g_assert_cmpuint (count_type (stats, "candidate-pair").n, ==, 0);
  g_assert_cmpuint (count_type (stats, "local-candidate").n, ==, 0);
  g_assert_false (gst_structure_has_field (stats, "stream-0"));
  gst_structure_free (stats);
  gst_object_unref (src);
}

static void
test_paths (void)
{
  GstElement *sink = new_element ("icesink", "stats-sink");
  GstElement *src = new_element ("icesrc", "stats-src");
  GstStructure *tx, *rx;
  GstHarness *hsink, *hsrc;
  Waiter w;

  g_mutex_init (&w.lock);
  g_cond_init (&w.cond);
  g_signal_connect (sink, "on-gathering-done", G_CALLBACK (on_gathering_done),
                    src);
  g_signal_connect (src, "on-gathering-done", G_CALLBACK (on_gathering_done),
                    sink);
  g_signal_connect (src, "notify::selected-pair", G_CALLBACK (on_selected_pair),
                    &w);
  hsink = harness_of (sink);
  hsrc = harness_of (src);
  gst_harness_play (hsrc);
  gst_harness_play (hsink);
  gst_harness_set_src_caps_str (hsink, "application/x-rtp");

  /* the receiver may take media before its own selection (RFC 8445
   * §12); what comes after is counted on its selected pair */
  push_and_pull (hsink, hsrc);
  wait_selected (hsrc->element, &w);
  push_and_pull (hsink, hsrc);

  tx = check_paths (hsink->element);
  rx = check_paths (hsrc->element);
  g_assert_cmpuint (get_u64 (tx, "packets-sent"), >=, N_BUFFERS);
  g_assert_cmpuint (get_u64 (tx, "bytes-sent"), >=, N_BUFFERS * 20);
  g_assert_cmpuint (get_u64 (rx, "packets-received"), >=, N_BUFFERS);
  g_assert_cmpuint (get_u64 (rx, "bytes-received"), >=, N_BUFFERS * 20);
  g_assert_cmpuint (get_u64 (rx, "packets-sent"), ==, 0);
  gst_structure_free (tx);
  gst_structure_free (rx);

  gst_harness_teardown (hsrc);
  gst_harness_teardown (hsink);
  g_mutex_clear (&w.lock);
  g_cond_clear (&w.cond);
}

/* Waits for @bin's first "ice-stats" element message. */
static GstStructure *
pop_stats_message (GstElement *bin)
{
  gint64 until = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;
  GstBus *bus = gst_element_get_bus (bin);
  GstStructure *found = NULL;
  GstMessage *msg;

  while (found == NULL && g_get_monotonic_time () < until
         && (msg = gst_bus_timed_pop_filtered (
                 bus, (until - g_get_monotonic_time ()) * GST_USECOND,
                 GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR))
                != NULL) {
    const GstStructure *s = gst_message_get_structure (msg);

    g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_ELEMENT);
    if (gst_structure_has_name (s, "ice-stats"))
      found = gst_structure_copy (s);
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  return found;
}

/* Once connected, each element posts its stats, paths included, on the
 * bus: what `gst-launch-1.0 -m` prints. */
static void
test_bus_message (void)
{
  GstElement *tx = gst_parse_launch (
      "audiotestsrc is-live=true ! audio/x-raw,rate=8000,channels=1 ! "
      "rtpL16pay ! icesink name=sink agent-name=bus-tx "
      "bind-address=127.0.0.1",
      NULL);
  GstElement *rx = gst_parse_launch (
      "icesrc name=src agent-name=bus-rx bind-address=127.0.0.1 ! fakesink",
      NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (tx), "sink");
  GstElement *src = gst_bin_get_by_name (GST_BIN (rx), "src");
  GstStructure *stats;
  Count pairs;

  g_signal_connect (sink, "on-gathering-done", G_CALLBACK (on_gathering_done),
                    src);
  g_signal_connect (src, "on-gathering-done", G_CALLBACK (on_gathering_done),
                    sink);
  gst_element_set_state (rx, GST_STATE_PLAYING);
  gst_element_set_state (tx, GST_STATE_PLAYING);
  stats = pop_stats_message (rx);
  g_assert_nonnull (stats);
  g_assert_true (
      g_strcmp0 (gst_structure_get_string (stats, "ice-connection-state"),
                 "connected")
          == 0
      || g_strcmp0 (gst_structure_get_string (stats, "ice-connection-state"),
                    "completed")
             == 0);
  pairs = count_type (stats, "candidate-pair");
  g_assert_cmpuint (pairs.n, >=, 1);
  g_assert_nonnull (pairs.selected_id);
  g_assert_cmpuint (count_type (stats, "stream").n, ==, 1);
  g_free (pairs.selected_id);
  gst_structure_free (stats);

  gst_element_set_state (tx, GST_STATE_NULL);
  gst_element_set_state (rx, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (src);
  gst_object_unref (tx);
  gst_object_unref (rx);
}

/* A UDP socket on loopback that receives the checks and never answers. */
static GSocket *
silent_peer (guint *port)
{
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                G_SOCKET_PROTOCOL_UDP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0);
  GSocketAddress *bound;

  g_assert_nonnull (sock);
  g_assert_true (g_socket_bind (sock, addr, FALSE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  g_object_unref (addr);
  g_object_unref (lo);
  return sock;
}

/* Passes when @stats has a failed pair saying why. */
static gboolean
find_failed (GQuark field, const GValue *value, gpointer data)
{
  const GstStructure *s;

  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;
  s = gst_value_get_structure (value);
  if (g_strcmp0 (gst_structure_get_string (s, "state"), "failed") != 0)
    return TRUE;
  g_assert_true (g_str_has_prefix (
      gst_structure_get_string (s, "failure-reason"), "no response to "));
  g_assert_cmpuint (get_u64 (s, "requests-sent"), >, 0);
  g_assert_cmpuint (get_u64 (s, "responses-received"), ==, 0);
  *(gboolean *)data = TRUE;
  return TRUE;
}

/* The peer's one candidate never answers: the stream fails, and the
 * ice-stats message it posts shows the pair failed and why. */
static void
test_failed_pair (void)
{
  GstElement *rx = gst_parse_launch (
      "icesrc name=src agent-name=fail-rx bind-address=127.0.0.1 ! fakesink",
      NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (rx), "src");
  gboolean ok = FALSE, failed = FALSE;
  GstStructure *stats;
  GSocket *peer;
  gchar *desc;
  guint port;

  peer = silent_peer (&port);
  gst_element_set_state (rx, GST_STATE_PLAYING);
  desc = g_strdup_printf ("a=ice-ufrag:abcd\r\na=ice-pwd:asd88fgpdd777uzjYhagZg"
                          "\r\na=candidate:1 1 UDP 2130706431 127.0.0.1 %u "
                          "typ host\r\na=end-of-candidates\r\n",
                          port);
  g_signal_emit_by_name (src, "set-remote-description", 0, desc, &ok);
  g_assert_true (ok);
  /* the checks give up some 8.5 s after the first one */
  stats = pop_stats_message (rx);
  g_assert_nonnull (stats);
  g_assert_cmpstr (gst_structure_get_string (stats, "ice-connection-state"), ==,
                   "failed");
  gst_structure_foreach (stats, find_failed, &failed);
  g_assert_true (failed);
  gst_structure_free (stats);

  gst_element_set_state (rx, GST_STATE_NULL);
  g_free (desc);
  g_object_unref (peer);
  gst_object_unref (src);
  gst_object_unref (rx);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/gst/stats/no-paths-before-start",
                   test_no_paths_before_start);
  g_test_add_func ("/gst/stats/paths", test_paths);
  g_test_add_func ("/gst/stats/bus-message", test_bus_message);
  g_test_add_func ("/gst/stats/failed-pair", test_failed_pair);
  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
