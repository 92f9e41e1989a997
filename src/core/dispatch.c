#include "gan/core/dispatch.h"

const char *gan_hot_loops(void)
{
#if defined(GAN_DISPATCH) && defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
    /* the same test the clones' resolvers make */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return "x86-64-v4 clones (AVX-512), chosen at run time";
    if (__builtin_cpu_supports("x86-64-v3")) return "x86-64-v3 clones (AVX2), chosen at run time";
    return "x86-64 baseline (SSE2), chosen at run time";
#else
    return "as compiled (no run-time dispatch in this build)";
#endif
}
