/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * webrtcbin on gst-ice against webrtcbin on libnice, and on gst-ice at
 * both ends, in both offerer/answerer orders: the answerer decodes the
 * offerer's SRTP VP8 frames, a data channel message goes each way (so
 * DTLS completed on both transports), get-stats names a selected pair of
 * candidates the peers signalled, whether candidates reached the peer
 * before or after its remote description.
 *
 * Not here: an ICE restart. webrtcbin 1.22 has no "ice-restart" option
 * of create-offer; test-webrtc-restart.c restarts by munging the SDP.
 */
#include "webrtc-peer.h"

#define FRAMES 10
#define DEADLINE_S 60

static void
run_pair (PeerBackend offerer, PeerBackend answerer, TrickleMode trickle)
{
  Pair pair;

  pair_init (&pair, offerer, answerer, trickle, NULL, NULL);
  g_assert_true (pair_start (&pair));
  g_assert_true (pair_wait_media (&pair, FRAMES, DEADLINE_S));
  g_assert_cmpstr (pair.answerer.message, ==, "hello from offerer");
  g_assert_cmpstr (pair.offerer.message, ==, "hello from answerer");
  g_free (peer_check_selected_pair (&pair.offerer));
  g_free (peer_check_selected_pair (&pair.answerer));
  pair_clear (&pair);
}

/* the harness itself, on webrtcbin's default backend */
static void
test_libnice_libnice (void)
{
  run_pair (PEER_LIBNICE, PEER_LIBNICE, TRICKLE_AT_ONCE);
}

static void
test_gstice_offers_libnice (void)
{
  run_pair (PEER_GSTICE, PEER_LIBNICE, TRICKLE_AT_ONCE);
}

static void
test_libnice_offers_gstice (void)
{
  run_pair (PEER_LIBNICE, PEER_GSTICE, TRICKLE_AFTER_DESCRIPTION);
}

static void
test_gstice_gstice_at_once (void)
{
  run_pair (PEER_GSTICE, PEER_GSTICE, TRICKLE_AT_ONCE);
}

static void
test_gstice_gstice_after (void)
{
  run_pair (PEER_GSTICE, PEER_GSTICE, TRICKLE_AFTER_DESCRIPTION);
}

int
main (int argc, char **argv)
{
  int ret;

  if (!webrtc_test_init (&argc, &argv, &ret))
    return ret;
  g_test_add_func ("/webrtc/pair/libnice-libnice", test_libnice_libnice);
  g_test_add_func ("/webrtc/pair/gstice-offers-libnice",
                   test_gstice_offers_libnice);
  g_test_add_func ("/webrtc/pair/libnice-offers-gstice",
                   test_libnice_offers_gstice);
  g_test_add_func ("/webrtc/pair/gstice-gstice-at-once",
                   test_gstice_gstice_at_once);
  g_test_add_func ("/webrtc/pair/gstice-gstice-after-description",
                   test_gstice_gstice_after);
  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
