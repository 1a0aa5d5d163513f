/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer target for the mDNS codec (ice/mdns): every input is parsed;
 * a parsed message's questions and address records are written again
 * with the builders and parsed back, and must come out the same (else
 * abort); ice_mdns_should_answer() runs on it with names taken from the
 * message and fixed ones; the name check runs on every parsed name; the
 * responder (mdns-responder.c), holding the names the message asks for,
 * handles it twice and its answer must parse, be a response, and stay
 * within its growth bound. The
 * sanitizers turn any out-of-bounds read or undefined behaviour into a
 * crash.
 */
#include "ice/mdns/mdns-message.h"
#include "ice/mdns/mdns-name.h"
#include "ice/mdns/mdns-responder.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_names (const IceMdnsMessage *msg)
{
  guint i;

  for (i = 0; i < msg->n_questions; i++) {
    g_assert (strlen (msg->questions[i].name) < ICE_MDNS_NAME_SIZE);
    ice_mdns_name_is_valid (msg->questions[i].name);
  }
  for (i = 0; i < msg->n_addresses; i++) {
    const IceTransportAddr *addr = &msg->addresses[i].addr;

    g_assert (strlen (msg->addresses[i].name) < ICE_MDNS_NAME_SIZE);
    g_assert (addr->family == ICE_ADDR_FAMILY_IPV4
              || addr->family == ICE_ADDR_FAMILY_IPV6);
    ice_mdns_name_is_valid (msg->addresses[i].name);
  }
}

/* The root name ("") cannot be written by the builders; skip those. */
static void
round_trip_questions (const IceMdnsMessage *msg)
{
  IceMdnsQuery queries[ICE_MDNS_MAX_QUESTIONS];
  static guint8 buf[ICE_MDNS_MAX_MESSAGE];
  IceMdnsMessage *again = g_new (IceMdnsMessage, 1);
  guint i, n = 0;
  gsize len;

  for (i = 0; i < msg->n_questions; i++) {
    const IceMdnsQuestion *q = &msg->questions[i];

    if (q->name[0] == '\0')
      continue;
    queries[n].name = q->name;
    queries[n].qtype = q->qtype;
    queries[n].unicast_response = q->unicast_response;
    n++;
  }
  len = n > 0 ? ice_mdns_build_query (buf, sizeof (buf), queries, n) : 0;
  if (n > 0 && len == 0)
    g_error ("a parsed question could not be written again");
  if (len > 0) {
    if (ice_mdns_message_parse (again, buf, len) != ICE_MDNS_PARSE_OK
        || again->n_questions != n)
      g_error ("a written query does not parse");
    for (i = 0; i < n; i++) {
      if (strcmp (again->questions[i].name, queries[i].name) != 0
          || again->questions[i].qtype != queries[i].qtype
          || again->questions[i].unicast_response
                 != queries[i].unicast_response)
        g_error ("question %u changed in the round trip", i);
    }
  }
  g_free (again);
}

static void
round_trip_addresses (const IceMdnsMessage *msg)
{
  IceMdnsAnswer answers[ICE_MDNS_MAX_ADDRESSES];
  static guint8 buf[ICE_MDNS_MAX_MESSAGE];
  IceMdnsMessage *again = g_new (IceMdnsMessage, 1);
  guint i, n = 0;
  gsize len;

  for (i = 0; i < msg->n_addresses; i++) {
    if (msg->addresses[i].name[0] == '\0')
      continue;
    answers[n].name = msg->addresses[i].name;
    answers[n].addr = msg->addresses[i].addr;
    answers[n].ttl = msg->addresses[i].ttl;
    n++;
  }
  len = n > 0 ? ice_mdns_build_response (buf, sizeof (buf), answers, n) : 0;
  if (n > 0 && len == 0)
    g_error ("a parsed record could not be written again");
  if (len > 0) {
    if (ice_mdns_message_parse (again, buf, len) != ICE_MDNS_PARSE_OK
        || again->n_addresses != n)
      g_error ("a written response does not parse");
    for (i = 0; i < n; i++) {
      if (strcmp (again->addresses[i].name, answers[i].name) != 0
          || !ice_addr_equal (&again->addresses[i].addr, &answers[i].addr)
          || again->addresses[i].ttl != answers[i].ttl
          || !again->addresses[i].cache_flush)
        g_error ("record %u changed in the round trip", i);
    }
  }
  g_free (again);
}

static void
run_should_answer (const IceMdnsMessage *msg)
{
  const gchar *names[4] = { "a.local", "", "", "" };
  guint8 asked[4];
  guint i, n;

  if (msg->n_questions > 0)
    names[1] = msg->questions[0].name;
  if (msg->n_questions > 1)
    names[2] = msg->questions[msg->n_questions - 1].name;
  if (msg->n_addresses > 0)
    names[3] = msg->addresses[0].name;
  n = ice_mdns_should_answer (msg, names, G_N_ELEMENTS (names), asked);
  g_assert (n <= G_N_ELEMENTS (names));
  if (msg->is_response)
    g_assert (n == 0);
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert (
        (asked[i]
         & ~(ICE_MDNS_ASKED_A | ICE_MDNS_ASKED_AAAA | ICE_MDNS_ASKED_UNICAST))
        == 0);
}

/* Our names are the valid ones the message asks for; the same datagram
 * twice at once is answered at most once (RFC 6762 §6). */
static void
run_responder (const IceMdnsMessage *msg, const uint8_t *data, size_t size)
{
  IceMdnsResponder *r = ice_mdns_responder_new ();
  IceMdnsMessage *out_msg = g_new (IceMdnsMessage, 1);
  IceTransportAddr v4;
  guint8 out[2048];
  gsize out_len;
  guint i, answers = 0, k;

  ice_addr_set_ipv4 (&v4, 0xc0000207, 0);
  for (i = 0; i < msg->n_questions; i++)
    ice_mdns_responder_add (r, msg->questions[i].name, &v4);
  for (k = 0; k < 2; k++) {
    IceMdnsResponderResult res = ice_mdns_responder_handle (
        r, data, size, ICE_MDNS_PORT, 1000, out, sizeof (out), &out_len);

    g_assert (strcmp (ice_mdns_responder_result_to_string (res), "unknown")
              != 0);
    if (res != ICE_MDNS_RESPONDER_ANSWER) {
      g_assert (out_len == 0);
      continue;
    }
    answers++;
    g_assert (out_len <= ICE_MDNS_RESPONDER_MAX_GROWTH * size);
    g_assert (ice_mdns_message_parse (out_msg, out, out_len)
              == ICE_MDNS_PARSE_OK);
    g_assert (out_msg->is_response && out_msg->n_addresses > 0);
  }
  g_assert (answers <= 1);
  g_free (out_msg);
  ice_mdns_responder_free (r);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  IceMdnsMessage *msg = g_new (IceMdnsMessage, 1);
  IceMdnsParseResult result;

  result = ice_mdns_message_parse (msg, data, size);
  g_assert (strcmp (ice_mdns_parse_result_to_string (result), "unknown") != 0);
  g_assert (msg->n_questions <= ICE_MDNS_MAX_QUESTIONS);
  g_assert (msg->n_addresses <= ICE_MDNS_MAX_ADDRESSES);
  if (result == ICE_MDNS_PARSE_OK) {
    check_names (msg);
    round_trip_questions (msg);
    round_trip_addresses (msg);
    run_should_answer (msg);
    run_responder (msg, data, size);
  }
  g_free (msg);
  return 0;
}
