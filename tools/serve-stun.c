/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "serve-stun.h"

#include "ice/stun/stun-binding.h"

#include <string.h>

#define SOFTWARE "gst-ice serve"
/* Datagrams read per wake-up, so that a flood cannot starve the
 * WebSocket side of the same main loop. */
#define MAX_READS 64

struct _ServeStun {
  GSocket *socket;
  GSource *source;
  guint64 answered;
  guint64 ignored;
};

static void
to_ice_addr (GSocketAddress *address, IceTransportAddr *out)
{
  GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
  GInetAddress *ip = g_inet_socket_address_get_address (inet);
  guint16 port = g_inet_socket_address_get_port (inet);
  const guint8 *bytes = g_inet_address_to_bytes (ip);

  memset (out, 0, sizeof (*out));
  if (g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV4) {
    ice_addr_set_ipv4 (out, GUINT32_FROM_BE (*(const guint32 *)bytes), port);
    return;
  }
  ice_addr_set_ipv6 (out, bytes, port);
}

static void
answer (ServeStun *stun, const guint8 *data, gsize len, GSocketAddress *from)
{
  guint8 out[ICE_STUN_MAX_MESSAGE_SIZE];
  IceTransportAddr mapped;
  gsize out_len;

  to_ice_addr (from, &mapped);
  if (ice_stun_binding_answer (data, len, &mapped, SOFTWARE, out, sizeof (out),
                               &out_len)
          == ICE_STUN_BINDING_IGNORED
      || out_len == 0) {
    stun->ignored++;
    g_debug ("stun: ignored a datagram of %" G_GSIZE_FORMAT " bytes", len);
    return;
  }
  stun->answered++;
  /* UDP: a full socket buffer loses the answer, the client retransmits */
  g_socket_send_to (stun->socket, from, (const gchar *)out, out_len, NULL,
                    NULL);
}

static gboolean
on_readable (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  ServeStun *stun = user_data;
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  GSocketAddress *from = NULL;
  gssize len;
  guint i;

  for (i = 0; i < MAX_READS; i++) {
    len = g_socket_receive_from (socket, &from, (gchar *)buf, sizeof (buf),
                                 NULL, NULL);
    if (len < 0)
      break;
    if (from != NULL && G_IS_INET_SOCKET_ADDRESS (from))
      answer (stun, buf, (gsize)len, from);
    g_clear_object (&from);
  }
  return G_SOURCE_CONTINUE;
}

ServeStun *
serve_stun_new (GInetSocketAddress *address, GError **error)
{
  ServeStun *stun = g_new0 (ServeStun, 1);
  GSocketFamily family
      = g_socket_address_get_family (G_SOCKET_ADDRESS (address));

  stun->socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM,
                               G_SOCKET_PROTOCOL_UDP, error);
  if (stun->socket == NULL
      || !g_socket_bind (stun->socket, G_SOCKET_ADDRESS (address), TRUE,
                         error)) {
    serve_stun_free (stun);
    return NULL;
  }
  g_socket_set_blocking (stun->socket, FALSE);
  stun->source = g_socket_create_source (stun->socket, G_IO_IN, NULL);
  g_source_set_callback (stun->source, G_SOURCE_FUNC (on_readable), stun, NULL);
  g_source_attach (stun->source, NULL);
  return stun;
}

void
serve_stun_free (ServeStun *stun)
{
  if (stun->source != NULL) {
    g_source_destroy (stun->source);
    g_source_unref (stun->source);
  }
  g_clear_object (&stun->socket);
  g_free (stun);
}

GInetSocketAddress *
serve_stun_get_address (ServeStun *stun)
{
  return G_INET_SOCKET_ADDRESS (
      g_socket_get_local_address (stun->socket, NULL));
}
