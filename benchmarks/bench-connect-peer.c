/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-connect-peer: ONE side of a connection, gst-ice (IceAgent) or
 * libnice (NiceAgent), per process, so that the two sides can run in
 * different network namespaces behind real NATs (bench-connect-netns.sh).
 * The two processes talk through two FIFOs made by the script: --out is
 * ours to write, --in the peer's. The libnice glue is in bench-peer-nice.c.
 *
 * Signalling is offer/answer, not trickle, so that gathering (STUN and TURN
 * round trips, libnice's ~2 s with a relay) is outside the clock:
 *   1. both gather;
 *   2. the controlling side writes its complete description (credentials,
 *      candidates, end-of-candidates) and a "." line;
 *   3. the controlled side, once it has gathered and read that, applies it
 *      and only then writes its own description: so when the controlling
 *      side has read it, BOTH have each other's description (the barrier);
 *   4. the controlling side starts its clock there, applies the answer and
 *      stops the clock when it has a selected pair and a usable state AND
 *      the controlled side has said "connected" (it sends that line when it
 *      has a selected pair and a usable state too), like bench-connect;
 *   5. it prints a RESULT line and writes "bye"; both exit.
 * Only the controlling side's monotonic clock is used for the figure; the
 * controlled side reports its own time from applying the offer to being
 * connected (its clock, its own interval), which is printed as well.
 *
 * The controlled side applies the offer a pipe hop before the controlling
 * side reads the answer, so its first checks may leave slightly before the
 * clock starts, as in any offer/answer exchange.
 *
 * Output of the controlling side:
 *   RESULT impl=ice|nice ms=BOTH self_ms=OWN peer_ms=PEER
 *     pair=LOCAL/REMOTE peer_pair=LOCAL/REMOTE
 * with each candidate as TYPE:ADDRESS:PORT; exit status 0, or 1 when the
 * connection failed or timed out (a FAIL line says why).
 */
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <string.h>
#include <unistd.h>

#include "benchmarks/bench-connect-peer.h"
#include "benchmarks/bench-nice-sdp.h"

void
peer_finish (Peer *p, gint status, const gchar *why)
{
  if (p->finished)
    return;
  p->finished = TRUE;
  if (why != NULL)
    g_print ("FAIL role=%s impl=%s: %s\n",
             p->controlling ? "controlling" : "controlled",
             p->use_ice ? "ice" : "nice", why);
  p->status = status;
  g_main_loop_quit (p->loop);
}

/* The FIFOs hold far less than a pipe buffer: a write never blocks. */
static void
send_text (Peer *p, const gchar *text)
{
  gsize len = strlen (text), done = 0;

  while (done < len) {
    gssize n = write (p->out_fd, text + done, len - done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      peer_finish (p, 1, "writing to the peer's FIFO failed");
      return;
    }
    done += n;
  }
}

/* "candidate:F C UDP PRIO ADDR PORT typ TYPE ..." -> "TYPE:ADDR:PORT" */
static gchar *
short_candidate (const gchar *line)
{
  gchar **f = g_strsplit (line, " ", 0);
  gchar *s;

  if (g_strv_length (f) >= 8)
    s = g_strdup_printf ("%s:%s:%s", f[7], f[4], f[5]);
  else
    s = g_strdup ("?");
  g_strfreev (f);
  return s;
}

gchar *
peer_short_pair (const gchar *local, const gchar *remote)
{
  gchar *l = short_candidate (local), *r = short_candidate (remote);
  gchar *s = g_strdup_printf ("%s/%s", l, r);

  g_free (l);
  g_free (r);
  return s;
}

static void
report (Peer *p)
{
  gint64 end = MAX (p->self_us, p->peer_us);

  g_print ("RESULT impl=%s ms=%.1f self_ms=%.1f peer_ms=%.1f pair=%s "
           "peer_pair=%s\n",
           p->use_ice ? "ice" : "nice", (end - p->t0_us) / 1000.0,
           (p->self_us - p->t0_us) / 1000.0, p->peer_ms, p->pair, p->peer_pair);
  send_text (p, "bye\n");
  peer_finish (p, 0, NULL);
}

/* Called whenever our own state or pair changed. */
void
peer_check_connected (Peer *p)
{
  gchar *msg;

  if (!p->applied || !p->usable || !p->has_pair || p->self_us != 0)
    return;
  p->self_us = g_get_monotonic_time ();
  if (p->controlling) {
    if (p->peer_connected)
      report (p);
    return;
  }
  msg = g_strdup_printf ("connected %.1f %s\n",
                         (p->self_us - p->t0_us) / 1000.0, p->pair);
  send_text (p, msg);
  g_free (msg);
}

/* --- gst-ice ------------------------------------------------------------- */

static void on_ice_gathered (IceAgent *agent, guint stream, Peer *p);

static void
on_ice_state (IceAgent *agent, guint stream, IceConnectionState state, Peer *p)
{
  gchar *local = NULL, *remote = NULL;

  if (state == ICE_CONNECTION_FAILED) {
    peer_finish (p, 1, "gst-ice: connection failed");
    return;
  }
  /* ice-session.h: CONNECTED means every component has a selected pair */
  p->usable
      = state == ICE_CONNECTION_CONNECTED || state == ICE_CONNECTION_COMPLETED;
  if (p->usable && p->pair == NULL
      && ice_agent_get_selected_pair_strings (agent, stream, 1, &local,
                                              &remote)) {
    p->pair = peer_short_pair (local, remote);
    p->has_pair = TRUE;
  }
  g_free (local);
  g_free (remote);
  peer_check_connected (p);
}

static void
make_ice (Peer *p)
{
  p->ice = ice_agent_new (g_main_context_get_thread_default ());
  g_object_set (p->ice, "controlling-mode", p->controlling, "nomination",
                p->regular ? ICE_NOMINATION_REGULAR : ICE_NOMINATION_AGGRESSIVE,
                NULL);
  if (p->stun_host != NULL) {
    gchar *uri = g_strdup_printf ("stun://%s:%u", p->stun_host, p->stun_port);

    g_object_set (p->ice, "stun-server", uri, NULL);
    g_free (uri);
  }
  if (p->turn_uri != NULL)
    g_object_set (p->ice, "turn-server", p->turn_uri, NULL);
  p->ice_stream = ice_agent_add_stream (p->ice, 1);
  g_signal_connect (p->ice, "gathering-done", G_CALLBACK (on_ice_gathered), p);
  g_signal_connect (p->ice, "connection-state-changed",
                    G_CALLBACK (on_ice_state), p);
}

static gchar *
ice_description (Peer *p)
{
  return ice_agent_get_local_description (p->ice, p->ice_stream);
}

static gboolean
ice_apply (Peer *p, const gchar *text)
{
  GError *error = NULL;

  if (ice_agent_set_remote_description (p->ice, p->ice_stream, text, &error)
      < 0) {
    g_print ("# gst-ice refused the description: %s\n", error->message);
    g_error_free (error);
    return FALSE;
  }
  return TRUE;
}

/* --- the exchange -------------------------------------------------------- */

static void
send_description (Peer *p)
{
  gchar *d = p->use_ice ? ice_description (p)
                        : bench_nice_description (p->nice, p->nice_stream);

  send_text (p, d);
  send_text (p, ".\n");
  g_free (d);
}

static void
apply_remote (Peer *p)
{
  if (!(p->use_ice
            ? ice_apply (p, p->remote->str)
            : bench_nice_apply (p->nice, p->nice_stream, p->remote->str))) {
    peer_finish (p, 1, "the peer's description was refused");
    return;
  }
  p->applied = TRUE;
}

/* Steps 3 and 4 of the exchange, once gathered and the peer's description
 * is complete. */
static void
maybe_apply (Peer *p)
{
  if (!p->gathered || !p->have_remote || p->applied)
    return;
  p->t0_us = g_get_monotonic_time ();
  apply_remote (p);
  if (!p->controlling && p->applied)
    send_description (p);
}

void
peer_gathered (Peer *p)
{
  if (p->gathered)
    return;
  p->gathered = TRUE;
  if (p->controlling)
    send_description (p);
  maybe_apply (p);
}

static void
on_ice_gathered (IceAgent *agent, guint stream, Peer *p)
{
  peer_gathered (p);
}

static void
on_peer_line (Peer *p, const gchar *line)
{
  if (p->have_remote == FALSE && g_str_equal (line, ".")) {
    p->have_remote = TRUE;
    maybe_apply (p);
  } else if (p->have_remote == FALSE) {
    g_string_append_printf (p->remote, "%s\n", line);
  } else if (p->controlling && g_str_has_prefix (line, "connected ")) {
    gchar **f = g_strsplit (line, " ", 3);

    p->peer_us = g_get_monotonic_time ();
    p->peer_connected = TRUE;
    p->peer_ms = g_ascii_strtod (f[1], NULL);
    p->peer_pair = g_strdup (f[2] ? f[2] : "?");
    g_strfreev (f);
    if (p->self_us != 0)
      report (p);
  } else if (!p->controlling && g_str_equal (line, "bye")) {
    peer_finish (p, 0, NULL);
  }
}

static gboolean
on_peer_readable (gint fd, GIOCondition cond, gpointer data)
{
  Peer *p = data;
  gchar buf[4096], *nl;
  gssize n;

  while ((n = read (fd, buf, sizeof buf)) > 0)
    g_string_append_len (p->inbuf, buf, n);
  if (n < 0 && errno != EAGAIN && errno != EINTR) {
    peer_finish (p, 1, "reading the peer's FIFO failed");
    return G_SOURCE_REMOVE;
  }
  while ((nl = strchr (p->inbuf->str, '\n')) != NULL) {
    gchar *line = g_strndup (p->inbuf->str, nl - p->inbuf->str);

    g_string_erase (p->inbuf, 0, nl - p->inbuf->str + 1);
    on_peer_line (p, line);
    g_free (line);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer data)
{
  Peer *p = data;

  peer_finish (p, 1,
               p->applied ? "not connected in time" : "no exchange in time");
  return G_SOURCE_REMOVE;
}

/* --- options, main --------------------------------------------------------
 */

/* "turn://user:pass@host:port" for libnice's set_relay_info */
static gboolean
split_turn_uri (Peer *p)
{
  GUri *uri = g_uri_parse (p->turn_uri, G_URI_FLAGS_HAS_PASSWORD, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL
      || g_uri_get_user (uri) == NULL || g_uri_get_password (uri) == NULL) {
    if (uri != NULL)
      g_uri_unref (uri);
    return FALSE;
  }
  p->turn_host = g_strdup (g_uri_get_host (uri));
  p->turn_port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 3478;
  p->turn_user = g_strdup (g_uri_get_user (uri));
  p->turn_pass = g_strdup (g_uri_get_password (uri));
  g_uri_unref (uri);
  return TRUE;
}

static gboolean
parse_options (Peer *p, int argc, char **argv, gint *timeout_s)
{
  gchar *role = NULL, *impl = NULL, *stun = NULL, *nomination = NULL;
  gchar *in = NULL, *out = NULL, *colon;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "controlling|controlled", "R" },
    { "impl", 0, 0, G_OPTION_ARG_STRING, &impl, "ice|nice", "I" },
    { "stun", 0, 0, G_OPTION_ARG_STRING, &stun, "STUN server", "HOST:PORT" },
    { "turn", 0, 0, G_OPTION_ARG_STRING, &p->turn_uri, "TURN server (UDP)",
      "turn://USER:PASS@HOST:PORT" },
    { "nomination", 0, 0, G_OPTION_ARG_STRING, &nomination,
      "regular (default) or aggressive", "N" },
    { "in", 0, 0, G_OPTION_ARG_FILENAME, &in, "FIFO the peer writes", "P" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "FIFO the peer reads", "P" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, timeout_s, "give up after S s", "S" },
    { NULL },
  };
  GOptionContext *octx = g_option_context_new ("- one side of a connect");
  gboolean ok;

  g_option_context_add_main_entries (octx, entries, NULL);
  ok = g_option_context_parse (octx, &argc, &argv, NULL) && role && impl && in
       && out
       && (g_str_equal (role, "controlling")
           || g_str_equal (role, "controlled"))
       && (g_str_equal (impl, "ice") || g_str_equal (impl, "nice"))
       && (nomination == NULL || g_str_equal (nomination, "regular")
           || g_str_equal (nomination, "aggressive"))
       && (p->turn_uri == NULL || split_turn_uri (p));
  g_option_context_free (octx);
  if (ok) {
    p->controlling = g_str_equal (role, "controlling");
    p->use_ice = g_str_equal (impl, "ice");
    p->regular = g_strcmp0 (nomination, "aggressive") != 0;
    if (stun != NULL && (colon = strrchr (stun, ':')) != NULL) {
      p->stun_host = g_strndup (stun, colon - stun);
      p->stun_port = (guint)g_ascii_strtoull (colon + 1, NULL, 10);
    } else if (stun != NULL) {
      p->stun_host = g_strdup (stun);
      p->stun_port = 3478;
    }
    /* O_RDWR: opening a FIFO so never blocks on Linux and never sees EOF,
     * whichever side opens first */
    p->in_fd = open (in, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    p->out_fd = open (out, O_RDWR | O_CLOEXEC);
    ok = p->in_fd >= 0 && p->out_fd >= 0;
  }
  g_free (role);
  g_free (impl);
  g_free (stun);
  g_free (nomination);
  g_free (in);
  g_free (out);
  return ok;
}

int
main (int argc, char **argv)
{
  Peer p = { .in_fd = -1, .out_fd = -1, .status = 1 };
  gint timeout_s = 20;
  GMainContext *ctx;
  GSource *src;

  if (!parse_options (&p, argc, argv, &timeout_s)) {
    g_printerr ("usage: --role controlling|controlled --impl ice|nice "
                "--in FIFO --out FIFO [--stun HOST:PORT] "
                "[--turn turn://U:P@HOST:PORT] [--nomination N]\n");
    return 2;
  }
  ctx = g_main_context_new ();
  g_main_context_push_thread_default (ctx);
  p.loop = g_main_loop_new (ctx, FALSE);
  p.inbuf = g_string_new (NULL);
  p.remote = g_string_new (NULL);
  src = g_unix_fd_source_new (p.in_fd, G_IO_IN);
  g_source_set_callback (src, G_SOURCE_FUNC (on_peer_readable), &p, NULL);
  g_source_attach (src, ctx);
  g_source_unref (src);
  src = g_timeout_source_new_seconds (timeout_s);
  g_source_set_callback (src, on_timeout, &p, NULL);
  g_source_attach (src, ctx);
  g_source_unref (src);
  if (p.use_ice) {
    make_ice (&p);
    if (!ice_agent_gather (p.ice, p.ice_stream, NULL))
      peer_finish (&p, 1, "gst-ice could not gather");
  } else {
    peer_nice_make (&p);
    if (!nice_agent_gather_candidates (p.nice, p.nice_stream))
      peer_finish (&p, 1, "libnice could not gather");
  }
  if (!p.finished)
    g_main_loop_run (p.loop);
  if (p.ice != NULL) {
    ice_agent_close (p.ice);
    g_object_unref (p.ice);
  }
  if (p.nice != NULL) {
    peer_nice_close (&p, ctx);
    g_object_unref (p.nice);
  }
  return p.status;
}
