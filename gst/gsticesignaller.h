/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A stream's signaller, whichever its backend: file:// (a room directory,
 * docs/signalling-file.md) or ws:// and wss:// (a rendezvous server,
 * docs/signalling.md). A backend is three functions and the callbacks
 * below; all of its I/O runs on the "gst-ice-signal" thread, never on the
 * agent's packet thread.
 */
#ifndef __GST_ICE_SIGNALLER_H__
#define __GST_ICE_SIGNALLER_H__

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * GstIceSignallerTextFunc:
 * @stream_id: the stream the text belongs to
 * @text: new lines of the paired peer's description; the first call for
 *   a peer carries its credentials (a=ice-ufrag, a=ice-pwd)
 * @first: %TRUE when @text starts a peer's description (the peer, or the
 *   peer restarted with a new ufrag)
 * @user_data: as given with the funcs
 *
 * Called on the signalling thread; gst_ice_signaller_free() waits for a
 * running call (or may be called from it).
 */
typedef void (*GstIceSignallerTextFunc) (guint stream_id, const gchar *text,
                                         gboolean first, gpointer user_data);

/**
 * GstIceSignallerProblemFunc:
 * @stream_id: the stream of the signaller
 * @fatal: %TRUE when the signaller cannot go on (an unusable room, a
 *   refusal by the server): it has stopped; %FALSE for a notice (a busy
 *   room, an unreachable server: it keeps trying)
 * @message: what is wrong, for the user
 * @user_data: as given with the funcs
 *
 * Called on the signalling thread, like #GstIceSignallerTextFunc; a fatal
 * problem is reported once.
 */
typedef void (*GstIceSignallerProblemFunc) (guint stream_id, gboolean fatal,
                                            const gchar *message,
                                            gpointer user_data);

/**
 * GstIceSignallerRestartFunc:
 * @stream_id: the stream of the signaller
 * @user_data: as given with the funcs
 *
 * Asks for an ICE restart of our side before the signaller talks to a new
 * peer, so that the description it sends that peer forgets the previous
 * one (see "A new peer" in docs/signalling.md). Signalling thread.
 */
typedef void (*GstIceSignallerRestartFunc) (guint stream_id,
                                            gpointer user_data);

typedef struct {
  GstIceSignallerTextFunc text;
  GstIceSignallerProblemFunc problem;
  GstIceSignallerRestartFunc restart;
  gpointer user_data; /* must outlive gst_ice_signaller_free() */
} GstIceSignallerFuncs;

/* What the element's properties say about the signaller. */
typedef struct {
  const gchar *uri;
  const gchar *token;   /* ws: the room's token, or NULL */
  const gchar *ca_file; /* wss: PEM file of the CAs to trust, or NULL */
} GstIceSignallerConfig;

/* A backend: the summaries are the bus messages' texts. */
typedef struct {
  const gchar *fatal_summary;
  const gchar *notice_summary;
  void (*start) (gpointer impl, const GstIceSignallerFuncs *funcs);
  void (*publish) (gpointer impl, const gchar *description);
  void (*free) (gpointer impl);
  /* optional, any thread: a local address went away (the agent's
   * "local-address-lost"); a connection that left from it is dead */
  void (*address_lost) (gpointer impl, const gchar *ip);
} GstIceSignallerBackend;

typedef struct _GstIceSignaller GstIceSignaller;

gboolean gst_ice_signaller_uri_is_valid (const gchar *uri, GError **error);

GstIceSignaller *gst_ice_signaller_new (const GstIceSignallerConfig *config,
                                        guint stream_id, GError **error);
void gst_ice_signaller_start (GstIceSignaller *sig,
                              const GstIceSignallerFuncs *funcs);
void gst_ice_signaller_publish (GstIceSignaller *sig, const gchar *description);
void gst_ice_signaller_address_lost (GstIceSignaller *sig, const gchar *ip);
const gchar *gst_ice_signaller_get_summary (GstIceSignaller *sig,
                                            gboolean fatal);
void gst_ice_signaller_free (GstIceSignaller *sig);

G_END_DECLS
#endif /* __GST_ICE_SIGNALLER_H__ */
