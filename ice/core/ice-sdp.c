/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RFC 8839 ICE attribute lines (and RFC 6544 §4.5 tcptype): parsing one
 * candidate, parsing a description line by line, writing both back.
 */
#include "ice/core/ice-sdp.h"

#include <string.h>

/* RFC 8839 §5.1: priority = 1*10DIGIT, RFC 8445 §5.1.2.1: 1..2^31-1 */
#define PRIORITY_MAX G_MAXINT32
/* RFC 8445 §5.1.2.1: component IDs 1..256 */
#define COMPONENT_MAX 256
/* RFC 8839 §5.5: pacing-value = 1*10DIGIT */
#define PACING_DIGITS_MAX 10
/* Bad tokens are quoted in error messages up to this length */
#define QUOTE_MAX 48
/* address, port, "typ", type: the mandatory fields after foundation,
 * component, transport and priority */
#define CANDIDATE_FIELDS 8

GQuark
ice_sdp_error_quark (void)
{
  return g_quark_from_static_string ("ice-sdp-error-quark");
}

const gchar *
ice_remote_result_to_string (IceRemoteResult result)
{
  static const gchar *const names[] = {
    "ok",
    "malformed",
    "not-unicast",
    "bad-credentials",
    "unknown-stream",
    "unknown-component",
    "unresolved",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == ICE_REMOTE_LAST);
  if ((guint)result >= G_N_ELEMENTS (names))
    return "unknown";
  return names[result];
}

GQuark
ice_remote_error_quark (void)
{
  return g_quark_from_static_string ("ice-remote-error-quark");
}

IceRemoteResult
ice_remote_result_from_sdp_error (const GError *error)
{
  if (error == NULL || error->domain != ICE_SDP_ERROR)
    return ICE_REMOTE_MALFORMED;
  switch (error->code) {
    case ICE_SDP_ERROR_NOT_UNICAST:
      return ICE_REMOTE_NOT_UNICAST;
    case ICE_SDP_ERROR_CREDENTIALS:
      return ICE_REMOTE_BAD_CREDENTIALS;
    default:
      return ICE_REMOTE_MALFORMED;
  }
}

/* RFC 8839 §5.1: ice-char = ALPHA / DIGIT / "+" / "/" */
static gboolean
is_ice_char_string (const gchar *s, gsize min, gsize max)
{
  gsize n;

  if (s == NULL)
    return FALSE;
  for (n = 0; s[n] != '\0'; n++) {
    if (!g_ascii_isalnum (s[n]) && s[n] != '+' && s[n] != '/')
      return FALSE;
  }
  return n >= min && n <= max;
}

gboolean
ice_sdp_ufrag_is_valid (const gchar *ufrag)
{
  return is_ice_char_string (ufrag, ICE_UFRAG_MIN, ICE_CREDENTIAL_MAX);
}

gboolean
ice_sdp_pwd_is_valid (const gchar *pwd)
{
  return is_ice_char_string (pwd, ICE_PWD_MIN, ICE_CREDENTIAL_MAX);
}

/* Unsigned decimal, digits only (no sign, no blanks), at most @max. */
static gboolean
parse_decimal (const gchar *s, guint64 max, guint64 *out)
{
  guint64 v = 0;
  gsize n;

  for (n = 0; s[n] != '\0'; n++) {
    if (!g_ascii_isdigit (s[n]))
      return FALSE;
    v = v * 10 + (s[n] - '0');
    if (v > max)
      return FALSE;
  }
  *out = v;
  return n > 0;
}

/* RFC 1035 letters, digits, hyphens and dots, plus "_" seen in practice;
 * at least one non-digit so a broken IPv4 ("1.2.3") is not a name. */
static gboolean
is_host_name (const gchar *s)
{
  gboolean has_alpha = FALSE;
  gsize n;

  for (n = 0; s[n] != '\0'; n++) {
    if (g_ascii_isalpha (s[n]) || s[n] == '-' || s[n] == '_')
      has_alpha = TRUE;
    else if (!g_ascii_isdigit (s[n]) && s[n] != '.')
      return FALSE;
  }
  return has_alpha && n <= ICE_HOSTNAME_MAX && s[0] != '.' && s[0] != '-';
}

/* RFC 8839 §5.1 connection-address: IPv4, IPv6 or FQDN. The IP is parsed
 * into @addr (port and transport set either way); a name goes to
 * @hostname and leaves @addr unset. */
