/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A real coturn for the io tests: UDP and TCP on one port, TLS on the
 * next, a certificate made for 127.0.0.1 by `openssl req`, long-term
 * credentials, loopback peers allowed. Facts from docs/turn.md: its own
 * empty -c config (else --log-file is ignored), --opt=value form, a port
 * free without SO_REUSEPORT, killed with us (PR_SET_PDEATHSIG).
 */
#ifndef __IO_COTURN_H__
#define __IO_COTURN_H__

#include <glib.h>

G_BEGIN_DECLS

#define IO_COTURN_USER "alice"
#define IO_COTURN_PASSWORD "p@ss"
/* the same, percent-encoded for a URI */
#define IO_COTURN_URI_CREDENTIALS "alice:p%40ss"

typedef struct {
  gchar *dir;
  gchar *cert_path;
  gchar *log_path;
  GPid pid;
  guint16 port;     /* UDP and TCP */
  guint16 tls_port; /* TLS */
} IoCoturn;

/* FALSE (the test should skip) if turnserver or openssl is missing. */
gboolean io_coturn_start (IoCoturn *t);
void io_coturn_stop (IoCoturn *t);
/* SIGKILL by PID, then a new turnserver on the same ports (no old
 * allocation survives); FALSE if it does not come up. */
gboolean io_coturn_crash_and_restart (IoCoturn *t);
/* "turn://alice:p%40ss@127.0.0.1:PORT?transport=udp" and friends */
gchar *io_coturn_uri (IoCoturn *t, const gchar *transport);

G_END_DECLS
#endif /* __IO_COTURN_H__ */
