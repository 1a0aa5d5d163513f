/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The session object: configuration, the sans-IO loop (handle_packet,
 * handle_timeout, next_timeout, poll_transmit, poll_event), demultiplexing
 * and the media fast path (DESIGN §2). Streams and credentials are in
 * ice-stream.c, checklists in ice-checklist.c, checks in ice-check.c,
 * gathering in ice-gather.c, consent in ice-consent.c.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-relay-private.h"

#include <string.h>

typedef struct {
  IceTransportAddr from;
  IceTransportAddr to;
  gsize len;
  guint8 data[];
} IceQueuedTransmit;

/**
 * ice_session_config_init:
 * @config: the configuration to fill with the defaults
 *
 * Defaults: controlling, regular nomination, Ta sized by the session (0:
 * 5 ms plus 1 ms per check in flight, at most 50 ms), consent freshness on,
 * Tr 15 s, 100 pairs, 32 peer-reflexive candidates per stream, failure 10 s
 * after the last progress. @config->random must still be set.
 */
void
ice_session_config_init (IceSessionConfig *config)
{
  memset (config, 0, sizeof (*config));
  config->role = ICE_ROLE_CONTROLLING;
  config->nomination = ICE_NOMINATION_REGULAR;
  config->ta_us = 0;
  config->consent_freshness = TRUE;
  config->keepalive_us = ICE_DEFAULT_TR_US;
  config->max_pairs = ICE_DEFAULT_MAX_PAIRS;
  config->max_peer_reflexive = ICE_DEFAULT_MAX_PRFLX;
  config->failure_timeout_us = ICE_DEFAULT_FAILURE_TIMEOUT_US;
  config->pac_timeout_us = ICE_PAC_TIMEOUT_US;
}

static guint
addr_pair_hash (gconstpointer p)
{
  const IceAddrPairKey *k = p;

  return ice_addr_hash (&k->local) * 31 + ice_addr_hash (&k->remote);
}

static gboolean
addr_pair_equal (gconstpointer a, gconstpointer b)
{
  const IceAddrPairKey *ka = a, *kb = b;

  return ice_addr_equal (&ka->local, &kb->local)
         && ice_addr_equal (&ka->remote, &kb->remote);
}

/**
 * ice_session_new:
 * @config: the configuration; @config->random is required
 *
 * Returns: (transfer full) (nullable): a new session, or %NULL (with a
 *   critical) when @config is unusable.
 */
IceSession *
ice_session_new (const IceSessionConfig *config)
{
  IceSession *session;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->random != NULL, NULL);

  session = g_new0 (IceSession, 1);
  session->config = *config;
  /* RFC 8445 §14.2: Ta is never below 5 ms; 0 (or less) sizes it */
  if (session->config.ta_us < 0)
    session->config.ta_us = 0;
  else if (session->config.ta_us > 0)
    session->config.ta_us = MAX (session->config.ta_us, ICE_MIN_TA_US);
  /* RFC 8445 §11: Tr is at least 15 s */
  if (session->config.keepalive_us < ICE_DEFAULT_TR_US)
    session->config.keepalive_us = ICE_DEFAULT_TR_US;
  if (session->config.max_pairs == 0)
    session->config.max_pairs = ICE_DEFAULT_MAX_PAIRS;
  if (session->config.failure_timeout_us <= 0)
    session->config.failure_timeout_us = ICE_DEFAULT_FAILURE_TIMEOUT_US;
  /* 0 keeps its meaning: wait for the peer's credentials forever */
  if (session->config.pac_timeout_us < 0)
    session->config.pac_timeout_us = ICE_PAC_TIMEOUT_US;
  session->software = g_strdup (config->software);
  session->config.software = session->software;
  /* RFC 8445 §6.1.1: a lite agent is controlled (but facing another) */
  session->role = config->ice_lite ? ICE_ROLE_CONTROLLED : config->role;
  session->tie_breaker = config->random (config->random_data);
  session->streams = g_ptr_array_new ();
  session->stun_servers = g_array_new (FALSE, TRUE, sizeof (IceTransportAddr));
  session->gather_requests
      = g_array_new (FALSE, TRUE, sizeof (IceGatherRequest));
  g_queue_init (&session->triggered);
  g_queue_init (&session->transmits);
  g_queue_init (&session->events);
  session->authenticated
      = g_hash_table_new_full (addr_pair_hash, addr_pair_equal, NULL, g_free);
  session->stats.selected_rtt_us = -1;
  return session;
}

