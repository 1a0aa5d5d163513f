/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * BenchSrc: see bench-src.h. Derives from GstBaseSrc directly (not
 * GstPushSrc) so that one create() can submit a whole buffer list.
 */
#include "bench-src.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

/* A paced source that fell this far behind (a descheduled thread) starts
 * over from now instead of bursting to catch up. */
#define MAX_PACING_LAG_US (20 * G_TIME_SPAN_MILLISECOND)

typedef enum {
  GATE_HOLD,
  GATE_OPEN,
  GATE_STOPPED,
} GateState;

struct _BenchSrc {
  GstBaseSrc parent;

  guint packet_size;
  guint list_size;
  guint rate_pps;
  guint8 *template_payload;

  GMutex lock;
  GCond cond;
  GateState gate;
  gboolean flushing;

  pthread_t thread;
  gboolean has_thread; /* atomic */

  gint64 next_deadline_us;
  guint64 seq;
  gsize sent; /* atomic */
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE (
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp"));

G_DEFINE_TYPE (BenchSrc, bench_src, GST_TYPE_BASE_SRC);

/* Waits until the gate opens; returns the flow to hand back otherwise. */
static GstFlowReturn
wait_for_gate (BenchSrc *self)
{
  GstFlowReturn ret = GST_FLOW_OK;

  g_mutex_lock (&self->lock);
  while (self->gate == GATE_HOLD && !self->flushing)
    g_cond_wait (&self->cond, &self->lock);
  if (self->flushing)
    ret = GST_FLOW_FLUSHING;
  else if (self->gate == GATE_STOPPED)
    ret = GST_FLOW_EOS;
  g_mutex_unlock (&self->lock);
  return ret;
}

/* Sleeps until the next packet (or list) is due at rate_pps. */
static void
pace (BenchSrc *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 period_us = (gint64)self->list_size * G_USEC_PER_SEC / self->rate_pps;

  if (self->next_deadline_us == 0
      || now - self->next_deadline_us > MAX_PACING_LAG_US)
    self->next_deadline_us = now;
  if (self->next_deadline_us > now)
    g_usleep (self->next_deadline_us - now);
  self->next_deadline_us += period_us;
}

static GstBuffer *
make_packet (BenchSrc *self)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, self->packet_size, NULL);
  BenchHeader header
      = { BENCH_HEADER_MAGIC, 0, self->seq++, g_get_monotonic_time () };

  memcpy (self->template_payload, &header, sizeof header);
  gst_buffer_fill (buf, 0, self->template_payload, self->packet_size);
  return buf;
}

static GstFlowReturn
bench_src_create (GstBaseSrc *base, guint64 offset, guint size, GstBuffer **out)
{
  BenchSrc *self = BENCH_SRC (base);
  GstFlowReturn ret = wait_for_gate (self);
  GstBufferList *list;
  guint i;

  if (ret != GST_FLOW_OK)
    return ret;
  if (!g_atomic_int_get (&self->has_thread)) {
    self->thread = pthread_self ();
    g_atomic_int_set (&self->has_thread, TRUE);
  }
  if (self->rate_pps > 0)
    pace (self);
  if (self->list_size == 1) {
    *out = make_packet (self);
    g_atomic_pointer_add (&self->sent, 1);
    return GST_FLOW_OK;
  }
  list = gst_buffer_list_new_sized (self->list_size);
  for (i = 0; i < self->list_size; i++)
    gst_buffer_list_add (list, make_packet (self));
  g_atomic_pointer_add (&self->sent, self->list_size);
  gst_base_src_submit_buffer_list (base, list);
  *out = NULL;
  return GST_FLOW_OK;
}

static gboolean
bench_src_unlock (GstBaseSrc *base)
{
  BenchSrc *self = BENCH_SRC (base);

  g_mutex_lock (&self->lock);
  self->flushing = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
bench_src_unlock_stop (GstBaseSrc *base)
{
  BenchSrc *self = BENCH_SRC (base);

  g_mutex_lock (&self->lock);
  self->flushing = FALSE;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static void
set_gate (BenchSrc *self, GateState gate)
{
  g_mutex_lock (&self->lock);
  self->gate = gate;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

void
bench_src_start (BenchSrc *src)
{
  set_gate (src, GATE_OPEN);
}

void
bench_src_stop (BenchSrc *src)
{
  set_gate (src, GATE_STOPPED);
}

guint64
bench_src_get_sent (BenchSrc *src)
{
  return (guint64)g_atomic_pointer_get (&src->sent);
}

gint64
bench_src_get_thread_cpu_us (BenchSrc *src)
{
  clockid_t clock;
  struct timespec ts;

  if (!g_atomic_int_get (&src->has_thread)
      || pthread_getcpuclockid (src->thread, &clock) != 0
      || clock_gettime (clock, &ts) != 0)
    return -1;
  return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
bench_src_finalize (GObject *object)
{
  BenchSrc *self = BENCH_SRC (object);

  g_free (self->template_payload);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (bench_src_parent_class)->finalize (object);
}

static void
bench_src_class_init (BenchSrcClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *base_class = GST_BASE_SRC_CLASS (klass);

  gobject_class->finalize = bench_src_finalize;
  base_class->create = bench_src_create;
  base_class->unlock = bench_src_unlock;
  base_class->unlock_stop = bench_src_unlock_stop;
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (
      element_class, "Benchmark source", "Source",
      "Pushes fixed-size datagrams, paced or not", "gst-ice developers");
}

static void
bench_src_init (BenchSrc *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->gate = GATE_HOLD;
}

GstElement *
bench_src_new (guint packet_size, guint list_size, guint rate_pps)
{
  BenchSrc *self;

  g_return_val_if_fail (packet_size >= sizeof (BenchHeader), NULL);
  g_return_val_if_fail (list_size >= 1, NULL);
  self = g_object_new (BENCH_TYPE_SRC, NULL);
  self->packet_size = packet_size;
  self->list_size = list_size;
  self->rate_pps = rate_pps;
  self->template_payload = g_malloc0 (packet_size);
  return GST_ELEMENT (self);
}
