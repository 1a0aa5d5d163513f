/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The subset of the DNS message format (RFC 1035 §4) that mDNS host
 * candidates need (RFC 6762): building queries for A/AAAA names and
 * responses carrying A/AAAA answers, and parsing any message received on
 * port 5353 into its questions and address records. Everything else
 * (PTR, SRV, TXT, probing, known-answer lists, legacy unicast replies) is
 * counted and skipped or left to a later layer; docs/mdns.md lists what
 * the IO layer must check itself.
 *
 * Parsing is written for hostile input: a malformed message gives an
 * #IceMdnsParseResult, never a warning, and the work per message is
 * bounded (limits below).
 */
#ifndef __ICE_MDNS_MESSAGE_H__
#define __ICE_MDNS_MESSAGE_H__

#include "ice/common/ice-addr.h"

G_BEGIN_DECLS

#define ICE_MDNS_PORT 5353
#define ICE_MDNS_TYPE_A 1
#define ICE_MDNS_TYPE_AAAA 28
#define ICE_MDNS_TYPE_ANY 255
#define ICE_MDNS_CLASS_IN 1
#define ICE_MDNS_CLASS_ANY 255
/* RFC 6762 §5.4: the top bit of QCLASS asks for a unicast response (QU);
 * §10.2: the top bit of an answer's CLASS is the cache-flush bit. */
#define ICE_MDNS_CLASS_TOP_BIT 0x8000
/* RFC 6762 §10: 120 s for records whose name is a host name. */
#define ICE_MDNS_TTL_DEFAULT 120
/* RFC 6762 §18: QR=1 and AA=1, opcode 0, rcode 0. */
#define ICE_MDNS_RESPONSE_FLAGS 0x8400
#define ICE_MDNS_FLAG_QR 0x8000

/* RFC 6762 §17: a message, with its IP and UDP headers, is at most 9000
 * bytes; longer datagrams are refused unread. */
#define ICE_MDNS_MAX_MESSAGE 9000
/* RFC 1035 §2.3.4: 255 octets on the wire; its dotted text fits here. */
#define ICE_MDNS_NAME_SIZE 256
/* Labels plus compression pointers followed for one name: a 255-octet
 * name has at most 127 labels, so a longer walk is refused. */
#define ICE_MDNS_MAX_NAME_STEPS 128
/* Kept per message; more are parsed, counted in n_*_dropped, not kept. */
#define ICE_MDNS_MAX_QUESTIONS 16
#define ICE_MDNS_MAX_ADDRESSES 16

/**
 * IceMdnsParseResult:
 * @ICE_MDNS_PARSE_OK: the whole message was read
 * @ICE_MDNS_PARSE_TOO_SHORT: fewer than the 12 bytes of a header
 * @ICE_MDNS_PARSE_TOO_LONG: over %ICE_MDNS_MAX_MESSAGE bytes
 * @ICE_MDNS_PARSE_BAD_OPCODE: opcode not 0 (RFC 6762 §18.3: ignore)
 * @ICE_MDNS_PARSE_BAD_RCODE: rcode not 0 (RFC 6762 §18.11: ignore)
 * @ICE_MDNS_PARSE_BAD_COUNTS: the header counts more questions and records
 *   than the message has room for, even at their smallest size
 * @ICE_MDNS_PARSE_TRUNCATED: a name, question, record header or RDATA runs
 *   past the end of the message
 * @ICE_MDNS_PARSE_BAD_LABEL: a label length byte with the reserved type
 *   bits 01 or 10 (RFC 6891 §5 extended labels are not supported)
 * @ICE_MDNS_PARSE_BAD_POINTER: a compression pointer to itself, forwards or
 *   past the end (RFC 1035 §4.1.4: pointers go to a prior occurrence)
 * @ICE_MDNS_PARSE_NAME_TOO_LONG: a name over 255 octets (RFC 1035 §2.3.4)
 * @ICE_MDNS_PARSE_TOO_MANY_STEPS: over %ICE_MDNS_MAX_NAME_STEPS labels and
 *   pointers in one name
 * @ICE_MDNS_PARSE_BAD_RDATA: an A record whose RDATA is not 4 bytes, or an
 *   AAAA record whose RDATA is not 16
 */
typedef enum {
  ICE_MDNS_PARSE_OK = 0,
  ICE_MDNS_PARSE_TOO_SHORT,
  ICE_MDNS_PARSE_TOO_LONG,
  ICE_MDNS_PARSE_BAD_OPCODE,
  ICE_MDNS_PARSE_BAD_RCODE,
  ICE_MDNS_PARSE_BAD_COUNTS,
  ICE_MDNS_PARSE_TRUNCATED,
  ICE_MDNS_PARSE_BAD_LABEL,
  ICE_MDNS_PARSE_BAD_POINTER,
  ICE_MDNS_PARSE_NAME_TOO_LONG,
  ICE_MDNS_PARSE_TOO_MANY_STEPS,
  ICE_MDNS_PARSE_BAD_RDATA,
} IceMdnsParseResult;

