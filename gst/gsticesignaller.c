/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A stream's signaller: picks the backend by the URI's scheme and hides
 * it behind start/publish/free (gsticesignaller.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticesignaller.h"
#include "gsticefilesignaller.h"
#include "gsticesignallerprovider.h"
#include "gsticewssignaller.h"

struct _GstIceSignaller {
  const GstIceSignallerBackend *backend;
  gpointer impl;
};

static void
file_start (gpointer impl, const GstIceSignallerFuncs *funcs)
{
  gst_ice_file_signaller_start (impl, funcs->text, funcs->problem,
                                funcs->user_data);
}

static void
file_publish (gpointer impl, const gchar *description)
{
  gst_ice_file_signaller_publish (impl, description);
}

static void
file_free (gpointer impl)
{
  gst_ice_file_signaller_free (impl);
}

static const GstIceSignallerBackend file_backend = {
  "Signalling room unusable",
  "Signalling room busy",
  file_start,
  file_publish,
  file_free,
};

/* The ws:// backend is the plugin icews, loaded when the first such URI is
 * set: a process that signals through files never maps libsoup. */
static GstIceSignallerProviderClass *
ws_provider (GError **error)
{
  return gst_ice_signaller_provider_load (GST_ICE_WS_SIGNALLER_TYPE_NAME,
                                          GST_ICE_WS_SIGNALLER_PLUGIN, error);
}

/**
 * gst_ice_signaller_uri_is_valid:
 * @uri: a signaller URI
 * @error: where to say what was expected
 *
 * Accepts `file:///absolute/dir`, `ws://HOST[:PORT]/ROOM[?token=T]` and
 * `wss://…` (DESIGN §4, docs/signalling.md). A ws URI loads the plugin
 * icews, and is refused without it.
 */
gboolean
gst_ice_signaller_uri_is_valid (const gchar *uri, GError **error)
{
  GError *err = NULL;

  if (uri
      && (g_str_has_prefix (uri, "ws://")
          || g_str_has_prefix (uri, "wss://"))) {
    GstIceSignallerProviderClass *ws = ws_provider (&err);

    if (ws != NULL && ws->uri_is_valid (uri, &err))
      return TRUE;
  } else if (gst_ice_file_signaller_uri_is_valid (uri, NULL, NULL)) {
    return TRUE;
  }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "signaller '%s' not supported%s%s: expected file:///DIRECTORY, "
               "ws://HOST:PORT/ROOM or wss://HOST:PORT/ROOM",
               uri ? uri : "(null)", err ? ", " : "", err ? err->message : "");
  g_clear_error (&err);
  return FALSE;
}

/**
 * gst_ice_signaller_new:
 * @config: the URI (validated), and the ws backend's token and CA file
 * @stream_id: the stream this signaller carries
 *
 * Returns: (transfer full) (nullable): a stopped signaller, or %NULL with
 *   @error set (an unusable room directory, a bad CA file, the plugin
 *   icews gone since the URI was checked).
 */
GstIceSignaller *
gst_ice_signaller_new (const GstIceSignallerConfig *config, guint stream_id,
                       GError **error)
{
  GstIceSignaller *sig;
  gpointer impl;
  const GstIceSignallerBackend *backend;

  if (g_str_has_prefix (config->uri, "file://")) {
    impl = gst_ice_file_signaller_new (config->uri, stream_id, error);
    backend = &file_backend;
  } else {
    GstIceSignallerProviderClass *ws = ws_provider (error);

    if (ws == NULL)
      return NULL;
    impl = ws->create (config, stream_id, error);
    backend = ws->backend;
  }
  if (impl == NULL)
    return NULL;
  sig = g_new0 (GstIceSignaller, 1);
  sig->backend = backend;
  sig->impl = impl;
  return sig;
}

/**
 * gst_ice_signaller_start:
 * @funcs: the callbacks (copied); their user_data must outlive the
 *   signaller
 *
 * Starts the signaller's I/O on the signalling thread. Takes no lock that
 * the funcs may hold.
 */
void
gst_ice_signaller_start (GstIceSignaller *sig,
                         const GstIceSignallerFuncs *funcs)
{
  sig->backend->start (sig->impl, funcs);
}

/**
 * gst_ice_signaller_publish:
 * @description: our whole description so far (RFC 8839 lines)
 *
 * Queues it for the signalling thread: no I/O here. Thread-safe.
 */
void
gst_ice_signaller_publish (GstIceSignaller *sig, const gchar *description)
{
  sig->backend->publish (sig->impl, description);
}

/**
 * gst_ice_signaller_address_lost:
 * @ip: a local address that went away (the agent's "local-address-lost")
 *
 * Tells the backend, which reconnects at once if its connection left from
 * @ip (ws://: the server would otherwise wait for a keepalive to notice).
 * No I/O here. Thread-safe.
 */
void
gst_ice_signaller_address_lost (GstIceSignaller *sig, const gchar *ip)
{
  if (sig->backend->address_lost != NULL)
    sig->backend->address_lost (sig->impl, ip);
}

/**
 * gst_ice_signaller_get_summary:
 * @fatal: of a fatal problem, or of a notice
 *
 * Returns: (transfer none): the text of the bus message for a problem.
 */
const gchar *
gst_ice_signaller_get_summary (GstIceSignaller *sig, gboolean fatal)
{
  return fatal ? sig->backend->fatal_summary : sig->backend->notice_summary;
}

/**
 * gst_ice_signaller_free:
 * @sig: (transfer full): a signaller
 *
 * Stops it, waiting for a running callback unless called from it.
 */
void
gst_ice_signaller_free (GstIceSignaller *sig)
{
  sig->backend->free (sig->impl);
  g_free (sig);
}
