/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two pipelines in one process, each with its own agent, connected only by
 * the elements' signals (trickle ICE: on-ice-candidate → add-ice-candidate,
 * credentials through set-remote-description). RTP audio must flow; the
 * test waits for buffers at the receiver's fakesink, not for a timer.
 * The same pair then meets through the file:// signaller, whose room
 * writes must all run on the signalling thread. With ice-tcp and only the
 * TCP candidates handed over, RTP flows framed on a TCP host pair.
 */
#include <gst/gst.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/prctl.h>

#define RTP_CAPS                                                               \
  "application/x-rtp,media=audio,clock-rate=44100,"                            \
  "encoding-name=L16,channels=2,payload=96"
#define WANTED_BUFFERS 50

typedef struct {
  GMainLoop *loop;
  GstElement *tx, *rx;    /* pipelines */
  GstElement *sink, *src; /* icesink, icesrc */
  gint buffers;           /* atomic */
  gboolean rx_connected;  /* seen as an element message */
  gboolean timed_out;
  GMutex lock;
  GHashTable *creds_sent; /* elements whose credentials went out */
  gboolean tcp_only;      /* ice-tcp, and UDP candidates not handed over */
} PairTest;

static PairTest t;

/* Only the credential lines of @e's description: candidates trickle. */
static gchar *
credentials_of (GstElement *e)
{
  gchar *desc = NULL, **lines;
  GString *out = g_string_new (NULL);
  guint i;

  g_object_get (e, "local-description", &desc, NULL);
  lines = g_strsplit (desc ? desc : "", "\n", -1);
  for (i = 0; lines[i]; i++) {
    if (g_str_has_prefix (lines[i], "a=ice-"))
      g_string_append_printf (out, "%s\n", g_strstrip (lines[i]));
  }
  g_strfreev (lines);
  g_free (desc);
  return g_string_free (out, FALSE);
}

static GstElement *
peer_of (GstElement *e)
{
  return e == t.sink ? t.src : t.sink;
}

static void
send_credentials_once (GstElement *e, guint stream)
{
  gboolean first, ok = FALSE;
  gchar *creds;

  g_mutex_lock (&t.lock);
  first = g_hash_table_add (t.creds_sent, e);
  g_mutex_unlock (&t.lock);
  if (!first)
    return;
  creds = credentials_of (e);
  g_assert_nonnull (strstr (creds, "a=ice-ufrag:"));
  g_signal_emit_by_name (peer_of (e), "set-remote-description", stream, creds,
                         &ok);
  g_assert_true (ok);
  g_free (creds);
}

static void
on_ice_candidate (GstElement *e, guint stream, const gchar *line, gpointer data)
{
  g_assert_true (g_str_has_prefix (line, "candidate:"));
  send_credentials_once (e, stream);
  /* "candidate:F C TRANSPORT ...": the peer never learns our UDP ones */
  if (t.tcp_only && strstr (line, " TCP ") == NULL)
    return;
  g_signal_emit_by_name (peer_of (e), "add-ice-candidate", stream, line);
}

static void
on_gathering_done (GstElement *e, guint stream, gpointer data)
{
  send_credentials_once (e, stream);
  g_signal_emit_by_name (peer_of (e), "add-ice-candidate", stream,
                         "a=end-of-candidates");
}

static void
on_handoff (GstElement *fakesink, GstBuffer *buf, GstPad *pad, gpointer data)
{
  if (g_atomic_int_add (&t.buffers, 1) + 1 == WANTED_BUFFERS)
    g_main_loop_quit (t.loop);
}

static gboolean
on_rx_message (GstBus *bus, GstMessage *msg, gpointer data)
{
  const GstStructure *s = gst_message_get_structure (msg);

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;

    gst_message_parse_error (msg, &err, NULL);
    g_error ("pipeline error: %s", err->message);
  }
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
      && gst_structure_has_name (s, "ice-connection-state")) {
    const gchar *state = gst_structure_get_string (s, "state");

    if (g_strcmp0 (state, "connected") == 0
        || g_strcmp0 (state, "completed") == 0)
      t.rx_connected = TRUE;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer data)
{
  t.timed_out = TRUE;
  g_main_loop_quit (t.loop);
  return G_SOURCE_REMOVE;
}

