/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NAT behaviour discovery with a STUN server (RFC 5780 §4), sans-IO
 * (DESIGN §2): the caller owns the socket and the clock, feeds datagrams
 * and time in, and sends what poll_transmit() hands out.
 *
 * The probe runs, in this order, on one socket (the "primary" one):
 *   1. mapping test I: a Binding request to the server's primary address;
 *      the answer gives the mapped address and the server's OTHER-ADDRESS;
 *   2. the filtering tests of §4.4, both at once, both to the primary
 *      address: test II asks the answer to come from the other IP and port
 *      (CHANGE-REQUEST change-IP + change-port), test III from the other
 *      port only. They run before anything is sent to the alternate address
 *      so that no NAT has yet opened a pinhole for it;
 *   3. the mapping tests of §4.3: test II to the alternate IP and primary
 *      port, then (unless II already decided) test III to the alternate IP
 *      and alternate port;
 *   4. optionally, hairpinning (§4.5): a Binding request from a second
 *      socket to the mapped address, which must come back to the first;
 *   5. optionally, the mapping lifetime (§4.6), after everything else:
 *      each trial refreshes the mapping from the first socket, stays
 *      silent for T, then asks from the second socket for an answer to
 *      the first one's mapped port (RESPONSE-PORT). T doubles from
 *      @lifetime_resolution_us until a trial fails or T reaches
 *      @lifetime_max_us, then bisects down to @lifetime_resolution_us.
 *      It needs a server that honours RESPONSE-PORT and takes real time
 *      (a few minutes for a 30 s NAT timer).
 *
 * A filtering test that gets no answer is the evidence, so requests are
 * retransmitted on a short schedule (%ICE_NAT_PROBE_DEFAULT_RTO_US,
 * %ICE_NAT_PROBE_DEFAULT_RC): a whole probe takes about 1.5 s plus round
 * trips, not the 39.5 s of RFC 8489's default schedule.
 */
#ifndef __ICE_NAT_PROBE_H__
#define __ICE_NAT_PROBE_H__

#include "ice/common/ice-addr.h"
#include "ice/stun/stun-constants.h"

G_BEGIN_DECLS

/* Requests are sent at 0, 100, 300 and 700 ms and given up at 1500 ms: a
 * blocked filtering test costs 1.5 s, and four sends ride out some loss. */
#define ICE_NAT_PROBE_DEFAULT_RTO_US (100 * G_TIME_SPAN_MILLISECOND)
#define ICE_NAT_PROBE_DEFAULT_RC 4
#define ICE_NAT_PROBE_DEFAULT_RM 8
/* RFC 4787 REQ-5 asks NATs for at least 2 minutes; many use 30 s. */
#define ICE_NAT_PROBE_DEFAULT_LIFETIME_MAX_US (120 * G_TIME_SPAN_SECOND)
#define ICE_NAT_PROBE_DEFAULT_LIFETIME_RESOLUTION_US G_TIME_SPAN_SECOND

typedef struct _IceNatProbe IceNatProbe;

/* 64 random bits per call (transaction ids); the same shape as the
 * session's IceRandomFunc. */
typedef guint64 (*IceNatRandomFunc) (gpointer user_data);

/**
 * IceNatBehaviour:
 * @ICE_NAT_BEHAVIOUR_UNKNOWN: the test could not decide; see the reason
 * @ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT: RFC 4787 §4.1 / §5
 * @ICE_NAT_BEHAVIOUR_ADDRESS_DEPENDENT: depends on the remote IP
 * @ICE_NAT_BEHAVIOUR_ADDRESS_AND_PORT_DEPENDENT: depends on the remote IP
 *   and port
 *
 * A mapping or a filtering behaviour.
 */
typedef enum {
  ICE_NAT_BEHAVIOUR_UNKNOWN = 0,
  ICE_NAT_BEHAVIOUR_ENDPOINT_INDEPENDENT,
  ICE_NAT_BEHAVIOUR_ADDRESS_DEPENDENT,
  ICE_NAT_BEHAVIOUR_ADDRESS_AND_PORT_DEPENDENT,
} IceNatBehaviour;

/**
 * IceNatProbeStatus:
 * @ICE_NAT_PROBE_RUNNING: not finished
 * @ICE_NAT_PROBE_OK: the server answered test I; the behaviours may still
 *   be unknown (each with its reason)
 * @ICE_NAT_PROBE_NO_RESPONSE: the server never answered test I
 * @ICE_NAT_PROBE_SERVER_ERROR: the server answered test I with an error
 *   (see @error_code) or without a mapped address
 */
typedef enum {
  ICE_NAT_PROBE_RUNNING = 0,
  ICE_NAT_PROBE_OK,
  ICE_NAT_PROBE_NO_RESPONSE,
  ICE_NAT_PROBE_SERVER_ERROR,
} IceNatProbeStatus;

