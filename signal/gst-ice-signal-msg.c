/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parsing and building the messages of docs/signalling.md. Every check a
 * message fails ends in one GError whose code is the protocol's answer.
 */
#include "signal/gst-ice-signal-msg.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* json-glib's parser recurses per nesting level; a 16 KiB frame of "[" must
 * not cost 16k stack frames, and no valid message nests at all. */
#define MAX_DEPTH 8

/* RFC 8839 §5.4: ice-ufrag 4-256 and ice-pwd 22-256 ice-chars. */
#define UFRAG_MIN 4
#define PWD_MIN 22
#define ICE_CHARS_MAX 256
/* A generation is a counter; bounded so that every client stores it. */
#define GENERATION_MAX G_MAXUINT32

static const gchar *const type_names[] = {
  [GST_ICE_SIGNAL_MSG_JOIN] = "join",
  [GST_ICE_SIGNAL_MSG_LEAVE] = "leave",
  [GST_ICE_SIGNAL_MSG_JOINED] = "joined",
  [GST_ICE_SIGNAL_MSG_PEER_JOINED] = "peer-joined",
  [GST_ICE_SIGNAL_MSG_PEER_LEFT] = "peer-left",
  [GST_ICE_SIGNAL_MSG_ERROR] = "error",
  [GST_ICE_SIGNAL_MSG_CREDENTIALS] = "credentials",
  [GST_ICE_SIGNAL_MSG_CANDIDATE] = "candidate",
  [GST_ICE_SIGNAL_MSG_END_OF_CANDIDATES] = "end-of-candidates",
  [GST_ICE_SIGNAL_MSG_RESTART] = "restart",
};

static const gchar *const error_names[] = {
  [GST_ICE_SIGNAL_ERROR_VERSION] = "version",
  [GST_ICE_SIGNAL_ERROR_MALFORMED] = "malformed",
  [GST_ICE_SIGNAL_ERROR_TOO_BIG] = "too-big",
  [GST_ICE_SIGNAL_ERROR_UNKNOWN_TYPE] = "unknown-type",
  [GST_ICE_SIGNAL_ERROR_ROOM_FULL] = "room-full",
  [GST_ICE_SIGNAL_ERROR_BAD_ROOM] = "bad-room",
  [GST_ICE_SIGNAL_ERROR_BAD_TOKEN] = "bad-token",
  [GST_ICE_SIGNAL_ERROR_NOT_JOINED] = "not-joined",
  [GST_ICE_SIGNAL_ERROR_RATE] = "rate",
  [GST_ICE_SIGNAL_ERROR_SERVER_FULL] = "server-full",
  [GST_ICE_SIGNAL_ERROR_OTHER] = "other",
};

G_DEFINE_QUARK (gst - ice - signal - error - quark, gst_ice_signal_error)

const gchar *
gst_ice_signal_msg_type_to_string (GstIceSignalMsgType type)
{
  if ((guint)type >= G_N_ELEMENTS (type_names))
    return NULL;
  return type_names[type];
}

static gboolean
type_from_string (const gchar *name, GstIceSignalMsgType *type)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (type_names); i++) {
    if (strcmp (type_names[i], name) == 0) {
      *type = (GstIceSignalMsgType)i;
      return TRUE;
    }
  }
  return FALSE;
}

const gchar *
gst_ice_signal_error_to_string (GstIceSignalError code)
{
  if ((guint)code >= G_N_ELEMENTS (error_names))
    return error_names[GST_ICE_SIGNAL_ERROR_OTHER];
  return error_names[code];
}

GstIceSignalError
gst_ice_signal_error_from_string (const gchar *code)
{
  guint i;

  for (i = 0; i < GST_ICE_SIGNAL_ERROR_OTHER; i++) {
    if (strcmp (error_names[i], code) == 0)
      return (GstIceSignalError)i;
  }
  return GST_ICE_SIGNAL_ERROR_OTHER;
}

gboolean
gst_ice_signal_msg_type_is_relayed (GstIceSignalMsgType type)
{
  return type == GST_ICE_SIGNAL_MSG_CREDENTIALS
         || type == GST_ICE_SIGNAL_MSG_CANDIDATE
         || type == GST_ICE_SIGNAL_MSG_END_OF_CANDIDATES
         || type == GST_ICE_SIGNAL_MSG_RESTART;
}

