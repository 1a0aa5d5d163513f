/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The pairing rule of a file:// room. No clock decides anything about a
 * peer's file, since the disk may be shared by hosts whose clocks differ:
 *
 *  - a file is *live* once we saw it appear or change (its generation)
 *    after our first look at the room: files already there then
 *    (leftovers of dead sessions, members of a pair) count only once they
 *    change; a file that claims us is live (our id is new);
 *  - we claim one live, unclaimed file (the smallest id, so that racing
 *    peers agree); a live file that claims us wins over our claim; two
 *    files claiming each other are a pair, for the signaller's lifetime;
 *  - a claim unanswered for CLAIM_TIMEOUT (the caller's monotonic time)
 *    is dropped and that file ignored until it changes;
 *  - with no file to claim while files claim others, the room is busy
 *    (a pair, or what one left): we wait, and say so once.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticeroompairing.h"

#include <string.h>

#define GST_CAT_DEFAULT gst_ice_signaller_debug

/* A live peer answers a claim within one poll; this only unblocks a room
 * whose claimed peer died before it answered. */
#define CLAIM_TIMEOUT_US (10 * G_TIME_SPAN_SECOND)

typedef enum {
  PAIRING_WAITING,
  PAIRING_CLAIMING,
  PAIRING_PAIRED,
} PairingState;

struct _GstIceRoomPairing {
  gchar *own_id;
  gchar *room; /* for the log */
  gboolean scanned;
  GHashTable *ignored; /* id → guint64* generation ignored until changed */
  PairingState state;
  gchar *peer_id; /* claimed or paired */
  gint64 claim_deadline_us;
  gboolean busy;
};

/**
 * gst_ice_room_peer_new:
 * @id: the file's name without ".ice"
 * @text: its content
 *
 * Returns: (transfer full): the parsed file, not yet observed.
 */
GstIceRoomPeer *
gst_ice_room_peer_new (const gchar *id, const gchar *text)
{
  GstIceRoomPeer *peer = g_new0 (GstIceRoomPeer, 1);

  peer->id = g_strdup (id);
  gst_ice_room_file_parse (text, &peer->file);
  return peer;
}

/**
 * gst_ice_room_peer_free:
 * @peer: (transfer full): a #GstIceRoomPeer
 */
void
gst_ice_room_peer_free (gpointer data)
{
  GstIceRoomPeer *peer = data;

  g_free (peer->id);
  gst_ice_room_file_clear (&peer->file);
  g_free (peer);
}

/**
 * gst_ice_room_pairing_new:
 * @own_id: the id of our file
 * @room: the room's directory, for the log
 *
 * Returns: (transfer full): a pairing that has seen nothing yet.
 */
GstIceRoomPairing *
gst_ice_room_pairing_new (const gchar *own_id, const gchar *room)
{
  GstIceRoomPairing *p = g_new0 (GstIceRoomPairing, 1);

  p->own_id = g_strdup (own_id);
  p->room = g_strdup (room);
  p->ignored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return p;
}

/**
 * gst_ice_room_pairing_free:
 * @pairing: (transfer full): a pairing
 */
void
gst_ice_room_pairing_free (GstIceRoomPairing *p)
{
  g_hash_table_unref (p->ignored);
  g_free (p->own_id);
  g_free (p->room);
  g_free (p->peer_id);
  g_free (p);
}

static void
ignore_generation (GstIceRoomPairing *p, const gchar *id, guint64 generation)
{
  g_hash_table_insert (p->ignored, g_strdup (id),
                       g_memdup2 (&generation, sizeof (generation)));
}

/**
 * gst_ice_room_pairing_observe:
 * @peer: a file read in the current scan; its @live is set
 *
 * Applies the liveness rule. Files observed before the first
 * gst_ice_room_pairing_end_scan() are the room as we found it.
 */
void
gst_ice_room_pairing_observe (GstIceRoomPairing *p, GstIceRoomPeer *peer)
{
  guint64 *ignored;

  if (g_strcmp0 (peer->file.peer, p->own_id) == 0) {
    g_hash_table_remove (p->ignored, peer->id);
    peer->live = TRUE;
    return;
  }
  if (!p->scanned) {
    ignore_generation (p, peer->id, peer->file.generation);
    peer->live = FALSE;
    return;
  }
  ignored = g_hash_table_lookup (p->ignored, peer->id);
  peer->live = ignored == NULL || *ignored != peer->file.generation;
  if (peer->live)
    g_hash_table_remove (p->ignored, peer->id);
}

/**
 * gst_ice_room_pairing_end_scan:
 *
 * Marks the end of a scan: the first one is the room as we found it.
 */
void
gst_ice_room_pairing_end_scan (GstIceRoomPairing *p)
{
  p->scanned = TRUE;
}

/**
 * gst_ice_room_pairing_find:
 * @peers: (element-type GstIceRoomPeer): files of one scan
 * @id: (nullable): an id
 *
 * Returns: (transfer none) (nullable): the file of that id.
 */
GstIceRoomPeer *
gst_ice_room_pairing_find (GPtrArray *peers, const gchar *id)
{
  guint i;

  for (i = 0; id && i < peers->len; i++) {
    GstIceRoomPeer *peer = g_ptr_array_index (peers, i);

    if (strcmp (peer->id, id) == 0)
      return peer;
  }
  return NULL;
}

/* The live file with the smallest id whose claim is @claim (NULL: none). */
static GstIceRoomPeer *
find_live_claiming (GPtrArray *peers, const gchar *claim)
{
  GstIceRoomPeer *best = NULL;
  guint i;

  for (i = 0; i < peers->len; i++) {
    GstIceRoomPeer *peer = g_ptr_array_index (peers, i);

    if (peer->live && g_strcmp0 (peer->file.peer, claim) == 0
        && (best == NULL || strcmp (peer->id, best->id) < 0))
      best = peer;
  }
  return best;
}

static void
set_state (GstIceRoomPairing *p, PairingState state, const gchar *peer_id,
           gint64 now_us)
{
  static const gchar *names[] = { "waiting", "claiming", "paired" };

  GST_INFO ("room %s: %s %s → %s %s", p->room, names[p->state],
            p->peer_id ? p->peer_id : "", names[state], peer_id ? peer_id : "");
  p->state = state;
  g_free (p->peer_id);
  p->peer_id = g_strdup (peer_id);
  if (state == PAIRING_CLAIMING)
    p->claim_deadline_us = now_us + CLAIM_TIMEOUT_US;
}

/* While we claim a file: keep the claim, or drop it when the file went,
 * chose another peer, or never answered. */
static void
check_claim (GstIceRoomPairing *p, GPtrArray *peers, gint64 now_us)
{
  GstIceRoomPeer *target = gst_ice_room_pairing_find (peers, p->peer_id);

  if (target && target->file.peer == NULL && now_us < p->claim_deadline_us)
    return;
  if (target && target->file.peer == NULL) {
    GST_INFO ("room %s: %s never answered our claim: ignored until it "
              "changes",
              p->room, target->id);
    ignore_generation (p, target->id, target->file.generation);
    target->live = FALSE;
  }
  set_state (p, PAIRING_WAITING, NULL, now_us);
}

/* Files that claim others: a pair, or the files a pair left behind (with
 * no clock to trust we cannot tell which until they change). */
static gboolean
room_is_busy (GPtrArray *peers)
{
  guint i;

  for (i = 0; i < peers->len; i++) {
    GstIceRoomPeer *peer = g_ptr_array_index (peers, i);

    if (peer->file.peer != NULL)
      return TRUE;
  }
  return FALSE;
}

/**
 * gst_ice_room_pairing_update:
 * @peers: (element-type GstIceRoomPeer): the observed files of one scan
 * @now_us: monotonic time
 * @became_busy: (out): %TRUE when we now wait with no file to claim while
 *   files claim others (once per busy spell)
 *
 * One step of the pairing rule, once we have a file of our own.
 *
 * Returns: %TRUE if our claim changed: our file must say so.
 */
gboolean
gst_ice_room_pairing_update (GstIceRoomPairing *p, GPtrArray *peers,
                             gint64 now_us, gboolean *became_busy)
{
  gchar *before = g_strdup (p->peer_id);
  GstIceRoomPeer *peer;
  gboolean changed, busy = FALSE;

  if (p->state == PAIRING_PAIRED)
    goto out;
  peer = find_live_claiming (peers, p->own_id);
  if (peer) {
    set_state (p, PAIRING_PAIRED, peer->id, now_us);
    goto out;
  }
  if (p->state == PAIRING_CLAIMING)
    check_claim (p, peers, now_us);
  if (p->state == PAIRING_WAITING) {
    peer = find_live_claiming (peers, NULL);
    if (peer)
      set_state (p, PAIRING_CLAIMING, peer->id, now_us);
    else
      busy = room_is_busy (peers);
  }
out:
  *became_busy = busy && !p->busy;
  p->busy = busy;
  changed = g_strcmp0 (before, p->peer_id) != 0;
  g_free (before);
  return changed;
}

/**
 * gst_ice_room_pairing_get_claim:
 *
 * Returns: (nullable): the id our file claims (claimed or paired).
 */
const gchar *
gst_ice_room_pairing_get_claim (GstIceRoomPairing *p)
{
  return p->peer_id;
}

/**
 * gst_ice_room_pairing_is_paired:
 *
 * Returns: %TRUE once our claim is answered; the peer is then
 *   gst_ice_room_pairing_get_claim().
 */
gboolean
gst_ice_room_pairing_is_paired (GstIceRoomPairing *p)
{
  return p->state == PAIRING_PAIRED;
}
