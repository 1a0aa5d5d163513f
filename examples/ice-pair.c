/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ice-pair: two pipelines in one process carry VP8 video over a real ICE
 * session, connected by the elements' signals (trickle ICE):
 *
 *   videotestsrc ! vp8enc ! rtpvp8pay ! icesink      (agent "tx")
 *   icesrc ! rtpvp8depay ! vp8dec ! fakesink         (agent "rx")
 *
 * It prints the selected pair, the packets received, the loss and the time
 * from PLAYING to a selected pair.
 *
 *   ice-pair [--seconds N] [--bind ADDRESSES] [--display]
 */
#include <gst/gst.h>
#include <stdlib.h>
#include <string.h>

#define RTP_CAPS                                                               \
  "application/x-rtp,media=video,clock-rate=90000,"                            \
  "encoding-name=VP8,payload=96"

typedef struct {
  GMainLoop *loop;
  GstElement *tx, *rx;
  GstElement *icesink, *icesrc;
  gint64 start_us;
  gint64 connected_us; /* atomic-free: written on the main loop */
  gboolean creds_sent[2];
  GMutex lock;
  gint exit_code;
} App;

static GstElement *
peer_of (App *app, GstElement *e)
{
  return e == app->icesink ? app->icesrc : app->icesink;
}

/* The ufrag/pwd/options lines of a description: candidates trickle. */
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

static void
send_credentials_once (App *app, GstElement *e, guint stream)
{
  guint idx = e == app->icesink ? 0 : 1;
  gboolean first, ok = FALSE;
  gchar *creds;

  g_mutex_lock (&app->lock);
  first = !app->creds_sent[idx];
  app->creds_sent[idx] = TRUE;
  g_mutex_unlock (&app->lock);
  if (!first)
    return;
  creds = credentials_of (e);
  g_signal_emit_by_name (peer_of (app, e), "set-remote-description", stream,
                         creds, &ok);
  if (!ok)
    g_printerr ("peer refused the credentials of %s\n", GST_OBJECT_NAME (e));
  g_free (creds);
}

static void
on_ice_candidate (GstElement *e, guint stream, const gchar *line, App *app)
{
  send_credentials_once (app, e, stream);
  g_signal_emit_by_name (peer_of (app, e), "add-ice-candidate", stream, line);
}

static void
on_gathering_done (GstElement *e, guint stream, App *app)
{
  send_credentials_once (app, e, stream);
  g_signal_emit_by_name (peer_of (app, e), "add-ice-candidate", stream,
                         "a=end-of-candidates");
}

static gboolean
on_message (GstBus *bus, GstMessage *msg, App *app)
{
  const GstStructure *s = gst_message_get_structure (msg);
  GError *err = NULL;
  gchar *dbg = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &dbg);
      g_printerr ("error from %s: %s (%s)\n", GST_OBJECT_NAME (msg->src),
                  err->message, dbg ? dbg : "");
      g_clear_error (&err);
      g_free (dbg);
      app->exit_code = 1;
      g_main_loop_quit (app->loop);
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_structure_has_name (s, "ice-selected-pair")
          && app->connected_us == 0) {
        app->connected_us = g_get_monotonic_time ();
      }
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_done (gpointer data)
{
  g_main_loop_quit (((App *)data)->loop);
  return G_SOURCE_REMOVE;
}

static guint64
stat_of (GstElement *e, const gchar *field)
{
  GstStructure *stats = NULL;
  guint64 v = 0;

  g_object_get (e, "stats", &stats, NULL);
  if (stats) {
    gst_structure_get_uint64 (stats, field, &v);
    gst_structure_free (stats);
  }
  return v;
}

static void
print_report (App *app)
{
  gchar *pair = NULL;
  guint64 sent, received;

  g_object_get (app->icesrc, "selected-pair", &pair, NULL);
  sent = stat_of (app->icesink, "packets-sent");
  /* Stop the sender first so nothing is in flight when we count. */
  gst_element_set_state (app->tx, GST_STATE_NULL);
  g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  received = stat_of (app->icesrc, "packets-received");

  g_print ("selected pair:    %s\n", pair ? pair : "(none)");
  g_print ("packets sent:     %" G_GUINT64_FORMAT "\n", sent);
  g_print ("packets received: %" G_GUINT64_FORMAT "\n", received);
  g_print ("loss:             %.2f %%\n",
           sent ? 100.0 * (sent > received ? sent - received : 0) / sent : 0.0);
  if (app->connected_us)
    g_print ("connect time:     %.1f ms\n",
             (app->connected_us - app->start_us) / 1000.0);
  else
    g_print ("connect time:     (never connected)\n");
  if (pair == NULL || received == 0)
    app->exit_code = 1;
  g_free (pair);
}

