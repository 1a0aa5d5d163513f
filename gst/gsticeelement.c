/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One-time init of the plugin's shared parts (debug category, enum types)
 * and the named agent registry.
 *
 * Agent-level settings (stun-server, ice-role, port-range, bind-address,
 * interfaces, exclude-interfaces,
 * nomination, consent-freshness, peer-timeout, mdns, mdns-resolve,
 * signaller, and the
 * TURN ones: turn-server, ice-transport-policy, turn-ca-file, turn-insecure)
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
 *
 * Names: "default" is one agent per top-level bin (each bin gets a
 * number, kept on it as qdata), any other name one agent per process.
 * Components: a stream gets two if any element holding the agent when
 * it is added has rtcp-mux=false for it. Gathering: every candidate and
 * gathering-done of a stream is logged (per ICE restart generation), so
 * that an element taking the agent late relays them too, see
 * gst_ice_shared_agent_next_gathered().
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticeelements.h"
#include "gsticeelement.h"
#include "gsticenetwork.h"
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
  GstIceGatherLog *gather_log; /* has its own lock */

  GMutex lock; /* everything below */
  guint n_streams;
  gboolean gathered[GST_ICE_MAX_STREAMS];
  /* components of each stream added so far */
  guint8 n_components[GST_ICE_MAX_STREAMS];
  /* elements holding the agent that need component 2 of a stream */
  guint rtcp_users[GST_ICE_MAX_STREAMS];
  GstIceStreamSignallers *signallers;
  gboolean bind_explicit;
  GHashTable *turn_uris; /* TURN servers given to the agent (set of URIs) */
};

static GMutex registry_lock;
static GHashTable *registry; /* name → GstIceSharedAgent */

static GQuark scope_quark;
static gint last_scope; /* atomic */

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
  gst_ice_gather_log_free (shared->gather_log);
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
  gst_ice_gather_log_append (((GstIceSharedAgent *)data)->gather_log, stream_id,
                             line);
  publish_description (data, stream_id);
}

static void
on_agent_gathering_done (IceAgent *agent, guint stream_id, gpointer data)
{
  gst_ice_gather_log_append (((GstIceSharedAgent *)data)->gather_log, stream_id,
                             NULL);
  publish_description (data, stream_id);
}

/* The peer restarted and so did the stream: its candidates follow anew. */
static void
on_agent_credentials (IceAgent *agent, guint stream_id, const gchar *ufrag,
                      const gchar *pwd, gpointer data)
{
  gst_ice_gather_log_restart (((GstIceSharedAgent *)data)->gather_log,
                              stream_id);
}

/* Before the restart's signals (same dispatch thread, in order): a ws
 * connection that left from the lost address reconnects first. */
static void
on_agent_address_lost (IceAgent *agent, const gchar *ip, gboolean restarting,
                       gpointer data)
{
  gst_ice_stream_signallers_address_lost (
      ((GstIceSharedAgent *)data)->signallers, ip);
}

/* On the signalling thread: IceAgent's API is thread-safe. */
static void
on_signaller_text (guint stream_id, const gchar *text, gboolean first,
                   gpointer user_data)
{
  gst_ice_shared_agent_apply_remote_text (user_data, stream_id, text, first);
}

/* On the signalling thread: a ws signaller meets a new peer. */
static void
on_signaller_restart (guint stream_id, gpointer user_data)
{
  gst_ice_shared_agent_restart (user_data);
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
  shared->signallers = gst_ice_stream_signallers_new (
      on_signaller_text, on_signaller_restart, shared);
  shared->turn_uris
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  shared->gather_log = gst_ice_gather_log_new ();
  /* Each handler holds a memory ref, dropped when the closure dies (after
   * an emission in progress on the agent's thread has returned). These
   * run before any element's handler (connected later), so an element
   * relaying an emission finds it in the gather log already. */
  g_signal_connect_data (shared->agent, "new-candidate",
                         G_CALLBACK (on_agent_candidate), shared_ref (shared),
                         shared_closure_unref, 0);
  g_signal_connect_data (shared->agent, "gathering-done",
                         G_CALLBACK (on_agent_gathering_done),
                         shared_ref (shared), shared_closure_unref, 0);
  g_signal_connect_data (shared->agent, "local-credentials-changed",
                         G_CALLBACK (on_agent_credentials), shared_ref (shared),
                         shared_closure_unref, 0);
  g_signal_connect_data (shared->agent, "local-address-lost",
                         G_CALLBACK (on_agent_address_lost),
                         shared_ref (shared), shared_closure_unref, 0);
  GST_DEBUG ("created agent '%s'", name);
  return shared;
}

