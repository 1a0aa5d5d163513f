/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A TURN server node of the virtual network (RFC 8656 over UDP), the
 * relay that the simulator's "every NAT combination connects through TURN"
 * proof runs against. It sits on an IceVstunServer (which answers Binding
 * requests on the same address) and serves the rest: long-term
 * credentials with the RFC 8489 nonce cookie (password algorithms, username
 * anonymity), Allocate (EVEN-PORT, RESERVATION-TOKEN), Refresh,
 * CreatePermission, ChannelBind, Send/Data indications and ChannelData.
 * Relayed addresses are the server's IP with ports from a range, taken in
 * order (deterministic). Lifetimes run on the network's clock through a
 * host timer (ice_vnet_host_set_timer()), so drivers that sleep until
 * ice_vnet_next_delivery() see allocations, permissions and channels
 * expire at the right virtual time. Tests and benchmarks only.
 */
#ifndef __ICE_VTURN_H__
#define __ICE_VTURN_H__

#include "ice/testing/ice-vstun.h"

G_BEGIN_DECLS

typedef struct _IceVturnServer IceVturnServer;

/* RFC 8656 §3.2 and §7.2: the default allocation lifetime */
#define ICE_VTURN_DEFAULT_LIFETIME_S 600
/* RFC 8656 §7.2: the server's maximum, "such as 3600" */
#define ICE_VTURN_MAX_LIFETIME_S 3600
/* RFC 8656 §9: a permission lives 300 s */
#define ICE_VTURN_PERMISSION_LIFETIME_S 300
/* RFC 8656 §12: a channel binding lives 600 s */
#define ICE_VTURN_CHANNEL_LIFETIME_S 600
/* RFC 8656 §7.2: a port kept by EVEN-PORT R=1 is held about 30 s */
#define ICE_VTURN_RESERVATION_LIFETIME_S 30

/**
 * IceVturnConfig:
 * @address: "IP:PORT" the server listens on (TURN and Binding)
 * @realm: REALM of the long-term credentials (copied)
 * @features: security features in the nonce cookie (RFC 8489 §9.2):
 *   %ICE_STUN_FEATURE_PASSWORD_ALGORITHMS,
 * %ICE_STUN_FEATURE_USERNAME_ANONYMITY; 0 sends a plain nonce without the
 * cookie (RFC 5389 behaviour, MD5)
 * @algorithms: the PASSWORD-ALGORITHMS offered, in order of preference,
 *   when the password algorithms feature is on (@n_algorithms of them)
 * @nonce_lifetime_us: a nonce older than this is stale (438)
 * @default_lifetime_s: lifetime given when the client asks none or less
 * @max_lifetime_s: the most a client may ask
 * @max_allocations: more live allocations are refused with 486; 0 means
 *   no limit
 * @relay_port_min: first relay port
 * @relay_port_max: last relay port (inclusive)
 * @software: (nullable): SOFTWARE on responses
 *
 * Initialise with ice_vturn_config_init(); strings are copied.
 */
typedef struct {
  const gchar *address;
  const gchar *realm;
  guint32 features;
  guint16 algorithms[2];
  guint n_algorithms;
  gint64 nonce_lifetime_us;
  guint32 default_lifetime_s;
  guint32 max_lifetime_s;
  guint max_allocations;
  guint16 relay_port_min;
  guint16 relay_port_max;
  const gchar *software;
} IceVturnConfig;

