/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Our description as messages, the peer's messages as a description
 * (docs/signalling.md, "Order of events"). Pure: the ws signaller feeds
 * it what publish() and the socket bring.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticewsdescription.h"

#include <string.h>

#define UFRAG_PREFIX "a=ice-ufrag:"
#define PWD_PREFIX "a=ice-pwd:"
#define CANDIDATE_PREFIX "a=candidate:"
#define END_LINE "a=end-of-candidates"
/* a candidate line is short; the cap only bounds what a peer can make us
 * hold (messages are at most 16 KiB anyway) */
#define MAX_CANDIDATE_LEN 1024

static void
out_free (gpointer data)
{
  GstIceWsOut *out = data;

  g_free (out->candidate);
  g_free (out);
}

static GstIceWsOut *
out_new (GstIceWsOutKind kind, const gchar *candidate)
{
  GstIceWsOut *out = g_new0 (GstIceWsOut, 1);

  out->kind = kind;
  out->candidate = g_strdup (candidate);
  return out;
}

void
gst_ice_ws_local_init (GstIceWsLocal *local)
{
  memset (local, 0, sizeof (*local));
  local->candidates = g_ptr_array_new_with_free_func (g_free);
  local->sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
gst_ice_ws_local_clear (GstIceWsLocal *local)
{
  g_free (local->ufrag);
  g_free (local->pwd);
  g_free (local->hold_ufrag);
  g_ptr_array_unref (local->candidates);
  g_hash_table_unref (local->sent);
}

/**
 * gst_ice_ws_local_update:
 * @description: our whole description (the agent's RFC 8839 lines)
 *
 * Takes what publish() gave. A ufrag other than the current one is an ICE
 * restart: the next generation, whose messages all are to be sent.
 *
 * Returns: %TRUE if a new generation started.
 */
gboolean
gst_ice_ws_local_update (GstIceWsLocal *local, const gchar *description)
{
  gchar **lines = g_strsplit (description ? description : "", "\n", -1);
  gchar *ufrag = NULL, *pwd = NULL;
  gboolean restarted = FALSE;
  guint i;

  g_ptr_array_set_size (local->candidates, 0);
  local->end = FALSE;
  for (i = 0; lines[i]; i++) {
    const gchar *line = g_strstrip (lines[i]);

    if (g_str_has_prefix (line, UFRAG_PREFIX) && ufrag == NULL)
      ufrag = g_strdup (line + strlen (UFRAG_PREFIX));
    else if (g_str_has_prefix (line, PWD_PREFIX) && pwd == NULL)
      pwd = g_strdup (line + strlen (PWD_PREFIX));
    else if (g_str_has_prefix (line, CANDIDATE_PREFIX))
      g_ptr_array_add (local->candidates, g_strdup (line + 2));
    else if (strcmp (line, END_LINE) == 0)
      local->end = TRUE;
  }
  g_strfreev (lines);
  if (ufrag && g_strcmp0 (ufrag, local->ufrag) != 0) {
    /* the first description is generation 0 */
    if (local->ufrag)
      local->generation++;
    restarted = TRUE;
    gst_ice_ws_local_resend (local);
  }
  if (ufrag) {
    g_free (local->ufrag);
    local->ufrag = ufrag;
    g_free (local->pwd);
    local->pwd = pwd;
  } else {
    g_free (pwd);
  }
  return restarted;
}

/**
 * gst_ice_ws_local_resend:
 *
 * Marks everything of the current generation unsent: a peer joined.
 */
void
gst_ice_ws_local_resend (GstIceWsLocal *local)
{
  g_hash_table_remove_all (local->sent);
  local->sent_credentials = FALSE;
  local->sent_end = FALSE;
}

/**
 * gst_ice_ws_local_hold:
 *
 * Sends nothing more of the current ufrag: we asked for a restart and the
 * peer must only see its result.
 */
void
gst_ice_ws_local_hold (GstIceWsLocal *local)
{
  g_free (local->hold_ufrag);
  local->hold_ufrag = g_strdup (local->ufrag);
}

/**
 * gst_ice_ws_local_take_pending:
 *
 * Returns: (transfer full) (element-type GstIceWsOut): what the peer has
 *   not been sent of the current generation, in order (credentials first,
 *   end-of-candidates last); marked sent.
 */
GPtrArray *
gst_ice_ws_local_take_pending (GstIceWsLocal *local)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (out_free);
  guint i;

  if (local->hold_ufrag && g_strcmp0 (local->hold_ufrag, local->ufrag) == 0)
    return out;
  g_clear_pointer (&local->hold_ufrag, g_free);
  if (local->ufrag == NULL || local->pwd == NULL)
    return out;
  if (!local->sent_credentials)
    g_ptr_array_add (out, out_new (GST_ICE_WS_OUT_CREDENTIALS, NULL));
  local->sent_credentials = TRUE;
  for (i = 0; i < local->candidates->len; i++) {
    const gchar *c = g_ptr_array_index (local->candidates, i);

    if (g_hash_table_add (local->sent, g_strdup (c)))
      g_ptr_array_add (out, out_new (GST_ICE_WS_OUT_CANDIDATE, c));
  }
  if (local->end && !local->sent_end) {
    g_ptr_array_add (out, out_new (GST_ICE_WS_OUT_END, NULL));
    local->sent_end = TRUE;
  }
  return out;
}

/* --- the peer's ----------------------------------------------------------- */

