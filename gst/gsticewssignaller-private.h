/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ws signaller's state, shared by its connection (gsticewssignaller.c)
 * and its message handling (gsticewspeer.c).
 */
#ifndef __GST_ICE_WS_SIGNALLER_PRIVATE_H__
#define __GST_ICE_WS_SIGNALLER_PRIVATE_H__

#include <libsoup/soup.h>
#include <gst/gst.h>

#include "gsticewssignaller.h"
#include "gsticewsdescription.h"
#include "gsticewsuri.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_ice_ws_signaller_debug);

struct _GstIceWsSignaller {
  gint refcount;
  GstIceWsUri *uri;
  gchar *url_log;             /* the URL without its token */
  GTlsDatabase *tls_database; /* the signaller-ca-file, or NULL */
  gchar *mid;                 /* our stream's "mid" */
  gchar *peer_id;             /* ours in the room, for this signaller's life */
  guint stream_id;
  GMainContext *context; /* the signalling thread's */

  /* Guards the fields up to call_lock. */
  GMutex lock;
  gchar *description; /* the last published */
  gboolean dirty;
  gboolean stopped;
  GSource *wake;

  /* Held while the signaller calls the funcs, so that free() waits. */
  GRecMutex call_lock;
  GstIceSignallerFuncs funcs;

  /* The signalling thread's (under call_lock). */
  SoupSession *session;
  SoupWebsocketConnection *conn;
  GCancellable *cancellable;
  GSource *retry;
  guint backoff_s;
  gboolean joined_once; /* reached the room at least once */
  gboolean warned_unreachable;
  gboolean warned_lost; /* for the current outage */
  gboolean failed;      /* a fatal refusal: no more connecting */
  gboolean paired;      /* peer-joined seen on this connection */
  gchar *local_ip;      /* our end of the connection to the server */
  GstIceWsLocal local;
  GstIceWsRemote remote;
  guint n_dropped;        /* messages from the server we could not use */
  gint64 last_restart_us; /* the last restart the peer asked for */
};

/* gsticewspeer.c */
void gst_ice_ws_signaller_handle (GstIceWsSignaller *sig, GBytes *bytes);
void gst_ice_ws_signaller_send_pending (GstIceWsSignaller *sig);
void gst_ice_ws_signaller_send_join (GstIceWsSignaller *sig);

/* gsticewssignaller.c */
void gst_ice_ws_signaller_problem (GstIceWsSignaller *sig, gboolean fatal,
                                   const gchar *message);
void gst_ice_ws_signaller_refused (GstIceWsSignaller *sig);

G_END_DECLS
#endif /* __GST_ICE_WS_SIGNALLER_PRIVATE_H__ */
