/* The training loop. One step, readable top to bottom in train_step():
 * D on a real batch, D on a fake batch, D update, G through D, G update. */
#include "gan/jobs/train.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gan/io/atomic_file.h"
#include "gan/io/checkpoint.h"
#include "gan/models/classifier.h"
#include "gan/data/dataset.h"
#include "gan/jobs/eval.h"
#include "gan/models/dcgan.h"
#include "gan/io/image_grid.h"
#include "gan/core/pool.h"
#include "gan/core/rng.h"
#include "gan/io/safetensors.h"

typedef struct {
    const gan_config *cfg;
    const gan_train_opts *opts;
    char *config_json;
    gan_dataset data;
    gan_net g, d;
    gan_pool *pool;         /* gan's own loops run on as many threads as OpenBLAS's */
    gan_rng rng;            /* latent draws */
    int32_t *perm;          /* this epoch's order of the images */
    long perm_epoch;        /* epoch perm was made for, -1: none */
    long steps_per_epoch;   /* batches per epoch (the last partial batch is dropped) */
    long total_steps;
    int64_t step;           /* generator updates done */
    int64_t cursor;         /* batches consumed */
    int64_t t_g, t_d;       /* Adam step counts (D's may lag when updates are skipped) */
    float *real, *z, *fixed_z, *dlogits;
    int32_t *batch_idx;
    FILE *metrics;
    /* evaluation during training (eval.classifier) */
    int eval_on;
    gan_classifier cls;
    gan_eval_set real_stats;    /* the real images' statistics, computed once */
    float *eval_z;
    double best_fid;            /* of g_best.bin; INFINITY: none yet */
    int evaluated;              /* this step was evaluated: */
    gan_eval_report report;     /* its results */
    double t_start, t_log, last_ckpt_step, session_start_step;
    long log_images;
    gan_train_result last;
} trainer;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void join(char *out, size_t len, const char *dir, const char *name)
{
    snprintf(out, len, "%s/%s", dir, name);
}

/* gan owns the threads: train.threads of them (0: as many as OpenBLAS would
 * use, i.e. its OPENBLAS_NUM_THREADS or the core count), and OpenBLAS runs
 * single-threaded inside each, so no idle OpenBLAS worker spins on a core
 * that gan's own loops need. */
gan_pool *gan_train_pool(const gan_config *c)
{
    int threads = c->threads > 0 ? c->threads : openblas_get_num_threads();
    gan_pool *pool = gan_pool_create(threads);
    if (pool) openblas_set_num_threads(1);
    else if (c->threads > 0) openblas_set_num_threads(c->threads);
    return pool;
}

const char *gan_blas_note(void)
{
    const char *forced = getenv("OPENBLAS_CORETYPE");
    const char *core = openblas_get_corename();
    if (!forced || !core) return NULL;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && !strstr(core, "kylake") && !strstr(core, "ooperlake") &&
        !strstr(core, "apphire"))
        return "note: OPENBLAS_CORETYPE makes OpenBLAS use its AVX2 kernels on this AVX-512 CPU (about half the "
               "SGEMM speed); unset it to let OpenBLAS choose";
#endif
    return NULL;
}

/* Data order: a permutation per epoch drawn from (seed, epoch) alone, so a
 * resumed run sees exactly the batches the uninterrupted one would. */
static void ensure_perm(trainer *t, long epoch)
{
    if (t->perm_epoch == epoch) return;
    gan_rng r;
    gan_rng_seed(&r, t->cfg->seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(epoch + 1)));
    for (long i = 0; i < t->data.count; i++) t->perm[i] = (int32_t)i;
    gan_rng_shuffle(&r, t->perm, t->data.count);
    t->perm_epoch = epoch;
}

static void next_real_batch(trainer *t)
{
    const int B = t->cfg->batch_size;
    long epoch = (long)(t->cursor / t->steps_per_epoch), b = (long)(t->cursor % t->steps_per_epoch);
    ensure_perm(t, epoch);
    memcpy(t->batch_idx, t->perm + b * B, sizeof(int32_t) * B);
    gan_dataset_batch(&t->data, t->batch_idx, B, t->real);
    t->cursor++;
}

