/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a benchmark process reads about itself (bench-proc.h).
 */
#include "benchmarks/bench-proc.h"

#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static gint statm_fd = -1;

gdouble
bench_proc_rss_kib (void)
{
  gchar text[128];
  gssize len;
  guint64 pages = 0;

  if (statm_fd < 0)
    statm_fd = open ("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  len = pread (statm_fd, text, sizeof text - 1, 0);
  if (len <= 0)
    return 0;
  text[len] = '\0';
  /* "size resident shared ..." in pages */
  pages = g_ascii_strtoull (strchr (text, ' ') ? strchr (text, ' ') + 1 : "0",
                            NULL, 10);
  return pages * (sysconf (_SC_PAGESIZE) / 1024.0);
}

gdouble
bench_proc_cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec
         + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Counts open descriptors without opening one (/proc/self/fd would need
 * one more; at N = 10,000 the agents may hold every fd the process can
 * have). */
guint
bench_proc_open_fds (void)
{
  struct rlimit lim;
  guint n = 0;
  rlim_t fd;

  if (getrlimit (RLIMIT_NOFILE, &lim) != 0)
    return 0;
  for (fd = 0; fd < lim.rlim_cur; fd++)
    if (fcntl ((gint)fd, F_GETFD) != -1)
      n++;
  return n;
}

void
bench_proc_raise_fd_limit (guint n)
{
  rlim_t want = 4 * (rlim_t)n + 1024;
  struct rlimit lim;

  if (getrlimit (RLIMIT_NOFILE, &lim) != 0)
    return;
  if (lim.rlim_max < want) {
    struct rlimit more = { want, want };

    if (setrlimit (RLIMIT_NOFILE, &more) == 0)
      return;
    g_printerr ("# open files limited to %lu (want %lu)\n",
                (gulong)lim.rlim_max, (gulong)want);
  }
  lim.rlim_cur = lim.rlim_max;
  setrlimit (RLIMIT_NOFILE, &lim);
}
