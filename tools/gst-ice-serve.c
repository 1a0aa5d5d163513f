/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `gst-ice serve`: the rendezvous server of docs/signalling.md, a libsoup
 * WebSocket server with rooms of two peers, and optionally a STUN server
 * (RFC 8489 Binding) on the same host. The first line on stdout says
 * where it listens, so that scripts and tests can use port 0.
 */
#include "config.h"

#include "gst-ice-commands.h"
#include "serve-client.h"
#include "serve-stun.h"
#include "signal/gst-ice-signal-msg.h"

#include <glib-unix.h>
#include <signal.h>

#define COMMAND "serve"
#define DEFAULT_LISTEN "0.0.0.0:8443"

typedef struct {
  gchar *listen;
  gchar *tls_cert;
  gchar *tls_key;
  gchar *token;
  gchar *stun;
  ServeLimits limits;
} ServeOptions;

static GOptionContext *
make_context (ServeOptions *o)
{
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &o->listen,
      "WebSocket address, IP:PORT (port 0: a free one; default " DEFAULT_LISTEN
      ")",
      "HOST:PORT" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &o->tls_cert,
      "PEM certificate (chain): serve wss://", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &o->tls_key,
      "PEM private key of --tls-cert", "FILE" },
    { "token", 't', 0, G_OPTION_ARG_FILENAME, &o->token,
      "clients must give ?token=TOKEN", "TOKEN" },
    { "stun", 's', 0, G_OPTION_ARG_STRING, &o->stun,
      "also answer STUN Binding requests on this UDP address", "HOST:PORT" },
    { "max-rooms", 0, 0, G_OPTION_ARG_INT, &o->limits.max_rooms,
      "rooms at a time (1000)", "N" },
    { "max-clients", 0, 0, G_OPTION_ARG_INT, &o->limits.max_clients,
      "connections at a time (2000)", "N" },
    { "max-message", 0, 0, G_OPTION_ARG_INT, &o->limits.max_message,
      "bytes per message, at most 16384 (16384)", "BYTES" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &o->limits.rate,
      "messages per second per client (50)", "N" },
    { "burst", 0, 0, G_OPTION_ARG_INT, &o->limits.burst,
      "messages a client may send at once (200)", "N" },
    { "max-errors", 0, 0, G_OPTION_ARG_INT, &o->limits.max_errors,
      "errors per client before it is closed (20)", "N" },
    { "join-timeout", 0, 0, G_OPTION_ARG_INT, &o->limits.join_timeout,
      "seconds a client may stay without joining (10)", "SECONDS" },
    { NULL },
  };
  GOptionContext *context = g_option_context_new ("");

  g_option_context_set_summary (
      context, "The rendezvous server of the ws:// and wss:// signallers "
               "(docs/signalling.md).");
  g_option_context_add_main_entries (context, entries, NULL);
  return context;
}

static gboolean
check_limits (const ServeLimits *l)
{
  /* G_OPTION_ARG_INT writes a gint: a negative one reads as huge */
  return l->max_rooms >= 1 && l->max_rooms <= G_MAXINT && l->max_clients >= 1
         && l->max_clients <= G_MAXINT && l->max_message >= 256
         && l->max_message <= GST_ICE_SIGNAL_MAX_MESSAGE && l->rate >= 1
         && l->rate <= G_MAXINT && l->burst >= 1 && l->burst <= G_MAXINT
         && l->max_errors <= G_MAXINT && l->join_timeout >= 1
         && l->join_timeout <= 3600;
}

/* IP:PORT or [IPv6]:PORT; a name would need a resolver and could mean
 * several addresses. */
static GInetSocketAddress *
parse_address (const gchar *text)
{
  GSocketConnectable *parsed = g_network_address_parse (text, 0, NULL);
  GInetAddress *ip;
  GInetSocketAddress *address = NULL;

  if (parsed == NULL)
    return NULL;
  ip = g_inet_address_new_from_string (
      g_network_address_get_hostname (G_NETWORK_ADDRESS (parsed)));
  if (ip != NULL)
    address = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (
        ip, g_network_address_get_port (G_NETWORK_ADDRESS (parsed))));
  g_clear_object (&ip);
  g_object_unref (parsed);
  return address;
}

static gboolean
address_is_valid (const gchar *text)
{
  GInetSocketAddress *address = parse_address (text);
  gboolean ok = address != NULL;

  g_clear_object (&address);
  return ok;
}

static gchar *
address_to_string (GInetSocketAddress *address)
{
  return g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));
}

static void
on_websocket (SoupServer *soup, SoupServerMessage *msg, const char *path,
              SoupWebsocketConnection *conn, gpointer user_data)
{
  serve_client_accept (user_data, msg, conn);
}

