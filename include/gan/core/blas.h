/* OpenBLAS and gan's threads, set up once per job. */
#ifndef GAN_CORE_BLAS_H
#define GAN_CORE_BLAS_H

#include "gan/core/pool.h"

/* The thread pool for a job: `threads` threads (0: as many as OpenBLAS
 * would use, its OPENBLAS_NUM_THREADS or the core count), with OpenBLAS
 * itself switched to one thread so that no idle OpenBLAS worker spins on a
 * core gan's own loops need. NULL: serial (one thread). */
gan_pool *gan_threads_start(int threads);

/* The kernels OpenBLAS chose ("Haswell", "SkylakeX", ...). */
const char *gan_blas_core(void);

/* A one-line note when OPENBLAS_CORETYPE forces AVX2-or-older kernels on a
 * CPU with AVX-512 (about half the SGEMM speed), else NULL. gan never
 * changes the variable: OpenBLAS reads it before main, and it is the user's. */
const char *gan_blas_note(void);

#endif
