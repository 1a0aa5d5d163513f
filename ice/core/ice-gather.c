/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Local candidates (RFC 8445 §5.1.1): host candidates from the sockets the
 * IO layer reports, server-reflexive ones from Binding requests to STUN
 * servers from every UDP base (§5.1.1.2, paced with the checks), and the
 * elimination of redundant candidates (§5.1.3). Relayed candidates (the
 * TURN issue) enter through ice_gather_add_local_candidate() too.
 *
 * ICE-TCP (RFC 6544 §5.2): a STUN server over TCP is asked from every TCP
 * base, on a connection the IO layer opens from the listener's own IP and
 * port; the mapped address becomes a server-reflexive passive candidate
 * (reachable where the NAT maps endpoint-independently) and its IP, with
 * the discard port, a server-reflexive active one. Without a NAT both are
 * redundant with the host candidates (§5.1.3) and dropped.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-relay-private.h"

#include <string.h>

/* Gathering requests: RFC 8489 RTO, but give up after 5 sends (8.5 s),
 * like the checks */
#define GATHER_RC ICE_CHECK_RC
#define GATHER_RM ICE_CHECK_RM
/* RFC 6544 §4.5: active candidates carry the discard port */
#define ICE_TCP_ACTIVE_PORT 9
/* RFC 8489 §6.2.2: over TCP a request is not retransmitted; Ti (39.5 s)
 * would hold gathering-done that long, so give up when a UDP request
 * does (0.5 + 1 + 2 + 4 + 1 s) */
#define GATHER_TCP_TIMEOUT_US (8500 * G_TIME_SPAN_MILLISECOND)

/* The stream and component of the socket bound at @base, or NULL. */
IceStream *
ice_session_find_local_base (IceSession *session, const IceTransportAddr *base,
                             guint *component_id)
{
  guint i, c, k;

  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (c = 0; c < stream->n_components; c++) {
      IceComponent *comp = &stream->components[c];

      for (k = 0; k < comp->local->len; k++) {
        IceCandidate *cand = &g_array_index (comp->local, IceCandidate, k);

        if ((cand->type == ICE_CANDIDATE_TYPE_HOST
             || cand->type == ICE_CANDIDATE_TYPE_RELAYED)
            && ice_addr_equal (&cand->base, base)) {
          if (component_id)
            *component_id = comp->id;
          return stream;
        }
      }
    }
  }
  return NULL;
}

static void
announce (IceSession *session, const IceCandidate *cand)
{
  IceEvent *ev = ice_session_new_event (session, ICE_EVENT_LOCAL_CANDIDATE,
                                        cand->stream_id, cand->component_id);

  ev->u.candidate = *cand;
}

/* Adds a local candidate unless it is redundant (§5.1.3), pairs it with
 * the remote candidates known so far. Returns FALSE if it was redundant. */
gboolean
ice_gather_add_local_candidate (IceSession *session, IceStream *stream,
                                const IceCandidate *cand, gboolean announce_it)
{
  IceComponent *comp = ice_stream_get_component (stream, cand->component_id);
  guint i;

  if (!ice_relay_allows_candidate (session, cand))
    return FALSE;
  for (i = 0; i < comp->local->len; i++)
    if (ice_candidate_is_redundant (
            &g_array_index (comp->local, IceCandidate, i), cand))
      return FALSE;
  g_array_append_val (comp->local, *cand);
  if (announce_it)
    announce (session, cand);
  ice_checklist_pair_local (stream, cand);
  ice_checklist_update_frozen (session);
  return TRUE;
}

static void
queue_requests (IceSession *session, IceStream *stream,
                const IceCandidate *host)
{
  guint i;

  /* a TCP base makes two host candidates: ask once, for the passive one */
  if (host->addr.transport == ICE_TRANSPORT_TCP
      && host->tcp_type != ICE_TCP_TYPE_PASSIVE)
    return;
  for (i = 0; i < session->stun_servers->len; i++) {
    IceTransportAddr *server
        = &g_array_index (session->stun_servers, IceTransportAddr, i);
    IceGatherRequest req;

    if (server->family != host->addr.family
        || server->transport != host->addr.transport)
      continue;
    memset (&req, 0, sizeof (req));
    req.stream_id = stream->id;
    req.component_id = host->component_id;
    req.base = host->base;
    req.server = *server;
    g_array_append_val (session->gather_requests, req);
    stream->gathering = ICE_GATHERING_GATHERING;
  }
}

