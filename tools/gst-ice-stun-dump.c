/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `gst-ice stun-dump FILE|-`: reads one STUN message (binary, or hex text
 * with --hex), prints it as JSON (stun-dump.c) and says by its exit status
 * whether it is valid.
 */
#include "gst-ice-commands.h"
#include "stun-dump.h"

#include "ice/stun/stun-integrity.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define COMMAND "stun-dump"

/* A STUN message is at most 20 + 65535 bytes (RFC 8489 §5: a 16-bit
 * length); annotated hex takes a few times that. Larger input is refused
 * rather than read into memory. */
#define INPUT_MAX (1024 * 1024)

typedef struct {
  gchar *password;
  gchar *username;
  gchar *realm;
  gboolean hex;
  gchar **files;
} DumpOptions;

static void
dump_options_clear (DumpOptions *options)
{
  g_free (options->password);
  g_free (options->username);
  g_free (options->realm);
  g_strfreev (options->files);
}

/* Reads all of @stream, refusing more than INPUT_MAX bytes. */
static GByteArray *
read_stream (FILE *stream, const gchar *name, gchar **error)
{
  GByteArray *bytes = g_byte_array_new ();
  guint8 chunk[4096];
  gsize n;

  while ((n = fread (chunk, 1, sizeof (chunk), stream)) > 0) {
    if (bytes->len + n > INPUT_MAX) {
      *error = g_strdup_printf ("%s: larger than %d bytes, which no STUN "
                                "message is",
                                name, INPUT_MAX);
      g_byte_array_unref (bytes);
      return NULL;
    }
    g_byte_array_append (bytes, chunk, n);
  }
  if (ferror (stream)) {
    *error = g_strdup_printf ("%s: %s", name, g_strerror (errno));
    g_byte_array_unref (bytes);
    return NULL;
  }
  return bytes;
}

static GByteArray *
read_input (const gchar *path, gchar **error)
{
  GByteArray *bytes;
  FILE *stream;

  if (strcmp (path, "-") == 0)
    return read_stream (stdin, "standard input", error);
  stream = fopen (path, "rb");
  if (stream == NULL) {
    *error = g_strdup_printf ("%s: %s", path, g_strerror (errno));
    return NULL;
  }
  bytes = read_stream (stream, path, error);
  fclose (stream);
  return bytes;
}

/* Hex digits in pairs; whitespace between them is ignored and '#' starts a
 * comment that runs to the end of the line, as in the annotated vectors. */
static GByteArray *
decode_hex (const GByteArray *text, gchar **error)
{
  GByteArray *bytes = g_byte_array_new ();
  guint line = 1;
  gint high = -1;
  guint i;

  for (i = 0; i < text->len; i++) {
    gchar c = (gchar)text->data[i];
    guint8 byte;

    if (c == '#') {
      while (i + 1 < text->len && text->data[i + 1] != '\n')
        i++;
    } else if (c == '\n') {
      line++;
    } else if (g_ascii_isspace (c)) {
      continue;
    } else if (!g_ascii_isxdigit (c)) {
      *error = g_strdup_printf ("line %u: expected a hex digit, whitespace "
                                "or '#', not byte 0x%02x",
                                line, text->data[i]);
      g_byte_array_unref (bytes);
      return NULL;
    } else if (high < 0) {
      high = g_ascii_xdigit_value (c);
    } else {
      byte = (guint8)((high << 4) | g_ascii_xdigit_value (c));
      g_byte_array_append (bytes, &byte, 1);
      high = -1;
    }
  }
  if (high >= 0) {
    *error = g_strdup ("odd number of hex digits: the last byte is cut");
    g_byte_array_unref (bytes);
    return NULL;
  }
  return bytes;
}

/* The text options are G_OPTION_ARG_FILENAME, which GOption passes through
 * as bytes: G_OPTION_ARG_STRING converts from the locale's charset and so
 * refuses a UTF-8 user name under LC_ALL=C. They are checked for UTF-8 in
 * check_options(). */
