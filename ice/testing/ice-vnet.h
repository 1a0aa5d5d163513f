/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A virtual network on a virtual clock, for tests and benchmarks only.
 *
 * Realms are address spaces: realm 0 is the public internet, every NAT box
 * creates a private realm behind it (NATs nest: a NAT may sit in a private
 * realm). Hosts have interfaces, each with an IP in one realm. A datagram
 * travels hop by hop (host -> NAT -> ... -> host), each hop taking the
 * latency of the realm it crosses plus that of the access links of the
 * hosts at its ends; NATs translate and filter when the datagram reaches
 * them, on the virtual clock. Everything random (loss, jitter, random
 * ports) comes from one GRand seeded at creation: a run is reproducible.
 *
 * Hosts accept datagrams on every port of their interfaces; the receiver
 * sees the (translated) local address it arrived at and the source address.
 */
#ifndef __ICE_VNET_H__
#define __ICE_VNET_H__

#include "ice/common/ice-addr.h"

G_BEGIN_DECLS

typedef struct _IceVnet IceVnet;

/* The public realm; also the return value meaning "invalid". */
#define ICE_VNET_INTERNET 0
#define ICE_VNET_INVALID G_MAXUINT
/* Largest datagram the network carries. */
#define ICE_VNET_MAX_DATAGRAM 2048

/**
 * IceVnetLink:
 * @latency_us: one-way delay
 * @jitter_us: an extra delay drawn uniformly from [0, @jitter_us]; datagrams
 *   may be reordered when it exceeds their spacing
 * @loss: probability in [0, 1] that a datagram is lost on this link
 */
typedef struct {
  gint64 latency_us;
  gint64 jitter_us;
  gdouble loss;
} IceVnetLink;

/* RFC 4787 §4.1 mapping behaviour */
typedef enum {
  ICE_VNAT_MAPPING_EIM = 0, /* endpoint-independent */
  ICE_VNAT_MAPPING_ADM,     /* address-dependent */
  ICE_VNAT_MAPPING_APDM,    /* address and port-dependent */
} IceVnatMapping;

/* RFC 4787 §5 filtering behaviour */
typedef enum {
  ICE_VNAT_FILTERING_EIF = 0, /* endpoint-independent */
  ICE_VNAT_FILTERING_ADF,     /* address-dependent */
  ICE_VNAT_FILTERING_APDF,    /* address and port-dependent */
} IceVnatFiltering;

/* RFC 4787 §4.2.1 port assignment */
typedef enum {
  ICE_VNAT_PORTS_DEFAULT = 0, /* PRESERVE for EIM, RANDOM otherwise */
  ICE_VNAT_PORTS_PRESERVE,    /* the internal port if free, else next */
  ICE_VNAT_PORTS_SEQUENTIAL,  /* the next free port after the last one */
  ICE_VNAT_PORTS_RANDOM,      /* a free port drawn from the PRNG */
} IceVnatPorts;

/**
 * IceVnatConfig:
 * @mapping: how outbound flows share external ports
 * @filtering: which inbound datagrams a mapping admits
 * @ports: how external ports are chosen
 * @hairpinning: whether a datagram from inside to one of the NAT's own
 *   external addresses is looped back in (RFC 4787 §6)
 * @mapping_timeout_us: a mapping expires this long after the last outbound
 *   datagram that used it (inbound traffic does not refresh it)
 */
typedef struct {
  IceVnatMapping mapping;
  IceVnatFiltering filtering;
  IceVnatPorts ports;
  gboolean hairpinning;
  gint64 mapping_timeout_us;
} IceVnatConfig;

/* Fills @config with EIM, EIF, port preservation, no hairpinning and a
 * mapping timeout of 120 s (RFC 4787 REQ-5: at least 2 minutes). */
void ice_vnat_config_init (IceVnatConfig *config);
/* Parses "eim-apdf" style names: MAPPING-FILTERING with mapping one of
 * eim/adm/apdm and filtering one of eif/adf/apdf, optionally followed by
 * ",ports=preserve|sequential|random", ",hairpin", ",timeout=SECONDS".
 * Returns FALSE (config unchanged where it failed) on anything else. */
gboolean ice_vnat_config_parse (IceVnatConfig *config, const gchar *str);
const gchar *ice_vnat_mapping_to_string (IceVnatMapping mapping);
const gchar *ice_vnat_filtering_to_string (IceVnatFiltering filtering);
const gchar *ice_vnat_ports_to_string (IceVnatPorts ports);

/**
 * IceVnetCounters:
 * @sent: datagrams accepted for sending
 * @delivered: datagrams that reached a host
 * @lost: dropped by a link's loss
 * @filtered: dropped by a NAT: no mapping, filtering, expired mapping,
 *   hairpinning off
 * @unroutable: no node has the destination address in the realm it reached
 *   (e.g. another realm's private address): vanished as on the internet
 * @refused: sends refused (unknown source address, too large)
 * @mappings_created: NAT mappings created (new flows)
 * @mappings_expired: NAT mappings found expired and removed
 */
typedef struct {
  guint64 sent;
  guint64 delivered;
  guint64 lost;
  guint64 filtered;
  guint64 unroutable;
  guint64 refused;
  guint64 mappings_created;
  guint64 mappings_expired;
} IceVnetCounters;

/**
 * IceVnetDatagram:
 * A datagram received by a host: @time_us it arrived, @local the address of
 * the host it arrived at, @from the source as the host sees it.
 */
