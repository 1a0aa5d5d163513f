/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The allocation (RFC 8656 §7) and its refreshes (§8): what an Allocate
 * asks for, what its answer gives, when to refresh, how it ends.
 */
#define G_LOG_DOMAIN "ice-turn"

#include "ice/turn/turn-private.h"

/* RFC 8656 §14.7: REQUESTED-TRANSPORT carries an IANA protocol number */
#define TURN_PROTOCOL_UDP 17
/* RFC 8656 §14.1, §14.8: the IPv6 code of (ADDITIONAL-)
 * REQUESTED-ADDRESS-FAMILY; IPv4 (0x01) is the default and is not sent */
#define TURN_FAMILY_IPV6 0x02
/* RFC 8656 §14.6: the R bit of EVEN-PORT */
#define TURN_EVEN_PORT_R 0x80
/* RFC 8656 §7.2: the server's default lifetime is 10 minutes */
#define TURN_DEFAULT_LIFETIME_S 600
/* Refresh a minute before expiry, or at 80 % of a short lifetime, so a
 * retransmitted Refresh still arrives in time (RFC 8656 §8). */
#define TURN_REFRESH_MARGIN_S 60

gboolean
turn_allocate_add_attributes (IceTurnClient *c, TurnRequest *r,
                              IceStunBuilder *b)
{
  const IceTurnClientConfig *cfg = &c->config;
  gboolean ok;

  ok = ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_REQUESTED_TRANSPORT,
                                 TURN_PROTOCOL_UDP << 24);
  if (cfg->lifetime_s > 0)
    ok &= ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_LIFETIME, cfg->lifetime_s);
  if (cfg->use_reservation_token) {
    /* RFC 8656 §7.1: a reservation token goes without EVEN-PORT and
     * without an address family (the reserved port fixes both) */
    ok &= ice_stun_builder_add_u64 (b, ICE_STUN_ATTR_RESERVATION_TOKEN,
                                    cfg->reservation_token);
  } else {
    if (cfg->family == ICE_ADDR_FAMILY_IPV6)
      ok &= ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_REQUESTED_ADDRESS_FAMILY,
                                      TURN_FAMILY_IPV6 << 24);
    else if (cfg->additional_ipv6)
      ok &= ice_stun_builder_add_u32 (
          b, ICE_STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY, TURN_FAMILY_IPV6 << 24);
    if (cfg->even_port != ICE_TURN_EVEN_PORT_NONE) {
      guint8 even = cfg->even_port == ICE_TURN_EVEN_PORT_RESERVE_NEXT
                        ? TURN_EVEN_PORT_R
                        : 0;

      ok &= ice_stun_builder_add (b, ICE_STUN_ATTR_EVEN_PORT, &even, 1);
    }
  }
  if (cfg->dont_fragment)
    ok &= ice_stun_builder_add_flag (b, ICE_STUN_ATTR_DONT_FRAGMENT);
  return ok;
}

gboolean
turn_refresh_add_attributes (IceTurnClient *c, TurnRequest *r,
                             IceStunBuilder *b)
{
  /* RFC 8656 §8.1: LIFETIME 0 deletes the allocation; without LIFETIME
   * the server applies its default */
  if (r->op == ICE_TURN_OP_DEALLOCATE || r->lifetime_s > 0)
    return ice_stun_builder_add_u32 (b, ICE_STUN_ATTR_LIFETIME, r->lifetime_s);
  return TRUE;
}

static void
allocate_schedule_refresh (IceTurnClient *c, guint32 lifetime_s, gint64 now_us)
{
  gint64 lifetime_us = (gint64)lifetime_s * G_TIME_SPAN_SECOND;

  c->lifetime_s = lifetime_s;
  c->expires_us = now_us + lifetime_us;
  c->refresh_at_us
      = now_us
        + MAX (lifetime_us * 4 / 5,
               lifetime_us - TURN_REFRESH_MARGIN_S * G_TIME_SPAN_SECOND);
}

static guint32
response_lifetime (const IceStunMessage *msg)
{
  guint32 lifetime;

  if (!ice_stun_message_get_u32 (msg, ICE_STUN_ATTR_LIFETIME, &lifetime))
    return TURN_DEFAULT_LIFETIME_S;
  return lifetime;
}

