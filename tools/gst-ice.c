/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `gst-ice COMMAND [ARGS]`: a tool with one subcommand per job, in the way
 * of `git` or `ip`. This file holds only the command table, the top-level
 * help and the helpers that every command shares.
 */
#include "config.h"

#include "gst-ice-commands.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const gchar *name;
  int (*run) (int argc, char **argv);
  const gchar *summary;
} GstIceCommand;

static const GstIceCommand commands[] = {
  { "stun-dump", gst_ice_cmd_stun_dump,
    "decode one STUN message and print it as JSON" },
#ifdef HAVE_CMD_SIM
  { "sim", gst_ice_cmd_sim,
    "run ICE sessions on the virtual network and clock" },
#endif
#ifdef HAVE_CMD_PROBE
  { "probe", gst_ice_cmd_probe,
    "discover the NAT's behaviour with a STUN server (RFC 5780)" },
#endif
#ifdef HAVE_CMD_SERVE
  { "serve", gst_ice_cmd_serve,
    "the WebSocket rendezvous server (and STUN) of ws:// signallers" },
#endif
};

static const GstIceCommand *
find_command (const gchar *name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++) {
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  }
  return NULL;
}

static void
print_usage (FILE *stream)
{
  guint i;

  fprintf (stream, "Usage: gst-ice COMMAND [ARGS...]\n"
                   "       gst-ice help COMMAND\n\n"
                   "Commands:\n");
  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-12s %s\n", commands[i].name, commands[i].summary);
  fprintf (stream,
           "\nOptions:\n"
           "  -h, --help   show this help\n"
           "  --version    show the version\n\n"
           "Exit status: 0 success, 1 failure (e.g. an invalid message), "
           "2 usage error.\n");
}

gboolean
gst_ice_parse_options (GOptionContext *context, const gchar *command, int argc,
                       char **argv, gchar ***remaining)
{
  GError *error = NULL;
  gchar **args;
  int i;

  /* The help's "Usage:" line shows argv[0], so name the command there. */
  args = g_new0 (gchar *, MAX (argc, 1) + 1);
  args[0] = g_strdup_printf ("gst-ice %s", command);
  for (i = 1; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &args, &error)) {
    gst_ice_usage_error (command, "%s", error->message);
    g_error_free (error);
    g_strfreev (args);
    return FALSE;
  }
  *remaining = g_strdupv (args + 1);
  g_strfreev (args);
  return TRUE;
}

int
gst_ice_usage_error (const gchar *command, const gchar *format, ...)
{
  va_list args;

  fprintf (stderr, "gst-ice %s: ", command);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fprintf (stderr, "\nTry 'gst-ice help %s'.\n", command);
  return GST_ICE_EXIT_USAGE;
}

/* `gst-ice help CMD` is `gst-ice CMD --help`: the command owns its help. */
static int
run_help (int argc, char **argv)
{
  const GstIceCommand *command;
  char *help_argv[3];

  if (argc < 3) {
    print_usage (stdout);
    return GST_ICE_EXIT_OK;
  }
  command = find_command (argv[2]);
  if (command == NULL) {
    fprintf (stderr, "gst-ice: unknown command '%s'\n\n", argv[2]);
    print_usage (stderr);
    return GST_ICE_EXIT_USAGE;
  }
  help_argv[0] = argv[2];
  help_argv[1] = (char *)"--help";
  help_argv[2] = NULL;
  return command->run (2, help_argv);
}

int
main (int argc, char **argv)
{
  const GstIceCommand *command;

  setlocale (LC_ALL, "");

  if (argc < 2) {
    print_usage (stderr);
    return GST_ICE_EXIT_USAGE;
  }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0) {
    print_usage (stdout);
    return GST_ICE_EXIT_OK;
  }
  if (strcmp (argv[1], "--version") == 0) {
    printf ("gst-ice %s\n", PACKAGE_VERSION);
    return GST_ICE_EXIT_OK;
  }
  if (strcmp (argv[1], "help") == 0)
    return run_help (argc, argv);

  command = find_command (argv[1]);
  if (command == NULL) {
    fprintf (stderr, "gst-ice: unknown command '%s'\n\n", argv[1]);
    print_usage (stderr);
    return GST_ICE_EXIT_USAGE;
  }
  return command->run (argc - 1, argv + 1);
}
