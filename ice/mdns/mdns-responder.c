/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Whom to answer, and when: see mdns-responder.h for the rules.
 */
#include "ice/mdns/mdns-responder.h"

#include <string.h>

/* index of a family in an entry: A records, then AAAA */
#define FAM_V4 0
#define FAM_V6 1

typedef struct {
  gchar name[ICE_MDNS_UUID_NAME_SIZE];
  gboolean has[2];
  IceTransportAddr addr[2];
  gint64 last_us[2]; /* last multicast of the record, G_MININT64: never */
} Entry;

struct _IceMdnsResponder {
  GArray *entries; /* Entry */
  IceMdnsResponderCounters counters;
  IceMdnsMessage msg; /* scratch: ~9 kB, not on the stack */
};

static guint
family_index (const IceTransportAddr *addr)
{
  return addr->family == ICE_ADDR_FAMILY_IPV6 ? FAM_V6 : FAM_V4;
}

IceMdnsResponder *
ice_mdns_responder_new (void)
{
  IceMdnsResponder *r = g_new0 (IceMdnsResponder, 1);

  r->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  return r;
}

void
ice_mdns_responder_free (IceMdnsResponder *r)
{
  if (r == NULL)
    return;
  g_array_unref (r->entries);
  g_free (r);
}

static Entry *
find_entry (IceMdnsResponder *r, const gchar *name, guint *index)
{
  guint i;

  for (i = 0; i < r->entries->len; i++) {
    Entry *e = &g_array_index (r->entries, Entry, i);

    if (ice_mdns_name_equal (e->name, name)) {
      if (index != NULL)
        *index = i;
      return e;
    }
  }
  return NULL;
}

gboolean
ice_mdns_responder_add (IceMdnsResponder *r, const gchar *name,
                        const IceTransportAddr *addr)
{
  Entry *e;
  guint f;

  if (!ice_mdns_name_is_valid (name) || strlen (name) >= sizeof (e->name)
      || (addr->family != ICE_ADDR_FAMILY_IPV4
          && addr->family != ICE_ADDR_FAMILY_IPV6))
    return FALSE;
  f = family_index (addr);
  e = find_entry (r, name, NULL);
  if (e == NULL) {
    Entry fresh;

    if (r->entries->len >= ICE_MDNS_RESPONDER_MAX_NAMES)
      return FALSE;
    memset (&fresh, 0, sizeof (fresh));
    g_strlcpy (fresh.name, name, sizeof (fresh.name));
    fresh.last_us[FAM_V4] = fresh.last_us[FAM_V6] = G_MININT64;
    g_array_append_val (r->entries, fresh);
    e = &g_array_index (r->entries, Entry, r->entries->len - 1);
  } else if (e->has[f]) {
    return FALSE;
  }
  e->has[f] = TRUE;
  e->addr[f] = *addr;
  e->addr[f].port = 0;
  e->addr[f].scope_id = 0;
  return TRUE;
}

gboolean
ice_mdns_responder_remove (IceMdnsResponder *r, const gchar *name)
{
  guint index;

  if (find_entry (r, name, &index) == NULL)
    return FALSE;
  g_array_remove_index (r->entries, index);
  return TRUE;
}

guint
ice_mdns_responder_n_names (const IceMdnsResponder *r)
{
  return r->entries->len;
}

/* A record naming one of ours with an address we do not have for it. */
static gboolean
is_conflict (IceMdnsResponder *r, const IceMdnsAddressRecord *rec)
{
  Entry *e = find_entry (r, rec->name, NULL);
  guint f = family_index (&rec->addr);

  return e != NULL
         && (!e->has[f] || !ice_addr_equal_ip (&e->addr[f], &rec->addr));
}

/* §9: a response with another address for one of our names; §8.2: a
 * probe (a query whose authority section proposes records) for one. Our
 * own answers, looped back, carry our addresses and are no conflict. */
static gboolean
find_conflict (IceMdnsResponder *r, const IceMdnsMessage *msg)
{
  guint i;

  for (i = 0; i < msg->n_addresses; i++) {
    const IceMdnsAddressRecord *rec = &msg->addresses[i];

    if ((msg->is_response || rec->section == ICE_MDNS_SECTION_AUTHORITY)
        && is_conflict (r, rec))
      return TRUE;
  }
  return FALSE;
}

/* §7.1: the querier lists our record in its answer section with at least
 * half our TTL: it knows it already. */
static gboolean
known_answer (const IceMdnsMessage *msg, const Entry *e, guint f)
{
  guint i;

  for (i = 0; i < msg->n_addresses; i++) {
    const IceMdnsAddressRecord *rec = &msg->addresses[i];

    if (rec->section == ICE_MDNS_SECTION_ANSWER
        && rec->ttl >= ICE_MDNS_TTL_DEFAULT / 2
        && ice_mdns_name_equal (rec->name, e->name)
        && ice_addr_equal_ip (&rec->addr, &e->addr[f]))
      return TRUE;
  }
  return FALSE;
}

/* Fills @answers with the records asked for (@asked per entry, from
 * ice_mdns_should_answer), leaving out the rate-limited and known ones;
 * @records[k] says which entry and family answers[k] is. @any: a record
 * of an asked type exists (an A question for a name with only an IPv6
 * address has nothing to answer). */