/**
 * ice_session_free:
 * @session: (transfer full) (nullable): the session
 */
void
ice_session_free (IceSession *session)
{
  guint i;

  if (session == NULL)
    return;
  for (i = 0; i < session->streams->len; i++)
    ice_stream_free (g_ptr_array_index (session->streams, i));
  g_ptr_array_free (session->streams, TRUE);
  g_queue_clear (&session->triggered);
  g_queue_clear_full (&session->transmits, g_free);
  g_queue_clear_full (&session->events, g_free);
  g_array_free (session->stun_servers, TRUE);
  g_array_free (session->gather_requests, TRUE);
  g_hash_table_destroy (session->authenticated);
  ice_relay_free (session);
  g_free (session->software);
  g_free (session);
}

/* --- helpers shared by the session's files ------------------------------ */

IceStream *
ice_session_find_stream (IceSession *session, guint stream_id)
{
  if (stream_id >= session->streams->len)
    return NULL;
  return g_ptr_array_index (session->streams, stream_id);
}

void
ice_session_random_bytes (IceSession *session, guint8 *out, gsize len)
{
  while (len > 0) {
    guint64 r = session->config.random (session->config.random_data);
    gsize n = MIN (len, sizeof (r));

    memcpy (out, &r, n);
    out += n;
    len -= n;
  }
}

/* RFC 8445 §14.2 with the peer's a=ice-pacing (RFC 8839 §5.5): both sides
 * use the larger value. Ours is the configured one, or sized to the
 * checks in flight (the count also sets the RTO, §14.3): a handful of pairs
 * go out 5 ms apart, a full checklist back at the RFC's 50 ms. */
gint64
ice_session_effective_ta (IceSession *session)
{
  gint64 ta = session->config.ta_us;
  guint i;

  if (ta == 0)
    ta = MIN (ICE_DEFAULT_TA_US,
              ICE_MIN_TA_US
                  + ICE_TA_PER_CHECK_IN_FLIGHT_US
                        * (gint64)ice_checklist_count_in_progress (session));

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);
    gint64 peer = (gint64)stream->remote_pacing_ms * G_TIME_SPAN_MILLISECOND;

    ta = MAX (ta, MIN (peer, ICE_MAX_PEER_TA_US));
  }
  return ta;
}

void
ice_session_queue_transmit (IceSession *session, const IceTransportAddr *from,
                            const IceTransportAddr *to, const guint8 *data,
                            gsize len)
{
  IceQueuedTransmit *t;

  if (len == 0 || len > ICE_TRANSMIT_MAX)
    return;
  /* from a relayed candidate: wrapped toward its TURN server */
  if (session->relay != NULL
      && ice_relay_wrap_transmit (session, from, to, data, len))
    return;
  if (session->transmits.length >= ICE_MAX_TRANSMITS) {
    session->dropped_transmits++;
    return;
  }
  t = g_malloc (sizeof (IceQueuedTransmit) + len);
  t->from = *from;
  t->to = *to;
  t->len = len;
  memcpy (t->data, data, len);
  g_queue_push_tail (&session->transmits, t);
}

/* The event is queued at once and filled by the caller. A full queue drops
 * its oldest event rather than growing. */
IceEvent *
ice_session_new_event (IceSession *session, IceEventType type, guint stream_id,
                       guint component_id)
{
  IceEvent *ev;

  if (session->events.length >= ICE_MAX_EVENTS) {
    g_free (g_queue_pop_head (&session->events));
    session->dropped_events++;
  }
  ev = g_new0 (IceEvent, 1);
  ev->type = type;
  ev->stream_id = stream_id;
  ev->component_id = component_id;
  g_queue_push_tail (&session->events, ev);
  return ev;
}

/* RFC 8445 §12: media is accepted from a remote address that proved it
 * knows the credentials, on the socket it proved it on. */
