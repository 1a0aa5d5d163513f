/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-icesrc
 * @title: icesrc
 * @see_also: icesink, udpsrc, nicesrc
 *
 * Receives datagrams (RTP, RTCP, or anything else) from a peer over an
 * ICE connection (RFC 8445) and pushes them as buffer lists, a batch at a
 * time. Each buffer's PTS is the running time at which it arrived, and it
 * carries a #GstNetAddressMeta with the peer's address. While connected
 * over UDP, icesrc's streaming thread reads the socket itself (one wake-up
 * per batch, STUN answered from there too) into buffers of its own pool;
 * when it stops reading for 100 ms (paused, blocked downstream), the agent
 * reads again and keeps answering the peer's checks (docs/ice-agent.md).
 *
 * The ICE agent is shared with every icesrc/icesink of the same
 * #GstIceSrc:agent-name in the process; without one, with the other
 * elements of the same top-level pipeline. When the connection fails,
 * the first time or after an ICE restart, icesrc posts an error and
 * stops. The peer is found through the
 * #GstIceSrc:signaller (a room directory), or by the application with the
 * #GstIceSrc::on-ice-candidate and #GstIceSrc::add-ice-candidate signals.
 * Connection state changes are posted as element messages named
 * "ice-connection-state", "ice-gathering-state" and "ice-selected-pair".
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 icesrc signaller=file:///tmp/room
 * caps="application/x-rtp,media=audio,clock-rate=44100,encoding-name=L16,channels=2,payload=96"
 * ! rtpL16depay ! fakesink
 * ]| Receives L16 audio from the icesink that meets it in /tmp/room
 * (start them in either order):
 * |[
 * gst-launch-1.0 audiotestsrc ! rtpL16pay ! icesink signaller=file:///tmp/room
 * ]| Add audioconvert ! autoaudiosink after rtpL16depay to hear it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticeelements.h"
#include "gsticesrc.h"
#include "gsticerelay.h"

#include <gst/net/gstnetaddressmeta.h>

GST_DEBUG_CATEGORY_STATIC (gst_ice_src_debug);
#define GST_CAT_DEFAULT gst_ice_src_debug

#define DEFAULT_CAPS "application/x-rtp"
/* How long one wait for datagrams lasts before the connection state is
 * looked at again (a FAILED connection ends the stream with an error). */
#define WAIT_SLICE_US (200 * G_TIME_SPAN_MILLISECOND)

