/* The training job: set up a run folder, loop over gan_trainer_step with
 * progress lines, sample grids, evaluations and checkpoints, stop cleanly
 * on a signal. */
#include "gan/jobs/train.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gan/core/blas.h"
#include "gan/core/clock.h"
#include "gan/core/pool.h"
#include "gan/io/atomic_file.h"
#include "gan/io/image_grid.h"
#include "gan/jobs/memory.h"
#include "run_folder.h"
#include "train_run.h"

static FILE *log_stream(const gan_run *r) { return r->opts->log ? r->opts->log : stderr; }

FILE *gan_run_log(gan_run *r)
{
    FILE *log = log_stream(r);
    if (r->bar_shown) fputs("\r\033[K", log); /* back to the line's start, and erase it */
    r->bar_shown = false;
    return log;
}

/* A conditional run's grids have one column per class (up to 16 classes);
 * others are near-square. */
static int sample_grid_row(const gan_trainer *t, int n)
{
    const int classes = t->g.arch.classes;
    return classes > 0 && classes <= 16 && classes <= n ? classes : gan_grid_square_row(n);
}

static gan_status write_samples(gan_run *r, gan_error *err)
{
    const gan_trainer *t = &r->t;
    char path[GAN_PATH_MAX];
    gan_status rc = gan_path_format(path, err, "%s/step_%06lld.png", r->paths.samples, (long long)t->step);
    if (rc != GAN_OK) return rc;
    /* Inference mode: running statistics, nothing in the nets changes. */
    const int n = t->cfg->sample_count;
    const float *imgs = gan_net_forward(gan_trainer_sampler(&r->t), &r->t.work, r->fixed_z, r->fixed_labels,
                                        n, GAN_MODE_EVAL);
    const gan_grid grid = {.images = imgs,
                           .batch = n,
                           .count = n,
                           .channels = t->cfg->channels,
                           .size = t->cfg->image_size,
                           .per_row = sample_grid_row(t, n),
                           .pad = 2};
    return gan_grid_png(path, &grid, err);
}

static gan_status write_real_grid(gan_run *r, gan_error *err)
{
    const gan_config *c = r->t.cfg;
    const int n = c->sample_count < r->t.data.count ? c->sample_count : (int)r->t.data.count;
    int32_t *idx = malloc(sizeof(int32_t) * n);
    float *imgs = malloc(sizeof(float) * (size_t)n * c->channels * c->image_size * c->image_size);
    gan_status rc = GAN_OK;
    if (!idx || !imgs) rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK) {
        const gan_dataset *ds = &r->t.data;
        for (int i = 0; i < n; i++) idx[i] = i;
        if (ds->labels) /* as the sample grids: image i of class i mod classes, in the data's order */
            for (int i = 0; i < n; i++) {
                const int want = i % ds->classes.count, seen = i / ds->classes.count;
                for (long k = 0, found = 0; k < ds->count; k++)
                    if (ds->labels[k] == want && found++ == seen) {
                        idx[i] = (int32_t)k;
                        break;
                    }
            }
        gan_dataset_batch(ds, idx, n, imgs);
        const gan_grid grid = {.images = imgs,
                               .batch = n,
                               .count = n,
                               .channels = c->channels,
                               .size = c->image_size,
                               .per_row = sample_grid_row(&r->t, n),
                               .pad = 2};
        rc = gan_grid_png(r->paths.real, &grid, err);
    }
    free(idx);
    free(imgs);
    return rc;
}

static void fmt_time(char *buf, size_t len, double s)
{
    long x = (long)(s + 0.5);
    if (x >= 3600) snprintf(buf, len, "%ld:%02ld:%02ld", x / 3600, x / 60 % 60, x % 60);
    else snprintf(buf, len, "%ld:%02ld", x / 60, x % 60);
}

static bool every(int64_t step, int64_t interval) { return interval > 0 && step % interval == 0; }

