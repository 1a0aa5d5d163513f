/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Who reads a socket: the consumer or the agent (docs/ice-agent.md).
 *
 * While a component is connected over UDP and its consumer waits in
 * ice_agent_recv_batch(), the consumer reads the route's socket itself:
 * poll + recvmmsg on its own thread, the batch handed to the session
 * under one lock (STUN answered, media checked against the validated
 * sources as always, ice-agent-recv.c), its media returned at once. One
 * wake-up per batch, on the thread that needs the data; the agent's
 * context does not wake for media at all.
 *
 * The hand-over keeps every datagram read exactly once, in order:
 * - the consumer CLAIMS the socket under the lock, after waiting for a
 *   batch the agent may be reading (agent_reading), and takes what the
 *   agent queued before reading the socket itself;
 * - the agent's source then stops polling the fd (it notices the claim
 *   at its next wake-up) and instead wakes every LEASE to see whether the
 *   consumer still comes back: when the consumer has been out of its read
 *   for a LEASE (icesrc paused, stopped, downstream blocked), the agent
 *   TAKES the socket BACK and reads it again, so STUN (checks, consent)
 *   is always answered within a LEASE; the consumer claims anew when it
 *   returns;
 * - the consumer releases at once on ice_agent_flush_receive_queue()
 *   (icesrc's stop), when the route goes away or changes, or when it is
 *   not a plain UDP one; media the agent queues meanwhile (another
 *   socket, TCP) wakes the consumer's poll through an eventfd.
 * A cancelled GCancellable (unlock) ends the poll (it writes the same
 * eventfd); the next call reads on.
 *
 * A consumer that is too slow for the sender (overload) leaves the
 * backlog in the kernel's buffer, not in user memory. But that buffer is
 * large (4 MiB, for bursts) and drops the NEWEST datagrams when full, so
 * after a full read the consumer asks how much is still waiting; above
 * ICE_AGENT_BACKLOG_MAX_BYTES the batch just read is old: its media is
 * dropped (counted in backlog_dropped) and the next batch read at once,
 * until the backlog is small again. Every datagram still goes through the
 * session: STUN (checks, consent) is answered however slow the consumer,
 * and what it gets is fresh again within a fraction of a millisecond.
 */
#include <errno.h>
#include <linux/sock_diag.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ice/io/ice-agent-private.h"

/* How long the consumer may stay out of its read before the agent reads
 * the socket again (well below any STUN timeout: RFC 8445 §14.3 RTO is
 * 500 ms at least; RFC 7675 consent checks are 5 s apart). */
#define ICE_AGENT_READER_LEASE_US (100 * G_TIME_SPAN_MILLISECOND)

/* A backlog is dropped only by a consumer that came back from downstream
 * after at least this long (a slow element held it): one that is behind
 * because reading itself is its bottleneck (unpaced bursts) would spend
 * its time dropping instead of delivering, where the kernel's own drops
 * cost it nothing. */
#define ICE_AGENT_READER_AWAY_DROP_US (2 * G_TIME_SPAN_MILLISECOND)

/* Sentinel of ice_agent_reader_read: the consumer cannot read a socket */
#define READER_NOT_DIRECT (-2)

static void
set_polling (IceAgentSocket *sock, gboolean on)
{
  if (sock->polling == on)
    return;
  sock->polling = on;
  g_source_modify_unix_fd (sock->source, sock->fd_tag, on ? G_IO_IN : 0);
}

static IceAgentSocket *
socket_of_locked (IceAgentState *state, GSocket *socket)
{
  guint k;

  for (k = 0; socket != NULL && k < state->sockets->len; k++)
    if (((IceAgentSocket *)state->sockets->pdata[k])->socket == socket)
      return state->sockets->pdata[k];
  return NULL;
}

/* On the agent's context, before it reads @sock: TRUE when it may. */
gboolean
ice_agent_reader_agent_may_read_locked (IceAgentState *state,
                                        IceAgentSocket *sock, gint64 now)
{
  IceAgentComponent *comp;
  IceAgentReader *reader;

  if (sock->consumer_owned) {
    comp = ice_agent_state_get_component_locked (state, sock->stream_id,
                                                 sock->component_id);
    reader = comp != NULL ? &comp->reader : NULL;
    if (reader != NULL && reader->socket == sock->socket
        && (reader->reading
            || now - reader->left_us < ICE_AGENT_READER_LEASE_US)) {
      set_polling (sock, FALSE);
      g_source_set_ready_time (sock->source,
                               (reader->reading ? now : reader->left_us)
                                   + ICE_AGENT_READER_LEASE_US);
      return FALSE;
    }
    /* the consumer stays away: the agent reads again (STUN, consent) */
    sock->consumer_owned = FALSE;
    if (reader != NULL && reader->socket == sock->socket)
      g_clear_object (&reader->socket);
    state->reader_handovers++;
  }
  set_polling (sock, TRUE);
  g_source_set_ready_time (sock->source, -1);
  return TRUE;
}

void
ice_agent_reader_wake (IceAgentComponent *comp)
{
  guint64 one = 1;

  if (comp->reader.reading && comp->reader.wake_fd >= 0
      && write (comp->reader.wake_fd, &one, sizeof (one)) < 0)
    g_debug ("waking the consumer: %s", g_strerror (errno));
}

void
ice_agent_reader_wake_all_locked (IceAgentState *state)
{
  guint s, c;

  for (s = 0; s < state->streams->len; s++) {
    IceAgentStream *stream = state->streams->pdata[s];

    for (c = 0; stream != NULL && c < stream->n_components; c++)
      ice_agent_reader_wake (&stream->components[c]);
  }
}

/* Gives the socket back to the agent (not while the consumer reads it:
 * it finds out itself when it comes back). */
void
ice_agent_reader_release_locked (IceAgentState *state, IceAgentComponent *comp)
{
  IceAgentReader *reader = &comp->reader;
  IceAgentSocket *sock;

  if (reader->socket == NULL || reader->reading)
    return;
  sock = socket_of_locked (state, reader->socket);
  if (sock != NULL && sock->consumer_owned) {
    sock->consumer_owned = FALSE;
    /* the agent's source re-arms its fd on the context thread */
    g_source_set_ready_time (sock->source, 0);
  }
  g_clear_object (&reader->socket);
}

static void
forget_cancellable (IceAgentReader *reader)
{
  if (reader->cancellable != NULL)
    g_cancellable_disconnect (reader->cancellable, reader->cancel_handler);
  g_clear_object (&reader->cancellable);
  reader->cancel_handler = 0;
}

static void
cancelled_wake (GCancellable *cancellable, gpointer wake_fd)
{
  guint64 one = 1;

  if (write (GPOINTER_TO_INT (wake_fd), &one, sizeof (one)) < 0)
    g_debug ("waking the consumer: %s", g_strerror (errno));
}

/* A cancelled @cancellable writes the wake eventfd, so the poll watches
 * two fds as udpsrc's does, not three; connected once while it stays the
 * same (icesrc replaces it on each unlock_stop). Already cancelled, it
 * writes at once. */
static void
watch_cancellable_locked (IceAgentReader *reader, GCancellable *cancellable)
{
  if (reader->cancellable == cancellable)
    return;
  forget_cancellable (reader);
  if (cancellable == NULL)
    return;
  reader->cancellable = g_object_ref (cancellable);
  reader->cancel_handler
      = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_wake),
                               GINT_TO_POINTER (reader->wake_fd), NULL);
}

