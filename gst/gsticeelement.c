/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One-time init of the plugin's shared parts (debug category, enum types)
 * and the named agent registry.
 *
 * Agent-level settings (stun-server, ice-role, port-range, bind-address,
 * nomination, consent-freshness, peer-timeout, signaller, and the TURN
 * ones: turn-server, ice-transport-policy, turn-ca-file, turn-insecure)
 * may be given on either element of a shared agent. Precedence: only
 * values set explicitly on an element are applied, when that element goes
 * NULL→READY, so a default never overrides an explicit value; if both
 * elements set one, the element that reached READY last wins. Streams are
 * added and gathered at READY→PAUSED, after every element of a pipeline
 * reached READY, so the settings the agent freezes at the first stream
 * (nomination, consent-freshness, peer-timeout, sockets) see both
 * elements' values; so does ice-transport-policy. TURN servers add up:
 * each distinct URI is given to the agent once, whichever element names
 * it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticeelements.h"
#include "gsticeelement.h"
#include "gsticestreamsignallers.h"
#include "gsticeturn.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>

GST_DEBUG_CATEGORY (gst_ice_debug);
#define GST_CAT_DEFAULT gst_ice_debug

struct _GstIceSharedAgent {
  gchar *name;
  gint refcount; /* memory, atomic */
  guint users;   /* elements, under registry_lock */
  IceAgent *agent;

  GMutex lock; /* everything below */
  guint n_streams;
  gboolean gathered[GST_ICE_MAX_STREAMS];
  GstIceStreamSignallers *signallers;
  gboolean bind_explicit;
  gboolean restarting;
  GHashTable *turn_uris; /* TURN servers given to the agent (set of URIs) */
};

static GMutex registry_lock;
static GHashTable *registry; /* name → GstIceSharedAgent */

/**
 * ice_element_init:
 * @plugin: the plugin
 *
 * One-time init shared by both elements: the "ice" debug category and
 * the enum types, marked as plugin API.
 */
void
ice_element_init (GstPlugin *plugin)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_ice_debug, "ice", 0, "ICE agent glue");
    gst_type_mark_as_plugin_api (GST_TYPE_ICE_ROLE, 0);
    gst_type_mark_as_plugin_api (GST_TYPE_ICE_NOMINATION_MODE, 0);
    gst_type_mark_as_plugin_api (GST_TYPE_ICE_TRANSPORT_POLICY, 0);
    gst_type_mark_as_plugin_api (GST_TYPE_ICE_CONNECTION_STATE, 0);
    gst_type_mark_as_plugin_api (GST_TYPE_ICE_GATHERING_STATE, 0);
    g_once_init_leave (&done, 1);
  }
}

static GstIceSharedAgent *
shared_ref (GstIceSharedAgent *shared)
{
  g_atomic_int_inc (&shared->refcount);
  return shared;
}

static void
shared_unref (gpointer data)
{
  GstIceSharedAgent *shared = data;

  if (!g_atomic_int_dec_and_test (&shared->refcount))
    return;
  g_clear_object (&shared->agent);
  gst_ice_stream_signallers_free (shared->signallers);
  g_hash_table_unref (shared->turn_uris);
  g_mutex_clear (&shared->lock);
  g_free (shared->name);
  g_free (shared);
}

static void
shared_closure_unref (gpointer data, GClosure *closure)
{
  shared_unref (data);
}

/* Republishes our description to every signaller of the stream. */
static void
publish_description (GstIceSharedAgent *shared, guint stream_id)
{
  gchar *text;

  /* Under the lock so that an older description is never published after
   * a newer one; no I/O here (this may run on the agent's thread): the
   * signaller writes on its own thread. */
  g_mutex_lock (&shared->lock);
  if (gst_ice_stream_signallers_has (shared->signallers, stream_id)
      && ice_agent_get_local_credentials (shared->agent, stream_id, NULL,
                                          NULL)) {
    text = ice_agent_get_local_description (shared->agent, stream_id);
    gst_ice_stream_signallers_publish (shared->signallers, stream_id, text);
    g_free (text);
  }
  g_mutex_unlock (&shared->lock);
}

