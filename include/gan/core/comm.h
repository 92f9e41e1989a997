/* The processes of one data-parallel job (MPI ranks under mpirun or srun),
 * or this process alone.
 *
 * One object, made once per job by the command that trains; the library's
 * other parts only see it through gan_batch_sync and the trainer. Sums are
 * deterministic and give every rank the same bytes: MPI_Allreduce promises
 * neither, so a sum here is a reduce-scatter by MPI_Alltoall (each rank adds
 * its chunk's contributions in a balanced tree in rank order) then an MPI_Allgather. */
#ifndef GAN_CORE_COMM_H
#define GAN_CORE_COMM_H

#include <stdbool.h>
#include <stddef.h>

#include "gan/core/error.h"

typedef struct gan_comm gan_comm;

/* True when this binary was built with MPI. */
bool gan_comm_available(void);
/* "Open MPI v4.1.4" and the like, or "not built in", into buf. */
void gan_comm_library(char *buf, size_t len);
/* True when a launcher (mpirun, srun) started this process as one of a job. */
bool gan_comm_launched(void);
/* This process's rank as its launcher set it (0 when not launched): known
 * before MPI starts, so that errors every rank would say alike (a usage
 * error: they all got the same arguments) are said by rank 0 alone. */
int gan_comm_launched_rank(void);

/* Joins the job this process was launched in, or makes a world of one when
 * there is none (no MPI call is made then). Fails when launched by mpirun
 * but built without MPI. */
gan_status gan_comm_start(gan_comm **out, gan_error *err);
/* Leaves the job (MPI_Finalize); NULL is fine. */
void gan_comm_end(gan_comm *c);

int gan_comm_rank(const gan_comm *c);
int gan_comm_size(const gan_comm *c);

/* Room for sums of up to n values (floats or doubles), made before the
 * training step, which never allocates. */
gan_status gan_comm_reserve(gan_comm *c, long n, gan_error *err);
/* v[0..n) becomes its sum over the ranks; the same bytes on every rank. */
void gan_comm_sum_floats(gan_comm *c, float *v, long n);
void gan_comm_sum_doubles(gan_comm *c, double *v, long n);
/* v[i] becomes the smallest of every rank's v[i] (for a gan_status, the
 * worst one; for a flag, -1 on any rank). */
void gan_comm_min_ints(gan_comm *c, int *v, int n);
/* Every rank calls this with its own status; all return the same one, and
 * only one rank keeps a message to print: rank 0 when it failed itself
 * (its message, or "another rank stopped" when only others failed), else
 * the rank that failed ("rank N: ..."); the others get an empty message. */
gan_status gan_comm_agree(gan_comm *c, gan_status rc, gan_error *err);
/* Wall seconds spent in this object's collectives so far. */
double gan_comm_seconds(const gan_comm *c);

#endif
