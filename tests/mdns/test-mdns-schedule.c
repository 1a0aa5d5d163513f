/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The query schedule of a name on a fake clock: queries at 0, 1 and 3 s
 * (RFC 6762 §5.2: 1 s, then doubling), nothing between, given up at the
 * 5 s deadline (ICE_AGENT_MDNS_TIMEOUT_MS) after three queries; a late
 * timer shifts the rest instead of bunching queries.
 */
#include "ice/mdns/mdns-schedule.h"

#define T0 (1000 * G_USEC_PER_SEC)
#define S(x) ((gint64)((x)*G_USEC_PER_SEC))
#define TIMEOUT S (5)

/* Runs the schedule as a timer would (at each ice_mdns_schedule_next()),
 * recording the times of the queries; returns when it gives up */
static guint
run (IceMdnsSchedule *s, gint64 *sent, guint max, gint64 *gave_up)
{
  guint n = 0;
  gint64 now;

  for (;;) {
    now = ice_mdns_schedule_next (s);
    switch (ice_mdns_schedule_poll (s, now)) {
      case ICE_MDNS_SCHEDULE_SEND:
        g_assert_cmpuint (n, <, max);
        sent[n++] = now;
        break;
      case ICE_MDNS_SCHEDULE_GIVE_UP:
        *gave_up = now;
        return n;
      case ICE_MDNS_SCHEDULE_WAIT:
        g_assert_not_reached ();
    }
  }
}

static void
test_intervals (void)
{
  IceMdnsSchedule s;
  gint64 sent[8], gave_up = 0;

  ice_mdns_schedule_start (&s, T0, TIMEOUT);
  g_assert_cmpuint (run (&s, sent, G_N_ELEMENTS (sent), &gave_up), ==, 3);
  g_assert_cmpint (sent[0], ==, T0);
  g_assert_cmpint (sent[1], ==, T0 + S (1));
  g_assert_cmpint (sent[2], ==, T0 + S (3));
  g_assert_cmpint (gave_up, ==, T0 + TIMEOUT);
}

/* Polled between the due times, it says wait */
static void
test_nothing_between (void)
{
  IceMdnsSchedule s;

  ice_mdns_schedule_start (&s, T0, TIMEOUT);
  g_assert_cmpint (ice_mdns_schedule_poll (&s, T0), ==, ICE_MDNS_SCHEDULE_SEND);
  g_assert_cmpint (ice_mdns_schedule_poll (&s, T0), ==, ICE_MDNS_SCHEDULE_WAIT);
  g_assert_cmpint (ice_mdns_schedule_poll (&s, T0 + S (0.999)), ==,
                   ICE_MDNS_SCHEDULE_WAIT);
  g_assert_cmpint (ice_mdns_schedule_next (&s), ==, T0 + S (1));
  g_assert_cmpint (ice_mdns_schedule_poll (&s, T0 + S (1)), ==,
                   ICE_MDNS_SCHEDULE_SEND);
  g_assert_cmpint (ice_mdns_schedule_poll (&s, T0 + S (2.9)), ==,
                   ICE_MDNS_SCHEDULE_WAIT);
}

/* A timer that fires 400 ms late: the next query is 2 s after the late
 * one, not 1.6 s; the deadline does not move */
static void
test_late_timer (void)
{
  IceMdnsSchedule s;

  ice_mdns_schedule_start (&s, T0, TIMEOUT);
  g_assert_cmpint (ice_mdns_schedule_poll (&s, T0), ==, ICE_MDNS_SCHEDULE_SEND);
  g_assert_cmpint (ice_mdns_schedule_poll (&s, T0 + S (1.4)), ==,
                   ICE_MDNS_SCHEDULE_SEND);
  g_assert_cmpint (ice_mdns_schedule_next (&s), ==, T0 + S (3.4));
  g_assert_cmpint (ice_mdns_schedule_poll (&s, T0 + S (3.4)), ==,
                   ICE_MDNS_SCHEDULE_SEND);
  g_assert_cmpint (ice_mdns_schedule_next (&s), ==, T0 + TIMEOUT);
  g_assert_cmpint (ice_mdns_schedule_poll (&s, T0 + TIMEOUT), ==,
                   ICE_MDNS_SCHEDULE_GIVE_UP);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mdns/schedule/intervals", test_intervals);
  g_test_add_func ("/mdns/schedule/nothing-between", test_nothing_between);
  g_test_add_func ("/mdns/schedule/late-timer", test_late_timer);
  return g_test_run ();
}
