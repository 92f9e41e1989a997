/* Shared pieces of the gan command-line tool. Only the CLI prints and exits. */
#ifndef GAN_CLI_CLI_H
#define GAN_CLI_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gan/core/error.h"
#include "gan/data/classes.h"
#include "gan/jobs/eval.h"
#include "gan/jobs/train.h"

/* Exit codes (documented in docs/commands.md and gan(1)). */
enum {
    EXIT_OK = 0,
    EXIT_INTERNAL = 1, /* a bug or an unexpected failure */
    EXIT_USAGE = 2,    /* bad command line */
    EXIT_BAD_INPUT =
        3,       /* a config, data file, checkpoint or .npy is wrong; or the job does not fit in memory */
    EXIT_IO = 4, /* a file could not be read or written (missing, disk full) */
    EXIT_DIVERGED = 5 /* training produced a non-finite loss */
    /* 128 + signal number: interrupted (130 for Ctrl-C, 143 for SIGTERM), after saving */
};

/* One option of a command, the single source of its parsing, its --help
 * line and its man-page entry. */
typedef struct {
    const char *name; /* long name, without "--" */
    char letter;      /* short option, or 0 */
    const char *arg;  /* the value's name ("FILE", "N"); NULL: a flag */
    bool repeatable;  /* may be given more than once (every value is kept) */
    const char *help; /* what it does; "\n" starts a continuation line */
} cli_option;

typedef struct {
    const char *name;          /* "sample", "classify train" */
    const char *usage;         /* what follows "usage: gan NAME " (lines joined by "\n") */
    const char *about;         /* a paragraph */
    const cli_option *options; /* --help and -h are added to every command */
    int noptions;
    const char *epilog; /* more text after the options, or NULL */
} cli_command;

/* What the command line said of one option. */
typedef struct {
    int count;           /* times given */
    const char *value;   /* the last value (NULL for a flag) */
    const char **values; /* every value of a repeatable option, `count` of them */
} cli_value;

/* The parsed command line: one cli_value per option of the table, then the
 * operands (arguments that are not options). */
typedef struct {
    cli_value *opt; /* [nopt], in the table's order */
    int nopt;
    const char **operands;
    int noperands;
} cli_args;

enum { CLI_HELP_SHOWN = -1 };

/* Parses argv[1..argc) with getopt_long (so -n4, --n=4, --, and unique
 * prefixes of long names work). Returns EXIT_OK, CLI_HELP_SHOWN (--help
 * printed: exit 0) or EXIT_USAGE (a one-line error printed). */
int cli_parse(const cli_command *cmd, int argc, char **argv, cli_args *args);
void cli_args_free(cli_args *args);
/* The option's index in the table (for readable look-ups); aborts when absent. */
int cli_find(const cli_command *cmd, const char *name);
/* The value of option `name`, or NULL when it was not given. */
const char *cli_get(const cli_command *cmd, const cli_args *args, const char *name);
bool cli_flag(const cli_command *cmd, const cli_args *args, const char *name);

/* Integer option values, whole and in range, else a usage error naming the
 * option (returns EXIT_USAGE); *out keeps its default when the option is absent. */
int cli_get_int64(const cli_command *cmd, const cli_args *args, const char *name, int64_t lo, int64_t hi,
                  int64_t *out);

/* A number option in [lo, hi] (finite), else a usage error naming it;
 * *out keeps its default when the option is absent. */
int cli_get_double(const cli_command *cmd, const cli_args *args, const char *name, double lo, double hi,
                   double *out);

/* --truncation PSI: a number > 0 (*psi stays 0, no truncation, when absent). */
int cli_get_truncation(const cli_command *cmd, const cli_args *args, double *psi);

/* Prints the command's help (usage, about, options, epilog) on stdout. */
void cli_print_help(const cli_command *cmd);

/* Prints "gan: <message>" and returns the exit code for a status (128 + the
 * signal for GAN_INTERRUPTED). */
int cli_report(gan_status status, const gan_error *err);
/* Prints "gan CMD: <message> (see 'gan CMD --help')" and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* SIGINT and SIGTERM set cli_stop_signal (to the signal's number); the
 * jobs poll it, save what they must and return. A second signal ends the
 * process at once (every file write is atomic, so that is safe). */
extern volatile sig_atomic_t cli_stop_signal;
void cli_catch_signals(void);

/* The option tables of the commands (in their cmd_*.c). */
extern const cli_command CLI_TRAIN, CLI_SAMPLE, CLI_INTERP, CLI_CLASSIFY_TRAIN, CLI_EVAL, CLI_INFO, CLI_BENCH,
    CLI_EXPORT, CLI_STYLE, CLI_TEXTURE;

/* The tool's commands: what `gan --help`, gan(1) and the shell completion
 * list, and what main dispatches to (src/cli/commands.c). */
typedef struct {
    const char *name;    /* argv[1] */
    const char *summary; /* one line for gan --help */
    const char *example; /* a typical call */
    int (*run)(int argc, char **argv);
    const cli_command *form; /* its options ("classify train" for classify) */
} cli_tool_command;
extern const cli_tool_command CLI_COMMANDS[];
extern const int CLI_NCOMMANDS;

/* A name and what it means: exit codes, environment variables, run files. */
typedef struct {
    const char *name;
    const char *meaning;
} cli_doc_item;
extern const cli_doc_item CLI_EXIT_CODES[], CLI_GLOBAL_OPTIONS[], CLI_ENVIRONMENT[], CLI_RUN_FILES[];
extern const int CLI_NEXIT_CODES, CLI_NGLOBAL_OPTIONS, CLI_NENVIRONMENT, CLI_NRUN_FILES;

/* gan train's progress on stderr (train_progress.c): the job's events as a
 * self-updating terminal line (columns > 0) or as plain lines (0). */
typedef struct {
    int columns;       /* the terminal's width; 0: not a terminal */
    bool bar_shown;    /* the progress line is on the terminal: a line of its own must clear it first */
    double last_drawn; /* when the progress line was last drawn */
} cli_train_progress;
/* The width of the terminal stderr is, or 0 when it is not one (a file, a
 * pipe, TERM=dumb). */
int cli_terminal_columns(void);
/* A gan_train_reporter; ctx is a cli_train_progress. */
void cli_train_report(const gan_train_event *event, void *ctx);
/* Ends the progress line (the last one stays on the terminal). */
void cli_train_progress_end(cli_train_progress *p);

/* Text from files (names, paths, metadata) printed with control characters
 * and bytes that are not UTF-8 escaped (safe_text.c); lines: keep newlines
 * and tabs (a multi-line block such as a config), else escape them too. */
void cli_put_safe(FILE *out, const char *text, bool lines);
/* text escaped as cli_put_safe does (one line), into out; returns out. */
const char *cli_escape(const char *text, char *out, size_t len);
/* printf, then cli_put_safe (one line: newlines escaped). */
void cli_printf_safe(FILE *out, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* gan eval's report (eval_report.c): a table, or one JSON object. */
void cli_eval_table(const gan_eval_request *req, const gan_eval_result *res);
void cli_eval_json(const gan_eval_request *req, const gan_eval_result *res);

/* gan --help, --version, --manual (gan(1) in roff) and --completion (bash). */
void cli_print_usage(FILE *out);
void cli_print_version(void);
void cli_print_manual(void);
void cli_print_bash_completion(void);

int cmd_train(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_interp(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_style(int argc, char **argv);
int cmd_texture(int argc, char **argv);

#endif
