/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The sans-IO responder (ice/mdns/mdns-responder.c) on a fake clock: which
 * datagrams are answered, rate limiting (RFC 6762 §6), known answers
 * (§7.1), conflicts (§9), the bound on the answer's size, and what is
 * counted.
 */
#include <string.h>

#include "ice/mdns/mdns-responder.h"

#define NAME "4b9c3c1e-7a51-4d3b-9f0e-2c6d8a1b5e70.local"
#define NAME_UPPER "4B9C3C1E-7A51-4D3B-9F0E-2C6D8A1B5E70.LOCAL"
#define NAME_2 "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.local"
#define SEC G_USEC_PER_SEC
#define T0 (1000 * SEC)

typedef struct {
  IceMdnsResponder *r;
  IceTransportAddr v4, v6;
  guint8 query[512];
  gsize query_len;
  guint8 out[1024];
  gsize out_len;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  static const guint8 ip6[16]
      = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7 };

  memset (f, 0, sizeof (*f));
  f->r = ice_mdns_responder_new ();
  ice_addr_set_ipv4 (&f->v4, 0xc0000207, 4000); /* 192.0.2.7 */
  ice_addr_set_ipv6 (&f->v6, ip6, 4000);
  g_assert_true (ice_mdns_responder_add (f->r, NAME, &f->v4));
}

static void
teardown (Fixture *f, gconstpointer data)
{
  ice_mdns_responder_free (f->r);
}

static void
make_query (Fixture *f, const gchar *name, guint16 qtype, gboolean qu)
{
  IceMdnsQuery q = { name, qtype, qu };

  f->query_len = ice_mdns_build_query (f->query, sizeof (f->query), &q, 1);
  g_assert_cmpuint (f->query_len, >, 0);
}

/* Appends @rec as a record of section @counter (6: answer, 8: authority)
 * to the query in @f, as a querier's known answer or a prober's record. */
static void
append_record (Fixture *f, const gchar *name, const IceTransportAddr *addr,
               guint32 ttl, guint counter)
{
  IceMdnsAnswer a = { name, *addr, ttl };
  guint8 resp[256];
  gsize len = ice_mdns_build_response (resp, sizeof (resp), &a, 1);

  g_assert_cmpuint (len, >, 12);
  memcpy (f->query + f->query_len, resp + 12, len - 12);
  f->query_len += len - 12;
  f->query[counter + 1]++;
}

static IceMdnsResponderResult
handle_at (Fixture *f, guint16 port, gint64 now)
{
  return ice_mdns_responder_handle (f->r, f->query, f->query_len, port, now,
                                    f->out, sizeof (f->out), &f->out_len);
}

static IceMdnsResponderResult
handle (Fixture *f, gint64 now)
{
  return handle_at (f, ICE_MDNS_PORT, now);
}

static void
test_answer (Fixture *f, gconstpointer data)
{
  IceMdnsMessage msg;

  make_query (f, NAME, ICE_MDNS_TYPE_A, FALSE);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_ANSWER);
  g_assert_cmpint (ice_mdns_message_parse (&msg, f->out, f->out_len), ==,
                   ICE_MDNS_PARSE_OK);
  g_assert_true (msg.is_response);
  g_assert_cmpuint (msg.n_questions, ==, 0);
  g_assert_cmpuint (msg.n_addresses, ==, 1);
  g_assert_cmpstr (msg.addresses[0].name, ==, NAME);
  g_assert_true (ice_addr_equal_ip (&msg.addresses[0].addr, &f->v4));
  g_assert_cmpuint (msg.addresses[0].ttl, ==, ICE_MDNS_TTL_DEFAULT);
  g_assert_true (msg.addresses[0].cache_flush);
  g_assert_cmpuint (f->out_len, <=,
                    ICE_MDNS_RESPONDER_MAX_GROWTH * f->query_len);
  g_assert_cmpuint (ice_mdns_responder_get_counters (f->r)->answers, ==, 1);
}

/* §6: at most one multicast per record per second, on the given clock. */
static void
test_rate_limit (Fixture *f, gconstpointer data)
{
  make_query (f, NAME, ICE_MDNS_TYPE_A, FALSE);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_ANSWER);
  g_assert_cmpint (handle (f, T0 + 1), ==, ICE_MDNS_RESPONDER_RATE_LIMITED);
  g_assert_cmpuint (f->out_len, ==, 0);
  g_assert_cmpint (handle (f, T0 + SEC - 1), ==,
                   ICE_MDNS_RESPONDER_RATE_LIMITED);
  g_assert_cmpint (handle (f, T0 + SEC), ==, ICE_MDNS_RESPONDER_ANSWER);
  g_assert_cmpint (handle (f, T0 + SEC + SEC / 2), ==,
                   ICE_MDNS_RESPONDER_RATE_LIMITED);
  g_assert_cmpuint (ice_mdns_responder_get_counters (f->r)->answers, ==, 2);
  g_assert_cmpuint (ice_mdns_responder_get_counters (f->r)->rate_limited, ==,
                    3);
}

