/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * After selection: consent freshness (RFC 7675) and keepalives (RFC 8445
 * §11) on each component's selected pair. A Binding request every 5 s
 * +-20 % (the jitter from the config's random callback); consent is lost
 * 30 s after the last authenticated response, or at once on an
 * authenticated 403. An unanswered check is repeated every second (with a
 * new transaction) until one is answered, so a lossy path keeps consent.
 * The stream reports DISCONNECTED after two intervals without consent, as
 * a hint to the app.
 * A Binding indication keeps NAT bindings open when nothing else was sent
 * for Tr.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-session-private.h"

#include <string.h>

#define ICE_CONSENT_DISCONNECTED_US (ICE_CONSENT_INTERVAL_US * 2)
#define ICE_CONSENT_RETRY_US (1 * G_TIME_SPAN_SECOND)

static gint64
consent_interval (IceSession *session)
{
  guint64 r = session->config.random (session->config.random_data);
  gint64 jitter = ICE_CONSENT_INTERVAL_US / 5;

  /* RFC 7675 §5.1: uniformly in [0.8, 1.2] times the interval */
  return ICE_CONSENT_INTERVAL_US - jitter + (gint64)(r % (2 * jitter + 1));
}

void
ice_consent_start (IceSession *session, IceStream *stream, IceComponent *comp,
                   gint64 now_us)
{
  IceConsent *c = &comp->consent;

  memset (c, 0, sizeof (*c));
  c->running = TRUE;
  g_snprintf (c->username, sizeof (c->username), "%s:%s", stream->remote_ufrag,
              stream->local_ufrag);
  g_strlcpy (c->remote_pwd, stream->remote_pwd, sizeof (c->remote_pwd));
  c->last_confirmed_us = now_us;
  c->last_sent_us = now_us;
  c->next_check_us = now_us + consent_interval (session);
}

static void
send_consent_check (IceSession *session, IceComponent *comp, gint64 now_us)
{
  IceConsent *c = &comp->consent;
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  guint8 *txid = c->txids[c->next_txid_slot];
  gsize len;

  ice_session_random_bytes (session, txid, ICE_STUN_TRANSACTION_ID_SIZE);
  c->next_txid_slot = (c->next_txid_slot + 1) % ICE_CONSENT_TXIDS;
  c->n_txids = MIN (c->n_txids + 1, ICE_CONSENT_TXIDS);
  len = ice_check_build_request (
      session, buf, sizeof (buf), txid, c->username, c->remote_pwd,
      ice_check_prflx_priority (&comp->selected_local),
      session->role == ICE_ROLE_CONTROLLING, FALSE);
  if (len == 0)
    return;
  ice_session_queue_transmit (session, &comp->route.from, &comp->route.to, buf,
                              len);
  c->last_sent_us = now_us;
  c->retry_us = now_us + ICE_CONSENT_RETRY_US;
  if (comp->selected != NULL)
    comp->selected->counters.consent_requests_sent++;
}

static void
send_keepalive (IceSession *session, IceComponent *comp, gint64 now_us)
{
  guint8 buf[ICE_STUN_HEADER_SIZE + 8];
  guint8 txid[ICE_STUN_TRANSACTION_ID_SIZE];
  IceStunBuilder b;
  gsize len;

  ice_session_random_bytes (session, txid, sizeof (txid));
  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_INDICATION,
                         ICE_STUN_METHOD_BINDING, txid);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  if (len > 0)
    ice_session_queue_transmit (session, &comp->route.from, &comp->route.to,
                                buf, len);
  comp->consent.last_sent_us = now_us;
}

static void
lose_consent (IceSession *session, IceStream *stream, IceComponent *comp)
{
  g_debug ("stream %u component %u: consent lost", stream->id, comp->id);
  comp->consent.lost = TRUE;
  comp->route.ok = FALSE;
  ice_session_new_event (session, ICE_EVENT_CONSENT_LOST, stream->id, comp->id);
}

