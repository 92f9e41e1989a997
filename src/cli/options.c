/* Command-line parsing for every command, from the command's option table:
 * getopt_long does the work (-n4, --n=4, --, unique prefixes); the table
 * also prints --help, so the two cannot drift apart. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gan/core/check.h"
#include "gan/core/comm.h"
#include "gan/core/number.h"

enum { LONG_BASE = 256, HELP_COLUMN = 24 };

int cli_find(const cli_command *cmd, const char *name)
{
    for (int i = 0; i < cmd->noptions; i++)
        if (strcmp(cmd->options[i].name, name) == 0) return i;
    GAN_ABORT("gan %s has no option --%s", cmd->name, name);
}

const char *cli_get(const cli_command *cmd, const cli_args *args, const char *name)
{
    return args->opt[cli_find(cmd, name)].value;
}

bool cli_flag(const cli_command *cmd, const cli_args *args, const char *name)
{
    return args->opt[cli_find(cmd, name)].count > 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    if (gan_comm_launched_rank() > 0) return EXIT_USAGE; /* under mpirun rank 0 says it, once */
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "gan %s: ", cmd);
    cli_put_safe(stderr, msg, false);
    fprintf(stderr, " (see 'gan %s --help')\n", cmd);
    return EXIT_USAGE;
}

int cli_get_int64(const cli_command *cmd, const cli_args *args, const char *name, int64_t lo, int64_t hi,
                  int64_t *out)
{
    const int idx = cli_find(cmd, name);
    const char *s = args->opt[idx].value;
    if (!s) return EXIT_OK;
    char label[64]; /* as the user would have typed it */
    if (cmd->options[idx].letter) snprintf(label, sizeof label, "-%c", cmd->options[idx].letter);
    else snprintf(label, sizeof label, "--%s", name);
    long long v = 0;
    /* whole and plain: digits only (a '-' where negatives are allowed), no overflow */
    if (!gan_parse_integer(s, lo < 0, &v) || v < lo || v > hi)
        return cli_usage_error(cmd->name, "%s: expected an integer from %lld to %lld, got '%s'", label,
                               (long long)lo, (long long)hi, s);
    *out = (int64_t)v;
    return EXIT_OK;
}

int cli_get_double(const cli_command *cmd, const cli_args *args, const char *name, double lo, double hi,
                   double *out)
{
    const char *s = cli_get(cmd, args, name);
    if (!s) return EXIT_OK;
    char *end = NULL;
    const double v = strtod(s, &end);
    if (!*s || *end != '\0' || !(v >= lo && v <= hi))
        return cli_usage_error(cmd->name, "--%s: expected a number from %g to %g, got '%s'", name, lo, hi, s);
    *out = v;
    return EXIT_OK;
}

int cli_get_truncation(const cli_command *cmd, const cli_args *args, double *psi)
{
    const char *s = cli_get(cmd, args, "truncation");
    if (!s) return EXIT_OK;
    char *end = NULL;
    const double v = strtod(s, &end);
    if (!*s || *end != '\0' || !(v > 0.0) || !(v < INFINITY))
        return cli_usage_error(cmd->name, "--truncation: expected a number > 0, got '%s'", s);
    *psi = v;
    return EXIT_OK;
}