enum {
  PROP_CAPS = GST_ICE_PROP_LAST,
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE (
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

#define gst_ice_src_parent_class parent_class
G_DEFINE_TYPE (GstIceSrc, gst_ice_src, GST_TYPE_PUSH_SRC);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (icesrc, "icesrc", GST_RANK_NONE,
                                       GST_TYPE_ICE_SRC,
                                       ice_element_init (plugin));

static void
gst_ice_src_set_property (GObject *object, guint prop_id, const GValue *value,
                          GParamSpec *pspec)
{
  GstIceSrc *self = GST_ICE_SRC (object);

  if (gst_ice_common_set_property (&self->ice, prop_id, value))
    return;
  switch (prop_id) {
    case PROP_CAPS: {
      const GstCaps *caps = gst_value_get_caps (value);
      GstCaps *new_caps = caps ? gst_caps_copy (caps) : gst_caps_new_any ();

      GST_OBJECT_LOCK (self);
      gst_caps_replace (&self->caps, new_caps);
      GST_OBJECT_UNLOCK (self);
      gst_caps_unref (new_caps);
      gst_pad_mark_reconfigure (GST_BASE_SRC_PAD (self));
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_ice_src_get_property (GObject *object, guint prop_id, GValue *value,
                          GParamSpec *pspec)
{
  GstIceSrc *self = GST_ICE_SRC (object);

  if (gst_ice_common_get_property (&self->ice, prop_id, value))
    return;
  switch (prop_id) {
    case PROP_CAPS:
      GST_OBJECT_LOCK (self);
      gst_value_set_caps (value, self->caps);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static GstCaps *
gst_ice_src_get_caps (GstBaseSrc *src, GstCaps *filter)
{
  GstIceSrc *self = GST_ICE_SRC (src);
  GstCaps *caps, *result;

  GST_OBJECT_LOCK (self);
  caps = gst_caps_ref (self->caps);
  GST_OBJECT_UNLOCK (self);
  if (filter) {
    result = gst_caps_intersect_full (filter, caps, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (caps);
  } else {
    result = caps;
  }
  return result;
}

static GSocketAddress *
socket_address_of (GstIceSrc *self, const IceTransportAddr *from)
{
  GInetAddress *ip;

  if (self->last_addr && ice_addr_equal (&self->last_from, from))
    return self->last_addr;
  ip = g_inet_address_new_from_bytes (
      from->ip, from->family == ICE_ADDR_FAMILY_IPV6 ? G_SOCKET_FAMILY_IPV6
                                                     : G_SOCKET_FAMILY_IPV4);
  g_clear_object (&self->last_addr);
  self->last_addr = g_inet_socket_address_new (ip, from->port);
  self->last_from = *from;
  g_object_unref (ip);
  return self->last_addr;
}

/* Running time "now" and the monotonic time it corresponds to, so that
 * each datagram's arrival time can be turned into a running time. */
static GstClockTime
running_time_now (GstIceSrc *self, gint64 *mono_now_us)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  GstClockTime now, base;

  *mono_now_us = g_get_monotonic_time ();
  if (clock == NULL)
    return GST_CLOCK_TIME_NONE;
  now = gst_clock_get_time (clock);
  base = gst_element_get_base_time (GST_ELEMENT (self));
  gst_object_unref (clock);
  return now > base ? now - base : 0;
}

/* The peer's address on a buffer of the pool: the meta stays on the
 * buffer across its reuses (POOLED), replaced only when the peer changes. */
static void
set_address (GstIceSrc *self, GstBuffer *buf, const IceTransportAddr *from)
{
  GSocketAddress *addr = socket_address_of (self, from);
  GstNetAddressMeta *meta = gst_buffer_get_net_address_meta (buf);

  if (meta == NULL) {
    meta = gst_buffer_add_net_address_meta (buf, addr);
    GST_META_FLAG_SET (meta, GST_META_FLAG_POOLED);
  } else if (meta->addr != addr) {
    g_object_unref (meta->addr);
    meta->addr = g_object_ref (addr);
  }
}

/* A datagram larger than a slot: its own memory, wrapped without a copy */
static GstBuffer *
wrap_bytes (GBytes *bytes)
{
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);
  GstBuffer *buf = gst_buffer_new ();

  gst_buffer_append_memory (
      buf,
      gst_memory_new_wrapped (GST_MEMORY_FLAG_READONLY, (gpointer)data, size, 0,
                              size, bytes, (GDestroyNotify)g_bytes_unref));
  return buf;
}

static GstBuffer *
take_slot (GstIceSrc *self, guint i, GstClockTime now, gint64 mono_now_us)
{
  IceAgentRecvSlot *slot = &self->slots[i];
  GstBuffer *buf;

  if (slot->bytes != NULL) {
    /* the pooled buffer stays for the next call */
    buf = wrap_bytes (g_steal_pointer (&slot->bytes));
  } else {
    buf = g_steal_pointer (&self->bufs[i]);
    gst_buffer_unmap (buf, &self->maps[i]);
    gst_buffer_set_size (buf, slot->size);
  }
  if (GST_CLOCK_TIME_IS_VALID (now)) {
    GstClockTime age = (mono_now_us - slot->received_us) * GST_USECOND;

    GST_BUFFER_PTS (buf) = now > age ? now - age : 0;
  }
  set_address (self, buf, &slot->from);
  return buf;
}

static GstFlowReturn
push_batch (GstIceSrc *self, guint n, GstBuffer **outbuf)
{
  GstBufferList *list;
  GstClockTime now;
  gint64 mono_now_us;
  guint i;

  now = running_time_now (self, &mono_now_us);
  if (n == 1) {
    *outbuf = take_slot (self, 0, now, mono_now_us);
    return GST_FLOW_OK;
  }
  list = gst_buffer_list_new_sized (n);
  for (i = 0; i < n; i++)
    gst_buffer_list_add (list, take_slot (self, i, now, mono_now_us));
  /* GstBaseSrc 1.22 unrefs the NULL buffer of a submitted list (a
   * GStreamer-CRITICAL) when the source stopped while create() ran: a
   * list received as unlock() cancels us is dropped here instead. This
   * narrows the window to the return itself; it cannot close it. */
  if (g_cancellable_is_cancelled (self->cancellable)) {
    GST_DEBUG_OBJECT (self, "flushing: dropped a list of %u datagrams", n);
    gst_buffer_list_unref (list);
    return GST_FLOW_FLUSHING;
  }
  GST_LOG_OBJECT (self, "pushing a list of %u datagrams", n);
  gst_base_src_submit_buffer_list (GST_BASE_SRC (self), list);
  *outbuf = NULL;
  return GST_FLOW_OK;
}

/* Takes buffers from the pool for the slots the last call used. */
static gboolean
fill_slots (GstIceSrc *self)
{
  guint i;

  for (i = 0; i < GST_ICE_SRC_BATCH; i++) {
    if (self->bufs[i] == NULL) {
      if (gst_buffer_pool_acquire_buffer (self->pool, &self->bufs[i], NULL)
          != GST_FLOW_OK)
        return FALSE;
      gst_buffer_map (self->bufs[i], &self->maps[i], GST_MAP_WRITE);
    }
    self->slots[i].data = self->maps[i].data;
    self->slots[i].size = self->maps[i].size;
    self->slots[i].bytes = NULL;
  }
  return TRUE;
}

static void
return_slots (GstIceSrc *self)
{
  guint i;

  for (i = 0; i < GST_ICE_SRC_BATCH; i++)
    if (self->bufs[i] != NULL) {
      gst_buffer_unmap (self->bufs[i], &self->maps[i]);
      gst_clear_buffer (&self->bufs[i]);
    }
}

static GstFlowReturn
gst_ice_src_create (GstPushSrc *psrc, GstBuffer **outbuf)
{
  GstIceSrc *self = GST_ICE_SRC (psrc);
  GstIceSettings *s = &self->ice.active;
  GError *err = NULL;
  gint n;

  if (!fill_slots (self))
    return GST_FLOW_FLUSHING;
  do {
    if (gst_ice_common_failed (&self->ice))
      goto failed;
    n = ice_agent_recv_into (self->ice.agent, s->stream, s->component,
                             self->slots, GST_ICE_SRC_BATCH, WAIT_SLICE_US,
                             self->cancellable, &err);
  } while (n == 0);
  if (n < 0)
    goto recv_error;
  return push_batch (self, n, outbuf);

  /* ERRORS */
failed : {
  GST_ELEMENT_ERROR (self, RESOURCE, READ, ("ICE connection failed"),
                     ("stream %u: no candidate pair works", s->stream));
  return GST_FLOW_ERROR;
}
recv_error : {
  if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    GST_DEBUG_OBJECT (self, "cancelled: flushing");
    g_clear_error (&err);
    return GST_FLOW_FLUSHING;
  }
  GST_ELEMENT_ERROR (self, RESOURCE, READ, (NULL),
                     ("receive failed: %s", err->message));
  g_clear_error (&err);
  return GST_FLOW_ERROR;
}
}

static gboolean
gst_ice_src_start (GstBaseSrc *src)
{
  GstIceSrc *self = GST_ICE_SRC (src);
  GstStructure *config;

  if (!gst_ice_common_start (&self->ice))
    return FALSE;
  /* no maximum: buffers held downstream (a jitterbuffer) never block the
   * source; the pool grows to what is in flight and stays there */
  self->pool = gst_buffer_pool_new ();
  config = gst_buffer_pool_get_config (self->pool);
  gst_buffer_pool_config_set_params (config, NULL, GST_ICE_SRC_SLOT_SIZE, 0, 0);
  if (!gst_buffer_pool_set_config (self->pool, config)
      || !gst_buffer_pool_set_active (self->pool, TRUE))
    goto no_pool;
  return TRUE;

  /* ERRORS */
no_pool : {
  GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, (NULL),
                     ("could not set up the buffer pool"));
  gst_clear_object (&self->pool);
  return FALSE;
}
}

static gboolean
gst_ice_src_stop (GstBaseSrc *src)
{
  GstIceSrc *self = GST_ICE_SRC (src);

  /* Stale media must not come out after a restart of the element. */
  ice_agent_flush_receive_queue (self->ice.agent, self->ice.active.stream,
                                 self->ice.active.component);
  g_clear_object (&self->last_addr);
  return_slots (self);
  if (self->pool != NULL)
    gst_buffer_pool_set_active (self->pool, FALSE);
  gst_clear_object (&self->pool);
  return TRUE;
}

static gboolean
gst_ice_src_unlock (GstBaseSrc *src)
{
  GstIceSrc *self = GST_ICE_SRC (src);

  GST_LOG_OBJECT (self, "unlock: cancelling the receive wait");
  g_cancellable_cancel (self->cancellable);
  return TRUE;
}

static gboolean
gst_ice_src_unlock_stop (GstBaseSrc *src)
{
  GstIceSrc *self = GST_ICE_SRC (src);

  /* A cancelled GCancellable cannot be safely reset while a waiter may
   * still look at it: take a fresh one, as udpsrc does. */
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  return TRUE;
}

static GstStateChangeReturn
gst_ice_src_change_state (GstElement *element, GstStateChange transition)
{
  GstIceSrc *self = GST_ICE_SRC (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY
      && !gst_ice_common_acquire (&self->ice))
    return GST_STATE_CHANGE_FAILURE;

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_READY_TO_NULL
      || (transition == GST_STATE_CHANGE_NULL_TO_READY
          && ret == GST_STATE_CHANGE_FAILURE))
    gst_ice_common_release (&self->ice);
  return ret;
}

static void
gst_ice_src_finalize (GObject *object)
{
  GstIceSrc *self = GST_ICE_SRC (object);

  gst_ice_common_finalize (&self->ice);
  gst_caps_unref (self->caps);
  g_object_unref (self->cancellable);
  g_clear_object (&self->last_addr);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_ice_src_class_init (GstIceSrcClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_ice_src_debug, "icesrc", 0, "ICE source");

  gobject_class->set_property = gst_ice_src_set_property;
  gobject_class->get_property = gst_ice_src_get_property;
  gobject_class->finalize = gst_ice_src_finalize;
  gst_ice_common_class_init (gobject_class);

  /**
   * GstIceSrc:caps:
   * The caps of the datagrams, e.g. "application/x-rtp,media=audio,..."
   * as udpsrc's caps.
   */
  g_object_class_install_property (
      gobject_class, PROP_CAPS,
      g_param_spec_boxed ("caps", "Caps", "The caps of the source pad",
                          GST_TYPE_CAPS,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (
      element_class, "ICE source", "Source/Network",
      "Receive datagrams (RTP) over an ICE connection", "gst-ice developers");
  element_class->change_state = GST_DEBUG_FUNCPTR (gst_ice_src_change_state);

  basesrc_class->get_caps = GST_DEBUG_FUNCPTR (gst_ice_src_get_caps);
  basesrc_class->start = GST_DEBUG_FUNCPTR (gst_ice_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_ice_src_stop);
  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_ice_src_unlock);
  basesrc_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_ice_src_unlock_stop);
  pushsrc_class->create = GST_DEBUG_FUNCPTR (gst_ice_src_create);
}

static void
gst_ice_src_init (GstIceSrc *self)
{
  gst_ice_common_init (&self->ice, GST_ELEMENT (self));
  gst_ice_relay_watch_eos (GST_ELEMENT (self), GST_BASE_SRC_PAD (self));
  self->caps = gst_caps_from_string (DEFAULT_CAPS);
  self->cancellable = g_cancellable_new ();
  gst_base_src_set_live (GST_BASE_SRC (self), TRUE);
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
}