static void
on_agent_candidate (IceAgent *agent, guint stream_id, const gchar *line,
                    gpointer data)
{
  publish_description (data, stream_id);
}

static void
on_agent_gathering_done (IceAgent *agent, guint stream_id, gpointer data)
{
  publish_description (data, stream_id);
}

static void
on_agent_state (IceAgent *agent, guint stream_id, IceConnectionState state,
                gpointer data)
{
  GstIceSharedAgent *shared = data;

  /* A restart is over once checks succeed again. */
  if (state == ICE_CONNECTION_CONNECTED || state == ICE_CONNECTION_COMPLETED)
    gst_ice_shared_agent_set_restarting (shared, FALSE);
}

/* On the signalling thread: IceAgent's API is thread-safe. */
static void
on_signaller_text (guint stream_id, const gchar *text, gboolean first,
                   gpointer user_data)
{
  gst_ice_shared_agent_apply_remote_text (user_data, stream_id, text, first);
}

static GstIceSharedAgent *
shared_new (const gchar *name)
{
  GstIceSharedAgent *shared = g_new0 (GstIceSharedAgent, 1);

  shared->name = g_strdup (name);
  shared->refcount = 1;
  shared->agent = ice_agent_new (NULL);
  /* The elements' default differs from the library's: wait for the peer
   * forever, as network sources do. Set here, before any element's
   * explicit value. */
  g_object_set (shared->agent, "peer-timeout", DEFAULT_PEER_TIMEOUT * 1000,
                NULL);
  g_mutex_init (&shared->lock);
  /* The signallers are stopped before the last memory ref of @shared
   * goes, so a borrowed pointer is enough. */
  shared->signallers
      = gst_ice_stream_signallers_new (on_signaller_text, shared);
  shared->turn_uris
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Each handler holds a memory ref, dropped when the closure dies (after
   * an emission in progress on the agent's thread has returned). */
  g_signal_connect_data (shared->agent, "new-candidate",
                         G_CALLBACK (on_agent_candidate), shared_ref (shared),
                         shared_closure_unref, 0);
  g_signal_connect_data (shared->agent, "gathering-done",
                         G_CALLBACK (on_agent_gathering_done),
                         shared_ref (shared), shared_closure_unref, 0);
  g_signal_connect_data (shared->agent, "connection-state-changed",
                         G_CALLBACK (on_agent_state), shared_ref (shared),
                         shared_closure_unref, 0);
  GST_DEBUG ("created agent '%s'", name);
  return shared;
}

/**
 * gst_ice_shared_agent_acquire:
 * @name: the agent-name
 *
 * Returns: (transfer full): the agent of that name, created if needed.
 *   Give it back with gst_ice_shared_agent_release().
 */
GstIceSharedAgent *
gst_ice_shared_agent_acquire (const gchar *name)
{
  GstIceSharedAgent *shared;

  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  shared = g_hash_table_lookup (registry, name);
  if (shared == NULL) {
    shared = shared_new (name);
    g_hash_table_insert (registry, shared->name, shared);
  }
  shared->users++;
  g_mutex_unlock (&registry_lock);
  return shared;
}

/**
 * gst_ice_shared_agent_release:
 * @shared: (transfer full): from gst_ice_shared_agent_acquire()
 *
 * The last user closes the agent and stops its signallers.
 */
void
gst_ice_shared_agent_release (GstIceSharedAgent *shared)
{
  gboolean last;

  g_mutex_lock (&registry_lock);
  last = --shared->users == 0;
  if (last)
    g_hash_table_remove (registry, shared->name);
  g_mutex_unlock (&registry_lock);
  if (!last)
    return;

  GST_DEBUG ("closing agent '%s'", shared->name);
  g_signal_handlers_disconnect_by_data (shared->agent, shared);
  /* Outside the lock: stopping waits for a running signaller callback,
   * which may take it. */
  gst_ice_stream_signallers_stop (shared->signallers);
  ice_agent_close (shared->agent);
  shared_unref (shared);
}

/**
 * gst_ice_shared_agent_get_agent:
 * Returns: (transfer none): the agent; valid while @shared is held.
 */
IceAgent *
gst_ice_shared_agent_get_agent (GstIceSharedAgent *shared)
{
  return shared->agent;
}

static gboolean
has_non_loopback_interface (void)
{
  struct ifaddrs *list, *it;
  gboolean found = FALSE;

  if (getifaddrs (&list) != 0)
    return TRUE; /* let the agent decide */
  for (it = list; it && !found; it = it->ifa_next) {
    if (it->ifa_addr == NULL || !(it->ifa_flags & IFF_UP)
        || (it->ifa_flags & IFF_LOOPBACK))
      continue;
    found = it->ifa_addr->sa_family == AF_INET
            || it->ifa_addr->sa_family == AF_INET6;
  }
  freeifaddrs (list);
  return found;
}

static void
configure_bind_address (GstIceSharedAgent *shared, const gchar *value)
{
  gchar **items = g_strsplit (value, ",", -1);
  guint i;

  for (i = 0; items[i]; i++)
    g_strstrip (items[i]);
  g_object_set (shared->agent, "bind-address", items, NULL);
  g_strfreev (items);
}

/**
 * gst_ice_shared_agent_add_turn_server:
 * @element: for log messages
 * @uri: a validated turn(s) URI
 *
 * Gives @uri to the agent, once per agent whichever element names it.
 *
 * Returns: %FALSE with @error set if the agent refused it.
 */
gboolean
gst_ice_shared_agent_add_turn_server (GstIceSharedAgent *shared,
                                      GstObject *element, const gchar *uri,
                                      GError **error)
{
  gboolean is_new;

  g_mutex_lock (&shared->lock);
  is_new = g_hash_table_add (shared->turn_uris, g_strdup (uri));
  g_mutex_unlock (&shared->lock);
  if (!is_new)
    return TRUE;
  /* Outside the lock: the agent may announce candidates right away, and
   * our handlers take the lock. */
  if (ice_agent_add_turn_server (shared->agent, uri, error)) {
    GST_INFO_OBJECT (element, "agent '%s': TURN server added", shared->name);
    return TRUE;
  }
  g_mutex_lock (&shared->lock);
  g_hash_table_remove (shared->turn_uris, uri);
  g_mutex_unlock (&shared->lock);
  return FALSE;
}

/**
 * gst_ice_shared_agent_configure:
 * @element: for log messages
 * @settings: the element's settings; only the explicitly set agent-level
 *   ones are applied (see the precedence rule at the top of this file)
 */
void
gst_ice_shared_agent_configure (GstIceSharedAgent *shared, GstObject *element,
                                const GstIceSettings *s)
{
  GstIceSettingFlags set = s->explicit;

  g_mutex_lock (&shared->lock);
  /* ice-role=auto keeps the agent's default (controlling): when both
   * peers are auto, RFC 8445 §7.3.1.1 role-conflict repair settles the
   * roles by tie-breaker. Deciding by comparing ufrags instead would race
   * with that repair: checks can arrive before the peer's description. */
  if ((set & GST_ICE_SET_ICE_ROLE) && s->role != GST_ICE_ROLE_AUTO)
    g_object_set (shared->agent, "ice-role",
                  s->role == GST_ICE_ROLE_CONTROLLING ? ICE_ROLE_CONTROLLING
                                                      : ICE_ROLE_CONTROLLED,
                  NULL);
  if (set & GST_ICE_SET_NOMINATION)
    g_object_set (shared->agent, "nomination",
                  s->nomination == GST_ICE_NOMINATION_MODE_AGGRESSIVE
                      ? ICE_NOMINATION_AGGRESSIVE
                      : ICE_NOMINATION_REGULAR,
                  NULL);
  if (set & GST_ICE_SET_CONSENT_FRESHNESS)
    g_object_set (shared->agent, "consent-freshness", s->consent_freshness,
                  NULL);
  if (set & GST_ICE_SET_PEER_TIMEOUT)
    g_object_set (shared->agent, "peer-timeout", s->peer_timeout * 1000, NULL);
  if (set & GST_ICE_SET_STUN_SERVER)
    g_object_set (shared->agent, "stun-server", s->stun_server, NULL);
  if (set & GST_ICE_SET_PORT_RANGE)
    g_object_set (shared->agent, "port-range", s->port_range, NULL);
  if ((set & GST_ICE_SET_BIND_ADDRESS) && s->bind_address) {
    configure_bind_address (shared, s->bind_address);
    shared->bind_explicit = TRUE;
  }
  g_mutex_unlock (&shared->lock);
  gst_ice_turn_configure_agent (shared, element, s);
  GST_DEBUG_OBJECT (element, "configured agent '%s' (explicit 0x%x)",
                    shared->name, set);
}

/* Called with shared->lock held. The room's I/O runs on the signalling
 * thread, not the agent's; @element posts the room's problems. */
static gboolean
start_signaller_locked (GstIceSharedAgent *shared, GstObject *element,
                        guint stream_id, const gchar *uri, GError **error)
{
  return gst_ice_stream_signallers_start (shared->signallers, element,
                                          stream_id, uri, error);
}

/* Called with shared->lock held: adds streams up to @stream_id. */
static gboolean
ensure_stream_locked (GstIceSharedAgent *shared, guint stream_id,
                      guint n_components, GError **error)
{
  while (shared->n_streams <= stream_id) {
    if (ice_agent_add_stream (shared->agent, n_components) == G_MAXUINT) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "agent '%s' refused to add stream %u", shared->name,
                   shared->n_streams);
      return FALSE;
    }
    shared->n_streams++;
  }
  return TRUE;
}

