/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the TURN client's input side (RFC 8656): the
 * stream framer, ChannelData parsing, and an IceTurnClient that holds an
 * allocation (made by the unit tests' scripted server, fake-server.c) and
 * receives what the fuzzer says the server sent.
 *
 * The input's first byte picks the setup (bit 0: TCP to the server, so
 * that everything goes through an IceTurnFramer; bit 1: no channel is
 * bound to PEER_A; bit 2: a CreatePermission for PEER_B is left
 * unanswered). The rest is a script of records (fuzz-input.h) whose op
 * byte modulo N_OPS says what to do with the payload; see run_record().
 * At the end the whole input arrives as one datagram from the server.
 * Separately, the whole input goes through a framer in pieces cut at
 * input-derived points, and every message it returns must be the next
 * slice of the input.
 */
#include "fake-server.h"
#include "fuzz-input.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define SETUP_TCP 0x01
#define SETUP_NO_CHANNEL 0x02
#define SETUP_PENDING_PERMISSION 0x04

/* Transaction ids of the client's latest requests, for signed responses */
#define N_TIDS 8
#define N_PEERS 3

enum {
  OP_RAW = 0,     /* the payload as it is */
  OP_SIGNED,      /* a response to a recent request, with integrity */
  OP_FINGERPRINT, /* a STUN message with FINGERPRINT only (indications) */
  OP_CHANNEL,     /* the payload behind a ChannelData header */
  OP_TIME,        /* the clock moves */
  OP_ACTION,      /* the owner calls the client's API */
  N_OPS
};

typedef struct {
  FakeServer s;
  IceTurnFramer *stream; /* TCP: the bytes from the server */
  IceTransportAddr peers[N_PEERS];
  guint8 tids[N_TIDS][ICE_STUN_TRANSACTION_ID_SIZE];
  guint n_tids;
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE + ICE_TURN_CHANNEL_HEADER_SIZE];
} TurnFuzz;

/* What the client sends must always be well-formed STUN to the server. */
static void
drain (TurnFuzz *f)
{
  IceTurnTransmit t;
  IceTurnEvent e;
  IceStunMessage msg;

  while (ice_turn_client_poll_transmit (f->s.client, &t)) {
    g_assert (ice_addr_equal (&t.to, &f->s.server));
    g_assert (ice_stun_message_parse (&msg, t.data, t.len)
              == ICE_STUN_PARSE_OK);
    if (msg.klass == ICE_STUN_CLASS_REQUEST) {
      memcpy (f->tids[f->n_tids % N_TIDS], msg.transaction_id,
              ICE_STUN_TRANSACTION_ID_SIZE);
      f->n_tids++;
    }
  }
  while (ice_turn_client_poll_event (f->s.client, &e)) {
    g_assert (e.message[ICE_TURN_MESSAGE_MAX - 1] == '\0');
    ice_turn_event_type_to_string (e.type);
    ice_turn_operation_to_string (e.operation);
  }
}

static void
handle_message (TurnFuzz *f, const guint8 *data, gsize len)
{
  static const gchar *const names[]
      = { "handled", "data", "not TURN", "dropped" };
  IceTurnPacketResult res;
  IceTransportAddr peer;
  gsize offset, payload_len;

  res = ice_turn_client_handle_packet (f->s.client, f->s.now, data, len, &peer,
                                       &offset, &payload_len);
  if (fuzz_verbose ())
    g_printerr ("fuzz-turn: %zu bytes: %s (%s)\n", len, names[res],
                ice_turn_client_state_to_string (
                    ice_turn_client_get_state (f->s.client)));
  if (res == ICE_TURN_PACKET_DATA) {
    g_assert (offset + payload_len <= len);
    g_assert (ice_addr_is_set (&peer));
  }
}

/* Over UDP one datagram; over TCP bytes of the stream, framed first. */
static void
deliver (TurnFuzz *f, const guint8 *data, gsize len)
{
  const guint8 *msg;
  gsize msg_len;
  IceTurnFrameResult res;

  if (f->stream == NULL) {
    handle_message (f, data, len);
    return;
  }
  ice_turn_framer_push (f->stream, data, len);
  while ((res = ice_turn_framer_pop (f->stream, &msg, &msg_len))
         == ICE_TURN_FRAME_COMPLETE)
    handle_message (f, msg, msg_len);
  if (res == ICE_TURN_FRAME_INVALID) {
    /* the owner closes the connection; a new one starts clean */
    ice_turn_framer_free (f->stream);
    f->stream = ice_turn_framer_new ();
  }
}

