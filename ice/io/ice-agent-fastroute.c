/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The send route without the lock (docs/ice-agent.md "Sending media").
 *
 * A plain UDP route (no TURN prefix, not over a stream) of the first
 * ICE_AGENT_FAST_STREAMS streams is published in a slot that the send
 * path reads under a seqlock: the writer (the agent, under its lock, on
 * every route refresh) makes the sequence odd, writes the fd and the
 * destination, makes it even again; a sender that sees an odd or a
 * changed sequence takes the locked path instead. A buffer then costs no
 * mutex, no session call and no GSocket reference.
 *
 * The fd must stay open while a sender uses it without a reference: a
 * sender counts itself in `senders` (sequentially consistent) before it
 * reads the slot, and the writer, having unpublished a socket, reads
 * `senders` after it (sequentially consistent too). Either the writer
 * sees the sender, and parks its reference to the old socket in
 * `retired` until no sender is in flight, or the sender comes later in
 * that order and reads the new slot. Retired references go at the next
 * publish or timer with no sender in flight, and at the end.
 *
 * What the lock-free senders did (datagrams, bytes, the time of the last
 * one) is added up in the slot with atomics and folded into the session
 * under the lock: before each timer (the keepalive of RFC 8445 §11 sees
 * the media), before stats are read, and when the route changes (the
 * counts go to the pair they were sent on).
 */
#include <string.h>

#include "ice/io/ice-agent-private.h"

#define RELAXED __ATOMIC_RELAXED
#define SEQ_CST __ATOMIC_SEQ_CST

void
ice_agent_fast_routes_init (IceAgentFastRoutes *fast)
{
  guint s, c;

  for (s = 0; s < ICE_AGENT_FAST_STREAMS; s++)
    for (c = 0; c < ICE_AGENT_FAST_COMPONENTS; c++)
      fast->slots[s][c].fd = -1;
  fast->retired = g_ptr_array_new_with_free_func (g_object_unref);
}

void
ice_agent_fast_routes_clear (IceAgentFastRoutes *fast)
{
  g_clear_pointer (&fast->retired, g_ptr_array_unref);
}

static IceAgentFastRoute *
slot_of (IceAgentState *state, guint stream_id, guint component_id)
{
  if (stream_id >= ICE_AGENT_FAST_STREAMS || component_id < 1
      || component_id > ICE_AGENT_FAST_COMPONENTS)
    return NULL;
  return &state->fast.slots[stream_id][component_id - 1];
}

/* Adds what the lock-free senders counted to the pair they sent on. */
static void
fold_slot_locked (IceAgentState *state, guint stream_id, guint component_id,
                  IceAgentFastRoute *slot)
{
  guint64 packets = __atomic_exchange_n (&slot->packets, 0, RELAXED);
  guint64 bytes = __atomic_exchange_n (&slot->bytes, 0, RELAXED);
  gint64 last = __atomic_exchange_n (&slot->last_sent_us, 0, RELAXED);

  if (state->session == NULL)
    return;
  if (packets > 0)
    ice_session_count_media_sent_on (state->session, stream_id, component_id,
                                     &slot->local, &slot->remote, packets,
                                     bytes);
  if (last > 0)
    ice_session_note_sent (state->session, stream_id, component_id, last);
}

/* Drops the parked socket references once no sender can use them. */
static void
reclaim_locked (IceAgentState *state)
{
  if (state->fast.retired->len > 0
      && __atomic_load_n (&state->fast.senders, SEQ_CST) == 0)
    g_ptr_array_set_size (state->fast.retired, 0);
}

void
ice_agent_fast_routes_fold_locked (IceAgentState *state)
{
  guint s, c;

  for (s = 0; s < ICE_AGENT_FAST_STREAMS; s++)
    for (c = 0; c < ICE_AGENT_FAST_COMPONENTS; c++)
      fold_slot_locked (state, s, c + 1, &state->fast.slots[s][c]);
  reclaim_locked (state);
}

static void
write_slot (IceAgentFastRoute *slot, gint fd, const struct sockaddr *dest,
            socklen_t dest_len)
{
  guint32 words[ICE_AGENT_FAST_DEST_WORDS] = { 0 };
  guint seq = slot->seq, w;

  if (dest != NULL)
    memcpy (words, dest, MIN (dest_len, sizeof (words)));
  __atomic_store_n (&slot->seq, seq + 1, RELAXED);
  __atomic_thread_fence (__ATOMIC_RELEASE);
  __atomic_store_n (&slot->fd, fd, RELAXED);
  __atomic_store_n (&slot->dest_len, dest_len, RELAXED);
  for (w = 0; w < ICE_AGENT_FAST_DEST_WORDS; w++)
    __atomic_store_n (&slot->dest[w], words[w], RELAXED);
  __atomic_store_n (&slot->seq, seq + 2, SEQ_CST);
}

