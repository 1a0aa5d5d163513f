/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "webrtc-peer.h"

#include <string.h>

#define SEND_BIN                                                               \
  "videotestsrc is-live=true pattern=ball ! "                                  \
  "video/x-raw,width=160,height=120,framerate=15/1 ! "                         \
  "vp8enc deadline=1 keyframe-max-dist=5 ! rtpvp8pay pt=96 ! "                 \
  "application/x-rtp,media=video,encoding-name=VP8,payload=96,"                \
  "clock-rate=90000 ! queue"
#define RECV_BIN "rtpvp8depay ! vp8dec name=dec ! fakesink async=false"

static const gchar *const needed[] = {
  "webrtcbin", "nicesrc",   "videotestsrc", "vp8enc",
  "vp8dec",    "rtpvp8pay", "rtpvp8depay",  "dtlssrtpenc",
  "sctpenc",   "fakesink",  NULL,
};

static gboolean
webrtc_tap_requested (int argc, char **argv)
{
  int i;

  for (i = 1; i < argc; i++)
    if (g_strcmp0 (argv[i], "--tap") == 0)
      return TRUE;
  return FALSE;
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

static gboolean
webrtc_available (gchar **why)
{
  guint i;

  for (i = 0; needed[i] != NULL; i++) {
    GstElementFactory *f = gst_element_factory_find (needed[i]);

    if (f == NULL) {
      *why = g_strdup_printf ("%s is not installed (gstreamer1.0-plugins-"
                              "bad/-good, gstreamer1.0-nice)",
                              needed[i]);
      return FALSE;
    }
    gst_object_unref (f);
  }
  /* loads the plugin icewebrtc, which registers the type */
  if (load_dynamic_type ("GstIceWebRTCICE") == G_TYPE_INVALID) {
    *why = g_strdup ("no plugin icewebrtc: gst-ice was built without "
                     "gstreamer-webrtc-1.0");
    return FALSE;
  }
  return TRUE;
}

gboolean
webrtc_test_init (int *argc, char ***argv, int *skip_status)
{
  /* before g_test_init() takes --tap out of argv */
  gboolean tap = webrtc_tap_requested (*argc, *argv);
  gchar *why = NULL;

  g_test_init (argc, argv, NULL);
  gst_init (argc, argv);
  if (webrtc_available (&why))
    return TRUE;
  g_print ("1..0 # SKIP %s\n", why);
  g_free (why);
  *skip_status = tap ? 0 : 77;
  return FALSE;
}

GstWebRTCICE *
webrtc_new_gstice (void)
{
  return g_object_new (g_type_from_name ("GstIceWebRTCICE"), NULL);
}

static Peer *
other_of (Peer *peer)
{
  Pair *pair = peer->pair;

  return peer == &pair->offerer ? &pair->answerer : &pair->offerer;
}

static void
add_candidate (Peer *to, const gchar *held)
{
  const gchar *nl = strchr (held, '\n');
  guint mline = (guint)g_ascii_strtoull (held, NULL, 10);

  g_signal_emit_by_name (to->webrtc, "add-ice-candidate", mline, nl + 1);
}

static void
on_ice_candidate (GstElement *webrtc, guint mline, gchar *candidate, Peer *peer)
{
  Peer *to = other_of (peer);
  Pair *pair = peer->pair;
  gchar *item = g_strdup_printf ("%u\n%s", mline, candidate);
  gboolean now;

  g_mutex_lock (&pair->lock);
  g_ptr_array_add (peer->emitted, g_strdup (candidate));
  now = pair->trickle == TRICKLE_AT_ONCE || to->has_remote;
  if (!now)
    g_ptr_array_add (to->held, g_strdup (item));
  g_mutex_unlock (&pair->lock);
  if (now)
    add_candidate (to, item);
  g_free (item);
}

static GstPadProbeReturn
count_frame (GstPad *pad, GstPadProbeInfo *info, Peer *peer)
{
  g_mutex_lock (&peer->pair->lock);
  peer->frames_decoded++;
  g_cond_broadcast (&peer->pair->cond);
  g_mutex_unlock (&peer->pair->lock);
  return GST_PAD_PROBE_OK;
}

static void
on_pad_added (GstElement *webrtc, GstPad *pad, Peer *peer)
{
  GstElement *bin, *dec;
  GstPad *sink, *src;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  bin = gst_parse_bin_from_description (RECV_BIN, TRUE, NULL);
  g_assert_nonnull (bin);
  dec = gst_bin_get_by_name (GST_BIN (bin), "dec");
  src = gst_element_get_static_pad (dec, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER,
                     (GstPadProbeCallback)count_frame, peer, NULL);
  gst_object_unref (src);
  gst_object_unref (dec);
  gst_bin_add (GST_BIN (peer->pipeline), bin);
  gst_element_sync_state_with_parent (bin);
  sink = gst_element_get_static_pad (bin, "sink");
  g_assert_cmpint (gst_pad_link (pad, sink), ==, GST_PAD_LINK_OK);
  gst_object_unref (sink);
}

static void
on_message (GstWebRTCDataChannel *channel, gchar *text, Peer *peer)
{
  g_mutex_lock (&peer->pair->lock);
  if (peer->message == NULL)
    peer->message = g_strdup (text);
  g_free (peer->last_message);
  peer->last_message = g_strdup (text);
  g_cond_broadcast (&peer->pair->cond);
  g_mutex_unlock (&peer->pair->lock);
}

static void
send_if_open (GstWebRTCDataChannel *channel, GParamSpec *pspec, Peer *peer)
{
  GstWebRTCDataChannelState state;
  gboolean send = FALSE;
  gchar *text;

  g_object_get (channel, "ready-state", &state, NULL);
  g_mutex_lock (&peer->pair->lock);
  if (state == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN && !peer->sent_message)
    send = peer->sent_message = TRUE;
  g_mutex_unlock (&peer->pair->lock);
  if (!send)
    return;
  text = g_strdup_printf ("hello from %s", peer->name);
  g_signal_emit_by_name (channel, "send-string", text);
  g_free (text);
}

static void
watch_channel (Peer *peer, GstWebRTCDataChannel *channel)
{
  g_mutex_lock (&peer->pair->lock);
  peer->channel = g_object_ref (channel);
  g_mutex_unlock (&peer->pair->lock);
  g_signal_connect (channel, "on-message-string", G_CALLBACK (on_message),
                    peer);
  g_signal_connect (channel, "notify::ready-state", G_CALLBACK (send_if_open),
                    peer);
  send_if_open (channel, NULL, peer);
}

static void
on_data_channel (GstElement *webrtc, GstWebRTCDataChannel *channel, Peer *peer)
{
  watch_channel (peer, channel);
}

static void
loopback_only (GstElement *webrtc, PeerBackend backend)
{
  GstWebRTCICE *ice = NULL;
  GObject *nice_agent = NULL;
  gboolean ok = FALSE;

  /* both backends: gather on 127.0.0.1 only (the machine may have others) */
  g_object_get (webrtc, "ice-agent", &ice, NULL);
  g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &ok);
  g_assert_true (ok);
  if (backend == PEER_LIBNICE) {
    /* no UPnP-IGD port mapping on loopback (gupnp's discovery threads
     * would outlive the test) */
    g_object_get (ice, "agent", &nice_agent, NULL);
    g_object_set (nice_agent, "upnp", FALSE, NULL);
    g_object_unref (nice_agent);
  }
  gst_object_unref (ice);
}

