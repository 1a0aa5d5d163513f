/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the stateful fuzz targets (fuzz-turn, fuzz-session):
 * reading an input as a script of records, and turning fuzzed bytes into
 * a STUN message that passes the receiver's authentication, so that the
 * fuzzer reaches the code behind MESSAGE-INTEGRITY without having to
 * guess an HMAC.
 */
#ifndef __FUZZ_INPUT_H__
#define __FUZZ_INPUT_H__

#include "ice/stun/stun-integrity.h"

#include <glib.h>

G_BEGIN_DECLS

/**
 * FuzzReader:
 * The unread rest of a fuzz input. A record is one op byte, a 16-bit
 * big-endian length and that many payload bytes; the last record may be
 * cut short and then holds what is left.
 */
typedef struct {
  const guint8 *data;
  gsize len;
} FuzzReader;

typedef struct {
  guint8 op;
  const guint8 *payload;
  gsize len;
} FuzzRecord;

void fuzz_reader_init (FuzzReader *reader, const guint8 *data, gsize len);
/* The next byte, or 0 once the input is used up. */
guint8 fuzz_reader_byte (FuzzReader *reader);
/* FALSE once the input is used up. */
gboolean fuzz_reader_next (FuzzReader *reader, FuzzRecord *record);

/* A big-endian value of up to 8 of the first bytes of @p (fewer if @len is
 * shorter; 0 for none). */
guint64 fuzz_read_be (const guint8 *p, gsize len, guint n_bytes);

/**
 * fuzz_stun_sign:
 * @out: where the message is written
 * @capacity: the size of @out
 * @payload: fuzzed bytes: a STUN header and attributes
 * @len: their number
 * @transaction_id: (nullable): 12 bytes written over the header's, so that
 *   a response matches a request the receiver sent
 * @key: (nullable): appends MESSAGE-INTEGRITY with this key; FINGERPRINT is
 *   appended either way
 *
 * Copies @payload (cut to fit, at least a zero header), clears the two top
 * bits, writes the magic cookie and a length that ends where the copy ends
 * (rounded down to 4 bytes), then appends the attributes.
 *
 * Returns: the message's length; 0 if @capacity is too small.
 */
gsize fuzz_stun_sign (guint8 *out, gsize capacity, const guint8 *payload,
                      gsize len, const guint8 *transaction_id,
                      const IceStunKey *key);

/* Drops debug, info, message and warning logs (a fuzzer runs millions of
 * inputs that are refused with a warning), unless GST_ICE_FUZZ_VERBOSE is
 * set; criticals and errors still reach GLib's writer, and abort under
 * G_DEBUG=fatal-criticals. Call once, from LLVMFuzzerInitialize(). */
void fuzz_quiet_logs (void);

/* GST_ICE_FUZZ_VERBOSE is set: print what each step did. */
gboolean fuzz_verbose (void);

G_END_DECLS
#endif /* __FUZZ_INPUT_H__ */
