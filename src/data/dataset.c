#include "gan/data/dataset.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/dispatch.h"
#include "gan/data/file.h"
#include "gan/data/idx.h"
#include "loaders.h"

size_t gan_dataset_image_bytes(const gan_dataset *ds) { return (size_t)ds->channels * ds->size * ds->size; }

gan_status gan_dataset_alloc(gan_dataset *ds, long count, const gan_config *cfg, const char *label,
                             gan_error *err)
{
    ds->count = count;
    ds->size = cfg->image_size;
    ds->channels = cfg->channels;
    ds->pixels = malloc((size_t)count * gan_dataset_image_bytes(ds));
    if (!ds->pixels) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory for %ld images", label, count);
    return GAN_OK;
}

gan_status gan_load_idx(gan_dataset *ds, const gan_config *cfg, const gan_fit *fit, gan_error *err)
{
    uint8_t *raw;
    long n;
    int r, c;
    gan_status rc = gan_idx_read(cfg->data_path, &raw, &n, &r, &c, err);
    if (rc != GAN_OK) return rc;
    ds->source_count = n;
    if (cfg->data_limit > 0 && n > cfg->data_limit) n = (long)cfg->data_limit;
    rc = gan_dataset_alloc(ds, n, cfg, cfg->data_path, err);
    for (long i = 0; i < n && rc == GAN_OK; i++)
        rc = gan_fit_image(ds->pixels + i * gan_dataset_image_bytes(ds), raw + (size_t)i * r * c, c, r, 1,
                           fit, cfg->data_path, err);
    free(raw);
    return rc;
}

/* IDX labels: one per image of data.path, classes "0".."largest label". */
static gan_status load_idx_labels(gan_dataset *ds, const gan_config *cfg, gan_error *err)
{
    int32_t *labels = NULL;
    long n = 0;
    gan_status rc = gan_idx_labels_read(cfg->data_labels, GAN_MAX_CLASSES, &labels, &n, err);
    if (rc == GAN_ERR_IO) gan_hint_relative_path(err, "data.labels", cfg->data_labels);
    if (rc != GAN_OK) return rc;
    if (n != ds->source_count) {
        free(labels);
        return gan_fail(err, GAN_ERR_INPUT, "%s: %ld labels for the %ld images of %s", cfg->data_labels, n,
                        ds->source_count, cfg->data_path);
    }
    int largest = 0;
    for (long i = 0; i < n; i++)
        if (labels[i] > largest) largest = labels[i];
    ds->labels = labels;
    return gan_classes_numbered(&ds->classes, largest + 1, err);
}

/* Every class has an image among those loaded (a class without any could
 * not be learnt, and would be sampled as noise). */
static gan_status check_classes(const gan_dataset *ds, const gan_config *cfg, gan_error *err)
{
    if (ds->classes.count < 2)
        return gan_fail(err, GAN_ERR_INPUT, "%s: model.conditional needs at least 2 classes, the data has %d",
                        cfg->data_path, ds->classes.count);
    long *per_class = calloc((size_t)ds->classes.count, sizeof *per_class);
    if (!per_class) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    for (long i = 0; i < ds->count; i++) per_class[ds->labels[i]]++;
    gan_status rc = GAN_OK;
    for (int k = 0; k < ds->classes.count && rc == GAN_OK; k++)
        if (per_class[k] == 0)
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: class '%s' has no images among the %ld used%s",
                          cfg->data_format == GAN_DATA_IDX ? cfg->data_labels : cfg->data_path,
                          ds->classes.names[k], ds->count, cfg->data_limit > 0 ? " (data.limit)" : "");
    free(per_class);
    return rc;
}

gan_status gan_dataset_load(gan_dataset *ds, const gan_config *cfg, gan_error *err)
{
    memset(ds, 0, sizeof *ds);
    gan_fit fit = {.size = cfg->image_size, .channels = cfg->channels, .mode = cfg->data_fit};
    for (int c = 0; c < 3; c++) fit.background[c] = (uint8_t)cfg->background[c];
    gan_status rc;
    const bool idx = cfg->data_format == GAN_DATA_IDX;
    if (idx) rc = gan_load_idx(ds, cfg, &fit, err);
    else if (cfg->data_format == GAN_DATA_CIFAR10) rc = gan_load_cifar10(ds, cfg, &fit, err);
    else rc = gan_load_folder(ds, cfg, &fit, err);
    if (rc == GAN_ERR_IO) gan_hint_relative_path(err, "data.path", cfg->data_path);
    if (rc == GAN_OK && cfg->conditional && idx) rc = load_idx_labels(ds, cfg, err);
    if (rc == GAN_OK && cfg->conditional) rc = check_classes(ds, cfg, err);
    if (rc != GAN_OK) gan_dataset_free(ds);
    return rc;
}

void gan_dataset_free(gan_dataset *ds)
{
    free(ds->pixels);
    free(ds->labels);
    gan_classes_free(&ds->classes);
    memset(ds, 0, sizeof *ds);
}

void gan_dataset_skip_note(const gan_dataset *ds, char *buf, size_t len)
{
    const gan_folder_skips *k = &ds->skips;
    const struct {
        long n;
        const char *one, *many;
    } why[] = {
        {k->dangling_links, "dangling link", "dangling links"},
        {k->folders_seen_before, "folder seen before through a link", "folders seen before through links"},
        {k->too_deep, "folder more than 3 levels down", "folders more than 3 levels down"},
        {k->not_images, "file that is not a PNG, JPEG or BMP", "files that are not PNG, JPEG or BMP"},
        {k->unreadable, "entry that could not be read", "entries that could not be read"}};
    long total = 0;
    for (size_t i = 0; i < sizeof why / sizeof why[0]; i++) total += why[i].n;
    buf[0] = '\0';
    if (total == 0) return;
    size_t used = (size_t)snprintf(buf, len, "skipped %ld entr%s:", total, total == 1 ? "y" : "ies");
    const char *sep = " ";
    for (size_t i = 0; i < sizeof why / sizeof why[0] && used < len; i++) {
        if (!why[i].n) continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%ld %s", sep, why[i].n,
                                 why[i].n == 1 ? why[i].one : why[i].many);
        sep = ", ";
    }
}

void gan_dataset_batch_labels(const gan_dataset *ds, const int32_t *idx, int n, int32_t *out)
{
    for (int i = 0; i < n; i++) out[i] = ds->labels[idx[i]];
}

void gan_dataset_draw_labels(const gan_dataset *ds, gan_rng *rng, int32_t *out, int n)
{
    for (int i = 0; i < n; i++) out[i] = ds->labels[gan_rng_below(rng, (uint64_t)ds->count)];
}

GAN_HOT void gan_dataset_batch(const gan_dataset *ds, const int32_t *idx, int n, float *out)
{
    const long plane = (long)ds->size * ds->size;
    for (int i = 0; i < n; i++) {
        const uint8_t *img = ds->pixels + (size_t)idx[i] * gan_dataset_image_bytes(ds);
        for (int c = 0; c < ds->channels; c++) {
            float *dst = out + ((long)c * n + i) * plane;
            const uint8_t *src = img + c * plane;
            for (long p = 0; p < plane; p++) dst[p] = src[p] * (2.0f / 255.0f) - 1.0f;
        }
    }
}