typedef enum {
  ICE_MDNS_SECTION_ANSWER = 0,
  ICE_MDNS_SECTION_AUTHORITY,
  ICE_MDNS_SECTION_ADDITIONAL,
} IceMdnsSection;

/**
 * IceMdnsQuestion:
 * @name: dotted text, no trailing dot ("" for the root); a label byte that
 *   is not printable ASCII, or a '.' inside a label, reads as '?', so that
 *   such a name never equals a host name (ice_mdns_name_is_valid())
 * @qclass: the class without the QU bit
 * @unicast_response: the QU bit (RFC 6762 §5.4)
 */
typedef struct {
  gchar name[ICE_MDNS_NAME_SIZE];
  guint16 qtype;
  guint16 qclass;
  gboolean unicast_response;
} IceMdnsQuestion;

/**
 * IceMdnsAddressRecord:
 * An A or AAAA record of class IN, from any section.
 * @name: as #IceMdnsQuestion's
 * @addr: the address (IPv4 or IPv6, UDP, port 0, scope 0: the IO layer
 *   knows the interface a link-local address came in on)
 * @cache_flush: the cache-flush bit (RFC 6762 §10.2)
 */
typedef struct {
  gchar name[ICE_MDNS_NAME_SIZE];
  IceMdnsSection section;
  gboolean cache_flush;
  guint32 ttl;
  IceTransportAddr addr;
} IceMdnsAddressRecord;

typedef struct {
  guint16 id;
  guint16 flags;
  gboolean is_response; /* QR */
  guint16 qdcount, ancount, nscount, arcount;
  guint n_questions;
  IceMdnsQuestion questions[ICE_MDNS_MAX_QUESTIONS];
  guint n_addresses;
  IceMdnsAddressRecord addresses[ICE_MDNS_MAX_ADDRESSES];
  guint n_questions_dropped; /* past ICE_MDNS_MAX_QUESTIONS */
  guint n_addresses_dropped; /* past ICE_MDNS_MAX_ADDRESSES */
  guint n_other_records;     /* other types or classes, skipped */
} IceMdnsMessage;

/* Fills @msg; on any result but OK its content is partial: drop it. */
IceMdnsParseResult ice_mdns_message_parse (IceMdnsMessage *msg,
                                           const guint8 *data, gsize len);
const gchar *ice_mdns_parse_result_to_string (IceMdnsParseResult result);

/* Builders: each writes into @buf and returns the length, or 0 when it
 * does not fit in @size or a name cannot be encoded (an empty label, a
 * label over 63 octets, a name over 255; one trailing dot is allowed).
 * Names are written uncompressed. */
typedef struct {
  const gchar *name;
  guint16 qtype; /* ICE_MDNS_TYPE_A or _AAAA (any type is written) */
  gboolean unicast_response;
} IceMdnsQuery;

typedef struct {
  const gchar *name;
  IceTransportAddr addr; /* IPv4 gives A, IPv6 AAAA; the port is unused */
  guint32 ttl;           /* ICE_MDNS_TTL_DEFAULT; 0 says goodbye (§10.1) */
} IceMdnsAnswer;

/* ID 0, flags 0 (RFC 6762 §18.1, §18.2), @n questions of class IN. */
gsize ice_mdns_build_query (guint8 *buf, gsize size,
                            const IceMdnsQuery *questions, guint n);
/* ID 0, flags %ICE_MDNS_RESPONSE_FLAGS, no questions (RFC 6762 §6), @n
 * answers of class IN with the cache-flush bit: the names are unique.
 * Not a legacy unicast reply (§6.7: that repeats the ID and question). */
gsize ice_mdns_build_response (guint8 *buf, gsize size,
                               const IceMdnsAnswer *answers, guint n);

/* Bits of ice_mdns_should_answer()'s @asked. */
#define ICE_MDNS_ASKED_A 0x1
#define ICE_MDNS_ASKED_AAAA 0x2
/* Every question for the name had QU: a unicast reply may do (§5.4). */
#define ICE_MDNS_ASKED_UNICAST 0x4

guint ice_mdns_should_answer (const IceMdnsMessage *msg,
                              const gchar *const *our_names, guint n_names,
                              guint8 *asked);

G_END_DECLS
#endif /* __ICE_MDNS_MESSAGE_H__ */
