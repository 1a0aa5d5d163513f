/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Connectivity checks (RFC 8445 §7): sending Binding requests on pairs,
 * their retransmission, answering the peer's checks (with role conflict
 * repair, §7.3.1.1, and peer-reflexive remotes, §7.3.1.3), and turning
 * responses into valid pairs (§7.2.5).
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-session-private.h"

#include <string.h>

#define USERNAME_MAX (2 * ICE_CREDENTIAL_MAX + 2)

gboolean
ice_check_verify (IceSession *session, const IceStunMessage *msg,
                  const gchar *pwd)
{
  IceStunKey key;
  gboolean ok;

  if (!ice_stun_key_short_term (&key, pwd))
    return FALSE;
  ok = ice_stun_message_check_integrity (msg, &key, FALSE) == ICE_STUN_CHECK_OK;
  memset (&key, 0, sizeof (key));
  return ok;
}

static gsize
finish_with_integrity (IceSession *session, IceStunBuilder *b, const gchar *pwd)
{
  IceStunKey key;

  if (session->software != NULL)
    ice_stun_builder_add_string (b, ICE_STUN_ATTR_SOFTWARE, session->software);
  if (!ice_stun_key_short_term (&key, pwd))
    return 0;
  ice_stun_builder_add_message_integrity (b, key.bytes, key.len);
  memset (&key, 0, sizeof (key));
  ice_stun_builder_add_fingerprint (b);
  return ice_stun_builder_finish (b);
}

/* A Binding request for a check (RFC 8445 §7.1): USERNAME "RFRAG:LFRAG",
 * PRIORITY, ICE-CONTROLLING/ICE-CONTROLLED with our tie-breaker,
 * USE-CANDIDATE if nominating, MESSAGE-INTEGRITY with the peer's
 * password, FINGERPRINT. */
gsize
ice_check_build_request (IceSession *session, guint8 *buf, gsize capacity,
                         const guint8 *txid, const gchar *username,
                         const gchar *pwd, guint32 priority,
                         gboolean controlling, gboolean use_candidate)
{
  IceStunBuilder b;

  ice_stun_builder_init (&b, buf, capacity, ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, txid);
  ice_stun_builder_add_string (&b, ICE_STUN_ATTR_USERNAME, username);
  ice_stun_builder_add_u32 (&b, ICE_STUN_ATTR_PRIORITY, priority);
  if (controlling)
    ice_stun_builder_add_u64 (&b, ICE_STUN_ATTR_ICE_CONTROLLING,
                              session->tie_breaker);
  else
    ice_stun_builder_add_u64 (&b, ICE_STUN_ATTR_ICE_CONTROLLED,
                              session->tie_breaker);
  if (use_candidate)
    ice_stun_builder_add_flag (&b, ICE_STUN_ATTR_USE_CANDIDATE);
  return finish_with_integrity (session, &b, pwd);
}

/* RFC 8445 §7.1.1: PRIORITY is that of a peer-reflexive candidate of the
 * same base and component */
guint32
ice_check_prflx_priority (const IceCandidate *local)
{
  guint type_pref = ice_candidate_type_preference (
      ICE_CANDIDATE_TYPE_PEER_REFLEXIVE, local->addr.transport);

  return ice_candidate_compute_priority (
      type_pref, (local->priority >> 8) & 0xffff, local->component_id);
}

static void
transmit_check (IceSession *session, IcePair *pair)
{
  IceStream *stream = pair->stream;
  gchar username[USERNAME_MAX];
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  gsize len;

  g_snprintf (username, sizeof (username), "%s:%s", stream->remote_ufrag,
              stream->local_ufrag);
  len = ice_check_build_request (session, buf, sizeof (buf), pair->txid,
                                 username, stream->remote_pwd,
                                 ice_check_prflx_priority (&pair->local),
                                 pair->tx_controlling, pair->tx_use_candidate);
  if (len == 0)
    return;
  session->stats.checks_sent++;
  pair->counters.requests_sent++;
  ice_session_queue_transmit (session, &pair->local.base, &pair->remote.addr,
                              buf, len);
}

/* RFC 8445 §14.3: RTO = MAX (500 ms, Ta * (Waiting + In-Progress pairs)) */
static gint64
check_rto (IceSession *session)
{
  gint64 rto = ice_session_effective_ta (session)
               * ice_checklist_count_active (session);

  return MAX (ICE_CHECK_MIN_RTO_US, rto);
}

