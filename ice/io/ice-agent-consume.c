/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The consumer side: draining a component's receive queue a batch at a
 * time (one lock per batch), the receive callback, and waiting for a
 * connection. A consumer that has to wait for media reads its route's
 * socket itself while it can (ice-agent-reader.c); other waits sleep on
 * the agent's condition variable, which every input broadcasts; a
 * GCancellable or close() wakes them too.
 */
#include "ice/io/ice-agent-private.h"

void
ice_agent_datagram_clear (IceAgentDatagram *datagram)
{
  g_clear_pointer (&datagram->bytes, g_bytes_unref);
}

static void
wake_waiters (GCancellable *cancellable, gpointer data)
{
  IceAgentState *state = data;

  g_mutex_lock (&state->lock);
  g_cond_broadcast (&state->cond);
  g_mutex_unlock (&state->lock);
}

/* Connected without holding the lock (the handler takes it). */
static gulong
watch_cancellable (IceAgentState *state, GCancellable *cancellable)
{
  if (cancellable == NULL)
    return 0;
  return g_cancellable_connect (cancellable, G_CALLBACK (wake_waiters),
                                ice_agent_state_ref (state),
                                (GDestroyNotify)ice_agent_state_unref);
}

static gint64
deadline_of (gint64 timeout_us)
{
  if (timeout_us < 0)
    return G_MAXINT64;
  return g_get_monotonic_time () + timeout_us;
}

/* Sleeps until woken or @deadline; FALSE once the deadline has passed. */
static gboolean
wait_locked (IceAgentState *state, gint64 deadline)
{
  if (deadline == G_MAXINT64) {
    g_cond_wait (&state->cond, &state->lock);
    return TRUE;
  }
  return g_cond_wait_until (&state->cond, &state->lock, deadline)
         || g_get_monotonic_time () < deadline;
}

/* Pops what is queued; with @wait, sleeps until something is, the
 * deadline passes or @cancellable fires. *@known: the component exists
 * (and the agent is open). */
static gint
take_batch (IceAgentState *state, IceAgentDirect *direct, gboolean wait,
            gint64 deadline, GCancellable *cancellable, gboolean *known)
{
  IceAgentComponent *comp;
  gint n = 0;

  g_mutex_lock (&state->lock);
  for (;;) {
    comp = ice_agent_state_get_component_locked (state, direct->stream_id,
                                                 direct->component_id);
    *known = comp != NULL;
    if (comp == NULL || g_cancellable_is_cancelled (cancellable))
      break;
    n = ice_agent_direct_pop_locked (comp->queue, direct);
    if (n > 0 || !wait || !wait_locked (state, deadline))
      break;
  }
  g_mutex_unlock (&state->lock);
  return n;
}

static gint
receive (IceAgent *agent, IceAgentDirect *direct, gint64 timeout_us,
         GCancellable *cancellable, GError **error)
{
  IceAgentState *state = ice_agent_get_state (agent);
  gint64 deadline = deadline_of (timeout_us);
  gboolean known = TRUE;
  gulong handler;
  gint n;

  /* a consumer that may wait reads its socket itself (and takes what is
   * queued first); else, or when it cannot, the queue alone */
  n = timeout_us != 0
          ? ice_agent_reader_read (state, direct, deadline, cancellable)
          : take_batch (state, direct, FALSE, 0, cancellable, &known);
  if (n < 0) {
    /* not readable directly (no UDP route yet, TCP, TURN over TCP) */
    handler = watch_cancellable (state, cancellable);
    n = take_batch (state, direct, TRUE, deadline, cancellable, &known);
    g_cancellable_disconnect (cancellable, handler);
  }
  if (n > 0)
    return n;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  if (!known) {
    if (state->closed)
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "agent is closed");
    else
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "unknown stream %u or component %u", direct->stream_id,
                   direct->component_id);
    return -1;
  }
  return 0;
}

gint
ice_agent_recv_batch (IceAgent *agent, guint stream_id, guint component_id,
                      IceAgentDatagram *out, guint max, gint64 timeout_us,
                      GCancellable *cancellable, GError **error)
{
  IceAgentDirect direct = { stream_id, component_id, out, NULL, 0, max, FALSE };

  g_return_val_if_fail (ICE_IS_AGENT (agent), -1);
  g_return_val_if_fail (out != NULL && max > 0, -1);
  return receive (agent, &direct, timeout_us, cancellable, error);
}

