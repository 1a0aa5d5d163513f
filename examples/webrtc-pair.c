/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * webrtc-pair: two webrtcbins in one process, negotiated in-process
 * (offer/answer, trickled candidates), one on gst-ice and one on libnice by
 * default. The offerer sends VP8 video and a data channel message; the
 * answerer decodes the video and replies on the channel. It prints the
 * selected pair of each side (from get-stats), the connect time (from the
 * offer's creation until both ICE transports are connected, and until both
 * DTLS handshakes are done) and what the answerer received.
 *
 *   webrtc-pair [--offerer ice|nice] [--answerer ice|nice] [--both] [--nice]
 *               [--stun URI] [--turn URI] [--relay] [--seconds N] [--timeout N]
 *
 * --stun, --turn and --relay set webrtcbin's stun-server, turn-server and
 * ice-transport-policy=relay on both sides.
 *
 * gst-ice's agent is found by name, which loads the plugin icewebrtc (no
 * link to it): run with GST_PLUGIN_PATH=build/gst, or in `meson devenv -C
 * build`.
 * Exits 0 when video was decoded and the message went each way.
 */
#include <stdlib.h>

#include "webrtc-pair-session.h"

typedef struct {
  gchar *offerer;
  gchar *answerer;
  gboolean both;
  gboolean nice;
  gchar *stun;
  gchar *turn;
  gboolean relay;
  gint seconds;
  gint timeout;
} Options;

static gboolean
parse_options (int *argc, char ***argv, Options *opt, GError **error)
{
  GOptionEntry entries[] = {
    { "offerer", 0, 0, G_OPTION_ARG_STRING, &opt->offerer,
      "ICE agent of the offerer: ice (default) or nice", "ice|nice" },
    { "answerer", 0, 0, G_OPTION_ARG_STRING, &opt->answerer,
      "ICE agent of the answerer: nice (default) or ice", "ice|nice" },
    { "both", 0, 0, G_OPTION_ARG_NONE, &opt->both, "gst-ice on both sides",
      NULL },
    { "nice", 0, 0, G_OPTION_ARG_NONE, &opt->nice,
      "libnice on both sides (the baseline)", NULL },
    { "stun", 0, 0, G_OPTION_ARG_STRING, &opt->stun,
      "webrtcbin's stun-server on both sides", "stun://HOST:PORT" },
    { "turn", 0, 0, G_OPTION_ARG_STRING, &opt->turn,
      "webrtcbin's turn-server on both sides", "turn://USER:PASS@HOST:PORT" },
    { "relay", 0, 0, G_OPTION_ARG_NONE, &opt->relay,
      "ice-transport-policy=relay on both sides", NULL },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &opt->seconds,
      "how long media flows once everything is up (default 3)", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &opt->timeout,
      "give up when not connected and flowing after N s (default 20)", "N" },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- webrtcbin on gst-ice");
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  ok = g_option_context_parse (ctx, argc, argv, error);
  g_option_context_free (ctx);
  return ok;
}

static gboolean
choose_backends (Options *opt, WebrtcPairBackend backends[2], GError **error)
{
  if (opt->both && opt->nice) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "--both and --nice exclude each other");
    return FALSE;
  }
  backends[0] = opt->nice ? WEBRTC_PAIR_NICE : WEBRTC_PAIR_ICE;
  backends[1] = opt->both ? WEBRTC_PAIR_ICE : WEBRTC_PAIR_NICE;
  if (opt->offerer
      && !webrtc_pair_backend_from_name (opt->offerer, &backends[0]))
    goto bad;
  if (opt->answerer
      && !webrtc_pair_backend_from_name (opt->answerer, &backends[1]))
    goto bad;
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "an ICE agent is either ice or nice");
  return FALSE;
}

