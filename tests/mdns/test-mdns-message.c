/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The mDNS message codec: queries and responses built and parsed back, a
 * hand-written response with compression pointers, and every malformed
 * case with its result code. Inputs
 * are copied into buffers of their exact size, so that the ASan build
 * catches any read past the end.
 */
#include "ice/mdns/mdns-message.h"

#include "ice/mdns/mdns-name.h"

#include <string.h>

#define NAME_V4 "00010203-0405-4607-8809-0a0b0c0d0e0f.local"
#define NAME_V6 "ffffffff-ffff-4fff-bfff-ffffffffffff.local"

static IceMdnsParseResult
parse_exact (IceMdnsMessage *msg, const guint8 *data, gsize len)
{
  guint8 *copy = g_memdup2 (data, len);
  IceMdnsParseResult res = ice_mdns_message_parse (msg, copy, len);

  g_free (copy);
  return res;
}

static void
test_query_round_trip (void)
{
  const IceMdnsQuery questions[] = {
    { NAME_V4, ICE_MDNS_TYPE_A, FALSE },
    { NAME_V6, ICE_MDNS_TYPE_AAAA, TRUE },
  };
  IceMdnsMessage msg;
  guint8 buf[512];
  gsize len;

  len = ice_mdns_build_query (buf, sizeof (buf), questions, 2);
  /* Header, then per question: 1 + 36 + 1 + 5 + 1 name octets and 4. */
  g_assert_cmpuint (len, ==, 12 + 2 * (44 + 4));
  g_assert_cmpint (buf[2], ==, 0); /* flags 0: a query */
  g_assert_cmpint (buf[3], ==, 0);
  g_assert_cmpint (parse_exact (&msg, buf, len), ==, ICE_MDNS_PARSE_OK);
  g_assert_false (msg.is_response);
  g_assert_cmpuint (msg.id, ==, 0);
  g_assert_cmpuint (msg.qdcount, ==, 2);
  g_assert_cmpuint (msg.n_questions, ==, 2);
  g_assert_cmpstr (msg.questions[0].name, ==, NAME_V4);
  g_assert_cmpuint (msg.questions[0].qtype, ==, ICE_MDNS_TYPE_A);
  g_assert_cmpuint (msg.questions[0].qclass, ==, ICE_MDNS_CLASS_IN);
  g_assert_false (msg.questions[0].unicast_response);
  g_assert_cmpstr (msg.questions[1].name, ==, NAME_V6);
  g_assert_cmpuint (msg.questions[1].qtype, ==, ICE_MDNS_TYPE_AAAA);
  g_assert_cmpuint (msg.questions[1].qclass, ==, ICE_MDNS_CLASS_IN);
  g_assert_true (msg.questions[1].unicast_response);
  g_assert_cmpuint (msg.n_addresses, ==, 0);
}

static void
test_response_round_trip (void)
{
  static const guint8 v6[16]
      = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42 };
  IceMdnsAnswer answers[2]
      = { { NAME_V4, { 0 }, ICE_MDNS_TTL_DEFAULT }, { NAME_V6, { 0 }, 0 } };
  IceTransportAddr want4;
  gchar text[ICE_ADDR_STRLEN];
  IceMdnsMessage msg;
  guint8 buf[512];
  gsize len;

  ice_addr_set_ipv4 (&answers[0].addr, 0xc0a80117, 9); /* port not sent */
  ice_addr_set_ipv6 (&answers[1].addr, v6, 0);
  len = ice_mdns_build_response (buf, sizeof (buf), answers, 2);
  g_assert_cmpuint (len, ==, 12 + (44 + 10 + 4) + (44 + 10 + 16));
  g_assert_cmpint (parse_exact (&msg, buf, len), ==, ICE_MDNS_PARSE_OK);
  g_assert_true (msg.is_response);
  g_assert_cmpuint (msg.id, ==, 0);
  g_assert_cmphex (msg.flags, ==, 0x8400);
  g_assert_cmpuint (msg.ancount, ==, 2);
  g_assert_cmpuint (msg.n_addresses, ==, 2);
  g_assert_cmpuint (msg.n_other_records, ==, 0);

  ice_addr_set_ipv4 (&want4, 0xc0a80117, 0);
  g_assert_cmpstr (msg.addresses[0].name, ==, NAME_V4);
  g_assert_true (ice_addr_equal (&msg.addresses[0].addr, &want4));
  g_assert_cmpuint (msg.addresses[0].ttl, ==, 120);
  g_assert_true (msg.addresses[0].cache_flush);
  g_assert_cmpint (msg.addresses[0].section, ==, ICE_MDNS_SECTION_ANSWER);
  g_assert_cmpstr (msg.addresses[1].name, ==, NAME_V6);
  g_assert_cmpstr (ice_addr_ip_to_string (&msg.addresses[1].addr, text), ==,
                   "fe80::42");
  g_assert_cmpuint (msg.addresses[1].ttl, ==, 0);
}