void
gst_ice_ws_remote_init (GstIceWsRemote *remote)
{
  memset (remote, 0, sizeof (*remote));
  remote->generation = -1;
  remote->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
gst_ice_ws_remote_clear (GstIceWsRemote *remote)
{
  g_free (remote->peer);
  g_free (remote->ufrag);
  g_hash_table_unref (remote->lines);
}

/**
 * gst_ice_ws_remote_set_peer:
 * @peer: the id of the peer in the room (peer-joined)
 *
 * Returns: %TRUE if @peer is not the peer whose description we have: that
 *   one is forgotten (a new process, whose generations start anew).
 */
gboolean
gst_ice_ws_remote_set_peer (GstIceWsRemote *remote, const gchar *peer)
{
  gboolean had = remote->generation >= 0;

  if (g_strcmp0 (remote->peer, peer) == 0)
    return FALSE;
  g_free (remote->peer);
  remote->peer = g_strdup (peer);
  remote->generation = -1;
  g_clear_pointer (&remote->ufrag, g_free);
  g_hash_table_remove_all (remote->lines);
  remote->end = FALSE;
  return had;
}

/* RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/" */
static gboolean
ice_chars_valid (const gchar *s, gsize min, gsize max)
{
  gsize i, len;

  if (s == NULL)
    return FALSE;
  len = strlen (s);
  for (i = 0; i < len; i++) {
    if (!g_ascii_isalnum (s[i]) && s[i] != '+' && s[i] != '/')
      return FALSE;
  }
  return len >= min && len <= max;
}

/* Stale, early or current: where a message of @generation belongs. */
static GstIceWsRemoteResult
classify (GstIceWsRemote *remote, gint64 generation)
{
  if (generation < 0)
    return GST_ICE_WS_REMOTE_MALFORMED;
  if (remote->generation >= 0 && generation < remote->generation)
    return GST_ICE_WS_REMOTE_STALE;
  if (generation != remote->generation)
    return GST_ICE_WS_REMOTE_EARLY;
  return GST_ICE_WS_REMOTE_MORE;
}

/**
 * gst_ice_ws_remote_credentials:
 * @text: (out) (transfer full): for NEW, the lines that start the
 *   description (a=ice-ufrag, a=ice-pwd, a=ice-options:trickle)
 *
 * A higher generation, or another ufrag in the same one (a peer that
 * started over), starts a new description; the same again is a resend.
 */
GstIceWsRemoteResult
gst_ice_ws_remote_credentials (GstIceWsRemote *remote, gint64 generation,
                               const gchar *ufrag, const gchar *pwd,
                               gchar **text)
{
  *text = NULL;
  /* RFC 8445 §5.3: ufrag 4-256, pwd 22-256 characters */
  if (generation < 0 || !ice_chars_valid (ufrag, 4, 256)
      || !ice_chars_valid (pwd, 22, 256))
    return GST_ICE_WS_REMOTE_MALFORMED;
  if (remote->generation >= 0 && generation < remote->generation)
    return GST_ICE_WS_REMOTE_STALE;
  if (generation == remote->generation && strcmp (ufrag, remote->ufrag) == 0)
    return GST_ICE_WS_REMOTE_DUPLICATE;
  remote->generation = generation;
  g_free (remote->ufrag);
  remote->ufrag = g_strdup (ufrag);
  g_hash_table_remove_all (remote->lines);
  remote->end = FALSE;
  /* trickle ICE (RFC 8838) is what this protocol is */
  *text = g_strdup_printf (UFRAG_PREFIX "%s\r\n" PWD_PREFIX
                                        "%s\r\na=ice-options:trickle\r\n",
                           ufrag, pwd);
  return GST_ICE_WS_REMOTE_NEW;
}

/**
 * gst_ice_ws_remote_candidate:
 * @candidate: `candidate:…`, with or without `a=`
 * @text: (out) (transfer full): for MORE, the `a=candidate:` line
 *
 * The line itself is checked by the agent; here only that it is one line.
 */
GstIceWsRemoteResult
gst_ice_ws_remote_candidate (GstIceWsRemote *remote, gint64 generation,
                             const gchar *candidate, gchar **text)
{
  GstIceWsRemoteResult result = classify (remote, generation);
  const gchar *c = candidate;

  *text = NULL;
  if (c && g_str_has_prefix (c, "a="))
    c += 2;
  if (c == NULL || !g_str_has_prefix (c, "candidate:")
      || strlen (c) > MAX_CANDIDATE_LEN || strpbrk (c, "\r\n"))
    return GST_ICE_WS_REMOTE_MALFORMED;
  if (result != GST_ICE_WS_REMOTE_MORE)
    return result;
  if (!g_hash_table_add (remote->lines, g_strdup (c)))
    return GST_ICE_WS_REMOTE_DUPLICATE;
  *text = g_strdup_printf ("a=%s\r\n", c);
  return GST_ICE_WS_REMOTE_MORE;
}

/**
 * gst_ice_ws_remote_end:
 * @text: (out) (transfer full): for MORE, `a=end-of-candidates`
 */
GstIceWsRemoteResult
gst_ice_ws_remote_end (GstIceWsRemote *remote, gint64 generation, gchar **text)
{
  GstIceWsRemoteResult result = classify (remote, generation);

  *text = NULL;
  if (result != GST_ICE_WS_REMOTE_MORE)
    return result;
  if (remote->end)
    return GST_ICE_WS_REMOTE_DUPLICATE;
  remote->end = TRUE;
  *text = g_strdup (END_LINE "\r\n");
  return GST_ICE_WS_REMOTE_MORE;
}

const gchar *
gst_ice_ws_remote_result_name (GstIceWsRemoteResult result)
{
  static const gchar *const names[] = {
    "new", "more", "duplicate", "stale", "early", "malformed",
  };

  return result < G_N_ELEMENTS (names) ? names[result] : "?";
}
