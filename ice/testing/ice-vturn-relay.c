/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Relaying in the virtual TURN server: permissions (RFC 8656 §9),
 * channels (§12), Send indications and ChannelData towards peers (§11.2,
 * §12.5), and peer datagrams back to the client as Data indications or
 * ChannelData (§11.3, §12.6) -- only for peers with a permission.
 */
#include "ice/testing/ice-vturn-private.h"

#include <string.h>

/* RFC 8656 §12: channel numbers 0x4000 through 0x4FFF */
#define CHANNEL_MIN 0x4000
#define CHANNEL_MAX 0x4FFF
#define CHANNEL_HEADER_SIZE 4

gint64
vturn_relay_sweep (VturnAllocation *alloc, gint64 now)
{
  gint64 next = -1;
  guint i;

  for (i = alloc->permissions->len; i-- > 0;) {
    gint64 t = g_array_index (alloc->permissions, VturnPermission, i).expires;

    if (t <= now)
      g_array_remove_index (alloc->permissions, i);
    else if (next < 0 || t < next)
      next = t;
  }
  for (i = alloc->channels->len; i-- > 0;) {
    gint64 t = g_array_index (alloc->channels, VturnChannel, i).expires;

    if (t <= now)
      g_array_remove_index (alloc->channels, i);
    else if (next < 0 || t < next)
      next = t;
  }
  return next;
}

/* Transport and scope are not on the wire: compare IP and port only. */
static gboolean
same_endpoint (const IceTransportAddr *a, const IceTransportAddr *b)
{
  return ice_addr_equal_ip (a, b) && a->port == b->port;
}

static VturnPermission *
find_permission (VturnAllocation *alloc, const IceTransportAddr *peer)
{
  guint i;

  for (i = 0; i < alloc->permissions->len; i++) {
    VturnPermission *p
        = &g_array_index (alloc->permissions, VturnPermission, i);

    if (ice_addr_equal_ip (&p->ip, peer))
      return p;
  }
  return NULL;
}

static VturnChannel *
find_channel (VturnAllocation *alloc, guint16 number,
              const IceTransportAddr *peer)
{
  guint i;

  for (i = 0; i < alloc->channels->len; i++) {
    VturnChannel *c = &g_array_index (alloc->channels, VturnChannel, i);

    if (peer ? same_endpoint (&c->peer, peer) : c->number == number)
      return c;
  }
  return NULL;
}

/* Installs or refreshes the permission for @peer's IP (RFC 8656 §9). */
static void
permit (IceVturnServer *server, VturnAllocation *alloc,
        const IceTransportAddr *peer)
{
  VturnPermission *p = find_permission (alloc, peer);
  VturnPermission fresh = { { 0 } };

  if (!p) {
    fresh.ip = *peer;
    fresh.ip.port = 0;
    g_array_append_val (alloc->permissions, fresh);
    p = &g_array_index (alloc->permissions, VturnPermission,
                        alloc->permissions->len - 1);
    server->counters.permissions++;
  }
  p->expires
      = vturn_now (server) + VTURN_SECONDS (ICE_VTURN_PERMISSION_LIFETIME_S);
}

static void
send_empty_success (IceVturnServer *server, const VturnRequest *req)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;

  vturn_response_init (server, req, &b, buf, sizeof (buf),
                       ICE_STUN_CLASS_SUCCESS);
  vturn_response_send (server, req, &b);
}

void
vturn_handle_create_permission (IceVturnServer *server, VturnRequest *req)
{
  VturnAllocation *alloc = vturn_request_allocation (server, req);
  IceTransportAddr peer;
  guint n;

  if (!alloc)
    return;
  /* RFC 8656 §9.2: all or nothing, so check every address first */
  for (n = 0; ice_stun_message_get_xor_address_nth (
           &req->msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS, n, &peer);
       n++) {
    if (peer.family != alloc->relayed.family) {
      vturn_send_error (server, req,
                        ICE_STUN_ERROR_PEER_ADDRESS_FAMILY_MISMATCH,
                        "Peer Address Family Mismatch");
      return;
    }
  }
  if (n == 0) {
    vturn_send_error (server, req, ICE_STUN_ERROR_BAD_REQUEST,
                      "XOR-PEER-ADDRESS is required");
    return;
  }
  while (n-- > 0) {
    ice_stun_message_get_xor_address_nth (
        &req->msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS, n, &peer);
    permit (server, alloc, &peer);
  }
  send_empty_success (server, req);
}

