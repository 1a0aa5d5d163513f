/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ChannelData framing (RFC 8656 §12.4, §12.5) and the splitting of a TCP
 * byte stream into STUN and ChannelData messages, fed in every possible
 * piece size.
 */
#include "ice/turn/turn-framing.h"
#include "ice/stun/stun-builder.h"

#include <string.h>

static void
test_channel_data (void)
{
  const guint8 payload[7] = { 1, 2, 3, 4, 5, 6, 7 };
  guint8 out[32];
  guint16 channel;
  gsize n, len;

  n = ice_turn_channel_data_write (out, sizeof out, 0x4abc, payload, 7, FALSE);
  g_assert_cmpuint (n, ==, 11); /* UDP: no padding */
  g_assert_cmphex (out[0], ==, 0x4a);
  g_assert_cmphex (out[1], ==, 0xbc);
  g_assert_cmpuint (out[2], ==, 0);
  g_assert_cmpuint (out[3], ==, 7);
  g_assert_true (ice_turn_channel_data_parse (out, n, &channel, &len));
  g_assert_cmphex (channel, ==, 0x4abc);
  g_assert_cmpuint (len, ==, 7);

  memset (out, 0xee, sizeof out);
  n = ice_turn_channel_data_write (out, sizeof out, 0x4000, payload, 7, TRUE);
  g_assert_cmpuint (n, ==, 12); /* TCP: padded to 4, length field still 7 */
  g_assert_cmpuint (out[3], ==, 7);
  g_assert_cmpuint (out[11], ==, 0);
  g_assert_true (ice_turn_channel_data_parse (out, n, &channel, &len));
  g_assert_cmpuint (len, ==, 7);

  /* too small a buffer, a length past the end, a non-channel first byte */
  g_assert_cmpuint (
      ice_turn_channel_data_write (out, 11, 0x4000, payload, 7, TRUE), ==, 0);
  g_assert_false (ice_turn_channel_data_parse (out, 10, &channel, &len));
  g_assert_false (ice_turn_channel_data_parse (out, 3, &channel, &len));
  out[0] = 0x50;
  g_assert_false (ice_turn_is_channel_data (out, n));
  g_assert_false (ice_turn_channel_data_parse (out, n, &channel, &len));
  n = ice_turn_channel_data_write (out, sizeof out, 0x4fff, NULL, 0, TRUE);
  g_assert_cmpuint (n, ==, 4);
}

/* A stream of: STUN (Binding success with one attribute), ChannelData of
 * 5 bytes (+3 padding), ChannelData of 0 bytes, STUN. */
static gsize
make_stream (guint8 *buf, gsize size, gsize *sizes)
{
  static const guint8 tid[12] = { 0 };
  const guint8 five[5] = { 'h', 'e', 'l', 'l', 'o' };
  IceStunBuilder b;
  gsize off = 0;

  ice_stun_builder_init (&b, buf, size, ICE_STUN_CLASS_SUCCESS,
                         ICE_STUN_METHOD_BINDING, tid);
  g_assert_true (ice_stun_builder_add_string (&b, ICE_STUN_ATTR_SOFTWARE, "x"));
  sizes[0] = ice_stun_builder_finish (&b);
  off += sizes[0];
  sizes[1] = ice_turn_channel_data_write (buf + off, size - off, 0x4001, five,
                                          5, TRUE);
  off += sizes[1];
  sizes[2] = ice_turn_channel_data_write (buf + off, size - off, 0x4002, NULL,
                                          0, TRUE);
  off += sizes[2];
  ice_stun_builder_init (&b, buf + off, size - off, ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_REFRESH, tid);
  sizes[3] = ice_stun_builder_finish (&b);
  off += sizes[3];
  return off;
}

static void
check_split (const guint8 *stream, gsize total, const gsize *sizes, gsize piece)
{
  IceTurnFramer *f = ice_turn_framer_new ();
  const guint8 *msg;
  gsize len, fed = 0, expect_off = 0;
  guint n = 0;

  while (fed < total) {
    gsize chunk = MIN (piece, total - fed);

    ice_turn_framer_push (f, stream + fed, chunk);
    fed += chunk;
    while (ice_turn_framer_pop (f, &msg, &len) == ICE_TURN_FRAME_COMPLETE) {
      g_assert_cmpuint (n, <, 4);
      g_assert_cmpuint (len, ==, sizes[n]);
      g_assert_cmpmem (msg, len, stream + expect_off, sizes[n]);
      expect_off += len;
      n++;
    }
  }
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (ice_turn_framer_pending (f), ==, 0);
  ice_turn_framer_free (f);
}

static void
test_stream_partial_reads (void)
{
  guint8 stream[256];
  gsize sizes[4], total, piece;

  total = make_stream (stream, sizeof stream, sizes);
  g_assert_cmpuint (sizes[0], ==, 28);
  g_assert_cmpuint (sizes[1], ==, 12);
  g_assert_cmpuint (sizes[2], ==, 4);
  g_assert_cmpuint (sizes[3], ==, 20);
  for (piece = 1; piece <= total; piece++)
    check_split (stream, total, sizes, piece);
}

static void
test_stream_invalid (void)
{
  IceTurnFramer *f = ice_turn_framer_new ();
  const guint8 garbage[8] = { 0x80, 0, 0, 0, 0, 0, 0, 0 };
  const guint8 odd_stun[4] = { 0x00, 0x01, 0x00, 0x03 };
  const guint8 *msg;
  gsize len, size;

  ice_turn_framer_push (f, garbage, 1);
  g_assert_cmpint (ice_turn_framer_pop (f, &msg, &len), ==,
                   ICE_TURN_FRAME_INVALID);
  g_assert_null (msg);
  ice_turn_framer_free (f);

  /* a STUN length that is not a multiple of 4 is not STUN */
  g_assert_cmpint (ice_turn_frame_size (odd_stun, 4, &size), ==,
                   ICE_TURN_FRAME_INVALID);
  g_assert_cmpint (ice_turn_frame_size (odd_stun, 3, &size), ==,
                   ICE_TURN_FRAME_NEED_MORE);
  g_assert_cmpint (ice_turn_frame_size (odd_stun, 0, &size), ==,
                   ICE_TURN_FRAME_NEED_MORE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/turn/framing/channel-data", test_channel_data);
  g_test_add_func ("/turn/framing/stream-partial-reads",
                   test_stream_partial_reads);
  g_test_add_func ("/turn/framing/stream-invalid", test_stream_invalid);
  return g_test_run ();
}
