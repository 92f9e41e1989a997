/* Saving and restoring a run: state.bin (everything --resume needs), the
 * g.bin/d.bin checkpoints, and metrics.csv cut back to the checkpoint. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gan/core/number.h"
#include "gan/io/atomic_file.h"
#include "gan/io/checkpoint.h"
#include "gan/io/safetensors.h"
#include "train_run.h"

const char *gan_run_weights_note(gan_run *r)
{
    if (!r->t.ema_on) return NULL;
    char decay[GAN_DOUBLE_CHARS];
    gan_double_to_text(r->t.cfg->ema, decay);
    snprintf(r->weights_note, sizeof r->weights_note, "ema %s", decay);
    return r->weights_note;
}

_Static_assert(GAN_ST_LIST_MAX >= 3 * (GAN_MAX_STAGES * 9 + 3) + 10,
               "a training state's tensors fit a gan_st_list: per net and stage a conv weight, 5 batchnorm "
               "tensors or 2 power-iteration vectors, and a toRGB/fromRGB's 3; the class embedding's 3");

static gan_status save_state(gan_run *r, gan_error *err)
{
    gan_trainer *t = &r->t;
    gan_st_list list = {.count = 0};
    gan_net_list_tensors(&t->g, "G.", &list);
    gan_net_list_tensors(&t->d, "D.", &list);
    if (t->ema_on) gan_net_list_tensors(&t->ema, "E.", &list); /* the average, beside G's own weights */
    int64_t np_g = (int64_t)t->g.nparams, np_d = (int64_t)t->d.nparams;
    gan_st_list_add(&list, "G.adam_m", GAN_DT_F32, 1, &np_g, t->g.adam_m);
    gan_st_list_add(&list, "G.adam_v", GAN_DT_F32, 1, &np_g, t->g.adam_v);
    gan_st_list_add(&list, "D.adam_m", GAN_DT_F32, 1, &np_d, t->d.adam_m);
    gan_st_list_add(&list, "D.adam_v", GAN_DT_F32, 1, &np_d, t->d.adam_v);
    int64_t four = 4, zshape[2] = {t->cfg->nz, t->cfg->sample_count};
    gan_st_list_add(&list, "rng", GAN_DT_U64, 1, &four, t->rng.s);
    int64_t ncounters = GAN_STATE_COUNTERS, counters[GAN_STATE_COUNTERS];
    counters[GAN_COUNTER_STEP] = t->step;
    counters[GAN_COUNTER_CURSOR] = t->cursor;
    counters[GAN_COUNTER_G_STEPS] = t->t_g;
    counters[GAN_COUNTER_D_STEPS] = t->t_d;
    gan_st_list_add(&list, "counters", GAN_DT_I64, 1, &ncounters, counters);
    gan_st_list_add(&list, "fixed_z", GAN_DT_F32, 2, zshape, r->fixed_z);
    /* the log interval's sums and step count (train_seconds is a timing: not
     * here, so equal runs write equal states); the class losses' sums only
     * with the class loss, so that other runs' states keep their bytes */
    const gan_train_losses *sum = &r->interval_sum;
    double interval[5] = {sum->loss_d, sum->loss_g, sum->d_x, sum->d_g_z, (double)r->interval_steps};
    double interval_class[2] = {sum->class_d, sum->class_g};
    const int64_t five = 5, two = 2;
    gan_st_list_add(&list, "log_interval", GAN_DT_F64, 1, &five, interval);
    if (t->cfg->class_loss > 0.0)
        gan_st_list_add(&list, "log_interval_class", GAN_DT_F64, 1, &two, interval_class);
    char step[32];
    snprintf(step, sizeof step, "%lld", (long long)t->step);
    const char *meta[10] = {"format", GAN_STATE_FORMAT, "step", step, "config", r->config_json};
    int nmeta = 3;
    if (r->cfg.run_id[0]) meta[2 * nmeta] = "run_id", meta[2 * nmeta + 1] = r->cfg.run_id, nmeta++;
    char *names = t->g.arch.classes > 0 ? gan_classes_to_json(&t->g.classes) : NULL;
    if (t->g.arch.classes > 0 && !names) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (names) meta[2 * nmeta] = "class_names", meta[2 * nmeta + 1] = names, nmeta++;
    gan_status rc = gan_st_save(r->paths.state, list.e, list.count, meta, nmeta, err);
    free(names);
    return rc;
}

