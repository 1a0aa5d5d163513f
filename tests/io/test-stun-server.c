/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Server-reflexive discovery against a real coturn started by the test on
 * 127.0.0.1: the Binding result comes back, and the srflx candidate equal
 * to the host candidate is dropped as redundant (RFC 8445 §5.1.3).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "io-test-util.h"

typedef struct {
  gchar *dir;
  GPid pid;
  guint16 port;
} Coturn;

static guint16
free_udp_port (void)
{
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0), *bound;
  guint16 port;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  g_object_unref (any);
  g_object_unref (lo);
  g_object_unref (socket);
  return port;
}

/* One Binding request (RFC 8489 §5: type 0x0001, magic cookie); TRUE if a
 * Binding success (0x0101) comes back within 100 ms. */
static gboolean
probe_binding (GSocket *socket, GSocketAddress *server)
{
  guint8 req[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };
  guint8 resp[512];
  gssize n;
  guint i;

  for (i = 8; i < 20; i++)
    req[i] = g_random_int_range (0, 256);
  g_socket_send_to (socket, server, (gchar *)req, sizeof (req), NULL, NULL);
  g_socket_set_timeout (socket, 0);
  if (!g_socket_condition_timed_wait (socket, G_IO_IN, 100000, NULL, NULL))
    return FALSE;
  n = g_socket_receive (socket, (gchar *)resp, sizeof (resp), NULL, NULL);
  return n >= 20 && resp[0] == 0x01 && resp[1] == 0x01
         && memcmp (resp + 8, req + 8, 12) == 0;
}

static gboolean
wait_ready (guint16 port)
{
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *server = g_inet_socket_address_new (lo, port);
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  gboolean ready = FALSE;

  while (!ready && g_get_monotonic_time () < deadline)
    ready = probe_binding (socket, server);
  g_object_unref (server);
  g_object_unref (lo);
  g_object_unref (socket);
  return ready;
}

/* A failed assertion aborts the test: take coturn down with it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
coturn_spawn (Coturn *turn, const gchar *path)
{
  gchar *port = g_strdup_printf ("%u", turn->port);
  gchar *log = g_build_filename (turn->dir, "turn.log", NULL);
  gchar *db = g_build_filename (turn->dir, "turndb", NULL);
  const gchar *argv[] = { path,
                          "-n",
                          "--no-cli",
                          "--no-tls",
                          "--no-dtls",
                          "--no-tcp",
                          "--stun-only",
                          "-L",
                          "127.0.0.1",
                          "-p",
                          port,
                          "--log-file",
                          log,
                          "--simple-log",
                          "--no-stdout-log",
                          "--userdb",
                          db,
                          "--realm",
                          "gst-ice.test",
                          NULL };
  GError *error = NULL;

  g_spawn_async (turn->dir, (gchar **)argv, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL,
                 die_with_parent, NULL, &turn->pid, &error);
  g_assert_no_error (error);
  g_free (port);
  g_free (log);
  g_free (db);
}

static void
coturn_kill (Coturn *turn)
{
  gint status;

  if (turn->pid <= 0)
    return;
  kill (turn->pid, SIGTERM);
  while (waitpid (turn->pid, &status, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (turn->pid);
  turn->pid = 0;
}

static void
print_log (Coturn *turn)
{
  gchar *path = g_build_filename (turn->dir, "turn.log", NULL);
  gchar *text = NULL;

  if (g_file_get_contents (path, &text, NULL, NULL))
    g_test_message ("coturn log:\n%s", text);
  g_free (text);
  g_free (path);
}

/* The port comes from a socket closed just before: if someone else took
 * it meanwhile, the second attempt uses another one. */
