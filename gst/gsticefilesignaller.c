/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The file:// signaller (docs/signalling-file.md): our file in the room,
 * the scan of the others' files, and feeding the paired peer's
 * description to the agent; the pairing rule is gsticeroompairing.c.
 *
 * All room I/O runs on the "gst-ice-signal" thread (gsticesignalthread.c),
 * woken by a GFileMonitor on the directory, by publish(), and by a slow
 * poll for disks that deliver no inotify events (NFS).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticefilesignaller.h"
#include "gsticeroomfile.h"
#include "gsticeroompairing.h"
#include "gsticesignalthread.h"

#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

GST_DEBUG_CATEGORY (gst_ice_signaller_debug);
#define GST_CAT_DEFAULT gst_ice_signaller_debug

/* With inotify a change wakes us at once: the poll only catches what a
 * shared disk does not report. Without a monitor, poll faster. */
#define POLL_MONITORED_US (1000 * G_TIME_SPAN_MILLISECOND)
#define POLL_UNMONITORED_US (100 * G_TIME_SPAN_MILLISECOND)

struct _GstIceFileSignaller {
  gint refcount;
  gchar *dir;
  gchar *id;
  gchar *own_path;
  guint stream_id;
  GMainContext *context; /* the signalling thread's */

  /* Guards the fields up to call_lock. */
  GMutex lock;
  gchar *own_description; /* NULL until the first publish */
  gboolean own_dirty;
  gboolean stopped;
  GSource *source;
  GFileMonitor *monitor;

  /* Held while the source dispatches (and calls the funcs), so that
   * free() waits for it; recursive so that a func may free. */
  GRecMutex call_lock;
  GstIceSignallerTextFunc text_func;
  GstIceSignallerProblemFunc problem_func;
  gpointer user_data;

  /* The signalling thread's, under call_lock. */
  gboolean monitor_tried;
  gboolean failed;
  gboolean wrote_own;
  guint64 generation;
  GstIceRoomPairing *pairing;
  GHashTable *warned; /* names of unreadable files already warned about */
  gboolean peer_gone_reported;
  gchar *fed_ufrag;
  GHashTable *fed_lines; /* lines of fed_ufrag's description already fed */
};

/* For the log: the tests check that room I/O never runs on "gst-ice". */
static const gchar *
current_thread_name (gchar buf[17])
{
#ifdef __linux__
  if (prctl (PR_GET_NAME, buf, 0, 0, 0) == 0)
    return buf;
#endif
  return "?";
}

/**
 * gst_ice_file_signaller_uri_is_valid:
 * @uri: a signaller URI
 * @dir: (out) (optional): the room directory, to free
 * @error: where to say what was expected
 *
 * Accepts `file:///absolute/dir` (DESIGN §4).
 *
 * Returns: %TRUE if @uri is a usable signaller URI.
 */
gboolean
gst_ice_file_signaller_uri_is_valid (const gchar *uri, gchar **dir,
                                     GError **error)
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

static gchar *
random_id (void)
{
  return g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
}

/**
 * gst_ice_file_signaller_new:
 * @uri: `file:///DIR`; the directory is created (0700) if needed
 * @stream_id: the stream this signaller carries
 * @error: where to report a bad URI or an unusable directory
 *
 * Returns: (transfer full) (nullable): a stopped signaller, or %NULL.
 */
GstIceFileSignaller *
gst_ice_file_signaller_new (const gchar *uri, guint stream_id, GError **error)
{
  GstIceFileSignaller *sig;
  gchar *dir = NULL, *name, *id, *probe;
  gboolean usable;

  static gsize debug_done = 0;

  if (g_once_init_enter (&debug_done)) {
    GST_DEBUG_CATEGORY_INIT (gst_ice_signaller_debug, "icesignaller", 0,
                             "ICE file:// signaller");
    g_once_init_leave (&debug_done, 1);
  }
  if (!gst_ice_file_signaller_uri_is_valid (uri, &dir, error))
    return NULL;
  id = random_id ();
  probe = g_strconcat (".", id, ".probe", NULL);
  /* A room we cannot use fails the start (one-time I/O on the caller's
   * thread, the element's state change). */
  usable = gst_ice_room_dir_ensure (dir, error)
           && gst_ice_room_dir_check (dir, probe, error);
  g_free (probe);
  if (!usable) {
    g_free (id);
    g_free (dir);
    return NULL;
  }
  sig = g_new0 (GstIceFileSignaller, 1);
  sig->refcount = 1;
  sig->dir = dir;
  sig->id = id;
  name = g_strconcat (sig->id, GST_ICE_ROOM_FILE_SUFFIX, NULL);
  sig->own_path = g_build_filename (dir, name, NULL);
  g_free (name);
  sig->stream_id = stream_id;
  sig->context = gst_ice_signal_thread_ref ();
  g_mutex_init (&sig->lock);
  g_rec_mutex_init (&sig->call_lock);
  sig->pairing = gst_ice_room_pairing_new (sig->id, dir);
  sig->warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sig->fed_lines
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return sig;
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
  g_free (sig->id);
  g_free (sig->own_path);
  g_free (sig->own_description);
  g_free (sig->fed_ufrag);
  gst_ice_room_pairing_free (sig->pairing);
  g_hash_table_unref (sig->warned);
  g_hash_table_unref (sig->fed_lines);
  g_main_context_unref (sig->context);
  g_mutex_clear (&sig->lock);
  g_rec_mutex_clear (&sig->call_lock);
  g_free (sig);
}