static gboolean
parse_connection_address (const gchar *s, guint16 port, IceTransport transport,
                          IceTransportAddr *addr, gchar *hostname)
{
  gboolean ok = TRUE;

  memset (addr, 0, sizeof (*addr));
  hostname[0] = '\0';
  if (strchr (s, ':') != NULL || !is_host_name (s))
    ok = ice_addr_parse_ip (addr, s, port);
  else
    g_strlcpy (hostname, s, ICE_HOSTNAME_MAX + 1);
  addr->port = port;
  addr->transport = transport;
  return ok;
}

static gboolean
set_error (GError **error, IceSdpError code, const gchar *what,
           const gchar *token)
{
  if (token != NULL)
    g_set_error (error, ICE_SDP_ERROR, code, "%s expected, got '%.*s%s'", what,
                 QUOTE_MAX, token, strlen (token) > QUOTE_MAX ? "..." : "");
  else
    g_set_error (error, ICE_SDP_ERROR, code, "%s", what);
  return FALSE;
}

static gboolean
parse_transport (const gchar *s, IceTransport *transport)
{
  if (g_ascii_strcasecmp (s, "UDP") == 0)
    *transport = ICE_TRANSPORT_UDP;
  else if (g_ascii_strcasecmp (s, "TCP") == 0)
    *transport = ICE_TRANSPORT_TCP;
  else
    return FALSE;
  return TRUE;
}

/* The eight mandatory fields of RFC 8839 §5.1. */
static gboolean
parse_candidate_fields (const gchar *const *tok, IceCandidate *cand,
                        GError **error)
{
  IceTransport transport;
  guint64 v, port;

  if (!is_ice_char_string (tok[0], 1, ICE_FOUNDATION_MAX))
    return set_error (error, ICE_SDP_ERROR_SYNTAX,
                      "foundation of 1-32 ice-chars (ALPHA, DIGIT, '+', '/')",
                      tok[0]);
  g_strlcpy (cand->foundation, tok[0], sizeof (cand->foundation));
  if (!parse_decimal (tok[1], COMPONENT_MAX, &v) || v == 0)
    return set_error (error, ICE_SDP_ERROR_VALUE, "component ID 1..256",
                      tok[1]);
  cand->component_id = v;
  if (!parse_transport (tok[2], &transport))
    return set_error (error, ICE_SDP_ERROR_UNSUPPORTED, "transport UDP or TCP",
                      tok[2]);
  if (!parse_decimal (tok[3], PRIORITY_MAX, &v) || v == 0)
    return set_error (error, ICE_SDP_ERROR_VALUE, "priority 1..2147483647",
                      tok[3]);
  cand->priority = v;
  if (!parse_decimal (tok[5], G_MAXUINT16, &port))
    return set_error (error, ICE_SDP_ERROR_VALUE, "port 0..65535", tok[5]);
  if (!parse_connection_address (tok[4], port, transport, &cand->addr,
                                 cand->hostname))
    return set_error (error, ICE_SDP_ERROR_SYNTAX,
                      "connection address (IPv4, IPv6 or host name)", tok[4]);
  /* RFC 8445 §5.1.1: candidates are transport addresses of the peer; a
   * check sent to a group or to "any" would reach no one, or everyone */
  if (ice_addr_is_set (&cand->addr)
      && !ice_candidate_addr_is_unicast (&cand->addr))
    return set_error (error, ICE_SDP_ERROR_NOT_UNICAST,
                      "a unicast address (not multicast, broadcast or "
                      "unspecified)",
                      tok[4]);
  if (g_ascii_strcasecmp (tok[6], "typ") != 0)
    return set_error (error, ICE_SDP_ERROR_SYNTAX, "'typ' after the port",
                      tok[6]);
  if (!ice_candidate_type_from_string (tok[7], &cand->type))
    return set_error (error, ICE_SDP_ERROR_VALUE,
                      "candidate type host, srflx, prflx or relay", tok[7]);
  return TRUE;
}

/* Appends "name value" to the extensions, unless that would not fit:
 * then it and what follows are dropped, so the cut is at a pair boundary. */
static void
append_extension (IceCandidate *cand, const gchar *name, const gchar *value,
                  gboolean *full)
{
  gsize used = strlen (cand->extensions);
  gsize need = (used > 0 ? 1 : 0) + strlen (name) + 1 + strlen (value);

  if (*full || used + need > ICE_EXTENSIONS_MAX) {
    *full = TRUE;
    return;
  }
  g_snprintf (cand->extensions + used, sizeof (cand->extensions) - used,
              "%s%s %s", used > 0 ? " " : "", name, value);
}

