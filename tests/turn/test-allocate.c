/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The allocation on canned server responses: the long-term credential
 * dance (401, 438, PASSWORD-ALGORITHMS, USERHASH), the Allocate's
 * attributes, refreshes on a virtual clock, deallocation, and every error
 * the client must report clearly.
 */
#include "fake-server.h"

#include <string.h>

static void
test_allocate_401_retry (void)
{
  FakeServer s;
  IceTurnEvent e;
  IceTransportAddr addr;
  guint32 transport;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_ALLOCATING);
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  /* RFC 8656 §7.1: the first Allocate goes without credentials */
  g_assert_false (ice_stun_message_has (&s.req, ICE_STUN_ATTR_USERNAME));
  g_assert_cmpint (s.req.integrity, <, 0);
  g_assert_true (ice_stun_message_get_u32 (
      &s.req, ICE_STUN_ATTR_REQUESTED_TRANSPORT, &transport));
  g_assert_cmphex (transport, ==, 17u << 24);
  fake_server_challenge (&s, 401);
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_assert_authenticated (&s);
  fake_server_expect_no_event (&s);
  fake_server_answer_allocate (&s, 600);

  fake_server_expect_event (&s, ICE_TURN_EVENT_ALLOCATED, &e);
  g_assert_true (ice_addr_equal (&e.relayed, &s.relayed));
  g_assert_true (ice_addr_equal_ip (&e.mapped, &s.mapped));
  g_assert_cmpuint (e.mapped.port, ==, s.mapped.port);
  g_assert_cmpuint (e.lifetime_s, ==, 600);
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_ALLOCATED);
  g_assert_true (ice_turn_client_get_relayed_address (s.client, &addr));
  g_assert_true (ice_addr_equal (&addr, &s.relayed));
  g_assert_true (ice_turn_client_get_mapped_address (s.client, &addr));
  fake_server_clear (&s);
}

static void
options_hook (IceTurnClientConfig *cfg)
{
  cfg->lifetime_s = 1200;
  cfg->additional_ipv6 = TRUE;
  cfg->even_port = ICE_TURN_EVEN_PORT_RESERVE_NEXT;
  cfg->dont_fragment = TRUE;
}

static void
token_hook (IceTurnClientConfig *cfg)
{
  cfg->use_reservation_token = TRUE;
  cfg->reservation_token = 0x0102030405060708ull;
  cfg->even_port = ICE_TURN_EVEN_PORT_EVEN; /* ignored with a token */
}

static void
ipv6_hook (IceTurnClientConfig *cfg)
{
  cfg->family = ICE_ADDR_FAMILY_IPV6;
  cfg->additional_ipv6 = TRUE; /* only meaningful with IPv4: not sent */
}

static void
test_allocate_options (void)
{
  FakeServer s;
  const guint8 *v;
  guint16 len;
  guint32 u32;
  guint64 token;

  fake_server_init_full (&s, ICE_TRANSPORT_UDP, NULL, options_hook);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  g_assert_true (
      ice_stun_message_get_u32 (&s.req, ICE_STUN_ATTR_LIFETIME, &u32));
  g_assert_cmpuint (u32, ==, 1200);
  g_assert_true (ice_stun_message_get_u32 (
      &s.req, ICE_STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, &u32));
  g_assert_cmphex (u32, ==, 0x02000000);
  g_assert_false (
      ice_stun_message_has (&s.req, ICE_STUN_ATTR_REQUESTED_ADDRESS_FAMILY));
  v = ice_stun_message_get_value (&s.req, ICE_STUN_ATTR_EVEN_PORT, &len);
  g_assert_nonnull (v);
  g_assert_cmpuint (len, ==, 1);
  g_assert_cmphex (v[0], ==, 0x80);
  g_assert_true (ice_stun_message_has (&s.req, ICE_STUN_ATTR_DONT_FRAGMENT));
  fake_server_clear (&s);

  fake_server_init_full (&s, ICE_TRANSPORT_UDP, NULL, token_hook);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  g_assert_true (ice_stun_message_get_u64 (
      &s.req, ICE_STUN_ATTR_RESERVATION_TOKEN, &token));
  g_assert_cmphex (token, ==, 0x0102030405060708ull);
  g_assert_false (ice_stun_message_has (&s.req, ICE_STUN_ATTR_EVEN_PORT));
  fake_server_clear (&s);

  fake_server_init_full (&s, ICE_TRANSPORT_UDP, NULL, ipv6_hook);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  g_assert_true (ice_stun_message_get_u32 (
      &s.req, ICE_STUN_ATTR_REQUESTED_ADDRESS_FAMILY, &u32));
  g_assert_cmphex (u32, ==, 0x02000000);
  g_assert_false (
      ice_stun_message_has (&s.req, ICE_STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY));
  g_assert_false (ice_stun_message_has (&s.req, ICE_STUN_ATTR_EVEN_PORT));
  g_assert_false (ice_stun_message_has (&s.req, ICE_STUN_ATTR_DONT_FRAGMENT));
  fake_server_clear (&s);
}

