/* gan: train DCGANs and sample from them. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/core/blas.h"

static const char USAGE[] =
    "usage: gan <command> [options]\n"
    "\n"
    "commands:\n"
    "  train    train a DCGAN from a JSON config        gan train --config configs/mnist.json\n"
    "  sample   write generated images from a checkpoint gan sample --ckpt runs/mnist/g.bin -n 64\n"
    "  interp   latent-space walks between random points gan interp --ckpt runs/mnist/g.bin\n"
    "  classify train the classifier gan eval uses      gan classify train --config configs/mnist-classifier.json\n"
    "  eval     FID, Inception Score, class coverage    gan eval --ckpt runs/mnist/g.bin --classifier C.bin\n"
    "  info     describe a checkpoint or training state  gan info runs/mnist/g.bin\n"
    "  bench    time the training step                   gan bench --set train.batch_size=128\n"
    "\n"
    "'gan <command> --help' lists a command's options.\n"
    "exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input file (or not enough memory), 4 I/O error,\n"
    "            5 training diverged, 128+N interrupted by signal N (after saving)\n";

int cli_report(gan_status status, const gan_error *err)
{
    fprintf(stderr, "gan: %s\n", err->msg);
    switch (status) {
    case GAN_INTERRUPTED: return 128 + (int)cli_stop_signal; /* after a checkpoint: 130 for Ctrl-C */
    case GAN_ERR_INPUT: return EXIT_BAD_INPUT;
    case GAN_ERR_NOMEM: return EXIT_BAD_INPUT; /* a resource limit, not a bug: the message gives the sizes */
    case GAN_ERR_IO: return EXIT_IO;
    case GAN_ERR_NUMERIC: return EXIT_DIVERGED;
    case GAN_ERR_USAGE: return EXIT_USAGE;
    default: return EXIT_INTERNAL;
    }
}

volatile sig_atomic_t cli_stop_signal = 0;

static void on_stop_signal(int sig) { cli_stop_signal = sig; }

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND; /* the second signal takes the default action: the process ends at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int main(int argc, char **argv)
{
    gan_blas_single_under_limit(argv);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("gan 0.1.0\n");
        return EXIT_OK;
    }
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } commands[] = {{"train", cmd_train},   {"sample", cmd_sample},     {"info", cmd_info},
                    {"interp", cmd_interp}, {"classify", cmd_classify}, {"eval", cmd_eval},
                    {"bench", cmd_bench}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "gan: unknown command '%s' (see 'gan --help')\n", argv[1]);
    return EXIT_USAGE;
}
