#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/core/clock.h"
#include "gan/jobs/style.h"

/* The options both commands take; gan style adds the content's. */
#define COMMON_OPTIONS                                                                                \
    {"style", 0, "FILE", false, "the style picture (PNG, JPEG or BMP)"},                              \
        {"size", 0, "N", false, "the output's longer side in pixels (default 256; 32 to 2048)"},      \
        {"steps", 0, "N", false, "optimiser steps (default 150)"},                                    \
        {"style-weight", 0, "W", false, "weight of the style loss (default 1000)"},                   \
        {"tv-weight", 0, "W", false, "weight of the total-variation loss (default 10)"},              \
        {"seed", 0, "N", false, "seed of the random VGG weights and of the noise (default 0)"},       \
        {"weights", 0, "FILE", false,                                                                 \
         "VGG-19 weights: torchvision's vgg19().features saved as safetensors\n"                      \
         "(default: fixed random weights from --seed; see docs/style.md)"},                           \
        {"optimizer", 0, "lbfgs|adam", false, "L-BFGS (default) or Adam"},                            \
        {"lr", 0, "X", false, "Adam's step size in pixel values (default 0.02)"},                     \
        {"history", 0, "N", false, "L-BFGS's history of (step, gradient change) pairs (default 20)"}, \
        {"save-every", 0, "N", false, "also write OUT's stem + _stepNNNN.png every N steps"},         \
        {"threads", 0, "N", false, "threads (default: every CPU the process may use)"},               \
    {                                                                                                 \
        "quiet", 'q', NULL, false, "print nothing but errors"                                         \
    }

static const cli_option STYLE_OPTIONS[] = {
    {"content", 0, "FILE", false, "the content picture"},
    {"out", 0, "FILE", false, "the picture written (default style.png)"},
    {"content-weight", 0, "W", false, "weight of the content loss (default 1)"},
    {"init", 0, "content|noise", false, "start from the content picture (default) or from noise"},
    COMMON_OPTIONS,
};

static const cli_option TEXTURE_OPTIONS[] = {
    {"out", 0, "FILE", false, "the picture written (default texture.png)"},
    COMMON_OPTIONS,
};

const cli_command CLI_STYLE = {
    .name = "style",
    .usage = "--content A.png --style B.png [--out C.png] [--size N] [--steps N] [options]",
    .about = "Neural style transfer (Gatys et al. 2016): optimises a picture whose VGG-19\n"
             "relu4_2 features match the content picture's and whose Gram matrices of\n"
             "relu1_1 ... relu5_1 match the style picture's, smoothed by total variation.\n"
             "Prints the path it wrote.",
    .options = STYLE_OPTIONS,
    .noptions = sizeof STYLE_OPTIONS / sizeof STYLE_OPTIONS[0],
};

const cli_command CLI_TEXTURE = {
    .name = "texture",
    .usage = "--style B.png [--out C.png] [--size N] [--steps N] [options]",
    .about = "Texture synthesis (Gatys et al. 2015): optimises a picture, from noise, whose\n"
             "VGG-19 Gram matrices match the style picture's. Prints the path it wrote.",
    .options = TEXTURE_OPTIONS,
    .noptions = sizeof TEXTURE_OPTIONS / sizeof TEXTURE_OPTIONS[0],
};

static int read_numbers(const cli_command *cmd, const cli_args *a, gan_style_request *r)
{
    int64_t size = 256, steps = 150, seed = 0, history = 20, save_every = 0, threads = 0;
    int code = cli_get_int64(cmd, a, "size", GAN_STYLE_MIN_SIZE, GAN_STYLE_MAX_SIZE, &size);
    if (code == EXIT_OK) code = cli_get_int64(cmd, a, "steps", 1, 100000, &steps);
    if (code == EXIT_OK) code = cli_get_int64(cmd, a, "seed", 0, INT64_MAX, &seed);
    if (code == EXIT_OK) code = cli_get_int64(cmd, a, "history", 1, 1000, &history);
    if (code == EXIT_OK) code = cli_get_int64(cmd, a, "save-every", 0, 100000, &save_every);
    if (code == EXIT_OK) code = cli_get_int64(cmd, a, "threads", 0, 1024, &threads);
    r->size = (int)size, r->steps = (int)steps, r->seed = (uint64_t)seed, r->history = (int)history;
    r->save_every = (int)save_every, r->threads = (int)threads;
    r->content_weight = 1, r->style_weight = 1000, r->tv_weight = 10, r->lr = 0.02;
    if (code == EXIT_OK && cmd == &CLI_STYLE)
        code = cli_get_double(cmd, a, "content-weight", 0, 1e12, &r->content_weight);
    if (code == EXIT_OK) code = cli_get_double(cmd, a, "style-weight", 0, 1e12, &r->style_weight);
    if (code == EXIT_OK) code = cli_get_double(cmd, a, "tv-weight", 0, 1e12, &r->tv_weight);
    if (code == EXIT_OK) code = cli_get_double(cmd, a, "lr", 1e-9, 10, &r->lr);
    return code;
}