/* RFC 8656 §7.3: a dual allocation answers with two XOR-RELAYED-ADDRESS;
 * an EVEN-PORT R=1 allocation with a RESERVATION-TOKEN. */
static void
test_allocate_dual_and_token (void)
{
  FakeServer s;
  IceTransportAddr v6;
  IceTurnEvent e;
  const guint8 ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

  fake_server_init_full (&s, ICE_TRANSPORT_UDP, NULL, options_hook);
  ice_addr_set_ipv6 (&v6, ip6, 50002);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_challenge (&s, 401);
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_begin (&s, ICE_STUN_CLASS_SUCCESS);
  g_assert_true (ice_stun_builder_add_xor_address (
      &s.b, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, &s.relayed));
  g_assert_true (ice_stun_builder_add_xor_address (
      &s.b, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, &v6));
  g_assert_true (ice_stun_builder_add_u32 (&s.b, ICE_STUN_ATTR_LIFETIME, 1200));
  g_assert_true (ice_stun_builder_add_u64 (
      &s.b, ICE_STUN_ATTR_RESERVATION_TOKEN, 0x1122334455667788ull));
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ALLOCATED, &e);
  g_assert_true (ice_addr_equal (&e.relayed, &s.relayed));
  g_assert_true (ice_addr_equal (&e.relayed_additional, &v6));
  g_assert_false (ice_addr_is_set (&e.mapped));
  g_assert_true (e.has_reservation_token);
  g_assert_cmphex (e.reservation_token, ==, 0x1122334455667788ull);
  fake_server_clear (&s);
}

/* 438 on the Allocate itself: the retry carries the new nonce. */
static void
test_stale_nonce_allocate (void)
{
  FakeServer s;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_challenge (&s, 401);
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_assert_authenticated (&s);
  g_strlcpy (s.nonce, "nonce-2", sizeof s.nonce);
  fake_server_challenge (&s, 438);
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_assert_authenticated (&s);
  fake_server_answer_allocate (&s, 600);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ALLOCATED, NULL);
  fake_server_clear (&s);
}

static void
test_stale_nonce_refresh (void)
{
  FakeServer s;
  IceTurnEvent e;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  fake_server_advance (&s, ice_turn_client_next_timeout (s.client));
  fake_server_expect_request (&s, ICE_STUN_METHOD_REFRESH);
  g_strlcpy (s.nonce, "nonce-2", sizeof s.nonce);
  fake_server_challenge (&s, 438);
  fake_server_expect_request (&s, ICE_STUN_METHOD_REFRESH);
  fake_server_assert_authenticated (&s);
  fake_server_begin (&s, ICE_STUN_CLASS_SUCCESS);
  g_assert_true (ice_stun_builder_add_u32 (&s.b, ICE_STUN_ATTR_LIFETIME, 600));
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_REFRESHED, &e);
  g_assert_cmpuint (e.lifetime_s, ==, 600);
  fake_server_clear (&s);
}

/* The nonce cookie with the password-algorithms bit (RFC 8489 §9.2):
 * "obMatJos2" + base64 of 0x800000 = "gAAA". */
