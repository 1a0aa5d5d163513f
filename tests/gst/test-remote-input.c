/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The peer's input is untrusted: add-ice-candidate and
 * set-remote-description with bad lines post a bus warning that names the
 * line and what was expected, count the refusal in "stats", and never
 * abort (this test runs with G_DEBUG=fatal-warnings, and makes warnings
 * and criticals fatal itself too). A description with bad lines still
 * applies the rest: the pair connects and carries data.
 */
#include <gst/gst.h>
#include <gst/base/gstbasesrc.h>
#include <gst/check/gstharness.h>
#include <string.h>

#define WAIT_NS (10 * GST_SECOND)

static GstElement *
new_element (const gchar *factory, const gchar *agent, GstBus *bus)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  g_object_set (e, "agent-name", agent, "bind-address", "127.0.0.1", NULL);
  /* a lone element posts on no bus: give it one to watch */
  gst_element_set_bus (e, bus);
  return e;
}

/* Wraps @e (taken); the harness starts a sink at once. */
static GstHarness *
harness_of (GstElement *e)
{
  gboolean is_src = GST_IS_BASE_SRC (e);
  GstHarness *h = gst_harness_new_with_element (e, is_src ? NULL : "sink",
                                                is_src ? "src" : NULL);

  gst_object_unref (e);
  return h;
}

static GstHarness *
new_harness (const gchar *factory, const gchar *agent, GstBus *bus)
{
  return harness_of (new_element (factory, agent, bus));
}

/* The bus's messages hold the element, the element holds the bus: cut
 * the cycle before the harness lets go. */
static void
teardown (GstHarness *h, GstBus *bus)
{
  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
}

/* The details of the next warning on @bus (waited for: the signal posts it
 * before it returns, or on the agent's thread for the pair). */
static GstStructure *
pop_refusal (GstBus *bus)
{
  GstMessage *m
      = gst_bus_timed_pop_filtered (bus, WAIT_NS, GST_MESSAGE_WARNING);
  const GstStructure *details = NULL;
  GstStructure *copy;

  if (m == NULL)
    g_error ("no warning on %s", GST_OBJECT_NAME (bus));
  gst_message_parse_warning_details (m, &details);
  g_assert_nonnull (details);
  copy = gst_structure_copy (details);
  gst_message_unref (m);
  return copy;
}

static void
assert_refusal (GstBus *bus, const gchar *line, const gchar *reason,
                const gchar *expected)
{
  GstStructure *d = pop_refusal (bus);

  g_assert_cmpstr (gst_structure_get_string (d, "line"), ==, line);
  g_assert_cmpstr (gst_structure_get_string (d, "reason"), ==, reason);
  if (strstr (gst_structure_get_string (d, "expected"), expected) == NULL)
    g_error ("'%s' lacks '%s'", gst_structure_get_string (d, "expected"),
             expected);
  gst_structure_free (d);
}

