/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The sans-IO TURN client (RFC 8656): one allocation on one TURN server,
 * its refreshes, permissions and channel bindings, and the wrapping and
 * unwrapping of peer datagrams (Send/Data indications, ChannelData).
 *
 * It never reads a clock, touches a socket or draws randomness itself:
 * time is an argument, messages for the server come out of poll_transmit,
 * messages from the server go in through handle_packet, randomness comes
 * from the config's callback. Over TCP/TLS the owner splits the byte stream
 * into messages with #IceTurnFramer (turn-framing.h) and writes the bytes
 * of each transmit to the stream as they are. Not thread-safe: the owner
 * (an IceSession, or a test) serialises calls.
 */
#ifndef __ICE_TURN_CLIENT_H__
#define __ICE_TURN_CLIENT_H__

#include "ice/common/ice-addr.h"
#include "ice/stun/stun-constants.h"

G_BEGIN_DECLS

typedef struct _IceTurnClient IceTurnClient;

/* 64 random bits per call; the same shape as the session's IceRandomFunc,
 * so a session can pass its own callback. */
typedef guint64 (*IceTurnRandomFunc) (gpointer user_data);

/**
 * IceTurnEvenPort:
 * @ICE_TURN_EVEN_PORT_NONE: no EVEN-PORT attribute
 * @ICE_TURN_EVEN_PORT_EVEN: EVEN-PORT with R = 0 (RFC 8656 §14.6)
 * @ICE_TURN_EVEN_PORT_RESERVE_NEXT: EVEN-PORT with R = 1: the server keeps
 *   the next port for a later allocation and returns a RESERVATION-TOKEN
 */
typedef enum {
  ICE_TURN_EVEN_PORT_NONE = 0,
  ICE_TURN_EVEN_PORT_EVEN,
  ICE_TURN_EVEN_PORT_RESERVE_NEXT,
} IceTurnEvenPort;

/**
 * IceTurnClientConfig:
 * @server: the server's transport address; its @transport (UDP, TCP, TLS)
 *   is the transport to the server (the relay is always UDP)
 * @username: long-term credential user name (copied)
 * @password: long-term credential password (copied)
 * @realm: (nullable): if set, a server that names another realm is refused
 * @random: required; transaction ids
 * @random_data: passed to @random
 * @software: (nullable): SOFTWARE attribute on requests
 * @lifetime_s: requested allocation lifetime; 0 lets the server choose
 * @family: relayed address family, IPv4 (default) or IPv6
 *   (REQUESTED-ADDRESS-FAMILY, RFC 8656 §7.1)
 * @additional_ipv6: also ask for an IPv6 relayed address
 *   (ADDITIONAL-ADDRESS-FAMILY, RFC 8656 §7.1); only with an IPv4 @family
 * @even_port: EVEN-PORT, see #IceTurnEvenPort
 * @reservation_token: if @use_reservation_token, sent as RESERVATION-TOKEN
 *   to take a port reserved by an earlier EVEN-PORT allocation
 * @dont_fragment: DONT-FRAGMENT on Allocate and on Send indications
 * @rto_us: initial RTO over UDP; 0 selects 500 ms (RFC 8489 §6.2.1)
 *
 * Initialise with ice_turn_client_config_init(). The strings are copied by
 * ice_turn_client_new().
 */
typedef struct {
  IceTransportAddr server;
  const gchar *username;
  const gchar *password;
  const gchar *realm;
  IceTurnRandomFunc random;
  gpointer random_data;
  const gchar *software;
  guint32 lifetime_s;
  IceAddrFamily family;
  gboolean additional_ipv6;
  IceTurnEvenPort even_port;
  gboolean use_reservation_token;
  guint64 reservation_token;
  gboolean dont_fragment;
  gint64 rto_us;
} IceTurnClientConfig;

/**
 * IceTurnClientState:
 * The allocation's life: IDLE → ALLOCATING → ALLOCATED → DEALLOCATING →
 * DEALLOCATED; FAILED from any state when the allocation cannot be had or
 * is lost (an ERROR event says why).
 */
