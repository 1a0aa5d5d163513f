/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A libnice peer (controlled, RFC 5245) that meets a gst-ice element in a
 * file:// room (docs/signalling-file.md) and receives its media:
 *
 *   nice-room-peer ROOM_DIR LOCAL_IP N_PACKETS
 *
 * It gathers on LOCAL_IP only, waits for the first other *.ice file in
 * the room, claims it by writing its own description (a file that claims
 * its reader counts at once, so no liveness wait), and once that file
 * claims it back gives its credentials and candidates to libnice. Lines
 * libnice cannot parse (mDNS "<uuid>.local" names: libnice resolves
 * none) are skipped and counted. After N_PACKETS datagrams it prints
 *
 *   skipped-lines N
 *   selected local TYPE IP:PORT remote TYPE IP:PORT
 *
 * and exits 0; after 20 s without them it exits 1. One thread, one main
 * loop: the room is polled every 50 ms.
 */
#include <glib/gstdio.h>
#include <nice/agent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEADLINE_S 20
#define POLL_MS 50

typedef struct {
  GMainLoop *loop;
  NiceAgent *agent;
  guint stream;
  gchar *room;
  gchar id[17];
  gchar *peer;       /* the claimed file's id */
  gboolean gathered; /* our description is complete */
  guint generation;
  gboolean credentials_given;
  GHashTable *lines_seen; /* the peer's candidate lines handled */
  guint skipped;
  guint received, wanted;
  int status;
} Peer;

static const gchar *
type_name (NiceCandidateType t)
{
  switch (t) {
    case NICE_CANDIDATE_TYPE_HOST:
      return "host";
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
      return "srflx";
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
      return "prflx";
    case NICE_CANDIDATE_TYPE_RELAYED:
      return "relay";
  }
  return "?";
}

static void
print_candidate (const gchar *what, NiceCandidate *c)
{
  gchar ip[NICE_ADDRESS_STRING_LEN];

  nice_address_to_string (&c->addr, ip);
  printf (" %s %s %s:%u", what, type_name (c->type), ip,
          nice_address_get_port (&c->addr));
}

static void
finish (Peer *p)
{
  NiceCandidate *local = NULL, *remote = NULL;

  printf ("skipped-lines %u\n", p->skipped);
  if (nice_agent_get_selected_pair (p->agent, p->stream, 1, &local, &remote)) {
    printf ("selected");
    print_candidate ("local", local);
    print_candidate ("remote", remote);
    printf ("\n");
  } else {
    printf ("selected none\n");
  }
  fflush (stdout);
  p->status = 0;
  g_main_loop_quit (p->loop);
}

static void
on_recv (NiceAgent *agent, guint stream, guint component, guint len, gchar *buf,
         gpointer data)
{
  Peer *p = data;

  if (++p->received == p->wanted)
    finish (p);
}

/* Our description, replacing the file atomically (g_file_set_contents). */
static void
write_description (Peer *p)
{
  GString *s = g_string_new (NULL);
  GSList *cands, *l;
  gchar *ufrag = NULL, *pwd = NULL, *path;

  nice_agent_get_local_credentials (p->agent, p->stream, &ufrag, &pwd);
  g_string_append_printf (s, "a=mid:0\na=x-gst-ice-generation:%u\n",
                          ++p->generation);
  g_string_append_printf (s, "a=x-gst-ice-peer:%s\n", p->peer);
  g_string_append_printf (s, "a=ice-ufrag:%s\na=ice-pwd:%s\n", ufrag, pwd);
  g_string_append (s, "a=ice-options:trickle\n");
  cands = nice_agent_get_local_candidates (p->agent, p->stream, 1);
  for (l = cands; l != NULL; l = l->next) {
    gchar *line = nice_agent_generate_local_candidate_sdp (p->agent, l->data);

    g_string_append_printf (s, "%s\n", line);
    g_free (line);
  }
  g_slist_free_full (cands, (GDestroyNotify)nice_candidate_free);
  g_string_append (s, "a=end-of-candidates\n");
  path = g_strdup_printf ("%s/%s.ice", p->room, p->id);
  if (!g_file_set_contents (path, s->str, -1, NULL))
    g_printerr ("cannot write %s\n", path);
  g_free (path);
  g_string_free (s, TRUE);
  g_free (ufrag);
  g_free (pwd);
}

