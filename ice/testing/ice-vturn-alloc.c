/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Allocations of the virtual TURN server: Allocate (RFC 8656 §7.2) with
 * EVEN-PORT and RESERVATION-TOKEN, Refresh (§7.3), the relay ports, the
 * quota, and expiry on the network's clock.
 */
#include "ice/testing/ice-vturn-private.h"

#include <string.h>

/* RFC 8656 §14.7: REQUESTED-TRANSPORT carries the IANA protocol number */
#define PROTOCOL_UDP 17
/* RFC 8656 §14.6: the R bit of EVEN-PORT */
#define EVEN_PORT_RESERVE 0x80

void
vturn_allocation_free (gpointer data)
{
  VturnAllocation *alloc = data;

  g_array_unref (alloc->permissions);
  g_array_unref (alloc->channels);
  g_free (alloc->username);
  g_free (alloc);
}

static void
allocation_remove (IceVturnServer *server, VturnAllocation *alloc)
{
  IceTransportAddr client = alloc->client;

  g_hash_table_remove (server->by_port, GUINT_TO_POINTER (alloc->relayed.port));
  g_hash_table_remove (server->by_client, &client);
}

static gint64
earliest (gint64 a, gint64 b)
{
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return MIN (a, b);
}

/**
 * vturn_allocations_sweep:
 *
 * Returns: the earliest expiry left (allocation, permission, channel or
 *   port reservation), or -1 when nothing is left to expire
 */
gint64
vturn_allocations_sweep (IceVturnServer *server, gint64 now)
{
  GHashTableIter iter;
  gpointer value;
  gint64 next = -1;
  guint i;

  g_hash_table_iter_init (&iter, server->by_client);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    VturnAllocation *alloc = value;

    if (alloc->expires <= now) {
      g_debug ("vturn: allocation of user %s expired", alloc->username);
      server->counters.allocations_expired++;
      g_hash_table_remove (server->by_port,
                           GUINT_TO_POINTER (alloc->relayed.port));
      g_hash_table_iter_remove (&iter);
      continue;
    }
    next = earliest (next, alloc->expires);
    next = earliest (next, vturn_relay_sweep (alloc, now));
  }
  for (i = server->reservations->len; i-- > 0;) {
    VturnReservation *r
        = &g_array_index (server->reservations, VturnReservation, i);

    if (r->expires <= now)
      g_array_remove_index (server->reservations, i);
    else
      next = earliest (next, r->expires);
  }
  return next;
}

VturnAllocation *
vturn_request_allocation (IceVturnServer *server, const VturnRequest *req)
{
  VturnAllocation *alloc
      = g_hash_table_lookup (server->by_client, &req->dgram->from);

  if (!alloc) {
    vturn_send_error (server, req, ICE_STUN_ERROR_ALLOCATION_MISMATCH,
                      "Allocation Mismatch");
    return NULL;
  }
  if (strcmp (alloc->username, req->user->name) != 0) {
    /* RFC 8656 §5: the same credentials for the allocation's life */
    vturn_send_error (server, req, ICE_STUN_ERROR_WRONG_CREDENTIALS,
                      "Wrong Credentials");
    return NULL;
  }
  return alloc;
}

static gboolean
port_is_free (IceVturnServer *server, guint port)
{
  guint i;

  if (port < server->config.relay_port_min
      || port > server->config.relay_port_max || port == server->address.port
      || g_hash_table_contains (server->by_port, GUINT_TO_POINTER (port)))
    return FALSE;
  for (i = 0; i < server->reservations->len; i++) {
    if (g_array_index (server->reservations, VturnReservation, i).port == port)
      return FALSE;
  }
  return TRUE;
}

/* The next free port after the last one given, in order so that runs are
 * reproducible; with @even an even port, with @pair also the next one
 * free. Returns 0 when the range is exhausted. */
static guint16
pick_port (IceVturnServer *server, gboolean even, gboolean pair)
{
  guint range
      = server->config.relay_port_max - server->config.relay_port_min + 1;
  guint i;

  for (i = 0; i < range; i++) {
    guint port = server->next_port;

    server->next_port = port >= server->config.relay_port_max
                            ? server->config.relay_port_min
                            : port + 1;
    if ((even && port % 2) || !port_is_free (server, port)
        || (pair && !port_is_free (server, port + 1)))
      continue;
    return port;
  }
  return 0;
}

