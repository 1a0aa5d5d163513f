/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The simulation driver's clock loop: jump to the earliest deadline, feed
 * what is due, drain what the sessions produced.
 */
#include "ice/testing/ice-sim-private.h"

#include <string.h>

/* Steps at one instant before the loop calls it a stall: a zero-latency
 * exchange takes a few, a session that never moves its timer forever. */
#define MAX_STEPS_AT_ONE_INSTANT 10000

/**
 * ice_sim_new:
 * @seed: seeds the network and, through it, every session
 *
 * Returns: (transfer full): an empty simulation at time 0
 */
IceSim *
ice_sim_new (guint64 seed)
{
  IceSim *sim = g_new0 (IceSim, 1);
  guint32 seed_words[2] = { (guint32)seed, (guint32)(seed >> 32) };
  guint64 vnet_seed;

  sim->rand = g_rand_new_with_seed_array (seed_words, 2);
  vnet_seed = ((guint64)g_rand_int (sim->rand) << 32) | g_rand_int (sim->rand);
  sim->vnet = ice_vnet_new (vnet_seed);
  sim->peers
      = g_ptr_array_new_with_free_func ((GDestroyNotify)ice_sim_peer_free);
  g_queue_init (&sim->signals);
  return sim;
}

void
ice_sim_free (IceSim *sim)
{
  if (!sim)
    return;
  g_queue_clear_full (&sim->signals, g_free);
  g_ptr_array_unref (sim->peers);
  ice_vnet_free (sim->vnet);
  g_rand_free (sim->rand);
  g_free (sim);
}

IceVnet *
ice_sim_get_vnet (IceSim *sim)
{
  return sim->vnet;
}

gint64
ice_sim_get_now (IceSim *sim)
{
  return sim->now;
}

void
ice_sim_get_stats (IceSim *sim, IceSimStats *stats)
{
  *stats = sim->stats;
}

void
ice_sim_set_event_func (IceSim *sim, IceSimEventFunc func, gpointer user_data)
{
  sim->event_func = func;
  sim->event_data = user_data;
}

void
ice_sim_set_media_func (IceSim *sim, IceSimMediaFunc func, gpointer user_data)
{
  sim->media_func = func;
  sim->media_data = user_data;
}

guint
ice_sim_add_host (IceSim *sim, const gchar *name, guint realm, const gchar *ip)
{
  guint host = ice_vnet_add_host (sim->vnet, name);

  if (ice_vnet_host_add_interface (sim->vnet, host, realm, ip)
      == ICE_VNET_INVALID)
    return ICE_VNET_INVALID;
  return host;
}

static gint
message_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const IceSimMsg *ma = a, *mb = b;

  if (ma->time_us != mb->time_us)
    return ma->time_us < mb->time_us ? -1 : 1;
  return ma->seq < mb->seq ? -1 : ma->seq > mb->seq;
}

/* Takes ownership of @msg. */
void
ice_sim_queue_message (IceSim *sim, IceSimMsg *msg)
{
  msg->seq = sim->signal_seq++;
  g_queue_insert_sorted (&sim->signals, msg, message_compare, NULL);
}

void
ice_sim_pair (IceSim *sim, IceSimPeer *a, IceSimPeer *b, IceSimSignalMode mode,
              gint64 delay_us)
{
  g_return_if_fail (a != b && a->sim == sim && b->sim == sim);
  g_return_if_fail (delay_us >= 0);
  a->partner = b;
  b->partner = a;
  a->mode = b->mode = mode;
  a->signal_delay_us = b->signal_delay_us = delay_us;
}

void
ice_sim_peer_set_signal_delay (IceSimPeer *peer, gint64 delay_us)
{
  g_return_if_fail (peer != NULL && peer->partner != NULL);
  g_return_if_fail (delay_us >= 0);
  peer->signal_delay_us = delay_us;
}

void
ice_sim_start (IceSim *sim)
{
  guint i;

  g_return_if_fail (!sim->started);
  sim->started = TRUE;
  for (i = 0; i < sim->peers->len; i++) {
    IceSimPeer *peer = g_ptr_array_index (sim->peers, i);

    ice_session_start_gathering (peer->session, sim->now);
    ice_sim_peer_send_credentials (peer);
  }
}

/* The earliest of every deadline, or -1 when nothing will ever happen.
 * The network's next event includes the host timers of server nodes (the
 * TURN model's allocation, permission and channel expiries), which
 * ice_vnet_advance() fires. */
static gint64
next_deadline (IceSim *sim)
{
  gint64 next = ice_vnet_next_delivery (sim->vnet);
  guint i;

  for (i = 0; i < sim->peers->len; i++) {
    IceSimPeer *peer = g_ptr_array_index (sim->peers, i);
    gint64 t = ice_session_next_timeout (peer->session);

    if (t >= 0 && (next < 0 || t < next))
      next = t;
  }
  if (!g_queue_is_empty (&sim->signals)) {
    IceSimMsg *msg = g_queue_peek_head (&sim->signals);

    if (next < 0 || msg->time_us < next)
      next = msg->time_us;
  }
  return next;
}

