/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-icesink
 * @title: icesink
 * @see_also: icesrc, udpsink, nicesink
 *
 * Sends each buffer as one datagram to a peer over an ICE connection
 * (RFC 8445). A buffer list goes out in one call (sendmmsg), its memories
 * mapped into output vectors without a copy.
 *
 * Until a candidate pair is selected, icesink waits
 * (#GstIceSink:wait-for-connection, the default) or drops and counts the
 * buffers. When the connection fails, the first time or after an ICE
 * restart that found no working pair either, it posts an error and
 * returns GST_FLOW_ERROR. A datagram the kernel refuses is a counted warning,
 * not an error. #GstBaseSink:sync is %TRUE as in udpsink, so a non-live
 * source is paced by its timestamps.
 *
 * The ICE agent is shared with every icesrc/icesink of the same
 * #GstIceSink:agent-name in the process (without one, of the same
 * top-level pipeline); see icesrc for signalling. Its stream is added and
 * gathered at READY→PAUSED, as icesrc's, not in GstBaseSink's start.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 audiotestsrc ! rtpL16pay ! icesink signaller=file:///tmp/room
 * ]| Sends L16 audio to the icesrc that meets it in /tmp/room.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticeelements.h"
#include "gsticesink.h"
#include "gsticerelay.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_sink_debug);
#define GST_CAT_DEFAULT gst_ice_sink_debug

#define DEFAULT_WAIT_FOR_CONNECTION TRUE

