/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gsticewebrtcice
 * @title: GstIceWebRTCICE
 * @see_also: webrtcbin, GstWebRTCNice
 *
 * webrtcbin's ICE agent (#GstWebRTCICE, GStreamer 1.22) on gst-ice: every
 * webrtcbin session is a stream of one IceAgent (the #GstIceWebRTCICE:agent
 * property), whose transports carry DTLS, SRTP and SCTP datagrams. What
 * webrtcbin asks of libnice's backend it asks of this one: credentials,
 * gathering with trickled candidates, remote candidates (".local" names
 * resolved with mDNS), STUN and TURN servers, ice-transport-policy relay,
 * the controlling role, DSCP, the port range and the candidate statistics
 * of get-stats.
 *
 * Differences from libnice's backend: the agent gathers on every
 * interface but loopback unless told otherwise ("add-local-ip-address" or
 * the agent's "bind-address"); ice-transport-policy must be set before
 * the first session exists; "turn-server" set twice keeps both servers;
 * "http-proxy" is not supported; the agent does not restart by itself on
 * address changes (webrtcbin 1.22 could not signal the new credentials).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticewebrtccandidates.h"
#include "gsticewebrtcice-private.h"
#include "gsticewebrtcstream.h"

GST_DEBUG_CATEGORY (gst_ice_webrtc_ice_debug);
#define GST_CAT_DEFAULT gst_ice_webrtc_ice_debug

enum {
  PROP_0,
  PROP_AGENT,
};

G_DEFINE_TYPE_WITH_CODE (
    GstIceWebRTCICE, gst_ice_webrtc_ice, GST_TYPE_WEBRTC_ICE,
    GST_DEBUG_CATEGORY_INIT (gst_ice_webrtc_ice_debug, "icewebrtcice", 0,
                             "webrtcbin's ICE on gst-ice"));

/* (transfer full) (nullable) */
static GstIceWebRTCStream *
ref_stream (GstIceWebRTCICE *self, guint agent_stream)
{
  GstIceWebRTCStream *stream = NULL;

  g_mutex_lock (&self->lock);
  if (agent_stream < self->streams->len)
    stream = gst_object_ref (g_ptr_array_index (self->streams, agent_stream));
  g_mutex_unlock (&self->lock);
  return stream;
}

/* --- the agent's signals (dispatch threads) -------------------------------
 *
 * They reach the object through a gate that dispose closes, waiting for a
 * handler inside to return: webrtcbin 1.22 unrefs us in its finalize and
 * never withdraws its on-candidate callback (its data is the webrtcbin), so
 * no callback may start, or still run, once that unref returned. The
 * agent emits one signal at a time, so one handler at most is inside. */

struct _GstIceWebRTCGate {
  GMutex lock;
  GCond cond;
  GstIceWebRTCICE *ice; /* NULL once closed */
  GThread *inside;      /* the thread of the handler inside, if any */
};

static void
gate_clear (GstIceWebRTCGate *gate)
{
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
}

static void
gate_unref (gpointer gate, GClosure *closure)
{
  g_atomic_rc_box_release_full (gate, (GDestroyNotify)gate_clear);
}

static GstIceWebRTCICE *
gate_enter (GstIceWebRTCGate *gate)
{
  GstIceWebRTCICE *ice;

  g_mutex_lock (&gate->lock);
  ice = gate->ice;
  if (ice != NULL)
    gate->inside = g_thread_self ();
  g_mutex_unlock (&gate->lock);
  return ice;
}

static void
gate_leave (GstIceWebRTCGate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->inside = NULL;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

/* From dispose; a handler that disposed us itself is not waited for. */
static void
gate_close (GstIceWebRTCGate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->ice = NULL;
  while (gate->inside != NULL && gate->inside != g_thread_self ())
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static void
on_new_candidate (IceAgent *agent, guint stream_id, const gchar *line,
                  GstIceWebRTCGate *gate)
{
  GstIceWebRTCICE *self = gate_enter (gate);
  GstIceWebRTCStream *stream = self ? ref_stream (self, stream_id) : NULL;
  GstWebRTCICEOnCandidateFunc func;
  gpointer data;
  gchar *attr;

  if (stream == NULL)
    goto done;
  g_mutex_lock (&self->lock);
  func = self->on_candidate;
  data = self->on_candidate_data;
  g_mutex_unlock (&self->lock);
  /* what libnice's backend gives webrtcbin: an "a=candidate:" line */
  attr = g_strconcat ("a=", line, NULL);
  GST_DEBUG_OBJECT (self, "session %u: %s",
                    gst_ice_webrtc_stream_get_session_id (stream), attr);
  if (func != NULL)
    func (GST_WEBRTC_ICE (self), gst_ice_webrtc_stream_get_session_id (stream),
          attr, data);
  g_free (attr);
done:
  gst_clear_object (&stream);
  if (self != NULL)
    gate_leave (gate);
}

static void
on_gathering_done (IceAgent *agent, guint stream_id, GstIceWebRTCGate *gate)
{
  GstIceWebRTCICE *self = gate_enter (gate);
  GstIceWebRTCStream *stream = self ? ref_stream (self, stream_id) : NULL;

  if (stream != NULL)
    gst_ice_webrtc_stream_gathering_done (stream);
  gst_clear_object (&stream);
  if (self != NULL)
    gate_leave (gate);
}

static void
on_state_changed (IceAgent *agent, guint stream_id, IceConnectionState state,
                  GstIceWebRTCGate *gate)
{
  GstIceWebRTCICE *self = gate_enter (gate);
  GstIceWebRTCStream *stream = self ? ref_stream (self, stream_id) : NULL;

  if (stream != NULL)
    gst_ice_webrtc_stream_state_changed (stream, state);
  gst_clear_object (&stream);
  if (self != NULL)
    gate_leave (gate);
}

static void
on_selected_pair (IceAgent *agent, guint stream_id, guint component_id,
                  const gchar *local, const gchar *remote,
                  GstIceWebRTCGate *gate)
{
  GstIceWebRTCICE *self = gate_enter (gate);
  GstIceWebRTCStream *stream = self ? ref_stream (self, stream_id) : NULL;

  if (stream != NULL) {
    GST_INFO_OBJECT (self, "stream %u selected %s <-> %s", stream_id, local,
                     remote);
    gst_ice_webrtc_stream_selected_pair_changed (stream, component_id);
  }
  gst_clear_object (&stream);
  if (self != NULL)
    gate_leave (gate);
}

static gulong
connect_gated (GstIceWebRTCICE *self, const gchar *signal, GCallback cb)
{
  return g_signal_connect_data (self->agent, signal, cb,
                                g_atomic_rc_box_acquire (self->gate),
                                gate_unref, 0);
}

/* --- streams, transports, gathering -------------------------------------
 */

static GstWebRTCICEStream *
gst_ice_webrtc_ice_add_stream (GstWebRTCICE *ice, guint session_id)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);
  GstIceWebRTCStream *stream = NULL;
  guint i, id;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->streams->len; i++) {
    if (gst_ice_webrtc_stream_get_session_id (self->streams->pdata[i])
        == session_id)
      goto exists;
  }
  /* one component: webrtcbin muxes RTCP (rtcp-mux), as on libnice */
  id = ice_agent_add_stream (self->agent, 1);
  if (id == G_MAXUINT)
    goto failed;
  stream = gst_ice_webrtc_stream_new (self->agent, id, session_id);
  g_ptr_array_add (self->streams, stream);
  g_mutex_unlock (&self->lock);
  GST_DEBUG_OBJECT (self, "session %u is agent stream %u", session_id, id);
  /* webrtcbin 1.22 does not unref it (nor does libnice's backend ref it) */
  return GST_WEBRTC_ICE_STREAM (stream);

  /* ERRORS */
exists:
  g_mutex_unlock (&self->lock);
  GST_ERROR_OBJECT (self, "session %u already has a stream", session_id);
  return NULL;
failed:
  g_mutex_unlock (&self->lock);
  GST_ERROR_OBJECT (self, "the agent refused a new stream (closed?)");
  return NULL;
}

