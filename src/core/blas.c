#include "gan/core/blas.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

gan_pool *gan_threads_start(int threads)
{
    const int n = threads > 0 ? threads : openblas_get_num_threads();
    gan_pool *pool = gan_pool_create(n);
    if (pool) openblas_set_num_threads(1);
    else if (threads > 0) openblas_set_num_threads(threads);
    return pool;
}

const char *gan_blas_core(void)
{
    const char *core = openblas_get_corename();
    return core ? core : "unknown";
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