/**
 * IceNatHairpinning:
 * @ICE_NAT_HAIRPINNING_NOT_TESTED: not asked for, or test I failed
 * @ICE_NAT_HAIRPINNING_YES: a datagram to the mapped address came back
 * @ICE_NAT_HAIRPINNING_NO: it did not (a NAT without hairpinning, or one
 *   that filters hairpinned datagrams like any other inbound one)
 */
typedef enum {
  ICE_NAT_HAIRPINNING_NOT_TESTED = 0,
  ICE_NAT_HAIRPINNING_YES,
  ICE_NAT_HAIRPINNING_NO,
} IceNatHairpinning;

/**
 * IceNatProbeSocket:
 * @ICE_NAT_PROBE_SOCKET_PRIMARY: the probe's socket, whose local address
 *   is the config's @local and whose datagrams go to handle_packet()
 * @ICE_NAT_PROBE_SOCKET_SECONDARY: a second socket on the same IP, used
 *   only to send (hairpinning, lifetime); what it receives is not needed
 */
typedef enum {
  ICE_NAT_PROBE_SOCKET_PRIMARY = 0,
  ICE_NAT_PROBE_SOCKET_SECONDARY,
} IceNatProbeSocket;

/**
 * IceNatProbeConfig:
 * @server: the STUN server's primary transport address (required)
 * @local: the local transport address of the primary socket, as the
 *   server would see it without a NAT (a concrete IP, not 0.0.0.0); a
 *   mapped address equal to it means there is no NAT
 * @random: (required): source of transaction ids
 * @random_data: passed to @random
 * @rto_us: initial retransmission timeout; <= 0 selects
 *   %ICE_NAT_PROBE_DEFAULT_RTO_US
 * @rc: sends per request; 0 selects %ICE_NAT_PROBE_DEFAULT_RC
 * @rm: the last wait is @rm × @rto_us; 0 selects %ICE_NAT_PROBE_DEFAULT_RM
 * @test_hairpinning: also run the hairpinning test, which sends from
 *   %ICE_NAT_PROBE_SOCKET_SECONDARY
 * @test_lifetime: also measure the mapping lifetime, which sends from
 *   %ICE_NAT_PROBE_SOCKET_SECONDARY
 * @lifetime_max_us: the longest idle time tried; <= 0 selects
 *   %ICE_NAT_PROBE_DEFAULT_LIFETIME_MAX_US
 * @lifetime_resolution_us: the first idle time tried and the precision
 *   the search stops at; <= 0 selects
 *   %ICE_NAT_PROBE_DEFAULT_LIFETIME_RESOLUTION_US
 * @software: SOFTWARE attribute value, or %NULL; copied
 *
 * Initialise with ice_nat_probe_config_init().
 */
typedef struct {
  IceTransportAddr server;
  IceTransportAddr local;
  IceNatRandomFunc random;
  gpointer random_data;
  gint64 rto_us;
  guint rc;
  guint rm;
  gboolean test_hairpinning;
  gboolean test_lifetime;
  gint64 lifetime_max_us;
  gint64 lifetime_resolution_us;
  const gchar *software;
} IceNatProbeConfig;

/**
 * IceNatProbeResult:
 * @status: whether the probe ran (see #IceNatProbeStatus)
 * @error_code: the STUN error code of a %ICE_NAT_PROBE_SERVER_ERROR, or 0
 * @server: the primary address probed
 * @local: the primary socket's local address (from the config)
 * @mapped: the mapped address test I saw (unset when it failed)
 * @other_address: the server's OTHER-ADDRESS (unset when it sent none)
 * @behind_nat: @mapped differs from @local
 * @mapping: the mapping behaviour; endpoint-independent without a NAT
 * @mapping_reason: (nullable): why @mapping is unknown; a static string
 * @filtering: the filtering behaviour (of a NAT or a firewall)
 * @filtering_reason: (nullable): why @filtering is unknown; static
 * @hairpinning: the hairpinning result
 * @lifetime_tested: the lifetime search ran (asked for, test I answered)
 * @lifetime_us: the longest idle time after which the mapping still
 *   worked, or -1 when none was seen
 * @lifetime_expired_us: the shortest idle time after which it no longer
 *   did, or -1 when it survived every time tried (up to the maximum)
 * @lifetime_reason: (nullable): why the lifetime is unknown; static
 * @requests_sent: Binding requests sent, retransmissions included
 * @responses: responses matched to a test
 * @dropped: datagrams ignored: not STUN, malformed, bad FINGERPRINT,
 *   unknown transaction, or a duplicate answer
 *
 * A plain value the caller owns.
 */
typedef struct {
  IceNatProbeStatus status;
  guint error_code;
  IceTransportAddr server;
  IceTransportAddr local;
  IceTransportAddr mapped;
  IceTransportAddr other_address;
  gboolean behind_nat;
  IceNatBehaviour mapping;
  const gchar *mapping_reason;
  IceNatBehaviour filtering;
  const gchar *filtering_reason;
  IceNatHairpinning hairpinning;
  gboolean lifetime_tested;
  gint64 lifetime_us;
  gint64 lifetime_expired_us;
  const gchar *lifetime_reason;
  guint requests_sent;
  guint responses;
  guint dropped;
} IceNatProbeResult;

