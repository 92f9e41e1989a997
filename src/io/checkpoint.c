#include "gan/io/checkpoint.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/check.h"

#define KIND_GENERATOR     "generator"
#define KIND_DISCRIMINATOR "discriminator"
#define KIND_CLASSIFIER    "classifier"

void gan_net_list_tensors(gan_net *net, const char *prefix, gan_st_list *list)
{
    int n = gan_net_tensor_count(net);
    for (int i = 0; i < n; i++) {
        gan_tensor_ref r;
        gan_net_tensor(net, i, &r);
        char name[GAN_ST_MAX_NAME];
        snprintf(name, sizeof name, "%s%s", prefix, r.name);
        if (r.kind == GAN_TENSOR_BATCH_COUNT)
            gan_st_list_add(list, name, GAN_DT_I64, 0, r.shape, &net->num_batches_tracked);
        else gan_st_list_add(list, name, GAN_DT_F32, r.ndim, r.shape, r.data);
    }
}

gan_status gan_net_read_tensors(gan_net *net, const gan_st_file *f, const char *prefix, gan_error *err)
{
    int n = gan_net_tensor_count(net);
    for (int i = 0; i < n; i++) {
        gan_tensor_ref r;
        gan_net_tensor(net, i, &r);
        char name[GAN_ST_MAX_NAME];
        snprintf(name, sizeof name, "%s%s", prefix, r.name);
        gan_status rc;
        if (r.kind == GAN_TENSOR_BATCH_COUNT) {
            int64_t v;
            rc = gan_st_read(f, name, GAN_DT_I64, 0, r.shape, &v, err);
            if (rc == GAN_OK && v < 0)
                rc = gan_fail(err, GAN_ERR_INPUT, "%s: tensor '%s' is negative", f->path, name);
            if (rc == GAN_OK) net->num_batches_tracked = v;
        } else {
            rc = gan_st_read(f, name, GAN_DT_F32, r.ndim, r.shape, r.data, err);
        }
        if (rc != GAN_OK) return rc;
    }
    return GAN_OK;
}

gan_status gan_model_save(const char *path, gan_net *net, int64_t step, const char *config_json,
                          const char *weights, gan_error *err)
{
    GAN_ASSERT(net->kind != GAN_NET_TRUNK);
    gan_st_list list = {.count = 0};
    gan_net_list_tensors(net, "", &list);
    char arch[256], cond[96] = "", stepbuf[32];
    const gan_arch *a = &net->arch;
    /* d_norm only when it is not DCGAN's batchnorm, and the class count only
     * when conditional, so unconditional files read as before */
    const char *norm = a->d_norm == GAN_NORM_SPECTRAL ? ",\"d_norm\":\"spectral\""
                       : a->d_norm == GAN_NORM_NONE   ? ",\"d_norm\":\"none\""
                                                      : "";
    if (a->classes > 0)
        snprintf(cond, sizeof cond, ",\"classes\":%d,\"g_condition\":\"%s\"", a->classes,
                 a->g_cond == GAN_GCOND_BATCHNORM ? "batchnorm" : "concat");
    char grow[40] = "", phase[80];
    if (a->grow_from > 0) snprintf(grow, sizeof grow, ",\"start_size\":%d", a->grow_from);
    snprintf(arch, sizeof arch, "{\"image_size\":%d,\"channels\":%d,\"nz\":%d,\"ngf\":%d,\"ndf\":%d%s%s%s}",
             a->image_size, a->channels, a->nz, a->ngf, a->ndf, norm, cond, grow);
    snprintf(stepbuf, sizeof stepbuf, "%lld", (long long)step);
    const char *meta[16] = {"format", GAN_CKPT_FORMAT, /* 8 pairs at most: 4 always, 4 that may be */
                            "kind",   net->kind == GAN_NET_GENERATOR ? KIND_GENERATOR : KIND_DISCRIMINATOR,
                            "arch",   arch,
                            "step",   stepbuf};
    int nmeta = 4;
    char *names = NULL;
    if (a->classes > 0) {
        GAN_ASSERT(net->classes.count == a->classes); /* the caller named the classes */
        names = gan_classes_to_json(&net->classes);
        if (!names) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
        meta[2 * nmeta] = "class_names", meta[2 * nmeta + 1] = names, nmeta++;
    }
    if (a->grow_from > 0) { /* the phase the weights were trained to, exactly (%.9g round-trips a float) */
        snprintf(phase, sizeof phase, "{\"size\":%d,\"blend\":%.9g}", net->size, (double)net->blend);
        meta[2 * nmeta] = "phase", meta[2 * nmeta + 1] = phase, nmeta++;
    }
    if (weights) meta[2 * nmeta] = "weights", meta[2 * nmeta + 1] = weights, nmeta++;
    if (config_json) meta[2 * nmeta] = "config", meta[2 * nmeta + 1] = config_json, nmeta++;
    GAN_ASSERT(nmeta <= 8); /* meta holds 8 pairs */
    gan_status rc = gan_st_save(path, list.e, list.count, meta, nmeta, err);
    free(names);
    return rc;
}

