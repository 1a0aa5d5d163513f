/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The consumer's batch (IceAgentDirect): what one ice_agent_recv_batch()
 * or ice_agent_recv_into() call returns. Datagrams for recv_batch are
 * GBytes that own the slot they were read into; for recv_into they are
 * copied into the caller's memory (its buffer pool), so a batch costs no
 * allocation per datagram; a datagram larger than the caller's slot, or
 * one of the component's queue that does not fit, comes as GBytes.
 */
#include <string.h>

#include "ice/io/ice-agent-private.h"

/* Media the consumer read itself, straight from the receive buffer into
 * the caller's slot. FALSE: not for this batch, or no room (the caller
 * makes a GBytes of it). */
gboolean
ice_agent_direct_take_locked (IceAgentState *state, IceAgentDirect *direct,
                              const IceDelivery *delivery,
                              const guint8 *payload, gint64 now)
{
  IceAgentRecvSlot *slot;

  if (direct == NULL || direct->slots == NULL || direct->n >= direct->max
      || direct->stream_id != delivery->stream_id
      || direct->component_id != delivery->component_id)
    return FALSE;
  slot = &direct->slots[direct->n];
  if (delivery->len > slot->size)
    return FALSE;
  memcpy (slot->data, payload + delivery->offset, delivery->len);
  slot->size = delivery->len;
  slot->bytes = NULL;
  slot->from = delivery->remote;
  slot->received_us = now;
  direct->n++;
  state->packets_received++;
  state->bytes_received += delivery->len;
  return TRUE;
}

/* TRUE when @delivery is media of a batch read while the consumer was too
 * far behind: dropped, the oldest first (ice-agent-reader.c) */
gboolean
ice_agent_direct_discard (const IceAgentDirect *direct,
                          const IceDelivery *delivery)
{
  return direct != NULL && direct->discard
         && direct->stream_id == delivery->stream_id
         && direct->component_id == delivery->component_id;
}

/* Appends @datagram (its bytes are taken) to the batch; the caller checked
 * that there is room. */
void
ice_agent_direct_put (IceAgentDirect *direct, IceAgentDatagram *datagram)
{
  IceAgentRecvSlot *slot;
  gsize len;

  if (direct->slots == NULL) {
    direct->out[direct->n++] = *datagram;
    datagram->bytes = NULL;
    return;
  }
  slot = &direct->slots[direct->n++];
  len = g_bytes_get_size (datagram->bytes);
  if (len <= slot->size) {
    memcpy (slot->data, g_bytes_get_data (datagram->bytes, NULL), len);
    slot->size = len;
    slot->bytes = NULL;
    ice_agent_datagram_clear (datagram);
  } else {
    slot->size = 0;
    slot->bytes = g_steal_pointer (&datagram->bytes);
  }
  slot->from = datagram->from;
  slot->received_us = datagram->received_us;
}

/* Moves what the component's queue holds into the batch, oldest first. */
guint
ice_agent_direct_pop_locked (IceAgentQueue *queue, IceAgentDirect *direct)
{
  IceAgentDatagram datagram;
  guint n = 0;

  if (direct->slots == NULL) {
    n = ice_agent_queue_pop (queue, direct->out + direct->n,
                             direct->max - direct->n);
    direct->n += n;
    return n;
  }
  while (direct->n < direct->max && ice_agent_queue_pop (queue, &datagram, 1)) {
    ice_agent_direct_put (direct, &datagram);
    n++;
  }
  return n;
}