static void
component_timeouts (IceSession *session, IceStream *stream, IceComponent *comp,
                    gint64 now_us)
{
  IceConsent *c = &comp->consent;

  if (!c->running || c->lost)
    return;
  if (session->config.consent_freshness) {
    if (now_us >= c->last_confirmed_us + ICE_CONSENT_TIMEOUT_US) {
      lose_consent (session, stream, comp);
      return;
    }
    c->disconnected
        = now_us >= c->last_confirmed_us + ICE_CONSENT_DISCONNECTED_US;
    if (now_us >= c->next_check_us) {
      send_consent_check (session, comp, now_us);
      c->next_check_us = now_us + consent_interval (session);
    } else if (c->retry_us > 0 && now_us >= c->retry_us) {
      send_consent_check (session, comp, now_us);
    }
  }
  if (now_us >= c->last_sent_us + session->config.keepalive_us)
    send_keepalive (session, comp, now_us);
}

void
ice_consent_handle_timeouts (IceSession *session, gint64 now_us)
{
  guint i, c;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (c = 0; c < stream->n_components; c++)
      component_timeouts (session, stream, &stream->components[c], now_us);
  }
}

static gint64
component_next_timeout (IceSession *session, IceComponent *comp)
{
  IceConsent *c = &comp->consent;
  gint64 next;

  if (!c->running || c->lost)
    return -1;
  next = c->last_sent_us + session->config.keepalive_us;
  if (session->config.consent_freshness) {
    next = MIN (next, c->next_check_us);
    if (c->retry_us > 0)
      next = MIN (next, c->retry_us);
    next = MIN (next, c->last_confirmed_us + ICE_CONSENT_TIMEOUT_US);
    if (!c->disconnected)
      next = MIN (next, c->last_confirmed_us + ICE_CONSENT_DISCONNECTED_US);
  }
  return next;
}

gint64
ice_consent_next_timeout (IceSession *session)
{
  gint64 next = -1;
  guint i, c;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (c = 0; c < stream->n_components; c++) {
      gint64 t = component_next_timeout (session, &stream->components[c]);

      if (t >= 0 && (next < 0 || t < next))
        next = t;
    }
  }
  return next;
}

static gboolean
consent_has_txid (IceConsent *c, const guint8 *txid)
{
  guint i;

  for (i = 0; i < c->n_txids; i++)
    if (memcmp (c->txids[i], txid, ICE_STUN_TRANSACTION_ID_SIZE) == 0)
      return TRUE;
  return FALSE;
}

static IcePacketResult
consent_response (IceSession *session, IceStream *stream, IceComponent *comp,
                  const IceTransportAddr *local, const IceTransportAddr *from,
                  const IceStunMessage *msg, gint64 now_us)
{
  IceConsent *c = &comp->consent;
  guint code = 0;

  if (!ice_check_verify (session, msg, c->remote_pwd))
    return ice_session_drop (session, ICE_DROP_BAD_INTEGRITY);
  session->stats.responses_received++;
  if (comp->selected != NULL)
    comp->selected->counters.responses_received++;
  /* RFC 7675 §5.1: only a symmetric response renews consent */
  if (c->lost || !ice_addr_equal (local, &comp->route.from)
      || !ice_addr_equal (from, &comp->route.to))
    return ICE_PACKET_HANDLED;
  if (msg->klass == ICE_STUN_CLASS_SUCCESS) {
    c->last_confirmed_us = now_us;
    c->disconnected = FALSE;
    c->retry_us = 0;
  } else if (ice_stun_message_get_error_code (msg, &code, NULL, NULL)
             && code == ICE_STUN_ERROR_FORBIDDEN) {
    /* RFC 7675 §5.2: an authenticated 403 revokes consent at once */
    lose_consent (session, stream, comp);
  }
  return ICE_PACKET_HANDLED;
}

/* Returns ICE_PACKET_NOT_MINE if no consent check has this id. */
IcePacketResult
ice_consent_handle_response (IceSession *session, gint64 now_us,
                             const IceTransportAddr *local,
                             const IceTransportAddr *from,
                             const IceStunMessage *msg)
{
  guint i, c;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (c = 0; c < stream->n_components; c++) {
      IceComponent *comp = &stream->components[c];

      if (comp->consent.running
          && consent_has_txid (&comp->consent, msg->transaction_id))
        return consent_response (session, stream, comp, local, from, msg,
                                 now_us);
    }
  }
  return ICE_PACKET_NOT_MINE;
}