bool gan_meta_int(const struct cJSON *o, const char *key, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    /* range first: converting a double outside int's range to int is undefined */
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= -1e6 && v->valuedouble <= 1e6) ||
        v->valuedouble != (double)(int)v->valuedouble)
        return false;
    *out = (int)v->valuedouble;
    return true;
}

gan_status gan_model_arch(const gan_st_file *f, gan_arch *arch, gan_net_kind *kind, gan_error *err)
{
    const char *format = gan_st_meta(f, "format"), *k = gan_st_meta(f, "kind"), *a = gan_st_meta(f, "arch");
    if (!format || strcmp(format, GAN_CKPT_FORMAT) != 0)
        return gan_fail(err, GAN_ERR_INPUT, "%s: not a gan model checkpoint (metadata format is %s%s%s)",
                        f->path, format ? "'" : "", format ? format : "missing", format ? "'" : "");
    if (k && strcmp(k, KIND_CLASSIFIER) == 0)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: this is a classifier checkpoint; a generator or discriminator is needed here",
                        f->path);
    if (!k || (strcmp(k, KIND_GENERATOR) != 0 && strcmp(k, KIND_DISCRIMINATOR) != 0))
        return gan_fail(err, GAN_ERR_INPUT, "%s: metadata kind must be generator or discriminator", f->path);
    *kind = strcmp(k, KIND_GENERATOR) == 0 ? GAN_NET_GENERATOR : GAN_NET_DISCRIMINATOR;
    cJSON *j = a ? cJSON_Parse(a) : NULL;
    const bool bad = !cJSON_IsObject(j) || !gan_meta_int(j, "image_size", &arch->image_size) ||
                     !gan_meta_int(j, "channels", &arch->channels) || !gan_meta_int(j, "nz", &arch->nz) ||
                     !gan_meta_int(j, "ngf", &arch->ngf) || !gan_meta_int(j, "ndf", &arch->ndf);
    const cJSON *norm = cJSON_GetObjectItemCaseSensitive(j, "d_norm");
    const char *nm = cJSON_IsString(norm) ? norm->valuestring : norm ? "?" : "batchnorm";
    const bool bad_norm =
        strcmp(nm, "batchnorm") != 0 && strcmp(nm, "spectral") != 0 && strcmp(nm, "none") != 0;
    arch->d_norm = strcmp(nm, "spectral") == 0 ? GAN_NORM_SPECTRAL
                   : strcmp(nm, "none") == 0   ? GAN_NORM_NONE
                                               : GAN_NORM_BATCH;
    /* conditional files name their class count and how G takes the class */
    arch->classes = 0;
    const bool bad_classes =
        cJSON_GetObjectItemCaseSensitive(j, "classes") && !gan_meta_int(j, "classes", &arch->classes);
    const cJSON *gc = cJSON_GetObjectItemCaseSensitive(j, "g_condition");
    const char *gcs = cJSON_IsString(gc) ? gc->valuestring : gc ? "?" : "concat";
    const bool bad_gc = strcmp(gcs, "concat") != 0 && strcmp(gcs, "batchnorm") != 0;
    arch->g_cond = strcmp(gcs, "batchnorm") == 0 ? GAN_GCOND_BATCHNORM : GAN_GCOND_CONCAT;
    /* a growing net's first phase (files of nets that do not grow have none) */
    arch->grow_from = 0;
    const bool bad_grow =
        cJSON_GetObjectItemCaseSensitive(j, "start_size") && !gan_meta_int(j, "start_size", &arch->grow_from);
    cJSON_Delete(j);
    if (bad || bad_classes || bad_grow)
        return gan_fail(err, GAN_ERR_INPUT, "%s: metadata arch is missing or malformed", f->path);
    if (bad_norm)
        return gan_fail(err, GAN_ERR_INPUT, "%s: metadata arch.d_norm: expected batchnorm, spectral or none",
                        f->path);
    if (bad_gc)
        return gan_fail(err, GAN_ERR_INPUT, "%s: metadata arch.g_condition: expected concat or batchnorm",
                        f->path);
    char where[GAN_PATH_MAX + 32];
    snprintf(where, sizeof where, "%s: metadata arch.", f->path);
    return gan_arch_check(arch, where, err);
}

