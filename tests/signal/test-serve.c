/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `gst-ice serve` as a process on 127.0.0.1, driven by libsoup WebSocket
 * clients: pairing and relaying, rooms that never cross, the refusals of
 * docs/signalling.md with their codes, errors that leave the room
 * serving, peer-left, the STUN Binding answer, and wss://.
 */
#include "serve-harness.h"

#include "ice/stun/stun-builder.h"

#include <glib/gstdio.h>
#include <string.h>

#define UFRAG "uFrA"
#define PWD "0123456789abcdefghijkl"
#define CAND "candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host"

static SoupSession *session;

/* A sends, B receives exactly the same text. */
static void
assert_relays (HarnessClient *from, HarnessClient *to, gchar *text)
{
  gchar *got;

  g_assert_true (harness_client_send (from, text));
  got = harness_client_next (to);
  g_assert_cmpstr (got, ==, text);
  g_free (got);
  g_free (text);
}

static void
test_relay (void)
{
  HarnessServer *server = harness_server_start (NULL);
  HarnessClient *a, *b;

  harness_pair (session, server, "room1", &a, &b);
  assert_relays (a, b, gst_ice_signal_credentials_to_json ("0", UFRAG, PWD, 0));
  assert_relays (b, a, gst_ice_signal_candidate_to_json ("0", 0, CAND));
  assert_relays (a, b, gst_ice_signal_end_of_candidates_to_json (NULL, 0));
  assert_relays (b, a, gst_ice_signal_restart_to_json ("0"));
  /* "unchanged": not rebuilt, so spacing and extra fields survive */
  assert_relays (a, b,
                 g_strdup ("{ \"type\" : \"restart\", \"v\":1, \"x\":[1] }"));
  harness_server_wait_lines (server, "pair room=room1 peers=a,b", 1);
  g_assert_cmpuint (harness_server_count_lines (server, "join room=room1"), ==,
                    2);
  harness_client_free (a);
  harness_client_free (b);
  harness_server_stop (server);
}

/* Each room's receiver gets its own peer's messages, in order, up to its
 * peer's last one; nothing of the other room comes in between. */
static void
test_rooms_isolated (void)
{
  HarnessServer *server = harness_server_start (NULL);
  HarnessClient *a, *b, *c, *d;
  gchar *text;
  gint i;

  harness_pair (session, server, "left", &a, &b);
  harness_pair (session, server, "right", &c, &d);
  for (i = 0; i < 20; i++) {
    harness_client_send_take (a, gst_ice_signal_restart_to_json ("left"));
    harness_client_send_take (c, gst_ice_signal_restart_to_json ("right"));
  }
  for (i = 0; i < 20; i++) {
    text = harness_client_next (b);
    g_assert_nonnull (strstr (text, "\"left\""));
    g_free (text);
    text = harness_client_next (d);
    g_assert_nonnull (strstr (text, "\"right\""));
    g_free (text);
  }
  assert_relays (d, c, gst_ice_signal_restart_to_json ("end"));
  assert_relays (b, a, gst_ice_signal_restart_to_json ("end"));
  g_assert_true (g_queue_is_empty (&a->received));
  g_assert_true (g_queue_is_empty (&c->received));
  harness_client_free (a);
  harness_client_free (b);
  harness_client_free (c);
  harness_client_free (d);
  harness_server_stop (server);
}

static void
test_room_full (void)
{
  HarnessServer *server = harness_server_start (NULL);
  HarnessClient *a, *b, *third;
  gchar *url = g_strdup_printf ("%s/full", server->url);

  harness_pair (session, server, "full", &a, &b);
  third = harness_client_open (session, url);
  harness_client_send_take (third, gst_ice_signal_join_to_json ("full", "c"));
  harness_client_expect_error (third, GST_ICE_SIGNAL_ERROR_ROOM_FULL, TRUE);
  harness_client_wait_closed (third);
  harness_server_wait_lines (server, "refuse code=room-full room=full", 1);
  /* the pair did not notice */
  assert_relays (a, b, gst_ice_signal_restart_to_json ("0"));
  assert_relays (b, a, gst_ice_signal_restart_to_json ("0"));
  g_assert_true (g_queue_is_empty (&a->received));
  g_assert_false (a->closed || b->closed);
  harness_client_free (third);
  harness_client_free (a);
  harness_client_free (b);
  g_free (url);
  harness_server_stop (server);
}

