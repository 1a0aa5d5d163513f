/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Test harness for `gst-ice serve`: runs the built binary (GST_ICE_TOOL)
 * on 127.0.0.1 with a free port, reads its log lines as they come, and
 * drives real libsoup WebSocket clients against it. Every wait runs the
 * default main context until its condition holds, bounded by a timeout.
 */
#ifndef __SERVE_HARNESS_H__
#define __SERVE_HARNESS_H__

#include "signal/gst-ice-signal-msg.h"

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Generous: the machine is shared and the CPUs may be busy. */
#define HARNESS_TIMEOUT_S 20

/* Runs the default context until @cond or the timeout; asserts @cond. */
#define HARNESS_WAIT_UNTIL(cond) HARNESS_WAIT_UNTIL_S (cond, HARNESS_TIMEOUT_S)
#define HARNESS_WAIT_UNTIL_S(cond, seconds)                                    \
  G_STMT_START                                                                 \
  {                                                                            \
    HarnessDeadline _d;                                                        \
    harness_deadline_start (&_d, (seconds));                                   \
    while (!(cond) && !_d.expired)                                             \
      g_main_context_iteration (NULL, TRUE);                                   \
    harness_deadline_stop (&_d);                                               \
    g_assert_true (cond);                                                      \
  }                                                                            \
  G_STMT_END

typedef struct {
  gboolean expired;
  guint source;
} HarnessDeadline;

void harness_deadline_start (HarnessDeadline *d, guint seconds);
void harness_deadline_stop (HarnessDeadline *d);

/**
 * HarnessServer:
 * @url: "ws://127.0.0.1:PORT" (or wss://) from the first line
 * @stun_port: the --stun port, 0 without
 * @lines: every log line so far (gchar *)
 * @quiet: do not echo the lines into the test's log
 */
typedef struct {
  GSubprocess *proc;
  GDataInputStream *out;
  GCancellable *cancel;
  gchar *url;
  guint16 stun_port;
  GPtrArray *lines;
  gboolean eof;
  gboolean quiet;
} HarnessServer;

/* Starts `gst-ice serve --listen 127.0.0.1:0 ARGS...` (NULL-terminated)
 * and waits for its "listening" line. */
HarnessServer *harness_server_start (const gchar *first_arg, ...);
/* SIGTERM, waits for the exit and asserts status 0; frees. */
void harness_server_stop (HarnessServer *server);
/* Lines starting with @prefix so far. */
guint harness_server_count_lines (HarnessServer *server, const gchar *prefix);
/* Waits until @n lines start with @prefix. */
void harness_server_wait_lines (HarnessServer *server, const gchar *prefix,
                                guint n);
/* A field of /proc/PID/status in kB (VmRSS, VmHWM). */
guint64 harness_server_status_kb (HarnessServer *server, const gchar *field);

/**
 * HarnessClient:
 * @conn: the WebSocket once open
 * @received: texts received (gchar *), oldest first
 * @closed: the connection closed
 * @failed: the handshake failed (@error says why)
 */
typedef struct {
  SoupWebsocketConnection *conn;
  GQueue received;
  gboolean closed;
  gboolean failed;
  GError *error;
  GTlsCertificate *pinned;
} HarnessClient;

SoupSession *harness_session_new (void);
/* Starts connecting to @url; with @pinned (nullable) a wss:// server must
 * present exactly that certificate. */
HarnessClient *harness_client_new (SoupSession *session, const gchar *url,
                                   GTlsCertificate *pinned);
/* Connects and waits until open (asserts it opened). */
HarnessClient *harness_client_open (SoupSession *session, const gchar *url);
void harness_client_free (HarnessClient *client);
/* Sends a text frame if the connection is open; FALSE otherwise. */
gboolean harness_client_send (HarnessClient *client, const gchar *text);
/* Sends and frees @text. */
void harness_client_send_take (HarnessClient *client, gchar *text);
/* Waits for the next text (transfer full). */
gchar *harness_client_next (HarnessClient *client);
/* Waits for the next message, parses it and asserts its type. */
void harness_client_expect (HarnessClient *client, GstIceSignalMsgType type,
                            GstIceSignalMsg *msg);
/* Waits for an error with @code and @fatal. */
void harness_client_expect_error (HarnessClient *client, GstIceSignalError code,
                                  gboolean fatal);
void harness_client_wait_closed (HarnessClient *client);

/* Opens ROOM on @server, sends join (with @peer) and waits for joined. */
HarnessClient *harness_join (SoupSession *session, HarnessServer *server,
                             const gchar *room, const gchar *peer,
                             gint expect_peers);
/* Two peers "a" and "b" in @room; both have seen peer-joined. */
void harness_pair (SoupSession *session, HarnessServer *server,
                   const gchar *room, HarnessClient **a, HarnessClient **b);

G_END_DECLS
#endif /* __SERVE_HARNESS_H__ */