static void
peer_init (Pair *pair, Peer *peer, const gchar *name, PeerBackend backend,
           gboolean sender, const gchar *turn_uri)
{
  peer->pair = pair;
  peer->name = name;
  peer->backend = backend;
  peer->held = g_ptr_array_new_with_free_func (g_free);
  peer->emitted = g_ptr_array_new_with_free_func (g_free);
  peer->pipeline = gst_pipeline_new (name);
  /* webrtcbin 1.22 keeps the (floating) ICE object without a reference
   * and unrefs it when finalized: hand it over, never unref it here */
  if (backend == PEER_GSTICE)
    peer->webrtc = gst_element_factory_make_full (
        "webrtcbin", "name", name, "ice-agent", webrtc_new_gstice (), NULL);
  else
    peer->webrtc = gst_element_factory_make ("webrtcbin", name);
  g_assert_nonnull (peer->webrtc);
  /* webrtcbin 1.22 marks the data channel's m-line bundle-only in its
   * offer: without bundling, no SCTP association (on libnice too) */
  gst_util_set_object_arg (G_OBJECT (peer->webrtc), "bundle-policy",
                           "max-bundle");
  if (turn_uri != NULL)
    g_object_set (peer->webrtc, "turn-server", turn_uri, "ice-transport-policy",
                  GST_WEBRTC_ICE_TRANSPORT_POLICY_RELAY, NULL);
  loopback_only (peer->webrtc, backend);
  gst_bin_add (GST_BIN (peer->pipeline), peer->webrtc);
  if (sender) {
    GstElement *src = gst_parse_bin_from_description (SEND_BIN, TRUE, NULL);

    gst_bin_add (GST_BIN (peer->pipeline), src);
    g_assert_true (gst_element_link (src, peer->webrtc));
  }
  g_signal_connect (peer->webrtc, "on-ice-candidate",
                    G_CALLBACK (on_ice_candidate), peer);
  g_signal_connect (peer->webrtc, "pad-added", G_CALLBACK (on_pad_added), peer);
  g_signal_connect (peer->webrtc, "on-data-channel",
                    G_CALLBACK (on_data_channel), peer);
}