static GstWebRTCICETransport *
gst_ice_webrtc_ice_find_transport (GstWebRTCICE *ice,
                                   GstWebRTCICEStream *stream,
                                   GstWebRTCICEComponent component)
{
  return gst_webrtc_ice_stream_find_transport (stream, component);
}

/* The base class's min-rtp-port/max-rtp-port as the agent's port-range,
 * for every stream (the agent has one range). */
static gboolean
apply_port_range (GstIceWebRTCICE *self)
{
  GstWebRTCICE *ice = GST_WEBRTC_ICE (self);
  gchar *range;

  if (self->port_range_set
      || (ice->min_rtp_port == 0 && ice->max_rtp_port == 65535))
    return TRUE;
  if (ice->min_rtp_port > ice->max_rtp_port) {
    GST_ERROR_OBJECT (self, "min-rtp-port %u is above max-rtp-port %u",
                      ice->min_rtp_port, ice->max_rtp_port);
    return FALSE;
  }
  range = g_strdup_printf ("%u-%u", MAX (ice->min_rtp_port, 1),
                           MAX (ice->max_rtp_port, 1));
  g_object_set (self->agent, "port-range", range, NULL);
  g_free (range);
  self->port_range_set = TRUE;
  return TRUE;
}

static gboolean
gst_ice_webrtc_ice_gather_candidates (GstWebRTCICE *ice,
                                      GstWebRTCICEStream *stream)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = apply_port_range (self);
  g_mutex_unlock (&self->lock);
  return ok && gst_webrtc_ice_stream_gather_candidates (stream);
}

