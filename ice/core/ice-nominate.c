/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Nomination and selection (RFC 8445 §8.1). The controlling agent uses
 * regular nomination by default: it nominates a component's best valid pair
 * the moment no higher-priority pair can still succeed, and while one is
 * in progress it waits only as long as that pair can plausibly take (twice
 * the longest round trip seen, plus a margin: a few ms on a LAN; at most
 * ICE_NOMINATION_MAX_WAIT_US). The nominating check (the check that
 * produced the valid pair, repeated with USE-CANDIDATE) leaves at once.
 * Aggressive nomination (every check carries USE-CANDIDATE, RFC 5245
 * §8.1.1.2) is used whenever configured, whatever the peer announces:
 * it saves one round trip but may settle on a lower-priority pair first
 * and switch up later (not toward a lite peer, which gets regular). Both roles
 * select the highest-priority nominated valid pair, so a controlled agent
 * follows an aggressive peer upward.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-session-private.h"

gboolean
ice_stream_uses_aggressive (IceStream *stream)
{
  IceSession *session = stream->session;

  /* RFC 8445 §8.1 and RFC 5245 §8.1.1: a lite peer gets regular
   * nomination; anyone else what was configured (ice2 or not) */
  return session->role == ICE_ROLE_CONTROLLING
         && session->config.nomination == ICE_NOMINATION_AGGRESSIVE
         && !stream->remote_lite;
}

static IcePair *
best_valid_pair (IceStream *stream, guint component_id, gboolean nominated)
{
  guint i;

  /* pairs are sorted by priority */
  for (i = 0; i < stream->pairs->len; i++) {
    IcePair *pair = g_ptr_array_index (stream->pairs, i);

    if (pair->component_id == component_id && pair->valid
        && (!nominated || pair->nominated))
      return pair;
  }
  return NULL;
}

static gboolean
all_components_selected (IceStream *stream)
{
  guint i;

  for (i = 0; i < stream->n_components; i++)
    if (stream->components[i].selected == NULL)
      return FALSE;
  return TRUE;
}

static void
announce_selection (IceStream *stream, IceComponent *comp, IcePair *pair,
                    gint64 now_us)
{
  IceSession *session = stream->session;
  gchar desc[2 * ICE_ADDR_STRLEN + 48];
  IceEvent *ev;

  g_debug ("selected pair %s", ice_pair_describe (pair, desc, sizeof (desc)));
  comp->selected = pair;
  comp->has_selection = TRUE;
  comp->selected_local = pair->local;
  comp->selected_remote = pair->remote;
  comp->route.ok = TRUE;
  comp->route.from = pair->local.base;
  comp->route.to = pair->remote.addr;
  comp->route.prefix_len = 0;
  ev = ice_session_new_event (session, ICE_EVENT_SELECTED_PAIR, stream->id,
                              comp->id);
  ev->u.pair.local = pair->local;
  ev->u.pair.remote = pair->remote;
  /* RFC 7675 §4: consent is the full agent's to check, not a lite one's */
  if (!session->config.ice_lite)
    ice_consent_start (session, stream, comp, now_us);
  /* After a restart the old credentials served until now (RFC 8445 §9) */
  if (all_components_selected (stream))
    stream->old_ufrag[0] = stream->old_pwd[0] = '\0';
  ice_checklist_prune_below (stream, comp->id, pair->priority);
}

/* Selects the highest-priority nominated valid pair of the component, if
 * it differs from the one in use. */
void
ice_checklist_update_selection (IceStream *stream, guint component_id,
                                gint64 now_us)
{
  IceComponent *comp = ice_stream_get_component (stream, component_id);
  IcePair *best = best_valid_pair (stream, component_id, TRUE);

  if (best == NULL || best == comp->selected)
    return;
  if (comp->selected != NULL && comp->selected->priority >= best->priority
      && !comp->consent.lost)
    return;
  announce_selection (stream, comp, best, now_us);
}

static gboolean
may_still_succeed (const IcePair *pair)
{
  return !pair->derived
         && (pair->triggered || pair->state == ICE_PAIR_FROZEN
             || pair->state == ICE_PAIR_WAITING
             || pair->state == ICE_PAIR_IN_PROGRESS);
}

/* When @pair's triggered check will leave: the paced slots ahead of it,
 * one per check queued before it (RFC 8445 §6.1.4.2: triggered first). */
static gint64
triggered_send_estimate (IceSession *session, const IcePair *pair)
{
  gint64 ta = ice_session_effective_ta (session);
  gint64 slot = session->next_pace_us;
  GList *l;

  for (l = session->triggered.head; l != NULL && l->data != pair; l = l->next)
    slot += ta;
  return slot;
}

/* RFC 8445 §8.1.1 leaves it to the agent how long to wait for better
 * pairs. Returns when the component's best valid pair @best may be
 * nominated: -1 at once (no higher-priority pair can still succeed), else
 * when the last of those pairs has had the time it plausibly takes: its
 * latest check (or, not sent yet, the first valid pair; queued as a
 * triggered check, when that leaves) plus twice the longest round trip
 * answered so far plus a margin. A triggered check is the peer's check on
 * that pair having arrived: the pair is likely to work (it opens the
 * peer's NAT, RFC 8445 §2.2), so its answer is worth waiting for. A
 * relayed @best waits longer for direct pairs (ICE_NOMINATION_RELAY_WAIT_US).
 */
static gboolean
is_relayed (const IcePair *pair)
{
  return pair->local.type == ICE_CANDIDATE_TYPE_RELAYED
         || pair->remote.type == ICE_CANDIDATE_TYPE_RELAYED;
}

