#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/core/blas.h"
#include "gan/io/config.h"
#include "gan/jobs/bench.h"

static const cli_option OPTIONS[] = {
    {"config", 0, "FILE", false, "the job to time (default: the built-in config)"},
    {"set", 0, "KEY=VALUE", true, "override a key, e.g. --set train.batch_size=128 (repeatable)"},
    {"warmup", 0, "N", false, "untimed steps first (default 5)"},
    {"steps", 0, "N", false, "timed steps (default 30)"},
    {"sample", 0, "N", false, "time generating N images (gan sample's path) instead of the training step"},
    {"size", 0, "S", false,
     "a growing config (model.progressive): time the step of its phase at side S\n"
     "(default: the full size)"},
    {"json", 0, NULL, false, "print one JSON object"},
};

const cli_command CLI_BENCH = {
    .name = "bench",
    .usage = "[--config FILE] [--set KEY=VALUE]... [--warmup N] [--steps N] [--size S] [--json]",
    .about = "Times the training step (D on real, D on fake, D update, G through D, G update)\n"
             "for the config's architecture and batch on synthetic images: no data, no files.\n"
             "Defaults: the built-in config (32x32x1, nz 100, ngf = ndf = 64, batch 64), 5 warm-up\n"
             "steps, 30 timed steps. Prints images/s, seconds/step and peak resident memory.",
    .options = OPTIONS,
    .noptions = sizeof OPTIONS / sizeof OPTIONS[0],
};

int cmd_bench(int argc, char **argv)
{
    cli_args a;
    int code = cli_parse(&CLI_BENCH, argc, argv, &a);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    const char *config = cli_get(&CLI_BENCH, &a, "config");
    const cli_value *sets = &a.opt[cli_find(&CLI_BENCH, "set")];
    const bool json = cli_flag(&CLI_BENCH, &a, "json");
    int64_t warmup = 5, steps = 30, sample = 0, size = 0;
    code = cli_get_int64(&CLI_BENCH, &a, "warmup", 0, 100000, &warmup);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_BENCH, &a, "size", 1, 4096, &size);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_BENCH, &a, "steps", 1, 100000, &steps);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_BENCH, &a, "sample", 1, 100000, &sample);
    if (code == EXIT_OK && a.noperands > 0)
        code = cli_usage_error(CLI_BENCH.name, "unexpected argument '%s'", a.operands[0]);
    gan_config cfg;
    gan_error err;
    gan_status rc = code == EXIT_OK ? gan_config_load(&cfg, config, sets->values, sets->count, &err) : GAN_OK;
    cli_args_free(&a);
    if (code != EXIT_OK) return code;
    if (rc != GAN_OK) return cli_report(rc, &err);
    if (gan_blas_note()) fprintf(stderr, "gan: %s\n", gan_blas_note());
    if (sample > 0) {
        double ips = 0.0;
        int chunk = 0;
        rc = gan_bench_sample(&cfg, (long)sample, &ips, &chunk, &err);
        if (rc != GAN_OK) return cli_report(rc, &err);
        if (json)
            printf(
                "{\"sample_images_per_second\": %.2f, \"images\": %lld, \"chunk\": %d, \"image_size\": %d, "
                "\"channels\": %d}\n",
                ips, (long long)sample, chunk, cfg.image_size, cfg.channels);
        else
            printf("%dx%dx%d: generated %lld images at %.1f images/s in chunks of %d\n", cfg.image_size,
                   cfg.image_size, cfg.channels, (long long)sample, ips, chunk);
        return EXIT_OK;
    }
    gan_bench_result r;
    rc = gan_bench(&cfg, (int)warmup, (int)steps, (int)size, &r, &err);
    if (rc == GAN_ERR_USAGE) return cli_usage_error(CLI_BENCH.name, "%s", err.msg);
    if (rc != GAN_OK) return cli_report(rc, &err);
    if (json)
        printf(
            "{\"images_per_second\": %.2f, \"seconds_per_step\": %.6f, \"peak_rss_kb\": %ld, "
            "\"estimated_kb\": %ld, \"gemm_bound_images_per_second\": %.2f, \"gemms_per_step\": %d, \"steps\": %d, \"batch_size\": %d, \"image_size\": %d, \"channels\": %d, "
            "\"loss_d\": %.4f, \"loss_g\": %.4f}\n",
            r.images_per_second, r.seconds / r.steps, r.peak_rss_kb, r.estimated_kb,
            r.gemm_bound_images_per_second, r.gemms_per_step, r.steps, cfg.batch_size, r.size, cfg.channels,
            r.loss_d, r.loss_g);
    else {
        printf("%dx%dx%d batch %d: %.1f images/s, %.4f s/step over %d steps, peak RSS %.1f MiB (estimated "
               "beforehand: %.1f MiB on top of the program's own)\n",
               r.size, r.size, cfg.channels, cfg.batch_size, r.images_per_second, r.seconds / r.steps,
               r.steps, r.peak_rss_kb / 1024.0, r.estimated_kb / 1024.0);
        printf("  its %d SGEMMs alone, back to back: %.1f images/s; the step reaches %.0f%% of that bound\n",
               r.gemms_per_step, r.gemm_bound_images_per_second,
               r.gemm_bound_images_per_second > 0
                   ? 100.0 * r.images_per_second / r.gemm_bound_images_per_second
                   : 0.0);
    }
    return EXIT_OK;
}