void
ice_check_send (IceSession *session, IcePair *pair, gint64 now_us)
{
  IceStream *stream = pair->stream;
  gchar desc[2 * ICE_ADDR_STRLEN + 48];

  if (!stream->have_remote_credentials)
    return;
  if (ice_stun_transaction_is_active (&pair->tx)
      || pair->tx.state == ICE_STUN_TRANSACTION_CANCELLED) {
    /* A late response to the previous request still counts */
    memcpy (pair->prev_txid, pair->txid, sizeof (pair->txid));
    pair->have_prev_txid = TRUE;
    pair->prev_sent_us = pair->first_sent_us;
    pair->prev_use_candidate = pair->tx_use_candidate;
  }
  ice_session_random_bytes (session, pair->txid, sizeof (pair->txid));
  pair->tx_controlling = session->role == ICE_ROLE_CONTROLLING;
  pair->tx_use_candidate
      = pair->use_candidate || ice_stream_uses_aggressive (stream);
  ice_stun_transaction_start (&pair->tx, now_us, check_rto (session),
                              ICE_CHECK_RC, ICE_CHECK_RM, FALSE);
  pair->first_sent_us = now_us;
  ice_pair_set_state (pair, ICE_PAIR_IN_PROGRESS);
  stream->pair_tried = TRUE;
  g_debug ("check %s at %" G_GINT64_FORMAT " µs%s",
           ice_pair_describe (pair, desc, sizeof (desc)), now_us,
           pair->tx_use_candidate ? " with USE-CANDIDATE" : "");
  transmit_check (session, pair);
}

static void
pair_failed (IceSession *session, IcePair *pair)
{
  if (pair->tx_use_candidate && pair->tx_controlling
      && ice_checklist_retry_nomination (pair->stream, pair))
    return;
  ice_pair_fail (pair, "no response to %u checks", ICE_CHECK_RC);
  ice_checklist_update_frozen (session);
}

void
ice_check_handle_timeouts (IceSession *session, gint64 now_us)
{
  guint i, j;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (j = 0; j < stream->pairs->len; j++) {
      IcePair *pair = g_ptr_array_index (stream->pairs, j);

      switch (ice_stun_transaction_handle_timeout (&pair->tx, now_us)) {
        case ICE_STUN_TIMEOUT_RETRANSMIT:
          transmit_check (session, pair);
          break;
        case ICE_STUN_TIMEOUT_FAILED:
          if (pair->state == ICE_PAIR_IN_PROGRESS)
            pair_failed (session, pair);
          break;
        default:
          break;
      }
    }
  }
}

gint64
ice_check_next_timeout (IceSession *session)
{
  gint64 next = -1;
  guint i, j;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (j = 0; j < stream->pairs->len; j++) {
      IcePair *pair = g_ptr_array_index (stream->pairs, j);
      gint64 t = ice_stun_transaction_next_timeout (&pair->tx);

      if (t >= 0 && (next < 0 || t < next))
        next = t;
    }
  }
  return next;
}

/* --- answering checks ---------------------------------------------------- */

static void
send_response (IceSession *session, const IceStunMessage *msg,
               const IceTransportAddr *local, const IceTransportAddr *from,
               const gchar *pwd, guint error_code)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;
  gsize len;

  ice_stun_builder_init_response (&b, buf, sizeof (buf), msg,
                                  error_code ? ICE_STUN_CLASS_ERROR
                                             : ICE_STUN_CLASS_SUCCESS);
  if (error_code)
    ice_stun_builder_add_error_code (&b, error_code, "Role Conflict");
  else
    ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
                                      from);
  len = finish_with_integrity (session, &b, pwd);
  if (len > 0)
    ice_session_queue_transmit (session, local, from, buf, len);
}

void
ice_session_switch_role (IceSession *session, IceRole role)
{
  IceEvent *ev;

  if (session->role == role)
    return;
  ice_session_set_role (session, role);
  ev = ice_session_new_event (session, ICE_EVENT_ROLE_CHANGED, 0, 0);
  ev->u.role = role;
}

/* RFC 8445 §7.3.1.1. Returns TRUE if the request must be answered 487. */
static gboolean
repair_role_conflict (IceSession *session, const IceStunMessage *msg)
{
  guint64 theirs;

  /* §6.1.1: a lite agent never takes control from a full one: a full
   * agent that believes itself controlled is told to switch */
  if (session->config.ice_lite && session->role == ICE_ROLE_CONTROLLED)
    return ice_stun_message_has (msg, ICE_STUN_ATTR_ICE_CONTROLLED);
  if (session->role == ICE_ROLE_CONTROLLING
      && ice_stun_message_get_u64 (msg, ICE_STUN_ATTR_ICE_CONTROLLING,
                                   &theirs)) {
    if (session->tie_breaker >= theirs)
      return TRUE;
    ice_session_switch_role (session, ICE_ROLE_CONTROLLED);
  } else if (session->role == ICE_ROLE_CONTROLLED
             && ice_stun_message_get_u64 (msg, ICE_STUN_ATTR_ICE_CONTROLLED,
                                          &theirs)) {
    if (session->tie_breaker < theirs)
      return TRUE;
    ice_session_switch_role (session, ICE_ROLE_CONTROLLING);
  }
  return FALSE;
}