static int read_args(const cli_command *cmd, const cli_args *a, gan_style_request *r)
{
    memset(r, 0, sizeof *r);
    const bool style = cmd == &CLI_STYLE;
    const char *init = style ? cli_get(cmd, a, "init") : NULL, *opt = cli_get(cmd, a, "optimizer");
    r->content = style ? cli_get(cmd, a, "content") : NULL;
    r->style = cli_get(cmd, a, "style");
    r->out = cli_get(cmd, a, "out");
    if (!r->out) r->out = style ? "style.png" : "texture.png";
    r->weights = cli_get(cmd, a, "weights");
    r->init_noise = !style || (init && strcmp(init, "noise") == 0);
    r->optimizer = opt && strcmp(opt, "adam") == 0 ? GAN_OPT_ADAM : GAN_OPT_LBFGS;
    int code = read_numbers(cmd, a, r);
    if (code != EXIT_OK) return code;
    if (a->noperands > 0) return cli_usage_error(cmd->name, "unexpected argument '%s'", a->operands[0]);
    if (style && !r->content) return cli_usage_error(cmd->name, "--content FILE is required");
    if (!r->style) return cli_usage_error(cmd->name, "--style FILE is required");
    if (init && strcmp(init, "content") != 0 && strcmp(init, "noise") != 0)
        return cli_usage_error(cmd->name, "--init: expected content or noise, got '%s'", init);
    if (opt && strcmp(opt, "lbfgs") != 0 && strcmp(opt, "adam") != 0)
        return cli_usage_error(cmd->name, "--optimizer: expected lbfgs or adam, got '%s'", opt);
    if (cli_get(cmd, a, "lr") && r->optimizer != GAN_OPT_ADAM)
        return cli_usage_error(cmd->name, "--lr is Adam's; L-BFGS finds its own steps");
    if (cli_get(cmd, a, "history") && r->optimizer != GAN_OPT_LBFGS)
        return cli_usage_error(cmd->name, "--history is L-BFGS's");
    return EXIT_OK;
}

typedef struct {
    bool quiet;
    double last_print;
} progress_state;

/* One line per step on stderr (at most 4 a second, and the last): step,
 * the loss and its terms, passes and time; and each picture saved. */
static bool show_progress(void *ctx, const gan_style_event *e)
{
    progress_state *p = ctx;
    if (cli_stop_signal) return false;
    if (p->quiet) return true;
    const double now = gan_seconds();
    if (e->saved || e->step == e->steps || now - p->last_print >= 0.25) {
        const double left = e->elapsed_s / e->step * (e->steps - e->step);
        fprintf(stderr,
                "step %d/%d  loss %.4g  content %.4g  style %.4g  tv %.4g  %d passes  %.1f s  %.0f s left\n",
                e->step, e->steps, e->loss, e->content, e->style, e->tv, e->evals, e->elapsed_s, left);
        p->last_print = now;
    }
    if (e->saved) cli_printf_safe(stderr, "gan: wrote %s\n", e->saved);
    return true;
}

static int run(const cli_command *cmd, int argc, char **argv)
{
    cli_args a;
    int code = cli_parse(cmd, argc, argv, &a);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    gan_style_request req;
    code = read_args(cmd, &a, &req);
    progress_state p = {.quiet = cli_flag(cmd, &a, "quiet")};
    if (code == EXIT_OK) {
        cli_catch_signals();
        gan_error err;
        const gan_status rc = gan_style_run(&req, show_progress, &p, &err);
        if (rc == GAN_OK || rc == GAN_INTERRUPTED) {
            if (!p.quiet) cli_printf_safe(stdout, "%s", req.out);
            if (!p.quiet) putchar('\n');
        }
        if (rc != GAN_OK) code = cli_report(rc, &err);
    }
    cli_args_free(&a);
    return code;
}

int cmd_style(int argc, char **argv) { return run(&CLI_STYLE, argc, argv); }
int cmd_texture(int argc, char **argv) { return run(&CLI_TEXTURE, argc, argv); }