static void
test_password_algorithms (void)
{
  FakeServer s;
  const guint16 offered[] = { 0x0003, ICE_STUN_PASSWORD_ALGORITHM_SHA256,
                              ICE_STUN_PASSWORD_ALGORITHM_MD5 };
  guint16 echoed[4];
  guint32 chosen;
  IceStunKey sha_key;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  g_strlcpy (s.nonce, "obMatJos2gAAAxyz", sizeof s.nonce);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_begin_error (&s, 401, "Unauthorized");
  g_assert_true (
      ice_stun_builder_add_string (&s.b, ICE_STUN_ATTR_REALM, FAKE_REALM));
  g_assert_true (
      ice_stun_builder_add_string (&s.b, ICE_STUN_ATTR_NONCE, s.nonce));
  g_assert_true (ice_stun_builder_add_password_algorithms (&s.b, offered, 3));
  g_assert_cmpint (fake_server_send (&s, FALSE), ==, ICE_TURN_PACKET_HANDLED);

  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  /* the first supported algorithm of the server's list, list echoed */
  g_assert_true (ice_stun_message_get_u32 (
      &s.req, ICE_STUN_ATTR_PASSWORD_ALGORITHM, &chosen));
  g_assert_cmphex (chosen >> 16, ==, ICE_STUN_PASSWORD_ALGORITHM_SHA256);
  g_assert_cmpuint (
      ice_stun_message_get_password_algorithms (&s.req, echoed, 4), ==, 3);
  g_assert_cmphex (echoed[0], ==, 0x0003);
  g_assert_cmphex (echoed[1], ==, ICE_STUN_PASSWORD_ALGORITHM_SHA256);
  /* keyed with SHA-256 of u:r:p, MAC'd with MESSAGE-INTEGRITY-SHA256 */
  g_assert_true (ice_stun_key_long_term (&sha_key,
                                         ICE_STUN_PASSWORD_ALGORITHM_SHA256,
                                         FAKE_USER, FAKE_REALM, FAKE_PASS));
  g_assert_cmpint (s.req.integrity_sha256, >=, 0);
  g_assert_cmpint (ice_stun_message_check_integrity (&s.req, &sha_key, FALSE),
                   ==, ICE_STUN_CHECK_OK);
  fake_server_clear (&s);
}

static void
test_password_algorithms_unsupported (void)
{
  FakeServer s;
  const guint16 offered[] = { 0x0003 };
  IceTurnEvent e;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  g_strlcpy (s.nonce, "obMatJos2gAAAxyz", sizeof s.nonce);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_begin_error (&s, 401, "Unauthorized");
  g_assert_true (
      ice_stun_builder_add_string (&s.b, ICE_STUN_ATTR_REALM, FAKE_REALM));
  g_assert_true (
      ice_stun_builder_add_string (&s.b, ICE_STUN_ATTR_NONCE, s.nonce));
  g_assert_true (ice_stun_builder_add_password_algorithms (&s.b, offered, 1));
  g_assert_cmpint (fake_server_send (&s, FALSE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_true (e.fatal);
  g_assert_nonnull (strstr (e.message, "password algorithm"));
  fake_server_expect_no_transmit (&s);
  fake_server_clear (&s);
}

/* Username anonymity bit: "QAAA" is base64 of 0x400000. */
static void
test_userhash (void)
{
  FakeServer s;
  guint8 expected[ICE_STUN_USERHASH_SIZE];
  const guint8 *v;
  guint16 len;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  g_strlcpy (s.nonce, "obMatJos2QAAAabc", sizeof s.nonce);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_challenge (&s, 401);
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  g_assert_false (ice_stun_message_has (&s.req, ICE_STUN_ATTR_USERNAME));
  v = ice_stun_message_get_value (&s.req, ICE_STUN_ATTR_USERHASH, &len);
  g_assert_nonnull (v);
  ice_stun_userhash (expected, FAKE_USER, FAKE_REALM);
  g_assert_cmpmem (v, len, expected, sizeof expected);
  /* no password-algorithms bit: MD5 key and plain MESSAGE-INTEGRITY */
  g_assert_cmpint (ice_stun_message_check_integrity (&s.req, &s.key, FALSE), ==,
                   ICE_STUN_CHECK_OK);
  g_assert_false (
      ice_stun_message_has (&s.req, ICE_STUN_ATTR_PASSWORD_ALGORITHM));
  fake_server_clear (&s);
}

static void
test_refresh_schedule (void)
{
  FakeServer s;
  gint64 t0;
  IceTurnEvent e;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  t0 = s.now;
  /* 600 s lifetime: refresh a minute early */
  g_assert_cmpint (ice_turn_client_next_timeout (s.client), ==, t0 + 540 * SEC);
  fake_server_advance (&s, t0 + 539 * SEC);
  fake_server_expect_no_transmit (&s);
  fake_server_advance (&s, t0 + 540 * SEC);
  fake_server_expect_request (&s, ICE_STUN_METHOD_REFRESH);
  fake_server_assert_authenticated (&s);
  g_assert_false (ice_stun_message_has (&s.req, ICE_STUN_ATTR_LIFETIME));
  /* the server shortens it to 30 s: refresh at 80 % */
  fake_server_begin (&s, ICE_STUN_CLASS_SUCCESS);
  g_assert_true (ice_stun_builder_add_u32 (&s.b, ICE_STUN_ATTR_LIFETIME, 30));
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_REFRESHED, &e);
  g_assert_cmpuint (e.lifetime_s, ==, 30);
  g_assert_cmpint (ice_turn_client_next_timeout (s.client), ==,
                   s.now + 24 * SEC);
  fake_server_clear (&s);
}

/* A refresh that gets no answer over UDP is retransmitted; one that is
 * answered 437 means the allocation is gone. */
static void
test_refresh_437 (void)
{
  FakeServer s;
  IceTurnEvent e;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  fake_server_advance (&s, ice_turn_client_next_timeout (s.client));
  fake_server_expect_request (&s, ICE_STUN_METHOD_REFRESH);
  g_assert_cmpint (ice_turn_client_next_timeout (s.client), ==,
                   s.now + 500 * G_TIME_SPAN_MILLISECOND);
  fake_server_advance (&s, s.now + 500 * G_TIME_SPAN_MILLISECOND);
  fake_server_expect_request (&s, ICE_STUN_METHOD_REFRESH);
  fake_server_begin_error (&s, 437, "Allocation Mismatch");
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_cmpuint (e.error_code, ==, 437);
  g_assert_cmpint (e.operation, ==, ICE_TURN_OP_REFRESH);
  g_assert_true (e.fatal);
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_FAILED);
  g_assert_cmpint (ice_turn_client_next_timeout (s.client), ==, -1);
  fake_server_clear (&s);
}