static double mean_sigmoid(const float *x, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) s += 1.0 / (1.0 + exp(-(double)x[i]));
    return s / n;
}

/* One generator update (after cfg->d_steps discriminator updates). */
static void train_step(trainer *t)
{
    const gan_config *c = t->cfg;
    const int B = c->batch_size;
    const float real_label = (float)(1.0 - c->label_smoothing);
    const float *fake = NULL;
    double loss_d = 0.0, d_x = 0.0, d_g_z1 = 0.0;

    for (int k = 0; k < c->d_steps; k++) {
        next_real_batch(t);
        gan_rng_normal(&t->rng, t->z, (long)c->nz * B, 0.0f, 1.0f);
        fake = gan_net_forward(&t->g, t->z, B, 1);

        /* D on real, then D on fake: weight gradients only (no input gradient). */
        gan_net_zero_grad(&t->d);
        const float *logits = gan_net_forward(&t->d, t->real, B, 1);
        loss_d = gan_bce_logits_forward(logits, real_label, B);
        d_x = mean_sigmoid(logits, B);
        gan_bce_logits_backward(t->dlogits, logits, real_label, B, 1.0f);
        gan_net_backward(&t->d, t->dlogits, 1, 0);

        logits = gan_net_forward(&t->d, fake, B, 1);
        loss_d += gan_bce_logits_forward(logits, 0.0f, B);
        d_g_z1 = mean_sigmoid(logits, B);
        gan_bce_logits_backward(t->dlogits, logits, 0.0f, B, 1.0f);
        gan_net_backward(&t->d, t->dlogits, 1, 0);

        /* D update, unless it is already winning by more than the floor. */
        if (!(c->d_loss_floor > 0.0 && loss_d < c->d_loss_floor)) {
            t->t_d++;
            gan_net_adam(&t->d, (float)c->lr_d, (float)c->beta1, (float)c->beta2, (float)c->adam_eps, (long)t->t_d);
        }
    }

    /* G through D (non-saturating loss, target 1): D's input gradient only,
     * then G's weight gradients; G's first layer computes no input gradient. */
    gan_net_zero_grad(&t->g);
    const float *logits = gan_net_forward(&t->d, fake, B, 1);
    double loss_g = gan_bce_logits_forward(logits, 1.0f, B);
    gan_bce_logits_backward(t->dlogits, logits, 1.0f, B, 1.0f);
    float *dfake = (float *)gan_net_backward(&t->d, t->dlogits, 0, 1);
    gan_net_backward(&t->g, dfake, 1, 0);
    t->t_g++;
    gan_net_adam(&t->g, (float)c->lr_g, (float)c->beta1, (float)c->beta2, (float)c->adam_eps, (long)t->t_g);

    t->step++;
    t->last.step = (long)t->step;
    t->last.loss_d = loss_d;
    t->last.loss_g = loss_g;
    t->last.d_x = d_x;
    t->last.d_g_z = d_g_z1;
}

/* ------------------------------------------------------------ outputs */

static int write_samples(trainer *t, gan_error *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/samples/step_%06ld.png", t->cfg->out_dir, (long)t->step);
    /* Inference mode: running statistics, nothing in the nets changes. */
    const int n = t->cfg->sample_count;
    const float *imgs = gan_net_forward(&t->g, t->fixed_z, n, 0);
    int nrow = (int)ceil(sqrt((double)n));
    return gan_grid_png(path, imgs, n, 0, n, t->cfg->channels, t->cfg->image_size, nrow, 2, err);
}