typedef struct {
  const gchar *raddr;
  const gchar *rport;
  const gchar *tcptype;
} CandidateOptions;

/* The name/value pairs after the type; raddr, rport and tcptype are
 * picked out, the rest kept verbatim. */
static gboolean
parse_candidate_options (const gchar *const *tok, guint n, IceCandidate *cand,
                         CandidateOptions *opts, GError **error)
{
  gboolean full = FALSE;
  const gchar **slot;
  guint i;

  for (i = CANDIDATE_FIELDS; i < n; i += 2) {
    if (i + 1 >= n) {
      g_set_error (error, ICE_SDP_ERROR, ICE_SDP_ERROR_SYNTAX,
                   "a value expected after '%.*s'", QUOTE_MAX, tok[i]);
      return FALSE;
    }
    if (g_ascii_strcasecmp (tok[i], "raddr") == 0)
      slot = &opts->raddr;
    else if (g_ascii_strcasecmp (tok[i], "rport") == 0)
      slot = &opts->rport;
    else if (g_ascii_strcasecmp (tok[i], "tcptype") == 0)
      slot = &opts->tcptype;
    else
      slot = NULL;
    if (slot == NULL) {
      append_extension (cand, tok[i], tok[i + 1], &full);
    } else if (*slot != NULL) {
      g_set_error (error, ICE_SDP_ERROR, ICE_SDP_ERROR_SYNTAX,
                   "'%s' expected at most once", tok[i]);
      return FALSE;
    } else {
      *slot = tok[i + 1];
    }
  }
  return TRUE;
}

/* RFC 8839 §5.1 rel-addr/rel-port, RFC 6544 §4.5 tcptype and port 0 */
static gboolean
apply_candidate_options (IceCandidate *cand, const CandidateOptions *opts,
                         GError **error)
{
  gboolean tcp = cand->addr.transport == ICE_TRANSPORT_TCP;
  gchar ignored_name[ICE_HOSTNAME_MAX + 1];
  guint64 rport = 0;

  if ((opts->raddr == NULL) != (opts->rport == NULL))
    return set_error (error, ICE_SDP_ERROR_SYNTAX,
                      opts->raddr != NULL ? "rport expected after raddr"
                                          : "raddr expected before rport",
                      NULL);
  if (opts->rport != NULL && !parse_decimal (opts->rport, G_MAXUINT16, &rport))
    return set_error (error, ICE_SDP_ERROR_VALUE, "rport 0..65535",
                      opts->rport);
  /* a related host name (mDNS) carries nothing a check could use */
  if (opts->raddr != NULL
      && !parse_connection_address (opts->raddr, rport, cand->addr.transport,
                                    &cand->related, ignored_name))
    return set_error (error, ICE_SDP_ERROR_SYNTAX,
                      "raddr IPv4, IPv6 or host name", opts->raddr);
  if (opts->raddr != NULL && ignored_name[0] != '\0')
    memset (&cand->related, 0, sizeof (cand->related));
  if (opts->tcptype != NULL && !tcp)
    return set_error (
        error, ICE_SDP_ERROR_VALUE,
        "no tcptype expected on a UDP candidate (RFC 6544 section 4.5)", NULL);
  if (tcp && opts->tcptype == NULL)
    return set_error (
        error, ICE_SDP_ERROR_SYNTAX,
        "tcptype expected on a TCP candidate (RFC 6544 section 4.5)", NULL);
  if (tcp && !ice_tcp_type_from_string (opts->tcptype, &cand->tcp_type))
    return set_error (error, ICE_SDP_ERROR_VALUE,
                      "tcptype active, passive or so", opts->tcptype);
  if (cand->addr.port == 0 && cand->tcp_type != ICE_TCP_TYPE_ACTIVE)
    return set_error (
        error, ICE_SDP_ERROR_VALUE,
        "port 1..65535 (0 only for TCP active, RFC 6544 section 4.5)", "0");
  return TRUE;
}

/* Splits at blanks, dropping empty tokens; the tokens point into @fields
 * (a NUL-terminated vector the caller frees with g_strfreev()). */
static GPtrArray *
tokenize (const gchar *s, gchar ***fields)
{
  GPtrArray *tokens = g_ptr_array_new ();
  guint i;

  *fields = g_strsplit_set (s, " \t\r\n", -1);
  for (i = 0; (*fields)[i] != NULL; i++) {
    if ((*fields)[i][0] != '\0')
      g_ptr_array_add (tokens, (*fields)[i]);
  }
  return tokens;
}

