/* How gan train shows its progress: the training job reports events
 * (gan_train_event), and this file turns them into lines on stderr. On a
 * terminal, one self-updating line (a bar, step/total, img/s, time left,
 * the log interval's mean losses) redrawn in place; elsewhere (a file, a
 * pipe, TERM=dumb) one plain line per output.log_every steps that scripts
 * and CI logs can read. Evaluations and notes get lines of their own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "gan/core/clock.h"
#include "gan/jobs/memory.h"

int cli_terminal_columns(void)
{
    const char *term = getenv("TERM");
    if (!isatty(STDERR_FILENO) || (term && strcmp(term, "dumb") == 0)) return 0;
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
    return 80;
}

/* The log stream, ready for a line of its own: the progress line cleared. */
static FILE *line_start(cli_train_progress *p)
{
    if (p->bar_shown) fputs("\r\033[K", stderr); /* back to the line's start, and erase it */
    p->bar_shown = false;
    return stderr;
}

static void fmt_time(char *buf, size_t len, double s)
{
    long x = (long)(s + 0.5);
    if (x >= 3600) snprintf(buf, len, "%ld:%02ld:%02ld", x / 3600, x / 60 % 60, x % 60);
    else snprintf(buf, len, "%ld:%02ld", x / 60, x % 60);
}

/* Time left at this session's pace. */
static double seconds_left(const gan_train_progress *pr)
{
    const double done = (double)(pr->step - pr->session_start_step);
    return done > 0 ? pr->elapsed / done * (double)(pr->total_steps - pr->step) : 0.0;
}

static void show_start(cli_train_progress *p, const gan_train_start *s)
{
    FILE *log = line_start(p);
    char mem[32], mpi[96] = "", data[4096], dir[4096];
    cli_escape(s->data_path, data, sizeof data);
    cli_escape(s->out_dir, dir, sizeof dir);
    gan_format_bytes(s->memory_bytes, mem, sizeof mem);
    if (s->ranks > 1) snprintf(mpi, sizeof mpi, " x %d ranks (%d images each)", s->ranks, s->local_batch);
    if (s->deterministic) snprintf(mpi + strlen(mpi), sizeof mpi - strlen(mpi), ", deterministic sums");
    fprintf(log,
            "gan: %s %ld images %dx%dx%d from %s; G %zu + D %zu parameters; batch %d, %s step %lld of %lld; "
            "OpenBLAS %s, %d threads%s; memory about %s; run folder %s\n",
            s->resume ? "resuming on" : "training on", s->images, s->image_size, s->image_size, s->channels,
            data, s->g_params, s->d_params, s->batch_size, s->resume ? "from" : "at", (long long)s->step,
            (long long)s->total_steps, s->blas_core, s->threads, mpi, mem, dir);
    if (s->blas_note) fprintf(log, "gan: %s\n", s->blas_note);
    if (s->data_note[0]) cli_printf_safe(log, "gan: %s: %s", s->data_path, s->data_note);
    if (s->data_note[0]) fputc('\n', log);
}

static void show_eval(cli_train_progress *p, const gan_train_eval *e)
{
    FILE *log = line_start(p);
    const gan_eval_report *r = e->report;
    fprintf(log,
            "eval step %lld: FID %.3f%s  IS %.3f (real %.3f)  classes %d/%d  entropy %.3f bits (real %.3f)\n",
            (long long)e->step, r->fid, e->best ? " (best so far: g_best.bin)" : "", r->is_gen, r->is_real,
            r->classes_covered, e->classes, r->entropy_gen, r->entropy_real);
    if (e->kid)
        fprintf(log, "eval step %lld: KID %.5f +- %.5f\n", (long long)e->step, e->kid->mean, e->kid->std);
    if (e->prdc)
        fprintf(log, "eval step %lld: precision %.3f  recall %.3f  density %.3f  coverage %.3f\n",
                (long long)e->step, e->prdc->precision, e->prdc->recall, e->prdc->density, e->prdc->coverage);
    for (int i = 0; i < r->nwarnings; i++)
        fprintf(log, "eval step %lld: warning: %s\n", (long long)e->step, r->warnings[i]);
}

