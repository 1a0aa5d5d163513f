/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The scripted TURN server of the unit tests (see fake-server.h).
 */
#include "fake-server.h"

#include <string.h>

static guint64
fake_random (gpointer data)
{
  guint64 *state = data;

  /* splitmix64: deterministic, good enough for transaction ids */
  guint64 z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void
fake_peer (IceTransportAddr *addr, guint8 last, guint16 port)
{
  ice_addr_set_ipv4 (addr, 0xC0000200u | last, port); /* 192.0.2.x */
}

void
fake_server_init_full (FakeServer *s, IceTransport transport,
                       const gchar *password,
                       void (*config_hook) (IceTurnClientConfig *))
{
  IceTurnClientConfig cfg;

  memset (s, 0, sizeof (*s));
  s->seed = 42;
  s->now = 1000 * SEC;
  g_strlcpy (s->nonce, "nonce-1", sizeof s->nonce);
  ice_addr_set_ipv4 (&s->server, 0xC6336401u, 3478); /* 198.51.100.1 */
  s->server.transport = transport;
  ice_addr_set_ipv4 (&s->relayed, 0xC6336401u, 50000);
  ice_addr_set_ipv4 (&s->mapped, 0xCB00710Au, 40000); /* 203.0.113.10 */
  g_assert_true (ice_stun_key_long_term (&s->key,
                                         ICE_STUN_PASSWORD_ALGORITHM_MD5,
                                         FAKE_USER, FAKE_REALM, FAKE_PASS));

  ice_turn_client_config_init (&cfg);
  cfg.server = s->server;
  cfg.username = FAKE_USER;
  cfg.password = password ? password : FAKE_PASS;
  cfg.random = fake_random;
  cfg.random_data = &s->seed;
  cfg.software = "gst-ice test";
  if (config_hook)
    config_hook (&cfg);
  s->client = ice_turn_client_new (&cfg);
  g_assert_nonnull (s->client);
}

void
fake_server_init (FakeServer *s, IceTransport transport)
{
  fake_server_init_full (s, transport, NULL, NULL);
}

void
fake_server_clear (FakeServer *s)
{
  ice_turn_client_free (s->client);
  s->client = NULL;
}

gboolean
fake_server_next_request (FakeServer *s)
{
  IceTurnTransmit t;

  if (!ice_turn_client_poll_transmit (s->client, &t))
    return FALSE;
  g_assert_true (ice_addr_equal (&t.to, &s->server));
  memcpy (s->req_buf, t.data, t.len);
  s->req_len = t.len;
  g_assert_cmpint (ice_stun_message_parse (&s->req, s->req_buf, s->req_len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpint (ice_stun_message_check_fingerprint (&s->req), ==,
                   ICE_STUN_CHECK_OK);
  return TRUE;
}

void
fake_server_expect_request (FakeServer *s, guint16 method)
{
  g_assert_true (fake_server_next_request (s));
  g_assert_cmpint (s->req.klass, ==, ICE_STUN_CLASS_REQUEST);
  g_assert_cmphex (s->req.method, ==, method);
}

void
fake_server_expect_no_transmit (FakeServer *s)
{
  IceTurnTransmit t;

  g_assert_false (ice_turn_client_poll_transmit (s->client, &t));
}

void
fake_server_begin (FakeServer *s, IceStunClass klass)
{
  ice_stun_builder_init_response (&s->b, s->resp_buf, sizeof s->resp_buf,
                                  &s->req, klass);
}

void
fake_server_begin_error (FakeServer *s, guint code, const gchar *reason)
{
  fake_server_begin (s, ICE_STUN_CLASS_ERROR);
  g_assert_true (ice_stun_builder_add_error_code (&s->b, code, reason));
}

IceTurnPacketResult
fake_server_send (FakeServer *s, gboolean integrity)
{
  IceTransportAddr peer;
  gsize off, len, msg_len;

  if (integrity)
    g_assert_true (ice_stun_builder_add_message_integrity (&s->b, s->key.bytes,
                                                           s->key.len));
  g_assert_true (ice_stun_builder_add_fingerprint (&s->b));
  msg_len = ice_stun_builder_finish (&s->b);
  g_assert_cmpuint (msg_len, >, 0);
  return ice_turn_client_handle_packet (s->client, s->now, s->resp_buf, msg_len,
                                        &peer, &off, &len);
}

void
fake_server_challenge (FakeServer *s, guint code)
{
  fake_server_begin_error (s, code,
                           code == 401 ? "Unauthorized" : "Stale Nonce");
  g_assert_true (
      ice_stun_builder_add_string (&s->b, ICE_STUN_ATTR_REALM, FAKE_REALM));
  g_assert_true (
      ice_stun_builder_add_string (&s->b, ICE_STUN_ATTR_NONCE, s->nonce));
  g_assert_cmpint (fake_server_send (s, FALSE), ==, ICE_TURN_PACKET_HANDLED);
}

void
fake_server_assert_authenticated (FakeServer *s)
{
  gchar buf[128];

  g_assert_true (ice_stun_message_get_string (&s->req, ICE_STUN_ATTR_USERNAME,
                                              buf, sizeof buf));
  g_assert_cmpstr (buf, ==, FAKE_USER);
  g_assert_true (ice_stun_message_get_string (&s->req, ICE_STUN_ATTR_REALM, buf,
                                              sizeof buf));
  g_assert_cmpstr (buf, ==, FAKE_REALM);
  g_assert_true (ice_stun_message_get_string (&s->req, ICE_STUN_ATTR_NONCE, buf,
                                              sizeof buf));
  g_assert_cmpstr (buf, ==, s->nonce);
  g_assert_cmpint (s->req.integrity, >=, 0);
  g_assert_cmpint (ice_stun_message_check_integrity (&s->req, &s->key, FALSE),
                   ==, ICE_STUN_CHECK_OK);
}

void
fake_server_answer_allocate (FakeServer *s, guint32 lifetime)
{
  fake_server_begin (s, ICE_STUN_CLASS_SUCCESS);
  g_assert_true (ice_stun_builder_add_xor_address (
      &s->b, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, &s->relayed));
  g_assert_true (ice_stun_builder_add_xor_address (
      &s->b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &s->mapped));
  g_assert_true (
      ice_stun_builder_add_u32 (&s->b, ICE_STUN_ATTR_LIFETIME, lifetime));
  g_assert_cmpint (fake_server_send (s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
}

void
fake_server_nonce_and_allocate_request (FakeServer *s)
{
  g_assert_true (ice_turn_client_allocate (s->client, s->now));
  fake_server_expect_request (s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_challenge (s, 401);
  fake_server_expect_request (s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_assert_authenticated (s);
}

void
fake_server_allocate (FakeServer *s)
{
  IceTurnEvent e;

  fake_server_nonce_and_allocate_request (s);
  fake_server_answer_allocate (s, 600);
  fake_server_expect_event (s, ICE_TURN_EVENT_ALLOCATED, &e);
  g_assert_true (ice_addr_equal (&e.relayed, &s->relayed));
}

void
fake_server_expect_event (FakeServer *s, IceTurnEventType type,
                          IceTurnEvent *out)
{
  IceTurnEvent e;

  g_assert_true (ice_turn_client_poll_event (s->client, &e));
  if (e.type != type)
    g_error ("expected event %s, got %s (%s)",
             ice_turn_event_type_to_string (type),
             ice_turn_event_type_to_string (e.type), e.message);
  if (out)
    *out = e;
}

void
fake_server_expect_no_event (FakeServer *s)
{
  IceTurnEvent e;

  if (ice_turn_client_poll_event (s->client, &e))
    g_error ("unexpected event %s (%s)", ice_turn_event_type_to_string (e.type),
             e.message);
}

void
fake_server_advance (FakeServer *s, gint64 to)
{
  g_assert_cmpint (to, >=, s->now);
  s->now = to;
  ice_turn_client_handle_timeout (s->client, s->now);
}
