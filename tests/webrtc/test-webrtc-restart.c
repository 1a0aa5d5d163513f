/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An ICE restart under webrtcbin 1.22, which has no "ice-restart" option:
 * the application renegotiates and puts fresh a=ice-ufrag/a=ice-pwd into
 * the new offer and answer before setting them (RFC 8445 §9, RFC 8839
 * §4.4.1.1.2). On gst-ice at both ends: both backends gather again (new
 * candidates come out of on-ice-candidate after the restart), a pair of
 * the new generation is selected, decoded video frames keep coming and a
 * data channel message goes each way afterwards. gst-ice offering to
 * libnice: the same once the application gives libnice's candidates to
 * gst-ice again (libnice does not restart, see docs/webrtcbin.md).
 * libnice offering to gst-ice is not here: libnice, controlling, never
 * nominates a pair of the new generation.
 */
#include "webrtc-peer.h"

#include <string.h>

#define FRAMES 10
#define DEADLINE_S 60

/* offer ufrag, pwd, answer ufrag, pwd: ice-chars, 4+ and 22+ long */
static const gchar *const fresh[] = {
  "rstOffer", "restartOffererPassword0", "rstAnswer", "restartAnswererPassword",
  NULL,
};

typedef struct {
  Pair *pair;
  guint selections; /* on-selected-candidate-pair-change, under pair lock */
} Watch;

static void
on_selection (GstWebRTCICETransport *transport, Watch *w)
{
  g_mutex_lock (&w->pair->lock);
  w->selections++;
  g_cond_broadcast (&w->pair->cond);
  g_mutex_unlock (&w->pair->lock);
}

/* webrtcbin's ICE transport of the first transceiver (max-bundle: the
 * only one) */
static GstWebRTCICETransport *
ice_transport_of (Peer *peer)
{
  GstWebRTCRTPTransceiver *trans = NULL;
  GstWebRTCRTPReceiver *receiver = NULL;
  GstWebRTCDTLSTransport *dtls = NULL;
  GstWebRTCICETransport *ice = NULL;

  g_signal_emit_by_name (peer->webrtc, "get-transceiver", 0, &trans);
  g_assert_nonnull (trans);
  g_object_get (trans, "receiver", &receiver, NULL);
  g_object_get (receiver, "transport", &dtls, NULL);
  g_assert_nonnull (dtls);
  g_object_get (dtls, "transport", &ice, NULL);
  g_assert_nonnull (ice);
  gst_object_unref (dtls);
  gst_object_unref (receiver);
  gst_object_unref (trans);
  return ice;
}

static gchar *
local_ufrag (Peer *peer)
{
  GstWebRTCSessionDescription *desc = NULL;
  gchar *ufrag;

  g_object_get (peer->webrtc, "current-local-description", &desc, NULL);
  g_assert_nonnull (desc);
  ufrag = g_strdup (gst_sdp_media_get_attribute_val (
      gst_sdp_message_get_media (desc->sdp, 0), "ice-ufrag"));
  gst_webrtc_session_description_free (desc);
  return ufrag;
}

/* libnice's candidates of the first generation, given again to the
 * gst-ice peer, which forgot them at its restart: libnice keeps them
 * under its new credentials */
static void
resend_candidates (Peer *from, Peer *to)
{
  GPtrArray *lines;
  guint i;

  g_mutex_lock (&from->pair->lock);
  lines = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < from->emitted->len; i++)
    g_ptr_array_add (lines, g_strdup (g_ptr_array_index (from->emitted, i)));
  g_mutex_unlock (&from->pair->lock);
  for (i = 0; i < lines->len; i++)
    g_signal_emit_by_name (to->webrtc, "add-ice-candidate", 0,
                           g_ptr_array_index (lines, i));
  g_ptr_array_unref (lines);
}

typedef struct {
  guint o_emitted, a_emitted, selections, frames;
} Mark;

/* libnice's backend does not gather again when webrtcbin gives it new
 * credentials: it emits no new candidates */
static gboolean
gathered_again (Peer *peer, guint before)
{
  return peer->backend == PEER_LIBNICE || peer->emitted->len > before;
}

