/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The RFC 5780 probe's requests: building, sending on schedule, matching
 * answers. What the answers mean is decided in nat-probe-classify.c.
 */
#define G_LOG_DOMAIN "ice-nat"

#include "ice/nat/nat-probe-private.h"

#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"

#include <string.h>

static const gchar *const test_names[N_NAT_TESTS] = {
  "mapping-I",   "filtering-II", "filtering-III",    "mapping-II",
  "mapping-III", "hairpinning",  "lifetime-refresh", "lifetime-probe",
};

const gchar *
ice_nat_test_name (NatTestId id)
{
  return id < N_NAT_TESTS ? test_names[id] : "?";
}

void
ice_nat_probe_config_init (IceNatProbeConfig *config)
{
  memset (config, 0, sizeof (*config));
  config->rto_us = ICE_NAT_PROBE_DEFAULT_RTO_US;
  config->rc = ICE_NAT_PROBE_DEFAULT_RC;
  config->rm = ICE_NAT_PROBE_DEFAULT_RM;
  config->lifetime_max_us = ICE_NAT_PROBE_DEFAULT_LIFETIME_MAX_US;
  config->lifetime_resolution_us = ICE_NAT_PROBE_DEFAULT_LIFETIME_RESOLUTION_US;
}

static gboolean
config_is_valid (const IceNatProbeConfig *config)
{
  if (!config || !ice_addr_is_set (&config->server)
      || config->server.port == 0) {
    g_warning ("nat-probe: expected a STUN server address with a port");
    return FALSE;
  }
  if (config->local.family != config->server.family) {
    g_warning ("nat-probe: expected the local address of the socket, in "
               "the server's address family");
    return FALSE;
  }
  /* RFC 8489 §14.14: SOFTWARE is fewer than 128 characters */
  if (config->software
      && (!g_utf8_validate (config->software, -1, NULL)
          || g_utf8_strlen (config->software, -1) >= 128)) {
    g_warning ("nat-probe: expected a SOFTWARE text of fewer than 128 "
               "UTF-8 characters");
    return FALSE;
  }
  if (!config->random) {
    g_warning ("nat-probe: expected a random callback for transaction ids");
    return FALSE;
  }
  return TRUE;
}

IceNatProbe *
ice_nat_probe_new (const IceNatProbeConfig *config)
{
  IceNatProbe *probe;

  if (!config_is_valid (config))
    return NULL;
  probe = g_new0 (IceNatProbe, 1);
  probe->config = *config;
  probe->software = g_strdup (config->software);
  probe->config.software = probe->software;
  if (probe->config.rto_us <= 0)
    probe->config.rto_us = ICE_NAT_PROBE_DEFAULT_RTO_US;
  if (probe->config.rc == 0)
    probe->config.rc = ICE_NAT_PROBE_DEFAULT_RC;
  if (probe->config.rm == 0)
    probe->config.rm = ICE_NAT_PROBE_DEFAULT_RM;
  if (probe->config.lifetime_max_us <= 0)
    probe->config.lifetime_max_us = ICE_NAT_PROBE_DEFAULT_LIFETIME_MAX_US;
  if (probe->config.lifetime_resolution_us <= 0)
    probe->config.lifetime_resolution_us
        = ICE_NAT_PROBE_DEFAULT_LIFETIME_RESOLUTION_US;
  probe->lifetime_wait_until = -1;
  ice_nat_probe_result_init (probe);
  return probe;
}

void
ice_nat_probe_free (IceNatProbe *probe)
{
  if (!probe)
    return;
  g_free (probe->software);
  g_free (probe);
}

static void
new_transaction_id (IceNatProbe *probe,
                    guint8 tid[ICE_STUN_TRANSACTION_ID_SIZE])
{
  guint64 a = probe->config.random (probe->config.random_data);
  guint64 b = probe->config.random (probe->config.random_data);

  memcpy (tid, &a, 8);
  memcpy (tid + 8, &b, 4);
}