static void
test_build_refuses (void)
{
  IceMdnsQuery q = { "a.local", ICE_MDNS_TYPE_A, FALSE };
  IceMdnsAnswer a = { "a.local", { 0 }, 120 };
  gchar long_label[80];
  guint8 buf[512];
  GString *long_name = g_string_new (NULL);
  guint i;

  g_assert_cmpuint (ice_mdns_build_query (buf, sizeof (buf), &q, 1), ==,
                    12 + 9 + 4);
  q.name = "a.local.";
  g_assert_cmpuint (ice_mdns_build_query (buf, sizeof (buf), &q, 1), ==,
                    12 + 9 + 4);
  /* Too small a buffer, at every size short of the message. */
  for (i = 0; i < 12 + 9 + 4; i++)
    g_assert_cmpuint (ice_mdns_build_query (buf, i, &q, 1), ==, 0);
  g_assert_cmpuint (ice_mdns_build_query (buf, sizeof (buf), &q, 0), ==, 0);
  q.name = "a..local";
  g_assert_cmpuint (ice_mdns_build_query (buf, sizeof (buf), &q, 1), ==, 0);
  q.name = ".";
  g_assert_cmpuint (ice_mdns_build_query (buf, sizeof (buf), &q, 1), ==, 0);
  q.name = "";
  g_assert_cmpuint (ice_mdns_build_query (buf, sizeof (buf), &q, 1), ==, 0);
  memset (long_label, 'x', 64);
  strcpy (long_label + 64, ".local");
  q.name = long_label;
  g_assert_cmpuint (ice_mdns_build_query (buf, sizeof (buf), &q, 1), ==, 0);
  /* 84 labels of 3 octets and the root: 253 octets fit, 256 do not. */
  for (i = 0; i < 84; i++)
    g_string_append (long_name, i == 0 ? "ab" : ".ab");
  q.name = long_name->str;
  g_assert_cmpuint (ice_mdns_build_query (buf, sizeof (buf), &q, 1), >, 0);
  g_string_append (long_name, ".ab");
  q.name = long_name->str;
  g_assert_cmpuint (ice_mdns_build_query (buf, sizeof (buf), &q, 1), ==, 0);
  g_string_free (long_name, TRUE);

  /* An answer needs an address. */
  g_assert_cmpuint (ice_mdns_build_response (buf, sizeof (buf), &a, 1), ==, 0);
  ice_addr_set_ipv4 (&a.addr, 0x0a000001, 0);
  g_assert_cmpuint (ice_mdns_build_response (buf, sizeof (buf), &a, 1), >, 0);
}

/* A response as a responder would send it, written out by hand from the
 * RFC 1035 §4.1 layouts: an A answer for a UUID name, a TXT record for
 * "abc.local" whose "local" is a pointer into the first name, and an
 * AAAA record in the additional section whose whole name is a pointer to
 * offset 12. */
