/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Responses to our checks (RFC 8445 §7.2.5): symmetric transport
 * addresses, role conflict (487), peer-reflexive local candidates from
 * XOR-MAPPED-ADDRESS (§7.2.5.3.1), valid pairs (§7.2.5.3.2), unfreezing
 * (§7.2.5.3.3) and nomination flags (§7.2.5.3.4).
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-session-private.h"

#include <string.h>

static gboolean
txid_equal (const guint8 *a, const guint8 *b)
{
  return memcmp (a, b, ICE_STUN_TRANSACTION_ID_SIZE) == 0;
}

static IcePair *
find_pair_by_txid (IceSession *session, const guint8 *txid, gboolean *is_prev)
{
  guint i, j;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (j = 0; j < stream->pairs->len; j++) {
      IcePair *pair = g_ptr_array_index (stream->pairs, j);

      if (pair->tx.state == ICE_STUN_TRANSACTION_IDLE)
        continue;
      if (txid_equal (pair->txid, txid)) {
        *is_prev = FALSE;
        return pair;
      }
      if (pair->have_prev_txid && txid_equal (pair->prev_txid, txid)) {
        *is_prev = TRUE;
        return pair;
      }
    }
  }
  return NULL;
}

static IceCandidate *
find_local (IceComponent *comp, const IceTransportAddr *addr,
            const IceTransportAddr *base)
{
  guint i;

  for (i = 0; i < comp->local->len; i++) {
    IceCandidate *c = &g_array_index (comp->local, IceCandidate, i);

    if (ice_addr_equal (&c->addr, addr) && ice_addr_equal (&c->base, base))
      return c;
  }
  return NULL;
}

static guint
count_local_prflx (IceComponent *comp)
{
  guint i, n = 0;

  for (i = 0; i < comp->local->len; i++)
    if (g_array_index (comp->local, IceCandidate, i).type
        == ICE_CANDIDATE_TYPE_PEER_REFLEXIVE)
      n++;
  return n;
}

/* RFC 8445 §7.2.5.3.1: a mapped address we do not know is a new local
 * peer-reflexive candidate (never signalled). */
static IceCandidate *
learn_local_prflx (IceStream *stream, IcePair *pair,
                   const IceTransportAddr *mapped)
{
  IceComponent *comp = ice_stream_get_component (stream, pair->component_id);
  IceCandidate cand;

  if (count_local_prflx (comp) >= ICE_MAX_LOCAL_PRFLX)
    return NULL;
  memset (&cand, 0, sizeof (cand));
  cand.type = ICE_CANDIDATE_TYPE_PEER_REFLEXIVE;
  cand.stream_id = stream->id;
  cand.component_id = pair->component_id;
  cand.priority = ice_check_prflx_priority (&pair->local);
  cand.addr = *mapped;
  cand.base = pair->local.base;
  cand.related = pair->local.base;
  ice_candidate_compute_foundation (&cand, NULL);
  g_array_append_val (comp->local, cand);
  return &g_array_index (comp->local, IceCandidate, comp->local->len - 1);
}

static IcePair *
find_derived (IceStream *stream, const IceCandidate *local,
              const IcePair *checked)
{
  guint i;

  for (i = 0; i < stream->pairs->len; i++) {
    IcePair *pair = g_ptr_array_index (stream->pairs, i);

    if (pair->derived && pair->component_id == checked->component_id
        && ice_addr_equal (&pair->local.addr, &local->addr)
        && ice_addr_equal (&pair->remote.addr, &checked->remote.addr))
      return pair;
  }
  return NULL;
}

/* RFC 8445 §7.2.5.3.2: the valid pair has the mapped address as its local
 * candidate and the checked pair's remote candidate. */
static IcePair *
construct_valid_pair (IceStream *stream, IcePair *pair,
                      const IceTransportAddr *mapped)
{
  IceComponent *comp = ice_stream_get_component (stream, pair->component_id);
  IceCandidate *local;
  IcePair *valid;

  if (ice_addr_equal (mapped, &pair->local.addr))
    return pair;
  /* RFC 6544: an active candidate's port (9) is a placeholder; the
   * mapped port is the connection's ephemeral one, which nobody can
   * connect to: the same IP means no NAT, and no new candidate */
  if (pair->local.tcp_type == ICE_TCP_TYPE_ACTIVE
      && ice_addr_equal_ip (mapped, &pair->local.addr))
    return pair;
  local = find_local (comp, mapped, &pair->local.base);
  if (local == NULL)
    local = learn_local_prflx (stream, pair, mapped);
  if (local == NULL)
    return pair;
  valid = find_derived (stream, local, pair);
  if (valid != NULL)
    return valid;
  valid = ice_checklist_add_pair (stream, local, &pair->remote);
  if (valid == NULL)
    return pair;
  valid->derived = TRUE;
  valid->state = ICE_PAIR_SUCCEEDED;
  return valid;
}

/* Links @pair and the valid pair it produced, unlinking earlier partners:
 * a later success may map elsewhere (a NAT rebinding, or the answer to an
 * earlier retransmission), and remove_pair_at() must never follow a link
 * to a pair that is gone (found by fuzz-session). */
