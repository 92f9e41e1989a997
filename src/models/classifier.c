#include "gan/models/classifier.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/io/checkpoint.h"

#define CLASSIFIER_KIND "classifier"

const char *gan_classifier_arch_check(const gan_classifier_arch *a)
{
    int s = a->image_size;
    if (s != 16 && s != 32 && s != 64 && s != 128) return "image_size: expected 16, 32, 64 or 128";
    if (a->channels != 1 && a->channels != 3) return "channels: expected 1 or 3";
    if (a->width < 1 || a->width > 1024) return "width: expected an integer from 1 to 1024";
    if (a->hidden < 1 || a->hidden > 4096) return "hidden: expected an integer from 1 to 4096";
    if (a->classes < 2 || a->classes > 1000) return "classes: expected an integer from 2 to 1000";
    return NULL;
}

/* The trunk is a DCGAN discriminator's; nz and ngf mean nothing to it. */
static gan_arch trunk_arch(const gan_classifier_arch *a)
{
    return (gan_arch){.image_size = a->image_size, .channels = a->channels, .nz = 1, .ngf = 1, .ndf = a->width};
}

int gan_classifier_build(gan_classifier *c, const gan_classifier_arch *arch, int max_batch)
{
    assert(gan_classifier_arch_check(arch) == NULL && max_batch >= 1);
    memset(c, 0, sizeof *c);
    c->arch = *arch;
    c->max_batch = max_batch;
    c->slope = 0.2f;
    gan_arch ta = trunk_arch(arch);
    if (gan_net_build_trunk(&c->trunk, &ta, max_batch) != 0) return -1;
    c->flat = (int)gan_net_out_size(&c->trunk);
    const size_t F = (size_t)c->flat, H = (size_t)arch->hidden, K = (size_t)arch->classes, B = (size_t)max_batch;
    c->nparams = H * F + H + K * H + K;
    const size_t total = 4 * c->nparams + B * (2 * F + H + K) + B * (F + H);
    c->block = calloc(total, sizeof(float));
    if (!c->block) {
        gan_net_free(&c->trunk);
        return -1;
    }
    float *p = c->block;
    c->params = p, p += c->nparams;
    c->grads = p, p += c->nparams;
    c->adam_m = p, p += c->nparams;
    c->adam_v = p, p += c->nparams;
    c->x_flat = p, p += B * F;
    c->d_flat = p, p += B * F;
    c->features = p, p += B * H;
    c->logits = p, p += B * K;
    c->d_features = p, p += B * H;
    c->d_trunk = p, p += B * F;
    assert((size_t)(p - c->block) == total);
    c->w1 = c->params, c->dw1 = c->grads;
    c->b1 = c->w1 + H * F, c->db1 = c->dw1 + H * F;
    c->w2 = c->b1 + H, c->dw2 = c->db1 + H;
    c->b2 = c->w2 + K * H, c->db2 = c->dw2 + K * H;
    return 0;
}

void gan_classifier_free(gan_classifier *c)
{
    gan_net_free(&c->trunk);
    free(c->block);
    memset(c, 0, sizeof *c);
}

static void uniform(gan_rng *rng, float *out, long n, float bound)
{
    for (long i = 0; i < n; i++) out[i] = (float)((2.0 * gan_rng_uniform(rng) - 1.0) * bound);
}

void gan_classifier_init_weights(gan_classifier *c, gan_rng *rng)
{
    gan_net_init_weights(&c->trunk, rng);
    const int F = c->flat, H = c->arch.hidden, K = c->arch.classes;
    uniform(rng, c->w1, (long)H * F, 1.0f / sqrtf((float)F));
    uniform(rng, c->b1, H, 1.0f / sqrtf((float)F));
    uniform(rng, c->w2, (long)K * H, 1.0f / sqrtf((float)H));
    uniform(rng, c->b2, K, 1.0f / sqrtf((float)H));
}

/* The trunk is channel-major [C, N, 4, 4]; Linear wants each image's
 * features in one row, in PyTorch's Flatten order (c, y, x): [N, C*16]. */
