/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One webrtcbin session as one IceAgent stream. GstIceWebRTCICE owns the
 * streams (webrtcbin 1.22 does not unref what add_stream returns); the
 * stream knows its transports by weak reference, as libnice's
 * GstWebRTCNiceStream does (webrtcbin owns them).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticewebrtcstream.h"
#include "gsticewebrtctransport.h"

GST_DEBUG_CATEGORY_STATIC (gst_ice_webrtc_stream_debug);
#define GST_CAT_DEFAULT gst_ice_webrtc_stream_debug

struct _GstIceWebRTCStream {
  GstWebRTCICEStream parent;
  IceAgent *agent;
  guint session_id;
  GMutex lock;
  GPtrArray *transports; /* GWeakRef* to GstIceWebRTCTransport, under lock */
  gboolean gathering_started;
  GstWebRTCICEGatheringState gathering;
};

G_DEFINE_TYPE_WITH_CODE (
    GstIceWebRTCStream, gst_ice_webrtc_stream, GST_TYPE_WEBRTC_ICE_STREAM,
    GST_DEBUG_CATEGORY_INIT (gst_ice_webrtc_stream_debug, "icewebrtcstream", 0,
                             "webrtcbin's ICE stream on gst-ice"));

static void
weak_free (gpointer weak)
{
  g_weak_ref_clear (weak);
  g_free (weak);
}

/* (transfer full) the live transports; dead weak references are dropped */
static GPtrArray *
live_transports (GstIceWebRTCStream *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (gst_object_unref);
  guint i = 0;

  g_mutex_lock (&self->lock);
  while (i < self->transports->len) {
    gpointer t = g_weak_ref_get (g_ptr_array_index (self->transports, i));

    if (t == NULL) {
      g_ptr_array_remove_index_fast (self->transports, i);
      continue;
    }
    g_ptr_array_add (out, t);
    i++;
  }
  g_mutex_unlock (&self->lock);
  return out;
}

static GstWebRTCICETransport *
gst_ice_webrtc_stream_find_transport (GstWebRTCICEStream *stream,
                                      GstWebRTCICEComponent component)
{
  GstIceWebRTCStream *self = GST_ICE_WEBRTC_STREAM (stream);
  GPtrArray *live = live_transports (self);
  GstWebRTCICETransport *found = NULL;
  GWeakRef *weak;
  guint i;

  for (i = 0; i < live->len && found == NULL; i++) {
    GstWebRTCICETransport *t = g_ptr_array_index (live, i);

    if (t->component == component)
      found = gst_object_ref (t);
  }
  g_ptr_array_unref (live);
  if (found != NULL)
    return found;
  if (component != GST_WEBRTC_ICE_COMPONENT_RTP) {
    /* webrtcbin 1.22 muxes RTCP and never asks; libnice drops RTCP too */
    GST_ERROR_OBJECT (self, "only the RTP component exists (rtcp-mux)");
    return NULL;
  }
  found = GST_WEBRTC_ICE_TRANSPORT (
      gst_ice_webrtc_transport_new (self, component));
  found->gathering_state = self->gathering;
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, found);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->transports, weak);
  g_mutex_unlock (&self->lock);
  return found;
}

static void
set_gathering_state (GstIceWebRTCStream *self, GstWebRTCICEGatheringState s)
{
  GPtrArray *live;
  guint i;

  g_mutex_lock (&self->lock);
  self->gathering = s;
  g_mutex_unlock (&self->lock);
  live = live_transports (self);
  for (i = 0; i < live->len; i++)
    gst_webrtc_ice_transport_gathering_state_change (
        g_ptr_array_index (live, i), s);
  g_ptr_array_unref (live);
}