static void
deliver_channel_data (TurnFuzz *f, guint8 op, const guint8 *payload, gsize len)
{
  guint16 channel = ICE_TURN_CHANNEL_MIN + ((op >> 4) & 3);
  gsize n;

  len = MIN (len, ICE_STUN_MAX_MESSAGE_SIZE);
  n = ice_turn_channel_data_write (f->buf, sizeof (f->buf), channel, payload,
                                   len, f->stream != NULL);
  g_assert (n >= ICE_TURN_CHANNEL_HEADER_SIZE + len);
  /* a length field that lies, taken from the payload */
  if ((op & 0x80) && len >= 2) {
    f->buf[2] = payload[0];
    f->buf[3] = payload[1];
  }
  deliver (f, f->buf, n);
}

static void
advance (TurnFuzz *f, guint8 op, const guint8 *payload, gsize len)
{
  gint64 next = ice_turn_client_next_timeout (f->s.client);

  /* up to 4.6 hours, in milliseconds; or straight to the next timer */
  if ((op & 0x80) && next > f->s.now)
    f->s.now = next;
  else
    f->s.now += (gint64)fuzz_read_be (payload, len, 3) * 1000;
  ice_turn_client_handle_timeout (f->s.client, f->s.now);
}

/* A wrapped datagram is ChannelData or a Send indication carrying it. */
static void
check_wrap (TurnFuzz *f, const IceTransportAddr *peer, const guint8 *payload,
            gsize len)
{
  IceStunMessage msg;
  guint16 channel;
  gsize n, payload_len;

  len = MIN (len, 1200);
  n = ice_turn_client_wrap (f->s.client, peer, payload, len, f->buf,
                            sizeof (f->buf));
  if (n == 0)
    return;
  g_assert (n <= sizeof (f->buf));
  if (ice_turn_is_channel_data (f->buf, n)) {
    g_assert (ice_turn_channel_data_parse (f->buf, n, &channel, &payload_len));
    g_assert (payload_len == len);
    g_assert (memcmp (f->buf + ICE_TURN_CHANNEL_HEADER_SIZE, payload, len)
              == 0);
  } else {
    g_assert (ice_stun_message_parse (&msg, f->buf, n) == ICE_STUN_PARSE_OK);
    g_assert (msg.method == ICE_STUN_METHOD_SEND);
  }
}

static void
act (TurnFuzz *f, const guint8 *payload, gsize len)
{
  const IceTransportAddr *peer;
  guint8 prefix[4];
  gsize prefix_len;

  if (len < 2)
    return;
  peer = &f->peers[payload[1] % N_PEERS];
  switch (payload[0] % 5) {
    case 0:
      ice_turn_client_add_permission (f->s.client, peer, f->s.now);
      break;
    case 1:
      ice_turn_client_bind_channel (f->s.client, peer, f->s.now);
      break;
    case 2:
      ice_turn_client_deallocate (f->s.client, f->s.now);
      break;
    case 3:
      check_wrap (f, peer, payload + 2, len - 2);
      break;
    default:
      if (ice_turn_client_send_prefix (f->s.client, peer, prefix, &prefix_len))
        g_assert (prefix_len == ICE_TURN_CHANNEL_HEADER_SIZE
                  && ice_turn_is_channel_data (prefix, prefix_len));
      break;
  }
}

static void
run_record (TurnFuzz *f, const FuzzRecord *r)
{
  const guint8 *tid = NULL;
  gsize n;

  switch (r->op % N_OPS) {
    case OP_RAW:
      deliver (f, r->payload, r->len);
      break;
    case OP_SIGNED:
      if (f->n_tids > 0)
        tid = f->tids[(f->n_tids - 1 - (r->op >> 4)) % N_TIDS];
      n = fuzz_stun_sign (f->buf, sizeof (f->buf), r->payload, r->len, tid,
                          &f->s.key);
      deliver (f, f->buf, n);
      break;
    case OP_FINGERPRINT:
      n = fuzz_stun_sign (f->buf, sizeof (f->buf), r->payload, r->len, NULL,
                          NULL);
      deliver (f, f->buf, n);
      break;
    case OP_CHANNEL:
      deliver_channel_data (f, r->op, r->payload, r->len);
      break;
    case OP_TIME:
      advance (f, r->op, r->payload, r->len);
      break;
    default:
      act (f, r->payload, r->len);
      break;
  }
  drain (f);
}

