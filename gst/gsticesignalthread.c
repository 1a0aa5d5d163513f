/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One thread named "gst-ice-signal" runs a GMainContext for every
 * signaller of the process (many rooms must not mean many threads). It is
 * started by the first reference and stopped by the last.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticesignalthread.h"

/* One run of the thread: quitting is a flag plus a wakeup, because a
 * wakeup sent before the thread first blocks would otherwise be lost. */
typedef struct {
  GMainContext *context;
  gint quit;
} SignalRun;

static GMutex signal_lock;
static guint signal_refcount;
static SignalRun *signal_run;
static GThread *signal_thread;

static gpointer
signal_thread_run (gpointer data)
{
  SignalRun *run = data;

  /* GFileMonitors created here deliver their events here. */
  g_main_context_push_thread_default (run->context);
  while (!g_atomic_int_get (&run->quit))
    g_main_context_iteration (run->context, TRUE);
  g_main_context_pop_thread_default (run->context);
  g_main_context_unref (run->context);
  g_free (run);
  return NULL;
}

/**
 * gst_ice_signal_thread_ref:
 *
 * Returns: (transfer full): the signalling context; its thread runs until
 *   the matching gst_ice_signal_thread_unref(). Unref the context too.
 */
GMainContext *
gst_ice_signal_thread_ref (void)
{
  GMainContext *context;

  g_mutex_lock (&signal_lock);
  if (signal_refcount++ == 0) {
    signal_run = g_new0 (SignalRun, 1);
    signal_run->context = g_main_context_new ();
    signal_thread = g_thread_new (GST_ICE_SIGNAL_THREAD_NAME, signal_thread_run,
                                  signal_run);
  }
  context = g_main_context_ref (signal_run->context);
  g_mutex_unlock (&signal_lock);
  return context;
}

/**
 * gst_ice_signal_thread_unref:
 *
 * Drops a reference from gst_ice_signal_thread_ref(). The last one stops
 * the thread: joined, unless this runs on the thread itself (a signaller
 * freed from its own callback), which then finishes on its own.
 */
void
gst_ice_signal_thread_unref (void)
{
  GThread *thread = NULL;
  SignalRun *run = NULL;
  GMainContext *context;

  g_mutex_lock (&signal_lock);
  g_assert (signal_refcount > 0);
  if (--signal_refcount == 0) {
    thread = g_steal_pointer (&signal_thread);
    run = g_steal_pointer (&signal_run);
  }
  g_mutex_unlock (&signal_lock);
  if (run == NULL)
    return;
  /* the thread frees @run as soon as it sees the flag */
  context = g_main_context_ref (run->context);
  g_atomic_int_set (&run->quit, 1);
  g_main_context_wakeup (context);
  g_main_context_unref (context);
  if (thread == g_thread_self ())
    g_thread_unref (thread);
  else
    g_thread_join (thread);
}
