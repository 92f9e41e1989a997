/* gan --version: what was built, from what, for which CPUs, on which BLAS. */
#include <stdio.h>

#include "cli.h"
#include "gan/core/blas.h"
#include "gan/core/comm.h"
#include "gan/core/dispatch.h"
#include "gan_build_info.h" /* generated at build time by scripts/build/build_info.cmake */

void cli_print_version(void)
{
    printf("gan %s\n", GAN_VERSION);
    printf("commit: %s%s%s%s\n", GAN_GIT_COMMIT, GAN_GIT_DATE[0] ? " (" : "", GAN_GIT_DATE,
           GAN_GIT_DATE[0] ? ")" : "");
    printf("build: %s, %s, %s\n", GAN_BUILD_TYPE, GAN_BUILD_COMPILER, GAN_BUILD_TARGET);
    printf("hot loops: %s\n", gan_hot_loops());
    printf("openblas: %s\n", gan_blas_config());
    char mpi[128];
    gan_comm_library(mpi, sizeof mpi);
    printf("mpi: %s%s\n", mpi, gan_comm_available() ? " (mpirun -np N gan train ...)" : "");
}
