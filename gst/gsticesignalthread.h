/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The process-wide signalling thread: room I/O of every signaller runs
 * here, never on the "gst-ice" packet thread, so a slow disk stalls
 * signalling only, not STUN, consent or media.
 */
#ifndef __GST_ICE_SIGNAL_THREAD_H__
#define __GST_ICE_SIGNAL_THREAD_H__

#include <glib.h>

G_BEGIN_DECLS

/* The thread's name, as the debug log and the tests see it. */
#define GST_ICE_SIGNAL_THREAD_NAME "gst-ice-signal"

GMainContext *gst_ice_signal_thread_ref (void);
void gst_ice_signal_thread_unref (void);

G_END_DECLS
#endif /* __GST_ICE_SIGNAL_THREAD_H__ */
