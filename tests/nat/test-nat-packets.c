/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The RFC 5780 probe fed by hand: odd servers, bad datagrams, bad
 * parameters, and the result as JSON and as a sentence.
 */
#include "ice/nat/nat-probe.h"
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"

#include <string.h>

typedef struct {
  IceNatProbe *probe;
  IceTransportAddr server;
  IceTransportAddr alternate;
  IceTransportAddr local;
  IceTransportAddr mapped;
  guint64 counter;
  gint64 now; /* when answers arrive */
} Fixture;

static guint64
counting_random (gpointer user_data)
{
  Fixture *f = user_data;

  return ++f->counter * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
}

static void
fixture_init (Fixture *f)
{
  IceNatProbeConfig config;

  memset (f, 0, sizeof (*f));
  g_assert_true (ice_addr_parse (&f->server, "192.0.2.1:3478"));
  g_assert_true (ice_addr_parse (&f->alternate, "192.0.2.2:3479"));
  g_assert_true (ice_addr_parse (&f->local, "10.0.0.2:5000"));
  g_assert_true (ice_addr_parse (&f->mapped, "203.0.113.1:6000"));
  ice_nat_probe_config_init (&config);
  config.server = f->server;
  config.local = f->local;
  config.random = counting_random;
  config.random_data = f;
  f->probe = ice_nat_probe_new (&config);
  g_assert_nonnull (f->probe);
  ice_nat_probe_start (f->probe, 0);
}

