/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Address changes (ice-agent-netwatch.c), in a network namespace of the
 * test's own with two veth interfaces (root; skipped otherwise): A
 * gathers on nw0, B on nw1; A's address is deleted and another added,
 * and the agents connect again on the new one, by A's own restart and
 * B's one-sided answer to it, with only the test's plain relaying of
 * credentials and candidates (what a signaller does).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "io-test-netns.h"
#include "io-test-util.h"
#include "ice/io/ice-agent-private.h"

#define ADDR_A1 "10.77.0.1"
#define ADDR_A2                                                                \
  "10.79.0.2" /* another subnet: deleting the primary of a                     \
               * subnet would take its secondaries too */
#define ADDR_A3 "10.77.0.3"
#define ADDR_B "10.78.0.1"

typedef struct {
  GMutex lock;
  GCond cond;
  gchar *selected_local; /* A's, latest */
  guint lost;            /* A's local-address-lost */
  gboolean lost_restarting;
  gchar *lost_ip;
  guint b_lost;
  guint a2_candidates;  /* A's new-candidate lines on ADDR_A2 */
  gboolean restart_off; /* A: restart-on-network-change=FALSE */
  guint n_setup;
  IoTestPair *pair;
} Watch;

static void
run (const gchar *command)
{
  g_assert_cmpint (system (command), ==, 0);
}

static void
setup_agent (IceAgent *agent, gpointer data)
{
  Watch *w = data;
  const gchar *a_if[] = { "nw0", NULL };
  const gchar *b_if[] = { "nw1", NULL };

  g_object_set (agent, "bind-address", NULL, "interfaces",
                w->n_setup++ == 0 ? a_if : b_if, NULL);
  if (w->n_setup == 1 && w->restart_off)
    g_object_set (agent, "restart-on-network-change", FALSE, NULL);
}

static void
on_selected (IceAgent *agent, guint stream, guint component, const gchar *local,
             const gchar *remote, gpointer data)
{
  Watch *w = data;

  g_mutex_lock (&w->lock);
  g_free (w->selected_local);
  w->selected_local = g_strdup (local);
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
}

static void
on_lost (IceAgent *agent, const gchar *ip, gboolean restarting, gpointer data)
{
  Watch *w = data;

  g_mutex_lock (&w->lock);
  if (agent == w->pair->a) {
    w->lost++;
    w->lost_restarting = restarting;
    g_free (w->lost_ip);
    w->lost_ip = g_strdup (ip);
  } else {
    w->b_lost++;
  }
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
}

static void
on_candidate (IceAgent *agent, guint stream, const gchar *line, gpointer data)
{
  Watch *w = data;

  g_mutex_lock (&w->lock);
  if (strstr (line, " " ADDR_A2 " ") != NULL)
    w->a2_candidates++;
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
}

static gboolean
wait_a2_candidate (Watch *w)
{
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;

  g_mutex_lock (&w->lock);
  while (w->a2_candidates == 0
         && g_cond_wait_until (&w->cond, &w->lock, deadline))
    ;
  g_mutex_unlock (&w->lock);
  return w->a2_candidates > 0;
}

static gboolean
compared (const IceAgentStats *stats, gpointer data)
{
  return stats->network_changes >= GPOINTER_TO_UINT (data);
}

/* What a signaller does with a restart's new credentials: give them to
 * the peer; the candidates follow through the trickle handlers. */
static void
on_credentials (IceAgent *agent, guint stream, const gchar *ufrag,
                const gchar *pwd, gpointer data)
{
  Watch *w = data;
  IceAgent *peer = agent == w->pair->a ? w->pair->b : w->pair->a;

  g_assert_true (ice_agent_set_remote_credentials (peer, 0, ufrag, pwd));
}