/* The limit is per record: another name's answer is not held back. */
static void
test_rate_limit_per_record (Fixture *f, gconstpointer data)
{
  g_assert_true (ice_mdns_responder_add (f->r, NAME_2, &f->v4));
  make_query (f, NAME, ICE_MDNS_TYPE_A, FALSE);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_ANSWER);
  make_query (f, NAME_2, ICE_MDNS_TYPE_A, FALSE);
  g_assert_cmpint (handle (f, T0 + 1), ==, ICE_MDNS_RESPONDER_ANSWER);
}

/* §16: names compare case-insensitively; the answer spells ours. */
static void
test_case_insensitive (Fixture *f, gconstpointer data)
{
  IceMdnsMessage msg;

  make_query (f, NAME_UPPER, ICE_MDNS_TYPE_A, FALSE);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_ANSWER);
  g_assert_cmpint (ice_mdns_message_parse (&msg, f->out, f->out_len), ==,
                   ICE_MDNS_PARSE_OK);
  g_assert_cmpstr (msg.addresses[0].name, ==, NAME);
}

static void
test_unknown_ignored (Fixture *f, gconstpointer data)
{
  make_query (f, NAME_2, ICE_MDNS_TYPE_A, FALSE);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_NOT_OURS);
  /* a name with our label but another domain is not ours either */
  make_query (f, "4b9c3c1e-7a51-4d3b-9f0e-2c6d8a1b5e70.local.evil",
              ICE_MDNS_TYPE_A, FALSE);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_NOT_OURS);
  /* AAAA for a name that has only an IPv4 address */
  make_query (f, NAME, ICE_MDNS_TYPE_AAAA, FALSE);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_NOT_OURS);
  g_assert_cmpuint (f->out_len, ==, 0);
  g_assert_cmpuint (ice_mdns_responder_get_counters (f->r)->ignored, ==, 3);
  g_assert_cmpuint (ice_mdns_responder_get_counters (f->r)->answers, ==, 0);
}

/* §6.7 legacy unicast is not implemented: such queries are ignored. */
static void
test_legacy_port_ignored (Fixture *f, gconstpointer data)
{
  make_query (f, NAME, ICE_MDNS_TYPE_A, FALSE);
  g_assert_cmpint (handle_at (f, 40000, T0), ==, ICE_MDNS_RESPONDER_LEGACY);
  g_assert_cmpuint (f->out_len, ==, 0);
  g_assert_cmpuint (ice_mdns_responder_get_counters (f->r)->ignored, ==, 1);
  /* and they do not use up the second: a proper query is answered */
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_ANSWER);
}

static void
test_malformed_counted (Fixture *f, gconstpointer data)
{
  make_query (f, NAME, ICE_MDNS_TYPE_A, FALSE);
  f->query_len = 20; /* the question cut short */
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_MALFORMED);
  f->query_len = 5;
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_MALFORMED);
  g_assert_cmpuint (ice_mdns_responder_get_counters (f->r)->malformed, ==, 2);
  g_assert_cmpuint (f->out_len, ==, 0);
}

/* A response is never answered (no reflection); ours looped back, with
 * our address, is no conflict. */
static void
test_response_not_answered (Fixture *f, gconstpointer data)
{
  IceMdnsAnswer a = { NAME, f->v4, ICE_MDNS_TTL_DEFAULT };

  f->query_len = ice_mdns_build_response (f->query, sizeof (f->query), &a, 1);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_NOT_OURS);
  g_assert_cmpuint (f->out_len, ==, 0);
  g_assert_cmpuint (ice_mdns_responder_get_counters (f->r)->conflicts, ==, 0);
}

/* §9: another host answers for our name with another address. */
static void
test_conflict_response (Fixture *f, gconstpointer data)
{
  IceTransportAddr other;
  IceMdnsAnswer a = { NAME_UPPER, { 0 }, ICE_MDNS_TTL_DEFAULT };

  ice_addr_set_ipv4 (&other, 0xc0000208, 0);
  a.addr = other;
  f->query_len = ice_mdns_build_response (f->query, sizeof (f->query), &a, 1);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_CONFLICT);
  /* an AAAA for a name we have only as IPv4 claims it too */
  a.name = NAME;
  a.addr = f->v6;
  f->query_len = ice_mdns_build_response (f->query, sizeof (f->query), &a, 1);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_CONFLICT);
  g_assert_cmpuint (ice_mdns_responder_get_counters (f->r)->conflicts, ==, 2);
  /* the name is still ours and answered */
  make_query (f, NAME, ICE_MDNS_TYPE_A, FALSE);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_ANSWER);
}

/* §8.2: a probe (question plus proposed record in the authority section)
 * for our name by another host is a conflict and is not answered. */
static void
test_conflict_probe (Fixture *f, gconstpointer data)
{
  IceTransportAddr other;

  ice_addr_set_ipv4 (&other, 0xc0000208, 0);
  make_query (f, NAME, ICE_MDNS_TYPE_ANY, TRUE);
  append_record (f, NAME, &other, ICE_MDNS_TTL_DEFAULT, 8);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_CONFLICT);
  g_assert_cmpuint (f->out_len, ==, 0);
  g_assert_cmpuint (ice_mdns_responder_get_counters (f->r)->conflicts, ==, 1);
}