static int write_real_grid(trainer *t, gan_error *err)
{
    const int n = t->cfg->sample_count < t->data.count ? t->cfg->sample_count : (int)t->data.count;
    int32_t *idx = malloc(sizeof(int32_t) * n);
    float *imgs = malloc(sizeof(float) * (size_t)n * t->cfg->channels * t->cfg->image_size * t->cfg->image_size);
    int rc = GAN_OK;
    if (!idx || !imgs) rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK) {
        for (int i = 0; i < n; i++) idx[i] = i;
        gan_dataset_batch(&t->data, idx, n, imgs);
        char path[1200];
        join(path, sizeof path, t->cfg->out_dir, "real.png");
        rc = gan_grid_png(path, imgs, n, 0, n, t->cfg->channels, t->cfg->image_size, (int)ceil(sqrt((double)n)), 2,
                          err);
    }
    free(idx);
    free(imgs);
    return rc;
}

static int save_state(trainer *t, gan_error *err)
{
    gan_st_list list = {.count = 0};
    gan_net_list_tensors(&t->g, "G.", &list);
    gan_net_list_tensors(&t->d, "D.", &list);
    int64_t np_g = (int64_t)t->g.nparams, np_d = (int64_t)t->d.nparams;
    gan_st_list_add(&list, "G.adam_m", GAN_DT_F32, 1, &np_g, t->g.adam_m);
    gan_st_list_add(&list, "G.adam_v", GAN_DT_F32, 1, &np_g, t->g.adam_v);
    gan_st_list_add(&list, "D.adam_m", GAN_DT_F32, 1, &np_d, t->d.adam_m);
    gan_st_list_add(&list, "D.adam_v", GAN_DT_F32, 1, &np_d, t->d.adam_v);
    int64_t four = 4, zshape[2] = {t->cfg->nz, t->cfg->sample_count};
    gan_st_list_add(&list, "rng", GAN_DT_U64, 1, &four, t->rng.s);
    int64_t counters[4] = {t->step, t->cursor, t->t_g, t->t_d};
    gan_st_list_add(&list, "counters", GAN_DT_I64, 1, &four, counters);
    gan_st_list_add(&list, "fixed_z", GAN_DT_F32, 2, zshape, t->fixed_z);
    char step[32];
    snprintf(step, sizeof step, "%lld", (long long)t->step);
    const char *meta[6] = {"format", GAN_STATE_FORMAT, "step", step, "config", t->config_json};
    char path[1200];
    join(path, sizeof path, t->cfg->out_dir, GAN_RUN_STATE);
    return gan_st_save(path, list.e, list.count, meta, 3, err);
}

static int load_state(trainer *t, gan_error *err)
{
    char path[1200];
    join(path, sizeof path, t->cfg->out_dir, GAN_RUN_STATE);
    gan_st_file f;
    int rc = gan_st_load(&f, path, err);
    if (rc != GAN_OK) return rc;
    const char *format = gan_st_meta(&f, "format");
    if (!format || strcmp(format, GAN_STATE_FORMAT) != 0)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: not a gan training-state file", path);
    if (rc == GAN_OK) rc = gan_net_read_tensors(&t->g, &f, "G.", err);
    if (rc == GAN_OK) rc = gan_net_read_tensors(&t->d, &f, "D.", err);
    int64_t np_g = (int64_t)t->g.nparams, np_d = (int64_t)t->d.nparams, four = 4;
    int64_t zshape[2] = {t->cfg->nz, t->cfg->sample_count}, counters[4];
    if (rc == GAN_OK) rc = gan_st_read(&f, "G.adam_m", GAN_DT_F32, 1, &np_g, t->g.adam_m, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "G.adam_v", GAN_DT_F32, 1, &np_g, t->g.adam_v, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "D.adam_m", GAN_DT_F32, 1, &np_d, t->d.adam_m, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "D.adam_v", GAN_DT_F32, 1, &np_d, t->d.adam_v, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "rng", GAN_DT_U64, 1, &four, t->rng.s, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "counters", GAN_DT_I64, 1, &four, counters, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "fixed_z", GAN_DT_F32, 2, zshape, t->fixed_z, err);
    if (rc == GAN_OK) {
        if (counters[0] < 0 || counters[1] < 0 || counters[2] < 0 || counters[3] < 0)
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: negative counters", path);
        t->step = counters[0];
        t->cursor = counters[1];
        t->t_g = counters[2];
        t->t_d = counters[3];
    }
    gan_st_close(&f);
    return rc;
}

