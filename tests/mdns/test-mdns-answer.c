/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ice_mdns_should_answer(): which of our names a parsed query asks for,
 * and that nothing else (responses, other names, other classes) does.
 */
#include "ice/mdns/mdns-message.h"

#include <string.h>

#define NAME_V4 "00010203-0405-4607-8809-0a0b0c0d0e0f.local"
#define NAME_V6 "ffffffff-ffff-4fff-bfff-ffffffffffff.local"

static IceMdnsParseResult
parse_exact (IceMdnsMessage *msg, const guint8 *data, gsize len)
{
  guint8 *copy = g_memdup2 (data, len);
  IceMdnsParseResult res = ice_mdns_message_parse (msg, copy, len);

  g_free (copy);
  return res;
}

static IceMdnsParseResult
parse_query (IceMdnsMessage *msg, const IceMdnsQuery *q, guint n)
{
  guint8 buf[1024];
  gsize len = ice_mdns_build_query (buf, sizeof (buf), q, n);

  g_assert_cmpuint (len, >, 0);
  return parse_exact (msg, buf, len);
}

static void
test_should_answer (void)
{
  const gchar *const ours[] = { NAME_V4, NAME_V6, "other.local" };
  const IceMdnsQuery q[] = {
    { "00010203-0405-4607-8809-0A0B0C0D0E0F.LOCAL", ICE_MDNS_TYPE_A, TRUE },
    { NAME_V6, ICE_MDNS_TYPE_AAAA, TRUE },
    { NAME_V6, ICE_MDNS_TYPE_A, FALSE },
    { "stranger.local", ICE_MDNS_TYPE_ANY, FALSE },
    { "other.local", 16 /* TXT */, FALSE },
  };
  IceMdnsMessage msg;
  guint8 asked[3];

  g_assert_cmpint (parse_query (&msg, q, G_N_ELEMENTS (q)), ==,
                   ICE_MDNS_PARSE_OK);
  g_assert_cmpuint (ice_mdns_should_answer (&msg, ours, 3, asked), ==, 2);
  g_assert_cmphex (asked[0], ==, ICE_MDNS_ASKED_A | ICE_MDNS_ASKED_UNICAST);
  /* A QM question for the name: the answer is multicast. */
  g_assert_cmphex (asked[1], ==, ICE_MDNS_ASKED_A | ICE_MDNS_ASKED_AAAA);
  g_assert_cmphex (asked[2], ==, 0);

  /* ANY asks for both. */
  g_assert_cmpint (
      parse_query (
          &msg, &(IceMdnsQuery){ "other.local", ICE_MDNS_TYPE_ANY, FALSE }, 1),
      ==, ICE_MDNS_PARSE_OK);
  g_assert_cmpuint (ice_mdns_should_answer (&msg, ours, 3, asked), ==, 1);
  g_assert_cmphex (asked[2], ==, ICE_MDNS_ASKED_A | ICE_MDNS_ASKED_AAAA);

  /* Only names that are ours. */
  g_assert_cmpint (parse_query (&msg,
                                &(IceMdnsQuery){ "other.local.example",
                                                 ICE_MDNS_TYPE_A, FALSE },
                                1),
                   ==, ICE_MDNS_PARSE_OK);
  g_assert_cmpuint (ice_mdns_should_answer (&msg, ours, 3, asked), ==, 0);
}

/* A response never asks, even when it carries questions for our name. */
static void
test_never_answer_responses (void)
{
  const gchar *const ours[] = { "other.local" };
  IceMdnsQuery q = { "other.local", ICE_MDNS_TYPE_A, FALSE };
  IceMdnsMessage msg;
  guint8 buf[128], asked[1] = { 0xff };
  gsize len;

  len = ice_mdns_build_query (buf, sizeof (buf), &q, 1);
  g_assert_cmpint (parse_exact (&msg, buf, len), ==, ICE_MDNS_PARSE_OK);
  g_assert_cmpuint (ice_mdns_should_answer (&msg, ours, 1, asked), ==, 1);
  buf[2] = 0x84; /* QR AA */
  g_assert_cmpint (parse_exact (&msg, buf, len), ==, ICE_MDNS_PARSE_OK);
  g_assert_true (msg.is_response);
  g_assert_cmpuint (ice_mdns_should_answer (&msg, ours, 1, asked), ==, 0);
  g_assert_cmphex (asked[0], ==, 0);
  /* A class other than IN or ANY (CHAOS) asks nothing of ours either. */
  buf[2] = 0;
  buf[len - 1] = 3;
  g_assert_cmpint (parse_exact (&msg, buf, len), ==, ICE_MDNS_PARSE_OK);
  g_assert_cmpuint (ice_mdns_should_answer (&msg, ours, 1, asked), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mdns/answer/should-answer", test_should_answer);
  g_test_add_func ("/mdns/answer/never-answer-responses",
                   test_never_answer_responses);
  return g_test_run ();
}
