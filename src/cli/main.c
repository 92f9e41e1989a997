/* gan: train DCGANs and sample from them. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "gan/core/blas.h"
#include "gan/core/comm.h"

int cli_report(gan_status status, const gan_error *err)
{
    if (err->msg[0]) { /* empty: another rank of the job says it */
        fputs("gan: ", stderr);
        cli_put_safe(stderr, err->msg, false);
        fputc('\n', stderr);
    }
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
    if (argc < 2) {
        cli_print_usage(stderr);
        return EXIT_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 || strcmp(first, "help") == 0) {
        cli_print_usage(stdout);
        return EXIT_OK;
    }
    static const struct {
        const char *name;
        void (*print)(void);
    } documents[] = {{"--version", cli_print_version},
                     {"--manual", cli_print_manual},
                     {"--completion", cli_print_bash_completion}};
    for (size_t i = 0; i < sizeof documents / sizeof documents[0]; i++) {
        if (strcmp(first, documents[i].name) != 0) continue;
        if (argc > 2) {
            fprintf(stderr, "gan: %s takes no arguments (see 'gan --help')\n", first);
            return EXIT_USAGE;
        }
        documents[i].print();
        return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_IO;
    }
    for (int i = 0; i < CLI_NCOMMANDS; i++) {
        if (strcmp(first, CLI_COMMANDS[i].name) != 0) continue;
        const int code = CLI_COMMANDS[i].run(argc - 1, argv + 1);
        /* Under mpirun a usage error is said by rank 0 alone, before MPI
         * starts; the other ranks wait a moment before they exit, since
         * mpirun ends every rank once one exits non-zero, and could end
         * rank 0 before its line is out. */
        if (code == EXIT_USAGE && gan_comm_launched_rank() > 0)
            nanosleep(&(struct timespec){0, 500000000}, NULL);
        return code;
    }
    fprintf(stderr, "gan: unknown command '%s' (see 'gan --help')\n", first);
    return EXIT_USAGE;
}
