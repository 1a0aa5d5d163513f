/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The file:// room's pairing rule (gst/gsticeroompairing.c) and file
 * format, without I/O: scans are given as file texts, time as numbers
 * (docs/signalling-file.md).
 */
#include "gst/gsticeroompairing.h"

#include <string.h>

GST_DEBUG_CATEGORY (gst_ice_signaller_debug);

#define OWN "00000000000000aa"
#define SEC G_TIME_SPAN_SECOND

static gchar *
file_text (guint64 generation, const gchar *peer)
{
  return gst_ice_room_file_format (0, generation, peer,
                                   "a=ice-ufrag:uf\r\na=ice-pwd:pw\r\n");
}

/* One scan: @spec is "ID:GEN:PEER ..." ("-" = no claim). */
static GPtrArray *
scan (GstIceRoomPairing *p, const gchar *spec)
{
  GPtrArray *peers = g_ptr_array_new_with_free_func (gst_ice_room_peer_free);
  gchar **items = g_strsplit (spec, " ", -1);
  guint i;

  for (i = 0; items[i] && *items[i]; i++) {
    gchar **f = g_strsplit (items[i], ":", 3);
    gchar *text = file_text (g_ascii_strtoull (f[1], NULL, 10),
                             strcmp (f[2], "-") ? f[2] : NULL);
    GstIceRoomPeer *peer = gst_ice_room_peer_new (f[0], text);

    gst_ice_room_pairing_observe (p, peer);
    g_ptr_array_add (peers, peer);
    g_free (text);
    g_strfreev (f);
  }
  g_strfreev (items);
  gst_ice_room_pairing_end_scan (p);
  return peers;
}

/* A scan then a pairing step; returns whether our claim changed. */
static gboolean
step (GstIceRoomPairing *p, const gchar *spec, gint64 now, gboolean *busy)
{
  GPtrArray *peers = scan (p, spec);
  gboolean dummy, changed;

  changed = gst_ice_room_pairing_update (p, peers, now, busy ? busy : &dummy);
  g_ptr_array_unref (peers);
  return changed;
}

static void
test_leftover_ignored_until_it_changes (void)
{
  GstIceRoomPairing *p = gst_ice_room_pairing_new (OWN, "room");

  g_assert_false (step (p, "dead:5:-", 0, NULL));
  g_assert_false (step (p, "dead:5:-", 60 * SEC, NULL));
  g_assert_null (gst_ice_room_pairing_get_claim (p));
  /* it changed: its writer is alive after all */
  g_assert_true (step (p, "dead:6:-", 61 * SEC, NULL));
  g_assert_cmpstr (gst_ice_room_pairing_get_claim (p), ==, "dead");
  gst_ice_room_pairing_free (p);
}

static void
test_newcomer_claimed_then_paired (void)
{
  GstIceRoomPairing *p = gst_ice_room_pairing_new (OWN, "room");

  g_assert_false (step (p, "", 0, NULL));
  g_assert_true (step (p, "bb:1:-", 1, NULL));
  g_assert_cmpstr (gst_ice_room_pairing_get_claim (p), ==, "bb");
  g_assert_false (gst_ice_room_pairing_is_paired (p));
  g_assert_false (step (p, "bb:2:" OWN, 2, NULL));
  g_assert_true (gst_ice_room_pairing_is_paired (p));
  /* a pair is for life: a newcomer claiming us changes nothing */
  g_assert_false (step (p, "bb:2:" OWN " cc:1:" OWN, 3, NULL));
  g_assert_cmpstr (gst_ice_room_pairing_get_claim (p), ==, "bb");
  gst_ice_room_pairing_free (p);
}

static void
test_claim_on_us_wins (void)
{
  GstIceRoomPairing *p = gst_ice_room_pairing_new (OWN, "room");

  /* a file that claims us is live even if it was there at our first look
   * (it cannot be: our id is new; but it must win in any case) */
  g_assert_true (step (p, "bb:1:- cc:4:" OWN, 0, NULL));
  g_assert_true (gst_ice_room_pairing_is_paired (p));
  g_assert_cmpstr (gst_ice_room_pairing_get_claim (p), ==, "cc");
  gst_ice_room_pairing_free (p);
}

