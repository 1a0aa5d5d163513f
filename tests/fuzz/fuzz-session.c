/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the ICE session's input side: an IceSession with
 * one stream, known local and remote credentials, a host candidate per
 * component and (unless the setup says otherwise) a remote candidate,
 * receives datagrams from a few source addresses, timer calls at
 * input-derived times and owner calls, and its transmits and events are
 * drained after each step. It finds crashes in demultiplexing, check and
 * response handling, nomination, consent and trickle. With SETUP_RELAY a
 * scripted TURN server (fuzz-relay-server.h) grants an allocation first,
 * and the fuzzer's datagrams also arrive through it (Data indications and
 * ChannelData), which reaches the session's relay code.
 *
 * The input's first byte picks the setup (SETUP_* below); the rest is a
 * script of records (fuzz-input.h) whose op byte modulo N_OPS says what to
 * do with the payload (see run_record()). Requests are signed with the
 * local password, responses with the remote one and given the transaction
 * id of one of the session's recent requests, so that the fuzzer gets
 * past MESSAGE-INTEGRITY (fuzz_stun_sign()).
 */
#include "fuzz-input.h"
#include "fuzz-session.h"

#include "ice/core/ice-relay.h"
#include "ice/core/ice-session.h"
#include "ice/turn/turn-framing.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define SETUP_CONTROLLED 0x01
#define SETUP_AGGRESSIVE 0x02 /* with CONTROLLED, without RELAY: ICE-lite */
#define SETUP_NO_CONSENT 0x04
#define SETUP_NO_REMOTE_CANDIDATE 0x08
#define SETUP_TWO_COMPONENTS 0x10
#define SETUP_END_OF_CANDIDATES 0x20
#define SETUP_REMOTE_LITE 0x40
/* a TURN server (fuzz-relay-server.h) takes the place of the IPv6 source */
#define SETUP_RELAY 0x80

/* Enough for the session to act on what the script left it with */
#define FINAL_TIMER_STEPS 4
/* Timer steps the scripted TURN server gets to answer the allocations */
#define SETUP_TURN_STEPS 12

enum {
  OP_RAW = 0,  /* the payload as it is */
  OP_REQUEST,  /* signed with the local password */
  OP_RESPONSE, /* signed with the remote one, to a recent request */
  OP_TIME,
  OP_ACTION,
  OP_RELAYED, /* from a peer, through the TURN server */
  N_OPS
};

typedef struct {
  IceStunKey local;
  IceStunKey remote;
} FuzzKeys;

static const FuzzKeys *
fuzz_keys (void)
{
  static FuzzKeys keys;
  static gboolean ready = FALSE;

  if (!ready) {
    if (!ice_stun_key_short_term (&keys.local, LOCAL_PWD)
        || !ice_stun_key_short_term (&keys.remote, REMOTE_PWD))
      g_error ("the fuzzer's fixed keys cannot be derived");
    ready = TRUE;
  }
  return &keys;
}

