/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A peer of the simulation: one IceSession on a virtual host, its sockets,
 * its event log, its side of the signalling channel and its media.
 */
#include "ice/testing/ice-sim-private.h"

#include "ice/core/ice-relay.h"
#include "ice/core/ice-stats.h"
#include "ice/turn/turn-framing.h"

#include <string.h>

#define PORTS_PER_PEER 100

static guint64
peer_random (gpointer user_data)
{
  GRand *rand = user_data;
  guint64 hi = g_rand_int (rand);

  return (hi << 32) | g_rand_int (rand);
}

/**
 * ice_sim_add_peer:
 * @host: a host of the simulation's network, with at least one interface
 * @config: (nullable): the session's settings
 * @n_components: components of stream 0 (0 means 1)
 *
 * Returns: (transfer none): the peer, owned by @sim
 */
IceSimPeer *
ice_sim_add_peer (IceSim *sim, const gchar *name, guint host,
                  const IceSessionConfig *config, guint n_components)
{
  IceSimPeer *peer;
  IceSessionConfig cfg;
  guint32 seed[2];

  g_return_val_if_fail (ice_vnet_host_n_interfaces (sim->vnet, host) > 0, NULL);
  if (config)
    cfg = *config;
  else
    ice_session_config_init (&cfg);
  peer = g_new0 (IceSimPeer, 1);
  peer->sim = sim;
  peer->name = g_strdup (name ? name : "peer");
  peer->index = sim->peers->len;
  peer->host = host;
  seed[0] = g_rand_int (sim->rand);
  seed[1] = g_rand_int (sim->rand);
  peer->rand = g_rand_new_with_seed_array (seed, 2);
  cfg.random = peer_random;
  cfg.random_data = peer->rand;
  peer->session = ice_session_new (&cfg);
  peer->next_port = ICE_SIM_FIRST_PORT + PORTS_PER_PEER * peer->index;
  peer->bound = g_array_new (FALSE, FALSE, sizeof (IceTransportAddr));
  peer->events = g_array_new (FALSE, FALSE, sizeof (IceSimEventRecord));
  peer->states = g_array_new (FALSE, FALSE, sizeof (IceSimStateRecord));
  peer->stats.first_selected_us = -1;
  peer->stats.connected_us = -1;
  g_ptr_array_add (sim->peers, peer);
  ice_sim_peer_add_stream (peer, n_components);
  return peer;
}

void
ice_sim_peer_free (IceSimPeer *peer)
{
  ice_session_free (peer->session);
  g_rand_free (peer->rand);
  g_array_unref (peer->bound);
  g_array_unref (peer->events);
  g_array_unref (peer->states);
  g_free (peer->name);
  g_free (peer);
}

/* The session's interface index of a vnet interface: addresses of one
 * host in one realm are taken as one dual-stack NIC (RFC 8421 then orders
 * IPv6 first within it), so they share the index of the first of them. */
static guint
nic_index (IceVnet *vnet, guint host, guint iface)
{
  guint realm, other_realm, j;

  ice_vnet_host_get_interface (vnet, host, iface, NULL, &realm);
  for (j = 0; j < iface; j++) {
    ice_vnet_host_get_interface (vnet, host, j, NULL, &other_realm);
    if (other_realm == realm)
      return nic_index (vnet, host, j);
  }
  return iface;
}

/* Binds every component on every interface, one port per component. */
guint
ice_sim_peer_add_stream (IceSimPeer *peer, guint n_components)
{
  IceVnet *vnet = peer->sim->vnet;
  guint n_ifaces = ice_vnet_host_n_interfaces (vnet, peer->host);
  guint stream, c, i;

  if (n_components == 0)
    n_components = 1;
  stream = ice_session_add_stream (peer->session, n_components);
  peer->n_streams = stream + 1;
  for (c = 1; c <= n_components; c++) {
    guint16 port = peer->next_port++;

    for (i = 0; i < n_ifaces; i++) {
      IceTransportAddr base;

      ice_vnet_host_get_interface (vnet, peer->host, i, &base, NULL);
      base.port = port;
      g_array_append_val (peer->bound, base);
      ice_session_add_host_address (peer->session, stream, c, &base,
                                    nic_index (vnet, peer->host, i));
    }
  }
  return stream;
}

gboolean
ice_sim_peer_is_bound (IceSimPeer *peer, const IceTransportAddr *local)
{
  guint i;

  for (i = 0; i < peer->bound->len; i++)
    if (ice_addr_equal (&g_array_index (peer->bound, IceTransportAddr, i),
                        local))
      return TRUE;
  return FALSE;
}

