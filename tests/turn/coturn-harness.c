/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A real coturn per test, and the loop that drives a TURN client over a
 * real socket (see coturn-harness.h).
 */
#include "coturn-harness.h"
#include "ice/stun/stun-builder.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

#define PROBE_TIMEOUT_US (5 * G_TIME_SPAN_SECOND)

void
addr_from_gio (IceTransportAddr *addr, GSocketAddress *gaddr)
{
  GInetSocketAddress *isa = G_INET_SOCKET_ADDRESS (gaddr);
  gchar *ip
      = g_inet_address_to_string (g_inet_socket_address_get_address (isa));

  g_assert_true (
      ice_addr_parse_ip (addr, ip, g_inet_socket_address_get_port (isa)));
  g_free (ip);
}

GSocketAddress *
addr_to_gio (const IceTransportAddr *addr)
{
  gchar ip[ICE_ADDR_STRLEN];

  return g_inet_socket_address_new_from_string (
      ice_addr_ip_to_string (addr, ip), addr->port);
}

static GSocket *
udp_socket_new (IceTransportAddr *local)
{
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                G_SOCKET_PROTOCOL_UDP, NULL);
  GSocketAddress *any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  GSocketAddress *bound;

  g_assert_nonnull (sock);
  g_assert_true (g_socket_bind (sock, any, FALSE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  if (local)
    addr_from_gio (local, bound);
  g_object_unref (bound);
  g_object_unref (any);
  return sock;
}

/* A port the kernel just gave us for UDP that is also free for TCP, with
 * no SO_REUSEPORT: so no other coturn (which binds with SO_REUSEPORT)
 * listens there. */
static guint16
pick_free_port (void)
{
  guint attempt;

  for (attempt = 0; attempt < 50; attempt++) {
    IceTransportAddr local;
    GSocket *udp = udp_socket_new (&local);
    GSocket *tcp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL);
    GSocketAddress *a = addr_to_gio (&local);
    gboolean ok = g_socket_bind (tcp, a, FALSE, NULL);

    g_object_unref (a);
    g_object_unref (tcp);
    g_object_unref (udp);
    if (ok)
      return local.port;
  }
  g_error ("no free port on 127.0.0.1");
  return 0;
}

/* One STUN Binding request; TRUE when any STUN answer comes back. */
static gboolean
coturn_answers (guint16 port)
{
  static const guint8 tid[12] = { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 };
  GSocket *sock = udp_socket_new (NULL);
  IceTransportAddr server;
  GSocketAddress *to;
  IceStunBuilder b;
  guint8 buf[256];
  gsize len;
  gboolean answered = FALSE;

  ice_addr_set_ipv4 (&server, 0x7f000001, port);
  to = addr_to_gio (&server);
  ice_stun_builder_init (&b, buf, sizeof buf, ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, tid);
  len = ice_stun_builder_finish (&b);
  if (g_socket_send_to (sock, to, (gchar *)buf, len, NULL, NULL) > 0
      && g_socket_condition_timed_wait (
          sock, G_IO_IN, 100 * G_TIME_SPAN_MILLISECOND, NULL, NULL)) {
    gssize n = g_socket_receive (sock, (gchar *)buf, sizeof buf, NULL, NULL);

    answered = n >= 20 && ice_stun_is_message (buf, n);
  }
  g_object_unref (to);
  g_object_unref (sock);
  return answered;
}

static void
coturn_wait_ready (Coturn *t)
{
  gint64 deadline = g_get_monotonic_time () + PROBE_TIMEOUT_US;
  int status;

  while (!coturn_answers (t->port)) {
    if (waitpid (t->pid, &status, WNOHANG) == t->pid)
      g_error ("turnserver exited early (status %d); see %s", status,
               t->log_path);
    if (g_get_monotonic_time () > deadline)
      g_error ("turnserver does not answer on port %u", t->port);
  }
}

/* Runs in the child before exec: if the test aborts on an assertion, the
 * kernel stops coturn with it. */
