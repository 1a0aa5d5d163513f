/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Test harness: two IceSessions on one link, driven by hand on a virtual
 * clock. A tiny loop moves each session's transmits into the other's
 * handle_packet after a one-way delay, with optional loss and a switch
 * that cuts the link. Included by the test-session*.c files.
 */
#ifndef __TEST_SESSION_LINK_H__
#define __TEST_SESSION_LINK_H__

#include "ice/core/ice-session.h"

#include <string.h>

#define LINK_DELAY_US (10 * G_TIME_SPAN_MILLISECOND)

typedef struct {
  IceSession *session;
  IceTransportAddr addr;
  guint64 rng;
  gint64 selected_us;
  guint n_selected;
  guint n_renamed; /* selected pair events for a renamed remote */
  IceCandidateType renamed_type;
  guint n_role_changes;
  guint n_failed;
  IceConnectionState state;
  GArray *candidates; /* local, gathered */
  gint64 failed_us;
  guint64 media_in;
  gint64 last_in_us;       /* last datagram delivered to this peer */
  gint64 last_response_us; /* last Binding success delivered */
  guint n_indications_in;  /* Binding indications (keepalives) */
  gint64 consent_lost_us;
  guint n_consent_lost;
  guint n_prflx;
  gboolean late; /* gets no credentials/candidates at start */
} Peer;

typedef struct {
  gint64 at_us;
  IceTransmit t;
} InFlight;

typedef struct {
  Peer a, b;
  gint64 now;
  GQueue wire; /* InFlight *, in time order */
  gdouble loss;
  guint64 loss_rng;
  gboolean cut;       /* everything on the wire is lost */
  guint same_instant; /* steps without the clock moving */
} Link;

