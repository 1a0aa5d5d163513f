/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The state behind an IceAgent: the session and its lock, the timer
 * source that wakes at ice_session_next_timeout(), and the drain of
 * transmits and events after every input. Events are queued under the
 * lock and emitted as signals after unlocking: by the dispatch pool for
 * an agent on the shared context (ice-agent-dispatch.c), by the context
 * thread for an agent on the application's own context.
 */
#include <errno.h>
#include <sys/random.h>

#include "ice/io/ice-agent-private.h"
#include "ice/io/ice-agent-timer.h"
#include "ice/io/ice-udp-mux-private.h"

static guint64
secure_random (gpointer user_data)
{
  guint64 value;

  /* ufrag, pwd and tie-breaker must be unpredictable (RFC 8445 §5.3) */
  if (getrandom (&value, sizeof (value), 0) != sizeof (value))
    value = ((guint64)g_random_int () << 32) | g_random_int ();
  return value;
}

/* Queued events that the context thread itself must emit: an agent on
 * the shared context hands them to the dispatch pool instead. */
static gboolean
events_wait_for_context_locked (IceAgentState *state)
{
  return !state->shared_context && state->pending_events->len > 0;
}

/* ice-agent-timer.c: once per arming, on the agent's context */
static void
timer_fired (gpointer data)
{
  IceAgentState *state = data;
  gint64 now, next;

  g_mutex_lock (&state->lock);
  if (state->closed) {
    g_mutex_unlock (&state->lock);
    return;
  }
  now = g_get_monotonic_time ();
  if (state->session != NULL) {
    /* the media the lock-free senders sent: no keepalive needed for it */
    ice_agent_fast_routes_fold_locked (state);
    next = ice_session_next_timeout (state->session);
    if (next >= 0 && next <= now)
      ice_session_handle_timeout (state->session, now);
    ice_agent_state_flush_locked (state);
    /* a core that keeps asking for "now" must not make us spin */
    next = ice_session_next_timeout (state->session);
    if (next >= 0 && next <= now && !events_wait_for_context_locked (state))
      ice_agent_timer_set (state->timer, now + 1000);
  }
  g_mutex_unlock (&state->lock);
  ice_agent_state_emit_pending (state);
}

IceAgentState *
ice_agent_state_new (IceAgent *agent, GMainContext *ctx)
{
  IceAgentState *state = g_new0 (IceAgentState, 1);

  state->refcount = 1;
  g_mutex_init (&state->lock);
  g_cond_init (&state->cond);
  g_weak_ref_init (&state->agent, agent);
  if (ctx != NULL) {
    state->context = g_main_context_ref (ctx);
  } else {
    state->context = ice_agent_shared_context_ref ();
    state->shared_context = TRUE;
  }
  state->role = ICE_ROLE_CONTROLLING;
  state->nomination = ICE_NOMINATION_REGULAR;
  state->consent_freshness = TRUE;
  state->mdns_resolve = TRUE;
  state->restart_on_network_change = TRUE;
  state->peer_timeout_ms = ICE_AGENT_DEFAULT_PEER_TIMEOUT_MS;
  state->queue_capacity = ICE_AGENT_DEFAULT_QUEUE_CAPACITY;
  state->queue_max_bytes = ICE_AGENT_DEFAULT_QUEUE_MAX_BYTES;
  state->streams = g_ptr_array_new ();
  state->sockets = g_ptr_array_new ();
  state->socket_by_addr = g_hash_table_new (ice_addr_hash, ice_addr_hash_equal);
  state->pending_events = g_array_new (FALSE, FALSE, sizeof (IceEvent));
  ice_agent_turn_state_init (state);
  ice_agent_fast_routes_init (&state->fast);

  /* not a reference: the timer is disarmed for good at close, before the
   * last reference can go */
  state->timer
      = ice_agent_timer_new (state->context, timer_fired, state,
                             (gpointer (*) (gpointer))ice_agent_state_ref,
                             (GDestroyNotify)ice_agent_state_unref);
  return state;
}

IceAgentState *
ice_agent_state_ref (IceAgentState *state)
{
  g_atomic_int_inc (&state->refcount);
  return state;
}

