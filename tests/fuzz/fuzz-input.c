/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Record reader and STUN signing for the stateful fuzz targets.
 */
#include "fuzz-input.h"

#include "ice/stun/stun-builder.h"

#include <string.h>

/* MESSAGE-INTEGRITY (24) and FINGERPRINT (8) with their headers */
#define SIGNATURE_ROOM 32
#define RECORD_HEADER_SIZE 3

void
fuzz_reader_init (FuzzReader *reader, const guint8 *data, gsize len)
{
  reader->data = data;
  reader->len = len;
}

guint8
fuzz_reader_byte (FuzzReader *reader)
{
  guint8 b;

  if (reader->len == 0)
    return 0;
  b = reader->data[0];
  reader->data++;
  reader->len--;
  return b;
}

gboolean
fuzz_reader_next (FuzzReader *reader, FuzzRecord *record)
{
  gsize want;

  if (reader->len == 0)
    return FALSE;
  record->op = reader->data[0];
  want = fuzz_read_be (reader->data + 1, reader->len - 1, 2);
  if (reader->len < RECORD_HEADER_SIZE) {
    record->payload = reader->data + reader->len;
    record->len = 0;
    reader->data += reader->len;
    reader->len = 0;
    return TRUE;
  }
  reader->data += RECORD_HEADER_SIZE;
  reader->len -= RECORD_HEADER_SIZE;
  record->payload = reader->data;
  record->len = MIN (want, reader->len);
  reader->data += record->len;
  reader->len -= record->len;
  return TRUE;
}

guint64
fuzz_read_be (const guint8 *p, gsize len, guint n_bytes)
{
  guint64 v = 0;
  guint i;

  for (i = 0; i < n_bytes && i < len && i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

gsize
fuzz_stun_sign (guint8 *out, gsize capacity, const guint8 *payload, gsize len,
                const guint8 *transaction_id, const IceStunKey *key)
{
  static const guint8 cookie[4] = { 0x21, 0x12, 0xA4, 0x42 };
  IceStunBuilder b;
  gsize body;

  if (capacity < ICE_STUN_HEADER_SIZE + SIGNATURE_ROOM)
    return 0;
  len = MIN (len, capacity - SIGNATURE_ROOM);
  memset (out, 0, ICE_STUN_HEADER_SIZE);
  memcpy (out, payload, len);
  body = (MAX (len, ICE_STUN_HEADER_SIZE) - ICE_STUN_HEADER_SIZE) & ~(gsize)3;
  /* RFC 8489 §5: the two top bits of a STUN message are zero */
  out[0] &= 0x3f;
  out[2] = body >> 8;
  out[3] = body & 0xff;
  memcpy (out + 4, cookie, sizeof (cookie));
  if (transaction_id != NULL)
    memcpy (out + 8, transaction_id, ICE_STUN_TRANSACTION_ID_SIZE);

  b.buf = out;
  b.capacity = capacity;
  b.len = ICE_STUN_HEADER_SIZE + body;
  b.overflow = FALSE;
  if (key != NULL)
    ice_stun_builder_add_message_integrity (&b, key->bytes, key->len);
  ice_stun_builder_add_fingerprint (&b);
  return ice_stun_builder_finish (&b);
}

gboolean
fuzz_verbose (void)
{
  static gint on = -1;

  if (on < 0)
    on = g_getenv ("GST_ICE_FUZZ_VERBOSE") != NULL;
  return on;
}

static GLogWriterOutput
quiet_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
              gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

void
fuzz_quiet_logs (void)
{
  if (!fuzz_verbose ())
    g_log_set_writer_func (quiet_writer, NULL, NULL);
}