void
pair_init (Pair *pair, PeerBackend offerer, PeerBackend answerer,
           TrickleMode trickle, const gchar *offerer_turn,
           const gchar *answerer_turn)
{
  memset (pair, 0, sizeof (*pair));
  g_mutex_init (&pair->lock);
  g_cond_init (&pair->cond);
  pair->trickle = trickle;
  peer_init (pair, &pair->offerer, "offerer", offerer, TRUE, offerer_turn);
  peer_init (pair, &pair->answerer, "answerer", answerer, FALSE, answerer_turn);
}

static void
peer_clear (Peer *peer)
{
  g_assert_cmpint (gst_element_set_state (peer->pipeline, GST_STATE_NULL), !=,
                   GST_STATE_CHANGE_FAILURE);
  g_clear_object (&peer->channel);
  gst_object_unref (peer->pipeline);
  g_ptr_array_unref (peer->held);
  g_ptr_array_unref (peer->emitted);
  g_free (peer->message);
  g_free (peer->last_message);
}

void
pair_clear (Pair *pair)
{
  peer_clear (&pair->offerer);
  peer_clear (&pair->answerer);
  g_mutex_clear (&pair->lock);
  g_cond_clear (&pair->cond);
}

/* Emits @signal with @arg and a promise; returns the reply's @field. */
static GstWebRTCSessionDescription *
call (GstElement *webrtc, const gchar *signal, gpointer arg, const gchar *field)
{
  GstPromise *promise = gst_promise_new ();
  GstWebRTCSessionDescription *desc = NULL;
  const GstStructure *reply;

  g_signal_emit_by_name (webrtc, signal, arg, promise);
  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    goto done;
  reply = gst_promise_get_reply (promise);
  if (field != NULL && reply != NULL)
    gst_structure_get (reply, field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc,
                       NULL);
  else if (field == NULL
           && (reply == NULL || !gst_structure_has_field (reply, "error")))
    desc = (gpointer)1; /* done, no error */
done:
  gst_promise_unref (promise);
  return desc;
}

static gboolean
set_description (Peer *peer, const gchar *signal,
                 GstWebRTCSessionDescription *desc)
{
  return call (peer->webrtc, signal, desc, NULL) != NULL;
}

/* The peer has its remote description: what was held goes now. */
static void
remote_set (Peer *peer)
{
  GPtrArray *held;
  guint i;

  g_mutex_lock (&peer->pair->lock);
  peer->has_remote = TRUE;
  held = g_steal_pointer (&peer->held);
  peer->held = g_ptr_array_new_with_free_func (g_free);
  g_mutex_unlock (&peer->pair->lock);
  for (i = 0; i < held->len; i++)
    add_candidate (peer, g_ptr_array_index (held, i));
  g_ptr_array_unref (held);
}