static gboolean
gst_ice_webrtc_stream_gather_candidates (GstWebRTCICEStream *stream)
{
  GstIceWebRTCStream *self = GST_ICE_WEBRTC_STREAM (stream);
  GError *error = NULL;
  gboolean started;

  /* webrtcbin asks again on every local description: gather once */
  g_mutex_lock (&self->lock);
  started = self->gathering_started;
  self->gathering_started = TRUE;
  g_mutex_unlock (&self->lock);
  if (started)
    return TRUE;
  GST_DEBUG_OBJECT (self, "gathering stream %u", stream->stream_id);
  set_gathering_state (self, GST_WEBRTC_ICE_GATHERING_STATE_GATHERING);
  if (!ice_agent_gather (self->agent, stream->stream_id, &error))
    goto gather_failed;
  return TRUE;

  /* ERRORS */
gather_failed : {
  GST_ERROR_OBJECT (self, "cannot gather stream %u: %s", stream->stream_id,
                    error->message);
  g_clear_error (&error);
  return FALSE;
}
}

void
gst_ice_webrtc_stream_gathering_done (GstIceWebRTCStream *stream)
{
  GST_DEBUG_OBJECT (stream, "gathering done");
  set_gathering_state (stream, GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE);
}

void
gst_ice_webrtc_stream_state_changed (GstIceWebRTCStream *stream,
                                     IceConnectionState state)
{
  GPtrArray *live = live_transports (stream);
  guint i;

  for (i = 0; i < live->len; i++)
    gst_ice_webrtc_transport_set_state (g_ptr_array_index (live, i), state);
  g_ptr_array_unref (live);
}

void
gst_ice_webrtc_stream_selected_pair_changed (GstIceWebRTCStream *stream,
                                             guint component_id)
{
  GPtrArray *live = live_transports (stream);
  guint i;

  for (i = 0; i < live->len; i++) {
    GstWebRTCICETransport *t = g_ptr_array_index (live, i);

    /* the agent's component 1 is webrtcbin's GST_WEBRTC_ICE_COMPONENT_RTP
     * (0): RTCP is muxed */
    if (t->component == GST_WEBRTC_ICE_COMPONENT_RTP && component_id == 1)
      gst_webrtc_ice_transport_selected_pair_change (t);
  }
  g_ptr_array_unref (live);
}

guint
gst_ice_webrtc_stream_get_session_id (GstIceWebRTCStream *stream)
{
  return stream->session_id;
}

IceAgent *
gst_ice_webrtc_stream_get_agent (GstIceWebRTCStream *stream)
{
  return stream->agent;
}

static void
gst_ice_webrtc_stream_finalize (GObject *object)
{
  GstIceWebRTCStream *self = GST_ICE_WEBRTC_STREAM (object);

  g_ptr_array_unref (self->transports);
  g_mutex_clear (&self->lock);
  g_clear_object (&self->agent);
  G_OBJECT_CLASS (gst_ice_webrtc_stream_parent_class)->finalize (object);
}

static void
gst_ice_webrtc_stream_class_init (GstIceWebRTCStreamClass *klass)
{
  GstWebRTCICEStreamClass *stream_class = GST_WEBRTC_ICE_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = gst_ice_webrtc_stream_finalize;
  stream_class->find_transport = gst_ice_webrtc_stream_find_transport;
  stream_class->gather_candidates = gst_ice_webrtc_stream_gather_candidates;
}

static void
gst_ice_webrtc_stream_init (GstIceWebRTCStream *self)
{
  g_mutex_init (&self->lock);
  self->transports = g_ptr_array_new_with_free_func (weak_free);
}

/**
 * gst_ice_webrtc_stream_new:
 * @agent_stream: the IceAgent stream (also the GstWebRTCICEStream's
 *   stream-id, which webrtcbin shows in its candidate stats)
 * @session_id: webrtcbin's session (the m-line it signals candidates for)
 *
 * Returns: (transfer full): the stream, sunk
 */
GstIceWebRTCStream *
gst_ice_webrtc_stream_new (IceAgent *agent, guint agent_stream,
                           guint session_id)
{
  GstIceWebRTCStream *self = g_object_new (GST_TYPE_ICE_WEBRTC_STREAM,
                                           "stream-id", agent_stream, NULL);

  gst_object_ref_sink (self);
  self->agent = g_object_ref (agent);
  self->session_id = session_id;
  return self;
}