/* ---- value checks ---- */

static gboolean
chars_in (const gchar *s, gsize min, gsize max, const gchar *extra)
{
  gsize len = strlen (s), i;

  if (len < min || len > max)
    return FALSE;
  for (i = 0; i < len; i++) {
    if (!g_ascii_isalnum (s[i]) && strchr (extra, s[i]) == NULL)
      return FALSE;
  }
  return TRUE;
}

gboolean
gst_ice_signal_room_is_valid (const gchar *room)
{
  return room != NULL && chars_in (room, 1, GST_ICE_SIGNAL_MAX_ROOM, "._-");
}

/* UTF-8 (json-glib's strings are), no control characters. */
static gboolean
text_is_valid (const gchar *s, glong min, glong max)
{
  glong n = 0;
  const gchar *p;

  for (p = s; *p != '\0'; p = g_utf8_next_char (p), n++) {
    if (g_unichar_iscntrl (g_utf8_get_char (p)) || n >= max)
      return FALSE;
  }
  return n >= min;
}

gboolean
gst_ice_signal_peer_is_valid (const gchar *peer)
{
  return peer != NULL && text_is_valid (peer, 1, GST_ICE_SIGNAL_MAX_PEER);
}

/* RFC 5888 §4: identification-tag is an RFC 4566 token. */
static gboolean
mid_is_valid (const gchar *mid)
{
  return chars_in (mid, 1, GST_ICE_SIGNAL_MAX_MID, "!#$%&'*+-.^_`{|}~");
}

static gboolean
candidate_is_valid (const gchar *line)
{
  const gchar *body = line;
  gsize len = strlen (line), i;

  if (len > GST_ICE_SIGNAL_MAX_CANDIDATE)
    return FALSE;
  if (g_str_has_prefix (body, "a="))
    body += 2;
  if (!g_str_has_prefix (body, "candidate:"))
    return FALSE;
  for (i = 0; i < len; i++) {
    if ((guchar)line[i] < 0x20 || line[i] == 0x7f)
      return FALSE;
  }
  return TRUE;
}

/* ---- reading fields ---- */

static gboolean fail (GError **error, GstIceSignalError code,
                      const gchar *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, GstIceSignalError code, const gchar *format, ...)
{
  va_list args;

  if (error != NULL) {
    va_start (args, format);
    *error = g_error_new_valist (GST_ICE_SIGNAL_ERROR, code, format, args);
    va_end (args);
  }
  return FALSE;
}

static gboolean
value_of_type (JsonObject *obj, const gchar *name, GType type)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == type;
}

/* @out is NULL if the field is absent and not @required. */
static gboolean
read_string (JsonObject *obj, const gchar *name, gboolean required, gchar **out,
             GError **error)
{
  if (!json_object_has_member (obj, name) && !required)
    return TRUE;
  if (!value_of_type (obj, name, G_TYPE_STRING))
    return fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED,
                 "\"%s\" must be a string", name);
  *out = g_strdup (json_object_get_string_member (obj, name));
  return TRUE;
}

static gboolean
read_int (JsonObject *obj, const gchar *name, gint64 min, gint64 max,
          gint64 *out, GError **error)
{
  if (!value_of_type (obj, name, G_TYPE_INT64))
    return fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED,
                 "\"%s\" must be an integer", name);
  *out = json_object_get_int_member (obj, name);
  if (*out < min || *out > max)
    return fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED,
                 "\"%s\" must be in %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT,
                 name, min, max);
  return TRUE;
}

static gboolean
check (gboolean ok, const gchar *name, GError **error)
{
  if (!ok)
    return fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED,
                 "\"%s\" is not valid (docs/signalling.md)", name);
  return TRUE;
}

/* ---- one reader per type ---- */

static gboolean
read_join (JsonObject *obj, GstIceSignalMsg *m, GError **error)
{
  if (!read_string (obj, "room", FALSE, &m->room, error)
      || !read_string (obj, "peer", FALSE, &m->peer, error))
    return FALSE;
  if (m->room != NULL && !gst_ice_signal_room_is_valid (m->room))
    return fail (error, GST_ICE_SIGNAL_ERROR_BAD_ROOM,
                 "a room is 1-64 characters of A-Z a-z 0-9 . _ -");
  return m->peer == NULL
         || check (gst_ice_signal_peer_is_valid (m->peer), "peer", error);
}

