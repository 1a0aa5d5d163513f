/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A shared agent's signallers, one per stream, of either backend. A fatal
 * problem (a room that cannot be used, a refusal by the server) is an
 * element error, a notice (a busy room, an unreachable server) an element
 * warning (docs/signalling-file.md, docs/signalling.md), posted on the
 * first element of the stream that is still alive. Lock order: this set's lock,
 * then a signaller's; a signaller's callback may take this lock, so signallers
 * are freed outside it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticestreamsignallers.h"
#include "gsticeelement.h"

#define GST_CAT_DEFAULT gst_ice_debug

typedef struct {
  GstIceSignaller *sig;
  GPtrArray *elements; /* GWeakRef* */
} StreamSignaller;

struct _GstIceStreamSignallers {
  GMutex lock;
  GHashTable *streams; /* stream id → StreamSignaller */
  GstIceSignallerTextFunc text_func;
  GstIceSignallerRestartFunc restart_func;
  gpointer user_data;
};

static void
element_weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* Waits for a running signaller callback: never with set->lock held. */
static void
stream_signaller_free (gpointer data)
{
  StreamSignaller *ss = data;

  gst_ice_signaller_free (ss->sig);
  g_ptr_array_unref (ss->elements);
  g_free (ss);
}

/**
 * gst_ice_stream_signallers_new:
 * @text_func: where the signallers' peer lines go (signalling thread)
 * @restart_func: restarts ICE when a signaller asks (signalling thread)
 * @user_data: for the funcs; must outlive gst_ice_stream_signallers_stop()
 *
 * Returns: (transfer full): an empty set.
 */
GstIceStreamSignallers *
gst_ice_stream_signallers_new (GstIceSignallerTextFunc text_func,
                               GstIceSignallerRestartFunc restart_func,
                               gpointer user_data)
{
  GstIceStreamSignallers *set = g_new0 (GstIceStreamSignallers, 1);

  g_mutex_init (&set->lock);
  set->streams = g_hash_table_new (NULL, NULL);
  set->text_func = text_func;
  set->restart_func = restart_func;
  set->user_data = user_data;
  return set;
}

/* Returns (transfer full) the first element of @stream_id still alive,
 * and the bus message's text for a problem of its signaller. */
static GstElement *
stream_element (GstIceStreamSignallers *set, guint stream_id, gboolean fatal,
                const gchar **summary)
{
  StreamSignaller *ss;
  GstElement *element = NULL;
  guint i;

  g_mutex_lock (&set->lock);
  ss = g_hash_table_lookup (set->streams, GUINT_TO_POINTER (stream_id));
  for (i = 0; ss && element == NULL && i < ss->elements->len; i++)
    element = g_weak_ref_get (g_ptr_array_index (ss->elements, i));
  if (ss)
    *summary = gst_ice_signaller_get_summary (ss->sig, fatal);
  g_mutex_unlock (&set->lock);
  return element;
}

/* On the signalling thread. */
static void
on_signaller_text (guint stream_id, const gchar *text, gboolean first,
                   gpointer user_data)
{
  GstIceStreamSignallers *set = user_data;

  set->text_func (stream_id, text, first, set->user_data);
}

/* On the signalling thread. */
static void
on_signaller_problem (guint stream_id, gboolean fatal, const gchar *message,
                      gpointer user_data)
{
  const gchar *summary = NULL;
  GstElement *element = stream_element (user_data, stream_id, fatal, &summary);

  if (element == NULL) {
    GST_WARNING ("stream %u: signaller: %s", stream_id, message);
    return;
  }
  /* the summaries are static strings of the backends */
  if (fatal)
    GST_ELEMENT_ERROR (element, RESOURCE, OPEN_READ_WRITE, ("%s", summary),
                       ("%s", message));
  else
    GST_ELEMENT_WARNING (element, RESOURCE, BUSY, ("%s", summary),
                         ("%s", message));
  gst_object_unref (element);
}

/* On the signalling thread. */
static void
on_signaller_restart (guint stream_id, gpointer user_data)
{
  GstIceStreamSignallers *set = user_data;

  if (set->restart_func)
    set->restart_func (stream_id, set->user_data);
}

static void
add_element (StreamSignaller *ss, GstObject *element)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, element);
  g_ptr_array_add (ss->elements, ref);
}

