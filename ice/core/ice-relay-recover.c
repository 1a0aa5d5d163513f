/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A TURN allocation that is lost while in use (RFC 8656 §7.3, §8): the
 * server restarted and answers 437 to a Refresh, CreatePermission or
 * ChannelBind, or it stopped answering, or a 438 could not be cured. The
 * session is told by the TurnClient (a fatal ERROR with "lost"), sooner
 * by a probing Refresh when consent checks through the relay go
 * unanswered (a restarted server keeps silent about the ChannelData and
 * Send indications it no longer knows; its answer to a Refresh is the
 * only word it says).
 *
 * What follows: RELAY_ERROR (already reported by the caller); the dead
 * relayed candidate leaves the local candidates and its pairs in
 * progress fail; a new allocation is made from the same base (UDP: the
 * same 5-tuple, which a restarted server no longer knows; TCP/TLS: a new
 * connection), with backoff between answered failures, up to
 * ICE_RELAY_MAX_REALLOCATIONS. When it is made:
 *  - if the dead relay carried the selected pair, or no valid pair is
 *    left, the stream makes an ICE restart (RFC 8445 §9): new local
 *    credentials (LOCAL_CREDENTIALS, which the owner signals like a first
 *    description), every candidate with the new relayed one, and the peer
 *    restarts too on seeing them. A restart, not a trickled candidate: the
 *    peer's nominated pair cannot change without one (RFC 8445 §8.1.1),
 *    and the peer's own relayed candidate on the same server is usually
 *    dead as well, so both sides need new pairs anyway;
 *  - otherwise (another pair carries the media) the new candidate is
 *    trickled (RFC 8838), as is one made after the stream restarted for
 *    another reason since the loss (it belongs to the new generation).
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-relay-private.h"

#include <string.h>

/* Every pair of the stream in component @comp_id except those of @dead */
static gboolean
has_other_valid_pair (IceStream *stream, guint comp_id,
                      const IceTransportAddr *dead)
{
  guint i;

  for (i = 0; i < stream->pairs->len; i++) {
    IcePair *pair = g_ptr_array_index (stream->pairs, i);

    if (pair->component_id == comp_id && pair->valid
        && !ice_addr_equal (&pair->local.addr, dead))
      return TRUE;
  }
  return FALSE;
}

/* Checks from the dead candidate can only time out: end them now. */
static void
fail_pairs_of (IceSession *session, IceStream *stream, guint comp_id,
               const IceTransportAddr *dead)
{
  guint i;

  for (i = 0; i < stream->pairs->len; i++) {
    IcePair *pair = g_ptr_array_index (stream->pairs, i);

    if (pair->component_id != comp_id
        || !ice_addr_equal (&pair->local.addr, dead)
        || pair->state == ICE_PAIR_SUCCEEDED || pair->state == ICE_PAIR_FAILED)
      continue;
    ice_checklist_untrigger (session, pair);
    ice_pair_set_state (pair, ICE_PAIR_FAILED);
  }
}

static void
forget_candidate (IceComponent *comp, const IceTransportAddr *dead)
{
  guint i;

  for (i = comp->local->len; i > 0; i--)
    if (ice_addr_equal (&g_array_index (comp->local, IceCandidate, i - 1).addr,
                        dead))
      g_array_remove_index (comp->local, i - 1);
}

/**
 * ice_relay_client_usable:
 *
 * Returns: TRUE if @rc's relayed candidate carries data: neither dead nor
 *   lost.
 */
gboolean
ice_relay_client_usable (const IceRelayClient *rc)
{
  return !rc->dead && !rc->lost;
}

/* From handle_turn_event: the allocation is gone (or a re-allocation
 * failed). The candidate and the client change at the next tick, not
 * while the caller walks the clients and their events. */
void
ice_relay_note_lost (IceSession *session, IceRelayClient *rc)
{
  if (!rc->lost) {
    session->stats.relay_allocations_lost++;
    rc->lost = TRUE;
    rc->lost_relayed = rc->relayed;
    memset (&rc->relayed, 0, sizeof (rc->relayed));
    rc->attempts = 0;
  }
  rc->cleanup_due = TRUE;
  g_array_set_size (rc->pending_peers, 0);
  g_array_set_size (rc->channel_peers, 0);
  g_queue_clear_full (&rc->held, g_free);
}

static void
forget_lost_candidate (IceSession *session, IceRelayClient *rc)
{
  IceStream *stream = ice_session_find_stream (session, rc->stream_id);
  IceComponent *comp = ice_stream_get_component (stream, rc->component_id);
  const IceTransportAddr *dead = &rc->lost_relayed;

  if (!ice_addr_is_set (dead))
    return;
  rc->restart_wanted = (comp->has_selection
                        && ice_addr_equal (&comp->selected_local.addr, dead))
                       || !has_other_valid_pair (stream, comp->id, dead);
  g_strlcpy (rc->lost_ufrag, stream->local_ufrag, sizeof (rc->lost_ufrag));
  forget_candidate (comp, dead);
  fail_pairs_of (session, stream, comp->id, dead);
  /* the IO layer's cached route through the dead relay must stop */
  ice_session_new_event (session, ICE_EVENT_ROUTE_CHANGED, rc->stream_id,
                         rc->component_id);
}

/* 0, 1, 2, 4, 8 s: the first attempt at once (a restarted server takes
 * it), later ones after answered refusals back off. */
static gint64
backoff_us (guint attempt)
{
  return attempt == 0 ? 0 : (G_TIME_SPAN_SECOND << (attempt - 1));
}

