/* Table-driven config: one row per key gives its path, type, range, default
 * and where it lives in gan_config, so parsing, validation, defaults,
 * unknown-key detection, the resolved dump and the documentation's key table all come
 * from the same place. */
#include "gan/io/config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gan/core/check.h"
#include "gan/core/number.h"
#include "gan/models/dcgan.h"

/* K_ENUM keys hold the index of their value among the choices: the choices
 * are listed in the order of the enum they name. */
typedef enum { K_INT, K_I64, K_U64, K_REAL, K_BOOL, K_STRING, K_ENUM, K_FLAGS, K_COLOR, K_AUTO } key_type;
_Static_assert(GAN_DATA_IDX == 0 && GAN_DATA_FOLDER == 1 && GAN_DATA_CIFAR10 == 2, "data.format's choices");
_Static_assert(GAN_FIT_PAD == 0 && GAN_FIT_RESIZE == 1, "data.fit's choices");
_Static_assert(GAN_NORM_BATCH == 0 && GAN_NORM_SPECTRAL == 1 && GAN_NORM_NONE == 2, "model.d_norm's choices");
_Static_assert(GAN_GCOND_CONCAT == 0 && GAN_GCOND_BATCHNORM == 1, "model.g_condition's choices");
_Static_assert(GAN_LOSS_BCE == 0 && GAN_LOSS_HINGE == 1 && GAN_LOSS_LSGAN == 2, "train.loss's choices");

typedef struct {
    const char *path; /* "section.key" (or "key" at the top level) */
    key_type type;
    size_t offset;
    size_t size;         /* string capacity */
    double min, max;     /* numeric range (inclusive) */
    const char *choices; /* K_ENUM, K_FLAGS: "a|b|c" (K_FLAGS: bit i is choice i); K_INT: the allowed values
                            "16|32", or NULL for the range */
    const char *def;     /* default, as JSON text */
    const char *help;
} key_spec;

