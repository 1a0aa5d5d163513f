/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the RFC 8839 attribute parser and writer: the input
 * is parsed as a whole description and each of its lines as a candidate
 * attribute; every candidate that parses is written back and must parse
 * again to the same candidate, and a written description must parse again
 * to the same description. A round trip that differs aborts: the writer
 * and the parser disagree, which is a bug in one of them.
 */
#include "ice/core/ice-sdp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
die (const gchar *what, const gchar *line, const gchar *written)
{
  g_printerr ("fuzz-sdp: %s\n  parsed:  '%s'\n  written: '%s'\n", what,
              line != NULL ? line : "(description)", written);
  abort ();
}

/* ice_sdp_candidate_to_string() leaves the IPv6 zone out on purpose (the
 * peer cannot use our interface numbers): the one field that may differ. */
static gboolean
addr_same (const IceTransportAddr *a, const IceTransportAddr *b)
{
  return a->family == b->family && ice_addr_equal (a, b);
}

static gboolean
candidate_same (const IceCandidate *a, const IceCandidate *b)
{
  return a->type == b->type && a->stream_id == b->stream_id
         && a->component_id == b->component_id
         && strcmp (a->foundation, b->foundation) == 0
         && a->priority == b->priority && addr_same (&a->addr, &b->addr)
         && addr_same (&a->base, &b->base)
         && addr_same (&a->related, &b->related) && a->tcp_type == b->tcp_type
         && strcmp (a->hostname, b->hostname) == 0
         && strcmp (a->extensions, b->extensions) == 0;
}

/* Writes @cand and parses the result, which must succeed and give back
 * the same candidate. */
static void
check_candidate_round_trip (const IceCandidate *cand, const gchar *line)
{
  GError *error = NULL;
  IceCandidate again;
  gchar *written;

  written = ice_sdp_candidate_to_string (cand);
  if (written == NULL)
    die ("a parsed candidate could not be written", line, "(NULL)");
  if (!ice_sdp_parse_candidate (written, &again, &error)) {
    g_printerr ("fuzz-sdp: %s\n", error->message);
    die ("a written candidate does not parse", line, written);
  }
  if (!candidate_same (cand, &again))
    die ("a candidate changed in a write/parse round trip", line, written);
  g_free (written);
}

static void
parse_each_line (const gchar *text)
{
  gchar **lines = g_strsplit (text, "\n", -1);
  guint i;

  for (i = 0; lines[i] != NULL; i++) {
    IceCandidate cand;
    GError *error = NULL;

    if (ice_sdp_parse_candidate (g_strchomp (lines[i]), &cand, &error)) {
      g_assert (error == NULL);
      check_candidate_round_trip (&cand, lines[i]);
    } else {
      /* every failure says what was expected */
      g_assert (error != NULL && error->message[0] != '\0');
      g_error_free (error);
    }
  }
  g_strfreev (lines);
}

static void
check_description_same (const IceSdpDescription *a, const IceSdpDescription *b,
                        const gchar *written)
{
  guint i;

  if (strcmp (a->ufrag, b->ufrag) != 0 || strcmp (a->pwd, b->pwd) != 0
      || a->ice_lite != b->ice_lite || a->trickle != b->trickle
      || a->ice2 != b->ice2 || a->pacing_ms != b->pacing_ms
      || a->end_of_candidates != b->end_of_candidates)
    die ("a description attribute changed in a round trip", NULL, written);
  if (b->errors->len != 0)
    die ((const gchar *)g_ptr_array_index (b->errors, 0), NULL, written);
  if (a->candidates->len != b->candidates->len)
    die ("candidates were lost in a description round trip", NULL, written);
  for (i = 0; i < a->candidates->len; i++) {
    if (!candidate_same (&g_array_index (a->candidates, IceCandidate, i),
                         &g_array_index (b->candidates, IceCandidate, i)))
      die ("a candidate changed in a description round trip", NULL, written);
  }
}

static void
parse_description (const gchar *text, gsize len)
{
  IceSdpDescription *desc, *again;
  gchar *written;
  guint i;

  desc = ice_sdp_parse (text, len);
  g_assert (desc != NULL);
  for (i = 0; i < desc->errors->len; i++)
    g_assert (g_str_has_prefix (g_ptr_array_index (desc->errors, i), "line "));
  written = ice_sdp_description_to_string (desc);
  again = ice_sdp_parse (written, -1);
  check_description_same (desc, again, written);
  ice_sdp_description_free (again);
  ice_sdp_description_free (desc);
  g_free (written);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* text up to the first NUL, as a C caller would see it */
  gchar *text = g_strndup ((const gchar *)data, size);

  parse_description ((const gchar *)data, size);
  parse_each_line (text);
  ice_sdp_ufrag_is_valid (text);
  ice_sdp_pwd_is_valid (text);
  g_free (text);
  return 0;
}
