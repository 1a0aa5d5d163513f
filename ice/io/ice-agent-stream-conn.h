/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The byte-stream glue that IceAgent's TCP connections share (ICE-TCP
 * connections, ice-agent-tcp-conn.c; TCP and TLS connections to TURN
 * servers, ice-agent-turn-conn.c): a non-blocking connect, a source on
 * the agent's context that watches the socket (and wants to write only
 * while a connect is pending or bytes are queued), the queue of bytes the
 * kernel has not taken yet, and reads that tell data, "nothing more now"
 * and a lost connection (closed or failed) apart. What the bytes mean (RFC 4571
 * frames, STUN and ChannelData, TLS) stays with the owner. Not installed; under
 * the agent's lock like its owners.
 */
#ifndef __ICE_AGENT_STREAM_CONN_H__
#define __ICE_AGENT_STREAM_CONN_H__

#include "ice/io/ice-agent-private.h"

G_BEGIN_DECLS

typedef struct {
  GSocket *socket;
  GSource *source;
  gpointer fd_tag;
  gboolean connecting; /* connect() not finished */
  GByteArray *out;     /* bytes the kernel has not taken yet */
} IceAgentStreamConn;

GSocket *ice_agent_stream_connect (const IceTransportAddr *remote,
                                   const IceTransportAddr *bind_to,
                                   gboolean shared, gboolean *pending,
                                   GError **error);
void ice_agent_stream_conn_init (IceAgentStreamConn *c, GSocket *socket,
                                 gboolean connecting);
void ice_agent_stream_conn_clear (IceAgentStreamConn *c);
void ice_agent_stream_conn_attach (IceAgentStreamConn *c, GMainContext *context,
                                   const gchar *name, GSourceFunc func,
                                   gpointer data, GDestroyNotify notify);
gboolean ice_agent_stream_conn_finish_connect (IceAgentStreamConn *c,
                                               GError **error);
gboolean ice_agent_stream_conn_flush (IceAgentStreamConn *c, GError **error);
gssize ice_agent_stream_conn_read (IceAgentStreamConn *c, guint8 *buf,
                                   gsize size, GError **error);

G_END_DECLS
#endif /* __ICE_AGENT_STREAM_CONN_H__ */