/* RFC 8656 §7.2: a reserved port is taken by its token. */
static guint16
take_reservation (IceVturnServer *server, guint64 token)
{
  guint i;

  for (i = 0; i < server->reservations->len; i++) {
    VturnReservation *r
        = &g_array_index (server->reservations, VturnReservation, i);
    guint16 port = r->port;

    if (r->token != token)
      continue;
    g_array_remove_index (server->reservations, i);
    return port;
  }
  return 0;
}

static guint64
reserve_port (IceVturnServer *server, guint16 port)
{
  VturnReservation r;

  /* 8 bytes that only this server gives out; the serial keeps it unique */
  r.token = 0x7675726e00000000ull | ++server->token_serial;
  r.port = port;
  r.expires
      = vturn_now (server) + VTURN_SECONDS (ICE_VTURN_RESERVATION_LIFETIME_S);
  g_array_append_val (server->reservations, r);
  return r.token;
}

/* RFC 8656 §7.2 and §7.3: the "desired lifetime". */
static guint32
desired_lifetime (IceVturnServer *server, const IceStunMessage *msg)
{
  guint32 requested;

  if (!ice_stun_message_get_u32 (msg, ICE_STUN_ATTR_LIFETIME, &requested))
    return server->config.default_lifetime_s;
  if (requested == 0)
    return 0;
  requested = MIN (requested, server->config.max_lifetime_s);
  return MAX (requested, server->config.default_lifetime_s);
}

static void
send_allocate_success (IceVturnServer *server, const VturnRequest *req,
                       const VturnAllocation *alloc, gboolean has_token,
                       guint64 token)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;
  gint64 left = (alloc->expires - vturn_now (server)) / G_USEC_PER_SEC;

  vturn_response_init (server, req, &b, buf, sizeof (buf),
                       ICE_STUN_CLASS_SUCCESS);
  ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_RELAYED_ADDRESS,
                                    &alloc->relayed);
  ice_stun_builder_add_u32 (&b, ICE_STUN_ATTR_LIFETIME, (guint32)left);
  if (has_token)
    ice_stun_builder_add_u64 (&b, ICE_STUN_ATTR_RESERVATION_TOKEN, token);
  ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
                                    &req->dgram->from);
  vturn_response_send (server, req, &b);
}

/* Checks RFC 8656 §7.2 steps 3-7; answers and returns FALSE on a fault. */
static gboolean
allocate_request_is_valid (IceVturnServer *server, const VturnRequest *req)
{
  const IceStunMessage *msg = &req->msg;
  guint32 transport, family;
  gboolean has_family = ice_stun_message_get_u32 (
      msg, ICE_STUN_ATTR_REQUESTED_ADDRESS_FAMILY, &family);
  guint server_family
      = server->address.family == ICE_ADDR_FAMILY_IPV4 ? 0x01 : 0x02;

  if (!ice_stun_message_get_u32 (msg, ICE_STUN_ATTR_REQUESTED_TRANSPORT,
                                 &transport)) {
    vturn_send_error (server, req, ICE_STUN_ERROR_BAD_REQUEST,
                      "REQUESTED-TRANSPORT is required");
    return FALSE;
  }
  if (transport >> 24 != PROTOCOL_UDP) {
    vturn_send_error (server, req, ICE_STUN_ERROR_UNSUPPORTED_TRANSPORT,
                      "Only UDP relays (17)");
    return FALSE;
  }
  if (ice_stun_message_has (msg, ICE_STUN_ATTR_RESERVATION_TOKEN)
      && (has_family || ice_stun_message_has (msg, ICE_STUN_ATTR_EVEN_PORT))) {
    vturn_send_error (server, req, ICE_STUN_ERROR_BAD_REQUEST,
                      "RESERVATION-TOKEN excludes EVEN-PORT and "
                      "REQUESTED-ADDRESS-FAMILY");
    return FALSE;
  }
  if (has_family && family >> 24 != server_family) {
    vturn_send_error (server, req, ICE_STUN_ERROR_ADDRESS_FAMILY_NOT_SUPPORTED,
                      "Address Family not Supported");
    return FALSE;
  }
  if (server->config.max_allocations
      && g_hash_table_size (server->by_client)
             >= server->config.max_allocations) {
    vturn_send_error (server, req, ICE_STUN_ERROR_ALLOCATION_QUOTA_REACHED,
                      "Allocation Quota Reached");
    return FALSE;
  }
  return TRUE;
}