#define OFF(f) offsetof(gan_config, f)
#define SZ(f)  sizeof(((gan_config *)0)->f)
static const key_spec KEYS[] = {
    {"data.format", K_ENUM, OFF(data_format), sizeof(int), 0, 0, "idx|folder|cifar10", "\"idx\"",
     "idx: MNIST-style IDX file (raw or .gz); folder: PNG/JPEG/BMP images; cifar10: CIFAR-10 binary batches"},
    {"data.path", K_STRING, OFF(data_path), SZ(data_path), 0, 0, NULL,
     "\"data/mnist10k/images-idx3-ubyte.gz\"",
     "the IDX file, the image folder, or a CIFAR-10 .bin file or folder of them"},
    {"data.image_size", K_INT, OFF(image_size), 0, 16, 128, "16|32|64|128", "32",
     "side of the square images"},
    {"data.channels", K_INT, OFF(channels), 0, 1, 3, "1|3", "1", "1 (grey) or 3 (RGB); images are converted"},
    {"data.fit", K_ENUM, OFF(data_fit), sizeof(int), 0, 0, "pad|resize", "\"resize\"",
     "pad: centre smaller images on background; resize: scale the short side and centre-crop"},
    {"data.background", K_COLOR, OFF(background), 0, 0, 255, NULL, "\"black\"",
     "the colour under transparent pixels (grey+alpha, RGBA and palette PNGs with transparency are composited "
     "on it before any grey conversion) and around images data.fit \"pad\" centres: \"white\", \"black\" "
     "or [r, g, b] from 0 to 255"},
    {"data.labels", K_STRING, OFF(data_labels), SZ(data_labels), 0, 0, NULL,
     "\"data/mnist10k/labels-idx1-ubyte.gz\"",
     "IDX label file of data.path (read by gan classify train, and by gan train with model.conditional)"},
    {"data.limit", K_I64, OFF(data_limit), 0, 0, 1e12, NULL, "0", "use only the first N images (0: all)"},
    {"model.nz", K_INT, OFF(nz), 0, 1, 4096, NULL, "100", "latent vector size"},
    {"model.ngf", K_INT, OFF(ngf), 0, 1, 1024, NULL, "64", "generator base width"},
    {"model.ndf", K_INT, OFF(ndf), 0, 1, 1024, NULL, "64", "discriminator base width"},
    {"model.d_norm", K_ENUM, OFF(d_norm), sizeof(int), 0, 0, "batchnorm|spectral|none", "\"batchnorm\"",
     "D's normalisation: batchnorm (DCGAN), spectral (spectral norm of every conv weight, SNGAN; no batchnorm) "
     "or none"},
    {"model.conditional", K_BOOL, OFF(conditional), 0, 0, 0, NULL, "false",
     "class-conditional G and D (G learns each class; gan sample --class K); the classes come from the data: "
     "data.labels for idx, one subfolder of data.path per class for folder, the label byte for cifar10"},
    {"model.g_condition", K_ENUM, OFF(g_condition), sizeof(int), 0, 0, "concat|batchnorm", "\"concat\"",
     "with model.conditional, how the class enters G: concat (a learned class embedding of nz numbers beside z) "
     "or batchnorm (class-dependent batchnorm gamma and beta in every layer of G)"},
    {"model.progressive", K_BOOL, OFF(progressive), 0, 0, 0, NULL, "false",
     "progressive growing (ProGAN's schedule on the DCGAN blocks): training starts at model.start_size and "
     "doubles the resolution every model.phase_steps steps up to data.image_size, fading each new block in "
     "over model.fade_steps"},
    {"model.start_size", K_INT, OFF(start_size), 0, 4, 128, "4|8|16|32|64|128", "8",
     "with model.progressive: the side of the first phase's images (at most data.image_size)"},
    {"model.phase_steps", K_I64, OFF(phase_steps), 0, 1, 1e12, NULL, "1000",
     "with model.progressive: steps of each phase but the last (which lasts to the end of training)"},
    {"model.fade_steps", K_I64, OFF(fade_steps), 0, 0, 1e12, NULL, "500",
     "with model.progressive: the first steps of each phase after the first, over which the new block's weight "
     "ramps from 0 to 1 (at most model.phase_steps; 0: no fade)"},
    {"train.batch_size", K_INT, OFF(batch_size), 0, 2, 4096, NULL, "64",
     "images per step (>= 2: batchnorm needs two)"},
    {"train.epochs", K_INT, OFF(epochs), 0, 1, 1e6, NULL, "5",
     "passes over the data (ignored when steps > 0)"},
    {"train.steps", K_I64, OFF(steps), 0, 0, 1e12, NULL, "0",
     "generator updates; when > 0 it wins over epochs"},
    {"train.lr_g", K_REAL, OFF(lr_g), 0, 0, 10, NULL, "0.0002", "generator Adam learning rate"},
    {"train.lr_d", K_REAL, OFF(lr_d), 0, 0, 10, NULL, "0.0002", "discriminator Adam learning rate"},
    {"train.lr_g_early", K_REAL, OFF(lr_g_early), 0, 0, 10, NULL, "0",
     "generator Adam learning rate for the first train.lr_g_early_steps steps, lr_g after them (0: lr_g "
     "throughout); a faster start leaves the early one-digit phase sooner"},
    {"train.lr_g_early_steps", K_I64, OFF(lr_g_early_steps), 0, 0, 1e12, NULL, "0",
     "steps that train.lr_g_early lasts"},
    {"train.lr_decay_steps", K_I64, OFF(lr_decay_steps), 0, 0, 1e12, NULL, "0",
     "over the run's last N steps both learning rates fall linearly, to 1/N of their value at the last "
     "step (0: constant rates); the run's length is train.steps or its epochs"},
    {"train.beta1", K_REAL, OFF(beta1), 0, 0, 0.999999, NULL, "0.5", "Adam beta1"},
    {"train.beta2", K_REAL, OFF(beta2), 0, 0, 0.999999, NULL, "0.999", "Adam beta2"},
    {"train.adam_eps", K_REAL, OFF(adam_eps), 0, 1e-12, 1, NULL, "1e-08", "Adam epsilon"},
    {"train.seed", K_U64, OFF(seed), 0, 0, 9007199254740991.0, NULL, "1", "seed of every random draw"},
    {"train.threads", K_INT, OFF(threads), 0, 0, 256, NULL, "0",
     "OpenBLAS threads (0: OpenBLAS's default, all cores)"},
    {"train.deterministic", K_AUTO, OFF(deterministic), 0, 0, 0, NULL, "\"auto\"",
     "true: the same bytes for any number of MPI ranks (1, 2, 4 or 8) as for any thread count: every sum over "
     "the batch is taken over 8 fixed partials of it and added in one fixed order (the batch must be a "
     "multiple of 8); \"auto\": so under MPI when the batch and the rank count allow it, plain sums in one "
     "process (where it costs most); false: plain sums (docs/distributed.md has the costs)"},
    {"train.d_steps", K_INT, OFF(d_steps), 0, 1, 100, NULL, "1",
     "discriminator updates per generator update"},
    {"train.d_loss_floor", K_REAL, OFF(d_loss_floor), 0, 0, 100, NULL, "0",
     "skip the D update while loss_D is below this (0: never skip)"},
    {"train.loss", K_ENUM, OFF(loss), sizeof(int), 0, 0, "bce|hinge|lsgan", "\"bce\"",
     "adversarial loss: bce (non-saturating, DCGAN), hinge, lsgan (least squares)"},
    {"train.ema", K_REAL, OFF(ema), 0, 0, 0.99999, NULL, "0",
     "decay of an exponential moving average of G's weights, the generator g.bin holds (0: off); it warms up "
     "as min(ema, (1+t)/(10+t))"},
    {"train.class_loss", K_REAL, OFF(class_loss), 0, 0, 100, NULL, "0",
     "with model.conditional: weight of D's class loss, an auxiliary classifier (AC-GAN) whose weights are the "
     "projection's class embedding; D learns it on real images, G on its own through D (0: off)"},
    {"train.augment", K_FLAGS, OFF(augment), 0, 0, 0, "color|translation|cutout", "[]",
     "DiffAugment policies applied to real and generated images before D, in both phases (a list)"},
    {"train.time_limit", K_REAL, OFF(time_limit), 0, 0, 1e7, NULL, "0",
     "stop, with a checkpoint, once the training steps have taken this many seconds (evaluation, samples and "
     "checkpoints not counted; 0: no limit)"},
    {"train.label_smoothing", K_REAL, OFF(label_smoothing), 0, 0, 0.5, NULL, "0",
     "one-sided: real images are labelled 1 - this"},
    {"classifier.width", K_INT, OFF(cls_width), 0, 1, 1024, NULL, "32",
     "gan classify: base width of the convolutions"},
    {"classifier.hidden", K_INT, OFF(cls_hidden), 0, 1, 4096, NULL, "128",
     "gan classify: size of the penultimate (feature) layer that FID is computed in"},
    {"classifier.classes", K_INT, OFF(cls_classes), 0, 2, 1000, NULL, "10",
     "gan classify: number of classes"},
    {"classifier.epochs", K_INT, OFF(cls_epochs), 0, 1, 1e6, NULL, "8",
     "gan classify: passes over the training split"},
    {"classifier.lr", K_REAL, OFF(cls_lr), 0, 0, 10, NULL, "0.001",
     "gan classify: Adam learning rate (betas 0.9, 0.999), divided by 10 for the last quarter of the epochs"},
    {"classifier.test_split", K_REAL, OFF(cls_test_split), 0, 0.01, 0.9, NULL, "0.1",
     "gan classify: fraction of the images held out to measure accuracy"},
    {"classifier.shift", K_INT, OFF(cls_shift), 0, 0, 8, NULL, "2",
     "gan classify: training images are shifted by up to this many pixels (augmentation)"},
    {"eval.classifier", K_STRING, OFF(eval_classifier), SZ(eval_classifier), 0, 0, NULL, "\"\"",
     "classifier checkpoint (gan classify train) to evaluate G with during training (empty: none)"},
    {"eval.every", K_I64, OFF(eval_every), 0, 0, 1e12, NULL, "0",
     "with eval.classifier: FID, IS and classes every N steps into metrics.csv, lowest FID kept as g_best.bin (0: at the end only)"},
    {"eval.metrics", K_FLAGS, OFF(eval_metrics), 0, 0, 0, "kid|pr", "[]",
     "with eval.classifier: measures besides FID, IS and the classes at each evaluation, into metrics.csv: kid "
     "(10 subsets of up to 1,000 images; cheap), pr (precision, recall, density and coverage, k = 3; a k-NN over "
     "the features)"},
    {"eval.samples", K_INT, OFF(eval_samples), 0, 100, 100000, NULL, "2000",
     "generated (and real) images per evaluation during training"},
    {"output.dir", K_STRING, OFF(out_dir), SZ(out_dir), 0, 0, NULL, "\"runs/default\"", "the run folder"},
    {"output.sample_every", K_I64, OFF(sample_every), 0, 0, 1e12, NULL, "500",
     "write a sample grid every N steps (0: only at the end)"},
    {"output.checkpoint_every", K_I64, OFF(checkpoint_every), 0, 0, 1e12, NULL, "500",
     "write checkpoints every N steps (0: only at the end)"},
    {"output.log_every", K_I64, OFF(log_every), 0, 1, 1e12, NULL, "50",
     "progress line and metrics row every N steps"},
    {"output.sample_count", K_INT, OFF(sample_count), 0, 1, 1024, NULL, "64", "images in each sample grid"},
    {"run_id", K_STRING, OFF(run_id), SZ(run_id), 0, 0, NULL, "\"\"",
     "written by gan train into a run folder's config.json: the run's id, which state.bin records too and "
     "--resume checks (leave it out of your own configs; --set cannot change it)"},
};
#undef OFF
#undef SZ
enum { NKEYS = sizeof KEYS / sizeof KEYS[0] };
static const char *const SECTIONS[] = {"data", "model", "train", "classifier", "eval", "output"};
#define SECTION_LIST "data, model, train, classifier, eval or output"