typedef struct {
  gint64 time_us;
  guint host;
  IceTransportAddr local;
  IceTransportAddr from;
  gsize len;
  guint8 data[ICE_VNET_MAX_DATAGRAM];
} IceVnetDatagram;

/* Called on delivery instead of queueing; may send (servers answer here).
 * The network's clock reads the arrival time during the call. */
typedef void (*IceVnetReceiveFunc) (IceVnet *vnet, const IceVnetDatagram *dgram,
                                    gpointer user_data);

/* --- topology ------------------------------------------------------------- */

IceVnet *ice_vnet_new (guint64 seed);
void ice_vnet_free (IceVnet *vnet);

/* Adds a NAT box with @external_ip in @outer_realm; returns the id of the
 * new private realm behind it (which also names the NAT), or
 * ICE_VNET_INVALID for a bad IP or one already used in @outer_realm. */
guint ice_vnet_add_nat (IceVnet *vnet, guint outer_realm,
                        const gchar *external_ip, const IceVnatConfig *config);
/* A second external address (e.g. IPv6 next to IPv4): outbound datagrams
 * leave from the external address of the destination's family. */
gboolean ice_vnet_nat_add_external_ip (IceVnet *vnet, guint realm,
                                       const gchar *external_ip);
/* Live (unexpired at the network's current time) mappings of the NAT in
 * front of @realm. */
guint ice_vnet_nat_n_mappings (IceVnet *vnet, guint realm);
/* Forgets every mapping of the NAT in front of @realm, as a NAT reboot
 * does: flows get new external ports, inbound traffic is filtered until
 * they send again. */
void ice_vnet_nat_clear_mappings (IceVnet *vnet, guint realm);

/* Returns the new host's id. @name is for logs. */
guint ice_vnet_add_host (IceVnet *vnet, const gchar *name);
/* Adds an interface with @ip in @realm; returns its index on the host or
 * ICE_VNET_INVALID for a bad IP or one already used in @realm. */
guint ice_vnet_host_add_interface (IceVnet *vnet, guint host, guint realm,
                                   const gchar *ip);
guint ice_vnet_host_n_interfaces (IceVnet *vnet, guint host);
/* The interface's IP (port 0) and realm. */
gboolean ice_vnet_host_get_interface (IceVnet *vnet, guint host, guint iface,
                                      IceTransportAddr *ip, guint *realm);
const gchar *ice_vnet_host_get_name (IceVnet *vnet, guint host);

/* Link properties of a realm (every hop across it) and of one interface's
 * access link (every hop leaving or reaching it). Default: no delay, no
 * loss. */
void ice_vnet_set_realm_link (IceVnet *vnet, guint realm,
                              const IceVnetLink *link);
void ice_vnet_set_interface_link (IceVnet *vnet, guint host, guint iface,
                                  const IceVnetLink *link);

/* --- datagrams and the clock ------------------------------------------- */

/* Sends from a host's local transport address @from (its IP must be one of
 * the host's interfaces) at the network's current time. FALSE if refused.
 * ice_vnet_send() finds the host by @from's IP and refuses an IP that more
 * than one realm uses: use ice_vnet_host_send() then. */
gboolean ice_vnet_host_send (IceVnet *vnet, guint host,
                             const IceTransportAddr *from,
                             const IceTransportAddr *to, const guint8 *data,
                             gsize len);
gboolean ice_vnet_send (IceVnet *vnet, const IceTransportAddr *from,
                        const IceTransportAddr *to, const guint8 *data,
                        gsize len);

/* The network's clock, in µs; starts at 0. */
gint64 ice_vnet_get_now (IceVnet *vnet);
/* Time of the next event: an in-flight datagram reaching a NAT or a host,
 * or a host timer (ice_vnet_host_set_timer()); -1 when nothing is due. */
gint64 ice_vnet_next_delivery (IceVnet *vnet);
/* Moves the clock to @now_us (never backwards) and processes every event
 * due by then in time order, delivering datagrams to hosts. */
void ice_vnet_advance (IceVnet *vnet, gint64 now_us);

/* Takes the oldest datagram queued for @host; FALSE when none. */
gboolean ice_vnet_host_recv (IceVnet *vnet, guint host, IceVnetDatagram *out);
guint ice_vnet_host_n_queued (IceVnet *vnet, guint host);
/* Replaces queueing by @func for @host (NULL restores queueing). */
void ice_vnet_host_set_receive_func (IceVnet *vnet, guint host,
                                     IceVnetReceiveFunc func,
                                     gpointer user_data);

/* Called from ice_vnet_advance() when the clock reaches a host's timer;
 * the network's clock reads the deadline during the call. */
typedef void (*IceVnetTimerFunc) (IceVnet *vnet, guint host,
                                  gpointer user_data);
/* Arms the host's single timer at @deadline_us (absolute; -1 disarms),
 * replacing any earlier one. Server nodes (the TURN model) keep their
 * timers on the network's clock this way, so every driver that sleeps
 * until ice_vnet_next_delivery() wakes them. A timer fires once. */
void ice_vnet_host_set_timer (IceVnet *vnet, guint host, gint64 deadline_us,
                              IceVnetTimerFunc func, gpointer user_data);

void ice_vnet_get_counters (IceVnet *vnet, IceVnetCounters *counters);

G_END_DECLS
#endif /* __ICE_VNET_H__ */