/* Waits until A's selected local candidate is on @ip. */
static gboolean
wait_selected_on (Watch *w, const gchar *ip)
{
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;
  gboolean ok;

  g_mutex_lock (&w->lock);
  while (!(ok = w->selected_local != NULL
                && strstr (w->selected_local, ip) != NULL)
         && g_cond_wait_until (&w->cond, &w->lock, deadline))
    ;
  ok = w->selected_local != NULL && strstr (w->selected_local, ip) != NULL;
  g_mutex_unlock (&w->lock);
  return ok;
}

static gboolean
wait_lost (Watch *w, guint n)
{
  gint64 deadline = g_get_monotonic_time () + IO_TEST_TIMEOUT_US;

  g_mutex_lock (&w->lock);
  while (w->lost < n && g_cond_wait_until (&w->cond, &w->lock, deadline))
    ;
  g_mutex_unlock (&w->lock);
  return w->lost >= n;
}

static void
send_and_expect (IoTestPair *pair, guint32 first, guint count)
{
  guint8 buf[200];
  guint32 seq;

  for (seq = first; seq < first + count; seq++) {
    io_test_fill (buf, sizeof (buf), seq);
    g_assert_cmpint (ice_agent_send (pair->a, 0, 1, buf, sizeof (buf)), ==, 1);
  }
  io_test_expect_sequence (pair->b, 0, first, count);
}

/* A pair selected before on_selected was connected (loopback is fast):
 * take it from the agent; a later selection still comes by the signal. */
static void
seed_selected (Watch *w)
{
  gchar *local = NULL;

  if (!ice_agent_get_selected_pair_strings (w->pair->a, 0, 1, &local, NULL))
    return;
  g_mutex_lock (&w->lock);
  if (w->selected_local == NULL)
    w->selected_local = g_steal_pointer (&local);
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
  g_free (local);
}

static void
watch_start (Watch *w, IoTestPair *pair, gboolean restart_off)
{
  memset (w, 0, sizeof (*w));
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  w->pair = pair;
  w->restart_off = restart_off;
  run ("ip addr flush dev nw0 && ip addr add " ADDR_A1 "/24 dev nw0");
  io_test_pair_start (pair, ICE_NOMINATION_REGULAR, setup_agent, w);
  g_signal_connect (pair->a, "selected-pair-changed", G_CALLBACK (on_selected),
                    w);
  g_signal_connect (pair->a, "local-address-lost", G_CALLBACK (on_lost), w);
  g_signal_connect (pair->a, "new-candidate", G_CALLBACK (on_candidate), w);
  g_signal_connect (pair->b, "local-address-lost", G_CALLBACK (on_lost), w);
  g_signal_connect (pair->a, "local-credentials-changed",
                    G_CALLBACK (on_credentials), w);
  g_signal_connect (pair->b, "local-credentials-changed",
                    G_CALLBACK (on_credentials), w);
  seed_selected (w);
  g_assert_true (wait_selected_on (w, ADDR_A1));
  g_assert_true (
      ice_agent_wait_connected (pair->b, 0, IO_TEST_TIMEOUT_US, NULL));
  send_and_expect (pair, 0, 50);
}

static void
watch_clear (Watch *w)
{
  io_test_pair_clear (w->pair);
  g_free (w->selected_local);
  g_free (w->lost_ip);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
}

/* The selected pair's address goes, another comes: A restarts by
 * itself, B follows, media flows on the new address. */
