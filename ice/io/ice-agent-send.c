/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The media send path. The session's send route of each component is
 * cached (it changes only with SELECTED_PAIR / CONSENT_LOST events). A
 * plain UDP route is read without the lock (ice-agent-fastroute.c);
 * otherwise a batch of datagrams costs one lock to copy the route. Then
 * one sendmsg for one datagram, one sendmmsg per ICE_AGENT_SEND_BATCH
 * datagrams; the route's prefix (a TURN ChannelData header) goes in
 * front as an extra iovec, never copied in.
 *
 * Runs of equal-size datagrams (a buffer list of RTP packets) go out as
 * ONE sendmsg with UDP GSO (a UDP_SEGMENT cmsg, Linux >= 4.18): the
 * kernel cuts them into datagrams, or hands them whole to a UDP_GRO
 * receiver on the same host. When the kernel or the device refuses GSO
 * (EIO, EINVAL, ...), the run is resent one datagram per message, GSO
 * is off for the agent from then on, and gso-fallbacks counts it.
 * ICE_AGENT_TEST_GSO_FAIL=1 in the environment makes the first GSO send
 * of each agent fail that way (tests of the fallback).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "ice/io/ice-agent-private.h"
#include "ice/turn/turn-framing.h"

/* How long a sender waits for room in a full socket buffer before it
 * drops the datagram (backpressure without blocking forever). */
#define ICE_AGENT_SEND_WAIT_MS 100
/* Linux UDP_MAX_SEGMENTS (64 before 6.x), and what one IP datagram
 * carries (65535 less the IPv6 and UDP headers, rounded down) */
#define GSO_MAX_SEGMENTS 64
#define GSO_MAX_BYTES 65000

void
ice_agent_route_clear (IceAgentRoute *route)
{
  g_clear_object (&route->socket);
  memset (route, 0, sizeof (*route));
  route->fd = -1;
}

/* Fills comp->route from the session's route; FALSE when there is none. */
static gboolean
route_from_session_locked (IceAgentState *state, IceAgentRoute *out,
                           const IceSendRoute *route)
{
  IceAgentSocket *sock;

  if (!route->ok)
    return FALSE;
  out->prefix_kind = route->prefix_kind;
  out->prefix_len = MIN (route->prefix_len, sizeof (route->prefix));
  memcpy (out->prefix, route->prefix, out->prefix_len);
  if (route->from.transport != ICE_TRANSPORT_UDP) {
    /* relayed over TCP/TLS to the TURN server (ice-agent-turn-conn.c), or
     * an ICE-TCP host pair (ice-agent-tcp.c) */
    out->over_stream = TRUE;
    out->stream_local = route->from;
    out->stream_remote = route->to;
    out->ok = TRUE;
    return TRUE;
  }
  sock = g_hash_table_lookup (state->socket_by_addr, &route->from);
  if (sock == NULL
      || !ice_agent_addr_to_sockaddr (&route->to, &out->dest, &out->dest_len))
    return FALSE;
  out->socket = g_object_ref (sock->socket);
  out->fd = g_socket_get_fd (sock->socket);
  out->ok = TRUE;
  return TRUE;
}

void
ice_agent_route_refresh_locked (IceAgentState *state, guint stream_id,
                                guint component_id)
{
  IceAgentComponent *comp
      = ice_agent_state_get_component_locked (state, stream_id, component_id);
  IceSendRoute route;
  GSocket *old_socket;

  if (comp == NULL)
    return;
  /* a consumer reading the old route's socket looks again */
  ice_agent_reader_wake (comp);
  /* a lock-free sender may still use its fd (ice-agent-fastroute.c) */
  old_socket = g_steal_pointer (&comp->route.socket);
  ice_agent_route_clear (&comp->route);
  ice_session_get_send_route (state->session, stream_id, component_id, &route);
  if (!route_from_session_locked (state, &comp->route, &route)) {
    memset (&comp->route, 0, sizeof (comp->route));
    comp->route.fd = -1;
  }
  ice_agent_fast_route_publish_locked (state, stream_id, component_id,
                                       &comp->route, &route.from, &route.to,
                                       old_socket);
}

/* Copies the route (with a socket reference) under ONE lock and tells the
 * session that media flows (keepalive bookkeeping, RFC 8445 §11) and how
 * much, for the selected pair's stats. */