void
ice_agent_reader_clear (IceAgentReader *reader)
{
  forget_cancellable (reader);
  g_clear_object (&reader->socket);
  if (reader->wake_fd >= 0)
    close (reader->wake_fd);
  reader->wake_fd = -1;
}

/* The socket the consumer can read itself: the route's, over UDP, unless
 * it is the mux's (its datagrams are other agents' too). */
static IceAgentSocket *
direct_socket_locked (IceAgentState *state, IceAgentComponent *comp)
{
  IceAgentSocket *sock;

  if (!comp->route.ok || comp->route.over_stream || comp->recv_func != NULL)
    return NULL;
  sock = socket_of_locked (state, comp->route.socket);
  return sock != NULL && !sock->shared ? sock : NULL;
}

/* Makes the socket the consumer's (nothing to do when it is already) */
static void
claim_locked (IceAgentState *state, IceAgentComponent *comp,
              IceAgentSocket *sock)
{
  IceAgentReader *reader = &comp->reader;

  if (reader->socket == sock->socket && sock->consumer_owned)
    return;
  ice_agent_reader_release_locked (state, comp);
  /* a batch the agent is reading goes to the queue first */
  while (sock->agent_reading && !state->closed)
    g_cond_wait (&state->cond, &state->lock);
  if (reader->wake_fd < 0)
    reader->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  sock->consumer_owned = TRUE;
  /* the lease starts now, whether or not the consumer reads at once */
  reader->left_us = g_get_monotonic_time ();
  g_clear_object (&reader->socket);
  reader->socket = g_object_ref (sock->socket);
  reader->local = sock->local;
}