typedef enum {
  ICE_TURN_CLIENT_IDLE = 0,
  ICE_TURN_CLIENT_ALLOCATING,
  ICE_TURN_CLIENT_ALLOCATED,
  ICE_TURN_CLIENT_DEALLOCATING,
  ICE_TURN_CLIENT_DEALLOCATED,
  ICE_TURN_CLIENT_FAILED,
} IceTurnClientState;

/**
 * IceTurnOperation:
 * Which request an event is about.
 */
typedef enum {
  ICE_TURN_OP_ALLOCATE = 0,
  ICE_TURN_OP_REFRESH,
  ICE_TURN_OP_PERMISSION,
  ICE_TURN_OP_CHANNEL_BIND,
  ICE_TURN_OP_DEALLOCATE,
} IceTurnOperation;

#define ICE_TURN_N_OPERATIONS (ICE_TURN_OP_DEALLOCATE + 1)

/**
 * IceTurnEventType:
 * @ICE_TURN_EVENT_ALLOCATED: @relayed (and @relayed_additional when a
 *   second family was granted), @mapped (the server-reflexive address from
 *   XOR-MAPPED-ADDRESS, unset if absent), @lifetime_s, and
 *   @reservation_token when @has_reservation_token
 * @ICE_TURN_EVENT_REFRESHED: the allocation lives @lifetime_s more seconds
 * @ICE_TURN_EVENT_PERMISSION_CREATED: a permission for @peer's IP is
 *   installed (first time only; refreshes are silent)
 * @ICE_TURN_EVENT_CHANNEL_BOUND: @channel is bound to @peer (first time only)
 * @ICE_TURN_EVENT_DEALLOCATED: the allocation is released (or was never
 *   made); the client is done
 * @ICE_TURN_EVENT_ERROR: @operation failed with @error_code (a STUN error
 *   code, or 0 for a timeout or a local failure) and @message; @fatal when
 *   the allocation is lost or was refused (state FAILED), and @lost too
 *   when it had been made: a Refresh, CreatePermission or ChannelBind
 *   answered 437 (the server restarted and forgot it, RFC 8656 §7.3), a
 *   438 that new nonces did not cure, or no answer at all. For 300 Try
 *   Alternate, @alternate_server holds the server to use instead: the owner
 *   makes a new client for it.
 */
typedef enum {
  ICE_TURN_EVENT_ALLOCATED = 0,
  ICE_TURN_EVENT_REFRESHED,
  ICE_TURN_EVENT_PERMISSION_CREATED,
  ICE_TURN_EVENT_CHANNEL_BOUND,
  ICE_TURN_EVENT_DEALLOCATED,
  ICE_TURN_EVENT_ERROR,
} IceTurnEventType;

#define ICE_TURN_MESSAGE_MAX 160

/**
 * IceTurnEvent:
 * A plain value the caller owns; fields not named for a type are zero.
 */
typedef struct {
  IceTurnEventType type;
  IceTurnOperation operation;
  IceTransportAddr relayed;
  IceTransportAddr relayed_additional;
  IceTransportAddr mapped;
  IceTransportAddr peer;
  IceTransportAddr alternate_server;
  guint32 lifetime_s;
  guint16 channel;
  gboolean has_reservation_token;
  guint64 reservation_token;
  guint error_code;
  gboolean fatal;
  gboolean lost;
  gchar message[ICE_TURN_MESSAGE_MAX];
} IceTurnEvent;

/**
 * IceTurnTransmit:
 * Bytes for the server at @to: one datagram over UDP; over TCP/TLS the
 * bytes to append to the stream (already framed).
 */
typedef struct {
  IceTransportAddr to;
  gsize len;
  guint8 data[ICE_STUN_MAX_MESSAGE_SIZE];
} IceTurnTransmit;

