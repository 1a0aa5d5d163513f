/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The shared agent's signals relayed to an icesrc/icesink: its element
 * signals (on-ice-candidate, on-gathering-done), notifications and
 * element messages (so `gst-launch-1.0 -m` shows state changes and, once
 * a stream connected or failed, the element's stats).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticerelay.h"
#include "gsticenetwork.h"
#include "gsticeturn.h"

#define GST_CAT_DEFAULT gst_ice_debug

static void
element_closure_unref (gpointer data, GClosure *closure)
{
  gst_object_unref (data);
}

/* --- agent signals → element ------------------------------------------- */

static void
post_element_message (GstElement *element, GstStructure *s)
{
  gst_element_post_message (element,
                            gst_message_new_element (GST_OBJECT (element), s));
}

/* Whether a signal of @agent about @stream is for the application of this
 * element: only while the element holds @agent (an emission may still be
 * running on the agent's thread when the element stops). Pair with
 * end_relay(). */
static gboolean
begin_relay (GstIceCommon *c, IceAgent *agent, guint stream)
{
  gboolean relay;

  /* One relay of this element at a time, in order: the agent's signals
   * (its dispatch thread) and the catch-up (a worker thread) would
   * otherwise interleave what they take from the gather log. Taken
   * before the object lock and outside it, so that a handler stopping
   * the element (release waits for @relaying) never waits for itself. */
  g_rec_mutex_lock (&c->relay_order);
  GST_OBJECT_LOCK (c->element);
  relay = c->agent == agent && stream == c->active.stream;
  if (relay) {
    c->relaying++;
    c->relay_thread = g_thread_self ();
  }
  GST_OBJECT_UNLOCK (c->element);
  if (!relay)
    g_rec_mutex_unlock (&c->relay_order);
  return relay;
}

static void
end_relay (GstIceCommon *c)
{
  GST_OBJECT_LOCK (c->element);
  if (--c->relaying == 0)
    g_cond_broadcast (&c->relayed);
  GST_OBJECT_UNLOCK (c->element);
  g_rec_mutex_unlock (&c->relay_order);
}

/* The next entry of our stream's gather log, while we still hold @agent
 * (the application may stop us from its handler, on this very thread). */
static gboolean
next_gathered (GstIceCommon *c, IceAgent *agent, gchar **line)
{
  GstIceSharedAgent *shared;

  GST_OBJECT_LOCK (c->element);
  shared = c->agent == agent ? c->shared : NULL;
  GST_OBJECT_UNLOCK (c->element);
  return shared
         && gst_ice_shared_agent_next_gathered (shared, c->active.stream,
                                                &c->gather_cursor, line);
}

static void
relay_candidate (GstElement *element, guint stream, const gchar *line)
{
  GST_DEBUG_OBJECT (element, "local candidate %s", line);
  g_signal_emit_by_name (element, "on-ice-candidate", stream, line);
}

/* The application's handler reads "local-description": it must still
 * answer (begin_relay keeps release from dropping the agent meanwhile). */
static void
relay_gathering_done (GstElement *element, guint stream)
{
  GST_INFO_OBJECT (element, "gathering done for stream %u", stream);
  g_object_notify (G_OBJECT (element), "ice-gathering-state");
  post_element_message (element,
                        gst_structure_new ("ice-gathering-state", "stream",
                                           G_TYPE_UINT, stream, "state",
                                           G_TYPE_STRING, "complete", NULL));
  g_signal_emit_by_name (element, "on-gathering-done", stream);
}

/* Relays what our stream gathered and we did not relay yet: from our
 * handlers of the agent's signals, and once when we take the agent, for
 * what was gathered before (another element of the agent may have started
 * the stream already); begin_relay() keeps the two in order. */
static void
relay_gathered (GstIceCommon *c, IceAgent *agent)
{
  guint stream = c->active.stream;
  gchar *line;

  if (!begin_relay (c, agent, stream))
    return;
  while (next_gathered (c, agent, &line)) {
    if (line)
      relay_candidate (c->element, stream, line);
    else
      relay_gathering_done (c->element, stream);
    g_free (line);
  }
  end_relay (c);
}

static void
on_new_candidate (IceAgent *agent, guint stream, const gchar *line,
                  GstElement *element)
{
  GstIceCommon *c = gst_ice_common_from_element (element);

  if (stream == c->active.stream)
    relay_gathered (c, agent);
}

static void
on_gathering_done (IceAgent *agent, guint stream, GstElement *element)
{
  GstIceCommon *c = gst_ice_common_from_element (element);

  if (stream == c->active.stream)
    relay_gathered (c, agent);
}

/* The connection state of a stream another element started: the last
 * announcement came before we listened. */
static void
catch_up_state (GstIceCommon *c, IceAgent *agent)
{
  IceConnectionState state;

  if (!begin_relay (c, agent, c->active.stream))
    return;
  state = ice_agent_get_connection_state (agent, c->active.stream);
  /* CLOSED: the stream does not exist yet */
  if (state != ICE_CONNECTION_CLOSED)
    g_atomic_int_set (&c->state, state);
  end_relay (c);
}

/* Holds the element, not the agent: a source pending on the agent's
 * context must not keep the agent (which holds the context) alive. The
 * agent is only compared with the element's until the element's own
 * reference is found still there. */
typedef struct {
  GstElement *element;
  IceAgent *agent;
} CatchUp;

static gboolean
catch_up (gpointer data)
{
  CatchUp *u = data;
  GstIceCommon *c = gst_ice_common_from_element (u->element);

  catch_up_state (c, u->agent);
  relay_gathered (c, u->agent);
  return G_SOURCE_REMOVE;
}

static void
catch_up_free (gpointer data)
{
  CatchUp *u = data;

  gst_object_unref (u->element);
  g_free (u);
}

/* What the agent emitted before we connected our handlers is in the log;
 * what it emits after reaches them. On the agent's context; begin_relay()
 * keeps it in order with the emissions of the agent's dispatch thread. */
static void
schedule_catch_up (GstIceCommon *c)
{
  CatchUp *u = g_new0 (CatchUp, 1);

  u->element = gst_object_ref (c->element);
  u->agent = c->agent;
  c->catch_up = g_idle_source_new ();
  g_source_set_callback (c->catch_up, catch_up, u, catch_up_free);
  g_source_attach (c->catch_up, ice_agent_get_main_context (c->agent));
}

/* The element's "stats", every path included, once the stream connected,
 * completed or failed: `gst-launch-1.0 -m` then shows what happened on
 * each pair (docs/elements.md). Read here, on the dispatch thread. */
static void
post_stats (GstElement *element, IceConnectionState state)
{
  GstStructure *stats = NULL;

  if (state != ICE_CONNECTION_CONNECTED && state != ICE_CONNECTION_COMPLETED
      && state != ICE_CONNECTION_FAILED)
    return;
  g_object_get (element, "stats", &stats, NULL);
  gst_structure_set_name (stats, "ice-stats");
  gst_structure_set (stats, "ice-connection-state", G_TYPE_STRING,
                     ice_connection_state_to_string (state), NULL);
  post_element_message (element, stats);
}

/* EOS on the element's pad: the last counters, before the sink posts EOS
 * (gst-launch-1.0 -m prints them; the state-change posts above may come
 * long before the session settles, e.g. a peer-reflexive remote that the
 * peer's description names later). Streaming thread. */
static GstPadProbeReturn
on_pad_event (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  GstElement *element = data;
  GstIceCommon *c = gst_ice_common_from_element (element);
  GstStructure *stats = NULL;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;
  g_object_get (element, "stats", &stats, NULL);
  gst_structure_set_name (stats, "ice-stats");
  gst_structure_set (
      stats, "ice-connection-state", G_TYPE_STRING,
      ice_connection_state_to_string (gst_ice_common_get_state (c)), "eos",
      G_TYPE_BOOLEAN, TRUE, NULL);
  post_element_message (element, stats);
  return GST_PAD_PROBE_OK;
}

/**
 * gst_ice_relay_watch_eos:
 * @pad: the element's always pad
 *
 * Posts an "ice-stats" message with `eos=true` when EOS passes @pad.
 */
void
gst_ice_relay_watch_eos (GstElement *element, GstPad *pad)
{
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_pad_event,
                     element, NULL);
}