static void
make_host (IceCandidate *cand, guint stream_id, guint component_id,
           const IceTransportAddr *base, guint interface_index,
           IceTcpType tcp_type)
{
  guint type_pref = ice_candidate_type_preference (ICE_CANDIDATE_TYPE_HOST,
                                                   base->transport);

  memset (cand, 0, sizeof (*cand));
  cand->type = ICE_CANDIDATE_TYPE_HOST;
  cand->stream_id = stream_id;
  cand->component_id = component_id;
  cand->addr = *base;
  cand->base = *base;
  cand->tcp_type = tcp_type;
  if (tcp_type == ICE_TCP_TYPE_ACTIVE)
    cand->addr.port = ICE_TCP_ACTIVE_PORT;
  cand->priority = ice_candidate_compute_priority (
      type_pref,
      ice_candidate_local_preference (base, interface_index, tcp_type),
      component_id);
  ice_candidate_compute_foundation (cand, NULL);
}

void
ice_gather_add_host (IceSession *session, IceStream *stream, guint component_id,
                     const IceTransportAddr *base, guint interface_index,
                     gint64 now_us)
{
  IceCandidate cand;

  ice_relay_add_base (session, stream, component_id, base);
  if (base->transport == ICE_TRANSPORT_TCP) {
    /* RFC 6544 §5.1: a listening socket is passive; active connections
     * leave from the same address */
    make_host (&cand, stream->id, component_id, base, interface_index,
               ICE_TCP_TYPE_ACTIVE);
    ice_gather_add_local_candidate (session, stream, &cand,
                                    stream->gathering_started);
    make_host (&cand, stream->id, component_id, base, interface_index,
               ICE_TCP_TYPE_PASSIVE);
  } else {
    make_host (&cand, stream->id, component_id, base, interface_index,
               ICE_TCP_TYPE_NONE);
  }
  if (!ice_gather_add_local_candidate (session, stream, &cand,
                                       stream->gathering_started))
    return;
  if (stream->gathering_started)
    queue_requests (session, stream, &cand);
}

/**
 * ice_session_add_host_address:
 * @base: the local address of a socket of @component_id (UDP, or a TCP
 *   listening socket for RFC 6544 passive and active candidates)
 * @interface_index: orders local preferences, lower preferred
 */
void
ice_session_add_host_address (IceSession *session, guint stream_id,
                              guint component_id, const IceTransportAddr *base,
                              guint interface_index)
{
  IceStream *stream = ice_session_find_stream (session, stream_id);

  g_return_if_fail (stream != NULL && base != NULL);
  if (ice_stream_get_component (stream, component_id) == NULL
      || !ice_addr_is_set (base)) {
    g_warning ("host address refused: expected a set address for "
               "component 1..%u",
               stream->n_components);
    return;
  }
  ice_gather_add_host (session, stream, component_id, base, interface_index, 0);
}

/**
 * ice_session_add_stun_server:
 * @server: a STUN server's address, UDP or TCP; asked from every base of
 *   that transport and family when gathering starts
 */
void
ice_session_add_stun_server (IceSession *session,
                             const IceTransportAddr *server)
{
  g_return_if_fail (session != NULL && server != NULL);
  g_return_if_fail (server->transport == ICE_TRANSPORT_UDP
                    || server->transport == ICE_TRANSPORT_TCP);
  g_array_append_val (session->stun_servers, *server);
}

static gboolean
stream_has_pending (IceSession *session, guint stream_id)
{
  guint i;

  for (i = 0; i < session->gather_requests->len; i++) {
    IceGatherRequest *req
        = &g_array_index (session->gather_requests, IceGatherRequest, i);

    if (req->stream_id == stream_id
        && (!req->sent || ice_stun_transaction_is_active (&req->tx)))
      return TRUE;
  }
  return FALSE;
}

static void
check_done (IceSession *session, IceStream *stream)
{
  IceEvent *ev;

  if (stream->gathering == ICE_GATHERING_COMPLETE
      || stream_has_pending (session, stream->id)
      || ice_relay_stream_pending (session, stream->id))
    return;
  g_debug ("stream %u: gathering state %s → %s", stream->id,
           ice_gathering_state_to_string (stream->gathering),
           ice_gathering_state_to_string (ICE_GATHERING_COMPLETE));
  stream->gathering = ICE_GATHERING_COMPLETE;
  ev = ice_session_new_event (session, ICE_EVENT_GATHERING_DONE, stream->id, 0);
  (void)ev;
}

/* For the TURN side (ice-relay.c): an allocation settled */
void
ice_gather_check_done (IceSession *session, IceStream *stream)
{
  check_done (session, stream);
}

