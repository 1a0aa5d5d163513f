/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for RFC 4571 framing (ice/common/ice-rfc4571.h): the
 * first byte picks the maximum frame size and the piece size, the rest is
 * the byte stream, pushed in pieces and popped after each. The frames
 * must be the same as those of the whole input cut in one go (else
 * abort), never above the maximum, and what stays buffered at most one
 * partial frame plus one piece.
 */
#include "ice/common/ice-rfc4571.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Frames of @stream in one push: their ends, and whether it ended TOO_LARGE */
static GArray *
cut_whole (const guint8 *stream, gsize len, gsize max, gboolean *too_large)
{
  IceRfc4571Reader *r = ice_rfc4571_reader_new (max);
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  const guint8 *frame;
  IceRfc4571Result res;
  gsize flen, end = 0;

  ice_rfc4571_reader_push (r, stream, len);
  while ((res = ice_rfc4571_reader_pop (r, &frame, &flen))
         == ICE_RFC4571_COMPLETE) {
    end += ICE_RFC4571_HEADER_SIZE + flen;
    g_array_append_val (ends, end);
  }
  *too_large = res == ICE_RFC4571_TOO_LARGE;
  ice_rfc4571_reader_free (r);
  return ends;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const gsize maxima[] = { 0, 1, 20, 548, 1500, 65535 };
  IceRfc4571Reader *r;
  const guint8 *stream, *frame;
  IceRfc4571Result res = ICE_RFC4571_NEED_MORE;
  gboolean too_large;
  GArray *ends;
  gsize len, max, piece, off, flen, consumed = 0;
  guint n = 0;

  if (size < 1)
    return 0;
  max = maxima[data[0] % G_N_ELEMENTS (maxima)];
  piece = 1 + (data[0] >> 3);
  stream = data + 1;
  len = size - 1;
  ends = cut_whole (stream, len, max, &too_large);

  r = ice_rfc4571_reader_new (max);
  for (off = 0; off < len && res != ICE_RFC4571_TOO_LARGE; off += piece) {
    ice_rfc4571_reader_push (r, stream + off, MIN (piece, len - off));
    while ((res = ice_rfc4571_reader_pop (r, &frame, &flen))
           == ICE_RFC4571_COMPLETE) {
      if (flen > max)
        g_error ("a frame of %zu bytes above the maximum %zu", flen, max);
      consumed += ICE_RFC4571_HEADER_SIZE + flen;
      if (n >= ends->len || g_array_index (ends, gsize, n) != consumed)
        g_error ("frame %u differs from the one-piece cut", n);
      if (flen > 0 && memcmp (frame, stream + consumed - flen, flen) != 0)
        g_error ("frame %u has other bytes than the stream", n);
      n++;
    }
    if (ice_rfc4571_reader_pending (r) > ICE_RFC4571_HEADER_SIZE + max + piece)
      g_error ("%zu bytes buffered", ice_rfc4571_reader_pending (r));
  }
  if (n != ends->len || (res == ICE_RFC4571_TOO_LARGE) != too_large)
    g_error ("%u frames in pieces, %u in one cut", n, ends->len);
  ice_rfc4571_reader_free (r);
  g_array_unref (ends);
  return 0;
}