static gboolean
restarted (Pair *pair, Watch *w, const Mark *m)
{
  return gathered_again (&pair->offerer, m->o_emitted)
         && gathered_again (&pair->answerer, m->a_emitted)
         && w->selections > m->selections
         && pair->answerer.frames_decoded >= m->frames + FRAMES
         && g_strcmp0 (pair->answerer.last_message, "again from offerer") == 0
         && g_strcmp0 (pair->offerer.last_message, "again from answerer") == 0;
}

/* Waits for restarted(); the messages go once the new descriptions are
 * set, so they cross the restart */
static gboolean
wait_restarted (Pair *pair, Watch *w, const Mark *m)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;
  gboolean done;

  g_mutex_lock (&pair->lock);
  while (!(done = restarted (pair, w, m))
         && g_cond_wait_until (&pair->cond, &pair->lock, deadline))
    ;
  done = restarted (pair, w, m);
  if (!done)
    g_test_message ("after the restart: candidates %u/%u -> %u/%u, "
                    "selections %u -> %u, frames %u -> %u, messages "
                    "\"%s\" \"%s\"",
                    m->o_emitted, m->a_emitted, pair->offerer.emitted->len,
                    pair->answerer.emitted->len, m->selections, w->selections,
                    m->frames, pair->answerer.frames_decoded,
                    pair->offerer.last_message, pair->answerer.last_message);
  g_mutex_unlock (&pair->lock);
  return done;
}

static void
run_restart (PeerBackend offerer, PeerBackend answerer)
{
  Pair pair;
  Watch w = { &pair, 0 };
  GstWebRTCICETransport *transport;
  Mark m;
  gchar *ufrag;

  pair_init (&pair, offerer, answerer, TRICKLE_AFTER_DESCRIPTION, NULL, NULL);
  g_assert_true (pair_start (&pair));
  g_assert_true (pair_wait_media (&pair, FRAMES, DEADLINE_S));
  /* the selections of a gst-ice peer (libnice's only signals changes) */
  transport = ice_transport_of (answerer == PEER_GSTICE ? &pair.answerer
                                                        : &pair.offerer);
  g_signal_connect (transport, "on-selected-candidate-pair-change",
                    G_CALLBACK (on_selection), &w);

  g_mutex_lock (&pair.lock);
  m.o_emitted = pair.offerer.emitted->len;
  m.a_emitted = pair.answerer.emitted->len;
  m.selections = w.selections;
  m.frames = pair.answerer.frames_decoded;
  g_mutex_unlock (&pair.lock);
  g_assert_true (pair_negotiate (&pair, fresh));
  if (answerer == PEER_LIBNICE)
    resend_candidates (&pair.answerer, &pair.offerer);
  g_signal_emit_by_name (pair.offerer.channel, "send-string",
                         "again from offerer");
  g_signal_emit_by_name (pair.answerer.channel, "send-string",
                         "again from answerer");
  g_assert_true (wait_restarted (&pair, &w, &m));

  ufrag = local_ufrag (&pair.offerer);
  g_assert_cmpstr (ufrag, ==, fresh[0]);
  g_free (ufrag);
  ufrag = local_ufrag (&pair.answerer);
  g_assert_cmpstr (ufrag, ==, fresh[2]);
  g_free (ufrag);
  g_free (peer_check_selected_pair (&pair.offerer));
  g_free (peer_check_selected_pair (&pair.answerer));
  g_signal_handlers_disconnect_by_data (transport, &w);
  gst_object_unref (transport);
  pair_clear (&pair);
}

static void
test_gstice_gstice (void)
{
  run_restart (PEER_GSTICE, PEER_GSTICE);
}

static void
test_gstice_libnice (void)
{
  run_restart (PEER_GSTICE, PEER_LIBNICE);
}

int
main (int argc, char **argv)
{
  int ret;

  if (!webrtc_test_init (&argc, &argv, &ret))
    return ret;
  g_test_add_func ("/webrtc/restart/gstice-gstice", test_gstice_gstice);
  g_test_add_func ("/webrtc/restart/gstice-libnice", test_gstice_libnice);
  ret = g_test_run ();
  gst_deinit ();
  return ret;
}
