/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ws signaller's life and connection (docs/signalling.md): connects
 * with libsoup 3 on the "gst-ice-signal" thread, joins the room, and
 * reconnects with a backoff (1 s doubling to 30 s) when the server cannot
 * be reached or goes away; the media does not depend on it. A fatal
 * refusal (room-full, bad-token, bad-room, …) stops it for good. The
 * messages themselves are gsticewspeer.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticewssignaller-private.h"
#include "gsticesignalthread.h"
#include "signal/gst-ice-signal-msg.h"

GST_DEBUG_CATEGORY (gst_ice_ws_signaller_debug);
#define GST_CAT_DEFAULT gst_ice_ws_signaller_debug

#define BACKOFF_MAX_S 30
/* keeps NAT bindings on the way to the server open, and notices a server
 * that went away without closing */
#define KEEPALIVE_S 15

static void connect_now (GstIceWsSignaller *sig);

static GstIceWsSignaller *
signaller_ref (GstIceWsSignaller *sig)
{
  g_atomic_int_inc (&sig->refcount);
  return sig;
}

static void
signaller_unref (gpointer data)
{
  GstIceWsSignaller *sig = data;

  if (!g_atomic_int_dec_and_test (&sig->refcount))
    return;
  gst_ice_ws_uri_free (sig->uri);
  g_free (sig->url_log);
  g_clear_object (&sig->tls_database);
  g_free (sig->mid);
  g_free (sig->peer_id);
  g_free (sig->description);
  g_free (sig->local_ip);
  gst_ice_ws_local_clear (&sig->local);
  gst_ice_ws_remote_clear (&sig->remote);
  g_main_context_unref (sig->context);
  g_mutex_clear (&sig->lock);
  g_rec_mutex_clear (&sig->call_lock);
  g_free (sig);
}

/* GType registration can deadlock when a class_init on one thread (libsoup
 * initialising SoupSession on the signalling thread) asks for a type that
 * another thread is registering at that moment (GIO's socket types, as the
 * element's thread opens the agent's sockets). Both sets are registered
 * here, on the element's thread, before the signalling thread needs them. */
static void
ensure_types (void)
{
  const GType gio[] = {
    G_TYPE_SOCKET,         G_TYPE_SOCKET_ADDRESS, G_TYPE_INET_SOCKET_ADDRESS,
    G_TYPE_INET_ADDRESS,   G_TYPE_SOCKET_CLIENT,  G_TYPE_SOCKET_CONNECTION,
    G_TYPE_TCP_CONNECTION, G_TYPE_TLS_DATABASE,   G_TYPE_TLS_CERTIFICATE,
    G_TYPE_PROXY_RESOLVER, G_TYPE_RESOLVER,       G_TYPE_NETWORK_ADDRESS,
  };
  const GType soup[] = {
    SOUP_TYPE_SESSION,
    SOUP_TYPE_MESSAGE,
    SOUP_TYPE_WEBSOCKET_CONNECTION,
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (gio); i++)
    g_type_ensure (gio[i]);
  for (i = 0; i < G_N_ELEMENTS (soup); i++)
    g_type_class_unref (g_type_class_ref (soup[i]));
}

/**
 * gst_ice_ws_signaller_new:
 * @config: a ws:// or wss:// URI (validated), the token and CA file
 *
 * Reads the CA file here (one-time I/O at the element's state change), so
 * that a bad one fails the start.
 *
 * Returns: (transfer full) (nullable): a stopped signaller, or %NULL.
 */
