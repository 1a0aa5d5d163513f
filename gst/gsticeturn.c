/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TURN in the elements (webrtcbin's words): a "turn-server" property, an
 * "add-turn-server" action signal for more servers, "ice-transport-policy"
 * (all | relay), "turn-ca-file" and "turn-insecure" for turns: servers.
 * They are agent-level settings, applied to the shared agent at NULL→READY
 * like "stun-server" (gsticeelement.c); an "add-turn-server" on an element
 * that already has its agent reaches the agent at once. A relayed
 * allocation that fails or is lost becomes a GST_ELEMENT_WARNING with the
 * server's reason, and an "ice-relay-error" element message.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticeturn.h"
#include "gsticecommon.h"

#include <string.h>
#include <unistd.h>

#define GST_CAT_DEFAULT gst_ice_debug

#define TURN_URI_FORM                                                          \
  "turn://USER:PASSWORD@HOST[:PORT][?transport=udp|tcp] or "                   \
  "turns://USER:PASSWORD@HOST[:PORT][?transport=tcp], with USER and "          \
  "PASSWORD percent-encoded"

/* The URI for messages, with the password hidden: logs are often shared. */
static gchar *
redact_turn_uri (const gchar *uri)
{
  const gchar *start = uri ? strstr (uri, "://") : NULL;
  const gchar *colon, *at;

  if (uri == NULL)
    return g_strdup ("(null)");
  if (start == NULL)
    return g_strdup (uri);
  start += 3;
  at = strrchr (start, '@');
  colon = strchr (start, ':');
  if (at == NULL || colon == NULL || colon > at)
    return g_strdup (uri);
  return g_strdup_printf ("%.*s:***%s", (int)(colon - uri), uri, at);
}

/* What is wrong with the parts of a turn(s) URI, or NULL if nothing. */
static const gchar *
turn_uri_problem (const gchar *scheme, const gchar *user, const gchar *password,
                  const gchar *host, gint port, const gchar *path,
                  const gchar *query, const gchar *fragment)
{
  gboolean secure = strcmp (scheme, "turns") == 0;

  if (!secure && strcmp (scheme, "turn") != 0)
    return "the scheme is not turn or turns";
  if (user == NULL || *user == '\0' || password == NULL || *password == '\0')
    return "a user and a password are required";
  if (host == NULL || *host == '\0')
    return "no host";
  if (port == 0)
    return "port 0";
  if ((path && *path) || fragment)
    return "unexpected path or fragment";
  if (query == NULL || g_ascii_strcasecmp (query, "transport=tcp") == 0)
    return NULL;
  /* turns: is TLS, over TCP only */
  if (!secure && g_ascii_strcasecmp (query, "transport=udp") == 0)
    return NULL;
  return "the only query is transport=udp or transport=tcp "
         "(turns: only tcp)";
}

/**
 * gst_ice_parse_turn_server:
 * @uri: "turn://USER:PASSWORD@HOST[:PORT][?transport=udp|tcp]" or
 *   "turns://USER:PASSWORD@HOST[:PORT]"; USER and PASSWORD are
 *   percent-encoded (RFC 7065 §3 for the scheme and the transport)
 * @error: says what was expected (the password is not repeated)
 *
 * Returns: %TRUE if @uri is a TURN URI the agent accepts.
 */
gboolean
gst_ice_parse_turn_server (const gchar *uri, GError **error)
{
  gchar *scheme = NULL, *user = NULL, *password = NULL, *host = NULL;
  gchar *path = NULL, *query = NULL, *fragment = NULL, *shown;
  const gchar *problem = "the scheme is not turn or turns";
  gint port = -1;

  /* GUri lowercases the scheme; the agent wants it lowercase already.
   * Without G_URI_FLAGS_ENCODED the user and password come out decoded,
   * and a bad %-escape is refused. */
  if (uri
      && (g_str_has_prefix (uri, "turn://")
          || g_str_has_prefix (uri, "turns://"))) {
    if (g_uri_split_with_user (uri, G_URI_FLAGS_HAS_PASSWORD, &scheme, &user,
                               &password, NULL, &host, &port, &path, &query,
                               &fragment, NULL))
      problem = turn_uri_problem (scheme, user, password, host, port, path,
                                  query, fragment);
    else
      problem = "not a URI: a reserved character in the user or password "
                "must be percent-encoded";
  }
  if (password)
    memset (password, 0, strlen (password));
  g_free (scheme);
  g_free (user);
  g_free (password);
  g_free (host);
  g_free (path);
  g_free (query);
  g_free (fragment);
  if (problem == NULL)
    return TRUE;
  shown = redact_turn_uri (uri);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "invalid turn-server '%s' (%s): expected " TURN_URI_FORM, shown,
               problem);
  g_free (shown);
  return FALSE;
}