static void
test_address_replaced (void)
{
  IoTestPair pair;
  IceAgentStats sa, sb;
  Watch w;
  gint64 changed;

  watch_start (&w, &pair, FALSE);
  changed = g_get_monotonic_time ();
  /* added first: a burst the debounce takes as one change */
  run ("ip addr add " ADDR_A2 "/24 dev nw0 && ip addr del " ADDR_A1
       "/24 dev nw0");
  g_assert_true (wait_lost (&w, 1));
  g_assert_cmpstr (w.lost_ip, ==, ADDR_A1);
  g_assert_true (w.lost_restarting);
  g_assert_true (wait_selected_on (&w, ADDR_A2));
  g_assert_true (
      ice_agent_wait_connected (pair.b, 0, IO_TEST_TIMEOUT_US, NULL));
  /* the debounce (200 ms) and a restart on a LAN: well within 2 s */
  g_assert_cmpint (g_get_monotonic_time () - changed, <, 2 * G_USEC_PER_SEC);
  send_and_expect (&pair, 1000, 50);

  ice_agent_get_stats (pair.a, &sa);
  ice_agent_get_stats (pair.b, &sb);
  g_assert_cmpuint (sa.addresses_lost, ==, 1);
  g_assert_cmpuint (sa.network_restarts, ==, 1);
  g_assert_cmpuint (sa.netlink_dropped, ==, 0);
  /* B's address stayed: no signal, no restart of its own (it answered
   * A's restart, RFC 8839 §4.4.1.1.2) */
  g_assert_cmpuint (w.b_lost, ==, 0);
  g_assert_cmpuint (sb.addresses_lost, ==, 0);
  g_assert_cmpuint (sb.network_restarts, ==, 0);
  watch_clear (&w);
}

/* An address that only appears changes nothing while a pair works. */
static void
test_address_added_only (void)
{
  IoTestPair pair;
  IceAgentStats sa;
  Watch w;
  gchar *ufrag_before = NULL, *ufrag_after = NULL;

  watch_start (&w, &pair, FALSE);
  ice_agent_get_local_credentials (pair.a, 0, &ufrag_before, NULL);
  run ("ip addr add " ADDR_A3 "/24 dev nw0");
  /* the comparison runs 200 ms after the message: wait for it by its
   * counter, then check that nothing was restarted */
  g_assert_true (io_test_wait_stats (pair.a, compared, GUINT_TO_POINTER (1)));
  send_and_expect (&pair, 100, 20);
  ice_agent_get_local_credentials (pair.a, 0, &ufrag_after, NULL);
  ice_agent_get_stats (pair.a, &sa);
  g_assert_cmpstr (ufrag_before, ==, ufrag_after);
  g_assert_cmpuint (sa.network_restarts, ==, 0);
  g_assert_cmpuint (w.lost, ==, 0);
  g_free (ufrag_before);
  g_free (ufrag_after);
  watch_clear (&w);
}

/* restart-on-network-change=FALSE: the signal says so, no restart, and
 * the new address is gathered and trickled (the application restarts
 * when it wants, with ice_agent_restart: test-agent covers that). */
static void
test_restart_off (void)
{
  IoTestPair pair;
  IceAgentStats sa;
  Watch w;

  watch_start (&w, &pair, TRUE);
  run ("ip addr add " ADDR_A2 "/24 dev nw0 && ip addr del " ADDR_A1
       "/24 dev nw0");
  g_assert_true (wait_lost (&w, 1));
  g_assert_false (w.lost_restarting);
  g_assert_true (wait_a2_candidate (&w));
  ice_agent_get_stats (pair.a, &sa);
  g_assert_cmpuint (sa.addresses_lost, ==, 1);
  g_assert_cmpuint (sa.network_restarts, ==, 0);
  g_assert_cmpuint (sa.network_changes, >=, 1);
  watch_clear (&w);
}

/* An RTM_NEWADDR/RTM_DELADDR of @family with one 4-byte IFA_LOCAL whose
 * rta_len is @rta_len (8 when well formed); returns its length. */
static gsize
make_address_message (guint8 *buf, guint16 type, guint8 family, guint16 rta_len)
{
  struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
  struct ifaddrmsg *ifa;
  struct rtattr *rta;

  memset (buf, 0, 64);
  nlh->nlmsg_len = NLMSG_LENGTH (sizeof (*ifa)) + RTA_LENGTH (4);
  nlh->nlmsg_type = type;
  ifa = NLMSG_DATA (nlh);
  ifa->ifa_family = family;
  ifa->ifa_prefixlen = 24;
  rta = IFA_RTA (ifa);
  rta->rta_type = IFA_LOCAL;
  rta->rta_len = rta_len;
  memcpy (RTA_DATA (rta), "\x0a\x4d\x00\x01", 4);
  return nlh->nlmsg_len;
}