void
sdp_set_ice_credentials (GstSDPMessage *sdp, const gchar *ufrag,
                         const gchar *pwd)
{
  guint i, j;

  for (i = 0; i < gst_sdp_message_medias_len (sdp); i++) {
    GstSDPMedia *media = (GstSDPMedia *)gst_sdp_message_get_media (sdp, i);

    for (j = 0; j < gst_sdp_media_attributes_len (media); j++) {
      const GstSDPAttribute *old = gst_sdp_media_get_attribute (media, j);
      const gchar *value = g_strcmp0 (old->key, "ice-ufrag") == 0 ? ufrag
                           : g_strcmp0 (old->key, "ice-pwd") == 0 ? pwd
                                                                  : NULL;
      GstSDPAttribute attr;

      if (value == NULL)
        continue;
      gst_sdp_attribute_set (&attr, old->key, value);
      gst_sdp_media_replace_attribute (media, j, &attr);
    }
  }
}

gboolean
pair_negotiate (Pair *pair, const gchar *const *credentials)
{
  Peer *o = &pair->offerer, *a = &pair->answerer;
  GstWebRTCSessionDescription *offer = NULL, *answer = NULL;
  gboolean ok = FALSE;

  g_mutex_lock (&pair->lock);
  o->has_remote = a->has_remote = FALSE;
  g_mutex_unlock (&pair->lock);
  offer = call (o->webrtc, "create-offer", NULL, "offer");
  if (offer != NULL && credentials != NULL)
    sdp_set_ice_credentials (offer->sdp, credentials[0], credentials[1]);
  if (offer == NULL || !set_description (o, "set-local-description", offer)
      || !set_description (a, "set-remote-description", offer))
    goto done;
  remote_set (a);
  answer = call (a->webrtc, "create-answer", NULL, "answer");
  if (answer != NULL && credentials != NULL)
    sdp_set_ice_credentials (answer->sdp, credentials[2], credentials[3]);
  if (answer == NULL || !set_description (a, "set-local-description", answer)
      || !set_description (o, "set-remote-description", answer))
    goto done;
  remote_set (o);
  ok = TRUE;
done:
  g_clear_pointer (&offer, gst_webrtc_session_description_free);
  g_clear_pointer (&answer, gst_webrtc_session_description_free);
  return ok;
}

gboolean
pair_start (Pair *pair)
{
  GstWebRTCDataChannel *channel = NULL;

  if (gst_element_set_state (pair->offerer.pipeline, GST_STATE_PLAYING)
          == GST_STATE_CHANGE_FAILURE
      || gst_element_set_state (pair->answerer.pipeline, GST_STATE_PLAYING)
             == GST_STATE_CHANGE_FAILURE)
    return FALSE;
  g_signal_emit_by_name (pair->offerer.webrtc, "create-data-channel", "chat",
                         NULL, &channel);
  if (channel == NULL)
    return FALSE;
  watch_channel (&pair->offerer, channel);
  g_object_unref (channel);
  return pair_negotiate (pair, NULL);
}

gboolean
pair_wait_media (Pair *pair, guint frames, gint64 timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_TIME_SPAN_SECOND;
  gboolean done;

  g_mutex_lock (&pair->lock);
  while (!(done = pair->answerer.frames_decoded >= frames
                  && pair->offerer.message != NULL
                  && pair->answerer.message != NULL)
         && g_cond_wait_until (&pair->cond, &pair->lock, deadline))
    ;
  done = pair->answerer.frames_decoded >= frames
         && pair->offerer.message != NULL && pair->answerer.message != NULL;
  if (!done)
    g_test_message ("after %" G_GINT64_FORMAT " s: %u frames, messages "
                    "offerer \"%s\" answerer \"%s\"",
                    timeout_s, pair->answerer.frames_decoded,
                    pair->offerer.message, pair->answerer.message);
  g_mutex_unlock (&pair->lock);
  return done;
}

static const GstStructure *
stats_entry (const GstStructure *stats, const gchar *id)
{
  const GValue *v = gst_structure_get_value (stats, id);

  return v != NULL && GST_VALUE_HOLDS_STRUCTURE (v)
             ? gst_value_get_structure (v)
             : NULL;
}