static void
stream_free (IceAgentStream *stream)
{
  guint c;

  for (c = 0; c < stream->n_components; c++) {
    IceAgentComponent *comp = &stream->components[c];

    ice_agent_queue_free (comp->queue);
    ice_agent_route_clear (&comp->route);
    ice_agent_reader_clear (&comp->reader);
    if (comp->recv_notify != NULL)
      comp->recv_notify (comp->recv_data);
  }
  g_free (stream->components);
  g_free (stream);
}

void
ice_agent_state_unref (IceAgentState *state)
{
  guint i;

  if (!g_atomic_int_dec_and_test (&state->refcount))
    return;
  for (i = 0; i < state->streams->len; i++)
    stream_free (state->streams->pdata[i]);
  g_ptr_array_unref (state->streams);
  ice_agent_fast_routes_clear (&state->fast);
  for (i = 0; i < state->sockets->len; i++)
    ice_agent_socket_free (state->sockets->pdata[i]);
  g_ptr_array_unref (state->sockets);
  g_hash_table_unref (state->socket_by_addr);
  g_array_unref (state->pending_events);
  /* the TURN connections before the session they report to */
  ice_agent_turn_state_clear (state);
  ice_agent_mdns_free (state);
  ice_agent_tcp_free (state);
  ice_agent_netwatch_free (state);
  g_clear_pointer (&state->session, ice_session_free);
  g_clear_pointer (&state->timer, ice_agent_timer_free);
  g_clear_object (&state->resolve_cancellable);
  g_free (state->stun_server);
  g_free (state->udp_mux);
  g_strfreev (state->bind_addresses);
  g_strfreev (state->interfaces);
  g_strfreev (state->exclude_interfaces);
  g_weak_ref_clear (&state->agent);
  g_main_context_unref (state->context);
  if (state->shared_context)
    ice_agent_shared_context_unref ();
  g_cond_clear (&state->cond);
  g_mutex_clear (&state->lock);
  g_free (state);
}

/* The session is made on first need so that properties set after
 * construction (nomination, consent-freshness, peer-timeout) still shape
 * its config. */
gboolean
ice_agent_state_ensure_session_locked (IceAgentState *state)
{
  IceSessionConfig config;

  if (state->closed)
    return FALSE;
  if (state->session != NULL)
    return TRUE;
  ice_session_config_init (&config);
  config.role = state->role;
  config.nomination = state->nomination;
  config.consent_freshness = state->consent_freshness;
  config.pac_timeout_us
      = (gint64)state->peer_timeout_ms * G_TIME_SPAN_MILLISECOND;
  config.random = secure_random;
  config.software = "gst-ice";
  config.relay_only = state->relay_only;
  config.ice_lite = state->ice_lite;
  state->session = ice_session_new (&config);
  if (state->session == NULL)
    return FALSE;
  state->role = ice_session_get_role (state->session); /* lite: controlled */
  return TRUE;
}

IceAgentStream *
ice_agent_state_get_stream_locked (IceAgentState *state, guint stream_id)
{
  if (state->closed || stream_id >= state->streams->len)
    return NULL;
  return state->streams->pdata[stream_id];
}

IceAgentComponent *
ice_agent_state_get_component_locked (IceAgentState *state, guint stream_id,
                                      guint component_id)
{
  IceAgentStream *stream = ice_agent_state_get_stream_locked (state, stream_id);

  if (stream == NULL || component_id < 1 || component_id > stream->n_components)
    return NULL;
  return &stream->components[component_id - 1];
}

static void
refresh_stream_routes_locked (IceAgentState *state, guint stream_id)
{
  IceAgentStream *stream = ice_agent_state_get_stream_locked (state, stream_id);
  guint c;

  for (c = 1; stream != NULL && c <= stream->n_components; c++)
    ice_agent_route_refresh_locked (state, stream_id, c);
}

/* Drains the session after an input: sends its transmits, queues its
 * events, refreshes the cached send routes and re-arms the timer. */
