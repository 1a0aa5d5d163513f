/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * webrtc-pair-media: what flows between the two webrtcbins. The offerer
 * sends VP8 video and opens the data channel "chat", sending a message
 * when it opens; the answerer decodes and counts the frames and replies
 * to the first message it receives.
 */
#include "webrtc-pair-private.h"

#define SEND_CHAIN                                                             \
  "videotestsrc is-live=true pattern=ball "                                    \
  "! video/x-raw,width=320,height=240,framerate=30/1 "                         \
  "! vp8enc deadline=1 ! rtpvp8pay pt=96 "                                     \
  "! capsfilter caps=\"application/x-rtp,media=video,encoding-name=VP8,"       \
  "payload=96,clock-rate=90000\""
#define RECV_CHAIN "rtpvp8depay ! vp8dec ! fakesink name=frames sync=false"

#define MESSAGE_OFFERER "hello from the offerer"
#define MESSAGE_ANSWERER "hello from the answerer"

static void
on_message_string (GstWebRTCDataChannel *channel, const gchar *text,
                   WebrtcPair *pair)
{
  WebrtcPairSide side;
  gboolean reply;

  g_mutex_lock (&pair->lock);
  side = channel == pair->channel[WEBRTC_PAIR_OFFERER] ? WEBRTC_PAIR_OFFERER
                                                       : WEBRTC_PAIR_ANSWERER;
  reply = pair->message[side] == NULL && side == WEBRTC_PAIR_ANSWERER;
  if (!pair->message[side])
    pair->message[side] = g_strdup (text);
  g_cond_broadcast (&pair->cond);
  g_mutex_unlock (&pair->lock);
  if (reply)
    g_signal_emit_by_name (channel, "send-string", MESSAGE_ANSWERER);
}

static void
on_channel_open (GstWebRTCDataChannel *channel, WebrtcPair *pair)
{
  g_signal_emit_by_name (channel, "send-string", MESSAGE_OFFERER);
}

static void
on_data_channel (GstElement *bin, GstWebRTCDataChannel *channel,
                 WebrtcPair *pair)
{
  g_mutex_lock (&pair->lock);
  if (!pair->channel[WEBRTC_PAIR_ANSWERER])
    pair->channel[WEBRTC_PAIR_ANSWERER] = g_object_ref (channel);
  g_mutex_unlock (&pair->lock);
  g_signal_connect (channel, "on-message-string",
                    G_CALLBACK (on_message_string), pair);
}

static GstPadProbeReturn
count_frame (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  WebrtcPair *pair = user_data;

  g_mutex_lock (&pair->lock);
  pair->frames++;
  if (pair->frames == 1)
    g_cond_broadcast (&pair->cond);
  g_mutex_unlock (&pair->lock);
  return GST_PAD_PROBE_OK;
}

/* The answerer's RTP source pad: depayload, decode, count frames. */
static void
on_pad_added (GstElement *bin, GstPad *pad, WebrtcPair *pair)
{
  GstElement *recv, *sink;
  GstPad *sinkpad;
  GError *err = NULL;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  recv = gst_parse_bin_from_description (RECV_CHAIN, TRUE, &err);
  if (!recv) {
    webrtc_pair_fail (pair, "cannot make the receive chain: %s", err->message);
    g_clear_error (&err);
    return;
  }
  sink = gst_bin_get_by_name (GST_BIN (recv), "frames");
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER, count_frame, pair,
                     NULL);
  gst_object_unref (sinkpad);
  gst_object_unref (sink);

  gst_bin_add (GST_BIN (pair->pipeline), recv);
  gst_element_sync_state_with_parent (recv);
  sinkpad = gst_element_get_static_pad (recv, "sink");
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    webrtc_pair_fail (pair, "cannot link the answerer's %s",
                      GST_PAD_NAME (pad));
  gst_object_unref (sinkpad);
}

static gboolean
build_sender (WebrtcPair *pair, GError **error)
{
  GstElement *send;
  GstPad *srcpad, *sinkpad;
  GstPadLinkReturn linked;

  send = gst_parse_bin_from_description (SEND_CHAIN, TRUE, error);
  if (!send)
    return FALSE;
  gst_bin_add (GST_BIN (pair->pipeline), send);
  srcpad = gst_element_get_static_pad (send, "src");
  sinkpad = gst_element_request_pad_simple (pair->bin[WEBRTC_PAIR_OFFERER],
                                            "sink_%u");
  linked = gst_pad_link (srcpad, sinkpad);
  gst_object_unref (srcpad);
  gst_object_unref (sinkpad);
  if (linked != GST_PAD_LINK_OK) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
                 "cannot link the video sender to webrtcbin: %s",
                 gst_pad_link_get_name (linked));
    return FALSE;
  }
  return TRUE;
}

gboolean
webrtc_pair_media_build (WebrtcPair *pair, GError **error)
{
  g_signal_connect (pair->bin[WEBRTC_PAIR_ANSWERER], "on-data-channel",
                    G_CALLBACK (on_data_channel), pair);
  g_signal_connect (pair->bin[WEBRTC_PAIR_ANSWERER], "pad-added",
                    G_CALLBACK (on_pad_added), pair);
  return build_sender (pair, error);
}

gboolean
webrtc_pair_media_open_channel (WebrtcPair *pair, GError **error)
{
  GstWebRTCDataChannel *channel = NULL;

  g_signal_emit_by_name (pair->bin[WEBRTC_PAIR_OFFERER], "create-data-channel",
                         "chat", NULL, &channel);
  if (!channel) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
                 "create-data-channel returned no channel");
    return FALSE;
  }
  g_mutex_lock (&pair->lock);
  pair->channel[WEBRTC_PAIR_OFFERER] = channel;
  g_mutex_unlock (&pair->lock);
  g_signal_connect (channel, "on-open", G_CALLBACK (on_channel_open), pair);
  g_signal_connect (channel, "on-message-string",
                    G_CALLBACK (on_message_string), pair);
  return TRUE;
}
