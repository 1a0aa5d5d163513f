/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * webrtc-pair-session: two webrtcbins in one pipeline, each on libnice or on
 * gst-ice (GstIceWebRTCICE, looked up by name: nothing here links to the
 * plugin), negotiated in-process. The offerer sends VP8 video and opens a
 * data channel; candidates trickle from on-ice-candidate to the peer's
 * add-ice-candidate. Shared by examples/webrtc-pair and
 * benchmarks/bench-webrtc-connect so the offer/answer glue exists once.
 *
 * Every webrtcbin callback runs on one of webrtcbin's threads; they record
 * what happened under the pair's lock and wake webrtc_pair_wait(), which
 * the caller's thread blocks in.
 */
#ifndef WEBRTC_PAIR_SESSION_H
#define WEBRTC_PAIR_SESSION_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum {
  WEBRTC_PAIR_NICE, /* webrtcbin's default agent, GstWebRTCNice */
  WEBRTC_PAIR_ICE,  /* gst-ice: GstIceWebRTCICE from the plugin icewebrtc */
} WebrtcPairBackend;

typedef enum {
  WEBRTC_PAIR_OFFERER = 0,
  WEBRTC_PAIR_ANSWERER = 1,
} WebrtcPairSide;

/* What webrtc_pair_wait() waits for. */
typedef enum {
  WEBRTC_PAIR_ICE_CONNECTED, /* both ice-connection-state connected|completed */
  WEBRTC_PAIR_DTLS_CONNECTED, /* both connection-state connected */
  WEBRTC_PAIR_MEDIA,          /* a decoded frame on the answerer, and the data
                               * channel message received on both sides */
} WebrtcPairCondition;

typedef struct _WebrtcPair WebrtcPair;

const gchar *webrtc_pair_backend_name (WebrtcPairBackend backend);
const gchar *webrtc_pair_side_name (WebrtcPairSide side);
gboolean webrtc_pair_backend_from_name (const gchar *name,
                                        WebrtcPairBackend *out);

GType webrtc_pair_find_ice_type (GError **error);

WebrtcPair *webrtc_pair_new (WebrtcPairBackend offerer,
                             WebrtcPairBackend answerer, GError **error);
/* webrtcbin's stun-server, turn-server (each if not NULL) and
 * ice-transport-policy=relay (if @relay) on both sides; before
 * webrtc_pair_start(), since the agents read them when they gather. */
void webrtc_pair_configure_ice (WebrtcPair *pair, const gchar *stun,
                                const gchar *turn, gboolean relay);
gboolean webrtc_pair_start (WebrtcPair *pair, GError **error);
gboolean webrtc_pair_wait (WebrtcPair *pair, WebrtcPairCondition cond,
                           gint64 deadline_us, GError **error);
void webrtc_pair_free (WebrtcPair *pair);

/* Milliseconds from the offer's creation (its promise replied) until
 * @cond held, or -1 if it has not. */
gdouble webrtc_pair_ms_since_offer (WebrtcPair *pair, WebrtcPairCondition cond);
/* Milliseconds from create-offer to its reply (DTLS transports and the
 * certificate are made in there), or -1. */
gdouble webrtc_pair_offer_ms (WebrtcPair *pair);

/* The nick of @value in the enum @type ("checking"), or "?". */
const gchar *webrtc_pair_enum_nick (GType type, gint value);

guint64 webrtc_pair_frames_received (WebrtcPair *pair);
gchar *webrtc_pair_message_received (WebrtcPair *pair, WebrtcPairSide side);
GstElement *webrtc_pair_get_webrtcbin (WebrtcPair *pair, WebrtcPairSide side);

/* get-stats of one side, blocking; (transfer full) or NULL. */
GstStructure *webrtc_pair_get_stats (WebrtcPair *pair, WebrtcPairSide side);
/* "local TYPE ADDR:PORT <-> remote TYPE ADDR:PORT" of the first
 * candidate-pair entry in @stats, or NULL when there is none. */
gchar *webrtc_pair_describe_selected (const GstStructure *stats);
/* The sum of packets-received over the inbound-rtp entries of @stats. */
guint64 webrtc_pair_packets_received (const GstStructure *stats);

G_END_DECLS

#endif /* WEBRTC_PAIR_SESSION_H */