static int write_checkpoint(trainer *t, gan_error *err)
{
    char path[1200];
    int rc = save_state(t, err);
    join(path, sizeof path, t->cfg->out_dir, GAN_RUN_G);
    if (rc == GAN_OK) rc = gan_model_save(path, &t->g, (long)t->step, t->config_json, err);
    join(path, sizeof path, t->cfg->out_dir, GAN_RUN_D);
    if (rc == GAN_OK) rc = gan_model_save(path, &t->d, (long)t->step, t->config_json, err);
    if (rc == GAN_OK) {
        t->last_ckpt_step = (double)t->step;
    } else {
        /* Every file is replaced atomically, so a failed write changed nothing. */
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        gan_fail(err, rc, "%.400s; the earlier checkpoint files are intact", why);
    }
    return rc;
}

/* metrics.csv: on resume, rows logged after the checkpoint are dropped so
 * the file reads as if the run had never stopped. */
static int open_metrics(trainer *t, gan_error *err)
{
    char path[1200];
    join(path, sizeof path, t->cfg->out_dir, GAN_RUN_METRICS);
    static const char header[] = "step,epoch,loss_d,loss_g,d_x,d_g_z,img_per_s,elapsed_s,fid,inception_score,class_entropy\n";
    if (t->opts->resume) {
        FILE *in = fopen(path, "r");
        char *keep = NULL;
        size_t klen = 0;
        FILE *mem = open_memstream(&keep, &klen);
        if (in && mem) {
            char line[512];
            while (fgets(line, sizeof line, in)) {
                char *end;
                long s = strtol(line, &end, 10);
                if (end == line || s <= t->step) fputs(line, mem);
                /* the best FID so far is the smallest in the rows kept (9th column) */
                const char *f = line;
                for (int col = 0; col < 8 && f; col++) {
                    f = strchr(f, ',');
                    if (f) f++;
                }
                if (end != line && s <= t->step && f && *f && *f != ',') {
                    double fid = strtod(f, NULL);
                    if (fid < t->best_fid) t->best_fid = fid;
                }
            }
        }
        if (in) fclose(in);
        if (mem) fclose(mem);
        if (!in) {
            free(keep);
            keep = strdup(header);
            klen = keep ? strlen(keep) : 0;
        }
        int rc = keep ? gan_write_file_atomic(path, keep, klen, err) : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        free(keep);
        if (rc != GAN_OK) return rc;
        t->metrics = fopen(path, "a");
    } else {
        t->metrics = fopen(path, "w");
        if (t->metrics) fputs(header, t->metrics);
    }
    if (!t->metrics) return gan_fail(err, GAN_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    return GAN_OK;
}

/* ------------------------------------------------------------ evaluation */

enum { EVAL_BATCH = 250 };
/* The evaluation latents are the same at every evaluation (like the sample
 * grid's fixed noise), so FID changes reflect G, not the draw. */
static const uint64_t EVAL_SEED_SALT = 0xe7a1e7a1e7a1e7a1ULL;

static int eval_setup(trainer *t, gan_error *err)
{
    const gan_config *c = t->cfg;
    if (!c->eval_classifier[0]) {
        if (c->eval_every > 0) return gan_fail(err, GAN_ERR_INPUT, "config: eval.every needs eval.classifier");
        return GAN_OK;
    }
    int rc = gan_classifier_load(c->eval_classifier, &t->cls, EVAL_BATCH, NULL, err);
    if (rc != GAN_OK) return rc;
    t->eval_on = 1;
    t->cls.trunk.pool = t->pool;
    if (t->cls.arch.image_size != c->image_size || t->cls.arch.channels != c->channels)
        return gan_fail(err, GAN_ERR_INPUT, "%s: reads %dx%dx%d images, but this run makes %dx%dx%d", c->eval_classifier,
                        t->cls.arch.image_size, t->cls.arch.image_size, t->cls.arch.channels, c->image_size,
                        c->image_size, c->channels);
    const long n = c->eval_samples < t->data.count ? c->eval_samples : t->data.count;
    int32_t *idx = malloc(sizeof(int32_t) * (size_t)t->data.count);
    t->eval_z = malloc(sizeof(float) * (size_t)c->nz * t->g.max_batch);
    if (!idx || !t->eval_z) {
        free(idx);
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    }
    /* a seeded subset of the training images, the same on every resume */
    gan_rng r;
    gan_rng_seed(&r, c->seed ^ EVAL_SEED_SALT);
    for (long i = 0; i < t->data.count; i++) idx[i] = (int32_t)i;
    gan_rng_shuffle(&r, idx, t->data.count);
    gan_dataset_source src = {&t->data, idx};
    rc = gan_eval_set_compute(&t->real_stats, &t->cls, gan_dataset_images, &src, n, err);
    free(idx);
    return rc;
}

/* Generates eval.samples images with G in inference mode and compares them
 * with the real statistics; a new best FID replaces g_best.bin. */
static int evaluate(trainer *t, gan_error *err)
{
    const gan_config *c = t->cfg;
    const double t0 = now();
    gan_generator_source src = {.g = &t->g, .bn_batch = 0, .z = t->eval_z};
    gan_rng_seed(&src.rng, c->seed ^ EVAL_SEED_SALT);
    gan_eval_set gen;
    int rc = gan_eval_set_compute(&gen, &t->cls, gan_generator_images, &src, c->eval_samples, err);
    if (rc == GAN_OK) rc = gan_eval_compare(&t->report, &t->real_stats, &gen, err);
    gan_eval_set_free(&gen);
    if (rc != GAN_OK) return rc;
    t->evaluated = 1;
    const int best = t->report.fid < t->best_fid;
    if (best) {
        char path[1200];
        join(path, sizeof path, c->out_dir, GAN_RUN_G_BEST);
        rc = gan_model_save(path, &t->g, (long)t->step, t->config_json, err);
        if (rc != GAN_OK) return rc;
        t->best_fid = t->report.fid;
    }
    if (!t->opts->quiet) {
        FILE *log = t->opts->log ? t->opts->log : stderr;
        fprintf(log, "eval step %lld: FID %.3f%s  IS %.3f (real %.3f)  classes %d/%d  entropy %.3f bits (real %.3f)\n",
                (long long)t->step, t->report.fid, best ? " (best so far: g_best.bin)" : "", t->report.is_gen,
                t->report.is_real, t->report.classes_covered, t->cls.arch.classes, t->report.entropy_gen,
                t->report.entropy_real);
        for (int i = 0; i < t->report.nwarnings; i++) fprintf(log, "eval step %lld: warning: %s\n", (long long)t->step, t->report.warnings[i]);
    }
    t->t_log += now() - t0; /* img/s counts training time only */
    return GAN_OK;
}

static void fmt_time(char *buf, size_t len, double s)
{
    long x = (long)(s + 0.5);
    if (x >= 3600) snprintf(buf, len, "%ld:%02ld:%02ld", x / 3600, x / 60 % 60, x % 60);
    else snprintf(buf, len, "%ld:%02ld", x / 60, x % 60);
}

static int log_progress(trainer *t, gan_error *err)
{
    const double tn = now(), elapsed = tn - t->t_start;
    const double ips = t->log_images / (tn - t->t_log > 1e-9 ? tn - t->t_log : 1e-9);
    const long epoch = (long)((t->cursor - 1) / t->steps_per_epoch) + 1;
    const long total_epochs = (long)((t->total_steps * t->cfg->d_steps + t->steps_per_epoch - 1) / t->steps_per_epoch);
    t->log_images = 0;
    t->t_log = tn;
    fprintf(t->metrics, "%lld,%ld,%.6f,%.6f,%.6f,%.6f,%.1f,%.3f", (long long)t->step, epoch, t->last.loss_d,
            t->last.loss_g, t->last.d_x, t->last.d_g_z, ips, elapsed);
    if (t->evaluated) fprintf(t->metrics, ",%.4f,%.4f,%.4f\n", t->report.fid, t->report.is_gen, t->report.entropy_gen);
    else fputs(",,,\n", t->metrics);
    if (fflush(t->metrics) != 0 || ferror(t->metrics))
        return gan_fail(err, GAN_ERR_IO, "%s/%s: write failed: %s", t->cfg->out_dir, GAN_RUN_METRICS, strerror(errno));
    if (!t->opts->quiet) {
        char el[32], eta[32];
        double done = (double)t->step - t->session_start_step;
        fmt_time(el, sizeof el, elapsed);
        fmt_time(eta, sizeof eta, done > 0 ? elapsed / done * (double)(t->total_steps - t->step) : 0.0);
        fprintf(t->opts->log ? t->opts->log : stderr,
                "epoch %ld/%ld  step %lld/%ld  loss_D %.4f  loss_G %.4f  D(x) %.3f  D(G(z)) %.3f  %.0f img/s  %s elapsed  %s left\n",
                epoch, total_epochs, (long long)t->step, t->total_steps, t->last.loss_d, t->last.loss_g, t->last.d_x,
                t->last.d_g_z, ips, el, eta);
    }
    return GAN_OK;
}

static int setup(trainer *t, gan_error *err)
{
    const gan_config *c = t->cfg;
    char path[1200];
    join(path, sizeof path, c->out_dir, GAN_RUN_STATE);
    if (!t->opts->resume && !t->opts->force && access(path, F_OK) == 0)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: already holds a run (%s); continue it with --resume %s, or start over with --force",
                        c->out_dir, GAN_RUN_STATE, c->out_dir);
    if (t->opts->resume && access(path, F_OK) != 0)
        return gan_fail(err, GAN_ERR_INPUT, "%s: nothing to resume (no %s)", c->out_dir, GAN_RUN_STATE);
    int rc = gan_dataset_load(&t->data, c, err);
    if (rc != GAN_OK) return rc;
    const int B = c->batch_size;
    if (t->data.count < B)
        return gan_fail(err, GAN_ERR_INPUT, "%s: %ld images, fewer than train.batch_size (%d)", c->data_path,
                        t->data.count, B);
    t->steps_per_epoch = t->data.count / B;
    t->total_steps = c->steps > 0 ? c->steps
                                  : ((long)c->epochs * t->steps_per_epoch + c->d_steps - 1) / c->d_steps;
    gan_arch arch = {c->image_size, c->channels, c->nz, c->ngf, c->ndf};
    const char *why = gan_arch_check(&arch);
    if (why) return gan_fail(err, GAN_ERR_INPUT, "config: model: %s", why);
    const int g_batch = B > c->sample_count ? B : c->sample_count;
    if (gan_net_build(&t->g, &arch, 1, g_batch) != 0 || gan_net_build(&t->d, &arch, 0, B) != 0 ||
        gan_net_share_scratch(&t->g, &t->d) != 0)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory building the networks");
    t->pool = gan_train_pool(c);
    t->g.pool = t->d.pool = t->pool;
    const long img = (long)c->channels * c->image_size * c->image_size;
    t->real = malloc(sizeof(float) * (size_t)B * img);
    t->z = malloc(sizeof(float) * (size_t)B * c->nz);
    t->fixed_z = malloc(sizeof(float) * (size_t)c->sample_count * c->nz);
    t->dlogits = malloc(sizeof(float) * (size_t)B);
    t->batch_idx = malloc(sizeof(int32_t) * (size_t)B);
    t->perm = malloc(sizeof(int32_t) * (size_t)t->data.count);
    t->perm_epoch = -1;
    if (!t->real || !t->z || !t->fixed_z || !t->dlogits || !t->batch_idx || !t->perm)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    t->config_json = gan_config_to_json(c);
    if (!t->config_json) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");

    rc = gan_mkdir_p(c->out_dir, err);
    join(path, sizeof path, c->out_dir, "samples");
    if (rc == GAN_OK) rc = gan_mkdir_p(path, err);
    if (rc != GAN_OK) return rc;
    if (t->opts->resume) {
        rc = load_state(t, err);
    } else {
        /* One seeded stream: weights first, then the fixed grid noise, then per-step latents. */
        gan_rng_seed(&t->rng, c->seed);
        gan_net_init_weights(&t->g, &t->rng);
        gan_net_init_weights(&t->d, &t->rng);
        gan_rng_normal(&t->rng, t->fixed_z, (long)c->sample_count * c->nz, 0.0f, 1.0f);
        rc = write_real_grid(t, err);
    }
    if (rc == GAN_OK) rc = eval_setup(t, err);
    if (rc != GAN_OK) return rc;
    join(path, sizeof path, c->out_dir, GAN_RUN_CONFIG);
    rc = gan_write_file_atomic(path, t->config_json, strlen(t->config_json), err);
    if (rc == GAN_OK) rc = open_metrics(t, err);
    return rc;
}

