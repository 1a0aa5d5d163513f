/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Checklists (RFC 8445 §6.1.2): forming pairs, pruning, ordering by pair
 * priority, the cap on their number, the Frozen/Waiting rules of
 * foundations, and the triggered-check queue (§7.3.1.4).
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/common/ice-log.h"
#include "ice/core/ice-relay-private.h"

#include <string.h>

const gchar *
ice_pair_state_to_string (IcePairState state)
{
  static const gchar *const names[] = {
    "frozen", "waiting", "in-progress", "succeeded", "failed",
  };

  if ((guint)state >= G_N_ELEMENTS (names))
    return "unknown";
  return names[state];
}

gchar *
ice_pair_describe (const IcePair *pair, gchar *buf, gsize size)
{
  gchar l[ICE_ADDR_STRLEN], r[ICE_ADDR_STRLEN];

  g_snprintf (buf, size, "%u/%u %s %s → %s %s", pair->stream->id,
              pair->component_id,
              ice_candidate_type_to_string (pair->local.type),
              ice_addr_to_string (&pair->local.addr, l),
              ice_candidate_type_to_string (pair->remote.type),
              ice_addr_to_string (&pair->remote.addr, r));
  return buf;
}

void
ice_pair_set_state (IcePair *pair, IcePairState state)
{
  gchar desc[2 * ICE_ADDR_STRLEN + 48];

  if (pair->state == state)
    return;
  if (state != ICE_PAIR_FAILED)
    pair->fail_reason[0] = '\0';
  ICE_DEBUG ("pair %s: %s → %s%s%s%s",
             ice_pair_describe (pair, desc, sizeof (desc)),
             ice_pair_state_to_string (pair->state),
             ice_pair_state_to_string (state), pair->fail_reason[0] ? " (" : "",
             pair->fail_reason, pair->fail_reason[0] ? ")" : "");
  pair->state = state;
}

/* Fails @pair, saying why in the transition's log line and its stats. */
void
ice_pair_fail (IcePair *pair, const gchar *format, ...)
{
  va_list args;

  va_start (args, format);
  g_vsnprintf (pair->fail_reason, sizeof (pair->fail_reason), format, args);
  va_end (args);
  ice_pair_set_state (pair, ICE_PAIR_FAILED);
}

/* RFC 6544 §6.2: active pairs with passive, so with so. A local passive
 * candidate sends no checks (§6.2: such pairs are pruned): it pairs only
 * with the peer-reflexive active candidate a check that reached its
 * listening socket made, for the triggered check on that connection
 * (§7.2). */
static gboolean
tcp_types_pair (const IceCandidate *local, const IceCandidate *remote)
{
  switch (local->tcp_type) {
    case ICE_TCP_TYPE_ACTIVE:
      return remote->tcp_type == ICE_TCP_TYPE_PASSIVE;
    case ICE_TCP_TYPE_PASSIVE:
      return remote->tcp_type == ICE_TCP_TYPE_ACTIVE
             && remote->type == ICE_CANDIDATE_TYPE_PEER_REFLEXIVE;
    case ICE_TCP_TYPE_SO:
      return remote->tcp_type == ICE_TCP_TYPE_SO;
    default:
      return FALSE;
  }
}

/* RFC 8445 §6.1.2.2: same component, same address family, same transport.
 * Server-reflexive locals are replaced by their base (§6.1.2.4), which is
 * the host candidate already paired: they form no pair of their own. */
static gboolean
can_pair (const IceCandidate *local, const IceCandidate *remote)
{
  if (local->component_id != remote->component_id)
    return FALSE;
  if (local->type != ICE_CANDIDATE_TYPE_HOST
      && local->type != ICE_CANDIDATE_TYPE_RELAYED)
    return FALSE;
  if (local->addr.family != remote->addr.family)
    return FALSE;
  if (local->addr.transport != remote->addr.transport)
    return FALSE;
  if (local->addr.transport == ICE_TRANSPORT_TCP)
    return tcp_types_pair (local, remote);
  /* A link-local address reaches only its own link */
  if (ice_addr_is_link_local (&local->addr)
      != ice_addr_is_link_local (&remote->addr))
    return FALSE;
  return TRUE;
}

