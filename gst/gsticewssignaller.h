/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ws:// and wss:// signaller: joins a room on a `gst-ice serve`
 * rendezvous server over a WebSocket (libsoup 3) and trickles our
 * credentials and candidates to the other peer of the room, and its to
 * the agent (docs/signalling.md). All of its I/O runs on the
 * "gst-ice-signal" thread.
 */
#ifndef __GST_ICE_WS_SIGNALLER_H__
#define __GST_ICE_WS_SIGNALLER_H__

#include "gsticesignaller.h"

G_BEGIN_DECLS

/* It is the plugin icews (gsticewsplugin.c); the elements load it by the
 * name of the type it registers (gsticesignallerprovider.h). */
#define GST_ICE_WS_SIGNALLER_PLUGIN "icews"
#define GST_ICE_WS_SIGNALLER_TYPE_NAME "GstIceWsSignaller"

typedef struct _GstIceWsSignaller GstIceWsSignaller;

GstIceWsSignaller *
gst_ice_ws_signaller_new (const GstIceSignallerConfig *config, guint stream_id,
                          GError **error);
const GstIceSignallerBackend *gst_ice_ws_signaller_backend (void);

G_END_DECLS
#endif /* __GST_ICE_WS_SIGNALLER_H__ */
