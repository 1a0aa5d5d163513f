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
 * of create-offer (`strings libgstwebrtc.so | grep -i restart` prints
 * nothing): it cannot ask any GstWebRTCICE for one.
 */
#include "webrtc-peer.h"

#include <string.h>

#define FRAMES 10
#define DEADLINE_S 60

/* "ip port type" -> "ip port" */
static gchar *
ip_port_of (const gchar *described)
{
  const gchar *last = strrchr (described, ' ');

  return g_strndup (described, last - described);
}

static void
check_selected_pair (Peer *peer, Peer *other)
{
  gchar *local = NULL, *remote = NULL, *ip_port;

  g_assert_true (peer_selected_pair (peer, &local, &remote));
  g_test_message ("%s (%s): selected %s <-> %s", peer->name,
                  peer->backend == PEER_GSTICE ? "gst-ice" : "libnice", local,
                  remote);
  g_assert_true (g_str_has_prefix (local, "127.0.0.1 "));
  ip_port = ip_port_of (local);
  g_assert_true (peer_emitted_candidate (peer, ip_port));
  g_free (ip_port);
  /* the remote end: a candidate the peer signalled, or learnt from its
   * checks (peer-reflexive) */
  if (!g_str_has_suffix (remote, " prflx")) {
    ip_port = ip_port_of (remote);
    g_assert_true (peer_emitted_candidate (other, ip_port));
    g_free (ip_port);
  }
  g_free (local);
  g_free (remote);
}

static void
run_pair (PeerBackend offerer, PeerBackend answerer, TrickleMode trickle)
{
  Pair pair;

  pair_init (&pair, offerer, answerer, trickle, NULL);
  g_assert_true (pair_start (&pair));
  g_assert_true (pair_wait_media (&pair, FRAMES, DEADLINE_S));
  g_assert_cmpstr (pair.answerer.message, ==, "hello from offerer");
  g_assert_cmpstr (pair.offerer.message, ==, "hello from answerer");
  check_selected_pair (&pair.offerer, &pair.answerer);
  check_selected_pair (&pair.answerer, &pair.offerer);
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
  gchar *why = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  if (!webrtc_available (&why)) {
    g_print ("1..0 # SKIP %s\n", why);
    g_free (why);
    return 77;
  }
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