static void teardown(trainer *t)
{
    if (t->metrics) fclose(t->metrics);
    gan_dataset_free(&t->data);
    gan_net_free(&t->d); /* borrows G's scratch */
    gan_net_free(&t->g);
    gan_pool_free(t->pool);
    free(t->real), free(t->z), free(t->fixed_z), free(t->dlogits), free(t->batch_idx), free(t->perm);
    free(t->config_json);
    gan_classifier_free(&t->cls);
    gan_eval_set_free(&t->real_stats);
    free(t->eval_z);
}

int gan_train(const gan_config *cfg, const gan_train_opts *opts, gan_train_result *result, gan_error *err)
{
    trainer t;
    memset(&t, 0, sizeof t);
    t.cfg = cfg;
    t.opts = opts;
    t.best_fid = INFINITY;
    FILE *log = opts->log ? opts->log : stderr;
    int rc = setup(&t, err);
    if (rc == GAN_OK && !opts->quiet) {
        fprintf(log, "gan: %s %ld images %dx%dx%d from %s; G %zu + D %zu parameters; batch %d, %s step %lld of %ld; "
                     "OpenBLAS %s, %d threads; run folder %s\n",
                     opts->resume ? "resuming on" : "training on", t.data.count, cfg->image_size, cfg->image_size,
                     cfg->channels, cfg->data_path, t.g.nparams, t.d.nparams, cfg->batch_size,
                     opts->resume ? "from" : "at", (long long)t.step, t.total_steps, openblas_get_corename(),
                     gan_pool_threads(t.pool), cfg->out_dir);
    }
    if (rc == GAN_OK && !opts->quiet && gan_blas_note()) fprintf(log, "gan: %s\n", gan_blas_note());
    t.t_start = t.t_log = now();
    t.session_start_step = (double)t.step;
    t.last_ckpt_step = (double)t.step;
    while (rc == GAN_OK && t.step < t.total_steps) {
        train_step(&t);
        t.log_images += (long)cfg->batch_size * cfg->d_steps;
        if (!isfinite(t.last.loss_d) || !isfinite(t.last.loss_g)) {
            rc = gan_fail(err, GAN_ERR_NUMERIC,
                          "step %lld: loss_D = %g, loss_G = %g: training diverged; the checkpoint of step %.0f in %s is intact",
                          (long long)t.step, t.last.loss_d, t.last.loss_g, t.last_ckpt_step, cfg->out_dir);
            break;
        }
        const int last = t.step == t.total_steps;
        const int stopping = opts->stop && *opts->stop;
        t.evaluated = 0;
        if (t.eval_on && ((cfg->eval_every > 0 && t.step % cfg->eval_every == 0) || last)) rc = evaluate(&t, err);
        if (rc == GAN_OK && (t.step % cfg->log_every == 0 || last || t.evaluated)) rc = log_progress(&t, err);
        if (rc == GAN_OK && ((cfg->sample_every > 0 && t.step % cfg->sample_every == 0) || last))
            rc = write_samples(&t, err);
        if (rc == GAN_OK && ((cfg->checkpoint_every > 0 && t.step % cfg->checkpoint_every == 0) || last || stopping))
            rc = write_checkpoint(&t, err);
        if (rc == GAN_OK && stopping && !last) {
            rc = gan_fail(err, GAN_INTERRUPTED, "interrupted at step %lld; checkpoint written to %s (continue with --resume %s)",
                          (long long)t.step, cfg->out_dir, cfg->out_dir);
        }
    }
    if (result) {
        *result = t.last;
        result->step = (long)t.step;
        result->steps_run = (long)(t.step - (int64_t)t.session_start_step);
        result->seconds = now() - t.t_start;
    }
    teardown(&t);
    return rc;
}