GstIceWsSignaller *
gst_ice_ws_signaller_new (const GstIceSignallerConfig *config, guint stream_id,
                          GError **error)
{
  GstIceWsSignaller *sig;
  GstIceWsUri *uri;
  GTlsDatabase *db = NULL;
  static gsize debug_done = 0;

  if (g_once_init_enter (&debug_done)) {
    GST_DEBUG_CATEGORY_INIT (gst_ice_ws_signaller_debug, "icewssignaller", 0,
                             "ICE ws:// signaller");
    ensure_types ();
    g_once_init_leave (&debug_done, 1);
  }
  uri = gst_ice_ws_uri_parse (config->uri, config->token, error);
  if (uri == NULL)
    return NULL;
  if (config->ca_file
      && (db = g_tls_file_database_new (config->ca_file, error)) == NULL) {
    gst_ice_ws_uri_free (uri);
    return NULL;
  }
  sig = g_new0 (GstIceWsSignaller, 1);
  sig->refcount = 1;
  sig->uri = uri;
  sig->url_log = gst_ice_ws_uri_to_string (uri, FALSE);
  sig->tls_database = db;
  sig->stream_id = stream_id;
  sig->mid = g_strdup_printf ("%u", stream_id);
  sig->peer_id = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
  g_mutex_init (&sig->lock);
  g_rec_mutex_init (&sig->call_lock);
  gst_ice_ws_local_init (&sig->local);
  gst_ice_ws_remote_init (&sig->remote);
  /* our own reference of the thread, released after the teardown */
  sig->context = gst_ice_signal_thread_ref ();
  return sig;
}

/* --- the signalling thread ---------------------------------------------- */

/**
 * gst_ice_ws_signaller_problem:
 *
 * Tells the funcs; a fatal problem is reported once.
 */
void
gst_ice_ws_signaller_problem (GstIceWsSignaller *sig, gboolean fatal,
                              const gchar *message)
{
  if (fatal && sig->failed)
    return;
  if (fatal)
    GST_ERROR ("%s", message);
  else
    GST_WARNING ("%s", message);
  if (sig->funcs.problem)
    sig->funcs.problem (sig->stream_id, fatal, message, sig->funcs.user_data);
}

