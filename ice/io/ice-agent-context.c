/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The process-wide context that serves every agent created without one:
 * one thread named "gst-ice" (many agents must not mean many threads),
 * started by the first reference and stopped by the last.
 */
#include "ice/io/ice-agent-private.h"

#include "ice/common/ice-context-thread.h"
#include "ice/io/ice-agent-tls.h"

/* TLS to a TURN server on the thread leaves OpenSSL per-thread state
 * behind; free it as the thread ends, or each stopped thread leaks it. */
static void
stop_openssl_thread (void)
{
  ice_agent_tls_thread_stop ();
}

static IceContextThread shared_thread
    = ICE_CONTEXT_THREAD_INIT ("gst-ice", stop_openssl_thread);

/* Returns a new reference to the shared context, starting its thread. */
GMainContext *
ice_agent_shared_context_ref (void)
{
  return ice_context_thread_ref (&shared_thread);
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
  ice_context_thread_unref (&shared_thread);
}