/* The top-level bin of @element (the pipeline), or @element alone. */
static GstObject *
top_level_of (GstObject *element)
{
  GstObject *top = gst_object_ref (element), *parent;

  while ((parent = gst_object_get_parent (top)) != NULL) {
    gst_object_unref (top);
    top = parent;
  }
  return top;
}

/* The registry key: the default name is one agent per top-level bin (a
 * number kept on the bin, never reused, unlike its address or its name);
 * any other name is one agent per process. */
static gchar *
registry_key_of (GstObject *element, const gchar *name)
{
  GstObject *top;
  gint scope;

  if (g_strcmp0 (name, DEFAULT_AGENT_NAME) != 0)
    return g_strdup (name);
  top = top_level_of (element);
  g_mutex_lock (&registry_lock);
  if (scope_quark == 0)
    scope_quark = g_quark_from_static_string ("gst-ice-agent-scope");
  scope = GPOINTER_TO_INT (g_object_get_qdata (G_OBJECT (top), scope_quark));
  if (scope == 0) {
    scope = g_atomic_int_add (&last_scope, 1) + 1;
    g_object_set_qdata (G_OBJECT (top), scope_quark, GINT_TO_POINTER (scope));
  }
  g_mutex_unlock (&registry_lock);
  gst_object_unref (top);
  return g_strdup_printf ("%s@%d", name, scope);
}

static gboolean
needs_rtcp_component (const GstIceSettings *s)
{
  return !s->rtcp_mux && s->stream < GST_ICE_MAX_STREAMS;
}

/**
 * gst_ice_shared_agent_acquire:
 * @element: the element; scopes the default agent-name to its top-level
 *   bin
 * @settings: the element's agent-name, stream and rtcp-mux
 *
 * Takes the agent of that name (created if needed), and notes whether
 * the element needs component 2 of its stream (rtcp-mux=false), so that
 * the stream is added with two components whichever element starts it.
 *
 * Returns: (transfer full): the agent. Give it back with
 *   gst_ice_shared_agent_release() and the same @settings.
 */
GstIceSharedAgent *
gst_ice_shared_agent_acquire (GstObject *element, const GstIceSettings *s)
{
  GstIceSharedAgent *shared;
  gchar *key = registry_key_of (element, s->agent_name);

  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  shared = g_hash_table_lookup (registry, key);
  if (shared == NULL) {
    shared = shared_new (key);
    g_hash_table_insert (registry, shared->name, shared);
  }
  shared->users++;
  g_mutex_unlock (&registry_lock);
  g_free (key);
  if (needs_rtcp_component (s)) {
    g_mutex_lock (&shared->lock);
    shared->rtcp_users[s->stream]++;
    g_mutex_unlock (&shared->lock);
  }
  GST_DEBUG_OBJECT (element, "holds agent '%s'", shared->name);
  return shared;
}

/**
 * gst_ice_shared_agent_release:
 * @shared: (transfer full): from gst_ice_shared_agent_acquire()
 * @settings: as given to gst_ice_shared_agent_acquire()
 *
 * The last user closes the agent and stops its signallers.
 */
void
gst_ice_shared_agent_release (GstIceSharedAgent *shared,
                              const GstIceSettings *s)
{
  gboolean last;

  if (needs_rtcp_component (s)) {
    g_mutex_lock (&shared->lock);
    shared->rtcp_users[s->stream]--;
    g_mutex_unlock (&shared->lock);
  }
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
  if (set & GST_ICE_SET_MDNS)
    g_object_set (shared->agent, "mdns", s->mdns, NULL);
  if (set & GST_ICE_SET_MDNS_RESOLVE)
    g_object_set (shared->agent, "mdns-resolve", s->mdns_resolve, NULL);
  if (set & GST_ICE_SET_STUN_SERVER)
    g_object_set (shared->agent, "stun-server", s->stun_server, NULL);
  if (set & GST_ICE_SET_PORT_RANGE)
    g_object_set (shared->agent, "port-range", s->port_range, NULL);
  if (set & GST_ICE_SET_ICE_TCP)
    g_object_set (shared->agent, "ice-tcp", s->ice_tcp, NULL);
  if ((set & GST_ICE_SET_BIND_ADDRESS) && s->bind_address) {
    configure_bind_address (shared, s->bind_address);
    shared->bind_explicit = TRUE;
  }
  gst_ice_network_configure_agent (shared, s);
  g_mutex_unlock (&shared->lock);
  gst_ice_turn_configure_agent (shared, element, s);
  GST_DEBUG_OBJECT (element, "configured agent '%s' (explicit 0x%x)",
                    shared->name, set);
}

