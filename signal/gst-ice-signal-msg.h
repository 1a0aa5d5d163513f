/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The message codec of the WebSocket signalling protocol, version 1
 * (docs/signalling.md): one JSON object per text frame. Parsing validates
 * everything a peer or a server could get wrong and says what with an
 * error code of the protocol, so the server can answer it as it is and a
 * client can show it. No I/O here, only GLib and json-glib: the server
 * (tools/gst-ice-serve.c) and the client (gst/) share it.
 */
#ifndef __GST_ICE_SIGNAL_MSG_H__
#define __GST_ICE_SIGNAL_MSG_H__

#include <glib.h>

G_BEGIN_DECLS

/* The protocol's version, the "v" of every message. */
#define GST_ICE_SIGNAL_VERSION 1
/* The WebSocket subprotocol (Sec-WebSocket-Protocol). */
#define GST_ICE_SIGNAL_SUBPROTOCOL "gst-ice-1"
/* The largest message, in bytes of its frame's payload. */
#define GST_ICE_SIGNAL_MAX_MESSAGE (16 * 1024)
/* Lengths, in characters, of the names and lines (docs/signalling.md). */
#define GST_ICE_SIGNAL_MAX_ROOM 64
#define GST_ICE_SIGNAL_MAX_PEER 64
#define GST_ICE_SIGNAL_MAX_MID 64
#define GST_ICE_SIGNAL_MAX_CANDIDATE 1024
#define GST_ICE_SIGNAL_MAX_TEXT 1024

/**
 * GstIceSignalMsgType:
 * @GST_ICE_SIGNAL_MSG_JOIN: client → server, first message
 * @GST_ICE_SIGNAL_MSG_LEAVE: client → server, leaves the room
 * @GST_ICE_SIGNAL_MSG_JOINED: server → client, answer to join
 * @GST_ICE_SIGNAL_MSG_PEER_JOINED: server → client, the pair is complete
 * @GST_ICE_SIGNAL_MSG_PEER_LEFT: server → client, the other peer left
 * @GST_ICE_SIGNAL_MSG_ERROR: server → client, a refusal
 * @GST_ICE_SIGNAL_MSG_CREDENTIALS: relayed, ICE ufrag/pwd of a stream
 * @GST_ICE_SIGNAL_MSG_CANDIDATE: relayed, one trickled candidate
 * @GST_ICE_SIGNAL_MSG_END_OF_CANDIDATES: relayed, gathering done
 * @GST_ICE_SIGNAL_MSG_RESTART: relayed, asks the peer for an ICE restart
 */
typedef enum {
  GST_ICE_SIGNAL_MSG_JOIN,
  GST_ICE_SIGNAL_MSG_LEAVE,
  GST_ICE_SIGNAL_MSG_JOINED,
  GST_ICE_SIGNAL_MSG_PEER_JOINED,
  GST_ICE_SIGNAL_MSG_PEER_LEFT,
  GST_ICE_SIGNAL_MSG_ERROR,
  GST_ICE_SIGNAL_MSG_CREDENTIALS,
  GST_ICE_SIGNAL_MSG_CANDIDATE,
  GST_ICE_SIGNAL_MSG_END_OF_CANDIDATES,
  GST_ICE_SIGNAL_MSG_RESTART,
} GstIceSignalMsgType;

/**
 * GstIceSignalError:
 * @GST_ICE_SIGNAL_ERROR_VERSION: "v" is not 1
 * @GST_ICE_SIGNAL_ERROR_MALFORMED: not JSON, not an object, a missing or
 *   wrongly typed field, a value out of its limits
 * @GST_ICE_SIGNAL_ERROR_TOO_BIG: a message over 16 KiB
 * @GST_ICE_SIGNAL_ERROR_UNKNOWN_TYPE: a "type" this version does not know
 * @GST_ICE_SIGNAL_ERROR_ROOM_FULL: two peers in the room already (fatal)
 * @GST_ICE_SIGNAL_ERROR_BAD_ROOM: an invalid room name (fatal)
 * @GST_ICE_SIGNAL_ERROR_BAD_TOKEN: the token is missing or wrong (fatal)
 * @GST_ICE_SIGNAL_ERROR_NOT_JOINED: a relayed message before join
 * @GST_ICE_SIGNAL_ERROR_RATE: too many messages or errors (fatal)
 * @GST_ICE_SIGNAL_ERROR_SERVER_FULL: too many rooms or clients (fatal)
 * @GST_ICE_SIGNAL_ERROR_OTHER: a code this version does not know, in an
 *   error message received (never sent)
 *
 * The protocol's error codes, also the codes of #GST_ICE_SIGNAL_ERROR.
 */
typedef enum {
  GST_ICE_SIGNAL_ERROR_VERSION,
  GST_ICE_SIGNAL_ERROR_MALFORMED,
  GST_ICE_SIGNAL_ERROR_TOO_BIG,
  GST_ICE_SIGNAL_ERROR_UNKNOWN_TYPE,
  GST_ICE_SIGNAL_ERROR_ROOM_FULL,
  GST_ICE_SIGNAL_ERROR_BAD_ROOM,
  GST_ICE_SIGNAL_ERROR_BAD_TOKEN,
  GST_ICE_SIGNAL_ERROR_NOT_JOINED,
  GST_ICE_SIGNAL_ERROR_RATE,
  GST_ICE_SIGNAL_ERROR_SERVER_FULL,
  GST_ICE_SIGNAL_ERROR_OTHER,
} GstIceSignalError;

