/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * nice-room-peer: a libnice peer (an independent ICE implementation) that
 * meets a gst-ice element in a file:// room (docs/signalling-file.md) and
 * receives its media, for the netns tests:
 *
 *   nice-room-peer ROOM IP [--tcp] [--count N] [--timeout S]
 *
 * It gathers on IP (--tcp: libnice's ICE-TCP on as well as UDP), writes
 * its description into ROOM as <id>.ice once gathering is done, claims
 * the other live file of stream 0 and, once that file claims it back,
 * applies the peer's credentials and candidates (again whenever the file
 * changes: trickle). Candidate lines libnice cannot parse (mDNS
 * "<uuid>.local" names: libnice resolves none) are skipped. It prints
 * "selected LOCAL <-> REMOTE" (libnice's candidate lines) for each selected
 * pair and, once N datagrams (default 50) arrived, "skipped-lines K" (of
 * the last description applied) and exits 0; 1 on failure or after S
 * seconds (default 20).
 */
#include <glib/gstdio.h>
#include <nice/agent.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  GMainLoop *loop;
  NiceAgent *nice;
  guint stream;
  gchar *room;
  gchar id[17];
  gchar *path;
  guint generation;
  GString *candidates; /* our a=candidate lines */
  gboolean gathered;
  gchar *peer_id;       /* the file we claim */
  gchar *peer_contents; /* its last contents applied */
  gboolean paired;
  guint wanted, received;
  guint skipped; /* candidate lines of the last apply libnice refused */
  gint status;
} Peer;

static void
finish (Peer *p, gint status, const gchar *why)
{
  if (why != NULL)
    g_printerr ("nice-room-peer: %s\n", why);
  p->status = status;
  g_main_loop_quit (p->loop);
}

