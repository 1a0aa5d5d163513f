/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An IceAgent with the "relay" transport policy against libnice (which
 * gathers host and, through nice_agent_set_relay_info(), relayed
 * candidates) on one coturn over UDP: 1000 datagrams each way, none lost,
 * in order, and our side of the selected pair is our relayed candidate.
 * Both agents run on one GMainContext that this thread iterates.
 */
#include <string.h>

#include "io-coturn.h"
#include "io-test-util.h"

#ifdef HAVE_LIBNICE
#include <nice/agent.h>

#define N_DATAGRAMS 1000
#define DATAGRAM_SIZE 172
/* In flight at once each way */
#define WINDOW 64
#define DEADLINE_US (10 * G_USEC_PER_SEC)

static IoCoturn coturn;

typedef struct {
  GMainContext *ctx;
  NiceAgent *nice;
  guint nice_stream;
  IceAgent *ice;
  guint ice_stream;
  gboolean nice_usable;
  gboolean ice_usable;
  gboolean failed;
  guint32 nice_sent;
  guint32 ice_got;
  guint32 ice_sent;
  guint32 nice_got;
  gboolean in_order;
} Bed;

static void
nice_received (NiceAgent *agent, guint stream, guint component, guint len,
               gchar *buf, gpointer data)
{
  Bed *bed = data;

  bed->in_order &= io_test_seq ((const guint8 *)buf, len) == bed->nice_got;
  bed->nice_got++;
}

static void
ice_received (IceAgent *agent, guint stream, guint component,
              IceAgentDatagram *datagrams, guint n, gpointer data)
{
  Bed *bed = data;
  guint i;

  for (i = 0; i < n; i++) {
    gsize size;
    const guint8 *bytes = g_bytes_get_data (datagrams[i].bytes, &size);

    bed->in_order &= io_test_seq (bytes, size) == bed->ice_got;
    bed->ice_got++;
  }
}

static void
nice_state_changed (NiceAgent *agent, guint stream, guint component,
                    guint state, gpointer data)
{
  Bed *bed = data;

  bed->nice_usable |= state == NICE_COMPONENT_STATE_CONNECTED
                      || state == NICE_COMPONENT_STATE_READY;
  bed->failed |= state == NICE_COMPONENT_STATE_FAILED;
}

static void
ice_state_changed (IceAgent *agent, guint stream, IceConnectionState state,
                   gpointer data)
{
  Bed *bed = data;

  bed->ice_usable
      |= state == ICE_CONNECTION_CONNECTED || state == ICE_CONNECTION_COMPLETED;
  bed->failed |= state == ICE_CONNECTION_FAILED;
}

static void
nice_new_candidate (NiceAgent *agent, NiceCandidate *cand, gpointer data)
{
  Bed *bed = data;
  gchar *line = nice_agent_generate_local_candidate_sdp (agent, cand);
  GError *error = NULL;

  g_assert_true (
      ice_agent_add_remote_candidate (bed->ice, bed->ice_stream, line, &error));
  g_assert_no_error (error);
  g_free (line);
}

static void
nice_gathering_done (NiceAgent *agent, guint stream, gpointer data)
{
  Bed *bed = data;

  ice_agent_end_of_remote_candidates (bed->ice, bed->ice_stream);
}

static void
ice_new_candidate (IceAgent *agent, guint stream, const gchar *line,
                   gpointer data)
{
  Bed *bed = data;
  gchar *sdp = g_strconcat ("a=", line, NULL);
  NiceCandidate *cand = nice_agent_parse_remote_candidate_sdp (
      bed->nice, bed->nice_stream, sdp);
  GSList *list;

  g_assert_nonnull (cand);
  g_assert_nonnull (strstr (line, " typ relay"));
  list = g_slist_append (NULL, cand);
  g_assert_cmpint (
      nice_agent_set_remote_candidates (bed->nice, bed->nice_stream, 1, list),
      ==, 1);
  g_slist_free_full (list, (GDestroyNotify)nice_candidate_free);
  g_free (sdp);
}

static void
make_nice (Bed *bed)
{
  NiceAddress lo;

  bed->nice = nice_agent_new_full (bed->ctx, NICE_COMPATIBILITY_RFC5245,
                                   NICE_AGENT_OPTION_REGULAR_NOMINATION);
  g_object_set (bed->nice, "controlling-mode", FALSE, "upnp", FALSE, NULL);
  nice_address_init (&lo);
  g_assert_true (nice_address_set_from_string (&lo, "127.0.0.1"));
  g_assert_true (nice_agent_add_local_address (bed->nice, &lo));
  bed->nice_stream = nice_agent_add_stream (bed->nice, 1);
  g_assert_true (nice_agent_set_relay_info (
      bed->nice, bed->nice_stream, 1, "127.0.0.1", coturn.port, IO_COTURN_USER,
      IO_COTURN_PASSWORD, NICE_RELAY_TYPE_TURN_UDP));
  g_assert_true (nice_agent_attach_recv (bed->nice, bed->nice_stream, 1,
                                         bed->ctx, nice_received, bed));
  g_signal_connect (bed->nice, "new-candidate-full",
                    G_CALLBACK (nice_new_candidate), bed);
  g_signal_connect (bed->nice, "candidate-gathering-done",
                    G_CALLBACK (nice_gathering_done), bed);
  g_signal_connect (bed->nice, "component-state-changed",
                    G_CALLBACK (nice_state_changed), bed);
}

