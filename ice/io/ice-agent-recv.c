/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The receive path: a socket source on the agent's context reads batches
 * with recvmmsg (MSG_DONTWAIT), feeds each datagram to the session under
 * ONE lock per batch, answers STUN through the transmits the session
 * queues, and hands media to the component's queue or callback without
 * copying: the slot a datagram was read into becomes its GBytes.
 */
#include <errno.h>
#include <string.h>

#include "ice/io/ice-agent-private.h"

/* Batches read per wakeup before yielding to the other sources. */
#define ICE_AGENT_RECV_ROUNDS 8

/* Scratch space of the receive path */
typedef struct {
  guint8 *slots[ICE_AGENT_RECV_BATCH];
  guint8 *overflow;
  struct mmsghdr msgs[ICE_AGENT_RECV_BATCH];
  struct iovec iov[ICE_AGENT_RECV_BATCH][2];
  struct sockaddr_storage from[ICE_AGENT_RECV_BATCH];
} IceAgentRecvBuffers;

typedef struct {
  guint stream_id;
  guint component_id;
  IceAgentReceiveFunc func;
  gpointer user_data;
  IceAgentDatagram datagram;
} CallbackItem;

static IceAgentRecvBuffers *
recv_buffers_new (void)
{
  IceAgentRecvBuffers *rx = g_new0 (IceAgentRecvBuffers, 1);
  guint i;

  /* Overflow space for datagrams above a slot: large but never touched
   * unless such datagrams arrive (the kernel maps pages lazily). */
  rx->overflow = g_malloc (ICE_AGENT_RECV_BATCH
                           * (ICE_AGENT_MAX_DATAGRAM - ICE_AGENT_SLOT_SIZE));
  for (i = 0; i < ICE_AGENT_RECV_BATCH; i++)
    rx->slots[i] = g_malloc (ICE_AGENT_SLOT_SIZE);
  return rx;
}

static void
recv_buffers_free (gpointer data)
{
  IceAgentRecvBuffers *rx = data;
  guint i;

  for (i = 0; i < ICE_AGENT_RECV_BATCH; i++)
    g_free (rx->slots[i]);
  g_free (rx->overflow);
  g_free (rx);
}

/* One set per thread that runs agents' contexts, shared by all the agents
 * it serves (they are dispatched one at a time): the shared "gst-ice"
 * thread has one, whatever the number of agents. */
static GPrivate thread_buffers = G_PRIVATE_INIT (recv_buffers_free);

static gint
recv_batch (IceAgentRecvBuffers *rx, gint fd)
{
  gsize spill = ICE_AGENT_MAX_DATAGRAM - ICE_AGENT_SLOT_SIZE;
  guint i;
  gint n;

  for (i = 0; i < ICE_AGENT_RECV_BATCH; i++) {
    struct msghdr *hdr = &rx->msgs[i].msg_hdr;

    rx->iov[i][0].iov_base = rx->slots[i];
    rx->iov[i][0].iov_len = ICE_AGENT_SLOT_SIZE;
    rx->iov[i][1].iov_base = rx->overflow + i * spill;
    rx->iov[i][1].iov_len = spill;
    memset (hdr, 0, sizeof (*hdr));
    hdr->msg_name = &rx->from[i];
    hdr->msg_namelen = sizeof (rx->from[i]);
    hdr->msg_iov = rx->iov[i];
    hdr->msg_iovlen = 2;
  }
  do
    n = recvmmsg (fd, rx->msgs, ICE_AGENT_RECV_BATCH, MSG_DONTWAIT, NULL);
  while (n < 0 && errno == EINTR);
  return n;
}

/* The payload of datagram @i as a GBytes that owns its memory: the slot
 * itself (replaced by a fresh one), or for a large datagram one buffer
 * of its size joined from the slot and the overflow. */
static GBytes *
take_payload (IceAgentRecvBuffers *rx, guint i, const guint8 *data,
              gsize offset, gsize len)
{
  guint8 *block = (guint8 *)data;

  if (data == rx->slots[i])
    rx->slots[i] = g_malloc (ICE_AGENT_SLOT_SIZE);
  return g_bytes_new_with_free_func (block + offset, len, g_free, block);
}

static guint8 *
join_large (IceAgentRecvBuffers *rx, guint i, gsize len)
{
  gsize spill = ICE_AGENT_MAX_DATAGRAM - ICE_AGENT_SLOT_SIZE;
  guint8 *joined = g_malloc (len);

  memcpy (joined, rx->slots[i], ICE_AGENT_SLOT_SIZE);
  memcpy (joined + ICE_AGENT_SLOT_SIZE, rx->overflow + i * spill,
          len - ICE_AGENT_SLOT_SIZE);
  return joined;
}

static void
deliver_locked (IceAgentState *state, const IceDelivery *delivery,
                IceAgentDatagram *datagram, GArray *callbacks)
{
  IceAgentComponent *comp;
  CallbackItem item;

  comp = ice_agent_state_get_component_locked (state, delivery->stream_id,
                                               delivery->component_id);
  if (comp == NULL) {
    ice_agent_datagram_clear (datagram);
    state->recv_errors++;
    return;
  }
  state->packets_received++;
  state->bytes_received += g_bytes_get_size (datagram->bytes);
  if (comp->recv_func == NULL) {
    state->queue_dropped += ice_agent_queue_push (comp->queue, datagram);
    return;
  }
  item.stream_id = delivery->stream_id;
  item.component_id = delivery->component_id;
  item.func = comp->recv_func;
  item.user_data = comp->recv_data;
  item.datagram = *datagram;
  g_array_append_val (callbacks, item);
}

