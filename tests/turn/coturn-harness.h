/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A real coturn for the TURN client tests, and a small loop that drives
 * an IceTurnClient over a real socket (UDP, or a TCP stream split with
 * IceTurnFramer), plus a plain UDP "peer" socket.
 */
#ifndef __TURN_COTURN_HARNESS_H__
#define __TURN_COTURN_HARNESS_H__

#include "ice/turn/turn-client.h"
#include "ice/turn/turn-framing.h"

#include <gio/gio.h>

typedef struct {
  gchar *dir;
  gchar *log_path;
  GPid pid;
  guint16 port;
} Coturn;

/* Starts turnserver on 127.0.0.1 with user u:p, realm r and @extra
 * (NULL-terminated flags); waits until it answers a STUN Binding request.
 * FALSE (test skipped) if turnserver is not installed. */
gboolean coturn_start (Coturn *t, const gchar *const *extra);
void coturn_stop (Coturn *t);
/* TRUE once the log contains @needle, FALSE after @timeout_ms. */
gboolean coturn_wait_log (Coturn *t, const gchar *needle, guint timeout_ms);

typedef struct {
  IceTurnClient *client;
  IceTransport transport;
  GSocket *sock;           /* UDP socket, or the TCP connection's */
  GSocketConnection *conn; /* TCP only */
  IceTurnFramer *framer;   /* TCP only */
  GSocketAddress *server;
  IceTransportAddr local;
  guint64 seed;
  guint32 lifetime_s;
  /* the last peer datagram delivered */
  gboolean got_data;
  gboolean data_was_channel;
  IceTransportAddr data_peer;
  guint8 data[2048];
  gsize data_len;
} Driver;

/* A client for @password on a new socket (@transport UDP or TCP),
 * asking for @lifetime_s (0: the server's default). */
Driver *driver_new (Coturn *t, IceTransport transport, const gchar *password,
                    guint32 lifetime_s);
/* Another client on the same socket (for UDP: the same 5-tuple). */
void driver_replace_client (Driver *d, Coturn *t, const gchar *password);
void driver_free (Driver *d);
gint64 driver_now (void);
/* Runs the loop until an event of @type (TRUE) or an ERROR event or
 * @timeout_ms (FALSE); the event is copied to @out. Other events are
 * skipped. */
gboolean driver_wait_event (Driver *d, IceTurnEventType type, guint timeout_ms,
                            IceTurnEvent *out);
gboolean driver_wait_data (Driver *d, guint timeout_ms);
void driver_run_for (Driver *d, guint ms);
void driver_send_to_peer (Driver *d, const IceTransportAddr *peer,
                          const gchar *text, gboolean *was_channel);

typedef struct {
  GSocket *sock;
  IceTransportAddr addr;
} Peer;

void peer_init (Peer *p);
void peer_clear (Peer *p);
void peer_send (Peer *p, const IceTransportAddr *to, const gchar *text);
/* Receives one datagram within @timeout_ms; asserts it came from @from. */
gchar *peer_receive (Peer *p, const IceTransportAddr *from, guint timeout_ms);

void addr_from_gio (IceTransportAddr *addr, GSocketAddress *gaddr);
GSocketAddress *addr_to_gio (const IceTransportAddr *addr);

#endif