gboolean
ice_sdp_parse_candidate (const gchar *line, IceCandidate *cand, GError **error)
{
  CandidateOptions opts = { NULL, NULL, NULL };
  GPtrArray *tokens;
  gchar **fields;
  gboolean ok;

  g_return_val_if_fail (line != NULL && cand != NULL, FALSE);

  memset (cand, 0, sizeof (*cand));
  if (g_str_has_prefix (line, "a="))
    line += 2;
  if (!g_str_has_prefix (line, "candidate:"))
    return set_error (error, ICE_SDP_ERROR_SYNTAX, "'candidate:'", line);
  tokens = tokenize (line + strlen ("candidate:"), &fields);
  if (tokens->len < CANDIDATE_FIELDS) {
    g_set_error (error, ICE_SDP_ERROR, ICE_SDP_ERROR_SYNTAX,
                 "8 fields '<foundation> <component> <transport> <priority> "
                 "<address> <port> typ <type>' expected, got %u",
                 tokens->len);
    ok = FALSE;
  } else {
    const gchar *const *tok = (const gchar *const *)tokens->pdata;

    ok = parse_candidate_fields (tok, cand, error)
         && parse_candidate_options (tok, tokens->len, cand, &opts, error)
         && apply_candidate_options (cand, &opts, error);
  }
  g_ptr_array_unref (tokens);
  g_strfreev (fields);
  if (!ok)
    memset (cand, 0, sizeof (*cand));
  return ok;
}

gchar *
ice_sdp_candidate_to_string (const IceCandidate *cand)
{
  IceTransportAddr no_zone;
  gchar ip[ICE_ADDR_STRLEN];
  GString *s;

  g_return_val_if_fail (cand != NULL, NULL);
  g_return_val_if_fail (
      cand->hostname[0] != '\0' || ice_addr_is_set (&cand->addr), NULL);

  s = g_string_new (NULL);
  no_zone = cand->addr;
  no_zone.scope_id = 0;
  g_string_append_printf (
      s, "candidate:%s %u %s %u %s %u typ %s", cand->foundation,
      cand->component_id,
      cand->addr.transport == ICE_TRANSPORT_UDP ? "UDP" : "TCP", cand->priority,
      cand->hostname[0] != '\0' ? cand->hostname
                                : ice_addr_ip_to_string (&no_zone, ip),
      cand->addr.port, ice_candidate_type_to_string (cand->type));
  if (ice_addr_is_set (&cand->related)) {
    no_zone = cand->related;
    no_zone.scope_id = 0;
    g_string_append_printf (s, " raddr %s rport %u",
                            ice_addr_ip_to_string (&no_zone, ip),
                            cand->related.port);
  }
  if (cand->addr.transport != ICE_TRANSPORT_UDP
      && cand->tcp_type != ICE_TCP_TYPE_NONE)
    g_string_append_printf (s, " tcptype %s",
                            ice_tcp_type_to_string (cand->tcp_type));
  if (cand->extensions[0] != '\0')
    g_string_append_printf (s, " %s", cand->extensions);
  return g_string_free (s, FALSE);
}

/* ---- descriptions ------------------------------------------------------ */

IceSdpDescription *
ice_sdp_description_new (void)
{
  IceSdpDescription *desc = g_new0 (IceSdpDescription, 1);

  desc->candidates = g_array_new (FALSE, TRUE, sizeof (IceCandidate));
  desc->errors = g_ptr_array_new_with_free_func (g_free);
  desc->candidate_lines = g_array_new (FALSE, TRUE, sizeof (guint));
  desc->error_reasons = g_array_new (FALSE, TRUE, sizeof (IceRemoteResult));
  return desc;
}

void
ice_sdp_description_free (IceSdpDescription *desc)
{
  if (desc == NULL)
    return;
  g_array_unref (desc->candidates);
  g_ptr_array_unref (desc->errors);
  g_array_unref (desc->candidate_lines);
  g_array_unref (desc->error_reasons);
  g_free (desc);
}

void
ice_sdp_description_add_error (IceSdpDescription *desc, IceRemoteResult reason,
                               gchar *message)
{
  g_return_if_fail (desc != NULL && message != NULL);
  g_return_if_fail (reason > ICE_REMOTE_OK && reason < ICE_REMOTE_LAST);

  g_ptr_array_add (desc->errors, message);
  g_array_append_val (desc->error_reasons, reason);
  desc->rejected[reason]++;
}

