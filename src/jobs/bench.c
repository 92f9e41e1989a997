/* gan bench: the training step of gan_trainer_step timed on synthetic
 * images (held as uint8 like real data), with no files. */
#include "gan/jobs/bench.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "gan/core/blas.h"
#include "gan/core/clock.h"
#include "gan/jobs/memory.h"
#include "trainer.h"

gan_status gan_bench(const gan_config *cfg, int warmup, int steps, gan_bench_result *result, gan_error *err)
{
    gan_trainer t;
    memset(&t, 0, sizeof t);
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
    gan_status rc =
        t.data.pixels ? gan_memory_check(&mem, err) : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
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
        *result =
            (gan_bench_result){.steps = steps,
                               .seconds = dt,
                               .images_per_second = dt > 0 ? (double)steps * B * cfg->d_steps / dt : 0.0,
                               .peak_rss_kb = ru.ru_maxrss,
                               .estimated_kb = (long)((mem.resident + mem.data) >> 10),
                               .loss_d = t.last.loss_d,
                               .loss_g = t.last.loss_g};
    }
    gan_trainer_free(&t);
    return rc;
}
