/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The gather log of a shared agent (see gsticegatherlog.h). Thread-safe:
 * written by the agent's handlers, read by the elements.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticegatherlog.h"

/* One stream: candidate lines and NULL for each gathering-done. */
typedef struct {
  guint generation;
  GPtrArray *entries;
} StreamLog;

struct _GstIceGatherLog {
  GMutex lock;
  GPtrArray *streams; /* stream id → StreamLog, or NULL */
};

static void
stream_log_free (gpointer data)
{
  StreamLog *s = data;

  if (s == NULL)
    return;
  g_ptr_array_unref (s->entries);
  g_free (s);
}

/**
 * gst_ice_gather_log_new:
 * Returns: (transfer full): an empty log; free with
 *   gst_ice_gather_log_free().
 */
GstIceGatherLog *
gst_ice_gather_log_new (void)
{
  GstIceGatherLog *log = g_new0 (GstIceGatherLog, 1);

  g_mutex_init (&log->lock);
  log->streams = g_ptr_array_new_with_free_func (stream_log_free);
  return log;
}

void
gst_ice_gather_log_free (GstIceGatherLog *log)
{
  g_ptr_array_unref (log->streams);
  g_mutex_clear (&log->lock);
  g_free (log);
}

/* Called with log->lock held. */
static StreamLog *
stream_log_locked (GstIceGatherLog *log, guint stream_id)
{
  StreamLog *s;

  if (stream_id >= log->streams->len)
    g_ptr_array_set_size (log->streams, stream_id + 1);
  s = g_ptr_array_index (log->streams, stream_id);
  if (s == NULL) {
    s = g_new0 (StreamLog, 1);
    s->entries = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_index (log->streams, stream_id) = s;
  }
  return s;
}

/**
 * gst_ice_gather_log_append:
 * @line: a local candidate line, or %NULL for a gathering-done
 */
void
gst_ice_gather_log_append (GstIceGatherLog *log, guint stream_id,
                           const gchar *line)
{
  g_mutex_lock (&log->lock);
  g_ptr_array_add (stream_log_locked (log, stream_id)->entries,
                   g_strdup (line));
  g_mutex_unlock (&log->lock);
}

/**
 * gst_ice_gather_log_restart:
 *
 * The stream gathers anew (ICE restart): what came before is not read
 * any more, and readers start over with what comes next.
 */
void
gst_ice_gather_log_restart (GstIceGatherLog *log, guint stream_id)
{
  StreamLog *s;

  g_mutex_lock (&log->lock);
  s = stream_log_locked (log, stream_id);
  s->generation++;
  g_ptr_array_set_size (s->entries, 0);
  g_mutex_unlock (&log->lock);
}

/**
 * gst_ice_gather_log_next:
 * @cursor: where the reader is
 * @line: (out) (transfer full): the next candidate line, or %NULL for a
 *   gathering-done
 *
 * Returns: %FALSE when @cursor is at the end of the stream's log.
 */
gboolean
gst_ice_gather_log_next (GstIceGatherLog *log, guint stream_id,
                         GstIceGatherCursor *cursor, gchar **line)
{
  StreamLog *s;
  gboolean more = FALSE;

  g_mutex_lock (&log->lock);
  s = stream_id < log->streams->len
          ? g_ptr_array_index (log->streams, stream_id)
          : NULL;
  if (s && s->generation != cursor->generation) {
    cursor->generation = s->generation;
    cursor->next = 0;
  }
  if (s && cursor->next < s->entries->len) {
    *line = g_strdup (g_ptr_array_index (s->entries, cursor->next++));
    more = TRUE;
  }
  g_mutex_unlock (&log->lock);
  return more;
}
