/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-scale-side: the agent pairs of bench-scale (bench-scale.c runs
 * the cases, bench-scale-side.c makes and drives the agents). Every call
 * runs on the one GMainContext the agents were made on, except the
 * receive counter (atomic: the mux's thread delivers).
 */
#pragma once

#include <nice/agent.h>

#include "benchmarks/bench-scale-peer.h"
#include "ice/io/ice-agent.h"

typedef struct _Pair Pair;

typedef struct {
  Pair *pair;
  gboolean controlling;
  IceAgent *ice;
  NiceAgent *nice;
  guint stream;
  gboolean gathered, usable;
  IceConnectionState last_state; /* gst-ice only */
} Side;

typedef struct {
  gboolean use_ice;
  gboolean mux; /* only sides[1] here, on the mux; sides[0] in the peer */
  guint n;
  Pair *pairs;
  guint usable; /* agents usable now */
  guint gathered;
  guint64 sent, refused;
  gsize received; /* atomic: the mux's thread delivers */
} Bench;

struct _Pair {
  Bench *bench;
  Side sides[2]; /* [0] controls */
};

/* Makes @side's agent (gst-ice or libnice, as its bench says) on @ctx,
 * its stream and its signal handlers; with bench->mux on the UDP mux. */
void scale_side_make (Side *side, GMainContext *ctx);
gboolean scale_side_gather (Side *side);
/* The complete local description (credentials, candidates,
 * end-of-candidates); g_free() it. */
gchar *scale_side_description (Side *side);
/* Applies the peer's description; FALSE (said on stderr) if refused. */
gboolean scale_side_apply (Side *side, const gchar *text);
/* One datagram to the peer, counted in the bench as sent or refused
 * (nothing for a side whose agent is in the peer process). */
void scale_side_send (Side *side);
void scale_side_free (Side *side);