static gboolean
build_request (IceNatProbe *probe, NatTest *test)
{
  IceStunBuilder b;

  ice_stun_builder_init (&b, test->request, sizeof (test->request),
                         ICE_STUN_CLASS_REQUEST, ICE_STUN_METHOD_BINDING,
                         test->tid);
  /* RFC 5780 §7.2: the filtering tests ask where the answer comes from */
  if (test->change)
    ice_stun_builder_add_u32 (&b, ICE_STUN_ATTR_CHANGE_REQUEST, test->change);
  if (test->response_port) {
    /* RFC 5780 §7.5: the port, then two bytes of padding */
    guint8 value[4] = { test->response_port >> 8, test->response_port, 0, 0 };

    ice_stun_builder_add (&b, ICE_STUN_ATTR_RESPONSE_PORT, value,
                          sizeof (value));
  }
  if (probe->config.software)
    ice_stun_builder_add_string (&b, ICE_STUN_ATTR_SOFTWARE,
                                 probe->config.software);
  ice_stun_builder_add_fingerprint (&b);
  test->request_len = ice_stun_builder_finish (&b);
  return test->request_len > 0;
}

void
ice_nat_probe_launch (IceNatProbe *probe, NatTestId id, gint64 now_us,
                      IceNatProbeSocket socket, const IceTransportAddr *to,
                      guint32 change, guint16 response_port)
{
  NatTest *test = &probe->tests[id];
  gchar buf[ICE_ADDR_STRLEN];

  memset (test, 0, sizeof (*test));
  test->socket = socket;
  test->to = *to;
  test->change = change;
  test->response_port = response_port;
  new_transaction_id (probe, test->tid);
  if (!build_request (probe, test)) {
    /* Only a SOFTWARE string too long for a datagram gets here. */
    test->state = NAT_TEST_FAILED;
    return;
  }
  test->state = NAT_TEST_RUNNING;
  test->send_pending = TRUE;
  ice_stun_transaction_start (&test->transaction, now_us, probe->config.rto_us,
                              probe->config.rc, probe->config.rm, FALSE);
  g_debug ("nat-probe: %s to %s (change 0x%x)", ice_nat_test_name (id),
           ice_addr_to_string (to, buf), change);
}

void
ice_nat_probe_cancel (IceNatProbe *probe, NatTestId id)
{
  NatTest *test = &probe->tests[id];

  if (test->state != NAT_TEST_RUNNING)
    return;
  ice_stun_transaction_cancel (&test->transaction);
  test->send_pending = FALSE;
  test->state = NAT_TEST_CANCELLED;
}

void
ice_nat_probe_start (IceNatProbe *probe, gint64 now_us)
{
  g_return_if_fail (probe != NULL);
  if (probe->started)
    return;
  probe->started = TRUE;
  /* RFC 5780 §4.3 test I: a plain Binding request to the primary address */
  ice_nat_probe_launch (probe, NAT_TEST_MAPPING_1, now_us,
                        ICE_NAT_PROBE_SOCKET_PRIMARY, &probe->config.server, 0,
                        0);
}

static NatTest *
find_running_test (IceNatProbe *probe, const guint8 *tid, NatTestId *id)
{
  guint i;

  for (i = 0; i < N_NAT_TESTS; i++) {
    NatTest *test = &probe->tests[i];

    if (test->state == NAT_TEST_RUNNING
        && memcmp (test->tid, tid, ICE_STUN_TRANSACTION_ID_SIZE) == 0) {
      *id = i;
      return test;
    }
  }
  return NULL;
}

/* Reads an answer into @test; FALSE when it is not a usable answer. */
static gboolean
read_answer (NatTest *test, NatTestId id, const IceStunMessage *msg)
{
  if (id == NAT_TEST_HAIRPIN) {
    /* §4.5: our own request, looped back by the NAT */
    if (msg->klass != ICE_STUN_CLASS_REQUEST)
      return FALSE;
    test->state = NAT_TEST_ANSWERED;
    return TRUE;
  }
  if (msg->klass == ICE_STUN_CLASS_ERROR) {
    if (!ice_stun_message_get_error_code (msg, &test->error_code, NULL, NULL))
      test->error_code = ICE_STUN_ERROR_SERVER_ERROR;
    test->state = NAT_TEST_ERROR;
    return TRUE;
  }
  if (msg->klass != ICE_STUN_CLASS_SUCCESS)
    return FALSE;
  /* RFC 8489 §14.2: XOR-MAPPED-ADDRESS; RFC 3489 servers send only the
   * plain MAPPED-ADDRESS */
  if (!ice_stun_message_get_xor_address (msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS,
                                         &test->mapped))
    ice_stun_message_get_address (msg, ICE_STUN_ATTR_MAPPED_ADDRESS,
                                  &test->mapped);
  ice_stun_message_get_address (msg, ICE_STUN_ATTR_OTHER_ADDRESS,
                                &test->other_address);
  test->state = NAT_TEST_ANSWERED;
  return TRUE;
}