static guint64
compute_priority (IceSession *session, const IcePair *pair)
{
  /* RFC 8445 §6.1.2.3: G is the controlling agent's candidate priority */
  if (session->role == ICE_ROLE_CONTROLLING)
    return ice_pair_priority (pair->local.priority, pair->remote.priority);
  return ice_pair_priority (pair->remote.priority, pair->local.priority);
}

static gint
compare_priority (gconstpointer a, gconstpointer b)
{
  const IcePair *pa = *(IcePair *const *)a;
  const IcePair *pb = *(IcePair *const *)b;

  if (pa->priority == pb->priority)
    return 0;
  return pa->priority > pb->priority ? -1 : 1;
}

void
ice_checklist_untrigger (IceSession *session, IcePair *pair)
{
  if (pair->triggered) {
    g_queue_remove (&session->triggered, pair);
    pair->triggered = FALSE;
  }
}

/* Frees a pair, unlinking every reference to it. */
static void
remove_pair_at (IceStream *stream, guint index)
{
  IcePair *pair = g_ptr_array_index (stream->pairs, index);
  IceComponent *comp = ice_stream_get_component (stream, pair->component_id);

  ice_checklist_untrigger (stream->session, pair);
  if (pair->valid_pair != NULL && pair->valid_pair != pair)
    pair->valid_pair->generator = NULL;
  if (pair->generator != NULL && pair->generator != pair)
    pair->generator->valid_pair = NULL;
  if (comp->selected == pair)
    comp->selected = NULL;
  g_ptr_array_remove_index (stream->pairs, index);
  g_free (pair);
}

static gboolean
is_evictable (const IcePair *pair)
{
  return (pair->state == ICE_PAIR_FROZEN || pair->state == ICE_PAIR_WAITING)
         && !pair->triggered && pair->valid_pair == NULL && !pair->derived;
}

/* RFC 8445 §6.1.2.5: keep at most max_pairs, dropping the lowest-priority
 * ones that have not been checked yet. Returns FALSE if @added itself
 * was dropped. */
static gboolean
enforce_limit (IceStream *stream, IcePair *added)
{
  guint max = stream->session->config.max_pairs;

  while (stream->pairs->len > max) {
    guint i = stream->pairs->len;
    gboolean removed = FALSE;

    while (i > 0 && !removed) {
      IcePair *pair = g_ptr_array_index (stream->pairs, --i);

      if (is_evictable (pair) || pair == added) {
        gboolean was_added = pair == added;

        remove_pair_at (stream, i);
        if (was_added)
          return FALSE;
        removed = TRUE;
      }
    }
    if (!removed)
      break;
  }
  return TRUE;
}

IcePair *
ice_checklist_add_pair (IceStream *stream, const IceCandidate *local,
                        const IceCandidate *remote)
{
  IcePair *pair = g_new0 (IcePair, 1);
  gchar desc[2 * ICE_ADDR_STRLEN + 48];

  pair->stream = stream;
  pair->component_id = local->component_id;
  pair->local = *local;
  pair->remote = *remote;
  pair->state = ICE_PAIR_FROZEN;
  pair->priority = compute_priority (stream->session, pair);
  g_ptr_array_add (stream->pairs, pair);
  g_ptr_array_sort (stream->pairs, compare_priority);
  if (!enforce_limit (stream, pair)) {
    g_debug ("checklist of stream %u is full (%u pairs)", stream->id,
             stream->session->config.max_pairs);
    return NULL;
  }
  g_debug ("new pair %s", ice_pair_describe (pair, desc, sizeof (desc)));
  return pair;
}

/* The pair that is (or would be) checked from @base to @remote; pairs
 * derived from responses are not checked and not returned. */