static guint64
stat_of (GstElement *e, const gchar *field)
{
  GstStructure *s = NULL;
  guint64 v = G_MAXUINT64;

  g_object_get (e, "stats", &s, NULL);
  g_assert_true (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  return v;
}

/* Trickled lines on an rtcp-mux stream (one component): component 2,
 * garbage, group and broadcast addresses are refused one by one. */
static void
test_trickle (void)
{
  static const struct {
    const gchar *line;
    const gchar *reason;
    const gchar *expected;
  } bad[] = {
    { "candidate:1 2 UDP 2015364095 127.0.0.1 4000 typ host",
      "unknown-component", "component 1..1 of stream 0 expected, got 2" },
    { "candidate:garbage", "malformed", "8 fields" },
    { "a=candidate:1 1 UDP 2015364095 224.0.0.1 4000 typ host", "not-unicast",
      "a unicast address" },
    { "candidate:1 1 UDP 2015364095 255.255.255.255 4000 typ host",
      "not-unicast", "a unicast address" },
    { "candidate:1 1 UDP 2015364095 ff02::1 4000 typ host", "not-unicast",
      "a unicast address" },
    { "candidate:1 1 UDP 2015364095 :: 4000 typ host", "not-unicast",
      "a unicast address" },
    /* a DNS name: only mDNS <label>.local names are resolved (and those
     * count as unresolved only after the mDNS timeout, test-agent-mdns) */
    { "candidate:1 1 UDP 2015364095 host.example.org 4000 typ host",
      "unresolved", "host.example.org" },
  };
  GstBus *bus = gst_bus_new ();
  GstHarness *h = new_harness ("icesrc", "ri-trickle", bus);
  guint i;

  gst_harness_play (h);
  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_signal_emit_by_name (h->element, "add-ice-candidate", 0, bad[i].line);
    assert_refusal (bus, bad[i].line, bad[i].reason, bad[i].expected);
  }
  /* a good one says nothing and counts nothing */
  g_signal_emit_by_name (h->element, "add-ice-candidate", 0,
                         "candidate:1 1 UDP 2015364095 127.0.0.1 4000 typ "
                         "host");
  g_assert_null (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING));
  g_assert_cmpuint (stat_of (h->element, "remote-rejected"), ==, 7);
  g_assert_cmpuint (stat_of (h->element, "remote-rejected-unknown-component"),
                    ==, 1);
  g_assert_cmpuint (stat_of (h->element, "remote-rejected-malformed"), ==, 1);
  g_assert_cmpuint (stat_of (h->element, "remote-rejected-not-unicast"), ==, 4);
  g_assert_cmpuint (stat_of (h->element, "remote-rejected-unresolved"), ==, 1);
  /* no mDNS name was given: nothing asked (test-agent-mdns asks) */
  g_assert_cmpuint (stat_of (h->element, "mdns-queries-sent"), ==, 0);
  g_assert_cmpuint (stat_of (h->element, "mdns-resolved"), ==, 0);
  g_assert_cmpuint (stat_of (h->element, "mdns-timeouts"), ==, 0);
  g_assert_cmpuint (stat_of (h->element, "mdns-dropped"), ==, 0);
  /* mdns is off by default: no name made, nothing answered */
  g_assert_cmpuint (stat_of (h->element, "mdns-names-published"), ==, 0);
  g_assert_cmpuint (stat_of (h->element, "mdns-answers-sent"), ==, 0);
  g_assert_cmpuint (stat_of (h->element, "mdns-queries-ignored"), ==, 0);
  g_assert_cmpuint (stat_of (h->element, "mdns-answers-rate-limited"), ==, 0);
  g_assert_cmpuint (stat_of (h->element, "mdns-conflicts"), ==, 0);
  teardown (h, bus);
}

/* mdns-resolve=false reaches the agent: a peer's <uuid>.local candidate
 * is refused at once as unresolved and no query is sent (the default,
 * TRUE, asks on the host's multicast route: tests/io/test-agent-mdns does
 * it in a namespace of its own) */
static void
test_mdns_resolve_off (void)
{
  static const gchar line[]
      = "candidate:1 1 UDP 2015364095 "
        "00010203-0405-4607-8809-0a0b0c0d0e0f.local 4000 typ host";
  GstBus *bus = gst_bus_new ();
  GstElement *e = new_element ("icesrc", "ri-mdns-off", bus);
  GstHarness *h;
  gboolean resolve = TRUE;

  g_object_set (e, "mdns-resolve", FALSE, NULL);
  g_object_get (e, "mdns-resolve", &resolve, NULL);
  g_assert_false (resolve);
  h = harness_of (e);
  gst_harness_play (h);
  g_signal_emit_by_name (h->element, "add-ice-candidate", 0, line);
  assert_refusal (bus, line, "unresolved", ".local");
  g_assert_cmpuint (stat_of (h->element, "remote-rejected-unresolved"), ==, 1);
  g_assert_cmpuint (stat_of (h->element, "mdns-queries-sent"), ==, 0);
  teardown (h, bus);
}

/* A description without valid credentials is refused whole (the signal
 * returns FALSE), the bad ufrag line named. */
static void
test_bad_credentials (void)
{
  GstBus *bus = gst_bus_new ();
  GstHarness *h = new_harness ("icesrc", "ri-credentials", bus);
  gboolean ok = TRUE;

  gst_harness_play (h);
  g_signal_emit_by_name (h->element, "set-remote-description", 0,
                         "a=ice-ufrag:ab\r\n"
                         "a=ice-pwd:asd88fgpdd777uzjYhagZg\r\n",
                         &ok);
  g_assert_false (ok);
  assert_refusal (bus, "line 1", "bad-credentials",
                  "ice-ufrag of 4-256 ice-chars");
  assert_refusal (bus, "(whole)", "bad-credentials", "a=ice-ufrag");
  g_signal_emit_by_name (h->element, "set-remote-description", 0,
                         "a=ice-ufrag:abcd\r\na=ice-pwd:short\r\n", &ok);
  g_assert_false (ok);
  assert_refusal (bus, "line 2", "bad-credentials",
                  "ice-pwd of 22-256 ice-chars");
  assert_refusal (bus, "(whole)", "bad-credentials", "a=ice-pwd");
  g_assert_cmpuint (stat_of (h->element, "remote-rejected-bad-credentials"), ==,
                    2);
  teardown (h, bus);
}