static void
link_valid_pair (IcePair *pair, IcePair *valid)
{
  if (pair->valid_pair != NULL && pair->valid_pair != valid
      && pair->valid_pair->generator == pair)
    pair->valid_pair->generator = NULL;
  if (valid->generator != NULL && valid->generator != pair
      && valid->generator->valid_pair == valid)
    valid->generator->valid_pair = NULL;
  valid->generator = pair;
  pair->valid_pair = valid;
}

static void
check_succeeded (IceSession *session, IcePair *pair,
                 const IceTransportAddr *mapped, gboolean use_candidate,
                 gint64 sent_us, gint64 now_us)
{
  IceStream *stream = pair->stream;
  IceComponent *comp = ice_stream_get_component (stream, pair->component_id);
  IcePair *valid;

  /* a new valid pair is progress; a repeated success (rechecks while a
   * nomination does not come) is not */
  if (pair->valid_pair == NULL || !pair->valid_pair->valid)
    ice_stream_note_progress (stream, now_us);
  ice_pair_set_state (pair, ICE_PAIR_SUCCEEDED);
  valid = construct_valid_pair (stream, pair, mapped);
  valid->valid = TRUE;
  link_valid_pair (pair, valid);
  if (comp->first_valid_us < 0) {
    comp->first_valid_us = now_us;
    comp->max_rtt_us = 0;
  }
  /* the nomination wait is sized from these (ice-nominate.c) */
  comp->max_rtt_us = MAX (comp->max_rtt_us, now_us - sent_us);
  ice_session_authenticate_source (session, &pair->local.base,
                                   &pair->remote.addr, stream->id,
                                   pair->component_id);
  /* §7.2.5.3.4: nominated by our USE-CANDIDATE, or by the peer's */
  if ((use_candidate && pair->tx_controlling)
      || (pair->nominate_on_success && session->role == ICE_ROLE_CONTROLLED))
    valid->nominated = TRUE;
  ice_checklist_update_frozen (session);
  ice_checklist_update_selection (stream, pair->component_id, now_us);
  if (comp->selected == valid)
    session->stats.selected_rtt_us = now_us - sent_us;
  ice_checklist_check_nomination (stream, now_us);
}

/* RFC 8445 §7.2.5.1: a 487 tells us to take the other role and retry */
static void
check_role_conflict (IceSession *session, IcePair *pair)
{
  ice_session_switch_role (session, pair->tx_controlling
                                        ? ICE_ROLE_CONTROLLED
                                        : ICE_ROLE_CONTROLLING);
  ice_checklist_trigger (session, pair);
}

static IcePacketResult
process_response (IceSession *session, IcePair *pair, gboolean is_prev,
                  const IceTransportAddr *local, const IceTransportAddr *from,
                  const IceStunMessage *msg, gint64 now_us)
{
  /* an answer to the request before counts with what that one carried */
  gboolean use_candidate
      = is_prev ? pair->prev_use_candidate : pair->tx_use_candidate;
  IceTransportAddr mapped;
  guint code = 0;

  if (!ice_check_verify (session, msg, pair->stream->remote_pwd))
    return ice_session_drop (session, ICE_DROP_BAD_INTEGRITY);
  session->stats.responses_received++;
  ice_stats_note_response (pair, now_us, !is_prev);
  if (!is_prev)
    ice_stun_transaction_complete (&pair->tx);
  if (pair->state == ICE_PAIR_SUCCEEDED && is_prev)
    return ICE_PACKET_HANDLED;
  /* §7.2.5.2.1: a non-symmetric response fails the pair */
  if (!ice_addr_equal (from, &pair->remote.addr)
      || !ice_addr_equal (local, &pair->local.base)) {
    ice_pair_fail (pair, "response is not symmetric");
    ice_checklist_update_frozen (session);
    return ICE_PACKET_HANDLED;
  }
  if (msg->klass == ICE_STUN_CLASS_ERROR) {
    ice_stun_message_get_error_code (msg, &code, NULL, NULL);
    if (code == ICE_STUN_ERROR_ROLE_CONFLICT && !is_prev)
      check_role_conflict (session, pair);
    else if (!is_prev) {
      ice_pair_fail (pair, "error response %u", code);
      ice_checklist_update_frozen (session);
    }
    return ICE_PACKET_HANDLED;
  }
  if (!ice_stun_message_get_xor_address (msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
                                         &mapped))
    return ice_session_drop (session, ICE_DROP_MALFORMED_STUN);
  mapped.transport = pair->local.addr.transport;
  check_succeeded (session, pair, &mapped, use_candidate,
                   is_prev ? pair->prev_sent_us : pair->first_sent_us, now_us);
  return ICE_PACKET_HANDLED;
}

/* Returns ICE_PACKET_NOT_MINE if no check of ours has this transaction. */
IcePacketResult
ice_check_handle_response (IceSession *session, gint64 now_us,
                           const IceTransportAddr *local,
                           const IceTransportAddr *from,
                           const IceStunMessage *msg)
{
  gboolean is_prev = FALSE;
  IcePair *pair;

  pair = find_pair_by_txid (session, msg->transaction_id, &is_prev);
  if (pair == NULL)
    return ICE_PACKET_NOT_MINE;
  return process_response (session, pair, is_prev, local, from, msg, now_us);
}
