#include "gan/core/comm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/check.h"
#include "gan/core/clock.h"

int gan_comm_launched_rank(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return atoi(v);
    }
    return 0;
}

#ifdef GAN_HAVE_MPI
#include <mpi.h>
#endif

struct gan_comm {
    int rank, size;
    bool mpi;       /* MPI_Init was called */
    double seconds; /* in collectives */
    void *scratch;  /* [2 * size * chunk] of the widest type summed so far */
    size_t scratch_bytes;
};

bool gan_comm_launched(void)
{
    /* Open MPI's mpirun, PMI-2 (MPICH, Slurm's srun --mpi=pmi2) and PMIx (srun --mpi=pmix) */
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i])) return true;
    return false;
}

#ifdef GAN_HAVE_MPI

bool gan_comm_available(void) { return true; }

void gan_comm_library(char *buf, size_t len)
{
    char name[MPI_MAX_LIBRARY_VERSION_STRING] = "";
    int n = 0;
    MPI_Get_library_version(name, &n);
    name[strcspn(name, ",\n")] = '\0'; /* "Open MPI v4.1.4, package: ..." */
    snprintf(buf, len, "%s", name);
}

gan_status gan_comm_start(gan_comm **out, gan_error *err)
{
    gan_comm *c = calloc(1, sizeof *c);
    if (!c) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    c->size = 1;
    if (gan_comm_launched()) {
        /* funnelled: only the main thread calls MPI, gan's pool never does */
        int provided = 0;
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
            free(c);
            return gan_fail(err, GAN_ERR_IO, "MPI_Init failed");
        }
        c->mpi = true;
        MPI_Comm_rank(MPI_COMM_WORLD, &c->rank);
        MPI_Comm_size(MPI_COMM_WORLD, &c->size);
    }
    *out = c;
    return GAN_OK;
}

gan_status gan_comm_reserve(gan_comm *c, long n, gan_error *err)
{
    if (!c || c->size <= 1) return GAN_OK;
    const long chunk = (n + c->size - 1) / c->size;
    const size_t need = sizeof(double) * (size_t)(2 * c->size * chunk);
    if (need <= c->scratch_bytes) return GAN_OK;
    void *s = realloc(c->scratch, need);
    if (!s) return gan_fail(err, GAN_ERR_NOMEM, "out of memory for the ranks' gradient exchange");
    c->scratch = s;
    c->scratch_bytes = need;
    return GAN_OK;
}

void gan_comm_end(gan_comm *c)
{
    if (!c) return;
    if (c->mpi) MPI_Finalize();
    free(c->scratch);
    free(c);
}

/* Reduce-scatter in rank order, then allgather: chunk r is rank r's; it
 * receives every rank's copy of it and adds them in a balanced tree in rank
 * order, (0 + 1) + (2 + 3) ... (for two ranks 0 + 1, for three (0 + 1) + 2),
 * so the sum does not depend on arrival order and, for a power-of-two
 * count, completes the tree of gan/core/partials.h, and the allgather hands every rank the
 * same bytes. Moves 2 (size - 1) / size of the buffer each way, as a ring
 * all-reduce does. */
