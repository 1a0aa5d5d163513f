/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A network namespace of the test's own, for the io tests that need
 * interfaces or multicast the host must not see (they need root, and skip
 * otherwise).
 */
#ifndef __IO_TEST_NETNS_H__
#define __IO_TEST_NETNS_H__

#include <glib.h>

G_BEGIN_DECLS

/* Unshares the network namespace and runs @setup (a shell command line,
 * e.g. "ip link set lo up && ...") in it. Call it first in main(), before
 * any thread exists: a namespace is per thread, and only threads made
 * later inherit it. Returns NULL, or why the tests must skip:
 * @needs_root without root, @setup_failed when @setup does not exit 0. */
const gchar *io_test_netns_enter (const gchar *needs_root, const gchar *setup,
                                  const gchar *setup_failed);

/* io_test_netns_enter() with multicast on "lo": the MULTICAST flag and a
 * 224.0.0.0/4 route (the IPv4 mDNS tests). */
const gchar *io_test_netns_enter_multicast_lo (void);

/* Adds a test at @path that only skips, with @reason (a string that
 * outlives the run, like the ones above return). */
void io_test_add_skipped (const gchar *path, const gchar *reason);

G_END_DECLS
#endif /* __IO_TEST_NETNS_H__ */