/* Allocated (and a channel bound to PEER_A) on the scripted server. */
static void
setup (TurnFuzz *f, guint8 flags)
{
  IceTurnEvent e;

  fake_server_init (&f->s, (flags & SETUP_TCP) ? ICE_TRANSPORT_TCP
                                               : ICE_TRANSPORT_UDP);
  fake_peer (&f->peers[0], 1, 1000);
  fake_peer (&f->peers[1], 2, 2000);
  g_assert (ice_addr_parse_ip (&f->peers[2], "2001:db8::3", 3000));
  if (flags & SETUP_TCP)
    f->stream = ice_turn_framer_new ();
  fake_server_allocate (&f->s);
  if (!(flags & SETUP_NO_CHANNEL)) {
    g_assert (
        ice_turn_client_bind_channel (f->s.client, &f->peers[0], f->s.now));
    fake_server_expect_request (&f->s, ICE_STUN_METHOD_CHANNEL_BIND);
    fake_server_begin (&f->s, ICE_STUN_CLASS_SUCCESS);
    g_assert (fake_server_send (&f->s, TRUE) == ICE_TURN_PACKET_HANDLED);
    fake_server_expect_event (&f->s, ICE_TURN_EVENT_CHANNEL_BOUND, &e);
  }
  if (flags & SETUP_PENDING_PERMISSION)
    g_assert (
        ice_turn_client_add_permission (f->s.client, &f->peers[1], f->s.now));
  drain (f);
}

/* Cuts the input into pieces of 1-32 bytes, sized by the byte at the cut,
 * and checks that the framer returns consecutive slices of it. */
static void
frame_whole_input (const guint8 *data, gsize size)
{
  IceTurnFramer *framer = ice_turn_framer_new ();
  IceTurnFrameResult res = ICE_TURN_FRAME_NEED_MORE;
  gsize pushed = 0, popped = 0, n, msg_len, frame_size, payload_len;
  const guint8 *msg;
  guint16 channel;

  while (pushed < size && res != ICE_TURN_FRAME_INVALID) {
    n = MIN ((gsize)(data[pushed] & 31) + 1, size - pushed);
    ice_turn_framer_push (framer, data + pushed, n);
    pushed += n;
    while ((res = ice_turn_framer_pop (framer, &msg, &msg_len))
           == ICE_TURN_FRAME_COMPLETE) {
      g_assert (msg_len > 0 && popped + msg_len <= pushed);
      g_assert (memcmp (msg, data + popped, msg_len) == 0);
      g_assert (ice_turn_frame_size (msg, msg_len, &frame_size)
                == ICE_TURN_FRAME_COMPLETE);
      g_assert (frame_size == msg_len);
      if (ice_turn_is_channel_data (msg, msg_len))
        g_assert (
            ice_turn_channel_data_parse (msg, msg_len, &channel, &payload_len));
      popped += msg_len;
    }
    g_assert (ice_turn_framer_pending (framer) == pushed - popped);
  }
  ice_turn_framer_free (framer);
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
  TurnFuzz *f = g_new0 (TurnFuzz, 1);
  FuzzReader reader;
  FuzzRecord record;
  guint16 channel;
  gsize payload_len;

  frame_whole_input (data, size);
  ice_turn_channel_data_parse (data, size, &channel, &payload_len);

  fuzz_reader_init (&reader, data, size);
  setup (f, fuzz_reader_byte (&reader));
  while (fuzz_reader_next (&reader, &record))
    run_record (f, &record);
  /* and the whole input as one datagram from the server */
  handle_message (f, data, size);
  drain (f);

  ice_turn_framer_free (f->stream);
  fake_server_clear (&f->s);
  g_free (f);
  return 0;
}