static const key_spec *find_key(const char *path)
{
    for (int i = 0; i < NKEYS; i++)
        if (strcmp(KEYS[i].path, path) == 0) return &KEYS[i];
    return NULL;
}

/* Edit distance, for "did you mean". */
static int distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63 || lb > 63) return 99;
    int d[64][64];
    for (int i = 0; i <= la; i++) d[i][0] = i;
    for (int j = 0; j <= lb; j++) d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

static const char *suggest(const char *path)
{
    const char *best = NULL;
    int bd = 4;
    for (int i = 0; i < NKEYS; i++) {
        int d = distance(path, KEYS[i].path);
        if (d < bd) bd = d, best = KEYS[i].path;
    }
    return best;
}

/* A short rendering of a JSON value for messages. */
static void show(const cJSON *v, char *buf, size_t len)
{
    /* a number in full: cJSON's 15 digits can round a value out of range into one that looks in it */
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
        const double x = v->valuedouble;
        if (x == floor(x) && fabs(x) < 1e18) snprintf(buf, len, "%.0f", x);
        else snprintf(buf, len, "%.17g", x);
        return;
    }
    char *s = cJSON_PrintUnformatted(v);
    if (!s) {
        snprintf(buf, len, "?");
        return;
    }
    if (strlen(s) > 40) snprintf(buf, len, "%.37s...", s);
    else snprintf(buf, len, "%s", s);
    free(s);
}