static void
expect_peer_joined_msg (HarnessClient *client, const gchar *peer)
{
  GstIceSignalMsg msg;

  harness_client_expect (client, GST_ICE_SIGNAL_MSG_PEER_JOINED, &msg);
  g_assert_cmpstr (msg.peer, ==, peer);
  gst_ice_signal_msg_clear (&msg);
}

/* A peer id in the room joining on a new connection (its address went
 * away, the old connection is half-open): it takes its own place, the
 * old connection is closed, the other peer sees it join again and no
 * peer-left, and the pair relays as before. */
static void
test_rejoin_same_peer (void)
{
  HarnessServer *server = harness_server_start (NULL);
  HarnessClient *a, *b, *again;

  harness_pair (session, server, "re", &a, &b);
  again = harness_join (session, server, "re", "a", 2);
  expect_peer_joined_msg (again, "b");
  expect_peer_joined_msg (b, "a");
  harness_client_wait_closed (a);
  harness_server_wait_lines (server, "rejoin room=re peer=a", 1);
  assert_relays (again, b, gst_ice_signal_restart_to_json ("0"));
  assert_relays (b, again, gst_ice_signal_restart_to_json ("0"));
  g_assert_true (g_queue_is_empty (&b->received));
  g_assert_false (b->closed || again->closed);
  g_assert_cmpuint (harness_server_count_lines (server, "leave room=re"), ==,
                    0);
  harness_client_free (again);
  harness_client_free (a);
  harness_client_free (b);
  harness_server_stop (server);
}

static void
expect_refused (HarnessServer *server, const gchar *path,
                GstIceSignalError code)
{
  gchar *url = g_strdup_printf ("%s%s", server->url, path);
  HarnessClient *client = harness_client_open (session, url);

  harness_client_expect_error (client, code, TRUE);
  harness_client_wait_closed (client);
  harness_client_free (client);
  g_free (url);
}

static void
test_token (void)
{
  HarnessServer *server = harness_server_start ("--token", "s3cret", NULL);
  HarnessClient *ok;

  expect_refused (server, "/t", GST_ICE_SIGNAL_ERROR_BAD_TOKEN);
  expect_refused (server, "/t?token=s3cre", GST_ICE_SIGNAL_ERROR_BAD_TOKEN);
  expect_refused (server, "/t?token=s3cret2", GST_ICE_SIGNAL_ERROR_BAD_TOKEN);
  harness_server_wait_lines (server, "refuse code=bad-token", 3);
  ok = harness_join (session, server, "t?token=s3cret", NULL, 1);
  harness_client_free (ok);
  harness_server_stop (server);
}

static void
test_bad_room (void)
{
  HarnessServer *server = harness_server_start (NULL);
  HarnessClient *client;
  gchar *url = g_strdup_printf ("%s/good", server->url);

  expect_refused (server, "/", GST_ICE_SIGNAL_ERROR_BAD_ROOM);
  expect_refused (server, "/a/b", GST_ICE_SIGNAL_ERROR_BAD_ROOM);
  expect_refused (server, "/a%20b", GST_ICE_SIGNAL_ERROR_BAD_ROOM);
  /* the join's room must be the URL's */
  client = harness_client_open (session, url);
  harness_client_send_take (client,
                            gst_ice_signal_join_to_json ("other", NULL));
  harness_client_expect_error (client, GST_ICE_SIGNAL_ERROR_BAD_ROOM, TRUE);
  harness_client_wait_closed (client);
  harness_client_free (client);
  g_free (url);
  harness_server_stop (server);
}

static void
send_binary (HarnessClient *client)
{
  static const guint8 junk[] = { 0, 1, 2, 3 };

  soup_websocket_connection_send_binary (client->conn, junk, sizeof (junk));
}

