/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The part of icesrc and icesink that talks to the shared agent: acquire
 * and release, the element signals and action signals (the agent's
 * signals are relayed by gsticerelay.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticecommon.h"
#include "gsticerelay.h"
#include "gsticestats.h"
#include "gsticeturn.h"

#include <string.h>

#define GST_CAT_DEFAULT gst_ice_debug

static GQuark common_quark;

typedef enum {
  PENDING_CANDIDATE,
  PENDING_DESCRIPTION,
} PendingKind;

typedef struct {
  PendingKind kind;
  guint stream;
  gchar *text;
} PendingRemote;

static void
pending_remote_free (gpointer data)
{
  PendingRemote *p = data;

  g_free (p->text);
  g_free (p);
}

static GstIceCommon *
common_of (gpointer element)
{
  return g_object_get_qdata (G_OBJECT (element), common_quark);
}

/**
 * gst_ice_common_from_element:
 * @element: an icesrc or icesink
 *
 * Returns: (transfer none): the element's #GstIceCommon.
 */
GstIceCommon *
gst_ice_common_from_element (gpointer element)
{
  return common_of (element);
}

/* --- action signals --------------------------------------------------------
 */

/* Returns a ref to the agent if our stream exists in it, else queues the
 * request and returns NULL. */
static IceAgent *
agent_or_queue (GstIceCommon *c, PendingKind kind, guint stream,
                const gchar *text)
{
  IceAgent *agent = NULL;

  GST_OBJECT_LOCK (c->element);
  if (c->started) {
    agent = g_object_ref (c->agent);
  } else {
    PendingRemote *p = g_new0 (PendingRemote, 1);

    p->kind = kind;
    p->stream = stream;
    p->text = g_strdup (text);
    g_ptr_array_add (c->pending, p);
    GST_DEBUG_OBJECT (c->element, "stream not started: queued");
  }
  GST_OBJECT_UNLOCK (c->element);
  return agent;
}

/* The peer's input is untrusted: a refusal is a warning on the bus (the
 * macro logs it with GST_WARNING_OBJECT too) that names the line and what
 * was expected, and a counter in "stats"; never a pipeline error.
 * @reason: an #IceRemoteResult name. */
static void
warn_remote_refused (GstElement *element, guint stream, const gchar *what,
                     const gchar *line, const gchar *reason,
                     const gchar *expected)
{
  GST_ELEMENT_WARNING_WITH_DETAILS (
      element, STREAM, FORMAT, ("The peer's ICE %s was refused", what),
      ("stream %u: '%s': %s", stream, line, expected),
      ("stream", G_TYPE_UINT, stream, "line", G_TYPE_STRING, line, "reason",
       G_TYPE_STRING, reason, "expected", G_TYPE_STRING, expected, NULL));
}

static const gchar *
reason_of (const GError *err)
{
  if (err->domain != ICE_REMOTE_ERROR)
    return "malformed";
  return ice_remote_result_to_string (err->code);
}

static void
apply_candidate (GstElement *element, IceAgent *agent, guint stream,
                 const gchar *line)
{
  GError *err = NULL;

  if (g_str_has_prefix (line, "a=end-of-candidates")
      || g_str_has_prefix (line, "end-of-candidates")) {
    ice_agent_end_of_remote_candidates (agent, stream);
  } else if (!ice_agent_add_remote_candidate (agent, stream, line, &err)) {
    warn_remote_refused (element, stream, "candidate", line, reason_of (err),
                         err->message);
    g_error_free (err);
  }
}

/* Each line the agent skipped: "line N: <what was expected>". */
static void
warn_skipped_lines (GstElement *element, guint stream, GPtrArray *skipped)
{
  guint i;

  for (i = 0; i < skipped->len; i++) {
    const GError *err = g_ptr_array_index (skipped, i);
    const gchar *colon = strchr (err->message, ':');
    gchar *where = colon ? g_strndup (err->message, colon - err->message)
                         : g_strdup (err->message);

    warn_remote_refused (element, stream, "description line", where,
                         reason_of (err), colon ? colon + 2 : err->message);
    g_free (where);
  }
}

static gboolean
apply_description (GstElement *element, IceAgent *agent, guint stream,
                   const gchar *text)
{
  GError *err = NULL;
  GPtrArray *skipped = NULL;
  gint n = ice_agent_set_remote_description_full (agent, stream, text, &skipped,
                                                  &err);

  warn_skipped_lines (element, stream, skipped);
  g_ptr_array_unref (skipped);
  if (n < 0) {
    warn_remote_refused (element, stream, "description", "(whole)",
                         reason_of (err), err->message);
    g_error_free (err);
    return FALSE;
  }
  GST_DEBUG_OBJECT (element, "remote description: %d candidates", n);
  return TRUE;
}

static void
add_ice_candidate (GstElement *element, guint stream, const gchar *line)
{
  GstIceCommon *c = common_of (element);
  IceAgent *agent;

  if (line == NULL || *line == '\0')
    return;
  agent = agent_or_queue (c, PENDING_CANDIDATE, stream, line);
  if (agent) {
    apply_candidate (element, agent, stream, line);
    g_object_unref (agent);
  }
}

static gboolean
set_remote_description (GstElement *element, guint stream, const gchar *text)
{
  GstIceCommon *c = common_of (element);
  IceAgent *agent;
  gboolean ok = TRUE;

  if (text == NULL)
    return FALSE;
  agent = agent_or_queue (c, PENDING_DESCRIPTION, stream, text);
  if (agent) {
    ok = apply_description (element, agent, stream, text);
    g_object_unref (agent);
  }
  return ok;
}

static void
restart (GstElement *element)
{
  GstIceCommon *c = common_of (element);
  GstIceSharedAgent *shared = NULL;

  GST_OBJECT_LOCK (element);
  if (c->started)
    shared = c->shared;
  GST_OBJECT_UNLOCK (element);
  if (shared == NULL) {
    GST_WARNING_OBJECT (element, "restart ignored: no stream started yet");
    return;
  }
  GST_INFO_OBJECT (element, "ICE restart");
  gst_ice_shared_agent_restart (shared);
}

static void
install_signals (GObjectClass *klass)
{
  GType type = G_OBJECT_CLASS_TYPE (klass);

  /**
   * GstIceSrc::on-ice-candidate:
   * @stream: the stream
   * @candidate: "candidate:..." (RFC 8839, without "a=")
   *
   * A local candidate to send to the peer (trickle ICE, RFC 8838).
   * Every icesrc/icesink of the shared agent carrying @stream emits it,
   * whichever element started the stream; an element that takes the
   * agent after gathering started first emits the candidates gathered
   * before (since the last ICE restart), in order, once each. Emitted
   * from the agent's thread.
   */
  g_signal_new ("on-ice-candidate", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  /**
   * GstIceSrc::on-gathering-done:
   * @stream: the stream
   *
   * Every local candidate of @stream was announced; "local-description"
   * now ends with a=end-of-candidates. Like #GstIceSrc::on-ice-candidate,
   * emitted by every element of the agent carrying @stream, also by one
   * that took the agent after gathering was over, always after the
   * candidates it follows.
   */
  g_signal_new ("on-gathering-done", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * GstIceSrc::add-ice-candidate:
   * @stream: the stream
   * @candidate: a peer's candidate line (with or without "a="), or
   *   "a=end-of-candidates"
   *
   * A line that is refused (malformed, multicast/broadcast/unspecified
   * address, unknown component...) posts a warning message naming it and
   * what was expected, and counts in "stats" (remote-rejected-*).
   */
  g_signal_new_class_handler ("add-ice-candidate", type,
                              G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                              G_CALLBACK (add_ice_candidate), NULL, NULL, NULL,
                              G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  /**
   * GstIceSrc::set-remote-description:
   * @stream: the stream
   * @description: the peer's RFC 8839 lines (credentials, candidates...)
   *
   * Bad lines are skipped, each with a warning message naming it and what
   * was expected, and counted in "stats"; the rest is applied.
   *
   * Returns: %FALSE if the description carries no usable credentials.
   */
  g_signal_new_class_handler (
      "set-remote-description", type, G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (set_remote_description), NULL, NULL, NULL, G_TYPE_BOOLEAN, 2,
      G_TYPE_UINT, G_TYPE_STRING);
  /**
   * GstIceSrc::restart:
   *
   * ICE restart (RFC 8445 §9) of the shared agent: new credentials, to be
   * sent to the peer again ("local-description"). If the restarted
   * stream fails too (no pair works), both elements post an error and
   * stop, as for a first failure.
   */
  g_signal_new_class_handler (
      "restart", type, G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (restart), NULL, NULL, NULL, G_TYPE_NONE, 0);
}

/**
 * gst_ice_common_class_init:
 * @klass: icesrc's or icesink's class
 *
 * Installs the shared properties and signals.
 */
void
gst_ice_common_class_init (GObjectClass *klass)
{
  if (common_quark == 0)
    common_quark = g_quark_from_static_string ("gst-ice-common");
  gst_ice_settings_install_properties (klass);
  gst_ice_stats_install_properties (klass);
  install_signals (klass);
  gst_ice_turn_install_signals (klass);
}

/**
 * gst_ice_common_init:
 * @common: the element's embedded #GstIceCommon
 * @element: the element
 *
 * Sets the defaults; the action signals find @common through @element.
 */
void
gst_ice_common_init (GstIceCommon *c, GstElement *element)
{
  c->element = element;
  gst_ice_settings_init (&c->settings);
  gst_ice_settings_init (&c->active);
  c->pending = g_ptr_array_new_with_free_func (pending_remote_free);
  c->state = ICE_CONNECTION_NEW;
  g_cond_init (&c->relayed);
  g_rec_mutex_init (&c->relay_order);
  g_object_set_qdata (G_OBJECT (element), common_quark, c);
}

/**
 * gst_ice_common_finalize:
 *
 * Frees what gst_ice_common_init() allocated (the agent is released at
 * READY→NULL, before finalize).
 */
void
gst_ice_common_finalize (GstIceCommon *c)
{
  gst_ice_settings_clear (&c->settings);
  gst_ice_settings_clear (&c->active);
  g_ptr_array_unref (c->pending);
  g_cond_clear (&c->relayed);
  g_rec_mutex_clear (&c->relay_order);
}

/**
 * gst_ice_common_set_property:
 *
 * Returns: %FALSE if @prop_id is the element's own property.
 */
gboolean
gst_ice_common_set_property (GstIceCommon *c, guint prop_id,
                             const GValue *value)
{
  return gst_ice_settings_set_property (GST_OBJECT (c->element), &c->settings,
                                        prop_id, value);
}

/**
 * gst_ice_common_get_property:
 *
 * Answers the shared writable and read-only properties.
 *
 * Returns: %FALSE if @prop_id is the element's own property.
 */
gboolean
gst_ice_common_get_property (GstIceCommon *c, guint prop_id, GValue *value)
{
  IceAgent *agent = NULL;
  gboolean handled;
  guint stream, component;

  GST_OBJECT_LOCK (c->element);
  handled = gst_ice_settings_get_property (&c->settings, prop_id, value);
  /* Before our stream exists the agent would call it unknown (CLOSED):
   * answer as for no agent (NEW). The stream may exist before this
   * element started, added by another element of the shared agent. */
  if (c->agent && gst_ice_shared_agent_has_stream (c->shared, c->active.stream))
    agent = g_object_ref (c->agent);
  stream = c->active.stream;
  component = c->active.component;
  GST_OBJECT_UNLOCK (c->element);
  if (!handled)
    handled
        = gst_ice_stats_get_property (agent, stream, component, prop_id, value);
  g_clear_object (&agent);
  return handled;
}

/**
 * gst_ice_common_acquire:
 *
 * NULL→READY: takes the shared agent of our agent-name (the default name
 * within our top-level bin) and applies our explicit agent-level settings
 * to it. Candidates the agent announced for our stream before are
 * relayed to the application soon after, on the agent's thread.
 */
gboolean
gst_ice_common_acquire (GstIceCommon *c)
{
  GstIceSharedAgent *shared;

  GST_OBJECT_LOCK (c->element);
  gst_ice_settings_clear (&c->active);
  gst_ice_settings_copy (&c->active, &c->settings);
  GST_OBJECT_UNLOCK (c->element);

  if (c->active.component == 2 && c->active.rtcp_mux) {
    GST_ELEMENT_ERROR (c->element, RESOURCE, SETTINGS,
                       ("component 2 (RTCP) needs rtcp-mux=false"), (NULL));
    return FALSE;
  }
  shared = gst_ice_shared_agent_acquire (GST_OBJECT (c->element), &c->active);
  gst_ice_shared_agent_configure (shared, GST_OBJECT (c->element), &c->active);

  GST_OBJECT_LOCK (c->element);
  c->shared = shared;
  c->agent = gst_ice_shared_agent_get_agent (shared);
  memset (&c->gather_cursor, 0, sizeof (c->gather_cursor));
  g_atomic_int_set (&c->state, ICE_CONNECTION_NEW);
  GST_OBJECT_UNLOCK (c->element);
  gst_ice_relay_attach (c);
  return TRUE;
}

static void
apply_pending (GstIceCommon *c, GPtrArray *pending)
{
  guint i;

  for (i = 0; i < pending->len; i++) {
    PendingRemote *p = g_ptr_array_index (pending, i);

    if (p->kind == PENDING_CANDIDATE)
      apply_candidate (c->element, c->agent, p->stream, p->text);
    else
      apply_description (c->element, c->agent, p->stream, p->text);
  }
}

/**
 * gst_ice_common_start:
 *
 * READY→PAUSED: adds and gathers our stream, starts the signaller, then
 * applies what the application gave before.
 *
 * Returns: %FALSE after posting an error.
 */
gboolean
gst_ice_common_start (GstIceCommon *c)
{
  GError *err = NULL;
  GPtrArray *pending;

  if (!gst_ice_shared_agent_start_stream (c->shared, GST_OBJECT (c->element),
                                          &c->active, &err))
    goto start_failed;

  GST_OBJECT_LOCK (c->element);
  c->started = TRUE;
  pending = c->pending;
  c->pending = g_ptr_array_new_with_free_func (pending_remote_free);
  GST_OBJECT_UNLOCK (c->element);
  apply_pending (c, pending);
  g_ptr_array_unref (pending);
  return TRUE;

  /* ERRORS */
start_failed : {
  GST_ELEMENT_ERROR (c->element, RESOURCE, OPEN_READ_WRITE,
                     ("Could not start ICE stream %u", c->active.stream),
                     ("%s", err ? err->message : "unknown error"));
  g_clear_error (&err);
  return FALSE;
}
}

/**
 * gst_ice_common_release:
 *
 * READY→NULL: gives the shared agent back (the last element closes it).
 */
void
gst_ice_common_release (GstIceCommon *c)
{
  GstIceSharedAgent *shared;
  IceAgent *agent;

  GST_OBJECT_LOCK (c->element);
  agent = c->agent;
  GST_OBJECT_UNLOCK (c->element);
  if (agent == NULL)
    return;
  /* No new relay starts once the handlers are gone; wait for the ones
   * running on the agent's thread before the properties stop answering. */
  gst_ice_relay_detach (c, agent);
  GST_OBJECT_LOCK (c->element);
  /* ... unless the application stops us from its own handler */
  while (c->relaying > 0 && c->relay_thread != g_thread_self ())
    g_cond_wait (&c->relayed, GST_OBJECT_GET_LOCK (c->element));
  shared = g_steal_pointer (&c->shared);
  c->agent = NULL;
  c->started = FALSE;
  GST_OBJECT_UNLOCK (c->element);
  gst_ice_shared_agent_release (shared, &c->active);
}

/**
 * gst_ice_common_get_state:
 *
 * Returns: the last connection state the agent announced for our stream;
 *   lock-free, for the streaming thread.
 */
IceConnectionState
gst_ice_common_get_state (GstIceCommon *c)
{
  return g_atomic_int_get (&c->state);
}

/**
 * gst_ice_common_failed:
 *
 * Whether our stream failed: no candidate pair works (RFC 8445 §8.1.2),
 * after an ICE restart as well as the first time. The announced state
 * may still be a FAILED that a restart already left (the restart resets
 * it at once, the signal comes later): the agent's own state decides.
 *
 * Returns: %TRUE if the element should post an error and stop.
 */
gboolean
gst_ice_common_failed (GstIceCommon *c)
{
  return gst_ice_common_get_state (c) == ICE_CONNECTION_FAILED
         && ice_agent_get_connection_state (c->agent, c->active.stream)
                == ICE_CONNECTION_FAILED;
}
