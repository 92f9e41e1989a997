#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/io/config.h"
#include "gan/jobs/train.h"

static const char HELP[] =
    "usage: gan bench [--config FILE] [--set KEY=VALUE]... [--warmup N] [--steps N] [--json]\n"
    "\n"
    "Times the training step (D on real, D on fake, D update, G through D, G update)\n"
    "for the config's architecture and batch on synthetic images: no data, no files.\n"
    "Defaults: the built-in config (32x32x1, nz 100, ngf = ndf = 64, batch 64), 5 warm-up\n"
    "steps, 30 timed steps. Prints images/s, seconds/step and peak resident memory.\n";

int cmd_bench(int argc, char **argv)
{
    const char *config = NULL, *sets[64];
    int nsets = 0, json = 0;
    long warmup = 5, steps = 30;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (cli_is_help(argv[i])) {
            return cli_help(HELP);
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (cli_opt(argc, argv, &i, "--config", &v)) {
            if (!v) return cli_usage_error("bench", "--config needs a file");
            config = v;
        } else if (cli_opt(argc, argv, &i, "--set", &v)) {
            if (!v || nsets == 64) return cli_usage_error("bench", "--set needs KEY=VALUE");
            sets[nsets++] = v;
        } else if (cli_opt(argc, argv, &i, "--warmup", &v)) {
            if (cli_long(v, 0, 100000, &warmup) != 0) return cli_usage_error("bench", "--warmup: expected 0 to 100000");
        } else if (cli_opt(argc, argv, &i, "--steps", &v)) {
            if (cli_long(v, 1, 100000, &steps) != 0) return cli_usage_error("bench", "--steps: expected 1 to 100000");
        } else {
            return cli_usage_error("bench", "unknown option '%s'", argv[i]);
        }
    }
    gan_config cfg;
    gan_error err;
    int rc = gan_config_load(&cfg, config, sets, nsets, &err);
    if (rc != GAN_OK) return cli_report(rc, &err);
    if (gan_blas_note()) fprintf(stderr, "gan: %s\n", gan_blas_note());
    gan_bench_result r;
    rc = gan_bench(&cfg, (int)warmup, (int)steps, &r, &err);
    if (rc != GAN_OK) return cli_report(rc, &err);
    if (json)
        printf("{\"images_per_second\": %.2f, \"seconds_per_step\": %.6f, \"peak_rss_kb\": %ld, \"steps\": %d, "
               "\"batch_size\": %d, \"image_size\": %d, \"channels\": %d, \"loss_d\": %.4f, \"loss_g\": %.4f}\n",
               r.images_per_second, r.seconds / r.steps, r.peak_rss_kb, r.steps, cfg.batch_size, cfg.image_size,
               cfg.channels, r.loss_d, r.loss_g);
    else
        printf("%dx%dx%d batch %d: %.1f images/s, %.4f s/step over %d steps, peak RSS %.1f MiB\n", cfg.image_size,
               cfg.image_size, cfg.channels, cfg.batch_size, r.images_per_second, r.seconds / r.steps, r.steps,
               r.peak_rss_kb / 1024.0);
    return EXIT_OK;
}