static void
build_pipelines (void)
{
  const gchar *tcp = t.tcp_only ? "ice-tcp=true" : "";
  gchar *desc;

  t.loop = g_main_loop_new (NULL, FALSE);
  g_mutex_init (&t.lock);
  t.creds_sent = g_hash_table_new (NULL, NULL);
  desc = g_strdup_printf (
      "audiotestsrc is-live=true ! "
      "audio/x-raw,rate=44100,channels=2 ! rtpL16pay ! icesink name=sink "
      "agent-name=pair-tx-%d bind-address=127.0.0.1 %s",
      t.tcp_only, tcp);
  t.tx = gst_parse_launch (desc, NULL);
  g_free (desc);
  desc = g_strdup_printf ("icesrc name=src agent-name=pair-rx-%d "
                          "bind-address=127.0.0.1 %s caps=\"" RTP_CAPS
                          "\" ! rtpL16depay ! "
                          "fakesink name=out signal-handoffs=true",
                          t.tcp_only, tcp);
  t.rx = gst_parse_launch (desc, NULL);
  g_free (desc);
  g_assert_nonnull (t.tx);
  g_assert_nonnull (t.rx);
  t.sink = gst_bin_get_by_name (GST_BIN (t.tx), "sink");
  t.src = gst_bin_get_by_name (GST_BIN (t.rx), "src");
}

static guint64
stat_of (GstElement *e, const gchar *name)
{
  GstStructure *s = NULL;
  guint64 v = 0;

  g_object_get (e, "stats", &s, NULL);
  g_assert_true (gst_structure_get_uint64 (s, name, &v));
  gst_structure_free (s);
  return v;
}