/**
 * ice_agent_fast_route_publish_locked:
 * @route: the component's new cached route
 * @from: (nullable): its local base, @to its remote address (NULL when
 *   there is no route)
 * @old_socket: (transfer full) (nullable): the previous route's socket
 *
 * Publishes @route for the lock-free senders when it is a plain UDP one,
 * else unpublishes the slot; takes care of @old_socket's reference.
 */
void
ice_agent_fast_route_publish_locked (IceAgentState *state, guint stream_id,
                                     guint component_id,
                                     const IceAgentRoute *route,
                                     const IceTransportAddr *from,
                                     const IceTransportAddr *to,
                                     GSocket *old_socket)
{
  IceAgentFastRoute *slot = slot_of (state, stream_id, component_id);
  gboolean plain = route->ok && route->socket != NULL && !route->over_stream
                   && route->prefix_len == 0
                   && route->prefix_kind == ICE_SEND_PREFIX_NONE
                   && route->dest_len <= sizeof (slot->dest) && !state->closed;

  if (slot == NULL) {
    g_clear_object (&old_socket);
    return;
  }
  /* the counts so far belong to the pair they were sent on */
  fold_slot_locked (state, stream_id, component_id, slot);
  if (plain)
    write_slot (slot, route->fd, (const struct sockaddr *)&route->dest,
                route->dest_len);
  else if (slot->fd >= 0)
    write_slot (slot, -1, NULL, 0);
  if (plain) {
    slot->local = *from;
    slot->remote = *to;
  }
  /* after the slot's new sequence (SEQ_CST): a sender not counted here
   * reads the new slot */
  if (old_socket != NULL
      && __atomic_load_n (&state->fast.senders, SEQ_CST) != 0)
    g_ptr_array_add (state->fast.retired, old_socket);
  else
    g_clear_object (&old_socket);
  reclaim_locked (state);
}

/* At close: every sender takes the locked path, which refuses. */
void
ice_agent_fast_routes_unpublish_locked (IceAgentState *state)
{
  guint s, c;

  for (s = 0; s < ICE_AGENT_FAST_STREAMS; s++)
    for (c = 0; c < ICE_AGENT_FAST_COMPONENTS; c++)
      if (state->fast.slots[s][c].fd >= 0)
        write_slot (&state->fast.slots[s][c], -1, NULL, 0);
}

/**
 * ice_agent_fast_route_enter:
 * @out: (out caller-allocates): the route, with no socket reference
 * @packets, @bytes: what the caller is about to send
 *
 * Reads the published route without the lock. On TRUE the caller sends
 * with @out->fd and then calls ice_agent_fast_route_leave(); on FALSE it
 * takes the locked path.
 */
gboolean
ice_agent_fast_route_enter (IceAgentState *state, guint stream_id,
                            guint component_id, IceAgentRoute *out,
                            guint packets, guint64 bytes)
{
  IceAgentFastRoute *slot = slot_of (state, stream_id, component_id);
  guint seq, w;
  guint32 *dest = (guint32 *)&out->dest;

  if (slot == NULL)
    return FALSE;
  __atomic_add_fetch (&state->fast.senders, 1, SEQ_CST);
  seq = __atomic_load_n (&slot->seq, SEQ_CST);
  if (seq & 1)
    goto locked;
  out->fd = __atomic_load_n (&slot->fd, RELAXED);
  out->dest_len = __atomic_load_n (&slot->dest_len, RELAXED);
  for (w = 0; w < ICE_AGENT_FAST_DEST_WORDS; w++)
    dest[w] = __atomic_load_n (&slot->dest[w], RELAXED);
  __atomic_thread_fence (__ATOMIC_ACQUIRE);
  if (out->fd < 0 || __atomic_load_n (&slot->seq, RELAXED) != seq)
    goto locked;
  out->ok = TRUE;
  out->socket = NULL;
  out->prefix_len = 0;
  out->prefix_kind = ICE_SEND_PREFIX_NONE;
  out->over_stream = FALSE;
  __atomic_add_fetch (&slot->packets, packets, RELAXED);
  __atomic_add_fetch (&slot->bytes, bytes, RELAXED);
  __atomic_store_n (&slot->last_sent_us, g_get_monotonic_time (), RELAXED);
  return TRUE;

locked:
  ice_agent_fast_route_leave (state);
  return FALSE;
}

void
ice_agent_fast_route_leave (IceAgentState *state)
{
  __atomic_sub_fetch (&state->fast.senders, 1, __ATOMIC_RELEASE);
}