enum {
  PROP_WAIT_FOR_CONNECTION = GST_ICE_PROP_LAST,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE (
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

#define gst_ice_sink_parent_class parent_class
G_DEFINE_TYPE (GstIceSink, gst_ice_sink, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (icesink, "icesink", GST_RANK_NONE,
                                       GST_TYPE_ICE_SINK,
                                       ice_element_init (plugin));

static void
gst_ice_sink_set_property (GObject *object, guint prop_id, const GValue *value,
                           GParamSpec *pspec)
{
  GstIceSink *self = GST_ICE_SINK (object);

  if (gst_ice_common_set_property (&self->ice, prop_id, value))
    return;
  switch (prop_id) {
    case PROP_WAIT_FOR_CONNECTION:
      GST_OBJECT_LOCK (self);
      self->wait_for_connection = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

/* The sink's own counters, next to the agent's. */
static void
add_sink_stats (GstIceSink *self, GstStructure *stats)
{
  GST_OBJECT_LOCK (self);
  gst_structure_set (stats, "dropped-not-connected", G_TYPE_UINT64,
                     self->dropped, "send-failed", G_TYPE_UINT64,
                     self->send_failed, NULL);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_ice_sink_get_property (GObject *object, guint prop_id, GValue *value,
                           GParamSpec *pspec)
{
  GstIceSink *self = GST_ICE_SINK (object);

  if (gst_ice_common_get_property (&self->ice, prop_id, value)) {
    if (prop_id == GST_ICE_PROP_STATS)
      add_sink_stats (self, g_value_get_boxed (value));
    return;
  }
  switch (prop_id) {
    case PROP_WAIT_FOR_CONNECTION:
      GST_OBJECT_LOCK (self);
      g_value_set_boolean (value, self->wait_for_connection);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static gboolean
connection_usable (IceConnectionState state)
{
  return state == ICE_CONNECTION_CONNECTED || state == ICE_CONNECTION_COMPLETED
         || state == ICE_CONNECTION_DISCONNECTED;
}

/* Before a pair is selected: wait for one, or drop. Returns
 * GST_FLOW_CUSTOM_SUCCESS when the buffers are to be dropped. */
static GstFlowReturn
wait_for_pair (GstIceSink *self, guint n_buffers)
{
  IceConnectionState state = gst_ice_common_get_state (&self->ice);
  gboolean wait;

  if (connection_usable (state))
    return GST_FLOW_OK;
  GST_OBJECT_LOCK (self);
  wait = self->wait_for_connection;
  GST_OBJECT_UNLOCK (self);

  /* The agent's own state: the announced one may be a FAILED that an ICE
   * restart already left. */
  state = ice_agent_get_connection_state (self->ice.agent,
                                          self->ice.active.stream);
  if (wait && state != ICE_CONNECTION_FAILED) {
    GST_DEBUG_OBJECT (self, "waiting for a candidate pair");
    if (ice_agent_wait_connected (self->ice.agent, self->ice.active.stream, -1,
                                  self->cancellable))
      return GST_FLOW_OK;
    if (g_cancellable_is_cancelled (self->cancellable))
      return GST_FLOW_FLUSHING;
    state = ice_agent_get_connection_state (self->ice.agent,
                                            self->ice.active.stream);
  }
  /* after a failed restart too: as for a first failure */
  if (state == ICE_CONNECTION_FAILED)
    goto failed;
  if (state == ICE_CONNECTION_CLOSED)
    return GST_FLOW_FLUSHING;
  GST_OBJECT_LOCK (self);
  self->dropped += n_buffers;
  GST_OBJECT_UNLOCK (self);
  GST_LOG_OBJECT (self, "no pair selected: dropped %u", n_buffers);
  return GST_FLOW_CUSTOM_SUCCESS;

  /* ERRORS */
failed : {
  GST_ELEMENT_ERROR (
      self, RESOURCE, WRITE, ("ICE connection failed"),
      ("stream %u: no candidate pair works", self->ice.active.stream));
  return GST_FLOW_ERROR;
}
}

/* Maps every memory of @bufs into one output vector each. */
static void
map_buffers (GstIceSink *self, GstBuffer **bufs, guint n)
{
  guint i, j, n_mems = 0, v = 0;

  for (i = 0; i < n; i++)
    n_mems += gst_buffer_n_memory (bufs[i]);
  g_array_set_size (self->messages, n);
  g_array_set_size (self->vectors, n_mems);
  g_array_set_size (self->maps, n_mems);

  for (i = 0; i < n; i++) {
    GOutputMessage *msg = &g_array_index (self->messages, GOutputMessage, i);
    guint mems = gst_buffer_n_memory (bufs[i]);

    memset (msg, 0, sizeof (*msg));
    msg->vectors = &g_array_index (self->vectors, GOutputVector, v);
    msg->num_vectors = mems;
    for (j = 0; j < mems; j++, v++) {
      GstMapInfo *map = &g_array_index (self->maps, GstMapInfo, v);
      GOutputVector *vec = &g_array_index (self->vectors, GOutputVector, v);

      if (!gst_memory_map (gst_buffer_peek_memory (bufs[i], j), map,
                           GST_MAP_READ)) {
        memset (map, 0, sizeof (*map));
      }
      vec->buffer = map->data;
      vec->size = map->size;
    }
  }
}

static void
unmap_buffers (GstIceSink *self)
{
  guint i;

  for (i = 0; i < self->maps->len; i++) {
    GstMapInfo *map = &g_array_index (self->maps, GstMapInfo, i);

    if (map->memory)
      gst_memory_unmap (map->memory, map);
  }
  g_array_set_size (self->maps, 0);
}

static GstFlowReturn
send_buffers (GstIceSink *self, GstBuffer **bufs, guint n)
{
  GstFlowReturn flow;
  guint sent;

  flow = wait_for_pair (self, n);
  if (flow == GST_FLOW_CUSTOM_SUCCESS)
    return GST_FLOW_OK;
  if (flow != GST_FLOW_OK)
    return flow;

  map_buffers (self, bufs, n);
  sent = ice_agent_send_messages (self->ice.agent, self->ice.active.stream,
                                  self->ice.active.component,
                                  (GOutputMessage *)self->messages->data, n);
  unmap_buffers (self);
  if (G_UNLIKELY (sent < n)) {
    GST_OBJECT_LOCK (self);
    self->send_failed += n - sent;
    GST_OBJECT_UNLOCK (self);
    /* One warning per run of failures (e.g. while consent is lost), not
     * one per packet; the counter keeps the total. */
    if (self->last_send_ok)
      GST_WARNING_OBJECT (self, "sent %u of %u datagrams", sent, n);
    else
      GST_DEBUG_OBJECT (self, "sent %u of %u datagrams", sent, n);
  }
  self->last_send_ok = sent == n;
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_ice_sink_render (GstBaseSink *sink, GstBuffer *buffer)
{
  return send_buffers (GST_ICE_SINK (sink), &buffer, 1);
}

static GstFlowReturn
gst_ice_sink_render_list (GstBaseSink *sink, GstBufferList *list)
{
  guint n = gst_buffer_list_length (list), i;
  GstBuffer **bufs;
  GstFlowReturn flow;

  if (n == 0)
    return GST_FLOW_OK;
  bufs = n <= 256 ? g_newa (GstBuffer *, n) : g_new (GstBuffer *, n);
  for (i = 0; i < n; i++)
    bufs[i] = gst_buffer_list_get (list, i);
  flow = send_buffers (GST_ICE_SINK (sink), bufs, n);
  if (n > 256)
    g_free (bufs);
  return flow;
}

static gboolean
gst_ice_sink_start (GstBaseSink *sink)
{
  GstIceSink *self = GST_ICE_SINK (sink);

  GST_OBJECT_LOCK (self);
  self->dropped = 0;
  self->send_failed = 0;
  GST_OBJECT_UNLOCK (self);
  self->last_send_ok = TRUE;
  return TRUE;
}

static gboolean
gst_ice_sink_unlock (GstBaseSink *sink)
{
  GstIceSink *self = GST_ICE_SINK (sink);

  g_cancellable_cancel (self->cancellable);
  return TRUE;
}

static gboolean
gst_ice_sink_unlock_stop (GstBaseSink *sink)
{
  GstIceSink *self = GST_ICE_SINK (sink);

  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  return TRUE;
}

static GstStateChangeReturn
gst_ice_sink_change_state (GstElement *element, GstStateChange transition)
{
  GstIceSink *self = GST_ICE_SINK (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY
      && !gst_ice_common_acquire (&self->ice))
    return GST_STATE_CHANGE_FAILURE;
  /* Not in GstBaseSink's start(), which runs at NULL→READY: the stream is
   * added and gathered at READY→PAUSED, as icesrc's, once every element
   * of the pipeline holds the agent (its settings given, its signals
   * connected). */
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED
      && !gst_ice_common_start (&self->ice))
    return GST_STATE_CHANGE_FAILURE;

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_READY_TO_NULL
      || (transition == GST_STATE_CHANGE_NULL_TO_READY
          && ret == GST_STATE_CHANGE_FAILURE))
    gst_ice_common_release (&self->ice);
  return ret;
}

static void
gst_ice_sink_finalize (GObject *object)
{
  GstIceSink *self = GST_ICE_SINK (object);

  gst_ice_common_finalize (&self->ice);
  g_object_unref (self->cancellable);
  g_array_unref (self->messages);
  g_array_unref (self->vectors);
  g_array_unref (self->maps);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_ice_sink_class_init (GstIceSinkClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_ice_sink_debug, "icesink", 0, "ICE sink");

  gobject_class->set_property = gst_ice_sink_set_property;
  gobject_class->get_property = gst_ice_sink_get_property;
  gobject_class->finalize = gst_ice_sink_finalize;
  gst_ice_common_class_init (gobject_class);

  /**
   * GstIceSink:wait-for-connection:
   * Before a candidate pair is selected, wait for one (TRUE) or drop and
   * count the buffers (FALSE).
   */
  g_object_class_install_property (
      gobject_class, PROP_WAIT_FOR_CONNECTION,
      g_param_spec_boolean (
          "wait-for-connection", "Wait for connection",
          "Block until a candidate pair is selected instead of dropping",
          DEFAULT_WAIT_FOR_CONNECTION,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (
      element_class, "ICE sink", "Sink/Network",
      "Send datagrams (RTP) over an ICE connection", "gst-ice developers");
  element_class->change_state = GST_DEBUG_FUNCPTR (gst_ice_sink_change_state);

  basesink_class->render = GST_DEBUG_FUNCPTR (gst_ice_sink_render);
  basesink_class->render_list = GST_DEBUG_FUNCPTR (gst_ice_sink_render_list);
  basesink_class->start = GST_DEBUG_FUNCPTR (gst_ice_sink_start);
  basesink_class->unlock = GST_DEBUG_FUNCPTR (gst_ice_sink_unlock);
  basesink_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_ice_sink_unlock_stop);
}

static void
gst_ice_sink_init (GstIceSink *self)
{
  gst_ice_common_init (&self->ice, GST_ELEMENT (self));
  gst_ice_relay_watch_eos (GST_ELEMENT (self), GST_BASE_SINK_PAD (self));
  self->wait_for_connection = DEFAULT_WAIT_FOR_CONNECTION;
  self->cancellable = g_cancellable_new ();
  self->messages = g_array_new (FALSE, FALSE, sizeof (GOutputMessage));
  self->vectors = g_array_new (FALSE, FALSE, sizeof (GOutputVector));
  self->maps = g_array_new (FALSE, FALSE, sizeof (GstMapInfo));
  gst_base_sink_set_sync (GST_BASE_SINK (self), TRUE);
}