static gan_status log_progress(gan_run *r, gan_error *err)
{
    const gan_trainer *t = &r->t;
    const double k = r->interval[4] > 0 ? r->interval[4] : 1;
    const gan_step_stats mean = {r->interval[0] / k, r->interval[1] / k, r->interval[2] / k,
                                 r->interval[3] / k, r->interval[5] / k, r->interval[6] / k};
    const bool class_loss = t->cfg->class_loss > 0.0;
    const gan_step_stats *s = &mean;
    if (every(t->step, t->cfg->log_every)) memset(r->interval, 0, sizeof r->interval);
    const double tn = gan_seconds(), elapsed = tn - r->t_start;
    const double ips = r->log_images / (tn - r->t_log > 1e-9 ? tn - r->t_log : 1e-9);
    const long long epoch = (t->cursor - 1) / t->steps_per_epoch + 1;
    const long long total_epochs =
        (r->total_steps * t->cfg->d_steps + t->steps_per_epoch - 1) / t->steps_per_epoch;
    r->log_images = 0;
    r->t_log = tn;
    fprintf(r->metrics, "%lld,%lld,%.6f,%.6f,%.6f,%.6f,%.1f,%.3f", (long long)t->step, epoch, s->loss_d,
            s->loss_g, s->d_x, s->d_g_z, ips, elapsed);
    if (r->evaluated)
        fprintf(r->metrics, ",%.4f,%.4f,%.4f", r->report.fid, r->report.is_gen, r->report.entropy_gen);
    else fputs(",,,", r->metrics);
    fprintf(r->metrics, ",%.3f", r->train_seconds);
    if (class_loss) fprintf(r->metrics, ",%.6f,%.6f\n", s->class_d, s->class_g);
    else fputs(",,\n", r->metrics);
    if (fflush(r->metrics) != 0 || ferror(r->metrics))
        return gan_fail(err, GAN_ERR_IO, "%s: write failed: %s", r->paths.metrics, strerror(errno));
    if (!r->opts->quiet && r->opts->bar_columns <= 0) {
        char el[32], eta[32];
        const double done = (double)(t->step - r->session_start_step);
        fmt_time(el, sizeof el, elapsed);
        fmt_time(eta, sizeof eta, done > 0 ? elapsed / done * (double)(r->total_steps - t->step) : 0.0);
        fprintf(
            gan_run_log(r),
            "epoch %lld/%lld  step %lld/%lld  loss_D %.4f  loss_G %.4f  D(x) %.3f  D(G(z)) %.3f  %.0f img/s  %s "
            "elapsed  %s left",
            epoch, total_epochs, (long long)t->step, (long long)r->total_steps, s->loss_d, s->loss_g, s->d_x,
            s->d_g_z, ips, el, eta);
        if (class_loss) fprintf(gan_run_log(r), "  class_D %.4f  class_G %.4f", s->class_d, s->class_g);
        fputc('\n', gan_run_log(r));
    }
    return GAN_OK;
}

/* The terminal's progress line, redrawn in place at most 5 times a second:
 * a bar, step/total, img/s and time left over this session, and the mean
 * losses of the log interval so far. Cut to the terminal's width, since a
 * wrapped line cannot be redrawn with a carriage return. */
static void draw_bar(gan_run *r, bool force)
{
    const gan_trainer *t = &r->t;
    const double now = gan_seconds();
    if (r->opts->quiet || r->opts->bar_columns <= 0 || (!force && now - r->t_bar < 0.2)) return;
    r->t_bar = now;
    const double elapsed = now - r->t_start, done = (double)(t->step - r->session_start_step);
    const double frac = r->total_steps > 0 ? (double)t->step / (double)r->total_steps : 1.0;
    char bar[13], el[32], eta[32], line[256];
    const int filled = (int)(frac * 12.0);
    for (int i = 0; i < 12; i++) bar[i] = i < filled ? '#' : '.';
    bar[12] = '\0';
    fmt_time(el, sizeof el, elapsed);
    fmt_time(eta, sizeof eta, done > 0 ? elapsed / done * (double)(r->total_steps - t->step) : 0.0);
    /* the interval's means; just after a log row reset them, the last step's losses */
    const bool fresh = r->interval[4] == 0;
    const double loss_d = fresh ? t->last.loss_d : r->interval[0] / r->interval[4],
                 loss_g = fresh ? t->last.loss_g : r->interval[1] / r->interval[4];
    const double ips = elapsed > 0 ? done * t->cfg->batch_size * t->cfg->d_steps / elapsed : 0.0;
    /* what matters most first: on an 80-column terminal the elapsed time is what is cut */
    int n = snprintf(
        line, sizeof line, "step %lld/%lld [%s] %3.0f%%  %.0f img/s  %s left  loss D %.3f G %.3f  %s elapsed",
        (long long)t->step, (long long)r->total_steps, bar, 100.0 * frac, ips, eta, loss_d, loss_g, el);
    const int width = r->opts->bar_columns - 1;
    if (n > width) n = width;
    if (n < 0) n = 0;
    FILE *log = gan_run_log(r);
    fprintf(log, "%.*s", n, line);
    fflush(log);
    r->bar_shown = true;
}

