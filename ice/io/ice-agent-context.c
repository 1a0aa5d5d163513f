/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The process-wide context that serves every agent created without one:
 * one thread named "gst-ice" (many agents must not mean many threads),
 * started by the first reference and stopped by the last.
 */
#include "ice/io/ice-agent-private.h"

#include <openssl/crypto.h>

/* One run of the thread: quitting is a flag plus a wakeup, because
 * g_main_loop_quit() before g_main_loop_run() started would be lost. */
typedef struct {
  GMainContext *context;
  gint quit;
} SharedRun;

static GMutex shared_lock;
static guint shared_refcount;
static SharedRun *shared_run;
static GThread *shared_thread;

static gpointer
shared_thread_run (gpointer data)
{
  SharedRun *run = data;

  g_main_context_push_thread_default (run->context);
  while (!g_atomic_int_get (&run->quit))
    g_main_context_iteration (run->context, TRUE);
  g_main_context_pop_thread_default (run->context);
  g_main_context_unref (run->context);
  g_free (run);
  /* The STUN MACs computed on this thread leave OpenSSL per-thread state
   * behind; free it here, or each stopped thread leaks it. */
  OPENSSL_thread_stop ();
  return NULL;
}

/* Returns a new reference to the shared context, starting its thread. */
GMainContext *
ice_agent_shared_context_ref (void)
{
  GMainContext *context;

  g_mutex_lock (&shared_lock);
  if (shared_refcount++ == 0) {
    shared_run = g_new0 (SharedRun, 1);
    shared_run->context = g_main_context_new ();
    shared_thread = g_thread_new ("gst-ice", shared_thread_run, shared_run);
  }
  context = g_main_context_ref (shared_run->context);
  g_mutex_unlock (&shared_lock);
  return context;
}

/* Drops a reference taken by ice_agent_shared_context_ref() (the caller
 * unrefs its GMainContext itself). The last one stops the thread; when
 * that happens on the thread itself (the last agent's state freed by a
 * socket or timer callback that was running when the agent was disposed)
 * the thread is left to finish on its own instead of joined. Signal
 * handlers run on the dispatch pool (ice-agent-dispatch.c), so an agent
 * unreffed there is joined from the pool thread. */
void
ice_agent_shared_context_unref (void)
{
  GThread *thread = NULL;
  SharedRun *run = NULL;
  GMainContext *context;

  g_mutex_lock (&shared_lock);
  g_assert (shared_refcount > 0);
  if (--shared_refcount == 0) {
    thread = g_steal_pointer (&shared_thread);
    run = g_steal_pointer (&shared_run);
  }
  g_mutex_unlock (&shared_lock);

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
