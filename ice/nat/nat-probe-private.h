/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Inside the RFC 5780 probe: one record per test, shared by the request
 * machinery (nat-probe.c) and the classification (nat-probe-classify.c).
 */
#ifndef __ICE_NAT_PROBE_PRIVATE_H__
#define __ICE_NAT_PROBE_PRIVATE_H__

#include "ice/nat/nat-probe.h"
#include "ice/stun/stun-message.h"
#include "ice/stun/stun-transaction.h"

G_BEGIN_DECLS

/* Named after RFC 5780's sections: §4.3 mapping tests I-III, §4.4
 * filtering tests II-III (their test I is mapping test I), §4.5. */
typedef enum {
  NAT_TEST_MAPPING_1 = 0,
  NAT_TEST_FILTERING_2,
  NAT_TEST_FILTERING_3,
  NAT_TEST_MAPPING_2,
  NAT_TEST_MAPPING_3,
  NAT_TEST_HAIRPIN,
  NAT_TEST_LIFETIME_REFRESH, /* §4.6: from the primary socket */
  NAT_TEST_LIFETIME_PROBE,   /* §4.6: from the secondary, RESPONSE-PORT */
  N_NAT_TESTS,
} NatTestId;

typedef enum {
  NAT_TEST_IDLE = 0, /* not launched */
  NAT_TEST_RUNNING,
  NAT_TEST_ANSWERED,  /* success response (or hairpinned request) */
  NAT_TEST_ERROR,     /* error response: see error_code */
  NAT_TEST_FAILED,    /* no answer within the schedule */
  NAT_TEST_CANCELLED, /* no longer needed */
} NatTestState;

typedef struct {
  NatTestState state;
  IceStunTransaction transaction;
  guint8 tid[ICE_STUN_TRANSACTION_ID_SIZE];
  IceNatProbeSocket socket;
  IceTransportAddr to;
  guint32 change;        /* CHANGE-REQUEST flags, 0 for none */
  guint16 response_port; /* RESPONSE-PORT, 0 for none */
  gboolean send_pending;
  gsize request_len;
  guint8 request[ICE_STUN_MAX_MESSAGE_SIZE];
  /* the answer */
  IceTransportAddr from;
  IceTransportAddr mapped;
  IceTransportAddr other_address;
  guint error_code;
} NatTest;

struct _IceNatProbe {
  IceNatProbeConfig config;
  gchar *software;
  gboolean started;
  gboolean done;
  gboolean filtering_decided;
  /* §4.6 search state */
  gboolean lifetime_started;
  gboolean lifetime_finished;
  gint64 lifetime_wait_until; /* when the current trial's silence ends */
  gint64 lifetime_trial_us;   /* the idle time being tried */
  IceTransportAddr lifetime_mapped;
  NatTest tests[N_NAT_TESTS];
  IceNatProbeResult result;
  guint requests_sent;
  guint responses;
  guint dropped;
};

const gchar *ice_nat_test_name (NatTestId id);
void ice_nat_probe_launch (IceNatProbe *probe, NatTestId id, gint64 now_us,
                           IceNatProbeSocket socket, const IceTransportAddr *to,
                           guint32 change, guint16 response_port);
void ice_nat_probe_cancel (IceNatProbe *probe, NatTestId id);

/* nat-probe-classify.c */
void ice_nat_probe_result_init (IceNatProbe *probe);
/* A test answered, failed or errored: decide what can be decided and
 * launch the next tests. */
void ice_nat_probe_test_finished (IceNatProbe *probe, NatTestId id,
                                  gint64 now_us);

void ice_nat_probe_check_done (IceNatProbe *probe, gint64 now_us);

/* nat-probe-lifetime.c */
void ice_nat_probe_lifetime_begin (IceNatProbe *probe, gint64 now_us);
void ice_nat_probe_lifetime_test_finished (IceNatProbe *probe, NatTestId id,
                                           gint64 now_us);
void ice_nat_probe_lifetime_handle_timeout (IceNatProbe *probe, gint64 now_us);

G_END_DECLS
#endif /* __ICE_NAT_PROBE_PRIVATE_H__ */