/* Polls the socket and the wake eventfd (which the cancellable writes
 * too): TRUE when the socket has something to read. */
static gboolean
wait_readable (gint fd, gint wake_fd, gint64 deadline)
{
  struct pollfd fds[2] = { { fd, POLLIN, 0 }, { wake_fd, POLLIN, 0 } };
  gint timeout_ms = -1, r;
  guint64 count;

  if (deadline != G_MAXINT64)
    timeout_ms = MAX (0, (deadline - g_get_monotonic_time () + 999) / 1000);
  do
    r = poll (fds, G_N_ELEMENTS (fds), timeout_ms);
  while (r < 0 && errno == EINTR);
  if (fds[1].revents & POLLIN)
    while (read (wake_fd, &count, sizeof (count)) > 0)
      ;
  return r > 0 && (fds[0].revents & (POLLIN | POLLERR));
}

static gboolean
emit_on_context (gpointer data)
{
  ice_agent_state_emit_pending (data);
  return G_SOURCE_REMOVE;
}

/* Signals go out on the agent's context, never on the consumer's thread
 * (the shared context's pool is scheduled by the flush itself). */
static void
schedule_emit_locked (IceAgentState *state)
{
  GSource *idle;

  if (state->shared_context || state->pending_events->len == 0)
    return;
  idle = g_idle_source_new ();
  g_source_set_callback (idle, emit_on_context, ice_agent_state_ref (state),
                         (GDestroyNotify)ice_agent_state_unref);
  g_source_attach (idle, state->context);
  g_source_unref (idle);
}

/* Counts the batch, returns the consumer's media (how many in @out). */
static guint
finish_read_locked (IceAgentState *state, IceAgentComponent *comp, gint got,
                    IceAgentDirect *direct, GArray *callbacks)
{
  IceAgentReader *reader = &comp->reader;
  guint64 segments = state->gro_segments;
  guint64 media = state->packets_received;
  guint mine = direct->n;

  reader->reading = FALSE;
  reader->left_us = g_get_monotonic_time ();
  if (got <= 0 || state->closed || state->session == NULL)
    return 0;
  state->consumer_reads++;
  ice_agent_recv_handle_locked (state, &reader->local, got, direct, callbacks);
  segments = state->gro_segments - segments;
  reader->per_read = MAX (1, (segments + got - 1) / got);
  schedule_emit_locked (state);
  /* Waiters on the condition wait for queued media (the flush after STUN
   * broadcasts itself): when all the media was ours, nobody is to be
   * woken, and g_cond_broadcast() is a futex syscall even then. */
  if (state->packets_received - media != direct->n - mine)
    g_cond_broadcast (&state->cond);
  return direct->n;
}

/* Claims the route socket, then takes the queue: the fds to poll, or
 * READER_NOT_DIRECT / the number of datagrams popped. The claim comes
 * first even when media is queued: a consumer that is back takes the
 * socket from the agent at once, so the agent does not read ahead of a
 * slow consumer into user memory (the queue would stay full, and the
 * claim never come, for as long as the sender outpaces the consumer);
 * the backlog waits in the kernel's buffer, as with udpsrc. */
static gint
prepare_locked (IceAgentState *state, IceAgentComponent *comp,
                IceAgentDirect *direct, GCancellable *cancellable, gint fds[2])
{
  IceAgentSocket *sock;
  gint n;

  sock = direct_socket_locked (state, comp);
  if (sock == NULL) {
    ice_agent_reader_release_locked (state, comp);
    n = ice_agent_direct_pop_locked (comp->queue, direct);
    return n > 0 ? n : READER_NOT_DIRECT;
  }
  /* what the agent queued up to the claim comes first */
  claim_locked (state, comp, sock);
  n = ice_agent_direct_pop_locked (comp->queue, direct);
  if (n > 0) {
    /* back from downstream: the lease runs from here */
    comp->reader.left_us = g_get_monotonic_time ();
    return n;
  }
  if (comp->reader.wake_fd < 0)
    return READER_NOT_DIRECT;
  comp->reader.reading = TRUE;
  fds[0] = sock->fd;
  fds[1] = comp->reader.wake_fd;
  watch_cancellable_locked (&comp->reader, cancellable);
  return 0;
}

