/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The state of fuzz-session, shared by fuzz-session.c (setup, datagrams,
 * timers) and fuzz-session-actions.c (the owner's calls).
 */
#ifndef __FUZZ_SESSION_H__
#define __FUZZ_SESSION_H__

#include "fuzz-relay-server.h"

#include "ice/core/ice-session.h"

G_BEGIN_DECLS

#define LOCAL_UFRAG "LOCL"
#define LOCAL_PWD "localpasswordlocalpassword"
#define REMOTE_UFRAG "RMTE"
#define REMOTE_PWD "remotepasswordremotepasswd"
#define OTHER_UFRAG "RMT2"
#define OTHER_PWD "anotherremotepasswordxyz"

#define N_SOURCES 4
#define N_SENT 8

typedef struct {
  guint8 tid[ICE_STUN_TRANSACTION_ID_SIZE];
  IceTransportAddr from;
  IceTransportAddr to;
  gboolean relayed; /* @from is a base, @to the peer behind the server */
} SentRequest;

typedef struct {
  IceSession *session;
  guint64 rng;
  gint64 now;
  guint n_components;
  IceTransportAddr locals[2];
  IceTransportAddr unknown_local;
  IceTransportAddr sources[N_SOURCES];
  SentRequest sent[N_SENT];
  guint n_sent;
  gboolean relay;
  FuzzTurnServer turn;
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  guint8 wrapped[ICE_STUN_MAX_MESSAGE_SIZE + 64];
} SessionFuzz;

/* What the owner may do between datagrams: @payload[0] picks the call,
 * @payload[1] its small argument, the rest is text where one is needed. */
void fuzz_session_act (SessionFuzz *f, const guint8 *payload, gsize len);

G_END_DECLS
#endif /* __FUZZ_SESSION_H__ */