static gint64
nomination_deadline (IceStream *stream, IceComponent *comp, const IcePair *best)
{
  gint64 plausible = 2 * comp->max_rtt_us + ICE_NOMINATION_RTT_MARGIN_US;
  gint64 latest = -1;
  guint i;

  for (i = 0; i < stream->pairs->len; i++) {
    IcePair *pair = g_ptr_array_index (stream->pairs, i);
    gint64 start;

    if (pair->priority <= best->priority)
      break;
    if (pair->component_id != comp->id || !may_still_succeed (pair))
      continue;
    start = pair->state == ICE_PAIR_IN_PROGRESS ? pair->first_sent_us
                                                : comp->first_valid_us;
    if (pair->triggered)
      start = MAX (start, triggered_send_estimate (stream->session, pair));
    latest = MAX (latest, start + plausible);
    if (is_relayed (best) && !is_relayed (pair))
      latest
          = MAX (latest, comp->first_valid_us + ICE_NOMINATION_RELAY_WAIT_US);
  }
  if (latest < 0)
    return -1;
  return MIN (latest, comp->first_valid_us + ICE_NOMINATION_MAX_WAIT_US);
}

static gboolean
needs_regular_nomination (IceStream *stream, IceComponent *comp)
{
  IceSession *session = stream->session;

  return session->role == ICE_ROLE_CONTROLLING
         && !ice_stream_uses_aggressive (stream) && !comp->nomination_sent
         && comp->first_valid_us >= 0 && stream->have_remote_credentials;
}

static gboolean
awaits_nomination (IceStream *stream, IceComponent *comp)
{
  return stream->session->role == ICE_ROLE_CONTROLLED
         && comp->first_valid_us >= 0 && comp->selected == NULL
         && stream->have_remote_credentials;
}

static void
recheck_best (IceStream *stream, IceComponent *comp, gint64 now_us)
{
  IcePair *best = best_valid_pair (stream, comp->id, FALSE);

  if (comp->next_recheck_us == 0)
    comp->next_recheck_us = now_us + ICE_AWAIT_NOMINATION_RECHECK_US;
  if (now_us < comp->next_recheck_us)
    return;
  /* advanced even without a pair, so the timer never stays due */
  comp->next_recheck_us = now_us + ICE_AWAIT_NOMINATION_RECHECK_US;
  if (best == NULL)
    return;
  best = best->generator != NULL ? best->generator : best;
  best->recheck = TRUE;
  ice_checklist_trigger (stream->session, best);
}

/* RFC 8445 §8.1.1: the controlling agent repeats the check that produced
 * the best valid pair with USE-CANDIDATE. It leaves at once, ahead of the
 * paced checks: it decides the connection and probes nothing new. */
static void
nominate (IceStream *stream, IceComponent *comp, IcePair *best, gint64 now_us)
{
  IceSession *session = stream->session;
  IcePair *gen = best->generator != NULL ? best->generator : best;
  gchar desc[2 * ICE_ADDR_STRLEN + 48];

  g_debug ("stream %u component %u: nominating %s", stream->id, comp->id,
           ice_pair_describe (gen, desc, sizeof (desc)));
  gen->use_candidate = TRUE;
  comp->nomination_sent = TRUE;
  ice_checklist_untrigger (session, gen);
  gen->recheck = FALSE;
  ice_check_send (session, gen, now_us);
  session->next_pace_us = MAX (session->next_pace_us,
                               now_us + ice_session_effective_ta (session));
}

void
ice_checklist_check_nomination (IceStream *stream, gint64 now_us)
{
  guint i;

  for (i = 0; i < stream->n_components; i++) {
    IceComponent *comp = &stream->components[i];
    IcePair *best;
    gint64 deadline;

    if (awaits_nomination (stream, comp))
      recheck_best (stream, comp, now_us);
    if (!needs_regular_nomination (stream, comp))
      continue;
    best = best_valid_pair (stream, comp->id, FALSE);
    if (best == NULL)
      continue;
    deadline = nomination_deadline (stream, comp, best);
    if (deadline < 0 || now_us >= deadline)
      nominate (stream, comp, best, now_us);
  }
}

gint64
ice_checklist_nomination_timeout (IceStream *stream)
{
  gint64 next = -1;
  guint i;

  for (i = 0; i < stream->n_components; i++) {
    IceComponent *comp = &stream->components[i];
    IcePair *best;
    gint64 t;

    if (awaits_nomination (stream, comp) && comp->next_recheck_us > 0)
      t = comp->next_recheck_us;
    else if (needs_regular_nomination (stream, comp)
             && (best = best_valid_pair (stream, comp->id, FALSE)) != NULL)
      t = MAX (nomination_deadline (stream, comp, best), 0);
    else
      continue;
    if (next < 0 || t < next)
      next = t;
  }
  return next;
}

/* The repeat of a check that succeeded before timed out, most likely lost:
 * the pair stays valid and is nominated again, up to
 * ICE_NOMINATION_ATTEMPTS times. Returns FALSE when the pair must fail
 * (its valid pair is then given up, so the next best is nominated). */
gboolean
ice_checklist_retry_nomination (IceStream *stream, IcePair *pair)
{
  IceComponent *comp = ice_stream_get_component (stream, pair->component_id);

  if (pair->valid_pair == NULL)
    return FALSE;
  if (comp->selected == NULL)
    comp->nomination_sent = FALSE;
  if (++comp->nomination_attempts < ICE_NOMINATION_ATTEMPTS) {
    ice_pair_set_state (pair, ICE_PAIR_SUCCEEDED);
    return TRUE;
  }
  comp->nomination_attempts = 0;
  pair->valid_pair->valid = FALSE;
  pair->valid_pair->nominated = FALSE;
  pair->use_candidate = FALSE;
  return FALSE;
}
