/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-scale -m: the peer process and the parent's end of its pipes
 * (bench-scale-peer.h). The peers spread over several contexts, each run
 * by its own thread: they are not what is measured, and one context with
 * 10,000 sockets and timers is slow for reasons the mux does not change.
 */
#include "benchmarks/bench-scale-peer.h"

#include "benchmarks/bench-proc.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ice/io/ice-agent.h"

static const guint8 packet[BENCH_SCALE_PACKET_SIZE] = { 0x80, 111 };
/* --- the child ------------------------------------------------------------ */

typedef struct {
  IceAgent *agent;
  guint stream;
  gint usable;
} Peer;

typedef struct {
  guint n;
  Peer *peers;
  GMutex lock;
  GCond cond;
  guint gathered;
  guint64 received; /* atomics */
} Child;

static void
on_gathered (IceAgent *agent, guint stream, Child *child)
{
  g_mutex_lock (&child->lock);
  child->gathered++;
  g_cond_broadcast (&child->cond);
  g_mutex_unlock (&child->lock);
}

static void
on_state (IceAgent *agent, guint stream, IceConnectionState state, Peer *peer)
{
  g_atomic_int_set (&peer->usable, state == ICE_CONNECTION_CONNECTED
                                       || state == ICE_CONNECTION_COMPLETED);
}

static void
on_received (IceAgent *agent, guint stream, guint component,
             IceAgentDatagram *datagrams, guint n, gpointer data)
{
  Child *child = data;

  g_atomic_pointer_add (&child->received, n);
}

static gpointer
run_context (gpointer data)
{
  GMainLoop *loop = data;

  g_main_loop_run (loop);
  return NULL;
}

static void
make_peers (Child *child, GMainContext **contexts, guint threads)
{
  const gchar *bind[] = { "127.0.0.1", NULL };
  guint i;

  for (i = 0; i < child->n; i++) {
    Peer *peer = &child->peers[i];

    peer->agent = ice_agent_new (contexts[i % threads]);
    g_object_set (peer->agent, "bind-address", bind, "controlling-mode", TRUE,
                  "peer-timeout", 0, NULL);
    peer->stream = ice_agent_add_stream (peer->agent, 1);
    g_signal_connect (peer->agent, "gathering-done", G_CALLBACK (on_gathered),
                      child);
    g_signal_connect (peer->agent, "connection-state-changed",
                      G_CALLBACK (on_state), peer);
    ice_agent_set_receive_callback (peer->agent, peer->stream, 1, on_received,
                                    child, NULL);
    ice_agent_gather (peer->agent, peer->stream, NULL);
  }
}

/* Reads "D i desc" lines up to "E" into @descs (indexed by i). */
static gboolean
read_descs (FILE *in, gchar **descs, guint n)
{
  gchar line[8192];

  while (fgets (line, sizeof line, in) != NULL) {
    gchar *end;
    guint64 i;

    if (line[0] == 'E')
      return TRUE;
    if (line[0] != 'D')
      continue;
    i = g_ascii_strtoull (line + 2, &end, 10);
    if (i >= n || *end != ' ')
      continue;
    g_strchomp (end + 1);
    g_free (descs[i]);
    descs[i] = g_strcompress (end + 1);
  }
  return FALSE;
}

static void
answer_descs (Child *child, gchar **descs)
{
  guint i;

  g_mutex_lock (&child->lock);
  while (child->gathered < child->n)
    g_cond_wait (&child->cond, &child->lock);
  g_mutex_unlock (&child->lock);
  for (i = 0; i < child->n; i++) {
    Peer *peer = &child->peers[i];
    gchar *own, *escaped;

    if (descs[i] != NULL)
      ice_agent_set_remote_description (peer->agent, peer->stream, descs[i],
                                        NULL);
    own = ice_agent_get_local_description (peer->agent, peer->stream);
    escaped = g_strescape (own, NULL);
    printf ("D %u %s\n", i, escaped);
    g_free (escaped);
    g_free (own);
  }
  printf ("E\n");
  fflush (stdout);
}

/* The same schedule as the parent: slot s sends for the peers i with
 * i % CYCLE == s % CYCLE. */
static void
run_traffic (Child *child, guint seconds, guint cycle, guint64 *sent,
             guint64 *refused)
{
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + seconds * G_USEC_PER_SEC;
  gint64 next_slot = 0, now;

  while ((now = g_get_monotonic_time ()) < end) {
    gint64 slot_now = (now - start) / 1000;

    for (; next_slot <= slot_now; next_slot++) {
      guint i;

      for (i = next_slot % cycle; i < child->n; i += cycle) {
        if (ice_agent_send (child->peers[i].agent, child->peers[i].stream, 1,
                            packet, sizeof packet)
            == 1)
          (*sent)++;
        else
          (*refused)++;
      }
    }
    g_usleep (1000);
  }
  g_usleep (BENCH_SCALE_DRAIN_MS * 1000);
}

