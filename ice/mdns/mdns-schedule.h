/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * When to ask for one name (RFC 6762 §5.2, continuous querying cut short
 * for ICE): the first query at once, the second 1 s later, then at
 * doubling intervals, and give up at a deadline (the candidate then counts
 * as unresolved). Sans-IO: the caller gives "now" and sends; tested on a
 * fake clock (tests/mdns/test-mdns-schedule.c).
 */
#ifndef __MDNS_SCHEDULE_H__
#define __MDNS_SCHEDULE_H__

#include <glib.h>

G_BEGIN_DECLS

/* RFC 6762 §5.2: at least one second between the first two queries */
#define ICE_MDNS_FIRST_INTERVAL_US G_USEC_PER_SEC

typedef struct {
  gint64 next_us;     /* the next query */
  gint64 interval_us; /* the wait after it */
  gint64 deadline_us; /* give up */
} IceMdnsSchedule;

/**
 * IceMdnsScheduleAction:
 * @ICE_MDNS_SCHEDULE_WAIT: nothing due yet (ice_mdns_schedule_next())
 * @ICE_MDNS_SCHEDULE_SEND: send a query now
 * @ICE_MDNS_SCHEDULE_GIVE_UP: the deadline passed: no answer came
 */
typedef enum {
  ICE_MDNS_SCHEDULE_WAIT = 0,
  ICE_MDNS_SCHEDULE_SEND,
  ICE_MDNS_SCHEDULE_GIVE_UP,
} IceMdnsScheduleAction;

void ice_mdns_schedule_start (IceMdnsSchedule *s, gint64 now_us,
                              gint64 timeout_us);
IceMdnsScheduleAction ice_mdns_schedule_poll (IceMdnsSchedule *s,
                                              gint64 now_us);
gint64 ice_mdns_schedule_next (const IceMdnsSchedule *s);

G_END_DECLS
#endif /* __MDNS_SCHEDULE_H__ */
