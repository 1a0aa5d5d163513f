/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two webrtcbins in one process for the webrtc suite: each on gst-ice
 * (GstIceWebRTCICE, looked up by name as an application that does not
 * link to us would) or on libnice (webrtcbin's default), gathering on
 * loopback only, the offerer sending VP8 video and both a data channel
 * message. Every wait is on a predicate under the pair's lock, with a
 * deadline.
 */
#ifndef __WEBRTC_PEER_H__
#define __WEBRTC_PEER_H__

#include <gst/gst.h>
#ifndef GST_USE_UNSTABLE_API
#define GST_USE_UNSTABLE_API
#endif
#include <gst/webrtc/webrtc.h>

G_BEGIN_DECLS

typedef enum {
  PEER_LIBNICE,
  PEER_GSTICE,
} PeerBackend;

typedef enum {
  /* candidates go to the peer as they come, usually before it has the
   * remote description (webrtcbin holds them until then) */
  TRICKLE_AT_ONCE,
  /* candidates are held until the peer has set its remote description */
  TRICKLE_AFTER_DESCRIPTION,
} TrickleMode;

typedef struct _Pair Pair;

typedef struct {
  Pair *pair;
  const gchar *name;
  PeerBackend backend;
  GstElement *pipeline;
  GstElement *webrtc;
  gboolean has_remote;  /* remote description set; under pair lock */
  GPtrArray *held;      /* "mline\ncandidate" waiting for has_remote */
  GPtrArray *emitted;   /* our "candidate:..." lines, under pair lock */
  guint frames_decoded; /* VP8 frames out of the decoder */
  GstWebRTCDataChannel *channel;
  gchar *message;      /* the first data channel message received */
  gchar *last_message; /* the last one */
  gboolean sent_message;
} Peer;

struct _Pair {
  GMutex lock;
  GCond cond;
  TrickleMode trickle;
  Peer offerer;
  Peer answerer;
};

/* g_test_init() and gst_init(); FALSE if webrtcbin or the plugin icewebrtc
 * is missing: then "1..0 # SKIP why" is printed and the test returns
 * *@skip_status (0 under --tap, which meson's TAP protocol wants, else 77). */
gboolean webrtc_test_init (int *argc, char ***argv, int *skip_status);
/* A new GstIceWebRTCICE, by type name. */
GstWebRTCICE *webrtc_new_gstice (void);

/* @offerer_turn, @answerer_turn: a TURN URI for that peer, which then
 * uses relayed candidates only (ice-transport-policy relay); or NULL */
void pair_init (Pair *pair, PeerBackend offerer, PeerBackend answerer,
                TrickleMode trickle, const gchar *offerer_turn,
                const gchar *answerer_turn);
void pair_clear (Pair *pair);
/* PLAYING, offer/answer; FALSE if some step failed. */
gboolean pair_start (Pair *pair);
/* Offer/answer again; candidates are held until the peer has the new
 * description. @credentials: NULL, or the offer's ufrag and pwd then the
 * answer's, put into the descriptions before they are set (munging). */
gboolean pair_negotiate (Pair *pair, const gchar *const *credentials);
/* Replaces every m-line's a=ice-ufrag and a=ice-pwd. */
void sdp_set_ice_credentials (GstSDPMessage *sdp, const gchar *ufrag,
                              const gchar *pwd);
gboolean pair_wait_media (Pair *pair, guint frames, gint64 timeout_s);
/* The selected pair from get-stats, as "ip port type" for each end. */
gboolean peer_selected_pair (Peer *peer, gchar **local, gchar **remote);
gboolean peer_emitted_candidate (Peer *peer, const gchar *ip_port);
/* Asserts that get-stats has a selected pair whose local end is a
 * 127.0.0.1 candidate the peer signalled and whose remote end is one the
 * other peer signalled (or peer-reflexive); returns the local end as
 * "ip port type". */
gchar *peer_check_selected_pair (Peer *peer);

G_END_DECLS
#endif /* __WEBRTC_PEER_H__ */