static void
drop_connection (GstIceWsSignaller *sig)
{
  SoupWebsocketConnection *conn = g_steal_pointer (&sig->conn);

  sig->paired = FALSE;
  if (conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (conn, sig);
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (conn);
}

/**
 * gst_ice_ws_signaller_refused:
 *
 * After a fatal error from the server: stop for good.
 */
void
gst_ice_ws_signaller_refused (GstIceWsSignaller *sig)
{
  sig->failed = TRUE;
  drop_connection (sig);
}

static gboolean
on_retry (gpointer data)
{
  GstIceWsSignaller *sig = data;

  g_rec_mutex_lock (&sig->call_lock);
  g_clear_pointer (&sig->retry, g_source_unref);
  if (!sig->stopped && !sig->failed)
    connect_now (sig);
  g_rec_mutex_unlock (&sig->call_lock);
  return G_SOURCE_REMOVE;
}

/* 1 s, doubling to 30 s (docs/signalling.md, "Order of events"). */
static void
schedule_retry (GstIceWsSignaller *sig)
{
  sig->backoff_s
      = sig->backoff_s == 0 ? 1 : MIN (sig->backoff_s * 2, BACKOFF_MAX_S);
  GST_INFO ("%s: connecting again in %u s", sig->url_log, sig->backoff_s);
  sig->retry = g_timeout_source_new_seconds (sig->backoff_s);
  g_source_set_callback (sig->retry, on_retry, signaller_ref (sig),
                         signaller_unref);
  g_source_attach (sig->retry, sig->context);
}

static void
on_message (SoupWebsocketConnection *conn, gint type, GBytes *message,
            gpointer data)
{
  GstIceWsSignaller *sig = data;

  g_rec_mutex_lock (&sig->call_lock);
  if (sig->stopped || sig->failed) {
    /* nothing */
  } else if (type != SOUP_WEBSOCKET_DATA_TEXT) {
    sig->n_dropped++;
    GST_WARNING ("%s: dropped a binary frame from the server (%u so far)",
                 sig->url_log, sig->n_dropped);
  } else {
    gst_ice_ws_signaller_handle (sig, message);
  }
  g_rec_mutex_unlock (&sig->call_lock);
}

static void
on_closed (SoupWebsocketConnection *conn, gpointer data)
{
  GstIceWsSignaller *sig = data;
  gchar *msg;

  g_rec_mutex_lock (&sig->call_lock);
  GST_INFO ("%s: the server closed the connection (code %u)", sig->url_log,
            soup_websocket_connection_get_close_code (conn));
  drop_connection (sig);
  if (!sig->stopped && !sig->failed) {
    if (!sig->warned_lost) {
      msg = g_strdup_printf ("lost the signalling server %s: reconnecting "
                             "(the media does not need it)",
                             sig->url_log);
      gst_ice_ws_signaller_problem (sig, FALSE, msg);
      g_free (msg);
      sig->warned_lost = TRUE;
    }
    schedule_retry (sig);
  }
  g_rec_mutex_unlock (&sig->call_lock);
}

static void
on_conn_error (SoupWebsocketConnection *conn, GError *error, gpointer data)
{
  GST_DEBUG ("%s: %s", ((GstIceWsSignaller *)data)->url_log, error->message);
}

/* A TLS or handshake failure will not mend by retrying. */
static gboolean
error_is_fatal (const GError *error)
{
  return error->domain == G_TLS_ERROR || error->domain == SOUP_WEBSOCKET_ERROR;
}

static void
connect_failed (GstIceWsSignaller *sig, GError *error)
{
  gchar *msg;

  if (error_is_fatal (error)) {
    msg = g_strdup_printf ("cannot use the signalling server %s: %s",
                           sig->url_log, error->message);
    gst_ice_ws_signaller_problem (sig, TRUE, msg);
    g_free (msg);
    sig->failed = TRUE;
    return;
  }
  if (!sig->warned_unreachable && !sig->joined_once) {
    msg = g_strdup_printf ("cannot reach the signalling server %s (%s): "
                           "trying again, every 1 s doubling to %d s",
                           sig->url_log, error->message, BACKOFF_MAX_S);
    gst_ice_ws_signaller_problem (sig, FALSE, msg);
    g_free (msg);
    sig->warned_unreachable = TRUE;
  } else {
    GST_INFO ("%s: cannot connect: %s", sig->url_log, error->message);
  }
  schedule_retry (sig);
}

static void
on_connected (GObject *source, GAsyncResult *res, gpointer data)
{
  GstIceWsSignaller *sig = data;
  SoupWebsocketConnection *conn;
  GError *err = NULL;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), res,
                                                &err);
  g_rec_mutex_lock (&sig->call_lock);
  if (sig->stopped || sig->failed) {
    g_clear_object (&conn);
  } else if (conn == NULL) {
    connect_failed (sig, err);
  } else {
    GST_INFO ("%s: connected, joining as %s", sig->url_log, sig->peer_id);
    sig->conn = conn;
    soup_websocket_connection_set_max_incoming_payload_size (
        conn, GST_ICE_SIGNAL_MAX_MESSAGE);
    soup_websocket_connection_set_keepalive_interval (conn, KEEPALIVE_S);
    g_signal_connect (conn, "message", G_CALLBACK (on_message), sig);
    g_signal_connect (conn, "closed", G_CALLBACK (on_closed), sig);
    g_signal_connect (conn, "error", G_CALLBACK (on_conn_error), sig);
    gst_ice_ws_signaller_send_join (sig);
  }
  g_rec_mutex_unlock (&sig->call_lock);
  g_clear_error (&err);
  signaller_unref (sig);
}

/* Our end of the connection, to know when its address goes away
 * (address_lost below); the signalling thread. */
