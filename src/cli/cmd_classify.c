#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/jobs/classify.h"
#include "gan/io/config.h"

static const char HELP[] =
    "usage: gan classify train --config FILE [--set KEY=VALUE]... [--quiet]\n"
    "\n"
    "Trains the small CNN classifier that 'gan eval' measures samples with, on\n"
    "labelled IDX data (data.path, data.labels). classifier.test_split of the\n"
    "images is held out; the test accuracy is printed after every epoch. Writes\n"
    "output.dir/classifier.bin and prints its path on stdout.\n"
    "\n"
    "  --config FILE       JSON config: data, classifier, train.batch_size, train.seed,\n"
    "                      train.threads and output.dir are read (README: config keys)\n"
    "  --set KEY=VALUE     override a key, e.g. --set classifier.epochs=2 (repeatable)\n"
    "  --quiet             no progress lines\n"
    "\n"
    "Ctrl-C stops without writing a classifier (exit 130).\n";

int cmd_classify(int argc, char **argv)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        if (argc < 2) {
            fputs(HELP, stderr);
            return EXIT_USAGE;
        }
        return cli_help(HELP);
    }
    if (strcmp(argv[1], "train") != 0)
        return cli_usage_error("classify", "unknown subcommand '%s' (expected 'train')", argv[1]);
    const char *config = NULL, *sets[64];
    int nsets = 0, quiet = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        if (cli_is_help(argv[i])) {
            return cli_help(HELP);
        } else if (cli_is_quiet(argv[i])) {
            quiet = 1;
        } else if (cli_opt(argc, argv, &i, "--config", &v)) {
            if (!v) return cli_usage_error("classify", "--config needs a file");
            config = v;
        } else if (cli_opt(argc, argv, &i, "--set", &v)) {
            if (!v) return cli_usage_error("classify", "--set needs KEY=VALUE");
            if (nsets == 64) return cli_usage_error("classify", "too many --set options");
            sets[nsets++] = v;
        } else {
            return cli_usage_error("classify", "unknown option '%s'", argv[i]);
        }
    }
    if (!config) return cli_usage_error("classify", "--config FILE is required");
    gan_config cfg;
    gan_error err;
    int rc = gan_config_load(&cfg, config, sets, nsets, &err);
    if (rc != GAN_OK) return cli_report(rc, &err);
    cli_catch_signals();
    gan_classify_opts opts = {.quiet = quiet, .stop = &cli_stop_signal};
    gan_classify_result res;
    rc = gan_classify_train(&cfg, &opts, &res, &err);
    if (rc == GAN_INTERRUPTED) {
        fprintf(stderr, "gan: %s\n", err.msg);
        return 128 + (int)cli_stop_signal;
    }
    if (rc != GAN_OK) return cli_report(rc, &err);
    if (!quiet)
        fprintf(stderr, "gan: done in %.1f s: test accuracy %.2f%% on %ld held-out images\n", res.seconds,
                100.0 * res.test_accuracy, res.test_count);
    printf("%s\n", res.path);
    return EXIT_OK;
}