/* The relay port the request asks for (token, EVEN-PORT or any); 0 when
 * none can be had. Reserves the next port for EVEN-PORT R=1. */
static guint16
allocate_port (IceVturnServer *server, const VturnRequest *req,
               gboolean *has_token, guint64 *token)
{
  const guint8 *even;
  guint16 len = 0;
  guint16 port;

  *has_token = FALSE;
  if (ice_stun_message_get_u64 (&req->msg, ICE_STUN_ATTR_RESERVATION_TOKEN,
                                token))
    return take_reservation (server, *token);
  even = ice_stun_message_get_value (&req->msg, ICE_STUN_ATTR_EVEN_PORT, &len);
  if (!even)
    return pick_port (server, FALSE, FALSE);
  port = pick_port (server, TRUE, (even[0] & EVEN_PORT_RESERVE) != 0);
  if (port && (even[0] & EVEN_PORT_RESERVE)) {
    *token = reserve_port (server, port + 1);
    *has_token = TRUE;
  }
  return port;
}

static VturnAllocation *
allocation_new (IceVturnServer *server, const VturnRequest *req, guint16 port,
                guint32 lifetime_s)
{
  VturnAllocation *alloc = g_new0 (VturnAllocation, 1);

  alloc->client = req->dgram->from;
  alloc->relayed = server->address;
  alloc->relayed.port = port;
  alloc->username = g_strdup (req->user->name);
  memcpy (alloc->transaction_id, req->msg.transaction_id,
          ICE_STUN_TRANSACTION_ID_SIZE);
  alloc->lifetime_s = lifetime_s;
  alloc->expires = vturn_now (server) + VTURN_SECONDS (lifetime_s);
  alloc->permissions = g_array_new (FALSE, TRUE, sizeof (VturnPermission));
  alloc->channels = g_array_new (FALSE, TRUE, sizeof (VturnChannel));
  g_hash_table_insert (server->by_client, &alloc->client, alloc);
  g_hash_table_insert (server->by_port, GUINT_TO_POINTER (port), alloc);
  return alloc;
}

void
vturn_handle_allocate (IceVturnServer *server, VturnRequest *req)
{
  VturnAllocation *alloc
      = g_hash_table_lookup (server->by_client, &req->dgram->from);
  gboolean has_token;
  guint64 token = 0;
  guint32 lifetime;
  guint16 port;

  if (alloc) {
    /* RFC 8656 §7.2 step 2: a retransmission gets the same answer */
    if (memcmp (alloc->transaction_id, req->msg.transaction_id,
                ICE_STUN_TRANSACTION_ID_SIZE)
            == 0
        && strcmp (alloc->username, req->user->name) == 0)
      send_allocate_success (server, req, alloc, FALSE, 0);
    else
      vturn_send_error (server, req, ICE_STUN_ERROR_ALLOCATION_MISMATCH,
                        "Allocation Mismatch");
    return;
  }
  if (!allocate_request_is_valid (server, req))
    return;
  port = allocate_port (server, req, &has_token, &token);
  if (port == 0) {
    vturn_send_error (server, req, ICE_STUN_ERROR_INSUFFICIENT_CAPACITY,
                      "Insufficient Capacity");
    return;
  }
  lifetime = desired_lifetime (server, &req->msg);
  if (lifetime == 0)
    lifetime = server->config.default_lifetime_s;
  alloc = allocation_new (server, req, port, lifetime);
  server->counters.allocations++;
  g_debug ("vturn: user %s allocated port %u for %u s", alloc->username, port,
           lifetime);
  send_allocate_success (server, req, alloc, has_token, token);
}

void
vturn_handle_refresh (IceVturnServer *server, VturnRequest *req)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;
  VturnAllocation *alloc = vturn_request_allocation (server, req);
  guint32 lifetime;

  if (!alloc)
    return;
  lifetime = desired_lifetime (server, &req->msg);
  if (lifetime == 0) {
    server->counters.allocations_deleted++;
    allocation_remove (server, alloc);
  } else {
    server->counters.refreshes++;
    alloc->lifetime_s = lifetime;
    alloc->expires = vturn_now (server) + VTURN_SECONDS (lifetime);
  }
  vturn_response_init (server, req, &b, buf, sizeof (buf),
                       ICE_STUN_CLASS_SUCCESS);
  ice_stun_builder_add_u32 (&b, ICE_STUN_ATTR_LIFETIME, lifetime);
  vturn_response_send (server, req, &b);
}
