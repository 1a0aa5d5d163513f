/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Signal dispatch of the agents on the shared context. The "gst-ice"
 * thread serves the packets and timers of every agent in the process, so
 * an application handler must not run there: one that blocks would stall
 * STUN, consent and media of all of them. Instead each agent's events
 * wait in its own queue (IceAgentState.pending_events, in the order the
 * session raised them), and a process-wide GThreadPool drains that queue
 * with no lock held.
 *
 * At most one pool task per agent is queued or running at a time
 * (`dispatch_scheduled`), which keeps the agent's signals serial and in
 * order; distinct agents run on distinct pool threads, so a handler that
 * blocks delays its own agent only. The pool has no thread limit (a limit
 * would let N blocked agents stall every other one) but is not exclusive:
 * a thread exists only while some agent has signals to emit, and idle
 * ones go back to GLib's shared set of unused threads, which expires them
 * (many agents do not mean many idle threads).
 *
 * Agents on a context of the application's own keep emitting from that
 * context (ice_agent_state_emit_pending): the application iterates it and
 * chose which thread that is.
 */
#include "ice/io/ice-agent-private.h"

static GThreadPool *dispatch_pool;

static void dispatch_run (gpointer data, gpointer user_data);

static GThreadPool *
pool_get (void)
{
  static gsize once;

  if (g_once_init_enter (&once)) {
    /* max_threads -1, not exclusive: see the file comment; never freed, a
     * task may outlive every agent's owner (an unref in a handler). */
    dispatch_pool = g_thread_pool_new (dispatch_run, NULL, -1, FALSE, NULL);
    g_once_init_leave (&once, 1);
  }
  return dispatch_pool;
}

/* Hands the queued events of an agent on the shared context to the pool,
 * unless a task of this agent is already queued or running (it will see
 * them). Caller holds the lock. */
void
ice_agent_dispatch_schedule_locked (IceAgentState *state)
{
  if (!state->shared_context || state->closed || state->dispatch_scheduled
      || state->pending_events->len == 0)
    return;
  state->dispatch_scheduled = TRUE;
  g_thread_pool_push (pool_get (), ice_agent_state_ref (state), NULL);
}

/* Takes every queued event, or clears the scheduled flag when there is
 * none (under the same lock, so an event queued meanwhile schedules a new
 * task). Returns NULL when the task is done. */
static GArray *
take_events (IceAgentState *state)
{
  GArray *events = NULL;

  g_mutex_lock (&state->lock);
  if (state->closed)
    g_array_set_size (state->pending_events, 0);
  if (state->pending_events->len == 0) {
    state->dispatch_scheduled = FALSE;
  } else {
    events = state->pending_events;
    state->pending_events = g_array_new (FALSE, FALSE, sizeof (IceEvent));
  }
  g_mutex_unlock (&state->lock);
  return events;
}

static gboolean
still_open (IceAgentState *state)
{
  gboolean open;

  g_mutex_lock (&state->lock);
  open = !state->closed;
  g_mutex_unlock (&state->lock);
  return open;
}

/* Emits a batch taken from the queue, lock NOT held (both paths: the pool
 * here, the application's context in ice_agent_state_emit_pending). Each
 * event is emitted only while the agent is open, so once ice_agent_close()
 * returned no further signal starts, even from the batch in hand. */
void
ice_agent_dispatch_emit (IceAgentState *state, GArray *events)
{
  IceAgent *agent = g_weak_ref_get (&state->agent);
  guint i;

  for (i = 0; agent != NULL && i < events->len && still_open (state); i++)
    ice_agent_emit_event (agent, &g_array_index (events, IceEvent, i));
  /* may be the last reference (a handler unreffed the agent): dispose
   * and finalize run here, after the handler returned */
  g_clear_object (&agent);
}

static void
dispatch_run (gpointer data, gpointer user_data)
{
  IceAgentState *state = data;
  GArray *events;

  while ((events = take_events (state)) != NULL) {
    ice_agent_dispatch_emit (state, events);
    g_array_unref (events);
  }
  ice_agent_state_unref (state);
}
