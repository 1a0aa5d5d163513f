/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The file:// signaller. The room rule, so that files left over from an
 * earlier run never confuse a new pair:
 *
 *  - each side writes DIR/<ufrag>.ice (atomically: temp file + rename) and
 *    rewrites it every HEARTBEAT while it runs, so its mtime stays fresh;
 *  - it removes its own file when it stops;
 *  - a peer file counts only while its mtime is younger than STALE: a file
 *    whose writer died (or was killed without cleanup) goes stale within
 *    STALE and is ignored; the freshest file wins when there are several.
 *
 * Each file starts with "a=mid:<stream>" so that several streams of one
 * agent can share a room; a file without it belongs to stream 0.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticesignaller.h"

#include <errno.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

/* Poll period of the peer's file, as DESIGN §4 asks: ~20 ms. */
#define POLL_MS 20
#define HEARTBEAT_US (500 * G_TIME_SPAN_MILLISECOND)
#define STALE_US (2 * G_TIME_SPAN_SECOND)
#define FILE_SUFFIX ".ice"

struct _GstIceFileSignaller {
  gint refcount;
  gchar *dir;
  guint stream_id;

  /* Guards everything below except the callback. */
  GMutex lock;
  gchar *own_ufrag;
  gchar *own_path;
  gchar *own_text;
  gint64 last_write_us;

  /* Held while the tick runs (and calls @func), so that free() waits for
   * a running callback. Recursive so func may free from inside. */
  GRecMutex tick_lock;
  gboolean stopped;
  gchar *peer_path;
  gsize peer_consumed;
  GSource *source;
  GstIceSignallerTextFunc func;
  gpointer user_data;
};

/**
 * gst_ice_signaller_uri_is_valid:
 * @uri: a signaller URI
 * @dir: (out) (optional): the room directory, to free
 * @error: where to say what was expected
 *
 * Accepts `file:///absolute/dir` (DESIGN §4).
 *
 * Returns: %TRUE if @uri is a usable signaller URI.
 */
gboolean
gst_ice_signaller_uri_is_valid (const gchar *uri, gchar **dir, GError **error)
{
  gchar *path;

  if (uri == NULL || !g_str_has_prefix (uri, "file://"))
    goto not_file;
  path = g_filename_from_uri (uri, NULL, NULL);
  if (path == NULL || !g_path_is_absolute (path)) {
    g_free (path);
    goto not_file;
  }
  if (dir)
    *dir = path;
  else
    g_free (path);
  return TRUE;

  /* ERRORS */
not_file:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "signaller '%s' not supported: expected file:///DIRECTORY",
               uri ? uri : "(null)");
  return FALSE;
}

/**
 * gst_ice_file_signaller_new:
 * @uri: `file:///DIR`; the directory is created if needed
 * @stream_id: the stream this signaller carries
 * @error: where to report a bad URI or an unusable directory
 *
 * Returns: (transfer full) (nullable): a stopped signaller, or %NULL.
 */
GstIceFileSignaller *
gst_ice_file_signaller_new (const gchar *uri, guint stream_id, GError **error)
{
  GstIceFileSignaller *sig;
  gchar *dir = NULL;

  if (!gst_ice_signaller_uri_is_valid (uri, &dir, error))
    return NULL;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    goto no_dir;

  sig = g_new0 (GstIceFileSignaller, 1);
  sig->refcount = 1;
  sig->dir = dir;
  sig->stream_id = stream_id;
  g_mutex_init (&sig->lock);
  g_rec_mutex_init (&sig->tick_lock);
  return sig;

  /* ERRORS */
no_dir : {
  int err = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
               "cannot create signalling directory '%s': %s", dir,
               g_strerror (err));
  g_free (dir);
  return NULL;
}
}

static GstIceFileSignaller *
signaller_ref (GstIceFileSignaller *sig)
{
  g_atomic_int_inc (&sig->refcount);
  return sig;
}

static void
signaller_unref (gpointer data)
{
  GstIceFileSignaller *sig = data;

  if (!g_atomic_int_dec_and_test (&sig->refcount))
    return;
  g_free (sig->dir);
  g_free (sig->own_ufrag);
  g_free (sig->own_path);
  g_free (sig->own_text);
  g_free (sig->peer_path);
  g_mutex_clear (&sig->lock);
  g_rec_mutex_clear (&sig->tick_lock);
  g_free (sig);
}