/* A conditional run resumes on the classes it started with. */
static gan_status same_classes(const gan_st_file *f, const gan_trainer *t, gan_error *err)
{
    if (t->g.arch.classes == 0) return GAN_OK;
    gan_classes then = {0};
    gan_status rc = gan_model_classes(f, t->g.arch.classes, &then, err);
    for (int k = 0; rc == GAN_OK && k < then.count; k++)
        if (strcmp(then.names[k], t->data.classes.names[k]) != 0)
            rc = gan_fail(
                err, GAN_ERR_INPUT,
                "%s: class %d of the run is '%s', of the data now '%s': the classes cannot change on "
                "resume",
                f->path, k, then.names[k], t->data.classes.names[k]);
    gan_classes_free(&then);
    return rc;
}

/* The keys that shape the networks and the state: they cannot change on
 * resume (a spectral-norm D's tensors do not fit a batchnorm D, say). */
static gan_status same_shape(const gan_st_file *f, const gan_config *now, gan_error *err)
{
    const char *saved = gan_st_meta(f, "config");
    gan_config then;
    if (!saved || gan_config_parse(&then, saved, f->path, NULL, 0, NULL) != GAN_OK)
        return GAN_OK; /* the tensors tell */
    enum { NKEYS = 11 };
    char a[NKEYS][32], b[NKEYS][32];
    const char *keys[NKEYS] = {"data.image_size",   "data.channels",     "model.nz",
                               "model.ngf",         "model.ndf",         "model.d_norm",
                               "train.ema",         "model.conditional", "model.g_condition",
                               "model.progressive", "model.start_size"};
    const gan_config *c[2] = {&then, now};
    for (int i = 0; i < 2; i++) {
        char(*v)[32] = i == 0 ? a : b;
        snprintf(v[0], 32, "%d", c[i]->image_size);
        snprintf(v[1], 32, "%d", c[i]->channels);
        snprintf(v[2], 32, "%d", c[i]->nz);
        snprintf(v[3], 32, "%d", c[i]->ngf);
        snprintf(v[4], 32, "%d", c[i]->ndf);
        char name[24];
        gan_config_choice("model.d_norm", c[i]->d_norm, name, sizeof name);
        snprintf(v[5], 32, "\"%s\"", name);
        snprintf(v[6], 32, "%s", c[i]->ema > 0 ? "on" : "off"); /* on or off: the decay itself may change */
        snprintf(v[7], 32, "%s", c[i]->conditional ? "true" : "false");
        gan_config_choice("model.g_condition", c[i]->conditional ? c[i]->g_condition : GAN_GCOND_CONCAT, name,
                          sizeof name);
        snprintf(v[8], 32, "\"%s\"", name);
        snprintf(v[9], 32, "%s", c[i]->progressive ? "true" : "false");
        snprintf(v[10], 32, "%d", c[i]->progressive ? c[i]->start_size : 0); /* 0: unused */
    }
    for (int k = 0; k < NKEYS; k++)
        if (strcmp(a[k], b[k]) != 0)
            return gan_fail(
                err, GAN_ERR_INPUT,
                "%s: the run has %s %s, the config now %s: it shapes the networks and cannot change on "
                "resume",
                f->path, keys[k], a[k], b[k]);
    return GAN_OK;
}