/**
 * gst_ice_shared_agent_start_stream:
 * @settings: the element's stream, component, rtcp-mux and signaller
 *
 * Adds the element's stream (and any lower one missing) to the agent,
 * gathers its candidates once, and starts the signaller of the stream.
 *
 * Returns: %FALSE with @error set if no socket could be opened.
 */
gboolean
gst_ice_shared_agent_start_stream (GstIceSharedAgent *shared,
                                   GstObject *element, const GstIceSettings *s,
                                   GError **error)
{
  guint n_components = s->rtcp_mux ? 1 : 2;
  gboolean ok = TRUE;

  g_mutex_lock (&shared->lock);
  if (!shared->bind_explicit && shared->n_streams == 0
      && !has_non_loopback_interface ()) {
    GST_INFO_OBJECT (element, "no interface but loopback: gathering on lo");
    configure_bind_address (shared, "lo");
  }
  if (!ensure_stream_locked (shared, s->stream, n_components, error)) {
    ok = FALSE;
    goto out;
  }
  if (s->signaller
      && !start_signaller_locked (shared, element, s->stream, s->signaller,
                                  error)) {
    ok = FALSE;
    goto out;
  }
  if (!shared->gathered[s->stream]) {
    ok = ice_agent_gather (shared->agent, s->stream, error);
    shared->gathered[s->stream] = ok;
  }
out:
  g_mutex_unlock (&shared->lock);
  if (ok && s->signaller)
    publish_description (shared, s->stream);
  return ok;
}

