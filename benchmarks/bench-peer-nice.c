/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-connect-peer's libnice side: a NiceAgent set up like the one of
 * bench-connect-mixed.c (RFC 5245 mode, UDP only, no UPnP), its
 * description as the same attribute lines gst-ice writes, and the peer's
 * description parsed line by line for it.
 */

#include "benchmarks/bench-connect-peer.h"

static void
on_nice_gathered (NiceAgent *agent, guint stream, Peer *p)
{
  peer_gathered (p);
}

static void
on_nice_state (NiceAgent *agent, guint stream, guint component, guint state,
               Peer *p)
{
  if (state == NICE_COMPONENT_STATE_FAILED) {
    peer_finish (p, 1, "libnice: component failed");
    return;
  }
  /* test-beds.md: as controlled it may stay CONNECTED for seconds */
  p->usable = state == NICE_COMPONENT_STATE_CONNECTED
              || state == NICE_COMPONENT_STATE_READY;
  peer_check_connected (p);
}

static void
on_nice_pair (NiceAgent *agent, guint stream, guint component,
              NiceCandidate *local, NiceCandidate *remote, Peer *p)
{
  gchar *l = nice_agent_generate_local_candidate_sdp (agent, local);
  gchar *r = nice_agent_generate_local_candidate_sdp (agent, remote);

  g_free (p->pair);
  /* skip the "a=" of libnice's lines */
  p->pair = peer_short_pair (l + 2, r + 2);
  p->has_pair = TRUE;
  g_free (l);
  g_free (r);
  peer_check_connected (p);
}

static void
discard_received (NiceAgent *agent, guint stream, guint component, guint len,
                  gchar *buf, gpointer user_data)
{}

void
peer_nice_make (Peer *p)
{
  GMainContext *ctx = g_main_context_get_thread_default ();

  p->nice
      = nice_agent_new_full (ctx, NICE_COMPATIBILITY_RFC5245,
                             p->regular ? NICE_AGENT_OPTION_REGULAR_NOMINATION
                                        : NICE_AGENT_OPTION_NONE);
  /* like for like (see bench-connect.c): UDP only, no UPnP */
  g_object_set (p->nice, "controlling-mode", p->controlling, "upnp", FALSE,
                "ice-tcp", FALSE, NULL);
  if (p->stun_host != NULL)
    g_object_set (p->nice, "stun-server", p->stun_host, "stun-server-port",
                  p->stun_port, NULL);
  p->nice_stream = nice_agent_add_stream (p->nice, 1);
  if (p->turn_host != NULL)
    nice_agent_set_relay_info (p->nice, p->nice_stream, 1, p->turn_host,
                               p->turn_port, p->turn_user, p->turn_pass,
                               NICE_RELAY_TYPE_TURN_UDP);
  nice_agent_attach_recv (p->nice, p->nice_stream, 1, ctx, discard_received,
                          NULL);
  g_signal_connect (p->nice, "candidate-gathering-done",
                    G_CALLBACK (on_nice_gathered), p);
  g_signal_connect (p->nice, "component-state-changed",
                    G_CALLBACK (on_nice_state), p);
  g_signal_connect (p->nice, "new-selected-pair-full",
                    G_CALLBACK (on_nice_pair), p);
}

static void
on_nice_closed (GObject *agent, GAsyncResult *result, gpointer data)
{
  *(gboolean *)data = TRUE;
}

static gboolean
on_close_timeout (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets libnice release its TURN allocation (refresh with lifetime 0)
 * before the agent goes, for at most a second. */
void
peer_nice_close (Peer *p, GMainContext *ctx)
{
  gboolean closed = FALSE, late = FALSE;
  GSource *timer = g_timeout_source_new (1000);

  g_source_set_callback (timer, on_close_timeout, &late, NULL);
  g_source_attach (timer, ctx);
  nice_agent_close_async (p->nice, on_nice_closed, &closed);
  while (!closed && !late)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
}