static void
coturn_child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
argv_add (GPtrArray *argv, ...)
{
  const gchar *arg;
  va_list args;

  va_start (args, argv);
  while ((arg = va_arg (args, const gchar *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
}

gboolean
coturn_start (Coturn *t, const gchar *const *extra)
{
  gchar *turnserver = g_find_program_in_path ("turnserver");
  GPtrArray *argv;
  gchar *conf, *port, *pidfile, *userdb;
  GError *error = NULL;

  memset (t, 0, sizeof (*t));
  if (turnserver == NULL) {
    g_test_skip ("turnserver (coturn) is not installed");
    return FALSE;
  }
  t->dir = g_dir_make_tmp ("gst-ice-turn-XXXXXX", NULL);
  g_assert_nonnull (t->dir);
  t->log_path = g_build_filename (t->dir, "turn.log", NULL);
  /* an empty config: /etc/turnserver.conf may send the log to syslog */
  conf = g_build_filename (t->dir, "turnserver.conf", NULL);
  g_assert_true (g_file_set_contents (conf, "", 0, NULL));
  pidfile = g_build_filename (t->dir, "turnserver.pid", NULL);
  userdb = g_build_filename (t->dir, "turndb", NULL);
  t->port = pick_free_port ();
  port = g_strdup_printf ("%u", t->port);

  argv = g_ptr_array_new_with_free_func (g_free);
  argv_add (argv, turnserver, "-c", conf, "--lt-cred-mech", "--user", "u:p",
            "--realm", "r", "--allow-loopback-peers", "--no-cli",
            "--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1",
            "--listening-port", port, "--min-port", "61000", "--max-port",
            "65000", "--no-tls", "--no-dtls", "--no-rfc5780", "--log-file",
            t->log_path, "--simple-log", "--no-stdout-log", "--pidfile",
            pidfile, "--userdb", userdb, "--fingerprint", "--verbose", NULL);
  for (; extra && *extra; extra++)
    g_ptr_array_add (argv, g_strdup (*extra));
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_async (t->dir, (gchar **)argv->pdata, NULL,
                      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                          | G_SPAWN_STDERR_TO_DEV_NULL,
                      coturn_child_setup, NULL, &t->pid, &error))
    g_error ("cannot start turnserver: %s", error->message);
  g_ptr_array_unref (argv);
  g_free (conf);
  g_free (port);
  g_free (pidfile);
  g_free (userdb);
  g_free (turnserver);
  coturn_wait_ready (t);
  return TRUE;
}

static gboolean
coturn_log_contains (Coturn *t, const gchar *needle)
{
  gchar *text = NULL;
  gboolean found;

  if (!g_file_get_contents (t->log_path, &text, NULL, NULL))
    return FALSE;
  found = strstr (text, needle) != NULL;
  g_free (text);
  return found;
}

/* coturn offers no other signal than its log file: inotify wakes us at
 * each write, and the predicate (the line is there) is checked after each. */
gboolean
coturn_wait_log (Coturn *t, const gchar *needle, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;
  struct pollfd pfd = { .events = POLLIN };
  gchar events[4096];
  gboolean found;

  pfd.fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  g_assert_cmpint (pfd.fd, >=, 0);
  g_assert_cmpint (inotify_add_watch (pfd.fd, t->log_path, IN_MODIFY), >=, 0);
  while (!(found = coturn_log_contains (t, needle))) {
    gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;

    if (left_ms <= 0)
      break;
    if (poll (&pfd, 1, (int)left_ms) > 0)
      while (read (pfd.fd, events, sizeof (events)) > 0)
        ;
  }
  close (pfd.fd);
  return found;
}

static void
remove_dir (const gchar *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL) {
    gchar *file = g_build_filename (path, name, NULL);

    g_remove (file);
    g_free (file);
  }
  if (dir)
    g_dir_close (dir);
  g_rmdir (path);
}

void
coturn_stop (Coturn *t)
{
  int status;

  if (t->pid > 0) {
    kill (t->pid, SIGTERM);
    while (waitpid (t->pid, &status, 0) < 0 && errno == EINTR)
      ;
    g_spawn_close_pid (t->pid);
    t->pid = 0;
  }
  if (t->dir && g_getenv ("TURN_TEST_KEEP") == NULL)
    remove_dir (t->dir);
  g_free (t->dir);
  g_free (t->log_path);
  t->dir = NULL;
  t->log_path = NULL;
}
