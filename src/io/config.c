/* Table-driven config: one row per key gives its path, type, range, default
 * and where it lives in gan_config, so parsing, validation, defaults,
 * unknown-key detection, the resolved dump and the README table all come
 * from the same place. */
#include "gan/io/config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gan/core/check.h"
#include "gan/core/number.h"
#include "gan/models/dcgan.h"

typedef enum { K_INT, K_I64, K_U64, K_REAL, K_STRING, K_ENUM } key_type;

typedef struct {
    const char *path; /* "section.key" */
    key_type type;
    size_t offset;
    size_t size;         /* string capacity */
    double min, max;     /* numeric range (inclusive) */
    const char *choices; /* K_ENUM: "a|b|c" */
    const char *def;     /* default, as JSON text */
    const char *help;
} key_spec;

#define OFF(f) offsetof(gan_config, f)
#define SZ(f)  sizeof(((gan_config *)0)->f)
static const key_spec KEYS[] = {
    {"data.format", K_ENUM, OFF(data_format), SZ(data_format), 0, 0, "idx|folder|cifar10", "\"idx\"",
     "idx: MNIST-style IDX file (raw or .gz); folder: PNG/JPEG/BMP images; cifar10: CIFAR-10 binary batches"},
    {"data.path", K_STRING, OFF(data_path), SZ(data_path), 0, 0, NULL,
     "\"data/mnist10k/images-idx3-ubyte.gz\"",
     "the IDX file, the image folder, or a CIFAR-10 .bin file or folder of them"},
    {"data.image_size", K_INT, OFF(image_size), 0, 16, 128, NULL, "32",
     "side of the square images: 16, 32, 64 or 128"},
    {"data.channels", K_INT, OFF(channels), 0, 1, 3, NULL, "1", "1 (grey) or 3 (RGB); images are converted"},
    {"data.fit", K_ENUM, OFF(data_fit), SZ(data_fit), 0, 0, "pad|resize", "\"resize\"",
     "pad: centre smaller images on background; resize: scale the short side and centre-crop"},
    {"data.labels", K_STRING, OFF(data_labels), SZ(data_labels), 0, 0, NULL,
     "\"data/mnist10k/labels-idx1-ubyte.gz\"",
     "IDX label file of data.path (read by gan classify train only)"},
    {"data.limit", K_I64, OFF(data_limit), 0, 0, 1e12, NULL, "0", "use only the first N images (0: all)"},
    {"model.nz", K_INT, OFF(nz), 0, 1, 4096, NULL, "100", "latent vector size"},
    {"model.ngf", K_INT, OFF(ngf), 0, 1, 1024, NULL, "64", "generator base width"},
    {"model.ndf", K_INT, OFF(ndf), 0, 1, 1024, NULL, "64", "discriminator base width"},
    {"train.batch_size", K_INT, OFF(batch_size), 0, 2, 4096, NULL, "64",
     "images per step (>= 2: batchnorm needs two)"},
    {"train.epochs", K_INT, OFF(epochs), 0, 1, 1e6, NULL, "5",
     "passes over the data (ignored when steps > 0)"},
    {"train.steps", K_I64, OFF(steps), 0, 0, 1e12, NULL, "0",
     "generator updates; when > 0 it wins over epochs"},
    {"train.lr_g", K_REAL, OFF(lr_g), 0, 0, 10, NULL, "0.0002", "generator Adam learning rate"},
    {"train.lr_d", K_REAL, OFF(lr_d), 0, 0, 10, NULL, "0.0002", "discriminator Adam learning rate"},
    {"train.beta1", K_REAL, OFF(beta1), 0, 0, 0.999999, NULL, "0.5", "Adam beta1"},
    {"train.beta2", K_REAL, OFF(beta2), 0, 0, 0.999999, NULL, "0.999", "Adam beta2"},
    {"train.adam_eps", K_REAL, OFF(adam_eps), 0, 1e-12, 1, NULL, "1e-08", "Adam epsilon"},
    {"train.seed", K_U64, OFF(seed), 0, 0, 9007199254740991.0, NULL, "1", "seed of every random draw"},
    {"train.threads", K_INT, OFF(threads), 0, 0, 256, NULL, "0",
     "OpenBLAS threads (0: OpenBLAS's default, all cores)"},
    {"train.d_steps", K_INT, OFF(d_steps), 0, 1, 100, NULL, "1",
     "discriminator updates per generator update"},
    {"train.d_loss_floor", K_REAL, OFF(d_loss_floor), 0, 0, 100, NULL, "0",
     "skip the D update while loss_D is below this (0: never skip)"},
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
};
#undef OFF
#undef SZ
enum { NKEYS = sizeof KEYS / sizeof KEYS[0] };
static const char *const SECTIONS[] = {"data", "model", "train", "classifier", "eval", "output"};

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
    char *s = cJSON_PrintUnformatted(v);
    if (!s) {
        snprintf(buf, len, "?");
        return;
    }
    if (strlen(s) > 40) snprintf(buf, len, "%.37s...", s);
    else snprintf(buf, len, "%s", s);
    free(s);
}