/* --- the peer's candidates and credentials (remote input) --------------- */

static void
gst_ice_webrtc_ice_add_candidate (GstWebRTCICE *ice, GstWebRTCICEStream *stream,
                                  const gchar *candidate)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);
  GError *error = NULL;

  if (candidate == NULL || candidate[0] == '\0') {
    GST_DEBUG_OBJECT (self, "stream %u: end of the peer's candidates",
                      stream->stream_id);
    ice_agent_end_of_remote_candidates (self->agent, stream->stream_id);
    return;
  }
  if (!ice_agent_add_remote_candidate (self->agent, stream->stream_id,
                                       candidate, &error)) {
    GST_WARNING_OBJECT (self, "stream %u: candidate \"%s\" refused: %s",
                        stream->stream_id, candidate, error->message);
    g_clear_error (&error);
  }
}

static gboolean
gst_ice_webrtc_ice_set_local_credentials (GstWebRTCICE *ice,
                                          GstWebRTCICEStream *stream,
                                          const gchar *ufrag, const gchar *pwd)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);

  if (ufrag == NULL || pwd == NULL) {
    GST_WARNING_OBJECT (self, "stream %u: no local ice-ufrag/ice-pwd",
                        stream->stream_id);
    return FALSE;
  }
  return ice_agent_set_local_credentials (self->agent, stream->stream_id, ufrag,
                                          pwd);
}

static gboolean
gst_ice_webrtc_ice_set_remote_credentials (GstWebRTCICE *ice,
                                           GstWebRTCICEStream *stream,
                                           const gchar *ufrag, const gchar *pwd)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);

  if (ufrag == NULL || pwd == NULL
      || !ice_agent_set_remote_credentials (self->agent, stream->stream_id,
                                            ufrag, pwd)) {
    GST_WARNING_OBJECT (self,
                        "stream %u: the peer's ice-ufrag/ice-pwd are "
                        "missing or invalid (4-256 and 22-256 ice-chars)",
                        stream->stream_id);
    return FALSE;
  }
  return TRUE;
}

/* --- role, DSCP, candidates callback ------------------------------------ */

static void
gst_ice_webrtc_ice_set_is_controller (GstWebRTCICE *ice, gboolean controller)
{
  g_object_set (GST_ICE_WEBRTC_ICE (ice)->agent, "controlling-mode", controller,
                NULL);
}

static gboolean
gst_ice_webrtc_ice_get_is_controller (GstWebRTCICE *ice)
{
  gboolean controller = FALSE;

  g_object_get (GST_ICE_WEBRTC_ICE (ice)->agent, "controlling-mode",
                &controller, NULL);
  return controller;
}