static guint64
splitmix (gpointer data)
{
  guint64 *state = data;
  guint64 z = (*state += 0x9e3779b97f4a7c15ull);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static void
remember_request (SessionFuzz *f, const guint8 *data, gsize len,
                  const IceTransportAddr *from, const IceTransportAddr *to,
                  gboolean relayed)
{
  gchar a[ICE_ADDR_STRLEN], b[ICE_ADDR_STRLEN];
  IceStunMessage msg;
  SentRequest *sent;

  if (ice_stun_message_parse (&msg, data, len) != ICE_STUN_PARSE_OK
      || msg.klass != ICE_STUN_CLASS_REQUEST)
    return;
  if (fuzz_verbose ())
    g_printerr ("fuzz-session: request %u (%s) %s -> %s%s\n", f->n_sent,
                ice_stun_method_to_string (msg.method),
                ice_addr_to_string (from, a), ice_addr_to_string (to, b),
                relayed ? ", relayed" : "");
  sent = &f->sent[f->n_sent % N_SENT];
  memcpy (sent->tid, msg.transaction_id, ICE_STUN_TRANSACTION_ID_SIZE);
  sent->from = *from;
  sent->to = *to;
  sent->relayed = relayed;
  f->n_sent++;
}

static void
record_transmit (SessionFuzz *f, const IceTransmit *t)
{
  IceTransportAddr peer;
  const guint8 *inner;
  gsize inner_len;

  g_assert (t->len > 0 && t->len <= ICE_TRANSMIT_MAX);
  if (f->relay && ice_addr_equal (&t->to, &f->turn.server)
      && fuzz_turn_server_unwrap (&f->turn, t->data, t->len, &inner, &inner_len,
                                  &peer)) {
    remember_request (f, inner, inner_len, &t->from, &peer, TRUE);
    return;
  }
  /* the session sends nothing but STUN, and ChannelData to the server */
  g_assert (ice_stun_is_message (t->data, t->len)
            || (f->relay && ice_turn_is_channel_data (t->data, t->len)));
  remember_request (f, t->data, t->len, &t->from, &t->to, FALSE);
}

static void
check_event (SessionFuzz *f, const IceEvent *e)
{
  IceSendRoute route;
  gchar *line;

  switch (e->type) {
    case ICE_EVENT_LOCAL_CANDIDATE:
      line = ice_sdp_candidate_to_string (&e->u.candidate);
      g_assert (line != NULL);
      g_free (line);
      break;
    case ICE_EVENT_SELECTED_PAIR:
      g_assert (e->component_id >= 1 && e->component_id <= f->n_components);
      ice_session_get_send_route (f->session, e->stream_id, e->component_id,
                                  &route);
      if (route.ok)
        g_assert (ice_addr_is_set (&route.to));
      break;
    case ICE_EVENT_CONNECTION_STATE:
      ice_connection_state_to_string (e->u.state.state);
      break;
    default:
      break;
  }
}

static void
drain (SessionFuzz *f)
{
  IceTransmit t;
  IceEvent e;

  while (ice_session_poll_transmit (f->session, &t))
    record_transmit (f, &t);
  while (ice_session_poll_event (f->session, &e))
    check_event (f, &e);
}

static void
deliver (SessionFuzz *f, const IceTransportAddr *local,
         const IceTransportAddr *from, const guint8 *data, gsize len)
{
  static const gchar *const names[] = { "handled", "delivered", "dropped" };
  gchar a[ICE_ADDR_STRLEN], b[ICE_ADDR_STRLEN];
  IcePacketResult res;
  IceDelivery d;

  res = ice_session_handle_packet (f->session, f->now, local, from, data, len,
                                   &d);
  if (fuzz_verbose ())
    g_printerr ("fuzz-session: %" G_GINT64_FORMAT " us: %zu bytes %s -> %s: "
                "%s, %s\n",
                f->now, len, ice_addr_to_string (from, a),
                ice_addr_to_string (local, b), names[res],
                ice_connection_state_to_string (
                    ice_session_get_connection_state (f->session, 0)));
  if (res == ICE_PACKET_DELIVER) {
    g_assert (d.offset + d.len <= len);
    g_assert (d.component_id >= 1 && d.component_id <= f->n_components);
  }
}

/* Bits 4-5 of the op pick the source, bit 6 the local socket; bit 7 a
 * socket the session does not know. */
static void
deliver_from_op (SessionFuzz *f, guint8 op, const guint8 *data, gsize len)
{
  const IceTransportAddr *local = &f->locals[(op >> 6) & 1];

  if (op & 0x80)
    local = &f->unknown_local;
  else if (local == &f->locals[1] && f->n_components < 2)
    local = &f->locals[0];
  deliver (f, local, &f->sources[(op >> 4) & 3], data, len);
}

/* From @peer through the TURN server to @base: a Data indication, or
 * ChannelData (bit 7 of @op) on the channel bits 4-6 name. */
static void
deliver_relayed (SessionFuzz *f, guint8 op, const IceTransportAddr *base,
                 const IceTransportAddr *peer, const guint8 *data, gsize len)
{
  gsize n;

  if (op & 0x80)
    n = ice_turn_channel_data_write (f->wrapped, sizeof (f->wrapped),
                                     ICE_TURN_CHANNEL_MIN + ((op >> 4) & 7),
                                     data, len, FALSE);
  else
    n = fuzz_turn_server_data_indication (peer, data, len, f->wrapped,
                                          sizeof (f->wrapped));
  deliver (f, base, &f->turn.server, f->wrapped, n);
}

/* A response to one of the last N_SENT requests, from where it was sent
 * to; bit 7 sends it from elsewhere (RFC 8445 §7.2.5.2.1: not symmetric). */
static void
deliver_response (SessionFuzz *f, guint8 op, const guint8 *payload, gsize len)
{
  const SentRequest *sent;
  const IceStunKey *key = &fuzz_keys ()->remote;
  gsize n;

  if (f->n_sent == 0)
    return;
  sent = &f->sent[(f->n_sent - 1 - ((op >> 4) & 7)) % N_SENT];
  /* the TURN server's own answers use the long-term key */
  if (f->relay && !sent->relayed && ice_addr_equal (&sent->to, &f->turn.server))
    key = &f->turn.key;
  n = fuzz_stun_sign (f->buf, sizeof (f->buf), payload, len, sent->tid, key);
  if (sent->relayed)
    deliver_relayed (f, 0, &sent->from, &sent->to, f->buf, n);
  else
    deliver (f, &sent->from, (op & 0x80) ? &f->sources[2] : &sent->to, f->buf,
             n);
}

/* A peer's datagram through the relay: payload[0] says whether it is
 * signed as a check (odd) or sent as it is (even), and to which base. */
static void
relay_from_peer (SessionFuzz *f, guint8 op, const guint8 *payload, gsize len)
{
  const IceTransportAddr *peer = &f->sources[(op >> 4) & 3];
  const guint8 *data = payload + 1;
  gsize n = len - 1;

  if (!f->relay || len == 0)
    return;
  if (payload[0] & 1) {
    n = fuzz_stun_sign (f->buf, sizeof (f->buf), payload + 1, len - 1, NULL,
                        &fuzz_keys ()->local);
    data = f->buf;
  }
  deliver_relayed (f, op, &f->locals[(payload[0] >> 1) % f->n_components], peer,
                   data, MIN (n, ICE_STUN_MAX_MESSAGE_SIZE));
}

static void
advance (SessionFuzz *f, guint8 op, const guint8 *payload, gsize len)
{
  gint64 next = ice_session_next_timeout (f->session);

  /* up to 65 s in milliseconds, or straight to the next timer */
  if ((op & 0x80) && next > f->now)
    f->now = next;
  else
    f->now += (gint64)fuzz_read_be (payload, len, 2) * 1000;
  ice_session_handle_timeout (f->session, f->now);
}

static void
run_record (SessionFuzz *f, const FuzzRecord *r)
{
  gsize n;

  switch (r->op % N_OPS) {
    case OP_RAW:
      deliver_from_op (f, r->op, r->payload, r->len);
      break;
    case OP_REQUEST:
      n = fuzz_stun_sign (f->buf, sizeof (f->buf), r->payload, r->len, NULL,
                          &fuzz_keys ()->local);
      deliver_from_op (f, r->op, f->buf, n);
      break;
    case OP_RESPONSE:
      deliver_response (f, r->op, r->payload, r->len);
      break;
    case OP_TIME:
      advance (f, r->op, r->payload, r->len);
      break;
    case OP_ACTION:
      fuzz_session_act (f, r->payload, r->len);
      break;
    default:
      relay_from_peer (f, r->op, r->payload, r->len);
      break;
  }
  drain (f);
}

static void
add_remote_host (SessionFuzz *f, guint component_id)
{
  IceCandidate cand;

  memset (&cand, 0, sizeof (cand));
  cand.type = ICE_CANDIDATE_TYPE_HOST;
  cand.component_id = component_id;
  cand.priority = ice_candidate_compute_priority (ICE_TYPE_PREF_HOST, 65535,
                                                  component_id);
  g_strlcpy (cand.foundation, "1", sizeof (cand.foundation));
  cand.addr = f->sources[component_id - 1];
  g_assert (ice_session_add_remote_candidate (f->session, &cand, f->now));
}

static void
setup_addresses (SessionFuzz *f)
{
  /* documentation ranges: nothing is ever sent anywhere */
  g_assert (ice_addr_parse_ip (&f->locals[0], "192.0.2.10", 5000));
  g_assert (ice_addr_parse_ip (&f->locals[1], "192.0.2.10", 5001));
  g_assert (ice_addr_parse_ip (&f->unknown_local, "192.0.2.11", 5000));
  /* the remote host candidates of components 1 and 2, a source that
   * becomes peer-reflexive, and an IPv6 source no local socket pairs with */
  g_assert (ice_addr_parse_ip (&f->sources[0], "198.51.100.20", 6000));
  g_assert (ice_addr_parse_ip (&f->sources[1], "198.51.100.20", 6001));
  g_assert (ice_addr_parse_ip (&f->sources[2], "198.51.100.21", 7000));
  g_assert (ice_addr_parse_ip (&f->sources[3], "2001:db8::21", 7000));
}

/* One round of the scripted server: answers every TURN request queued;
 * FALSE if there was none. */
static gboolean
serve_round (SessionFuzz *f)
{
  guint8 answer[ICE_STUN_MAX_MESSAGE_SIZE];
  gboolean answered = FALSE;
  IceTransmit t;
  IceEvent e;
  gsize n;

  while (ice_session_poll_transmit (f->session, &t)) {
    record_transmit (f, &t);
    if (!ice_addr_equal (&t.to, &f->turn.server))
      continue;
    n = fuzz_turn_server_answer (&f->turn, t.data, t.len, answer,
                                 sizeof (answer));
    if (n > 0) {
      deliver (f, &t.from, &t.to, answer, n);
      answered = TRUE;
    }
  }
  while (ice_session_poll_event (f->session, &e))
    check_event (f, &e);
  return answered;
}

/* The scripted server answers the allocations and the permissions for the
 * remote candidates; the clock moves only while gathering waits for it. */
static void
serve_allocations (SessionFuzz *f)
{
  gint64 next;
  guint i;

  for (i = 0; i < SETUP_TURN_STEPS; i++) {
    if (serve_round (f))
      continue;
    next = ice_session_next_timeout (f->session);
    if (next < 0
        || ice_session_get_gathering_state (f->session, 0)
               == ICE_GATHERING_COMPLETE)
      break;
    f->now = MAX (f->now, next);
    ice_session_handle_timeout (f->session, f->now);
  }
}

static void
setup (SessionFuzz *f, guint8 flags)
{
  IceSessionConfig config;
  guint c;

  setup_addresses (f);
  f->rng = 42;
  f->n_components = (flags & SETUP_TWO_COMPONENTS) ? 2 : 1;
  ice_session_config_init (&config);
  config.role
      = (flags & SETUP_CONTROLLED) ? ICE_ROLE_CONTROLLED : ICE_ROLE_CONTROLLING;
  config.nomination = (flags & SETUP_AGGRESSIVE) ? ICE_NOMINATION_AGGRESSIVE
                                                 : ICE_NOMINATION_REGULAR;
  config.consent_freshness = !(flags & SETUP_NO_CONSENT);
  /* controlled with aggressive nomination (a controlling agent's mode)
   * and no TURN: a local ICE-lite agent */
  config.ice_lite
      = (flags & (SETUP_CONTROLLED | SETUP_AGGRESSIVE | SETUP_RELAY))
        == (SETUP_CONTROLLED | SETUP_AGGRESSIVE);
  config.random = splitmix;
  config.random_data = &f->rng;
  f->session = ice_session_new (&config);
  g_assert (ice_session_add_stream (f->session, f->n_components) == 0);
  g_assert (ice_session_set_local_credentials (f->session, 0, LOCAL_UFRAG,
                                               LOCAL_PWD, f->now, NULL));
  for (c = 1; c <= f->n_components; c++)
    ice_session_add_host_address (f->session, 0, c, &f->locals[c - 1], 0);
  f->relay = (flags & SETUP_RELAY) != 0;
  if (f->relay) {
    fuzz_turn_server_init (&f->turn);
    f->sources[3] = f->turn.server;
    g_assert (ice_session_add_turn_server (f->session, &f->turn.server,
                                           FUZZ_TURN_USER, FUZZ_TURN_PASSWORD));
  }
  ice_session_start_gathering (f->session, f->now);
  g_assert (ice_session_set_remote_credentials (f->session, 0, REMOTE_UFRAG,
                                                REMOTE_PWD, f->now));
  if (flags & SETUP_REMOTE_LITE)
    ice_session_set_remote_options (f->session, 0, TRUE, FALSE, 0);
  for (c = 1; c <= f->n_components; c++) {
    if (!(flags & SETUP_NO_REMOTE_CANDIDATE))
      add_remote_host (f, c);
  }
  if (flags & SETUP_END_OF_CANDIDATES)
    ice_session_end_of_remote_candidates (f->session, 0, f->now);
  if (f->relay)
    serve_allocations (f);
  drain (f);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  SessionFuzz *f = g_new0 (SessionFuzz, 1);
  FuzzReader reader;
  FuzzRecord record;
  gint64 next;
  guint i;

  fuzz_reader_init (&reader, data, size);
  setup (f, fuzz_reader_byte (&reader));
  while (fuzz_reader_next (&reader, &record))
    run_record (f, &record);
  for (i = 0; i < FINAL_TIMER_STEPS; i++) {
    next = ice_session_next_timeout (f->session);
    if (next < 0)
      break;
    f->now = MAX (f->now, next);
    ice_session_handle_timeout (f->session, f->now);
    drain (f);
  }
  ice_session_free (f->session);
  g_free (f);
  return 0;
}
