#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gan/io/config.h"
#include "gan/jobs/train.h"

static const char HELP[] =
    "usage: gan train --config FILE [--set KEY=VALUE]... [--force] [--quiet]\n"
    "       gan train --resume RUN_DIR [--set KEY=VALUE]... [--quiet]\n"
    "\n"
    "Trains a DCGAN. Writes into output.dir: config.json (resolved), metrics.csv,\n"
    "real.png, samples/step_NNNNNN.png, g.bin and d.bin (safetensors) and state.bin.\n"
    "\n"
    "  --config FILE       JSON config (keys and defaults: README, or --print-keys)\n"
    "  --set KEY=VALUE     override a key, e.g. --set train.steps=200 (repeatable)\n"
    "  --resume RUN_DIR    continue a run from RUN_DIR/state.bin with RUN_DIR/config.json\n"
    "  --force             start afresh even if output.dir already holds a run\n"
    "  --quiet             no progress lines (errors still go to stderr)\n"
    "  --print-keys        print the table of config keys and exit\n"
    "\n"
    "Ctrl-C or SIGTERM finishes the current step, writes a checkpoint and exits\n"
    "with 128 + the signal number.\n";

int cmd_train(int argc, char **argv)
{
    const char *config = NULL, *resume = NULL, *sets[64];
    int nsets = 0, quiet = 0, force = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (cli_is_help(argv[i])) {
            return cli_help(HELP);
        } else if (strcmp(argv[i], "--print-keys") == 0) {
            gan_config_print_reference();
            return EXIT_OK;
        } else if (cli_is_quiet(argv[i])) {
            quiet = 1;
        } else if (strcmp(argv[i], "--force") == 0) {
            force = 1;
        } else if (cli_opt(argc, argv, &i, "--config", &v)) {
            if (!v) return cli_usage_error("train", "--config needs a file");
            config = v;
        } else if (cli_opt(argc, argv, &i, "--resume", &v)) {
            if (!v) return cli_usage_error("train", "--resume needs a run folder");
            resume = v;
        } else if (cli_opt(argc, argv, &i, "--set", &v)) {
            if (!v) return cli_usage_error("train", "--set needs KEY=VALUE");
            if (nsets == 64) return cli_usage_error("train", "too many --set options");
            sets[nsets++] = v;
        } else {
            return cli_usage_error("train", "unknown option '%s'", argv[i]);
        }
    }
    if (config && resume) return cli_usage_error("train", "--resume uses RUN_DIR/config.json; drop --config");
    if (!config && !resume) return cli_usage_error("train", "--config FILE or --resume RUN_DIR is required");

    gan_config cfg;
    gan_error err;
    char path[1100];
    int rc;
    if (resume) {
        snprintf(path, sizeof path, "%s/%s", resume, GAN_RUN_STATE);
        if (access(path, F_OK) != 0) {
            gan_fail(&err, GAN_ERR_INPUT, "%s: nothing to resume (no %s)", resume, GAN_RUN_STATE);
            return cli_report(GAN_ERR_INPUT, &err);
        }
        snprintf(path, sizeof path, "%s/%s", resume, GAN_RUN_CONFIG);
        rc = gan_config_load(&cfg, path, sets, nsets, &err);
        /* The run folder is where the state is, whatever output.dir says. */
        if (rc == GAN_OK && strlen(resume) < sizeof cfg.out_dir) strcpy(cfg.out_dir, resume);
    } else {
        rc = gan_config_load(&cfg, config, sets, nsets, &err);
    }
    if (rc != GAN_OK) return cli_report(rc, &err);

    cli_catch_signals();
    gan_train_opts opts = {.quiet = quiet, .resume = resume != NULL, .force = force, .stop = &cli_stop_signal};
    gan_train_result res;
    rc = gan_train(&cfg, &opts, &res, &err);
    if (rc == GAN_INTERRUPTED) {
        fprintf(stderr, "gan: %s\n", err.msg);
        return 128 + (int)cli_stop_signal;
    }
    if (rc != GAN_OK) return cli_report(rc, &err);
    if (!quiet && res.steps_run == 0)
        fprintf(stderr, "gan: nothing to do: the run is at step %ld, its last (raise train.steps or train.epochs with --set)\n",
                res.step);
    else if (!quiet)
        fprintf(stderr, "gan: done: step %ld, %ld steps in %.1f s; loss_D %.4f loss_G %.4f D(x) %.3f D(G(z)) %.3f\n",
                res.step, res.steps_run, res.seconds, res.loss_d, res.loss_g, res.d_x, res.d_g_z);
    /* stdout carries only the generator's path, for scripts. */
    printf("%s/%s\n", cfg.out_dir, GAN_RUN_G);
    return EXIT_OK;
}