static void flatten(float *flat, const float *cm, int n, int channels, int plane)
{
    for (int ch = 0; ch < channels; ch++)
        for (int i = 0; i < n; i++)
            memcpy(flat + ((size_t)i * channels + ch) * plane, cm + ((size_t)ch * n + i) * plane, sizeof(float) * plane);
}

static void unflatten(float *cm, const float *flat, int n, int channels, int plane)
{
    for (int ch = 0; ch < channels; ch++)
        for (int i = 0; i < n; i++)
            memcpy(cm + ((size_t)ch * n + i) * plane, flat + ((size_t)i * channels + ch) * plane, sizeof(float) * plane);
}

static int trunk_channels(const gan_classifier *c) { return c->trunk.st[c->trunk.nstages - 1].oc; }

const float *gan_classifier_forward(gan_classifier *c, const float *x, int n, int train)
{
    assert(n >= 1 && n <= c->max_batch);
    const int F = c->flat, H = c->arch.hidden, K = c->arch.classes;
    const float *t = gan_net_forward(&c->trunk, x, n, train);
    const int ch = trunk_channels(c);
    flatten(c->x_flat, t, n, ch, F / ch);
    gan_linear_forward(c->features, c->x_flat, c->w1, c->b1, n, F, H);
    gan_leakyrelu_forward(c->features, c->features, (long)n * H, c->slope);
    gan_linear_forward(c->logits, c->features, c->w2, c->b2, n, H, K);
    return c->logits;
}

void gan_classifier_backward(gan_classifier *c, const float *dlogits)
{
    const int n = c->trunk.last_n, F = c->flat, H = c->arch.hidden, K = c->arch.classes;
    gan_linear_backward(c->d_features, c->dw2, c->db2, dlogits, c->features, c->w2, n, H, K);
    gan_leakyrelu_backward(c->d_features, c->d_features, c->features, (long)n * H, c->slope);
    gan_linear_backward(c->d_flat, c->dw1, c->db1, c->d_features, c->x_flat, c->w1, n, F, H);
    const int ch = trunk_channels(c);
    unflatten(c->d_trunk, c->d_flat, n, ch, F / ch);
    gan_net_backward(&c->trunk, c->d_trunk, 1, 0);
}

void gan_classifier_zero_grad(gan_classifier *c)
{
    gan_net_zero_grad(&c->trunk);
    memset(c->grads, 0, sizeof(float) * c->nparams);
}

void gan_classifier_adam(gan_classifier *c, float lr, float beta1, float beta2, float eps, long t)
{
    gan_net_adam(&c->trunk, lr, beta1, beta2, eps, t);
    gan_adam_update(c->params, c->grads, c->adam_m, c->adam_v, c->nparams, lr, beta1, beta2, eps, t);
}

/* ---------------------------------------------------------------- files */

/* The head's two Linear layers as state_dict entries (prefixed names). */
typedef struct {
    char name[GAN_ST_MAX_NAME];
    int ndim;
    int64_t shape[2];
    float *data;
} head_tensor;

static void head_tensors(gan_classifier *c, const char *prefix, head_tensor out[4])
{
    const int first = 3 * c->trunk.nstages + 1; /* after the trunk's triples and Flatten */
    const int F = c->flat, H = c->arch.hidden, K = c->arch.classes;
    snprintf(out[0].name, sizeof out[0].name, "%.64s%d.weight", prefix, first);
    snprintf(out[1].name, sizeof out[1].name, "%.64s%d.bias", prefix, first);
    snprintf(out[2].name, sizeof out[2].name, "%.64s%d.weight", prefix, first + 2);
    snprintf(out[3].name, sizeof out[3].name, "%.64s%d.bias", prefix, first + 2);
    out[0].ndim = 2, out[0].shape[0] = H, out[0].shape[1] = F, out[0].data = c->w1;
    out[1].ndim = 1, out[1].shape[0] = H, out[1].data = c->b1;
    out[2].ndim = 2, out[2].shape[0] = K, out[2].shape[1] = H, out[2].data = c->w2;
    out[3].ndim = 1, out[3].shape[0] = K, out[3].data = c->b2;
}