static void
test_deallocate (void)
{
  FakeServer s;
  guint32 lifetime = 99;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  ice_turn_client_deallocate (s.client, s.now);
  fake_server_expect_request (&s, ICE_STUN_METHOD_REFRESH);
  fake_server_assert_authenticated (&s);
  g_assert_true (
      ice_stun_message_get_u32 (&s.req, ICE_STUN_ATTR_LIFETIME, &lifetime));
  g_assert_cmpuint (lifetime, ==, 0);
  fake_server_expect_no_event (&s);
  fake_server_begin (&s, ICE_STUN_CLASS_SUCCESS);
  g_assert_true (ice_stun_builder_add_u32 (&s.b, ICE_STUN_ATTR_LIFETIME, 0));
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_DEALLOCATED, NULL);
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_DEALLOCATED);
  g_assert_cmpint (ice_turn_client_next_timeout (s.client), ==, -1);
  fake_server_clear (&s);

  /* a 437 to the deallocation: already gone, still DEALLOCATED */
  fake_server_init (&s, ICE_TRANSPORT_UDP);
  fake_server_allocate (&s);
  ice_turn_client_deallocate (s.client, s.now);
  fake_server_expect_request (&s, ICE_STUN_METHOD_REFRESH);
  fake_server_begin_error (&s, 437, "Allocation Mismatch");
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_DEALLOCATED, NULL);
  fake_server_clear (&s);
}

/* Allocate answered by @code after the credentials: a clear fatal error
 * and no allocation. */
static void
check_allocate_error (guint code, const gchar *reason, const gchar *expect)
{
  FakeServer s;
  IceTurnEvent e;
  IceTransportAddr relayed;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_challenge (&s, 401);
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_begin_error (&s, code, reason);
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_cmpuint (e.error_code, ==, code);
  g_assert_true (e.fatal);
  g_assert_cmpint (e.operation, ==, ICE_TURN_OP_ALLOCATE);
  if (strstr (e.message, expect) == NULL)
    g_error ("\"%s\" does not mention \"%s\"", e.message, expect);
  fake_server_expect_no_event (&s);
  fake_server_expect_no_transmit (&s);
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_FAILED);
  g_assert_false (ice_turn_client_get_relayed_address (s.client, &relayed));
  fake_server_clear (&s);
}