static gan_status join_paths(gan_run_paths *p, const char *dir, gan_error *err)
{
    const struct {
        char *out;
        const char *name;
    } files[] = {
        {p->state, GAN_RUN_STATE},   {p->g, GAN_RUN_G},
        {p->d, GAN_RUN_D},           {p->g_best, GAN_RUN_G_BEST},
        {p->config, GAN_RUN_CONFIG}, {p->metrics, GAN_RUN_METRICS},
        {p->real, GAN_RUN_REAL},     {p->samples, GAN_RUN_SAMPLES},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        gan_status rc = gan_path_join(files[i].out, dir, files[i].name, err);
        if (rc != GAN_OK) return rc;
    }
    return GAN_OK;
}

/* The run folder, locked for this job, holding this run only. */
static gan_status open_run_folder(gan_run *r, gan_config *c, gan_error *err)
{
    gan_status rc = join_paths(&r->paths, c->out_dir, err);
    if (rc != GAN_OK) return rc;
    struct stat st;
    r->created_dir = stat(c->out_dir, &st) != 0;
    rc = gan_run_folder_lock(c->out_dir, &r->lock_fd, err);
    if (rc != GAN_OK) return rc;
    gan_run_folder_remove_stale(c->out_dir); /* a killed writer's temporary files */
    const bool holds_run = access(r->paths.state, F_OK) == 0;
    switch (r->opts->start) {
    case GAN_RUN_NEW:
        if (holds_run)
            return gan_fail(
                err, GAN_ERR_INPUT,
                "%s: already holds a run (%s); continue it with --resume %s, or start over with --force",
                c->out_dir, GAN_RUN_STATE, c->out_dir);
        break;
    case GAN_RUN_FORCE: /* the earlier run's files go before this run writes anything */
        rc = gan_run_folder_clear(c->out_dir, err);
        break;
    case GAN_RUN_RESUME:
        if (!holds_run)
            return gan_fail(err, GAN_ERR_INPUT, "%s: nothing to resume (no %s)", c->out_dir, GAN_RUN_STATE);
        break;
    }
    return rc;
}

static gan_status setup(gan_run *r, gan_config *c, gan_error *err)
{
    gan_trainer *t = &r->t;
    const bool resume = r->opts->start == GAN_RUN_RESUME;
    /* Under MPI, rank 0 alone owns the run folder (its lock, every file);
     * the other ranks only read state.bin on --resume. */
    const bool writer = gan_comm_rank(r->opts->comm) == 0;
    t->comm = r->opts->comm;
    gan_status rc = writer ? open_run_folder(r, c, err) : join_paths(&r->paths, c->out_dir, err);
    if (rc != GAN_OK) return rc;
    rc = gan_dataset_load(&t->data, c, err);
    if (rc != GAN_OK) return rc;
    const int B = c->batch_size;
    if (t->data.count < B)
        return gan_fail(err, GAN_ERR_INPUT, "%s: %ld images, fewer than train.batch_size (%d)", c->data_path,
                        t->data.count, B);
    t->steps_per_epoch = t->data.count / B;
    /* Before the networks, their working memory and OpenBLAS's buffers: a
     * job that cannot fit is refused with its figures, not half-way. */
    gan_train_memory_estimate(c, 0, c->threads > 0 ? c->threads : gan_default_threads(), &r->mem);
    rc = gan_memory_check(&r->mem, err); /* the images are loaded: 0 more for data */
    if (rc != GAN_OK) return rc;
    r->total_steps =
        c->steps > 0 ? c->steps : ((int64_t)c->epochs * t->steps_per_epoch + c->d_steps - 1) / c->d_steps;
    rc = gan_trainer_build(t, c, B > c->sample_count ? B : c->sample_count, err);
    if (rc != GAN_OK) return rc;
    r->fixed_z = malloc(sizeof(float) * (size_t)c->sample_count * c->nz);
    if (c->conditional) { /* image i of every grid is of class i mod classes */
        r->fixed_labels = malloc(sizeof(int32_t) * (size_t)c->sample_count);
        if (!r->fixed_labels) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        for (int i = 0; i < c->sample_count; i++) r->fixed_labels[i] = i % t->data.classes.count;
    }
    /* The checkpoints record the config without the run id, so that two runs
     * of one config write the same bytes; the id is the hash of the config
     * the run started with, kept in config.json and state.bin. */
    gan_config plain = *c;
    plain.run_id[0] = '\0';
    r->config_json = gan_config_to_json(&plain);
    if (r->config_json && !resume) gan_run_id_of(r->config_json, c->run_id, sizeof c->run_id);
    if (!r->fixed_z || !r->config_json) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");

    if (writer) rc = gan_mkdir_p(c->out_dir, err);
    if (writer && rc == GAN_OK) rc = gan_mkdir_p(r->paths.samples, err);
    if (rc != GAN_OK) return rc;
    if (resume) {
        rc = gan_run_load_state(r, err);
        r->have_checkpoint = rc == GAN_OK;
    } else {
        /* One seeded stream: weights first, then the fixed grid noise, then per-step latents. */
        gan_rng_seed(&t->rng, c->seed);
        gan_net_init_weights(&t->g, &t->rng);
        gan_net_init_weights(&t->d, &t->rng);
        gan_trainer_ema_start(t);
        gan_rng_normal(&t->rng, r->fixed_z, (long)c->sample_count * c->nz, 0.0f, 1.0f);
        if (writer) rc = write_real_grid(r, err);
    }
    if (!writer) return rc; /* evaluation, config.json and metrics.csv are rank 0's */
    if (rc == GAN_OK) rc = gan_run_eval_setup(r, err);
    if (rc == GAN_OK) { /* config.json: the resolved config with the run id */
        char *folder_json = gan_config_to_json(c);
        rc = folder_json ? gan_write_file_atomic(r->paths.config, folder_json, strlen(folder_json), err)
                         : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        free(folder_json);
    }
    if (rc == GAN_OK) rc = gan_run_open_metrics(r, err);
    return rc;
}