static gboolean
take_route (IceAgentState *state, guint stream_id, guint component_id,
            IceAgentRoute *out, guint n_messages, guint64 bytes)
{
  IceAgentComponent *comp;
  gboolean ok = FALSE;

  g_mutex_lock (&state->lock);
  comp = ice_agent_state_get_component_locked (state, stream_id, component_id);
  if (comp != NULL && comp->route.ok) {
    *out = comp->route;
    if (comp->route.socket != NULL)
      out->socket = g_object_ref (comp->route.socket);
    ice_session_note_sent (state->session, stream_id, component_id,
                           g_get_monotonic_time ());
    ice_session_count_media_sent (state->session, stream_id, component_id,
                                  n_messages, bytes);
    ok = TRUE;
  }
  g_mutex_unlock (&state->lock);
  return ok;
}

/* RFC 8656 §12.4: each ChannelData header carries its datagram's
 * length; the other prefixes are the same for every datagram */
static void
fill_prefix (IceAgentRoute *route, const GOutputMessage *message,
             guint8 prefix[4])
{
  gsize len = 0;
  guint v;

  memcpy (prefix, route->prefix, route->prefix_len);
  if (route->prefix_kind != ICE_SEND_PREFIX_CHANNEL_DATA)
    return;
  for (v = 0; v < message->num_vectors; v++)
    len += message->vectors[v].size;
  ice_turn_channel_data_header (prefix, (prefix[0] << 8) | prefix[1], len);
}

static guint
fill_headers (IceAgentRoute *route, GOutputMessage *messages, guint n,
              struct mmsghdr *hdrs, struct iovec *iov, guint iov_room,
              guint8 (*prefixes)[4])
{
  guint m, v, used = 0;

  for (m = 0; m < n; m++) {
    guint need = messages[m].num_vectors + (route->prefix_len > 0);

    if (used + need > iov_room)
      break;
    memset (&hdrs[m], 0, sizeof (hdrs[m]));
    hdrs[m].msg_hdr.msg_name = &route->dest;
    hdrs[m].msg_hdr.msg_namelen = route->dest_len;
    hdrs[m].msg_hdr.msg_iov = &iov[used];
    hdrs[m].msg_hdr.msg_iovlen = need;
    if (route->prefix_len > 0) {
      fill_prefix (route, &messages[m], prefixes[m]);
      iov[used].iov_base = prefixes[m];
      iov[used++].iov_len = route->prefix_len;
    }
    for (v = 0; v < messages[m].num_vectors; v++) {
      iov[used].iov_base = (gpointer)messages[m].vectors[v].buffer;
      iov[used++].iov_len = messages[m].vectors[v].size;
    }
  }
  /* a single message with more vectors than the room is sent alone */
  return m;
}

/* sendmmsg with retry; returns how many went out, or -errno. */
static gint
send_some (gint fd, struct mmsghdr *hdrs, guint n)
{
  struct pollfd pfd = { fd, POLLOUT, 0 };
  gint r;

  for (;;) {
    /* one datagram (a single buffer): sendmsg costs less than sendmmsg */
    if (n == 1) {
      r = sendmsg (fd, &hdrs[0].msg_hdr, 0);
      if (r >= 0) {
        hdrs[0].msg_len = r;
        return 1;
      }
    } else if ((r = sendmmsg (fd, hdrs, n, 0)) >= 0) {
      return r;
    }
    if (errno == EINTR)
      continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK)
        && poll (&pfd, 1, ICE_AGENT_SEND_WAIT_MS) > 0)
      continue;
    return -errno;
  }
}

/* Returns how many of @messages were processed; adds the ones that went
 * out to @n_ok. */
