/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The UDP mux: one socket per "HOST:PORT" shared by every agent of the
 * process that names it, in a refcounted registry (made by the first
 * agent, closed with the last). The socket is read with recvmmsg on the
 * process-wide "gst-ice" context; each datagram goes to one agent:
 * - a STUN Binding request by the first part of its USERNAME, which is
 *   the receiving agent's ufrag (RFC 8445 §7.2.2: "local:remote" from the
 *   receiver's view);
 * - anything else (media, STUN responses, consent) by its source address,
 *   which an agent learns when it sends to it (its checks, its answers to
 *   a peer's checks, consent): see ice_udp_mux_learn().
 * A datagram nobody claims is dropped and counted (IceUdpMuxStats).
 *
 * Ownership of the address table: an entry names the agent that sent to
 * that address last (a peer that moved to a new agent follows it). Each
 * agent keeps the list of the addresses it learnt, at most
 * MEMBER_MAX_ADDRS (the oldest entry goes first), and removes those it
 * still owns when it leaves the mux (close). Its ufrags (the current one
 * and the one before a restart, which still answers consent on the old
 * pair) go at the same time.
 */
#include <errno.h>
#include <string.h>

#include "ice/io/ice-udp-mux-private.h"
#include "ice/stun/stun-message.h"

/* A restarting agent keeps answering on its old pair (ice-session.h), so
 * it may have learnt the addresses of two generations of candidates. */
#define MEMBER_MAX_ADDRS 32
/* Batches read per wakeup before yielding to the other sources. */
#define MUX_RECV_ROUNDS 8
#define MUX_SLOT_SIZE 65536 /* any UDP datagram */
/* All the agents' datagrams meet in this socket's buffer. */
#define MUX_SOCKET_BUFFER (16 * 1024 * 1024)

typedef struct {
  gint refcount; /* the registry's and the source's, under mux_lock */
  gchar *key;
  IceAgentSocket *sock; /* source NULL: the mux reads it itself */
  GMainContext *context;
  GSource *source;
  GHashTable *by_ufrag; /* gchar * (a member's) -> IceUdpMuxMember * */
  GHashTable *by_addr;  /* IceTransportAddr * (owned) -> IceUdpMuxMember * */
  IceUdpMuxStats stats;
  /* recvmmsg scratch: the slots are touched only as far as datagrams
   * fill them */
  guint8 *slots;
  struct mmsghdr msgs[ICE_AGENT_RECV_BATCH];
  struct iovec iov[ICE_AGENT_RECV_BATCH];
  struct sockaddr_storage from[ICE_AGENT_RECV_BATCH];
} IceUdpMux;

struct _IceUdpMuxMember {
  IceUdpMux *mux;
  IceAgentState *state; /* not a ref: the agent leaves before it goes */
  gchar *ufrags[2];     /* current, previous */
  GQueue addrs;         /* IceTransportAddr * learnt, oldest first */
};

static GMutex mux_lock;
static GHashTable *registry; /* key -> IceUdpMux *, under mux_lock */

gboolean
ice_udp_mux_parse (const gchar *text, IceTransportAddr *addr)
{
  if (text == NULL || !ice_addr_parse (addr, text))
    return FALSE;
  /* the mux address is every member's host candidate */
  return !ice_addr_is_unspecified (addr);
}

/* Drops a reference under mux_lock; TRUE when the caller must free the
 * mux with mux_free() once it has released the lock (freeing stops the
 * shared context thread when it is the last user, which must not wait on
 * a thread that may be waiting for mux_lock). */
static gboolean
mux_unref_locked (IceUdpMux *mux)
{
  return --mux->refcount == 0;
}

static void
mux_free (IceUdpMux *mux)
{
  g_hash_table_unref (mux->by_ufrag);
  g_hash_table_unref (mux->by_addr);
  g_clear_pointer (&mux->source, g_source_unref);
  ice_agent_socket_free (mux->sock);
  g_main_context_unref (mux->context);
  ice_agent_shared_context_unref ();
  g_free (mux->slots);
  g_free (mux->key);
  g_free (mux);
}

static void
mux_source_done (gpointer data)
{
  gboolean last;

  g_mutex_lock (&mux_lock);
  last = mux_unref_locked (data);
  g_mutex_unlock (&mux_lock);
  if (last)
    mux_free (data);
}

static gint
recv_batch (IceUdpMux *mux)
{
  guint i;
  gint n;

  for (i = 0; i < ICE_AGENT_RECV_BATCH; i++) {
    struct msghdr *hdr = &mux->msgs[i].msg_hdr;

    mux->iov[i].iov_base = mux->slots + (gsize)i * MUX_SLOT_SIZE;
    mux->iov[i].iov_len = MUX_SLOT_SIZE;
    memset (hdr, 0, sizeof (*hdr));
    hdr->msg_name = &mux->from[i];
    hdr->msg_namelen = sizeof (mux->from[i]);
    hdr->msg_iov = &mux->iov[i];
    hdr->msg_iovlen = 1;
  }
  do
    n = recvmmsg (mux->sock->fd, mux->msgs, ICE_AGENT_RECV_BATCH, MSG_DONTWAIT,
                  NULL);
  while (n < 0 && errno == EINTR);
  return n;
}

/* The local ufrag of a Binding request's USERNAME ("local:remote"), or
 * FALSE for anything else. */
static gboolean
request_ufrag (const guint8 *data, gsize len, gchar *ufrag, gsize size)
{
  IceStunMessage msg;
  gchar username[764];
  gchar *colon;

  if (!ice_stun_is_message (data, len))
    return FALSE;
  if (ice_stun_message_parse (&msg, data, len) != ICE_STUN_PARSE_OK
      || msg.klass != ICE_STUN_CLASS_REQUEST
      || msg.method != ICE_STUN_METHOD_BINDING
      || !ice_stun_message_get_string (&msg, ICE_STUN_ATTR_USERNAME, username,
                                       sizeof username))
    return FALSE;
  colon = strchr (username, ':');
  if (colon == NULL || (gsize)(colon - username) >= size)
    return FALSE;
  memcpy (ufrag, username, colon - username);
  ufrag[colon - username] = '\0';
  return TRUE;
}

/* Under mux_lock: the agent datagram @d belongs to, with a reference. */
static IceAgentState *
route_locked (IceUdpMux *mux, const IceUdpMuxDatagram *d)
{
  IceUdpMuxMember *member;
  gchar ufrag[256], str[ICE_ADDR_STRLEN];

  if (request_ufrag (d->data, d->len, ufrag, sizeof ufrag)) {
    member = g_hash_table_lookup (mux->by_ufrag, ufrag);
    if (member != NULL)
      mux->stats.routed_by_ufrag++;
  } else {
    member = g_hash_table_lookup (mux->by_addr, &d->from);
    if (member != NULL)
      mux->stats.routed_by_address++;
  }
  if (member == NULL) {
    mux->stats.unknown_dropped++;
    g_debug ("udp-mux %s: dropped %" G_GSIZE_FORMAT " bytes from %s: no "
             "agent has its ufrag or its address",
             mux->key, d->len, ice_addr_to_string (&d->from, str));
    return NULL;
  }
  return ice_agent_state_ref (member->state);
}

/* Hands the datagrams of @targets[start] and every later one for the same
 * agent to it in one call (one agent lock per batch), in order. */
static void
deliver_group (IceUdpMux *mux, IceAgentState **targets,
               IceUdpMuxDatagram *datagrams, guint start, guint n)
{
  IceAgentState *state = targets[start];
  IceUdpMuxDatagram group[ICE_AGENT_RECV_BATCH];
  guint i, k = 0;

  for (i = start; i < n; i++) {
    if (targets[i] != state)
      continue;
    group[k++] = datagrams[i];
    if (i != start) {
      targets[i] = NULL;
      ice_agent_state_unref (state);
    }
  }
  ice_agent_mux_handle (state, &mux->sock->local, group, k);
  targets[start] = NULL;
  ice_agent_state_unref (state);
}

static gint
read_and_route (IceUdpMux *mux)
{
  IceUdpMuxDatagram datagrams[ICE_AGENT_RECV_BATCH];
  IceAgentState *targets[ICE_AGENT_RECV_BATCH];
  gint n, i;

  n = recv_batch (mux);
  if (n <= 0)
    return n;
  g_mutex_lock (&mux_lock);
  for (i = 0; i < n; i++) {
    IceUdpMuxDatagram *d = &datagrams[i];

    d->data = mux->iov[i].iov_base;
    d->len = mux->msgs[i].msg_len;
    mux->stats.datagrams++;
    targets[i] = ice_agent_addr_from_sockaddr (&d->from,
                                               (struct sockaddr *)&mux->from[i],
                                               mux->msgs[i].msg_hdr.msg_namelen)
                     ? route_locked (mux, d)
                     : NULL;
  }
  g_mutex_unlock (&mux_lock);
  for (i = 0; i < n; i++)
    if (targets[i] != NULL)
      deliver_group (mux, targets, datagrams, i, n);
  return n;
}

static gboolean
mux_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
  guint round;

  for (round = 0; round < MUX_RECV_ROUNDS; round++)
    if (read_and_route (data) < ICE_AGENT_RECV_BATCH)
      break;
  return G_SOURCE_CONTINUE;
}