/* choices "a|b|c" as "a, b or c". */
static void list_choices(const char *choices, char *buf, size_t len)
{
    size_t n = 0;
    int count = 1;
    for (const char *c = choices; *c; c++) count += *c == '|';
    int seen = 0;
    for (const char *c = choices; *c && n + 8 < len; c++) {
        if (*c != '|') {
            buf[n++] = *c;
            continue;
        }
        seen++;
        const char *sep = seen == count - 1 ? " or " : ", ";
        for (const char *p = sep; *p && n + 1 < len; p++) buf[n++] = *p;
    }
    buf[n] = '\0';
}

/* The index of s among choices "a|b|c", or -1. */
static int choice_index(const char *choices, const char *s)
{
    int i = 0;
    for (const char *c = choices; *c; c += strcspn(c, "|") + (c[strcspn(c, "|")] == '|'), i++) {
        const size_t len = strcspn(c, "|");
        if (strlen(s) == len && strncmp(c, s, len) == 0) return i;
    }
    return -1;
}

static bool is_choice(const char *choices, const char *s) { return choice_index(choices, s) >= 0; }

/* Choice i of "a|b|c" into out ("" when there is none). */
static void choice_name(const char *choices, int i, char *out, size_t len)
{
    const char *c = choices;
    for (int at = 0; at < i && *c; at++) c += strcspn(c, "|") + (c[strcspn(c, "|")] == '|');
    snprintf(out, len, "%.*s", *c ? (int)strcspn(c, "|") : 0, c);
}

/* " (did you mean hinge?)" when a choice is close to s, else "". */
static void suggest_choice(const char *choices, const char *s, char *buf, size_t len)
{
    char best[64] = "";
    int bd = 3;
    for (const char *c = choices; *c; c += strcspn(c, "|") + (c[strcspn(c, "|")] == '|')) {
        char one[64];
        snprintf(one, sizeof one, "%.*s", (int)strcspn(c, "|"), c);
        const int d = distance(s, one);
        if (d < bd) bd = d, snprintf(best, sizeof best, "%s", one);
    }
    if (best[0]) snprintf(buf, len, " (did you mean %s?)", best);
    else buf[0] = '\0';
}

/* A colour: "white", "black" or [r, g, b] with integer components 0..255. */
static gan_status set_color(int rgb[3], const cJSON *v, const char *where, const char *got, gan_status code,
                            gan_error *err)
{
    static const char expected[] = "expected \"white\", \"black\" or [r, g, b] from 0 to 255";
    if (cJSON_IsString(v)) {
        const int i = choice_index("black|white", v->valuestring);
        if (i < 0) {
            char hint[96];
            suggest_choice("black|white", v->valuestring, hint, sizeof hint);
            return gan_fail(err, code, "%s: unknown colour %s: %s%s", where, got, expected, hint);
        }
        rgb[0] = rgb[1] = rgb[2] = i == 0 ? 0 : 255;
        return GAN_OK;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 3)
        return gan_fail(err, code, "%s: %s, got %s", where, expected, got);
    static const char *const names[] = {"red", "green", "blue"};
    int c = 0, out[3];
    for (const cJSON *item = v->child; item; item = item->next, c++) {
        const double x = cJSON_IsNumber(item) ? item->valuedouble : NAN;
        if (!(x == floor(x) && x >= 0 && x <= 255)) {
            char one[64];
            show(item, one, sizeof one);
            return gan_fail(err, code, "%s: component %d (%s) is %s: expected an integer from 0 to 255",
                            where, c + 1, names[c], one);
        }
        out[c] = (int)x;
    }
    memcpy(rgb, out, sizeof out);
    return GAN_OK;
}

/* An integer key: whole, and in range (or one of its listed values). */
static gan_status set_integer(void *field, const key_spec *k, const cJSON *v, const char *where,
                              const char *got, gan_status code, gan_error *err)
{
    const double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    if (k->choices) {
        char c[64], xs[32];
        list_choices(k->choices, c, sizeof c);
        snprintf(xs, sizeof xs, "%.0f", x);
        if (!(x == floor(x)) || !is_choice(k->choices, xs))
            return gan_fail(err, code, "%s: expected %s, got %s", where, c, got);
    } else if (!(x == floor(x)) || x < k->min || x > k->max) {
        return gan_fail(err, code, "%s: expected an integer from %.0f to %.0f, got %s", where, k->min, k->max,
                        got);
    }
    if (k->type == K_INT) *(int *)field = (int)x;
    else if (k->type == K_I64) *(int64_t *)field = (int64_t)x;
    else *(uint64_t *)field = (uint64_t)x;
    return GAN_OK;
}

