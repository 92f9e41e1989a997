/* OpenBLAS and gan's threads, set up once per job. */
#ifndef GAN_CORE_BLAS_H
#define GAN_CORE_BLAS_H

#include "gan/core/pool.h"

/* The thread pool for a job: `threads` threads (0: as many as OpenBLAS
 * would use, its OPENBLAS_NUM_THREADS or the core count), with OpenBLAS
 * itself switched to one thread so that no idle OpenBLAS worker spins on a
 * core gan's own loops need. NULL: serial (one thread). */
gan_pool *gan_threads_start(int threads);
/* The thread count train.threads = 0 means: the user's OPENBLAS_NUM_THREADS
 * when set, else the CPUs this process may run on. */
int gan_default_threads(void);

/* Under an address-space limit (ulimit -v), OpenBLAS's own worker threads
 * cannot get their 128 MiB buffers and spin for ever, in its start-up code
 * and again at exit, even for 'gan --version'. gan runs OpenBLAS single-
 * threaded anyway (it owns the threads), so when such a limit is set and the
 * user has not chosen OPENBLAS_NUM_THREADS, main re-executes the program
 * once with OPENBLAS_NUM_THREADS=1 (keeping the default thread count).
 * Returns only when no re-execution was needed or it failed. */
void gan_blas_single_under_limit(char **argv);

/* The kernels OpenBLAS chose ("Haswell", "SkylakeX", ...). */
const char *gan_blas_core(void);

/* openblas_get_config(): version, build options and the kernels chosen. */
const char *gan_blas_config(void);

/* A one-line note when OPENBLAS_CORETYPE forces AVX2-or-older kernels on a
 * CPU with AVX-512 (about half the SGEMM speed), else NULL. gan never
 * changes the variable: OpenBLAS reads it before main, and it is the user's. */
const char *gan_blas_note(void);

#endif