gint
ice_agent_recv_into (IceAgent *agent, guint stream_id, guint component_id,
                     IceAgentRecvSlot *slots, guint n_slots, gint64 timeout_us,
                     GCancellable *cancellable, GError **error)
{
  IceAgentDirect direct
      = { stream_id, component_id, NULL, slots, 0, n_slots, FALSE };

  g_return_val_if_fail (ICE_IS_AGENT (agent), -1);
  g_return_val_if_fail (slots != NULL && n_slots > 0, -1);
  return receive (agent, &direct, timeout_us, cancellable, error);
}

void
ice_agent_flush_receive_queue (IceAgent *agent, guint stream_id,
                               guint component_id)
{
  IceAgentState *state;
  IceAgentComponent *comp;

  g_return_if_fail (ICE_IS_AGENT (agent));
  state = ice_agent_get_state (agent);
  g_mutex_lock (&state->lock);
  comp = ice_agent_state_get_component_locked (state, stream_id, component_id);
  if (comp != NULL) {
    ice_agent_queue_clear (comp->queue);
    /* nobody reads for now: the agent answers STUN at once */
    ice_agent_reader_release_locked (state, comp);
  }
  g_mutex_unlock (&state->lock);
}

typedef struct {
  GDestroyNotify notify;
  gpointer data;
} LateNotify;

static gboolean
run_late_notify (gpointer user_data)
{
  LateNotify *late = user_data;

  late->notify (late->data);
  return G_SOURCE_REMOVE;
}

/* A batch taken before the callback was replaced may still be running on
 * the context with the old user_data: free it from the context, after. */
static void
notify_later (IceAgentState *state, GDestroyNotify notify, gpointer data)
{
  LateNotify *late = g_new (LateNotify, 1);
  GSource *idle = g_idle_source_new ();

  late->notify = notify;
  late->data = data;
  g_source_set_callback (idle, run_late_notify, late, g_free);
  g_source_attach (idle, state->context);
  g_source_unref (idle);
}

gboolean
ice_agent_set_receive_callback (IceAgent *agent, guint stream_id,
                                guint component_id, IceAgentReceiveFunc func,
                                gpointer user_data, GDestroyNotify notify)
{
  IceAgentState *state;
  IceAgentComponent *comp;
  GDestroyNotify old_notify = NULL;
  gpointer old_data = NULL;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  state = ice_agent_get_state (agent);
  g_mutex_lock (&state->lock);
  comp = ice_agent_state_get_component_locked (state, stream_id, component_id);
  if (comp != NULL) {
    old_notify = comp->recv_notify;
    old_data = comp->recv_data;
    comp->recv_func = func;
    comp->recv_data = user_data;
    comp->recv_notify = notify;
  }
  g_mutex_unlock (&state->lock);
  if (old_notify != NULL)
    notify_later (state, old_notify, old_data);
  return comp != NULL;
}

/* TRUE: every component has a route; FALSE: not yet; -1: never will. */
static gint
stream_connected_locked (IceAgentState *state, guint stream_id)
{
  IceAgentStream *stream = ice_agent_state_get_stream_locked (state, stream_id);
  IceConnectionState s;
  guint c;

  if (stream == NULL)
    return -1;
  s = ice_session_get_connection_state (state->session, stream_id);
  if (s == ICE_CONNECTION_FAILED || s == ICE_CONNECTION_CLOSED)
    return -1;
  for (c = 0; c < stream->n_components; c++)
    if (!stream->components[c].route.ok)
      return FALSE;
  return TRUE;
}

gboolean
ice_agent_wait_connected (IceAgent *agent, guint stream_id, gint64 timeout_us,
                          GCancellable *cancellable)
{
  IceAgentState *state;
  gint64 deadline = deadline_of (timeout_us);
  gulong handler;
  gint connected;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  state = ice_agent_get_state (agent);
  handler = watch_cancellable (state, cancellable);
  g_mutex_lock (&state->lock);
  for (;;) {
    connected = stream_connected_locked (state, stream_id);
    if (connected != FALSE || g_cancellable_is_cancelled (cancellable)
        || !wait_locked (state, deadline))
      break;
  }
  g_mutex_unlock (&state->lock);
  g_cancellable_disconnect (cancellable, handler);
  return connected == TRUE;
}
