/* gan: train DCGANs and sample from them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
    "exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input file, 4 I/O error,\n"
    "            5 training diverged, 128+N interrupted by signal N (after saving)\n";

int cli_report(int status, const gan_error *err)
{
    fprintf(stderr, "gan: %s\n", err->msg);
    switch (status) {
    case GAN_ERR_INPUT: return EXIT_BAD_INPUT;
    case GAN_ERR_IO: return EXIT_IO;
    case GAN_ERR_NUMERIC: return EXIT_DIVERGED;
    default: return EXIT_INTERNAL;
    }
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "gan %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'gan %s --help')\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

volatile sig_atomic_t cli_stop_signal = 0;

static void on_stop_signal(int sig) { cli_stop_signal = sig; }

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_is_help(const char *arg) { return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0; }

int cli_is_quiet(const char *arg) { return strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0; }

int cli_help(const char *text)
{
    fputs(text, stdout);
    return EXIT_OK;
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') return 0;
    if (*i + 1 >= argc) {
        *value = NULL;
        return 1;
    }
    *value = argv[++*i];
    return 1;
}

int cli_long(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s) return -1;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("gan 0.1.0\n");
        return EXIT_OK;
    }
    if (strcmp(argv[1], "train") == 0) return cmd_train(argc - 1, argv + 1);
    if (strcmp(argv[1], "sample") == 0) return cmd_sample(argc - 1, argv + 1);
    if (strcmp(argv[1], "info") == 0) return cmd_info(argc - 1, argv + 1);
    if (strcmp(argv[1], "interp") == 0) return cmd_interp(argc - 1, argv + 1);
    if (strcmp(argv[1], "classify") == 0) return cmd_classify(argc - 1, argv + 1);
    if (strcmp(argv[1], "eval") == 0) return cmd_eval(argc - 1, argv + 1);
    if (strcmp(argv[1], "bench") == 0) return cmd_bench(argc - 1, argv + 1);
    fprintf(stderr, "gan: unknown command '%s' (see 'gan --help')\n", argv[1]);
    return EXIT_USAGE;
}