/* Takes the next request and checks its CHANGE-REQUEST flags. */
static void
next_request (Fixture *f, IceNatProbeTransmit *tx, IceStunMessage *msg,
              guint32 expected_change)
{
  guint32 change = 0;

  g_assert_true (ice_nat_probe_poll_transmit (f->probe, tx));
  g_assert_cmpint (ice_stun_message_parse (msg, tx->data, tx->len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpint (msg->klass, ==, ICE_STUN_CLASS_REQUEST);
  g_assert_cmpint (ice_stun_message_check_fingerprint (msg), ==,
                   ICE_STUN_CHECK_OK);
  ice_stun_message_get_u32 (msg, ICE_STUN_ATTR_CHANGE_REQUEST, &change);
  g_assert_cmpuint (change, ==, expected_change);
}

/* Answers @request from @from; an @error_code of 0 means success. */
static gboolean
answer (Fixture *f, const IceStunMessage *request, const IceTransportAddr *from,
        guint error_code, gboolean other)
{
  guint8 buf[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunBuilder b;
  gsize len;

  ice_stun_builder_init_response (&b, buf, sizeof (buf), request,
                                  error_code ? ICE_STUN_CLASS_ERROR
                                             : ICE_STUN_CLASS_SUCCESS);
  if (error_code) {
    ice_stun_builder_add_error_code (&b, error_code, "No");
  } else {
    ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
                                      &f->mapped);
    if (other)
      ice_stun_builder_add_address (&b, ICE_STUN_ATTR_OTHER_ADDRESS,
                                    &f->alternate);
  }
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  g_assert_cmpuint (len, >, 0);
  return ice_nat_probe_handle_packet (f->probe, f->now, from, buf, len);
}

/* Test I answered with OTHER-ADDRESS; returns the two filtering tests. */
static void
pass_test_1 (Fixture *f, IceNatProbeTransmit *tx2, IceStunMessage *f2,
             IceNatProbeTransmit *tx3, IceStunMessage *f3)
{
  IceNatProbeTransmit tx;
  IceStunMessage msg;

  next_request (f, &tx, &msg, 0);
  g_assert_true (ice_addr_equal (&tx.to, &f->server));
  g_assert_true (answer (f, &msg, &f->server, 0, TRUE));
  next_request (f, tx2, f2, ICE_STUN_CHANGE_IP | ICE_STUN_CHANGE_PORT);
  next_request (f, tx3, f3, ICE_STUN_CHANGE_PORT);
  g_assert_false (ice_nat_probe_poll_transmit (f->probe, &tx));
}

static void
test_change_request_refused (void)
{
  IceNatProbeTransmit tx2, tx3;
  IceStunMessage f2, f3;
  IceNatProbeResult r;
  Fixture f;

  fixture_init (&f);
  pass_test_1 (&f, &tx2, &f2, &tx3, &f3);
  /* a server that advertises OTHER-ADDRESS and then refuses to use it */
  g_assert_true (answer (&f, &f2, &f.server, 420, FALSE));
  ice_nat_probe_get_result (f.probe, &r);
  g_assert_cmpint (r.filtering, ==, ICE_NAT_BEHAVIOUR_UNKNOWN);
  g_assert_cmpstr (r.filtering_reason, ==, "the server refused CHANGE-REQUEST");
  g_assert_true (r.behind_nat);
  ice_nat_probe_free (f.probe);
}

static void
test_change_request_ignored (void)
{
  IceNatProbeTransmit tx2, tx3, tx;
  IceStunMessage f2, f3, m2;
  IceNatProbeResult r;
  Fixture f;

  fixture_init (&f);
  pass_test_1 (&f, &tx2, &f2, &tx3, &f3);
  /* answered from the primary address although asked to change both */
  g_assert_true (answer (&f, &f2, &f.server, 0, TRUE));
  ice_nat_probe_get_result (f.probe, &r);
  g_assert_cmpint (r.filtering, ==, ICE_NAT_BEHAVIOUR_UNKNOWN);
  g_assert_nonnull (strstr (r.filtering_reason, "did not answer"));
  /* test III was cancelled: its late answer is counted, not used */
  g_assert_false (answer (&f, &f3, &f.server, 0, TRUE));
  /* the mapping tests still run: test II to alternate IP, primary port */
  next_request (&f, &tx, &m2, 0);
  g_assert_true (ice_addr_equal_ip (&tx.to, &f.alternate));
  g_assert_cmpuint (tx.to.port, ==, f.server.port);
  g_assert_true (answer (&f, &m2, &tx.to, 0, TRUE));
  g_assert_true (ice_nat_probe_is_done (f.probe));
  ice_nat_probe_get_result (f.probe, &r);
  g_assert_cmpint (r.mapping, ==, ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT);
  g_assert_cmpuint (r.dropped, ==, 1);
  g_assert_cmpuint (r.responses, ==, 3);
  ice_nat_probe_free (f.probe);
}

static void
test_garbage_is_dropped (void)
{
  static const guint8 rtp[] = { 0x80, 0x60, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4 };
  guint8 bad_fingerprint[ICE_STUN_MAX_MESSAGE_SIZE];
  IceNatProbeTransmit tx;
  IceStunMessage msg;
  IceNatProbeResult r;
  IceStunBuilder b;
  gsize len;
  Fixture f;

  fixture_init (&f);
  next_request (&f, &tx, &msg, 0);
  g_assert_false (
      ice_nat_probe_handle_packet (f.probe, 1, &f.server, rtp, sizeof (rtp)));
  g_assert_false (
      ice_nat_probe_handle_packet (f.probe, 1, &f.server, tx.data, 7));
  /* our own request reflected back is not an answer to test I */
  g_assert_false (
      ice_nat_probe_handle_packet (f.probe, 1, &f.server, tx.data, tx.len));
  ice_stun_builder_init_response (&b, bad_fingerprint, sizeof (bad_fingerprint),
                                  &msg, ICE_STUN_CLASS_SUCCESS);
  ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
                                    &f.mapped);
  ice_stun_builder_add_fingerprint (&b);
  len = ice_stun_builder_finish (&b);
  bad_fingerprint[len - 1] ^= 0xff;
  g_assert_false (ice_nat_probe_handle_packet (f.probe, 1, &f.server,
                                               bad_fingerprint, len));
  ice_nat_probe_get_result (f.probe, &r);
  g_assert_cmpuint (r.dropped, ==, 4);
  g_assert_cmpint (r.status, ==, ICE_NAT_PROBE_RUNNING);
  /* the real answer still works */
  g_assert_true (answer (&f, &msg, &f.server, 0, FALSE));
  ice_nat_probe_get_result (f.probe, &r);
  g_assert_cmpint (r.status, ==, ICE_NAT_PROBE_OK);
  ice_nat_probe_free (f.probe);
}

static void
test_server_error (void)
{
  IceNatProbeTransmit tx;
  IceStunMessage msg;
  IceNatProbeResult r;
  gchar *json;
  Fixture f;

  fixture_init (&f);
  next_request (&f, &tx, &msg, 0);
  g_assert_true (answer (&f, &msg, &f.server, 500, FALSE));
  g_assert_true (ice_nat_probe_is_done (f.probe));
  ice_nat_probe_get_result (f.probe, &r);
  g_assert_cmpint (r.status, ==, ICE_NAT_PROBE_SERVER_ERROR);
  g_assert_cmpuint (r.error_code, ==, 500);
  json = ice_nat_probe_result_to_json (&r);
  g_assert_nonnull (strstr (json, "\"status\": \"server-error\""));
  g_assert_nonnull (strstr (json, "\"error_code\": 500"));
  g_assert_nonnull (strstr (json, "\"mapped\": null"));
  g_free (json);
  ice_nat_probe_free (f.probe);
}

static void
test_retransmits_on_schedule (void)
{
  IceNatProbeTransmit tx, again;
  IceStunMessage msg;
  Fixture f;

  fixture_init (&f);
  next_request (&f, &tx, &msg, 0);
  g_assert_cmpint (ice_nat_probe_next_timeout (f.probe), ==,
                   ICE_NAT_PROBE_DEFAULT_RTO_US);
  ice_nat_probe_handle_timeout (f.probe, ICE_NAT_PROBE_DEFAULT_RTO_US - 1);
  g_assert_false (ice_nat_probe_poll_transmit (f.probe, &again));
  ice_nat_probe_handle_timeout (f.probe, ICE_NAT_PROBE_DEFAULT_RTO_US);
  g_assert_true (ice_nat_probe_poll_transmit (f.probe, &again));
  /* RFC 8489 §6.2.1: a retransmission is the same request */
  g_assert_cmpmem (again.data, again.len, tx.data, tx.len);
  g_assert_cmpint (ice_nat_probe_next_timeout (f.probe), ==,
                   3 * ICE_NAT_PROBE_DEFAULT_RTO_US);
  ice_nat_probe_free (f.probe);
}

/* A refused config warns (fatal under GTest), so each case runs in a
 * subprocess whose stderr must say what was expected. */
static const struct {
  const gchar *server;
  const gchar *local;
  gboolean random;
  const gchar *expected;
} bad_configs[] = {
  { NULL, "10.0.0.2:5000", TRUE, "*expected a STUN server address*" },
  { "192.0.2.1:3478", "[2001:db8::1]:5000", TRUE, "*address family*" },
  { "192.0.2.1:3478", "10.0.0.2:5000", FALSE, "*random callback*" },
};

static void
test_bad_config (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  IceNatProbeConfig config;
  Fixture f;

  if (g_test_subprocess ()) {
    ice_nat_probe_config_init (&config);
    if (bad_configs[i].server)
      g_assert_true (ice_addr_parse (&config.server, bad_configs[i].server));
    g_assert_true (ice_addr_parse (&config.local, bad_configs[i].local));
    if (bad_configs[i].random) {
      config.random = counting_random;
      config.random_data = &f;
    }
    g_assert_null (ice_nat_probe_new (&config));
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr (bad_configs[i].expected);
}

static void
test_sentences (void)
{
  IceNatProbeResult r;
  gchar *text;

  memset (&r, 0, sizeof (r));
  g_assert_true (ice_addr_parse (&r.server, "192.0.2.1:3478"));
  r.status = ICE_NAT_PROBE_OK;
  r.behind_nat = TRUE;
  r.mapping = ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT;
  r.filtering = ICE_NAT_BEHAVIOUR_ADDRESS_AND_PORT_DEPENDENT;
  text = ice_nat_probe_result_to_sentence (&r);
  g_assert_cmpstr (
      text, ==,
      "endpoint-independent mapping, "
      "address-and-port-dependent filtering: direct connections work with "
      "peers whose NAT maps endpoint-independently");
  g_free (text);

  r.mapping = ICE_NAT_BEHAVIOUR_ADDRESS_AND_PORT_DEPENDENT;
  text = ice_nat_probe_result_to_sentence (&r);
  g_assert_nonnull (strstr (text, "need a TURN relay"));
  g_free (text);

  r.behind_nat = FALSE;
  r.mapping = ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT;
  r.filtering = ICE_NAT_BEHAVIOUR_UNKNOWN;
  r.filtering_reason = "a \"quoted\" reason";
  text = ice_nat_probe_result_to_sentence (&r);
  g_assert_cmpstr (
      text, ==,
      "no NAT (the mapped address is the local one), "
      "filtering unknown (a \"quoted\" reason): not enough is known to "
      "predict which peers can connect directly");
  g_free (text);
  text = ice_nat_probe_result_to_json (&r);
  g_assert_nonnull (
      strstr (text, "\"filtering_reason\": \"a \\\"quoted\\\" reason\""));
  g_assert_nonnull (strstr (text, "\"behind_nat\": false"));
  g_assert_nonnull (strstr (text, "\"server\": \"192.0.2.1:3478\""));
  g_free (text);
}

/* --- §4.6 lifetime, against a server that models a NAT timer -------- */

typedef struct {
  Fixture f;
  gint64 last_refresh;   /* last Binding from the primary socket */
  gint64 nat_timeout_us; /* 0: RESPONSE-PORT is not honoured */
  guint answered_response_port;
} LifetimeBed;

static void
lifetime_answer (LifetimeBed *bed, const IceNatProbeTransmit *tx)
{
  Fixture *f = &bed->f;
  IceTransportAddr from = tx->to;
  IceStunMessage msg;
  guint32 change = 0;

  g_assert_cmpint (ice_stun_message_parse (&msg, tx->data, tx->len), ==,
                   ICE_STUN_PARSE_OK);
  if (ice_stun_message_has (&msg, ICE_STUN_ATTR_RESPONSE_PORT)) {
    const guint8 *v;
    guint16 len;

    g_assert_cmpint (tx->socket, ==, ICE_NAT_PROBE_SOCKET_SECONDARY);
    v = ice_stun_message_get_value (&msg, ICE_STUN_ATTR_RESPONSE_PORT, &len);
    g_assert_cmpuint (len, ==, 4);
    g_assert_cmpuint ((v[0] << 8) | v[1], ==, f->mapped.port);
    /* the answer goes to the mapped port: it gets in while the mapping
     * lives */
    if (bed->nat_timeout_us == 0
        || bed->f.now - bed->last_refresh >= bed->nat_timeout_us)
      return;
    bed->answered_response_port++;
  } else {
    g_assert_cmpint (tx->socket, ==, ICE_NAT_PROBE_SOCKET_PRIMARY);
    bed->last_refresh = bed->f.now;
  }
  /* an endpoint-independent NAT: every CHANGE-REQUEST answer gets in */
  ice_stun_message_get_u32 (&msg, ICE_STUN_ATTR_CHANGE_REQUEST, &change);
  if (change & ICE_STUN_CHANGE_IP)
    memcpy (from.ip, f->alternate.ip, sizeof (from.ip));
  if (change & ICE_STUN_CHANGE_PORT)
    from.port = f->alternate.port;
  answer (f, &msg, &from, 0, TRUE);
}

static void
lifetime_run (LifetimeBed *bed, gint64 nat_timeout_us)
{
  IceNatProbeConfig config;
  IceNatProbeTransmit tx;
  guint steps = 0;

  memset (bed, 0, sizeof (*bed));
  fixture_init (&bed->f);
  ice_nat_probe_free (bed->f.probe);
  bed->nat_timeout_us = nat_timeout_us;
  ice_nat_probe_config_init (&config);
  config.server = bed->f.server;
  config.local = bed->f.local;
  config.random = counting_random;
  config.random_data = &bed->f;
  config.test_lifetime = TRUE;
  config.lifetime_max_us = 60 * G_TIME_SPAN_SECOND;
  bed->f.probe = ice_nat_probe_new (&config);
  ice_nat_probe_start (bed->f.probe, 0);
  while (TRUE) {
    while (ice_nat_probe_poll_transmit (bed->f.probe, &tx))
      lifetime_answer (bed, &tx);
    if (ice_nat_probe_is_done (bed->f.probe))
      break;
    bed->f.now = ice_nat_probe_next_timeout (bed->f.probe);
    g_assert_cmpint (bed->f.now, >=, 0);
    ice_nat_probe_handle_timeout (bed->f.probe, bed->f.now);
    g_assert_cmpuint (++steps, <, 10000);
  }
}

static void
test_lifetime_search (void)
{
  IceNatProbeResult r;
  LifetimeBed bed;
  gchar *text;

  lifetime_run (&bed, 30 * G_TIME_SPAN_SECOND);
  ice_nat_probe_get_result (bed.f.probe, &r);
  g_assert_true (r.lifetime_tested);
  g_assert_null (r.lifetime_reason);
  /* 0, 1, 2, 4, 8, 16 s live, 32 s does not; bisection to 1 s */
  g_assert_cmpint (r.lifetime_us, ==, 29 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (r.lifetime_expired_us, ==, 30 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (r.filtering, ==, ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT);
  text = ice_nat_probe_result_to_sentence (&r);
  g_assert_nonnull (strstr (text, "mappings expire after 29.0-30.0 s idle"));
  g_free (text);
  text = ice_nat_probe_result_to_json (&r);
  g_assert_nonnull (strstr (text, "\"lifetime_ms\": 29000"));
  g_assert_nonnull (strstr (text, "\"lifetime_expired_ms\": 30000"));
  g_free (text);
  ice_nat_probe_free (bed.f.probe);
}

static void
test_lifetime_beyond_max (void)
{
  IceNatProbeResult r;
  LifetimeBed bed;

  lifetime_run (&bed, 600 * G_TIME_SPAN_SECOND);
  ice_nat_probe_get_result (bed.f.probe, &r);
  g_assert_null (r.lifetime_reason);
  g_assert_cmpint (r.lifetime_us, ==, 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (r.lifetime_expired_us, ==, -1);
  ice_nat_probe_free (bed.f.probe);
}

static void
test_lifetime_without_response_port (void)
{
  IceNatProbeResult r;
  LifetimeBed bed;

  lifetime_run (&bed, 0);
  ice_nat_probe_get_result (bed.f.probe, &r);
  g_assert_true (r.lifetime_tested);
  g_assert_nonnull (strstr (r.lifetime_reason, "RESPONSE-PORT"));
  g_assert_cmpint (r.lifetime_us, ==, -1);
  g_assert_cmpint (r.status, ==, ICE_NAT_PROBE_OK);
  /* the calibration trial alone: about the schedule's 1.5 s */
  g_assert_cmpint (bed.f.now, <, 2 * G_TIME_SPAN_SECOND);
  ice_nat_probe_free (bed.f.probe);
}

int
main (int argc, char **argv)
{
  guint i;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nat/packets/change-request-refused",
                   test_change_request_refused);
  g_test_add_func ("/nat/packets/change-request-ignored",
                   test_change_request_ignored);
  g_test_add_func ("/nat/packets/garbage-is-dropped", test_garbage_is_dropped);
  g_test_add_func ("/nat/packets/server-error", test_server_error);
  g_test_add_func ("/nat/packets/retransmits-on-schedule",
                   test_retransmits_on_schedule);
  for (i = 0; i < G_N_ELEMENTS (bad_configs); i++) {
    gchar *path = g_strdup_printf ("/nat/packets/bad-config/%u", i);

    g_test_add_data_func (path, GUINT_TO_POINTER (i), test_bad_config);
    g_free (path);
  }
  g_test_add_func ("/nat/packets/sentences", test_sentences);
  g_test_add_func ("/nat/lifetime/search", test_lifetime_search);
  g_test_add_func ("/nat/lifetime/beyond-max", test_lifetime_beyond_max);
  g_test_add_func ("/nat/lifetime/without-response-port",
                   test_lifetime_without_response_port);
  return g_test_run ();
}
