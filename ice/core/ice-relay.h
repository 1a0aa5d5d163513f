/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Relayed candidates (RFC 8445 §5.1.1.2, RFC 8656): the IceSession owns one
 * IceTurnClient per (TURN server, UDP host base), or per (server,
 * component) for TCP/TLS to the server. Allocations are made when
 * gathering starts; relayed candidates (and the allocation's
 * server-reflexive address) are trickled as LOCAL_CANDIDATE events, and
 * GATHERING_DONE waits for them (ICE_RELAY_GATHER_TIMEOUT_US at most).
 *
 * Datagrams from a TURN server are unwrapped (Data indication or
 * ChannelData) and handled as if they arrived on the relayed candidate;
 * what the session sends from a relayed candidate is wrapped (Send
 * indication, or ChannelData once a channel is bound) toward the server.
 * A permission is asked for every remote IP as soon as it is known.
 *
 * TCP/TLS to a server: the session names each connection by a virtual
 * local address: the server's family, the unspecified IP, the server's
 * transport (TCP or TLS) and a port that numbers the connection (1, 2,
 * ...). A transmit whose @from has transport TCP or TLS is bytes for the
 * stream to @to: the IO layer connects on the first one (TLS below the
 * framing), splits what it reads with an IceTurnFramer and hands each
 * message to ice_session_handle_packet() with @local = that virtual
 * address and @from = the server. A connection that fails or closes is
 * reported with ice_session_turn_connection_lost().
 */
#ifndef __ICE_RELAY_H__
#define __ICE_RELAY_H__

#include "ice/core/ice-session.h"

G_BEGIN_DECLS

gboolean ice_session_add_turn_server (IceSession *session,
                                      const IceTransportAddr *server,
                                      const gchar *username,
                                      const gchar *password);
void ice_session_turn_connection_lost (IceSession *session,
                                       const IceTransportAddr *local,
                                       const IceTransportAddr *server,
                                       const gchar *reason, gint64 now_us);
gboolean ice_session_send_media (IceSession *session, guint stream_id,
                                 guint component_id, const guint8 *data,
                                 gsize len, gint64 now_us);
void ice_session_close (IceSession *session, gint64 now_us);

G_END_DECLS
#endif /* __ICE_RELAY_H__ */