static const guint8 hand_response[] = {
  0x00,
  0x00,
  0x84,
  0x00, /* ID 0, QR AA */
  0x00,
  0x00,
  0x00,
  0x02, /* QDCOUNT 0, ANCOUNT 2 */
  0x00,
  0x00,
  0x00,
  0x01, /* NSCOUNT 0, ARCOUNT 1 */
  /* offset 12: "1f528bd8-3a2b-4f2b-9b1c-6a1f0e2d3c4b" "local" root */
  36,
  '1',
  'f',
  '5',
  '2',
  '8',
  'b',
  'd',
  '8',
  '-',
  '3',
  'a',
  '2',
  'b',
  '-',
  '4',
  'f',
  '2',
  'b',
  '-',
  '9',
  'b',
  '1',
  'c',
  '-',
  '6',
  'a',
  '1',
  'f',
  '0',
  'e',
  '2',
  'd',
  '3',
  'c',
  '4',
  'b',
  /* offset 49: */ 5,
  'l',
  'o',
  'c',
  'a',
  'l',
  0,
  0x00,
  0x01,
  0x80,
  0x01, /* A, cache-flush IN */
  0x00,
  0x00,
  0x00,
  0x78, /* TTL 120 */
  0x00,
  0x04,
  192,
  168,
  1,
  23, /* 192.168.1.23 */
  3,
  'a',
  'b',
  'c',
  0xc0,
  49, /* "abc" + pointer to "local" */
  0x00,
  0x10,
  0x00,
  0x01, /* TXT, IN */
  0x00,
  0x00,
  0x11,
  0x94, /* TTL 4500 */
  0x00,
  0x06,
  5,
  'h',
  'e',
  'l',
  'l',
  'o', /* one string */
  0xc0,
  0x0c, /* pointer to the UUID name */
  0x00,
  0x1c,
  0x80,
  0x01, /* AAAA, cache-flush IN */
  0x80,
  0x00,
  0x00,
  0x00, /* TTL with the top bit: read as 0 */
  0x00,
  0x10,
  0xfd,
  0x00,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0x07,
};

#define HAND_NAME "1f528bd8-3a2b-4f2b-9b1c-6a1f0e2d3c4b.local"

static void
test_hand_written_response (void)
{
  gchar text[ICE_ADDR_STRLEN];
  IceMdnsMessage msg;

  g_assert_cmpint (parse_exact (&msg, hand_response, sizeof (hand_response)),
                   ==, ICE_MDNS_PARSE_OK);
  g_assert_true (msg.is_response);
  g_assert_cmpuint (msg.n_addresses, ==, 2);
  g_assert_cmpuint (msg.n_other_records, ==, 1);
  g_assert_cmpstr (msg.addresses[0].name, ==, HAND_NAME);
  g_assert_true (ice_mdns_name_is_valid (msg.addresses[0].name));
  g_assert_cmpstr (ice_addr_ip_to_string (&msg.addresses[0].addr, text), ==,
                   "192.168.1.23");
  g_assert_cmpuint (msg.addresses[0].addr.port, ==, 0);
  g_assert_cmpuint (msg.addresses[0].ttl, ==, 120);
  g_assert_true (msg.addresses[0].cache_flush);
  g_assert_cmpstr (msg.addresses[1].name, ==, HAND_NAME);
  g_assert_cmpint (msg.addresses[1].section, ==, ICE_MDNS_SECTION_ADDITIONAL);
  g_assert_cmpstr (ice_addr_ip_to_string (&msg.addresses[1].addr, text), ==,
                   "fd00::7");
  g_assert_cmpuint (msg.addresses[1].ttl, ==, 0);
}

/* Every prefix of a valid message fails, and reads nothing past its end. */
static void
test_every_truncation (void)
{
  IceMdnsMessage msg;
  gsize len;

  for (len = 0; len < sizeof (hand_response); len++) {
    IceMdnsParseResult res = parse_exact (&msg, hand_response, len);

    if (len < 12)
      g_assert_cmpint (res, ==, ICE_MDNS_PARSE_TOO_SHORT);
    else
      g_assert_true (res == ICE_MDNS_PARSE_TRUNCATED
                     || res == ICE_MDNS_PARSE_BAD_COUNTS);
  }
}