static void
on_connection_state (IceAgent *agent, guint stream, IceConnectionState state,
                     GstElement *element)
{
  GstIceCommon *c = gst_ice_common_from_element (element);

  if (stream != c->active.stream)
    return;
  GST_INFO_OBJECT (element, "stream %u: %s", stream,
                   ice_connection_state_to_string (state));
  g_atomic_int_set (&c->state, state);
  g_object_notify (G_OBJECT (element), "ice-connection-state");
  post_element_message (
      element,
      gst_structure_new ("ice-connection-state", "stream", G_TYPE_UINT, stream,
                         "state", G_TYPE_STRING,
                         ice_connection_state_to_string (state), NULL));
  post_stats (element, state);
}

static void
on_selected_pair (IceAgent *agent, guint stream, guint component,
                  const gchar *local, const gchar *remote, GstElement *element)
{
  GstIceCommon *c = gst_ice_common_from_element (element);

  if (stream != c->active.stream || component != c->active.component)
    return;
  GST_INFO_OBJECT (element, "selected pair %s <-> %s", local, remote);
  g_object_notify (G_OBJECT (element), "selected-pair");
  post_element_message (
      element, gst_structure_new ("ice-selected-pair", "stream", G_TYPE_UINT,
                                  stream, "component", G_TYPE_UINT, component,
                                  "local", G_TYPE_STRING, local, "remote",
                                  G_TYPE_STRING, remote, NULL));
}