static guint
collect_answers (IceMdnsResponder *r, const guint8 *asked, gint64 now_us,
                 IceMdnsAnswer *answers, guint *records, gboolean *any)
{
  static const guint8 bits[2] = { ICE_MDNS_ASKED_A, ICE_MDNS_ASKED_AAAA };
  guint i, f, n = 0;

  *any = FALSE;
  for (i = 0; i < r->entries->len; i++) {
    Entry *e = &g_array_index (r->entries, Entry, i);

    for (f = 0; f < 2; f++) {
      if (!(asked[i] & bits[f]) || !e->has[f])
        continue;
      *any = TRUE;
      if (known_answer (&r->msg, e, f))
        continue;
      if (e->last_us[f] != G_MININT64
          && now_us - e->last_us[f] < ICE_MDNS_RESPONDER_INTERVAL_US)
        continue;
      answers[n].name = e->name;
      answers[n].addr = e->addr[f];
      answers[n].ttl = ICE_MDNS_TTL_DEFAULT;
      records[n] = i * 2 + f;
      n++;
    }
  }
  return n;
}

static IceMdnsResponderResult
answer_query (IceMdnsResponder *r, gsize in_len, gint64 now_us, guint8 *out,
              gsize out_size, gsize *out_len)
{
  const gchar *names[ICE_MDNS_RESPONDER_MAX_NAMES];
  guint8 asked[ICE_MDNS_RESPONDER_MAX_NAMES];
  IceMdnsAnswer answers[2 * ICE_MDNS_RESPONDER_MAX_NAMES];
  guint records[2 * ICE_MDNS_RESPONDER_MAX_NAMES];
  gboolean any;
  guint i, n;
  gsize len;

  for (i = 0; i < r->entries->len; i++)
    names[i] = g_array_index (r->entries, Entry, i).name;
  if (ice_mdns_should_answer (&r->msg, names, r->entries->len, asked) == 0)
    return ICE_MDNS_RESPONDER_NOT_OURS;
  n = collect_answers (r, asked, now_us, answers, records, &any);
  if (!any)
    return ICE_MDNS_RESPONDER_NOT_OURS;
  if (n == 0)
    return ICE_MDNS_RESPONDER_RATE_LIMITED;
  len = ice_mdns_build_response (out, out_size, answers, n);
  if (len == 0 || len > ICE_MDNS_RESPONDER_MAX_GROWTH * in_len)
    return ICE_MDNS_RESPONDER_TOO_BIG;
  for (i = 0; i < n; i++)
    g_array_index (r->entries, Entry, records[i] / 2).last_us[records[i] % 2]
        = now_us;
  *out_len = len;
  return ICE_MDNS_RESPONDER_ANSWER;
}

static void
count (IceMdnsResponder *r, IceMdnsResponderResult res)
{
  IceMdnsResponderCounters *c = &r->counters;

  switch (res) {
    case ICE_MDNS_RESPONDER_ANSWER:
      c->answers++;
      break;
    case ICE_MDNS_RESPONDER_NOT_OURS:
    case ICE_MDNS_RESPONDER_LEGACY:
      c->ignored++;
      break;
    case ICE_MDNS_RESPONDER_RATE_LIMITED:
      c->rate_limited++;
      break;
    case ICE_MDNS_RESPONDER_MALFORMED:
      c->malformed++;
      break;
    case ICE_MDNS_RESPONDER_TOO_BIG:
      c->too_big++;
      break;
    case ICE_MDNS_RESPONDER_CONFLICT:
      c->conflicts++;
      break;
  }
}

/**
 * ice_mdns_responder_handle:
 *
 * Returns: what to do with the datagram (see #IceMdnsResponderResult). A
 *   response that does not conflict gives %ICE_MDNS_RESPONDER_NOT_OURS and
 *   is not counted: it is the resolver's to read.
 */
IceMdnsResponderResult
ice_mdns_responder_handle (IceMdnsResponder *r, const guint8 *data, gsize len,
                           guint16 from_port, gint64 now_us, guint8 *out,
                           gsize out_size, gsize *out_len)
{
  IceMdnsResponderResult res;

  *out_len = 0;
  if (ice_mdns_message_parse (&r->msg, data, len) != ICE_MDNS_PARSE_OK)
    res = ICE_MDNS_RESPONDER_MALFORMED;
  else if (find_conflict (r, &r->msg))
    res = ICE_MDNS_RESPONDER_CONFLICT;
  else if (r->msg.is_response)
    return ICE_MDNS_RESPONDER_NOT_OURS;
  else if (from_port != ICE_MDNS_PORT)
    res = ICE_MDNS_RESPONDER_LEGACY;
  else
    res = answer_query (r, len, now_us, out, out_size, out_len);
  count (r, res);
  return res;
}

const IceMdnsResponderCounters *
ice_mdns_responder_get_counters (const IceMdnsResponder *r)
{
  return &r->counters;
}

const gchar *
ice_mdns_responder_result_to_string (IceMdnsResponderResult res)
{
  static const gchar *const names[] = {
    "answer", "not-ours", "rate-limited", "malformed",
    "legacy", "too-big",  "conflict",
  };

  if ((guint)res < G_N_ELEMENTS (names))
    return names[res];
  return "unknown";
}