IcePair *
ice_checklist_find_pair (IceStream *stream, guint component_id,
                         const IceTransportAddr *base,
                         const IceTransportAddr *remote)
{
  guint i;

  for (i = 0; i < stream->pairs->len; i++) {
    IcePair *pair = g_ptr_array_index (stream->pairs, i);

    if (!pair->derived && pair->component_id == component_id
        && ice_addr_equal (&pair->local.base, base)
        && ice_addr_equal (&pair->remote.addr, remote))
      return pair;
  }
  return NULL;
}

static void
pair_if_new (IceStream *stream, const IceCandidate *local,
             const IceCandidate *remote)
{
  /* RFC 8445 §6.1.2.4: a pair with the same local base and remote
   * candidate is redundant: keep the one already there */
  if (!can_pair (local, remote))
    return;
  if (ice_checklist_find_pair (stream, local->component_id, &local->base,
                               &remote->addr)
      != NULL)
    return;
  ice_checklist_add_pair (stream, local, remote);
}

void
ice_checklist_pair_remote (IceStream *stream, const IceCandidate *remote)
{
  IceComponent *comp = ice_stream_get_component (stream, remote->component_id);
  guint i;

  /* its IP needs a TURN permission before its first check arrives */
  ice_relay_note_remote (stream->session, remote);
  for (i = 0; i < comp->local->len; i++)
    pair_if_new (stream, &g_array_index (comp->local, IceCandidate, i), remote);
}

void
ice_checklist_pair_local (IceStream *stream, const IceCandidate *local)
{
  IceComponent *comp = ice_stream_get_component (stream, local->component_id);
  guint i;

  for (i = 0; i < comp->remote->len; i++)
    pair_if_new (stream, local, &g_array_index (comp->remote, IceCandidate, i));
}

static gboolean
same_foundation (const IcePair *a, const IcePair *b)
{
  return strcmp (a->local.foundation, b->local.foundation) == 0
         && strcmp (a->remote.foundation, b->remote.foundation) == 0;
}

/* Whether any checked pair of the session with @pair's foundation is in
 * @state (only checklists that may run, i.e. with remote credentials). */
static gboolean
foundation_has_state (IceSession *session, const IcePair *pair,
                      IcePairState state)
{
  guint i, j;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    if (!stream->have_remote_credentials)
      continue;
    for (j = 0; j < stream->pairs->len; j++) {
      IcePair *other = g_ptr_array_index (stream->pairs, j);

      if (other != pair && !other->derived && other->state == state
          && same_foundation (other, pair))
        return TRUE;
    }
  }
  return FALSE;
}

static void
update_frozen_component (IceSession *session, IceStream *stream,
                         guint component_id)
{
  guint i;

  for (i = 0; i < stream->pairs->len; i++) {
    IcePair *pair = g_ptr_array_index (stream->pairs, i);

    if (pair->component_id != component_id || pair->state != ICE_PAIR_FROZEN)
      continue;
    /* §7.2.5.3.3: a success unfreezes its foundation everywhere;
     * §6.1.2.6, §6.1.4.2: otherwise one pair per foundation is active */
    if (foundation_has_state (session, pair, ICE_PAIR_SUCCEEDED)
        || (!foundation_has_state (session, pair, ICE_PAIR_WAITING)
            && !foundation_has_state (session, pair, ICE_PAIR_IN_PROGRESS)))
      ice_pair_set_state (pair, ICE_PAIR_WAITING);
  }
}

/* RFC 8445 §6.1.2.6: checklists in order, components by id, pairs by
 * priority; a pair is unfrozen when its foundation succeeded somewhere or
 * no other pair of that foundation is Waiting or In-Progress. */
void
ice_checklist_update_frozen (IceSession *session)
{
  guint i, c;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    if (!stream->have_remote_credentials)
      continue;
    for (c = 1; c <= stream->n_components; c++)
      update_frozen_component (session, stream, c);
  }
}

void
ice_checklist_recompute_priorities (IceSession *session)
{
  guint i, j;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (j = 0; j < stream->pairs->len; j++) {
      IcePair *pair = g_ptr_array_index (stream->pairs, j);

      pair->priority = compute_priority (session, pair);
    }
    g_ptr_array_sort (stream->pairs, compare_priority);
  }
}

