/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Server-reflexive ICE-TCP candidates (RFC 6544 §5.2) on virtual time: a
 * STUN server over TCP is asked once from the TCP base (plain STUN, RFC
 * 8489 §6.2.2: no retransmission), its mapped address makes a passive and
 * an active srflx TCP candidate ranked below every UDP one, a mapping that
 * equals the base makes nothing (RFC 8445 §5.1.3), and a connection the IO
 * layer reports failed ends the wait at once.
 */
#include "ice/core/ice-session.h"
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-message.h"

#include <string.h>

#define TCP_BASE "192.0.2.1:5000"
#define UDP_BASE "192.0.2.1:6000"
#define SERVER "198.51.100.1:3478"
#define NAT_IP "203.0.113.9"

static guint64
counter (gpointer data)
{
  return ++*(guint64 *)data;
}

typedef struct {
  IceSession *session;
  guint64 seed;
  IceTransportAddr tcp_base, udp_base, tcp_server, udp_server;
  GArray *transmits;  /* IceTransmit */
  GArray *candidates; /* IceCandidate: LOCAL_CANDIDATE events */
  gboolean gathered;
  gint64 now;
} Fixture;

static void
addr_of (IceTransportAddr *addr, const gchar *str, IceTransport transport)
{
  g_assert_true (ice_addr_parse (addr, str));
  addr->transport = transport;
}

static void
setup (Fixture *f, gconstpointer with_udp)
{
  IceSessionConfig config;

  ice_session_config_init (&config);
  config.random = counter;
  config.random_data = &f->seed;
  f->session = ice_session_new (&config);
  f->transmits = g_array_new (FALSE, FALSE, sizeof (IceTransmit));
  f->candidates = g_array_new (FALSE, FALSE, sizeof (IceCandidate));
  addr_of (&f->tcp_base, TCP_BASE, ICE_TRANSPORT_TCP);
  addr_of (&f->udp_base, UDP_BASE, ICE_TRANSPORT_UDP);
  addr_of (&f->tcp_server, SERVER, ICE_TRANSPORT_TCP);
  addr_of (&f->udp_server, SERVER, ICE_TRANSPORT_UDP);
  g_assert_cmpuint (ice_session_add_stream (f->session, 1), ==, 0);
  ice_session_add_host_address (f->session, 0, 1, &f->tcp_base, 0);
  ice_session_add_stun_server (f->session, &f->tcp_server);
  if (with_udp != NULL) {
    ice_session_add_host_address (f->session, 0, 1, &f->udp_base, 0);
    ice_session_add_stun_server (f->session, &f->udp_server);
  }
}

static void
teardown (Fixture *f, gconstpointer data)
{
  ice_session_free (f->session);
  g_array_unref (f->transmits);
  g_array_unref (f->candidates);
}

/* Collects what the session wants sent and what it announced */
static void
drain (Fixture *f)
{
  IceTransmit t;
  IceEvent ev;

  while (ice_session_poll_transmit (f->session, &t))
    g_array_append_val (f->transmits, t);
  while (ice_session_poll_event (f->session, &ev)) {
    if (ev.type == ICE_EVENT_LOCAL_CANDIDATE)
      g_array_append_val (f->candidates, ev.u.candidate);
    else if (ev.type == ICE_EVENT_GATHERING_DONE)
      f->gathered = TRUE;
  }
}

/* Runs the session's timers up to @until */
static void
run_until (Fixture *f, gint64 until)
{
  gint64 next;

  drain (f);
  while ((next = ice_session_next_timeout (f->session)) >= 0 && next <= until) {
    f->now = MAX (f->now, next);
    ice_session_handle_timeout (f->session, f->now);
    drain (f);
  }
  f->now = MAX (f->now, until);
}

static void
start (Fixture *f)
{
  ice_session_start_gathering (f->session, 0);
  run_until (f, 200 * G_TIME_SPAN_MILLISECOND);
}

/* The Binding requests sent to @server */
static guint
requests_to (Fixture *f, const IceTransportAddr *server, IceTransmit *last)
{
  guint i, n = 0;

  for (i = 0; i < f->transmits->len; i++) {
    IceTransmit *t = &g_array_index (f->transmits, IceTransmit, i);

    if (ice_addr_equal (&t->to, server)) {
      n++;
      if (last != NULL)
        *last = *t;
    }
  }
  return n;
}