static IceUdpMux *
mux_new_locked (const gchar *key, const IceTransportAddr *addr, GError **error)
{
  IceAgentSocket *sock;
  IceUdpMux *mux;
  gint size = MUX_SOCKET_BUFFER;

  sock = ice_agent_socket_open (addr, addr->port, addr->port, error);
  if (sock == NULL)
    return NULL;
  if (setsockopt (sock->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
    setsockopt (sock->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  mux = g_new0 (IceUdpMux, 1);
  mux->refcount = 2; /* the registry's, the source's */
  mux->key = g_strdup (key);
  mux->sock = sock;
  mux->by_ufrag = g_hash_table_new (g_str_hash, g_str_equal);
  mux->by_addr = g_hash_table_new_full (ice_addr_hash, ice_addr_hash_equal,
                                        g_free, NULL);
  mux->slots = g_malloc ((gsize)ICE_AGENT_RECV_BATCH * MUX_SLOT_SIZE);
  mux->stats.port = sock->local.port;
  mux->context = ice_agent_shared_context_ref ();
  mux->source = g_socket_create_source (sock->socket, G_IO_IN, NULL);
  g_source_set_callback (mux->source, G_SOURCE_FUNC (mux_readable), mux,
                         mux_source_done);
  g_source_set_name (mux->source, "ice-udp-mux");
  g_source_attach (mux->source, mux->context);
  g_hash_table_insert (registry, mux->key, mux);
  return mux;
}

/* The agent's view of the mux socket: its own IceAgentSocket holding a
 * reference on the GSocket, so the fd stays open until the last agent
 * that may still send on it is freed. */
static IceAgentSocket *
member_socket (IceUdpMux *mux)
{
  IceAgentSocket *sock = g_new0 (IceAgentSocket, 1);

  sock->socket = g_object_ref (mux->sock->socket);
  sock->fd = mux->sock->fd;
  sock->local = mux->sock->local;
  sock->shared = TRUE;
  return sock;
}

/**
 * ice_udp_mux_join: (skip)
 * @sock: (out): the agent's socket on the mux (no source: the mux reads)
 *
 * Puts @state on the mux of @address, opening its socket first if no agent
 * uses it yet. The state's lock may be held.
 */
IceUdpMuxMember *
ice_udp_mux_join (const gchar *address, IceAgentState *state,
                  IceAgentSocket **sock, GError **error)
{
  IceTransportAddr addr;
  IceUdpMux *mux;
  IceUdpMuxMember *member;

  if (!ice_udp_mux_parse (address, &addr)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "udp-mux \"%s\" is not HOST:PORT with an IP address", address);
    return NULL;
  }
  g_mutex_lock (&mux_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  mux = g_hash_table_lookup (registry, address);
  if (mux == NULL)
    mux = mux_new_locked (address, &addr, error);
  if (mux == NULL) {
    g_mutex_unlock (&mux_lock);
    return NULL;
  }
  member = g_new0 (IceUdpMuxMember, 1);
  member->mux = mux;
  member->state = state;
  g_queue_init (&member->addrs);
  mux->stats.agents++;
  *sock = member_socket (mux);
  g_mutex_unlock (&mux_lock);
  return member;
}

static void
forget_addr_locked (IceUdpMuxMember *member, IceTransportAddr *addr)
{
  if (g_hash_table_lookup (member->mux->by_addr, addr) == member)
    g_hash_table_remove (member->mux->by_addr, addr);
  g_free (addr);
}

static void
forget_ufrag_locked (IceUdpMuxMember *member, guint i)
{
  if (member->ufrags[i] == NULL)
    return;
  if (g_hash_table_lookup (member->mux->by_ufrag, member->ufrags[i]) == member)
    g_hash_table_remove (member->mux->by_ufrag, member->ufrags[i]);
  g_clear_pointer (&member->ufrags[i], g_free);
}

/* Removes the agent from its mux; the last one closes the mux (its socket
 * closes when the last agent's own reference on it goes too). */
void
ice_udp_mux_leave (IceUdpMuxMember *member)
{
  IceUdpMux *mux = member->mux;
  IceTransportAddr *addr;
  GSource *source = NULL;
  GMainContext *context = NULL;

  g_mutex_lock (&mux_lock);
  while ((addr = g_queue_pop_head (&member->addrs)) != NULL)
    forget_addr_locked (member, addr);
  forget_ufrag_locked (member, 0);
  forget_ufrag_locked (member, 1);
  g_free (member);
  if (--mux->stats.agents == 0) {
    g_hash_table_remove (registry, mux->key);
    source = g_source_ref (mux->source);
    /* destroying the source may free the mux and stop the gst-ice thread,
     * dropping the context's other references, while g_source_destroy()
     * still uses the context */
    context = g_main_context_ref (mux->context);
    /* the registry's reference; the source's goes as it is destroyed */
    mux_unref_locked (mux);
  }
  g_mutex_unlock (&mux_lock);
  /* outside the lock: destroying runs mux_source_done() */
  if (source != NULL) {
    g_source_destroy (source);
    g_source_unref (source);
    g_main_context_unref (context);
  }
}

/* The agent sent to @remote: datagrams from there are its from now on. */
void
ice_udp_mux_learn (IceUdpMuxMember *member, const IceTransportAddr *remote)
{
  IceUdpMux *mux = member->mux;
  IceTransportAddr *key;

  g_mutex_lock (&mux_lock);
  if (g_hash_table_lookup (mux->by_addr, remote) != member) {
    key = g_memdup2 (remote, sizeof *remote);
    g_hash_table_replace (mux->by_addr, key, member);
    g_queue_push_tail (&member->addrs, g_memdup2 (remote, sizeof *remote));
    if (g_queue_get_length (&member->addrs) > MEMBER_MAX_ADDRS)
      forget_addr_locked (member, g_queue_pop_head (&member->addrs));
  }
  g_mutex_unlock (&mux_lock);
}

/* The ufrag the agent answers to now (read under the agent's lock, which
 * every change holds too). */
const gchar *
ice_udp_mux_member_ufrag (IceUdpMuxMember *member)
{
  return member->ufrags[0];
}

/* A new local ufrag (gathering, restart): the previous one stays routed,
 * as the session still answers consent with it on the old pair. */
void
ice_udp_mux_set_ufrag (IceUdpMuxMember *member, const gchar *ufrag)
{
  IceUdpMux *mux = member->mux;

  g_mutex_lock (&mux_lock);
  forget_ufrag_locked (member, 1);
  member->ufrags[1] = member->ufrags[0];
  member->ufrags[0] = g_strdup (ufrag);
  if (g_hash_table_lookup (mux->by_ufrag, ufrag) != NULL)
    g_debug ("udp-mux %s: two agents with ufrag %s, the newer takes it",
             mux->key, ufrag);
  g_hash_table_replace (mux->by_ufrag, member->ufrags[0], member);
  g_mutex_unlock (&mux_lock);
}

/* The mux's strangers, for the stats of each agent on it: the member is
 * alive while its agent holds it, so its mux is too. */
guint64
ice_udp_mux_member_unknown_dropped (IceUdpMuxMember *member)
{
  guint64 n;

  g_mutex_lock (&mux_lock);
  n = member->mux->stats.unknown_dropped;
  g_mutex_unlock (&mux_lock);
  return n;
}

gboolean
ice_udp_mux_get_stats (const gchar *address, IceUdpMuxStats *stats)
{
  IceUdpMux *mux = NULL;

  g_return_val_if_fail (address != NULL && stats != NULL, FALSE);
  memset (stats, 0, sizeof *stats);
  g_mutex_lock (&mux_lock);
  if (registry != NULL)
    mux = g_hash_table_lookup (registry, address);
  if (mux != NULL) {
    *stats = mux->stats;
    stats->addresses = g_hash_table_size (mux->by_addr);
  }
  g_mutex_unlock (&mux_lock);
  return mux != NULL;
}
