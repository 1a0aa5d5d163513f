/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The query schedule of one name (see mdns-schedule.h).
 */
#include "ice/mdns/mdns-schedule.h"

/* The first query is due at @now_us; the name is given up @timeout_us
 * later. */
void
ice_mdns_schedule_start (IceMdnsSchedule *s, gint64 now_us, gint64 timeout_us)
{
  s->next_us = now_us;
  s->interval_us = ICE_MDNS_FIRST_INTERVAL_US;
  s->deadline_us = now_us + timeout_us;
}

/**
 * ice_mdns_schedule_poll:
 *
 * What to do at @now_us. After %ICE_MDNS_SCHEDULE_SEND the next query is
 * due one interval after @now_us (a late timer delays the rest, it does
 * not bunch queries) and the interval doubles.
 */
IceMdnsScheduleAction
ice_mdns_schedule_poll (IceMdnsSchedule *s, gint64 now_us)
{
  if (now_us >= s->deadline_us)
    return ICE_MDNS_SCHEDULE_GIVE_UP;
  if (now_us < s->next_us)
    return ICE_MDNS_SCHEDULE_WAIT;
  s->next_us = now_us + s->interval_us;
  s->interval_us *= 2;
  return ICE_MDNS_SCHEDULE_SEND;
}

/* When ice_mdns_schedule_poll() has something to do: the next query or
 * the deadline, whichever is first */
gint64
ice_mdns_schedule_next (const IceMdnsSchedule *s)
{
  return MIN (s->next_us, s->deadline_us);
}