int gan_bench(const gan_config *cfg, int warmup, int steps, gan_bench_result *result, gan_error *err)
{
    trainer t;
    memset(&t, 0, sizeof t);
    gan_train_opts opts = {.quiet = 1};
    t.cfg = cfg;
    t.opts = &opts;
    const int B = cfg->batch_size;
    const long img = (long)cfg->channels * cfg->image_size * cfg->image_size;
    gan_arch arch = {cfg->image_size, cfg->channels, cfg->nz, cfg->ngf, cfg->ndf};
    const char *why = gan_arch_check(&arch);
    if (why) return gan_fail(err, GAN_ERR_INPUT, "config: model: %s", why);
    /* Synthetic data: 4 batches of noise images, held as uint8 like real data. */
    t.data.count = 4L * B;
    t.data.size = cfg->image_size;
    t.data.channels = cfg->channels;
    t.data.pixels = malloc((size_t)t.data.count * img);
    t.steps_per_epoch = 4;
    t.real = malloc(sizeof(float) * (size_t)B * img);
    t.z = malloc(sizeof(float) * (size_t)B * cfg->nz);
    t.dlogits = malloc(sizeof(float) * (size_t)B);
    t.batch_idx = malloc(sizeof(int32_t) * (size_t)B);
    t.perm = malloc(sizeof(int32_t) * (size_t)t.data.count);
    t.perm_epoch = -1;
    int rc = GAN_OK;
    if (!t.data.pixels || !t.real || !t.z || !t.dlogits || !t.batch_idx || !t.perm ||
        gan_net_build(&t.g, &arch, 1, B) != 0 || gan_net_build(&t.d, &arch, 0, B) != 0 ||
        gan_net_share_scratch(&t.g, &t.d) != 0)
        rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    t.pool = gan_train_pool(cfg);
    t.g.pool = t.d.pool = t.pool;
    if (rc == GAN_OK) {
        gan_rng_seed(&t.rng, cfg->seed);
        for (long i = 0; i < t.data.count * img; i++) t.data.pixels[i] = (uint8_t)(gan_rng_next(&t.rng) >> 56);
        gan_net_init_weights(&t.g, &t.rng);
        gan_net_init_weights(&t.d, &t.rng);
        for (int i = 0; i < warmup; i++) train_step(&t);
        double t0 = now();
        for (int i = 0; i < steps; i++) train_step(&t);
        double dt = now() - t0;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        result->steps = steps;
        result->seconds = dt;
        result->images_per_second = dt > 0 ? (double)steps * B * cfg->d_steps / dt : 0.0;
        result->peak_rss_kb = ru.ru_maxrss;
        result->loss_d = t.last.loss_d;
        result->loss_g = t.last.loss_g;
    }
    teardown(&t);
    return rc;
}