static void
on_network_event (SoupMessage *msg, GSocketClientEvent event,
                  GIOStream *connection, gpointer data)
{
  GstIceWsSignaller *sig = data;
  GSocketAddress *local;

  if (event != G_SOCKET_CLIENT_CONNECTED
      || !G_IS_SOCKET_CONNECTION (connection))
    return;
  local = g_socket_connection_get_local_address (
      G_SOCKET_CONNECTION (connection), NULL);
  g_rec_mutex_lock (&sig->call_lock);
  g_clear_pointer (&sig->local_ip, g_free);
  if (G_IS_INET_SOCKET_ADDRESS (local))
    sig->local_ip = g_inet_address_to_string (
        g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
  g_rec_mutex_unlock (&sig->call_lock);
  g_clear_object (&local);
}

static void
network_event_unref (gpointer data, GClosure *closure)
{
  signaller_unref (data);
}

static void
connect_now (GstIceWsSignaller *sig)
{
  const gchar *protocols[] = { GST_ICE_SIGNAL_SUBPROTOCOL, NULL };
  SoupMessage *msg;
  gchar *url = gst_ice_ws_uri_to_string (sig->uri, TRUE);

  /* created here, so that it belongs to this thread's context */
  if (sig->session == NULL) {
    sig->session = soup_session_new ();
    if (sig->tls_database)
      g_object_set (sig->session, "tls-database", sig->tls_database, NULL);
    sig->cancellable = g_cancellable_new ();
  }
  GST_DEBUG ("connecting to %s", sig->url_log);
  msg = soup_message_new ("GET", url);
  g_free (url);
  g_signal_connect_data (msg, "network-event", G_CALLBACK (on_network_event),
                         signaller_ref (sig), network_event_unref, 0);
  soup_session_websocket_connect_async (
      sig->session, msg, NULL, (gchar **)protocols, G_PRIORITY_DEFAULT,
      sig->cancellable, on_connected, signaller_ref (sig));
  g_object_unref (msg);
}

/* publish() and start() wake this. */
static gboolean
on_wake (gpointer data)
{
  GstIceWsSignaller *sig = data;
  gchar *description = NULL;

  g_rec_mutex_lock (&sig->call_lock);
  g_mutex_lock (&sig->lock);
  if (sig->dirty)
    description = g_strdup (sig->description);
  sig->dirty = FALSE;
  g_mutex_unlock (&sig->lock);
  if (sig->session == NULL && !sig->stopped)
    connect_now (sig);
  if (description && gst_ice_ws_local_update (&sig->local, description))
    GST_INFO ("%s: our generation %" G_GINT64_FORMAT " (ufrag %s)",
              sig->url_log, sig->local.generation, sig->local.ufrag);
  gst_ice_ws_signaller_send_pending (sig);
  g_free (description);
  g_rec_mutex_unlock (&sig->call_lock);
  return G_SOURCE_CONTINUE;
}

static gboolean
wake_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  g_source_set_ready_time (source, -1);
  return callback (data);
}

static GSourceFuncs wake_funcs
    = { NULL, NULL, wake_dispatch, NULL, NULL, NULL };

/* --- the backend: any thread -------------------------------------------- */

static void
ws_start (gpointer impl, const GstIceSignallerFuncs *funcs)
{
  GstIceWsSignaller *sig = impl;
  GSource *wake;

  sig->funcs = *funcs;
  wake = g_source_new (&wake_funcs, sizeof (GSource));
  g_source_set_name (wake, "gst-ice ws signaller");
  g_source_set_callback (wake, on_wake, signaller_ref (sig), signaller_unref);
  g_source_set_ready_time (wake, 0);
  g_mutex_lock (&sig->lock);
  sig->wake = wake;
  g_mutex_unlock (&sig->lock);
  g_source_attach (wake, sig->context);
}

static void
ws_publish (gpointer impl, const gchar *description)
{
  GstIceWsSignaller *sig = impl;

  g_mutex_lock (&sig->lock);
  g_free (sig->description);
  sig->description = g_strdup (description ? description : "");
  sig->dirty = TRUE;
  if (sig->wake && !sig->stopped)
    g_source_set_ready_time (sig->wake, 0);
  g_mutex_unlock (&sig->lock);
}

typedef struct {
  GstIceWsSignaller *sig;
  GMutex lock;
  GCond cond;
  gboolean done;
  gboolean wait;
} Teardown;