/* The attributes that may appear at session and at media level, kept apart
 * until the end because media level wins. */
typedef struct {
  gchar ufrag[ICE_CREDENTIAL_MAX + 1];
  gchar pwd[ICE_CREDENTIAL_MAX + 1];
  gboolean has_options;
  gboolean trickle;
  gboolean ice2;
} LevelAttributes;

typedef struct {
  IceSdpDescription *desc;
  LevelAttributes session;
  LevelAttributes media;
  gboolean in_media;
  guint line_no;
} ParseState;

typedef gboolean (*AttributeParser) (ParseState *st, LevelAttributes *level,
                                     const gchar *value, GError **error);

static gboolean
parse_candidate_attribute (ParseState *st, LevelAttributes *level,
                           const gchar *value, GError **error)
{
  IceCandidate cand;
  gchar *line = g_strconcat ("candidate:", value, NULL);
  gboolean ok = ice_sdp_parse_candidate (line, &cand, error);

  g_free (line);
  if (ok) {
    g_array_append_val (st->desc->candidates, cand);
    g_array_append_val (st->desc->candidate_lines, st->line_no);
  }
  return ok;
}

static gboolean
parse_ufrag (ParseState *st, LevelAttributes *level, const gchar *value,
             GError **error)
{
  if (!ice_sdp_ufrag_is_valid (value))
    return set_error (error, ICE_SDP_ERROR_CREDENTIALS,
                      "ice-ufrag of 4-256 ice-chars (ALPHA, DIGIT, '+', '/')",
                      value);
  g_strlcpy (level->ufrag, value, sizeof (level->ufrag));
  return TRUE;
}

static gboolean
parse_pwd (ParseState *st, LevelAttributes *level, const gchar *value,
           GError **error)
{
  /* the value is not quoted back: it may be a real password, one typo off */
  if (!ice_sdp_pwd_is_valid (value))
    return set_error (error, ICE_SDP_ERROR_CREDENTIALS,
                      "ice-pwd of 22-256 ice-chars (ALPHA, DIGIT, '+', '/') "
                      "expected",
                      NULL);
  g_strlcpy (level->pwd, value, sizeof (level->pwd));
  return TRUE;
}

/* RFC 8839 §5.6: ice-options = ice-option-tag *(SP ice-option-tag);
 * tags we do not know are allowed and ignored. */
static gboolean
parse_options (ParseState *st, LevelAttributes *level, const gchar *value,
               GError **error)
{
  GPtrArray *tokens;
  gchar **fields;
  guint i;

  tokens = tokenize (value, &fields);
  level->has_options = tokens->len > 0;
  level->trickle = level->ice2 = FALSE;
  for (i = 0; i < tokens->len; i++) {
    const gchar *tag = g_ptr_array_index (tokens, i);

    if (strcmp (tag, "trickle") == 0)
      level->trickle = TRUE;
    else if (strcmp (tag, "ice2") == 0)
      level->ice2 = TRUE;
  }
  g_ptr_array_unref (tokens);
  g_strfreev (fields);
  if (!level->has_options)
    return set_error (error, ICE_SDP_ERROR_SYNTAX,
                      "at least one ice-options tag expected", NULL);
  return TRUE;
}

/* RFC 8839 §5.5: pacing-value = 1*10DIGIT, in milliseconds */
static gboolean
parse_pacing (ParseState *st, LevelAttributes *level, const gchar *value,
              GError **error)
{
  guint64 ms;

  if (strlen (value) > PACING_DIGITS_MAX
      || !parse_decimal (value, G_MAXUINT, &ms) || ms == 0)
    return set_error (error, ICE_SDP_ERROR_VALUE,
                      "ice-pacing of 1..4294967295 milliseconds", value);
  st->desc->pacing_ms = ms;
  return TRUE;
}

static gboolean
parse_lite (ParseState *st, LevelAttributes *level, const gchar *value,
            GError **error)
{
  st->desc->ice_lite = TRUE;
  return TRUE;
}

static gboolean
parse_end_of_candidates (ParseState *st, LevelAttributes *level,
                         const gchar *value, GError **error)
{
  st->desc->end_of_candidates = TRUE;
  return TRUE;
}

static const struct {
  const gchar *name;
  gboolean has_value;
  AttributeParser parse;
} attributes[] = {
  { "candidate", TRUE, parse_candidate_attribute },
  { "ice-ufrag", TRUE, parse_ufrag },
  { "ice-pwd", TRUE, parse_pwd },
  { "ice-options", TRUE, parse_options },
  { "ice-pacing", TRUE, parse_pacing },
  { "ice-lite", FALSE, parse_lite },
  { "end-of-candidates", FALSE, parse_end_of_candidates },
};