/* RFC 8656 §11.2: a channel is bound to one peer transport address and a
 * peer to one channel; a binding is refreshed, never moved. */
static const gchar *
channel_bind_fault (VturnAllocation *alloc, guint16 number,
                    const IceTransportAddr *peer)
{
  VturnChannel *by_number = find_channel (alloc, number, NULL);
  VturnChannel *by_peer = find_channel (alloc, 0, peer);

  if (number < CHANNEL_MIN || number > CHANNEL_MAX)
    return "CHANNEL-NUMBER must be 0x4000-0x4FFF";
  if (by_number && !same_endpoint (&by_number->peer, peer))
    return "The channel is bound to another peer";
  if (by_peer && by_peer->number != number)
    return "The peer is bound to another channel";
  return NULL;
}

void
vturn_handle_channel_bind (IceVturnServer *server, VturnRequest *req)
{
  VturnAllocation *alloc = vturn_request_allocation (server, req);
  IceTransportAddr peer;
  VturnChannel *channel;
  VturnChannel fresh = { 0 };
  const gchar *fault;
  guint32 value;

  if (!alloc)
    return;
  if (!ice_stun_message_get_u32 (&req->msg, ICE_STUN_ATTR_CHANNEL_NUMBER,
                                 &value)
      || !ice_stun_message_get_xor_address (
          &req->msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS, &peer)) {
    vturn_send_error (server, req, ICE_STUN_ERROR_BAD_REQUEST,
                      "CHANNEL-NUMBER and XOR-PEER-ADDRESS are required");
    return;
  }
  if (peer.family != alloc->relayed.family) {
    vturn_send_error (server, req, ICE_STUN_ERROR_PEER_ADDRESS_FAMILY_MISMATCH,
                      "Peer Address Family Mismatch");
    return;
  }
  fault = channel_bind_fault (alloc, value >> 16, &peer);
  if (fault) {
    vturn_send_error (server, req, ICE_STUN_ERROR_BAD_REQUEST, fault);
    return;
  }
  channel = find_channel (alloc, value >> 16, NULL);
  if (!channel) {
    fresh.number = value >> 16;
    fresh.peer = peer;
    g_array_append_val (alloc->channels, fresh);
    channel = &g_array_index (alloc->channels, VturnChannel,
                              alloc->channels->len - 1);
    server->counters.channels++;
  }
  channel->expires
      = vturn_now (server) + VTURN_SECONDS (ICE_VTURN_CHANNEL_LIFETIME_S);
  /* RFC 8656 §11.2: binding also installs or refreshes the permission */
  permit (server, alloc, &peer);
  send_empty_success (server, req);
}

/* Sends @payload from the relayed address to @peer if a permission for its
 * IP exists. */
static void
relay_to_peer (IceVturnServer *server, VturnAllocation *alloc,
               const IceTransportAddr *peer, const guint8 *payload, gsize len)
{
  if (!find_permission (alloc, peer)) {
    server->counters.dropped_send_no_permission++;
    return;
  }
  server->counters.to_peer++;
  ice_vnet_host_send (server->vnet, server->host, &alloc->relayed, peer,
                      payload, len);
}

void
vturn_handle_send (IceVturnServer *server, const IceVnetDatagram *dgram,
                   const IceStunMessage *msg)
{
  VturnAllocation *alloc
      = g_hash_table_lookup (server->by_client, &dgram->from);
  IceTransportAddr peer;
  const guint8 *data;
  guint16 len = 0;

  if (!alloc) {
    server->counters.dropped_no_allocation++;
    return;
  }
  data = ice_stun_message_get_value (msg, ICE_STUN_ATTR_DATA, &len);
  if (!data
      || !ice_stun_message_get_xor_address (msg, ICE_STUN_ATTR_XOR_PEER_ADDRESS,
                                            &peer)) {
    server->counters.malformed++;
    return;
  }
  relay_to_peer (server, alloc, &peer, data, len);
}