void
ice_session_authenticate_source (IceSession *session,
                                 const IceTransportAddr *local,
                                 const IceTransportAddr *remote,
                                 guint stream_id, guint component_id)
{
  IceAuthSource *src;
  IceAddrPairKey key;

  key.local = *local;
  key.remote = *remote;
  src = g_hash_table_lookup (session->authenticated, &key);
  if (src != NULL) {
    src->stream_id = stream_id;
    src->component_id = component_id;
    return;
  }
  if (g_hash_table_size (session->authenticated) >= ICE_MAX_AUTHENTICATED)
    return;
  src = g_new0 (IceAuthSource, 1);
  src->key = key;
  src->stream_id = stream_id;
  src->component_id = component_id;
  g_hash_table_insert (session->authenticated, &src->key, src);
}

gboolean
ice_session_is_authenticated_source (IceSession *session,
                                     const IceTransportAddr *local,
                                     const IceTransportAddr *remote)
{
  IceAddrPairKey key;

  key.local = *local;
  key.remote = *remote;
  return g_hash_table_contains (session->authenticated, &key);
}

static gboolean
auth_source_in_stream (gpointer key, gpointer value, gpointer user_data)
{
  IceAuthSource *src = value;
  IceStream *stream = user_data;
  IceComponent *comp;

  if (src->stream_id != stream->id)
    return FALSE;
  comp = ice_stream_get_component (stream, src->component_id);
  /* Keep the route in use until a new pair is selected (RFC 8445 §9) */
  return !(comp->route.ok && ice_addr_equal (&comp->route.from, &src->key.local)
           && ice_addr_equal (&comp->route.to, &src->key.remote));
}

/* Forgets the sources of a restarted stream, but for the routes in use. */
void
ice_session_forget_sources (IceSession *session, IceStream *stream)
{
  g_hash_table_foreach_remove (session->authenticated, auth_source_in_stream,
                               stream);
}

/* --- the sans-IO loop ------------------------------------------------------
 */

IcePacketResult
ice_session_drop (IceSession *session, IceDropReason reason)
{
  session->stats.dropped[reason]++;
  return ICE_PACKET_DROPPED;
}

static IcePacketResult
handle_media (IceSession *session, const IceTransportAddr *local,
              const IceTransportAddr *from, gsize len, IceDelivery *delivery)
{
  IceAddrPairKey key;
  IceAuthSource *src;

  key.local = *local;
  key.remote = *from;
  src = g_hash_table_lookup (session->authenticated, &key);
  if (src == NULL) {
    if (ice_session_find_local_base (session, local, NULL) == NULL)
      return ice_session_drop (session, ICE_DROP_UNKNOWN_LOCAL);
    return ice_session_drop (session, ICE_DROP_UNAUTHENTICATED_SOURCE);
  }
  session->stats.media_packets_in++;
  session->stats.media_bytes_in += len;
  ice_stats_note_media_received (session, src->stream_id, src->component_id,
                                 local, from, len);
  if (delivery != NULL) {
    delivery->stream_id = src->stream_id;
    delivery->component_id = src->component_id;
    delivery->offset = 0;
    delivery->len = len;
    delivery->remote = *from;
  }
  return ICE_PACKET_DELIVER;
}

static IcePacketResult
handle_stun (IceSession *session, gint64 now_us, const IceTransportAddr *local,
             const IceTransportAddr *from, const guint8 *data, gsize len)
{
  IceStunMessage msg;
  IceStunParseResult parsed;
  IcePacketResult res;

  parsed = ice_stun_message_parse (&msg, data, len);
  if (parsed != ICE_STUN_PARSE_OK) {
    g_debug ("dropping STUN message: %s",
             ice_stun_parse_result_to_string (parsed));
    return ice_session_drop (session, ICE_DROP_MALFORMED_STUN);
  }
  if (ice_stun_message_check_fingerprint (&msg) == ICE_STUN_CHECK_BAD)
    return ice_session_drop (session, ICE_DROP_BAD_FINGERPRINT);
  if (msg.method != ICE_STUN_METHOD_BINDING)
    return ice_session_drop (session, ICE_DROP_MALFORMED_STUN);
  if (ice_session_find_local_base (session, local, NULL) == NULL)
    return ice_session_drop (session, ICE_DROP_UNKNOWN_LOCAL);

  switch (msg.klass) {
    case ICE_STUN_CLASS_REQUEST:
      return ice_check_handle_request (session, now_us, local, from, &msg);
    case ICE_STUN_CLASS_INDICATION:
      /* RFC 8445 §11: keepalives need no answer */
      return ICE_PACKET_HANDLED;
    default:
      break;
  }
  res = ice_check_handle_response (session, now_us, local, from, &msg);
  if (res == ICE_PACKET_NOT_MINE)
    res = ice_gather_handle_response (session, now_us, local, from, &msg);
  if (res == ICE_PACKET_NOT_MINE)
    res = ice_consent_handle_response (session, now_us, local, from, &msg);
  if (res == ICE_PACKET_NOT_MINE)
    return ice_session_drop (session, ICE_DROP_UNMATCHED_RESPONSE);
  return res;
}