/* On the signalling thread: says goodbye and drops the soup objects. */
static gboolean
teardown (gpointer data)
{
  Teardown *t = data;
  GstIceWsSignaller *sig = t->sig;
  gboolean wait = t->wait;

  if (sig->cancellable)
    g_cancellable_cancel (sig->cancellable);
  if (sig->retry) {
    g_source_destroy (sig->retry);
    g_clear_pointer (&sig->retry, g_source_unref);
  }
  if (sig->conn
      && soup_websocket_connection_get_state (sig->conn)
             == SOUP_WEBSOCKET_STATE_OPEN) {
    gchar *leave = gst_ice_signal_leave_to_json ();

    soup_websocket_connection_send_text (sig->conn, leave);
    g_free (leave);
  }
  drop_connection (sig);
  g_clear_object (&sig->session);
  g_clear_object (&sig->cancellable);
  signaller_unref (sig);
  if (wait) {
    g_mutex_lock (&t->lock);
    t->done = TRUE;
    g_cond_signal (&t->cond);
    g_mutex_unlock (&t->lock);
  } else {
    g_mutex_clear (&t->lock);
    g_cond_clear (&t->cond);
    g_free (t);
    gst_ice_signal_thread_unref ();
  }
  return G_SOURCE_REMOVE;
}

static void
ws_free (gpointer impl)
{
  GstIceWsSignaller *sig = impl;
  GSource *wake, *idle;
  Teardown *t = g_new0 (Teardown, 1);

  g_rec_mutex_lock (&sig->call_lock);
  g_mutex_lock (&sig->lock);
  sig->stopped = TRUE;
  wake = g_steal_pointer (&sig->wake);
  g_mutex_unlock (&sig->lock);
  if (wake) {
    g_source_destroy (wake);
    g_source_unref (wake);
  }
  g_rec_mutex_unlock (&sig->call_lock);
  t->sig = sig; /* our reference goes with it */
  /* from a callback on the thread: tear down after it returns */
  t->wait = !g_main_context_is_owner (sig->context);
  g_mutex_init (&t->lock);
  g_cond_init (&t->cond);
  idle = g_idle_source_new ();
  g_source_set_callback (idle, teardown, t, NULL);
  g_source_attach (idle, sig->context);
  g_source_unref (idle);
  if (!t->wait)
    return;
  g_mutex_lock (&t->lock);
  while (!t->done)
    g_cond_wait (&t->cond, &t->lock);
  g_mutex_unlock (&t->lock);
  g_mutex_clear (&t->lock);
  g_cond_clear (&t->cond);
  g_free (t);
  gst_ice_signal_thread_unref ();
}

typedef struct {
  GstIceWsSignaller *sig;
  gchar *ip;
} AddressLost;

static void
address_lost_free (gpointer data)
{
  AddressLost *a = data;

  signaller_unref (a->sig);
  g_free (a->ip);
  g_free (a);
}

/* The connection left from @ip, which is gone: nothing it sends arrives,
 * and the server would keep it until a keepalive fails. Connect again
 * now (the kernel picks a source address that exists); the server lets
 * the same peer id replace its stale connection (docs/signalling.md). */
static gboolean
on_address_lost (gpointer data)
{
  AddressLost *a = data;
  GstIceWsSignaller *sig = a->sig;

  g_rec_mutex_lock (&sig->call_lock);
  if (!sig->stopped && !sig->failed && sig->conn != NULL
      && g_strcmp0 (sig->local_ip, a->ip) == 0) {
    GST_INFO ("%s: our connection left from %s, which went away: "
              "connecting again",
              sig->url_log, a->ip);
    drop_connection (sig);
    sig->backoff_s = 0;
    connect_now (sig);
  }
  g_rec_mutex_unlock (&sig->call_lock);
  return G_SOURCE_REMOVE;
}

static void
ws_address_lost (gpointer impl, const gchar *ip)
{
  GstIceWsSignaller *sig = impl;
  AddressLost *a = g_new0 (AddressLost, 1);
  GSource *idle = g_idle_source_new ();

  a->sig = signaller_ref (sig);
  a->ip = g_strdup (ip);
  /* before the wake of the restart's publish() that follows */
  g_source_set_priority (idle, G_PRIORITY_HIGH);
  g_source_set_callback (idle, on_address_lost, a, address_lost_free);
  g_source_attach (idle, sig->context);
  g_source_unref (idle);
}

static const GstIceSignallerBackend ws_backend = {
  "Signalling failed",
  "Signalling server unreachable",
  ws_start,
  ws_publish,
  ws_free,
  ws_address_lost,
};

const GstIceSignallerBackend *
gst_ice_ws_signaller_backend (void)
{
  return &ws_backend;
}