static gboolean
read_joined (JsonObject *obj, GstIceSignalMsg *m, GError **error)
{
  gint64 peers;

  if (!read_string (obj, "room", TRUE, &m->room, error)
      || !check (gst_ice_signal_room_is_valid (m->room), "room", error)
      || !read_string (obj, "peer", TRUE, &m->peer, error)
      || !check (gst_ice_signal_peer_is_valid (m->peer), "peer", error)
      || !read_int (obj, "peers", 1, 2, &peers, error))
    return FALSE;
  m->peers = (gint)peers;
  return TRUE;
}

static gboolean
read_peer (JsonObject *obj, GstIceSignalMsg *m, GError **error)
{
  return read_string (obj, "peer", TRUE, &m->peer, error)
         && check (gst_ice_signal_peer_is_valid (m->peer), "peer", error);
}

static gboolean
read_error (JsonObject *obj, GstIceSignalMsg *m, GError **error)
{
  if (!read_string (obj, "code", TRUE, &m->code_name, error)
      || !check (chars_in (m->code_name, 1, 64, "-"), "code", error)
      || !read_string (obj, "message", TRUE, &m->message, error)
      || !check (text_is_valid (m->message, 0, GST_ICE_SIGNAL_MAX_TEXT),
                 "message", error))
    return FALSE;
  if (!value_of_type (obj, "fatal", G_TYPE_BOOLEAN))
    return fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED,
                 "\"fatal\" must be a boolean");
  m->fatal = json_object_get_boolean_member (obj, "fatal");
  m->code = gst_ice_signal_error_from_string (m->code_name);
  return TRUE;
}

/* "mid" defaults to "0" (docs/signalling.md). */
static gboolean
read_mid (JsonObject *obj, GstIceSignalMsg *m, GError **error)
{
  if (!read_string (obj, "mid", FALSE, &m->mid, error))
    return FALSE;
  if (m->mid == NULL)
    m->mid = g_strdup ("0");
  return check (mid_is_valid (m->mid), "mid", error);
}

static gboolean
read_mid_generation (JsonObject *obj, GstIceSignalMsg *m, GError **error)
{
  return read_mid (obj, m, error)
         && read_int (obj, "generation", 0, GENERATION_MAX, &m->generation,
                      error);
}

static gboolean
read_credentials (JsonObject *obj, GstIceSignalMsg *m, GError **error)
{
  return read_mid_generation (obj, m, error)
         && read_string (obj, "ufrag", TRUE, &m->ufrag, error)
         && check (chars_in (m->ufrag, UFRAG_MIN, ICE_CHARS_MAX, "+/"), "ufrag",
                   error)
         && read_string (obj, "pwd", TRUE, &m->pwd, error)
         && check (chars_in (m->pwd, PWD_MIN, ICE_CHARS_MAX, "+/"), "pwd",
                   error);
}

static gboolean
read_candidate (JsonObject *obj, GstIceSignalMsg *m, GError **error)
{
  return read_mid_generation (obj, m, error)
         && read_string (obj, "candidate", TRUE, &m->candidate, error)
         && check (candidate_is_valid (m->candidate), "candidate", error);
}

static gboolean
read_fields (JsonObject *obj, GstIceSignalMsg *m, GError **error)
{
  switch (m->type) {
    case GST_ICE_SIGNAL_MSG_JOIN:
      return read_join (obj, m, error);
    case GST_ICE_SIGNAL_MSG_JOINED:
      return read_joined (obj, m, error);
    case GST_ICE_SIGNAL_MSG_PEER_JOINED:
    case GST_ICE_SIGNAL_MSG_PEER_LEFT:
      return read_peer (obj, m, error);
    case GST_ICE_SIGNAL_MSG_ERROR:
      return read_error (obj, m, error);
    case GST_ICE_SIGNAL_MSG_CREDENTIALS:
      return read_credentials (obj, m, error);
    case GST_ICE_SIGNAL_MSG_CANDIDATE:
      return read_candidate (obj, m, error);
    case GST_ICE_SIGNAL_MSG_END_OF_CANDIDATES:
      return read_mid_generation (obj, m, error);
    case GST_ICE_SIGNAL_MSG_RESTART:
      return read_mid (obj, m, error);
    case GST_ICE_SIGNAL_MSG_LEAVE:
      break;
  }
  return TRUE;
}

