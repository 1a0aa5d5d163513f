/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parsing mDNS messages (RFC 1035 §4.1, RFC 6762 §18) from untrusted
 * datagrams, and which of our names a query asks for.
 */
#define G_LOG_DOMAIN "ice-mdns"

#include "ice/mdns/mdns-message.h"

#include "ice/mdns/mdns-name.h"

#include <string.h>

#define HEADER_SIZE 12
/* The smallest question: the root name (1 byte), QTYPE, QCLASS. */
#define MIN_QUESTION_SIZE 5
/* The smallest record: the root name, TYPE, CLASS, TTL, RDLENGTH. */
#define MIN_RECORD_SIZE 11
#define MAX_WIRE_NAME 255

typedef struct {
  const guint8 *data;
  gsize len;
  gsize pos;
} Reader;

static guint16
get_u16 (const guint8 *p)
{
  return (guint16)((p[0] << 8) | p[1]);
}

static guint32
get_u32 (const guint8 *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8)
         | p[3];
}

/* A name is kept as text only to be compared with host names: bytes that
 * could not be in one, and a '.' that is part of a label, become '?'. */
static gsize
append_label (gchar *out, gsize o, const guint8 *label, guint len)
{
  guint i;

  if (o > 0)
    out[o++] = '.';
  for (i = 0; i < len; i++) {
    guint8 c = label[i];
    out[o++] = (c < 0x21 || c > 0x7e || c == '.') ? '?' : (gchar)c;
  }
  return o;
}

/* RFC 1035 §4.1.4 compression, made safe: a pointer must lead below
 * everything this name has read so far (and past the header), so every
 * jump goes strictly backwards and no walk can loop; the wire length
 * (255) and the steps (labels + pointers) are bounded as well. */
static IceMdnsParseResult
read_name (Reader *r, gchar out[ICE_MDNS_NAME_SIZE])
{
  gsize p = r->pos, floor = r->pos, end = 0, o = 0, wire = 1;
  gboolean jumped = FALSE;
  guint steps = 0;

  for (;;) {
    guint8 b;

    if (++steps > ICE_MDNS_MAX_NAME_STEPS)
      return ICE_MDNS_PARSE_TOO_MANY_STEPS;
    if (p >= r->len)
      return ICE_MDNS_PARSE_TRUNCATED;
    b = r->data[p];
    if ((b & 0xc0) == 0xc0) {
      gsize target;

      if (p + 1 >= r->len)
        return ICE_MDNS_PARSE_TRUNCATED;
      target = ((gsize)(b & 0x3f) << 8) | r->data[p + 1];
      if (target >= floor || target < HEADER_SIZE)
        return ICE_MDNS_PARSE_BAD_POINTER;
      if (!jumped)
        end = p + 2;
      jumped = TRUE;
      p = floor = target;
      continue;
    }
    if ((b & 0xc0) != 0)
      return ICE_MDNS_PARSE_BAD_LABEL;
    if (b == 0)
      break;
    wire += 1 + b;
    if (wire > MAX_WIRE_NAME)
      return ICE_MDNS_PARSE_NAME_TOO_LONG;
    if (p + 1 + b > r->len)
      return ICE_MDNS_PARSE_TRUNCATED;
    o = append_label (out, o, r->data + p + 1, b);
    p += 1 + b;
  }
  out[o] = '\0';
  r->pos = jumped ? end : p + 1;
  return ICE_MDNS_PARSE_OK;
}

