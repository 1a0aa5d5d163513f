/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The bounded receive queue on its own: drop-oldest by count and by bytes.
 */
#include "ice/io/ice-agent-private.h"

static void
push_seq (IceAgentQueue *queue, guint8 seq, gsize size, guint expect_drops)
{
  IceAgentDatagram d = { 0 };
  guint8 *data = g_malloc0 (size);

  data[0] = seq;
  d.bytes = g_bytes_new_take (data, size);
  g_assert_cmpuint (ice_agent_queue_push (queue, &d), ==, expect_drops);
  g_assert_null (d.bytes);
}

static guint8
pop_seq (IceAgentQueue *queue)
{
  IceAgentDatagram d = { 0 };
  guint8 seq;

  g_assert_cmpuint (ice_agent_queue_pop (queue, &d, 1), ==, 1);
  seq = ((const guint8 *)g_bytes_get_data (d.bytes, NULL))[0];
  ice_agent_datagram_clear (&d);
  return seq;
}

static void
test_drop_oldest_by_count (void)
{
  IceAgentQueue *queue = ice_agent_queue_new (4, 0);
  guint i;

  for (i = 0; i < 4; i++)
    push_seq (queue, i, 10, 0);
  /* full: each push drops the oldest */
  push_seq (queue, 4, 10, 1);
  push_seq (queue, 5, 10, 1);
  g_assert_cmpuint (ice_agent_queue_length (queue), ==, 4);
  for (i = 2; i < 6; i++)
    g_assert_cmpuint (pop_seq (queue), ==, i);
  g_assert_cmpuint (ice_agent_queue_length (queue), ==, 0);
  ice_agent_queue_free (queue);
}

static void
test_drop_oldest_by_bytes (void)
{
  IceAgentQueue *queue = ice_agent_queue_new (100, 1000);

  push_seq (queue, 1, 400, 0);
  push_seq (queue, 2, 400, 0);
  /* 400 + 400 + 300 > 1000: the oldest goes */
  push_seq (queue, 3, 300, 1);
  /* a datagram above the whole budget still fits alone */
  push_seq (queue, 4, 2000, 2);
  g_assert_cmpuint (ice_agent_queue_length (queue), ==, 1);
  g_assert_cmpuint (pop_seq (queue), ==, 4);
  ice_agent_queue_free (queue);
}

static void
test_pop_batch_and_clear (void)
{
  IceAgentQueue *queue = ice_agent_queue_new (8, 0);
  IceAgentDatagram out[8];
  guint i, n;

  for (i = 0; i < 6; i++)
    push_seq (queue, i, 10, 0);
  n = ice_agent_queue_pop (queue, out, 4);
  g_assert_cmpuint (n, ==, 4);
  for (i = 0; i < n; i++) {
    g_assert_cmpuint (
        ((const guint8 *)g_bytes_get_data (out[i].bytes, NULL))[0], ==, i);
    ice_agent_datagram_clear (&out[i]);
  }
  ice_agent_queue_clear (queue);
  g_assert_cmpuint (ice_agent_queue_length (queue), ==, 0);
  g_assert_cmpuint (ice_agent_queue_pop (queue, out, 4), ==, 0);
  ice_agent_queue_free (queue);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/queue/drop-oldest-by-count", test_drop_oldest_by_count);
  g_test_add_func ("/io/queue/drop-oldest-by-bytes", test_drop_oldest_by_bytes);
  g_test_add_func ("/io/queue/pop-batch-and-clear", test_pop_batch_and_clear);
  return g_test_run ();
}