/* The whole file, replaced atomically (temp file, rename), mode 0600 */
static void
write_description (Peer *p)
{
  gchar *ufrag = NULL, *pwd = NULL, *text;
  GError *error = NULL;

  nice_agent_get_local_credentials (p->nice, p->stream, &ufrag, &pwd);
  text = g_strdup_printf (
      "a=mid:0\na=x-gst-ice-generation:%u\n%s%s%s"
      "a=ice-ufrag:%s\na=ice-pwd:%s\n%sa=end-of-candidates\n",
      ++p->generation, p->peer_id ? "a=x-gst-ice-peer:" : "",
      p->peer_id ? p->peer_id : "", p->peer_id ? "\n" : "", ufrag, pwd,
      p->candidates->str);
  if (!g_file_set_contents_full (p->path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    finish (p, 1, error->message);
  g_clear_error (&error);
  g_free (text);
  g_free (ufrag);
  g_free (pwd);
}

/* The value of "a=NAME:" in @contents, or NULL */
static gchar *
attribute (const gchar *contents, const gchar *name)
{
  gchar **lines = g_strsplit (contents, "\n", -1);
  gchar *prefix = g_strdup_printf ("a=%s:", name), *value = NULL;
  guint i;

  for (i = 0; lines[i] != NULL && value == NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      value = g_strstrip (g_strdup (lines[i] + strlen (prefix)));
  g_strfreev (lines);
  g_free (prefix);
  return value;
}

static void
apply_peer (Peer *p, const gchar *contents)
{
  gchar *ufrag = attribute (contents, "ice-ufrag");
  gchar *pwd = attribute (contents, "ice-pwd");
  gchar **lines = g_strsplit (contents, "\n", -1);
  GSList *cands = NULL;
  guint i;

  p->skipped = 0;
  if (ufrag != NULL && pwd != NULL)
    nice_agent_set_remote_credentials (p->nice, p->stream, ufrag, pwd);
  for (i = 0; lines[i] != NULL; i++) {
    NiceCandidate *c;

    if (!g_str_has_prefix (lines[i], "a=candidate:"))
      continue;
    c = nice_agent_parse_remote_candidate_sdp (p->nice, p->stream,
                                               g_strstrip (lines[i]));
    if (c != NULL)
      cands = g_slist_append (cands, c);
    else
      p->skipped++;
  }
  if (cands != NULL)
    nice_agent_set_remote_candidates (p->nice, p->stream, 1, cands);
  g_slist_free_full (cands, (GDestroyNotify)nice_candidate_free);
  g_strfreev (lines);
  g_free (ufrag);
  g_free (pwd);
}

/* The other .ice file of stream 0: its id and contents, or FALSE */
static gboolean
find_other (Peer *p, gchar **id, gchar **contents)
{
  GDir *dir = g_dir_open (p->room, 0, NULL);
  const gchar *name;
  gboolean found = FALSE;

  while (dir != NULL && !found && (name = g_dir_read_name (dir)) != NULL) {
    gchar *path, *mid;

    if (!g_str_has_suffix (name, ".ice") || strlen (name) != 20
        || strncmp (name, p->id, 16) == 0)
      continue;
    path = g_build_filename (p->room, name, NULL);
    if (g_file_get_contents (path, contents, NULL, NULL)) {
      mid = attribute (*contents, "mid");
      found = mid == NULL || strcmp (mid, "0") == 0;
      g_free (mid);
      if (!found)
        g_free (*contents);
    }
    g_free (path);
    if (found)
      *id = g_strndup (name, 16);
  }
  if (dir != NULL)
    g_dir_close (dir);
  return found;
}

static gboolean
poll_room (gpointer data)
{
  Peer *p = data;
  gchar *id = NULL, *contents = NULL, *claims;

  if (!p->gathered || !find_other (p, &id, &contents))
    return G_SOURCE_CONTINUE;
  claims = attribute (contents, "x-gst-ice-peer");
  if (p->peer_id == NULL && (claims == NULL || strcmp (claims, p->id) == 0)) {
    p->peer_id = g_strdup (id);
    write_description (p); /* the claim */
  }
  if (p->peer_id != NULL && strcmp (p->peer_id, id) == 0 && claims != NULL
      && strcmp (claims, p->id) == 0
      && g_strcmp0 (contents, p->peer_contents) != 0) {
    if (!p->paired)
      g_print ("paired with %s\n", id);
    p->paired = TRUE;
    apply_peer (p, contents);
    g_free (p->peer_contents);
    p->peer_contents = g_strdup (contents);
  }
  g_free (claims);
  g_free (id);
  g_free (contents);
  return G_SOURCE_CONTINUE;
}

static void
on_candidate (NiceAgent *agent, NiceCandidate *cand, Peer *p)
{
  gchar *line = nice_agent_generate_local_candidate_sdp (agent, cand);

  g_string_append_printf (p->candidates, "%s\n", line);
  g_free (line);
}

static void
on_gathered (NiceAgent *agent, guint stream, Peer *p)
{
  p->gathered = TRUE;
  write_description (p);
}

static void
on_selected (NiceAgent *agent, guint stream, guint component,
             NiceCandidate *local, NiceCandidate *remote, Peer *p)
{
  gchar *l = nice_agent_generate_local_candidate_sdp (agent, local);
  gchar *r = nice_agent_generate_local_candidate_sdp (agent, remote);

  g_print ("selected %s <-> %s\n", l, r);
  g_free (l);
  g_free (r);
}

static void
on_state (NiceAgent *agent, guint stream, guint component, guint state, Peer *p)
{
  if (state == NICE_COMPONENT_STATE_FAILED)
    finish (p, 1, "the component failed");
}

static void
on_receive (NiceAgent *agent, guint stream, guint component, guint len,
            gchar *buf, gpointer data)
{
  Peer *p = data;

  if (++p->received == p->wanted) {
    g_print ("received %u datagrams\nskipped-lines %u\n", p->received,
             p->skipped);
    finish (p, 0, NULL);
  }
}

static gboolean
on_timeout (gpointer data)
{
  finish (data, 1, "timed out");
  return G_SOURCE_REMOVE;
}

static void
make_agent (Peer *p, const gchar *ip, gboolean tcp)
{
  NiceAddress addr;

  p->nice = nice_agent_new (g_main_loop_get_context (p->loop),
                            NICE_COMPATIBILITY_RFC5245);
  /* gst-ice elements start controlling (ice-role auto) */
  g_object_set (p->nice, "controlling-mode", FALSE, "upnp", FALSE, "ice-tcp",
                tcp, NULL);
  nice_address_init (&addr);
  if (!nice_address_set_from_string (&addr, ip)
      || !nice_agent_add_local_address (p->nice, &addr))
    g_error ("bad local address %s", ip);
  p->stream = nice_agent_add_stream (p->nice, 1);
  nice_agent_attach_recv (p->nice, p->stream, 1,
                          g_main_loop_get_context (p->loop), on_receive, p);
  g_signal_connect (p->nice, "new-candidate-full", G_CALLBACK (on_candidate),
                    p);
  g_signal_connect (p->nice, "candidate-gathering-done",
                    G_CALLBACK (on_gathered), p);
  g_signal_connect (p->nice, "new-selected-pair-full", G_CALLBACK (on_selected),
                    p);
  g_signal_connect (p->nice, "component-state-changed", G_CALLBACK (on_state),
                    p);
}

int
main (int argc, char **argv)
{
  Peer p = { 0 };
  gboolean tcp = FALSE;
  guint timeout_s = 20;
  gint i;

  if (argc < 3) {
    g_printerr ("usage: %s ROOM IP [--tcp] [--count N] [--timeout S]\n",
                argv[0]);
    return 2;
  }
  p.wanted = 50;
  for (i = 3; i < argc; i++) {
    if (strcmp (argv[i], "--tcp") == 0)
      tcp = TRUE;
    else if (strcmp (argv[i], "--count") == 0 && i + 1 < argc)
      p.wanted = atoi (argv[++i]);
    else if (strcmp (argv[i], "--timeout") == 0 && i + 1 < argc)
      timeout_s = atoi (argv[++i]);
  }
  p.room = argv[1];
  g_snprintf (p.id, sizeof (p.id), "%08x%08x", g_random_int (),
              g_random_int ());
  p.path = g_strdup_printf ("%s/%s.ice", p.room, p.id);
  p.candidates = g_string_new (NULL);
  p.loop = g_main_loop_new (NULL, FALSE);
  p.status = 1;
  make_agent (&p, argv[2], tcp);
  g_timeout_add (50, poll_room, &p);
  g_timeout_add_seconds (timeout_s, on_timeout, &p);
  if (!nice_agent_gather_candidates (p.nice, p.stream))
    g_error ("libnice cannot gather");
  g_main_loop_run (p.loop);
  g_unlink (p.path);
  g_object_unref (p.nice);
  return p.status;
}
