/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RFC 8839 attribute lines: a=candidate, a=ice-ufrag, a=ice-pwd,
 * a=ice-options, a=ice-lite, a=ice-pacing, a=end-of-candidates.
 * A bad line is reported and skipped, never fatal to the rest.
 */
#ifndef __ICE_SDP_H__
#define __ICE_SDP_H__

#include "ice/core/ice-candidate.h"

G_BEGIN_DECLS

/* RFC 8839 §5.4: ufrag 4-256 ice-chars, pwd 22-256 ice-chars */
#define ICE_UFRAG_MIN 4
#define ICE_PWD_MIN 22
#define ICE_CREDENTIAL_MAX 256

/**
 * IceSdpDescription:
 * What one peer says about one stream (session- and media-level attributes
 * are merged: media-level wins).
 * @candidates: #IceCandidate array; stream_id left 0 for the caller to set
 * @errors: one human-readable message per skipped line ("line 3: ...")
 */
typedef struct
{
  gchar ufrag[ICE_CREDENTIAL_MAX + 1];
  gchar pwd[ICE_CREDENTIAL_MAX + 1];
  gboolean ice_lite;
  gboolean trickle;             /* ice-options: trickle */
  gboolean ice2;                /* ice-options: ice2 (RFC 8445 §10) */
  guint pacing_ms;              /* a=ice-pacing, 0 if absent */
  gboolean end_of_candidates;
  GArray *candidates;
  GPtrArray *errors;
} IceSdpDescription;

IceSdpDescription *ice_sdp_description_new (void);
void ice_sdp_description_free (IceSdpDescription * desc);

/* Parses lines separated by LF or CRLF; lines that are not ICE attributes
 * (v=, m=, a=rtpmap, ...) are ignored silently, bad ICE lines are listed in
 * @errors. Never returns NULL. */
IceSdpDescription *ice_sdp_parse (const gchar * text, gssize len);

/* One candidate attribute, with or without the "a=" prefix. */
gboolean ice_sdp_parse_candidate (const gchar * line, IceCandidate * cand,
    GError ** error);
/* "candidate:..." without "a=" and without line ending. */
gchar *ice_sdp_candidate_to_string (const IceCandidate * cand);

gboolean ice_sdp_ufrag_is_valid (const gchar * ufrag);
gboolean ice_sdp_pwd_is_valid (const gchar * pwd);

/* Writes ufrag, pwd, ice-options (trickle ice2), ice-pacing if non-zero,
 * ice-lite if set, candidates, and end-of-candidates if set, each as
 * "a=...\r\n". */
gchar *ice_sdp_description_to_string (const IceSdpDescription * desc);

GQuark ice_sdp_error_quark (void);
#define ICE_SDP_ERROR (ice_sdp_error_quark ())

G_END_DECLS
#endif /* __ICE_SDP_H__ */