static G_GNUC_UNUSED guint64
xorshift (guint64 *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static G_GNUC_UNUSED guint64
peer_random (gpointer data)
{
  return xorshift (data);
}

/* @config: role, nomination, timers; its random callback is set here */
static G_GNUC_UNUSED void
peer_init_config (Peer *p, const gchar *ip, IceSessionConfig *config,
                  guint64 seed)
{
  p->rng = seed;
  config->random = peer_random;
  config->random_data = &p->rng;
  p->session = ice_session_new (config);
  g_assert_nonnull (p->session);
  g_assert_true (ice_addr_parse_ip (&p->addr, ip, 5000));
  g_assert_cmpuint (ice_session_add_stream (p->session, 1), ==, 0);
  ice_session_add_host_address (p->session, 0, 1, &p->addr, 0);
  p->selected_us = -1;
  p->last_in_us = -1;
  p->last_response_us = -1;
  p->consent_lost_us = -1;
  p->failed_us = -1;
  p->candidates = g_array_new (FALSE, TRUE, sizeof (IceCandidate));
}

static G_GNUC_UNUSED void
peer_init (Peer *p, const gchar *ip, IceRole role, IceNomination nomination,
           gboolean consent, guint64 seed)
{
  IceSessionConfig config;

  ice_session_config_init (&config);
  config.consent_freshness = consent;
  config.role = role;
  config.nomination = nomination;
  peer_init_config (p, ip, &config, seed);
}

static G_GNUC_UNUSED void
link_init_full (Link *l, IceRole role_a, IceRole role_b, IceNomination nom,
                gboolean consent)
{
  memset (l, 0, sizeof (*l));
  peer_init (&l->a, "10.0.0.1", role_a, nom, consent, 0x1234567);
  peer_init (&l->b, "10.0.0.2", role_b, nom, consent, 0x7654321);
  g_queue_init (&l->wire);
  l->loss_rng = 42;
}

static G_GNUC_UNUSED void
link_init (Link *l, IceRole role_a, IceRole role_b, IceNomination nom)
{
  link_init_full (l, role_a, role_b, nom, TRUE);
}

static G_GNUC_UNUSED void
link_clear (Link *l)
{
  ice_session_free (l->a.session);
  ice_session_free (l->b.session);
  g_array_free (l->a.candidates, TRUE);
  g_array_free (l->b.candidates, TRUE);
  g_queue_clear_full (&l->wire, g_free);
}

static G_GNUC_UNUSED void
drain_events (Link *l, Peer *p)
{
  IceEvent ev;

  while (ice_session_poll_event (p->session, &ev)) {
    switch (ev.type) {
      case ICE_EVENT_LOCAL_CANDIDATE:
        g_array_append_val (p->candidates, ev.u.candidate);
        break;
      case ICE_EVENT_SELECTED_PAIR:
        if (ev.u.pair.renamed) {
          p->n_renamed++;
          p->renamed_type = ev.u.pair.remote.type;
          break;
        }
        if (p->selected_us < 0)
          p->selected_us = l->now;
        p->n_selected++;
        break;
      case ICE_EVENT_CONNECTION_STATE:
        g_assert_cmpint (ev.u.state.old_state, ==, p->state);
        p->state = ev.u.state.state;
        if (p->state == ICE_CONNECTION_FAILED) {
          p->n_failed++;
          p->failed_us = l->now;
        }
        break;
      case ICE_EVENT_ROLE_CHANGED:
        p->n_role_changes++;
        break;
      case ICE_EVENT_CONSENT_LOST:
        p->n_consent_lost++;
        p->consent_lost_us = l->now;
        break;
      case ICE_EVENT_REMOTE_PEER_REFLEXIVE:
        p->n_prflx++;
        break;
      default:
        break;
    }
  }
}

static G_GNUC_UNUSED void
drain_transmits (Link *l, Peer *p)
{
  InFlight *f = g_new0 (InFlight, 1);

  while (ice_session_poll_transmit (p->session, &f->t)) {
    g_assert_true (ice_addr_equal (&f->t.from, &p->addr));
    if (l->cut
        || (l->loss > 0 && (xorshift (&l->loss_rng) % 10000) < l->loss * 10000))
      continue;
    f->at_us = l->now + LINK_DELAY_US;
    g_queue_push_tail (&l->wire, f);
    f = g_new0 (InFlight, 1);
  }
  g_free (f);
}

static G_GNUC_UNUSED void
drain (Link *l)
{
  drain_events (l, &l->a);
  drain_events (l, &l->b);
  drain_transmits (l, &l->a);
  drain_transmits (l, &l->b);
}

static G_GNUC_UNUSED void
deliver (Link *l, InFlight *f)
{
  Peer *to = ice_addr_equal (&f->t.to, &l->a.addr) ? &l->a : &l->b;
  IceDelivery d;

  if (!ice_addr_equal (&f->t.to, &to->addr))
    return; /* nobody there */

  to->last_in_us = l->now;
  /* Binding success (0x0101) and indication (0x0011) message types */
  if (f->t.len >= 20 && f->t.data[0] == 0x01 && f->t.data[1] == 0x01)
    to->last_response_us = l->now;
  if (f->t.len >= 20 && f->t.data[0] == 0x00 && f->t.data[1] == 0x11)
    to->n_indications_in++;
  if (ice_session_handle_packet (to->session, l->now, &f->t.to, &f->t.from,
                                 f->t.data, f->t.len, &d)
      == ICE_PACKET_DELIVER)
    to->media_in++;
}

static G_GNUC_UNUSED gint64
next_time (Link *l)
{
  gint64 t = -1, ta, tb;
  InFlight *f = g_queue_peek_head (&l->wire);

  ta = ice_session_next_timeout (l->a.session);
  tb = ice_session_next_timeout (l->b.session);
  if (f)
    t = f->at_us;
  if (ta >= 0 && (t < 0 || ta < t))
    t = ta;
  if (tb >= 0 && (t < 0 || tb < t))
    t = tb;
  return t;
}

/* One step: the clock jumps to the next event, which is processed. */
static G_GNUC_UNUSED gboolean
step (Link *l, gint64 deadline)
{
  gint64 t = next_time (l);
  InFlight *f;

  if (t < 0 || t > deadline)
    return FALSE;
  /* a session must not keep asking for a timeout it has handled */
  l->same_instant = t <= l->now ? l->same_instant + 1 : 0;
  g_assert_cmpuint (l->same_instant, <, 10);
  l->now = MAX (l->now, t);
  while ((f = g_queue_peek_head (&l->wire)) && f->at_us <= l->now) {
    g_queue_pop_head (&l->wire);
    deliver (l, f);
    g_free (f);
  }
  if (ice_session_next_timeout (l->a.session) >= 0
      && ice_session_next_timeout (l->a.session) <= l->now)
    ice_session_handle_timeout (l->a.session, l->now);
  if (ice_session_next_timeout (l->b.session) >= 0
      && ice_session_next_timeout (l->b.session) <= l->now)
    ice_session_handle_timeout (l->b.session, l->now);
  drain (l);
  return TRUE;
}

static G_GNUC_UNUSED void
give_credentials (Link *l, Peer *from, Peer *to)
{
  const gchar *ufrag, *pwd;

  ice_session_get_local_credentials (from->session, 0, &ufrag, &pwd);
  g_assert_true (
      ice_session_set_remote_credentials (to->session, 0, ufrag, pwd, l->now));
}

static G_GNUC_UNUSED void
give_candidates_only (Link *l, Peer *from, Peer *to)
{
  guint i;

  for (i = 0; i < from->candidates->len; i++)
    g_assert_true (ice_session_add_remote_candidate (
        to->session, &g_array_index (from->candidates, IceCandidate, i),
        l->now));
}

static G_GNUC_UNUSED void
give_candidates (Link *l, Peer *from, Peer *to)
{
  give_candidates_only (l, from, to);
  ice_session_end_of_remote_candidates (to->session, 0, l->now);
}

static G_GNUC_UNUSED void
gather (Link *l)
{
  ice_session_start_gathering (l->a.session, l->now);
  ice_session_start_gathering (l->b.session, l->now);
  drain (l);
  g_assert_cmpuint (l->a.candidates->len, >=, 1);
  g_assert_cmpuint (l->b.candidates->len, >=, 1);
}

/* Gathers, then each side learns the other's credentials and candidates
 * (except a side marked late). */
static G_GNUC_UNUSED void
start (Link *l)
{
  gather (l);
  if (!l->b.late) {
    give_credentials (l, &l->a, &l->b);
    give_candidates (l, &l->a, &l->b);
  }
  if (!l->a.late) {
    give_credentials (l, &l->b, &l->a);
    give_candidates (l, &l->b, &l->a);
  }
  drain (l);
}

static G_GNUC_UNUSED gboolean
both_selected (Link *l)
{
  return l->a.selected_us >= 0 && l->b.selected_us >= 0;
}

static G_GNUC_UNUSED void
run_until_selected (Link *l, gint64 deadline)
{
  while (!both_selected (l) && step (l, deadline))
    ;
}

static G_GNUC_UNUSED void
run_for (Link *l, gint64 duration)
{
  gint64 end = l->now + duration;

  while (step (l, end))
    ;
  l->now = end;
}

static G_GNUC_UNUSED void
assert_media_flows (Link *l, Peer *from, Peer *to)
{
  static G_GNUC_UNUSED const guint8 rtp[]
      = { 0x80, 0x60, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4 };
  IceSendRoute route;
  IceDelivery d;

  ice_session_get_send_route (from->session, 0, 1, &route);
  g_assert_true (route.ok);
  g_assert_true (ice_addr_equal (&route.from, &from->addr));
  g_assert_true (ice_addr_equal (&route.to, &to->addr));
  g_assert_cmpint (ice_session_handle_packet (to->session, l->now, &route.to,
                                              &route.from, rtp, sizeof (rtp),
                                              &d),
                   ==, ICE_PACKET_DELIVER);
  g_assert_cmpuint (d.stream_id, ==, 0);
  g_assert_cmpuint (d.component_id, ==, 1);
  g_assert_cmpuint (d.offset, ==, 0);
  g_assert_cmpuint (d.len, ==, sizeof (rtp));
}

#endif /* __TEST_SESSION_LINK_H__ */
