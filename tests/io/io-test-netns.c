/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "io-test-netns.h"

const gchar *
io_test_netns_enter (const gchar *needs_root, const gchar *setup,
                     const gchar *setup_failed)
{
  if (getuid () != 0)
    return needs_root;
  if (unshare (CLONE_NEWNET) != 0)
    return "unshare(CLONE_NEWNET) failed";
  if (system (setup) != 0)
    return setup_failed;
  return NULL;
}

const gchar *
io_test_netns_enter_multicast_lo (void)
{
  return io_test_netns_enter (
      "needs root (a network namespace with multicast on lo)",
      "ip link set lo up && ip link set lo multicast on && "
      "ip route add 224.0.0.0/4 dev lo",
      "could not set up multicast on lo (ip)");
}

static void
skip_with_reason (gconstpointer reason)
{
  g_test_skip (reason);
}

void
io_test_add_skipped (const gchar *path, const gchar *reason)
{
  g_test_add_data_func (path, reason, skip_with_reason);
}
