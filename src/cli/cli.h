/* Shared pieces of the gan command-line tool. Only the CLI prints and exits. */
#ifndef GAN_CLI_H
#define GAN_CLI_H

#include <signal.h>

#include "gan/core/error.h"

/* Exit codes (documented in the README). */
enum {
    EXIT_OK = 0,
    EXIT_INTERNAL = 1,   /* a bug or an unexpected failure */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_BAD_INPUT = 3,  /* a config, data file, checkpoint or .npy is wrong */
    EXIT_IO = 4,         /* a file could not be read or written (missing, disk full) */
    EXIT_DIVERGED = 5    /* training produced a non-finite loss */
    /* 128 + signal number: interrupted (130 for Ctrl-C, 143 for SIGTERM), after saving */
};

/* Prints "gan: <message>" and returns the exit code for a status. */
int cli_report(int status, const gan_error *err);
/* Prints "gan CMD: <message>" for usage errors and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* "--help" or "-h". */
int cli_is_help(const char *arg);
/* "--quiet" or "-q". */
int cli_is_quiet(const char *arg);
/* Prints a command's help on stdout; returns EXIT_OK. */
int cli_help(const char *text);

/* Option parsing: matches "--name value" and "--name=value". *i advances. */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **value);
/* Parses a whole decimal number in [lo, hi]. */
int cli_long(const char *s, long lo, long hi, long *out);

/* SIGINT and SIGTERM set cli_stop_signal (to the signal's number); the
 * jobs poll it, save what they must and return. A second signal ends the
 * process at once (every file write is atomic, so that is safe). */
extern volatile sig_atomic_t cli_stop_signal;
void cli_catch_signals(void);

int cmd_train(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_interp(int argc, char **argv);

#endif
