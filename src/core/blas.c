#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "gan/core/blas.h"

#include <cblas.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Set by gan_blas_single_under_limit for the re-executed process: the
 * OPENBLAS_NUM_THREADS the user had ("" for none). */
#define SAVED_THREADS_ENV "GAN_USER_OPENBLAS_NUM_THREADS"

int gan_default_threads(void)
{
    const char *saved = getenv(SAVED_THREADS_ENV);
    const char *user = saved ? saved : getenv("OPENBLAS_NUM_THREADS");
    const long n = user && *user ? strtol(user, NULL, 10) : 0;
    if (n >= 1 && n <= 1024) return (int)n;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

void gan_blas_single_under_limit(char **argv)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return;
    if (getenv(SAVED_THREADS_ENV)) return; /* already re-executed */
    const char *user = getenv("OPENBLAS_NUM_THREADS");
    if (user) return; /* the user's choice, whatever it costs */
    if (setenv(SAVED_THREADS_ENV, "", 1) != 0 || setenv("OPENBLAS_NUM_THREADS", "1", 1) != 0) return;
    execv("/proc/self/exe", argv);
    /* exec failed: go on as we are (the memory check still refuses a job that cannot fit) */
}

gan_pool *gan_threads_start(int threads)
{
    const int n = threads > 0 ? threads : gan_default_threads();
    /* OpenBLAS stays on one thread even when the pool cannot start: its own
     * threading would split SGEMMs by the thread count, and gan's results
     * are the same for every thread count (see gan_gemm). */
    openblas_set_num_threads(1);
    return gan_pool_create(n);
}

const char *gan_blas_core(void)
{
    const char *core = openblas_get_corename();
    return core ? core : "unknown";
}

const char *gan_blas_config(void)
{
    const char *config = openblas_get_config();
    return config ? config : "unknown";
}

const char *gan_blas_note(void)
{
    const char *forced = getenv("OPENBLAS_CORETYPE");
    const char *core = openblas_get_corename();
    if (!forced || !core) return NULL;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && !strstr(core, "kylake") && !strstr(core, "ooperlake") &&
        !strstr(core, "apphire"))
        return "note: OPENBLAS_CORETYPE makes OpenBLAS use its AVX2 kernels on this AVX-512 CPU (about half the "
               "SGEMM speed); unset it to let OpenBLAS choose";
#endif
    return NULL;
}
