/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The small loop that drives a TURN client over a real socket, the way
 * the GLib driver will: transmits are sent after every input, the socket
 * is waited on until the client's next timeout, a TCP stream is split
 * into messages by IceTurnFramer. And the plain UDP peer.
 */
#include "coturn-harness.h"

#include <string.h>

static guint64
driver_random (gpointer data)
{
  guint64 *state = data;
  guint64 z = (*state += 0x9e3779b97f4a7c15ull);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

gint64
driver_now (void)
{
  return g_get_monotonic_time ();
}

static void
driver_make_client (Driver *d, Coturn *t, const gchar *password)
{
  IceTurnClientConfig cfg;

  ice_turn_client_config_init (&cfg);
  ice_addr_set_ipv4 (&cfg.server, 0x7f000001, t->port);
  cfg.server.transport = d->transport;
  cfg.username = "u";
  cfg.password = password;
  cfg.realm = "r";
  cfg.random = driver_random;
  cfg.random_data = &d->seed;
  cfg.software = "gst-ice test";
  cfg.lifetime_s = d->lifetime_s;
  ice_turn_client_free (d->client);
  d->client = ice_turn_client_new (&cfg);
  g_assert_nonnull (d->client);
}

Driver *
driver_new (Coturn *t, IceTransport transport, const gchar *password,
            guint32 lifetime_s)
{
  Driver *d = g_new0 (Driver, 1);
  IceTransportAddr server;
  GSocketAddress *local;

  d->transport = transport;
  d->lifetime_s = lifetime_s;
  d->seed = (guint64)g_get_real_time ();
  ice_addr_set_ipv4 (&server, 0x7f000001, t->port);
  d->server = addr_to_gio (&server);
  if (transport == ICE_TRANSPORT_UDP) {
    d->sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                            G_SOCKET_PROTOCOL_UDP, NULL);
    local = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
    g_assert_true (g_socket_bind (d->sock, local, FALSE, NULL));
    g_object_unref (local);
  } else {
    GSocketClient *sc = g_socket_client_new ();
    GError *error = NULL;

    d->conn = g_socket_client_connect (sc, G_SOCKET_CONNECTABLE (d->server),
                                       NULL, &error);
    g_assert_no_error (error);
    d->sock = g_object_ref (g_socket_connection_get_socket (d->conn));
    d->framer = ice_turn_framer_new ();
    g_object_unref (sc);
  }
  local = g_socket_get_local_address (d->sock, NULL);
  addr_from_gio (&d->local, local);
  g_object_unref (local);
  driver_make_client (d, t, password);
  return d;
}

void
driver_replace_client (Driver *d, Coturn *t, const gchar *password)
{
  driver_make_client (d, t, password);
}

void
driver_free (Driver *d)
{
  ice_turn_client_free (d->client);
  ice_turn_framer_free (d->framer);
  if (d->conn)
    g_io_stream_close (G_IO_STREAM (d->conn), NULL, NULL);
  g_clear_object (&d->conn);
  g_clear_object (&d->sock);
  g_clear_object (&d->server);
  g_free (d);
}

static void
driver_write (Driver *d, const guint8 *data, gsize len)
{
  GError *error = NULL;
  gsize done = 0;

  if (d->transport == ICE_TRANSPORT_UDP) {
    g_assert_cmpint (g_socket_send_to (d->sock, d->server, (const gchar *)data,
                                       len, NULL, &error),
                     ==, (gssize)len);
    g_assert_no_error (error);
    return;
  }
  while (done < len) {
    gssize n = g_socket_send (d->sock, (const gchar *)data + done, len - done,
                              NULL, &error);

    g_assert_no_error (error);
    done += n;
  }
}

static void
driver_flush (Driver *d)
{
  IceTurnTransmit t;

  while (ice_turn_client_poll_transmit (d->client, &t))
    driver_write (d, t.data, t.len);
}

static void
driver_handle (Driver *d, const guint8 *data, gsize len)
{
  IceTransportAddr peer;
  gsize off, plen;

  if (ice_turn_client_handle_packet (d->client, driver_now (), data, len, &peer,
                                     &off, &plen)
      != ICE_TURN_PACKET_DATA)
    return;
  g_assert_cmpuint (plen, <=, sizeof d->data);
  memcpy (d->data, data + off, plen);
  d->data_len = plen;
  d->data_peer = peer;
  d->data_was_channel = ice_turn_is_channel_data (data, len);
  d->got_data = TRUE;
}