#define DEFINE_SUM(NAME, TYPE, MPI_TYPE)                                                         \
    void NAME(gan_comm *c, TYPE *v, long n)                                                      \
    {                                                                                            \
        if (!c || c->size <= 1 || n <= 0) return;                                                \
        const double t0 = gan_seconds();                                                         \
        const int p = c->size;                                                                   \
        const long chunk = (n + p - 1) / p;                                                      \
        const size_t need = sizeof(TYPE) * (size_t)(2 * p * chunk);                              \
        GAN_ASSERT(need <= c->scratch_bytes); /* gan_comm_reserve was told less */               \
        TYPE *send = c->scratch, *recv = send + (size_t)p * chunk;                               \
        memcpy(send, v, sizeof(TYPE) * (size_t)n);                                               \
        memset(send + n, 0, sizeof(TYPE) * (size_t)(p * chunk - n));                             \
        MPI_Alltoall(send, (int)chunk, MPI_TYPE, recv, (int)chunk, MPI_TYPE, MPI_COMM_WORLD);    \
        for (int step = 1; step < p; step *= 2) /* the balanced tree over the ranks, in order */ \
            for (int r = 0; r + step < p; r += 2 * step)                                         \
                for (long i = 0; i < chunk; i++)                                                 \
                    recv[(size_t)r * chunk + i] += recv[(size_t)(r + step) * chunk + i];         \
        MPI_Allgather(recv, (int)chunk, MPI_TYPE, send, (int)chunk, MPI_TYPE, MPI_COMM_WORLD);   \
        memcpy(v, send, sizeof(TYPE) * (size_t)n);                                               \
        c->seconds += gan_seconds() - t0;                                                        \
    }
DEFINE_SUM(gan_comm_sum_floats, float, MPI_FLOAT)
DEFINE_SUM(gan_comm_sum_doubles, double, MPI_DOUBLE)

void gan_comm_min_ints(gan_comm *c, int *v, int n)
{
    if (!c || c->size <= 1 || n <= 0) return;
    const double t0 = gan_seconds();
    MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    c->seconds += gan_seconds() - t0;
}

#else /* built without MPI: a world of one */

bool gan_comm_available(void) { return false; }
void gan_comm_library(char *buf, size_t len) { snprintf(buf, len, "not built in"); }

gan_status gan_comm_start(gan_comm **out, gan_error *err)
{
    if (gan_comm_launched())
        return gan_fail(err, GAN_ERR_USAGE,
                        "this gan was built without MPI, so it cannot join an mpirun/srun job (install "
                        "libopenmpi-dev and rebuild)");
    gan_comm *c = calloc(1, sizeof *c);
    if (!c) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    c->size = 1;
    *out = c;
    return GAN_OK;
}

gan_status gan_comm_reserve(gan_comm *c, long n, gan_error *err)
{
    return (void)c, (void)n, (void)err, GAN_OK;
}
void gan_comm_end(gan_comm *c) { free(c); }
void gan_comm_sum_floats(gan_comm *c, float *v, long n) { (void)c, (void)v, (void)n; }
void gan_comm_sum_doubles(gan_comm *c, double *v, long n) { (void)c, (void)v, (void)n; }
void gan_comm_min_ints(gan_comm *c, int *v, int n) { (void)c, (void)v, (void)n; }

#endif

gan_status gan_comm_agree(gan_comm *c, gan_status rc, gan_error *err)
{
    if (!c || c->size <= 1) return rc;
    int v[2] = {rc, c->rank == 0 ? rc : GAN_OK}; /* the worst status, and rank 0's */
    gan_comm_min_ints(c, v, 2);
    if (v[0] == GAN_OK) return GAN_OK;
    if (c->rank == 0) {
        if (rc != GAN_OK) return rc;
        return gan_fail(err, (gan_status)v[0], "another rank stopped with an error (its line is above)");
    }
    if (v[1] != GAN_OK || rc == GAN_OK) { /* rank 0 or another rank says it */
        if (err) err->msg[0] = '\0';
        return (gan_status)(v[1] != GAN_OK ? v[1] : v[0]);
    }
    if (err) { /* only this rank failed: it says so, with its rank */
        char own[GAN_ERROR_CHARS];
        snprintf(own, sizeof own, "%s", err->msg);
        gan_fail(err, rc, "rank %d: %s", c->rank, own);
    }
    return rc;
}

int gan_comm_rank(const gan_comm *c) { return c ? c->rank : 0; }
int gan_comm_size(const gan_comm *c) { return c ? c->size : 1; }
double gan_comm_seconds(const gan_comm *c) { return c ? c->seconds : 0.0; }