gint
bench_scale_peer_main (guint n, guint threads)
{
  Child child = { n };
  GMainContext **contexts = g_new0 (GMainContext *, threads);
  GMainLoop **loops = g_new0 (GMainLoop *, threads);
  GThread **workers = g_new0 (GThread *, threads);
  gchar **descs = g_new0 (gchar *, n + 1);
  gchar line[256];
  guint64 sent = 0, refused = 0;
  guint i, connected = 0;
  gdouble rss0 = bench_proc_rss_kib (), cpu0;

  g_mutex_init (&child.lock);
  g_cond_init (&child.cond);
  child.peers = g_new0 (Peer, n);
  for (i = 0; i < threads; i++) {
    contexts[i] = g_main_context_new ();
    loops[i] = g_main_loop_new (contexts[i], FALSE);
    workers[i] = g_thread_new ("bench-peer", run_context, loops[i]);
  }
  make_peers (&child, contexts, threads);
  if (!read_descs (stdin, descs, n))
    return 1;
  answer_descs (&child, descs);
  if (fgets (line, sizeof line, stdin) == NULL || line[0] != 'T')
    return 1;
  cpu0 = bench_proc_cpu_seconds ();
  {
    gchar *end;
    guint seconds = g_ascii_strtoull (line + 2, &end, 10);
    guint cycle = g_ascii_strtoull (end, NULL, 10);

    run_traffic (&child, seconds, MAX (cycle, 1), &sent, &refused);
  }
  for (i = 0; i < n; i++)
    connected += g_atomic_int_get (&child.peers[i].usable);
  printf ("R %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
          " %u %.1f %.3f\n",
          sent, (guint64)g_atomic_pointer_get (&child.received), refused,
          connected, bench_proc_rss_kib () - rss0,
          bench_proc_cpu_seconds () - cpu0);
  fflush (stdout);
  /* the process ends here: the agents go with it */
  _exit (0);
}

/* --- the parent's end ----------------------------------------------------- */

struct _BenchPeerProc {
  GPid pid;
  guint base;
  FILE *to_child;
  GIOChannel *from_child;
  GSource *watch;
  BenchPeerDescFunc func;
  gpointer data;
  gboolean descs_done;
};

BenchPeerProc *
bench_peer_spawn (const gchar *self, guint base, guint n, guint threads)
{
  BenchPeerProc *proc = g_new0 (BenchPeerProc, 1);
  gchar *n_arg = g_strdup_printf ("%u", n);
  gchar *j_arg = g_strdup_printf ("%u", threads);
  const gchar *argv[] = { self, "--peer", "-n", n_arg, "-j", j_arg, NULL };
  GError *error = NULL;
  gint in_fd, out_fd;

  if (!g_spawn_async_with_pipes (NULL, (gchar **)argv, NULL, 0, NULL, NULL,
                                 &proc->pid, &in_fd, &out_fd, NULL, &error))
    g_error ("bench-scale: cannot start the peer process: %s", error->message);
  proc->base = base;
  proc->to_child = fdopen (in_fd, "w");
  proc->from_child = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (proc->from_child, TRUE);
  g_free (n_arg);
  g_free (j_arg);
  return proc;
}

void
bench_peer_send_desc (BenchPeerProc *proc, guint index, const gchar *desc)
{
  gchar *escaped = g_strescape (desc, NULL);

  fprintf (proc->to_child, "D %u %s\n", index - proc->base, escaped);
  g_free (escaped);
}

static gboolean
read_child_line (BenchPeerProc *proc, gchar **line)
{
  gsize len;

  return g_io_channel_read_line (proc->from_child, line, &len, NULL, NULL)
         == G_IO_STATUS_NORMAL;
}

static gboolean
on_child_readable (GIOChannel *channel, GIOCondition cond, gpointer data)
{
  BenchPeerProc *proc = data;
  gchar *line = NULL, *end;
  guint64 i;

  /* the child writes whole lines: a read may wait for the end of one */
  do {
    if (!read_child_line (proc, &line) || line[0] == 'E') {
      proc->descs_done = TRUE;
      g_free (line);
      return G_SOURCE_REMOVE;
    }
    i = g_ascii_strtoull (line + 2, &end, 10);
    if (line[0] == 'D' && *end == ' ') {
      gchar *desc;

      g_strchomp (end + 1);
      desc = g_strcompress (end + 1);
      proc->func (proc->base + i, desc, proc->data);
      g_free (desc);
    }
    g_clear_pointer (&line, g_free);
  } while (g_io_channel_get_buffer_condition (channel) & G_IO_IN);
  return G_SOURCE_CONTINUE;
}

void
bench_peer_end_descs (BenchPeerProc *proc, GMainContext *ctx,
                      BenchPeerDescFunc func, gpointer data)
{
  fprintf (proc->to_child, "E\n");
  fflush (proc->to_child);
  proc->func = func;
  proc->data = data;
  proc->watch = g_io_create_watch (proc->from_child, G_IO_IN | G_IO_HUP);
  g_source_set_callback (proc->watch, G_SOURCE_FUNC (on_child_readable), proc,
                         NULL);
  g_source_attach (proc->watch, ctx);
}

void
bench_peer_start_traffic (BenchPeerProc *proc, guint seconds, guint cycle_ms)
{
  fprintf (proc->to_child, "T %u %u\n", seconds, cycle_ms);
  fflush (proc->to_child);
}

gboolean
bench_peer_finish (BenchPeerProc *proc, BenchPeerResult *out)
{
  gchar *line = NULL;
  gboolean ok = FALSE;

  memset (out, 0, sizeof *out);
  if (proc->watch != NULL) {
    g_source_destroy (proc->watch);
    g_source_unref (proc->watch);
  }
  while (read_child_line (proc, &line)) {
    if (line[0] == 'R') {
      ok = sscanf (line,
                   "R %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                   " %" G_GUINT64_FORMAT " %u %lf %lf",
                   &out->sent, &out->received, &out->refused, &out->connected,
                   &out->rss_kib, &out->cpu_s)
           == 6;
      g_free (line);
      break;
    }
    g_clear_pointer (&line, g_free);
  }
  fclose (proc->to_child);
  g_io_channel_unref (proc->from_child);
  waitpid (proc->pid, NULL, 0);
  g_spawn_close_pid (proc->pid);
  g_free (proc);
  return ok;
}