/* One trimmed line; FALSE with @error set if it is a bad ICE attribute. */
static gboolean
parse_line (ParseState *st, const gchar *line, GError **error)
{
  LevelAttributes *level = st->in_media ? &st->media : &st->session;
  const gchar *rest;
  guint i;

  if (g_str_has_prefix (line, "m=")) {
    st->in_media = TRUE;
    return TRUE;
  }
  if (g_str_has_prefix (line, "a="))
    line += 2;
  for (i = 0; i < G_N_ELEMENTS (attributes); i++) {
    if (!g_str_has_prefix (line, attributes[i].name))
      continue;
    rest = line + strlen (attributes[i].name);
    if (*rest != ':' && *rest != '\0')
      continue; /* a longer name, e.g. "ice-pwd2" */
    if (attributes[i].has_value == (*rest == '\0')) {
      g_set_error (error, ICE_SDP_ERROR, ICE_SDP_ERROR_SYNTAX,
                   attributes[i].has_value ? "a value expected after 'a=%s:'"
                                           : "nothing expected after 'a=%s'",
                   attributes[i].name);
      return FALSE;
    }
    return attributes[i].parse (st, level, *rest ? rest + 1 : rest, error);
  }
  return TRUE; /* not an ICE attribute */
}

static void
merge_levels (IceSdpDescription *desc, const LevelAttributes *session,
              const LevelAttributes *media)
{
  const LevelAttributes *options = media->has_options ? media : session;

  g_strlcpy (desc->ufrag, media->ufrag[0] ? media->ufrag : session->ufrag,
             sizeof (desc->ufrag));
  g_strlcpy (desc->pwd, media->pwd[0] ? media->pwd : session->pwd,
             sizeof (desc->pwd));
  desc->trickle = options->trickle;
  desc->ice2 = options->ice2;
}

IceSdpDescription *
ice_sdp_parse (const gchar *text, gssize len)
{
  ParseState st;
  gchar *copy, *line, *next;

  memset (&st, 0, sizeof (st));
  st.desc = ice_sdp_description_new ();
  if (text == NULL)
    return st.desc;
  copy = len < 0 ? g_strdup (text) : g_strndup (text, len);
  for (line = copy; line != NULL; line = next) {
    GError *error = NULL;

    next = strchr (line, '\n');
    if (next != NULL)
      *next++ = '\0';
    st.line_no++;
    g_strstrip (line); /* also drops the CR of CRLF */
    if (*line != '\0' && !parse_line (&st, line, &error)) {
      ice_sdp_description_add_error (
          st.desc, ice_remote_result_from_sdp_error (error),
          g_strdup_printf ("line %u: %s", st.line_no, error->message));
      g_clear_error (&error);
    }
  }
  g_free (copy);
  merge_levels (st.desc, &st.session, &st.media);
  return st.desc;
}

gchar *
ice_sdp_description_to_string (const IceSdpDescription *desc)
{
  GString *s;
  guint i;

  g_return_val_if_fail (desc != NULL, NULL);

  s = g_string_new (NULL);
  if (desc->ufrag[0] != '\0')
    g_string_append_printf (s, "a=ice-ufrag:%s\r\n", desc->ufrag);
  if (desc->pwd[0] != '\0')
    g_string_append_printf (s, "a=ice-pwd:%s\r\n", desc->pwd);
  if (desc->trickle || desc->ice2)
    g_string_append_printf (
        s, "a=ice-options:%s%s%s\r\n", desc->trickle ? "trickle" : "",
        desc->trickle && desc->ice2 ? " " : "", desc->ice2 ? "ice2" : "");
  if (desc->pacing_ms != 0)
    g_string_append_printf (s, "a=ice-pacing:%u\r\n", desc->pacing_ms);
  if (desc->ice_lite)
    g_string_append (s, "a=ice-lite\r\n");
  for (i = 0; desc->candidates != NULL && i < desc->candidates->len; i++) {
    gchar *c = ice_sdp_candidate_to_string (
        &g_array_index (desc->candidates, IceCandidate, i));

    if (c != NULL)
      g_string_append_printf (s, "a=%s\r\n", c);
    g_free (c);
  }
  if (desc->end_of_candidates)
    g_string_append (s, "a=end-of-candidates\r\n");
  return g_string_free (s, FALSE);
}
