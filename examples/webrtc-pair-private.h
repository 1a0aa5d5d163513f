/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * webrtc-pair-private: the pair's state, shared by webrtc-pair-session.c
 * (webrtcbins, offer/answer, ICE and DTLS states), webrtc-pair-media.c
 * (video and the data channel) and webrtc-pair-wait.c (waiting, times).
 */
#ifndef WEBRTC_PAIR_PRIVATE_H
#define WEBRTC_PAIR_PRIVATE_H

#include "webrtc-pair-session.h"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

G_BEGIN_DECLS

struct _WebrtcPair {
  GstElement *pipeline;
  GstElement *bin[2]; /* [WEBRTC_PAIR_OFFERER], [WEBRTC_PAIR_ANSWERER] */
  WebrtcPairBackend backend[2];
  GMutex lock;
  GCond cond; /* broadcast under lock whenever a field below changes */
  /* under lock */
  GstWebRTCDataChannel *channel[2];
  gint64 offer_requested_us;
  gint64 offer_created_us;
  gint64 ice_us[2];
  gint64 dtls_us[2];
  gchar *message[2]; /* what each side received on the data channel */
  guint64 frames;
  gchar *error;
};

/* Records the first failure and wakes the waiter. */
void webrtc_pair_fail (WebrtcPair *pair, const gchar *format, ...)
    G_GNUC_PRINTF (2, 3);

/* webrtc-pair-media.c */
gboolean webrtc_pair_media_build (WebrtcPair *pair, GError **error);
gboolean webrtc_pair_media_open_channel (WebrtcPair *pair, GError **error);

G_END_DECLS

#endif /* WEBRTC_PAIR_PRIVATE_H */
