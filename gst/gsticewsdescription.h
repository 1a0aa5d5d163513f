/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ws:// signaller's two descriptions, without I/O (docs/signalling.md):
 * ours, diffed into the messages not sent yet (credentials, trickled
 * candidates, end-of-candidates, a new generation on a new ufrag), and the
 * peer's, assembled from its messages into RFC 8839 lines for the agent
 * (stale generations and repeats dropped).
 */
#ifndef __GST_ICE_WS_DESCRIPTION_H__
#define __GST_ICE_WS_DESCRIPTION_H__

#include <glib.h>

G_BEGIN_DECLS

/* --- ours ----------------------------------------------------------------- */

typedef enum {
  GST_ICE_WS_OUT_CREDENTIALS,
  GST_ICE_WS_OUT_CANDIDATE,
  GST_ICE_WS_OUT_END,
} GstIceWsOutKind;

typedef struct {
  GstIceWsOutKind kind;
  gchar *candidate; /* "candidate:…" (no "a="), for GST_ICE_WS_OUT_CANDIDATE */
} GstIceWsOut;

typedef struct {
  gchar *ufrag; /* NULL before the first description */
  gchar *pwd;
  gint64 generation;
  GPtrArray *candidates; /* of this generation, in description order */
  gboolean end;
  GHashTable *sent; /* candidates sent since the last resend */
  gboolean sent_credentials;
  gboolean sent_end;
  gchar *hold_ufrag; /* send nothing until the ufrag differs from this */
} GstIceWsLocal;

void gst_ice_ws_local_init (GstIceWsLocal *local);
void gst_ice_ws_local_clear (GstIceWsLocal *local);
gboolean gst_ice_ws_local_update (GstIceWsLocal *local,
                                  const gchar *description);
void gst_ice_ws_local_resend (GstIceWsLocal *local);
void gst_ice_ws_local_hold (GstIceWsLocal *local);
GPtrArray *gst_ice_ws_local_take_pending (GstIceWsLocal *local);

/* --- the peer's ----------------------------------------------------------- */

typedef enum {
  GST_ICE_WS_REMOTE_NEW,       /* starts a description: text is first */
  GST_ICE_WS_REMOTE_MORE,      /* more lines of the current one */
  GST_ICE_WS_REMOTE_DUPLICATE, /* already given (a resend) */
  GST_ICE_WS_REMOTE_STALE,     /* an older generation */
  GST_ICE_WS_REMOTE_EARLY,     /* a generation whose credentials we lack */
  GST_ICE_WS_REMOTE_MALFORMED, /* bad credentials or candidate line */
} GstIceWsRemoteResult;

typedef struct {
  gchar *peer;       /* the peer the description is from */
  gint64 generation; /* -1: none yet */
  gchar *ufrag;
  GHashTable *lines; /* candidate lines given, this generation */
  gboolean end;
} GstIceWsRemote;

void gst_ice_ws_remote_init (GstIceWsRemote *remote);
void gst_ice_ws_remote_clear (GstIceWsRemote *remote);
gboolean gst_ice_ws_remote_set_peer (GstIceWsRemote *remote, const gchar *peer);
GstIceWsRemoteResult gst_ice_ws_remote_credentials (GstIceWsRemote *remote,
                                                    gint64 generation,
                                                    const gchar *ufrag,
                                                    const gchar *pwd,
                                                    gchar **text);
GstIceWsRemoteResult gst_ice_ws_remote_candidate (GstIceWsRemote *remote,
                                                  gint64 generation,
                                                  const gchar *candidate,
                                                  gchar **text);
GstIceWsRemoteResult gst_ice_ws_remote_end (GstIceWsRemote *remote,
                                            gint64 generation, gchar **text);
const gchar *gst_ice_ws_remote_result_name (GstIceWsRemoteResult result);

G_END_DECLS
#endif /* __GST_ICE_WS_DESCRIPTION_H__ */