/* DESIGN §2: first byte 0-3 and the magic cookie make a datagram STUN
 * (RFC 7983 §7); anything else is media. */
static gboolean
looks_like_stun (const guint8 *data, gsize len)
{
  /* byte by byte: the buffer need not be aligned */
  return len >= ICE_STUN_HEADER_SIZE && data[0] < 4 && data[4] == 0x21
         && data[5] == 0x12 && data[6] == 0xA4 && data[7] == 0x42;
}

/**
 * ice_session_handle_packet:
 * @session: the session
 * @now_us: the current time
 * @local: the local socket address the datagram arrived on
 * @from: its source
 * @data: (array length=len): the datagram
 * @len: its size
 * @delivery: (out) (optional): where media belongs, for
 *   %ICE_PACKET_DELIVER
 *
 * Classifies the datagram once: STUN is consumed, media from an
 * authenticated source is delivered, everything else dropped and counted.
 */
IcePacketResult
ice_session_handle_packet (IceSession *session, gint64 now_us,
                           const IceTransportAddr *local,
                           const IceTransportAddr *from, const guint8 *data,
                           gsize len, IceDelivery *delivery)
{
  IcePacketResult res;

  g_return_val_if_fail (session != NULL, ICE_PACKET_DROPPED);
  g_return_val_if_fail (local != NULL && from != NULL, ICE_PACKET_DROPPED);
  g_return_val_if_fail (data != NULL || len == 0, ICE_PACKET_DROPPED);

  /* DESIGN §2: by source first: a TURN server's datagrams are unwrapped */
  if (session->relay != NULL
      && ice_relay_handle_packet (session, now_us, local, from, data, len,
                                  delivery, &res)) {
    ice_session_update_states (session, now_us);
    return res;
  }
  if (!looks_like_stun (data, len))
    return handle_media (session, local, from, len, delivery);
  res = handle_stun (session, now_us, local, from, data, len);
  ice_session_update_states (session, now_us);
  return res;
}

/* RFC 8445 §6.1.4.2, §14.2: at each Ta tick one check or one gathering
 * request leaves: triggered checks first, then STUN servers, then ordinary
 * checks, round robin over checklists. */
static gboolean
send_paced (IceSession *session, gint64 now_us)
{
  IcePair *pair;

  while ((pair = g_queue_pop_head (&session->triggered)) != NULL) {
    pair->triggered = FALSE;
    /* succeeded meanwhile: nothing left to learn, unless nominating */
    if (pair->state == ICE_PAIR_SUCCEEDED && !pair->recheck
        && !(pair->use_candidate && pair->valid_pair != NULL
             && !pair->valid_pair->nominated))
      continue;
    pair->recheck = FALSE;
    ice_check_send (session, pair, now_us);
    return TRUE;
  }
  if (ice_gather_send_next (session, now_us))
    return TRUE;
  pair = ice_checklist_next_ordinary (session);
  if (pair != NULL) {
    session->ordinary_rr = pair->stream->id + 1;
    ice_check_send (session, pair, now_us);
    return TRUE;
  }
  return FALSE;
}

static gboolean
has_paced_work (IceSession *session)
{
  return session->triggered.length > 0 || ice_gather_has_unsent (session)
         || ice_checklist_next_ordinary (session) != NULL;
}

/**
 * ice_session_handle_timeout:
 * @session: the session
 * @now_us: the current time
 *
 * Runs every timer due at @now_us: retransmissions, paced checks,
 * nomination, consent, keepalives, failure.
 */