IceSession *
ice_sim_peer_get_session (IceSimPeer *peer)
{
  return peer->session;
}

const gchar *
ice_sim_peer_get_name (IceSimPeer *peer)
{
  return peer->name;
}

guint
ice_sim_peer_get_host (IceSimPeer *peer)
{
  return peer->host;
}

void
ice_sim_peer_add_stun_server (IceSimPeer *peer, const IceTransportAddr *server)
{
  ice_session_add_stun_server (peer->session, server);
}

void
ice_sim_peer_get_stats (IceSimPeer *peer, IceSimPeerStats *stats)
{
  *stats = peer->stats;
}

const GArray *
ice_sim_peer_get_events (IceSimPeer *peer)
{
  return peer->events;
}

const GArray *
ice_sim_peer_get_states (IceSimPeer *peer)
{
  return peer->states;
}

guint
ice_sim_peer_count_events (IceSimPeer *peer, IceEventType type)
{
  guint i, n = 0;

  for (i = 0; i < peer->events->len; i++)
    if (g_array_index (peer->events, IceSimEventRecord, i).event.type == type)
      n++;
  return n;
}

gchar *
ice_sim_peer_states_to_string (IceSimPeer *peer, guint stream_id)
{
  GString *s
      = g_string_new (ice_connection_state_to_string (ICE_CONNECTION_NEW));
  guint i;

  for (i = 0; i < peer->states->len; i++) {
    IceSimStateRecord *r = &g_array_index (peer->states, IceSimStateRecord, i);

    if (r->stream_id == stream_id)
      g_string_append_printf (s, ",%s",
                              ice_connection_state_to_string (r->state));
  }
  return g_string_free (s, FALSE);
}

void
ice_sim_peer_receive (IceSimPeer *peer, const IceVnetDatagram *dgram)
{
  IceDelivery delivery;
  IcePacketResult res;

  peer->stats.datagrams_in++;
  res = ice_session_handle_packet (peer->session, peer->sim->now, &dgram->local,
                                   &dgram->from, dgram->data, dgram->len,
                                   &delivery);
  if (res != ICE_PACKET_DELIVER)
    return;
  peer->stats.media_received++;
  peer->stats.media_bytes_received += delivery.len;
  if (peer->sim->media_func && delivery.offset + delivery.len <= dgram->len)
    peer->sim->media_func (peer->sim, peer, &delivery,
                           dgram->data + delivery.offset,
                           peer->sim->media_data);
}

/* As the IO layer does (ice-agent-send.c): the selected pair's stats. */
static void
count_sent (IceSimPeer *peer, guint stream_id, guint component_id, gsize len)
{
  ice_session_count_media_sent (peer->session, stream_id, component_id, 1, len);
  peer->stats.media_sent++;
}

gboolean
ice_sim_peer_send_media (IceSimPeer *peer, guint stream_id, guint component_id,
                         const guint8 *data, gsize len)
{
  IceSendRoute route;
  guint8 buf[ICE_VNET_MAX_DATAGRAM];

  ice_session_get_send_route (peer->session, stream_id, component_id, &route);
  if (!route.ok || route.prefix_len + len > sizeof (buf))
    return FALSE;
  if (route.prefix_kind == ICE_SEND_PREFIX_WRAP) {
    /* relayed, channel not bound yet: a Send indication (ice-relay.h) */
    if (!ice_session_send_media (peer->session, stream_id, component_id, data,
                                 len, peer->sim->now))
      return FALSE;
    ice_sim_peer_drain (peer);
    count_sent (peer, stream_id, component_id, len);
    return TRUE;
  }
  memcpy (buf, route.prefix, route.prefix_len);
  memcpy (buf + route.prefix_len, data, len);
  /* RFC 8656 §12.4: the ChannelData header carries the datagram's length */
  if (route.prefix_kind == ICE_SEND_PREFIX_CHANNEL_DATA)
    ice_turn_channel_data_header (buf, (buf[0] << 8) | buf[1], len);
  if (!ice_vnet_host_send (peer->sim->vnet, peer->host, &route.from, &route.to,
                           buf, route.prefix_len + len))
    return FALSE;
  ice_session_note_sent (peer->session, stream_id, component_id,
                         peer->sim->now);
  count_sent (peer, stream_id, component_id, len);
  return TRUE;
}

void
ice_sim_peer_restart (IceSimPeer *peer)
{
  ice_session_restart (peer->session, peer->sim->now);
  ice_sim_peer_send_credentials (peer);
}
