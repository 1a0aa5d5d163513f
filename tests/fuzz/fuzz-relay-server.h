/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A scripted TURN server for fuzz-session: it answers the session's TURN
 * requests (401 then success for Allocate, success for the rest), wraps
 * fuzzed datagrams from peers in Data indications or ChannelData, and
 * unwraps what the session relays, so that the fuzzer can answer checks
 * sent from a relayed candidate.
 */
#ifndef __FUZZ_RELAY_SERVER_H__
#define __FUZZ_RELAY_SERVER_H__

#include "ice/core/ice-session.h"
#include "ice/stun/stun-integrity.h"

G_BEGIN_DECLS

#define FUZZ_TURN_USER "u"
#define FUZZ_TURN_PASSWORD "p"
#define FUZZ_TURN_REALM "r"
/* channel numbers 0x4000 + 0..FUZZ_TURN_CHANNELS-1 are remembered */
#define FUZZ_TURN_CHANNELS 8

typedef struct {
  IceTransportAddr server;
  IceStunKey key;
  guint n_allocations;
  IceTransportAddr channel_peers[FUZZ_TURN_CHANNELS];
} FuzzTurnServer;

void fuzz_turn_server_init (FuzzTurnServer *s);

/* The server's answer to a message the session sent it, written to @out;
 * 0 if it is not a request the server answers. */
gsize fuzz_turn_server_answer (FuzzTurnServer *s, const guint8 *data, gsize len,
                               guint8 *out, gsize capacity);

/* A Data indication from @peer that carries @payload; 0 if too large. */
gsize fuzz_turn_server_data_indication (const IceTransportAddr *peer,
                                        const guint8 *payload, gsize len,
                                        guint8 *out, gsize capacity);

/* The datagram inside a Send indication or ChannelData (on a channel the
 * server bound) the session sent to the server, and the peer it is for. */
gboolean fuzz_turn_server_unwrap (const FuzzTurnServer *s, const guint8 *data,
                                  gsize len, const guint8 **inner,
                                  gsize *inner_len, IceTransportAddr *peer);

G_END_DECLS
#endif /* __FUZZ_RELAY_SERVER_H__ */
