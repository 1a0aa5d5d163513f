/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See ice-context-thread.h.
 */
#include "ice/common/ice-context-thread.h"

/* One run of the thread: quitting is a flag plus a wakeup, because
 * g_main_loop_quit() before g_main_loop_run() started would be lost. */
typedef struct {
  GMainContext *context;
  void (*on_exit) (void);
  gint quit;
} ThreadRun;

static gpointer
thread_main (gpointer data)
{
  ThreadRun *run = data;

  /* sources created here with the thread-default context (GFileMonitor,
   * libsoup) deliver their events here */
  g_main_context_push_thread_default (run->context);
  while (!g_atomic_int_get (&run->quit))
    g_main_context_iteration (run->context, TRUE);
  g_main_context_pop_thread_default (run->context);
  g_main_context_unref (run->context);
  if (run->on_exit != NULL)
    run->on_exit ();
  g_free (run);
  return NULL;
}

GMainContext *
ice_context_thread_ref (IceContextThread *thread)
{
  GMainContext *context;
  ThreadRun *run;

  g_mutex_lock (&thread->lock);
  if (thread->refcount++ == 0) {
    run = g_new0 (ThreadRun, 1);
    run->context = g_main_context_new ();
    run->on_exit = thread->on_exit;
    thread->run = run;
    thread->thread = g_thread_new (thread->name, thread_main, run);
  }
  run = thread->run;
  context = g_main_context_ref (run->context);
  g_mutex_unlock (&thread->lock);
  return context;
}

void
ice_context_thread_unref (IceContextThread *thread)
{
  GThread *stopping = NULL;
  ThreadRun *run = NULL;
  GMainContext *context;

  g_mutex_lock (&thread->lock);
  g_assert (thread->refcount > 0);
  if (--thread->refcount == 0) {
    stopping = g_steal_pointer (&thread->thread);
    run = g_steal_pointer (&thread->run);
  }
  g_mutex_unlock (&thread->lock);
  if (run == NULL)
    return;
  /* the thread frees @run as soon as it sees the flag */
  context = g_main_context_ref (run->context);
  g_atomic_int_set (&run->quit, 1);
  g_main_context_wakeup (context);
  g_main_context_unref (context);
  if (stopping == g_thread_self ())
    g_thread_unref (stopping);
  else
    g_thread_join (stopping);
}