static void
gst_ice_webrtc_ice_set_tos (GstWebRTCICE *ice, GstWebRTCICEStream *stream,
                            guint tos)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);

  if (!ice_agent_set_tos (self->agent, stream->stream_id, tos & 0xff))
    GST_WARNING_OBJECT (self, "stream %u: TOS %u not applied",
                        stream->stream_id, tos);
}

static void
gst_ice_webrtc_ice_set_on_ice_candidate (GstWebRTCICE *ice,
                                         GstWebRTCICEOnCandidateFunc func,
                                         gpointer user_data,
                                         GDestroyNotify notify)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);
  GDestroyNotify old_notify;
  gpointer old_data;

  g_mutex_lock (&self->lock);
  old_notify = self->on_candidate_notify;
  old_data = self->on_candidate_data;
  self->on_candidate = func;
  self->on_candidate_data = user_data;
  self->on_candidate_notify = notify;
  g_mutex_unlock (&self->lock);
  if (old_notify != NULL)
    old_notify (old_data);
}

/* --- get-stats ------------------------------------------------------------ */

static GstWebRTCICECandidateStats **
gst_ice_webrtc_ice_get_local_candidates (GstWebRTCICE *ice,
                                         GstWebRTCICEStream *stream)
{
  return gst_ice_webrtc_candidates_list (GST_ICE_WEBRTC_ICE (ice)->agent,
                                         stream, TRUE);
}

static GstWebRTCICECandidateStats **
gst_ice_webrtc_ice_get_remote_candidates (GstWebRTCICE *ice,
                                          GstWebRTCICEStream *stream)
{
  return gst_ice_webrtc_candidates_list (GST_ICE_WEBRTC_ICE (ice)->agent,
                                         stream, FALSE);
}

static gboolean
gst_ice_webrtc_ice_get_selected_pair (GstWebRTCICE *ice,
                                      GstWebRTCICEStream *stream,
                                      GstWebRTCICECandidateStats **local,
                                      GstWebRTCICECandidateStats **remote)
{
  return stream != NULL
         && gst_ice_webrtc_candidates_selected (GST_ICE_WEBRTC_ICE (ice)->agent,
                                                stream, local, remote);
}

/* "add-local-ip-address": gather on these addresses only (libnice's
 * backend stops discovering interfaces the same way). */
static gboolean
gst_ice_webrtc_ice_add_local_ip_address (GstWebRTCICE *ice,
                                         const gchar *address)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (ice);
  GInetAddress *ip = address ? g_inet_address_new_from_string (address) : NULL;
  GStrvBuilder *builder;
  gchar **old = NULL, **list;

  if (ip == NULL) {
    GST_ERROR_OBJECT (self, "\"%s\" is not an IP address", address);
    return FALSE;
  }
  g_object_unref (ip);
  g_object_get (self->agent, "bind-address", &old, NULL);
  builder = g_strv_builder_new ();
  if (old != NULL)
    g_strv_builder_addv (builder, (const gchar **)old);
  g_strv_builder_add (builder, address);
  list = g_strv_builder_end (builder);
  g_object_set (self->agent, "bind-address", list, NULL);
  g_strv_builder_unref (builder);
  g_strfreev (list);
  g_strfreev (old);
  return TRUE;
}

/* --- GObject -------------------------------------------------------------- */