/**
 * IceTurnPacketResult:
 * @ICE_TURN_PACKET_HANDLED: a message for the client, consumed
 * @ICE_TURN_PACKET_DATA: a peer's datagram, unwrapped from a Data
 *   indication or ChannelData: see @peer, @payload_offset, @payload_len
 * @ICE_TURN_PACKET_NOT_TURN: not ours (e.g. a STUN response to a Binding
 *   request the session sent to the same server); the caller may try
 *   its own handlers
 * @ICE_TURN_PACKET_DROPPED: malformed, unauthenticated or from a peer
 *   without permission; counted
 */
typedef enum {
  ICE_TURN_PACKET_HANDLED = 0,
  ICE_TURN_PACKET_DATA,
  ICE_TURN_PACKET_NOT_TURN,
  ICE_TURN_PACKET_DROPPED,
} IceTurnPacketResult;

/**
 * IceTurnStats:
 * Counters since the client was made.
 */
typedef struct {
  guint64 requests_sent;
  guint64 retransmits;
  guint64 data_in;
  guint64 dropped_malformed;
  guint64 dropped_unauthenticated;
  guint64 dropped_no_permission;
  guint64 dropped_unknown_channel;
  guint64 channels_exhausted; /* bindings refused: every number was taken */
  guint64 stale_nonces[ICE_TURN_N_OPERATIONS]; /* 438 answered, by request */
} IceTurnStats;

const gchar *ice_turn_client_state_to_string (IceTurnClientState state);
const gchar *ice_turn_operation_to_string (IceTurnOperation op);
const gchar *ice_turn_event_type_to_string (IceTurnEventType type);

void ice_turn_client_config_init (IceTurnClientConfig *config);

IceTurnClient *ice_turn_client_new (const IceTurnClientConfig *config);
void ice_turn_client_free (IceTurnClient *client);

gboolean ice_turn_client_allocate (IceTurnClient *client, gint64 now_us);
gboolean ice_turn_client_add_permission (IceTurnClient *client,
                                         const IceTransportAddr *peer,
                                         gint64 now_us);
gboolean ice_turn_client_bind_channel (IceTurnClient *client,
                                       const IceTransportAddr *peer,
                                       gint64 now_us);
gboolean ice_turn_client_probe (IceTurnClient *client, gint64 now_us);
void ice_turn_client_deallocate (IceTurnClient *client, gint64 now_us);

IceTurnPacketResult ice_turn_client_handle_packet (
    IceTurnClient *client, gint64 now_us, const guint8 *data, gsize len,
    IceTransportAddr *peer, gsize *payload_offset, gsize *payload_len);
void ice_turn_client_handle_timeout (IceTurnClient *client, gint64 now_us);
gint64 ice_turn_client_next_timeout (IceTurnClient *client);
gboolean ice_turn_client_poll_transmit (IceTurnClient *client,
                                        IceTurnTransmit *out);
gboolean ice_turn_client_poll_event (IceTurnClient *client, IceTurnEvent *out);

gsize ice_turn_client_wrap (IceTurnClient *client, const IceTransportAddr *peer,
                            const guint8 *payload, gsize len, guint8 *out,
                            gsize out_size);
gboolean ice_turn_client_send_prefix (IceTurnClient *client,
                                      const IceTransportAddr *peer,
                                      guint8 prefix[4], gsize *prefix_len);

IceTurnClientState ice_turn_client_get_state (IceTurnClient *client);
gboolean ice_turn_client_get_relayed_address (IceTurnClient *client,
                                              IceTransportAddr *relayed);
gboolean ice_turn_client_get_mapped_address (IceTurnClient *client,
                                             IceTransportAddr *mapped);
const IceTransportAddr *ice_turn_client_get_server (IceTurnClient *client);
gboolean ice_turn_client_has_permission (IceTurnClient *client,
                                         const IceTransportAddr *peer);
guint16 ice_turn_client_get_channel (IceTurnClient *client,
                                     const IceTransportAddr *peer);
void ice_turn_client_get_stats (IceTurnClient *client, IceTurnStats *stats);

G_END_DECLS
#endif /* __ICE_TURN_CLIENT_H__ */