/* The "step" metadata of a model file (0 when absent or malformed). */
static int64_t meta_step(const gan_st_file *f)
{
    const char *s = gan_st_meta(f, "step");
    if (!s) return 0;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    return (end != s && *end == '\0' && errno == 0 && v >= 0) ? (int64_t)v : 0;
}

/* The file's arch, checked to be of the wanted kind. */
static gan_status wanted_arch(const gan_st_file *f, gan_net_kind want, gan_arch *arch, gan_error *err)
{
    gan_net_kind kind = GAN_NET_GENERATOR;
    gan_status rc = gan_model_arch(f, arch, &kind, err);
    if (rc == GAN_OK && kind != want)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: this is a %s checkpoint; a %s is needed here", f->path,
                      kind == GAN_NET_GENERATOR ? KIND_GENERATOR : KIND_DISCRIMINATOR,
                      want == GAN_NET_GENERATOR ? "generator (g.bin)" : "discriminator (d.bin)");
    return rc;
}

gan_status gan_model_classes(const gan_st_file *f, int count, gan_classes *classes, gan_error *err)
{
    const char *names = gan_st_meta(f, "class_names");
    if (!names)
        return gan_fail(err, GAN_ERR_INPUT, "%s: a conditional checkpoint without metadata class_names",
                        f->path);
    char label[GAN_PATH_MAX + 32];
    snprintf(label, sizeof label, "%s: metadata class_names", f->path);
    gan_status rc = gan_classes_from_json(classes, names, label, err);
    if (rc == GAN_OK && classes->count != count) {
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: %d class names for the %d classes of metadata arch", f->path,
                      classes->count, count);
        gan_classes_free(classes);
    }
    return rc;
}

gan_status gan_model_peek(const char *path, gan_arch *arch, gan_net_kind want, gan_error *err)
{
    gan_st_file f;
    gan_status rc = gan_st_load(&f, path, err);
    if (rc != GAN_OK) return rc;
    rc = wanted_arch(&f, want, arch, err);
    gan_st_close(&f);
    return rc;
}