#define HDR(qd, an) 0, 0, 0, 0, 0, qd, 0, an, 0, 0, 0, 0
#define QTAIL 0, 1, 0, 1
#define RR_A_HEAD 0, 1, 0, 1, 0, 0, 0, 120

typedef struct {
  const gchar *what;
  const guint8 *data;
  gsize len;
  IceMdnsParseResult want;
} Malformed;

#define CASE(what, want, ...)                                                  \
  {                                                                            \
    what, (const guint8[]){ __VA_ARGS__ },                                     \
        sizeof ((const guint8[]){ __VA_ARGS__ }), ICE_MDNS_PARSE_##want        \
  }

static const Malformed malformed[] = {
  CASE ("header cut", TOO_SHORT, 0, 0, 0x84, 0, 0, 0, 0, 0, 0, 0, 0),
  CASE ("opcode 1", BAD_OPCODE, 0, 0, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  CASE ("rcode 3", BAD_RCODE, 0, 0, 0x84, 0x03, 0, 0, 0, 0, 0, 0, 0, 0),
  CASE ("65535 questions in 12 bytes", BAD_COUNTS, 0, 0, 0, 0, 0xff, 0xff, 0, 0,
        0, 0, 0, 0),
  CASE ("one answer, no room", BAD_COUNTS, HDR (0, 1), 0, 0, 1, 0, 1, 0, 0, 0,
        0, 0),
  CASE ("label past the end", TRUNCATED, HDR (1, 0), 10, 'a', 'b', 'c', QTAIL),
  CASE ("name without its root", TRUNCATED, HDR (1, 0), 1, 'a', 1, 'b', 1, 'c'),
  CASE ("question fields cut", TRUNCATED, HDR (2, 0), 1, 'a', 0, QTAIL, 1, 'b',
        0, 0),
  CASE ("pointer cut", TRUNCATED, HDR (2, 0), 1, 'a', 0, QTAIL, 1, 'b', 0xc0),
  CASE ("label type 01", BAD_LABEL, HDR (1, 0), 0x40, 'a', 0, QTAIL),
  CASE ("label type 10", BAD_LABEL, HDR (1, 0), 0x80, 'a', 0, QTAIL),
  CASE ("pointer to itself", BAD_POINTER, HDR (1, 0), 0xc0, 12, QTAIL),
  CASE ("pointer loop via a label", BAD_POINTER, HDR (1, 0), 1, 'a', 0xc0, 12,
        QTAIL),
  CASE ("pointer forwards", BAD_POINTER, HDR (1, 0), 0xc0, 14, 0, QTAIL),
  CASE ("pointer past the end", BAD_POINTER, HDR (1, 0), 0xff, 0xff, QTAIL),
  CASE ("pointer into the header", BAD_POINTER, HDR (1, 0), 0xc0, 2, QTAIL),
  /* 19 -> 27 -> 19: the first jump is already forwards */
  CASE ("two pointers looping", BAD_POINTER, HDR (3, 0), 1, 'a', 0, QTAIL,
        /* 19: */ 1, 'b', 0xc0, 27, QTAIL, /* 27: */ 0xc0, 19, QTAIL),
  CASE ("A of 5 bytes", BAD_RDATA, HDR (0, 1), 1, 'a', 0, RR_A_HEAD, 0, 5, 1, 2,
        3, 4, 5),
  CASE ("AAAA of 4 bytes", BAD_RDATA, HDR (0, 1), 1, 'a', 0, 0, 28, 0, 1, 0, 0,
        0, 120, 0, 4, 1, 2, 3, 4),
  CASE ("RDATA cut", TRUNCATED, HDR (0, 1), 1, 'a', 0, RR_A_HEAD, 0, 4, 1, 2),
  CASE ("record fields cut", TRUNCATED, HDR (0, 1), 1, 'a', 0, RR_A_HEAD, 0),
};

static void
test_malformed (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (malformed); i++) {
    IceMdnsMessage msg;
    IceMdnsParseResult res;

    res = parse_exact (&msg, malformed[i].data, malformed[i].len);
    if (res != malformed[i].want)
      g_error ("%s: %s, expected %s", malformed[i].what,
               ice_mdns_parse_result_to_string (res),
               ice_mdns_parse_result_to_string (malformed[i].want));
  }
}