static void
apply_candidate_lines (IceAgent *agent, guint stream_id, const gchar *text)
{
  gchar **lines = g_strsplit (text, "\n", -1);
  guint i;

  for (i = 0; lines[i]; i++) {
    const gchar *line = g_strstrip (lines[i]);
    GError *err = NULL;

    if (g_str_has_prefix (line, "a=candidate:")) {
      if (!ice_agent_add_remote_candidate (agent, stream_id, line, &err)) {
        GST_WARNING ("skipping remote candidate '%s': %s", line, err->message);
        g_clear_error (&err);
      }
    } else if (g_str_has_prefix (line, "a=end-of-candidates")) {
      ice_agent_end_of_remote_candidates (agent, stream_id);
    }
  }
  g_strfreev (lines);
}

/**
 * gst_ice_shared_agent_apply_remote_text:
 * @text: complete RFC 8839 lines from the peer
 * @first: @text starts a description (it carries the credentials)
 *
 * Feeds what a signaller read to the agent: a first chunk as a remote
 * description, later chunks line by line (trickled candidates,
 * end-of-candidates).
 */
void
gst_ice_shared_agent_apply_remote_text (GstIceSharedAgent *shared,
                                        guint stream_id, const gchar *text,
                                        gboolean first)
{
  GError *err = NULL;
  GPtrArray *skipped = NULL;
  guint i;

  if (!first) {
    apply_candidate_lines (shared->agent, stream_id, text);
    return;
  }
  if (ice_agent_set_remote_description_full (shared->agent, stream_id, text,
                                             &skipped, &err)
      < 0) {
    GST_WARNING ("agent '%s': peer description refused: %s", shared->name,
                 err->message);
    g_clear_error (&err);
  }
  /* counted in "stats" (remote-rejected) by the agent */
  for (i = 0; i < skipped->len; i++)
    GST_WARNING ("agent '%s': peer description, skipped %s", shared->name,
                 ((GError *)g_ptr_array_index (skipped, i))->message);
  g_ptr_array_unref (skipped);
}

