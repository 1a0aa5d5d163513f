/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * LD_PRELOAD helper for test-file-signaller.sh: the process's wall clock
 * runs GST_ICE_TEST_CLOCK_SKEW_S seconds off the kernel's, as on a host
 * whose clock differs from a shared disk's (file mtimes come from the
 * kernel, so they do not move). Monotonic clocks are untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

/* The project builds with -fvisibility=hidden: these must be seen. */
#define EXPORT __attribute__ ((visibility ("default")))

static long
skew_s (void)
{
  const char *s = getenv ("GST_ICE_TEST_CLOCK_SKEW_S");

  return s ? atol (s) : 0;
}

EXPORT int
clock_gettime (clockid_t id, struct timespec *ts)
{
  static int (*real) (clockid_t, struct timespec *);
  int ret;

  if (real == NULL)
    real = (int (*) (clockid_t, struct timespec *))dlsym (RTLD_NEXT,
                                                          "clock_gettime");
  ret = real (id, ts);
  if (ret == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
    ts->tv_sec += skew_s ();
  return ret;
}

EXPORT int
gettimeofday (struct timeval *restrict tv, void *restrict tz)
{
  struct timespec ts;

  (void)tz;
  if (clock_gettime (CLOCK_REALTIME, &ts) != 0)
    return -1;
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = ts.tv_nsec / 1000;
  return 0;
}

EXPORT time_t
time (time_t *out)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  if (out)
    *out = ts.tv_sec;
  return ts.tv_sec;
}
