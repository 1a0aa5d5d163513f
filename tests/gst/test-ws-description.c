/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ws:// signaller without I/O (docs/signalling.md): our description
 * diffed into messages (trickle, a new generation on a new ufrag, resend
 * on peer-joined, hold), the peer's messages assembled into lines (stale,
 * duplicate, early and malformed ones dropped), and the URI's checks.
 */
#include "gst/gsticewsdescription.h"
#include "gst/gsticewsuri.h"

#include <string.h>

#define UFRAG1 "aaaa1111"
#define UFRAG2 "bbbb2222"
#define PWD "pppppppppppppppppppppppp"
#define C1 "candidate:1 1 UDP 2130706431 127.0.0.1 4000 typ host"
#define C2 "candidate:2 1 UDP 2130706430 127.0.0.1 4001 typ host"

static gchar *
description (const gchar *ufrag, const gchar *cands, gboolean end)
{
  return g_strdup_printf ("a=ice-ufrag:%s\r\na=ice-pwd:" PWD
                          "\r\na=ice-options:trickle ice2\r\n%s%s",
                          ufrag, cands, end ? "a=end-of-candidates\r\n" : "");
}

/* The kinds of the pending messages as a string: "C" credentials, "c"
 * candidate, "e" end-of-candidates. */
static gchar *
pending (GstIceWsLocal *l)
{
  GPtrArray *outs = gst_ice_ws_local_take_pending (l);
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < outs->len; i++) {
    GstIceWsOut *o = g_ptr_array_index (outs, i);

    g_string_append_c (s, "Cce"[o->kind]);
    if (o->kind == GST_ICE_WS_OUT_CANDIDATE)
      g_assert_true (g_str_has_prefix (o->candidate, "candidate:"));
  }
  g_ptr_array_unref (outs);
  return g_string_free (s, FALSE);
}

static void
check_pending (GstIceWsLocal *l, const gchar *expected)
{
  gchar *got = pending (l);

  g_assert_cmpstr (got, ==, expected);
  g_free (got);
}

static void
update (GstIceWsLocal *l, const gchar *ufrag, const gchar *cands, gboolean end,
        gboolean restarted)
{
  gchar *d = description (ufrag, cands, end);

  g_assert_cmpint (gst_ice_ws_local_update (l, d), ==, restarted);
  g_free (d);
}

static void
test_local_trickle (void)
{
  GstIceWsLocal l;

  gst_ice_ws_local_init (&l);
  check_pending (&l, "");
  update (&l, UFRAG1, "", FALSE, TRUE);
  g_assert_cmpint (l.generation, ==, 0);
  check_pending (&l, "C");
  update (&l, UFRAG1, "a=" C1 "\r\n", FALSE, FALSE);
  check_pending (&l, "c");
  update (&l, UFRAG1, "a=" C1 "\r\na=" C2 "\r\n", TRUE, FALSE);
  check_pending (&l, "ce");
  check_pending (&l, "");
  /* a peer joined: everything again */
  gst_ice_ws_local_resend (&l);
  check_pending (&l, "Ccce");
  /* a restart: generation 1, from its credentials on */
  update (&l, UFRAG2, "", FALSE, TRUE);
  g_assert_cmpint (l.generation, ==, 1);
  check_pending (&l, "C");
  update (&l, UFRAG2, "a=" C1 "\r\n", TRUE, FALSE);
  check_pending (&l, "ce");
  gst_ice_ws_local_clear (&l);
}

static void
test_local_hold (void)
{
  GstIceWsLocal l;

  gst_ice_ws_local_init (&l);
  update (&l, UFRAG1, "a=" C1 "\r\n", TRUE, TRUE);
  gst_ice_ws_local_hold (&l);
  gst_ice_ws_local_resend (&l);
  check_pending (&l, "");
  update (&l, UFRAG1, "a=" C1 "\r\na=" C2 "\r\n", TRUE, FALSE);
  check_pending (&l, "");
  /* the restart we waited for */
  update (&l, UFRAG2, "", FALSE, TRUE);
  check_pending (&l, "C");
  gst_ice_ws_local_clear (&l);
}