gan_status gan_run_load_state(gan_run *r, gan_error *err)
{
    gan_trainer *t = &r->t;
    const char *path = r->paths.state;
    gan_st_file f;
    gan_status rc = gan_st_load(&f, path, err);
    if (rc != GAN_OK) return rc;
    const char *format = gan_st_meta(&f, "format");
    if (!format || strcmp(format, GAN_STATE_FORMAT) != 0)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: not a gan training-state file", path);
    /* config.json and state.bin of two different runs (runs before run ids have none: accepted) */
    const char *run_id = gan_st_meta(&f, "run_id");
    if (rc == GAN_OK && run_id && r->cfg.run_id[0] && strcmp(run_id, r->cfg.run_id) != 0)
        rc = gan_fail(err, GAN_ERR_INPUT,
                      "%s: belongs to run %s, but config.json beside it to run %s: the folder mixes two runs",
                      path, run_id, r->cfg.run_id);
    if (rc == GAN_OK) rc = same_shape(&f, t->cfg, err);
    if (rc == GAN_OK) rc = same_classes(&f, t, err);
    if (rc == GAN_OK) rc = gan_net_read_tensors(&t->g, &f, "G.", err);
    if (rc == GAN_OK) rc = gan_net_read_tensors(&t->d, &f, "D.", err);
    if (rc == GAN_OK && t->ema_on) rc = gan_net_read_tensors(&t->ema, &f, "E.", err);
    int64_t np_g = (int64_t)t->g.nparams, np_d = (int64_t)t->d.nparams, four = 4;
    int64_t zshape[2] = {t->cfg->nz, t->cfg->sample_count}, ncounters = GAN_STATE_COUNTERS,
            counters[GAN_STATE_COUNTERS];
    if (rc == GAN_OK) rc = gan_st_read(&f, "G.adam_m", GAN_DT_F32, 1, &np_g, t->g.adam_m, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "G.adam_v", GAN_DT_F32, 1, &np_g, t->g.adam_v, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "D.adam_m", GAN_DT_F32, 1, &np_d, t->d.adam_m, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "D.adam_v", GAN_DT_F32, 1, &np_d, t->d.adam_v, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "rng", GAN_DT_U64, 1, &four, t->rng.s, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "counters", GAN_DT_I64, 1, &ncounters, counters, err);
    if (rc == GAN_OK) rc = gan_st_read(&f, "fixed_z", GAN_DT_F32, 2, zshape, r->fixed_z, err);
    /* states of earlier versions have no log interval: it starts empty */
    double interval[5] = {0}, interval_class[2] = {0};
    const int64_t five = 5, two = 2;
    if (rc == GAN_OK && gan_st_find(&f, "log_interval"))
        rc = gan_st_read(&f, "log_interval", GAN_DT_F64, 1, &five, interval, err);
    if (rc == GAN_OK && gan_st_find(&f, "log_interval_class"))
        rc = gan_st_read(&f, "log_interval_class", GAN_DT_F64, 1, &two, interval_class, err);
    r->interval_sum = (gan_train_losses){.loss_d = interval[0],
                                         .loss_g = interval[1],
                                         .d_x = interval[2],
                                         .d_g_z = interval[3],
                                         .class_d = interval_class[0],
                                         .class_g = interval_class[1]};
    r->interval_steps = interval[4] >= 0 && interval[4] < 1e15 ? (long)interval[4] : 0;

    if (rc == GAN_OK) {
        bool negative = false;
        for (int i = 0; i < GAN_STATE_COUNTERS; i++) negative |= counters[i] < 0;
        if (negative) rc = gan_fail(err, GAN_ERR_INPUT, "%s: negative counters", path);
        t->step = counters[GAN_COUNTER_STEP];
        t->cursor = counters[GAN_COUNTER_CURSOR];
        t->t_g = counters[GAN_COUNTER_G_STEPS];
        t->t_d = counters[GAN_COUNTER_D_STEPS];
    }
    gan_st_close(&f);
    return rc;
}

gan_status gan_run_save_checkpoint(gan_run *r, gan_error *err)
{
    gan_trainer *t = &r->t;
    /* Each file is replaced atomically, so a failed write leaves that file
     * as it was; the files written before it already hold this step. */
    int written = 0; /* files of this checkpoint written: state.bin, then g.bin, then d.bin */
    gan_status rc = save_state(r, err);
    if (rc == GAN_OK) {
        written = 1;
        rc = gan_model_save(r->paths.g, gan_trainer_sampler(t), t->step, r->config_json,
                            gan_run_weights_note(r), err);
    }
    if (rc == GAN_OK) {
        written = 2;
        rc = gan_model_save(r->paths.d, &t->d, t->step, r->config_json, NULL, err);
    }
    if (rc == GAN_OK) {
        r->last_ckpt_step = t->step;
        r->have_checkpoint = true;
        return GAN_OK;
    }
    /* Say what is true of each file now. */
    static const char *const rest[3] = {"state.bin, g.bin and d.bin", "g.bin and d.bin", "d.bin"};
    static const char *const newer[3] = {"", "state.bin holds", "state.bin and g.bin hold"};
    char why[sizeof err->msg], older[96], now[64] = "";
    snprintf(why, sizeof why, "%s", err->msg);
    if (r->have_checkpoint)
        snprintf(older, sizeof older, "%s still hold%s step %lld", rest[written], written == 2 ? "s" : "",
                 (long long)r->last_ckpt_step);
    else if (written == 0) snprintf(older, sizeof older, "no checkpoint of this run has been written yet");
    else snprintf(older, sizeof older, "%s not written yet", rest[written]);
    if (written > 0) snprintf(now, sizeof now, "%s step %lld, ", newer[written], (long long)t->step);
    gan_fail(err, rc, "%.300s; %s%s", why, now, older);
    return rc;
}