/* ---- the envelope ---- */

/* The deepest nesting of arrays and objects, outside strings. */
static guint
nesting_depth (const gchar *text, gsize len)
{
  guint depth = 0, deepest = 0;
  gboolean in_string = FALSE;
  gsize i;

  for (i = 0; i < len; i++) {
    if (in_string) {
      if (text[i] == '\\')
        i++;
      else if (text[i] == '"')
        in_string = FALSE;
    } else if (text[i] == '"') {
      in_string = TRUE;
    } else if (text[i] == '[' || text[i] == '{') {
      deepest = MAX (deepest, ++depth);
    } else if ((text[i] == ']' || text[i] == '}') && depth > 0) {
      depth--;
    }
  }
  return deepest;
}

static JsonNode *
parse_json (const gchar *text, gsize len, GError **error)
{
  JsonParser *parser;
  JsonNode *root = NULL;
  GError *json_error = NULL;

  if (!g_utf8_validate_len (text, len, NULL) || memchr (text, 0, len) != NULL) {
    fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED, "not UTF-8 text");
    return NULL;
  }
  if (nesting_depth (text, len) > MAX_DEPTH) {
    fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED, "nested too deeply");
    return NULL;
  }
  parser = json_parser_new_immutable ();
  if (json_parser_load_from_data (parser, text, (gssize)len, &json_error))
    root = json_parser_steal_root (parser);
  else
    fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED, "not JSON: %s",
          json_error->message);
  if (root == NULL && json_error == NULL)
    fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED, "empty message");
  g_clear_error (&json_error);
  g_object_unref (parser);
  return root;
}

static gboolean
read_envelope (JsonObject *obj, GstIceSignalMsg *m, GError **error)
{
  const gchar *type;

  if (!value_of_type (obj, "v", G_TYPE_INT64))
    return fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED,
                 "\"v\" must be an integer");
  if (json_object_get_int_member (obj, "v") != GST_ICE_SIGNAL_VERSION)
    return fail (error, GST_ICE_SIGNAL_ERROR_VERSION,
                 "protocol version %" G_GINT64_FORMAT " is not supported "
                 "(this is version %d)",
                 json_object_get_int_member (obj, "v"), GST_ICE_SIGNAL_VERSION);
  if (!value_of_type (obj, "type", G_TYPE_STRING))
    return fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED,
                 "\"type\" must be a string");
  type = json_object_get_string_member (obj, "type");
  if (!type_from_string (type, &m->type))
    return fail (error, GST_ICE_SIGNAL_ERROR_UNKNOWN_TYPE,
                 "unknown message type \"%.64s\"", type);
  return TRUE;
}

gboolean
gst_ice_signal_msg_parse (const gchar *text, gsize len, GstIceSignalMsg *out,
                          GError **error)
{
  JsonNode *root;
  gboolean ok = FALSE;

  memset (out, 0, sizeof (*out));
  if (len > GST_ICE_SIGNAL_MAX_MESSAGE)
    return fail (error, GST_ICE_SIGNAL_ERROR_TOO_BIG,
                 "a message is at most %d bytes, this one has %" G_GSIZE_FORMAT,
                 GST_ICE_SIGNAL_MAX_MESSAGE, len);
  root = parse_json (text, len, error);
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    fail (error, GST_ICE_SIGNAL_ERROR_MALFORMED, "not a JSON object");
  else
    ok = read_envelope (json_node_get_object (root), out, error)
         && read_fields (json_node_get_object (root), out, error);
  json_node_unref (root);
  if (!ok)
    gst_ice_signal_msg_clear (out);
  return ok;
}

void
gst_ice_signal_msg_clear (GstIceSignalMsg *msg)
{
  g_free (msg->room);
  g_free (msg->peer);
  g_free (msg->mid);
  g_free (msg->ufrag);
  g_free (msg->pwd);
  g_free (msg->candidate);
  g_free (msg->code_name);
  g_free (msg->message);
  memset (msg, 0, sizeof (*msg));
}
