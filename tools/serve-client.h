/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One WebSocket client of `gst-ice serve`: checks its token and room on
 * connect, answers each message (docs/signalling.md) or relays it to the
 * other peer of the room unchanged, and applies the limits. Everything
 * runs on the default main context.
 */
#ifndef __GST_ICE_SERVE_CLIENT_H__
#define __GST_ICE_SERVE_CLIENT_H__

#include "serve-rooms.h"

#include <libsoup/soup.h>

G_BEGIN_DECLS

/**
 * ServeServer:
 * @limits: the limits of this server
 * @rooms: the rooms and the count of clients
 * @token: (nullable): the token a client must give as ?token=
 * @clients: every client (owned), to close them at exit
 * @next_peer: for the ids of peers that chose none
 */
typedef struct {
  ServeLimits limits;
  ServeRooms *rooms;
  gchar *token;
  GHashTable *clients;
  guint64 next_peer;
} ServeServer;

/* One log line on stdout, flushed (docs/gst-ice-tool.md). */
void serve_log (const gchar *format, ...) G_GNUC_PRINTF (1, 2);

/* Takes over the connection of a WebSocket handshake that succeeded. */
void serve_client_accept (ServeServer *server, SoupServerMessage *msg,
                          SoupWebsocketConnection *conn);

void serve_server_init (ServeServer *server, const ServeLimits *limits,
                        const gchar *token);
/* Closes and frees every client, then the rooms (at exit). */
void serve_server_clear (ServeServer *server);

G_END_DECLS
#endif /* __GST_ICE_SERVE_CLIENT_H__ */