/**
 * IceNatProbeTransmit:
 * A datagram to send from @socket to @to. A plain value the caller owns.
 */
typedef struct {
  IceNatProbeSocket socket;
  IceTransportAddr to;
  gsize len;
  guint8 data[ICE_STUN_MAX_MESSAGE_SIZE];
} IceNatProbeTransmit;

/**
 * ice_nat_probe_config_init:
 * @config: the config to fill with the defaults (no server, no random
 *   callback, the default schedule, no hairpinning test)
 */
void ice_nat_probe_config_init (IceNatProbeConfig *config);

/**
 * ice_nat_probe_new:
 * @config: the probe's settings; copied
 *
 * Returns: (transfer full) (nullable): a new probe, or %NULL (with a
 *   warning saying what was expected) when @config has no server, no local
 *   address of the server's family or no random callback. Free with
 *   ice_nat_probe_free().
 */
IceNatProbe *ice_nat_probe_new (const IceNatProbeConfig *config);
void ice_nat_probe_free (IceNatProbe *probe);

/**
 * ice_nat_probe_start:
 * @probe: a probe not yet started
 * @now_us: the current time in µs
 *
 * Queues test I; poll_transmit() then hands it out.
 */
void ice_nat_probe_start (IceNatProbe *probe, gint64 now_us);

/**
 * ice_nat_probe_handle_packet:
 * @probe: a probe
 * @now_us: the current time in µs
 * @from: the datagram's source address
 * @data: the datagram, received on the primary socket
 * @len: its length
 *
 * Feeds one datagram. Anything that is not an answer (or hairpinned
 * request) for a running test is dropped and counted.
 *
 * Returns: TRUE when the datagram belonged to the probe.
 */
gboolean ice_nat_probe_handle_packet (IceNatProbe *probe, gint64 now_us,
                                      const IceTransportAddr *from,
                                      const guint8 *data, gsize len);

/**
 * ice_nat_probe_handle_timeout:
 * @probe: a probe
 * @now_us: the current time in µs
 *
 * Retransmits what is due and gives up on requests whose schedule ended.
 * Harmless when called early.
 */
void ice_nat_probe_handle_timeout (IceNatProbe *probe, gint64 now_us);

/**
 * ice_nat_probe_next_timeout:
 * @probe: a probe
 *
 * Returns: the absolute time in µs at which handle_timeout() is due, or -1
 *   when nothing waits (not started, or done).
 */
gint64 ice_nat_probe_next_timeout (IceNatProbe *probe);

/**
 * ice_nat_probe_poll_transmit:
 * @probe: a probe
 * @out: (out caller-allocates): the next datagram to send
 *
 * Call after every input until it returns FALSE.
 *
 * Returns: TRUE when @out holds a datagram.
 */
gboolean ice_nat_probe_poll_transmit (IceNatProbe *probe,
                                      IceNatProbeTransmit *out);

/**
 * ice_nat_probe_is_done:
 * @probe: a probe
 *
 * Returns: TRUE when every test has finished; the result is then final.
 */
gboolean ice_nat_probe_is_done (IceNatProbe *probe);

/**
 * ice_nat_probe_get_result:
 * @probe: a probe
 * @result: (out caller-allocates): what is known so far
 *
 * Fills @result; final once ice_nat_probe_is_done() returns TRUE.
 */
void ice_nat_probe_get_result (IceNatProbe *probe, IceNatProbeResult *result);

/* --- text (nat-probe-text.c) ------------------------------------------- */

/* "endpoint-independent", "address-dependent",
 * "address-and-port-dependent" or "unknown". */
const gchar *ice_nat_behaviour_to_string (IceNatBehaviour behaviour);
/* "running", "ok", "no-response", "server-error". */
const gchar *ice_nat_probe_status_to_string (IceNatProbeStatus status);
/* "not-tested", "yes", "no". */
const gchar *ice_nat_hairpinning_to_string (IceNatHairpinning hairpinning);

/**
 * ice_nat_probe_result_to_json:
 * @result: a result
 *
 * Returns: (transfer full): one JSON object (no trailing newline) with
 *   every field of @result, addresses as "IP:PORT" strings or null, and
 *   the sentence under "summary". Free with g_free().
 */
gchar *ice_nat_probe_result_to_json (const IceNatProbeResult *result);

/**
 * ice_nat_probe_result_to_sentence:
 * @result: a result
 *
 * Returns: (transfer full): one English sentence for a person, e.g.
 *   "endpoint-independent mapping, address-and-port-dependent filtering:
 *   direct connections work with peers whose NAT maps
 *   endpoint-independently". Free with g_free().
 */
gchar *ice_nat_probe_result_to_sentence (const IceNatProbeResult *result);

G_END_DECLS
#endif /* __ICE_NAT_PROBE_H__ */
