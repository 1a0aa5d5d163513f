/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TLS client over memory BIOs (see ice-agent-tls.h). Plaintext written
 * before the handshake ends waits in a buffer; the caller moves the
 * ciphertext of ice_agent_tls_take_output() to the socket after every
 * call, and feeds what the socket reads to ice_agent_tls_feed().
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <gio/gio.h>

#include "ice/io/ice-agent-tls.h"

struct _IceAgentTls {
  SSL *ssl;
  BIO *rbio;         /* ciphertext from the server, read by OpenSSL */
  BIO *wbio;         /* ciphertext for the server, written by OpenSSL */
  GByteArray *early; /* plaintext written before the handshake ended */
  gboolean established;
};

static void
set_ssl_error (GError **error, const gchar *what)
{
  gchar buf[256];
  unsigned long code = ERR_get_error ();

  if (code != 0)
    ERR_error_string_n (code, buf, sizeof (buf));
  else
    g_strlcpy (buf, "unknown error", sizeof (buf));
  ERR_clear_error ();
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "TLS %s: %s", what, buf);
}

/* Non-zero (atomic) once this file has initialised OpenSSL. */
static gint openssl_ready;

/* OpenSSL without its exit-time cleanup: an agent's packet thread may
 * still run a TLS connection while exit() runs, and OpenSSL's atexit
 * handler would free what that thread is using. The first initialisation
 * decides, so this runs before any other OpenSSL call of ours. The STUN
 * codec does not use OpenSSL (GLib's GHmac and GChecksum), so a process
 * that never speaks TLS to a TURN server never initialises it. */
static void
openssl_init_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    OPENSSL_init_ssl (OPENSSL_INIT_NO_ATEXIT, NULL);
    g_atomic_int_set (&openssl_ready, 1);
    g_once_init_leave (&done, 1);
  }
}

void
ice_agent_tls_thread_stop (void)
{
  /* OPENSSL_thread_stop() before any initialisation would be the first
   * OpenSSL call of the process: not made when TLS was never used */
  if (g_atomic_int_get (&openssl_ready))
    OPENSSL_thread_stop ();
}

