/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internals shared by the virtual network's files: the topology and
 * in-flight datagrams (ice-vnet.c), the NAT boxes (ice-vnat.c).
 */
#ifndef __ICE_VNET_PRIVATE_H__
#define __ICE_VNET_PRIVATE_H__

#include "ice/testing/ice-vnet.h"

G_BEGIN_DECLS

typedef struct _IceVnat IceVnat;

/* RFC 4787 REQ-5: a mapping MUST NOT expire in less than 2 minutes. */
#define ICE_VNAT_DEFAULT_MAPPING_TIMEOUT_US (120 * G_USEC_PER_SEC)

/* What sits at an IP in a realm, or where a hop ends. */
typedef enum {
  ICE_VNET_NODE_INTERFACE = 0, /* @id host, @iface interface */
  ICE_VNET_NODE_NAT_OUTSIDE,   /* @id realm behind the NAT: from outside */
  ICE_VNET_NODE_NAT_INSIDE,    /* @id realm behind the NAT: from inside */
} IceVnetNodeKind;

typedef struct {
  IceVnetNodeKind kind;
  guint id;
  guint iface;
} IceVnetNode;

/* A datagram in flight, reaching @target in @realm at @time. */
typedef struct {
  gint64 time;
  guint64 seq;
  guint realm;
  IceVnetNode target;
  IceTransportAddr src;
  IceTransportAddr dst;
  gsize len;
  guint8 data[];
} IceVnetPacket;

typedef struct {
  IceTransportAddr ip;
  guint realm;
  IceVnetLink link;
} IceVnetInterface;

typedef struct {
  gchar *name;
  GArray *interfaces; /* IceVnetInterface */
  GQueue queue;       /* IceVnetPacket *, arrival order */
  IceVnetReceiveFunc receive;
  gpointer receive_data;
  gint64 timer_deadline; /* -1: disarmed */
  IceVnetTimerFunc timer;
  gpointer timer_data;
} IceVnetHost;

typedef struct {
  IceVnetLink link;
  IceVnat *nat;      /* the NAT in front of this realm, or NULL */
  guint outer;       /* the realm outside that NAT */
  GHashTable *nodes; /* IceTransportAddr * (port 0) -> node */
} IceVnetRealm;

struct _IceVnet {
  GRand *rand;
  gint64 now;
  guint64 seq;
  GPtrArray *realms;    /* IceVnetRealm *, index = id */
  GPtrArray *hosts;     /* IceVnetHost *, index = id */
  GSequence *in_flight; /* IceVnetPacket *, by (time, seq) */
  guint n_timers;       /* armed host timers: none, no scan */
  IceVnetCounters counters;
};

/* ice-vnet.c: emits @pkt into @realm from the node @from (NULL for a NAT)
 * towards pkt->dst; takes ownership of @pkt. */
void ice_vnet_route (IceVnet *vnet, guint realm, const IceVnetInterface *from,
                     IceVnetPacket *pkt);
IceVnetRealm *ice_vnet_get_realm (IceVnet *vnet, guint realm);
IceVnetHost *ice_vnet_get_host (IceVnet *vnet, guint host);

/* ice-vnat.c */
IceVnat *ice_vnat_new (const IceVnatConfig *config);
void ice_vnat_free (IceVnat *nat);
gboolean ice_vnat_add_external (IceVnat *nat, const IceTransportAddr *ip);
gboolean ice_vnat_is_external_ip (IceVnat *nat, const IceTransportAddr *ip);
guint ice_vnat_n_live_mappings (IceVnat *nat, gint64 now);
void ice_vnat_clear_mappings (IceVnat *nat);
/* A datagram reached the NAT of @realm from inside / from outside. */
void ice_vnat_outbound (IceVnet *vnet, guint realm, IceVnetPacket *pkt);
void ice_vnat_inbound (IceVnet *vnet, guint realm, IceVnetPacket *pkt);

G_END_DECLS
#endif /* __ICE_VNET_PRIVATE_H__ */