static void
test_remote (void)
{
  GstIceWsRemote r;
  gchar *text;

  gst_ice_ws_remote_init (&r);
  g_assert_false (gst_ice_ws_remote_set_peer (&r, "p1"));
  /* candidates before credentials: early */
  g_assert_cmpint (gst_ice_ws_remote_candidate (&r, 0, C1, &text), ==,
                   GST_ICE_WS_REMOTE_EARLY);
  g_assert_null (text);
  g_assert_cmpint (gst_ice_ws_remote_credentials (&r, 0, UFRAG1, PWD, &text),
                   ==, GST_ICE_WS_REMOTE_NEW);
  g_assert_nonnull (strstr (text, "a=ice-ufrag:" UFRAG1 "\r\n"));
  g_assert_nonnull (strstr (text, "a=ice-pwd:" PWD "\r\n"));
  g_free (text);
  /* with or without a= */
  g_assert_cmpint (gst_ice_ws_remote_candidate (&r, 0, "a=" C1, &text), ==,
                   GST_ICE_WS_REMOTE_MORE);
  g_assert_cmpstr (text, ==, "a=" C1 "\r\n");
  g_free (text);
  g_assert_cmpint (gst_ice_ws_remote_candidate (&r, 0, C1, &text), ==,
                   GST_ICE_WS_REMOTE_DUPLICATE);
  g_assert_cmpint (gst_ice_ws_remote_credentials (&r, 0, UFRAG1, PWD, &text),
                   ==, GST_ICE_WS_REMOTE_DUPLICATE);
  g_assert_cmpint (gst_ice_ws_remote_end (&r, 0, &text), ==,
                   GST_ICE_WS_REMOTE_MORE);
  g_assert_cmpstr (text, ==, "a=end-of-candidates\r\n");
  g_free (text);
  g_assert_cmpint (gst_ice_ws_remote_end (&r, 0, &text), ==,
                   GST_ICE_WS_REMOTE_DUPLICATE);
  /* the peer restarts: generation 1; then a late one of generation 0 */
  g_assert_cmpint (gst_ice_ws_remote_credentials (&r, 1, UFRAG2, PWD, &text),
                   ==, GST_ICE_WS_REMOTE_NEW);
  g_free (text);
  g_assert_cmpint (gst_ice_ws_remote_candidate (&r, 0, C2, &text), ==,
                   GST_ICE_WS_REMOTE_STALE);
  g_assert_cmpint (gst_ice_ws_remote_credentials (&r, 0, UFRAG1, PWD, &text),
                   ==, GST_ICE_WS_REMOTE_STALE);
  g_assert_cmpint (gst_ice_ws_remote_candidate (&r, 1, C1, &text), ==,
                   GST_ICE_WS_REMOTE_MORE);
  g_free (text);
  /* the same peer again (a reconnect): nothing forgotten */
  g_assert_false (gst_ice_ws_remote_set_peer (&r, "p1"));
  g_assert_cmpint (gst_ice_ws_remote_credentials (&r, 1, UFRAG2, PWD, &text),
                   ==, GST_ICE_WS_REMOTE_DUPLICATE);
  /* another peer: its generation 0 is new */
  g_assert_true (gst_ice_ws_remote_set_peer (&r, "p2"));
  g_assert_cmpint (gst_ice_ws_remote_credentials (&r, 0, UFRAG1, PWD, &text),
                   ==, GST_ICE_WS_REMOTE_NEW);
  g_free (text);
  gst_ice_ws_remote_clear (&r);
}

/* What a server or a peer could send that must not reach the agent's
 * text as more than one line. */