static IceMdnsParseResult
read_question (Reader *r, IceMdnsMessage *msg)
{
  IceMdnsQuestion scratch, *q = &scratch;
  IceMdnsParseResult res;
  guint16 qclass;

  if (msg->n_questions < ICE_MDNS_MAX_QUESTIONS)
    q = &msg->questions[msg->n_questions];
  res = read_name (r, q->name);
  if (res != ICE_MDNS_PARSE_OK)
    return res;
  if (r->pos + 4 > r->len)
    return ICE_MDNS_PARSE_TRUNCATED;
  q->qtype = get_u16 (r->data + r->pos);
  qclass = get_u16 (r->data + r->pos + 2);
  q->qclass = qclass & ~ICE_MDNS_CLASS_TOP_BIT;
  q->unicast_response = (qclass & ICE_MDNS_CLASS_TOP_BIT) != 0;
  r->pos += 4;
  if (q == &scratch)
    msg->n_questions_dropped++;
  else
    msg->n_questions++;
  return ICE_MDNS_PARSE_OK;
}

static void
keep_address (IceMdnsMessage *msg, const IceMdnsAddressRecord *rec)
{
  if (msg->n_addresses < ICE_MDNS_MAX_ADDRESSES)
    msg->addresses[msg->n_addresses++] = *rec;
  else
    msg->n_addresses_dropped++;
}

static IceMdnsParseResult
read_record (Reader *r, IceMdnsMessage *msg, IceMdnsSection section)
{
  IceMdnsAddressRecord rec;
  IceMdnsParseResult res;
  guint16 type, klass, rdlength;
  const guint8 *rdata;

  res = read_name (r, rec.name);
  if (res != ICE_MDNS_PARSE_OK)
    return res;
  if (r->pos + 10 > r->len)
    return ICE_MDNS_PARSE_TRUNCATED;
  type = get_u16 (r->data + r->pos);
  klass = get_u16 (r->data + r->pos + 2);
  rec.ttl = get_u32 (r->data + r->pos + 4);
  rdlength = get_u16 (r->data + r->pos + 8);
  r->pos += 10;
  if (r->pos + rdlength > r->len)
    return ICE_MDNS_PARSE_TRUNCATED;
  rdata = r->data + r->pos;
  r->pos += rdlength;

  if ((klass & ~ICE_MDNS_CLASS_TOP_BIT) != ICE_MDNS_CLASS_IN
      || (type != ICE_MDNS_TYPE_A && type != ICE_MDNS_TYPE_AAAA)) {
    msg->n_other_records++;
    return ICE_MDNS_PARSE_OK;
  }
  memset (&rec.addr, 0, sizeof (rec.addr));
  if (type == ICE_MDNS_TYPE_A && rdlength == 4)
    ice_addr_set_ipv4 (&rec.addr, get_u32 (rdata), 0);
  else if (type == ICE_MDNS_TYPE_AAAA && rdlength == 16)
    ice_addr_set_ipv6 (&rec.addr, rdata, 0);
  else
    return ICE_MDNS_PARSE_BAD_RDATA;
  /* RFC 2181 §8: a TTL with the top bit set is read as zero. */
  if (rec.ttl > G_MAXINT32)
    rec.ttl = 0;
  rec.section = section;
  rec.cache_flush = (klass & ICE_MDNS_CLASS_TOP_BIT) != 0;
  keep_address (msg, &rec);
  return ICE_MDNS_PARSE_OK;
}

static IceMdnsParseResult
read_header (IceMdnsMessage *msg, const guint8 *data, gsize len)
{
  guint64 room;

  if (len < HEADER_SIZE)
    return ICE_MDNS_PARSE_TOO_SHORT;
  if (len > ICE_MDNS_MAX_MESSAGE)
    return ICE_MDNS_PARSE_TOO_LONG;
  msg->id = get_u16 (data);
  msg->flags = get_u16 (data + 2);
  msg->is_response = (msg->flags & ICE_MDNS_FLAG_QR) != 0;
  msg->qdcount = get_u16 (data + 4);
  msg->ancount = get_u16 (data + 6);
  msg->nscount = get_u16 (data + 8);
  msg->arcount = get_u16 (data + 10);
  if (((msg->flags >> 11) & 0xf) != 0)
    return ICE_MDNS_PARSE_BAD_OPCODE;
  if ((msg->flags & 0xf) != 0)
    return ICE_MDNS_PARSE_BAD_RCODE;
  /* Refused before any name is read: the counts bound the work. */
  room = (guint64)msg->qdcount * MIN_QUESTION_SIZE
         + ((guint64)msg->ancount + msg->nscount + msg->arcount)
               * MIN_RECORD_SIZE;
  if (room > len - HEADER_SIZE)
    return ICE_MDNS_PARSE_BAD_COUNTS;
  return ICE_MDNS_PARSE_OK;
}