/**
 * gst_ice_shared_agent_restart:
 *
 * ICE restart (RFC 8445 §9) of the whole agent; signallers publish the
 * new credentials under the new ufrag.
 */
void
gst_ice_shared_agent_restart (GstIceSharedAgent *shared)
{
  GList *streams, *l;

  gst_ice_shared_agent_set_restarting (shared, TRUE);
  ice_agent_restart (shared->agent);
  g_mutex_lock (&shared->lock);
  streams = gst_ice_stream_signallers_get_streams (shared->signallers);
  g_mutex_unlock (&shared->lock);
  for (l = streams; l; l = l->next)
    publish_description (shared, GPOINTER_TO_UINT (l->data));
  g_list_free (streams);
}

/**
 * gst_ice_shared_agent_has_stream:
 *
 * Returns: %TRUE once @stream_id was added to the agent (by any element).
 */
gboolean
gst_ice_shared_agent_has_stream (GstIceSharedAgent *shared, guint stream_id)
{
  gboolean has;

  g_mutex_lock (&shared->lock);
  has = stream_id < shared->n_streams;
  g_mutex_unlock (&shared->lock);
  return has;
}

/**
 * gst_ice_shared_agent_set_restarting:
 *
 * Marks an ICE restart under way: a FAILED state is then not an error.
 * Cleared when a stream connects again.
 */
void
gst_ice_shared_agent_set_restarting (GstIceSharedAgent *shared,
                                     gboolean restarting)
{
  g_mutex_lock (&shared->lock);
  shared->restarting = restarting;
  g_mutex_unlock (&shared->lock);
}

/**
 * gst_ice_shared_agent_is_restarting:
 *
 * Returns: %TRUE while an ICE restart is under way.
 */
gboolean
gst_ice_shared_agent_is_restarting (GstIceSharedAgent *shared)
{
  gboolean restarting;

  g_mutex_lock (&shared->lock);
  restarting = shared->restarting;
  g_mutex_unlock (&shared->lock);
  return restarting;
}