/* A list of flags: each a choice, none twice. */
static gan_status set_flags(int *field, const key_spec *k, const cJSON *v, const char *where, const char *got,
                            gan_status code, gan_error *err)
{
    char c[256];
    list_choices(k->choices, c, sizeof c);
    if (!cJSON_IsArray(v)) return gan_fail(err, code, "%s: expected a list of %s, got %s", where, c, got);
    int flags = 0;
    for (const cJSON *item = v->child; item; item = item->next) {
        const int i = cJSON_IsString(item) ? choice_index(k->choices, item->valuestring) : -1;
        if (i < 0) {
            char one[64], hint[96] = "";
            show(item, one, sizeof one);
            if (cJSON_IsString(item)) suggest_choice(k->choices, item->valuestring, hint, sizeof hint);
            return gan_fail(err, code, "%s: expected a list of %s, got %s%s", where, c, one, hint);
        }
        if (flags & (1 << i)) return gan_fail(err, code, "%s: %s is listed twice", where, item->valuestring);
        flags |= 1 << i;
    }
    *field = flags;
    return GAN_OK;
}

/* Stores v into cfg's field for k, or fails with "<where>: expected ..., got
 * ..." and `code` (GAN_ERR_INPUT for a file, GAN_ERR_USAGE for --set). The
 * message shows `given` (the text as typed) when not NULL, else v as JSON. */
static gan_status set_value(gan_config *cfg, const key_spec *k, const cJSON *v, const char *given,
                            const char *where, gan_status code, gan_error *err)
{
    char got[64];
    if (given && strlen(given) > 40) snprintf(got, sizeof got, "%.37s...", given);
    else if (given) snprintf(got, sizeof got, "%s", given);
    else show(v, got, sizeof got);
    char *base = (char *)cfg;
    switch (k->type) {
    case K_INT:
    case K_I64:
    case K_U64: return set_integer(base + k->offset, k, v, where, got, code, err);
    case K_REAL: {
        const double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
        if (!(x >= k->min && x <= k->max))
            return gan_fail(err, code, "%s: expected a number from %g to %g, got %s", where, k->min, k->max,
                            got);
        *(double *)(base + k->offset) = x;
        return GAN_OK;
    }
    case K_BOOL:
        if (!cJSON_IsBool(v)) return gan_fail(err, code, "%s: expected true or false, got %s", where, got);
        *(bool *)(base + k->offset) = cJSON_IsTrue(v);
        return GAN_OK;
    case K_AUTO:
        if (!cJSON_IsBool(v) && !(cJSON_IsString(v) && strcmp(v->valuestring, "auto") == 0))
            return gan_fail(err, code, "%s: expected true, false or \"auto\", got %s", where, got);
        *(int *)(base + k->offset) = cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? GAN_ON : GAN_OFF) : GAN_AUTO;
        return GAN_OK;
    case K_FLAGS: return set_flags((int *)(base + k->offset), k, v, where, got, code, err);
    case K_COLOR: return set_color((int *)(base + k->offset), v, where, got, code, err);
    case K_ENUM: {
        const int i = cJSON_IsString(v) ? choice_index(k->choices, v->valuestring) : -1;
        if (!cJSON_IsString(v)) return gan_fail(err, code, "%s: expected a string, got %s", where, got);
        if (i < 0) {
            char c[256], hint[96];
            list_choices(k->choices, c, sizeof c);
            suggest_choice(k->choices, v->valuestring, hint, sizeof hint);
            return gan_fail(err, code, "%s: expected %s, got %s%s", where, c, got, hint);
        }
        *(int *)(base + k->offset) = i;
        return GAN_OK;
    }
    case K_STRING: {
        if (!cJSON_IsString(v)) return gan_fail(err, code, "%s: expected a string, got %s", where, got);
        const char *s = v->valuestring;
        if (strlen(s) == 0 && strcmp(k->def, "\"\"") != 0) /* "" is allowed where it is the default */
            return gan_fail(err, code, "%s: expected a non-empty string", where);
        if (strlen(s) >= k->size)
            return gan_fail(err, code, "%s: longer than %zu characters", where, k->size - 1);
        /* Zero-fill: a config is a plain value, compared and copied whole. */
        memset(base + k->offset, 0, k->size);
        memcpy(base + k->offset, s, strlen(s));
        return GAN_OK;
    }
    }
    return GAN_OK;
}

void gan_config_defaults(gan_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (int i = 0; i < NKEYS; i++) {
        cJSON *v = cJSON_Parse(KEYS[i].def);
        gan_status rc = set_value(cfg, &KEYS[i], v, NULL, "defaults", GAN_ERR_INPUT, NULL);
        GAN_ASSERT(rc == GAN_OK); /* the table's defaults are valid */
        cJSON_Delete(v);
    }
}

/* JSON's number grammar, whole: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 * (strtod alone would take "0x10", "inf", "1_000" up to the underscore...). */
static bool is_json_number(const char *s)
{
    if (*s == '-') s++;
    if (*s == '0') s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9') s++;
    else return false;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9')) return false;
        while (*s >= '0' && *s <= '9') s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!(*s >= '0' && *s <= '9')) return false;
        while (*s >= '0' && *s <= '9') s++;
    }
    return *s == '\0';
}

