/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The process's own figures: RSS, CPU, open fds, and the fd limit.
 */
#pragma once

#include <glib.h>

/* Resident set in KiB (/proc/self/statm, opened once and kept: at
 * N = 10,000 the agents may hold every fd the process can have). */
gdouble bench_proc_rss_kib (void);
/* User + system CPU seconds of the process so far */
gdouble bench_proc_cpu_seconds (void);
/* Open descriptors, counted without opening one */
guint bench_proc_open_fds (void);
/* Raises the open-files limit for @n agent pairs (root may raise the
 * hard one; otherwise the soft one goes up to it, with a message). */
void bench_proc_raise_fd_limit (guint n);