/* Lines no description may carry, put before the real candidates. */
#define BAD_LINES                                                              \
  "a=candidate:1 2 UDP 2015364095 127.0.0.1 9 typ host\r\n"                    \
  "a=candidate:garbage\r\n"                                                    \
  "a=candidate:1 1 UDP 2015364095 224.0.0.1 5000 typ host\r\n"

typedef struct {
  GstElement *peer;
  gint first_bad_line; /* line number of BAD_LINES in what was sent */
} Forward;

/* a's description, with BAD_LINES after its credentials and options, goes
 * to b. */
static void
forward_with_bad_lines (GstElement *a, guint stream, Forward *f)
{
  gchar *desc = NULL, *cand, *spoiled, *p;
  gboolean ok = FALSE;
  gint line = 1;

  g_object_get (a, "local-description", &desc, NULL);
  cand = strstr (desc, "a=candidate:");
  g_assert_nonnull (cand);
  for (p = desc; p < cand; p++)
    line += *p == '\n';
  spoiled
      = g_strdup_printf ("%.*s" BAD_LINES "%s", (int)(cand - desc), desc, cand);
  g_atomic_int_set (&f->first_bad_line, line);
  g_signal_emit_by_name (f->peer, "set-remote-description", stream, spoiled,
                         &ok);
  g_assert_true (ok);
  g_free (spoiled);
  g_free (desc);
}

static void
assert_description_refusals (GstBus *bus, Forward *f)
{
  gint first = g_atomic_int_get (&f->first_bad_line);
  gchar *names[3];
  guint i;

  g_assert_cmpint (first, >, 0);
  for (i = 0; i < 3; i++)
    names[i] = g_strdup_printf ("line %u", first + i);
  /* the parser's refusals come first, then the session's */
  assert_refusal (bus, names[1], "malformed", "8 fields");
  assert_refusal (bus, names[2], "not-unicast", "a unicast address");
  assert_refusal (bus, names[0], "unknown-component",
                  "component 1..1 of stream 0 expected");
  for (i = 0; i < 3; i++)
    g_free (names[i]);
  g_assert_cmpuint (stat_of (f->peer, "remote-rejected-unknown-component"), ==,
                    1);
  g_assert_cmpuint (stat_of (f->peer, "remote-rejected-malformed"), ==, 1);
  g_assert_cmpuint (stat_of (f->peer, "remote-rejected-not-unicast"), ==, 1);
  g_assert_cmpuint (stat_of (f->peer, "remote-rejected"), ==, 3);
}

static void
test_description_bad_lines (void)
{
  GstBus *bus_sink = gst_bus_new (), *bus_src = gst_bus_new ();
  GstElement *sink = new_element ("icesink", "ri-desc-sink", bus_sink);
  GstElement *src = new_element ("icesrc", "ri-desc-src", bus_src);
  Forward to_src = { src }, to_sink = { sink };
  GstHarness *hsink, *hsrc;
  GstMapInfo map;
  GstBuffer *out;

  /* before the harness starts the sink: its description must not be
   * announced before anyone listens */
  g_signal_connect (sink, "on-gathering-done",
                    G_CALLBACK (forward_with_bad_lines), &to_src);
  g_signal_connect (src, "on-gathering-done",
                    G_CALLBACK (forward_with_bad_lines), &to_sink);
  hsink = harness_of (sink);
  hsrc = harness_of (src);
  gst_harness_play (hsrc);
  gst_harness_play (hsink);
  gst_harness_set_src_caps_str (hsink, "application/x-rtp");

  /* the sink waits for a pair: the good lines were applied */
  g_assert_cmpint (gst_harness_push (hsink, gst_buffer_new_memdup ("ok", 3)),
                   ==, GST_FLOW_OK);
  out = gst_harness_pull (hsrc);
  gst_buffer_map (out, &map, GST_MAP_READ);
  g_assert_cmpstr ((const gchar *)map.data, ==, "ok");
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);

  assert_description_refusals (bus_src, &to_src);
  assert_description_refusals (bus_sink, &to_sink);
  teardown (hsrc, bus_src);
  teardown (hsink, bus_sink);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  /* what G_DEBUG=fatal-warnings does, also when run by hand */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL
                          | G_LOG_LEVEL_WARNING);

  g_test_add_func ("/gst/remote-input/trickle", test_trickle);
  g_test_add_func ("/gst/remote-input/bad-credentials", test_bad_credentials);
  g_test_add_func ("/gst/remote-input/mdns-resolve-off", test_mdns_resolve_off);
  g_test_add_func ("/gst/remote-input/description-bad-lines",
                   test_description_bad_lines);
  ret = g_test_run ();
  /* with GST_TRACERS=leaks a leak is reported as a (fatal) warning here */
  gst_deinit ();
  return ret;
}