gboolean
ice_nat_probe_handle_packet (IceNatProbe *probe, gint64 now_us,
                             const IceTransportAddr *from, const guint8 *data,
                             gsize len)
{
  IceStunMessage msg;
  NatTest *test;
  NatTestId id;

  g_return_val_if_fail (probe != NULL, FALSE);
  if (!data || !from || !ice_stun_is_message (data, len)
      || ice_stun_message_parse (&msg, data, len) != ICE_STUN_PARSE_OK
      || msg.method != ICE_STUN_METHOD_BINDING
      || (msg.fingerprint >= 0
          && ice_stun_message_check_fingerprint (&msg) != ICE_STUN_CHECK_OK))
    goto drop;
  test = find_running_test (probe, msg.transaction_id, &id);
  if (!test || !read_answer (test, id, &msg))
    goto drop;
  test->from = *from;
  ice_stun_transaction_complete (&test->transaction);
  test->send_pending = FALSE;
  probe->responses++;
  ice_nat_probe_test_finished (probe, id, now_us);
  return TRUE;

drop:
  probe->dropped++;
  return FALSE;
}

void
ice_nat_probe_handle_timeout (IceNatProbe *probe, gint64 now_us)
{
  guint i;

  g_return_if_fail (probe != NULL);
  for (i = 0; i < N_NAT_TESTS; i++) {
    NatTest *test = &probe->tests[i];

    if (test->state != NAT_TEST_RUNNING)
      continue;
    switch (ice_stun_transaction_handle_timeout (&test->transaction, now_us)) {
      case ICE_STUN_TIMEOUT_RETRANSMIT:
        test->send_pending = TRUE;
        break;
      case ICE_STUN_TIMEOUT_FAILED:
        test->state = NAT_TEST_FAILED;
        test->send_pending = FALSE;
        g_debug ("nat-probe: %s got no answer", ice_nat_test_name (i));
        ice_nat_probe_test_finished (probe, i, now_us);
        break;
      case ICE_STUN_TIMEOUT_NOTHING:
        break;
    }
  }
  ice_nat_probe_lifetime_handle_timeout (probe, now_us);
}

gint64
ice_nat_probe_next_timeout (IceNatProbe *probe)
{
  gint64 next = probe ? probe->lifetime_wait_until : -1;
  guint i;

  g_return_val_if_fail (probe != NULL, -1);
  for (i = 0; i < N_NAT_TESTS; i++) {
    gint64 t;

    if (probe->tests[i].state != NAT_TEST_RUNNING)
      continue;
    t = ice_stun_transaction_next_timeout (&probe->tests[i].transaction);
    if (t >= 0 && (next < 0 || t < next))
      next = t;
  }
  return next;
}

gboolean
ice_nat_probe_poll_transmit (IceNatProbe *probe, IceNatProbeTransmit *out)
{
  guint i;

  g_return_val_if_fail (probe != NULL && out != NULL, FALSE);
  for (i = 0; i < N_NAT_TESTS; i++) {
    NatTest *test = &probe->tests[i];

    if (!test->send_pending)
      continue;
    test->send_pending = FALSE;
    out->socket = test->socket;
    out->to = test->to;
    out->len = test->request_len;
    memcpy (out->data, test->request, test->request_len);
    probe->requests_sent++;
    return TRUE;
  }
  return FALSE;
}

gboolean
ice_nat_probe_is_done (IceNatProbe *probe)
{
  g_return_val_if_fail (probe != NULL, FALSE);
  return probe->done;
}