static void
test_remote_malformed (void)
{
  GstIceWsRemote r;
  gchar *text, *long_line;

  gst_ice_ws_remote_init (&r);
  gst_ice_ws_remote_set_peer (&r, "p1");
  g_assert_cmpint (
      gst_ice_ws_remote_credentials (&r, 0, "ab\r\na=x", PWD, &text), ==,
      GST_ICE_WS_REMOTE_MALFORMED);
  g_assert_cmpint (
      gst_ice_ws_remote_credentials (&r, 0, UFRAG1, "short", &text), ==,
      GST_ICE_WS_REMOTE_MALFORMED);
  g_assert_cmpint (gst_ice_ws_remote_credentials (&r, -1, UFRAG1, PWD, &text),
                   ==, GST_ICE_WS_REMOTE_MALFORMED);
  g_assert_cmpint (gst_ice_ws_remote_credentials (&r, 0, UFRAG1, PWD, &text),
                   ==, GST_ICE_WS_REMOTE_NEW);
  g_free (text);
  g_assert_cmpint (
      gst_ice_ws_remote_candidate (&r, 0, C1 "\r\na=ice-ufrag:x", &text), ==,
      GST_ICE_WS_REMOTE_MALFORMED);
  g_assert_cmpint (gst_ice_ws_remote_candidate (&r, 0, "ice-ufrag:x", &text),
                   ==, GST_ICE_WS_REMOTE_MALFORMED);
  g_assert_cmpint (gst_ice_ws_remote_candidate (&r, 0, NULL, &text), ==,
                   GST_ICE_WS_REMOTE_MALFORMED);
  long_line = g_strnfill (2000, 'x');
  memcpy (long_line, "candidate:", 10);
  g_assert_cmpint (gst_ice_ws_remote_candidate (&r, 0, long_line, &text), ==,
                   GST_ICE_WS_REMOTE_MALFORMED);
  g_free (long_line);
  g_assert_null (text);
  gst_ice_ws_remote_clear (&r);
}

static void
check_uri (const gchar *uri, const gchar *token, const gchar *expected)
{
  GError *err = NULL;
  GstIceWsUri *ws = gst_ice_ws_uri_parse (uri, token, &err);
  gchar *s;

  if (expected == NULL) {
    g_assert_null (ws);
    g_assert_nonnull (err);
    g_error_free (err);
    return;
  }
  g_assert_no_error (err);
  s = gst_ice_ws_uri_to_string (ws, TRUE);
  g_assert_cmpstr (s, ==, expected);
  g_free (s);
  s = gst_ice_ws_uri_to_string (ws, FALSE);
  g_assert_null (strstr (s, "token"));
  g_free (s);
  gst_ice_ws_uri_free (ws);
}

static void
test_uri (void)
{
  check_uri ("ws://127.0.0.1:8443/room1", NULL, "ws://127.0.0.1:8443/room1");
  check_uri ("wss://example.com/a.b_c-d", NULL,
             "wss://example.com:443/a.b_c-d");
  check_uri ("ws://h:1/r?token=s%20t", NULL, "ws://h:1/r?token=s%20t");
  /* the property wins over the query */
  check_uri ("ws://h:1/r?token=a", "b&c", "ws://h:1/r?token=b%26c");
  check_uri ("ws://[::1]:9/r", NULL, "ws://[::1]:9/r");
  check_uri ("ws://h:1/", NULL, NULL);
  check_uri ("ws://h:1/a/b", NULL, NULL);
  check_uri ("ws://h:1/r?x=1", NULL, NULL);
  check_uri ("ws://u@h:1/r", NULL, NULL);
  check_uri ("http://h:1/r", NULL, NULL);
  check_uri ("ws:///r", NULL, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ws/local/trickle", test_local_trickle);
  g_test_add_func ("/ws/local/hold", test_local_hold);
  g_test_add_func ("/ws/remote/generations", test_remote);
  g_test_add_func ("/ws/remote/malformed", test_remote_malformed);
  g_test_add_func ("/ws/uri", test_uri);
  return g_test_run ();
}