/* Answers @request as a STUN server that saw @mapped */
static IcePacketResult
answer (Fixture *f, const IceTransmit *request, const IceTransportAddr *mapped)
{
  guint8 buf[512];
  IceStunMessage msg;
  IceStunBuilder b;
  IceDelivery delivery;
  gsize len;

  g_assert_cmpint (ice_stun_message_parse (&msg, request->data, request->len),
                   ==, ICE_STUN_PARSE_OK);
  g_assert_cmpint (msg.method, ==, ICE_STUN_METHOD_BINDING);
  ice_stun_builder_init_response (&b, buf, sizeof (buf), &msg,
                                  ICE_STUN_CLASS_SUCCESS);
  g_assert_true (ice_stun_builder_add_xor_address (
      &b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, mapped));
  len = ice_stun_builder_finish (&b);
  g_assert_cmpuint (len, >, 0);
  return ice_session_handle_packet (f->session, f->now, &request->from,
                                    &request->to, buf, len, &delivery);
}

static const IceCandidate *
find_candidate (Fixture *f, IceCandidateType type, IceTransport transport,
                IceTcpType tcp_type)
{
  guint i;

  for (i = 0; i < f->candidates->len; i++) {
    IceCandidate *c = &g_array_index (f->candidates, IceCandidate, i);

    if (c->type == type && c->addr.transport == transport
        && c->tcp_type == tcp_type)
      return c;
  }
  return NULL;
}

static void
assert_addr (const IceTransportAddr *addr, const gchar *ip, guint16 port)
{
  gchar str[ICE_ADDR_STRLEN];

  g_assert_cmpstr (ice_addr_ip_to_string (addr, str), ==, ip);
  g_assert_cmpuint (addr->port, ==, port);
}

/* Behind a NAT that kept the port: both srflx TCP candidates, related to
 * the base, below the UDP srflx and the TCP host candidates */
static void
test_srflx_through_nat (Fixture *f, gconstpointer data)
{
  const IceCandidate *passive, *active, *udp, *host;
  IceTransmit tcp_req, udp_req;
  IceTransportAddr mapped;

  start (f);
  g_assert_cmpuint (requests_to (f, &f->tcp_server, &tcp_req), ==, 1);
  g_assert_true (ice_addr_equal (&tcp_req.from, &f->tcp_base));
  g_assert_cmpuint (requests_to (f, &f->udp_server, &udp_req), ==, 1);
  g_assert_true (ice_addr_equal (&udp_req.from, &f->udp_base));

  addr_of (&mapped, NAT_IP ":5000", ICE_TRANSPORT_TCP);
  g_assert_cmpint (answer (f, &tcp_req, &mapped), ==, ICE_PACKET_HANDLED);
  addr_of (&mapped, NAT_IP ":6000", ICE_TRANSPORT_UDP);
  g_assert_cmpint (answer (f, &udp_req, &mapped), ==, ICE_PACKET_HANDLED);
  drain (f);
  g_assert_true (f->gathered);

  passive = find_candidate (f, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                            ICE_TRANSPORT_TCP, ICE_TCP_TYPE_PASSIVE);
  active = find_candidate (f, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                           ICE_TRANSPORT_TCP, ICE_TCP_TYPE_ACTIVE);
  udp = find_candidate (f, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                        ICE_TRANSPORT_UDP, ICE_TCP_TYPE_NONE);
  host = find_candidate (f, ICE_CANDIDATE_TYPE_HOST, ICE_TRANSPORT_TCP,
                         ICE_TCP_TYPE_PASSIVE);
  g_assert_nonnull (passive);
  g_assert_nonnull (active);
  g_assert_nonnull (udp);
  g_assert_nonnull (host);
  assert_addr (&passive->addr, NAT_IP, 5000);
  assert_addr (&passive->related, "192.0.2.1", 5000);
  g_assert_true (ice_addr_equal (&passive->base, &f->tcp_base));
  /* RFC 6544 §4.5: active candidates carry the discard port */
  assert_addr (&active->addr, NAT_IP, 9);
  assert_addr (&active->related, "192.0.2.1", 9);
  /* RFC 6544 §4.2: UDP first, then TCP host, then TCP srflx */
  g_assert_cmpuint (passive->priority, <, udp->priority);
  g_assert_cmpuint (active->priority, <, udp->priority);
  g_assert_cmpuint (passive->priority, <, host->priority);
  g_assert_cmpstr (passive->foundation, !=, udp->foundation);
}