void
ice_gather_start (IceSession *session, IceStream *stream, gint64 now_us)
{
  guint c, k;

  if (stream->gathering_started)
    return;
  stream->gathering_started = TRUE;
  stream->gathering = ICE_GATHERING_GATHERING;
  ice_stream_note_wait_start (stream, now_us);
  for (c = 0; c < stream->n_components; c++) {
    IceComponent *comp = &stream->components[c];

    for (k = 0; k < comp->local->len; k++) {
      IceCandidate cand = g_array_index (comp->local, IceCandidate, k);

      announce (session, &cand);
      /* RFC 8445 §5.1.1: a lite agent gathers host candidates only */
      if (cand.type == ICE_CANDIDATE_TYPE_HOST && !session->config.ice_lite)
        queue_requests (session, stream, &cand);
    }
  }
  if (!session->config.ice_lite)
    ice_relay_start_stream (session, stream);
  check_done (session, stream);
}

/* ICE restart: srflx candidates are asked for again (a restart often
 * follows a change of network) and every candidate is announced anew. */
void
ice_gather_restart (IceSession *session, IceStream *stream, gint64 now_us)
{
  guint i, c;

  for (i = session->gather_requests->len; i > 0; i--)
    if (g_array_index (session->gather_requests, IceGatherRequest, i - 1)
            .stream_id
        == stream->id)
      g_array_remove_index (session->gather_requests, i - 1);
  for (c = 0; c < stream->n_components; c++) {
    GArray *local = stream->components[c].local;

    for (i = local->len; i > 0; i--)
      if (g_array_index (local, IceCandidate, i - 1).type
          == ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE)
        g_array_remove_index (local, i - 1);
  }
  stream->gathering_started = FALSE;
  stream->gathering = ICE_GATHERING_NEW;
  ice_gather_start (session, stream, now_us);
}

/**
 * ice_session_start_gathering:
 * Announces the host candidates and asks the STUN servers; GATHERING_DONE
 * follows per stream when every request was answered or timed out.
 */
void
ice_session_start_gathering (IceSession *session, gint64 now_us)
{
  guint i;

  g_return_if_fail (session != NULL);
  for (i = 0; i < session->streams->len; i++)
    ice_gather_start (session, g_ptr_array_index (session->streams, i), now_us);
}

static void
transmit_request (IceSession *session, IceGatherRequest *req)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;
  gsize len;

  ice_stun_builder_init (&b, buf, sizeof (buf), ICE_STUN_CLASS_REQUEST,
                         ICE_STUN_METHOD_BINDING, req->txid);
  if (session->software != NULL)
    ice_stun_builder_add_string (&b, ICE_STUN_ATTR_SOFTWARE, session->software);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  if (len > 0)
    ice_session_queue_transmit (session, &req->base, &req->server, buf, len);
}

gboolean
ice_gather_has_unsent (IceSession *session)
{
  guint i;

  for (i = 0; i < session->gather_requests->len; i++)
    if (!g_array_index (session->gather_requests, IceGatherRequest, i).sent)
      return TRUE;
  return FALSE;
}

/* One request per Ta tick, like the checks (RFC 8445 §5.1.1.2) */
gboolean
ice_gather_send_next (IceSession *session, gint64 now_us)
{
  guint i;

  for (i = 0; i < session->gather_requests->len; i++) {
    IceGatherRequest *req
        = &g_array_index (session->gather_requests, IceGatherRequest, i);

    if (req->sent)
      continue;
    req->sent = TRUE;
    ice_session_random_bytes (session, req->txid, sizeof (req->txid));
    if (req->server.transport == ICE_TRANSPORT_TCP)
      ice_stun_transaction_start_reliable (&req->tx, now_us,
                                           GATHER_TCP_TIMEOUT_US);
    else
      ice_stun_transaction_start (&req->tx, now_us, 0, GATHER_RC, GATHER_RM,
                                  FALSE);
    transmit_request (session, req);
    return TRUE;
  }
  return FALSE;
}

void
ice_gather_handle_timeouts (IceSession *session, gint64 now_us)
{
  guint i;

  for (i = 0; i < session->gather_requests->len; i++) {
    IceGatherRequest *req
        = &g_array_index (session->gather_requests, IceGatherRequest, i);

    switch (ice_stun_transaction_handle_timeout (&req->tx, now_us)) {
      case ICE_STUN_TIMEOUT_RETRANSMIT:
        transmit_request (session, req);
        break;
      case ICE_STUN_TIMEOUT_FAILED:
        g_debug ("STUN server did not answer");
        check_done (session, ice_session_find_stream (session, req->stream_id));
        break;
      default:
        break;
    }
  }
}

gint64
ice_gather_next_timeout (IceSession *session)
{
  gint64 next = -1;
  guint i;

  for (i = 0; i < session->gather_requests->len; i++) {
    gint64 t = ice_stun_transaction_next_timeout (
        &g_array_index (session->gather_requests, IceGatherRequest, i).tx);

    if (t >= 0 && (next < 0 || t < next))
      next = t;
  }
  return next;
}

