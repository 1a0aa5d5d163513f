/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Permissions (RFC 8656 §9, §10): one per peer IP, installed by
 * CreatePermission (several XOR-PEER-ADDRESS per request) or as a side
 * effect of ChannelBind, valid 300 s, refreshed at 240 s.
 */
#define G_LOG_DOMAIN "ice-turn"

#include "ice/turn/turn-private.h"

/**
 * turn_permission_find:
 * @ip: a peer; its port is ignored
 *
 * Returns: (nullable): the permission record for @ip's address.
 */
TurnPermission *
turn_permission_find (IceTurnClient *c, const IceTransportAddr *ip)
{
  guint i;

  for (i = 0; i < c->permissions->len; i++) {
    TurnPermission *p = &g_array_index (c->permissions, TurnPermission, i);

    if (ice_addr_equal_ip (&p->ip, ip))
      return p;
  }
  return NULL;
}

static TurnPermission *
permission_insert (IceTurnClient *c, const IceTransportAddr *peer)
{
  TurnPermission p = { 0 };

  p.ip = *peer;
  p.ip.port = 0;
  p.ip.transport = ICE_TRANSPORT_UDP;
  p.expires_us = -1;
  p.refresh_at_us = -1;
  g_array_append_val (c->permissions, p);
  return &g_array_index (c->permissions, TurnPermission,
                         c->permissions->len - 1);
}

/**
 * turn_permission_add:
 *
 * Returns: TRUE if a CreatePermission must be sent for @peer (a new IP,
 *   or one whose earlier request failed).
 */
gboolean
turn_permission_add (IceTurnClient *c, const IceTransportAddr *peer)
{
  TurnPermission *p = turn_permission_find (c, peer);

  if (p == NULL)
    p = permission_insert (c, peer);
  else if (!p->failed)
    return FALSE;
  p->failed = FALSE;
  p->wanted = TRUE;
  return TRUE;
}

/* RFC 8656 §11.2: a successful ChannelBind installs or refreshes the
 * permission of the peer's IP. The record then keeps it refreshed (the
 * channel outlives the permission). */
void
turn_permission_note_installed (IceTurnClient *c, const IceTransportAddr *ip,
                                gint64 now_us)
{
  TurnPermission *p = turn_permission_find (c, ip);

  if (p == NULL)
    p = permission_insert (c, ip);
  p->installed = TRUE;
  p->failed = FALSE;
  p->wanted = FALSE;
  p->expires_us = now_us + TURN_PERMISSION_LIFETIME_US;
  if (!p->in_flight)
    p->refresh_at_us = now_us + TURN_PERMISSION_REFRESH_US;
}

/**
 * turn_permission_allows:
 *
 * RFC 8656 §10.4 (client side): data from a peer is accepted only while a
 * permission for its IP is installed.
 */
gboolean
turn_permission_allows (IceTurnClient *c, const IceTransportAddr *peer,
                        gint64 now_us)
{
  TurnPermission *p = turn_permission_find (c, peer);

  return p != NULL && p->installed && now_us < p->expires_us;
}

static gboolean
permission_due (const TurnPermission *p, gint64 now_us)
{
  if (p->in_flight || p->failed)
    return FALSE;
  return p->wanted
         || (p->installed && p->refresh_at_us >= 0
             && now_us >= p->refresh_at_us);
}

/**
 * turn_permission_flush:
 *
 * Sends one CreatePermission for up to %TURN_MAX_PEERS_PER_REQUEST IPs
 * that are new or due for refresh, and more requests for the rest.
 */
void
turn_permission_flush (IceTurnClient *c, gint64 now_us)
{
  TurnRequest *r = NULL;
  guint i;

  for (i = 0; i < c->permissions->len; i++) {
    TurnPermission *p = &g_array_index (c->permissions, TurnPermission, i);

    if (!permission_due (p, now_us))
      continue;
    if (r == NULL)
      r = turn_request_new (ICE_TURN_OP_PERMISSION);
    r->peers[r->n_peers++] = p->ip;
    p->in_flight = TRUE;
    p->wanted = FALSE;
    if (r->n_peers == TURN_MAX_PEERS_PER_REQUEST) {
      turn_request_send (c, r, now_us);
      r = NULL;
    }
  }
  if (r != NULL)
    turn_request_send (c, r, now_us);
}

gboolean
turn_permission_add_attributes (IceTurnClient *c, TurnRequest *r,
                                IceStunBuilder *b)
{
  gboolean ok = TRUE;
  guint i;

  for (i = 0; i < r->n_peers; i++)
    ok &= ice_stun_builder_add_xor_address (b, ICE_STUN_ATTR_XOR_PEER_ADDRESS,
                                            &r->peers[i]);
  return ok;
}

void
turn_permission_on_success (IceTurnClient *c, TurnRequest *r, gint64 now_us)
{
  guint i;

  for (i = 0; i < r->n_peers; i++) {
    TurnPermission *p = turn_permission_find (c, &r->peers[i]);
    gboolean first;

    if (p == NULL)
      continue;
    first = !p->installed;
    p->in_flight = FALSE;
    turn_permission_note_installed (c, &r->peers[i], now_us);
    if (first) {
      IceTurnEvent *e = turn_client_push_event (
          c, ICE_TURN_EVENT_PERMISSION_CREATED, ICE_TURN_OP_PERMISSION);

      e->peer = r->peers[i];
    }
  }
}

/* RFC 8656 §10.3: a 403 (or another error) leaves the permissions of the
 * request uninstalled; an installed one lapses at its expiry. A 437 means
 * the allocation itself is gone. */
void
turn_permission_on_error (IceTurnClient *c, TurnRequest *r, guint code,
                          const gchar *reason)
{
  guint i;

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
  for (i = 0; i < r->n_peers; i++) {
    TurnPermission *p = turn_permission_find (c, &r->peers[i]);
    gchar ip[ICE_ADDR_STRLEN];

    if (p == NULL)
      continue;
    p->in_flight = FALSE;
    p->failed = TRUE;
    turn_client_push_error (c, r->op, code, FALSE, &r->peers[i], "%s for %s",
                            reason, ice_addr_ip_to_string (&r->peers[i], ip));
  }
}

gint64
turn_permission_next_timeout (IceTurnClient *c)
{
  gint64 next = -1;
  guint i;

  for (i = 0; i < c->permissions->len; i++) {
    TurnPermission *p = &g_array_index (c->permissions, TurnPermission, i);

    if (p->in_flight || p->failed || !p->installed || p->refresh_at_us < 0)
      continue;
    if (next < 0 || p->refresh_at_us < next)
      next = p->refresh_at_us;
  }
  return next;
}
