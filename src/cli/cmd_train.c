#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gan/core/comm.h"
#include "gan/core/path.h"
#include "gan/io/config.h"
#include "gan/jobs/train.h"

static const cli_option OPTIONS[] = {
    {"config", 0, "FILE", false, "JSON config (keys and defaults: docs/configs.md, or --print-keys)"},
    {"set", 0, "KEY=VALUE", true, "override a key, e.g. --set train.steps=200 (repeatable)"},
    {"resume", 0, "RUN_DIR", false, "continue a run from RUN_DIR/state.bin with RUN_DIR/config.json"},
    {"force", 0, NULL, false, "start afresh even if output.dir already holds a run"},
    {"quiet", 'q', NULL, false, "no progress lines (errors still go to stderr)"},
    {"print-keys", 0, NULL, false, "print the table of config keys and exit"},
};

const cli_command CLI_TRAIN = {
    .name = "train",
    .usage =
        "--config FILE [--set KEY=VALUE]... [--force] [--quiet]\n--resume RUN_DIR [--set KEY=VALUE]... [--quiet]",
    .about = "Trains a DCGAN. Writes into output.dir: config.json (resolved), metrics.csv,\n"
             "real.png, samples/step_NNNNNN.png, g.bin and d.bin (safetensors) and state.bin.\n"
             "stdout carries only the path of the final g.bin.",
    .options = OPTIONS,
    .noptions = sizeof OPTIONS / sizeof OPTIONS[0],
    .epilog = "Progress on a terminal is one self-updating line; when stderr is a file or a pipe\n"
              "(or TERM=dumb), one plain line per output.log_every steps.\n"
              "Ctrl-C or SIGTERM finishes the current step, writes a checkpoint and exits\n"
              "with 128 + the signal number.\n"
              "Under mpirun -np N or srun, the N ranks share every batch (train.batch_size is\n"
              "the global batch; it must divide by N); rank 0 writes every file and line.\n",
};

static int train(const gan_config *cfg, bool quiet, gan_run_start start, gan_comm *comm);

/* --print-keys: the Markdown table of every config key (docs/configs.md holds it). */
static void print_keys(void)
{
    printf("| key | type | default | meaning |\n|---|---|---|---|\n");
    for (int i = 0; i < gan_config_key_count(); i++) {
        const gan_config_key k = gan_config_key_at(i);
        printf("| `%s` | %s | `%s` | %s", k.path, k.type, k.def, k.help);
        if (k.choices) { /* "a|b" would split a Markdown table cell */
            printf("; one of ");
            for (const char *c = k.choices; *c; c++) fputs(*c == '|' ? ", " : (char[2]){*c, 0}, stdout);
        }
        printf(" |\n");
    }
}