static guint
send_batch (IceAgentState *state, IceAgentRoute *route,
            GOutputMessage *messages, guint n, guint *n_ok)
{
  struct mmsghdr hdrs[ICE_AGENT_SEND_BATCH];
  struct iovec iov[ICE_AGENT_SEND_BATCH * 4];
  guint8 prefixes[ICE_AGENT_SEND_BATCH][4];
  gint fd = route->fd;
  guint count, m, sent = 0;
  gint r;

  count = fill_headers (route, messages, MIN (n, ICE_AGENT_SEND_BATCH), hdrs,
                        iov, G_N_ELEMENTS (iov), prefixes);
  if (count == 0) {
    /* more pieces than iovecs: the kernel would refuse it anyway */
    messages[0].bytes_sent = 0;
    __atomic_add_fetch (&state->send.send_errors, 1, __ATOMIC_RELAXED);
    return 1;
  }
  while (sent < count) {
    r = send_some (fd, hdrs + sent, count - sent);
    if (r < 0) {
      /* the first datagram is refused: count it and go past it */
      messages[sent].bytes_sent = 0;
      __atomic_add_fetch (&state->send.send_errors, 1, __ATOMIC_RELAXED);
      sent++;
      continue;
    }
    for (m = sent; m < sent + (guint)r; m++) {
      messages[m].bytes_sent = hdrs[m].msg_len - route->prefix_len;
      __atomic_add_fetch (&state->send.bytes_sent, messages[m].bytes_sent,
                          __ATOMIC_RELAXED);
    }
    __atomic_add_fetch (&state->send.packets_sent, r, __ATOMIC_RELAXED);
    *n_ok += r;
    sent += r;
  }
  return count;
}

static gsize
message_size (const GOutputMessage *message)
{
  gsize size = 0;
  guint v;

  for (v = 0; v < message->num_vectors; v++)
    size += message->vectors[v].size;
  return size;
}

/* How many of @messages can go as one GSO send (0 or at least 2): the
 * same size, the last one possibly shorter, no per-datagram prefix. */
static guint
gso_run (const IceAgentRoute *route, const GOutputMessage *messages, guint n,
         guint iov_room, gsize *segment)
{
  gsize size = message_size (&messages[0]), next;
  guint k, max, vectors = messages[0].num_vectors;

  if (route->prefix_len > 0 || n < 2 || size == 0)
    return 0;
  max = MIN (MIN (n, GSO_MAX_SEGMENTS), GSO_MAX_BYTES / size);
  for (k = 1; k < max; k++) {
    next = message_size (&messages[k]);
    vectors += messages[k].num_vectors;
    if (next > size || next == 0 || vectors > iov_room)
      break;
    if (next < size) {
      k++;
      break;
    }
  }
  *segment = size;
  return k >= 2 ? k : 0;
}

/* The refusals that say GSO itself is the problem (no offload on the
 * device, a kernel without UDP_SEGMENT, a path MTU below the segment) */
static gboolean
gso_refused (gint err)
{
  return err == EIO || err == EINVAL || err == ENOPROTOOPT || err == EOPNOTSUPP
         || err == EMSGSIZE;
}

static gint
gso_sendmsg (IceAgentState *state, gint fd, struct msghdr *hdr)
{
  struct pollfd pfd = { fd, POLLOUT, 0 };
  gint expected = 1;

  if (g_atomic_int_get (&state->send.gso_test_fail) == 0)
    g_atomic_int_set (&state->send.gso_test_fail,
                      g_getenv ("ICE_AGENT_TEST_GSO_FAIL") != NULL ? 1 : 2);
  if (__atomic_compare_exchange_n (&state->send.gso_test_fail, &expected, 2,
                                   FALSE, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
    return -EIO;
  for (;;) {
    if (sendmsg (fd, hdr, 0) >= 0)
      return 0;
    if (errno == EINTR)
      continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK)
        && poll (&pfd, 1, ICE_AGENT_SEND_WAIT_MS) > 0)
      continue;
    return -errno;
  }
}

/* Sends @k messages of @segment bytes (the last maybe fewer) in one GSO
 * sendmsg. FALSE: not sent, send them the usual way. */
