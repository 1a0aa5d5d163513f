/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "io-coturn.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

/* Binds @type on 127.0.0.1:@port without SO_REUSEPORT: a coturn that
 * binds with it would share a port silently (docs/turn.md). */
static gboolean
port_is_free (gint type, guint16 port)
{
  struct sockaddr_in sin;
  gint fd = socket (AF_INET, type, 0);
  gboolean ok;

  memset (&sin, 0, sizeof (sin));
  sin.sin_family = AF_INET;
  sin.sin_port = g_htons (port);
  sin.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  ok = fd >= 0 && bind (fd, (struct sockaddr *)&sin, sizeof (sin)) == 0;
  if (fd >= 0)
    close (fd);
  return ok;
}

static guint16
pick_ports (void)
{
  guint tries;

  for (tries = 0; tries < 200; tries++) {
    guint16 port = g_random_int_range (20000, 30000) & ~1;

    if (port_is_free (SOCK_DGRAM, port) && port_is_free (SOCK_STREAM, port)
        && port_is_free (SOCK_STREAM, port + 1))
      return port;
  }
  return 0;
}

static gboolean
run_quietly (const gchar *const *argv)
{
  gint status = -1;

  return g_spawn_sync (NULL, (gchar **)argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                           | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
}

static gboolean
make_certificate (IoCoturn *t, const gchar *key_path)
{
  const gchar *argv[] = { "openssl",  "req",
                          "-x509",    "-newkey",
                          "rsa:2048", "-nodes",
                          "-subj",    "/CN=127.0.0.1",
                          "-addext",  "subjectAltName=IP:127.0.0.1",
                          "-days",    "1",
                          "-keyout",  key_path,
                          "-out",     t->cert_path,
                          NULL };

  return run_quietly (argv);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Readiness by the port answering: coturn listens on TCP once it runs */
static gboolean
wait_listening (guint16 port)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  struct sockaddr_in sin;

  memset (&sin, 0, sizeof (sin));
  sin.sin_family = AF_INET;
  sin.sin_port = g_htons (port);
  sin.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  while (g_get_monotonic_time () < deadline) {
    gint fd = socket (AF_INET, SOCK_STREAM, 0);
    gboolean ok = connect (fd, (struct sockaddr *)&sin, sizeof (sin)) == 0;

    close (fd);
    if (ok)
      return TRUE;
    g_usleep (10000);
  }
  return FALSE;
}

static gchar **
coturn_argv (IoCoturn *t, const gchar *turnserver, const gchar *key_path)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, g_strdup (turnserver));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_build_filename (t->dir, "empty.conf", NULL));
#define OPT(...) g_ptr_array_add (argv, g_strdup_printf (__VA_ARGS__))
  OPT ("--lt-cred-mech");
  OPT ("--user=%s:%s", IO_COTURN_USER, IO_COTURN_PASSWORD);
  OPT ("--realm=gst-ice.test");
  OPT ("--allow-loopback-peers");
  OPT ("--no-cli");
  OPT ("--no-dtls");
  OPT ("--no-rfc5780");
  OPT ("--listening-ip=127.0.0.1");
  OPT ("--relay-ip=127.0.0.1");
  OPT ("--listening-port=%u", t->port);
  OPT ("--tls-listening-port=%u", t->tls_port);
  OPT ("--cert=%s", t->cert_path);
  OPT ("--pkey=%s", key_path);
  OPT ("--min-port=40000");
  OPT ("--max-port=49999");
  OPT ("--log-file=%s", t->log_path);
  OPT ("--simple-log");
  OPT ("--no-stdout-log");
  OPT ("--pidfile=%s/turnserver.pid", t->dir);
  OPT ("--userdb=%s/turndb", t->dir);
#undef OPT
  g_ptr_array_add (argv, NULL);
  return (gchar **)g_ptr_array_free (argv, FALSE);
}

static gboolean
spawn (IoCoturn *t, const gchar *turnserver)
{
  gchar *key_path = g_build_filename (t->dir, "key.pem", NULL);
  gchar **argv = coturn_argv (t, turnserver, key_path);
  gboolean ok;

  g_assert_true (g_spawn_async (t->dir, argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD
                                    | G_SPAWN_STDOUT_TO_DEV_NULL
                                    | G_SPAWN_STDERR_TO_DEV_NULL,
                                die_with_parent, NULL, &t->pid, NULL));
  ok = wait_listening (t->port) && wait_listening (t->tls_port);
  g_strfreev (argv);
  g_free (key_path);
  return ok;
}

gboolean
io_coturn_start (IoCoturn *t)
{
  gchar *turnserver = g_find_program_in_path ("turnserver");
  gchar *openssl = g_find_program_in_path ("openssl");
  gchar *key_path, *empty;
  gboolean ok = FALSE;

  memset (t, 0, sizeof (*t));
  g_free (openssl);
  if (turnserver == NULL || openssl == NULL) {
    g_free (turnserver);
    return FALSE;
  }
  t->dir = g_dir_make_tmp ("io-coturn-XXXXXX", NULL);
  g_assert_nonnull (t->dir);
  t->cert_path = g_build_filename (t->dir, "cert.pem", NULL);
  t->log_path = g_build_filename (t->dir, "turn.log", NULL);
  key_path = g_build_filename (t->dir, "key.pem", NULL);
  empty = g_build_filename (t->dir, "empty.conf", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (make_certificate (t, key_path));
  t->port = pick_ports ();
  t->tls_port = t->port + 1;
  g_assert_cmpuint (t->port, !=, 0);
  ok = spawn (t, turnserver);
  g_assert_true (ok);
  g_free (key_path);
  g_free (empty);
  g_free (turnserver);
  return ok;
}

static void
kill_and_reap (IoCoturn *t, gint signum)
{
  kill (t->pid, signum);
  while (waitpid (t->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (t->pid);
  t->pid = 0;
}

/**
 * io_coturn_crash_and_restart:
 *
 * A server crash and restart: SIGKILL by PID (nothing is released
 * cleanly), then a new turnserver on the same ports, ready when they
 * answer. It knows none of the old allocations.
 */
gboolean
io_coturn_crash_and_restart (IoCoturn *t)
{
  gchar *turnserver = g_find_program_in_path ("turnserver");
  gboolean ok;

  g_assert_nonnull (turnserver);
  kill_and_reap (t, SIGKILL);
  ok = spawn (t, turnserver);
  g_free (turnserver);
  return ok;
}

static void
remove_dir (const gchar *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    gchar *file = g_build_filename (path, name, NULL);

    g_unlink (file);
    g_free (file);
  }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

void
io_coturn_stop (IoCoturn *t)
{
  if (t->pid > 0)
    kill_and_reap (t, SIGTERM);
  if (t->dir != NULL && g_getenv ("TURN_TEST_KEEP") == NULL)
    remove_dir (t->dir);
  g_free (t->dir);
  g_free (t->cert_path);
  g_free (t->log_path);
  memset (t, 0, sizeof (*t));
}

gchar *
io_coturn_uri (IoCoturn *t, const gchar *transport)
{
  if (g_strcmp0 (transport, "tls") == 0)
    return g_strdup_printf ("turns://%s@127.0.0.1:%u",
                            IO_COTURN_URI_CREDENTIALS, t->tls_port);
  return g_strdup_printf ("turn://%s@127.0.0.1:%u?transport=%s",
                          IO_COTURN_URI_CREDENTIALS, t->port, transport);
}
