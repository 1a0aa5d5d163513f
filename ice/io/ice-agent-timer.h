/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Agents' timers: one GSource per GMainContext serves every agent on it
 * (ice-agent-timer.c). Not installed.
 */
#ifndef __ICE_AGENT_TIMER_H__
#define __ICE_AGENT_TIMER_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct _IceAgentTimer IceAgentTimer;
typedef void (*IceAgentTimerFunc) (gpointer data);

/* @func runs on @context with no lock held, once per arming, with a
 * reference on @data taken by @ref and dropped by @unref. */
IceAgentTimer *ice_agent_timer_new (GMainContext *context,
                                    IceAgentTimerFunc func, gpointer data,
                                    gpointer (*ref) (gpointer),
                                    GDestroyNotify unref);
/* Arms at @deadline (monotonic µs; in the past = at once), -1 disarms.
 * Any thread; may be called with the data's own lock held. */
void ice_agent_timer_set (IceAgentTimer *timer, gint64 deadline);
/* Call it when @data goes (its last reference), never from @func. */
void ice_agent_timer_free (IceAgentTimer *timer);

G_END_DECLS
#endif /* __ICE_AGENT_TIMER_H__ */