static void
test_allocate_errors (void)
{
  check_allocate_error (437, "Allocation Mismatch", "437");
  check_allocate_error (486, "Allocation Quota Reached", "quota");
  check_allocate_error (508, "Insufficient Capacity", "capacity");
  check_allocate_error (442, "Unsupported Transport Protocol", "UDP");
}

static void
dont_fragment_hook (IceTurnClientConfig *cfg)
{
  cfg->dont_fragment = TRUE;
}

/* RFC 8656 §7.4: 420 naming DONT-FRAGMENT → allocate again without it. */
static void
test_unknown_dont_fragment (void)
{
  FakeServer s;
  const guint16 unknown[] = { ICE_STUN_ATTR_DONT_FRAGMENT };

  fake_server_init_full (&s, ICE_TRANSPORT_UDP, NULL, dont_fragment_hook);
  fake_server_nonce_and_allocate_request (&s);
  g_assert_true (ice_stun_message_has (&s.req, ICE_STUN_ATTR_DONT_FRAGMENT));
  fake_server_begin_error (&s, 420, "Unknown Attribute");
  g_assert_true (ice_stun_builder_add_unknown_attributes (&s.b, unknown, 1));
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_assert_authenticated (&s);
  g_assert_false (ice_stun_message_has (&s.req, ICE_STUN_ATTR_DONT_FRAGMENT));
  fake_server_answer_allocate (&s, 600);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ALLOCATED, NULL);
  fake_server_clear (&s);
}

/* Wrong password: the server answers the authenticated Allocate with 401
 * again; the client gives up instead of looping. */
/* A long USERNAME (ours) and a challenge whose REALM and NONCE are at
 * their RFC 8489 §14.9/§14.10 limit (127 characters of 4 bytes each) leave
 * no room for the request that must echo them: the client gives up with a
 * reason instead of a g_warning (fatal in the tests: a server could abort
 * us). */
static void
long_username (IceTurnClientConfig *cfg)
{
  static gchar name[501];

  memset (name, 'u', 500);
  cfg->username = name;
}

static gchar *
four_byte_text (void)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < 127; i++)
    g_string_append (text, "\xf0\x9d\x84\x9e"); /* U+1D11E */
  return g_string_free (text, FALSE);
}

static void
test_oversized_challenge (void)
{
  FakeServer s;
  IceTurnEvent e;
  gchar *text = four_byte_text ();

  fake_server_init_full (&s, ICE_TRANSPORT_UDP, NULL, long_username);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_begin_error (&s, 401, "Unauthorized");
  g_assert_true (ice_stun_builder_add_string (&s.b, ICE_STUN_ATTR_REALM, text));
  g_assert_true (ice_stun_builder_add_string (&s.b, ICE_STUN_ATTR_NONCE, text));
  g_assert_cmpint (fake_server_send (&s, FALSE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_true (e.fatal);
  g_assert_nonnull (strstr (e.message, "too long"));
  fake_server_expect_no_transmit (&s);
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_FAILED);
  g_free (text);
  fake_server_clear (&s);
}

static void
test_wrong_password (void)
{
  FakeServer s;
  IceTurnEvent e;

  fake_server_init_full (&s, ICE_TRANSPORT_UDP, "wrong", NULL);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_challenge (&s, 401);
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  g_assert_cmpint (ice_stun_message_check_integrity (&s.req, &s.key, FALSE), ==,
                   ICE_STUN_CHECK_BAD);
  fake_server_challenge (&s, 401);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_cmpuint (e.error_code, ==, 401);
  g_assert_true (e.fatal);
  g_assert_nonnull (strstr (e.message, "wrong credentials"));
  fake_server_expect_no_transmit (&s);
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_FAILED);
  fake_server_clear (&s);
}

static void
test_alternate_server (void)
{
  FakeServer s;
  IceTurnEvent e;
  IceTransportAddr alt;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  ice_addr_set_ipv4 (&alt, 0xC6336402u, 3479);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_begin_error (&s, 300, "Try Alternate");
  g_assert_true (ice_stun_builder_add_address (
      &s.b, ICE_STUN_ATTR_ALTERNATE_SERVER, &alt));
  g_assert_cmpint (fake_server_send (&s, FALSE), ==, ICE_TURN_PACKET_HANDLED);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_cmpuint (e.error_code, ==, 300);
  g_assert_true (e.fatal);
  g_assert_true (ice_addr_equal (&e.alternate_server, &alt));
  fake_server_clear (&s);
}

