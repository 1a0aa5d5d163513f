/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * IceAgent, the GObject: properties, signals, construction and teardown.
 * The API calls live in ice-agent-api.c (session), ice-agent-send.c and
 * ice-agent-consume.c (media); everything they share is the refcounted
 * IceAgentState (see ice-agent-private.h for why it is not the object).
 */
#include "ice/io/ice-agent-private.h"
#include "ice/io/ice-udp-mux-private.h"

struct _IceAgent {
  GObject parent;
  GMainContext *construct_context;
  IceAgentState *state;
};

enum {
  PROP_0,
  PROP_MAIN_CONTEXT,
  PROP_ICE_ROLE,
  PROP_CONTROLLING_MODE,
  PROP_NOMINATION,
  PROP_CONSENT_FRESHNESS,
  PROP_PEER_TIMEOUT,
  PROP_STUN_SERVER,
  PROP_PORT_RANGE,
  PROP_BIND_ADDRESS,
  PROP_ICE_TCP,
  PROP_RECEIVE_QUEUE_CAPACITY,
  PROP_RECEIVE_QUEUE_MAX_BYTES,
  PROP_TURN_SERVER,
  PROP_ICE_TRANSPORT_POLICY,
  PROP_TURN_CA_FILE,
  PROP_TURN_INSECURE,
  PROP_MDNS_RESOLVE,
  PROP_MDNS,
  PROP_INTERFACES,
  PROP_EXCLUDE_INTERFACES,
  PROP_RESTART_ON_NETWORK_CHANGE,
  PROP_UDP_MUX,
  PROP_ICE_LITE,
  N_PROPS
};

