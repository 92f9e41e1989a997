/* gan bench: the training step of gan_trainer_step timed on synthetic
 * images (held as uint8 like real data), with no files. */
#include "gan/jobs/bench.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "gan/core/blas.h"
#include "gan/core/clock.h"
#include "gan/jobs/generate.h"
#include "gan/jobs/memory.h"
#include "gemm_bound.h"
#include "trainer.h"

/* The side a growing config is timed at: `size`, or its full size. */
static gan_status timed_size(const gan_config *cfg, int size, int *out, gan_error *err)
{
    *out = size ? size : cfg->image_size;
    const gan_arch arch = gan_config_arch(cfg);
    if (gan_arch_side_valid(&arch, *out)) return GAN_OK;
    if (!cfg->progressive)
        return gan_fail(err, GAN_ERR_USAGE, "--size %d: the config does not grow; its nets work at %d only",
                        *out, cfg->image_size);
    return gan_fail(err, GAN_ERR_USAGE, "--size %d: the config's nets work at powers of two from %d to %d",
                    *out, cfg->start_size, cfg->image_size);
}

gan_status gan_bench(const gan_config *cfg, int warmup, int steps, int size, gan_bench_result *result,
                     gan_error *err)
{
    gan_trainer t;
    memset(&t, 0, sizeof t);
    gan_status rc = timed_size(cfg, size, &t.pinned_size, err);
    if (rc != GAN_OK) return rc;
    const int B = cfg->batch_size;
    const long img = (long)cfg->channels * cfg->image_size * cfg->image_size;
    /* 4 batches of noise images */
    t.data.count = 4L * B;
    t.data.size = cfg->image_size;
    t.data.channels = cfg->channels;
    t.data.pixels = malloc((size_t)t.data.count * img);
    t.steps_per_epoch = 4;
    gan_mem_estimate mem;
    gan_train_memory_estimate(cfg, t.data.count, cfg->threads > 0 ? cfg->threads : gan_default_threads(),
                              &mem);
    mem.resident -= mem.eval + mem.data; /* nothing is evaluated; the images are allocated already */
    mem.address -= mem.eval + mem.data;
    mem.eval = 0;
    rc = t.data.pixels ? gan_memory_check(&mem, err) : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK && cfg->conditional) { /* ten classes of noise */
        t.data.labels = malloc(sizeof(int32_t) * (size_t)t.data.count);
        rc = t.data.labels ? gan_classes_numbered(&t.data.classes, 10, err)
                           : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        for (long i = 0; rc == GAN_OK && i < t.data.count; i++) t.data.labels[i] = (int32_t)(i % 10);
    }
    if (rc == GAN_OK) rc = gan_trainer_build(&t, cfg, B, err);
    if (rc == GAN_OK) {
        gan_rng_seed(&t.rng, cfg->seed);
        for (long i = 0; i < t.data.count * img; i++)
            t.data.pixels[i] = (uint8_t)(gan_rng_next(&t.rng) >> 56);
        gan_net_init_weights(&t.g, &t.rng);
        gan_net_init_weights(&t.d, &t.rng);
        for (int i = 0; i < warmup; i++) gan_trainer_step(&t);
        const double t0 = gan_seconds();
        for (int i = 0; i < steps; i++) gan_trainer_step(&t);
        const double dt = gan_seconds() - t0;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        /* one more step, its SGEMMs recorded: the bound replays them */
        gan_gemm_log *gemms = calloc(1, sizeof *gemms);
        double gemm_seconds = 0.0;
        if (!gemms) rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        t.work.gemm_log = gemms;
        if (rc == GAN_OK) gan_trainer_step(&t);
        t.work.gemm_log = NULL;
        if (rc == GAN_OK) rc = gan_gemm_bound(gemms, t.pool, 10, &gemm_seconds, err);
        *result = (gan_bench_result){
            .steps = steps,
            .size = t.pinned_size,
            .seconds = dt,
            .images_per_second = dt > 0 ? (double)steps * B * cfg->d_steps / dt : 0.0,
            .peak_rss_kb = ru.ru_maxrss,
            .estimated_kb = (long)((mem.resident + mem.data) >> 10),
            .gemm_bound_images_per_second = gemm_seconds > 0 ? (double)B * cfg->d_steps / gemm_seconds : 0.0,
            .gemms_per_step = gemms ? gemms->count : 0,
            .loss_d = t.last.loss_d,
            .loss_g = t.last.loss_g};
        free(gemms);
    }
    gan_trainer_free(&t);
    return rc;
}

gan_status gan_bench_sample(const gan_config *cfg, long n, double *images_per_second, int *chunk_out,
                            gan_error *err)
{
    const gan_arch arch = gan_config_arch(cfg);
    gan_status rc = gan_arch_check(&arch, "config: model.", err);
    if (rc != GAN_OK) return rc;
    const int chunk = gan_generate_chunk(&arch, n, GAN_GENERATE_BUDGET);
    gan_net g;
    gan_work work;
    memset(&work, 0, sizeof work);
    if (gan_net_build(&g, &arch, GAN_NET_GENERATOR, chunk) != GAN_OK)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory building the generator");
    gan_pool *pool = gan_threads_start(cfg->threads);
    const size_t img = (size_t)cfg->channels * cfg->image_size * cfg->image_size;
    float *z = malloc(sizeof(float) * (size_t)n * cfg->nz),
          *zc = malloc(sizeof(float) * (size_t)chunk * cfg->nz);
    float *images = malloc(sizeof(float) * (size_t)n * img);
    if (!z || !zc || !images || gan_work_alloc(&work, gan_net_work_plan(&g), pool) != GAN_OK)
        rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory for %ld images", n);
    if (rc == GAN_OK) {
        gan_rng rng;
        gan_rng_seed(&rng, cfg->seed);
        gan_net_init_weights(&g, &rng);
        gan_rng_normal(&rng, z, (long)n * cfg->nz, 0.0f, 1.0f);
        gan_generate(&g, &work, z, NULL, chunk, GAN_MODE_EVAL, zc, images); /* warm-up: one chunk */
        const double t0 = gan_seconds();
        gan_generate(&g, &work, z, NULL, n, GAN_MODE_EVAL, zc, images);
        const double dt = gan_seconds() - t0;
        *images_per_second = dt > 0 ? (double)n / dt : 0.0;
        *chunk_out = chunk;
    }
    free(z), free(zc), free(images);
    gan_work_free(&work);
    gan_net_free(&g);
    gan_pool_free(pool);
    return rc;
}