static void
test_too_long (void)
{
  guint8 *big = g_malloc0 (ICE_MDNS_MAX_MESSAGE + 1);
  IceMdnsMessage msg;

  g_assert_cmpint (ice_mdns_message_parse (&msg, big, ICE_MDNS_MAX_MESSAGE), ==,
                   ICE_MDNS_PARSE_OK);
  g_assert_cmpint (ice_mdns_message_parse (&msg, big, ICE_MDNS_MAX_MESSAGE + 1),
                   ==, ICE_MDNS_PARSE_TOO_LONG);
  g_free (big);
}

static GByteArray *
header (guint16 qdcount)
{
  GByteArray *b = g_byte_array_new ();
  guint8 h[12] = { 0 };

  h[4] = qdcount >> 8;
  h[5] = qdcount & 0xff;
  g_byte_array_append (b, h, sizeof (h));
  return b;
}

static void
append_question_tail (GByteArray *b)
{
  static const guint8 tail[] = { QTAIL };

  g_byte_array_append (b, tail, sizeof (tail));
}

/* Five labels of 63 octets: 321 octets on the wire; and the boundary. */
static void
test_name_too_long (void)
{
  GByteArray *b = header (1);
  guint8 label[64];
  IceMdnsMessage msg;
  guint i, last;

  memset (label, 'x', sizeof (label));
  label[0] = 63;
  for (i = 0; i < 5; i++)
    g_byte_array_append (b, label, sizeof (label));
  g_byte_array_append (b, (const guint8 *)"", 1);
  append_question_tail (b);
  g_assert_cmpint (parse_exact (&msg, b->data, b->len), ==,
                   ICE_MDNS_PARSE_NAME_TOO_LONG);
  g_byte_array_free (b, TRUE);

  /* 63, 63, 63 and 61 octets: 255 on the wire, 253 characters as text;
   * one octet more is too many. */
  for (last = 61; last <= 62; last++) {
    b = header (1);
    for (i = 0; i < 4; i++) {
      label[0] = i < 3 ? 63 : last;
      g_byte_array_append (b, label, label[0] + 1);
    }
    g_byte_array_append (b, (const guint8 *)"", 1);
    append_question_tail (b);
    if (last == 61) {
      g_assert_cmpint (parse_exact (&msg, b->data, b->len), ==,
                       ICE_MDNS_PARSE_OK);
      g_assert_cmpuint (strlen (msg.questions[0].name), ==, 253);
    } else {
      g_assert_cmpint (parse_exact (&msg, b->data, b->len), ==,
                       ICE_MDNS_PARSE_NAME_TOO_LONG);
    }
    g_byte_array_free (b, TRUE);
  }
}

/* Question k's name is a pointer to question k-1's: each walk is legal
 * (every pointer goes backwards) but the 130th needs 130 steps. */
static void
test_too_many_steps (void)
{
  GByteArray *b = header (130);
  IceMdnsMessage msg;
  guint prev = 12, i;

  g_byte_array_append (b, (const guint8 *)"", 1);
  append_question_tail (b);
  for (i = 1; i < 130; i++) {
    guint8 ptr[2] = { 0xc0 | (prev >> 8), prev & 0xff };

    prev = b->len;
    g_byte_array_append (b, ptr, 2);
    append_question_tail (b);
  }
  g_assert_cmpint (parse_exact (&msg, b->data, b->len), ==,
                   ICE_MDNS_PARSE_TOO_MANY_STEPS);
  /* One question fewer is within the bound; 16 are kept, the rest
   * counted. */
  b->data[5] = 128;
  g_byte_array_set_size (b, b->len - 2 * 6);
  g_assert_cmpint (parse_exact (&msg, b->data, b->len), ==, ICE_MDNS_PARSE_OK);
  g_assert_cmpuint (msg.n_questions, ==, ICE_MDNS_MAX_QUESTIONS);
  g_assert_cmpuint (msg.n_questions_dropped, ==, 128 - ICE_MDNS_MAX_QUESTIONS);
  g_assert_cmpstr (msg.questions[15].name, ==, "");
  g_byte_array_free (b, TRUE);
}

