/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The message codec of docs/signalling.md: every type survives
 * build → parse with its fields, and every malformed message gets the
 * error code the protocol answers it with.
 */
#include "signal/gst-ice-signal-msg.h"

#include <string.h>

#define UFRAG "aB3+"
#define PWD "0123456789abcdefABCD/+"
#define CAND "candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host"

static void
parse_ok (const gchar *text, GstIceSignalMsg *msg)
{
  GError *error = NULL;

  if (!gst_ice_signal_msg_parse (text, strlen (text), msg, &error))
    g_test_fail_printf ("%s: %s", text, error->message);
  g_assert_no_error (error);
}

/* Builds, parses back, and returns the parsed message. */
static void
round_trip (gchar *json, GstIceSignalMsgType type, GstIceSignalMsg *msg)
{
  g_test_message ("%s", json);
  parse_ok (json, msg);
  g_assert_cmpint (msg->type, ==, type);
  g_free (json);
}

static void
test_round_trip_client (void)
{
  GstIceSignalMsg m;

  round_trip (gst_ice_signal_join_to_json ("room-1.a_b", "alice"),
              GST_ICE_SIGNAL_MSG_JOIN, &m);
  g_assert_cmpstr (m.room, ==, "room-1.a_b");
  g_assert_cmpstr (m.peer, ==, "alice");
  gst_ice_signal_msg_clear (&m);

  round_trip (gst_ice_signal_join_to_json (NULL, NULL), GST_ICE_SIGNAL_MSG_JOIN,
              &m);
  g_assert_null (m.room);
  g_assert_null (m.peer);
  gst_ice_signal_msg_clear (&m);

  round_trip (gst_ice_signal_leave_to_json (), GST_ICE_SIGNAL_MSG_LEAVE, &m);
  gst_ice_signal_msg_clear (&m);
}

static void
test_round_trip_server (void)
{
  GstIceSignalMsg m;

  round_trip (gst_ice_signal_joined_to_json ("r", "p1", 2),
              GST_ICE_SIGNAL_MSG_JOINED, &m);
  g_assert_cmpstr (m.room, ==, "r");
  g_assert_cmpstr (m.peer, ==, "p1");
  g_assert_cmpint (m.peers, ==, 2);
  gst_ice_signal_msg_clear (&m);

  round_trip (gst_ice_signal_peer_joined_to_json ("bob"),
              GST_ICE_SIGNAL_MSG_PEER_JOINED, &m);
  g_assert_cmpstr (m.peer, ==, "bob");
  gst_ice_signal_msg_clear (&m);

  round_trip (gst_ice_signal_peer_left_to_json ("bob"),
              GST_ICE_SIGNAL_MSG_PEER_LEFT, &m);
  g_assert_cmpstr (m.peer, ==, "bob");
  gst_ice_signal_msg_clear (&m);

  round_trip (gst_ice_signal_error_to_json (GST_ICE_SIGNAL_ERROR_ROOM_FULL,
                                            "two peers already", TRUE),
              GST_ICE_SIGNAL_MSG_ERROR, &m);
  g_assert_cmpint (m.code, ==, GST_ICE_SIGNAL_ERROR_ROOM_FULL);
  g_assert_cmpstr (m.code_name, ==, "room-full");
  g_assert_cmpstr (m.message, ==, "two peers already");
  g_assert_true (m.fatal);
  gst_ice_signal_msg_clear (&m);
}

static void
test_round_trip_relayed (void)
{
  GstIceSignalMsg m;

  round_trip (gst_ice_signal_credentials_to_json ("audio", UFRAG, PWD, 3),
              GST_ICE_SIGNAL_MSG_CREDENTIALS, &m);
  g_assert_cmpstr (m.mid, ==, "audio");
  g_assert_cmpstr (m.ufrag, ==, UFRAG);
  g_assert_cmpstr (m.pwd, ==, PWD);
  g_assert_cmpint (m.generation, ==, 3);
  g_assert_true (gst_ice_signal_msg_type_is_relayed (m.type));
  gst_ice_signal_msg_clear (&m);

  round_trip (gst_ice_signal_candidate_to_json (NULL, 0, "a=" CAND),
              GST_ICE_SIGNAL_MSG_CANDIDATE, &m);
  g_assert_cmpstr (m.mid, ==, "0");
  g_assert_cmpint (m.generation, ==, 0);
  g_assert_cmpstr (m.candidate, ==, "a=" CAND);
  gst_ice_signal_msg_clear (&m);

  round_trip (gst_ice_signal_end_of_candidates_to_json ("0", G_MAXUINT32),
              GST_ICE_SIGNAL_MSG_END_OF_CANDIDATES, &m);
  g_assert_cmpint (m.generation, ==, G_MAXUINT32);
  gst_ice_signal_msg_clear (&m);

  round_trip (gst_ice_signal_restart_to_json ("v"), GST_ICE_SIGNAL_MSG_RESTART,
              &m);
  g_assert_cmpstr (m.mid, ==, "v");
  g_assert_false (gst_ice_signal_msg_type_is_relayed (GST_ICE_SIGNAL_MSG_JOIN));
  gst_ice_signal_msg_clear (&m);
}