static void
gst_ice_webrtc_ice_get_property (GObject *object, guint prop_id, GValue *value,
                                 GParamSpec *pspec)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (object);

  switch (prop_id) {
    case PROP_AGENT:
      g_value_set_object (value, self->agent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_ice_webrtc_ice_dispose (GObject *object)
{
  gate_close (GST_ICE_WEBRTC_ICE (object)->gate);
  G_OBJECT_CLASS (gst_ice_webrtc_ice_parent_class)->dispose (object);
}

static void
gst_ice_webrtc_ice_finalize (GObject *object)
{
  GstIceWebRTCICE *self = GST_ICE_WEBRTC_ICE (object);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (self->handlers); i++)
    g_signal_handler_disconnect (self->agent, self->handlers[i]);
  /* our src/sink elements may outlive us in webrtcbin's bins: they hold
   * the agent, closed here so that they stop */
  ice_agent_close (self->agent);
  g_object_unref (self->agent);
  g_ptr_array_unref (self->streams);
  gate_unref (self->gate, NULL);
  if (self->on_candidate_notify != NULL)
    self->on_candidate_notify (self->on_candidate_data);
  g_free (self->stun_server);
  g_free (self->turn_server);
  g_free (self->http_proxy);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (gst_ice_webrtc_ice_parent_class)->finalize (object);
}

static void
install_vfuncs (GstWebRTCICEClass *ice_class)
{
  ice_class->add_stream = gst_ice_webrtc_ice_add_stream;
  ice_class->find_transport = gst_ice_webrtc_ice_find_transport;
  ice_class->gather_candidates = gst_ice_webrtc_ice_gather_candidates;
  ice_class->add_candidate = gst_ice_webrtc_ice_add_candidate;
  ice_class->set_local_credentials = gst_ice_webrtc_ice_set_local_credentials;
  ice_class->set_remote_credentials = gst_ice_webrtc_ice_set_remote_credentials;
  ice_class->set_is_controller = gst_ice_webrtc_ice_set_is_controller;
  ice_class->get_is_controller = gst_ice_webrtc_ice_get_is_controller;
  ice_class->set_tos = gst_ice_webrtc_ice_set_tos;
  gst_ice_webrtc_ice_install_server_vfuncs (ice_class);
  ice_class->set_on_ice_candidate = gst_ice_webrtc_ice_set_on_ice_candidate;
  ice_class->get_local_candidates = gst_ice_webrtc_ice_get_local_candidates;
  ice_class->get_remote_candidates = gst_ice_webrtc_ice_get_remote_candidates;
  ice_class->get_selected_pair = gst_ice_webrtc_ice_get_selected_pair;
}

static void
gst_ice_webrtc_ice_class_init (GstIceWebRTCICEClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->get_property = gst_ice_webrtc_ice_get_property;
  gobject_class->dispose = gst_ice_webrtc_ice_dispose;
  gobject_class->finalize = gst_ice_webrtc_ice_finalize;
  install_vfuncs (GST_WEBRTC_ICE_CLASS (klass));

  /**
   * GstIceWebRTCICE:agent:
   * The IceAgent every session runs on. Set its properties (e.g.
   * "bind-address", "mdns", "ice-tcp", "consent-freshness") before
   * webrtcbin makes the first session; the agent is not to be given
   * streams or candidates by anyone but webrtcbin.
   */
  g_object_class_install_property (
      gobject_class, PROP_AGENT,
      g_param_spec_object (
          "agent", "ICE agent", "The gst-ice IceAgent every session runs on",
          ICE_TYPE_AGENT, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_signal_override_class_handler (
      "add-local-ip-address", G_TYPE_FROM_CLASS (klass),
      G_CALLBACK (gst_ice_webrtc_ice_add_local_ip_address));
}

static void
gst_ice_webrtc_ice_init (GstIceWebRTCICE *self)
{
  g_mutex_init (&self->lock);
  self->streams = g_ptr_array_new_with_free_func (gst_object_unref);
  self->agent = ice_agent_new (NULL);
  self->gate = g_atomic_rc_box_new0 (GstIceWebRTCGate);
  g_mutex_init (&self->gate->lock);
  g_cond_init (&self->gate->cond);
  self->gate->ice = self;
  /* libnice's default, which webrtcbin relies on: it asks for the role it
   * has and only turns control on for the first offerer */
  g_object_set (self->agent, "controlling-mode", FALSE,
                /* a restart made by the agent could not be signalled by
                 * webrtcbin 1.22: keep the pair, report the loss only */
                "restart-on-network-change", FALSE, NULL);
  self->handlers[0]
      = connect_gated (self, "new-candidate", G_CALLBACK (on_new_candidate));
  self->handlers[1]
      = connect_gated (self, "gathering-done", G_CALLBACK (on_gathering_done));
  self->handlers[2] = connect_gated (self, "connection-state-changed",
                                     G_CALLBACK (on_state_changed));
  self->handlers[3] = connect_gated (self, "selected-pair-changed",
                                     G_CALLBACK (on_selected_pair));
}