/* No NAT: the mapping is the base, both srflx candidates are redundant */
static void
test_no_nat_redundant (Fixture *f, gconstpointer data)
{
  IceTransmit req;

  start (f);
  g_assert_cmpuint (requests_to (f, &f->tcp_server, &req), ==, 1);
  g_assert_cmpint (answer (f, &req, &f->tcp_base), ==, ICE_PACKET_HANDLED);
  drain (f);
  g_assert_true (f->gathered);
  g_assert_null (find_candidate (f, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                                 ICE_TRANSPORT_TCP, ICE_TCP_TYPE_PASSIVE));
  g_assert_null (find_candidate (f, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                                 ICE_TRANSPORT_TCP, ICE_TCP_TYPE_ACTIVE));
  g_assert_nonnull (find_candidate (f, ICE_CANDIDATE_TYPE_HOST,
                                    ICE_TRANSPORT_TCP, ICE_TCP_TYPE_ACTIVE));
}

/* RFC 8489 §6.2.2: one send over TCP; unanswered, gathering gives up
 * after GATHER_TCP_TIMEOUT_US (8.5 s) */
static void
test_no_retransmit (Fixture *f, gconstpointer data)
{
  start (f);
  run_until (f, 8 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (requests_to (f, &f->tcp_server, NULL), ==, 1);
  g_assert_false (f->gathered);
  run_until (f, 9 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (requests_to (f, &f->tcp_server, NULL), ==, 1);
  g_assert_true (f->gathered);
  g_assert_null (find_candidate (f, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                                 ICE_TRANSPORT_TCP, ICE_TCP_TYPE_PASSIVE));
}

/* The IO layer's connect failed: gathering is done at once, and the late
 * answer of that transaction is not taken */
static void
test_connection_failed (Fixture *f, gconstpointer data)
{
  IceTransportAddr mapped;
  IceTransmit req;

  start (f);
  g_assert_cmpuint (requests_to (f, &f->tcp_server, &req), ==, 1);
  g_assert_false (f->gathered);
  ice_session_stun_connection_failed (f->session, &f->tcp_base, &f->tcp_server,
                                      f->now);
  drain (f);
  g_assert_true (f->gathered);
  addr_of (&mapped, NAT_IP ":5000", ICE_TRANSPORT_TCP);
  g_assert_cmpint (answer (f, &req, &mapped), !=, ICE_PACKET_HANDLED);
  drain (f);
  g_assert_null (find_candidate (f, ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE,
                                 ICE_TRANSPORT_TCP, ICE_TCP_TYPE_PASSIVE));
}

/* A UDP server is never asked from a TCP base, nor a TCP one from UDP */
static void
test_transports_apart (Fixture *f, gconstpointer data)
{
  guint i;

  start (f);
  for (i = 0; i < f->transmits->len; i++) {
    IceTransmit *t = &g_array_index (f->transmits, IceTransmit, i);

    g_assert_cmpint (t->from.transport, ==, t->to.transport);
  }
  g_assert_cmpuint (f->transmits->len, ==, 2);
}

int
main (int argc, char **argv)
{
  static const gchar with_udp[] = "udp";

  g_test_init (&argc, &argv, NULL);
#define ADD(path, data, fn)                                                    \
  g_test_add ("/core/gather-tcp/" path, Fixture, data, setup, fn, teardown)
  ADD ("srflx-through-nat", with_udp, test_srflx_through_nat);
  ADD ("no-nat-redundant", NULL, test_no_nat_redundant);
  ADD ("no-retransmit", NULL, test_no_retransmit);
  ADD ("connection-failed", NULL, test_connection_failed);
  ADD ("transports-apart", with_udp, test_transports_apart);
#undef ADD
  return g_test_run ();
}