static gboolean
coturn_start (Coturn *turn, const gchar *path)
{
  GError *error = NULL;
  guint attempt;

  turn->dir = g_dir_make_tmp ("gst-ice-coturn-XXXXXX", &error);
  g_assert_no_error (error);
  for (attempt = 0; attempt < 2; attempt++) {
    turn->port = free_udp_port ();
    coturn_spawn (turn, path);
    if (wait_ready (turn->port))
      return TRUE;
    print_log (turn);
    coturn_kill (turn);
  }
  return FALSE;
}

static void
remove_dir (const gchar *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    gchar *path = g_build_filename (dir, name, NULL);

    g_unlink (path);
    g_free (path);
  }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}

static void
coturn_stop (Coturn *turn)
{
  coturn_kill (turn);
  if (turn->dir != NULL && g_getenv ("IO_TEST_KEEP_COTURN") == NULL)
    remove_dir (turn->dir);
  g_free (turn->dir);
}

static guint
count_type (GPtrArray *lines, const gchar *type)
{
  guint i, n = 0;

  for (i = 0; i < lines->len; i++)
    n += strstr (lines->pdata[i], type) != NULL;
  return n;
}

static void
check_gathered (IceAgent *agent, IoTestGathered *g, gint64 start)
{
  IceAgentStats stats;

  g_assert_true (io_test_gathered_wait (g, start + IO_TEST_TIMEOUT_US
                                               - g_get_monotonic_time ()));
  g_mutex_lock (&g->lock);
  /* one host candidate; the srflx equal to it is redundant */
  g_assert_cmpuint (count_type (g->lines, " typ host"), ==, 1);
  g_assert_cmpuint (count_type (g->lines, " typ srflx"), ==, 0);
  /* ... yet the server did answer: without its Binding result gathering
   * would end only when the request times out, seconds after the first
   * retransmission at 500 ms (RFC 8489 §6.2.1) */
  g_assert_cmpint (g->done_us - start, <, 450 * G_TIME_SPAN_MILLISECOND);
  g_mutex_unlock (&g->lock);
  ice_agent_get_stats (agent, &stats);
  g_assert_cmpuint (stats.dropped[ICE_DROP_UNMATCHED_RESPONSE], ==, 0);
  g_assert_cmpuint (stats.dropped[ICE_DROP_MALFORMED_STUN], ==, 0);
}

static void
gather_against (const gchar *host)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  gchar *turnserver = g_find_program_in_path ("turnserver");
  Coturn turn = { 0 };
  IoTestGathered g;
  IceAgent *agent;
  GError *error = NULL;
  gchar *uri;
  gint64 start;
  guint stream;

  if (turnserver == NULL) {
    g_test_skip ("turnserver (coturn) is not installed");
    return;
  }
  if (!coturn_start (&turn, turnserver)) {
    coturn_stop (&turn);
    g_free (turnserver);
    g_test_fail_printf ("turnserver did not answer a Binding request "
                        "within %d s, twice",
                        (gint)(IO_TEST_TIMEOUT_US / G_USEC_PER_SEC));
    return;
  }
  uri = g_strdup_printf ("stun://%s:%u", host, turn.port);
  agent = ice_agent_new (NULL);
  g_object_set (agent, "bind-address", loopback, "stun-server", uri, NULL);
  io_test_gathered_watch (&g, agent);
  stream = ice_agent_add_stream (agent, 1);
  start = g_get_monotonic_time ();
  g_assert_true (ice_agent_gather (agent, stream, &error));
  g_assert_no_error (error);

  check_gathered (agent, &g, start);

  g_object_unref (agent);
  coturn_stop (&turn);
  g_free (turnserver);
  io_test_gathered_clear (&g);
  g_free (uri);
}

static void
test_srflx_ip (void)
{
  gather_against ("127.0.0.1");
}

/* The same through GResolver on the agent's context. */
static void
test_srflx_resolved (void)
{
  gather_against ("localhost");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/stun-server/srflx-redundant", test_srflx_ip);
  g_test_add_func ("/io/stun-server/srflx-redundant-resolved",
                   test_srflx_resolved);
  return g_test_run ();
}
