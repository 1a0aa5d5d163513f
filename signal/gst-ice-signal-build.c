/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Building the messages of docs/signalling.md: compact JSON, "v" and
 * "type" first, so that what goes on the wire is easy to read in a log.
 */
#include "signal/gst-ice-signal-msg.h"

#include <json-glib/json-glib.h>

static void
add_string (JsonBuilder *b, const gchar *name, const gchar *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_int (JsonBuilder *b, const gchar *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_mid (JsonBuilder *b, const GstIceSignalMsg *msg)
{
  add_string (b, "mid", msg->mid != NULL ? msg->mid : "0");
}

static void
add_fields (JsonBuilder *b, const GstIceSignalMsg *msg)
{
  switch (msg->type) {
    case GST_ICE_SIGNAL_MSG_JOINED:
      add_int (b, "peers", msg->peers);
      /* fall through */
    case GST_ICE_SIGNAL_MSG_JOIN:
      add_string (b, "room", msg->room);
      /* fall through */
    case GST_ICE_SIGNAL_MSG_PEER_JOINED:
    case GST_ICE_SIGNAL_MSG_PEER_LEFT:
      add_string (b, "peer", msg->peer);
      break;
    case GST_ICE_SIGNAL_MSG_ERROR:
      add_string (b, "code",
                  msg->code_name != NULL
                      ? msg->code_name
                      : gst_ice_signal_error_to_string (msg->code));
      add_string (b, "message", msg->message != NULL ? msg->message : "");
      json_builder_set_member_name (b, "fatal");
      json_builder_add_boolean_value (b, msg->fatal);
      break;
    case GST_ICE_SIGNAL_MSG_CREDENTIALS:
      add_string (b, "ufrag", msg->ufrag);
      add_string (b, "pwd", msg->pwd);
      /* fall through */
    case GST_ICE_SIGNAL_MSG_CANDIDATE:
      add_string (b, "candidate", msg->candidate);
      /* fall through */
    case GST_ICE_SIGNAL_MSG_END_OF_CANDIDATES:
      add_int (b, "generation", msg->generation);
      /* fall through */
    case GST_ICE_SIGNAL_MSG_RESTART:
      add_mid (b, msg);
      break;
    case GST_ICE_SIGNAL_MSG_LEAVE:
      break;
  }
}

gchar *
gst_ice_signal_msg_to_json (const GstIceSignalMsg *msg)
{
  JsonBuilder *b = json_builder_new_immutable ();
  JsonGenerator *gen = json_generator_new ();
  JsonNode *root;
  gchar *text;

  json_builder_begin_object (b);
  add_int (b, "v", GST_ICE_SIGNAL_VERSION);
  add_string (b, "type", gst_ice_signal_msg_type_to_string (msg->type));
  add_fields (b, msg);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  return text;
}

/* The builders fill a message on the stack; its strings stay the
 * caller's, hence the casts. */
#define MSG_TO_JSON(...)                                                       \
  do {                                                                         \
    GstIceSignalMsg m = { __VA_ARGS__ };                                       \
    return gst_ice_signal_msg_to_json (&m);                                    \
  } while (0)

gchar *
gst_ice_signal_join_to_json (const gchar *room, const gchar *peer)
{
  MSG_TO_JSON (.type = GST_ICE_SIGNAL_MSG_JOIN, .room = (gchar *)room,
               .peer = (gchar *)peer);
}

gchar *
gst_ice_signal_leave_to_json (void)
{
  MSG_TO_JSON (.type = GST_ICE_SIGNAL_MSG_LEAVE);
}

gchar *
gst_ice_signal_joined_to_json (const gchar *room, const gchar *peer, gint peers)
{
  MSG_TO_JSON (.type = GST_ICE_SIGNAL_MSG_JOINED, .room = (gchar *)room,
               .peer = (gchar *)peer, .peers = peers);
}

gchar *
gst_ice_signal_peer_joined_to_json (const gchar *peer)
{
  MSG_TO_JSON (.type = GST_ICE_SIGNAL_MSG_PEER_JOINED, .peer = (gchar *)peer);
}

gchar *
gst_ice_signal_peer_left_to_json (const gchar *peer)
{
  MSG_TO_JSON (.type = GST_ICE_SIGNAL_MSG_PEER_LEFT, .peer = (gchar *)peer);
}

gchar *
gst_ice_signal_error_to_json (GstIceSignalError code, const gchar *message,
                              gboolean fatal)
{
  MSG_TO_JSON (.type = GST_ICE_SIGNAL_MSG_ERROR, .code = code,
               .message = (gchar *)message, .fatal = fatal);
}

gchar *
gst_ice_signal_credentials_to_json (const gchar *mid, const gchar *ufrag,
                                    const gchar *pwd, gint64 generation)
{
  MSG_TO_JSON (.type = GST_ICE_SIGNAL_MSG_CREDENTIALS, .mid = (gchar *)mid,
               .ufrag = (gchar *)ufrag, .pwd = (gchar *)pwd,
               .generation = generation);
}

gchar *
gst_ice_signal_candidate_to_json (const gchar *mid, gint64 generation,
                                  const gchar *candidate)
{
  MSG_TO_JSON (.type = GST_ICE_SIGNAL_MSG_CANDIDATE, .mid = (gchar *)mid,
               .generation = generation, .candidate = (gchar *)candidate);
}

gchar *
gst_ice_signal_end_of_candidates_to_json (const gchar *mid, gint64 generation)
{
  MSG_TO_JSON (.type = GST_ICE_SIGNAL_MSG_END_OF_CANDIDATES,
               .mid = (gchar *)mid, .generation = generation);
}

gchar *
gst_ice_signal_restart_to_json (const gchar *mid)
{
  MSG_TO_JSON (.type = GST_ICE_SIGNAL_MSG_RESTART, .mid = (gchar *)mid);
}