gan_status gan_model_phase(const gan_st_file *f, const gan_arch *arch, int *size, float *blend,
                           gan_error *err)
{
    const char *text = gan_st_meta(f, "phase");
    *size = arch->image_size, *blend = 1.0f;
    if (arch->grow_from == 0)
        return text ? gan_fail(err, GAN_ERR_INPUT, "%s: metadata phase in a net that does not grow", f->path)
                    : GAN_OK;
    if (!text)
        return gan_fail(err, GAN_ERR_INPUT, "%s: a growing net's checkpoint without metadata phase", f->path);
    cJSON *j = cJSON_Parse(text);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "blend");
    int s = 0;
    const bool ok = cJSON_IsObject(j) && gan_meta_int(j, "size", &s) && gan_arch_side_valid(arch, s) &&
                    cJSON_IsNumber(b) && b->valuedouble > 0.0 && b->valuedouble <= 1.0 &&
                    (float)b->valuedouble > 0.0f;
    if (ok) *size = s, *blend = s == arch->grow_from ? 1.0f : (float)b->valuedouble;
    cJSON_Delete(j);
    if (!ok)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "%s: metadata phase: expected {\"size\": a power of two from %d to %d, \"blend\": a number "
            "in (0, 1]}",
            f->path, arch->grow_from, arch->image_size);
    return GAN_OK;
}

gan_status gan_model_load(const char *path, gan_net *net, gan_net_kind want, int max_batch, int64_t *step,
                          gan_error *err)
{
    gan_st_file f;
    gan_status rc = gan_st_load(&f, path, err);
    if (rc != GAN_OK) return rc;
    gan_arch arch;
    const gan_net_kind kind = want;
    rc = wanted_arch(&f, want, &arch, err);
    if (rc == GAN_OK && gan_net_build(net, &arch, kind, max_batch) != GAN_OK)
        rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory building the network", path);
    if (rc == GAN_OK) {
        rc = gan_net_read_tensors(net, &f, "", err);
        if (rc == GAN_OK && arch.classes > 0) rc = gan_model_classes(&f, arch.classes, &net->classes, err);
        int size = 0;
        float blend = 1.0f;
        if (rc == GAN_OK) rc = gan_model_phase(&f, &arch, &size, &blend, err);
        if (rc == GAN_OK) gan_net_set_phase(net, size, blend);
        if (rc != GAN_OK) gan_net_free(net);
    }
    if (rc == GAN_OK && step) *step = meta_step(&f);
    gan_st_close(&f);
    return rc;
}

/* ---------------------------------------------------------- classifier */

void gan_classifier_list_tensors(gan_classifier *c, const char *prefix, gan_st_list *list)
{
    gan_net_list_tensors(&c->trunk, prefix, list);
    gan_head_tensor h[4];
    gan_classifier_head_tensors(c, h);
    for (int i = 0; i < 4; i++) {
        char name[GAN_ST_MAX_NAME];
        snprintf(name, sizeof name, "%.64s%.31s", prefix, h[i].name);
        gan_st_list_add(list, name, GAN_DT_F32, h[i].ndim, h[i].shape, h[i].data);
    }
}

gan_status gan_classifier_read_tensors(gan_classifier *c, const gan_st_file *f, const char *prefix,
                                       gan_error *err)
{
    gan_status rc = gan_net_read_tensors(&c->trunk, f, prefix, err);
    gan_head_tensor h[4];
    gan_classifier_head_tensors(c, h);
    for (int i = 0; i < 4 && rc == GAN_OK; i++) {
        char name[GAN_ST_MAX_NAME];
        snprintf(name, sizeof name, "%.64s%.31s", prefix, h[i].name);
        rc = gan_st_read(f, name, GAN_DT_F32, h[i].ndim, h[i].shape, h[i].data, err);
    }
    return rc;
}

gan_status gan_classifier_save(const char *path, gan_classifier *c, double test_accuracy,
                               const char *config_json, gan_error *err)
{
    gan_st_list list = {.count = 0};
    gan_classifier_list_tensors(c, "", &list);
    char arch[200], acc[32];
    const gan_classifier_arch *a = &c->arch;
    snprintf(arch, sizeof arch,
             "{\"image_size\":%d,\"channels\":%d,\"width\":%d,\"hidden\":%d,\"classes\":%d}", a->image_size,
             a->channels, a->width, a->hidden, a->classes);
    snprintf(acc, sizeof acc, "%.6f", test_accuracy);
    const char *meta[10] = {"format", GAN_CKPT_FORMAT, "kind", KIND_CLASSIFIER, "arch",
                            arch,     "test_accuracy", acc,    "config",        config_json};
    return gan_st_save(path, list.e, list.count, meta, config_json ? 5 : 4, err);
}

