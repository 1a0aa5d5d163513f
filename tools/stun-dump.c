/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The JSON dump of one STUN message (see stun-dump.h and
 * docs/gst-ice-tool.md). Values are read only through the codec's
 * accessors, so the dump shows what the rest of gst-ice would see.
 */
#include "stun-dump.h"

#include "ice/stun/stun-integrity.h"
#include "ice/stun/stun-message.h"

#include <string.h>

/* RFC 8489 §14.3, §14.9, §14.10, §14.14: text values are shorter than 763
 * bytes (USERNAME shorter than 513), so every legal one fits. */
#define TEXT_MAX 1024

/* How an attribute's value is shown. */
typedef enum {
  VALUE_HEX,            /* the bytes, as lowercase hex */
  VALUE_FLAG,           /* no value: true */
  VALUE_ADDRESS,        /* "ip:port" */
  VALUE_XOR_ADDRESS,    /* "ip:port", after undoing the XOR */
  VALUE_U32,            /* a number */
  VALUE_U32_HIGH16,     /* a 16-bit number followed by RFFU */
  VALUE_U32_HIGH8,      /* an 8-bit number followed by RFFU */
  VALUE_U64_HEX,        /* "0x" and 16 hex digits */
  VALUE_U32_HEX,        /* "0x" and 8 hex digits */
  VALUE_TEXT,           /* a UTF-8 string */
  VALUE_NONCE,          /* text, and the cookie's feature bits */
  VALUE_ERROR_CODE,     /* "code" and "reason" */
  VALUE_UNKNOWN_LIST,   /* a list of attribute types */
  VALUE_ALGORITHM_LIST, /* a list of password algorithms */
  VALUE_ALGORITHM,      /* one password algorithm */
} ValueKind;

typedef struct {
  guint16 type;
  ValueKind kind;
} AttrFormat;

/* Types not listed here are shown as hex (MESSAGE-INTEGRITY, USERHASH,
 * DATA, PADDING, ... and every unknown type). */
static const AttrFormat attr_formats[] = {
  { ICE_STUN_ATTR_MAPPED_ADDRESS, VALUE_ADDRESS },
  { ICE_STUN_ATTR_CHANGE_REQUEST, VALUE_U32 },
  { ICE_STUN_ATTR_USERNAME, VALUE_TEXT },
  { ICE_STUN_ATTR_ERROR_CODE, VALUE_ERROR_CODE },
  { ICE_STUN_ATTR_UNKNOWN_ATTRIBUTES, VALUE_UNKNOWN_LIST },
  { ICE_STUN_ATTR_CHANNEL_NUMBER, VALUE_U32_HIGH16 },
  { ICE_STUN_ATTR_LIFETIME, VALUE_U32 },
  { ICE_STUN_ATTR_XOR_PEER_ADDRESS, VALUE_XOR_ADDRESS },
  { ICE_STUN_ATTR_REALM, VALUE_TEXT },
  { ICE_STUN_ATTR_NONCE, VALUE_NONCE },
  { ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, VALUE_XOR_ADDRESS },
  { ICE_STUN_ATTR_REQUESTED_ADDRESS_FAMILY, VALUE_U32_HIGH8 },
  { ICE_STUN_ATTR_REQUESTED_TRANSPORT, VALUE_U32_HIGH8 },
  { ICE_STUN_ATTR_DONT_FRAGMENT, VALUE_FLAG },
  { ICE_STUN_ATTR_PASSWORD_ALGORITHM, VALUE_ALGORITHM },
  { ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, VALUE_XOR_ADDRESS },
  { ICE_STUN_ATTR_PRIORITY, VALUE_U32 },
  { ICE_STUN_ATTR_USE_CANDIDATE, VALUE_FLAG },
  { ICE_STUN_ATTR_RESPONSE_PORT, VALUE_U32_HIGH16 },
  { ICE_STUN_ATTR_CONNECTION_ID, VALUE_U32 },
  { ICE_STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, VALUE_U32_HIGH8 },
  { ICE_STUN_ATTR_PASSWORD_ALGORITHMS, VALUE_ALGORITHM_LIST },
  { ICE_STUN_ATTR_ALTERNATE_DOMAIN, VALUE_TEXT },
  { ICE_STUN_ATTR_SOFTWARE, VALUE_TEXT },
  { ICE_STUN_ATTR_ALTERNATE_SERVER, VALUE_ADDRESS },
  { ICE_STUN_ATTR_FINGERPRINT, VALUE_U32_HEX },
  { ICE_STUN_ATTR_ICE_CONTROLLED, VALUE_U64_HEX },
  { ICE_STUN_ATTR_ICE_CONTROLLING, VALUE_U64_HEX },
  { ICE_STUN_ATTR_RESPONSE_ORIGIN, VALUE_ADDRESS },
  { ICE_STUN_ATTR_OTHER_ADDRESS, VALUE_ADDRESS },
};

