/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Building the mDNS queries and responses of host candidates
 * (RFC 6762 §5, §6, §18) into a caller's buffer.
 */
#define G_LOG_DOMAIN "ice-mdns"

#include "ice/mdns/mdns-message.h"

#include "ice/mdns/mdns-name.h"

#include <string.h>

#define HEADER_SIZE 12
#define MAX_WIRE_NAME 255

typedef struct {
  guint8 *buf;
  gsize size;
  gsize pos;
  gboolean failed;
} Writer;

static void
put (Writer *w, const void *bytes, gsize len)
{
  if (w->failed || len > w->size - w->pos) {
    w->failed = TRUE;
    return;
  }
  memcpy (w->buf + w->pos, bytes, len);
  w->pos += len;
}

static void
put_u16 (Writer *w, guint16 v)
{
  guint8 b[2] = { v >> 8, v & 0xff };

  put (w, b, 2);
}

static void
put_u32 (Writer *w, guint32 v)
{
  guint8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

  put (w, b, 4);
}

/* RFC 1035 §3.1: each label as a length byte and its octets, then the
 * root's zero. One trailing dot (a fully qualified name) is allowed. */
static void
put_name (Writer *w, const gchar *name)
{
  gsize len = name != NULL ? strlen (name) : 0;
  gsize start = 0, wire = 1;

  if (len > 0 && name[len - 1] == '.')
    len--;
  if (len == 0) {
    w->failed = TRUE;
    return;
  }
  while (start <= len && !w->failed) {
    const gchar *dot = memchr (name + start, '.', len - start);
    gsize label = (dot != NULL ? (gsize)(dot - name) : len) - start;
    guint8 label_len = (guint8)label;

    wire += 1 + label;
    if (label == 0 || label > ICE_MDNS_MAX_LABEL || wire > MAX_WIRE_NAME) {
      w->failed = TRUE;
      return;
    }
    put (w, &label_len, 1);
    put (w, name + start, label);
    start += label + 1;
  }
  put (w, "", 1);
}

static void
put_header (Writer *w, guint16 flags, guint16 qdcount, guint16 ancount)
{
  put_u16 (w, 0); /* ID: zero on multicast (RFC 6762 §18.1) */
  put_u16 (w, flags);
  put_u16 (w, qdcount);
  put_u16 (w, ancount);
  put_u16 (w, 0);
  put_u16 (w, 0);
}

gsize
ice_mdns_build_query (guint8 *buf, gsize size, const IceMdnsQuery *questions,
                      guint n)
{
  Writer w = { buf, size, 0, n == 0 || n > G_MAXUINT16 };
  guint i;

  put_header (&w, 0, n, 0);
  for (i = 0; i < n && !w.failed; i++) {
    put_name (&w, questions[i].name);
    put_u16 (&w, questions[i].qtype);
    put_u16 (
        &w, ICE_MDNS_CLASS_IN
                | (questions[i].unicast_response ? ICE_MDNS_CLASS_TOP_BIT : 0));
  }
  return w.failed ? 0 : w.pos;
}

static void
put_answer (Writer *w, const IceMdnsAnswer *a)
{
  gsize ip_len = ice_addr_ip_len (&a->addr);

  if (ip_len != 4 && ip_len != 16) {
    w->failed = TRUE;
    return;
  }
  put_name (w, a->name);
  put_u16 (w, ip_len == 4 ? ICE_MDNS_TYPE_A : ICE_MDNS_TYPE_AAAA);
  /* RFC 6762 §10.2: our names are unique, so caches flush older data. */
  put_u16 (w, ICE_MDNS_CLASS_IN | ICE_MDNS_CLASS_TOP_BIT);
  put_u32 (w, a->ttl);
  put_u16 (w, (guint16)ip_len);
  put (w, a->addr.ip, ip_len);
}

gsize
ice_mdns_build_response (guint8 *buf, gsize size, const IceMdnsAnswer *answers,
                         guint n)
{
  Writer w = { buf, size, 0, n == 0 || n > G_MAXUINT16 };
  guint i;

  put_header (&w, ICE_MDNS_RESPONSE_FLAGS, 0, n);
  for (i = 0; i < n && !w.failed; i++)
    put_answer (&w, &answers[i]);
  return w.failed ? 0 : w.pos;
}