static IceCandidate *
learn_remote_prflx (IceStream *stream, guint component_id,
                    const IceTransportAddr *from, guint32 priority,
                    gint64 now_us)
{
  IceSession *session = stream->session;
  IceComponent *comp = ice_stream_get_component (stream, component_id);
  IceCandidate cand;
  IceEvent *ev;

  if (stream->n_remote_prflx >= session->config.max_peer_reflexive) {
    session->stats.dropped[ICE_DROP_PEER_REFLEXIVE_LIMIT]++;
    return NULL;
  }
  /* RFC 8445 §7.3.1.3: priority from PRIORITY, any unique foundation */
  memset (&cand, 0, sizeof (cand));
  cand.type = ICE_CANDIDATE_TYPE_PEER_REFLEXIVE;
  cand.stream_id = stream->id;
  cand.component_id = component_id;
  cand.priority = priority;
  cand.addr = *from;
  /* RFC 6544 §7.2: a check over TCP from an unknown address came on a
   * connection the peer opened to our listening socket */
  if (from->transport == ICE_TRANSPORT_TCP)
    cand.tcp_type = ICE_TCP_TYPE_ACTIVE;
  g_snprintf (cand.foundation, sizeof (cand.foundation), "prflx%u",
              stream->next_prflx_foundation++);
  g_array_append_val (comp->remote, cand);
  stream->n_remote_prflx++;
  ev = ice_session_new_event (session, ICE_EVENT_REMOTE_PEER_REFLEXIVE,
                              stream->id, component_id);
  ev->u.candidate = cand;
  ice_checklist_pair_remote (stream, &cand);
  ice_stream_note_progress (stream, now_us);
  return &g_array_index (comp->remote, IceCandidate, comp->remote->len - 1);
}

/* The part of §7.3.1.3-§7.3.1.5 that needs the peer's password: learn a
 * prflx remote, trigger a check, note a nomination. */
static void
process_check (IceStream *stream, const IceEarlyCheck *check, gint64 now_us)
{
  IceSession *session = stream->session;
  IceComponent *comp = ice_stream_get_component (stream, check->component_id);
  IcePair *pair;

  if (ice_component_find_remote (comp, &check->from) == NULL) {
    if (learn_remote_prflx (stream, check->component_id, &check->from,
                            check->priority, now_us)
        == NULL)
      return;
    ice_checklist_update_frozen (session);
  }
  pair = ice_checklist_find_pair (stream, check->component_id, &check->local,
                                  &check->from);
  if (pair == NULL)
    return;
  if (session->config.ice_lite) {
    ice_lite_handle_check (stream, pair, check->use_candidate, now_us);
    return;
  }
  if (check->use_candidate && session->role == ICE_ROLE_CONTROLLED) {
    /* §7.3.1.5: nominated now if valid, else when its check succeeds */
    pair->nominate_on_success = TRUE;
    if (pair->state == ICE_PAIR_SUCCEEDED && pair->valid_pair != NULL) {
      pair->valid_pair->nominated = TRUE;
      ice_checklist_update_selection (stream, check->component_id, now_us);
    }
  }
  /* §7.3.1.4: Succeeded needs nothing, nor does a pair already proven
   * whose nominating check is in flight; another In-Progress check is
   * replaced by a new one (its earlier requests may have met a closed NAT
   * filter, or the peer's TURN permission did not exist yet), a response
   * to the old one still counts. */
  if (pair->state != ICE_PAIR_SUCCEEDED
      && !(pair->valid_pair != NULL && pair->valid_pair->valid))
    ice_checklist_trigger (session, pair);
}

static void
remember_early_check (IceStream *stream, const IceEarlyCheck *check)
{
  guint i;

  for (i = 0; i < stream->early_checks->len; i++) {
    IceEarlyCheck *e = &g_array_index (stream->early_checks, IceEarlyCheck, i);

    if (e->component_id == check->component_id
        && ice_addr_equal (&e->local, &check->local)
        && ice_addr_equal (&e->from, &check->from)) {
      e->use_candidate |= check->use_candidate;
      return;
    }
  }
  if (stream->early_checks->len < ICE_MAX_EARLY_CHECKS)
    g_array_append_val (stream->early_checks, *check);
}