/* Label bytes that cannot be in a host name read as '?'. */
static void
test_odd_label_bytes (void)
{
  static const guint8 data[] = { HDR (1, 0), 4,   'a', '.', ' ', 0xc3, 5,
                                 'l',        'o', 'c', 'a', 'l', 0,    QTAIL };
  IceMdnsMessage msg;

  g_assert_cmpint (parse_exact (&msg, data, sizeof (data)), ==,
                   ICE_MDNS_PARSE_OK);
  g_assert_cmpstr (msg.questions[0].name, ==, "a???.local");
  g_assert_false (ice_mdns_name_is_valid (msg.questions[0].name));
}

/* More address records than are kept: counted, and parsing goes on. */
static void
test_many_answers (void)
{
  IceMdnsAnswer answers[20];
  IceMdnsMessage msg;
  guint8 buf[2048];
  gsize len;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (answers); i++) {
    answers[i].name = "a.local";
    ice_addr_set_ipv4 (&answers[i].addr, 0x0a000000 + i, 0);
    answers[i].ttl = 120;
  }
  len = ice_mdns_build_response (buf, sizeof (buf), answers, 20);
  g_assert_cmpint (parse_exact (&msg, buf, len), ==, ICE_MDNS_PARSE_OK);
  g_assert_cmpuint (msg.n_addresses, ==, ICE_MDNS_MAX_ADDRESSES);
  g_assert_cmpuint (msg.n_addresses_dropped, ==, 20 - ICE_MDNS_MAX_ADDRESSES);
}

/* Seeded random mutations of the valid messages: any result is a known
 * code, and ASan sees no read outside the input. */
static void
test_mutations (void)
{
  GRand *rand = g_rand_new_with_seed (6762);
  guint i;

  for (i = 0; i < 20000; i++) {
    guint8 data[sizeof (hand_response)];
    IceMdnsMessage msg;
    guint flips = g_rand_int_range (rand, 1, 6), f;
    gsize len = g_rand_int_range (rand, 0, sizeof (data) + 1);

    memcpy (data, hand_response, sizeof (data));
    for (f = 0; f < flips; f++)
      data[g_rand_int_range (rand, 0, sizeof (data))] = g_rand_int (rand);
    g_assert_cmpstr (
        ice_mdns_parse_result_to_string (parse_exact (&msg, data, len)), !=,
        "unknown");
    g_assert_cmpuint (msg.n_questions, <=, ICE_MDNS_MAX_QUESTIONS);
    g_assert_cmpuint (msg.n_addresses, <=, ICE_MDNS_MAX_ADDRESSES);
  }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mdns/message/query-round-trip", test_query_round_trip);
  g_test_add_func ("/mdns/message/response-round-trip",
                   test_response_round_trip);
  g_test_add_func ("/mdns/message/build-refuses", test_build_refuses);
  g_test_add_func ("/mdns/message/hand-written-response",
                   test_hand_written_response);
  g_test_add_func ("/mdns/message/every-truncation", test_every_truncation);
  g_test_add_func ("/mdns/message/malformed", test_malformed);
  g_test_add_func ("/mdns/message/too-long", test_too_long);
  g_test_add_func ("/mdns/message/name-too-long", test_name_too_long);
  g_test_add_func ("/mdns/message/too-many-steps", test_too_many_steps);
  g_test_add_func ("/mdns/message/odd-label-bytes", test_odd_label_bytes);
  g_test_add_func ("/mdns/message/many-answers", test_many_answers);
  g_test_add_func ("/mdns/message/mutations", test_mutations);
  return g_test_run ();
}
