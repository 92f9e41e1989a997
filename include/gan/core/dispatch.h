/* Run-time choice of instruction set for the hot loops of a portable build.
 *
 * A portable binary is compiled for the x86-64 baseline (SSE2), where GCC
 * cannot vectorise a select such as LeakyReLU's (no blend instruction): the
 * step ran 27 % slower than with -march=native. GAN_HOT compiles a function
 * three times, for the baseline, x86-64-v3 (AVX2) and x86-64-v4 (AVX-512),
 * and the dynamic loader picks the best the CPU has (an ifunc). The C is the
 * same and contraction into FMA is off (-ffp-contract=off), so every clone
 * rounds exactly alike: the results do not depend on the CPU's clone.
 *
 * GAN_DISPATCH is defined by the build for GCC on x86-64 when GAN_NATIVE is
 * off (-march=native already gives the build machine's best). */
#ifndef GAN_CORE_DISPATCH_H
#define GAN_CORE_DISPATCH_H

#if defined(GAN_DISPATCH) && defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define GAN_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GAN_HOT
#endif

/* Which code GAN_HOT functions run on this CPU: "x86-64-v4 (AVX-512)",
 * "x86-64-v3 (AVX2)", "x86-64 baseline (SSE2)", or "as compiled" for a build
 * without dispatch. */
const char *gan_hot_loops(void);

#endif