/**
 * gst_ice_parse_ca_file:
 * @property: the property's name, for the message
 * @path: a PEM file of CA certificates
 *
 * Returns: %TRUE if @path is a readable regular file.
 */
gboolean
gst_ice_parse_ca_file (const gchar *property, const gchar *path, GError **error)
{
  if (path && g_file_test (path, G_FILE_TEST_IS_REGULAR)
      && access (path, R_OK) == 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "invalid %s '%s': expected a readable PEM file of "
               "CA certificates",
               property, path ? path : "(null)");
  return FALSE;
}

/**
 * gst_ice_parse_turn_ca_file:
 * @path: a PEM file of CA certificates
 *
 * Returns: %TRUE if @path is a readable regular file.
 */
gboolean
gst_ice_parse_turn_ca_file (const gchar *path, GError **error)
{
  return gst_ice_parse_ca_file ("turn-ca-file", path, error);
}

/**
 * gst_ice_turn_install_properties:
 * @klass: icesrc's or icesink's class
 */
void
gst_ice_turn_install_properties (GObjectClass *klass)
{
  /**
   * GstIceSrc:turn-server:
   * A TURN server for relayed candidates (RFC 8656), as
   * "turn://USER:PASSWORD@HOST:PORT?transport=udp|tcp" or
   * "turns://USER:PASSWORD@HOST:PORT" (USER and PASSWORD percent-encoded;
   * ports 3478 and 5349 by default). Agent-level; more servers with
   * #GstIceSrc::add-turn-server.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_TURN_SERVER,
      g_param_spec_string ("turn-server", "TURN server",
                           "TURN server as turn(s)://USER:PASSWORD@HOST:PORT"
                           "?transport=udp|tcp (agent-level)",
                           DEFAULT_TURN_SERVER,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:ice-transport-policy:
   * "relay" gathers and uses only relayed candidates, so the peer never
   * learns our addresses; it needs a TURN server. Agent-level, frozen when
   * the agent's first stream is added.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_ICE_TRANSPORT_POLICY,
      g_param_spec_enum ("ice-transport-policy", "ICE transport policy",
                         "all, or relay: relayed candidates only "
                         "(agent-level)",
                         GST_TYPE_ICE_TRANSPORT_POLICY,
                         DEFAULT_ICE_TRANSPORT_POLICY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:turn-ca-file:
   * PEM file of the CA certificates that sign turns: servers; NULL uses
   * the system's store. Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_TURN_CA_FILE,
      g_param_spec_string ("turn-ca-file", "TURN CA file",
                           "PEM file of CAs for turns: servers, NULL for the "
                           "system store (agent-level)",
                           DEFAULT_TURN_CA_FILE,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstIceSrc:turn-insecure:
   * Accept any certificate from turns: servers. For tests only: anyone on
   * the path can then read the TURN credentials. Agent-level.
   */
  g_object_class_install_property (
      klass, GST_ICE_PROP_TURN_INSECURE,
      g_param_spec_boolean ("turn-insecure", "TURN insecure",
                            "Do not verify the certificate of turns: servers "
                            "(tests only; agent-level)",
                            DEFAULT_TURN_INSECURE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

/**
 * gst_ice_turn_set_setting:
 * @settings: the element's settings; call with the object lock held
 * @error: why a value was refused (the setting is then unchanged)
 *
 * Returns: %FALSE if the value was refused.
 */
gboolean
gst_ice_turn_set_setting (GstIceSettings *s, guint prop_id, const GValue *value,
                          GError **error)
{
  const gchar *v;

  switch (prop_id) {
    case GST_ICE_PROP_TURN_SERVER:
      v = g_value_get_string (value);
      if (v && !gst_ice_parse_turn_server (v, error))
        return FALSE;
      g_free (s->turn_server);
      s->turn_server = g_strdup (v);
      s->explicit |= GST_ICE_SET_TURN_SERVER;
      return TRUE;
    case GST_ICE_PROP_ICE_TRANSPORT_POLICY:
      s->transport_policy = g_value_get_enum (value);
      s->explicit |= GST_ICE_SET_ICE_TRANSPORT_POLICY;
      return TRUE;
    case GST_ICE_PROP_TURN_CA_FILE:
      v = g_value_get_string (value);
      if (v && !gst_ice_parse_turn_ca_file (v, error))
        return FALSE;
      g_free (s->turn_ca_file);
      s->turn_ca_file = g_strdup (v);
      s->explicit |= GST_ICE_SET_TURN_CA_FILE;
      return TRUE;
    case GST_ICE_PROP_TURN_INSECURE:
      s->turn_insecure = g_value_get_boolean (value);
      s->explicit |= GST_ICE_SET_TURN_INSECURE;
      return TRUE;
    default:
      g_assert_not_reached ();
      return FALSE;
  }
}

/**
 * gst_ice_turn_get_setting:
 * Call with the element's object lock held.
 *
 * Returns: %FALSE if @prop_id is not a TURN property.
 */
gboolean
gst_ice_turn_get_setting (GstIceSettings *s, guint prop_id, GValue *value)
{
  switch (prop_id) {
    case GST_ICE_PROP_TURN_SERVER:
      g_value_set_string (value, s->turn_server);
      return TRUE;
    case GST_ICE_PROP_ICE_TRANSPORT_POLICY:
      g_value_set_enum (value, s->transport_policy);
      return TRUE;
    case GST_ICE_PROP_TURN_CA_FILE:
      g_value_set_string (value, s->turn_ca_file);
      return TRUE;
    case GST_ICE_PROP_TURN_INSECURE:
      g_value_set_boolean (value, s->turn_insecure);
      return TRUE;
    default:
      return FALSE;
  }
}

/* The agent freezes the policy at its first stream: a late, different
 * value is reported here instead of being passed on (the agent would
 * refuse it with a g_warning). */
static void
configure_transport_policy (GstIceSharedAgent *shared, GstObject *element,
                            GstIceTransportPolicy policy)
{
  IceAgent *agent = gst_ice_shared_agent_get_agent (shared);
  IceAgentTransportPolicy current;

  g_object_get (agent, "ice-transport-policy", &current, NULL);
  if ((gint)current == (gint)policy)
    return;
  if (gst_ice_shared_agent_has_stream (shared, 0)) {
    GST_ELEMENT_WARNING (GST_ELEMENT (element), RESOURCE, SETTINGS,
                         ("ice-transport-policy ignored: the shared ICE agent "
                          "is already running"),
                         ("it is frozen when the first stream is added"));
    return;
  }
  g_object_set (agent, "ice-transport-policy",
                policy == GST_ICE_TRANSPORT_POLICY_RELAY
                    ? ICE_AGENT_TRANSPORT_POLICY_RELAY
                    : ICE_AGENT_TRANSPORT_POLICY_ALL,
                NULL);
}

static void
configure_turn_servers (GstIceSharedAgent *shared, GstObject *element,
                        const GstIceSettings *s)
{
  GError *err = NULL;
  guint i;

  if ((s->explicit & GST_ICE_SET_TURN_SERVER) && s->turn_server
      && !gst_ice_shared_agent_add_turn_server (shared, element, s->turn_server,
                                                &err)) {
    GST_WARNING_OBJECT (element, "turn-server refused: %s", err->message);
    g_clear_error (&err);
  }
  for (i = 0; s->turn_servers && s->turn_servers[i]; i++) {
    if (!gst_ice_shared_agent_add_turn_server (shared, element,
                                               s->turn_servers[i], &err)) {
      GST_WARNING_OBJECT (element, "TURN server refused: %s", err->message);
      g_clear_error (&err);
    }
  }
}

/**
 * gst_ice_turn_configure_agent:
 * @shared: the element's shared agent
 * @element: for messages
 * @settings: the element's settings at NULL→READY
 *
 * Applies the TURN settings the element set explicitly (the precedence
 * rule of gsticeelement.c), and gives every TURN server of the element,
 * "turn-server" and "add-turn-server" ones, to the agent.
 */
void
gst_ice_turn_configure_agent (GstIceSharedAgent *shared, GstObject *element,
                              const GstIceSettings *s)
{
  IceAgent *agent = gst_ice_shared_agent_get_agent (shared);

  if (s->explicit & GST_ICE_SET_ICE_TRANSPORT_POLICY)
    configure_transport_policy (shared, element, s->transport_policy);
  if (s->explicit & GST_ICE_SET_TURN_CA_FILE)
    g_object_set (agent, "turn-ca-file", s->turn_ca_file, NULL);
  if (s->explicit & GST_ICE_SET_TURN_INSECURE)
    g_object_set (agent, "turn-insecure", s->turn_insecure, NULL);
  configure_turn_servers (shared, element, s);
}

static void
append_turn_server (GstIceSettings *s, const gchar *uri)
{
  guint n = s->turn_servers ? g_strv_length (s->turn_servers) : 0;

  if (s->turn_servers
      && g_strv_contains ((const gchar *const *)s->turn_servers, uri))
    return;
  s->turn_servers = g_renew (gchar *, s->turn_servers, n + 2);
  s->turn_servers[n] = g_strdup (uri);
  s->turn_servers[n + 1] = NULL;
}

/* The "add-turn-server" action: kept for every later NULL→READY, and
 * given to the agent now if the element has one. */
static gboolean
add_turn_server (GstElement *element, const gchar *uri)
{
  GstIceCommon *c = gst_ice_common_from_element (element);
  GstIceSharedAgent *shared;
  GError *err = NULL;

  if (!gst_ice_parse_turn_server (uri, &err))
    goto refused;
  GST_OBJECT_LOCK (element);
  append_turn_server (&c->settings, uri);
  shared = c->shared;
  GST_OBJECT_UNLOCK (element);
  if (shared
      && !gst_ice_shared_agent_add_turn_server (shared, GST_OBJECT (element),
                                                uri, &err))
    goto refused;
  return TRUE;

  /* ERRORS */
refused : {
  GST_WARNING_OBJECT (element, "%s", err->message);
  g_warning ("%s: add-turn-server refused: %s", GST_ELEMENT_NAME (element),
             err->message);
  g_error_free (err);
  return FALSE;
}
}

/**
 * gst_ice_turn_install_signals:
 * @klass: icesrc's or icesink's class
 */
void
gst_ice_turn_install_signals (GObjectClass *klass)
{
  /**
   * GstIceSrc::add-turn-server:
   * @uri: a TURN server, in the form of #GstIceSrc:turn-server
   *
   * Adds one more TURN server to the shared agent (as webrtcbin's
   * action). Before the element has its agent (NULL state) the server is
   * kept and given to the agent at NULL→READY.
   *
   * Returns: %FALSE, with a warning saying the expected form, if @uri
   *   was refused.
   */
  g_signal_new_class_handler ("add-turn-server", G_OBJECT_CLASS_TYPE (klass),
                              G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                              G_CALLBACK (add_turn_server), NULL, NULL, NULL,
                              G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
}

/**
 * gst_ice_turn_on_relay_error:
 * @code: the TURN server's STUN error code, or 0 (no answer, lost)
 * @reason: what went wrong, e.g. wrong credentials
 *
 * The agent's "relay-error" for the element's stream: a warning on the bus
 * (the session may still connect without that relay) and an
 * "ice-relay-error" element message with the details.
 */
void
gst_ice_turn_on_relay_error (IceAgent *agent, guint stream, guint component,
                             guint code, const gchar *reason,
                             GstElement *element)
{
  GstIceCommon *c = gst_ice_common_from_element (element);
  GstStructure *s;

  if (stream != c->active.stream || component != c->active.component)
    return;
  GST_ELEMENT_WARNING (
      element, RESOURCE, OPEN_READ_WRITE, ("TURN relay error: %s", reason),
      ("stream %u component %u, STUN error code %u", stream, component, code));
  s = gst_structure_new ("ice-relay-error", "stream", G_TYPE_UINT, stream,
                         "component", G_TYPE_UINT, component, "code",
                         G_TYPE_UINT, code, "reason", G_TYPE_STRING, reason,
                         NULL);
  gst_element_post_message (element,
                            gst_message_new_element (GST_OBJECT (element), s));
}