IceMdnsParseResult
ice_mdns_message_parse (IceMdnsMessage *msg, const guint8 *data, gsize len)
{
  const guint16 *counts[] = { &msg->ancount, &msg->nscount, &msg->arcount };
  Reader r = { data, len, HEADER_SIZE };
  IceMdnsParseResult res;
  guint i, s;

  memset (msg, 0, sizeof (*msg));
  res = read_header (msg, data, len);
  for (i = 0; res == ICE_MDNS_PARSE_OK && i < msg->qdcount; i++)
    res = read_question (&r, msg);
  for (s = 0; s < G_N_ELEMENTS (counts); s++) {
    for (i = 0; res == ICE_MDNS_PARSE_OK && i < *counts[s]; i++)
      res = read_record (&r, msg, (IceMdnsSection)s);
  }
  /* Bytes after the last record are ignored, as DNS implementations do. */
  return res;
}

const gchar *
ice_mdns_parse_result_to_string (IceMdnsParseResult result)
{
  static const gchar *const names[] = {
    "ok",          "too-short",     "too-long",       "bad-opcode",
    "bad-rcode",   "bad-counts",    "truncated",      "bad-label",
    "bad-pointer", "name-too-long", "too-many-steps", "bad-rdata",
  };

  if ((guint)result < G_N_ELEMENTS (names))
    return names[result];
  return "unknown";
}

static guint8
question_bits (const IceMdnsQuestion *q)
{
  if (q->qclass != ICE_MDNS_CLASS_IN && q->qclass != ICE_MDNS_CLASS_ANY)
    return 0;
  switch (q->qtype) {
    case ICE_MDNS_TYPE_A:
      return ICE_MDNS_ASKED_A;
    case ICE_MDNS_TYPE_AAAA:
      return ICE_MDNS_ASKED_AAAA;
    case ICE_MDNS_TYPE_ANY:
      return ICE_MDNS_ASKED_A | ICE_MDNS_ASKED_AAAA;
    default:
      return 0;
  }
}

/* Fills @asked[i] (ICE_MDNS_ASKED_*) for each of @our_names and returns
 * how many are asked for. Only questions are answered, and only for our
 * own names: a response (QR=1) asks nothing (RFC 6762 §6), so that no
 * message on the link can make us reflect or amplify. Questions past
 * ICE_MDNS_MAX_QUESTIONS are not looked at. */
guint
ice_mdns_should_answer (const IceMdnsMessage *msg,
                        const gchar *const *our_names, guint n_names,
                        guint8 *asked)
{
  /* A question without QU for the name: the answer must be multicast. */
  const guint8 multicast = 0x80;
  guint i, j, n = 0;

  for (j = 0; j < n_names; j++)
    asked[j] = 0;
  if (msg->is_response)
    return 0;
  for (i = 0; i < msg->n_questions; i++) {
    const IceMdnsQuestion *q = &msg->questions[i];
    guint8 bits = question_bits (q);

    for (j = 0; bits != 0 && j < n_names; j++) {
      if (!ice_mdns_name_equal (q->name, our_names[j]))
        continue;
      asked[j] |= bits | (q->unicast_response ? ICE_MDNS_ASKED_UNICAST : 0)
                  | (q->unicast_response ? 0 : multicast);
    }
  }
  for (j = 0; j < n_names; j++) {
    if (asked[j] & multicast)
      asked[j] &= ~(ICE_MDNS_ASKED_UNICAST | multicast);
    if (asked[j] != 0)
      n++;
  }
  return n;
}
