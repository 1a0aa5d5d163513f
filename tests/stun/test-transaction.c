/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The client transaction timer on a virtual clock: the clock jumps to each
 * deadline the transaction asks for, and every deadline and action is
 * asserted against RFC 8489 §6.2.1 and §6.2.2.
 */
#include "ice/stun/stun-transaction.h"

#define MS(x) ((gint64)(x)*G_TIME_SPAN_MILLISECOND)

/* Arbitrary non-zero start so that absolute and relative times differ. */
#define T0 MS (1000000)

/* Runs @t on a virtual clock until it finishes; stores the times of the
 * retransmissions in @sends (the first send at T0 is not a timeout) and
 * returns the time at which it failed. */
static gint64
run_to_failure (IceStunTransaction *t, gint64 *sends, guint max_sends,
                guint *n_sends)
{
  gint64 now;

  *n_sends = 0;
  while ((now = ice_stun_transaction_next_timeout (t)) >= 0) {
    /* nothing happens a microsecond early */
    g_assert_cmpint (ice_stun_transaction_handle_timeout (t, now - 1), ==,
                     ICE_STUN_TIMEOUT_NOTHING);
    switch (ice_stun_transaction_handle_timeout (t, now)) {
      case ICE_STUN_TIMEOUT_RETRANSMIT:
        g_assert_cmpuint (*n_sends, <, max_sends);
        sends[(*n_sends)++] = now;
        g_assert_true (ice_stun_transaction_is_active (t));
        break;
      case ICE_STUN_TIMEOUT_FAILED:
        g_assert_cmpint (t->state, ==, ICE_STUN_TRANSACTION_TIMED_OUT);
        g_assert_cmpint (ice_stun_transaction_next_timeout (t), ==, -1);
        return now;
      case ICE_STUN_TIMEOUT_NOTHING:
        g_assert_not_reached ();
    }
  }
  g_assert_not_reached ();
  return -1;
}

static void
test_default_schedule (void)
{
  /* RFC 8489 §6.2.1: sends at 0, 500, 1500, 3500, 7500, 15500, 31500 ms,
   * failure at 39500 ms (last wait Rm * RTO = 8 s) */
  static const gint64 expected_ms[] = { 500, 1500, 3500, 7500, 15500, 31500 };
  IceStunTransaction t = { 0 };
  gint64 sends[16];
  guint n, i;
  gint64 failed;

  g_assert_false (ice_stun_transaction_is_active (&t));
  ice_stun_transaction_start (&t, T0, 0, 0, 0, FALSE);
  g_assert_true (ice_stun_transaction_is_active (&t));
  g_assert_cmpint (t.rto_us, ==, ICE_STUN_DEFAULT_RTO_US);
  g_assert_cmpuint (t.rc, ==, 7);
  g_assert_cmpuint (t.rm, ==, 16);
  g_assert_cmpint (ice_stun_transaction_next_timeout (&t), ==, T0 + MS (500));

  failed = run_to_failure (&t, sends, G_N_ELEMENTS (sends), &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected_ms));
  for (i = 0; i < n; i++)
    g_assert_cmpint (sends[i] - T0, ==, MS (expected_ms[i]));
  g_assert_cmpuint (t.sent, ==, 7);
  g_assert_cmpint (failed - T0, ==, MS (39500));

  /* finished: later timeouts do nothing */
  g_assert_cmpint (ice_stun_transaction_handle_timeout (&t, failed + MS (1)),
                   ==, ICE_STUN_TIMEOUT_NOTHING);
  g_assert_false (ice_stun_transaction_is_active (&t));
}

static void
test_custom_rto (void)
{
  /* RFC 8445 §14.3 sets the RTO per check; e.g. 100 ms, Rc 4, Rm 5:
   * sends at 0, 100, 300, 700 ms, failure at 700 + 5 * 100 = 1200 ms */
  static const gint64 expected_ms[] = { 100, 300, 700 };
  IceStunTransaction t = { 0 };
  gint64 sends[16];
  guint n, i;
  gint64 failed;

  ice_stun_transaction_start (&t, T0, MS (100), 4, 5, FALSE);
  failed = run_to_failure (&t, sends, G_N_ELEMENTS (sends), &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected_ms));
  for (i = 0; i < n; i++)
    g_assert_cmpint (sends[i] - T0, ==, MS (expected_ms[i]));
  g_assert_cmpint (failed - T0, ==, MS (1200));
}

static void
test_single_send (void)
{
  IceStunTransaction t = { 0 };
  gint64 sends[4];
  guint n;

  /* Rc 1: no retransmission, failure after Rm * RTO */
  ice_stun_transaction_start (&t, T0, MS (200), 1, 3, FALSE);
  g_assert_cmpint (run_to_failure (&t, sends, 4, &n) - T0, ==, MS (600));
  g_assert_cmpuint (n, ==, 0);
}

static void
test_reliable (void)
{
  IceStunTransaction t = { 0 };
  gint64 sends[4];
  guint n;

  /* RFC 8489 §6.2.2: one send, failure at Ti = 39.5 s whatever the RTO */
  ice_stun_transaction_start (&t, T0, MS (100), 0, 0, TRUE);
  g_assert_cmpint (ice_stun_transaction_next_timeout (&t), ==, T0 + MS (39500));
  g_assert_cmpint (run_to_failure (&t, sends, 4, &n) - T0, ==, MS (39500));
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (t.sent, ==, 1);
}