/**
 * gst_ice_relay_attach:
 * @common: an element that just took its agent (NULL→READY)
 *
 * Connects the element to the agent's signals, and relays (soon, on the
 * agent's thread) what its stream gathered before. The handlers are
 * disconnected by gst_ice_common_release().
 */
void
gst_ice_relay_attach (GstIceCommon *c)
{
  static const struct {
    const gchar *name;
    GCallback callback;
  } table[G_N_ELEMENTS (c->handlers)] = {
    { "new-candidate", G_CALLBACK (on_new_candidate) },
    { "gathering-done", G_CALLBACK (on_gathering_done) },
    { "connection-state-changed", G_CALLBACK (on_connection_state) },
    { "selected-pair-changed", G_CALLBACK (on_selected_pair) },
    { "relay-error", G_CALLBACK (gst_ice_turn_on_relay_error) },
    { "local-address-lost", G_CALLBACK (gst_ice_network_on_address_lost) },
  };
  guint i;

  /* Each handler holds an element ref until its closure dies, which
   * waits for an emission running on the agent's thread. */
  for (i = 0; i < G_N_ELEMENTS (table); i++)
    c->handlers[i] = g_signal_connect_data (
        c->agent, table[i].name, table[i].callback, gst_object_ref (c->element),
        element_closure_unref, 0);
  schedule_catch_up (c);
}

/**
 * gst_ice_relay_detach:
 * @common: an element letting go of @agent (READY→NULL)
 *
 * Disconnects what gst_ice_relay_attach() connected; an emission running
 * on the agent's thread may still be relaying (see begin_relay()).
 */
void
gst_ice_relay_detach (GstIceCommon *c, IceAgent *agent)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (c->handlers); i++) {
    if (c->handlers[i])
      g_signal_handler_disconnect (agent, c->handlers[i]);
    c->handlers[i] = 0;
  }
  /* Not left pending: it holds the element, and the agent's thread stops
   * once the last agent is gone. */
  if (c->catch_up) {
    g_source_destroy (c->catch_up);
    g_clear_pointer (&c->catch_up, g_source_unref);
  }
}
