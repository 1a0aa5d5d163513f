/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-scale's agents: one side of a pair, on gst-ice (IceAgent) or on
 * libnice (NiceAgent), behind the same few calls; the counters go to the
 * Bench of its pair.
 */
#include "benchmarks/bench-scale-side.h"
#include "benchmarks/bench-nice-sdp.h"

#define LOOPBACK "127.0.0.1"
#define MUX_ADDRESS "127.0.0.1:0"
#define PACKET_SIZE BENCH_SCALE_PACKET_SIZE

static const guint8 packet[PACKET_SIZE] = { 0x80, 111 };

/* --- both implementations ----------------------------------------------- */

static void
side_set_usable (Side *side, gboolean usable)
{
  if (usable == side->usable)
    return;
  side->usable = usable;
  if (usable)
    side->pair->bench->usable++;
  else
    side->pair->bench->usable--;
}

gchar *
scale_side_description (Side *side)
{
  if (side->ice != NULL)
    return ice_agent_get_local_description (side->ice, side->stream);
  return bench_nice_description (side->nice, side->stream);
}

gboolean
scale_side_apply (Side *side, const gchar *text)
{
  GError *error = NULL;

  if (side->nice != NULL)
    return bench_nice_apply (side->nice, side->stream, text);
  if (ice_agent_set_remote_description (side->ice, side->stream, text, &error)
      >= 0)
    return TRUE;
  g_printerr ("# gst-ice refused a description: %s\n", error->message);
  g_error_free (error);
  return FALSE;
}

/* Once both sides have gathered, each gets the other's description. */
static void
side_gathered (Side *side)
{
  Pair *pair = side->pair;
  gchar *d0, *d1;

  side->gathered = TRUE;
  pair->bench->gathered++;
  if (pair->bench->mux)
    return; /* run_case() sends the description to the peer process */
  if (!pair->sides[0].gathered || !pair->sides[1].gathered)
    return;
  d0 = scale_side_description (&pair->sides[0]);
  d1 = scale_side_description (&pair->sides[1]);
  scale_side_apply (&pair->sides[0], d1);
  scale_side_apply (&pair->sides[1], d0);
  g_free (d0);
  g_free (d1);
}

void
scale_side_send (Side *side)
{
  Bench *bench;
  gboolean ok;

  if (side->ice == NULL && side->nice == NULL)
    return; /* the peer process sends for it */
  bench = side->pair->bench;
  if (side->ice != NULL)
    ok = ice_agent_send (side->ice, side->stream, 1, packet, sizeof packet)
         == 1;
  else
    ok = nice_agent_send (side->nice, side->stream, 1, sizeof packet,
                          (const gchar *)packet)
         == sizeof packet;
  if (ok)
    bench->sent++;
  else
    bench->refused++;
}

/* --- gst-ice ------------------------------------------------------------ */

static void
on_ice_gathered (IceAgent *agent, guint stream, Side *side)
{
  side_gathered (side);
}

static void
on_ice_state (IceAgent *agent, guint stream, IceConnectionState state,
              Side *side)
{
  side->last_state = state;
  /* ice-session.h: CONNECTED means every component has a selected pair */
  side_set_usable (side, state == ICE_CONNECTION_CONNECTED
                             || state == ICE_CONNECTION_COMPLETED);
}

static void
on_ice_received (IceAgent *agent, guint stream, guint component,
                 IceAgentDatagram *datagrams, guint n, gpointer data)
{
  Side *side = data;

  g_atomic_pointer_add (&side->pair->bench->received, n);
}

static void
ice_side_make (Side *side, GMainContext *ctx)
{
  const gchar *bind[] = { LOOPBACK, NULL };

  side->ice = ice_agent_new (ctx);
  g_object_set (side->ice, "bind-address", bind, "controlling-mode",
                side->controlling, NULL);
  /* a server's agent waits for its peer as long as it takes: here the
   * peer processes make their agents one after the other */
  if (side->pair->bench->mux)
    g_object_set (side->ice, "udp-mux", MUX_ADDRESS, "peer-timeout", 0, NULL);
  side->stream = ice_agent_add_stream (side->ice, 1);
  g_signal_connect (side->ice, "gathering-done", G_CALLBACK (on_ice_gathered),
                    side);
  g_signal_connect (side->ice, "connection-state-changed",
                    G_CALLBACK (on_ice_state), side);
  ice_agent_set_receive_callback (side->ice, side->stream, 1, on_ice_received,
                                  side, NULL);
}

/* --- libnice ------------------------------------------------------------ */

static void
on_nice_gathered (NiceAgent *agent, guint stream, Side *side)
{
  side_gathered (side);
}

static void
on_nice_state (NiceAgent *agent, guint stream, guint component, guint state,
               Side *side)
{
  side_set_usable (side, state == NICE_COMPONENT_STATE_CONNECTED
                             || state == NICE_COMPONENT_STATE_READY);
}

static void
on_nice_received (NiceAgent *agent, guint stream, guint component, guint len,
                  gchar *buf, gpointer data)
{
  Side *side = data;

  g_atomic_pointer_add (&side->pair->bench->received, 1);
}

static void
nice_side_make (Side *side, GMainContext *ctx)
{
  NiceAddress addr;

  side->nice = nice_agent_new_full (ctx, NICE_COMPATIBILITY_RFC5245,
                                    NICE_AGENT_OPTION_REGULAR_NOMINATION);
  /* like for like (see bench-connect.c): UDP host candidates, no UPnP */
  g_object_set (side->nice, "controlling-mode", side->controlling, "upnp",
                FALSE, "ice-tcp", FALSE, NULL);
  nice_address_init (&addr);
  nice_address_set_from_string (&addr, LOOPBACK);
  nice_agent_add_local_address (side->nice, &addr);
  side->stream = nice_agent_add_stream (side->nice, 1);
  nice_agent_attach_recv (side->nice, side->stream, 1, ctx, on_nice_received,
                          side);
  g_signal_connect (side->nice, "candidate-gathering-done",
                    G_CALLBACK (on_nice_gathered), side);
  g_signal_connect (side->nice, "component-state-changed",
                    G_CALLBACK (on_nice_state), side);
}

gboolean
scale_side_gather (Side *side)
{
  if (side->ice != NULL)
    return ice_agent_gather (side->ice, side->stream, NULL);
  return nice_agent_gather_candidates (side->nice, side->stream);
}

void
scale_side_free (Side *side)
{
  if (side->ice == NULL && side->nice == NULL)
    return;
  if (side->ice != NULL) {
    g_signal_handlers_disconnect_by_data (side->ice, side);
    ice_agent_set_receive_callback (side->ice, side->stream, 1, NULL, NULL,
                                    NULL);
    ice_agent_close (side->ice);
    g_object_unref (side->ice);
  } else {
    g_signal_handlers_disconnect_by_data (side->nice, side);
    nice_agent_attach_recv (side->nice, side->stream, 1, NULL, NULL, NULL);
    g_object_unref (side->nice);
  }
}

void
scale_side_make (Side *side, GMainContext *ctx)
{
  if (side->pair->bench->use_ice)
    ice_side_make (side, ctx);
  else
    nice_side_make (side, ctx);
}
