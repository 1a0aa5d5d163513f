/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ws://HOST[:PORT]/ROOM[?token=T] and wss://… (docs/signalling.md,
 * "Transport"): parsed and checked, and the URL the signaller connects to.
 */
#ifndef __GST_ICE_WS_URI_H__
#define __GST_ICE_WS_URI_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gboolean tls;
  gchar *host;
  gint port;
  gchar *room;
  gchar *token; /* NULL if none */
} GstIceWsUri;

GstIceWsUri *gst_ice_ws_uri_parse (const gchar *uri, const gchar *token,
                                   GError **error);
gchar *gst_ice_ws_uri_to_string (const GstIceWsUri *uri, gboolean with_token);
void gst_ice_ws_uri_free (GstIceWsUri *uri);

G_END_DECLS
#endif /* __GST_ICE_WS_URI_H__ */