void
turn_allocate_on_success (IceTurnClient *c, TurnRequest *r,
                          const IceStunMessage *msg, gint64 now_us)
{
  IceTurnEvent *e;
  guint64 token = 0;

  if (!ice_stun_message_get_xor_address_nth (
          msg, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, 0, &c->relayed)) {
    turn_client_fail (c, ICE_TURN_OP_ALLOCATE, 0,
                      "the success response has no XOR-RELAYED-ADDRESS");
    return;
  }
  c->relayed.transport = ICE_TRANSPORT_UDP;
  /* RFC 8656 §7.3: a dual allocation returns a second relayed address */
  if (ice_stun_message_get_xor_address_nth (
          msg, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS, 1, &c->relayed_additional))
    c->relayed_additional.transport = ICE_TRANSPORT_UDP;
  if (ice_stun_message_get_xor_address (msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
                                        &c->mapped))
    c->mapped.transport = c->config.server.transport;
  allocate_schedule_refresh (c, response_lifetime (msg), now_us);
  turn_client_set_state (c, ICE_TURN_CLIENT_ALLOCATED);

  e = turn_client_push_event (c, ICE_TURN_EVENT_ALLOCATED,
                              ICE_TURN_OP_ALLOCATE);
  e->relayed = c->relayed;
  e->relayed_additional = c->relayed_additional;
  e->mapped = c->mapped;
  e->lifetime_s = c->lifetime_s;
  if (ice_stun_message_get_u64 (msg, ICE_STUN_ATTR_RESERVATION_TOKEN, &token)) {
    e->has_reservation_token = TRUE;
    e->reservation_token = token;
  }
  /* permissions and channels asked for while allocating go now */
  if (c->flush_at_us >= 0)
    c->flush_at_us = now_us;
}

void
turn_refresh_on_success (IceTurnClient *c, TurnRequest *r,
                         const IceStunMessage *msg, gint64 now_us)
{
  IceTurnEvent *e;

  if (r->op == ICE_TURN_OP_DEALLOCATE) {
    turn_client_set_state (c, ICE_TURN_CLIENT_DEALLOCATED);
    turn_client_push_event (c, ICE_TURN_EVENT_DEALLOCATED, r->op);
    return;
  }
  if (c->state != ICE_TURN_CLIENT_ALLOCATED)
    return;
  allocate_schedule_refresh (c, response_lifetime (msg), now_us);
  e = turn_client_push_event (c, ICE_TURN_EVENT_REFRESHED, r->op);
  e->lifetime_s = c->lifetime_s;
  e->relayed = c->relayed;
}

/* A short explanation of the errors an Allocate may meet (RFC 8656 §7.4). */
static const gchar *
allocate_error_hint (guint code)
{
  switch (code) {
    case ICE_STUN_ERROR_TRY_ALTERNATE:
      return "the server redirects to another server";
    case ICE_STUN_ERROR_FORBIDDEN:
      return "the server forbids this allocation";
    case ICE_STUN_ERROR_UNKNOWN_ATTRIBUTE:
      return "the server does not understand an attribute we sent";
    case ICE_STUN_ERROR_ALLOCATION_MISMATCH:
      return "this 5-tuple already has an allocation: use another local "
             "port";
    case ICE_STUN_ERROR_ADDRESS_FAMILY_NOT_SUPPORTED:
      return "the server cannot relay this address family";
    case ICE_STUN_ERROR_UNSUPPORTED_TRANSPORT:
      return "the server does not relay UDP";
    case ICE_STUN_ERROR_ALLOCATION_QUOTA_REACHED:
      return "the user's allocation quota is used up";
    case ICE_STUN_ERROR_INSUFFICIENT_CAPACITY:
      return "the server has no capacity left: try another server";
    case 0:
      return "the server did not answer";
  }
  return "refused by the server";
}

/* RFC 8656 §7.4: a server that does not know DONT-FRAGMENT answers 420
 * listing it; the client may allocate again without it. */