static void
driver_receive (Driver *d)
{
  guint8 buf[4096];
  const guint8 *msg;
  gsize len;
  gssize n = g_socket_receive (d->sock, (gchar *)buf, sizeof buf, NULL, NULL);

  if (d->transport == ICE_TRANSPORT_UDP) {
    if (n > 0)
      driver_handle (d, buf, n);
    return;
  }
  if (n <= 0)
    g_error ("the TURN server closed the TCP connection");
  ice_turn_framer_push (d->framer, buf, n);
  while (ice_turn_framer_pop (d->framer, &msg, &len) == ICE_TURN_FRAME_COMPLETE)
    driver_handle (d, msg, len);
}

/* One turn of the loop: send, wait for the socket or the next timer (or
 * @deadline_us), feed what came, fire what is due. */
static void
driver_step (Driver *d, gint64 deadline_us)
{
  gint64 next, wake, now;

  driver_flush (d);
  next = ice_turn_client_next_timeout (d->client);
  wake = next >= 0 ? MIN (next, deadline_us) : deadline_us;
  now = driver_now ();
  if (g_socket_condition_timed_wait (d->sock, G_IO_IN, MAX (wake - now, 0),
                                     NULL, NULL))
    driver_receive (d);
  next = ice_turn_client_next_timeout (d->client);
  now = driver_now ();
  if (next >= 0 && now >= next)
    ice_turn_client_handle_timeout (d->client, now);
  driver_flush (d);
}

gboolean
driver_wait_event (Driver *d, IceTurnEventType type, guint timeout_ms,
                   IceTurnEvent *out)
{
  gint64 deadline = driver_now () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  IceTurnEvent e;

  while (TRUE) {
    while (ice_turn_client_poll_event (d->client, &e)) {
      if (e.type == type || e.type == ICE_TURN_EVENT_ERROR) {
        if (out)
          *out = e;
        if (e.type != type)
          g_test_message ("TURN error: %s", e.message);
        return e.type == type;
      }
    }
    if (driver_now () >= deadline)
      return FALSE;
    driver_step (d, deadline);
  }
}

gboolean
driver_wait_data (Driver *d, guint timeout_ms)
{
  gint64 deadline = driver_now () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  d->got_data = FALSE;
  while (!d->got_data && driver_now () < deadline)
    driver_step (d, deadline);
  return d->got_data;
}

void
driver_run_for (Driver *d, guint ms)
{
  gint64 deadline = driver_now () + ms * G_TIME_SPAN_MILLISECOND;

  while (driver_now () < deadline)
    driver_step (d, deadline);
}

void
driver_send_to_peer (Driver *d, const IceTransportAddr *peer, const gchar *text,
                     gboolean *was_channel)
{
  guint8 out[2048];
  gsize n = ice_turn_client_wrap (d->client, peer, (const guint8 *)text,
                                  strlen (text), out, sizeof out);

  g_assert_cmpuint (n, >, 0);
  *was_channel = ice_turn_is_channel_data (out, n);
  driver_write (d, out, n);
}

void
peer_init (Peer *p)
{
  GSocketAddress *any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  GSocketAddress *bound;

  p->sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                          G_SOCKET_PROTOCOL_UDP, NULL);
  g_assert_true (g_socket_bind (p->sock, any, FALSE, NULL));
  bound = g_socket_get_local_address (p->sock, NULL);
  addr_from_gio (&p->addr, bound);
  g_object_unref (bound);
  g_object_unref (any);
}

void
peer_clear (Peer *p)
{
  g_clear_object (&p->sock);
}

void
peer_send (Peer *p, const IceTransportAddr *to, const gchar *text)
{
  GSocketAddress *dest = addr_to_gio (to);

  g_assert_cmpint (
      g_socket_send_to (p->sock, dest, text, strlen (text), NULL, NULL), ==,
      (gssize)strlen (text));
  g_object_unref (dest);
}

gchar *
peer_receive (Peer *p, const IceTransportAddr *from, guint timeout_ms)
{
  GSocketAddress *src = NULL;
  IceTransportAddr src_addr;
  gchar buf[2048];
  gssize n;

  if (!g_socket_condition_timed_wait (
          p->sock, G_IO_IN, timeout_ms * G_TIME_SPAN_MILLISECOND, NULL, NULL))
    return NULL;
  n = g_socket_receive_from (p->sock, &src, buf, sizeof buf, NULL, NULL);
  g_assert_cmpint (n, >=, 0);
  addr_from_gio (&src_addr, src);
  g_object_unref (src);
  g_assert_true (ice_addr_equal (&src_addr, from));
  return g_strndup (buf, n);
}