/* The netlink walk: a change is seen in a good message; bad ones are
 * counted and never read past the buffer. */
static void
test_parse (void)
{
  guint8 buf[256] __attribute__ ((aligned (NLMSG_ALIGNTO)));
  IceAgentNetwatchCounters c;
  gsize n, m;

  memset (&c, 0, sizeof (c));
  n = make_address_message (buf, RTM_NEWADDR, AF_INET, RTA_LENGTH (4));
  g_assert_true (ice_agent_netwatch_parse (buf, n, &c));
  g_assert_cmpuint (c.messages, ==, 1);
  g_assert_cmpuint (c.malformed, ==, 0);
  /* two in one read, the second for IPv6 */
  m = make_address_message (buf + NLMSG_ALIGN (n), RTM_DELADDR, AF_INET6,
                            RTA_LENGTH (4));
  g_assert_true (ice_agent_netwatch_parse (buf, NLMSG_ALIGN (n) + m, &c));
  g_assert_cmpuint (c.messages, ==, 3);
  g_assert_cmpuint (c.malformed, ==, 0);

  memset (&c, 0, sizeof (c));
  /* not an IP family */
  n = make_address_message (buf, RTM_DELADDR, AF_PACKET, RTA_LENGTH (4));
  g_assert_false (ice_agent_netwatch_parse (buf, n, &c));
  /* an attribute longer than its message */
  n = make_address_message (buf, RTM_NEWADDR, AF_INET, 40);
  g_assert_false (ice_agent_netwatch_parse (buf, n, &c));
  /* a header that claims more than was read */
  n = make_address_message (buf, RTM_NEWADDR, AF_INET, RTA_LENGTH (4));
  g_assert_false (ice_agent_netwatch_parse (buf, n - 1, &c));
  /* a body too short for an ifaddrmsg */
  ((struct nlmsghdr *)buf)->nlmsg_len = NLMSG_LENGTH (2);
  g_assert_false (ice_agent_netwatch_parse (buf, NLMSG_LENGTH (2), &c));
  /* a message type the address groups do not send */
  n = make_address_message (buf, RTM_NEWLINK, AF_INET, RTA_LENGTH (4));
  g_assert_false (ice_agent_netwatch_parse (buf, n, &c));
  /* a lone partial header */
  g_assert_false (ice_agent_netwatch_parse (buf, 7, &c));
  g_assert_cmpuint (c.malformed, ==, 6);
}

/* A namespace of our own before any thread exists (later threads
 * inherit it): the host's addresses are never touched. */
static const gchar *
enter_namespace (void)
{
  /* veth pairs rather than dummies: the dummy module is not everywhere */
  return io_test_netns_enter (
      "needs root (a network namespace with veth interfaces)",
      "ip link set lo up && "
      "ip link add nw0 type veth peer name nw0p && "
      "ip link add nw1 type veth peer name nw1p && "
      "ip link set nw0p up && ip link set nw1p up && "
      "ip link set nw0 up && ip link set nw1 up && "
      "ip addr add " ADDR_B "/24 dev nw1",
      "could not make veth interfaces (ip)");
}

int
main (int argc, char **argv)
{
  const gchar *reason = enter_namespace ();

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agent-netwatch/parse", test_parse);
  if (reason != NULL) {
    io_test_add_skipped ("/agent-netwatch/skipped", reason);
    return g_test_run ();
  }
  g_test_add_func ("/agent-netwatch/address-replaced", test_address_replaced);
  g_test_add_func ("/agent-netwatch/address-added-only",
                   test_address_added_only);
  g_test_add_func ("/agent-netwatch/restart-off", test_restart_off);
  return g_test_run ();
}
