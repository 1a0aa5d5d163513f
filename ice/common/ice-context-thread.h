/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A process-wide thread running one GMainContext, shared by reference:
 * the first ice_context_thread_ref() starts it, the last unref stops it.
 * Declare one as a static with ICE_CONTEXT_THREAD_INIT.
 */
#ifndef __ICE_CONTEXT_THREAD_H__
#define __ICE_CONTEXT_THREAD_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const gchar *name;      /* the thread's name */
  void (*on_exit) (void); /* run on the thread as it ends; may be NULL */
  /* private, under @lock */
  GMutex lock;
  guint refcount;
  gpointer run;
  GThread *thread;
} IceContextThread;

#define ICE_CONTEXT_THREAD_INIT(thread_name, exit_func)                        \
  {                                                                            \
    .name = (thread_name), .on_exit = (exit_func)                              \
  }

/* Returns (transfer full) the thread's context, starting the thread. */
GMainContext *ice_context_thread_ref (IceContextThread *thread);

/* Drops a reference (the caller unrefs its GMainContext itself). The last
 * one stops the thread: joined, unless this runs on the thread itself,
 * which then finishes on its own. */
void ice_context_thread_unref (IceContextThread *thread);

G_END_DECLS
#endif /* __ICE_CONTEXT_THREAD_H__ */