/* TRUE when more than ICE_AGENT_BACKLOG_MAX_BYTES surely wait in the
 * socket's receive buffer (kernel accounting, overhead included). The
 * kernel (udp_rmem_release) gives back what was read in steps of a
 * quarter of the buffer while more is queued, so the figure it reports
 * is high by up to that much: counting it in keeps a consumer that is
 * only a little behind from dropping anything. FALSE when the kernel
 * cannot say (Linux < 4.6). */
static gboolean
backlog_too_large (gint fd)
{
  guint32 meminfo[SK_MEMINFO_VARS] = { 0 };
  socklen_t len = sizeof (meminfo);

  if (getsockopt (fd, SOL_SOCKET, SO_MEMINFO, meminfo, &len) < 0
      || len <= SK_MEMINFO_RCVBUF * sizeof (guint32))
    return FALSE;
  return meminfo[SK_MEMINFO_RMEM_ALLOC]
         > ICE_AGENT_BACKLOG_MAX_BYTES + meminfo[SK_MEMINFO_RCVBUF] / 4;
}

/* One read of at most @want messages: how many; *@old when @may_drop,
 * the read was full and the kernel still holds more than the backlog
 * allowed. Only a full read asks (one more syscall): a consumer that
 * keeps up never. */
static gint
read_batch (gint fd, guint want, gboolean may_drop, gboolean *old)
{
  gint got = ice_agent_recv_read (fd, want);

  *old = may_drop && got > 0 && (guint)got == want && backlog_too_large (fd);
  return got;
}

/* Receive callbacks of other components met in a consumer's batch (rare):
 * one array per consumer thread, emptied by ice_agent_run_callbacks() */
static GPrivate thread_callbacks
    = G_PRIVATE_INIT ((GDestroyNotify)g_array_unref);

static GArray *
callbacks_of_thread (void)
{
  GArray *callbacks = g_private_get (&thread_callbacks);

  if (callbacks == NULL) {
    callbacks = ice_agent_callbacks_new ();
    g_private_set (&thread_callbacks, callbacks);
  }
  return callbacks;
}

/* The consumer's wait in ice_agent_recv_batch(): reads the route socket
 * itself while it can. Returns datagrams in @out (> 0), 0 when @deadline
 * passed, or READER_NOT_DIRECT (-2): wait on the queue instead (also for
 * a cancelled @cancellable, an unknown component, a closed agent). */
gint
ice_agent_reader_read (IceAgentState *state, IceAgentDirect *direct,
                       gint64 deadline, GCancellable *cancellable)
{
  guint stream_id = direct->stream_id, component_id = direct->component_id;
  GArray *callbacks = callbacks_of_thread ();
  IceAgentComponent *comp;
  GSocket *socket = NULL;
  guint per_read = 1, want;
  gint64 away_us = -1;
  gint fds[2], n, got;

  for (;;) {
    g_mutex_lock (&state->lock);
    comp
        = ice_agent_state_get_component_locked (state, stream_id, component_id);
    n = comp == NULL || state->closed
                || g_cancellable_is_cancelled (cancellable)
            ? READER_NOT_DIRECT
            : prepare_locked (state, comp, direct, cancellable, fds);
    if (n == 0) {
      socket = g_object_ref (comp->reader.socket); /* keeps fds[0] open */
      per_read = comp->reader.per_read;
      /* how long it was downstream before this call, at its first read */
      if (away_us < 0)
        away_us = g_get_monotonic_time () - comp->reader.left_us;
    }
    g_mutex_unlock (&state->lock);
    if (n != 0)
      break;

    /* with GRO one message may hold dozens of datagrams: read no more
     * than the batch has room for (the rest would go through the queue) */
    want = CLAMP ((direct->max - direct->n) / MAX (1, per_read), 1,
                  ICE_AGENT_RECV_BATCH);
    got = wait_readable (fds[0], fds[1], deadline)
              ? read_batch (fds[0], want,
                            away_us >= ICE_AGENT_READER_AWAY_DROP_US,
                            &direct->discard)
              : 0;
    g_mutex_lock (&state->lock);
    comp
        = ice_agent_state_get_component_locked (state, stream_id, component_id);
    n = comp != NULL ? finish_read_locked (state, comp, got, direct, callbacks)
                     : 0;
    direct->discard = FALSE;
    g_mutex_unlock (&state->lock);
    g_clear_object (&socket);
    if (callbacks->len > 0)
      ice_agent_run_callbacks (state, callbacks);
    if (n > 0 || g_get_monotonic_time () >= deadline)
      break;
  }
  return n;
}