/* RFC 8445 §7.3: the triggered checks of early checks wait for the
 * password; it has arrived. */
void
ice_check_process_early (IceStream *stream, gint64 now_us)
{
  guint i;

  for (i = 0; i < stream->early_checks->len; i++)
    process_check (stream,
                   &g_array_index (stream->early_checks, IceEarlyCheck, i),
                   now_us);
  g_array_set_size (stream->early_checks, 0);
}

/* USERNAME is "LFRAG:RFRAG" from our point of view. The stream is the one
 * owning the socket the check arrived on (streams may share credentials,
 * as with session-level ice-ufrag); LFRAG must be its ufrag, current or,
 * after a restart, old. Sets *@pwd to the matching password. */
static gboolean
match_username (IceStream *stream, const IceStunMessage *msg, const gchar **pwd,
                gchar peer_ufrag[USERNAME_MAX])
{
  gchar username[USERNAME_MAX];
  gchar *colon;

  if (!ice_stun_message_get_string (msg, ICE_STUN_ATTR_USERNAME, username,
                                    sizeof (username)))
    return FALSE;
  colon = strchr (username, ':');
  if (colon == NULL)
    return FALSE;
  *colon = '\0';
  g_strlcpy (peer_ufrag, colon + 1, USERNAME_MAX);
  if (strcmp (stream->local_ufrag, username) == 0) {
    *pwd = stream->local_pwd;
    return TRUE;
  }
  if (stream->old_ufrag[0] && strcmp (stream->old_ufrag, username) == 0) {
    *pwd = stream->old_pwd;
    return TRUE;
  }
  return FALSE;
}

/* The credentials of before a restart only serve the route in use. */
static gboolean
is_route_in_use (IceStream *stream, guint component_id,
                 const IceTransportAddr *local, const IceTransportAddr *from)
{
  IceComponent *comp = ice_stream_get_component (stream, component_id);

  return comp->route.ok && ice_addr_equal (&comp->route.from, local)
         && ice_addr_equal (&comp->route.to, from);
}

IcePacketResult
ice_check_handle_request (IceSession *session, gint64 now_us,
                          const IceTransportAddr *local,
                          const IceTransportAddr *from,
                          const IceStunMessage *msg)
{
  gchar peer_ufrag[USERNAME_MAX];
  IceStream *stream;
  IceEarlyCheck check;
  const gchar *pwd = NULL;
  gboolean old_credentials;

  session->stats.checks_received++;
  stream = ice_session_find_local_base (session, local, &check.component_id);
  if (stream == NULL)
    return ice_session_drop (session, ICE_DROP_UNKNOWN_LOCAL);
  if (!match_username (stream, msg, &pwd, peer_ufrag))
    return ice_session_drop (session, ICE_DROP_UNKNOWN_USERNAME);
  if (!ice_check_verify (session, msg, pwd))
    return ice_session_drop (session, ICE_DROP_BAD_INTEGRITY);
  old_credentials = pwd != stream->local_pwd;
  if (old_credentials
      && !is_route_in_use (stream, check.component_id, local, from))
    return ice_session_drop (session, ICE_DROP_UNKNOWN_USERNAME);
  if (!ice_stun_message_get_u32 (msg, ICE_STUN_ATTR_PRIORITY, &check.priority))
    return ice_session_drop (session, ICE_DROP_MALFORMED_STUN);
  if (repair_role_conflict (session, msg)) {
    send_response (session, msg, local, from, pwd,
                   ICE_STUN_ERROR_ROLE_CONFLICT);
    return ICE_PACKET_HANDLED;
  }
  send_response (session, msg, local, from, pwd, 0);
  /* a lite agent accepts media from the nominated pair only */
  if (!session->config.ice_lite || old_credentials)
    ice_session_authenticate_source (session, local, from, stream->id,
                                     check.component_id);
  if (old_credentials)
    return ICE_PACKET_HANDLED;
  check.local = *local;
  check.from = *from;
  check.use_candidate = ice_stun_message_has (msg, ICE_STUN_ATTR_USE_CANDIDATE);
  /* Without the peer's password, or with an older one than the check
   * shows (the peer restarted), the triggered check must wait */
  if (!stream->have_remote_credentials
      || strcmp (peer_ufrag, stream->remote_ufrag) != 0)
    remember_early_check (stream, &check);
  else
    process_check (stream, &check, now_us);
  ice_stats_note_request (stream, check.component_id, local, from);
  return ICE_PACKET_HANDLED;
}