int cmd_train(int argc, char **argv)
{
    cli_args a;
    int code = cli_parse(&CLI_TRAIN, argc, argv, &a);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    const char *config = cli_get(&CLI_TRAIN, &a, "config"), *resume = cli_get(&CLI_TRAIN, &a, "resume");
    const cli_value *sets = &a.opt[cli_find(&CLI_TRAIN, "set")];
    const bool quiet = cli_flag(&CLI_TRAIN, &a, "quiet"), force = cli_flag(&CLI_TRAIN, &a, "force");
    if (cli_flag(&CLI_TRAIN, &a, "print-keys")) {
        print_keys();
        code = EXIT_OK;
    } else if (a.noperands > 0) {
        code = cli_usage_error(CLI_TRAIN.name, "unexpected argument '%s'", a.operands[0]);
    } else if (config && resume) {
        code = cli_usage_error(CLI_TRAIN.name, "--resume uses RUN_DIR/config.json; drop --config");
    } else if (!config && !resume) {
        code = cli_usage_error(CLI_TRAIN.name, "--config FILE or --resume RUN_DIR is required");
    } else if (resume && force) {
        code = cli_usage_error(CLI_TRAIN.name, "--force starts a new run; it does not go with --resume");
    } else {
        code = -1; /* go on */
    }
    for (int i = 0; code < 0 && resume && i < sets->count; i++)
        if (strncmp(sets->values[i], "output.dir=", 11) == 0)
            code = cli_usage_error(CLI_TRAIN.name,
                                   "--resume trains in RUN_DIR; --set output.dir does not go with it");
    if (code >= 0) {
        cli_args_free(&a);
        return code;
    }

    gan_config cfg;
    gan_error err;
    char path[GAN_PATH_MAX];
    gan_comm *comm = NULL; /* under mpirun or srun: this rank of the job */
    gan_status rc = gan_comm_start(&comm, &err);
    if (rc != GAN_OK) {
        cli_args_free(&a);
        return cli_report(rc, &err);
    }
    if (resume) {
        rc = gan_path_join(path, resume, GAN_RUN_STATE, &err);
        if (rc == GAN_OK && access(path, F_OK) != 0)
            rc = gan_fail(&err, GAN_ERR_INPUT, "%s: nothing to resume (no %s)", resume, GAN_RUN_STATE);
        if (rc == GAN_OK) rc = gan_path_join(path, resume, GAN_RUN_CONFIG, &err);
        if (rc == GAN_OK) rc = gan_config_load(&cfg, path, sets->values, sets->count, &err);
        /* The run folder is the one on the command line, whatever output.dir says. */
        if (rc == GAN_OK && strlen(resume) >= sizeof cfg.out_dir)
            rc = gan_fail(&err, GAN_ERR_INPUT, "%s: a path of %zu characters (at most %zu fit)", resume,
                          strlen(resume), sizeof cfg.out_dir - 1);
        if (rc == GAN_OK) snprintf(cfg.out_dir, sizeof cfg.out_dir, "%s", resume);
    } else {
        rc = gan_config_load(&cfg, config, sets->values, sets->count, &err);
    }
    cli_args_free(&a);
    rc = gan_comm_agree(comm, rc, &err); /* a bad config: reported once, by rank 0 */
    code = rc != GAN_OK ? cli_report(rc, &err)
                        : train(&cfg, quiet,
                                resume  ? GAN_RUN_RESUME
                                : force ? GAN_RUN_FORCE
                                        : GAN_RUN_NEW,
                                comm);
    gan_comm_end(comm);
    return code;
}

static int train(const gan_config *cfg_in, bool quiet, gan_run_start start, gan_comm *comm)
{
    gan_config cfg = *cfg_in;
    gan_error err;
    const bool writer = gan_comm_rank(comm) == 0; /* the other ranks only speak of their own failures */
    quiet = quiet || !writer;
    cli_catch_signals();
    cli_train_progress progress = {.columns = quiet ? 0 : cli_terminal_columns()};
    const gan_train_opts opts = {.start = start,
                                 .stop = &cli_stop_signal,
                                 .report = quiet ? NULL : cli_train_report,
                                 .report_ctx = &progress,
                                 .comm = comm};
    gan_train_result res;
    gan_status rc = gan_train(&cfg, &opts, &res, &err);
    cli_train_progress_end(&progress);
    if (rc != GAN_OK) return cli_report(rc, &err);
    if (!quiet && res.steps_run == 0)
        fprintf(
            stderr,
            "gan: nothing to do: the run is at step %lld, its last (raise train.steps or train.epochs with "
            "--set)%s\n",
            (long long)res.step,
            res.outputs_rewritten
                ? "; g.bin and d.bin were missing or damaged and are written again from state.bin"
                : "");
    else if (!quiet)
        fprintf(
            stderr,
            "gan: done: step %lld, %lld steps in %.1f s; loss_D %.4f loss_G %.4f D(x) %.3f D(G(z)) %.3f\n",
            (long long)res.step, (long long)res.steps_run, res.seconds, res.last.loss_d, res.last.loss_g,
            res.last.d_x, res.last.d_g_z);
    if (!quiet && gan_comm_size(comm) > 1)
        fprintf(stderr, "gan: %d ranks; %.1f s (%.1f%%) of rank 0's time in exchanges between them\n",
                gan_comm_size(comm), res.comm_seconds,
                res.seconds > 0 ? 100.0 * res.comm_seconds / res.seconds : 0.0);
    /* stdout carries only the generator's path, for scripts. */
    if (writer) printf("%s/%s\n", cfg.out_dir, GAN_RUN_G);
    return EXIT_OK;
}