/* The value of "--set key=text" as JSON, by the key's type: a string key
 * takes the text as it is (so output.dir=2024 is the folder "2024"), unless
 * it is a quoted JSON string; a number must be a whole JSON number and
 * finite; a boolean is true or false. NULL: the text is not one. */
static cJSON *set_text_value(const key_spec *k, const char *text, bool *out_of_range)
{
    *out_of_range = false;
    switch (k->type) {
    case K_STRING:
    case K_ENUM: {
        cJSON *quoted = text[0] == '"' ? cJSON_ParseWithOpts(text, NULL, 1) : NULL;
        if (cJSON_IsString(quoted)) return quoted;
        cJSON_Delete(quoted);
        return cJSON_CreateString(text);
    }
    case K_COLOR: /* [r, g, b] as JSON, or a name */
        return text[0] == '[' ? cJSON_ParseWithOpts(text, NULL, 1) : cJSON_CreateString(text);
    case K_FLAGS: { /* [..] as JSON, or names separated by commas ("" for none) */
        if (text[0] == '[') return cJSON_ParseWithOpts(text, NULL, 1);
        cJSON *list = cJSON_CreateArray();
        for (const char *p = text; list && *p;) {
            const size_t len = strcspn(p, ",");
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)len, p);
            cJSON_AddItemToArray(list, cJSON_CreateString(name));
            p += len + (p[len] == ',');
        }
        return list;
    }
    case K_BOOL:
    case K_AUTO:
        if (strcmp(text, "true") == 0) return cJSON_CreateTrue();
        if (strcmp(text, "false") == 0) return cJSON_CreateFalse();
        return k->type == K_AUTO ? cJSON_CreateString(text) : NULL;
    default: {
        if (!is_json_number(text)) return NULL;
        const double x = strtod(text, NULL);
        if (!isfinite(x)) {
            *out_of_range = true;
            return NULL;
        }
        return cJSON_CreateNumber(x);
    }
    }
}

/* Applies one "section.key=value" to cfg (after the file). Every mistake is
 * the command line's: GAN_ERR_USAGE, and the message names --set. */
static gan_status apply_set(gan_config *cfg, const char *set, gan_error *err)
{
    const char *eq = strchr(set, '=');
    if (!eq || eq == set) return gan_fail(err, GAN_ERR_USAGE, "--set %s: expected section.key=value", set);
    char path[100];
    if ((size_t)(eq - set) >= sizeof path)
        return gan_fail(err, GAN_ERR_USAGE, "--set %.60s...: unknown key", set);
    snprintf(path, sizeof path, "%.*s", (int)(eq - set), set);
    const key_spec *k = find_key(path);
    if (!k) {
        const char *s = suggest(path);
        if (!strchr(path, '.') && !s)
            return gan_fail(err, GAN_ERR_USAGE, "--set %s: expected section.key=value", set);
        return gan_fail(err, GAN_ERR_USAGE, "--set %s: unknown key%s%s%s", path, s ? " (did you mean " : "",
                        s ? s : "", s ? "?)" : "");
    }
    if (!strchr(path, '.'))
        return gan_fail(err, GAN_ERR_USAGE, "--set %s: gan writes this key; it cannot be set", path);
    char where[160];
    snprintf(where, sizeof where, "--set %s", path);
    bool out_of_range = false;
    cJSON *v = set_text_value(k, eq + 1, &out_of_range);
    gan_status rc;
    if (v) {
        /* a number as typed: its double's rendering could look in range (9007199254740993) */
        rc = set_value(cfg, k, v, cJSON_IsNumber(v) ? eq + 1 : NULL, where, GAN_ERR_USAGE, err);
    } else {
        /* not a value of the key's type at all: say what was expected, and the text as given */
        cJSON *text = cJSON_CreateString(eq + 1);
        rc = set_value(cfg, k, text, NULL, where, GAN_ERR_USAGE, err);
        cJSON_Delete(text);
        if (rc == GAN_OK) rc = gan_fail(err, GAN_ERR_USAGE, "%s: not a value: '%s'", where, eq + 1);
        if (out_of_range) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            rc = gan_fail(err, GAN_ERR_USAGE, "%.400s (out of the range of a double)", why);
        }
    }
    cJSON_Delete(v);
    return rc;
}

/* A NUL written as \u0000 inside a JSON string would cut it short in C: refuse it. */
static bool has_escaped_nul(const char *json)
{
    for (const char *p = json; (p = strstr(p, "u0000")) != NULL; p++) {
        int slashes = 0;
        for (const char *q = p - 1; q >= json && *q == '\\'; q--) slashes++;
        if (slashes % 2 == 1) return true; /* an odd run of backslashes escapes the u */
    }
    return false;
}

static bool is_section(const char *name)
{
    for (size_t i = 0; i < sizeof SECTIONS / sizeof *SECTIONS; i++)
        if (strcmp(name, SECTIONS[i]) == 0) return true;
    return false;
}