static void
signaller_closure_unref (gpointer data, GClosure *closure)
{
  signaller_unref (data);
}

/* Any thread: run the room now. */
static void
signaller_wake (GstIceFileSignaller *sig)
{
  g_mutex_lock (&sig->lock);
  if (sig->source && !sig->stopped)
    g_source_set_ready_time (sig->source, 0);
  g_mutex_unlock (&sig->lock);
}

/**
 * gst_ice_file_signaller_publish:
 * @sig: a signaller
 * @description: our whole description so far (RFC 8839 lines)
 *
 * Queues our file for rewriting on the signalling thread: no I/O here,
 * so the agent's signal handlers may call it. Thread-safe.
 */
void
gst_ice_file_signaller_publish (GstIceFileSignaller *sig,
                                const gchar *description)
{
  g_mutex_lock (&sig->lock);
  g_free (sig->own_description);
  sig->own_description = g_strdup (description ? description : "");
  sig->own_dirty = TRUE;
  g_mutex_unlock (&sig->lock);
  signaller_wake (sig);
}

/* --- the signalling thread ---------------------------------------------- */

/* Reports a problem; a fatal one stops the room for good. */
static void
signaller_problem (GstIceFileSignaller *sig, gboolean fatal,
                   const gchar *message)
{
  if (fatal) {
    GST_ERROR ("room %s: %s", sig->dir, message);
    sig->failed = TRUE;
  } else {
    GST_INFO ("room %s: %s", sig->dir, message);
  }
  if (sig->problem_func)
    sig->problem_func (sig->stream_id, fatal, message, sig->user_data);
}