/* A success response with a bad MAC is ignored (RFC 8489 §9.2.5); a
 * response to nobody's transaction is not the client's. */
static void
test_bad_integrity_dropped (void)
{
  FakeServer s;
  IceStunKey good;

  fake_server_init (&s, ICE_TRANSPORT_UDP);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  fake_server_challenge (&s, 401);
  fake_server_expect_request (&s, ICE_STUN_METHOD_ALLOCATE);
  good = s.key;
  g_assert_true (ice_stun_key_long_term (
      &s.key, ICE_STUN_PASSWORD_ALGORITHM_MD5, FAKE_USER, FAKE_REALM, "x"));
  fake_server_begin (&s, ICE_STUN_CLASS_SUCCESS);
  g_assert_true (ice_stun_builder_add_xor_address (
      &s.b, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, &s.relayed));
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_DROPPED);
  fake_server_expect_no_event (&s);
  g_assert_cmpint (ice_turn_client_get_state (s.client), ==,
                   ICE_TURN_CLIENT_ALLOCATING);
  s.key = good;
  s.req_buf[8] ^= 0xff; /* another transaction id */
  fake_server_begin (&s, ICE_STUN_CLASS_SUCCESS);
  g_assert_cmpint (fake_server_send (&s, TRUE), ==, ICE_TURN_PACKET_NOT_TURN);
  fake_server_clear (&s);
}

/* UDP: RFC 8489 §6.2.1 retransmissions then failure at 39.5 s; TCP: one
 * send, failure at Ti = 39.5 s. */
static void
check_timeout (IceTransport transport, guint expected_sends)
{
  FakeServer s;
  IceTurnEvent e;
  guint sends = 0;
  gint64 t;

  fake_server_init (&s, transport);
  g_assert_true (ice_turn_client_allocate (s.client, s.now));
  while (TRUE) {
    while (fake_server_next_request (&s))
      sends++;
    t = ice_turn_client_next_timeout (s.client);
    if (t < 0)
      break;
    fake_server_advance (&s, t);
  }
  g_assert_cmpuint (sends, ==, expected_sends);
  g_assert_cmpint (s.now, ==, 1000 * SEC + 39500 * G_TIME_SPAN_MILLISECOND);
  fake_server_expect_event (&s, ICE_TURN_EVENT_ERROR, &e);
  g_assert_cmpuint (e.error_code, ==, 0);
  g_assert_true (e.fatal);
  fake_server_clear (&s);
}

static void
test_timeouts (void)
{
  check_timeout (ICE_TRANSPORT_UDP, 7);
  check_timeout (ICE_TRANSPORT_TCP, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/turn/allocate/401-retry", test_allocate_401_retry);
  g_test_add_func ("/turn/allocate/options", test_allocate_options);
  g_test_add_func ("/turn/allocate/dual-and-token",
                   test_allocate_dual_and_token);
  g_test_add_func ("/turn/allocate/stale-nonce", test_stale_nonce_allocate);
  g_test_add_func ("/turn/allocate/stale-nonce-refresh",
                   test_stale_nonce_refresh);
  g_test_add_func ("/turn/allocate/password-algorithms",
                   test_password_algorithms);
  g_test_add_func ("/turn/allocate/password-algorithms-unsupported",
                   test_password_algorithms_unsupported);
  g_test_add_func ("/turn/allocate/userhash", test_userhash);
  g_test_add_func ("/turn/allocate/refresh-schedule", test_refresh_schedule);
  g_test_add_func ("/turn/allocate/refresh-437", test_refresh_437);
  g_test_add_func ("/turn/allocate/deallocate", test_deallocate);
  g_test_add_func ("/turn/allocate/errors", test_allocate_errors);
  g_test_add_func ("/turn/allocate/wrong-password", test_wrong_password);
  g_test_add_func ("/turn/allocate/oversized-challenge",
                   test_oversized_challenge);
  g_test_add_func ("/turn/allocate/unknown-dont-fragment",
                   test_unknown_dont_fragment);
  g_test_add_func ("/turn/allocate/alternate-server", test_alternate_server);
  g_test_add_func ("/turn/allocate/bad-integrity", test_bad_integrity_dropped);
  g_test_add_func ("/turn/allocate/timeouts", test_timeouts);
  return g_test_run ();
}