/* Called with sig->lock held. */
static void
write_own_file_locked (GstIceFileSignaller *sig)
{
  GError *err = NULL;

  if (sig->own_path == NULL)
    return;
  if (!g_file_set_contents (sig->own_path, sig->own_text, -1, &err)) {
    g_warning ("ice signaller: cannot write %s: %s", sig->own_path,
               err->message);
    g_clear_error (&err);
  }
  sig->last_write_us = g_get_real_time ();
}

/**
 * gst_ice_file_signaller_publish:
 * @sig: a signaller
 * @ufrag: our current ufrag; it names the file
 * @description: our whole description so far (RFC 8839 lines)
 *
 * Rewrites our file atomically. A changed @ufrag (ICE restart) removes the
 * old file. Thread-safe.
 *
 * Returns: %FALSE if @ufrag cannot name a file.
 */
gboolean
gst_ice_file_signaller_publish (GstIceFileSignaller *sig, const gchar *ufrag,
                                const gchar *description)
{
  gchar *name;

  /* ice-chars are ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.1): "/" cannot be
   * in a file name, so it is written as "_". */
  if (ufrag == NULL || *ufrag == '\0')
    return FALSE;
  name = g_strconcat (ufrag, FILE_SUFFIX, NULL);
  g_strdelimit (name, "/", '_');

  g_mutex_lock (&sig->lock);
  if (sig->own_ufrag && strcmp (sig->own_ufrag, ufrag) != 0)
    g_unlink (sig->own_path);
  g_free (sig->own_ufrag);
  sig->own_ufrag = g_strdup (ufrag);
  g_free (sig->own_path);
  sig->own_path = g_build_filename (sig->dir, name, NULL);
  g_free (sig->own_text);
  sig->own_text = g_strdup_printf ("a=mid:%u\r\n%s", sig->stream_id,
                                   description ? description : "");
  write_own_file_locked (sig);
  g_mutex_unlock (&sig->lock);
  g_free (name);
  return TRUE;
}

static guint
text_stream_id (const gchar *text)
{
  if (g_str_has_prefix (text, "a=mid:"))
    return (guint)g_ascii_strtoull (text + 6, NULL, 10);
  return 0;
}

static gboolean
file_is_stale (const gchar *path, gint64 now_us)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return TRUE;
  /* mtime has whole seconds here: allow one second of rounding. */
  return now_us - (gint64)st.st_mtime * G_TIME_SPAN_SECOND
         > STALE_US + G_TIME_SPAN_SECOND;
}

/* The freshest peer file of our stream in the room, or NULL. */
static gchar *
find_peer_file (GstIceFileSignaller *sig, const gchar *own_path, gint64 now_us)
{
  GDir *dir;
  const gchar *name;
  gchar *best = NULL;
  gint64 best_mtime = 0;

  dir = g_dir_open (sig->dir, 0, NULL);
  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL) {
    gchar *path, *text = NULL;
    GStatBuf st;
    gint64 mtime_us;

    if (!g_str_has_suffix (name, FILE_SUFFIX))
      continue;
    path = g_build_filename (sig->dir, name, NULL);
    if (g_strcmp0 (path, own_path) == 0 || g_stat (path, &st) != 0
        || file_is_stale (path, now_us))
      goto next;
    mtime_us = (gint64)st.st_mtime * G_TIME_SPAN_SECOND;
    if (best && mtime_us <= best_mtime)
      goto next;
    if (!g_file_get_contents (path, &text, NULL, NULL)
        || text_stream_id (text) != sig->stream_id)
      goto next;
    g_free (best);
    best = g_steal_pointer (&path);
    best_mtime = mtime_us;
  next:
    g_free (text);
    g_free (path);
  }
  g_dir_close (dir);
  return best;
}

