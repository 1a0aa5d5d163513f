/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "serve-rooms.h"

/* docs/signalling.md, "Server limits" */
#define DEFAULT_MAX_ROOMS 1000
#define DEFAULT_MAX_CLIENTS 2000
#define DEFAULT_MAX_MESSAGE (16 * 1024)
#define DEFAULT_RATE 50
#define DEFAULT_BURST 200
#define DEFAULT_MAX_ERRORS 20
#define DEFAULT_JOIN_TIMEOUT 10

void
serve_limits_init (ServeLimits *limits)
{
  limits->max_rooms = DEFAULT_MAX_ROOMS;
  limits->max_clients = DEFAULT_MAX_CLIENTS;
  limits->max_message = DEFAULT_MAX_MESSAGE;
  limits->rate = DEFAULT_RATE;
  limits->burst = DEFAULT_BURST;
  limits->max_errors = DEFAULT_MAX_ERRORS;
  limits->join_timeout = DEFAULT_JOIN_TIMEOUT;
}

void
serve_bucket_init (ServeBucket *bucket, const ServeLimits *limits,
                   gint64 now_us)
{
  bucket->tokens = limits->burst;
  bucket->last_us = now_us;
}

gboolean
serve_bucket_take (ServeBucket *bucket, const ServeLimits *limits,
                   gint64 now_us)
{
  gint64 elapsed = MAX (now_us - bucket->last_us, 0);

  bucket->tokens += (gdouble)elapsed * limits->rate / G_USEC_PER_SEC;
  bucket->tokens = MIN (bucket->tokens, (gdouble)limits->burst);
  bucket->last_us = now_us;
  if (bucket->tokens < 1.0)
    return FALSE;
  bucket->tokens -= 1.0;
  return TRUE;
}

typedef struct {
  gpointer peers[2];
} ServeRoom;

struct _ServeRooms {
  ServeLimits limits;
  GHashTable *rooms; /* name → ServeRoom */
  guint n_clients;
};

ServeRooms *
serve_rooms_new (const ServeLimits *limits)
{
  ServeRooms *rooms = g_new0 (ServeRooms, 1);

  rooms->limits = *limits;
  rooms->rooms
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return rooms;
}

void
serve_rooms_free (ServeRooms *rooms)
{
  g_hash_table_unref (rooms->rooms);
  g_free (rooms);
}

gboolean
serve_rooms_add_client (ServeRooms *rooms)
{
  if (rooms->n_clients >= rooms->limits.max_clients)
    return FALSE;
  rooms->n_clients++;
  return TRUE;
}

void
serve_rooms_remove_client (ServeRooms *rooms)
{
  if (rooms->n_clients > 0)
    rooms->n_clients--;
}

guint
serve_rooms_n_clients (ServeRooms *rooms)
{
  return rooms->n_clients;
}

guint
serve_rooms_n_rooms (ServeRooms *rooms)
{
  return g_hash_table_size (rooms->rooms);
}

ServeJoinResult
serve_rooms_join (ServeRooms *rooms, const gchar *name, gpointer client,
                  gpointer *other)
{
  ServeRoom *room = g_hash_table_lookup (rooms->rooms, name);

  *other = NULL;
  if (room == NULL) {
    if (g_hash_table_size (rooms->rooms) >= rooms->limits.max_rooms)
      return SERVE_JOIN_SERVER_FULL;
    room = g_new0 (ServeRoom, 1);
    room->peers[0] = client;
    g_hash_table_insert (rooms->rooms, g_strdup (name), room);
    return SERVE_JOIN_FIRST;
  }
  if (room->peers[0] != NULL && room->peers[1] != NULL)
    return SERVE_JOIN_ROOM_FULL;
  *other = room->peers[0] != NULL ? room->peers[0] : room->peers[1];
  room->peers[room->peers[0] == NULL ? 0 : 1] = client;
  return SERVE_JOIN_PAIRED;
}

guint
serve_rooms_peers (ServeRooms *rooms, const gchar *name, gpointer out[2])
{
  ServeRoom *room = g_hash_table_lookup (rooms->rooms, name);
  guint i, n = 0;

  for (i = 0; room != NULL && i < 2; i++)
    if (room->peers[i] != NULL)
      out[n++] = room->peers[i];
  return n;
}

gpointer
serve_rooms_other (ServeRooms *rooms, const gchar *name, gpointer client)
{
  ServeRoom *room = g_hash_table_lookup (rooms->rooms, name);

  if (room == NULL)
    return NULL;
  if (room->peers[0] == client)
    return room->peers[1];
  if (room->peers[1] == client)
    return room->peers[0];
  return NULL;
}

gpointer
serve_rooms_leave (ServeRooms *rooms, const gchar *name, gpointer client)
{
  ServeRoom *room = g_hash_table_lookup (rooms->rooms, name);
  gpointer other;
  guint i;

  if (room == NULL)
    return NULL;
  for (i = 0; i < 2; i++) {
    if (room->peers[i] == client)
      room->peers[i] = NULL;
  }
  other = room->peers[0] != NULL ? room->peers[0] : room->peers[1];
  if (other == NULL)
    g_hash_table_remove (rooms->rooms, name);
  return other;
}
