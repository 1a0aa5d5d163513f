/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A STUN message as JSON: the decoder behind `gst-ice stun-dump`, kept
 * free of any input or output so that the fuzzer can drive it too.
 */
#ifndef __STUN_DUMP_H__
#define __STUN_DUMP_H__

#include <glib.h>

G_BEGIN_DECLS

/**
 * StunDumpCredentials:
 * @username: (nullable): with @realm, selects the long-term key
 *   (RFC 8489 §9.2.2); hashed as given
 * @realm: (nullable): see @username
 * @password: (nullable): the password; %NULL means MESSAGE-INTEGRITY is
 *   not checked (the JSON then says `"integrity_checked": false`)
 *
 * Without @username and @realm the short-term key is used (RFC 8489 §9.1.1).
 */
typedef struct {
  const gchar *username;
  const gchar *realm;
  const gchar *password;
} StunDumpCredentials;

/**
 * stun_dump_json:
 * @out: where the JSON object (and a final newline) is appended
 * @data: the bytes of one datagram; any content and length is accepted
 * @len: their number
 * @credentials: (nullable): the key to check MESSAGE-INTEGRITY with
 *
 * Decodes @data as one STUN message and appends a JSON object describing
 * it: the header, every attribute in order with its decoded value, and the
 * results of the integrity and fingerprint checks. The long-term key is
 * SHA-256 when the message names that algorithm in PASSWORD-ALGORITHM or
 * carries MESSAGE-INTEGRITY-SHA256, MD5 otherwise. docs/gst-ice-tool.md
 * describes every field.
 *
 * Returns: %NULL for a valid message (it parses and no check is BAD), else
 *   a static sentence saying why it is not; the JSON then holds
 *   `"valid": false` and the same sentence as `"error"`.
 */
const gchar *stun_dump_json (GString *out, const guint8 *data, gsize len,
                             const StunDumpCredentials *credentials);

G_END_DECLS
#endif /* __STUN_DUMP_H__ */
