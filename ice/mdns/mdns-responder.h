/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The answering half of mDNS host candidates
 * (draft-ietf-mmusic-mdns-ice-candidates §3.1): a table of our own
 * "<uuid>.local" names and their addresses, and the decision, for one
 * datagram received on port 5353 at a given time, whether to multicast an
 * answer and which bytes. Sans-IO: no socket, no clock (the caller gives
 * "now"), so rate limiting is tested on a fake clock.
 *
 * Rules (RFC 6762): only questions are answered (§6), only for names in
 * the table, only from port 5353 (legacy unicast queries, §6.7, are not
 * implemented and are ignored), each record multicast at most once a
 * second (§6), none when the query lists it as a known answer with at
 * least half its TTL (§7.1). The answer is never more than
 * %ICE_MDNS_RESPONDER_MAX_GROWTH times the query's size (no
 * amplification). A record for one of our names with another address, in
 * a response or a probe's authority section (§8.2), is a conflict
 * (§9): counted, reported, not answered by renaming.
 */
#ifndef __ICE_MDNS_RESPONDER_H__
#define __ICE_MDNS_RESPONDER_H__

#include "ice/mdns/mdns-message.h"
#include "ice/mdns/mdns-name.h"

G_BEGIN_DECLS

/* RFC 6762 §6: at most one multicast of a record per second. */
#define ICE_MDNS_RESPONDER_INTERVAL_US G_USEC_PER_SEC
/* A name per host address: a host has few; more are refused. */
#define ICE_MDNS_RESPONDER_MAX_NAMES 64
/* An answer is at most this many times the query's size. A query for one
 * of our names is 60 bytes, its A answer 70, an A + AAAA answer (QTYPE
 * ANY) 140; each further question adds as much as its answers do. */
#define ICE_MDNS_RESPONDER_MAX_GROWTH 3

/**
 * IceMdnsResponderResult:
 * @ICE_MDNS_RESPONDER_ANSWER: the output buffer holds a response to
 *   multicast to the group from port 5353
 * @ICE_MDNS_RESPONDER_NOT_OURS: a query for no name of ours (or for none
 *   of the types we have), or a response without our names: nothing to do
 * @ICE_MDNS_RESPONDER_RATE_LIMITED: asked for our names, but every record
 *   asked was multicast less than a second ago, or listed as a known answer
 * @ICE_MDNS_RESPONDER_MALFORMED: the datagram does not parse
 * @ICE_MDNS_RESPONDER_LEGACY: a query from a port other than 5353
 *   (RFC 6762 §6.7 legacy unicast, not implemented): ignored
 * @ICE_MDNS_RESPONDER_TOO_BIG: the answer would exceed
 *   %ICE_MDNS_RESPONDER_MAX_GROWTH times the query: not sent
 * @ICE_MDNS_RESPONDER_CONFLICT: another host claims one of our names with
 *   another address (the datagram is not answered)
 */
typedef enum {
  ICE_MDNS_RESPONDER_ANSWER = 0,
  ICE_MDNS_RESPONDER_NOT_OURS,
  ICE_MDNS_RESPONDER_RATE_LIMITED,
  ICE_MDNS_RESPONDER_MALFORMED,
  ICE_MDNS_RESPONDER_LEGACY,
  ICE_MDNS_RESPONDER_TOO_BIG,
  ICE_MDNS_RESPONDER_CONFLICT,
} IceMdnsResponderResult;

typedef struct {
  guint64 answers;      /* ANSWER */
  guint64 ignored;      /* NOT_OURS queries, LEGACY */
  guint64 rate_limited; /* RATE_LIMITED */
  guint64 malformed;    /* MALFORMED */
  guint64 too_big;      /* TOO_BIG */
  guint64 conflicts;    /* CONFLICT */
} IceMdnsResponderCounters;

typedef struct _IceMdnsResponder IceMdnsResponder;

IceMdnsResponder *ice_mdns_responder_new (void);
void ice_mdns_responder_free (IceMdnsResponder *r);

/* Adds @name for @addr (IPv4: A, IPv6: AAAA; the port is ignored).
 * FALSE when the name is not a valid ".local" host name, already has an
 * address of that family, or the table is full. */
gboolean ice_mdns_responder_add (IceMdnsResponder *r, const gchar *name,
                                 const IceTransportAddr *addr);
/* Forgets @name (both families); FALSE when it was not there. */
gboolean ice_mdns_responder_remove (IceMdnsResponder *r, const gchar *name);
guint ice_mdns_responder_n_names (const IceMdnsResponder *r);

/* One datagram of @len bytes from source port @from_port at @now_us; on
 * %ICE_MDNS_RESPONDER_ANSWER, @out (of @out_size bytes) holds @out_len
 * bytes to send. Every result is also counted. */
IceMdnsResponderResult
ice_mdns_responder_handle (IceMdnsResponder *r, const guint8 *data, gsize len,
                           guint16 from_port, gint64 now_us, guint8 *out,
                           gsize out_size, gsize *out_len);

const IceMdnsResponderCounters *
ice_mdns_responder_get_counters (const IceMdnsResponder *r);
const gchar *ice_mdns_responder_result_to_string (IceMdnsResponderResult res);

G_END_DECLS
#endif /* __ICE_MDNS_RESPONDER_H__ */
