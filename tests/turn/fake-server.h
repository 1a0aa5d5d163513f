/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A scripted TURN server for the unit tests: it reads the client's
 * requests from poll_transmit and answers them with canned responses built
 * by the STUN builder, on a virtual clock. User "u", realm "r".
 */
#ifndef __TURN_FAKE_SERVER_H__
#define __TURN_FAKE_SERVER_H__

#include "ice/turn/turn-client.h"
#include "ice/turn/turn-framing.h"
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"

#define FAKE_USER "u"
#define FAKE_PASS "p"
#define FAKE_REALM "r"
#define SEC G_TIME_SPAN_SECOND

typedef struct {
  IceTurnClient *client;
  guint64 seed;
  gint64 now;
  IceStunKey key;
  gchar nonce[64];
  IceTransportAddr server;
  IceTransportAddr relayed;
  IceTransportAddr mapped;
  guint8 req_buf[ICE_STUN_MAX_MESSAGE_SIZE];
  gsize req_len;
  IceStunMessage req;
  guint8 resp_buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;
} FakeServer;

/* A client for user "u" with @password (NULL: the right one), UDP or TCP;
 * @config_hook may adjust the config before the client is made. */
void fake_server_init_full (FakeServer *s, IceTransport transport,
                            const gchar *password,
                            void (*config_hook) (IceTurnClientConfig *));
void fake_server_init (FakeServer *s, IceTransport transport);
void fake_server_clear (FakeServer *s);

/* Takes the next transmit as a request; FALSE if none is queued. */
gboolean fake_server_next_request (FakeServer *s);
/* Asserts a request of @method is next and parses it into s->req. */
void fake_server_expect_request (FakeServer *s, guint16 method);
void fake_server_expect_no_transmit (FakeServer *s);

void fake_server_begin (FakeServer *s, IceStunClass klass);
void fake_server_begin_error (FakeServer *s, guint code, const gchar *reason);
/* Finishes the response (MESSAGE-INTEGRITY with the key if @integrity,
 * FINGERPRINT) and hands it to the client. */
IceTurnPacketResult fake_server_send (FakeServer *s, gboolean integrity);
/* 401 or 438 with REALM "r" and s->nonce. */
void fake_server_challenge (FakeServer *s, guint code);
/* The request carries USERNAME "u", REALM "r", NONCE s->nonce and a
 * correct MESSAGE-INTEGRITY. */
void fake_server_assert_authenticated (FakeServer *s);
/* allocate → 401 → the authenticated Allocate is in s->req. */
void fake_server_nonce_and_allocate_request (FakeServer *s);
/* allocate → 401 → authenticated Allocate → success (lifetime 600). */
void fake_server_allocate (FakeServer *s);
void fake_server_answer_allocate (FakeServer *s, guint32 lifetime);

void fake_server_expect_event (FakeServer *s, IceTurnEventType type,
                               IceTurnEvent *out);
void fake_server_expect_no_event (FakeServer *s);
void fake_server_advance (FakeServer *s, gint64 to);
void fake_peer (IceTransportAddr *addr, guint8 last, guint16 port);

#endif