static gchar *
describe_candidate (const GstStructure *stats, const gchar *id)
{
  const GstStructure *c = stats_entry (stats, id);
  const gchar *address, *type;
  guint port = 0;

  if (c == NULL)
    return NULL;
  address = gst_structure_get_string (c, "address");
  type = gst_structure_get_string (c, "candidate-type");
  gst_structure_get_uint (c, "port", &port);
  return g_strdup_printf ("%s %u %s", address, port, type);
}

typedef struct {
  const GstStructure *stats;
  gchar *local;
  gchar *remote;
} FindPair;

static gboolean
find_pair (GQuark field, const GValue *value, gpointer data)
{
  FindPair *f = data;
  const GstStructure *s;
  GstWebRTCStatsType type;
  const gchar *lid, *rid;

  if (f->local != NULL || !GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;
  s = gst_value_get_structure (value);
  if (!gst_structure_get_enum (s, "type", GST_TYPE_WEBRTC_STATS_TYPE,
                               (gint *)&type)
      || type != GST_WEBRTC_STATS_CANDIDATE_PAIR)
    return TRUE;
  lid = gst_structure_get_string (s, "local-candidate-id");
  rid = gst_structure_get_string (s, "remote-candidate-id");
  if (lid == NULL || rid == NULL)
    return TRUE;
  /* Found by id, not by the candidates' "type" field: webrtcbin 1.22
   * swaps local-candidate and remote-candidate there (gstwebrtcstats.c,
   * a strcmp () tested the wrong way round). */
  f->local = describe_candidate (f->stats, lid);
  f->remote = describe_candidate (f->stats, rid);
  return TRUE;
}

gboolean
peer_selected_pair (Peer *peer, gchar **local, gchar **remote)
{
  GstPromise *promise = gst_promise_new ();
  FindPair f = { NULL, NULL, NULL };

  g_signal_emit_by_name (peer->webrtc, "get-stats", NULL, promise);
  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED) {
    f.stats = gst_promise_get_reply (promise);
    gst_structure_foreach (f.stats, find_pair, &f);
  }
  gst_promise_unref (promise);
  if (f.local == NULL || f.remote == NULL) {
    g_free (f.local);
    g_free (f.remote);
    return FALSE;
  }
  *local = f.local;
  *remote = f.remote;
  return TRUE;
}

gboolean
peer_emitted_candidate (Peer *peer, const gchar *ip_port)
{
  gchar *needle = g_strdup_printf (" %s typ ", ip_port);
  gboolean found = FALSE;
  guint i;

  g_mutex_lock (&peer->pair->lock);
  for (i = 0; i < peer->emitted->len && !found; i++)
    found = strstr (g_ptr_array_index (peer->emitted, i), needle) != NULL;
  g_mutex_unlock (&peer->pair->lock);
  g_free (needle);
  return found;
}

/* "ip port type" -> "ip port" */
static gchar *
ip_port_of (const gchar *described)
{
  const gchar *last = strrchr (described, ' ');

  return g_strndup (described, last - described);
}

gchar *
peer_check_selected_pair (Peer *peer)
{
  Peer *other = other_of (peer);
  gchar *local = NULL, *remote = NULL, *ip_port;

  g_assert_true (peer_selected_pair (peer, &local, &remote));
  g_test_message ("%s (%s): selected %s <-> %s", peer->name,
                  peer->backend == PEER_GSTICE ? "gst-ice" : "libnice", local,
                  remote);
  g_assert_true (g_str_has_prefix (local, "127.0.0.1 "));
  ip_port = ip_port_of (local);
  g_assert_true (peer_emitted_candidate (peer, ip_port));
  g_free (ip_port);
  /* the remote end: a candidate the peer signalled, or learnt from its
   * checks (peer-reflexive) */
  if (!g_str_has_suffix (remote, " prflx")) {
    ip_port = ip_port_of (remote);
    g_assert_true (peer_emitted_candidate (other, ip_port));
    g_free (ip_port);
  }
  g_free (remote);
  return local;
}