/* Each bad message is answered, non-fatally, and the room keeps relaying. */
static void
test_bad_messages (void)
{
  HarnessServer *server = harness_server_start (NULL);
  HarnessClient *a, *b, *lone;
  gchar *big = g_strnfill (GST_ICE_SIGNAL_MAX_MESSAGE + 1, ' ');
  gchar *url = g_strdup_printf ("%s/lone", server->url);

  harness_pair (session, server, "bad", &a, &b);
  harness_client_send (a, big);
  harness_client_expect_error (a, GST_ICE_SIGNAL_ERROR_TOO_BIG, FALSE);
  harness_client_send (a, "{not json");
  harness_client_expect_error (a, GST_ICE_SIGNAL_ERROR_MALFORMED, FALSE);
  send_binary (a);
  harness_client_expect_error (a, GST_ICE_SIGNAL_ERROR_MALFORMED, FALSE);
  harness_client_send (a, "{\"v\":2,\"type\":\"candidate\"}");
  harness_client_expect_error (a, GST_ICE_SIGNAL_ERROR_VERSION, FALSE);
  harness_client_send (a, "{\"v\":1,\"type\":\"offer\"}");
  harness_client_expect_error (a, GST_ICE_SIGNAL_ERROR_UNKNOWN_TYPE, FALSE);
  harness_client_send (a, "{\"v\":1,\"type\":\"candidate\",\"generation\":0}");
  harness_client_expect_error (a, GST_ICE_SIGNAL_ERROR_MALFORMED, FALSE);
  harness_client_send_take (a, gst_ice_signal_peer_left_to_json ("x"));
  harness_client_expect_error (a, GST_ICE_SIGNAL_ERROR_UNKNOWN_TYPE, FALSE);
  harness_client_send_take (a, gst_ice_signal_join_to_json (NULL, NULL));
  harness_client_expect_error (a, GST_ICE_SIGNAL_ERROR_MALFORMED, FALSE);
  assert_relays (a, b, gst_ice_signal_candidate_to_json ("0", 1, CAND));
  assert_relays (b, a, gst_ice_signal_candidate_to_json ("0", 1, CAND));
  g_assert_true (g_queue_is_empty (&b->received));

  lone = harness_client_open (session, url);
  harness_client_send_take (lone, gst_ice_signal_restart_to_json (NULL));
  harness_client_expect_error (lone, GST_ICE_SIGNAL_ERROR_NOT_JOINED, FALSE);
  harness_client_free (lone);
  harness_client_free (a);
  harness_client_free (b);
  g_free (url);
  g_free (big);
  harness_server_stop (server);
}

/* --max-errors answered errors; the next one closes with "rate". */
static void
test_too_many_errors (void)
{
  HarnessServer *server = harness_server_start ("--max-errors", "3", NULL);
  HarnessClient *client;
  gchar *url = g_strdup_printf ("%s/e", server->url);
  gint i;

  client = harness_client_open (session, url);
  for (i = 0; i < 4; i++)
    harness_client_send (client, "junk");
  for (i = 0; i < 3; i++)
    harness_client_expect_error (client, GST_ICE_SIGNAL_ERROR_MALFORMED, FALSE);
  harness_client_expect_error (client, GST_ICE_SIGNAL_ERROR_RATE, TRUE);
  harness_client_wait_closed (client);
  harness_client_free (client);
  g_free (url);
  harness_server_stop (server);
}

/* A burst over the bucket is refused with "rate"; the peer stays. */
static void
test_rate (void)
{
  HarnessServer *server
      = harness_server_start ("--rate", "1", "--burst", "5", NULL);
  HarnessClient *a, *b;
  gchar *text;
  gint i, relayed;

  harness_pair (session, server, "fast", &a, &b);
  for (i = 0; i < 10; i++)
    harness_client_send_take (a, gst_ice_signal_restart_to_json ("0"));
  harness_client_expect_error (a, GST_ICE_SIGNAL_ERROR_RATE, TRUE);
  harness_client_wait_closed (a);
  /* what the bucket held went through (it refills while pairing), the
   * rest did not; then the peer left */
  for (relayed = 0; relayed <= 10; relayed++) {
    text = harness_client_next (b);
    if (strstr (text, "\"peer-left\"") != NULL)
      break;
    g_assert_nonnull (strstr (text, "\"restart\""));
    g_free (text);
  }
  g_test_message ("%d of 10 relayed", relayed);
  g_assert_cmpint (relayed, >=, 1);
  g_assert_cmpint (relayed, <, 10);
  g_assert_nonnull (strstr (text, "\"peer\":\"a\""));
  g_free (text);
  g_assert_false (b->closed);
  harness_client_free (a);
  harness_client_free (b);
  harness_server_stop (server);
}

/* --max-clients and --max-rooms: refused with server-full, the others
 * go on. */