void
ice_session_handle_timeout (IceSession *session, gint64 now_us)
{
  guint i;

  g_return_if_fail (session != NULL);

  ice_check_handle_timeouts (session, now_us);
  ice_gather_handle_timeouts (session, now_us);
  /* nominations first: their checks may take this tick's slot */
  for (i = 0; i < session->streams->len; i++)
    ice_checklist_check_nomination (g_ptr_array_index (session->streams, i),
                                    now_us);
  if (now_us >= session->next_pace_us && send_paced (session, now_us))
    session->next_pace_us = now_us + ice_session_effective_ta (session);
  ice_consent_handle_timeouts (session, now_us);
  ice_relay_handle_timeouts (session, now_us);
  ice_session_update_states (session, now_us);
}

static gint64
earliest (gint64 a, gint64 b)
{
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return MIN (a, b);
}

/**
 * ice_session_next_timeout:
 * @session: the session
 *
 * Returns: the absolute time in µs at which handle_timeout must run next,
 *   or -1 when no timer is scheduled.
 */
gint64
ice_session_next_timeout (IceSession *session)
{
  gint64 next = -1;
  guint i;

  g_return_val_if_fail (session != NULL, -1);

  if (has_paced_work (session))
    next = session->next_pace_us;
  next = earliest (next, ice_check_next_timeout (session));
  next = earliest (next, ice_gather_next_timeout (session));
  next = earliest (next, ice_consent_next_timeout (session));
  next = earliest (next, ice_relay_next_timeout (session));
  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    next = earliest (next, ice_checklist_nomination_timeout (stream));
    next = earliest (next, ice_stream_failure_timeout (stream));
  }
  return next;
}

/**
 * ice_session_poll_transmit:
 * @session: the session
 * @out: (out caller-allocates): the next datagram to send
 *
 * Returns: %TRUE if @out was filled, %FALSE when nothing is queued.
 */
gboolean
ice_session_poll_transmit (IceSession *session, IceTransmit *out)
{
  IceQueuedTransmit *t;

  g_return_val_if_fail (session != NULL && out != NULL, FALSE);

  t = g_queue_pop_head (&session->transmits);
  if (t == NULL)
    return FALSE;
  out->from = t->from;
  out->to = t->to;
  out->len = t->len;
  memcpy (out->data, t->data, t->len);
  g_free (t);
  return TRUE;
}

/**
 * ice_session_poll_event:
 * @session: the session
 * @out: (out caller-allocates): the next event; the caller owns the copy
 *
 * Returns: %TRUE if @out was filled, %FALSE when no event is queued.
 */
gboolean
ice_session_poll_event (IceSession *session, IceEvent *out)
{
  IceEvent *ev;

  g_return_val_if_fail (session != NULL && out != NULL, FALSE);

  ev = g_queue_pop_head (&session->events);
  if (ev == NULL)
    return FALSE;
  *out = *ev;
  g_free (ev);
  return TRUE;
}

/* --- statistics --------------------------------------------------------------
 */

/**
 * ice_drop_reason_to_string:
 * @reason: an #IceDropReason
 *
 * Returns: a static name for @reason
 */
const gchar *
ice_drop_reason_to_string (IceDropReason reason)
{
  static const gchar *const names[] = {
    "unauthenticated-source", "malformed-stun",   "bad-integrity",
    "bad-fingerprint",        "unknown-username", "unmatched-response",
    "peer-reflexive-limit",   "unknown-local",
  };

  if ((guint)reason >= G_N_ELEMENTS (names))
    return "unknown";
  return names[reason];
}

/**
 * ice_session_get_stats:
 * @session: the session
 * @stats: (out caller-allocates): a copy of the counters
 */
void
ice_session_get_stats (IceSession *session, IceSessionStats *stats)
{
  guint i;

  g_return_if_fail (session != NULL && stats != NULL);

  *stats = session->stats;
  stats->transmits_dropped = session->dropped_transmits;
  stats->events_dropped = session->dropped_events;
  stats->streams_awaiting_candidates = 0;
  for (i = 0; i < session->streams->len; i++)
    if (ice_stream_awaits_candidates (g_ptr_array_index (session->streams, i)))
      stats->streams_awaiting_candidates++;
}