/* Fills cfg from the members of a parsed config object. */
static gan_status read_sections(gan_config *cfg, const cJSON *root, const char *label, gan_error *err)
{
    for (const cJSON *sec = root->child; sec; sec = sec->next) {
        for (const cJSON *prev = root->child; prev != sec; prev = prev->next)
            if (strcmp(prev->string, sec->string) == 0)
                return gan_fail(err, GAN_ERR_INPUT, "%s: %s: %s appears twice", label, sec->string,
                                is_section(sec->string) ? "section" : "key");
        char where[GAN_PATH_MAX + 128];
        const key_spec *top = find_key(sec->string);
        if (top) { /* a top-level key (run_id) */
            snprintf(where, sizeof where, "%s: %s", label, sec->string);
            gan_status rc = set_value(cfg, top, sec, NULL, where, GAN_ERR_INPUT, err);
            if (rc != GAN_OK) return rc;
            continue;
        }
        if (!is_section(sec->string))
            return gan_fail(err, GAN_ERR_INPUT, "%s: %s: unknown section (expected " SECTION_LIST ")", label,
                            sec->string);
        if (!cJSON_IsObject(sec))
            return gan_fail(err, GAN_ERR_INPUT, "%s: %s: expected an object", label, sec->string);
        for (const cJSON *item = sec->child; item; item = item->next) {
            char path[256];
            snprintf(path, sizeof path, "%s.%s", sec->string, item->string);
            const key_spec *k = find_key(path);
            for (const cJSON *prev = sec->child; k && prev != item; prev = prev->next)
                if (strcmp(prev->string, item->string) == 0)
                    return gan_fail(err, GAN_ERR_INPUT, "%s: %s: appears twice", label, path);
            if (!k) {
                const char *s = suggest(path);
                return gan_fail(err, GAN_ERR_INPUT, "%s: %s: unknown key%s%s%s", label, path,
                                s ? " (did you mean " : "", s ? s : "", s ? "?)" : "");
            }
            snprintf(where, sizeof where, "%s: %s", label, path);
            gan_status rc = set_value(cfg, k, item, NULL, where, GAN_ERR_INPUT, err);
            if (rc != GAN_OK) return rc;
        }
    }
    return GAN_OK;
}

/* Keys that mean nothing one without the other, after the file and every --set. */
static gan_status check_pairs(const gan_config *cfg, const char *label, gan_error *err)
{
    if (cfg->lr_g_early > 0.0 && cfg->lr_g_early_steps == 0)
        return gan_fail(err, GAN_ERR_INPUT, "%s: train.lr_g_early needs train.lr_g_early_steps > 0", label);
    if (cfg->lr_g_early_steps > 0 && cfg->lr_g_early == 0.0)
        return gan_fail(err, GAN_ERR_INPUT, "%s: train.lr_g_early_steps needs train.lr_g_early > 0", label);
    if (!cfg->progressive) return GAN_OK;
    if (cfg->start_size > cfg->image_size)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: model.start_size: %d is larger than data.image_size %d (growing starts smaller)",
                        label, cfg->start_size, cfg->image_size);
    if (cfg->fade_steps > cfg->phase_steps)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: model.fade_steps: %lld is longer than a phase (model.phase_steps %lld)", label,
                        (long long)cfg->fade_steps, (long long)cfg->phase_steps);
    return GAN_OK;
}

gan_status gan_config_parse(gan_config *cfg, const char *json, const char *label, const char *const *sets,
                            int nsets, gan_error *err)
{
    gan_config_defaults(cfg);
    if (json && has_escaped_nul(json))
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: a string holds \\u0000 (a NUL character), which gan cannot use", label);
    const char *at = NULL;
    cJSON *root = json ? cJSON_ParseWithOpts(json, &at, 1) : cJSON_CreateObject();
    if (!root) {
        /* cJSON reports where it gave up; turn that into a line number. */
        int line = 1;
        for (const char *p = json; at && p < at && *p; p++) line += *p == '\n';
        return gan_fail(err, GAN_ERR_INPUT, "%s: not valid JSON (error near line %d)", label, line);
    }
    gan_status rc = cJSON_IsObject(root)
                        ? read_sections(cfg, root, label, err)
                        : gan_fail(err, GAN_ERR_INPUT,
                                   "%s: expected a JSON object with sections such as data, model, "
                                   "train, output",
                                   label);
    cJSON_Delete(root);
    for (int i = 0; i < nsets && rc == GAN_OK; i++) rc = apply_set(cfg, sets[i], err);
    return rc == GAN_OK ? check_pairs(cfg, label, err) : rc;
}

gan_status gan_config_load(gan_config *cfg, const char *path, const char *const *sets, int nsets,
                           gan_error *err)
{
    if (!path) return gan_config_parse(cfg, NULL, "config", sets, nsets, err);
    FILE *f = fopen(path, "rb");
    if (!f) return gan_fail(err, GAN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20)) {
        fclose(f);
        return gan_fail(err, GAN_ERR_INPUT, "%s: not a regular file of at most 1 MiB", path);
    }
    char *text = malloc((size_t)st.st_size + 1);
    size_t got = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!text || got != (size_t)st.st_size) {
        free(text);
        return gan_fail(err, GAN_ERR_IO, "%s: read failed", path);
    }
    text[got] = '\0';
    if (strlen(text) != got) {
        free(text);
        return gan_fail(err, GAN_ERR_INPUT, "%s: not valid JSON (contains a NUL byte)", path);
    }
    gan_status rc = gan_config_parse(cfg, text, path, sets, nsets, err);
    free(text);
    return rc;
}

