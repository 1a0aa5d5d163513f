/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The subcommands of the `gst-ice` tool. Each one is a function that gets
 * its own argv (argv[0] is the command's name) and returns the process's
 * exit status. A new command adds its line here and its row to the table
 * in gst-ice.c; optional ones are guarded by the HAVE_CMD_* define that
 * tools/meson.build sets when the file and its dependency exist.
 */
#ifndef __GST_ICE_COMMANDS_H__
#define __GST_ICE_COMMANDS_H__

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses shared by every command (docs/gst-ice-tool.md). */
#define GST_ICE_EXIT_OK 0
#define GST_ICE_EXIT_FAILURE 1
#define GST_ICE_EXIT_USAGE 2

int gst_ice_cmd_stun_dump (int argc, char **argv);
#ifdef HAVE_CMD_SIM
int gst_ice_cmd_sim (int argc, char **argv);
#endif
#ifdef HAVE_CMD_PROBE
int gst_ice_cmd_probe (int argc, char **argv);
#endif
#ifdef HAVE_CMD_SERVE
int gst_ice_cmd_serve (int argc, char **argv);
#endif

/**
 * gst_ice_parse_options:
 * @context: the command's options; its help names "gst-ice @command"
 * @command: the command's name, as typed
 * @argc: the command's argc
 * @argv: the command's argv; not modified
 * @remaining: (out) (transfer full): the arguments that are not options,
 *   without argv[0]; free with g_strfreev()
 *
 * Parses the options and prints a usage error for an unknown or malformed
 * one. `--help` prints the help and exits with status 0. Take text that
 * may be UTF-8 as %G_OPTION_ARG_FILENAME and check it: on Unix GOption
 * converts %G_OPTION_ARG_STRING from the locale's charset, which fails for
 * non-ASCII text under LC_ALL=C.
 *
 * Returns: FALSE after printing a usage error to stderr.
 */
gboolean gst_ice_parse_options (GOptionContext *context, const gchar *command,
                                int argc, char **argv, gchar ***remaining);

/**
 * gst_ice_usage_error:
 * @command: the command's name
 * @format: printf-style message saying what was expected
 *
 * Prints "gst-ice @command: message" and a pointer to the command's help
 * to stderr.
 *
 * Returns: %GST_ICE_EXIT_USAGE, for `return gst_ice_usage_error (...)`.
 */
int gst_ice_usage_error (const gchar *command, const gchar *format, ...)
    G_GNUC_PRINTF (2, 3);

G_END_DECLS
#endif /* __GST_ICE_COMMANDS_H__ */
