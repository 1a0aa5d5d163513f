/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One timer source per GMainContext for all the agents on it, instead of
 * one GSource per agent: a GMainContext walks every source it has on
 * every iteration with its lock held, so 10,000 agents' timers made each
 * wakeup cost 10,000 steps, and each re-arming from another thread (the
 * mux's) waited for that walk. Here the deadlines sit in a sorted
 * sequence; the source's ready time is the earliest one, and it is only
 * touched when that gets earlier. Firing takes the due agents out under
 * the timers' lock, then runs each agent's callback with no lock held.
 *
 * Locks: an agent re-arms with its own lock held (agent → timers); the
 * dispatch never takes an agent's lock while holding the timers' lock.
 */
#include "ice/io/ice-agent-timer.h"

typedef struct {
  GSource source;
  GMutex lock;
  GMainContext *context; /* the registry key, not a reference */
  guint users;           /* registered entries, under registry_lock */
  GSequence *due;        /* IceAgentTimer *, by deadline */
  gint64 armed;          /* the source's ready time, -1 = none */
} TimerSource;

struct _IceAgentTimer {
  TimerSource *ts;
  IceAgentTimerFunc func;
  gpointer data;
  gpointer (*ref) (gpointer data);
  GDestroyNotify unref;
  gint64 deadline;     /* -1 = none */
  GSequenceIter *iter; /* in ts->due while deadline >= 0 */
};

static GMutex registry_lock;
static GHashTable *registry; /* GMainContext * -> TimerSource * */

static gint
compare_deadline (gconstpointer a, gconstpointer b, gpointer unused)
{
  const IceAgentTimer *ta = a, *tb = b;

  if (ta->deadline != tb->deadline)
    return ta->deadline < tb->deadline ? -1 : 1;
  return ta < tb ? -1 : ta > tb;
}

/* Under ts->lock: the source wakes at the earliest deadline. Unless
 * @always, a source armed earlier than needed stays so (it fires, finds
 * nothing due and re-arms): setting the ready time takes the context's
 * lock and wakes it. */
static void
rearm_locked (TimerSource *ts, gboolean always)
{
  GSequenceIter *first = g_sequence_get_begin_iter (ts->due);
  gint64 next = g_sequence_iter_is_end (first)
                    ? -1
                    : ((IceAgentTimer *)g_sequence_get (first))->deadline;

  if (next == ts->armed)
    return;
  if (!always && ts->armed >= 0 && (next < 0 || next > ts->armed))
    return;
  ts->armed = next;
  g_source_set_ready_time (&ts->source, next);
}

typedef struct {
  IceAgentTimer *timer;
  gpointer data; /* a reference */
} Fired;

static gboolean
timers_dispatch (GSource *source, GSourceFunc callback, gpointer unused)
{
  TimerSource *ts = (TimerSource *)source;
  GArray *fired = g_array_new (FALSE, FALSE, sizeof (Fired));
  gint64 now = g_get_monotonic_time ();
  GSequenceIter *it;
  guint i;

  g_mutex_lock (&ts->lock);
  while (!g_sequence_iter_is_end (it = g_sequence_get_begin_iter (ts->due))) {
    IceAgentTimer *timer = g_sequence_get (it);
    Fired f = { timer };

    if (timer->deadline > now)
      break;
    g_sequence_remove (it);
    timer->iter = NULL;
    timer->deadline = -1;
    /* a timer is freed only with its data's last reference, so the data
     * outlives the call even if its owner closes meanwhile */
    f.data = timer->ref (timer->data);
    g_array_append_val (fired, f);
  }
  /* the ready time has passed: arm anew whatever comes next */
  ts->armed = -1;
  rearm_locked (ts, TRUE);
  g_mutex_unlock (&ts->lock);
  for (i = 0; i < fired->len; i++) {
    Fired *f = &g_array_index (fired, Fired, i);

    f->timer->func (f->data);
    f->timer->unref (f->data);
  }
  g_array_unref (fired);
  return G_SOURCE_CONTINUE;
}

static void
timers_finalize (GSource *source)
{
  TimerSource *ts = (TimerSource *)source;

  g_sequence_free (ts->due);
  g_mutex_clear (&ts->lock);
}

static GSourceFuncs timer_source_funcs
    = { NULL, NULL, timers_dispatch, timers_finalize, NULL, NULL };

static TimerSource *
timer_source_get_locked (GMainContext *context)
{
  TimerSource *ts;

  if (registry == NULL)
    registry = g_hash_table_new (NULL, NULL);
  ts = g_hash_table_lookup (registry, context);
  if (ts != NULL)
    return ts;
  ts = (TimerSource *)g_source_new (&timer_source_funcs, sizeof (TimerSource));
  g_mutex_init (&ts->lock);
  ts->context = context;
  ts->due = g_sequence_new (NULL);
  ts->armed = -1;
  g_source_set_name (&ts->source, "ice-agent-timers");
  g_source_attach (&ts->source, context);
  g_hash_table_insert (registry, context, ts);
  return ts;
}

IceAgentTimer *
ice_agent_timer_new (GMainContext *context, IceAgentTimerFunc func,
                     gpointer data, gpointer (*ref) (gpointer),
                     GDestroyNotify unref)
{
  IceAgentTimer *timer = g_new0 (IceAgentTimer, 1);

  timer->func = func;
  timer->data = data;
  timer->ref = ref;
  timer->unref = unref;
  timer->deadline = -1;
  g_mutex_lock (&registry_lock);
  timer->ts = timer_source_get_locked (context);
  timer->ts->users++;
  g_mutex_unlock (&registry_lock);
  return timer;
}

/* @deadline: monotonic µs (0 = now), or -1 for none */
void
ice_agent_timer_set (IceAgentTimer *timer, gint64 deadline)
{
  TimerSource *ts = timer->ts;

  g_mutex_lock (&ts->lock);
  if (timer->deadline != deadline) {
    if (timer->iter != NULL)
      g_sequence_remove (timer->iter);
    timer->iter = NULL;
    timer->deadline = deadline;
    if (deadline >= 0)
      timer->iter
          = g_sequence_insert_sorted (ts->due, timer, compare_deadline, NULL);
    rearm_locked (ts, FALSE);
  }
  g_mutex_unlock (&ts->lock);
}

/* With the data's last reference (the dispatch holds one during a
 * call, so no call can be running). */
void
ice_agent_timer_free (IceAgentTimer *timer)
{
  TimerSource *ts;
  gboolean last;

  if (timer == NULL)
    return;
  ts = timer->ts;
  ice_agent_timer_set (timer, -1);
  g_mutex_lock (&registry_lock);
  last = --ts->users == 0;
  if (last)
    g_hash_table_remove (registry, ts->context);
  g_mutex_unlock (&registry_lock);
  if (last) {
    g_source_destroy (&ts->source);
    g_source_unref (&ts->source);
  }
  g_free (timer);
}