/* What a browser page would write: other field order, extra fields. */
static void
test_foreign_text (void)
{
  GstIceSignalMsg m;

  parse_ok ("{ \"candidate\": \"" CAND "\", \"type\": \"candidate\", "
            "\"x-extra\": [1, {\"a\": null}], \"generation\": 7, \"v\": 1 }",
            &m);
  g_assert_cmpint (m.type, ==, GST_ICE_SIGNAL_MSG_CANDIDATE);
  g_assert_cmpstr (m.mid, ==, "0");
  g_assert_cmpint (m.generation, ==, 7);
  gst_ice_signal_msg_clear (&m);

  parse_ok ("{\"v\":1,\"type\":\"error\",\"code\":\"future-code\","
            "\"message\":\"\",\"fatal\":false}",
            &m);
  g_assert_cmpint (m.code, ==, GST_ICE_SIGNAL_ERROR_OTHER);
  g_assert_cmpstr (m.code_name, ==, "future-code");
  gst_ice_signal_msg_clear (&m);
}

typedef struct {
  const gchar *text;
  GstIceSignalError code;
} BadCase;

#define V "{\"v\":1,"
static const BadCase bad_cases[] = {
  { "", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { "not json", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { "{\"v\":1,\"type\":\"join\"", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { "[1,2]", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { "\"join\"", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { "{\"type\":\"join\"}", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { "{\"v\":\"1\",\"type\":\"join\"}", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { "{\"v\":1.0,\"type\":\"join\"}", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { "{\"v\":2,\"type\":\"join\"}", GST_ICE_SIGNAL_ERROR_VERSION },
  { "{\"v\":0,\"type\":\"no-such\"}", GST_ICE_SIGNAL_ERROR_VERSION },
  { V "\"type\":7}", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"offer\"}", GST_ICE_SIGNAL_ERROR_UNKNOWN_TYPE },
  { V "\"type\":\"join\",\"room\":\"a/b\"}", GST_ICE_SIGNAL_ERROR_BAD_ROOM },
  { V "\"type\":\"join\",\"room\":\"\"}", GST_ICE_SIGNAL_ERROR_BAD_ROOM },
  { V "\"type\":\"join\",\"room\":\"r\xc3\xa9\"}",
    GST_ICE_SIGNAL_ERROR_BAD_ROOM },
  { V "\"type\":\"join\",\"room\":\"r12345678901234567890123456789012345"
      "678901234567890123456789012345\"}",
    GST_ICE_SIGNAL_ERROR_BAD_ROOM },
  { V "\"type\":\"join\",\"room\":5}", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"join\",\"peer\":\"\"}", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"join\",\"peer\":\"a\\nb\"}", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"joined\",\"room\":\"r\",\"peer\":\"p\",\"peers\":3}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"joined\",\"peer\":\"p\",\"peers\":1}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"peer-joined\"}", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"peer-left\",\"peer\":null}", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"error\",\"code\":\"rate\",\"message\":\"m\"}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"error\",\"code\":\"\",\"message\":\"m\",\"fatal\":true}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"credentials\",\"ufrag\":\"" UFRAG "\",\"pwd\":\"" PWD "\"}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"credentials\",\"ufrag\":\"abc\",\"pwd\":\"" PWD
      "\",\"generation\":0}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"credentials\",\"ufrag\":\"" UFRAG "\",\"pwd\":\"short\","
      "\"generation\":0}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"credentials\",\"ufrag\":\"ab cd\",\"pwd\":\"" PWD
      "\",\"generation\":0}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"candidate\",\"generation\":-1,\"candidate\":\"" CAND "\"}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"candidate\",\"generation\":4294967296,\"candidate\":\"" CAND
      "\"}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"candidate\",\"generation\":1.5,\"candidate\":\"" CAND "\"}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"candidate\",\"generation\":0,\"candidate\":\"host 1\"}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"candidate\",\"generation\":0,\"candidate\":\"" CAND
      "\\r\\na=x\"}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"candidate\",\"generation\":0}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"end-of-candidates\",\"mid\":\"\",\"generation\":0}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"end-of-candidates\",\"mid\":\"a b\",\"generation\":0}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { V "\"type\":\"restart\",\"mid\":0}", GST_ICE_SIGNAL_ERROR_MALFORMED },
  { "{\"v\":1,\"type\":\"join\",\"x\":[[[[[[[[[[1]]]]]]]]]]}",
    GST_ICE_SIGNAL_ERROR_MALFORMED },
  { "{\"v\":1,\"type\":\"jo\xff\"}", GST_ICE_SIGNAL_ERROR_MALFORMED },
};
#undef V

static void
expect_error (const gchar *text, gsize len, GstIceSignalError code)
{
  GstIceSignalMsg m;
  GError *error = NULL;

  g_assert_false (gst_ice_signal_msg_parse (text, len, &m, &error));
  g_assert_error (error, GST_ICE_SIGNAL_ERROR, (gint)code);
  g_assert_nonnull (error->message);
  g_assert_null (m.room);
  g_assert_null (m.mid);
  g_error_free (error);
}

static void
test_malformed (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad_cases); i++) {
    gchar *escaped = g_strescape (bad_cases[i].text, NULL);

    g_test_message ("case %u: %s", i, escaped);
    g_free (escaped);
    expect_error (bad_cases[i].text, strlen (bad_cases[i].text),
                  bad_cases[i].code);
  }
  /* a NUL inside the frame */
  expect_error ("{\"v\":1,\0\"type\":\"leave\"}", 24,
                GST_ICE_SIGNAL_ERROR_MALFORMED);
}

/* 16 KiB exactly is allowed; one byte more is too-big, before any JSON. */
static void
test_size_limit (void)
{
  GString *s = g_string_new ("{\"v\":1,\"type\":\"leave\",\"pad\":\"");
  GstIceSignalMsg m;

  while (s->len < GST_ICE_SIGNAL_MAX_MESSAGE - 2)
    g_string_append_c (s, 'x');
  g_string_append (s, "\"}");
  g_assert_cmpuint (s->len, ==, GST_ICE_SIGNAL_MAX_MESSAGE);
  parse_ok (s->str, &m);
  g_assert_cmpint (m.type, ==, GST_ICE_SIGNAL_MSG_LEAVE);
  gst_ice_signal_msg_clear (&m);
  g_string_insert_c (s, 1, ' ');
  expect_error (s->str, s->len, GST_ICE_SIGNAL_ERROR_TOO_BIG);
  g_string_free (s, TRUE);
}

static void
test_names (void)
{
  guint i;

  for (i = 0; i < GST_ICE_SIGNAL_ERROR_OTHER; i++) {
    const gchar *name = gst_ice_signal_error_to_string (i);

    g_assert_cmpint (gst_ice_signal_error_from_string (name), ==, i);
  }
  g_assert_cmpstr (
      gst_ice_signal_error_to_string (GST_ICE_SIGNAL_ERROR_TOO_BIG), ==,
      "too-big");
  g_assert_cmpstr (
      gst_ice_signal_msg_type_to_string (GST_ICE_SIGNAL_MSG_END_OF_CANDIDATES),
      ==, "end-of-candidates");
  g_assert_null (gst_ice_signal_msg_type_to_string (99));
  g_assert_true (gst_ice_signal_room_is_valid ("A-z_0.9"));
  g_assert_false (gst_ice_signal_room_is_valid ("a?b"));
  g_assert_false (gst_ice_signal_room_is_valid (NULL));
  g_assert_true (gst_ice_signal_peer_is_valid ("Zoë's laptop"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signal/msg/round-trip-client", test_round_trip_client);
  g_test_add_func ("/signal/msg/round-trip-server", test_round_trip_server);
  g_test_add_func ("/signal/msg/round-trip-relayed", test_round_trip_relayed);
  g_test_add_func ("/signal/msg/foreign-text", test_foreign_text);
  g_test_add_func ("/signal/msg/malformed", test_malformed);
  g_test_add_func ("/signal/msg/size-limit", test_size_limit);
  g_test_add_func ("/signal/msg/names", test_names);
  return g_test_run ();
}