#define GST_ICE_SIGNAL_ERROR (gst_ice_signal_error_quark ())
GQuark gst_ice_signal_error_quark (void);

/**
 * GstIceSignalMsg:
 * @type: what it is; says which fields are set
 * @room: join (nullable), joined
 * @peer: join (nullable), joined, peer-joined, peer-left
 * @peers: joined: peers in the room, 1 or 2
 * @mid: credentials, candidate, end-of-candidates, restart ("0" when the
 *   message had none)
 * @ufrag: credentials
 * @pwd: credentials
 * @generation: credentials, candidate, end-of-candidates (≥ 0)
 * @candidate: candidate: the RFC 8839 line as sent (with or without "a=")
 * @code: error: the code
 * @code_name: error: the code as sent (for %GST_ICE_SIGNAL_ERROR_OTHER)
 * @message: error: text for the user
 * @fatal: error: the server closes the socket after it
 *
 * A message, parsed or to build. The strings are owned by the message:
 * free them with gst_ice_signal_msg_clear(). Unset ones are NULL.
 */
typedef struct {
  GstIceSignalMsgType type;
  gchar *room;
  gchar *peer;
  gint peers;
  gchar *mid;
  gchar *ufrag;
  gchar *pwd;
  gint64 generation;
  gchar *candidate;
  GstIceSignalError code;
  gchar *code_name;
  gchar *message;
  gboolean fatal;
} GstIceSignalMsg;

/* "join", "peer-joined", ...; NULL for a value out of range. */
const gchar *gst_ice_signal_msg_type_to_string (GstIceSignalMsgType type);
/* "room-full", ...; "other" for %GST_ICE_SIGNAL_ERROR_OTHER. */
const gchar *gst_ice_signal_error_to_string (GstIceSignalError code);
/* %GST_ICE_SIGNAL_ERROR_OTHER for a string that is no code. */
GstIceSignalError gst_ice_signal_error_from_string (const gchar *code);
/* TRUE for the four messages the server relays from peer to peer. */
gboolean gst_ice_signal_msg_type_is_relayed (GstIceSignalMsgType type);

/**
 * gst_ice_signal_msg_parse:
 * @text: the frame's payload; need not be NUL-terminated
 * @len: its length in bytes
 * @out: (out caller-allocates): the message; cleared first, filled only on
 *   success
 * @error: (out) (optional): a #GST_ICE_SIGNAL_ERROR error whose code is the
 *   protocol's answer and whose message says what was wrong
 *
 * Checks the size (%GST_ICE_SIGNAL_ERROR_TOO_BIG), the JSON (MALFORMED),
 * "v" (VERSION), "type" (UNKNOWN_TYPE) and each field of the type: its
 * JSON type and limits (MALFORMED; a bad room name is BAD_ROOM). Fields
 * the type does not have are ignored.
 *
 * Returns: TRUE if @out holds a valid message.
 */
gboolean gst_ice_signal_msg_parse (const gchar *text, gsize len,
                                   GstIceSignalMsg *out, GError **error);

/* Frees the strings and zeroes @msg; a zeroed message may be cleared. */
void gst_ice_signal_msg_clear (GstIceSignalMsg *msg);

/**
 * gst_ice_signal_msg_to_json:
 * @msg: a message whose fields for its type are set (NULL optional
 *   strings are left out, a NULL mid is written "0")
 *
 * Returns: (transfer full): the compact JSON text, with "v" and "type".
 */
gchar *gst_ice_signal_msg_to_json (const GstIceSignalMsg *msg);

/* Builders, one per type: the JSON text of a message with those fields
 * (transfer full). Nullable: join's @room and @peer, every @mid ("0"). */
gchar *gst_ice_signal_join_to_json (const gchar *room, const gchar *peer);
gchar *gst_ice_signal_leave_to_json (void);
gchar *gst_ice_signal_joined_to_json (const gchar *room, const gchar *peer,
                                      gint peers);
gchar *gst_ice_signal_peer_joined_to_json (const gchar *peer);
gchar *gst_ice_signal_peer_left_to_json (const gchar *peer);
gchar *gst_ice_signal_error_to_json (GstIceSignalError code,
                                     const gchar *message, gboolean fatal);
gchar *gst_ice_signal_credentials_to_json (const gchar *mid, const gchar *ufrag,
                                           const gchar *pwd, gint64 generation);
gchar *gst_ice_signal_candidate_to_json (const gchar *mid, gint64 generation,
                                         const gchar *candidate);
gchar *gst_ice_signal_end_of_candidates_to_json (const gchar *mid,
                                                 gint64 generation);
gchar *gst_ice_signal_restart_to_json (const gchar *mid);

/* The checks parse applies, for a URL's room or a property's value. */
gboolean gst_ice_signal_room_is_valid (const gchar *room);
gboolean gst_ice_signal_peer_is_valid (const gchar *peer);

G_END_DECLS
#endif /* __GST_ICE_SIGNAL_MSG_H__ */