static gboolean
allocate_retry_without_dont_fragment (IceTurnClient *c,
                                      const IceStunMessage *msg, guint code,
                                      gint64 now_us)
{
  guint16 unknown[ICE_STUN_MAX_UNKNOWN];
  guint n, i;

  if (code != ICE_STUN_ERROR_UNKNOWN_ATTRIBUTE || msg == NULL
      || !c->config.dont_fragment)
    return FALSE;
  n = ice_stun_message_get_unknown_attributes (msg, unknown,
                                               G_N_ELEMENTS (unknown));
  for (i = 0; i < n && unknown[i] != ICE_STUN_ATTR_DONT_FRAGMENT; i++)
    ;
  if (i == n)
    return FALSE;
  g_debug ("the server does not know DONT-FRAGMENT: allocating without");
  c->config.dont_fragment = FALSE;
  return turn_request_send (c, turn_request_new (ICE_TURN_OP_ALLOCATE), now_us);
}

void
turn_allocate_on_error (IceTurnClient *c, TurnRequest *r,
                        const IceStunMessage *msg, guint code,
                        const gchar *reason, gint64 now_us)
{
  gchar what[ICE_TURN_MESSAGE_MAX];
  IceTurnEvent *e;

  if (c->state != ICE_TURN_CLIENT_ALLOCATING)
    return;
  if (allocate_retry_without_dont_fragment (c, msg, code, now_us))
    return;
  /* a 401 reason already says "wrong credentials" */
  if (code == ICE_STUN_ERROR_UNAUTHORIZED)
    g_strlcpy (what, reason, sizeof what);
  else
    g_snprintf (what, sizeof what, "%s (%s)", reason,
                allocate_error_hint (code));
  turn_client_fail (c, r->op, code, what);
  if (code == ICE_STUN_ERROR_TRY_ALTERNATE && msg != NULL) {
    /* RFC 8489 §10: the owner reconnects to the alternate server */
    e = g_queue_peek_tail (&c->events);
    if (ice_stun_message_get_address (msg, ICE_STUN_ATTR_ALTERNATE_SERVER,
                                      &e->alternate_server))
      e->alternate_server.transport = c->config.server.transport;
  }
}

void
turn_refresh_on_error (IceTurnClient *c, TurnRequest *r,
                       const IceStunMessage *msg, guint code,
                       const gchar *reason)
{
  if (r->op == ICE_TURN_OP_DEALLOCATE) {
    /* RFC 8656 §8.3: a 437 here means the allocation is already gone;
     * any other failure leaves it to expire on its own */
    turn_client_set_state (c, ICE_TURN_CLIENT_DEALLOCATED);
    turn_client_push_event (c, ICE_TURN_EVENT_DEALLOCATED, r->op);
    return;
  }
  if (c->state != ICE_TURN_CLIENT_ALLOCATED)
    return;
  if (code == ICE_STUN_ERROR_ALLOCATION_MISMATCH) {
    turn_client_fail (c, r->op, code,
                      "437 Allocation Mismatch: the server no longer has "
                      "the allocation");
    return;
  }
  if (code == 0) {
    turn_client_fail_unanswered (c, r->op);
    return;
  }
  turn_client_fail (c, r->op, code, reason);
}

void
turn_allocate_handle_timeout (IceTurnClient *c, gint64 now_us)
{
  TurnRequest *r;

  if (c->state != ICE_TURN_CLIENT_ALLOCATED)
    return;
  if (now_us >= c->expires_us) {
    turn_client_fail (c, ICE_TURN_OP_REFRESH, 0,
                      "the allocation expired before a refresh succeeded");
    return;
  }
  if (c->refresh_at_us < 0 || now_us < c->refresh_at_us
      || turn_request_pending (c, ICE_TURN_OP_REFRESH))
    return;
  c->refresh_at_us = -1;
  r = turn_request_new (ICE_TURN_OP_REFRESH);
  r->lifetime_s = c->config.lifetime_s;
  turn_request_send (c, r, now_us);
}

gint64
turn_allocate_next_timeout (IceTurnClient *c)
{
  if (c->state != ICE_TURN_CLIENT_ALLOCATED)
    return -1;
  if (c->refresh_at_us >= 0)
    return MIN (c->refresh_at_us, c->expires_us);
  return c->expires_us;
}