static gboolean
send_gso (IceAgentState *state, IceAgentRoute *route, GOutputMessage *messages,
          guint k, gsize segment, guint *n_ok)
{
  struct iovec iov[ICE_AGENT_SEND_BATCH * 4];
  union {
    struct cmsghdr align;
    guint8 buf[CMSG_SPACE (sizeof (guint16))];
  } control;
  struct msghdr hdr = { &route->dest, route->dest_len,      iov, 0,
                        control.buf,  sizeof (control.buf), 0 };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&hdr);
  guint16 size = segment;
  guint m, v;
  gint r;

  for (m = 0; m < k; m++)
    for (v = 0; v < messages[m].num_vectors; v++) {
      iov[hdr.msg_iovlen].iov_base = (gpointer)messages[m].vectors[v].buffer;
      iov[hdr.msg_iovlen++].iov_len = messages[m].vectors[v].size;
    }
  cmsg->cmsg_level = IPPROTO_UDP;
  cmsg->cmsg_type = UDP_SEGMENT;
  cmsg->cmsg_len = CMSG_LEN (sizeof (size));
  memcpy (CMSG_DATA (cmsg), &size, sizeof (size));
  r = gso_sendmsg (state, route->fd, &hdr);
  if (r < 0) {
    if (gso_refused (-r)) {
      g_debug ("UDP GSO refused (%s): sending datagram by datagram",
               g_strerror (-r));
      g_atomic_int_set (&state->send.gso_off, 1);
      __atomic_add_fetch (&state->send.gso_fallbacks, 1, __ATOMIC_RELAXED);
    }
    return FALSE;
  }
  for (m = 0; m < k; m++) {
    messages[m].bytes_sent = message_size (&messages[m]);
    __atomic_add_fetch (&state->send.bytes_sent, messages[m].bytes_sent,
                        __ATOMIC_RELAXED);
  }
  __atomic_add_fetch (&state->send.packets_sent, k, __ATOMIC_RELAXED);
  __atomic_add_fetch (&state->send.gso_sends, 1, __ATOMIC_RELAXED);
  *n_ok += k;
  return TRUE;
}

/* A GSO run when there is one, else one sendmmsg batch: how many of
 * @messages were processed. */
static guint
send_some_messages (IceAgentState *state, IceAgentRoute *route,
                    GOutputMessage *messages, guint n, guint *n_ok)
{
  gsize segment;
  guint k = 0;

  if (!g_atomic_int_get (&state->send.gso_off))
    k = gso_run (route, messages, n, ICE_AGENT_SEND_BATCH * 4, &segment);
  if (k >= 2 && send_gso (state, route, messages, k, segment, n_ok))
    return k;
  return send_batch (state, route, messages, n, n_ok);
}

static guint64
messages_size (const GOutputMessage *messages, guint n_messages)
{
  guint64 bytes = 0;
  guint m, v;

  for (m = 0; m < n_messages; m++)
    for (v = 0; v < messages[m].num_vectors; v++)
      bytes += messages[m].vectors[v].size;
  return bytes;
}

guint
ice_agent_send_messages (IceAgent *agent, guint stream_id, guint component_id,
                         GOutputMessage *messages, guint n_messages)
{
  IceAgentState *state;
  IceAgentRoute route;
  guint done = 0, n_ok = 0;
  guint64 bytes;

  g_return_val_if_fail (ICE_IS_AGENT (agent), 0);
  g_return_val_if_fail (messages != NULL || n_messages == 0, 0);

  state = ice_agent_get_state (agent);
  if (n_messages == 0)
    return 0;
  bytes = messages_size (messages, n_messages);
  /* a plain UDP route: no lock, no socket reference */
  if (ice_agent_fast_route_enter (state, stream_id, component_id, &route,
                                  n_messages, bytes)) {
    while (done < n_messages)
      done += send_some_messages (state, &route, messages + done,
                                  n_messages - done, &n_ok);
    ice_agent_fast_route_leave (state);
    return n_ok;
  }
  if (!take_route (state, stream_id, component_id, &route, n_messages, bytes)) {
    __atomic_add_fetch (&state->send.send_not_connected, n_messages,
                        __ATOMIC_RELAXED);
    return 0;
  }
  if (route.over_stream && !ice_addr_is_unspecified (&route.stream_local))
    return ice_agent_tcp_send_media (state, &route, messages, n_messages);
  if (route.over_stream || route.prefix_kind == ICE_SEND_PREFIX_WRAP) {
    n_ok = ice_agent_turn_send_media (state, stream_id, component_id, &route,
                                      messages, n_messages);
    g_clear_object (&route.socket);
    return n_ok;
  }
  while (done < n_messages)
    done += send_some_messages (state, &route, messages + done,
                                n_messages - done, &n_ok);
  g_object_unref (route.socket);
  return n_ok;
}

guint
ice_agent_send_vectors (IceAgent *agent, guint stream_id, guint component_id,
                        const GOutputVector *vectors, guint n_vectors)
{
  GOutputMessage message
      = { NULL, (GOutputVector *)vectors, n_vectors, 0, NULL, 0 };

  return ice_agent_send_messages (agent, stream_id, component_id, &message, 1);
}

guint
ice_agent_send (IceAgent *agent, guint stream_id, guint component_id,
                const guint8 *data, gsize len)
{
  GOutputVector vector = { data, len };

  return ice_agent_send_vectors (agent, stream_id, component_id, &vector, 1);
}
