/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-connect-peer: one side of a connection per process (see
 * bench-connect-peer.c); the state both implementations' glue shares.
 */
#pragma once

#include <nice/agent.h>

#include "ice/io/ice-agent.h"

typedef struct {
  GMainLoop *loop;
  gboolean controlling, use_ice, regular;
  gchar *stun_host, *turn_uri, *turn_host, *turn_user, *turn_pass;
  guint stun_port, turn_port;
  gint in_fd, out_fd;
  GString *inbuf, *remote;
  gboolean gathered, have_remote, applied, usable, has_pair, said_connected;
  gboolean peer_connected;
  gchar *pair, *peer_pair;
  gint64 t0_us, self_us, peer_us;
  gdouble peer_ms;
  gint status;
  gboolean finished;
  IceAgent *ice;
  guint ice_stream;
  NiceAgent *nice;
  guint nice_stream;
} Peer;

/* Ends the run with @status; @why (or NULL) is printed as a FAIL line. */
void peer_finish (Peer *p, gint status, const gchar *why);
/* Our state or pair changed: connected yet? */
void peer_check_connected (Peer *p);
/* Our agent finished gathering. */
void peer_gathered (Peer *p);
/* "TYPE:ADDR:PORT/TYPE:ADDR:PORT" of two "candidate:..." lines */
gchar *peer_short_pair (const gchar *local, const gchar *remote);

/* bench-peer-nice.c: the libnice side */
void peer_nice_make (Peer *p);
void peer_nice_close (Peer *p, GMainContext *ctx);