static void
run_signals_pair (gboolean tcp_only)
{
  GstElement *fakesink;
  GstBus *bus;
  gchar *pair = NULL;
  guint timeout_id;

  memset (&t, 0, sizeof (t));
  t.tcp_only = tcp_only;
  build_pipelines ();
  fakesink = gst_bin_get_by_name (GST_BIN (t.rx), "out");
  g_signal_connect (t.sink, "on-ice-candidate", G_CALLBACK (on_ice_candidate),
                    NULL);
  g_signal_connect (t.src, "on-ice-candidate", G_CALLBACK (on_ice_candidate),
                    NULL);
  g_signal_connect (t.sink, "on-gathering-done", G_CALLBACK (on_gathering_done),
                    NULL);
  g_signal_connect (t.src, "on-gathering-done", G_CALLBACK (on_gathering_done),
                    NULL);
  g_signal_connect (fakesink, "handoff", G_CALLBACK (on_handoff), NULL);
  bus = gst_element_get_bus (t.rx);
  gst_bus_add_watch (bus, on_rx_message, NULL);

  gst_element_set_state (t.rx, GST_STATE_PLAYING);
  gst_element_set_state (t.tx, GST_STATE_PLAYING);
  timeout_id = g_timeout_add_seconds (30, on_timeout, NULL);
  g_main_loop_run (t.loop);
  g_assert_false (t.timed_out);
  g_source_remove (timeout_id);

  g_assert_cmpint (g_atomic_int_get (&t.buffers), >=, WANTED_BUFFERS);
  g_object_get (t.sink, "selected-pair", &pair, NULL);
  g_assert_nonnull (pair);
  if (tcp_only) {
    g_assert_true (g_str_has_prefix (pair, "tcp "));
    g_assert_cmpuint (stat_of (t.sink, "tcp-connects")
                          + stat_of (t.src, "tcp-connects"),
                      >=, 1);
    g_assert_cmpuint (stat_of (t.sink, "tcp-closed-invalid")
                          + stat_of (t.src, "tcp-closed-invalid"),
                      ==, 0);
  } else {
    g_assert_true (g_str_has_prefix (pair, "udp "));
  }
  g_free (pair);
  /* Let the bus watch see the state messages already posted. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (t.rx_connected);

  gst_element_set_state (t.tx, GST_STATE_NULL);
  gst_element_set_state (t.rx, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (fakesink);
  gst_object_unref (t.sink);
  gst_object_unref (t.src);
  gst_object_unref (t.tx);
  gst_object_unref (t.rx);
  g_hash_table_unref (t.creds_sent);
  g_mutex_clear (&t.lock);
  g_main_loop_unref (t.loop);
}

static void
test_signals_pair (void)
{
  run_signals_pair (FALSE);
}

static void
test_tcp_pair (void)
{
  run_signals_pair (TRUE);
}

/* --- the same pair through the file:// signaller ---------------------------
 */

static gint room_writes;        /* atomic */
static gint room_writes_astray; /* atomic: not on the signalling thread */

/* The signaller's room writes must run on "gst-ice-signal", never on the
 * agents' "gst-ice" packet thread (docs/signalling-file.md). */
static void
check_room_thread (GstDebugCategory *category, GstDebugLevel level,
                   const gchar *file, const gchar *function, gint line,
                   GObject *object, GstDebugMessage *message, gpointer data)
{
  gchar name[17] = "";

  if (strcmp (gst_debug_category_get_name (category), "icesignaller") != 0
      || !g_str_has_prefix (gst_debug_message_get (message), "wrote "))
    return;
  prctl (PR_GET_NAME, name, 0, 0, 0);
  g_atomic_int_inc (&room_writes);
  if (strcmp (name, "gst-ice-signal") != 0)
    g_atomic_int_inc (&room_writes_astray);
}

static void
test_file_signaller_pair (void)
{
  gchar *room = g_dir_make_tmp ("gst-ice-pair-XXXXXX", NULL);
  gchar *desc, *room_files;
  GstElement *fakesink;
  guint timeout_id;
  GDir *dir;

  gst_debug_set_threshold_for_name ("icesignaller", GST_LEVEL_DEBUG);
  gst_debug_add_log_function (check_room_thread, NULL, NULL);
  memset (&t, 0, sizeof (t));
  t.loop = g_main_loop_new (NULL, FALSE);
  desc = g_strdup_printf ("audiotestsrc is-live=true ! "
                          "audio/x-raw,rate=44100,channels=2 ! rtpL16pay ! "
                          "icesink agent-name=room-tx bind-address=127.0.0.1 "
                          "signaller=file://%s/sub",
                          room);
  t.tx = gst_parse_launch (desc, NULL);
  g_free (desc);
  desc = g_strdup_printf ("icesrc agent-name=room-rx bind-address=127.0.0.1 "
                          "signaller=file://%s/sub caps=\"" RTP_CAPS "\" ! "
                          "rtpL16depay ! fakesink name=out "
                          "signal-handoffs=true",
                          room);
  t.rx = gst_parse_launch (desc, NULL);
  g_free (desc);
  g_assert_nonnull (t.tx);
  g_assert_nonnull (t.rx);
  fakesink = gst_bin_get_by_name (GST_BIN (t.rx), "out");
  g_signal_connect (fakesink, "handoff", G_CALLBACK (on_handoff), NULL);

  gst_element_set_state (t.rx, GST_STATE_PLAYING);
  gst_element_set_state (t.tx, GST_STATE_PLAYING);
  timeout_id = g_timeout_add_seconds (30, on_timeout, NULL);
  g_main_loop_run (t.loop);
  g_assert_false (t.timed_out);
  g_source_remove (timeout_id);
  g_assert_cmpint (g_atomic_int_get (&t.buffers), >=, WANTED_BUFFERS);

  gst_element_set_state (t.tx, GST_STATE_NULL);
  gst_element_set_state (t.rx, GST_STATE_NULL);
  gst_debug_remove_log_function (check_room_thread);
  g_assert_cmpint (g_atomic_int_get (&room_writes), >, 0);
  g_assert_cmpint (g_atomic_int_get (&room_writes_astray), ==, 0);

  /* both files are gone at NULL; the room directory stays */
  room_files = g_build_filename (room, "sub", NULL);
  dir = g_dir_open (room_files, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
  g_dir_close (dir);
  g_rmdir (room_files);
  g_rmdir (room);
  g_free (room_files);
  g_free (room);
  gst_object_unref (fakesink);
  gst_object_unref (t.tx);
  gst_object_unref (t.rx);
  g_main_loop_unref (t.loop);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/gst/pair/signals", test_signals_pair);
  g_test_add_func ("/gst/pair/file-signaller", test_file_signaller_pair);
  g_test_add_func ("/gst/pair/tcp-only", test_tcp_pair);
  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
