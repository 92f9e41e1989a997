#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/io/config.h"
#include "gan/jobs/classify.h"

static const cli_option OPTIONS[] = {
    {"config", 0, "FILE", false,
     "JSON config: data, classifier, train.batch_size, train.seed,\n"
     "train.threads and output.dir are read (docs/configs.md)"},
    {"set", 0, "KEY=VALUE", true, "override a key, e.g. --set classifier.epochs=2 (repeatable)"},
    {"quiet", 'q', NULL, false, "no progress lines"},
};

const cli_command CLI_CLASSIFY_TRAIN = {
    .name = "classify train",
    .usage = "--config FILE [--set KEY=VALUE]... [--quiet]",
    .about = "Trains the small CNN classifier that 'gan eval' measures samples with, on\n"
             "labelled data: IDX (data.path, data.labels), an image folder's class\n"
             "folders, or CIFAR-10's label bytes. classifier.test_split of the\n"
             "images is held out; the test accuracy is printed after every epoch. Writes\n"
             "output.dir/classifier.bin and prints its path on stdout.",
    .options = OPTIONS,
    .noptions = sizeof OPTIONS / sizeof OPTIONS[0],
    .epilog = "Ctrl-C stops without writing a classifier (exit 130).\n",
};

/* The job's progress as lines on stderr. */
static void show_progress(const gan_classify_event *e, void *ctx)
{
    (void)ctx;
    char path[4096];
    if (e->kind == GAN_CLASSIFY_STARTED)
        fprintf(
            stderr,
            "gan classify: %ld training and %ld test images %dx%dx%d from %s; %zu parameters; %d epochs\n",
            e->train_count, e->test_count, e->image_size, e->image_size, e->channels,
            cli_escape(e->data_path, path, sizeof path), e->params, e->epochs);
    else
        fprintf(stderr, "epoch %d/%d  loss %.4f  train acc %.2f%%  test acc %.2f%%  %.0f img/s\n", e->epoch,
                e->epochs, e->loss, 100.0 * e->train_accuracy, 100.0 * e->test_accuracy,
                e->images_per_second);
}

int cmd_classify(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc < 2) return cli_usage_error("classify", "a subcommand is required: gan classify train");
        cli_print_help(&CLI_CLASSIFY_TRAIN);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "train") != 0)
        return cli_usage_error("classify", "unknown subcommand '%s' (expected 'train')", argv[1]);
    cli_args a;
    int code = cli_parse(&CLI_CLASSIFY_TRAIN, argc - 1, argv + 1, &a);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    const char *config = cli_get(&CLI_CLASSIFY_TRAIN, &a, "config");
    const cli_value *sets = &a.opt[cli_find(&CLI_CLASSIFY_TRAIN, "set")];
    const bool quiet = cli_flag(&CLI_CLASSIFY_TRAIN, &a, "quiet");
    if (a.noperands > 0)
        code = cli_usage_error(CLI_CLASSIFY_TRAIN.name, "unexpected argument '%s'", a.operands[0]);
    else if (!config) code = cli_usage_error(CLI_CLASSIFY_TRAIN.name, "--config FILE is required");
    gan_config cfg;
    gan_error err;
    gan_status rc = code == EXIT_OK ? gan_config_load(&cfg, config, sets->values, sets->count, &err) : GAN_OK;
    cli_args_free(&a);
    if (code != EXIT_OK) return code;
    if (rc != GAN_OK) return cli_report(rc, &err);
    cli_catch_signals();
    const gan_classify_opts opts = {.stop = &cli_stop_signal, .report = quiet ? NULL : show_progress};
    gan_classify_result res;
    rc = gan_classify_train(&cfg, &opts, &res, &err);
    if (rc != GAN_OK) return cli_report(rc, &err);
    if (!quiet)
        fprintf(stderr, "gan: done in %.1f s: test accuracy %.2f%% on %ld held-out images\n", res.seconds,
                100.0 * res.test_accuracy, res.test_count);
    printf("%s\n", res.path);
    return EXIT_OK;
}