static SoupServer *
make_soup_server (const ServeOptions *o, ServeServer *server, GError **error)
{
  static const gchar *protocols[] = { GST_ICE_SIGNAL_SUBPROTOCOL, NULL };
  GTlsCertificate *cert = NULL;
  SoupServer *soup;

  if (o->tls_cert != NULL) {
    cert = g_tls_certificate_new_from_files (o->tls_cert, o->tls_key, error);
    if (cert == NULL)
      return NULL;
  }
  soup = soup_server_new ("server-header", "gst-ice-serve ", "tls-certificate",
                          cert, NULL);
  g_clear_object (&cert);
  /* No permessage-deflate: a small frame must not inflate to a big one. */
  soup_server_remove_websocket_extension (
      soup, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_websocket_handler (soup, "/", NULL, (gchar **)protocols,
                                     on_websocket, server, NULL);
  return soup;
}

/* GSocket's default backlog of 10 drops SYNs when many clients connect at
 * once (a flood, or every peer reconnecting after a restart), and a
 * dropped SYN costs its client a retransmission of 1 s and more. */
#define LISTEN_BACKLOG 1024

static GSocket *
listen_socket (GInetSocketAddress *address, GError **error)
{
  GSocket *sock
      = g_socket_new (g_socket_address_get_family (G_SOCKET_ADDRESS (address)),
                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);

  if (sock == NULL)
    return NULL;
  g_socket_set_listen_backlog (sock, LISTEN_BACKLOG);
  if (!g_socket_bind (sock, G_SOCKET_ADDRESS (address), TRUE, error)
      || !g_socket_listen (sock, error))
    g_clear_object (&sock);
  return sock;
}

/* The machine-readable first line: "listening ws://IP:PORT". */
static gboolean
listen_and_print (SoupServer *soup, GInetSocketAddress *address, gboolean tls,
                  GError **error)
{
  GSocket *sock = listen_socket (address, error);
  GSocketAddress *bound = NULL;
  gchar *text;

  if (sock != NULL
      && soup_server_listen_socket (soup, sock,
                                    tls ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    bound = g_socket_get_local_address (sock, error);
  g_clear_object (&sock);
  if (bound == NULL)
    return FALSE;
  text = address_to_string (G_INET_SOCKET_ADDRESS (bound));
  serve_log ("listening %s://%s", tls ? "wss" : "ws", text);
  g_free (text);
  g_object_unref (bound);
  return TRUE;
}

static ServeStun *
start_stun (const gchar *text, GError **error)
{
  GInetSocketAddress *address = parse_address (text), *bound;
  ServeStun *stun;
  gchar *str;

  stun = serve_stun_new (address, error);
  g_object_unref (address);
  if (stun == NULL)
    return NULL;
  bound = serve_stun_get_address (stun);
  str = address_to_string (bound);
  serve_log ("stun udp://%s", str);
  g_free (str);
  g_object_unref (bound);
  return stun;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
run (const ServeOptions *o, GInetSocketAddress *address)
{
  ServeServer server;
  SoupServer *soup;
  ServeStun *stun = NULL;
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  GError *error = NULL;
  guint sigint, sigterm;

  serve_server_init (&server, &o->limits, o->token);
  soup = make_soup_server (o, &server, &error);
  if (soup == NULL
      || !listen_and_print (soup, address, o->tls_cert != NULL, &error)
      || (o->stun != NULL && (stun = start_stun (o->stun, &error)) == NULL))
    goto failed;
  sigint = g_unix_signal_add (SIGINT, on_quit_signal, loop);
  sigterm = g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  serve_log ("stopped");
  soup_server_disconnect (soup);
  g_object_unref (soup);
  serve_server_clear (&server);
  g_clear_pointer (&stun, serve_stun_free);
  g_main_loop_unref (loop);
  return GST_ICE_EXIT_OK;

  /* ERRORS */
failed:
  g_printerr ("gst-ice serve: %s\n", error->message);
  g_error_free (error);
  g_clear_object (&soup);
  serve_server_clear (&server);
  g_main_loop_unref (loop);
  return GST_ICE_EXIT_FAILURE;
}

static int
check_options (const ServeOptions *o, gchar **rest)
{
  if (rest[0] != NULL)
    return gst_ice_usage_error (COMMAND, "unexpected argument '%s'", rest[0]);
  if (!check_limits (&o->limits))
    return gst_ice_usage_error (COMMAND, "a limit is out of its range");
  if ((o->tls_cert == NULL) != (o->tls_key == NULL))
    return gst_ice_usage_error (COMMAND, "--tls-cert needs --tls-key");
  if (o->token != NULL && !g_utf8_validate (o->token, -1, NULL))
    return gst_ice_usage_error (COMMAND, "--token is not UTF-8");
  if (o->stun != NULL && !address_is_valid (o->stun))
    return gst_ice_usage_error (COMMAND, "--stun wants IP:PORT, not '%s'",
                                o->stun);
  return GST_ICE_EXIT_OK;
}

int
gst_ice_cmd_serve (int argc, char **argv)
{
  ServeOptions o = { 0 };
  GOptionContext *context;
  GInetSocketAddress *address = NULL;
  gchar **rest = NULL;
  int status = GST_ICE_EXIT_USAGE;

  serve_limits_init (&o.limits);
  context = make_context (&o);
  if (!gst_ice_parse_options (context, COMMAND, argc, argv, &rest))
    goto out;
  status = check_options (&o, rest);
  if (status != GST_ICE_EXIT_OK)
    goto out;
  address = parse_address (o.listen ? o.listen : DEFAULT_LISTEN);
  if (address == NULL)
    status = gst_ice_usage_error (COMMAND, "--listen wants IP:PORT, not '%s'",
                                  o.listen);
  else
    status = run (&o, address);
out:
  g_clear_object (&address);
  g_strfreev (rest);
  g_option_context_free (context);
  g_free (o.listen);
  g_free (o.tls_cert);
  g_free (o.tls_key);
  g_free (o.token);
  g_free (o.stun);
  return status;
}
