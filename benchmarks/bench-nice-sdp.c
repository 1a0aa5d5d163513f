/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A libnice stream's credentials and candidates as the attribute lines
 * ice_agent_get_local_description() writes, and back (component 1).
 */
#include "benchmarks/bench-nice-sdp.h"

#include <string.h>

/* The same attribute lines as ice_agent_get_local_description(). */
gchar *
bench_nice_description (NiceAgent *agent, guint stream)
{
  GString *s = g_string_new (NULL);
  gchar *ufrag = NULL, *pwd = NULL;
  GSList *cands, *l;

  nice_agent_get_local_credentials (agent, stream, &ufrag, &pwd);
  g_string_append_printf (s, "a=ice-ufrag:%s\na=ice-pwd:%s\n", ufrag, pwd);
  cands = nice_agent_get_local_candidates (agent, stream, 1);
  for (l = cands; l != NULL; l = l->next) {
    gchar *line = nice_agent_generate_local_candidate_sdp (agent, l->data);

    g_string_append_printf (s, "%s\n", line);
    g_free (line);
  }
  g_slist_free_full (cands, (GDestroyNotify)nice_candidate_free);
  g_string_append (s, "a=end-of-candidates\n");
  g_free (ufrag);
  g_free (pwd);
  return g_string_free (s, FALSE);
}

gboolean
bench_nice_apply (NiceAgent *agent, guint stream, const gchar *text)
{
  gchar **lines = g_strsplit (text, "\n", 0), **line;
  gchar *ufrag = NULL, *pwd = NULL;
  GSList *cands = NULL;
  gboolean end = FALSE, ok;

  for (line = lines; *line != NULL; line++) {
    g_strchomp (*line); /* CR of gst-ice's CRLF lines */
    if (g_str_has_prefix (*line, "a=ice-ufrag:"))
      ufrag = *line + strlen ("a=ice-ufrag:");
    else if (g_str_has_prefix (*line, "a=ice-pwd:"))
      pwd = *line + strlen ("a=ice-pwd:");
    else if (g_str_has_prefix (*line, "a=end-of-candidates"))
      end = TRUE;
    else if (g_str_has_prefix (*line, "a=candidate:")) {
      NiceCandidate *c
          = nice_agent_parse_remote_candidate_sdp (agent, stream, *line);

      if (c != NULL)
        cands = g_slist_append (cands, c);
      else
        g_print ("# libnice refused %s\n", *line);
    }
  }
  ok = ufrag != NULL && pwd != NULL
       && nice_agent_set_remote_credentials (agent, stream, ufrag, pwd)
       && nice_agent_set_remote_candidates (agent, stream, 1, cands) >= 0;
  if (ok && end)
    nice_agent_peer_candidate_gathering_done (agent, stream);
  g_slist_free_full (cands, (GDestroyNotify)nice_candidate_free);
  g_strfreev (lines);
  return ok;
}
