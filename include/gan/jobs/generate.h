/* Batch inference with a generator: latents in, images out, in chunks as
 * large as memory allows (one SGEMM per layer over the whole chunk). */
#ifndef GAN_JOBS_GENERATE_H
#define GAN_JOBS_GENERATE_H

#include <stddef.h>
#include <stdint.h>

#include "gan/core/work.h"
#include "gan/models/dcgan.h"

/* Memory a chunk's generator (arena and work) may take: 512 MiB. */
#define GAN_GENERATE_BUDGET ((size_t)512 << 20)

/* The largest chunk, at most n, whose generator for arch fits `budget` bytes. */
int gan_generate_chunk(const gan_arch *arch, long n, size_t budget);

/* images [C, n, S, S] (channel-major) = g(z, labels) for the n latent rows
 * z [n, nz] (a .npy's layout) and, for a conditional g, their n classes
 * (else NULL), in chunks of g->max_batch; zc is [nz, g->max_batch]. */
void gan_generate(gan_net *g, const gan_work *work, const float *z, const int32_t *labels, long n,
                  gan_mode bn_mode, float *zc, float *images);

#endif