/* §7.1: a known answer with at least half the TTL suppresses ours. */
static void
test_known_answer (Fixture *f, gconstpointer data)
{
  make_query (f, NAME, ICE_MDNS_TYPE_A, FALSE);
  append_record (f, NAME, &f->v4, ICE_MDNS_TTL_DEFAULT / 2, 6);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_RATE_LIMITED);
  make_query (f, NAME, ICE_MDNS_TYPE_A, FALSE);
  append_record (f, NAME, &f->v4, ICE_MDNS_TTL_DEFAULT / 2 - 1, 6);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_ANSWER);
}

/* QTYPE ANY for a name with both families: one message, A and AAAA,
 * within the growth bound. */
static void
test_any_both_families (Fixture *f, gconstpointer data)
{
  IceMdnsMessage msg;

  g_assert_true (ice_mdns_responder_add (f->r, NAME, &f->v6));
  make_query (f, NAME, ICE_MDNS_TYPE_ANY, FALSE);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_ANSWER);
  g_assert_cmpint (ice_mdns_message_parse (&msg, f->out, f->out_len), ==,
                   ICE_MDNS_PARSE_OK);
  g_assert_cmpuint (msg.n_addresses, ==, 2);
  g_assert_cmpint (msg.addresses[0].addr.family, ==, ICE_ADDR_FAMILY_IPV4);
  g_assert_cmpint (msg.addresses[1].addr.family, ==, ICE_ADDR_FAMILY_IPV6);
  g_assert_true (ice_addr_equal_ip (&msg.addresses[1].addr, &f->v6));
  g_assert_cmpuint (f->out_len, <=,
                    ICE_MDNS_RESPONDER_MAX_GROWTH * f->query_len);
  /* an AAAA question a moment later: rate-limited as its own record */
  make_query (f, NAME, ICE_MDNS_TYPE_AAAA, FALSE);
  g_assert_cmpint (handle (f, T0 + 1), ==, ICE_MDNS_RESPONDER_RATE_LIMITED);
}

/* An answer that does not fit is not sent, and does not count as sent. */
static void
test_too_big (Fixture *f, gconstpointer data)
{
  make_query (f, NAME, ICE_MDNS_TYPE_A, FALSE);
  g_assert_cmpint (ice_mdns_responder_handle (f->r, f->query, f->query_len,
                                              ICE_MDNS_PORT, T0, f->out, 40,
                                              &f->out_len),
                   ==, ICE_MDNS_RESPONDER_TOO_BIG);
  g_assert_cmpuint (f->out_len, ==, 0);
  g_assert_cmpuint (ice_mdns_responder_get_counters (f->r)->too_big, ==, 1);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_ANSWER);
}

static void
test_table (Fixture *f, gconstpointer data)
{
  gchar name[ICE_MDNS_UUID_NAME_SIZE];
  guint8 bytes[16] = { 0 };
  guint i;

  g_assert_false (ice_mdns_responder_add (f->r, NAME_UPPER, &f->v4));
  g_assert_false (ice_mdns_responder_add (f->r, "host.example.com", &f->v4));
  g_assert_false (ice_mdns_responder_add (f->r, "", &f->v4));
  g_assert_true (ice_mdns_responder_add (f->r, NAME, &f->v6));
  g_assert_cmpuint (ice_mdns_responder_n_names (f->r), ==, 1);
  for (i = 1; i < ICE_MDNS_RESPONDER_MAX_NAMES; i++) {
    bytes[0] = i;
    ice_mdns_name_from_bytes (bytes, name);
    g_assert_true (ice_mdns_responder_add (f->r, name, &f->v4));
  }
  bytes[0] = 0xff;
  ice_mdns_name_from_bytes (bytes, name);
  g_assert_false (ice_mdns_responder_add (f->r, name, &f->v4));
  g_assert_true (ice_mdns_responder_remove (f->r, NAME_UPPER));
  g_assert_false (ice_mdns_responder_remove (f->r, NAME));
  make_query (f, NAME, ICE_MDNS_TYPE_A, FALSE);
  g_assert_cmpint (handle (f, T0), ==, ICE_MDNS_RESPONDER_NOT_OURS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn)                                                          \
  g_test_add ("/mdns-responder/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("answer", test_answer);
  ADD ("rate-limit", test_rate_limit);
  ADD ("rate-limit-per-record", test_rate_limit_per_record);
  ADD ("case-insensitive", test_case_insensitive);
  ADD ("unknown-ignored", test_unknown_ignored);
  ADD ("legacy-port-ignored", test_legacy_port_ignored);
  ADD ("malformed-counted", test_malformed_counted);
  ADD ("response-not-answered", test_response_not_answered);
  ADD ("conflict-response", test_conflict_response);
  ADD ("conflict-probe", test_conflict_probe);
  ADD ("known-answer", test_known_answer);
  ADD ("any-both-families", test_any_both_families);
  ADD ("too-big", test_too_big);
  ADD ("table", test_table);
#undef ADD
  return g_test_run ();
}