static void
print_side (WebrtcPair *pair, WebrtcPairSide side, const gchar *label)
{
  GstStructure *stats = webrtc_pair_get_stats (pair, side);
  gchar *selected = stats ? webrtc_pair_describe_selected (stats) : NULL;
  gchar *message = webrtc_pair_message_received (pair, side);

  g_print ("%s selected pair: %s\n", label,
           selected ? selected : "(none in get-stats)");
  g_print ("%s received on the data channel: \"%s\"\n", label,
           message ? message : "");
  if (side == WEBRTC_PAIR_ANSWERER && stats)
    g_print ("%s RTP packets received: %" G_GUINT64_FORMAT
             ", VP8 frames decoded: %" G_GUINT64_FORMAT "\n",
             label, webrtc_pair_packets_received (stats),
             webrtc_pair_frames_received (pair));
  g_free (message);
  g_free (selected);
  if (stats)
    gst_structure_free (stats);
}

/* Connects, waits for media and the messages, lets media flow. */
static gboolean
run_pair (WebrtcPair *pair, const Options *opt, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + opt->timeout * G_TIME_SPAN_SECOND;

  webrtc_pair_configure_ice (pair, opt->stun, opt->turn, opt->relay);
  if (!webrtc_pair_start (pair, error)
      || !webrtc_pair_wait (pair, WEBRTC_PAIR_ICE_CONNECTED, deadline, error))
    return FALSE;
  g_print ("create-offer took %.1f ms (DTLS transports, certificate)\n",
           webrtc_pair_offer_ms (pair));
  g_print ("ICE connected (both sides) %.1f ms after the offer was created\n",
           webrtc_pair_ms_since_offer (pair, WEBRTC_PAIR_ICE_CONNECTED));
  if (!webrtc_pair_wait (pair, WEBRTC_PAIR_DTLS_CONNECTED, deadline, error))
    return FALSE;
  g_print ("DTLS connected (both sides) %.1f ms after the offer was created\n",
           webrtc_pair_ms_since_offer (pair, WEBRTC_PAIR_DTLS_CONNECTED));
  if (!webrtc_pair_wait (pair, WEBRTC_PAIR_MEDIA, deadline, error))
    return FALSE;
  /* the run length: media flows meanwhile, nothing waits on it */
  g_usleep (opt->seconds * G_TIME_SPAN_SECOND);
  return TRUE;
}

int
main (int argc, char **argv)
{
  Options opt = { NULL, NULL, FALSE, FALSE, NULL, NULL, FALSE, 3, 20 };
  WebrtcPairBackend backends[2];
  WebrtcPair *pair = NULL;
  GError *error = NULL;
  gchar *label[2];
  int status = EXIT_FAILURE;

  if (!parse_options (&argc, &argv, &opt, &error)
      || !choose_backends (&opt, backends, &error))
    goto out;
  label[0] = g_strdup_printf ("offerer (%s):",
                              webrtc_pair_backend_name (backends[0]));
  label[1] = g_strdup_printf ("answerer (%s):",
                              webrtc_pair_backend_name (backends[1]));
  g_print ("offerer on %s, answerer on %s\n",
           webrtc_pair_backend_name (backends[0]),
           webrtc_pair_backend_name (backends[1]));

  pair = webrtc_pair_new (backends[0], backends[1], &error);
  if (pair && run_pair (pair, &opt, &error)) {
    print_side (pair, WEBRTC_PAIR_OFFERER, label[0]);
    print_side (pair, WEBRTC_PAIR_ANSWERER, label[1]);
    status = EXIT_SUCCESS;
  }
  webrtc_pair_free (pair);
  g_free (label[0]);
  g_free (label[1]);

out:
  if (error)
    g_printerr ("webrtc-pair: %s\n", error->message);
  g_clear_error (&error);
  g_free (opt.offerer);
  g_free (opt.answerer);
  g_free (opt.stun);
  g_free (opt.turn);
  gst_deinit (); /* lets GST_TRACERS=leaks report */
  return status;
}