static void
test_third_peer_waits (void)
{
  GstIceRoomPairing *p = gst_ice_room_pairing_new (OWN, "room");
  gboolean busy = FALSE;

  g_assert_false (step (p, "bb:3:cc cc:3:bb", 0, &busy));
  g_assert_true (busy);
  /* said once */
  g_assert_false (step (p, "bb:4:cc cc:3:bb", SEC, &busy));
  g_assert_false (busy);
  g_assert_null (gst_ice_room_pairing_get_claim (p));
  /* a free peer comes in */
  g_assert_true (step (p, "bb:4:cc cc:3:bb dd:1:-", 2 * SEC, &busy));
  g_assert_cmpstr (gst_ice_room_pairing_get_claim (p), ==, "dd");
  gst_ice_room_pairing_free (p);
}

static void
test_racing_claims_settle (void)
{
  GstIceRoomPairing *p = gst_ice_room_pairing_new (OWN, "room");

  g_assert_false (step (p, "", 0, NULL));
  /* smallest id first */
  g_assert_true (step (p, "ff:1:- bb:1:-", 1, NULL));
  g_assert_cmpstr (gst_ice_room_pairing_get_claim (p), ==, "bb");
  /* bb chose ff: we give up bb and claim nobody (ff claims bb) */
  g_assert_true (step (p, "ff:2:bb bb:2:ff", 2, NULL));
  g_assert_null (gst_ice_room_pairing_get_claim (p));
  gst_ice_room_pairing_free (p);
}

static void
test_unanswered_claim_times_out (void)
{
  GstIceRoomPairing *p = gst_ice_room_pairing_new (OWN, "room");

  g_assert_false (step (p, "", 0, NULL));
  g_assert_true (step (p, "bb:1:-", 0, NULL));
  g_assert_false (step (p, "bb:1:-", 9 * SEC, NULL));
  g_assert_cmpstr (gst_ice_room_pairing_get_claim (p), ==, "bb");
  g_assert_true (step (p, "bb:1:-", 11 * SEC, NULL));
  g_assert_null (gst_ice_room_pairing_get_claim (p));
  g_assert_false (step (p, "bb:1:-", 12 * SEC, NULL));
  g_assert_true (step (p, "bb:2:-", 13 * SEC, NULL));
  g_assert_cmpstr (gst_ice_room_pairing_get_claim (p), ==, "bb");
  gst_ice_room_pairing_free (p);
}

static void
test_file_format_round_trip (void)
{
  GstIceRoomFile f;
  gchar *text = gst_ice_room_file_format (
      2, 7, "5f0c",
      "a=ice-ufrag:lj+h\r\na=ice-pwd:pw\r\na=end-of-candidates\r\n");

  gst_ice_room_file_parse (text, &f);
  g_assert_cmpuint (f.stream_id, ==, 2);
  g_assert_cmpuint (f.generation, ==, 7);
  g_assert_cmpstr (f.peer, ==, "5f0c");
  g_assert_cmpstr (f.ufrag, ==, "lj+h");
  g_assert_cmpuint (g_strv_length (f.description), ==, 3);
  g_assert_cmpstr (f.description[2], ==, "a=end-of-candidates");
  gst_ice_room_file_clear (&f);
  g_free (text);

  /* a writer without the room protocol: stream 0, generation 0, LF */
  gst_ice_room_file_parse ("a=ice-ufrag:x\na=ice-pwd:y\n", &f);
  g_assert_cmpuint (f.stream_id, ==, 0);
  g_assert_cmpuint (f.generation, ==, 0);
  g_assert_null (f.peer);
  g_assert_cmpuint (g_strv_length (f.description), ==, 2);
  gst_ice_room_file_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  GST_DEBUG_CATEGORY_INIT (gst_ice_signaller_debug, "icesignaller", 0,
                           "room pairing under test");
  g_test_add_func ("/room/pairing/leftover-ignored-until-it-changes",
                   test_leftover_ignored_until_it_changes);
  g_test_add_func ("/room/pairing/newcomer-claimed-then-paired",
                   test_newcomer_claimed_then_paired);
  g_test_add_func ("/room/pairing/claim-on-us-wins", test_claim_on_us_wins);
  g_test_add_func ("/room/pairing/third-peer-waits", test_third_peer_waits);
  g_test_add_func ("/room/pairing/racing-claims-settle",
                   test_racing_claims_settle);
  g_test_add_func ("/room/pairing/unanswered-claim-times-out",
                   test_unanswered_claim_times_out);
  g_test_add_func ("/room/file/format-round-trip", test_file_format_round_trip);
  return g_test_run ();
}
