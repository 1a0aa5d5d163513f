/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TLS to a TURN server (DESIGN §3) with OpenSSL memory BIOs: the
 * connection's bytes go in and out of buffers, so the TLS session runs on
 * the agent's own non-blocking socket and main context, below the TURN
 * framing. Not thread-safe: the agent's lock serialises calls.
 */
#ifndef __ICE_AGENT_TLS_H__
#define __ICE_AGENT_TLS_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct _IceAgentTls IceAgentTls;

/* An SSL_CTX (as a gpointer: no OpenSSL type leaks into the agent's
 * headers): the system store, or @ca_file; peers verified unless
 * @insecure. NULL with @error if @ca_file cannot be read. */
gpointer ice_agent_tls_context_new (const gchar *ca_file, gboolean insecure,
                                    GError **error);
void ice_agent_tls_context_free (gpointer ctx);

/* Frees OpenSSL's per-thread state of the calling thread, if OpenSSL was
 * ever initialised by a TLS context (never initialises it). */
void ice_agent_tls_thread_stop (void);

IceAgentTls *ice_agent_tls_new (gpointer ctx, const gchar *host,
                                GError **error);
void ice_agent_tls_free (IceAgentTls *tls);
gboolean ice_agent_tls_start (IceAgentTls *tls, GError **error);
gboolean ice_agent_tls_feed (IceAgentTls *tls, const guint8 *data, gsize len,
                             GByteArray *plain, GError **error);
gboolean ice_agent_tls_write (IceAgentTls *tls, const guint8 *data, gsize len,
                              GError **error);
void ice_agent_tls_take_output (IceAgentTls *tls, GByteArray *out);
gboolean ice_agent_tls_is_established (IceAgentTls *tls);

G_END_DECLS
#endif /* __ICE_AGENT_TLS_H__ */
