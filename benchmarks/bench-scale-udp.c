/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-scale-udp: the floor under `bench-scale -m`. The same traffic with
 * no ICE at all: one server UDP socket on 127.0.0.1 and N peer sockets in
 * child processes of at most 4000 sockets each (the topology of
 * bench-scale -m: a peer needs its own address, the server has one), every
 * peer and the server sending a 172-byte datagram to the other once per
 * cycle (-c, 40 ms: 25 pkt/s each way, 50 per pair), spread over the cycle
 * on a 1 ms tick, for --seconds, then 0.5 s of drain.
 *
 * Each side does what a plain UDP application does: epoll, then one
 * recvfrom()/sendto() per datagram (as udpsrc/udpsink do). Nothing here
 * is ICE: it says what this machine's kernel and two cores can carry at
 * that N, so that a bench-scale figure can be read against it.
 *
 * Output: "RESULT impl=udp n=N mux=yes connected=K sent=.. received=..
 * lost=.. cpu_us_per_pkt=.. server_cpu_us_per_pkt=.. fds=.."
 * (connected = peers the server heard from; cpu adds every process).
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "benchmarks/bench-proc.h"
#include "benchmarks/bench-scale-peer.h"

#define PACKET_SIZE BENCH_SCALE_PACKET_SIZE
#define TICK_NS (1000 * 1000)

typedef struct {
  guint64 sent, received;
} Counts;

static gint
udp_socket (void)
{
  struct sockaddr_in any = { .sin_family = AF_INET };
  gint fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

  any.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd < 0 || bind (fd, (struct sockaddr *)&any, sizeof any) < 0)
    g_error ("UDP socket: %s", g_strerror (errno));
  return fd;
}

static gint
tick_timer (void)
{
  struct itimerspec every = { { 0, TICK_NS }, { 0, TICK_NS } };
  gint fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK);

  if (fd < 0 || timerfd_settime (fd, 0, &every, NULL) < 0)
    g_error ("timerfd: %s", g_strerror (errno));
  return fd;
}

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

/* Ticks since the last read, at least 1 (the timer fired). */
static guint64
ticks (gint timer)
{
  guint64 n = 0;

  return read (timer, &n, sizeof n) == sizeof n && n > 0 ? n : 1;
}

/* Everything queued on @fd; @from (optional) gets each source. */
static void
drain (gint fd, Counts *c, void (*from) (const struct sockaddr_in *, gpointer),
       gpointer data)
{
  guint8 buf[2048];
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;

  while (recvfrom (fd, buf, sizeof buf, 0, (struct sockaddr *)&addr, &len)
         >= 0) {
    c->received++;
    if (from)
      from (&addr, data);
    len = sizeof addr;
  }
}

/* --- a peer process: @n connected sockets ------------------------------ */

static void
peer_run (guint n, guint16 server_port, guint cycle_ms, gint64 end_ms, gint out)
{
  struct sockaddr_in server = { .sin_family = AF_INET };
  guint8 payload[PACKET_SIZE] = { 0 };
  struct epoll_event ev, evs[256];
  gint *fds = g_new (gint, n), ep = epoll_create1 (0), timer = tick_timer ();
  Counts c = { 0 };
  guint64 tick = 0;
  guint i;

  server.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  server.sin_port = htons (server_port);
  for (i = 0; i < n; i++) {
    fds[i] = udp_socket ();
    connect (fds[i], (struct sockaddr *)&server, sizeof server);
    ev.events = EPOLLIN;
    ev.data.u32 = i;
    epoll_ctl (ep, EPOLL_CTL_ADD, fds[i], &ev);
  }
  ev.events = EPOLLIN;
  ev.data.u32 = G_MAXUINT32;
  epoll_ctl (ep, EPOLL_CTL_ADD, timer, &ev);
  while (now_ms () < end_ms) {
    gint k, got = epoll_wait (ep, evs, G_N_ELEMENTS (evs), 10);

    for (k = 0; k < got; k++) {
      if (evs[k].data.u32 != G_MAXUINT32) {
        drain (fds[evs[k].data.u32], &c, NULL, NULL);
        continue;
      }
      /* socket i sends on the ticks i, i + cycle, i + 2 cycle, ... */
      for (guint64 t = ticks (timer); t > 0; t--, tick++)
        for (i = tick % cycle_ms; i < n; i += cycle_ms)
          if (now_ms () < end_ms - BENCH_SCALE_DRAIN_MS
              && send (fds[i], payload, sizeof payload, 0) >= 0)
            c.sent++;
    }
  }
  if (write (out, &c, sizeof c) != sizeof c)
    g_error ("peer: cannot report");
  _exit (0);
}

/* --- the server: one socket --------------------------------------------- */

typedef struct {
  struct sockaddr_in *peers; /* in the order first heard */
  guint n_peers, max_peers;
  GHashTable *known; /* port → TRUE */
} Server;

static void
learn_peer (const struct sockaddr_in *from, gpointer data)
{
  Server *s = data;
  gpointer key = GUINT_TO_POINTER ((guint)ntohs (from->sin_port));

  if (s->n_peers == s->max_peers || g_hash_table_contains (s->known, key))
    return;
  g_hash_table_add (s->known, key);
  s->peers[s->n_peers++] = *from;
}

