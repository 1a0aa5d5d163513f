/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A lite IceAgent ("ice-lite", RFC 8445 §2.5) against a full one on
 * loopback: it connects, carries media both ways, sends no check, and
 * describes itself with a=ice-lite and host candidates only though a STUN
 * server is configured.
 */
#include <string.h>

#include "io-test-util.h"

#define DATAGRAM_SIZE 200
#define N_DATAGRAMS 100

/* The second agent made (B) is the lite one, asked to control (it must
 * not); it is also given a STUN server that does not exist, which a full
 * agent would ask. */
static void
second_is_lite (IceAgent *agent, gpointer data)
{
  guint *n = data;

  if ((*n)++ == 1)
    g_object_set (agent, "ice-lite", TRUE, "controlling-mode", TRUE,
                  "stun-server", "stun://127.0.0.1:9", NULL);
}

static void
send_range (IceAgent *agent, guint stream, guint32 first, guint count)
{
  guint8 buf[DATAGRAM_SIZE];
  guint32 seq;

  for (seq = first; seq < first + count; seq++) {
    io_test_fill (buf, sizeof (buf), seq);
    g_assert_cmpuint (ice_agent_send (agent, stream, 1, buf, sizeof (buf)), ==,
                      1);
  }
}

static void
test_lite_against_full (void)
{
  IoTestPair pair = { 0 };
  IceAgentStats stats;
  gboolean lite = FALSE, controlling = TRUE;
  guint made = 0;
  gchar *desc;

  io_test_pair_connect (&pair, ICE_NOMINATION_REGULAR, second_is_lite, &made);
  g_object_get (pair.b, "ice-lite", &lite, "controlling-mode", &controlling,
                NULL);
  g_assert_true (lite);
  g_assert_false (controlling);
  send_range (pair.a, pair.stream_a, 0, N_DATAGRAMS);
  io_test_expect_sequence (pair.b, pair.stream_b, 0, N_DATAGRAMS);
  send_range (pair.b, pair.stream_b, 1000, N_DATAGRAMS);
  io_test_expect_sequence (pair.a, pair.stream_a, 1000, N_DATAGRAMS);

  ice_agent_get_stats (pair.b, &stats);
  g_assert_cmpuint (stats.checks_sent, ==, 0);
  g_assert_cmpuint (stats.checks_received, >=, 2);
  ice_agent_get_stats (pair.a, &stats);
  g_assert_cmpuint (stats.checks_sent, >=, 2);
  desc = ice_agent_get_local_description (pair.b, pair.stream_b);
  g_assert_nonnull (strstr (desc, "a=ice-lite\r\n"));
  g_assert_nonnull (strstr (desc, " typ host"));
  g_assert_null (strstr (desc, " typ srflx"));
  g_assert_null (strstr (desc, " typ relay"));
  g_free (desc);
  desc = ice_agent_get_local_description (pair.a, pair.stream_a);
  g_assert_null (strstr (desc, "a=ice-lite"));
  g_free (desc);
  io_test_pair_clear (&pair);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/agent/lite/against-full", test_lite_against_full);
  return g_test_run ();
}