void
ice_agent_state_flush_locked (IceAgentState *state)
{
  IceTransmit transmit;
  IceEvent event;
  gint64 next;

  if (state->session == NULL || state->closed)
    return;
  while (ice_session_poll_transmit (state->session, &transmit))
    ice_agent_state_send_transmit_locked (state, &transmit);
  while (ice_session_poll_event (state->session, &event)) {
    if (event.type == ICE_EVENT_SELECTED_PAIR
        || event.type == ICE_EVENT_CONSENT_LOST
        || event.type == ICE_EVENT_ROUTE_CHANGED
        || event.type == ICE_EVENT_CONNECTION_STATE)
      refresh_stream_routes_locked (state, event.stream_id);
    if (event.type == ICE_EVENT_ROLE_CHANGED)
      state->role = event.u.role;
    /* a restart the session made itself: new mDNS names before the
     * candidates that follow are announced */
    if (event.type == ICE_EVENT_LOCAL_CREDENTIALS)
      ice_agent_mdns_renew_names_locked (state, event.stream_id);
    if (event.type == ICE_EVENT_LOCAL_CANDIDATE)
      ice_agent_mdns_publish_candidate (&event.u.candidate, state);
    g_array_append_val (state->pending_events, event);
  }
  ice_agent_mux_sync_ufrag_locked (state);
  /* on the application's context, events wake it at once so that it
   * emits them; on the shared one the pool does, off the packet thread */
  ice_agent_dispatch_schedule_locked (state);
  next = events_wait_for_context_locked (state)
             ? 0
             : ice_session_next_timeout (state->session);
  ice_agent_timer_set (state->timer, next);
  g_cond_broadcast (&state->cond);
}

/* Emits the queued events as signals on the application's own context;
 * context thread, lock NOT held. Nothing to do on the shared context:
 * ice_agent_state_flush_locked() gave them to the dispatch pool. */
void
ice_agent_state_emit_pending (IceAgentState *state)
{
  GArray *events;

  if (state->shared_context)
    return;
  g_mutex_lock (&state->lock);
  if (state->closed)
    g_array_set_size (state->pending_events, 0);
  if (state->pending_events->len == 0) {
    g_mutex_unlock (&state->lock);
    return;
  }
  events = state->pending_events;
  state->pending_events = g_array_new (FALSE, FALSE, sizeof (IceEvent));
  g_mutex_unlock (&state->lock);

  ice_agent_dispatch_emit (state, events);
  g_array_unref (events);
}

/* Stops everything that runs on the context and wakes every waiter; the
 * sockets themselves close when the last reference goes (a callback that
 * is running right now still reads them). */
void
ice_agent_state_close (IceAgentState *state)
{
  GCancellable *cancellable;
  gpointer mux_member;
  guint i;

  g_mutex_lock (&state->lock);
  if (state->closed) {
    g_mutex_unlock (&state->lock);
    return;
  }
  /* RFC 8656 §8: release the allocations while the sockets still work */
  if (state->session != NULL) {
    ice_session_close (state->session, g_get_monotonic_time ());
    ice_agent_state_flush_locked (state);
  }
  state->closed = TRUE;
  ice_agent_fast_routes_unpublish_locked (state);
  mux_member = g_steal_pointer (&state->mux_member);
  ice_agent_turn_state_close (state);
  ice_agent_mdns_close_locked (state);
  ice_agent_tcp_close_locked (state);
  ice_agent_netwatch_close_locked (state);
  for (i = 0; i < state->sockets->len; i++) {
    IceAgentSocket *sock = state->sockets->pdata[i];

    if (sock->source != NULL)
      g_source_destroy (sock->source);
  }
  ice_agent_timer_set (state->timer, -1);
  ice_agent_reader_wake_all_locked (state);
  cancellable = state->resolve_cancellable
                    ? g_object_ref (state->resolve_cancellable)
                    : NULL;
  g_cond_broadcast (&state->cond);
  g_mutex_unlock (&state->lock);

  /* unlocked: the last agent's leave ends the mux, which may join the
   * gst-ice thread, and that thread may be waiting for our lock */
  if (mux_member != NULL)
    ice_udp_mux_leave (mux_member);
  if (cancellable != NULL) {
    g_cancellable_cancel (cancellable);
    g_object_unref (cancellable);
  }
}
