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
 * IceRemoteResult:
 * @ICE_REMOTE_OK: accepted
 * @ICE_REMOTE_MALFORMED: the line does not follow RFC 8839 (syntax, range)
 * @ICE_REMOTE_NOT_UNICAST: a multicast, broadcast or unspecified address
 *   (224.0.0.0/4, 255.255.255.255, 0.0.0.0, ::, ff00::/8): never a peer's
 *   transport address
 * @ICE_REMOTE_BAD_CREDENTIALS: ufrag not 4-256 or pwd not 22-256 ice-chars
 *   (RFC 8839 §5.4), or missing
 * @ICE_REMOTE_UNKNOWN_STREAM: no such stream
 * @ICE_REMOTE_UNKNOWN_COMPONENT: the stream has no such component (e.g.
 *   component 2 on an rtcp-mux stream)
 * @ICE_REMOTE_UNRESOLVED: a host name (mDNS ".local") where an IP address
 *   is needed: names are not resolved
 *
 * Why a peer's line (description, trickled candidate, credentials) was
 * refused. Remote input is untrusted: each refusal is a result and a
 * counter (#IceSessionStats.remote_rejected), never a g_warning.
 */
typedef enum {
  ICE_REMOTE_OK = 0,
  ICE_REMOTE_MALFORMED,
  ICE_REMOTE_NOT_UNICAST,
  ICE_REMOTE_BAD_CREDENTIALS,
  ICE_REMOTE_UNKNOWN_STREAM,
  ICE_REMOTE_UNKNOWN_COMPONENT,
  ICE_REMOTE_UNRESOLVED,
  ICE_REMOTE_LAST
} IceRemoteResult;

/* "ok", "malformed", "not-unicast", "bad-credentials", "unknown-stream",
 * "unknown-component", "unresolved" */
const gchar *ice_remote_result_to_string (IceRemoteResult result);

/**
 * IceSdpDescription:
 * What one peer says about one stream (session- and media-level attributes
 * are merged: media-level wins).
 * @candidates: #IceCandidate array; stream_id left 0 for the caller to set
 * @errors: one human-readable message per skipped line ("line 3: ..."),
 *   from the parser and then from ice_session_set_remote_description()
 * @candidate_lines: guint array, the line number of each candidate (may be
 *   shorter than @candidates when candidates were added by hand: 0)
 * @rejected: how many lines were skipped, by #IceRemoteResult
 * @error_reasons: #IceRemoteResult array, the reason of each @errors entry
 */
typedef struct {
  gchar ufrag[ICE_CREDENTIAL_MAX + 1];
  gchar pwd[ICE_CREDENTIAL_MAX + 1];
  gboolean ice_lite;
  gboolean trickle; /* ice-options: trickle */
  gboolean ice2;    /* ice-options: ice2 (RFC 8445 §10) */
  guint pacing_ms;  /* a=ice-pacing, 0 if absent */
  gboolean end_of_candidates;
  GArray *candidates;
  GPtrArray *errors;
  GArray *candidate_lines;
  guint rejected[ICE_REMOTE_LAST];
  GArray *error_reasons;
} IceSdpDescription;

/* An empty description with empty arrays; free with
 * ice_sdp_description_free() (NULL is allowed). */
IceSdpDescription *ice_sdp_description_new (void);
void ice_sdp_description_free (IceSdpDescription *desc);

/* Records a skipped line: @message ("line N: <what was expected>", taken)
 * joins @desc->errors, @reason @desc->error_reasons and @desc->rejected. */
void ice_sdp_description_add_error (IceSdpDescription *desc,
                                    IceRemoteResult reason, gchar *message);

/* Parses lines separated by LF or CRLF (@len -1: NUL-terminated); lines
 * that are not ICE attributes (v=, m=, a=rtpmap, ...) are ignored silently,
 * bad ICE lines are listed in @errors ("line N: <what was expected>",
 * N counted from 1) and skipped. The "a=" prefix may be left out (trickled
 * "candidate:..." lines). Lines before the first "m=" are session level,
 * the others media level; media level wins for ufrag, pwd and ice-options.
 * All media sections land in one description: a caller with several
 * streams splits the text at its "m=" lines first. Never returns NULL;
 * free with ice_sdp_description_free(). */
IceSdpDescription *ice_sdp_parse (const gchar *text, gssize len);

/* One candidate attribute, with or without the "a=" prefix, without line
 * ending. Transport, type, "typ", "raddr", "rport", "tcptype" and tcptype
 * values are matched ignoring case (ABNF literals). Checks: foundation
 * 1-32 ice-chars, component 1..256, priority 1..2^31-1, port 0..65535 with
 * 0 only for TCP active (RFC 6544 §4.5; 9 is the usual discard port),
 * raddr and rport together, tcptype present on and only on TCP, and a
 * unicast connection address (ice_candidate_addr_is_unicast(): no
 * multicast, broadcast or unspecified address can be a peer's transport
 * address; raddr is not checked, "raddr 0.0.0.0" is a browser's way of
 * hiding it).
 * A raddr that is a host name is accepted and left out of @cand->related.
 * Extensions other than raddr/rport/tcptype go verbatim, as "name value"
 * pairs separated by one space, into @cand->extensions. @cand is zeroed
 * first; stream_id stays 0. On failure @error says what was expected. */
gboolean ice_sdp_parse_candidate (const gchar *line, IceCandidate *cand,
                                  GError **error);
/* "candidate:..." without "a=" and without line ending: transport "UDP" or
 * "TCP", the host name in place of the address when set, IPv6 without a
 * zone index (the peer cannot use our interface numbers), raddr/rport when
 * @cand->related is set, tcptype for TCP, then the extensions.
 * Free with g_free(). A candidate with neither address nor host name is a
 * programming error: critical, NULL. An empty foundation is written as is
 * and yields a line no parser accepts: give remote peer-reflexive
 * candidates one (RFC 8445 §7.3.1.3). */
gchar *ice_sdp_candidate_to_string (const IceCandidate *cand);

/* RFC 8839 §5.4: ice-chars (ALPHA / DIGIT / "+" / "/"), ufrag 4-256,
 * pwd 22-256. FALSE for NULL. */
gboolean ice_sdp_ufrag_is_valid (const gchar *ufrag);
gboolean ice_sdp_pwd_is_valid (const gchar *pwd);

/* Writes ufrag, pwd, ice-options (trickle ice2), ice-pacing if non-zero,
 * ice-lite if set, candidates, and end-of-candidates if set, each as
 * "a=...\r\n". Empty ufrag/pwd and an ice-options line with neither option
 * are left out. Free with g_free(). */
gchar *ice_sdp_description_to_string (const IceSdpDescription *desc);

/**
 * IceSdpError:
 * @ICE_SDP_ERROR_SYNTAX: a field is missing, misplaced, or is not the
 *   expected kind of token
 * @ICE_SDP_ERROR_VALUE: a field is well formed but out of range or not
 *   allowed here (component 0, port 0 on UDP, tcptype on UDP, ...)
 * @ICE_SDP_ERROR_UNSUPPORTED: a transport other than UDP or TCP
 * @ICE_SDP_ERROR_NOT_UNICAST: a candidate's connection address is
 *   multicast, broadcast or unspecified
 * @ICE_SDP_ERROR_CREDENTIALS: an ice-ufrag or ice-pwd of the wrong length
 *   or with characters other than ice-chars
 *
 * Error codes of %ICE_SDP_ERROR. The message always says what was expected.
 */
typedef enum {
  ICE_SDP_ERROR_SYNTAX,
  ICE_SDP_ERROR_VALUE,
  ICE_SDP_ERROR_UNSUPPORTED,
  ICE_SDP_ERROR_NOT_UNICAST,
  ICE_SDP_ERROR_CREDENTIALS,
} IceSdpError;

GQuark ice_sdp_error_quark (void);
#define ICE_SDP_ERROR (ice_sdp_error_quark ())

/* Domain of the errors whose code is an #IceRemoteResult */
GQuark ice_remote_error_quark (void);
#define ICE_REMOTE_ERROR (ice_remote_error_quark ())

/* The #IceRemoteResult of a parse error of %ICE_SDP_ERROR (NOT_UNICAST,
 * BAD_CREDENTIALS or MALFORMED); %ICE_REMOTE_MALFORMED for other domains. */
IceRemoteResult ice_remote_result_from_sdp_error (const GError *error);

G_END_DECLS
#endif /* __ICE_SDP_H__ */