static void
handle_one_locked (IceAgentState *state, IceAgentSocket *sock, guint i,
                   gint64 now, GArray *callbacks)
{
  IceAgentRecvBuffers *rx = g_private_get (&thread_buffers);
  gsize len = rx->msgs[i].msg_len;
  guint8 *data = rx->slots[i], *joined = NULL;
  IceTransportAddr from;
  IceDelivery delivery;
  IceAgentDatagram datagram;

  if ((rx->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
      || !ice_agent_addr_from_sockaddr (&from, (struct sockaddr *)&rx->from[i],
                                        rx->msgs[i].msg_hdr.msg_namelen)) {
    state->recv_errors++;
    return;
  }
  if (len > ICE_AGENT_SLOT_SIZE)
    data = joined = join_large (rx, i, len);
  if (ice_session_handle_packet (state->session, now, &sock->local, &from, data,
                                 len, &delivery)
      == ICE_PACKET_DELIVER) {
    datagram.bytes = take_payload (rx, i, data, delivery.offset, delivery.len);
    datagram.from = delivery.remote;
    datagram.received_us = now;
    joined = NULL;
    deliver_locked (state, &delivery, &datagram, callbacks);
  }
  g_free (joined);
}

GArray *
ice_agent_callbacks_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (CallbackItem));
}

/* Media that arrived through a byte stream (TURN over TCP/TLS): copied
 * out of the stream's buffer into a datagram of its own. */
void
ice_agent_deliver_copy_locked (IceAgentState *state,
                               const IceDelivery *delivery, const guint8 *data,
                               gint64 now, GArray *callbacks)
{
  IceAgentDatagram datagram;

  datagram.bytes = g_bytes_new (data + delivery->offset, delivery->len);
  datagram.from = delivery->remote;
  datagram.received_us = now;
  deliver_locked (state, delivery, &datagram, callbacks);
}

/* Hands each run of datagrams for one component to its callback. */
void
ice_agent_run_callbacks (IceAgentState *state, GArray *callbacks)
{
  IceAgent *agent = g_weak_ref_get (&state->agent);
  guint start = 0, end, k;

  while (start < callbacks->len) {
    CallbackItem *first = &g_array_index (callbacks, CallbackItem, start);
    IceAgentDatagram batch[ICE_AGENT_RECV_BATCH];

    for (end = start;
         end < callbacks->len && end - start < G_N_ELEMENTS (batch); end++) {
      CallbackItem *item = &g_array_index (callbacks, CallbackItem, end);

      if (item->stream_id != first->stream_id
          || item->component_id != first->component_id
          || item->func != first->func)
        break;
      batch[end - start] = item->datagram;
    }
    if (agent != NULL)
      first->func (agent, first->stream_id, first->component_id, batch,
                   end - start, first->user_data);
    for (k = 0; k < end - start; k++)
      ice_agent_datagram_clear (&batch[k]);
    start = end;
  }
  g_array_set_size (callbacks, 0);
  g_clear_object (&agent);
}

/* One recvmmsg batch: returns how many datagrams were read (-1 = none). */
static gint
read_and_handle (IceAgentState *state, IceAgentSocket *sock, GArray *callbacks)
{
  gint64 now;
  gint n, i;

  n = recv_batch (g_private_get (&thread_buffers), sock->fd);
  if (n <= 0)
    return -1;
  now = g_get_monotonic_time ();
  g_mutex_lock (&state->lock);
  if (state->closed || state->session == NULL) {
    g_mutex_unlock (&state->lock);
    return -1;
  }
  for (i = 0; i < n; i++)
    handle_one_locked (state, sock, i, now, callbacks);
  ice_agent_state_flush_locked (state);
  g_cond_broadcast (&state->cond);
  g_mutex_unlock (&state->lock);
  return n;
}

static gboolean
socket_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
  IceAgentState *state = data;
  IceAgentSocket *sock = NULL;
  GArray *callbacks;
  guint round, k;

  g_mutex_lock (&state->lock);
  for (k = 0; !state->closed && k < state->sockets->len; k++)
    if (((IceAgentSocket *)state->sockets->pdata[k])->socket == socket)
      sock = state->sockets->pdata[k];
  g_mutex_unlock (&state->lock);
  if (sock == NULL)
    return G_SOURCE_REMOVE;
  if (g_private_get (&thread_buffers) == NULL)
    g_private_set (&thread_buffers, recv_buffers_new ());

  callbacks = g_array_new (FALSE, FALSE, sizeof (CallbackItem));
  for (round = 0; round < ICE_AGENT_RECV_ROUNDS; round++) {
    gint n = read_and_handle (state, sock, callbacks);

    if (callbacks->len > 0)
      ice_agent_run_callbacks (state, callbacks);
    if (n < ICE_AGENT_RECV_BATCH)
      break;
  }
  g_array_unref (callbacks);
  ice_agent_state_emit_pending (state);
  return G_SOURCE_CONTINUE;
}

GSource *
ice_agent_recv_source_new (IceAgentState *state, IceAgentSocket *sock)
{
  GSource *source = g_socket_create_source (sock->socket, G_IO_IN, NULL);

  g_source_set_callback (source, G_SOURCE_FUNC (socket_readable),
                         ice_agent_state_ref (state),
                         (GDestroyNotify)ice_agent_state_unref);
  g_source_set_name (source, "ice-agent-socket");
  return source;
}