/* Reads DIR/@name; NULL if it is not a peer file of our stream. */
static GstIceRoomPeer *
read_room_peer (GstIceFileSignaller *sig, const gchar *name)
{
  GstIceRoomPeer *peer;
  GError *err = NULL;
  gchar *path, *text, *id;

  path = g_build_filename (sig->dir, name, NULL);
  text = gst_ice_room_file_read (path, &err);
  g_free (path);
  if (text == NULL) {
    /* Gone between listing and reading: a peer that stopped. */
    if (!g_error_matches (err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
        && g_hash_table_add (sig->warned, g_strdup (name)))
      GST_WARNING ("room %s: ignoring a file: %s", sig->dir, err->message);
    g_error_free (err);
    return NULL;
  }
  id = g_strndup (name, strlen (name) - strlen (GST_ICE_ROOM_FILE_SUFFIX));
  peer = gst_ice_room_peer_new (id, text);
  g_free (id);
  g_free (text);
  if (peer->file.stream_id != sig->stream_id) {
    gst_ice_room_peer_free (peer);
    return NULL;
  }
  gst_ice_room_pairing_observe (sig->pairing, peer);
  return peer;
}

/* Returns the peer files of our stream, or NULL if the room is
 * unreadable. */
static GPtrArray *
scan_room (GstIceFileSignaller *sig, GError **error)
{
  GPtrArray *peers;
  const gchar *name;
  gchar *own_name;
  GDir *dir;
  gchar tname[17];

  dir = g_dir_open (sig->dir, 0, error);
  if (dir == NULL)
    return NULL;
  GST_LOG ("scanning room %s [thread %s]", sig->dir,
           current_thread_name (tname));
  own_name = g_path_get_basename (sig->own_path);
  peers = g_ptr_array_new_with_free_func (gst_ice_room_peer_free);
  while ((name = g_dir_read_name (dir)) != NULL) {
    GstIceRoomPeer *peer;

    if (!g_str_has_suffix (name, GST_ICE_ROOM_FILE_SUFFIX)
        || strcmp (name, own_name) == 0)
      continue;
    peer = read_room_peer (sig, name);
    if (peer)
      g_ptr_array_add (peers, peer);
  }
  g_dir_close (dir);
  g_free (own_name);
  gst_ice_room_pairing_end_scan (sig->pairing);
  return peers;
}

static gboolean
write_own_file (GstIceFileSignaller *sig, const gchar *description)
{
  GError *err = NULL;
  gchar *text, *msg, tname[17];

  text = gst_ice_room_file_format (
      sig->stream_id, ++sig->generation,
      gst_ice_room_pairing_get_claim (sig->pairing), description);
  if (!gst_ice_room_file_write (sig->own_path, text, &err))
    goto write_failed;
  sig->wrote_own = TRUE;
  GST_DEBUG ("wrote %s, generation %" G_GUINT64_FORMAT " [thread %s]",
             sig->own_path, sig->generation, current_thread_name (tname));
  g_free (text);
  return TRUE;

  /* ERRORS */
write_failed:
  msg = g_strdup_printf ("cannot write to the signalling room: %s",
                         err->message);
  signaller_problem (sig, TRUE, msg);
  g_free (msg);
  g_error_free (err);
  g_free (text);
  return FALSE;
}

/* Gives the agent the lines of the paired peer's file it has not had. */
static void
feed_peer (GstIceFileSignaller *sig, GstIceRoomPeer *peer)
{
  GString *text = g_string_new (NULL);
  gboolean first = FALSE;
  guint i;

  if (peer == NULL || peer->file.ufrag == NULL)
    goto out;
  if (g_strcmp0 (sig->fed_ufrag, peer->file.ufrag) != 0) {
    /* The peer's first description, or its ICE restart. */
    first = TRUE;
    g_free (sig->fed_ufrag);
    sig->fed_ufrag = g_strdup (peer->file.ufrag);
    g_hash_table_remove_all (sig->fed_lines);
  }
  for (i = 0; peer->file.description[i]; i++) {
    if (g_hash_table_add (sig->fed_lines, g_strdup (peer->file.description[i])))
      g_string_append_printf (text, "%s\r\n", peer->file.description[i]);
  }
  if (text->len > 0 && sig->text_func)
    sig->text_func (sig->stream_id, text->str, first, sig->user_data);
out:
  g_string_free (text, TRUE);
}

static void
report_peer_gone (GstIceFileSignaller *sig, GstIceRoomPeer *peer)
{
  if (peer == NULL && !sig->peer_gone_reported)
    GST_INFO ("room %s: our peer %s left (the pair is not re-formed)", sig->dir,
              gst_ice_room_pairing_get_claim (sig->pairing));
  sig->peer_gone_reported = peer == NULL;
}

/* Nobody to claim, files claim others: a third peer waits, says so. */
static void
report_busy (GstIceFileSignaller *sig)
{
  gchar *msg = g_strdup_printf ("room %s holds another pair (or the files "
                                "one left): waiting for a free peer",
                                sig->dir);

  signaller_problem (sig, FALSE, msg);
  g_free (msg);
}

static void
run_room (GstIceFileSignaller *sig)
{
  GError *err = NULL;
  GPtrArray *peers;
  gchar *description, *msg;
  gboolean dirty, claim_changed = FALSE, became_busy = FALSE;

  peers = scan_room (sig, &err);
  if (peers == NULL)
    goto unreadable;
  g_mutex_lock (&sig->lock);
  description = g_strdup (sig->own_description);
  dirty = sig->own_dirty;
  sig->own_dirty = FALSE;
  g_mutex_unlock (&sig->lock);
  /* Claims are made in our file: no pairing before we have one. */
  if (description)
    claim_changed = gst_ice_room_pairing_update (
        sig->pairing, peers, g_get_monotonic_time (), &became_busy);
  if (became_busy)
    report_busy (sig);
  if (description && (dirty || claim_changed)
      && !write_own_file (sig, description))
    goto out;
  if (gst_ice_room_pairing_is_paired (sig->pairing)) {
    GstIceRoomPeer *peer = gst_ice_room_pairing_find (
        peers, gst_ice_room_pairing_get_claim (sig->pairing));

    report_peer_gone (sig, peer);
    feed_peer (sig, peer);
  }
out:
  g_free (description);
  g_ptr_array_unref (peers);
  return;

  /* ERRORS */
unreadable:
  msg = g_strdup_printf ("cannot read the signalling room: %s", err->message);
  signaller_problem (sig, TRUE, msg);
  g_free (msg);
  g_error_free (err);
}

static void
on_room_changed (GFileMonitor *monitor, GFile *file, GFile *other,
                 GFileMonitorEvent event, gpointer data)
{
  signaller_wake (data);
}

/* On the signalling thread, so that its events are dispatched there. */
static void
start_monitor (GstIceFileSignaller *sig)
{
  GFile *dir = g_file_new_for_path (sig->dir);
  GError *err = NULL;
  GFileMonitor *monitor;

  sig->monitor_tried = TRUE;
  monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_NONE, NULL, &err);
  g_object_unref (dir);
  if (monitor == NULL) {
    GST_INFO ("room %s: no directory monitor (%s): polling", sig->dir,
              err->message);
    g_error_free (err);
    return;
  }
  g_signal_connect_data (monitor, "changed", G_CALLBACK (on_room_changed),
                         signaller_ref (sig), signaller_closure_unref, 0);
  g_mutex_lock (&sig->lock);
  if (sig->stopped) {
    g_mutex_unlock (&sig->lock);
    g_file_monitor_cancel (monitor);
    g_object_unref (monitor);
    return;
  }
  sig->monitor = monitor;
  g_mutex_unlock (&sig->lock);
}