/* Called with shared->lock held. The room's I/O runs on the signalling
 * thread, not the agent's; @element posts the room's problems. */
static gboolean
start_signaller_locked (GstIceSharedAgent *shared, GstObject *element,
                        const GstIceSettings *s, GError **error)
{
  GstIceSignallerConfig config
      = { s->signaller, s->signaller_token, s->signaller_ca_file };

  return gst_ice_stream_signallers_start (shared->signallers, element,
                                          s->stream, &config, error);
}

/* Called with shared->lock held. RTCP gets component 2 of a stream when
 * any element holding the agent asks for it (rtcp-mux=false). */
static guint
components_wanted_locked (GstIceSharedAgent *shared, guint stream_id)
{
  return shared->rtcp_users[stream_id] > 0 ? 2 : 1;
}

/* Called with shared->lock held: adds streams up to @stream_id. */
static gboolean
ensure_stream_locked (GstIceSharedAgent *shared, guint stream_id,
                      GError **error)
{
  while (shared->n_streams <= stream_id) {
    guint n = components_wanted_locked (shared, shared->n_streams);

    if (ice_agent_add_stream (shared->agent, n) == G_MAXUINT) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "agent '%s' refused to add stream %u", shared->name,
                   shared->n_streams);
      return FALSE;
    }
    shared->n_components[shared->n_streams++] = n;
  }
  return TRUE;
}

/* Called with shared->lock held. A component cannot be added to a
 * stream that already gathers: a late element asking for one fails. */
static gboolean
check_components_locked (GstIceSharedAgent *shared, const GstIceSettings *s,
                         GError **error)
{
  guint needed = s->rtcp_mux ? 1 : 2;

  if (needed <= shared->n_components[s->stream])
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "stream %u of agent '%s' was started with %u component "
               "(rtcp-mux=true) before this element (rtcp-mux=false) "
               "took the agent; give every element of the stream the same "
               "rtcp-mux, or bring them all to READY before any starts",
               s->stream, shared->name, shared->n_components[s->stream]);
  return FALSE;
}

/**
 * gst_ice_shared_agent_start_stream:
 * @settings: the element's stream, component, rtcp-mux and signaller
 *
 * Adds the element's stream (and any lower one missing) to the agent,
 * gathers its candidates once, and starts the signaller of the stream.
 * A stream gets two components if any element holding the agent then
 * has rtcp-mux=false for it (see gst_ice_shared_agent_acquire()).
 *
 * Returns: %FALSE with @error set if no socket could be opened, or if
 *   the element needs a component the running stream does not have.
 */
gboolean
gst_ice_shared_agent_start_stream (GstIceSharedAgent *shared,
                                   GstObject *element, const GstIceSettings *s,
                                   GError **error)
{
  gboolean ok = TRUE;

  g_mutex_lock (&shared->lock);
  if (!shared->bind_explicit && shared->n_streams == 0
      && !has_non_loopback_interface ()) {
    GST_INFO_OBJECT (element, "no interface but loopback: gathering on lo");
    configure_bind_address (shared, "lo");
  }
  if (!ensure_stream_locked (shared, s->stream, error)
      || !check_components_locked (shared, s, error)) {
    ok = FALSE;
    goto out;
  }
  if (s->signaller && !start_signaller_locked (shared, element, s, error)) {
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
  guint i, n_streams;

  g_mutex_lock (&shared->lock);
  n_streams = shared->n_streams;
  g_mutex_unlock (&shared->lock);
  for (i = 0; i < n_streams; i++)
    gst_ice_gather_log_restart (shared->gather_log, i);
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
 * gst_ice_shared_agent_next_gathered:
 * @stream_id: the stream
 * @cursor: what the caller relayed so far; zero-filled at first
 * @line: (out) (transfer full): the next candidate line, or %NULL for a
 *   gathering-done
 *
 * Steps through what @stream_id gathered since its last restart, the part
 * before the caller attached included: an element that takes the agent
 * after gathering started still relays every candidate and
 * gathering-done, once and in order. Call from the agent's thread only
 * (where the agent emits), so that the log and the signals agree.
 *
 * Returns: %FALSE when @cursor is at the end.
 */
gboolean
gst_ice_shared_agent_next_gathered (GstIceSharedAgent *shared, guint stream_id,
                                    GstIceGatherCursor *cursor, gchar **line)
{
  return gst_ice_gather_log_next (shared->gather_log, stream_id, cursor, line);
}
