/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The bounded receive queue of one component: a ring of datagrams with a
 * count and a byte budget. When either is exceeded the OLDEST datagram is
 * dropped (the newest media is the most useful to a live consumer), so a
 * consumer that stops reading costs at most the budget, never unbounded
 * memory. The caller holds the agent's lock.
 */
#include "ice/io/ice-agent-private.h"

/* The ring starts small and doubles up to the capacity: an agent whose
 * consumer keeps up (or that has a receive callback) never holds the
 * full ring (1024 slots are 40 KiB; a server holds thousands of agents). */
#define QUEUE_FIRST_SLOTS 16

struct _IceAgentQueue {
  IceAgentDatagram *ring; /* @allocated slots, NULL until the first push */
  guint allocated;
  guint capacity;
  guint head; /* index of the oldest */
  guint length;
  gsize bytes;
  gsize max_bytes; /* 0 = no byte limit */
};

IceAgentQueue *
ice_agent_queue_new (guint capacity, gsize max_bytes)
{
  IceAgentQueue *queue = g_new0 (IceAgentQueue, 1);

  queue->capacity = MAX (capacity, 1);
  queue->max_bytes = max_bytes;
  return queue;
}

void
ice_agent_queue_free (IceAgentQueue *queue)
{
  if (queue == NULL)
    return;
  ice_agent_queue_clear (queue);
  g_free (queue->ring);
  g_free (queue);
}

static void
drop_oldest (IceAgentQueue *queue)
{
  IceAgentDatagram *oldest = &queue->ring[queue->head];

  queue->bytes -= g_bytes_get_size (oldest->bytes);
  ice_agent_datagram_clear (oldest);
  queue->head = (queue->head + 1) % queue->allocated;
  queue->length--;
}

/* A ring twice as large (at most the capacity), the oldest first. */
static void
grow (IceAgentQueue *queue)
{
  guint size
      = MIN (queue->capacity, MAX (QUEUE_FIRST_SLOTS, 2 * queue->allocated));
  IceAgentDatagram *ring = g_new0 (IceAgentDatagram, size);
  guint i;

  for (i = 0; i < queue->length; i++)
    ring[i] = queue->ring[(queue->head + i) % queue->allocated];
  g_free (queue->ring);
  queue->ring = ring;
  queue->allocated = size;
  queue->head = 0;
}

/* Takes ownership of @datagram's bytes. Returns how many datagrams were
 * dropped to make room. */
guint
ice_agent_queue_push (IceAgentQueue *queue, IceAgentDatagram *datagram)
{
  gsize size = g_bytes_get_size (datagram->bytes);
  guint dropped = 0;

  while (queue->length > 0
         && (queue->length == queue->capacity
             || (queue->max_bytes > 0
                 && queue->bytes + size > queue->max_bytes))) {
    drop_oldest (queue);
    dropped++;
  }
  if (queue->length == queue->allocated)
    grow (queue);
  queue->ring[(queue->head + queue->length) % queue->allocated] = *datagram;
  queue->length++;
  queue->bytes += size;
  datagram->bytes = NULL;
  return dropped;
}

guint
ice_agent_queue_pop (IceAgentQueue *queue, IceAgentDatagram *out, guint max)
{
  guint n = 0;

  while (n < max && queue->length > 0) {
    IceAgentDatagram *oldest = &queue->ring[queue->head];

    out[n++] = *oldest;
    queue->bytes -= g_bytes_get_size (oldest->bytes);
    oldest->bytes = NULL;
    queue->head = (queue->head + 1) % queue->allocated;
    queue->length--;
  }
  return n;
}

guint
ice_agent_queue_length (IceAgentQueue *queue)
{
  return queue->length;
}

void
ice_agent_queue_clear (IceAgentQueue *queue)
{
  while (queue->length > 0)
    drop_oldest (queue);
  queue->head = 0;
}