static gboolean
signaller_dispatch (gpointer data)
{
  GstIceFileSignaller *sig = data;
  gboolean run;
  gint64 poll_us;

  g_rec_mutex_lock (&sig->call_lock);
  g_mutex_lock (&sig->lock);
  run = !sig->stopped && !sig->failed;
  poll_us = sig->monitor ? POLL_MONITORED_US : POLL_UNMONITORED_US;
  if (run)
    g_source_set_ready_time (sig->source, g_get_monotonic_time () + poll_us);
  g_mutex_unlock (&sig->lock);
  if (run && !sig->monitor_tried)
    start_monitor (sig);
  if (run)
    run_room (sig);
  g_rec_mutex_unlock (&sig->call_lock);
  return run ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
wake_source_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  return callback (data);
}

static GSourceFuncs wake_source_funcs = {
  NULL, NULL, wake_source_dispatch, NULL, NULL, NULL,
};

/**
 * gst_ice_file_signaller_start:
 * @sig: a signaller
 * @text_func: called with the paired peer's new lines
 * @problem_func: called when the room is unusable, or busy
 * @user_data: for the funcs; must outlive gst_ice_file_signaller_free()
 *
 * Starts watching the room on the signalling thread. Takes no lock that
 * the funcs may hold, so it may be called under the caller's own lock.
 */
void
gst_ice_file_signaller_start (GstIceFileSignaller *sig,
                              GstIceSignallerTextFunc text_func,
                              GstIceSignallerProblemFunc problem_func,
                              gpointer user_data)
{
  GSource *source;

  g_return_if_fail (sig->source == NULL);
  sig->text_func = text_func;
  sig->problem_func = problem_func;
  sig->user_data = user_data;
  source = g_source_new (&wake_source_funcs, sizeof (GSource));
  g_source_set_name (source, "gst-ice room");
  g_source_set_callback (source, signaller_dispatch, signaller_ref (sig),
                         signaller_unref);
  g_source_set_ready_time (source, 0);
  g_mutex_lock (&sig->lock);
  sig->source = source;
  g_mutex_unlock (&sig->lock);
  g_source_attach (source, sig->context);
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
 * Stops watching the room (waiting for a running callback, unless called
 * from it) and removes our file.
 */
void
gst_ice_file_signaller_free (GstIceFileSignaller *sig)
{
  GSource *source;
  GFileMonitor *monitor;

  g_rec_mutex_lock (&sig->call_lock);
  g_mutex_lock (&sig->lock);
  sig->stopped = TRUE;
  source = g_steal_pointer (&sig->source);
  monitor = g_steal_pointer (&sig->monitor);
  g_mutex_unlock (&sig->lock);
  if (source) {
    g_source_destroy (source);
    g_source_unref (source);
  }
  if (sig->wrote_own)
    g_unlink (sig->own_path);
  g_rec_mutex_unlock (&sig->call_lock);
  if (monitor) {
    g_signal_handlers_disconnect_by_func (monitor, on_room_changed, sig);
    g_file_monitor_cancel (monitor);
    g_object_unref (monitor);
  }
  gst_ice_signal_thread_unref ();
  signaller_unref (sig);
}