gan_arch gan_config_arch(const gan_config *c)
{
    return (gan_arch){.image_size = c->image_size,
                      .channels = c->channels,
                      .nz = c->nz,
                      .ngf = c->ngf,
                      .ndf = c->ndf,
                      .d_norm = c->d_norm,
                      .classes = 0, /* the data's: set once it is loaded */
                      .g_cond = c->g_condition,
                      .grow_from = c->progressive ? c->start_size : 0};
}

void gan_config_choice(const char *path, int value, char *out, size_t len)
{
    const key_spec *k = find_key(path);
    GAN_ASSERT(k && k->type == K_ENUM);
    choice_name(k->choices, value, out, len);
}

/* The section object a key goes in (created on first use), or root for a
 * top-level key; *name is the key's name inside it. */
static cJSON *key_section(cJSON *root, const key_spec *k, const char **name)
{
    const char *dot = strchr(k->path, '.');
    *name = dot ? dot + 1 : k->path;
    if (!dot) return root;
    char section[16];
    snprintf(section, sizeof section, "%.*s", (int)(dot - k->path), k->path);
    cJSON *sec = cJSON_GetObjectItemCaseSensitive(root, section);
    return sec ? sec : cJSON_AddObjectToObject(root, section);
}

static void add_flags(cJSON *sec, const char *name, const char *choices, int flags)
{
    cJSON *list = cJSON_AddArrayToObject(sec, name);
    for (int bit = 0; bit < 31; bit++) {
        char one[64];
        choice_name(choices, bit, one, sizeof one);
        if (!one[0]) break;
        if (flags & (1 << bit)) cJSON_AddItemToArray(list, cJSON_CreateString(one));
    }
}

static void add_color(cJSON *sec, const char *name, const int *rgb)
{
    const bool grey = rgb[0] == rgb[1] && rgb[1] == rgb[2];
    if (grey && (rgb[0] == 0 || rgb[0] == 255))
        cJSON_AddStringToObject(sec, name, rgb[0] ? "white" : "black");
    else cJSON_AddItemToObject(sec, name, cJSON_CreateIntArray(rgb, 3));
}

/* One key's value into its section. Numbers as raw text: cJSON's own
 * printing keeps 15 digits whenever they come within an epsilon, so a
 * resumed run would read back a different number than the user gave. */
static void add_key(cJSON *root, const key_spec *k, const void *p)
{
    const char *name;
    cJSON *sec = key_section(root, k, &name);
    char text[GAN_DOUBLE_CHARS > 64 ? GAN_DOUBLE_CHARS : 64];
    switch (k->type) {
    case K_INT: snprintf(text, sizeof text, "%d", *(const int *)p); break;
    case K_I64: snprintf(text, sizeof text, "%lld", (long long)*(const int64_t *)p); break;
    case K_U64: snprintf(text, sizeof text, "%llu", (unsigned long long)*(const uint64_t *)p); break;
    case K_REAL: gan_double_to_text(*(const double *)p, text); break;
    case K_BOOL: snprintf(text, sizeof text, "%s", *(const bool *)p ? "true" : "false"); break;
    case K_AUTO:
        if (*(const int *)p == GAN_AUTO) {
            cJSON_AddStringToObject(sec, name, "auto");
            return;
        }
        snprintf(text, sizeof text, "%s", *(const int *)p == GAN_ON ? "true" : "false");
        break;
    case K_ENUM:
        choice_name(k->choices, *(const int *)p, text, sizeof text);
        cJSON_AddStringToObject(sec, name, text);
        return;
    case K_FLAGS: add_flags(sec, name, k->choices, *(const int *)p); return;
    case K_COLOR: add_color(sec, name, (const int *)p); return;
    case K_STRING:
        if (sec == root && !*(const char *)p) return; /* no run id yet: leave it out */
        cJSON_AddStringToObject(sec, name, (const char *)p);
        return;
    }
    cJSON_AddRawToObject(sec, name, text);
}

char *gan_config_to_json(const gan_config *cfg)
{
    cJSON *root = cJSON_CreateObject();
    for (int i = 0; i < NKEYS; i++) add_key(root, &KEYS[i], (const char *)cfg + KEYS[i].offset);
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    return s;
}

int gan_config_key_count(void) { return NKEYS; }

gan_config_key gan_config_key_at(int i)
{
    GAN_ASSERT(i >= 0 && i < NKEYS);
    static const char *const tnames[] = {"integer", "integer", "integer", "number", "boolean",
                                         "string",  "string",  "list",    "colour", "boolean or auto"};
    const key_spec *k = &KEYS[i];
    return (gan_config_key){k->path, tnames[k->type], k->def, k->help, k->choices};
}