void
vturn_handle_channel_data (IceVturnServer *server, const IceVnetDatagram *dgram)
{
  VturnAllocation *alloc;
  VturnChannel *channel;
  guint16 number = (dgram->data[0] << 8) | dgram->data[1];
  gsize len = (dgram->data[2] << 8) | dgram->data[3];

  /* RFC 8656 §12.5: over UDP the datagram may be padded, never short */
  if (len > dgram->len - CHANNEL_HEADER_SIZE) {
    server->counters.malformed++;
    return;
  }
  alloc = g_hash_table_lookup (server->by_client, &dgram->from);
  if (!alloc) {
    server->counters.dropped_no_allocation++;
    return;
  }
  channel = find_channel (alloc, number, NULL);
  if (!channel) {
    server->counters.dropped_unbound_channel++;
    return;
  }
  relay_to_peer (server, alloc, &channel->peer,
                 dgram->data + CHANNEL_HEADER_SIZE, len);
}

static void
send_channel_data (IceVturnServer *server, VturnAllocation *alloc,
                   guint16 number, const IceVnetDatagram *dgram)
{
  guint8 *buf;

  if (dgram->len + CHANNEL_HEADER_SIZE > ICE_VNET_MAX_DATAGRAM) {
    server->counters.dropped_too_large++;
    return;
  }
  buf = g_malloc (dgram->len + CHANNEL_HEADER_SIZE);
  buf[0] = number >> 8;
  buf[1] = number;
  buf[2] = dgram->len >> 8;
  buf[3] = dgram->len;
  memcpy (buf + CHANNEL_HEADER_SIZE, dgram->data, dgram->len);
  server->counters.to_client_channel++;
  ice_vnet_host_send (server->vnet, server->host, &server->address,
                      &alloc->client, buf, dgram->len + CHANNEL_HEADER_SIZE);
  g_free (buf);
}

static void
send_data_indication (IceVturnServer *server, VturnAllocation *alloc,
                      const IceVnetDatagram *dgram)
{
  guint8 *buf = g_malloc (ICE_VNET_MAX_DATAGRAM);
  guint8 id[ICE_STUN_TRANSACTION_ID_SIZE] = { 0 };
  guint64 serial = ++server->indication_serial;
  IceStunBuilder b;
  gsize len;

  /* deterministic, and never equal to a client's random ids in practice */
  memcpy (id, "vtur", 4);
  memcpy (id + 4, &serial, sizeof (serial));
  ice_stun_builder_init (&b, buf, ICE_VNET_MAX_DATAGRAM,
                         ICE_STUN_CLASS_INDICATION, ICE_STUN_METHOD_DATA, id);
  ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_PEER_ADDRESS,
                                    &dgram->from);
  ice_stun_builder_add (&b, ICE_STUN_ATTR_DATA, dgram->data, dgram->len);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  if (len == 0) {
    server->counters.dropped_too_large++;
  } else {
    server->counters.to_client_data++;
    ice_vnet_host_send (server->vnet, server->host, &server->address,
                        &alloc->client, buf, len);
  }
  g_free (buf);
}

void
vturn_handle_peer_datagram (IceVturnServer *server,
                            const IceVnetDatagram *dgram)
{
  VturnAllocation *alloc = NULL;
  VturnChannel *channel;

  if (ice_addr_equal_ip (&dgram->local, &server->address))
    alloc = g_hash_table_lookup (server->by_port,
                                 GUINT_TO_POINTER (dgram->local.port));
  if (!alloc) {
    server->counters.dropped_no_allocation++;
    return;
  }
  /* RFC 8656 §11.3: no permission for the peer's IP, no relaying */
  if (!find_permission (alloc, &dgram->from)) {
    server->counters.dropped_peer_no_permission++;
    return;
  }
  channel = find_channel (alloc, 0, &dgram->from);
  if (channel)
    send_channel_data (server, alloc, channel->number, dgram);
  else
    send_data_indication (server, alloc, dgram);
}
