/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The send side of a GstIceWebRTCTransport: each buffer is one datagram
 * on the component's selected pair, as libnice's nicesink does for
 * webrtcbin. Before a pair is selected the agent sends nothing and counts
 * it; DTLS retransmits its flights (RFC 6347 §4.2.4), so that is no error.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticewebrtcelements.h"

GST_DEBUG_CATEGORY_STATIC (gst_ice_webrtc_sink_debug);
#define GST_CAT_DEFAULT gst_ice_webrtc_sink_debug

/* memories of one buffer sent without copy; more are merged */
#define MAX_VECTORS 8

struct _GstIceWebRTCSink {
  GstBaseSink parent;
  IceAgent *agent;
  guint stream_id;
  guint component_id;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE (
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstIceWebRTCSink, gst_ice_webrtc_sink, GST_TYPE_BASE_SINK);

static void
send_merged (GstIceWebRTCSink *self, GstBuffer *buffer)
{
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    GST_WARNING_OBJECT (self, "could not map a buffer: not sent");
    return;
  }
  ice_agent_send (self->agent, self->stream_id, self->component_id, map.data,
                  map.size);
  gst_buffer_unmap (buffer, &map);
}

static void
send_buffer (GstIceWebRTCSink *self, GstBuffer *buffer)
{
  GstMapInfo maps[MAX_VECTORS];
  GOutputVector vectors[MAX_VECTORS];
  guint n = gst_buffer_n_memory (buffer), i, mapped = 0;

  if (n > MAX_VECTORS) {
    send_merged (self, buffer);
    return;
  }
  for (i = 0; i < n; i++) {
    GstMemory *mem = gst_buffer_peek_memory (buffer, i);

    if (!gst_memory_map (mem, &maps[i], GST_MAP_READ))
      break;
    vectors[i].buffer = maps[i].data;
    vectors[i].size = maps[i].size;
    mapped++;
  }
  if (mapped == n)
    ice_agent_send_vectors (self->agent, self->stream_id, self->component_id,
                            vectors, n);
  else
    GST_WARNING_OBJECT (self, "could not map a memory: datagram not sent");
  for (i = 0; i < mapped; i++)
    gst_memory_unmap (gst_buffer_peek_memory (buffer, i), &maps[i]);
}

static GstFlowReturn
gst_ice_webrtc_sink_render (GstBaseSink *sink, GstBuffer *buffer)
{
  send_buffer (GST_ICE_WEBRTC_SINK (sink), buffer);
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_ice_webrtc_sink_render_list (GstBaseSink *sink, GstBufferList *list)
{
  guint i, n = gst_buffer_list_length (list);

  for (i = 0; i < n; i++)
    send_buffer (GST_ICE_WEBRTC_SINK (sink), gst_buffer_list_get (list, i));
  return GST_FLOW_OK;
}

static void
gst_ice_webrtc_sink_finalize (GObject *object)
{
  GstIceWebRTCSink *self = GST_ICE_WEBRTC_SINK (object);

  g_clear_object (&self->agent);
  G_OBJECT_CLASS (gst_ice_webrtc_sink_parent_class)->finalize (object);
}

static void
gst_ice_webrtc_sink_class_init (GstIceWebRTCSinkClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_ice_webrtc_sink_debug, "icewebrtcsink", 0,
                           "webrtcbin's ICE transport sink on gst-ice");
  gobject_class->finalize = gst_ice_webrtc_sink_finalize;
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (
      element_class, "ICE transport sink for webrtcbin", "Sink/Network",
      "Sends the datagrams of a webrtcbin transport over gst-ice",
      "gst-ice developers");
  basesink_class->render = GST_DEBUG_FUNCPTR (gst_ice_webrtc_sink_render);
  basesink_class->render_list
      = GST_DEBUG_FUNCPTR (gst_ice_webrtc_sink_render_list);
}

static void
gst_ice_webrtc_sink_init (GstIceWebRTCSink *self)
{
  /* what webrtcbin sets on nicesink: a network sink, not a clocked one */
  gst_base_sink_set_sync (GST_BASE_SINK (self), FALSE);
  gst_base_sink_set_async_enabled (GST_BASE_SINK (self), FALSE);
  gst_base_sink_set_last_sample_enabled (GST_BASE_SINK (self), FALSE);
}

/**
 * gst_ice_webrtc_sink_new:
 * Returns: (transfer floating): a sink sending on the component
 */
GstElement *
gst_ice_webrtc_sink_new (IceAgent *agent, guint stream_id, guint component_id)
{
  GstIceWebRTCSink *self = g_object_new (GST_TYPE_ICE_WEBRTC_SINK, NULL);

  self->agent = g_object_ref (agent);
  self->stream_id = stream_id;
  self->component_id = component_id;
  return GST_ELEMENT (self);
}