/* Event callbacks may make a session produce more: drain until quiet. */
static void
drain_all (IceSim *sim)
{
  gboolean any;
  guint i;

  do {
    any = FALSE;
    for (i = 0; i < sim->peers->len; i++)
      any |= ice_sim_peer_drain (g_ptr_array_index (sim->peers, i));
  } while (any);
}

static IceSimPeer *
peer_bound_at (IceSim *sim, guint host, const IceTransportAddr *local)
{
  guint i;

  for (i = 0; i < sim->peers->len; i++) {
    IceSimPeer *peer = g_ptr_array_index (sim->peers, i);

    if (peer->host == host && ice_sim_peer_is_bound (peer, local))
      return peer;
  }
  return NULL;
}

static void
feed_datagrams (IceSim *sim)
{
  IceVnetDatagram *dgram = g_new (IceVnetDatagram, 1);
  guint i;

  for (i = 0; i < sim->peers->len; i++) {
    IceSimPeer *peer = g_ptr_array_index (sim->peers, i);

    while (ice_vnet_host_recv (sim->vnet, peer->host, dgram)) {
      IceSimPeer *owner = peer_bound_at (sim, peer->host, &dgram->local);

      if (owner)
        ice_sim_peer_receive (owner, dgram);
      else
        sim->stats.undeliverable++;
    }
  }
  g_free (dgram);
}

static void
feed_signals (IceSim *sim)
{
  IceSimMsg *msg;

  while ((msg = g_queue_peek_head (&sim->signals))
         && msg->time_us <= sim->now) {
    g_queue_pop_head (&sim->signals);
    ice_sim_peer_apply_message (msg->to, msg);
    g_free (msg);
  }
}

static void
fire_timeouts (IceSim *sim)
{
  guint i;

  for (i = 0; i < sim->peers->len; i++) {
    IceSimPeer *peer = g_ptr_array_index (sim->peers, i);
    gint64 t = ice_session_next_timeout (peer->session);

    if (t >= 0 && t <= sim->now)
      ice_session_handle_timeout (peer->session, sim->now);
  }
}

/* One instant: the network first (datagrams in flight arrive), then the
 * signalling channel, then the timers. */
static void
step (IceSim *sim, gint64 now)
{
  sim->stats.steps++;
  if (now > sim->now)
    sim->stats.clock_jumps++;
  sim->now = now;
  ice_vnet_advance (sim->vnet, now);
  feed_datagrams (sim);
  feed_signals (sim);
  fire_timeouts (sim);
}

/**
 * ice_sim_run_until:
 * @cond: (nullable): checked after each step; NULL runs to the deadline
 * @deadline_us: absolute virtual time not to pass
 *
 * Returns: whether @cond held (the clock stays where it held)
 */
gboolean
ice_sim_run_until (IceSim *sim, IceSimCondition cond, gpointer user_data,
                   gint64 deadline_us)
{
  guint same_instant = 0;

  for (;;) {
    gint64 next;

    drain_all (sim);
    if (cond && cond (sim, user_data))
      return TRUE;
    next = next_deadline (sim);
    if (next < 0 || next > deadline_us)
      break;
    if (next < sim->now) {
      sim->stats.past_deadlines++;
      next = sim->now;
    }
    same_instant = next == sim->now ? same_instant + 1 : 0;
    if (same_instant > MAX_STEPS_AT_ONE_INSTANT) {
      g_warning ("sim: time cannot advance past %" G_GINT64_FORMAT
                 " us: a session keeps asking for a timeout it has handled",
                 sim->now);
      sim->stats.stalled = TRUE;
      return FALSE;
    }
    step (sim, next);
  }
  if (deadline_us > sim->now)
    step (sim, deadline_us);
  drain_all (sim);
  return cond ? cond (sim, user_data) : FALSE;
}

static gboolean
stream0_state_is (IceSim *sim, gboolean accept_failed)
{
  guint i;

  for (i = 0; i < sim->peers->len; i++) {
    IceSimPeer *peer = g_ptr_array_index (sim->peers, i);
    IceConnectionState s = ice_session_get_connection_state (peer->session, 0);

    if (s == ICE_CONNECTION_CONNECTED || s == ICE_CONNECTION_COMPLETED)
      continue;
    if (accept_failed && s == ICE_CONNECTION_FAILED)
      continue;
    return FALSE;
  }
  return sim->peers->len > 0;
}

static gboolean
all_connected (IceSim *sim, gpointer user_data)
{
  return stream0_state_is (sim, FALSE);
}

static gboolean
all_settled (IceSim *sim, gpointer user_data)
{
  return stream0_state_is (sim, TRUE);
}

gboolean
ice_sim_run_until_connected (IceSim *sim, gint64 deadline_us)
{
  return ice_sim_run_until (sim, all_connected, NULL, deadline_us);
}

gboolean
ice_sim_run_until_settled (IceSim *sim, gint64 deadline_us)
{
  return ice_sim_run_until (sim, all_settled, NULL, deadline_us);
}

void
ice_sim_run_for (IceSim *sim, gint64 duration_us)
{
  ice_sim_run_until (sim, NULL, NULL, sim->now + duration_us);
}