/* Reads the peer's file; returns the new complete lines, or NULL. */
static gchar *
read_peer_lines (GstIceFileSignaller *sig, gboolean *first)
{
  gchar *text = NULL, *last_nl, *lines = NULL;
  gsize len;

  if (!g_file_get_contents (sig->peer_path, &text, &len, NULL)) {
    /* Gone: the peer stopped, or restarted under a new ufrag. */
    g_clear_pointer (&sig->peer_path, g_free);
    return NULL;
  }
  *first = sig->peer_consumed == 0;
  if (len < sig->peer_consumed) {
    /* Not a continuation of what we read: a new description. */
    sig->peer_consumed = 0;
    *first = TRUE;
  }
  last_nl = g_strrstr_len (text + sig->peer_consumed, len - sig->peer_consumed,
                           "\n");
  if (last_nl != NULL) {
    gsize end = (gsize)(last_nl - text) + 1;

    lines = g_strndup (text + sig->peer_consumed, end - sig->peer_consumed);
    sig->peer_consumed = end;
  }
  g_free (text);
  return lines;
}

static gboolean
signaller_tick (gpointer data)
{
  GstIceFileSignaller *sig = data;
  gint64 now_us = g_get_real_time ();
  gchar *own_path, *lines = NULL;
  gboolean first = FALSE;

  g_rec_mutex_lock (&sig->tick_lock);
  if (sig->stopped) {
    g_rec_mutex_unlock (&sig->tick_lock);
    return G_SOURCE_REMOVE;
  }

  g_mutex_lock (&sig->lock);
  if (sig->own_path && now_us - sig->last_write_us >= HEARTBEAT_US)
    write_own_file_locked (sig);
  own_path = g_strdup (sig->own_path);
  g_mutex_unlock (&sig->lock);

  if (sig->peer_path && file_is_stale (sig->peer_path, now_us))
    g_clear_pointer (&sig->peer_path, g_free);
  if (sig->peer_path == NULL) {
    sig->peer_path = find_peer_file (sig, own_path, now_us);
    sig->peer_consumed = 0;
  }
  if (sig->peer_path)
    lines = read_peer_lines (sig, &first);
  if (lines && sig->func)
    sig->func (sig->stream_id, lines, first, sig->user_data);

  g_free (lines);
  g_free (own_path);
  g_rec_mutex_unlock (&sig->tick_lock);
  return G_SOURCE_CONTINUE;
}

/**
 * gst_ice_file_signaller_start:
 * @sig: a signaller
 * @context: where to poll the room (the agent's context)
 * @func: called with the peer's new lines
 * @user_data: for @func; must outlive gst_ice_file_signaller_free()
 *
 * Starts polling the room every 20 ms.
 */
void
gst_ice_file_signaller_start (GstIceFileSignaller *sig, GMainContext *context,
                              GstIceSignallerTextFunc func, gpointer user_data)
{
  g_rec_mutex_lock (&sig->tick_lock);
  g_return_if_fail (sig->source == NULL);
  sig->func = func;
  sig->user_data = user_data;
  sig->source = g_timeout_source_new (POLL_MS);
  g_source_set_callback (sig->source, signaller_tick, signaller_ref (sig),
                         signaller_unref);
  g_source_attach (sig->source, context);
  g_rec_mutex_unlock (&sig->tick_lock);
}

/**
 * gst_ice_file_signaller_get_dir:
 * @sig: a signaller
 *
 * Returns: (transfer none): the room directory.
 */
const gchar *
gst_ice_file_signaller_get_dir (GstIceFileSignaller *sig)
{
  return sig->dir;
}

/**
 * gst_ice_file_signaller_free:
 * @sig: (transfer full): a signaller
 *
 * Stops polling (waiting for a running callback), removes our file.
 */
void
gst_ice_file_signaller_free (GstIceFileSignaller *sig)
{
  g_rec_mutex_lock (&sig->tick_lock);
  sig->stopped = TRUE;
  if (sig->source) {
    g_source_destroy (sig->source);
    g_source_unref (sig->source);
    sig->source = NULL;
  }
  g_rec_mutex_unlock (&sig->tick_lock);

  g_mutex_lock (&sig->lock);
  if (sig->own_path)
    g_unlink (sig->own_path);
  g_mutex_unlock (&sig->lock);
  signaller_unref (sig);
}
