/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The receive side of a GstIceWebRTCTransport: a live source pushing the
 * datagrams of one IceAgent component, as libnice's nicesrc does for
 * webrtcbin. The agent only delivers media from addresses that proved
 * they know the credentials (DESIGN §2); what it is (DTLS, SRTP, SCTP) is
 * webrtcbin's business. The pad has ANY caps: webrtcbin's receive bin
 * puts its own capsfilter behind it, as it does behind nicesrc.
 *
 * One buffer per push, as nicesrc: the agent is drained a batch at a
 * time, but webrtcbin's elements are not safe with buffer lists in 1.22
 * (pushed through dtlsdec's chain_list they were freed twice at
 * teardown, in rtpstorage, under load).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticewebrtcelements.h"

GST_DEBUG_CATEGORY_STATIC (gst_ice_webrtc_src_debug);
#define GST_CAT_DEFAULT gst_ice_webrtc_src_debug

#define RECV_BATCH 32

struct _GstIceWebRTCSrc {
  GstPushSrc parent;
  IceAgent *agent;
  guint stream_id;
  guint component_id;
  GCancellable *cancellable; /* replaced by unlock_stop, under the lock */
  /* read from the agent, pushed one at a time (streaming thread only) */
  IceAgentDatagram batch[RECV_BATCH];
  guint batch_len;
  guint batch_next;
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE (
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstIceWebRTCSrc, gst_ice_webrtc_src, GST_TYPE_PUSH_SRC);

/* The running time at which @d arrived (what rtpjitterbuffer reads as
 * arrival time), or NONE without a clock. */
static GstClockTime
arrival_running_time (GstIceWebRTCSrc *self, const IceAgentDatagram *d)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  GstClockTime now, base, age;

  if (clock == NULL)
    return GST_CLOCK_TIME_NONE;
  now = gst_clock_get_time (clock);
  gst_object_unref (clock);
  base = gst_element_get_base_time (GST_ELEMENT (self));
  now = now > base ? now - base : 0;
  age = (g_get_monotonic_time () - d->received_us) * GST_USECOND;
  return now > age ? now - age : 0;
}

static GstBuffer *
wrap_datagram (GstIceWebRTCSrc *self, IceAgentDatagram *d)
{
  GBytes *bytes = g_steal_pointer (&d->bytes);
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);
  GstBuffer *buf = gst_buffer_new ();

  /* the agent's GBytes owns the socket's buffer: wrapped, not copied */
  gst_buffer_append_memory (
      buf,
      gst_memory_new_wrapped (GST_MEMORY_FLAG_READONLY, (gpointer)data, size, 0,
                              size, bytes, (GDestroyNotify)g_bytes_unref));
  GST_BUFFER_DTS (buf) = GST_BUFFER_PTS (buf) = arrival_running_time (self, d);
  return buf;
}

static GstFlowReturn
gst_ice_webrtc_src_create (GstPushSrc *psrc, GstBuffer **outbuf)
{
  GstIceWebRTCSrc *self = GST_ICE_WEBRTC_SRC (psrc);
  GCancellable *cancellable;
  GError *err = NULL;
  gint n;

  if (self->batch_next < self->batch_len) {
    *outbuf = wrap_datagram (self, &self->batch[self->batch_next++]);
    return GST_FLOW_OK;
  }
  GST_OBJECT_LOCK (self);
  cancellable = g_object_ref (self->cancellable);
  GST_OBJECT_UNLOCK (self);
  n = ice_agent_recv_batch (self->agent, self->stream_id, self->component_id,
                            self->batch, RECV_BATCH, -1, cancellable, &err);
  g_object_unref (cancellable);
  if (n < 0)
    goto recv_error;
  self->batch_len = n;
  self->batch_next = 1;
  *outbuf = wrap_datagram (self, &self->batch[0]);
  return GST_FLOW_OK;

  /* ERRORS */
recv_error : {
  GstFlowReturn ret = GST_FLOW_FLUSHING;

  /* Closed: the GstWebRTCICE went away before webrtcbin stopped us. */
  if (!g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    GST_DEBUG_OBJECT (self, "receive ended: %s", err->message);
    ret = GST_FLOW_EOS;
  }
  g_clear_error (&err);
  return ret;
}
}

/* Drops what was read but not pushed (streaming thread stopped). */
static void
clear_batch (GstIceWebRTCSrc *self)
{
  while (self->batch_next < self->batch_len)
    ice_agent_datagram_clear (&self->batch[self->batch_next++]);
  self->batch_len = self->batch_next = 0;
}

static gboolean
gst_ice_webrtc_src_unlock (GstBaseSrc *src)
{
  GstIceWebRTCSrc *self = GST_ICE_WEBRTC_SRC (src);

  GST_OBJECT_LOCK (self);
  g_cancellable_cancel (self->cancellable);
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static gboolean
gst_ice_webrtc_src_unlock_stop (GstBaseSrc *src)
{
  GstIceWebRTCSrc *self = GST_ICE_WEBRTC_SRC (src);

  /* a cancelled GCancellable is not reset while a waiter may look at it:
   * take a fresh one (as udpsrc) */
  GST_OBJECT_LOCK (self);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static gboolean
gst_ice_webrtc_src_stop (GstBaseSrc *src)
{
  GstIceWebRTCSrc *self = GST_ICE_WEBRTC_SRC (src);

  /* stale datagrams must not come out after webrtcbin restarts us */
  clear_batch (self);
  ice_agent_flush_receive_queue (self->agent, self->stream_id,
                                 self->component_id);
  return TRUE;
}

static void
gst_ice_webrtc_src_finalize (GObject *object)
{
  GstIceWebRTCSrc *self = GST_ICE_WEBRTC_SRC (object);

  clear_batch (self);
  g_clear_object (&self->agent);
  g_object_unref (self->cancellable);
  G_OBJECT_CLASS (gst_ice_webrtc_src_parent_class)->finalize (object);
}

static void
gst_ice_webrtc_src_class_init (GstIceWebRTCSrcClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_ice_webrtc_src_debug, "icewebrtcsrc", 0,
                           "webrtcbin's ICE transport source on gst-ice");
  gobject_class->finalize = gst_ice_webrtc_src_finalize;
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (
      element_class, "ICE transport source for webrtcbin", "Source/Network",
      "Receives the datagrams of a webrtcbin transport over gst-ice",
      "gst-ice developers");
  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_ice_webrtc_src_unlock);
  basesrc_class->unlock_stop
      = GST_DEBUG_FUNCPTR (gst_ice_webrtc_src_unlock_stop);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_ice_webrtc_src_stop);
  pushsrc_class->create = GST_DEBUG_FUNCPTR (gst_ice_webrtc_src_create);
}

static void
gst_ice_webrtc_src_init (GstIceWebRTCSrc *self)
{
  self->cancellable = g_cancellable_new ();
  gst_base_src_set_live (GST_BASE_SRC (self), TRUE);
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
}

/**
 * gst_ice_webrtc_src_new:
 * Returns: (transfer floating): a source of the component's datagrams
 */
GstElement *
gst_ice_webrtc_src_new (IceAgent *agent, guint stream_id, guint component_id)
{
  GstIceWebRTCSrc *self = g_object_new (GST_TYPE_ICE_WEBRTC_SRC, NULL);

  self->agent = g_object_ref (agent);
  self->stream_id = stream_id;
  self->component_id = component_id;
  return GST_ELEMENT (self);
}