static void
test_complete_stops (void)
{
  IceStunTransaction t = { 0 };

  ice_stun_transaction_start (&t, T0, 0, 0, 0, FALSE);
  g_assert_cmpint (ice_stun_transaction_handle_timeout (&t, T0 + MS (500)), ==,
                   ICE_STUN_TIMEOUT_RETRANSMIT);
  ice_stun_transaction_complete (&t);
  g_assert_cmpint (t.state, ==, ICE_STUN_TRANSACTION_DONE);
  g_assert_false (ice_stun_transaction_is_active (&t));
  g_assert_cmpint (ice_stun_transaction_next_timeout (&t), ==, -1);
  g_assert_cmpint (ice_stun_transaction_handle_timeout (&t, T0 + MS (40000)),
                   ==, ICE_STUN_TIMEOUT_NOTHING);
  /* a late cancel does not undo the completion */
  ice_stun_transaction_cancel (&t);
  g_assert_cmpint (t.state, ==, ICE_STUN_TRANSACTION_DONE);
}

static void
test_cancel_stops (void)
{
  IceStunTransaction t = { 0 };

  ice_stun_transaction_start (&t, T0, 0, 0, 0, TRUE);
  ice_stun_transaction_cancel (&t);
  g_assert_cmpint (t.state, ==, ICE_STUN_TRANSACTION_CANCELLED);
  g_assert_cmpint (ice_stun_transaction_next_timeout (&t), ==, -1);
  g_assert_cmpint (ice_stun_transaction_handle_timeout (&t, T0 + MS (39500)),
                   ==, ICE_STUN_TIMEOUT_NOTHING);
  ice_stun_transaction_complete (&t);
  g_assert_cmpint (t.state, ==, ICE_STUN_TRANSACTION_CANCELLED);
}

static void
test_idle (void)
{
  IceStunTransaction t = { 0 };

  /* a zero-initialised record is not running */
  g_assert_cmpint (t.state, ==, ICE_STUN_TRANSACTION_IDLE);
  g_assert_false (ice_stun_transaction_is_active (&t));
  g_assert_cmpint (ice_stun_transaction_next_timeout (&t), ==, -1);
  g_assert_cmpint (ice_stun_transaction_handle_timeout (&t, T0), ==,
                   ICE_STUN_TIMEOUT_NOTHING);
}

static void
test_late_timer (void)
{
  IceStunTransaction t = { 0 };

  /* a timer that fires 300 ms late: the next wait (1 s) counts from the
   * actual send, so the schedule shifts instead of bunching sends */
  ice_stun_transaction_start (&t, T0, 0, 0, 0, FALSE);
  g_assert_cmpint (ice_stun_transaction_handle_timeout (&t, T0 + MS (800)), ==,
                   ICE_STUN_TIMEOUT_RETRANSMIT);
  g_assert_cmpint (ice_stun_transaction_next_timeout (&t), ==, T0 + MS (1800));
}

static void
test_restart (void)
{
  IceStunTransaction t = { 0 };

  ice_stun_transaction_start (&t, T0, 0, 0, 0, FALSE);
  ice_stun_transaction_complete (&t);
  ice_stun_transaction_start (&t, T0 + MS (5000), MS (250), 0, 0, FALSE);
  g_assert_true (ice_stun_transaction_is_active (&t));
  g_assert_cmpuint (t.sent, ==, 1);
  g_assert_cmpint (ice_stun_transaction_next_timeout (&t), ==, T0 + MS (5250));
}

static void
test_huge_values (void)
{
  IceStunTransaction t = { 0 };
  gint64 prev = T0;
  guint i;

  /* 100 sends with a one-minute RTO: no overflow, waits never shrink and
   * stay bounded */
  ice_stun_transaction_start (&t, T0, MS (60000), 100, 1000, FALSE);
  for (i = 0; i < 99; i++) {
    gint64 next = ice_stun_transaction_next_timeout (&t);

    g_assert_cmpint (next, >, prev);
    g_assert_cmpint (next - prev, <=, MS (3600 * 1000));
    g_assert_cmpint (ice_stun_transaction_handle_timeout (&t, next), ==,
                     ICE_STUN_TIMEOUT_RETRANSMIT);
    prev = next;
  }
  g_assert_cmpint (ice_stun_transaction_handle_timeout (
                       &t, ice_stun_transaction_next_timeout (&t)),
                   ==, ICE_STUN_TIMEOUT_FAILED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stun/transaction/default-schedule", test_default_schedule);
  g_test_add_func ("/stun/transaction/custom-rto", test_custom_rto);
  g_test_add_func ("/stun/transaction/single-send", test_single_send);
  g_test_add_func ("/stun/transaction/reliable", test_reliable);
  g_test_add_func ("/stun/transaction/complete-stops", test_complete_stops);
  g_test_add_func ("/stun/transaction/cancel-stops", test_cancel_stops);
  g_test_add_func ("/stun/transaction/idle", test_idle);
  g_test_add_func ("/stun/transaction/late-timer", test_late_timer);
  g_test_add_func ("/stun/transaction/restart", test_restart);
  g_test_add_func ("/stun/transaction/huge-values", test_huge_values);

  return g_test_run ();
}