static void
make_ice (Bed *bed)
{
  const gchar *loopback[] = { "127.0.0.1", NULL };
  gchar *uri = io_coturn_uri (&coturn, "udp");

  bed->ice = ice_agent_new (bed->ctx);
  g_object_set (bed->ice, "controlling-mode", TRUE, "bind-address", loopback,
                "ice-transport-policy", ICE_AGENT_TRANSPORT_POLICY_RELAY,
                "turn-server", uri, NULL);
  g_free (uri);
  bed->ice_stream = ice_agent_add_stream (bed->ice, 1);
  g_assert_true (ice_agent_set_receive_callback (bed->ice, bed->ice_stream, 1,
                                                 ice_received, bed, NULL));
  g_signal_connect (bed->ice, "new-candidate", G_CALLBACK (ice_new_candidate),
                    bed);
  g_signal_connect (bed->ice, "connection-state-changed",
                    G_CALLBACK (ice_state_changed), bed);
}

static void
exchange_credentials (Bed *bed)
{
  gchar *ufrag = NULL, *pwd = NULL;

  g_assert_true (nice_agent_get_local_credentials (bed->nice, bed->nice_stream,
                                                   &ufrag, &pwd));
  g_assert_true (
      ice_agent_set_remote_credentials (bed->ice, bed->ice_stream, ufrag, pwd));
  g_free (ufrag);
  g_free (pwd);
  g_assert_true (ice_agent_get_local_credentials (bed->ice, bed->ice_stream,
                                                  &ufrag, &pwd));
  g_assert_true (nice_agent_set_remote_credentials (bed->nice, bed->nice_stream,
                                                    ufrag, pwd));
  g_free (ufrag);
  g_free (pwd);
}

static void
fill_windows (Bed *bed)
{
  guint8 buf[DATAGRAM_SIZE];

  if (!bed->nice_usable || !bed->ice_usable)
    return;
  while (bed->nice_sent < N_DATAGRAMS
         && bed->nice_sent - bed->ice_got < WINDOW) {
    io_test_fill (buf, sizeof (buf), bed->nice_sent++);
    g_assert_cmpint (nice_agent_send (bed->nice, bed->nice_stream, 1,
                                      sizeof (buf), (const gchar *)buf),
                     ==, sizeof (buf));
  }
  while (bed->ice_sent < N_DATAGRAMS
         && bed->ice_sent - bed->nice_got < WINDOW) {
    io_test_fill (buf, sizeof (buf), bed->ice_sent++);
    g_assert_cmpuint (
        ice_agent_send (bed->ice, bed->ice_stream, 1, buf, sizeof (buf)), ==,
        1);
  }
}

static void
nice_closed (GObject *source, GAsyncResult *result, gpointer data)
{
  *(gboolean *)data = TRUE;
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
run_until (Bed *bed, gboolean (*done) (Bed *bed), gint64 deadline)
{
  while (!done (bed) && !bed->failed && g_get_monotonic_time () < deadline) {
    g_main_context_iteration (bed->ctx, TRUE);
    fill_windows (bed);
  }
  return done (bed);
}

static gboolean
both_usable (Bed *bed)
{
  return bed->nice_usable && bed->ice_usable;
}

static gboolean
all_received (Bed *bed)
{
  return bed->ice_got == N_DATAGRAMS && bed->nice_got == N_DATAGRAMS;
}

static void
test_relay_only_against_libnice (void)
{
  Bed bed = { 0 };
  GSource *ticker;
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;
  IceCandidate local, remote;
  GError *error = NULL;
  gboolean closed = FALSE;

  if (coturn.pid == 0) {
    g_test_skip ("turnserver or openssl not installed");
    return;
  }
  bed.in_order = TRUE;
  bed.ctx = g_main_context_new ();
  ticker = g_timeout_source_new (20);
  g_source_set_callback (ticker, tick, NULL, NULL);
  g_source_attach (ticker, bed.ctx);
  make_ice (&bed);
  make_nice (&bed);
  exchange_credentials (&bed);
  g_assert_true (nice_agent_gather_candidates (bed.nice, bed.nice_stream));
  g_assert_true (ice_agent_gather (bed.ice, bed.ice_stream, &error));
  g_assert_no_error (error);

  g_assert_true (run_until (&bed, both_usable, deadline));
  g_assert_true (ice_agent_get_selected_pair (bed.ice, bed.ice_stream, 1,
                                              &local, &remote));
  g_assert_cmpint (local.type, ==, ICE_CANDIDATE_TYPE_RELAYED);
  g_assert_true (run_until (&bed, all_received, deadline));
  g_assert_true (bed.in_order);

  g_object_unref (bed.ice);
  /* libnice releases its allocation first */
  g_main_context_push_thread_default (bed.ctx); /* where GTask answers */
  nice_agent_close_async (bed.nice, nice_closed, &closed);
  g_main_context_pop_thread_default (bed.ctx);
  while (!closed)
    g_main_context_iteration (bed.ctx, TRUE);
  g_object_unref (bed.nice);
  g_source_destroy (ticker);
  g_source_unref (ticker);
  while (g_main_context_iteration (bed.ctx, FALSE))
    ;
  g_main_context_unref (bed.ctx);
}
#else

static void
test_skip (void)
{
  g_test_skip ("libnice (pkg-config nice) was not found at configure time");
}
#endif /* HAVE_LIBNICE */

int
main (int argc, char **argv)
{
  gint ret;

  g_test_init (&argc, &argv, NULL);
#ifdef HAVE_LIBNICE
  g_test_add_func ("/io/turn/relay-only-against-libnice",
                   test_relay_only_against_libnice);
  if (!io_coturn_start (&coturn))
    coturn.pid = 0;
  ret = g_test_run ();
  io_coturn_stop (&coturn);
#else
  g_test_add_func ("/io/turn/libnice-skipped", test_skip);
  ret = g_test_run ();
#endif
  return ret;
}