/**
 * gst_ice_stream_signallers_start:
 * @element: an element of @stream_id: it posts the room's problems
 * @config: a validated signaller URI, and its token and CA file; the
 *   first element of a stream names them
 *
 * Starts the stream's signaller, once; later elements of the stream join.
 *
 * Returns: %FALSE with @error set if the room cannot be created, or the CA
 *   file read.
 */
gboolean
gst_ice_stream_signallers_start (GstIceStreamSignallers *set,
                                 GstObject *element, guint stream_id,
                                 const GstIceSignallerConfig *config,
                                 GError **error)
{
  StreamSignaller *ss;
  GstIceSignaller *sig = NULL;
  GstIceSignallerFuncs funcs
      = { on_signaller_text, on_signaller_problem, on_signaller_restart, set };

  g_mutex_lock (&set->lock);
  ss = g_hash_table_lookup (set->streams, GUINT_TO_POINTER (stream_id));
  if (ss == NULL) {
    sig = gst_ice_signaller_new (config, stream_id, error);
    if (sig == NULL)
      goto out;
    ss = g_new0 (StreamSignaller, 1);
    ss->sig = sig;
    ss->elements = g_ptr_array_new_with_free_func (element_weak_ref_free);
    g_hash_table_insert (set->streams, GUINT_TO_POINTER (stream_id), ss);
    /* The set outlives its signallers: a borrowed pointer will do. */
    gst_ice_signaller_start (sig, &funcs);
  }
  add_element (ss, element);
out:
  g_mutex_unlock (&set->lock);
  return ss != NULL;
}

/**
 * gst_ice_stream_signallers_has:
 *
 * Returns: %TRUE if @stream_id has a signaller.
 */
gboolean
gst_ice_stream_signallers_has (GstIceStreamSignallers *set, guint stream_id)
{
  gboolean has;

  g_mutex_lock (&set->lock);
  has = g_hash_table_contains (set->streams, GUINT_TO_POINTER (stream_id));
  g_mutex_unlock (&set->lock);
  return has;
}

/**
 * gst_ice_stream_signallers_publish:
 * @description: our whole description of @stream_id
 *
 * Queues it for the stream's room (no I/O on the caller's thread).
 */
void
gst_ice_stream_signallers_publish (GstIceStreamSignallers *set, guint stream_id,
                                   const gchar *description)
{
  StreamSignaller *ss;

  g_mutex_lock (&set->lock);
  ss = g_hash_table_lookup (set->streams, GUINT_TO_POINTER (stream_id));
  if (ss)
    gst_ice_signaller_publish (ss->sig, description);
  g_mutex_unlock (&set->lock);
}

/**
 * gst_ice_stream_signallers_address_lost:
 * @ip: a local address that went away
 *
 * Tells every stream's signaller (see gst_ice_signaller_address_lost()).
 */
void
gst_ice_stream_signallers_address_lost (GstIceStreamSignallers *set,
                                        const gchar *ip)
{
  GHashTableIter iter;
  StreamSignaller *ss;

  g_mutex_lock (&set->lock);
  g_hash_table_iter_init (&iter, set->streams);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&ss))
    gst_ice_signaller_address_lost (ss->sig, ip);
  g_mutex_unlock (&set->lock);
}

/**
 * gst_ice_stream_signallers_get_streams:
 *
 * Returns: (transfer container): the streams that have a signaller.
 */
GList *
gst_ice_stream_signallers_get_streams (GstIceStreamSignallers *set)
{
  GList *streams;

  g_mutex_lock (&set->lock);
  streams = g_hash_table_get_keys (set->streams);
  g_mutex_unlock (&set->lock);
  return streams;
}

/**
 * gst_ice_stream_signallers_stop:
 *
 * Stops every signaller (waiting for running callbacks) and removes our
 * room files. Call with no lock that the callbacks take.
 */
void
gst_ice_stream_signallers_stop (GstIceStreamSignallers *set)
{
  GList *signallers;

  g_mutex_lock (&set->lock);
  signallers = g_hash_table_get_values (set->streams);
  g_hash_table_steal_all (set->streams);
  g_mutex_unlock (&set->lock);
  g_list_free_full (signallers, stream_signaller_free);
}

/**
 * gst_ice_stream_signallers_free:
 * @set: (transfer full): a set, stopped
 */
void
gst_ice_stream_signallers_free (GstIceStreamSignallers *set)
{
  gst_ice_stream_signallers_stop (set);
  g_hash_table_unref (set->streams);
  g_mutex_clear (&set->lock);
  g_free (set);
}
