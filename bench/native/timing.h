/* CPU time of this process in seconds, for the timed rounds of the bench/native kernels (define _POSIX_C_SOURCE first). */
#ifndef SGD_PHASE_TIMING_H
#define SGD_PHASE_TIMING_H
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

#endif
