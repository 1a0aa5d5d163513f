/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The bookkeeping of `gst-ice serve` without any I/O: the limits of
 * docs/signalling.md, the table of rooms (two peers each, gone when
 * empty), the count of clients, and the token bucket that limits each
 * client's message rate. Time is passed in (microseconds, monotonic).
 */
#ifndef __GST_ICE_SERVE_ROOMS_H__
#define __GST_ICE_SERVE_ROOMS_H__

#include <glib.h>

G_BEGIN_DECLS

/**
 * ServeLimits:
 * @max_rooms: rooms at a time
 * @max_clients: WebSocket connections at a time
 * @max_message: bytes per message
 * @rate: messages per second per client, sustained
 * @burst: messages a client may send at once (the bucket's size)
 * @max_errors: errors answered before the client is closed with "rate"
 * @join_timeout: seconds a client may stay connected without joining
 */
typedef struct {
  guint max_rooms;
  guint max_clients;
  guint max_message;
  guint rate;
  guint burst;
  guint max_errors;
  guint join_timeout;
} ServeLimits;

/* The defaults of docs/signalling.md. */
void serve_limits_init (ServeLimits *limits);

/**
 * ServeBucket:
 *
 * A token bucket: it holds up to @burst tokens, gains @rate per second,
 * and each message takes one.
 */
typedef struct {
  gdouble tokens;
  gint64 last_us;
} ServeBucket;

void serve_bucket_init (ServeBucket *bucket, const ServeLimits *limits,
                        gint64 now_us);
/* Takes a token; FALSE if the bucket is empty (the message is over rate). */
gboolean serve_bucket_take (ServeBucket *bucket, const ServeLimits *limits,
                            gint64 now_us);

typedef struct _ServeRooms ServeRooms;

typedef enum {
  SERVE_JOIN_FIRST,       /* alone in the room */
  SERVE_JOIN_PAIRED,      /* the second: the other is in *other */
  SERVE_JOIN_ROOM_FULL,   /* two peers already */
  SERVE_JOIN_SERVER_FULL, /* a new room would be over max_rooms */
} ServeJoinResult;

ServeRooms *serve_rooms_new (const ServeLimits *limits);
void serve_rooms_free (ServeRooms *rooms);

/* Counts a connection; FALSE (not counted) at max_clients. */
gboolean serve_rooms_add_client (ServeRooms *rooms);
void serve_rooms_remove_client (ServeRooms *rooms);
guint serve_rooms_n_clients (ServeRooms *rooms);
guint serve_rooms_n_rooms (ServeRooms *rooms);

/* Puts @client (any pointer) in @room, creating it. @other: the peer that
 * was there already, or NULL. */
ServeJoinResult serve_rooms_join (ServeRooms *rooms, const gchar *room,
                                  gpointer client, gpointer *other);
/* Takes @client out of @room, freeing the room when it is empty; returns
 * the peer that stays, or NULL. */
gpointer serve_rooms_leave (ServeRooms *rooms, const gchar *room,
                            gpointer client);
/* The peers in @room (0, 1 or 2) into @out; returns how many. */
guint serve_rooms_peers (ServeRooms *rooms, const gchar *room, gpointer out[2]);
/* The other peer of @client in @room, or NULL. */
gpointer serve_rooms_other (ServeRooms *rooms, const gchar *room,
                            gpointer client);

G_END_DECLS
#endif /* __GST_ICE_SERVE_ROOMS_H__ */