static void
test_server_full (void)
{
  HarnessServer *server
      = harness_server_start ("--max-clients", "3", "--max-rooms", "1", NULL);
  HarnessClient *a, *b, *c;
  gchar *url = g_strdup_printf ("%s/second", server->url);

  harness_pair (session, server, "first", &a, &b);
  c = harness_client_open (session, url);
  harness_client_send_take (c, gst_ice_signal_join_to_json (NULL, NULL));
  harness_client_expect_error (c, GST_ICE_SIGNAL_ERROR_SERVER_FULL, TRUE);
  harness_client_wait_closed (c);
  harness_client_free (c);
  harness_server_wait_lines (server, "refuse code=server-full", 1);
  assert_relays (a, b, gst_ice_signal_restart_to_json ("0"));
  /* the room vanishes with its peers, and the next one has its place */
  harness_client_free (a);
  harness_client_free (b);
  harness_server_wait_lines (server, "leave room=first", 2);
  c = harness_join (session, server, "second", "c", 1);
  harness_client_free (c);
  g_free (url);
  harness_server_stop (server);
}

static void
test_too_many_clients (void)
{
  HarnessServer *server = harness_server_start ("--max-clients", "1", NULL);
  HarnessClient *a;

  a = harness_join (session, server, "only", "a", 1);
  expect_refused (server, "/only", GST_ICE_SIGNAL_ERROR_SERVER_FULL);
  harness_server_wait_lines (server, "refuse code=server-full", 1);
  harness_client_free (a);
  harness_server_stop (server);
}

static void
test_join_timeout (void)
{
  HarnessServer *server = harness_server_start ("--join-timeout", "1", NULL);

  expect_refused (server, "/idle", GST_ICE_SIGNAL_ERROR_NOT_JOINED);
  harness_server_stop (server);
}

static void
expect_peer_left (HarnessClient *client, const gchar *peer)
{
  GstIceSignalMsg msg;

  harness_client_expect (client, GST_ICE_SIGNAL_MSG_PEER_LEFT, &msg);
  g_assert_cmpstr (msg.peer, ==, peer);
  gst_ice_signal_msg_clear (&msg);
}

/* leave, then a socket that just closes: both give peer-left, and the
 * room takes a new peer. */
static void
test_peer_left (void)
{
  HarnessServer *server = harness_server_start (NULL);
  HarnessClient *a, *b, *c;
  GstIceSignalMsg msg;

  harness_pair (session, server, "p", &a, &b);
  harness_client_send_take (b, gst_ice_signal_leave_to_json ());
  expect_peer_left (a, "b");
  harness_client_wait_closed (b);
  harness_server_wait_lines (server, "leave room=p peer=b", 1);
  c = harness_join (session, server, "p", "c", 2);
  harness_client_expect (a, GST_ICE_SIGNAL_MSG_PEER_JOINED, &msg);
  g_assert_cmpstr (msg.peer, ==, "c");
  gst_ice_signal_msg_clear (&msg);
  harness_client_expect (c, GST_ICE_SIGNAL_MSG_PEER_JOINED, &msg);
  gst_ice_signal_msg_clear (&msg);
  harness_client_free (c); /* closes without a leave */
  expect_peer_left (a, "c");
  harness_client_free (a);
  harness_server_wait_lines (server, "leave room=p peer=a", 1);
  harness_client_free (b);
  harness_server_stop (server);
}

static GSocket *
stun_request (guint16 port, guint8 txid[ICE_STUN_TRANSACTION_ID_SIZE])
{
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                G_SOCKET_PROTOCOL_UDP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *local = g_inet_socket_address_new (lo, 0);
  GSocketAddress *to = g_inet_socket_address_new (lo, port);
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;
  gsize len;

  g_assert_true (g_socket_bind (sock, local, FALSE, NULL));
  g_socket_set_timeout (sock, HARNESS_TIMEOUT_S);
  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, txid);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  g_assert_cmpint (g_socket_send_to (sock, to, (gchar *)buf, len, NULL, NULL),
                   ==, (gssize)len);
  g_object_unref (to);
  g_object_unref (local);
  g_object_unref (lo);
  return sock;
}

