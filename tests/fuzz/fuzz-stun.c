/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the STUN codec: every input is parsed, every
 * accessor is called on it, MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT
 * are checked with fixed keys, and the `gst-ice stun-dump` JSON dumper
 * runs on it. The sanitizers (address, undefined) turn any out-of-bounds
 * read, leak or undefined behaviour into a crash that libFuzzer reports.
 */
#include "stun-dump.h"

#include "ice/stun/stun-integrity.h"
#include "ice/stun/stun-message.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The RFC 5769 credentials, so that the seed vectors verify. */
#define SHORT_TERM_PASSWORD "VOkJxbRl1RmTxUk/WvJxBt"
#define LONG_TERM_USER                                                         \
  "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83"                           \
  "\xe3\x82\xaf\xe3\x82\xb9"
#define LONG_TERM_REALM "example.org"
#define LONG_TERM_PASSWORD "TheMatrIX"

/* Every type the codec knows, and one unknown of each kind. */
static const guint16 attr_types[] = {
  0x0001, 0x0003, 0x0006, 0x0008, 0x0009, 0x000A, 0x000C, 0x000D, 0x0012,
  0x0013, 0x0014, 0x0015, 0x0016, 0x0017, 0x0018, 0x0019, 0x001A, 0x001C,
  0x001D, 0x001E, 0x0020, 0x0022, 0x0024, 0x0025, 0x0026, 0x0027, 0x002A,
  0x8000, 0x8001, 0x8002, 0x8003, 0x8004, 0x8022, 0x8023, 0x8028, 0x8029,
  0x802A, 0x802B, 0x802C, 0x7fff, 0xffff,
};

typedef struct {
  IceStunKey short_term;
  IceStunKey long_term_md5;
  IceStunKey long_term_sha256;
} FuzzKeys;

static const FuzzKeys *
fuzz_keys (void)
{
  static FuzzKeys keys;
  static gboolean ready = FALSE;

  if (!ready) {
    if (!ice_stun_key_short_term (&keys.short_term, SHORT_TERM_PASSWORD)
        || !ice_stun_key_long_term (
            &keys.long_term_md5, ICE_STUN_PASSWORD_ALGORITHM_MD5,
            LONG_TERM_USER, LONG_TERM_REALM, LONG_TERM_PASSWORD)
        || !ice_stun_key_long_term (
            &keys.long_term_sha256, ICE_STUN_PASSWORD_ALGORITHM_SHA256,
            LONG_TERM_USER, LONG_TERM_REALM, LONG_TERM_PASSWORD))
      g_error ("the fuzzer's fixed keys cannot be derived");
    ready = TRUE;
  }
  return &keys;
}

static void
read_typed_attribute (const IceStunMessage *msg, guint16 type)
{
  IceTransportAddr addr;
  gchar text[1024];
  gchar tiny[4];
  guint16 len = 0;
  guint32 u32;
  guint64 u64;
  guint n;

  ice_stun_message_find (msg, type);
  ice_stun_message_has (msg, type);
  ice_stun_message_get_value (msg, type, &len);
  ice_stun_message_get_value (msg, type, NULL);
  ice_stun_message_get_u32 (msg, type, &u32);
  ice_stun_message_get_u64 (msg, type, &u64);
  ice_stun_message_get_string (msg, type, text, sizeof (text));
  ice_stun_message_get_string (msg, type, tiny, sizeof (tiny));
  ice_stun_message_get_address (msg, type, &addr);
  ice_stun_message_get_xor_address (msg, type, &addr);
  for (n = 0; n < 3; n++)
    ice_stun_message_get_xor_address_nth (msg, type, n, &addr);
}

static void
read_every_attribute (const IceStunMessage *msg)
{
  guint16 list[ICE_STUN_MAX_ATTRIBUTES];
  const gchar *reason = NULL;
  const guint8 *nonce;
  gsize reason_len = 0;
  guint16 nonce_len = 0;
  guint32 features;
  guint code;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (attr_types); i++)
    read_typed_attribute (msg, attr_types[i]);
  for (i = 0; i < msg->n_attrs && i < ICE_STUN_MAX_ATTRIBUTES; i++) {
    read_typed_attribute (msg, msg->attrs[i].type);
    ice_stun_attr_name (msg->attrs[i].type);
  }
  ice_stun_method_to_string (msg->method);
  ice_stun_class_to_string (msg->klass);

  if (ice_stun_message_get_error_code (msg, &code, &reason, &reason_len)
      && reason_len > 0)
    g_assert (reason != NULL);
  ice_stun_message_get_unknown_attributes (msg, list, G_N_ELEMENTS (list));
  ice_stun_message_get_unknown_attributes (msg, list, 1);
  ice_stun_message_get_password_algorithms (msg, list, G_N_ELEMENTS (list));
  ice_stun_message_get_password_algorithms (msg, list, 1);
  nonce = ice_stun_message_get_value (msg, ICE_STUN_ATTR_NONCE, &nonce_len);
  if (nonce != NULL)
    ice_stun_nonce_get_features (nonce, nonce_len, &features);
}

static void
run_checks (const IceStunMessage *msg)
{
  const FuzzKeys *keys = fuzz_keys ();

  ice_stun_check_to_string (ice_stun_message_check_fingerprint (msg));
  ice_stun_message_check_integrity (msg, &keys->short_term, FALSE);
  ice_stun_message_check_integrity (msg, &keys->short_term, TRUE);
  ice_stun_message_check_integrity (msg, &keys->long_term_md5, FALSE);
  ice_stun_message_check_integrity (msg, &keys->long_term_sha256, TRUE);
}

/* The last byte picks the dumper's credentials, so that the fuzzer can
 * reach the short-term, long-term and unchecked paths alike. */
static void
run_dumper (const guint8 *data, gsize size)
{
  StunDumpCredentials credentials = { NULL, NULL, SHORT_TERM_PASSWORD };
  GString *json = g_string_new (NULL);

  if (size > 0 && data[size - 1] % 3 == 1) {
    credentials.username = LONG_TERM_USER;
    credentials.realm = LONG_TERM_REALM;
    credentials.password = LONG_TERM_PASSWORD;
  } else if (size > 0 && data[size - 1] % 3 == 2) {
    credentials.password = NULL;
  }
  stun_dump_json (json, data, size, &credentials);
  g_string_free (json, TRUE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  IceStunMessage msg;
  IceStunParseResult result;

  ice_stun_is_message (data, size);
  result = ice_stun_message_parse (&msg, data, size);
  g_assert (ice_stun_parse_result_to_string (result) != NULL);
  if (result == ICE_STUN_PARSE_OK
      || result == ICE_STUN_PARSE_UNKNOWN_REQUIRED) {
    g_assert (msg.n_attrs <= ICE_STUN_MAX_ATTRIBUTES);
    read_every_attribute (&msg);
    run_checks (&msg);
  }
  run_dumper (data, size);
  return 0;
}
