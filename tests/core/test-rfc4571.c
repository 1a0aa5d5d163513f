/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RFC 4571 framing (ice/common/ice-rfc4571.h): headers, a stream of
 * frames fed in every piece size, empty frames, the maximum.
 */
#include "ice/common/ice-rfc4571.h"

#include <string.h>

static void
test_header (void)
{
  guint8 h[2];

  g_assert_true (ice_rfc4571_write_header (h, 0x1234));
  g_assert_cmphex (h[0], ==, 0x12);
  g_assert_cmphex (h[1], ==, 0x34);
  g_assert_true (ice_rfc4571_write_header (h, 65535));
  g_assert_cmphex (h[0], ==, 0xff);
  g_assert_false (ice_rfc4571_write_header (h, 65536));
}

/* Three frames (5 bytes, empty, 300 bytes) back to back */
static GByteArray *
make_stream (void)
{
  GByteArray *s = g_byte_array_new ();
  const gsize sizes[] = { 5, 0, 300 };
  guint8 h[2], b;
  guint f, i;

  for (f = 0; f < G_N_ELEMENTS (sizes); f++) {
    ice_rfc4571_write_header (h, sizes[f]);
    g_byte_array_append (s, h, 2);
    for (i = 0; i < sizes[f]; i++) {
      b = f * 50 + i;
      g_byte_array_append (s, &b, 1);
    }
  }
  return s;
}

static void
check_frame (guint f, const guint8 *frame, gsize len)
{
  const gsize sizes[] = { 5, 0, 300 };
  guint i;

  g_assert_cmpuint (f, <, G_N_ELEMENTS (sizes));
  g_assert_cmpuint (len, ==, sizes[f]);
  for (i = 0; i < len; i++)
    g_assert_cmpuint (frame[i], ==, (guint8)(f * 50 + i));
}

/* Every piece size from 1 byte to the whole stream gives the same frames */
static void
test_partial_reads (void)
{
  GByteArray *s = make_stream ();
  gsize piece, off;

  for (piece = 1; piece <= s->len; piece++) {
    IceRfc4571Reader *r = ice_rfc4571_reader_new (1000);
    const guint8 *frame;
    gsize len;
    guint f = 0;

    for (off = 0; off < s->len; off += piece) {
      ice_rfc4571_reader_push (r, s->data + off, MIN (piece, s->len - off));
      while (ice_rfc4571_reader_pop (r, &frame, &len) == ICE_RFC4571_COMPLETE)
        check_frame (f++, frame, len);
    }
    g_assert_cmpuint (f, ==, 3);
    g_assert_cmpuint (ice_rfc4571_reader_pending (r), ==, 0);
    g_assert_cmpint (ice_rfc4571_reader_pop (r, &frame, &len), ==,
                     ICE_RFC4571_NEED_MORE);
    g_assert_null (frame);
    ice_rfc4571_reader_free (r);
  }
  g_byte_array_unref (s);
}

/* A length above the maximum is an error that stays; one at the maximum
 * is a frame. */
static void
test_maximum (void)
{
  IceRfc4571Reader *r = ice_rfc4571_reader_new (4);
  const guint8 ok[] = { 0, 4, 1, 2, 3, 4 };
  const guint8 big[] = { 0, 5, 1, 2, 3, 4, 5 };
  const guint8 *frame;
  gsize len;

  ice_rfc4571_reader_push (r, ok, sizeof ok);
  g_assert_cmpint (ice_rfc4571_reader_pop (r, &frame, &len), ==,
                   ICE_RFC4571_COMPLETE);
  g_assert_cmpuint (len, ==, 4);
  /* only the header is needed to refuse it */
  ice_rfc4571_reader_push (r, big, 2);
  g_assert_cmpint (ice_rfc4571_reader_pop (r, &frame, &len), ==,
                   ICE_RFC4571_TOO_LARGE);
  ice_rfc4571_reader_push (r, big + 2, sizeof big - 2);
  g_assert_cmpint (ice_rfc4571_reader_pop (r, &frame, &len), ==,
                   ICE_RFC4571_TOO_LARGE);
  g_assert_null (frame);
  ice_rfc4571_reader_free (r);

  /* the maximum is clamped to what the field can say */
  r = ice_rfc4571_reader_new (G_MAXSIZE);
  ice_rfc4571_reader_push (r, (const guint8 *)"\xff\xff", 2);
  g_assert_cmpint (ice_rfc4571_reader_pop (r, &frame, &len), ==,
                   ICE_RFC4571_NEED_MORE);
  g_assert_cmpuint (ice_rfc4571_reader_pending (r), ==, 2);
  ice_rfc4571_reader_free (r);
}

/* Many frames through one reader: the buffer is compacted, frames stay
 * right across the moves. */
static void
test_long_stream (void)
{
  IceRfc4571Reader *r = ice_rfc4571_reader_new (ICE_RFC4571_MAX_FRAME);
  guint8 chunk[1 + 2 + 200];
  const guint8 *frame;
  gsize len;
  guint i, popped = 0;

  for (i = 0; i < 2000; i++) {
    gsize n = i % 200;

    ice_rfc4571_write_header (chunk, n);
    memset (chunk + 2, i & 0xff, n);
    /* split each frame after its first byte */
    ice_rfc4571_reader_push (r, chunk, 1);
    ice_rfc4571_reader_push (r, chunk + 1, n + 1);
    while (ice_rfc4571_reader_pop (r, &frame, &len) == ICE_RFC4571_COMPLETE) {
      g_assert_cmpuint (len, ==, popped % 200);
      if (len > 0)
        g_assert_cmpuint (frame[len - 1], ==, popped & 0xff);
      popped++;
    }
  }
  g_assert_cmpuint (popped, ==, 2000);
  ice_rfc4571_reader_free (r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/common/rfc4571/header", test_header);
  g_test_add_func ("/common/rfc4571/partial-reads", test_partial_reads);
  g_test_add_func ("/common/rfc4571/maximum", test_maximum);
  g_test_add_func ("/common/rfc4571/long-stream", test_long_stream);
  return g_test_run ();
}