static gan_status set_value(gan_config *cfg, const key_spec *k, const cJSON *v, const char *label,
                            gan_error *err)
{
    char got[64];
    show(v, got, sizeof got);
    char *base = (char *)cfg;
    switch (k->type) {
    case K_INT:
    case K_I64:
    case K_U64: {
        double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
        if (!(x == floor(x)) || x < k->min || x > k->max) {
            if (k->max >= 1e12 || k->type == K_U64)
                return gan_fail(err, GAN_ERR_INPUT, "%s: %s: expected an integer >= %.0f, got %s", label,
                                k->path, k->min, got);
            return gan_fail(err, GAN_ERR_INPUT, "%s: %s: expected an integer from %.0f to %.0f, got %s",
                            label, k->path, k->min, k->max, got);
        }
        if (k->type == K_INT) *(int *)(base + k->offset) = (int)x;
        else if (k->type == K_I64) *(int64_t *)(base + k->offset) = (int64_t)x;
        else *(uint64_t *)(base + k->offset) = (uint64_t)x;
        return GAN_OK;
    }
    case K_REAL: {
        double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
        if (!(x >= k->min && x <= k->max))
            return gan_fail(err, GAN_ERR_INPUT, "%s: %s: expected a number from %g to %g, got %s", label,
                            k->path, k->min, k->max, got);
        *(double *)(base + k->offset) = x;
        return GAN_OK;
    }
    case K_STRING:
    case K_ENUM: {
        if (!cJSON_IsString(v))
            return gan_fail(err, GAN_ERR_INPUT, "%s: %s: expected a string, got %s", label, k->path, got);
        const char *s = v->valuestring;
        if (k->type == K_ENUM) {
            int ok = 0;
            for (const char *c = k->choices; *c && !ok; c += strcspn(c, "|") + (c[strcspn(c, "|")] == '|')) {
                size_t len = strcspn(c, "|");
                ok = strlen(s) == len && strncmp(c, s, len) == 0;
            }
            if (!ok)
                return gan_fail(err, GAN_ERR_INPUT, "%s: %s: expected one of %s, got %s", label, k->path,
                                k->choices, got);
        }
        if (strlen(s) == 0 && strcmp(k->def, "\"\"") != 0) /* "" is allowed where it is the default */
            return gan_fail(err, GAN_ERR_INPUT, "%s: %s: expected a non-empty string", label, k->path);
        if (strlen(s) >= k->size)
            return gan_fail(err, GAN_ERR_INPUT, "%s: %s: longer than %zu characters", label, k->path,
                            k->size - 1);
        /* Zero-fill: a config is a plain value, compared and copied whole. */
        memset(base + k->offset, 0, k->size);
        strcpy(base + k->offset, s);
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
        gan_status rc = set_value(cfg, &KEYS[i], v, "defaults", NULL);
        GAN_ASSERT(rc == GAN_OK); /* the table's defaults are in range */
        cJSON_Delete(v);
    }
}

/* Applies "a.b=value": value parsed as JSON, or taken as a bare string. */
static gan_status apply_set(cJSON *root, const char *set, gan_error *err)
{
    const char *eq = strchr(set, '=');
    const char *dot = strchr(set, '.');
    if (!eq || !dot || dot > eq || dot == set || eq == dot + 1)
        return gan_fail(err, GAN_ERR_INPUT, "--set %s: expected section.key=value", set);
    char section[32], key[64];
    if ((size_t)(dot - set) >= sizeof section || (size_t)(eq - dot - 1) >= sizeof key)
        return gan_fail(err, GAN_ERR_INPUT, "--set %s: key too long", set);
    snprintf(section, sizeof section, "%.*s", (int)(dot - set), set);
    snprintf(key, sizeof key, "%.*s", (int)(eq - dot - 1), dot + 1);
    char path[100];
    snprintf(path, sizeof path, "%s.%s", section, key);
    if (!find_key(path)) {
        const char *s = suggest(path);
        return gan_fail(err, GAN_ERR_INPUT, "--set %s: unknown key%s%s%s", path, s ? " (did you mean " : "",
                        s ? s : "", s ? "?)" : "");
    }
    cJSON *value = cJSON_Parse(eq + 1);
    if (!value) value = cJSON_CreateString(eq + 1);
    cJSON *sec = cJSON_GetObjectItemCaseSensitive(root, section);
    if (!sec) sec = cJSON_AddObjectToObject(root, section);
    if (!cJSON_IsObject(sec)) {
        cJSON_Delete(value);
        return gan_fail(err, GAN_ERR_INPUT, "--set %s: section %s is not an object", set, section);
    }
    if (cJSON_GetObjectItemCaseSensitive(sec, key)) cJSON_ReplaceItemInObjectCaseSensitive(sec, key, value);
    else cJSON_AddItemToObject(sec, key, value);
    return GAN_OK;
}

gan_status gan_config_parse(gan_config *cfg, const char *json, const char *label, const char *const *sets,
                            int nsets, gan_error *err)
{
    gan_config_defaults(cfg);
    const char *at = NULL;
    cJSON *root = json ? cJSON_ParseWithOpts(json, &at, 1) : cJSON_CreateObject();
    if (!root) {
        /* cJSON reports where it gave up; turn that into a line number. */
        int line = 1;
        for (const char *p = json; at && p < at && *p; p++) line += *p == '\n';
        return gan_fail(err, GAN_ERR_INPUT, "%s: not valid JSON (error near line %d)", label, line);
    }
    gan_status rc = GAN_OK;
    if (!cJSON_IsObject(root)) {
        rc = gan_fail(err, GAN_ERR_INPUT,
                      "%s: expected a JSON object with sections such as data, model, train, output", label);
        goto done;
    }
    for (int i = 0; i < nsets && rc == GAN_OK; i++) rc = apply_set(root, sets[i], err);
    for (cJSON *sec = root->child; sec && rc == GAN_OK; sec = sec->next) {
        for (cJSON *prev = root->child; prev != sec; prev = prev->next) {
            if (strcmp(prev->string, sec->string) == 0) {
                rc = gan_fail(err, GAN_ERR_INPUT, "%s: %s: section appears twice", label, sec->string);
                break;
            }
        }
        if (rc != GAN_OK) break;
        int known = 0;
        for (size_t i = 0; i < sizeof SECTIONS / sizeof *SECTIONS; i++)
            known |= strcmp(sec->string, SECTIONS[i]) == 0;
        if (!known) {
            rc = gan_fail(err, GAN_ERR_INPUT,
                          "%s: %s: unknown section (expected data, model, train, classifier, eval or output)",
                          label, sec->string);
            break;
        }
        if (!cJSON_IsObject(sec)) {
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: %s: expected an object", label, sec->string);
            break;
        }
        for (cJSON *item = sec->child; item && rc == GAN_OK; item = item->next) {
            char path[256];
            snprintf(path, sizeof path, "%s.%s", sec->string, item->string);
            const key_spec *k = find_key(path);
            for (cJSON *prev = sec->child; k && prev != item; prev = prev->next) {
                if (strcmp(prev->string, item->string) == 0) {
                    rc = gan_fail(err, GAN_ERR_INPUT, "%s: %s: appears twice", label, path);
                    break;
                }
            }
            if (rc != GAN_OK) break;
            if (!k) {
                const char *s = suggest(path);
                rc = gan_fail(err, GAN_ERR_INPUT, "%s: %s: unknown key%s%s%s", label, path,
                              s ? " (did you mean " : "", s ? s : "", s ? "?)" : "");
                break;
            }
            rc = set_value(cfg, k, item, label, err);
        }
    }
    if (rc == GAN_OK) {
        if (!gan_image_size_valid(cfg->image_size))
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: data.image_size: expected " GAN_IMAGE_SIZES ", got %d",
                          label, cfg->image_size);
        else if (cfg->channels == 2)
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: data.channels: expected 1 or 3, got 2", label);
    }
done:
    cJSON_Delete(root);
    return rc;
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

char *gan_config_to_json(const gan_config *cfg)
{
    cJSON *root = cJSON_CreateObject();
    const char *base = (const char *)cfg;
    for (int i = 0; i < NKEYS; i++) {
        const key_spec *k = &KEYS[i];
        char section[16];
        const char *dot = strchr(k->path, '.');
        snprintf(section, sizeof section, "%.*s", (int)(dot - k->path), k->path);
        cJSON *sec = cJSON_GetObjectItemCaseSensitive(root, section);
        if (!sec) sec = cJSON_AddObjectToObject(root, section);
        const void *p = base + k->offset;
        /* Numbers as raw text: cJSON's own printing keeps 15 digits whenever
         * they come within an epsilon, so a resumed run would read back a
         * different number than the user gave. */
        char num[GAN_DOUBLE_CHARS];
        switch (k->type) {
        case K_INT: snprintf(num, sizeof num, "%d", *(const int *)p); break;
        case K_I64: snprintf(num, sizeof num, "%lld", (long long)*(const int64_t *)p); break;
        case K_U64: snprintf(num, sizeof num, "%llu", (unsigned long long)*(const uint64_t *)p); break;
        case K_REAL: gan_double_to_text(*(const double *)p, num); break;
        default: num[0] = '\0'; break;
        }
        if (num[0]) cJSON_AddRawToObject(sec, dot + 1, num);
        else cJSON_AddStringToObject(sec, dot + 1, (const char *)p);
    }
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    return s;
}

void gan_config_print_reference(void)
{
    printf("| key | type | default | meaning |\n|---|---|---|---|\n");
    static const char *const tnames[] = {"integer", "integer", "integer", "number", "string", "string"};
    for (int i = 0; i < NKEYS; i++) {
        const key_spec *k = &KEYS[i];
        printf("| `%s` | %s | `%s` | %s", k->path, tnames[k->type], k->def, k->help);
        if (k->choices) { /* "a|b" would split a Markdown table cell */
            printf("; one of ");
            for (const char *c = k->choices; *c; c++) fputs(*c == '|' ? ", " : (char[2]){*c, 0}, stdout);
        }
        printf(" |\n");
    }
}