static GOptionContext *
make_context (DumpOptions *options)
{
  const GOptionEntry entries[] = {
    { "password", 'p', 0, G_OPTION_ARG_FILENAME, &options->password,
      "Check MESSAGE-INTEGRITY with this password (short-term key, or "
      "long-term with --user and --realm)",
      "P" },
    { "user", 'u', 0, G_OPTION_ARG_FILENAME, &options->username,
      "User name for the long-term key (RFC 8489 section 9.2.2)", "U" },
    { "realm", 'r', 0, G_OPTION_ARG_FILENAME, &options->realm,
      "Realm for the long-term key", "R" },
    { "hex", 'x', 0, G_OPTION_ARG_NONE, &options->hex,
      "Input is hex text ('#' starts a comment)", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->files,
      NULL, NULL },
    { NULL },
  };
  GOptionContext *context = g_option_context_new ("FILE|-");

  g_option_context_set_summary (
      context,
      "Decodes one STUN message from FILE (or standard input for '-')\n"
      "and prints it as JSON.");
  g_option_context_set_description (
      context,
      "Exit status: 0 valid message; 1 invalid message or failed check\n"
      "(reason on stderr); 2 usage error or unreadable input.\n"
      "See docs/gst-ice-tool.md.\n");
  g_option_context_add_main_entries (context, entries, NULL);
  return context;
}

/* Returns NULL if the options make sense, else what was expected. */
static gchar *
check_options (const DumpOptions *options)
{
  const gchar *reason = NULL;
  gchar *prepared;

  if (options->files == NULL || options->files[0] == NULL)
    return g_strdup ("expected a FILE, or '-' for standard input");
  if (options->files[1] != NULL)
    return g_strdup_printf ("expected one FILE, got also '%s'",
                            options->files[1]);
  if ((options->username == NULL) != (options->realm == NULL))
    return g_strdup ("--user and --realm go together (long-term key)");
  if (options->username != NULL && options->password == NULL)
    return g_strdup ("--user and --realm need --password");
  /* RFC 8489 §14.3, §14.9: USERNAME and REALM are UTF-8 */
  if (options->username != NULL
      && (!g_utf8_validate (options->username, -1, NULL)
          || !g_utf8_validate (options->realm, -1, NULL)))
    return g_strdup ("--user and --realm must be UTF-8 text");
  if (options->password == NULL)
    return NULL;
  prepared = ice_stun_prepare_password (options->password, &reason);
  if (prepared == NULL)
    return g_strdup_printf ("--password is refused by OpaqueString "
                            "(RFC 8265): %s",
                            reason != NULL ? reason : "invalid");
  g_free (prepared);
  return NULL;
}

static GByteArray *
load_message (const DumpOptions *options, gchar **error)
{
  GByteArray *input = read_input (options->files[0], error);
  GByteArray *message;
  gchar *hex_error = NULL;

  if (input == NULL || !options->hex)
    return input;
  message = decode_hex (input, &hex_error);
  g_byte_array_unref (input);
  if (message == NULL) {
    *error = g_strdup_printf ("%s: %s", options->files[0], hex_error);
    g_free (hex_error);
  }
  return message;
}

static int
dump_message (const DumpOptions *options, const GByteArray *message)
{
  StunDumpCredentials credentials
      = { options->username, options->realm, options->password };
  GString *json = g_string_new (NULL);
  const gchar *invalid;

  invalid = stun_dump_json (json, message->data, message->len, &credentials);
  fwrite (json->str, 1, json->len, stdout);
  fflush (stdout);
  g_string_free (json, TRUE);
  if (invalid == NULL)
    return GST_ICE_EXIT_OK;
  fprintf (stderr, "gst-ice " COMMAND ": %s: %s\n", options->files[0], invalid);
  return GST_ICE_EXIT_FAILURE;
}

int
gst_ice_cmd_stun_dump (int argc, char **argv)
{
  DumpOptions options = {
    NULL,
  };
  GOptionContext *context = make_context (&options);
  GByteArray *message = NULL;
  gchar **remaining = NULL;
  gchar *error = NULL;
  int status;

  if (!gst_ice_parse_options (context, COMMAND, argc, argv, &remaining)) {
    status = GST_ICE_EXIT_USAGE;
    goto done;
  }
  /* G_OPTION_REMAINING collected the positional arguments already. */
  g_strfreev (remaining);
  error = check_options (&options);
  if (error != NULL) {
    status = gst_ice_usage_error (COMMAND, "%s", error);
    goto done;
  }
  message = load_message (&options, &error);
  if (message == NULL) {
    fprintf (stderr, "gst-ice " COMMAND ": %s\n", error);
    status = GST_ICE_EXIT_USAGE;
    goto done;
  }
  status = dump_message (&options, message);

done:
  if (message != NULL)
    g_byte_array_unref (message);
  g_free (error);
  g_option_context_free (context);
  dump_options_clear (&options);
  return status;
}
