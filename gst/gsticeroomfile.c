/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A room file (docs/signalling-file.md):
 *
 *   a=mid:0
 *   a=x-gst-ice-generation:7
 *   a=x-gst-ice-peer:5f0c9a27d41e8b36      (once the writer claims a peer)
 *   a=ice-ufrag:...                         (the RFC 8839 description)
 *
 * Files hold a=ice-pwd: they are created 0600, in a 0700 directory when
 * we create it, and replaced atomically (temp file + rename) so that a
 * reader never sees half a file.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticeroomfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define MID_PREFIX "a=mid:"
#define GENERATION_PREFIX "a=x-gst-ice-generation:"
#define PEER_PREFIX "a=x-gst-ice-peer:"
#define UFRAG_PREFIX "a=ice-ufrag:"
/* A description is a few hundred bytes; anything far larger is not ours. */
#define MAX_FILE_SIZE (64 * 1024)

/**
 * gst_ice_room_file_parse:
 * @text: a room file's text (CRLF or LF)
 * @out: (out caller-allocates): the fields; clear with
 *   gst_ice_room_file_clear()
 *
 * Never fails: missing header lines read as 0 / %NULL, so a file from a
 * writer that knows no room protocol is a stream-0 file of generation 0.
 */
void
gst_ice_room_file_parse (const gchar *text, GstIceRoomFile *out)
{
  gchar **lines = g_strsplit (text, "\n", -1);
  GPtrArray *description = g_ptr_array_new ();
  guint i;

  memset (out, 0, sizeof (*out));
  for (i = 0; lines[i]; i++) {
    gchar *line = g_strstrip (lines[i]);

    if (*line == '\0')
      continue;
    if (g_str_has_prefix (line, MID_PREFIX))
      out->stream_id
          = (guint)g_ascii_strtoull (line + strlen (MID_PREFIX), NULL, 10);
    else if (g_str_has_prefix (line, GENERATION_PREFIX))
      out->generation
          = g_ascii_strtoull (line + strlen (GENERATION_PREFIX), NULL, 10);
    else if (g_str_has_prefix (line, PEER_PREFIX) && out->peer == NULL)
      out->peer = g_strdup (line + strlen (PEER_PREFIX));
    else {
      if (g_str_has_prefix (line, UFRAG_PREFIX) && out->ufrag == NULL)
        out->ufrag = g_strdup (line + strlen (UFRAG_PREFIX));
      g_ptr_array_add (description, g_strdup (line));
    }
  }
  g_ptr_array_add (description, NULL);
  out->description = (gchar **)g_ptr_array_free (description, FALSE);
  g_strfreev (lines);
}

/**
 * gst_ice_room_file_clear:
 * @file: from gst_ice_room_file_parse()
 */
void
gst_ice_room_file_clear (GstIceRoomFile *file)
{
  g_clear_pointer (&file->peer, g_free);
  g_clear_pointer (&file->ufrag, g_free);
  g_clear_pointer (&file->description, g_strfreev);
}

/**
 * gst_ice_room_file_format:
 * @peer: (nullable): the id we claim
 * @description: our RFC 8839 lines
 *
 * Returns: (transfer full): the text of our room file.
 */
gchar *
gst_ice_room_file_format (guint stream_id, guint64 generation,
                          const gchar *peer, const gchar *description)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, MID_PREFIX "%u\r\n", stream_id);
  g_string_append_printf (s, GENERATION_PREFIX "%" G_GUINT64_FORMAT "\r\n",
                          generation);
  if (peer)
    g_string_append_printf (s, PEER_PREFIX "%s\r\n", peer);
  g_string_append (s, description);
  return g_string_free (s, FALSE);
}

/**
 * gst_ice_room_file_read:
 * @path: a file in the room
 * @error: why it cannot be used
 *
 * Opens without blocking and reads only a regular file of sane size: a
 * FIFO, device or symlink planted in the room must not hang or fool us.
 *
 * Returns: (transfer full) (nullable): the text.
 */
gchar *
gst_ice_room_file_read (const gchar *path, GError **error)
{
  GString *text;
  struct stat st;
  gchar buf[4096];
  gssize n;
  int fd;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0)
    goto io_error;
  if (fstat (fd, &st) != 0)
    goto io_error;
  if (!S_ISREG (st.st_mode) || st.st_size > MAX_FILE_SIZE)
    goto not_a_room_file;
  text = g_string_sized_new (st.st_size + 1);
  while ((n = read (fd, buf, sizeof (buf))) > 0 && text->len <= MAX_FILE_SIZE)
    g_string_append_len (text, buf, n);
  if (n < 0) {
    int err = errno;

    g_string_free (text, TRUE);
    errno = err;
    goto io_error;
  }
  g_close (fd, NULL);
  return g_string_free (text, FALSE);

  /* ERRORS */
io_error : {
  int err = errno;

  if (fd >= 0)
    g_close (fd, NULL);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "%s: %s", path,
               g_strerror (err));
  return NULL;
}
not_a_room_file:
  g_close (fd, NULL);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "%s: not a regular file of at most %d bytes", path,
               MAX_FILE_SIZE);
  return NULL;
}

/**
 * gst_ice_room_file_write:
 * @path: our file in the room
 * @text: its new content
 *
 * Replaces @path atomically (a temp file "PATH.XXXXXX", then rename), mode
 * 0600: the file carries our ICE password.
 */
gboolean
gst_ice_room_file_write (const gchar *path, const gchar *text, GError **error)
{
  return g_file_set_contents_full (path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/**
 * gst_ice_room_dir_ensure:
 * @dir: the room directory
 *
 * Creates @dir (and missing parents) 0700 if it does not exist; an
 * existing directory keeps its mode: whoever made it chose who may meet.
 */
gboolean
gst_ice_room_dir_ensure (const gchar *dir, GError **error)
{
  int err;

  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  if (g_mkdir_with_parents (dir, 0700) == 0)
    return TRUE;
  err = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
               "cannot create signalling directory '%s': %s", dir,
               g_strerror (err));
  return FALSE;
}

/**
 * gst_ice_room_dir_check:
 * @dir: the room directory
 * @probe_name: a name of ours that ends not in ".ice"
 *
 * Lists @dir and creates (then removes) a file in it, so that a room we
 * cannot use fails the element's start, not later.
 */
gboolean
gst_ice_room_dir_check (const gchar *dir, const gchar *probe_name,
                        GError **error)
{
  gchar *probe = g_build_filename (dir, probe_name, NULL);
  GDir *listing;
  int fd, err;

  listing = g_dir_open (dir, 0, error);
  if (listing == NULL)
    goto out;
  g_dir_close (listing);
  fd = g_open (probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    goto cannot_write;
  g_close (fd, NULL);
  g_unlink (probe);
out:
  g_free (probe);
  return listing != NULL;

  /* ERRORS */
cannot_write:
  err = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
               "cannot write to the signalling room '%s': %s", dir,
               g_strerror (err));
  g_free (probe);
  return FALSE;
}
