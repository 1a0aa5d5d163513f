/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The scripted TURN server of fuzz-session (see fuzz-relay-server.h).
 */
#include "fuzz-relay-server.h"

#include "ice/stun/stun-builder.h"
#include "ice/turn/turn-framing.h"

#include <string.h>

#define RELAYED_PORT_BASE 50000
#define MAPPED_PORT_BASE 40000
#define LIFETIME_S 600

void
fuzz_turn_server_init (FuzzTurnServer *s)
{
  memset (s, 0, sizeof (*s));
  /* a documentation address: nothing is ever sent anywhere */
  if (!ice_addr_parse_ip (&s->server, "203.0.113.1", 3478)
      || !ice_stun_key_long_term (&s->key, ICE_STUN_PASSWORD_ALGORITHM_MD5,
                                  FUZZ_TURN_USER, FUZZ_TURN_REALM,
                                  FUZZ_TURN_PASSWORD))
    g_error ("the fuzzer's TURN server cannot be set up");
}

static gsize
finish (FuzzTurnServer *s, IceStunBuilder *b, gboolean integrity)
{
  if (integrity)
    ice_stun_builder_add_message_integrity (b, s->key.bytes, s->key.len);
  ice_stun_builder_add_fingerprint (b);
  return ice_stun_builder_finish (b);
}

static gsize
answer_allocate (FuzzTurnServer *s, const IceStunMessage *req,
                 IceStunBuilder *b, guint8 *out, gsize capacity)
{
  IceTransportAddr relayed, mapped;

  if (req->integrity < 0) {
    /* RFC 8656 §7.2: the first Allocate is challenged */
    ice_stun_builder_init_response (b, out, capacity, req,
                                    ICE_STUN_CLASS_ERROR);
    ice_stun_builder_add_error_code (b, 401, "Unauthorized");
    ice_stun_builder_add_string (b, ICE_STUN_ATTR_REALM, FUZZ_TURN_REALM);
    ice_stun_builder_add_string (b, ICE_STUN_ATTR_NONCE, "fuzz-nonce");
    return finish (s, b, FALSE);
  }
  relayed = s->server;
  relayed.port = RELAYED_PORT_BASE + s->n_allocations;
  g_assert (ice_addr_parse_ip (&mapped, "198.51.100.99",
                               MAPPED_PORT_BASE + s->n_allocations));
  s->n_allocations++;
  ice_stun_builder_init_response (b, out, capacity, req,
                                  ICE_STUN_CLASS_SUCCESS);
  ice_stun_builder_add_xor_address (b, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS,
                                    &relayed);
  ice_stun_builder_add_xor_address (b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
                                    &mapped);
  ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_LIFETIME, LIFETIME_S);
  return finish (s, b, TRUE);
}

static void
remember_channel (FuzzTurnServer *s, const IceStunMessage *req)
{
  IceTransportAddr peer;
  guint32 number;
  guint index;

  if (!ice_stun_message_get_u32 (req, ICE_STUN_ATTR_CHANNEL_NUMBER, &number)
      || !ice_stun_message_get_xor_address (req, ICE_STUN_ATTR_XOR_PEER_ADDRESS,
                                            &peer))
    return;
  index = (number >> 16) - ICE_TURN_CHANNEL_MIN;
  if (index < FUZZ_TURN_CHANNELS)
    s->channel_peers[index] = peer;
}

gsize
fuzz_turn_server_answer (FuzzTurnServer *s, const guint8 *data, gsize len,
                         guint8 *out, gsize capacity)
{
  IceStunMessage req;
  IceStunBuilder b;

  if (ice_stun_message_parse (&req, data, len) != ICE_STUN_PARSE_OK
      || req.klass != ICE_STUN_CLASS_REQUEST)
    return 0;
  switch (req.method) {
    case ICE_STUN_METHOD_ALLOCATE:
      return answer_allocate (s, &req, &b, out, capacity);
    case ICE_STUN_METHOD_CHANNEL_BIND:
      remember_channel (s, &req);
      break;
    case ICE_STUN_METHOD_REFRESH:
    case ICE_STUN_METHOD_CREATE_PERMISSION:
      break;
    default:
      return 0;
  }
  ice_stun_builder_init_response (&b, out, capacity, &req,
                                  ICE_STUN_CLASS_SUCCESS);
  if (req.method == ICE_STUN_METHOD_REFRESH)
    ice_stun_builder_add_u32 (&b, ICE_STUN_ATTR_LIFETIME, LIFETIME_S);
  return finish (s, &b, TRUE);
}

gsize
fuzz_turn_server_data_indication (const IceTransportAddr *peer,
                                  const guint8 *payload, gsize len, guint8 *out,
                                  gsize capacity)
{
  static const guint8 tid[ICE_STUN_TRANSACTION_ID_SIZE] = { 0xfa, 0xce };
  IceStunBuilder b;

  ice_stun_builder_init (&b, out, capacity, ICE_STUN_CLASS_INDICATION,
                         ICE_STUN_METHOD_DATA, tid);
  ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_PEER_ADDRESS, peer);
  ice_stun_builder_add (&b, ICE_STUN_ATTR_DATA, payload, len);
  ice_stun_builder_add_fingerprint (&b);
  return ice_stun_builder_finish (&b);
}

gboolean
fuzz_turn_server_unwrap (const FuzzTurnServer *s, const guint8 *data, gsize len,
                         const guint8 **inner, gsize *inner_len,
                         IceTransportAddr *peer)
{
  IceStunMessage msg;
  guint16 channel, value_len;
  gsize payload_len;
  guint index;

  if (ice_turn_channel_data_parse (data, len, &channel, &payload_len)) {
    index = (guint)channel - ICE_TURN_CHANNEL_MIN;
    if (index >= FUZZ_TURN_CHANNELS
        || !ice_addr_is_set (&s->channel_peers[index]))
      return FALSE;
    *peer = s->channel_peers[index];
    *inner = data + ICE_TURN_CHANNEL_HEADER_SIZE;
    *inner_len = payload_len;
    return TRUE;
  }
  if (ice_stun_message_parse (&msg, data, len) != ICE_STUN_PARSE_OK
      || msg.klass != ICE_STUN_CLASS_INDICATION
      || msg.method != ICE_STUN_METHOD_SEND
      || !ice_stun_message_get_xor_address (
          &msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS, peer))
    return FALSE;
  *inner = ice_stun_message_get_value (&msg, ICE_STUN_ATTR_DATA, &value_len);
  *inner_len = value_len;
  return *inner != NULL;
}
