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

#include "ice/common/ice-context-thread.h"

/* GFileMonitors and libsoup sessions created on the thread deliver their
 * events there: it runs with the context as its thread default. */
static IceContextThread signal_thread
    = ICE_CONTEXT_THREAD_INIT (GST_ICE_SIGNAL_THREAD_NAME, NULL);

/**
 * gst_ice_signal_thread_ref:
 *
 * Returns: (transfer full): the signalling context; its thread runs until
 *   the matching gst_ice_signal_thread_unref(). Unref the context too.
 */
GMainContext *
gst_ice_signal_thread_ref (void)
{
  return ice_context_thread_ref (&signal_thread);
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
  ice_context_thread_unref (&signal_thread);
}
