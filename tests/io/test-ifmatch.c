/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The interface allow and deny lists: the matching alone
 * (ice-agent-ifmatch.c), then IceAgent's "interfaces" and
 * "exclude-interfaces" on loopback.
 */
#include "ice/io/ice-agent-private.h"

static void
test_match (void)
{
  gchar *list[] = { "eth0", "docker*", "veth?", NULL };
  gboolean exact = TRUE;

  g_assert_true (ice_agent_iflist_match (list, "eth0", &exact));
  g_assert_true (exact);
  g_assert_true (ice_agent_iflist_match (list, "docker0", &exact));
  g_assert_false (exact);
  g_assert_true (ice_agent_iflist_match (list, "docker", NULL));
  g_assert_true (ice_agent_iflist_match (list, "veth1", NULL));
  g_assert_false (ice_agent_iflist_match (list, "veth12", NULL));
  g_assert_false (ice_agent_iflist_match (list, "eth01", &exact));
  g_assert_false (exact);
  g_assert_false (ice_agent_iflist_match (list, "Eth0", NULL));
  g_assert_false (ice_agent_iflist_match (NULL, "eth0", NULL));
}

static void
test_selected (void)
{
  gchar *include[] = { "eth*", "lo", NULL };
  gchar *exclude[] = { "eth9", NULL };
  gchar *empty[] = { NULL };
  gboolean named = TRUE;

  /* empty or NULL include: every interface */
  g_assert_true (ice_agent_interface_selected (NULL, NULL, "wlan0", &named));
  g_assert_false (named);
  g_assert_true (ice_agent_interface_selected (empty, empty, "wlan0", NULL));
  g_assert_true (
      ice_agent_interface_selected (include, exclude, "eth0", &named));
  g_assert_false (named);
  g_assert_true (ice_agent_interface_selected (include, exclude, "lo", &named));
  g_assert_true (named);
  g_assert_false (
      ice_agent_interface_selected (include, exclude, "wlan0", NULL));
  /* exclude wins over include */
  g_assert_false (
      ice_agent_interface_selected (include, exclude, "eth9", NULL));
  g_assert_false (ice_agent_interface_selected (NULL, exclude, "eth9", NULL));
}

static void
test_validate (void)
{
  gchar *good[]
      = { "eth0", "docker*", "wg?", "eth0:1", "abcdefghijklmno", NULL };
  gchar *bad[][2] = { { "", NULL },
                      { "eth 0", NULL },
                      { "a/b", NULL },
                      { "eth0,eth1", NULL },
                      { "abcdefghijklmnop", NULL },
                      { "tab\t", NULL } };
  GError *error = NULL;
  guint i;

  g_assert_true (ice_agent_iflist_validate ("interfaces", good, &error));
  g_assert_no_error (error);
  g_assert_true (ice_agent_iflist_validate ("interfaces", NULL, &error));
  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_assert_false (
        ice_agent_iflist_validate ("exclude-interfaces", bad[i], &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "exclude-interfaces"));
    g_assert_nonnull (strstr (error->message, "expected"));
    g_clear_error (&error);
  }
}

static GPtrArray *
gathered_ips (IceAgent *agent, GError **error)
{
  GPtrArray *ips = g_ptr_array_new_with_free_func (g_free);
  guint stream = ice_agent_add_stream (agent, 1);
  IceSdpDescription *desc;
  gchar *text;
  guint i;

  if (!ice_agent_gather (agent, stream, error)) {
    g_ptr_array_unref (ips);
    return NULL;
  }
  text = ice_agent_get_local_description (agent, stream);
  desc = ice_sdp_parse (text, -1);
  for (i = 0; i < desc->candidates->len; i++) {
    gchar ip[ICE_ADDR_STRLEN];

    ice_addr_ip_to_string (
        &g_array_index (desc->candidates, IceCandidate, i).addr, ip);
    g_ptr_array_add (ips, g_strdup (ip));
  }
  ice_sdp_description_free (desc);
  g_free (text);
  return ips;
}

/* "interfaces" naming lo gathers on loopback, as bind-address does */
static void
test_agent_interfaces_lo (void)
{
  const gchar *lo[] = { "lo", NULL };
  IceAgent *agent = ice_agent_new (NULL);
  GError *error = NULL;
  GPtrArray *ips;
  gchar **got = NULL;
  guint i;

  g_object_set (agent, "interfaces", lo, NULL);
  g_object_get (agent, "interfaces", &got, NULL);
  g_assert_cmpstrv (got, lo);
  ips = gathered_ips (agent, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ips->len, >=, 1);
  for (i = 0; i < ips->len; i++)
    g_assert_true (g_str_equal (ips->pdata[i], "127.0.0.1")
                   || g_str_equal (ips->pdata[i], "::1"));
  g_ptr_array_unref (ips);
  g_strfreev (got);
  g_object_unref (agent);
}

/* "exclude-interfaces" wins over bind-address: nothing left to gather */
static void
test_agent_exclude_wins (void)
{
  const gchar *lo[] = { "lo", NULL };
  const gchar *pattern[] = { "l?", NULL };
  IceAgent *agent = ice_agent_new (NULL);
  GError *error = NULL;

  g_object_set (agent, "bind-address", lo, "exclude-interfaces", pattern, NULL);
  g_assert_null (gathered_ips (agent, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "exclude-interfaces"));
  g_clear_error (&error);
  g_object_unref (agent);
}

/* A bad entry is refused with what was expected; the old value stays */
static void
test_agent_refuses_bad_list (void)
{
  const gchar *good[] = { "docker*", NULL };
  const gchar *bad[] = { "veth*", "docker 0", NULL };
  IceAgent *agent = ice_agent_new (NULL);
  gchar **got = NULL;

  g_object_set (agent, "exclude-interfaces", good, NULL);
  g_test_expect_message ("ice-agent", G_LOG_LEVEL_WARNING,
                         "*exclude-interfaces*\"docker 0\"*expected*");
  g_object_set (agent, "exclude-interfaces", bad, NULL);
  g_test_assert_expected_messages ();
  g_object_get (agent, "exclude-interfaces", &got, NULL);
  g_assert_cmpstrv (got, good);
  g_strfreev (got);
  g_object_unref (agent);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/ifmatch/match", test_match);
  g_test_add_func ("/io/ifmatch/selected", test_selected);
  g_test_add_func ("/io/ifmatch/validate", test_validate);
  g_test_add_func ("/io/ifmatch/agent-interfaces-lo", test_agent_interfaces_lo);
  g_test_add_func ("/io/ifmatch/agent-exclude-wins", test_agent_exclude_wins);
  g_test_add_func ("/io/ifmatch/agent-refuses-bad-list",
                   test_agent_refuses_bad_list);
  return g_test_run ();
}
