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
#include "gan/nn/progressive.h"
#include "run_folder.h"
#include "train_run.h"

void gan_run_report(const gan_run *r, gan_train_event event)
{
    if (r->opts->report) r->opts->report(&event, r->opts->report_ctx);
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
    const int n = t->cfg->sample_count, C = t->cfg->channels, S = t->cfg->image_size;
    gan_net *g = gan_trainer_sampler(&r->t);
    const float *imgs = gan_net_forward(g, &r->t.work, r->fixed_z, r->fixed_labels, n, GAN_MODE_EVAL);
    float *shown = NULL; /* a growing G's earlier phase: its pixels enlarged to the data's size */
    if (g->size < S) {
        shown = malloc(sizeof(float) * (size_t)C * n * S * S);
        if (!shown) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        for (long p = 0; p < (long)C * n; p++)
            gan_upsample_nearest(shown + p * S * S, imgs + p * g->size * g->size, g->size, S);
    }
    const gan_grid grid = {.images = shown ? shown : imgs,
                           .batch = n,
                           .count = n,
                           .channels = C,
                           .size = S,
                           .per_row = sample_grid_row(t, n),
                           .pad = 2};
    rc = gan_grid_png(path, &grid, err);
    free(shown);
    return rc;
}

/* A labelled data set's grid shows image i of class i mod classes (as the
 * sample grids do): the (i / classes)-th image of that class in the data's
 * order, or image i when the class has too few. */