enum {
  SIGNAL_NEW_CANDIDATE,
  SIGNAL_GATHERING_DONE,
  SIGNAL_CONNECTION_STATE_CHANGED,
  SIGNAL_SELECTED_PAIR_CHANGED,
  SIGNAL_CONSENT_LOST,
  SIGNAL_NEW_REMOTE_CANDIDATE,
  SIGNAL_RELAY_ERROR,
  SIGNAL_LOCAL_CREDENTIALS_CHANGED,
  SIGNAL_LOCAL_ADDRESS_LOST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (IceAgent, ice_agent, G_TYPE_OBJECT);

IceAgentState *
ice_agent_get_state (IceAgent *agent)
{
  return agent->state;
}

GMainContext *
ice_agent_get_main_context (IceAgent *agent)
{
  g_return_val_if_fail (ICE_IS_AGENT (agent), NULL);
  return agent->state->context;
}

IceAgent *
ice_agent_new (GMainContext *context)
{
  return g_object_new (ICE_TYPE_AGENT, "main-context", context, NULL);
}

static void
ice_agent_init (IceAgent *agent)
{}

static void
ice_agent_constructed (GObject *object)
{
  IceAgent *agent = ICE_AGENT (object);

  G_OBJECT_CLASS (ice_agent_parent_class)->constructed (object);
  agent->state = ice_agent_state_new (agent, agent->construct_context);
  g_clear_pointer (&agent->construct_context, g_main_context_unref);
}

static void
ice_agent_dispose (GObject *object)
{
  IceAgent *agent = ICE_AGENT (object);

  if (agent->state != NULL)
    ice_agent_state_close (agent->state);
  G_OBJECT_CLASS (ice_agent_parent_class)->dispose (object);
}

static void
ice_agent_finalize (GObject *object)
{
  IceAgent *agent = ICE_AGENT (object);

  g_clear_pointer (&agent->state, ice_agent_state_unref);
  G_OBJECT_CLASS (ice_agent_parent_class)->finalize (object);
}

void
ice_agent_close (IceAgent *agent)
{
  g_return_if_fail (ICE_IS_AGENT (agent));
  ice_agent_state_close (agent->state);
}

/* Settings the session reads only at creation refuse changes afterwards,
 * with a message saying so. */
static gboolean
session_not_made_yet (IceAgentState *state, const gchar *name)
{
  if (state->session == NULL)
    return TRUE;
  g_warning ("IceAgent: \"%s\" can only change before the first "
             "ice_agent_add_stream()",
             name);
  return FALSE;
}

static void
set_role_locked (IceAgentState *state, IceRole role)
{
  state->role = role;
  if (state->session != NULL) {
    ice_session_set_role (state->session, role);
    /* a lite agent stays controlled (RFC 8445 §6.1.1) */
    state->role = ice_session_get_role (state->session);
  }
}

static void
set_port_range_locked (IceAgentState *state, const gchar *range)
{
  guint16 lo, hi;

  if (ice_agent_parse_port_range (range, &lo, &hi)) {
    state->port_min = lo;
    state->port_max = hi;
  } else {
    g_warning ("IceAgent: port-range \"%s\" is not \"min-max\" with "
               "1 <= min <= max <= 65535",
               range);
  }
}

static void
set_turn_server (IceAgent *agent, const gchar *uri)
{
  GError *error = NULL;

  if (uri != NULL && !ice_agent_add_turn_server (agent, uri, &error)) {
    g_warning ("%s", error->message);
    g_clear_error (&error);
  }
}

static void
set_iflist_locked (gchar ***field, const gchar *name, const GValue *value)
{
  GError *error = NULL;

  if (!ice_agent_iflist_validate (name, g_value_get_boxed (value), &error)) {
    g_warning ("IceAgent: %s; the property is left unchanged", error->message);
    g_error_free (error);
    return;
  }
  g_strfreev (*field);
  *field = g_value_dup_boxed (value);
}

/* ice-udp-mux.c: "HOST:PORT" with an IP, fixed once the agent gathered */
static void
set_udp_mux_locked (IceAgentState *state, const gchar *address)
{
  IceTransportAddr addr;

  if (state->mux_member != NULL) {
    g_warning ("IceAgent: \"udp-mux\" can only change before gathering");
    return;
  }
  if (address != NULL && *address != '\0'
      && !ice_udp_mux_parse (address, &addr)) {
    g_warning ("IceAgent: udp-mux \"%s\" is not HOST:PORT with an IP "
               "address (e.g. \"192.0.2.7:3478\"); left unchanged",
               address);
    return;
  }
  g_free (state->udp_mux);
  state->udp_mux
      = address != NULL && *address != '\0' ? g_strdup (address) : NULL;
}

static void
ice_agent_set_property (GObject *object, guint prop_id, const GValue *value,
                        GParamSpec *pspec)
{
  IceAgent *agent = ICE_AGENT (object);
  IceAgentState *state = agent->state;

  if (prop_id == PROP_MAIN_CONTEXT) {
    agent->construct_context = g_value_dup_boxed (value);
    return;
  }
  if (prop_id == PROP_TURN_SERVER) {
    set_turn_server (agent, g_value_get_string (value));
    return;
  }
  g_mutex_lock (&state->lock);
  switch (prop_id) {
    case PROP_ICE_ROLE:
      set_role_locked (state, g_value_get_enum (value));
      break;
    case PROP_CONTROLLING_MODE:
      set_role_locked (state, g_value_get_boolean (value)
                                  ? ICE_ROLE_CONTROLLING
                                  : ICE_ROLE_CONTROLLED);
      break;
    case PROP_NOMINATION:
      if (session_not_made_yet (state, "nomination"))
        state->nomination = g_value_get_enum (value);
      break;
    case PROP_CONSENT_FRESHNESS:
      if (session_not_made_yet (state, "consent-freshness"))
        state->consent_freshness = g_value_get_boolean (value);
      break;
    case PROP_PEER_TIMEOUT:
      if (session_not_made_yet (state, "peer-timeout"))
        state->peer_timeout_ms = g_value_get_uint (value);
      break;
    case PROP_STUN_SERVER:
      g_free (state->stun_server);
      state->stun_server = g_value_dup_string (value);
      state->stun_state = ICE_AGENT_STUN_NONE;
      break;
    case PROP_PORT_RANGE:
      set_port_range_locked (state, g_value_get_string (value));
      break;
    case PROP_BIND_ADDRESS:
      g_strfreev (state->bind_addresses);
      state->bind_addresses = g_value_dup_boxed (value);
      break;
    case PROP_ICE_TCP:
      state->ice_tcp = g_value_get_boolean (value);
      break;
    case PROP_RECEIVE_QUEUE_CAPACITY:
      state->queue_capacity = g_value_get_uint (value);
      break;
    case PROP_RECEIVE_QUEUE_MAX_BYTES:
      state->queue_max_bytes = g_value_get_uint (value);
      break;
    case PROP_ICE_TRANSPORT_POLICY:
      if (session_not_made_yet (state, "ice-transport-policy"))
        state->relay_only
            = g_value_get_enum (value) == ICE_AGENT_TRANSPORT_POLICY_RELAY;
      break;
    case PROP_TURN_CA_FILE:
      g_free (state->turn_ca_file);
      state->turn_ca_file = g_value_dup_string (value);
      break;
    case PROP_TURN_INSECURE:
      state->turn_insecure = g_value_get_boolean (value);
      break;
    case PROP_MDNS_RESOLVE:
      state->mdns_resolve = g_value_get_boolean (value);
      break;
    case PROP_MDNS:
      state->mdns_publish = g_value_get_boolean (value);
      break;
    case PROP_INTERFACES:
      set_iflist_locked (&state->interfaces, "interfaces", value);
      break;
    case PROP_EXCLUDE_INTERFACES:
      set_iflist_locked (&state->exclude_interfaces, "exclude-interfaces",
                         value);
      break;
    case PROP_RESTART_ON_NETWORK_CHANGE:
      state->restart_on_network_change = g_value_get_boolean (value);
      break;
    case PROP_UDP_MUX:
      set_udp_mux_locked (state, g_value_get_string (value));
      break;
    case PROP_ICE_LITE:
      if (session_not_made_yet (state, "ice-lite"))
        state->ice_lite = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&state->lock);
}

static gchar *
port_range_string (IceAgentState *state)
{
  if (state->port_min == 0 && state->port_max == 0)
    return NULL;
  return g_strdup_printf ("%u-%u", state->port_min, state->port_max);
}

static void
ice_agent_get_property (GObject *object, guint prop_id, GValue *value,
                        GParamSpec *pspec)
{
  IceAgent *agent = ICE_AGENT (object);
  IceAgentState *state = agent->state;

  g_mutex_lock (&state->lock);
  switch (prop_id) {
    case PROP_MAIN_CONTEXT:
      g_value_set_boxed (value, state->context);
      break;
    case PROP_ICE_ROLE:
      g_value_set_enum (value, state->role);
      break;
    case PROP_CONTROLLING_MODE:
      g_value_set_boolean (value, state->role == ICE_ROLE_CONTROLLING);
      break;
    case PROP_NOMINATION:
      g_value_set_enum (value, state->nomination);
      break;
    case PROP_CONSENT_FRESHNESS:
      g_value_set_boolean (value, state->consent_freshness);
      break;
    case PROP_PEER_TIMEOUT:
      g_value_set_uint (value, state->peer_timeout_ms);
      break;
    case PROP_STUN_SERVER:
      g_value_set_string (value, state->stun_server);
      break;
    case PROP_PORT_RANGE:
      g_value_take_string (value, port_range_string (state));
      break;
    case PROP_BIND_ADDRESS:
      g_value_set_boxed (value, state->bind_addresses);
      break;
    case PROP_ICE_TCP:
      g_value_set_boolean (value, state->ice_tcp);
      break;
    case PROP_RECEIVE_QUEUE_CAPACITY:
      g_value_set_uint (value, state->queue_capacity);
      break;
    case PROP_RECEIVE_QUEUE_MAX_BYTES:
      g_value_set_uint (value, state->queue_max_bytes);
      break;
    case PROP_TURN_SERVER:
      g_value_set_string (
          value, state->turn_servers->len > 0
                     ? ((IceAgentTurnServer *)g_ptr_array_index (
                            state->turn_servers, state->turn_servers->len - 1))
                           ->uri
                     : NULL);
      break;
    case PROP_ICE_TRANSPORT_POLICY:
      g_value_set_enum (value, state->relay_only
                                   ? ICE_AGENT_TRANSPORT_POLICY_RELAY
                                   : ICE_AGENT_TRANSPORT_POLICY_ALL);
      break;
    case PROP_TURN_CA_FILE:
      g_value_set_string (value, state->turn_ca_file);
      break;
    case PROP_TURN_INSECURE:
      g_value_set_boolean (value, state->turn_insecure);
      break;
    case PROP_MDNS_RESOLVE:
      g_value_set_boolean (value, state->mdns_resolve);
      break;
    case PROP_MDNS:
      g_value_set_boolean (value, state->mdns_publish);
      break;
    case PROP_INTERFACES:
      g_value_set_boxed (value, state->interfaces);
      break;
    case PROP_EXCLUDE_INTERFACES:
      g_value_set_boxed (value, state->exclude_interfaces);
      break;
    case PROP_RESTART_ON_NETWORK_CHANGE:
      g_value_set_boolean (value, state->restart_on_network_change);
      break;
    case PROP_UDP_MUX:
      g_value_set_string (value, state->udp_mux);
      break;
    case PROP_ICE_LITE:
      g_value_set_boolean (value, state->ice_lite);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&state->lock);
}

static void
emit_candidate (IceAgent *agent, guint signal_id, const IceEvent *event)
{
  gchar *line = ice_sdp_candidate_to_string (&event->u.candidate);

  g_signal_emit (agent, signals[signal_id], 0, event->stream_id, line);
  g_free (line);
}

static void
emit_selected_pair (IceAgent *agent, const IceEvent *event)
{
  gchar *local = ice_sdp_candidate_to_string (&event->u.pair.local);
  gchar *remote = ice_sdp_candidate_to_string (&event->u.pair.remote);

  g_signal_emit (agent, signals[SIGNAL_SELECTED_PAIR_CHANGED], 0,
                 event->stream_id, event->component_id, local, remote);
  g_free (local);
  g_free (remote);
}

static void
emit_address_lost (IceAgent *agent, const IceEvent *event)
{
  gchar ip[ICE_ADDR_STRLEN];

  g_signal_emit (agent, signals[SIGNAL_LOCAL_ADDRESS_LOST], 0,
                 ice_addr_ip_to_string (&event->u.candidate.addr, ip),
                 (gboolean)event->component_id);
}

/* Turns one session event into its signal; context thread, no lock. */
void
ice_agent_emit_event (IceAgent *agent, const IceEvent *event)
{
  if (event->type == ICE_AGENT_EVENT_ADDRESS_LOST) {
    emit_address_lost (agent, event);
    return;
  }
  switch (event->type) {
    case ICE_EVENT_LOCAL_CANDIDATE:
      emit_candidate (agent, SIGNAL_NEW_CANDIDATE, event);
      break;
    case ICE_EVENT_REMOTE_PEER_REFLEXIVE:
      emit_candidate (agent, SIGNAL_NEW_REMOTE_CANDIDATE, event);
      break;
    case ICE_EVENT_GATHERING_DONE:
      g_signal_emit (agent, signals[SIGNAL_GATHERING_DONE], 0,
                     event->stream_id);
      break;
    case ICE_EVENT_CONNECTION_STATE:
      g_signal_emit (agent, signals[SIGNAL_CONNECTION_STATE_CHANGED], 0,
                     event->stream_id, event->u.state.state);
      break;
    case ICE_EVENT_SELECTED_PAIR:
      emit_selected_pair (agent, event);
      break;
    case ICE_EVENT_CONSENT_LOST:
      g_signal_emit (agent, signals[SIGNAL_CONSENT_LOST], 0, event->stream_id,
                     event->component_id);
      break;
    case ICE_EVENT_RELAY_ERROR:
      g_signal_emit (agent, signals[SIGNAL_RELAY_ERROR], 0, event->stream_id,
                     event->component_id, event->u.relay_error.code,
                     event->u.relay_error.message);
      break;
    case ICE_EVENT_LOCAL_CREDENTIALS:
      g_signal_emit (agent, signals[SIGNAL_LOCAL_CREDENTIALS_CHANGED], 0,
                     event->stream_id, event->u.credentials.ufrag,
                     event->u.credentials.pwd);
      break;
    case ICE_EVENT_ROLE_CHANGED:
      g_object_notify_by_pspec (G_OBJECT (agent), properties[PROP_ICE_ROLE]);
      g_object_notify_by_pspec (G_OBJECT (agent),
                                properties[PROP_CONTROLLING_MODE]);
      break;
    default:
      break;
  }
}

static void
install_properties (GObjectClass *gobject_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  properties[PROP_MAIN_CONTEXT] = g_param_spec_boxed (
      "main-context", "Main context",
      "Context the sockets and timers run on (NULL: the "
      "shared gst-ice thread)",
      G_TYPE_MAIN_CONTEXT,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICE_ROLE] = g_param_spec_enum (
      "ice-role", "ICE role", "Controlling or controlled (RFC 8445 §6.1.1)",
      ICE_TYPE_ROLE, ICE_ROLE_CONTROLLING, rw);
  properties[PROP_CONTROLLING_MODE] = g_param_spec_boolean (
      "controlling-mode", "Controlling mode",
      "TRUE when controlling (libnice's name for ice-role)", TRUE, rw);
  properties[PROP_NOMINATION]
      = g_param_spec_enum ("nomination", "Nomination",
                           "Regular (RFC 8445 §8.1.1) or aggressive nomination",
                           ICE_TYPE_NOMINATION, ICE_NOMINATION_REGULAR, rw);
  properties[PROP_CONSENT_FRESHNESS] = g_param_spec_boolean (
      "consent-freshness", "Consent freshness",
      "Check consent every few seconds (RFC 7675)", TRUE, rw);
  /* RFC 8863 §4 PAC time as the wait for the peer's credentials */
  properties[PROP_PEER_TIMEOUT] = g_param_spec_uint (
      "peer-timeout", "Peer timeout",
      "Milliseconds to wait for the peer's credentials before the stream "
      "fails (0: forever; set before adding streams)",
      0, G_MAXUINT, ICE_AGENT_DEFAULT_PEER_TIMEOUT_MS, rw);
  properties[PROP_STUN_SERVER] = g_param_spec_string (
      "stun-server", "STUN server",
      "stun://host:port[?transport=udp|tcp] (no transport: UDP, and TCP "
      "with ice-tcp)",
      NULL, rw);
  properties[PROP_PORT_RANGE] = g_param_spec_string (
      "port-range", "Port range", "Local UDP ports \"min-max\" (NULL: any)",
      NULL, rw);
  properties[PROP_BIND_ADDRESS]
      = g_param_spec_boxed ("bind-address", "Bind addresses",
                            "Interfaces or IP addresses to gather on (empty: "
                            "every usable interface but loopback)",
                            G_TYPE_STRV, rw);
  properties[PROP_ICE_TCP] = g_param_spec_boolean (
      "ice-tcp", "ICE-TCP",
      "Gather TCP candidates (RFC 6544: passive, active and, from a STUN "
      "server over TCP, server-reflexive)",
      FALSE, rw);
  properties[PROP_RECEIVE_QUEUE_CAPACITY] = g_param_spec_uint (
      "receive-queue-capacity", "Receive queue capacity",
      "Datagrams queued per component before the oldest is dropped", 1,
      G_MAXINT, ICE_AGENT_DEFAULT_QUEUE_CAPACITY, rw);
  properties[PROP_RECEIVE_QUEUE_MAX_BYTES] = g_param_spec_uint (
      "receive-queue-max-bytes", "Receive queue bytes",
      "Payload bytes queued per component before the oldest is dropped "
      "(0: no byte limit)",
      0, G_MAXUINT, ICE_AGENT_DEFAULT_QUEUE_MAX_BYTES, rw);
  properties[PROP_TURN_SERVER] = g_param_spec_string (
      "turn-server", "TURN server",
      "turn://user:pass@host:port?transport=udp|tcp or "
      "turns://user:pass@host:port; setting it adds the server",
      NULL, rw);
  properties[PROP_ICE_TRANSPORT_POLICY] = g_param_spec_enum (
      "ice-transport-policy", "ICE transport policy",
      "all, or relay: relayed candidates only (set before adding streams)",
      ICE_TYPE_AGENT_TRANSPORT_POLICY, ICE_AGENT_TRANSPORT_POLICY_ALL, rw);
  properties[PROP_TURN_CA_FILE] = g_param_spec_string (
      "turn-ca-file", "TURN CA file",
      "PEM file of the CAs that sign turns: servers (NULL: system store)", NULL,
      rw);
  properties[PROP_TURN_INSECURE] = g_param_spec_boolean (
      "turn-insecure", "TURN insecure",
      "Accept any certificate from turns: servers (tests only)", FALSE, rw);
  properties[PROP_MDNS_RESOLVE] = g_param_spec_boolean (
      "mdns-resolve", "mDNS resolve",
      "Resolve the peer's <uuid>.local candidates with mDNS queries "
      "(FALSE: refuse them as unresolved)",
      TRUE, rw);
  properties[PROP_MDNS] = g_param_spec_boolean (
      "mdns", "mDNS host candidates",
      "Publish host candidates as random <uuid>.local names answered with "
      "mDNS, never their addresses (set before gathering)",
      FALSE, rw);
  properties[PROP_INTERFACES] = g_param_spec_boxed (
      "interfaces", "Interfaces",
      "Interface names or glob patterns (\"eth*\") to gather on (empty: "
      "every usable interface); applies with bind-address",
      G_TYPE_STRV, rw);
  properties[PROP_EXCLUDE_INTERFACES] = g_param_spec_boxed (
      "exclude-interfaces", "Exclude interfaces",
      "Interface names or glob patterns never gathered on, e.g. "
      "\"docker*\", \"veth*\" (wins over interfaces; empty: none)",
      G_TYPE_STRV, rw);
  properties[PROP_RESTART_ON_NETWORK_CHANGE] = g_param_spec_boolean (
      "restart-on-network-change", "Restart on network change",
      "When a local address the agent gathered on goes away, restart ICE "
      "on the addresses there are now (FALSE: only signal "
      "local-address-lost)",
      TRUE, rw);
  properties[PROP_UDP_MUX] = g_param_spec_string (
      "udp-mux", "UDP mux",
      "HOST:PORT (an IP address) of a UDP socket shared by every agent of "
      "the process that names it: one host candidate there, checks routed "
      "by ufrag, the rest by source address (NULL: own sockets; set "
      "before gathering)",
      NULL, rw);
  properties[PROP_ICE_LITE] = g_param_spec_boolean (
      "ice-lite", "ICE-lite",
      "Be a lite agent (RFC 8445 §2.5), for a server on a public address: "
      "host candidates only, always controlled, answers checks but sends "
      "none, a=ice-lite in the description (set before adding streams)",
      FALSE, rw);
  g_object_class_install_properties (gobject_class, N_PROPS, properties);
}

static void
install_signals (GObjectClass *klass)
{
  GType type = G_TYPE_FROM_CLASS (klass);

  signals[SIGNAL_NEW_CANDIDATE]
      = g_signal_new ("new-candidate", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_GATHERING_DONE]
      = g_signal_new ("gathering-done", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_CONNECTION_STATE_CHANGED] = g_signal_new (
      "connection-state-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_UINT, ICE_TYPE_CONNECTION_STATE);
  signals[SIGNAL_SELECTED_PAIR_CHANGED] = g_signal_new (
      "selected-pair-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 4, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_CONSENT_LOST]
      = g_signal_new ("consent-lost", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_RELAY_ERROR] = g_signal_new (
      "relay-error", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
      4, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_NEW_REMOTE_CANDIDATE]
      = g_signal_new ("new-remote-candidate", type, G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  /* the session restarted a stream because the peer restarted it, or
   * after a lost TURN allocation (ice-session.h): the new ufrag and pwd go
   * to the peer */
  signals[SIGNAL_LOCAL_CREDENTIALS_CHANGED] = g_signal_new (
      "local-credentials-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_STRING);
  /* ice-agent-netwatch.c: an address we had a socket on went away; the
   * agent restarts when the boolean says so */
  signals[SIGNAL_LOCAL_ADDRESS_LOST] = g_signal_new (
      "local-address-lost", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
}

static void
ice_agent_class_init (IceAgentClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->constructed = ice_agent_constructed;
  gobject_class->set_property = ice_agent_set_property;
  gobject_class->get_property = ice_agent_get_property;
  gobject_class->dispose = ice_agent_dispose;
  gobject_class->finalize = ice_agent_finalize;
  install_properties (gobject_class);
  install_signals (gobject_class);
}
