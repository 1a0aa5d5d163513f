/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * webrtcbin's ice-transport-policy=relay and turn-server on gst-ice,
 * through a real coturn on loopback (tests/io/io-coturn.c): the gst-ice
 * peer's selected pair is relayed, and media and the data channel flow,
 * against libnice and against gst-ice (both relayed).
 */
#include "tests/io/io-coturn.h"
#include "webrtc-peer.h"

#define FRAMES 10
#define DEADLINE_S 60

static IoCoturn coturn;
static gboolean have_coturn;

static void
check_relayed (Peer *peer)
{
  gchar *local = peer_check_selected_pair (peer);

  g_assert_true (g_str_has_suffix (local, " relay"));
  g_free (local);
}

static void
run_relayed (PeerBackend answerer, gboolean answerer_relayed)
{
  gchar *uri;
  Pair pair;

  if (!have_coturn) {
    g_test_skip ("turnserver (coturn) or openssl is not installed");
    return;
  }
  uri = io_coturn_uri (&coturn, "udp");
  pair_init (&pair, PEER_GSTICE, answerer, TRICKLE_AT_ONCE, uri,
             answerer_relayed ? uri : NULL);
  g_assert_true (pair_start (&pair));
  g_assert_true (pair_wait_media (&pair, FRAMES, DEADLINE_S));
  check_relayed (&pair.offerer);
  if (answerer_relayed)
    check_relayed (&pair.answerer);
  pair_clear (&pair);
  g_free (uri);
}

static void
test_relay_to_libnice (void)
{
  run_relayed (PEER_LIBNICE, FALSE);
}

static void
test_relay_both_gstice (void)
{
  run_relayed (PEER_GSTICE, TRUE);
}

int
main (int argc, char **argv)
{
  int ret;

  if (!webrtc_test_init (&argc, &argv, &ret))
    return ret;
  have_coturn = io_coturn_start (&coturn);
  g_test_add_func ("/webrtc/relay/gstice-to-libnice", test_relay_to_libnice);
  g_test_add_func ("/webrtc/relay/gstice-both", test_relay_both_gstice);
  ret = g_test_run ();
  if (have_coturn)
    io_coturn_stop (&coturn);
  gst_deinit ();
  return ret;
}