static int32_t nth_of_class(const gan_dataset *ds, int i)
{
    const int want = i % ds->classes.count, seen = i / ds->classes.count;
    for (long k = 0, found = 0; k < ds->count; k++)
        if (ds->labels[k] == want && found++ == seen) return (int32_t)k;
    return i;
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
        /* unlabelled: images spread evenly over the data, whose order may be a
         * sorted folder's (the first n would all be of its first subfolder) */
        for (int i = 0; i < n; i++)
            idx[i] = ds->labels ? nth_of_class(ds, i) : (int32_t)((long)i * ds->count / n);
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

static bool every(int64_t step, int64_t interval) { return interval > 0 && step % interval == 0; }

/* The log interval's means so far; the last step's losses when it is empty
 * (just after a row reset it). */
static gan_train_losses interval_means(const gan_run *r)
{
    if (r->interval_steps == 0) return r->t.last;
    const gan_train_losses *s = &r->interval_sum;
    const double k = (double)r->interval_steps;
    return (gan_train_losses){s->loss_d / k, s->loss_g / k,  s->d_x / k,
                              s->d_g_z / k,  s->class_d / k, s->class_g / k};
}

static void add_to_interval(gan_run *r, const gan_train_losses *l)
{
    gan_train_losses *s = &r->interval_sum;
    s->loss_d += l->loss_d, s->loss_g += l->loss_g, s->d_x += l->d_x, s->d_g_z += l->d_g_z;
    s->class_d += l->class_d, s->class_g += l->class_g;
    r->interval_steps++;
}

static gan_train_progress progress_now(const gan_run *r, double now)
{
    const gan_trainer *t = &r->t;
    const int64_t images_per_epoch = t->steps_per_epoch;
    const gan_phase phase = gan_train_phase(t->cfg, t->step > 0 ? t->step - 1 : 0);
    return (gan_train_progress){.step = t->step,
                                .total_steps = r->total_steps,
                                .session_start_step = r->session_start_step,
                                .epoch = (t->cursor - 1) / images_per_epoch + 1,
                                .total_epochs = (r->total_steps * t->cfg->d_steps + images_per_epoch - 1) /
                                                images_per_epoch,
                                .mean = interval_means(r),
                                .elapsed = now - r->t_start,
                                .class_loss = t->cfg->class_loss > 0.0,
                                .size = t->cfg->progressive ? phase.size : 0,
                                .blend = phase.blend};
}

/* A row of metrics.csv (the log interval's means, and the evaluation of
 * this step if there was one), reported; the interval restarts at multiples
 * of output.log_every. */
static gan_status log_row(gan_run *r, gan_error *err)
{
    const gan_trainer *t = &r->t;
    const double now = gan_seconds();
    gan_train_progress p = progress_now(r, now);
    p.images_per_second = r->log_images / (now - r->t_log > 1e-9 ? now - r->t_log : 1e-9);
    if (every(t->step, t->cfg->log_every)) {
        memset(&r->interval_sum, 0, sizeof r->interval_sum);
        r->interval_steps = 0;
    }
    r->log_images = 0;
    r->t_log = now;
    const gan_train_losses *s = &p.mean;
    fprintf(r->metrics, "%lld,%lld,%.6f,%.6f,%.6f,%.6f,%.1f,%.3f", (long long)t->step, (long long)p.epoch,
            s->loss_d, s->loss_g, s->d_x, s->d_g_z, p.images_per_second, p.elapsed);
    if (r->evaluated)
        fprintf(r->metrics, ",%.4f,%.4f,%.4f", r->report.fid, r->report.is_gen, r->report.entropy_gen);
    else fputs(",,,", r->metrics);
    fprintf(r->metrics, ",%.3f", r->train_seconds);
    if (p.class_loss) fprintf(r->metrics, ",%.6f,%.6f", s->class_d, s->class_g);
    else fputs(",,", r->metrics);
    if (r->evaluated && r->kid.subsets > 0) fprintf(r->metrics, ",%.6f,%.6f", r->kid.mean, r->kid.std);
    else fputs(",,", r->metrics);
    if (r->evaluated && r->prdc.k > 0)
        fprintf(r->metrics, ",%.4f,%.4f,%.4f,%.4f\n", r->prdc.precision, r->prdc.recall, r->prdc.density,
                r->prdc.coverage);
    else fputs(",,,,", r->metrics);
    if (p.size > 0) fprintf(r->metrics, ",%d,%.6g\n", p.size, (double)p.blend);
    else fputs(",,\n", r->metrics);
    if (fflush(r->metrics) != 0 || ferror(r->metrics))
        return gan_fail(err, GAN_ERR_IO, "%s: write failed: %s", r->paths.metrics, strerror(errno));
    gan_run_report(r, (gan_train_event){.kind = GAN_TRAIN_LOGGED, .progress = &p});
    return GAN_OK;
}

/* After every step: where the run is, for a live display. */
static void report_step(const gan_run *r)
{
    if (!r->opts->report) return;
    const double now = gan_seconds();
    gan_train_progress p = progress_now(r, now);
    const double done = (double)(r->t.step - r->session_start_step);
    p.images_per_second = p.elapsed > 0 ? done * r->t.cfg->batch_size * r->t.cfg->d_steps / p.elapsed : 0.0;
    gan_run_report(r, (gan_train_event){.kind = GAN_TRAIN_STEPPED, .progress = &p});
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

/* What a folder must hold for the job to start in it: nothing for a new
 * run (but the files of a run that never wrote a checkpoint, with --force),
 * a run for --resume; never files that are not a gan run's. */
static gan_status check_folder(const gan_run *r, const gan_run_folder_contents *in, gan_error *err)
{
    const char *dir = r->cfg.out_dir;
    const gan_run_start start = r->opts->start;
    if (start == GAN_RUN_RESUME)
        return in->has_state
                   ? GAN_OK
                   : gan_fail(err, GAN_ERR_INPUT, "%s: nothing to resume (no %s)", dir, GAN_RUN_STATE);
    if (in->foreign[0])
        return gan_fail(
            err, GAN_ERR_INPUT,
            "%s: holds '%s', which gan did not write; a run needs a folder of its own (choose another "
            "output.dir)",
            dir, in->foreign);
    if (start == GAN_RUN_FORCE || in->files == 0) return GAN_OK;
    if (in->has_state)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "%s: already holds a run (%s); continue it with --resume %s, or start over with --force", dir,
            GAN_RUN_STATE, dir);
    return gan_fail(
        err, GAN_ERR_INPUT,
        "%s: holds an earlier run's files but no %s to resume; start over with --force, or choose "
        "another output.dir",
        dir, GAN_RUN_STATE);
}

/* The run folder, locked for this job, holding this run only. Nothing in it
 * changes before the job is accepted. */
static gan_status open_run_folder(gan_run *r, gan_config *c, gan_error *err)
{
    gan_status rc = join_paths(&r->paths, c->out_dir, err);
    if (rc != GAN_OK) return rc;
    struct stat st;
    r->created_dir = stat(c->out_dir, &st) != 0;
    rc = gan_run_folder_lock(c->out_dir, &r->lock_fd, err);
    gan_run_folder_contents in;
    if (rc == GAN_OK) rc = gan_run_folder_survey(c->out_dir, &in, err);
    if (rc == GAN_OK) rc = check_folder(r, &in, err);
    if (rc == GAN_OK && lstat(r->paths.samples, &st) == 0 && !S_ISDIR(st.st_mode))
        rc = gan_fail(err, GAN_ERR_INPUT,
                      "%s: is not a folder%s; gan writes its sample grids into a folder of the run's own",
                      r->paths.samples, S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
    if (rc != GAN_OK) return rc;
    gan_run_folder_remove_stale(c->out_dir); /* a killed writer's temporary files */
    if (r->opts->start == GAN_RUN_FORCE)     /* the earlier run's files go before this run writes anything */
        rc = gan_run_folder_clear(c->out_dir, err);
    return rc;
}

/* The data, the memory check and the networks: what every rank builds. */
static gan_status build(gan_run *r, gan_config *c, gan_error *err)
{
    gan_trainer *t = &r->t;
    gan_status rc = gan_dataset_load(&t->data, c, err);
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
    t->total_steps = r->total_steps;
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
    if (r->config_json && r->opts->start != GAN_RUN_RESUME)
        gan_run_id_of(r->config_json, c->run_id, sizeof c->run_id);
    if (!r->fixed_z || !r->config_json) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    return GAN_OK;
}

/* The weights: the saved run's, or drawn afresh from the seed. */
static gan_status start_weights(gan_run *r, gan_error *err)
{
    gan_trainer *t = &r->t;
    const gan_config *c = &r->cfg;
    if (r->opts->start == GAN_RUN_RESUME) {
        gan_status rc = gan_run_load_state(r, err);
        r->have_checkpoint = rc == GAN_OK;
        return rc;
    }
    /* One seeded stream: weights first, then the fixed grid noise, then per-step latents. */
    gan_rng_seed(&t->rng, c->seed);
    gan_net_init_weights(&t->g, &t->rng);
    gan_net_init_weights(&t->d, &t->rng);
    gan_trainer_ema_start(t);
    gan_rng_normal(&t->rng, r->fixed_z, (long)c->sample_count * c->nz, 0.0f, 1.0f);
    return GAN_OK;
}

/* Rank 0's files before the first step: real.png, the evaluation's real
 * statistics, config.json (the resolved config with the run id) and
 * metrics.csv. */
static gan_status start_outputs(gan_run *r, gan_error *err)
{
    const gan_config *c = &r->cfg;
    gan_status rc = gan_mkdir_p(r->paths.samples, err);
    if (rc == GAN_OK && r->opts->start != GAN_RUN_RESUME) rc = write_real_grid(r, err);
    if (rc == GAN_OK) rc = gan_run_eval_setup(r, err);
    if (rc == GAN_OK) {
        char *folder_json = gan_config_to_json(c);
        rc = folder_json ? gan_write_file_atomic(r->paths.config, folder_json, strlen(folder_json), err)
                         : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        free(folder_json);
    }
    if (rc == GAN_OK) rc = gan_run_open_metrics(r, err);
    return rc;
}

static gan_status setup(gan_run *r, gan_config *c, gan_error *err)
{
    /* Under MPI, rank 0 alone owns the run folder (its lock, every file);
     * the other ranks only read state.bin on --resume. */
    const bool writer = gan_comm_rank(r->opts->comm) == 0;
    r->t.comm = r->opts->comm;
    gan_status rc = writer ? open_run_folder(r, c, err) : join_paths(&r->paths, c->out_dir, err);
    if (rc == GAN_OK) rc = build(r, c, err);
    if (rc == GAN_OK) rc = start_weights(r, err);
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

static void report_start(const gan_run *r)
{
    const gan_trainer *t = &r->t;
    const gan_config *c = &r->cfg;
    char skipped[256];
    gan_dataset_skip_note(&t->data, skipped, sizeof skipped);
    const gan_train_start start = {
        .resume = r->opts->start == GAN_RUN_RESUME,
        .images = t->data.count,
        .image_size = c->image_size,
        .channels = c->channels,
        .data_path = c->data_path,
        .data_note = skipped,
        .g_params = t->g.nparams,
        .d_params = t->d.nparams,
        .batch_size = c->batch_size,
        .step = t->step,
        .total_steps = r->total_steps,
        .blas_core = gan_blas_core(),
        .blas_note = gan_blas_note(),
        .threads = gan_pool_threads(t->pool),
        .ranks = t->ranks,
        .local_batch = t->local_batch,
        .deterministic = t->deterministic,
        .memory_bytes = (double)(r->mem.resident + (size_t)t->data.count * gan_dataset_image_bytes(&t->data)),
        .out_dir = c->out_dir};
    gan_run_report(r, (gan_train_event){.kind = GAN_TRAIN_STARTED, .start = &start});
}

/* A non-finite loss ends the run; the message says what is left of it. */
static gan_status diverged(const gan_run *r, gan_error *err)
{
    const gan_trainer *t = &r->t;
    char kept[128];
    if (r->have_checkpoint)
        snprintf(kept, sizeof kept, "the checkpoint of step %lld is intact", (long long)r->last_ckpt_step);
    else snprintf(kept, sizeof kept, "no checkpoint had been written");
    return gan_fail(err, GAN_ERR_NUMERIC, "step %lld: loss_D = %g, loss_G = %g: training diverged; in %s, %s",
                    (long long)t->step, t->last.loss_d, t->last.loss_g, r->cfg.out_dir, kept);
}

/* Whether to stop after this step: a signal on any rank, or rank 0 out of
 * time (train.time_limit), decide for every rank. Returns the signal (0:
 * none); *out_of_time is set. */
static int stop_signal(gan_run *r, bool *out_of_time)
{
    const gan_train_opts *opts = r->opts;
    const bool writer = r->t.rank == 0;
    *out_of_time = r->cfg.time_limit > 0 && r->train_seconds >= r->cfg.time_limit;
    int signal = opts->stop ? (int)*opts->stop : 0;
    if (r->t.ranks > 1) {
        int v[2] = {-signal, writer && *out_of_time ? -1 : 0};
        gan_comm_min_ints(r->t.comm, v, 2);
        signal = -v[0];
        *out_of_time = v[1] < 0;
        if (signal && opts->stop) *opts->stop = signal; /* the exit code names it on every rank */
    }
    return signal;
}

/* Rank 0's work after a step: evaluation, the metrics row, sample grid and
 * checkpoint when they are due. */
static gan_status write_outputs(gan_run *r, bool last, bool stopping, gan_error *err)
{
    const gan_config *c = &r->cfg;
    const int64_t step = r->t.step;
    gan_status rc = GAN_OK;
    if (r->eval_on && (every(step, c->eval_every) || last)) rc = gan_run_evaluate(r, err);
    if (rc == GAN_OK && (every(step, c->log_every) || last || r->evaluated)) rc = log_row(r, err);
    if (rc == GAN_OK) report_step(r);
    if (rc == GAN_OK && (every(step, c->sample_every) || last)) rc = write_samples(r, err);
    if (rc == GAN_OK && (every(step, c->checkpoint_every) || last || stopping))
        rc = gan_run_save_checkpoint(r, err);
    return rc;
}

/* One step and what follows it. */
static gan_status train_one_step(gan_run *r, gan_error *err)
{
    gan_trainer *t = &r->t;
    const double step_start = gan_seconds();
    gan_trainer_step(t);
    r->train_seconds += gan_seconds() - step_start;
    r->log_images += (long)r->cfg.batch_size * r->cfg.d_steps;
    add_to_interval(r, &t->last);
    /* the losses are the global batch's, the same bytes on every rank: all stop here together */
    if (!isfinite(t->last.loss_d) || !isfinite(t->last.loss_g)) return diverged(r, err);
    bool out_of_time;
    const bool stopping = stop_signal(r, &out_of_time) != 0;
    if (out_of_time) r->total_steps = t->step; /* this step is the last: log, samples, checkpoint */
    const bool last = t->step == r->total_steps;
    r->evaluated = false;
    gan_status rc = t->rank == 0 ? write_outputs(r, last, stopping, err) : GAN_OK;
    if (rc == GAN_OK && stopping && !last)
        rc = gan_fail(err, GAN_INTERRUPTED,
                      "interrupted at step %lld; checkpoint written to %s (continue with --resume %s)",
                      (long long)t->step, r->cfg.out_dir, r->cfg.out_dir);
    if (t->ranks > 1) rc = gan_comm_agree(t->comm, rc, err); /* rank 0's writes failed: all stop */
    return rc;
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
    gan_comm *comm = opts->comm;
    const bool writer = gan_comm_rank(comm) == 0;
    gan_status rc = setup(&r, &r.cfg, err);
    rc = gan_comm_agree(comm, rc, err); /* every rank goes on, or none does */
    if (rc == GAN_OK && gan_comm_size(comm) > 1) rc = gan_comm_agree(comm, gan_run_check_ranks(&r, err), err);
    /* a resume with nothing to do changes nothing in the folder (not even
     * config.json's train.steps, which would lose the run's real target) */
    const bool nothing_to_do = opts->start == GAN_RUN_RESUME && t->step >= r.total_steps;
    if (rc == GAN_OK && writer && !nothing_to_do) rc = start_outputs(&r, err);
    rc = gan_comm_agree(comm, rc, err);
    const bool failed_setup = rc != GAN_OK; /* on any rank: rank 0 removes the folder it made */
    if (rc == GAN_OK && writer) report_start(&r);
    r.t_start = r.t_log = gan_seconds();
    r.session_start_step = r.last_ckpt_step = t->step;
    while (rc == GAN_OK && t->step < r.total_steps) rc = train_one_step(&r, err);
    bool rewritten = false; /* a finished run's g.bin or d.bin was missing or damaged */
    if (writer && rc == GAN_OK && t->step == r.session_start_step)
        rc = gan_run_check_outputs(&r, &rewritten, err);
    rc = gan_comm_agree(comm, rc, err);
    if (result)
        *result = (gan_train_result){.step = t->step,
                                     .outputs_rewritten = rewritten,
                                     .steps_run = t->step - r.session_start_step,
                                     .last = t->last,
                                     .seconds = gan_seconds() - r.t_start,
                                     .comm_seconds = gan_comm_seconds(comm)};
    teardown(&r, failed_setup);
    return rc;
}