/* The local preference of the host candidate of @base (and @tcp_type) */
static guint
host_local_preference (IceComponent *comp, const IceTransportAddr *base,
                       IceTcpType tcp_type)
{
  guint i;

  for (i = 0; i < comp->local->len; i++) {
    IceCandidate *host = &g_array_index (comp->local, IceCandidate, i);

    if (host->type == ICE_CANDIDATE_TYPE_HOST
        && ice_addr_equal (&host->base, base) && host->tcp_type == tcp_type)
      return (host->priority >> 8) & 0xffff;
  }
  return 0;
}

static void
add_srflx_candidate (IceSession *session, IceGatherRequest *req,
                     const IceTransportAddr *mapped, IceTcpType tcp_type)
{
  IceStream *stream = ice_session_find_stream (session, req->stream_id);
  IceComponent *comp = ice_stream_get_component (stream, req->component_id);
  guint type_pref = ice_candidate_type_preference (
      ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE, req->base.transport);
  IceCandidate cand;

  memset (&cand, 0, sizeof (cand));
  cand.type = ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;
  cand.stream_id = req->stream_id;
  cand.component_id = req->component_id;
  cand.addr = *mapped;
  cand.addr.transport = req->base.transport;
  cand.base = req->base;
  cand.related = req->base;
  cand.tcp_type = tcp_type;
  if (tcp_type == ICE_TCP_TYPE_ACTIVE) {
    cand.addr.port = ICE_TCP_ACTIVE_PORT;
    cand.related.port = ICE_TCP_ACTIVE_PORT;
  }
  cand.priority = ice_candidate_compute_priority (
      type_pref, host_local_preference (comp, &req->base, tcp_type),
      req->component_id);
  ice_candidate_compute_foundation (&cand, &req->server);
  ice_gather_add_local_candidate (session, stream, &cand, TRUE);
}

static void
add_srflx (IceSession *session, IceGatherRequest *req,
           const IceTransportAddr *mapped)
{
  if (req->base.transport != ICE_TRANSPORT_TCP) {
    add_srflx_candidate (session, req, mapped, ICE_TCP_TYPE_NONE);
    return;
  }
  /* RFC 6544 §5.2: the mapping of the listener's port is a passive
   * candidate; active ones connect from any port, of the mapped IP */
  add_srflx_candidate (session, req, mapped, ICE_TCP_TYPE_ACTIVE);
  add_srflx_candidate (session, req, mapped, ICE_TCP_TYPE_PASSIVE);
}

/**
 * ice_session_stun_connection_failed:
 * @local: the TCP base the connection left from
 * @server: the STUN server (TCP) it went to
 *
 * The IO layer could not open the connection, or it closed before the
 * answer: the request from @local to @server fails now.
 */
void
ice_session_stun_connection_failed (IceSession *session,
                                    const IceTransportAddr *local,
                                    const IceTransportAddr *server,
                                    gint64 now_us)
{
  guint i;

  g_return_if_fail (session != NULL && local != NULL && server != NULL);
  for (i = 0; i < session->gather_requests->len; i++) {
    IceGatherRequest *req
        = &g_array_index (session->gather_requests, IceGatherRequest, i);

    if (!ice_stun_transaction_is_active (&req->tx)
        || !ice_addr_equal (&req->base, local)
        || !ice_addr_equal (&req->server, server))
      continue;
    g_debug ("STUN server over TCP unreachable from this base");
    ice_stun_transaction_cancel (&req->tx);
    check_done (session, ice_session_find_stream (session, req->stream_id));
  }
}

/* Returns ICE_PACKET_NOT_MINE if no gathering request has this id. */
IcePacketResult
ice_gather_handle_response (IceSession *session, gint64 now_us,
                            const IceTransportAddr *local,
                            const IceTransportAddr *from,
                            const IceStunMessage *msg)
{
  IceTransportAddr mapped;
  guint i;

  for (i = 0; i < session->gather_requests->len; i++) {
    IceGatherRequest *req
        = &g_array_index (session->gather_requests, IceGatherRequest, i);

    if (!ice_stun_transaction_is_active (&req->tx)
        || memcmp (req->txid, msg->transaction_id, sizeof (req->txid)) != 0)
      continue;
    if (!ice_addr_equal (local, &req->base))
      return ice_session_drop (session, ICE_DROP_UNMATCHED_RESPONSE);
    ice_stun_transaction_complete (&req->tx);
    if (msg->klass == ICE_STUN_CLASS_SUCCESS
        && (ice_stun_message_get_xor_address (
                msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &mapped)
            || ice_stun_message_get_address (msg, ICE_STUN_ATTR_MAPPED_ADDRESS,
                                             &mapped)))
      add_srflx (session, req, &mapped);
    check_done (session, ice_session_find_stream (session, req->stream_id));
    return ICE_PACKET_HANDLED;
  }
  return ICE_PACKET_NOT_MINE;
}