static gboolean
build_pipelines (App *app, const gchar *bind, gboolean display)
{
  gchar *desc;
  GError *err = NULL;

  desc = g_strdup_printf (
      "videotestsrc is-live=true ! "
      "video/x-raw,width=320,height=240,framerate=30/1 ! "
      "vp8enc deadline=1 ! rtpvp8pay ! icesink name=icesink agent-name=tx "
      "bind-address=%s",
      bind);
  app->tx = gst_parse_launch (desc, &err);
  g_free (desc);
  if (app->tx == NULL)
    goto failed;
  desc = g_strdup_printf ("icesrc name=icesrc agent-name=rx bind-address=%s "
                          "caps=\"" RTP_CAPS
                          "\" ! rtpvp8depay ! vp8dec ! videoconvert ! %s",
                          bind, display ? "autovideosink" : "fakesink");
  app->rx = gst_parse_launch (desc, &err);
  g_free (desc);
  if (app->rx == NULL)
    goto failed;
  app->icesink = gst_bin_get_by_name (GST_BIN (app->tx), "icesink");
  app->icesrc = gst_bin_get_by_name (GST_BIN (app->rx), "icesrc");
  return TRUE;

failed:
  g_printerr ("cannot build the pipelines: %s\n", err->message);
  g_printerr ("(vp8enc is in gstreamer1.0-plugins-good)\n");
  g_clear_error (&err);
  return FALSE;
}

static void
connect_signals (App *app)
{
  GstElement *ends[2] = { app->icesink, app->icesrc };
  GstBus *bus;
  guint i;

  for (i = 0; i < 2; i++) {
    g_signal_connect (ends[i], "on-ice-candidate",
                      G_CALLBACK (on_ice_candidate), app);
    g_signal_connect (ends[i], "on-gathering-done",
                      G_CALLBACK (on_gathering_done), app);
  }
  bus = gst_element_get_bus (app->tx);
  gst_bus_add_watch (bus, (GstBusFunc)on_message, app);
  gst_object_unref (bus);
  bus = gst_element_get_bus (app->rx);
  gst_bus_add_watch (bus, (GstBusFunc)on_message, app);
  gst_object_unref (bus);
}

int
main (int argc, char **argv)
{
  App app = {
    0,
  };
  gint seconds = 5;
  gchar *bind = NULL;
  gboolean display = FALSE;
  GOptionEntry entries[]
      = { { "seconds", 's', 0, G_OPTION_ARG_INT, &seconds, "How long to run",
            "N" },
          { "bind", 'b', 0, G_OPTION_ARG_STRING, &bind,
            "bind-address of both agents (default 127.0.0.1)", "ADDRESSES" },
          { "display", 'd', 0, G_OPTION_ARG_NONE, &display,
            "Show the video (autovideosink)", NULL },
          { NULL } };
  GOptionContext *ctx = g_option_context_new ("- VP8 over ICE, two pipelines");
  GError *err = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("%s\n", err->message);
    return 2;
  }
  g_option_context_free (ctx);
  g_mutex_init (&app.lock);
  app.loop = g_main_loop_new (NULL, FALSE);
  if (!build_pipelines (&app, bind ? bind : "127.0.0.1", display))
    return 1;
  connect_signals (&app);

  app.start_us = g_get_monotonic_time ();
  gst_element_set_state (app.rx, GST_STATE_PLAYING);
  gst_element_set_state (app.tx, GST_STATE_PLAYING);
  g_timeout_add_seconds (seconds, on_done, &app);
  g_main_loop_run (app.loop);

  print_report (&app);
  gst_element_set_state (app.rx, GST_STATE_NULL);
  gst_object_unref (app.icesink);
  gst_object_unref (app.icesrc);
  gst_object_unref (app.tx);
  gst_object_unref (app.rx);
  g_main_loop_unref (app.loop);
  g_free (bind);
  return app.exit_code;
}
