/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ws:// signaller's URI (docs/signalling.md, "Transport").
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticewsuri.h"
#include "signal/gst-ice-signal-msg.h"

#include <string.h>
#include <gio/gio.h>

/* Takes the token out of the query; any other parameter is refused. */
static gboolean
parse_query (const gchar *query, gchar **token, GError **error)
{
  GHashTable *params;
  GHashTableIter iter;
  gpointer key, value;
  gboolean ok = TRUE;

  if (query == NULL)
    return TRUE;
  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, error);
  if (params == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, params);
  while (ok && g_hash_table_iter_next (&iter, &key, &value)) {
    if (strcmp (key, "token") == 0 && *(const gchar *)value) {
      g_free (*token);
      *token = g_strdup (value);
    } else {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "unknown or empty query parameter '%s'", (gchar *)key);
      ok = FALSE;
    }
  }
  g_hash_table_unref (params);
  return ok;
}

/**
 * gst_ice_ws_uri_parse:
 * @uri: `ws://HOST[:PORT]/ROOM[?token=T]` or `wss://…`
 * @token: (nullable): the signaller-token property: it wins over the
 *   URI's
 * @error: what is wrong with @uri
 *
 * Returns: (transfer full) (nullable): the parts; the port defaults to 80
 *   or 443.
 */
GstIceWsUri *
gst_ice_ws_uri_parse (const gchar *uri, const gchar *token, GError **error)
{
  GUri *parsed;
  GstIceWsUri *ws;
  const gchar *scheme, *path;

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, error);
  if (parsed == NULL)
    return NULL;
  ws = g_new0 (GstIceWsUri, 1);
  scheme = g_uri_get_scheme (parsed);
  path = g_uri_get_path (parsed);
  ws->tls = g_ascii_strcasecmp (scheme, "wss") == 0;
  if (!ws->tls && g_ascii_strcasecmp (scheme, "ws") != 0)
    goto bad_scheme;
  if (g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0'
      || g_uri_get_userinfo (parsed) || g_uri_get_fragment (parsed))
    goto bad_uri;
  ws->host = g_strdup (g_uri_get_host (parsed));
  ws->port = g_uri_get_port (parsed);
  if (ws->port < 0)
    ws->port = ws->tls ? 443 : 80;
  if (path[0] != '/' || !gst_ice_signal_room_is_valid (path + 1))
    goto bad_room;
  ws->room = g_strdup (path + 1);
  if (!parse_query (g_uri_get_query (parsed), &ws->token, error))
    goto fail;
  if (token && *token) {
    g_free (ws->token);
    ws->token = g_strdup (token);
  }
  g_uri_unref (parsed);
  return ws;

  /* ERRORS */
bad_scheme:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "not a ws:// or wss:// URI");
  goto fail;
bad_uri:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "a host is needed, no user or fragment");
  goto fail;
bad_room:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "the room (the path) must be 1-%d characters of "
               "A-Z a-z 0-9 . _ -",
               GST_ICE_SIGNAL_MAX_ROOM);
fail:
  g_uri_unref (parsed);
  gst_ice_ws_uri_free (ws);
  return NULL;
}

/**
 * gst_ice_ws_uri_to_string:
 * @with_token: %FALSE for logs and messages: the token is a secret
 *
 * Returns: (transfer full): the URL to connect to.
 */
gchar *
gst_ice_ws_uri_to_string (const GstIceWsUri *ws, gboolean with_token)
{
  gchar *query = NULL, *text, *host, *escaped;

  if (with_token && ws->token) {
    escaped = g_uri_escape_string (ws->token, NULL, FALSE);
    query = g_strconcat ("token=", escaped, NULL);
    g_free (escaped);
  }
  /* an IPv6 literal goes in brackets */
  host = strchr (ws->host, ':') ? g_strdup_printf ("[%s]", ws->host)
                                : g_strdup (ws->host);
  text = g_strdup_printf ("%s://%s:%d/%s%s%s", ws->tls ? "wss" : "ws", host,
                          ws->port, ws->room, query ? "?" : "",
                          query ? query : "");
  g_free (host);
  g_free (query);
  return text;
}

void
gst_ice_ws_uri_free (GstIceWsUri *ws)
{
  if (ws == NULL)
    return;
  g_free (ws->host);
  g_free (ws->room);
  g_free (ws->token);
  g_free (ws);
}
