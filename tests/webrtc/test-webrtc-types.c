/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What an application finds without linking to gst-ice: the type
 * GstIceWebRTCICE by name (gst_dynamic_type_factory_load () loads the
 * plugin icewebrtc), a GstWebRTCICE that webrtcbin accepts as its
 * ice-agent, with the base class's properties, our agent and the
 * STUN/TURN settings webrtcbin forwards.
 */
#include "webrtc-peer.h"

static void
test_type_by_name (void)
{
  GType type = g_type_from_name ("GstIceWebRTCICE");
  GstWebRTCICE *ice;
  GObject *agent = NULL;
  guint min = 1, max = 1;

  g_assert_true (g_type_is_a (type, GST_TYPE_WEBRTC_ICE));
  ice = gst_object_ref_sink (webrtc_new_gstice ());
  g_object_get (ice, "agent", &agent, "min-rtp-port", &min, "max-rtp-port",
                &max, NULL);
  g_assert_nonnull (agent);
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (agent), ==, "IceAgent");
  g_assert_cmpuint (min, ==, 0);
  g_assert_cmpuint (max, ==, 65535);
  /* libnice's default, which webrtcbin relies on (it turns control on
   * for the first offerer only) */
  g_assert_false (gst_webrtc_ice_get_is_controller (ice));
  g_object_unref (agent);
  gst_object_unref (ice);
}

static void
test_webrtcbin_takes_it (void)
{
  GstWebRTCICE *ice = webrtc_new_gstice (), *got = NULL;
  GstElement *webrtc;
  gchar *stun = NULL, *turn = NULL;

  /* webrtcbin 1.22 keeps the floating object without a reference of its
   * own and unrefs it when finalized */
  webrtc = gst_element_factory_make_full ("webrtcbin", "ice-agent", ice, NULL);
  g_assert_nonnull (webrtc);
  g_object_set (webrtc, "stun-server", "stun://127.0.0.1:3478", "turn-server",
                "turn://user:pass@127.0.0.1:3478", NULL);
  g_object_get (webrtc, "ice-agent", &got, "stun-server", &stun, "turn-server",
                &turn, NULL);
  g_assert_true (got == ice);
  g_assert_cmpstr (stun, ==, "stun://127.0.0.1:3478");
  g_assert_cmpstr (turn, ==, "turn://user:pass@127.0.0.1:3478");
  gst_object_unref (got);
  g_free (stun);
  g_free (turn);
  gst_object_unref (webrtc);
}

int
main (int argc, char **argv)
{
  int ret;

  if (!webrtc_test_init (&argc, &argv, &ret))
    return ret;
  g_test_add_func ("/webrtc/types/by-name", test_type_by_name);
  g_test_add_func ("/webrtc/types/webrtcbin-ice-agent",
                   test_webrtcbin_takes_it);
  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