void gan_classifier_list_tensors(gan_classifier *c, const char *prefix, gan_st_list *list)
{
    gan_net_list_tensors(&c->trunk, prefix, list);
    head_tensor h[4];
    head_tensors(c, prefix, h);
    for (int i = 0; i < 4; i++) gan_st_list_add(list, h[i].name, GAN_DT_F32, h[i].ndim, h[i].shape, h[i].data);
}

int gan_classifier_read_tensors(gan_classifier *c, const gan_st_file *f, const char *prefix, gan_error *err)
{
    int rc = gan_net_read_tensors(&c->trunk, f, prefix, err);
    head_tensor h[4];
    head_tensors(c, prefix, h);
    for (int i = 0; i < 4 && rc == GAN_OK; i++) rc = gan_st_read(f, h[i].name, GAN_DT_F32, h[i].ndim, h[i].shape, h[i].data, err);
    return rc;
}

int gan_classifier_save(const char *path, gan_classifier *c, double test_accuracy, const char *config_json,
                        gan_error *err)
{
    gan_st_list list = {.count = 0};
    gan_classifier_list_tensors(c, "", &list);
    char arch[200], acc[32];
    const gan_classifier_arch *a = &c->arch;
    snprintf(arch, sizeof arch, "{\"image_size\":%d,\"channels\":%d,\"width\":%d,\"hidden\":%d,\"classes\":%d}",
             a->image_size, a->channels, a->width, a->hidden, a->classes);
    snprintf(acc, sizeof acc, "%.6f", test_accuracy);
    const char *meta[10] = {"format", GAN_CKPT_FORMAT, "kind", CLASSIFIER_KIND, "arch", arch,
                            "test_accuracy", acc, "config", config_json};
    return gan_st_save(path, list.e, list.count, meta, config_json ? 5 : 4, err);
}

int gan_classifier_from_st(const gan_st_file *f, gan_classifier *c, int max_batch, gan_error *err)
{
    const char *path = f->path;
    const char *format = gan_st_meta(f, "format"), *kind = gan_st_meta(f, "kind"), *as = gan_st_meta(f, "arch");
    gan_classifier_arch a;
    int rc = GAN_OK;
    if (!format || strcmp(format, GAN_CKPT_FORMAT) != 0) {
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: not a gan model checkpoint", path);
    } else if (!kind || strcmp(kind, CLASSIFIER_KIND) != 0) {
        if (kind && (strcmp(kind, "generator") == 0 || strcmp(kind, "discriminator") == 0))
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: this is a %s checkpoint; a classifier (from gan classify train) is needed here",
                          path, kind);
        else
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: metadata kind is %s, not classifier", path, kind ? kind : "missing");
    } else {
        cJSON *j = as ? cJSON_Parse(as) : NULL;
        int bad = !cJSON_IsObject(j) || gan_meta_int(j, "image_size", &a.image_size) || gan_meta_int(j, "channels", &a.channels) ||
                  gan_meta_int(j, "width", &a.width) || gan_meta_int(j, "hidden", &a.hidden) || gan_meta_int(j, "classes", &a.classes);
        cJSON_Delete(j);
        const char *why = bad ? NULL : gan_classifier_arch_check(&a);
        if (bad) rc = gan_fail(err, GAN_ERR_INPUT, "%s: metadata arch is missing or malformed", path);
        else if (why) rc = gan_fail(err, GAN_ERR_INPUT, "%s: metadata arch.%s", path, why);
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
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: tensor '%s' is missing or not [%d, %lld] as metadata arch implies", path,
                          name, a.hidden, (long long)flat);
    }
    if (rc == GAN_OK && gan_classifier_build(c, &a, max_batch) != 0)
        rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory building the classifier", path);
    if (rc == GAN_OK) {
        rc = gan_classifier_read_tensors(c, f, "", err);
        if (rc != GAN_OK) gan_classifier_free(c);
    }
    return rc;
}

int gan_classifier_load(const char *path, gan_classifier *c, int max_batch, char **config_json, gan_error *err)
{
    if (config_json) *config_json = NULL;
    gan_st_file f;
    int rc = gan_st_load(&f, path, err);
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