/* RFC 8445 §7.3.1.4: the pair goes to the triggered-check queue, Waiting
 * unless it is In-Progress or (repeated for nomination) Succeeded. */
void
ice_checklist_trigger (IceSession *session, IcePair *pair)
{
  /* RFC 8445 §2.5: a lite agent sends no checks */
  if (pair->derived || session->config.ice_lite)
    return;
  if (pair->state != ICE_PAIR_IN_PROGRESS && pair->state != ICE_PAIR_SUCCEEDED)
    ice_pair_set_state (pair, ICE_PAIR_WAITING);
  if (!pair->triggered) {
    pair->triggered = TRUE;
    g_queue_push_tail (&session->triggered, pair);
  }
}

/* RFC 8445 §6.1.4.2: the highest-priority Waiting pair of the next
 * checklist that has one, round robin. Does not change anything. */
IcePair *
ice_checklist_next_ordinary (IceSession *session)
{
  guint n = session->streams->len, k, j;

  if (session->config.ice_lite)
    return NULL;
  for (k = 0; k < n; k++) {
    IceStream *stream
        = g_ptr_array_index (session->streams, (session->ordinary_rr + k) % n);

    if (!stream->have_remote_credentials
        || stream->state == ICE_CONNECTION_FAILED)
      continue;
    for (j = 0; j < stream->pairs->len; j++) {
      IcePair *pair = g_ptr_array_index (stream->pairs, j);

      if (pair->state == ICE_PAIR_WAITING && !pair->derived && !pair->triggered)
        return pair;
    }
  }
  return NULL;
}

/* For the RTO of RFC 8445 §14.3 */
guint
ice_checklist_count_active (IceSession *session)
{
  guint i, j, n = 0;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (j = 0; j < stream->pairs->len; j++) {
      IcePair *pair = g_ptr_array_index (stream->pairs, j);

      if (pair->state == ICE_PAIR_WAITING
          || pair->state == ICE_PAIR_IN_PROGRESS)
        n++;
    }
  }
  return n;
}

/* Checks whose transaction still runs (they may be retransmitted): what
 * sizes the automatic Ta */
guint
ice_checklist_count_in_progress (IceSession *session)
{
  guint i, j, n = 0;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (j = 0; j < stream->pairs->len; j++) {
      IcePair *pair = g_ptr_array_index (stream->pairs, j);

      if (pair->state == ICE_PAIR_IN_PROGRESS
          && ice_stun_transaction_is_active (&pair->tx))
        n++;
    }
  }
  return n;
}

void
ice_checklist_free_pairs (IceSession *session, IceStream *stream)
{
  while (stream->pairs->len > 0)
    remove_pair_at (stream, stream->pairs->len - 1);
}

/* After a nomination (RFC 8445 §8.1.2) the component's pairs that were not
 * checked yet and cannot beat the selected pair are of no use. */
void
ice_checklist_prune_below (IceStream *stream, guint component_id,
                           guint64 priority)
{
  guint i = stream->pairs->len;

  while (i > 0) {
    IcePair *pair = g_ptr_array_index (stream->pairs, --i);

    if (pair->component_id == component_id && pair->priority < priority
        && is_evictable (pair))
      remove_pair_at (stream, i);
  }
}

gboolean
ice_checklist_component_can_progress (IceStream *stream, guint component_id)
{
  guint i;

  /* a lite agent waits for the peer's checks: nothing of its own runs */
  if (stream->session->config.ice_lite)
    return FALSE;
  for (i = 0; i < stream->pairs->len; i++) {
    IcePair *pair = g_ptr_array_index (stream->pairs, i);

    if (pair->component_id != component_id || pair->derived)
      continue;
    if (pair->triggered || pair->state == ICE_PAIR_FROZEN
        || pair->state == ICE_PAIR_WAITING
        || pair->state == ICE_PAIR_IN_PROGRESS)
      return TRUE;
  }
  return FALSE;
}
