/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-connect-peer's libnice side: a NiceAgent set up like the one of
 * bench-connect-mixed.c (RFC 5245 mode, UDP only, no UPnP), its
 * description as the same attribute lines gst-ice writes, and the peer's
 * description parsed line by line for it.
 */
#include <string.h>

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

/* The same attribute lines as ice_agent_get_local_description(). */
gchar *
peer_nice_description (Peer *p)
{
  GString *s = g_string_new (NULL);
  gchar *ufrag = NULL, *pwd = NULL;
  GSList *cands, *l;

  nice_agent_get_local_credentials (p->nice, p->nice_stream, &ufrag, &pwd);
  g_string_append_printf (s, "a=ice-ufrag:%s\na=ice-pwd:%s\n", ufrag, pwd);
  cands = nice_agent_get_local_candidates (p->nice, p->nice_stream, 1);
  for (l = cands; l != NULL; l = l->next) {
    gchar *line = nice_agent_generate_local_candidate_sdp (p->nice, l->data);

    g_string_append_printf (s, "%s\n", line);
    g_free (line);
  }
  g_slist_free_full (cands, (GDestroyNotify)nice_candidate_free);
  g_string_append (s, "a=end-of-candidates\n");
  g_free (ufrag);
  g_free (pwd);
  return g_string_free (s, FALSE);
}

gboolean
peer_nice_apply (Peer *p, const gchar *text)
{
  gchar **lines = g_strsplit (text, "\n", 0), **line;
  gchar *ufrag = NULL, *pwd = NULL;
  GSList *cands = NULL;
  gboolean end = FALSE, ok;

  for (line = lines; *line != NULL; line++) {
    g_strchomp (*line); /* CR of gst-ice's CRLF lines */
    if (g_str_has_prefix (*line, "a=ice-ufrag:"))
      ufrag = *line + strlen ("a=ice-ufrag:");
    else if (g_str_has_prefix (*line, "a=ice-pwd:"))
      pwd = *line + strlen ("a=ice-pwd:");
    else if (g_str_has_prefix (*line, "a=end-of-candidates"))
      end = TRUE;
    else if (g_str_has_prefix (*line, "a=candidate:")) {
      NiceCandidate *c = nice_agent_parse_remote_candidate_sdp (
          p->nice, p->nice_stream, *line);

      if (c != NULL)
        cands = g_slist_append (cands, c);
      else
        g_print ("# libnice refused %s\n", *line);
    }
  }
  ok = ufrag != NULL && pwd != NULL
       && nice_agent_set_remote_credentials (p->nice, p->nice_stream, ufrag,
                                             pwd)
       && nice_agent_set_remote_candidates (p->nice, p->nice_stream, 1, cands)
              >= 0;
  if (ok && end)
    nice_agent_peer_candidate_gathering_done (p->nice, p->nice_stream);
  g_slist_free_full (cands, (GDestroyNotify)nice_candidate_free);
  g_strfreev (lines);
  return ok;
}
