/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The bookkeeping of gst-ice serve (tools/serve-rooms.c) on its own, with
 * time passed in: rooms of two that vanish when empty, the limits on
 * rooms and clients, and the token bucket.
 */
#include "serve-rooms.h"

static void
test_defaults (void)
{
  ServeLimits l;

  serve_limits_init (&l);
  /* docs/signalling.md, "Server limits" */
  g_assert_cmpuint (l.max_rooms, ==, 1000);
  g_assert_cmpuint (l.max_clients, ==, 2000);
  g_assert_cmpuint (l.max_message, ==, 16384);
  g_assert_cmpuint (l.rate, ==, 50);
  g_assert_cmpuint (l.burst, ==, 200);
  g_assert_cmpuint (l.max_errors, ==, 20);
  g_assert_cmpuint (l.join_timeout, ==, 10);
}

static void
test_pairing (void)
{
  ServeLimits l;
  ServeRooms *rooms;
  gint a, b, c;
  gpointer other;

  serve_limits_init (&l);
  rooms = serve_rooms_new (&l);
  g_assert_cmpint (serve_rooms_join (rooms, "r", &a, &other), ==,
                   SERVE_JOIN_FIRST);
  g_assert_null (other);
  g_assert_null (serve_rooms_other (rooms, "r", &a));
  g_assert_cmpint (serve_rooms_join (rooms, "r", &b, &other), ==,
                   SERVE_JOIN_PAIRED);
  g_assert_true (other == &a);
  g_assert_true (serve_rooms_other (rooms, "r", &a) == &b);
  g_assert_true (serve_rooms_other (rooms, "r", &b) == &a);
  g_assert_cmpint (serve_rooms_join (rooms, "r", &c, &other), ==,
                   SERVE_JOIN_ROOM_FULL);
  g_assert_null (serve_rooms_other (rooms, "r", &c));
  /* a leaves: b stays, c can come in */
  g_assert_true (serve_rooms_leave (rooms, "r", &a) == &b);
  g_assert_cmpint (serve_rooms_join (rooms, "r", &c, &other), ==,
                   SERVE_JOIN_PAIRED);
  g_assert_true (other == &b);
  g_assert_true (serve_rooms_leave (rooms, "r", &b) == &c);
  g_assert_null (serve_rooms_leave (rooms, "r", &c));
  g_assert_cmpuint (serve_rooms_n_rooms (rooms), ==, 0);
  g_assert_null (serve_rooms_leave (rooms, "gone", &c));
  serve_rooms_free (rooms);
}

static void
test_limits (void)
{
  ServeLimits l;
  ServeRooms *rooms;
  gint a, b;
  gpointer other;

  serve_limits_init (&l);
  l.max_rooms = 1;
  l.max_clients = 2;
  rooms = serve_rooms_new (&l);
  g_assert_true (serve_rooms_add_client (rooms));
  g_assert_true (serve_rooms_add_client (rooms));
  g_assert_false (serve_rooms_add_client (rooms));
  g_assert_cmpuint (serve_rooms_n_clients (rooms), ==, 2);
  serve_rooms_remove_client (rooms);
  g_assert_true (serve_rooms_add_client (rooms));

  g_assert_cmpint (serve_rooms_join (rooms, "one", &a, &other), ==,
                   SERVE_JOIN_FIRST);
  g_assert_cmpint (serve_rooms_join (rooms, "two", &b, &other), ==,
                   SERVE_JOIN_SERVER_FULL);
  /* an existing room still takes its second peer */
  g_assert_cmpint (serve_rooms_join (rooms, "one", &b, &other), ==,
                   SERVE_JOIN_PAIRED);
  serve_rooms_free (rooms);
}

static void
test_bucket (void)
{
  ServeLimits l;
  ServeBucket bucket;
  gint64 now = 1000 * G_USEC_PER_SEC;
  guint i;

  serve_limits_init (&l);
  l.rate = 10;
  l.burst = 5;
  serve_bucket_init (&bucket, &l, now);
  for (i = 0; i < 5; i++)
    g_assert_true (serve_bucket_take (&bucket, &l, now));
  g_assert_false (serve_bucket_take (&bucket, &l, now));
  /* 10 per second: one more after 100 ms, not before */
  g_assert_false (serve_bucket_take (&bucket, &l, now + 99 * 1000));
  g_assert_true (serve_bucket_take (&bucket, &l, now + 100 * 1000));
  /* a long pause fills it to the burst, no more */
  now += (gint64)3600 * G_USEC_PER_SEC;
  for (i = 0; i < 5; i++)
    g_assert_true (serve_bucket_take (&bucket, &l, now));
  g_assert_false (serve_bucket_take (&bucket, &l, now));
  /* time going backwards gives nothing */
  g_assert_false (serve_bucket_take (&bucket, &l, now - G_USEC_PER_SEC));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signal/serve-rooms/defaults", test_defaults);
  g_test_add_func ("/signal/serve-rooms/pairing", test_pairing);
  g_test_add_func ("/signal/serve-rooms/limits", test_limits);
  g_test_add_func ("/signal/serve-rooms/bucket", test_bucket);
  return g_test_run ();
}