static void
schedule_reallocation (IceSession *session, IceRelayClient *rc, gint64 now_us)
{
  gchar why[ICE_TURN_MESSAGE_MAX];

  if (rc->attempts >= ICE_RELAY_MAX_REALLOCATIONS) {
    g_snprintf (why, sizeof why,
                "no new allocation after %u attempts: the relay is given up",
                rc->attempts);
    ice_relay_report_error (session, rc, 0, why);
    rc->lost = FALSE;
    rc->dead = TRUE;
    return;
  }
  rc->retry_at_us = now_us + backoff_us (rc->attempts);
}

/* A new client on the same base; over TCP/TLS on a new connection, since
 * the old one may be what failed. */
static void
reallocate (IceSession *session, IceRelayClient *rc, gint64 now_us)
{
  gchar server[ICE_ADDR_STRLEN];

  rc->retry_at_us = -1;
  rc->attempts++;
  ice_turn_client_free (rc->client);
  rc->client = ice_relay_new_turn_client (session, rc->server);
  if (rc->base.transport != ICE_TRANSPORT_UDP)
    ice_relay_make_connection_address (session->relay, &rc->server->server,
                                       &rc->base);
  g_message ("TURN server %s, component %u: re-allocating (attempt %u of %u)",
             ice_addr_to_string (&rc->server->server, server), rc->component_id,
             rc->attempts, (guint)ICE_RELAY_MAX_REALLOCATIONS);
  ice_turn_client_allocate (rc->client, now_us);
}

/* The restarted stream announces every candidate and its new credentials
 * (ice_stream_restart_announced()); the peer restarts on seeing them. */
static void
restart_for (IceSession *session, IceRelayClient *rc, gint64 now_us)
{
  IceStream *stream = ice_session_find_stream (session, rc->stream_id);

  rc->restart_due = FALSE;
  /* another component's re-allocation (or the peer) restarted it already */
  if (strcmp (stream->local_ufrag, rc->lost_ufrag) != 0)
    return;
  g_message ("stream %u: ICE restart over the new relayed candidate",
             rc->stream_id);
  ice_stream_restart_announced (session, stream, now_us);
}

/**
 * ice_relay_recover_allocated:
 *
 * Returns: TRUE if @ev is the answer to a re-allocation (handled here).
 */
gboolean
ice_relay_recover_allocated (IceSession *session, IceRelayClient *rc,
                             const IceTurnEvent *ev)
{
  IceStream *stream = ice_session_find_stream (session, rc->stream_id);
  gboolean restart;

  if (!rc->lost)
    return FALSE;
  restart
      = rc->restart_wanted && strcmp (stream->local_ufrag, rc->lost_ufrag) == 0;
  session->stats.relay_reallocations++;
  rc->lost = FALSE;
  rc->attempts = 0;
  memset (&rc->lost_relayed, 0, sizeof (rc->lost_relayed));
  ice_relay_add_relayed_candidate (session, rc, ev, !restart);
  rc->restart_due = restart;
  return TRUE;
}

/* A relayed selected pair whose consent went unanswered: is the
 * allocation still there? One probe per silence. */
static void
maybe_probe (IceSession *session, IceRelayClient *rc, gint64 now_us)
{
  IceStream *stream = ice_session_find_stream (session, rc->stream_id);
  IceComponent *comp = ice_stream_get_component (stream, rc->component_id);
  IceConsent *consent = &comp->consent;

  if (!ice_relay_client_usable (rc) || !session->config.consent_freshness
      || !consent->running || !comp->has_selection
      || !ice_addr_equal (&comp->selected_local.addr, &rc->relayed)
      || rc->probed_for_us == consent->last_confirmed_us
      || now_us < consent->last_confirmed_us + ICE_RELAY_PROBE_AFTER_US)
    return;
  rc->probed_for_us = consent->last_confirmed_us;
  g_debug ("stream %u component %u: consent unanswered through the relay "
           "for %" G_GINT64_FORMAT " ms: probing the allocation",
           rc->stream_id, rc->component_id,
           (now_us - consent->last_confirmed_us) / 1000);
  ice_turn_client_probe (rc->client, now_us);
}

void
ice_relay_recover_tick (IceSession *session, IceRelayClient *rc, gint64 now_us)
{
  if (session->relay->closed)
    return;
  maybe_probe (session, rc, now_us);
  if (rc->cleanup_due) {
    rc->cleanup_due = FALSE;
    if (rc->attempts == 0)
      forget_lost_candidate (session, rc);
    schedule_reallocation (session, rc, now_us);
  }
  if (rc->lost && rc->retry_at_us >= 0 && now_us >= rc->retry_at_us)
    reallocate (session, rc, now_us);
  if (rc->restart_due)
    restart_for (session, rc, now_us);
}

gint64
ice_relay_recover_next_timeout (IceSession *session, IceRelayClient *rc)
{
  IceStream *stream;
  IceComponent *comp;

  if (session->relay->closed)
    return -1;
  if (rc->cleanup_due || rc->restart_due)
    return 0;
  if (rc->lost)
    return rc->retry_at_us;
  stream = ice_session_find_stream (session, rc->stream_id);
  comp = ice_stream_get_component (stream, rc->component_id);
  if (ice_relay_client_usable (rc) && session->config.consent_freshness
      && comp->consent.running && comp->has_selection
      && ice_addr_equal (&comp->selected_local.addr, &rc->relayed)
      && rc->probed_for_us != comp->consent.last_confirmed_us)
    return comp->consent.last_confirmed_us + ICE_RELAY_PROBE_AFTER_US;
  return -1;
}