gan_status gan_classifier_from_st(const gan_st_file *f, gan_classifier *c, int max_batch, gan_error *err)
{
    const char *path = f->path;
    const char *format = gan_st_meta(f, "format"), *kind = gan_st_meta(f, "kind"),
               *as = gan_st_meta(f, "arch");
    gan_classifier_arch a;
    gan_status rc = GAN_OK;
    if (!format || strcmp(format, GAN_CKPT_FORMAT) != 0) {
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: not a gan model checkpoint", path);
    } else if (!kind || strcmp(kind, KIND_CLASSIFIER) != 0) {
        if (kind && (strcmp(kind, KIND_GENERATOR) == 0 || strcmp(kind, KIND_DISCRIMINATOR) == 0))
            rc =
                gan_fail(err, GAN_ERR_INPUT,
                         "%s: this is a %s checkpoint; a classifier (from gan classify train) is needed here",
                         path, kind);
        else
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: metadata kind is %s, not classifier", path,
                          kind ? kind : "missing");
    } else {
        cJSON *j = as ? cJSON_Parse(as) : NULL;
        const bool bad = !cJSON_IsObject(j) || !gan_meta_int(j, "image_size", &a.image_size) ||
                         !gan_meta_int(j, "channels", &a.channels) || !gan_meta_int(j, "width", &a.width) ||
                         !gan_meta_int(j, "hidden", &a.hidden) || !gan_meta_int(j, "classes", &a.classes);
        cJSON_Delete(j);
        if (bad) {
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: metadata arch is missing or malformed", path);
        } else {
            char where[GAN_PATH_MAX + 32];
            snprintf(where, sizeof where, "%s: metadata arch.", path);
            rc = gan_classifier_arch_check(&a, where, err);
        }
    }
    if (rc == GAN_OK) {
        /* Before allocating for the arch the metadata claims, check that the
         * file holds the largest tensor that arch implies (the first Linear). */
        int L = 0;
        while ((4 << (L + 1)) <= a.image_size) L++;
        const int64_t flat = (int64_t)a.width << (L - 1) << 4;
        char name[32];
        snprintf(name, sizeof name, "%d.weight", 3 * L + 1);
        const gan_st_tensor *t = gan_st_find(f, name);
        if (!t || t->ndim != 2 || t->shape[0] != a.hidden || t->shape[1] != flat)
            rc = gan_fail(err, GAN_ERR_INPUT,
                          "%s: tensor '%s' is missing or not [%d, %lld] as metadata arch implies", path, name,
                          a.hidden, (long long)flat);
    }
    if (rc == GAN_OK && gan_classifier_build(c, &a, max_batch) != GAN_OK)
        rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory building the classifier", path);
    if (rc == GAN_OK) {
        rc = gan_classifier_read_tensors(c, f, "", err);
        if (rc != GAN_OK) gan_classifier_free(c);
    }
    return rc;
}

gan_status gan_classifier_load(const char *path, gan_classifier *c, int max_batch, char **config_json,
                               gan_error *err)
{
    if (config_json) *config_json = NULL;
    gan_st_file f;
    gan_status rc = gan_st_load(&f, path, err);
    if (rc != GAN_OK) return rc;
    rc = gan_classifier_from_st(&f, c, max_batch, err);
    const char *cfg = gan_st_meta(&f, "config");
    if (rc == GAN_OK && config_json && cfg) {
        *config_json = strdup(cfg);
        if (!*config_json) {
            gan_classifier_free(c);
            rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        }
    }
    gan_st_close(&f);
    return rc;
}