static ValueKind
value_kind (guint16 type)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (attr_formats); i++) {
    if (attr_formats[i].type == type)
      return attr_formats[i].kind;
  }
  return VALUE_HEX;
}

/* The caller has checked that @s is valid UTF-8; RFC 8259 §7 requires the
 * quote, the backslash and the control characters to be escaped. */
static void
json_append_string (GString *out, const gchar *s, gsize len)
{
  gsize i;

  g_string_append_c (out, '"');
  for (i = 0; i < len; i++) {
    guchar c = (guchar)s[i];

    if (c == '"' || c == '\\')
      g_string_append_printf (out, "\\%c", c);
    else if (c == '\n')
      g_string_append (out, "\\n");
    else if (c == '\t')
      g_string_append (out, "\\t");
    else if (c < 0x20 || c == 0x7f)
      g_string_append_printf (out, "\\u%04x", c);
    else
      g_string_append_c (out, (gchar)c);
  }
  g_string_append_c (out, '"');
}

static void
json_append_hex (GString *out, const guint8 *bytes, gsize len)
{
  gsize i;

  g_string_append_c (out, '"');
  for (i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", bytes[i]);
  g_string_append_c (out, '"');
}

/* Text that is not UTF-8 cannot be a JSON string: FALSE, shown as raw. */
static gboolean
append_text_value (GString *out, const gchar *key, const gchar *s, gsize len)
{
  if (!g_utf8_validate_len (s, len, NULL))
    return FALSE;
  g_string_append_printf (out, ", \"%s\": ", key);
  json_append_string (out, s, len);
  return TRUE;
}

/* @view holds only the attribute being shown, so the accessors, which
 * return the first attribute of a type, see this one. */
static gboolean
append_address (GString *out, const IceStunMessage *view, guint16 type,
                gboolean xored)
{
  IceTransportAddr addr;
  gchar text[ICE_ADDR_STRLEN];
  gboolean ok;

  memset (&addr, 0, sizeof (addr));
  if (xored)
    ok = ice_stun_message_get_xor_address (view, type, &addr);
  else
    ok = ice_stun_message_get_address (view, type, &addr);
  if (!ok)
    return FALSE;
  g_string_append_printf (out, ", \"value\": \"%s\"",
                          ice_addr_to_string (&addr, text));
  return TRUE;
}

/* The top 32 - @shift bits as a number, or all 32 as hex if @shift < 0. */
static gboolean
append_u32 (GString *out, const IceStunMessage *view, guint16 type, gint shift)
{
  guint32 value;

  if (!ice_stun_message_get_u32 (view, type, &value))
    return FALSE;
  if (shift < 0)
    g_string_append_printf (out, ", \"value\": \"0x%08x\"", value);
  else
    g_string_append_printf (out, ", \"value\": %u", value >> shift);
  return TRUE;
}

static gboolean
append_u64_hex (GString *out, const IceStunMessage *view, guint16 type)
{
  guint64 value;

  if (!ice_stun_message_get_u64 (view, type, &value))
    return FALSE;
  g_string_append_printf (out, ", \"value\": \"0x%016" G_GINT64_MODIFIER "x\"",
                          value);
  return TRUE;
}

static gboolean
append_text (GString *out, const IceStunMessage *view, guint16 type)
{
  gchar text[TEXT_MAX];

  if (!ice_stun_message_get_string (view, type, text, sizeof (text)))
    return FALSE;
  return append_text_value (out, "value", text, strlen (text));
}

/* RFC 8489 §9.2: a nonce that starts with the cookie carries the server's
 * security feature bits. */
static gboolean
append_nonce (GString *out, const IceStunMessage *view)
{
  const guint8 *value;
  guint16 len = 0;
  guint32 features;

  if (!append_text (out, view, ICE_STUN_ATTR_NONCE))
    return FALSE;
  value = ice_stun_message_get_value (view, ICE_STUN_ATTR_NONCE, &len);
  if (value != NULL && ice_stun_nonce_get_features (value, len, &features))
    g_string_append_printf (out, ", \"security_features\": %u", features);
  return TRUE;
}

static gboolean
append_error_code (GString *out, const IceStunMessage *view)
{
  const gchar *reason = NULL;
  gsize reason_len = 0;
  guint code;

  if (!ice_stun_message_get_error_code (view, &code, &reason, &reason_len))
    return FALSE;
  g_string_append_printf (out, ", \"code\": %u", code);
  if (reason_len == 0)
    return append_text_value (out, "reason", "", 0);
  if (reason == NULL)
    return FALSE;
  return append_text_value (out, "reason", reason, reason_len);
}

static void
append_number_list (GString *out, const guint16 *numbers, guint n)
{
  guint i;

  g_string_append (out, ", \"value\": [");
  for (i = 0; i < n; i++)
    g_string_append_printf (out, "%s%u", i > 0 ? ", " : "", numbers[i]);
  g_string_append_c (out, ']');
}

/* RFC 8489 §14.12: a 16-bit algorithm, a 16-bit parameter length and the
 * parameters. */
static gboolean
append_algorithm (GString *out, const guint8 *value, guint16 len)
{
  guint algorithm;

  if (len < 4)
    return FALSE;
  algorithm = (value[0] << 8) | value[1];
  g_string_append_printf (out, ", \"value\": %u", algorithm);
  if (algorithm == ICE_STUN_PASSWORD_ALGORITHM_MD5)
    g_string_append (out, ", \"algorithm\": \"MD5\"");
  else if (algorithm == ICE_STUN_PASSWORD_ALGORITHM_SHA256)
    g_string_append (out, ", \"algorithm\": \"SHA-256\"");
  return TRUE;
}

static gboolean
append_value (GString *out, const IceStunMessage *view, const IceStunAttr *attr)
{
  guint16 list[ICE_STUN_MAX_ATTRIBUTES];
  guint n;

  switch (value_kind (attr->type)) {
    case VALUE_FLAG:
      g_string_append (out, ", \"value\": true");
      return TRUE;
    case VALUE_ADDRESS:
      return append_address (out, view, attr->type, FALSE);
    case VALUE_XOR_ADDRESS:
      return append_address (out, view, attr->type, TRUE);
    case VALUE_U32:
      return append_u32 (out, view, attr->type, 0);
    case VALUE_U32_HIGH16:
      return append_u32 (out, view, attr->type, 16);
    case VALUE_U32_HIGH8:
      return append_u32 (out, view, attr->type, 24);
    case VALUE_U32_HEX:
      return append_u32 (out, view, attr->type, -1);
    case VALUE_U64_HEX:
      return append_u64_hex (out, view, attr->type);
    case VALUE_TEXT:
      return append_text (out, view, attr->type);
    case VALUE_NONCE:
      return append_nonce (out, view);
    case VALUE_ERROR_CODE:
      return append_error_code (out, view);
    case VALUE_UNKNOWN_LIST:
      n = ice_stun_message_get_unknown_attributes (view, list,
                                                   G_N_ELEMENTS (list));
      append_number_list (out, list, MIN (n, G_N_ELEMENTS (list)));
      return TRUE;
    case VALUE_ALGORITHM_LIST:
      n = ice_stun_message_get_password_algorithms (view, list,
                                                    G_N_ELEMENTS (list));
      append_number_list (out, list, MIN (n, G_N_ELEMENTS (list)));
      return TRUE;
    case VALUE_ALGORITHM:
      return append_algorithm (out, view->data + attr->offset, attr->length);
    case VALUE_HEX:
      break;
  }
  g_string_append (out, ", \"value\": ");
  json_append_hex (out, view->data + attr->offset, attr->length);
  return TRUE;
}

static void
append_attribute (GString *out, const IceStunMessage *msg,
                  const IceStunAttr *attr)
{
  IceStunMessage view = *msg;
  const gchar *name = ice_stun_attr_name (attr->type);

  view.n_attrs = 1;
  view.attrs[0] = *attr;
  view.integrity = attr->type == ICE_STUN_ATTR_MESSAGE_INTEGRITY ? 0 : -1;
  view.integrity_sha256
      = attr->type == ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256 ? 0 : -1;
  view.fingerprint = attr->type == ICE_STUN_ATTR_FINGERPRINT ? 0 : -1;

  g_string_append_printf (out, "    {\"type\": %u, \"name\": ", attr->type);
  if (name != NULL)
    json_append_string (out, name, strlen (name));
  else
    g_string_append (out, "null");
  g_string_append_printf (out, ", \"length\": %u", attr->length);
  if (!append_value (out, &view, attr)) {
    /* The parser accepted it but its value cannot be decoded (e.g. text
     * that is not UTF-8): show the bytes instead. */
    g_string_append (out, ", \"malformed\": true, \"value\": ");
    json_append_hex (out, msg->data + attr->offset, attr->length);
  }
  g_string_append_c (out, '}');
}

static void
append_attributes (GString *out, const IceStunMessage *msg)
{
  guint i;

  g_string_append (out, "  \"attributes\": [");
  for (i = 0; i < msg->n_attrs; i++) {
    g_string_append (out, i > 0 ? ",\n" : "\n");
    append_attribute (out, msg, &msg->attrs[i]);
  }
  g_string_append (out, msg->n_attrs > 0 ? "\n  ],\n" : "],\n");
  if (msg->n_unknown > 0) {
    g_string_append (out, "  \"unknown_required\": [");
    for (i = 0; i < msg->n_unknown && i < ICE_STUN_MAX_UNKNOWN; i++)
      g_string_append_printf (out, "%s%u", i > 0 ? ", " : "", msg->unknown[i]);
    g_string_append (out, "],\n");
  }
}

/* Read from the raw bytes, so that a rejected message still shows them. */
static void
append_raw_header (GString *out, const guint8 *data, gsize len)
{
  g_string_append_printf (out, "  \"size\": %" G_GSIZE_FORMAT ",\n", len);
  if (len < ICE_STUN_HEADER_SIZE)
    return;
  g_string_append_printf (out, "  \"type\": \"0x%02x%02x\",\n", data[0],
                          data[1]);
  g_string_append_printf (out, "  \"length\": %u,\n", (data[2] << 8) | data[3]);
  g_string_append (out, "  \"transaction_id\": ");
  json_append_hex (out, data + 8, ICE_STUN_TRANSACTION_ID_SIZE);
  g_string_append (out, ",\n");
}

static const gchar *
class_name (IceStunClass klass)
{
  switch (klass) {
    case ICE_STUN_CLASS_REQUEST:
      return "request";
    case ICE_STUN_CLASS_INDICATION:
      return "indication";
    case ICE_STUN_CLASS_SUCCESS:
      return "success";
    case ICE_STUN_CLASS_ERROR:
      return "error";
  }
  return "invalid";
}

/* The codec's IANA spelling ("CreatePermission") in lowercase words joined
 * by dashes ("create-permission"); "0x..." for a method it does not know. */
static void
append_method (GString *out, guint16 method)
{
  const gchar *name = ice_stun_method_to_string (method);
  const gchar *c;

  if (name == NULL || strcmp (name, "unknown") == 0) {
    g_string_append_printf (out, "  \"method\": \"0x%03x\",\n", method);
    return;
  }
  g_string_append (out, "  \"method\": \"");
  for (c = name; *c != '\0'; c++) {
    if (g_ascii_isupper (*c) && c != name)
      g_string_append_c (out, '-');
    if (g_ascii_isalnum (*c) || *c == '-')
      g_string_append_c (out, g_ascii_tolower (*c));
  }
  g_string_append (out, "\",\n");
}

/* RFC 8489 §14.12: PASSWORD-ALGORITHM names the long-term key's hash;
 * without it, a SHA-256 MAC implies the SHA-256 key, else MD5 (RFC 5389). */
static IceStunPasswordAlgorithm
long_term_algorithm (const IceStunMessage *msg)
{
  const guint8 *value;
  guint16 len = 0;
  guint algorithm;

  value = ice_stun_message_get_value (msg, ICE_STUN_ATTR_PASSWORD_ALGORITHM,
                                      &len);
  if (value != NULL && len >= 2) {
    algorithm = (value[0] << 8) | value[1];
    if (algorithm == ICE_STUN_PASSWORD_ALGORITHM_MD5
        || algorithm == ICE_STUN_PASSWORD_ALGORITHM_SHA256)
      return algorithm;
  }
  return msg->integrity_sha256 >= 0 ? ICE_STUN_PASSWORD_ALGORITHM_SHA256
                                    : ICE_STUN_PASSWORD_ALGORITHM_MD5;
}

static gboolean
derive_key (IceStunKey *key, const IceStunMessage *msg,
            const StunDumpCredentials *credentials, const gchar **key_kind)
{
  IceStunPasswordAlgorithm algorithm;

  if (credentials->username == NULL || credentials->realm == NULL) {
    *key_kind = "short-term";
    return ice_stun_key_short_term (key, credentials->password);
  }
  algorithm = long_term_algorithm (msg);
  *key_kind = algorithm == ICE_STUN_PASSWORD_ALGORITHM_SHA256
                  ? "long-term-sha256"
                  : "long-term-md5";
  return ice_stun_key_long_term (key, algorithm, credentials->username,
                                 credentials->realm, credentials->password);
}

/* Truncated SHA-256 MACs are accepted: the dump does not know the usage,
 * and RFC 8489 §14.6 leaves truncation to the usage. */
static IceStunCheck
append_integrity (GString *out, const IceStunMessage *msg,
                  const StunDumpCredentials *credentials)
{
  IceStunCheck check = ICE_STUN_CHECK_ABSENT;
  const gchar *key_kind = NULL;
  IceStunKey key;
  gboolean checked = FALSE;

  if (credentials != NULL && credentials->password != NULL) {
    memset (&key, 0, sizeof (key));
    checked = derive_key (&key, msg, credentials, &key_kind);
    if (checked)
      check = ice_stun_message_check_integrity (msg, &key, TRUE);
    memset (&key, 0, sizeof (key));
  }
  g_string_append_printf (out, "  \"integrity\": \"%s\",\n",
                          check == ICE_STUN_CHECK_OK    ? "ok"
                          : check == ICE_STUN_CHECK_BAD ? "bad"
                                                        : "absent");
  g_string_append_printf (out, "  \"integrity_checked\": %s,\n",
                          checked ? "true" : "false");
  if (key_kind != NULL && checked)
    g_string_append_printf (out, "  \"integrity_key\": \"%s\",\n", key_kind);
  else if (key_kind != NULL)
    g_string_append (out, "  \"integrity_error\": \"the password is not "
                          "allowed by OpaqueString (RFC 8265)\",\n");
  return check;
}

static IceStunCheck
append_fingerprint (GString *out, const IceStunMessage *msg)
{
  IceStunCheck check = ice_stun_message_check_fingerprint (msg);

  g_string_append_printf (out, "  \"fingerprint\": \"%s\"\n",
                          check == ICE_STUN_CHECK_OK    ? "ok"
                          : check == ICE_STUN_CHECK_BAD ? "bad"
                                                        : "absent");
  return check;
}

/* The "valid" and "error" members go first but are known last: they are
 * inserted at @at once the checks have run. */
static void
insert_verdict (GString *out, gsize at, const gchar *error)
{
  GString *verdict = g_string_new (NULL);

  if (error == NULL) {
    g_string_append (verdict, "  \"valid\": true,\n");
  } else {
    g_string_append (verdict, "  \"valid\": false,\n  \"error\": ");
    json_append_string (verdict, error, strlen (error));
    g_string_append (verdict, ",\n");
  }
  g_string_insert_len (out, at, verdict->str, verdict->len);
  g_string_free (verdict, TRUE);
}

const gchar *
stun_dump_json (GString *out, const guint8 *data, gsize len,
                const StunDumpCredentials *credentials)
{
  IceStunMessage msg;
  IceStunParseResult result;
  const gchar *error = NULL;
  gsize start;

  g_string_append (out, "{\n");
  start = out->len;
  append_raw_header (out, data, len);
  memset (&msg, 0, sizeof (msg));
  result = ice_stun_message_parse (&msg, data, len);
  if (result != ICE_STUN_PARSE_OK) {
    error = ice_stun_parse_result_to_string (result);
    if (error == NULL)
      error = "not a valid STUN message";
  }

  /* RFC 8489 §6.3.1: with unknown comprehension-required attributes the
   * message is otherwise parsed, so it is still worth showing. */
  if (result == ICE_STUN_PARSE_OK
      || result == ICE_STUN_PARSE_UNKNOWN_REQUIRED) {
    g_string_append_printf (out, "  \"class\": \"%s\",\n",
                            class_name (msg.klass));
    append_method (out, msg.method);
    append_attributes (out, &msg);
    if (append_integrity (out, &msg, credentials) == ICE_STUN_CHECK_BAD
        && error == NULL)
      error = msg.integrity_sha256 >= 0
                  ? "MESSAGE-INTEGRITY-SHA256 does not match the key"
                  : "MESSAGE-INTEGRITY does not match the key";
    if (append_fingerprint (out, &msg) == ICE_STUN_CHECK_BAD && error == NULL)
      error = "FINGERPRINT does not match the message";
  } else {
    /* Drop the ",\n" of the last header member: the object ends here. */
    g_string_truncate (out, out->len - 2);
    g_string_append_c (out, '\n');
  }
  insert_verdict (out, start, error);
  g_string_append (out, "}\n");
  return error;
}