static void
test_stun (void)
{
  HarnessServer *server = harness_server_start ("--stun", "127.0.0.1:0", NULL);
  guint8 txid[ICE_STUN_TRANSACTION_ID_SIZE] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  GSocket *sock;
  GSocketAddress *local;
  IceStunMessage msg;
  IceTransportAddr mapped;
  gssize len;

  HARNESS_WAIT_UNTIL (server->stun_port != 0);
  sock = stun_request (server->stun_port, txid);
  /* a blocking receive bounded by the socket's timeout: the event itself */
  len = g_socket_receive (sock, (gchar *)buf, sizeof (buf), NULL, NULL);
  g_assert_cmpint (len, >, 0);
  g_assert_cmpint (ice_stun_message_parse (&msg, buf, len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpint (msg.klass, ==, ICE_STUN_CLASS_SUCCESS);
  g_assert_cmpmem (msg.transaction_id, 12, txid, 12);
  g_assert_true (ice_stun_message_get_xor_address (
      &msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &mapped));
  local = g_socket_get_local_address (sock, NULL);
  g_assert_cmpuint (
      mapped.port, ==,
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  g_assert_true (ice_addr_is_loopback (&mapped));
  g_object_unref (local);
  g_object_unref (sock);
  harness_server_stop (server);
}

static gchar *
make_certificate (void)
{
  gchar *dir = g_dir_make_tmp ("gst-ice-serve-XXXXXX", NULL);
  gchar *cmd, *errors = NULL;
  gint status = -1;

  g_assert_nonnull (dir);
  cmd = g_strdup_printf (
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
      "-nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
      "-keyout %s/key.pem -out %s/cert.pem",
      dir, dir);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, &errors, &status, NULL));
  g_test_message ("openssl: %s", errors);
  g_free (errors);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_free (cmd);
  return dir;
}

static void
remove_certificate (gchar *dir)
{
  gchar *key = g_build_filename (dir, "key.pem", NULL);
  gchar *cert = g_build_filename (dir, "cert.pem", NULL);

  g_remove (key);
  g_remove (cert);
  g_rmdir (dir);
  g_free (key);
  g_free (cert);
  g_free (dir);
}

static void
test_wss (void)
{
  gchar *dir = make_certificate ();
  gchar *cert_path = g_build_filename (dir, "cert.pem", NULL);
  gchar *key_path = g_build_filename (dir, "key.pem", NULL);
  GTlsCertificate *cert = g_tls_certificate_new_from_file (cert_path, NULL);
  HarnessServer *server = harness_server_start ("--tls-cert", cert_path,
                                                "--tls-key", key_path, NULL);
  gchar *url = g_strdup_printf ("%s/secure", server->url);
  HarnessClient *pinned, *unpinned;
  GstIceSignalMsg msg;

  g_assert_nonnull (cert);
  g_assert_true (g_str_has_prefix (server->url, "wss://"));
  /* a client that does not pin the certificate does not get in */
  unpinned = harness_client_new (session, url, NULL);
  HARNESS_WAIT_UNTIL (unpinned->failed || unpinned->conn != NULL);
  g_assert_error (unpinned->error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  pinned = harness_client_new (session, url, cert);
  HARNESS_WAIT_UNTIL (pinned->failed || pinned->conn != NULL);
  g_assert_no_error (pinned->error);
  harness_client_send_take (pinned, gst_ice_signal_join_to_json (NULL, "s"));
  harness_client_expect (pinned, GST_ICE_SIGNAL_MSG_JOINED, &msg);
  g_assert_cmpstr (msg.room, ==, "secure");
  gst_ice_signal_msg_clear (&msg);
  harness_client_free (pinned);
  harness_client_free (unpinned);
  harness_server_stop (server);
  g_object_unref (cert);
  g_free (url);
  g_free (cert_path);
  g_free (key_path);
  remove_certificate (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  session = harness_session_new ();
  g_test_add_func ("/signal/serve/relay", test_relay);
  g_test_add_func ("/signal/serve/rooms-isolated", test_rooms_isolated);
  g_test_add_func ("/signal/serve/room-full", test_room_full);
  g_test_add_func ("/signal/serve/rejoin-same-peer", test_rejoin_same_peer);
  g_test_add_func ("/signal/serve/token", test_token);
  g_test_add_func ("/signal/serve/bad-room", test_bad_room);
  g_test_add_func ("/signal/serve/bad-messages", test_bad_messages);
  g_test_add_func ("/signal/serve/too-many-errors", test_too_many_errors);
  g_test_add_func ("/signal/serve/rate", test_rate);
  g_test_add_func ("/signal/serve/server-full", test_server_full);
  g_test_add_func ("/signal/serve/too-many-clients", test_too_many_clients);
  g_test_add_func ("/signal/serve/join-timeout", test_join_timeout);
  g_test_add_func ("/signal/serve/peer-left", test_peer_left);
  g_test_add_func ("/signal/serve/stun", test_stun);
  g_test_add_func ("/signal/serve/wss", test_wss);
  status = g_test_run ();
  g_object_unref (session);
  return status;
}
