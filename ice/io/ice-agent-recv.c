/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The receive path, shared by its two readers (docs/ice-agent.md, "who
 * reads a socket"): the agent's socket source on its context, and the
 * consumer that reads its route socket itself (ice-agent-reader.c). Both
 * read batches with recvmmsg (MSG_DONTWAIT) and feed each datagram to the
 * session under ONE lock per batch; STUN is answered through the
 * transmits the session queues, media goes to the consumer's own batch,
 * the component's queue or its callback, without copying: the slot a
 * datagram was read into becomes its GBytes.
 *
 * UDP_GRO (Linux >= 5.0) is on for every socket: the kernel may then
 * hand over several datagrams of one sender as one read, their size in
 * a UDP_GRO cmsg; they are split back here, each into a slot of its own.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>

#include "ice/io/ice-agent-private.h"

/* Batches read per wakeup before yielding to the other sources. */
#define ICE_AGENT_RECV_ROUNDS 8
#define SPILL (ICE_AGENT_MAX_DATAGRAM - ICE_AGENT_SLOT_SIZE)

/* Scratch space of the receive path */
typedef struct {
  guint8 *slots[ICE_AGENT_RECV_BATCH];
  guint8 *overflow;
  struct mmsghdr msgs[ICE_AGENT_RECV_BATCH];
  struct iovec iov[ICE_AGENT_RECV_BATCH][2];
  struct sockaddr_storage from[ICE_AGENT_RECV_BATCH];
  union {
    struct cmsghdr align;
    guint8 buf[CMSG_SPACE (sizeof (gint))];
  } control[ICE_AGENT_RECV_BATCH];
} IceAgentRecvBuffers;

typedef struct {
  guint stream_id;
  guint component_id;
  IceAgentReceiveFunc func;
  gpointer user_data;
  IceAgentDatagram datagram;
} CallbackItem;

/* The socket source: which socket it reads, to find it under the lock */
typedef struct {
  GSource base;
  GSocket *socket; /* not a reference: only compared */
} RecvSource;

static IceAgentRecvBuffers *
recv_buffers_new (void)
{
  IceAgentRecvBuffers *rx = g_new0 (IceAgentRecvBuffers, 1);
  guint i;

  /* Overflow space for datagrams above a slot and for GRO reads: large
   * but never touched unless such reads happen (pages map lazily). */
  rx->overflow = g_malloc (ICE_AGENT_RECV_BATCH * SPILL);
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

/* One set per reading thread, shared by all the agents it serves (they
 * are dispatched one at a time): the shared "gst-ice" thread has one,
 * whatever the number of agents, and so has each consumer thread. */
static GPrivate thread_buffers = G_PRIVATE_INIT (recv_buffers_free);

static IceAgentRecvBuffers *
thread_rx (void)
{
  IceAgentRecvBuffers *rx = g_private_get (&thread_buffers);

  if (rx == NULL) {
    rx = recv_buffers_new ();
    g_private_set (&thread_buffers, rx);
  }
  return rx;
}

void
ice_agent_recv_enable_gro (gint fd)
{
  gint on = 1;

  /* older kernels refuse it: every read is then one datagram */
  if (setsockopt (fd, IPPROTO_UDP, UDP_GRO, &on, sizeof (on)) < 0)
    g_debug ("UDP_GRO not available: %s", g_strerror (errno));
}

/* One recvmmsg of at most @vlen messages into this thread's buffers: how
 * many messages, or -1. */
gint
ice_agent_recv_read (gint fd, guint vlen)
{
  IceAgentRecvBuffers *rx = thread_rx ();
  guint i;
  gint n;

  for (i = 0; i < ICE_AGENT_RECV_BATCH; i++) {
    struct msghdr *hdr = &rx->msgs[i].msg_hdr;

    rx->iov[i][0].iov_base = rx->slots[i];
    rx->iov[i][0].iov_len = ICE_AGENT_SLOT_SIZE;
    rx->iov[i][1].iov_base = rx->overflow + i * SPILL;
    rx->iov[i][1].iov_len = SPILL;
    memset (hdr, 0, sizeof (*hdr));
    hdr->msg_name = &rx->from[i];
    hdr->msg_namelen = sizeof (rx->from[i]);
    hdr->msg_iov = rx->iov[i];
    hdr->msg_iovlen = 2;
    hdr->msg_control = rx->control[i].buf;
    hdr->msg_controllen = sizeof (rx->control[i].buf);
  }
  do
    n = recvmmsg (fd, rx->msgs, CLAMP (vlen, 1, ICE_AGENT_RECV_BATCH),
                  MSG_DONTWAIT, NULL);
  while (n < 0 && errno == EINTR);
  return n;
}

/* The UDP_GRO segment size of message @i, or 0 for one datagram. */
static gsize
gro_size (IceAgentRecvBuffers *rx, guint i)
{
  struct msghdr *hdr = &rx->msgs[i].msg_hdr;
  struct cmsghdr *c;
  gint size;

  for (c = CMSG_FIRSTHDR (hdr); c != NULL; c = CMSG_NXTHDR (hdr, c))
    if (c->cmsg_level == IPPROTO_UDP && c->cmsg_type == UDP_GRO) {
      memcpy (&size, CMSG_DATA (c), sizeof (size));
      return size > 0 ? (gsize)size : 0;
    }
  return 0;
}

/* Copies @len bytes at @offset of message @i (slot, then overflow). */
static void
copy_out (IceAgentRecvBuffers *rx, guint i, gsize offset, gsize len,
          guint8 *dst)
{
  if (offset < ICE_AGENT_SLOT_SIZE) {
    gsize head = MIN (len, ICE_AGENT_SLOT_SIZE - offset);

    memcpy (dst, rx->slots[i] + offset, head);
    dst += head;
    offset += head;
    len -= head;
  }
  if (len > 0)
    memcpy (dst, rx->overflow + i * SPILL + offset - ICE_AGENT_SLOT_SIZE, len);
}

/* A datagram of message @i: the slot itself when it is the whole message
 * and fits, else a copy (the slot is replaced by a fresh one when given
 * away, so the segments of a GRO read are all copies). */
typedef struct {
  guint8 *block;
  gboolean is_slot;
} Segment;

static Segment
segment_get (IceAgentRecvBuffers *rx, guint i, gsize offset, gsize len)
{
  Segment seg;

  seg.is_slot
      = offset == 0 && len == rx->msgs[i].msg_len && len <= ICE_AGENT_SLOT_SIZE;
  if (seg.is_slot) {
    seg.block = rx->slots[i];
  } else {
    seg.block = g_malloc (MAX (len, 1));
    copy_out (rx, i, offset, len, seg.block);
  }
  return seg;
}

static GBytes *
segment_take (IceAgentRecvBuffers *rx, guint i, Segment *seg, gsize offset,
              gsize len)
{
  guint8 *block = g_steal_pointer (&seg->block);

  if (seg->is_slot)
    rx->slots[i] = g_malloc (ICE_AGENT_SLOT_SIZE);
  return g_bytes_new_with_free_func (block + offset, len, g_free, block);
}

static void
deliver_locked (IceAgentState *state, const IceDelivery *delivery,
                IceAgentDatagram *datagram, IceAgentDirect *direct,
                GArray *callbacks)
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
  if (direct != NULL && direct->stream_id == delivery->stream_id
      && direct->component_id == delivery->component_id
      && direct->n < direct->max) {
    ice_agent_direct_put (direct, datagram);
    return;
  }
  if (comp->recv_func == NULL) {
    state->queue_dropped += ice_agent_queue_push (comp->queue, datagram);
    /* a consumer polling its route socket learns of it */
    ice_agent_reader_wake (comp);
    return;
  }
  item.stream_id = delivery->stream_id;
  item.component_id = delivery->component_id;
  item.func = comp->recv_func;
  item.user_data = comp->recv_data;
  item.datagram = *datagram;
  g_array_append_val (callbacks, item);
}

/* FALSE when the datagram was media, delivered: nothing for the session
 * to send or signal, no timer moved (no flush needed). */
static gboolean
handle_segment_locked (IceAgentState *state, IceAgentRecvBuffers *rx, guint i,
                       const IceTransportAddr *local,
                       const IceTransportAddr *from, gsize offset, gsize len,
                       gint64 now, IceAgentDirect *direct, GArray *callbacks)
{
  Segment seg = segment_get (rx, i, offset, len);
  IceDelivery delivery;
  IceAgentDatagram datagram;
  IcePacketResult res;

  res = ice_session_handle_packet (state->session, now, local, from, seg.block,
                                   len, &delivery);
  if (res == ICE_PACKET_DELIVER && ice_agent_direct_discard (direct, &delivery))
    state->backlog_dropped++;
  else if (res == ICE_PACKET_DELIVER
           && !ice_agent_direct_take_locked (state, direct, &delivery,
                                             seg.block, now)) {
    datagram.bytes = segment_take (rx, i, &seg, delivery.offset, delivery.len);
    datagram.from = delivery.remote;
    datagram.received_us = now;
    deliver_locked (state, &delivery, &datagram, direct, callbacks);
  }
  if (!seg.is_slot)
    g_free (seg.block);
  return res != ICE_PACKET_DELIVER;
}

static gboolean
handle_one_locked (IceAgentState *state, IceAgentRecvBuffers *rx, guint i,
                   const IceTransportAddr *local, gint64 now,
                   IceAgentDirect *direct, GArray *callbacks)
{
  gsize len = rx->msgs[i].msg_len, step = gro_size (rx, i), offset;
  IceTransportAddr from;
  gboolean more = FALSE;

  if ((rx->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
      || !ice_agent_addr_from_sockaddr (&from, (struct sockaddr *)&rx->from[i],
                                        rx->msgs[i].msg_hdr.msg_namelen)) {
    state->recv_errors++;
    return FALSE;
  }
  if (step == 0 || step >= len)
    return handle_segment_locked (state, rx, i, local, &from, 0, len, now,
                                  direct, callbacks);
  for (offset = 0; offset < len; offset += step) {
    more |= handle_segment_locked (state, rx, i, local, &from, offset,
                                   MIN (step, len - offset), now, direct,
                                   callbacks);
    state->gro_segments++;
  }
  return more;
}

/* Feeds the @n messages this thread just read on the socket at @local to
 * the session; media for @direct's component goes to its batch. Then
 * drains the session, unless the batch was media only (the common case
 * while media flows: no transmit, event or timer can have come of it, and
 * the drain's timer sweep is the costliest part of a batch). */
void
ice_agent_recv_handle_locked (IceAgentState *state,
                              const IceTransportAddr *local, gint n,
                              IceAgentDirect *direct, GArray *callbacks)
{
  IceAgentRecvBuffers *rx = thread_rx ();
  gint64 now = g_get_monotonic_time ();
  gboolean more = FALSE;
  gint i;

  for (i = 0; i < n; i++)
    more |= handle_one_locked (state, rx, i, local, now, direct, callbacks);
  if (more)
    ice_agent_state_flush_locked (state);
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
  deliver_locked (state, delivery, &datagram, NULL, callbacks);
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

/* One recvmmsg batch by the agent: how many messages were read (-1 =
 * none, or a consumer owns the socket now). */
static gint
read_and_handle (IceAgentState *state, IceAgentSocket *sock, GArray *callbacks)
{
  gint n;

  g_mutex_lock (&state->lock);
  if (state->closed || state->session == NULL || sock->consumer_owned) {
    g_mutex_unlock (&state->lock);
    return -1;
  }
  /* a consumer that claims the socket now waits for this batch */
  sock->agent_reading = TRUE;
  g_mutex_unlock (&state->lock);
  n = ice_agent_recv_read (sock->fd, ICE_AGENT_RECV_BATCH);
  g_mutex_lock (&state->lock);
  sock->agent_reading = FALSE;
  if (n > 0 && !state->closed) {
    ice_agent_recv_handle_locked (state, &sock->local, n, NULL, callbacks);
  }
  g_cond_broadcast (&state->cond);
  g_mutex_unlock (&state->lock);
  return n;
}

static IceAgentSocket *
find_socket_locked (IceAgentState *state, GSocket *socket)
{
  guint k;

  for (k = 0; !state->closed && k < state->sockets->len; k++)
    if (((IceAgentSocket *)state->sockets->pdata[k])->socket == socket)
      return state->sockets->pdata[k];
  return NULL;
}

static gboolean
socket_readable (IceAgentState *state, GSocket *socket)
{
  IceAgentSocket *sock;
  GArray *callbacks;
  guint round;
  gboolean mine;

  g_mutex_lock (&state->lock);
  sock = find_socket_locked (state, socket);
  mine = sock != NULL
         && ice_agent_reader_agent_may_read_locked (state, sock,
                                                    g_get_monotonic_time ());
  g_mutex_unlock (&state->lock);
  if (sock == NULL)
    return G_SOURCE_REMOVE;
  if (!mine)
    return G_SOURCE_CONTINUE;

  callbacks = ice_agent_callbacks_new ();
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

static gboolean
recv_source_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  return socket_readable (data, ((RecvSource *)source)->socket);
}

static GSourceFuncs recv_source_funcs
    = { NULL, NULL, recv_source_dispatch, NULL, NULL, NULL };

GSource *
ice_agent_recv_source_new (IceAgentState *state, IceAgentSocket *sock)
{
  GSource *source = g_source_new (&recv_source_funcs, sizeof (RecvSource));

  ((RecvSource *)source)->socket = sock->socket;
  sock->fd_tag = g_source_add_unix_fd (source, sock->fd, G_IO_IN);
  sock->polling = TRUE;
  g_source_set_callback (source, NULL, ice_agent_state_ref (state),
                         (GDestroyNotify)ice_agent_state_unref);
  g_source_set_name (source, "ice-agent-socket");
  return source;
}