static void teardown(gan_run *r, bool failed_setup)
{
    if (r->metrics) fclose(r->metrics);
    if (failed_setup && r->created_dir && r->lock_fd >= 0) {
        /* a run that never started leaves no folder behind it made */
        char lock[GAN_PATH_MAX];
        if (gan_path_join(lock, r->cfg.out_dir, GAN_RUN_LOCK, NULL) == GAN_OK) unlink(lock);
        rmdir(r->paths.samples);
        rmdir(r->cfg.out_dir);
    }
    gan_run_folder_unlock(r->lock_fd);
    gan_run_eval_free(r);
    gan_trainer_free(&r->t);
    free(r->fixed_z);
    free(r->fixed_labels);
    free(r->config_json);
}

gan_status gan_train(const gan_config *cfg, const gan_train_opts *opts, gan_train_result *result,
                     gan_error *err)
{
    gan_run r;
    memset(&r, 0, sizeof r);
    r.cfg = *cfg;
    r.opts = opts;
    r.best_fid = INFINITY;
    r.lock_fd = -1;
    gan_trainer *t = &r.t;
    FILE *log = log_stream(&r);
    gan_comm *comm = opts->comm;
    const int ranks = gan_comm_size(comm);
    const bool writer = gan_comm_rank(comm) == 0;
    gan_status rc = setup(&r, &r.cfg, err);
    rc = gan_comm_agree(comm, rc, err);     /* every rank goes on, or none does */
    const bool failed_setup = rc != GAN_OK; /* on any rank: rank 0 removes the folder it made */
    cfg = &r.cfg;
    if (rc == GAN_OK && !opts->quiet) {
        const bool resume = opts->start == GAN_RUN_RESUME;
        char mem[32], mpi[64] = "";
        gan_format_bytes((double)(r.mem.resident + (size_t)t->data.count * gan_dataset_image_bytes(&t->data)),
                         mem, sizeof mem);
        if (ranks > 1) snprintf(mpi, sizeof mpi, " x %d ranks (%d images each)", ranks, t->local_batch);
        fprintf(
            log,
            "gan: %s %ld images %dx%dx%d from %s; G %zu + D %zu parameters; batch %d, %s step %lld of %lld; "
            "OpenBLAS %s, %d threads%s; memory about %s; run folder %s\n",
            resume ? "resuming on" : "training on", t->data.count, cfg->image_size, cfg->image_size,
            cfg->channels, cfg->data_path, t->g.nparams, t->d.nparams, cfg->batch_size,
            resume ? "from" : "at", (long long)t->step, (long long)r.total_steps, gan_blas_core(),
            gan_pool_threads(t->pool), mpi, mem, cfg->out_dir);
        if (gan_blas_note()) fprintf(log, "gan: %s\n", gan_blas_note());
        char skipped[256];
        gan_dataset_skip_note(&t->data, skipped, sizeof skipped);
        if (skipped[0]) fprintf(log, "gan: %s: %s\n", cfg->data_path, skipped);
    }
    r.t_start = r.t_log = gan_seconds();
    r.session_start_step = r.last_ckpt_step = t->step;
    while (rc == GAN_OK && t->step < r.total_steps) {
        const double step_start = gan_seconds();
        gan_trainer_step(t);
        r.train_seconds += gan_seconds() - step_start;
        r.log_images += (long)cfg->batch_size * cfg->d_steps;
        const double now[7] = {t->last.loss_d,  t->last.loss_g, t->last.d_x, t->last.d_g_z, 1.0,
                               t->last.class_d, t->last.class_g};
        for (int i = 0; i < 7; i++) r.interval[i] += now[i];
        /* the losses are the global batch's, the same bytes on every rank: all stop here together */
        if (!isfinite(t->last.loss_d) || !isfinite(t->last.loss_g)) {
            char kept[128];
            if (r.have_checkpoint)
                snprintf(kept, sizeof kept, "the checkpoint of step %lld is intact",
                         (long long)r.last_ckpt_step);
            else snprintf(kept, sizeof kept, "no checkpoint had been written");
            rc = gan_fail(err, GAN_ERR_NUMERIC,
                          "step %lld: loss_D = %g, loss_G = %g: training diverged; in %s, %s",
                          (long long)t->step, t->last.loss_d, t->last.loss_g, cfg->out_dir, kept);
            break;
        }
        bool out_of_time = cfg->time_limit > 0 && r.train_seconds >= cfg->time_limit;
        int signal = opts->stop ? (int)*opts->stop : 0;
        if (ranks > 1) { /* a signal on any rank, and rank 0's clock, decide for all */
            int v[2] = {-signal, writer && out_of_time ? -1 : 0};
            gan_comm_min_ints(comm, v, 2);
            signal = -v[0];
            out_of_time = v[1] < 0;
            if (signal && opts->stop) *opts->stop = signal; /* the exit code names it on every rank */
        }
        if (out_of_time) r.total_steps = t->step; /* this step is the last: log, samples, checkpoint */
        const bool last = t->step == r.total_steps;
        const bool stopping = signal != 0;
        r.evaluated = false;
        if (writer) {
            if (r.eval_on && (every(t->step, cfg->eval_every) || last)) rc = gan_run_evaluate(&r, err);
            if (rc == GAN_OK && (every(t->step, cfg->log_every) || last || r.evaluated))
                rc = log_progress(&r, err);
            if (rc == GAN_OK) draw_bar(&r, last);
            if (rc == GAN_OK && (every(t->step, cfg->sample_every) || last)) rc = write_samples(&r, err);
            if (rc == GAN_OK && (every(t->step, cfg->checkpoint_every) || last || stopping))
                rc = gan_run_save_checkpoint(&r, err);
        }
        if (rc == GAN_OK && stopping && !last)
            rc = gan_fail(err, GAN_INTERRUPTED,
                          "interrupted at step %lld; checkpoint written to %s (continue with --resume %s)",
                          (long long)t->step, cfg->out_dir, cfg->out_dir);
        if (ranks > 1) rc = gan_comm_agree(comm, rc, err); /* rank 0's writes failed: all stop */
    }
    bool rewritten = false; /* a finished run's g.bin or d.bin was missing or damaged */
    if (writer && rc == GAN_OK && t->step == r.session_start_step)
        rc = gan_run_check_outputs(&r, &rewritten, err);
    rc = gan_comm_agree(comm, rc, err);
    if (result) {
        *result = (gan_train_result){.step = t->step,
                                     .outputs_rewritten = rewritten,
                                     .steps_run = t->step - r.session_start_step,
                                     .loss_d = t->last.loss_d,
                                     .loss_g = t->last.loss_g,
                                     .d_x = t->last.d_x,
                                     .d_g_z = t->last.d_g_z,
                                     .seconds = gan_seconds() - r.t_start,
                                     .comm_seconds = gan_comm_seconds(comm)};
    }
    if (r.bar_shown) fputc('\n', log_stream(&r)); /* the last progress line stays */
    teardown(&r, failed_setup);
    return rc;
}