static void
server_run (Server *s, gint fd, guint cycle_ms, gint64 end_ms, Counts *c)
{
  guint8 payload[PACKET_SIZE] = { 0 };
  struct epoll_event ev, evs[8];
  gint ep = epoll_create1 (0), timer = tick_timer ();
  guint64 tick = 0;

  ev.events = EPOLLIN;
  ev.data.fd = fd;
  epoll_ctl (ep, EPOLL_CTL_ADD, fd, &ev);
  ev.data.fd = timer;
  epoll_ctl (ep, EPOLL_CTL_ADD, timer, &ev);
  while (now_ms () < end_ms) {
    gint k, got = epoll_wait (ep, evs, G_N_ELEMENTS (evs), 10);

    for (k = 0; k < got; k++) {
      if (evs[k].data.fd == fd) {
        drain (fd, c, learn_peer, s);
        continue;
      }
      for (guint64 t = ticks (timer); t > 0; t--, tick++)
        for (guint i = tick % cycle_ms; i < s->n_peers; i += cycle_ms)
          if (now_ms () < end_ms - BENCH_SCALE_DRAIN_MS
              && sendto (fd, payload, sizeof payload, 0,
                         (struct sockaddr *)&s->peers[i], sizeof s->peers[i])
                     >= 0)
            c->sent++;
    }
  }
}

static gdouble
children_cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_CHILDREN, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec
         + ru.ru_stime.tv_usec / 1e6;
}

int
main (int argc, char **argv)
{
  guint n = 100, seconds = 5, cycle_ms = BENCH_SCALE_CYCLE_MS;
  GOptionEntry entries[]
      = { { "pairs", 'n', 0, G_OPTION_ARG_INT, &n, "peer sockets", "N" },
          { "seconds", 's', 0, G_OPTION_ARG_INT, &seconds, "traffic", "S" },
          { "cycle", 'c', 0, G_OPTION_ARG_INT, &cycle_ms,
            "each side sends once per C ms", "C" },
          { NULL } };
  GOptionContext *opts = g_option_context_new ("- raw UDP at bench-scale's N");
  Server s = { 0 };
  Counts server = { 0 }, peers = { 0 }, one;
  struct sockaddr_in bound;
  socklen_t len = sizeof bound;
  gint fd, pipes[2];
  guint base, n_procs = 0;
  gint64 end_ms;
  gdouble cpu0, server_cpu, all_cpu;

  g_option_context_add_main_entries (opts, entries, NULL);
  if (!g_option_context_parse (opts, &argc, &argv, NULL) || n == 0
      || cycle_ms == 0) {
    g_printerr ("usage: bench-scale-udp [-n N] [-s S] [-c C]\n");
    return 2;
  }
  g_option_context_free (opts);
  /* a peer process holds up to 4000 sockets (4 fds per "pair" here) */
  bench_proc_raise_fd_limit (MIN (n, BENCH_PEERS_PER_PROCESS) / 4 + 1);
  fd = udp_socket ();
  getsockname (fd, (struct sockaddr *)&bound, &len);
  s.max_peers = n;
  s.peers = g_new0 (struct sockaddr_in, n);
  s.known = g_hash_table_new (NULL, NULL);
  if (pipe (pipes) < 0)
    g_error ("pipe: %s", g_strerror (errno));
  end_ms = now_ms () + 1000 + seconds * 1000 + BENCH_SCALE_DRAIN_MS;
  for (base = 0; base < n; base += BENCH_PEERS_PER_PROCESS, n_procs++) {
    if (fork () == 0) {
      close (fd);
      peer_run (MIN (BENCH_PEERS_PER_PROCESS, n - base), ntohs (bound.sin_port),
                cycle_ms, end_ms, pipes[1]);
    }
  }
  cpu0 = bench_proc_cpu_seconds ();
  server_run (&s, fd, cycle_ms, end_ms, &server);
  server_cpu = bench_proc_cpu_seconds () - cpu0;
  for (guint i = 0; i < n_procs; i++) {
    if (read (pipes[0], &one, sizeof one) != sizeof one)
      g_error ("a peer process did not report");
    peers.sent += one.sent;
    peers.received += one.received;
  }
  while (wait (NULL) > 0)
    ;
  all_cpu = server_cpu + children_cpu_seconds ();
  g_print ("RESULT impl=udp n=%u mux=yes connected=%u sent=%" G_GUINT64_FORMAT
           " received=%" G_GUINT64_FORMAT " lost=%" G_GINT64_FORMAT
           " cpu_us_per_pkt=%.1f server_cpu_us_per_pkt=%.1f fds=%u\n",
           n, s.n_peers, server.sent + peers.sent,
           server.received + peers.received,
           (gint64)(server.sent + peers.sent)
               - (gint64)(server.received + peers.received),
           all_cpu * 1e6 / MAX (server.received + peers.received, 1),
           server_cpu * 1e6 / MAX (server.received, 1), bench_proc_open_fds ());
  g_hash_table_unref (s.known);
  g_free (s.peers);
  return 0;
}