static gchar *
field (gchar **lines, const gchar *prefix)
{
  guint i;

  for (i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strstrip (g_strdup (lines[i] + strlen (prefix)));
  return NULL;
}

/* The claimed peer's file: credentials once, new candidate lines. */
static void
read_peer (Peer *p, gchar **lines)
{
  gchar *ufrag = field (lines, "a=ice-ufrag:");
  gchar *pwd = field (lines, "a=ice-pwd:");
  guint i;

  if (!p->credentials_given && ufrag != NULL && pwd != NULL)
    p->credentials_given
        = nice_agent_set_remote_credentials (p->agent, p->stream, ufrag, pwd);
  for (i = 0; lines[i] != NULL && p->credentials_given; i++) {
    gchar *line = g_strstrip (g_strdup (lines[i]));
    NiceCandidate *cand;
    GSList *list;

    if (!g_str_has_prefix (line, "a=candidate:")
        || g_hash_table_contains (p->lines_seen, line)) {
      g_free (line);
      continue;
    }
    g_hash_table_add (p->lines_seen, line);
    cand = nice_agent_parse_remote_candidate_sdp (p->agent, p->stream, line);
    if (cand == NULL) {
      p->skipped++;
      continue;
    }
    list = g_slist_append (NULL, cand);
    nice_agent_set_remote_candidates (p->agent, p->stream, 1, list);
    g_slist_free_full (list, (GDestroyNotify)nice_candidate_free);
  }
  g_free (ufrag);
  g_free (pwd);
}

static void
look_at (Peer *p, const gchar *name)
{
  gchar *path = g_build_filename (p->room, name, NULL);
  gchar *text = NULL, **lines, *claims;
  gchar *id = g_strndup (name, strlen (name) - strlen (".ice"));

  if (g_file_get_contents (path, &text, NULL, NULL)) {
    lines = g_strsplit (text, "\n", -1);
    claims = field (lines, "a=x-gst-ice-peer:");
    if (p->peer == NULL && (claims == NULL || g_str_equal (claims, p->id))) {
      p->peer = g_strdup (id);
      write_description (p);
    }
    if (p->peer != NULL && g_str_equal (p->peer, id)
        && g_strcmp0 (claims, p->id) == 0)
      read_peer (p, lines);
    g_free (claims);
    g_strfreev (lines);
  }
  g_free (id);
  g_free (text);
  g_free (path);
}

static gboolean
poll_room (gpointer data)
{
  Peer *p = data;
  GDir *dir;
  const gchar *name;

  if (!p->gathered)
    return G_SOURCE_CONTINUE;
  dir = g_dir_open (p->room, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".ice") && !g_str_has_prefix (name, p->id))
      look_at (p, name);
  if (dir != NULL)
    g_dir_close (dir);
  return G_SOURCE_CONTINUE;
}

static void
on_gathering_done (NiceAgent *agent, guint stream, gpointer data)
{
  ((Peer *)data)->gathered = TRUE;
}

static gboolean
on_deadline (gpointer data)
{
  Peer *p = data;

  g_printerr ("no %u datagrams within %d s (got %u)\n", p->wanted, DEADLINE_S,
              p->received);
  g_main_loop_quit (p->loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  Peer p = { 0 };
  NiceAddress local;
  gchar *path;

  if (argc != 4 || !nice_address_set_from_string (&local, argv[2])) {
    g_printerr ("usage: %s ROOM_DIR LOCAL_IP N_PACKETS\n", argv[0]);
    return 2;
  }
  p.room = argv[1];
  p.wanted = (guint)g_ascii_strtoull (argv[3], NULL, 10);
  p.status = 1;
  p.lines_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_snprintf (p.id, sizeof (p.id), "%08x%08x", g_random_int (),
              g_random_int ());
  p.loop = g_main_loop_new (NULL, FALSE);
  p.agent = nice_agent_new_full (NULL, NICE_COMPATIBILITY_RFC5245,
                                 NICE_AGENT_OPTION_REGULAR_NOMINATION);
  g_object_set (p.agent, "controlling-mode", FALSE, "upnp", FALSE, NULL);
  nice_agent_add_local_address (p.agent, &local);
  p.stream = nice_agent_add_stream (p.agent, 1);
  nice_agent_attach_recv (p.agent, p.stream, 1, NULL, on_recv, &p);
  g_signal_connect (p.agent, "candidate-gathering-done",
                    G_CALLBACK (on_gathering_done), &p);
  nice_agent_gather_candidates (p.agent, p.stream);
  g_timeout_add (POLL_MS, poll_room, &p);
  g_timeout_add_seconds (DEADLINE_S, on_deadline, &p);
  g_main_loop_run (p.loop);

  path = g_strdup_printf ("%s/%s.ice", p.room, p.id);
  g_unlink (path);
  g_free (path);
  g_object_unref (p.agent);
  g_main_loop_unref (p.loop);
  g_hash_table_unref (p.lines_seen);
  g_free (p.peer);
  return p.status;
}