/**
 * IceVturnCounters:
 * @requests: STUN requests received for TURN methods
 * @challenges: 401 answers (no credentials, unknown user, bad integrity)
 * @stale_nonces: 438 answers
 * @errors: other error answers (400, 403, 420, 437, 440, 441, 442, 443,
 *   486, 508)
 * @allocations: allocations made
 * @allocations_expired: allocations that reached their lifetime
 * @allocations_deleted: allocations released by a Refresh with LIFETIME 0
 * @refreshes: successful Refresh requests with a non-zero lifetime
 * @permissions: permissions installed (new peer IPs, not refreshes)
 * @channels: channels bound (new bindings, not refreshes)
 * @to_peer: datagrams relayed to a peer (Send indication or ChannelData)
 * @to_client_data: peer datagrams relayed as Data indications
 * @to_client_channel: peer datagrams relayed as ChannelData
 * @dropped_send_no_permission: Send indications or ChannelData to a peer
 *   without a permission
 * @dropped_peer_no_permission: peer datagrams whose IP has no permission
 * @dropped_no_allocation: indications or ChannelData from a 5-tuple
 *   without an allocation, datagrams to a relay port nobody holds
 * @dropped_unbound_channel: ChannelData on a channel that is not bound
 * @dropped_too_large: peer datagrams too large to wrap for the client
 * @malformed: datagrams that are neither valid STUN nor ChannelData
 */
typedef struct {
  guint64 requests;
  guint64 challenges;
  guint64 stale_nonces;
  guint64 errors;
  guint64 allocations;
  guint64 allocations_expired;
  guint64 allocations_deleted;
  guint64 refreshes;
  guint64 permissions;
  guint64 channels;
  guint64 to_peer;
  guint64 to_client_data;
  guint64 to_client_channel;
  guint64 dropped_send_no_permission;
  guint64 dropped_peer_no_permission;
  guint64 dropped_no_allocation;
  guint64 dropped_unbound_channel;
  guint64 dropped_too_large;
  guint64 malformed;
} IceVturnCounters;

/* Defaults: no address (required), realm "gst-ice.test", the nonce
 * cookie with the password algorithms feature offering SHA-256 then MD5,
 * nonces valid 1 hour, lifetimes 600 s / 3600 s, no allocation limit,
 * relay ports 49152-65535, SOFTWARE "gst-ice vturn". */
void ice_vturn_config_init (IceVturnConfig *config);

/* Creates a host "turn" in @realm (see ice_vstun_server_new()). Returns
 * NULL (and warns) for a bad address, realm or port range, or an address
 * already used. Free it before the network. */
IceVturnServer *ice_vturn_server_new (IceVnet *vnet, guint realm,
                                      const IceVturnConfig *config);
void ice_vturn_server_free (IceVturnServer *server);

/* Adds (or replaces the password of) a long-term user. FALSE (with a
 * warning) for an empty name or a password OpaqueString refuses. */
gboolean ice_vturn_server_add_user (IceVturnServer *server,
                                    const gchar *username,
                                    const gchar *password);

guint ice_vturn_server_get_host (IceVturnServer *server);
void ice_vturn_server_get_address (IceVturnServer *server,
                                   IceTransportAddr *address);
/* The STUN node underneath (its counters count Binding requests). */
IceVstunServer *ice_vturn_server_get_stun (IceVturnServer *server);
void ice_vturn_server_get_counters (IceVturnServer *server,
                                    IceVturnCounters *counters);

/* Live allocations. */
guint ice_vturn_server_n_allocations (IceVturnServer *server);
/* The relayed address of the allocation of @client (the client's address
 * as the server sees it); FALSE without one. */
gboolean ice_vturn_server_get_relayed (IceVturnServer *server,
                                       const IceTransportAddr *client,
                                       IceTransportAddr *relayed);
/* Whether that allocation has a live permission for @peer's IP. */
gboolean ice_vturn_server_has_permission (IceVturnServer *server,
                                          const IceTransportAddr *client,
                                          const IceTransportAddr *peer);
/* Makes every nonce issued so far stale: the next request that carries
 * one is answered 438 with a fresh nonce (RFC 8489 §9.2.4). */
void ice_vturn_server_expire_nonces (IceVturnServer *server);
/* A server restart: allocations, reservations and nonces are forgotten
 * (see ice-vturn.c). An outage is a lossy link instead:
 * ice_vnet_set_interface_link() on ice_vturn_server_get_host(). */
void ice_vturn_server_restart (IceVturnServer *server);

G_END_DECLS
#endif /* __ICE_VTURN_H__ */
