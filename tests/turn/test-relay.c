/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Permissions, channels and peer data on canned server responses: batched
 * CreatePermission, refresh timing on a virtual clock, 438 on
 * CreatePermission and ChannelBind, Send/Data indications, ChannelData
 * over UDP and TCP.
 */
#include "fake-server.h"

#include <string.h>

static void
answer_success (FakeServer *s)
{
  fake_server_begin (s, ICE_STUN_CLASS_SUCCESS);
  g_assert_cmpint (fake_server_send (s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
}

static void
test_permission_batch_and_refresh (void)
{
  FakeServer s;
  IceTransportAddr a, b, got;
  IceTurnEvent e;
  gint64 t0;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  fake_peer (&a, 1, 1000);
  fake_peer (&b, 2, 2000);
  g_assert_true (ice_turn_client_add_permission (s.client, &a, s.now));
  g_assert_true (ice_turn_client_add_permission (s.client, &b, s.now));
  /* the same IP again is no new permission */
  a.port = 1001;
  g_assert_true (ice_turn_client_add_permission (s.client, &a, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_CREATE_PERMISSION);
  fake_server_expect_no_transmit (&s);
  fake_server_assert_authenticated (&s);
  g_assert_true (ice_stun_message_get_xor_address_nth (
      &s.req, ICE_STUN_ATTR_XOR_PEER_ADDRESS, 0, &got));
  g_assert_true (ice_addr_equal_ip (&got, &a));
  g_assert_true (ice_stun_message_get_xor_address_nth (
      &s.req, ICE_STUN_ATTR_XOR_PEER_ADDRESS, 1, &got));
  g_assert_true (ice_addr_equal_ip (&got, &b));
  g_assert_false (ice_stun_message_get_xor_address_nth (
      &s.req, ICE_STUN_ATTR_XOR_PEER_ADDRESS, 2, &got));
  g_assert_false (ice_turn_client_has_permission (s.client, &a));
  answer_success (&s);
  t0 = s.now;
  fake_server_expect_event (&s, ICE_TURN_EVENT_PERMISSION_CREATED, &e);
  g_assert_true (ice_addr_equal_ip (&e.peer, &a));
  fake_server_expect_event (&s, ICE_TURN_EVENT_PERMISSION_CREATED, &e);
  g_assert_true (ice_addr_equal_ip (&e.peer, &b));
  g_assert_true (ice_turn_client_has_permission (s.client, &b));

  /* RFC 8656 §9: 300 s lifetime, refreshed at 240 s, silently */
  g_assert_cmpint (ice_turn_client_next_timeout (s.client), ==, t0 + 240 * SEC);
  fake_server_advance (&s, t0 + 240 * SEC);
  fake_server_expect_request (&s, ICE_STUN_METHOD_CREATE_PERMISSION);
  g_assert_true (ice_stun_message_get_xor_address_nth (
      &s.req, ICE_STUN_ATTR_XOR_PEER_ADDRESS, 1, &got));
  answer_success (&s);
  fake_server_expect_no_event (&s);
  /* the next permission refresh (480 s) comes before the allocation's */
  g_assert_cmpint (ice_turn_client_next_timeout (s.client), ==, t0 + 480 * SEC);
  fake_server_clear (&s);
}

/* Permissions asked for while allocating leave once allocated. */
static void
test_permission_before_allocation (void)
{
  FakeServer s;
  IceTransportAddr a;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_peer (&a, 1, 1000);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  g_assert_true (ice_turn_client_add_permission (s.client, &a, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_expect_no_transmit (&s);
  fake_server_challenge (&s, 401);
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_expect_no_transmit (&s);
  fake_server_answer_allocate (&s, 600);
  fake_server_expect_request (&s, ICE_STUN_METHOD_CREATE_PERMISSION);
  fake_server_clear (&s);
}

static void
test_permission_stale_nonce_and_403 (void)
{
  FakeServer s;
  IceTransportAddr a;
  IceTurnEvent e;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  fake_peer (&a, 1, 1000);
  g_assert_true (ice_turn_client_add_permission (s.client, &a, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_CREATE_PERMISSION);
  g_strlcpy (s.nonce, "nonce-2", sizeof s.nonce);
  fake_server_challenge (&s, 438);
  fake_server_expect_request (&s, ICE_STUN_METHOD_CREATE_PERMISSION);
  fake_server_assert_authenticated (&s);
  fake_server_begin_error (&s, 403, "Forbidden");
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_cmpuint (e.error_code, ==, 403);
  g_assert_false (e.fatal);
  g_assert_true (ice_addr_equal_ip (&e.peer, &a));
  g_assert_false (ice_turn_client_has_permission (s.client, &a));
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_ALLOCATED);
  fake_server_clear (&s);
}

static void
bind_channel (FakeServer *s, const IceTransportAddr *peer, guint16 expected)
{
  IceTransportAddr got;
  guint32 number;
  IceTurnEvent e;

  g_assert_true (ice_turn_client_bind_channel (s->client, peer, s->now));
  fake_server_expect_request (s, ICE_STUN_METHOD_CHANNEL_BIND);
  fake_server_assert_authenticated (s);
  g_assert_true (ice_stun_message_get_u32 (
      &s->req, ICE_STUN_ATTR_CHANNEL_NUMBER, &number));
  g_assert_cmphex (number, ==, (guint32)expected << 16);
  g_assert_true (ice_stun_message_get_xor_address (
      &s->req, ICE_STUN_ATTR_XOR_PEER_ADDRESS, &got));
  g_assert_true (ice_addr_equal_ip (&got, peer));
  g_assert_cmpuint (got.port, ==, peer->port);
  answer_success (s);
  fake_server_expect_event (s, ICE_TURN_EVENT_CHANNEL_BOUND, &e);
  g_assert_cmphex (e.channel, ==, expected);
  g_assert_cmpuint (ice_turn_client_get_channel (s->client, peer), ==,
                    expected);
}

static void
test_channel_bind_and_refresh (void)
{
  FakeServer s;
  IceTransportAddr a, b;
  gint64 t0;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  fake_peer (&a, 1, 1000);
  fake_peer (&b, 1, 1002); /* same IP, another port: another channel */
  bind_channel (&s, &a, 0x4000);
  t0 = s.now;
  bind_channel (&s, &b, 0x4001);
  /* the binding installed the IP's permission (RFC 8656 §11.2) */
  g_assert_true (ice_turn_client_has_permission (s.client, &a));
  fake_server_expect_no_event (&s);

  /* the permission is refreshed at 240 s and 480 s, the channels at 540 s,
   * the allocation at 540 s too */
  fake_server_advance (&s, t0 + 240 * SEC);
  fake_server_expect_request (&s, ICE_STUN_METHOD_CREATE_PERMISSION);
  answer_success (&s);
  fake_server_advance (&s, t0 + 480 * SEC);
  fake_server_expect_request (&s, ICE_STUN_METHOD_CREATE_PERMISSION);
  answer_success (&s);
  g_assert_cmpint (ice_turn_client_next_timeout (s.client), ==, t0 + 540 * SEC);
  fake_server_advance (&s, t0 + 540 * SEC);
  fake_server_expect_request (&s, ICE_STUN_METHOD_REFRESH);
  fake_server_expect_request (&s, ICE_STUN_METHOD_CHANNEL_BIND);
  fake_server_expect_request (&s, ICE_STUN_METHOD_CHANNEL_BIND);
  fake_server_expect_no_transmit (&s);
  fake_server_clear (&s);
}

static void
test_channel_stale_nonce (void)
{
  FakeServer s;
  IceTransportAddr a;
  IceTurnEvent e;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  fake_peer (&a, 1, 1000);
  g_assert_true (ice_turn_client_bind_channel (s.client, &a, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_CHANNEL_BIND);
  g_strlcpy (s.nonce, "nonce-3", sizeof s.nonce);
  fake_server_challenge (&s, 438);
  fake_server_expect_request (&s, ICE_STUN_METHOD_CHANNEL_BIND);
  fake_server_assert_authenticated (&s);
  answer_success (&s);
  fake_server_expect_event (&s, ICE_TURN_EVENT_CHANNEL_BOUND, &e);
  g_assert_cmphex (e.channel, ==, 0x4000);
  fake_server_clear (&s);
}

/* A remote agent can make us select one peer address after another:
 * when every channel number is taken, the binding is refused and
 * counted (no warning: tests run with fatal warnings), and the client
 * still binds for a peer it already has a number for. */
static void
test_channel_numbers_exhausted (void)
{
  const guint n_numbers = ICE_TURN_CHANNEL_MAX - ICE_TURN_CHANNEL_MIN + 1;
  FakeServer s;
  IceTransportAddr peer, first;
  IceTurnStats stats;
  guint i;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  fake_peer (&first, 1, 1000);
  for (i = 0; i < n_numbers; i++) {
    fake_peer (&peer, 1, (guint16)(1000 + i));
    g_assert_true (ice_turn_client_bind_channel (s.client, &peer, s.now));
  }
  fake_peer (&peer, 2, 1000);
  g_assert_false (ice_turn_client_bind_channel (s.client, &peer, s.now));
  ice_turn_client_get_stats (s.client, &stats);
  g_assert_cmpuint (stats.channels_exhausted, ==, 1);
  g_assert_true (ice_turn_client_bind_channel (s.client, &first, s.now));
  ice_turn_client_get_stats (s.client, &stats);
  g_assert_cmpuint (stats.channels_exhausted, ==, 1);
  fake_server_clear (&s);
}

/* Send indication before the channel is bound, ChannelData after; the
 * zero-copy prefix only once bound. */
static void
check_wrap (IceTransport transport)
{
  FakeServer s;
  IceTransportAddr a, got;
  const guint8 payload[5] = { 1, 2, 3, 4, 5 };
  guint8 out[256], prefix[4];
  gsize n, prefix_len;
  IceStunMessage msg;
  const guint8 *data;
  guint16 data_len;

  fake_server_init (&s, transport);
  fake_peer (&a, 1, 1000);
  g_assert_cmpuint (
      ice_turn_client_wrap (s.client, &a, payload, 5, out, sizeof out), ==, 0);
  fake_server_allocate (&s);
  n = ice_turn_client_wrap (s.client, &a, payload, 5, out, sizeof out);
  g_assert_cmpint (ice_stun_message_parse (&msg, out, n), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpint (msg.klass, ==, ICE_STUN_CLASS_INDICATION);
  g_assert_cmphex (msg.method, ==, ICE_STUN_METHOD_SEND);
  g_assert_true (ice_stun_message_get_xor_address (
      &msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS, &got));
  g_assert_true (ice_addr_equal_ip (&got, &a));
  data = ice_stun_message_get_value (&msg, ICE_STUN_ATTR_DATA, &data_len);
  g_assert_cmpmem (data, data_len, payload, 5);
  g_assert_false (
      ice_turn_client_send_prefix (s.client, &a, prefix, &prefix_len));
  g_assert_cmpuint (prefix_len, ==, 0);

  bind_channel (&s, &a, 0x4000);
  n = ice_turn_client_wrap (s.client, &a, payload, 5, out, sizeof out);
  /* RFC 8656 §12.5: padded to 4 over a stream, not over UDP */
  g_assert_cmpuint (n, ==, transport == ICE_TRANSPORT_UDP ? 9 : 12);
  g_assert_cmphex (out[0], ==, 0x40);
  g_assert_cmphex (out[1], ==, 0x00);
  g_assert_cmpuint (out[3], ==, 5);
  g_assert_cmpmem (out + 4, 5, payload, 5);
  g_assert_true (
      ice_turn_client_send_prefix (s.client, &a, prefix, &prefix_len));
  g_assert_cmpuint (prefix_len, ==, 4);
  g_assert_cmphex (prefix[0], ==, 0x40);
  g_assert_cmpuint (ice_turn_client_wrap (s.client, &a, payload, 5, out, 8), ==,
                    0);
  fake_server_clear (&s);
}

static void
test_wrap (void)
{
  check_wrap (ICE_TRANSPORT_UDP);
  check_wrap (ICE_TRANSPORT_TCP);
}

static IceTurnPacketResult
deliver (FakeServer *s, const guint8 *data, gsize len, IceTransportAddr *peer,
         gsize *off, gsize *plen)
{
  return ice_turn_client_handle_packet (s->client, s->now, data, len, peer, off,
                                        plen);
}

static gsize
data_indication (const IceTransportAddr *from, const guint8 *payload, gsize len,
                 guint8 *out, gsize size)
{
  static const guint8 tid[12] = { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };
  IceStunBuilder b;

  ice_stun_builder_init (&b, out, size, ICE_STUN_CLASS_INDICATION,
                         ICE_STUN_METHOD_DATA, tid);
  g_assert_true (ice_stun_builder_add_xor_address (
      &b, ICE_STUN_ATTR_XOR_PEER_ADDRESS, from));
  g_assert_true (ice_stun_builder_add (&b, ICE_STUN_ATTR_DATA, payload, len));
  return ice_stun_builder_finish (&b);
}

static void
test_unwrap (void)
{
  FakeServer s;
  IceTransportAddr a, stranger, peer;
  const guint8 payload[3] = { 0xaa, 0xbb, 0xcc };
  guint8 buf[256];
  gsize n, off, len;
  IceTurnStats stats;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  fake_peer (&a, 1, 1000);
  fake_peer (&stranger, 7, 1000);
  g_assert_true (ice_turn_client_add_permission (s.client, &a, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_CREATE_PERMISSION);
  answer_success (&s);
  fake_server_expect_event (&s, ICE_TURN_EVENT_PERMISSION_CREATED, NULL);

  n = data_indication (&a, payload, 3, buf, sizeof buf);
  g_assert_cmpint (deliver (&s, buf, n, &peer, &off, &len), ==,
                   ICE_TURN_PACKET_DATA);
  g_assert_true (ice_addr_equal (&peer, &a));
  g_assert_cmpmem (buf + off, len, payload, 3);
  /* no permission for this IP: dropped (RFC 8656 §10.4) */
  n = data_indication (&stranger, payload, 3, buf, sizeof buf);
  g_assert_cmpint (deliver (&s, buf, n, &peer, &off, &len), ==,
                   ICE_TURN_PACKET_DROPPED);

  bind_channel (&s, &a, 0x4000);
  n = ice_turn_channel_data_write (buf, sizeof buf, 0x4000, payload, 3, TRUE);
  g_assert_cmpint (deliver (&s, buf, n, &peer, &off, &len), ==,
                   ICE_TURN_PACKET_DATA);
  g_assert_cmpuint (off, ==, 4);
  g_assert_cmpmem (buf + off, len, payload, 3);
  g_assert_true (ice_addr_equal (&peer, &a));
  /* unbound channel, truncated ChannelData, then not TURN at all */
  n = ice_turn_channel_data_write (buf, sizeof buf, 0x4001, payload, 3, FALSE);
  g_assert_cmpint (deliver (&s, buf, n, &peer, &off, &len), ==,
                   ICE_TURN_PACKET_DROPPED);
  n = ice_turn_channel_data_write (buf, sizeof buf, 0x4000, payload, 3, FALSE);
  g_assert_cmpint (deliver (&s, buf, n - 1, &peer, &off, &len), ==,
                   ICE_TURN_PACKET_DROPPED);
  buf[0] = 0x80;
  g_assert_cmpint (deliver (&s, buf, n, &peer, &off, &len), ==,
                   ICE_TURN_PACKET_NOT_TURN);
  /* a STUN first byte without a STUN message behind it */
  memset (buf, 0, 8);
  g_assert_cmpint (deliver (&s, buf, 8, &peer, &off, &len), ==,
                   ICE_TURN_PACKET_DROPPED);
  ice_turn_client_get_stats (s.client, &stats);
  g_assert_cmpuint (stats.data_in, ==, 2);
  g_assert_cmpuint (stats.dropped_no_permission, ==, 1);
  g_assert_cmpuint (stats.dropped_unknown_channel, ==, 1);
  g_assert_cmpuint (stats.dropped_malformed, ==, 2);
  fake_server_clear (&s);
}

/* Every truncation and every single-byte corruption of a Data
 * indication and of ChannelData: never a crash (valgrind watches), never
 * DATA with a payload outside the buffer, and a truncated message is
 * never DATA. */
static void
test_malformed_input (void)
{
  FakeServer s;
  IceTransportAddr a, peer;
  const guint8 payload[6] = { 1, 2, 3, 4, 5, 6 };
  guint8 good[2][128], buf[128];
  gsize sizes[2], n, i, off, len;
  guint k;
  IceTurnPacketResult res;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  fake_peer (&a, 1, 1000);
  bind_channel (&s, &a, 0x4000);
  sizes[0] = data_indication (&a, payload, 6, good[0], sizeof good[0]);
  sizes[1] = ice_turn_channel_data_write (good[1], sizeof good[1], 0x4000,
                                          payload, 6, FALSE);
  for (k = 0; k < 2; k++) {
    for (n = 0; n < sizes[k]; n++) {
      memcpy (buf, good[k], n);
      res = deliver (&s, buf, n, &peer, &off, &len);
      g_assert_cmpint (res, !=, ICE_TURN_PACKET_DATA);
    }
    for (i = 0; i < sizes[k]; i++) {
      memcpy (buf, good[k], sizes[k]);
      buf[i] ^= 0x5a;
      res = deliver (&s, buf, sizes[k], &peer, &off, &len);
      if (res == ICE_TURN_PACKET_DATA)
        g_assert_cmpuint (off + len, <=, sizes[k]);
    }
  }
  fake_server_clear (&s);
}

/* A 437 to a CreatePermission means the allocation is gone. */
static void
test_permission_437 (void)
{
  FakeServer s;
  IceTransportAddr a;
  IceTurnEvent e;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  fake_peer (&a, 1, 1000);
  g_assert_true (ice_turn_client_add_permission (s.client, &a, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_CREATE_PERMISSION);
  fake_server_begin_error (&s, 437, "Allocation Mismatch");
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_true (e.fatal);
  g_assert_true (e.lost);
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_FAILED);
  /* ice/ logs with g_log (), so GLib's expected messages see it */
  g_test_expect_message ("ice-turn", G_LOG_LEVEL_WARNING,
                         "*expected an allocating or allocated client*");
  g_assert_false (ice_turn_client_add_permission (s.client, &a, s.now));
  g_test_assert_expected_messages ();
  fake_server_clear (&s);
}

/* Runs the client's timers until @until, dropping what it sends (a
 * server that does not answer); returns how many datagrams it sent. */
static guint
run_unanswered (FakeServer *s, gint64 until)
{
  IceTurnTransmit t;
  guint sent = 0;
  gint64 next;

  while ((next = ice_turn_client_next_timeout (s->client)) >= 0
         && next <= until) {
    fake_server_advance (s, MAX (next, s->now));
    while (ice_turn_client_poll_transmit (s->client, &t))
      sent++;
  }
  return sent;
}

/* ice_turn_client_probe() after a server restart: a Refresh at once,
 * answered 437 (RFC 8656 §7.3): the allocation is lost. */
static void
test_probe_437 (void)
{
  FakeServer s;
  IceTurnEvent e;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  g_assert_false (ice_turn_client_probe (s.client, s.now));
  fake_server_allocate (&s);
  g_assert_true (ice_turn_client_probe (s.client, s.now));
  /* one in flight is enough */
  g_assert_false (ice_turn_client_probe (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_REFRESH);
  fake_server_assert_authenticated (&s);
  fake_server_begin_error (&s, 437, "Allocation Mismatch");
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_cmpint (e.operation, ==, ICE_TURN_OP_REFRESH);
  g_assert_cmpuint (e.error_code, ==, 437);
  g_assert_true (e.fatal);
  g_assert_true (e.lost);
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_FAILED);
  fake_server_clear (&s);
}

/* A probe the server never answers gives up after 4 sends and 5.5 s,
 * not the 39.5 s of an ordinary request. */
static void
test_probe_timeout (void)
{
  FakeServer s;
  IceTurnEvent e;
  gint64 t0;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  t0 = s.now;
  g_assert_true (ice_turn_client_probe (s.client, s.now));
  g_assert_cmpuint (run_unanswered (&s, t0 + 5500 * G_TIME_SPAN_MILLISECOND),
                    ==, 4);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_cmpint (s.now - t0, ==, 5500 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (e.error_code, ==, 0);
  g_assert_true (e.fatal);
  g_assert_true (e.lost);
  g_assert_nonnull (strstr (e.message, "no response"));
  fake_server_clear (&s);
}

/* A CreatePermission (or ChannelBind) without an answer means the server
 * is gone: fatal, not a per-peer error that leaves a dead allocation. */
static void
test_permission_timeout (void)
{
  FakeServer s;
  IceTransportAddr a;
  IceTurnEvent e;
  gint64 t0;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  fake_peer (&a, 1, 1000);
  g_assert_true (ice_turn_client_add_permission (s.client, &a, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_CREATE_PERMISSION);
  t0 = s.now;
  run_unanswered (&s, t0 + 40 * SEC);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_cmpint (e.operation, ==, ICE_TURN_OP_PERMISSION);
  g_assert_true (e.fatal);
  g_assert_true (e.lost);
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_FAILED);
  fake_server_clear (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/turn/relay/permission-batch-refresh",
                   test_permission_batch_and_refresh);
  g_test_add_func ("/turn/relay/permission-before-allocation",
                   test_permission_before_allocation);
  g_test_add_func ("/turn/relay/permission-438-403",
                   test_permission_stale_nonce_and_403);
  g_test_add_func ("/turn/relay/permission-437", test_permission_437);
  g_test_add_func ("/turn/relay/channel-bind-refresh",
                   test_channel_bind_and_refresh);
  g_test_add_func ("/turn/relay/channel-stale-nonce", test_channel_stale_nonce);
  g_test_add_func ("/turn/relay/channel-numbers-exhausted",
                   test_channel_numbers_exhausted);
  g_test_add_func ("/turn/relay/wrap", test_wrap);
  g_test_add_func ("/turn/relay/unwrap", test_unwrap);
  g_test_add_func ("/turn/relay/malformed-input", test_malformed_input);
  g_test_add_func ("/turn/relay/probe-437", test_probe_437);
  g_test_add_func ("/turn/relay/probe-timeout", test_probe_timeout);
  g_test_add_func ("/turn/relay/permission-timeout", test_permission_timeout);
  return g_test_run ();
}