/* A plain line per log row (when there is no terminal bar). */
static void show_row(cli_train_progress *p, const gan_train_progress *pr)
{
    const gan_train_losses *s = &pr->mean;
    char el[32], eta[32];
    fmt_time(el, sizeof el, pr->elapsed);
    fmt_time(eta, sizeof eta, seconds_left(pr));
    FILE *log = line_start(p);
    fprintf(
        log,
        "epoch %lld/%lld  step %lld/%lld  loss_D %.4f  loss_G %.4f  D(x) %.3f  D(G(z)) %.3f  %.0f img/s  %s "
        "elapsed  %s left",
        (long long)pr->epoch, (long long)pr->total_epochs, (long long)pr->step, (long long)pr->total_steps,
        s->loss_d, s->loss_g, s->d_x, s->d_g_z, pr->images_per_second, el, eta);
    if (pr->class_loss) fprintf(log, "  class_D %.4f  class_G %.4f", s->class_d, s->class_g);
    if (pr->size > 0) fprintf(log, "  phase %d px", pr->size);
    if (pr->size > 0 && pr->blend < 1.0f) fprintf(log, " fading in %.2f", (double)pr->blend);
    fputc('\n', log);
}

/* The terminal's progress line, redrawn in place at most 5 times a second
 * (and at the last step). Cut to the terminal's width, since a wrapped line
 * cannot be redrawn with a carriage return. */
static void show_bar(cli_train_progress *p, const gan_train_progress *pr)
{
    const double now = gan_seconds();
    const bool last = pr->step == pr->total_steps;
    if (!last && now - p->last_drawn < 0.2) return;
    p->last_drawn = now;
    const double frac = pr->total_steps > 0 ? (double)pr->step / (double)pr->total_steps : 1.0;
    char bar[13], el[32], eta[32], line[256];
    const int filled = (int)(frac * 12.0);
    for (int i = 0; i < 12; i++) bar[i] = i < filled ? '#' : '.';
    bar[12] = '\0';
    fmt_time(el, sizeof el, pr->elapsed);
    fmt_time(eta, sizeof eta, seconds_left(pr));
    /* what matters most first: on an 80-column terminal the elapsed time is what is cut */
    char phase[32] = ""; /* a growing run's side */
    if (pr->size > 0) snprintf(phase, sizeof phase, "  %d px%s", pr->size, pr->blend < 1.0f ? " fading" : "");
    int n = snprintf(line, sizeof line,
                     "step %lld/%lld [%s] %3.0f%%%s  %.0f img/s  %s left  loss D %.3f G %.3f  %s elapsed",
                     (long long)pr->step, (long long)pr->total_steps, bar, 100.0 * frac, phase,
                     pr->images_per_second, eta, pr->mean.loss_d, pr->mean.loss_g, el);
    const int width = p->columns - 1;
    if (n > width) n = width;
    if (n < 0) n = 0;
    FILE *log = line_start(p);
    fprintf(log, "%.*s", n, line);
    fflush(log);
    p->bar_shown = true;
}

void cli_train_report(const gan_train_event *event, void *ctx)
{
    cli_train_progress *p = ctx;
    switch (event->kind) {
    case GAN_TRAIN_STARTED: show_start(p, event->start); break;
    case GAN_TRAIN_EVALUATED: show_eval(p, event->eval); break;
    case GAN_TRAIN_LOGGED:
        if (p->columns <= 0) show_row(p, event->progress);
        break;
    case GAN_TRAIN_STEPPED:
        if (p->columns > 0) show_bar(p, event->progress);
        break;
    }
}

void cli_train_progress_end(cli_train_progress *p)
{
    if (p->bar_shown) fputc('\n', stderr); /* the last progress line stays */
    p->bar_shown = false;
}