gan_status gan_run_check_outputs(gan_run *r, bool *rewritten, gan_error *err)
{
    *rewritten = false;
    const char *paths[2] = {r->paths.g, r->paths.d};
    for (int i = 0; i < 2; i++) {
        gan_st_file f;
        gan_arch arch;
        gan_net_kind kind;
        const bool ok =
            gan_st_load(&f, paths[i], NULL) == GAN_OK && gan_model_arch(&f, &arch, &kind, NULL) == GAN_OK;
        if (ok) gan_st_close(&f);
        if (!ok) *rewritten = true;
    }
    if (!*rewritten) return GAN_OK;
    gan_status rc = gan_model_save(r->paths.g, gan_trainer_sampler(&r->t), r->t.step, r->config_json,
                                   gan_run_weights_note(r), err);
    if (rc == GAN_OK) rc = gan_model_save(r->paths.d, &r->t.d, r->t.step, r->config_json, NULL, err);
    return rc;
}

static const char METRICS_HEADER[] =
    "step,epoch,loss_d,loss_g,d_x,d_g_z,img_per_s,elapsed_s,fid,inception_score,class_entropy,train_s,"
    "class_loss_d,class_loss_g,kid,kid_std,precision,recall,density,coverage,size,blend\n";

/* The metrics file, just written as a file of the folder, opened to append
 * its rows without following a link that might have replaced it since. */
static FILE *append_nofollow(const char *path)
{
    const int fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
    FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
    if (fd >= 0 && !f) close(fd);
    return f;
}

/* Column i (0-based) of a CSV row, or NULL when the row is shorter. */
static const char *csv_column(const char *line, int i)
{
    for (int col = 0; col < i && line; col++) {
        line = strchr(line, ',');
        if (line) line++;
    }
    return line;
}

/* The rows of an earlier metrics.csv up to the checkpoint's step, into out;
 * from them the best FID so far (9th column) and the training seconds so
 * far (the last kept row's train_s, 12th column). */
static void keep_rows(gan_run *r, FILE *in, FILE *out)
{
    char line[512];
    while (fgets(line, sizeof line, in)) {
        char *end;
        const long long s = strtoll(line, &end, 10);
        const bool row = end != line, kept = row && s <= r->t.step;
        /* the header is today's: a run from an earlier version gains its new columns */
        if (!row && strncmp(line, "step,", 5) == 0) fputs(METRICS_HEADER, out);
        else if (!row || kept) fputs(line, out);
        if (!kept) continue;
        const char *fid = csv_column(line, 8), *train_s = csv_column(line, 11);
        if (fid && *fid && *fid != ',' && strtod(fid, NULL) < r->best_fid) r->best_fid = strtod(fid, NULL);
        if (train_s && *train_s) r->train_seconds = strtod(train_s, NULL);
    }
}

/* metrics.csv on resume: rows logged after the checkpoint are dropped so
 * the file reads as if the run had never stopped. */
static gan_status reopen_metrics(gan_run *r, gan_error *err)
{
    const char *path = r->paths.metrics;
    const int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ELOOP)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: is a symbolic link; gan reads and writes a run's own metrics.csv", path);
    FILE *in = fd >= 0 ? fdopen(fd, "r") : NULL;
    char *keep = NULL;
    size_t klen = 0;
    FILE *mem = open_memstream(&keep, &klen);
    if (in && mem) keep_rows(r, in, mem);
    if (in) fclose(in);
    if (mem) fclose(mem);
    if (!in) {
        free(keep);
        keep = strdup(METRICS_HEADER);
        klen = keep ? strlen(keep) : 0;
    }
    gan_status rc =
        keep ? gan_write_file_atomic(path, keep, klen, err) : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    free(keep);
    if (rc == GAN_OK) r->metrics = append_nofollow(path);
    return rc;
}

gan_status gan_run_open_metrics(gan_run *r, gan_error *err)
{
    const char *path = r->paths.metrics;
    if (r->opts->start == GAN_RUN_RESUME) {
        gan_status rc = reopen_metrics(r, err);
        if (rc != GAN_OK) return rc;
    } else { /* the header replaces whatever is there, a symbolic link included */
        gan_status rc = gan_write_file_atomic(path, METRICS_HEADER, strlen(METRICS_HEADER), err);
        if (rc != GAN_OK) return rc;
        r->metrics = append_nofollow(path);
    }
    if (!r->metrics) return gan_fail(err, GAN_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    return GAN_OK;
}