/* "  -n, --n N" or "      --ckpt FILE": the left column of a help line. */
static int option_label(const cli_option *o, char *buf, size_t len)
{
    return snprintf(buf, len, "  %c%c%s--%s%s%s", o->letter ? '-' : ' ', o->letter ? o->letter : ' ',
                    o->letter ? ", " : "  ", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

void cli_print_help(const cli_command *cmd)
{
    printf("usage: gan %s ", cmd->name);
    for (const char *p = cmd->usage; *p; p++) {
        putchar(*p);
        if (*p == '\n') printf("       gan %s ", cmd->name);
    }
    printf("\n\n%s\n\n", cmd->about);
    for (int i = 0; i < cmd->noptions + 1; i++) {
        static const cli_option help = {"help", 'h', NULL, false, "print this help and exit"};
        const cli_option *o = i < cmd->noptions ? &cmd->options[i] : &help;
        char label[96];
        int n = option_label(o, label, sizeof label);
        fputs(label, stdout);
        if (n >= HELP_COLUMN - 1) printf("\n%*s", HELP_COLUMN, "");
        else printf("%*s", HELP_COLUMN - n, "");
        for (const char *p = o->help; *p; p++) {
            putchar(*p);
            if (*p == '\n') printf("%*s", HELP_COLUMN, "");
        }
        putchar('\n');
    }
    if (cmd->epilog) printf("\n%s", cmd->epilog);
}

/* The table's long names that start with prefix (for "ambiguous" messages). */
static int prefix_matches(const cli_command *cmd, const char *prefix, size_t len, char *list, size_t list_len)
{
    int n = 0;
    list[0] = '\0';
    for (int i = 0; i < cmd->noptions; i++) {
        if (strncmp(cmd->options[i].name, prefix, len) != 0) continue;
        size_t used = strlen(list);
        snprintf(list + used, list_len - used, "%s--%s", n ? ", " : "", cmd->options[i].name);
        n++;
    }
    return n;
}

static int bad_option(const cli_command *cmd, const char *arg, int short_opt)
{
    if (short_opt) return cli_usage_error(cmd->name, "unknown option '-%c'", short_opt);
    if (!arg || strncmp(arg, "--", 2) != 0)
        return cli_usage_error(cmd->name, "unknown option '%s'", arg ? arg : "?");
    const char *name = arg + 2;
    const size_t len = strcspn(name, "=");
    char list[512];
    const int n = prefix_matches(cmd, name, len, list, sizeof list);
    if (n > 1) return cli_usage_error(cmd->name, "ambiguous option '--%.*s' (%s)", (int)len, name, list);
    if (n == 1 && name[len] == '=') return cli_usage_error(cmd->name, "option '%s' takes no value", list);
    return cli_usage_error(cmd->name, "unknown option '%s'", arg);
}

/* getopt_long's tables for the command: long options (each returns
 * LONG_BASE + its index, --help 'h') and the short-option string. */
static bool option_tables(const cli_command *cmd, struct option **longs, char **shorts)
{
    const int n = cmd->noptions;
    *longs = calloc((size_t)n + 2, sizeof **longs);
    *shorts = malloc(3 * (size_t)n + 4);
    if (!*longs || !*shorts) return false;
    /* ':' first: a missing value is reported as ':' rather than '?' */
    size_t k = 0;
    (*shorts)[k++] = ':';
    for (int i = 0; i < n; i++) {
        const cli_option *o = &cmd->options[i];
        (*longs)[i] = (struct option){o->name, o->arg ? required_argument : no_argument, NULL, LONG_BASE + i};
        if (o->letter) {
            (*shorts)[k++] = o->letter;
            if (o->arg) (*shorts)[k++] = ':';
        }
    }
    (*longs)[n] = (struct option){"help", no_argument, NULL, 'h'};
    (*shorts)[k++] = 'h';
    (*shorts)[k] = '\0';
    return true;
}

/* The message for what getopt_long refused: c is '?' (unknown, ambiguous,
 * or a flag given a value) or ':' (a value missing). */
static int refused(const cli_command *cmd, int c, const char *arg)
{
    const int n = cmd->noptions;
    if (c == ':') {
        for (int i = 0; i < n; i++)
            if (optopt == LONG_BASE + i || (cmd->options[i].letter && optopt == cmd->options[i].letter))
                return cli_usage_error(cmd->name, "--%s needs %s", cmd->options[i].name, cmd->options[i].arg);
        return cli_usage_error(cmd->name, "an option needs a value");
    }
    if (optopt >= LONG_BASE && optopt < LONG_BASE + n) /* a flag given "=value" */
        return cli_usage_error(cmd->name, "option '--%s' takes no value",
                               cmd->options[optopt - LONG_BASE].name);
    if (optopt == 'h' && arg && strncmp(arg, "--", 2) == 0) /* --help=..., or a prefix of it given a value */
        return cli_usage_error(cmd->name, "option '--help' takes no value");
    return bad_option(cmd, optopt ? NULL : arg, optopt);
}

/* An option that names a file or folder (its value's name says so). */
static bool takes_path(const cli_option *o)
{
    return o->arg && (strstr(o->arg, "FILE") || strstr(o->arg, "DIR") || strcmp(o->arg, "PATH") == 0);
}

/* Records one option's value; EXIT_OK or a usage error. */
static int store(const cli_command *cmd, cli_args *args, int idx, char *value)
{
    const cli_option *o = &cmd->options[idx];
    cli_value *v = &args->opt[idx];
    if (takes_path(o) && !*value) return cli_usage_error(cmd->name, "--%s: an empty file name", o->name);
    if (v->count > 0 && !o->repeatable && o->arg && strcmp(v->value, value) != 0)
        return cli_usage_error(cmd->name, "--%s given twice ('%s', then '%s')", o->name, v->value, value);
    if (o->repeatable) {
        const char **grown = realloc(v->values, sizeof *grown * ((size_t)v->count + 1));
        if (!grown) {
            fprintf(stderr, "gan: out of memory\n");
            return EXIT_INTERNAL;
        }
        v->values = grown;
        v->values[v->count] = value;
    }
    v->count++;
    v->value = value;
    return EXIT_OK;
}

/* The table index of what getopt_long returned for a known option. */
static int option_index(const cli_command *cmd, int c)
{
    if (c >= LONG_BASE) return c - LONG_BASE;
    for (int i = 0; i < cmd->noptions; i++)
        if (cmd->options[i].letter == c) return i;
    return -1;
}

int cli_parse(const cli_command *cmd, int argc, char **argv, cli_args *args)
{
    memset(args, 0, sizeof *args);
    struct option *longs = NULL;
    char *shorts = NULL;
    args->opt = calloc((size_t)cmd->noptions + 1, sizeof *args->opt);
    args->nopt = cmd->noptions;
    args->operands = calloc((size_t)argc + 1, sizeof *args->operands);
    if (!option_tables(cmd, &longs, &shorts) || !args->opt || !args->operands) {
        free(longs), free(shorts);
        cli_args_free(args);
        fprintf(stderr, "gan: out of memory\n");
        return EXIT_INTERNAL;
    }
    int rc = EXIT_OK;
    opterr = 0;
    optind = 0; /* GNU: start afresh */
    for (int c; rc == EXIT_OK && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1;) {
        if (c == 'h') {
            cli_print_help(cmd);
            rc = CLI_HELP_SHOWN;
        } else if (c == '?' || c == ':') {
            rc = refused(cmd, c, argv[optind - 1]);
        } else {
            const int idx = option_index(cmd, c);
            GAN_ASSERT(idx >= 0 && idx < cmd->noptions);
            rc = store(cmd, args, idx, optarg);
        }
    }
    if (rc == EXIT_OK)
        for (int i = optind; i < argc; i++) args->operands[args->noperands++] = argv[i];
    free(longs);
    free(shorts);
    if (rc != EXIT_OK) cli_args_free(args);
    return rc;
}

void cli_args_free(cli_args *args)
{
    for (int i = 0; args->opt && i < args->nopt; i++) free(args->opt[i].values);
    free(args->opt);
    free(args->operands);
    memset(args, 0, sizeof *args);
}