gpointer
ice_agent_tls_context_new (const gchar *ca_file, gboolean insecure,
                           GError **error)
{
  SSL_CTX *ctx;

  openssl_init_once ();
  ctx = SSL_CTX_new (TLS_client_method ());
  if (ctx == NULL) {
    set_ssl_error (error, "context");
    return NULL;
  }
  /* RFC 8656 §3.1 requires at least TLS 1.2 */
  SSL_CTX_set_min_proto_version (ctx, TLS1_2_VERSION);
  if (ca_file != NULL) {
    if (SSL_CTX_load_verify_locations (ctx, ca_file, NULL) != 1) {
      set_ssl_error (error, "CA file");
      SSL_CTX_free (ctx);
      return NULL;
    }
  } else if (SSL_CTX_set_default_verify_paths (ctx) != 1) {
    g_message ("TLS: no system certificate store");
  }
  SSL_CTX_set_verify (ctx, insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
  return ctx;
}

void
ice_agent_tls_context_free (gpointer ctx)
{
  SSL_CTX_free (ctx);
}

/* The name or IP the certificate must carry; SNI for names only
 * (RFC 6066 §3: literal IP addresses are not permitted in SNI) */
static gboolean
set_peer_identity (SSL *ssl, const gchar *host)
{
  if (g_hostname_is_ip_address (host)) {
    X509_VERIFY_PARAM *param = SSL_get0_param (ssl);

    return X509_VERIFY_PARAM_set1_ip_asc (param, host) == 1;
  }
  return SSL_set_tlsext_host_name (ssl, host) == 1
         && SSL_set1_host (ssl, host) == 1;
}

IceAgentTls *
ice_agent_tls_new (gpointer ctx, const gchar *host, GError **error)
{
  IceAgentTls *tls = g_new0 (IceAgentTls, 1);

  tls->ssl = SSL_new (ctx);
  tls->rbio = BIO_new (BIO_s_mem ());
  tls->wbio = BIO_new (BIO_s_mem ());
  tls->early = g_byte_array_new ();
  if (tls->ssl == NULL || tls->rbio == NULL || tls->wbio == NULL) {
    set_ssl_error (error, "session");
    BIO_free (tls->rbio);
    BIO_free (tls->wbio);
    tls->rbio = tls->wbio = NULL;
    ice_agent_tls_free (tls);
    return NULL;
  }
  SSL_set_bio (tls->ssl, tls->rbio, tls->wbio); /* the SSL owns them */
  SSL_set_connect_state (tls->ssl);
  if (!set_peer_identity (tls->ssl, host)) {
    set_ssl_error (error, "host name");
    ice_agent_tls_free (tls);
    return NULL;
  }
  return tls;
}

void
ice_agent_tls_free (IceAgentTls *tls)
{
  if (tls == NULL)
    return;
  if (tls->ssl != NULL)
    SSL_free (tls->ssl);
  g_byte_array_unref (tls->early);
  g_free (tls);
}

gboolean
ice_agent_tls_is_established (IceAgentTls *tls)
{
  return tls->established;
}

static gboolean
write_plain (IceAgentTls *tls, const guint8 *data, gsize len, GError **error)
{
  /* a memory BIO takes everything: no partial writes */
  if (len > 0 && SSL_write (tls->ssl, data, len) <= 0) {
    set_ssl_error (error, "write");
    return FALSE;
  }
  return TRUE;
}

static gboolean
handshake (IceAgentTls *tls, GError **error)
{
  gint r = SSL_do_handshake (tls->ssl);
  gboolean ok;

  if (r == 1) {
    tls->established = TRUE;
    ok = write_plain (tls, tls->early->data, tls->early->len, error);
    g_byte_array_set_size (tls->early, 0);
    return ok;
  }
  switch (SSL_get_error (tls->ssl, r)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return TRUE;
    default:
      if (SSL_get_verify_result (tls->ssl) != X509_V_OK) {
        g_set_error (
            error, G_IO_ERROR, G_IO_ERROR_FAILED,
            "TLS: the TURN server's certificate was refused: %s",
            X509_verify_cert_error_string (SSL_get_verify_result (tls->ssl)));
        ERR_clear_error ();
        return FALSE;
      }
      set_ssl_error (error, "handshake");
      return FALSE;
  }
}

gboolean
ice_agent_tls_start (IceAgentTls *tls, GError **error)
{
  return handshake (tls, error);
}

/* Ciphertext from the socket; the plaintext it yields is appended to
 * @plain. FALSE when the session is broken or closed by the server. */
gboolean
ice_agent_tls_feed (IceAgentTls *tls, const guint8 *data, gsize len,
                    GByteArray *plain, GError **error)
{
  guint8 buf[16384];
  gint r;

  if (len > 0 && BIO_write (tls->rbio, data, len) != (gint)len) {
    set_ssl_error (error, "buffer");
    return FALSE;
  }
  if (!tls->established && !handshake (tls, error))
    return FALSE;
  if (!tls->established)
    return TRUE;
  for (;;) {
    r = SSL_read (tls->ssl, buf, sizeof (buf));
    if (r > 0) {
      g_byte_array_append (plain, buf, r);
      continue;
    }
    switch (SSL_get_error (tls->ssl, r)) {
      case SSL_ERROR_WANT_READ:
      case SSL_ERROR_WANT_WRITE:
        return TRUE;
      case SSL_ERROR_ZERO_RETURN:
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                     "TLS: the TURN server closed the session");
        return FALSE;
      default:
        set_ssl_error (error, "read");
        return FALSE;
    }
  }
}

gboolean
ice_agent_tls_write (IceAgentTls *tls, const guint8 *data, gsize len,
                     GError **error)
{
  if (!tls->established) {
    g_byte_array_append (tls->early, data, len);
    return TRUE;
  }
  return write_plain (tls, data, len, error);
}

void
ice_agent_tls_take_output (IceAgentTls *tls, GByteArray *out)
{
  guint8 buf[16384];
  gint r;

  while ((r = BIO_read (tls->wbio, buf, sizeof (buf))) > 0)
    g_byte_array_append (out, buf, r);
}
