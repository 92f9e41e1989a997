#include "gan/data/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (cfg->data_limit > 0 && n > cfg->data_limit) n = (long)cfg->data_limit;
    rc = gan_dataset_alloc(ds, n, cfg, cfg->data_path, err);
    for (long i = 0; i < n && rc == GAN_OK; i++)
        rc = gan_fit_image(ds->pixels + i * gan_dataset_image_bytes(ds), raw + (size_t)i * r * c, c, r, 1,
                           fit, cfg->data_path, err);
    free(raw);
    return rc;
}

gan_status gan_dataset_load(gan_dataset *ds, const gan_config *cfg, gan_error *err)
{
    memset(ds, 0, sizeof *ds);
    const gan_fit fit = {.size = cfg->image_size,
                         .channels = cfg->channels,
                         .mode = strcmp(cfg->data_fit, "pad") == 0 ? GAN_FIT_PAD : GAN_FIT_RESIZE};
    gan_status rc;
    if (strcmp(cfg->data_format, "idx") == 0) rc = gan_load_idx(ds, cfg, &fit, err);
    else if (strcmp(cfg->data_format, "cifar10") == 0) rc = gan_load_cifar10(ds, cfg, &fit, err);
    else rc = gan_load_folder(ds, cfg, &fit, err);
    if (rc == GAN_ERR_IO) gan_hint_relative_path(err, "data.path", cfg->data_path);
    if (rc != GAN_OK) gan_dataset_free(ds);
    return rc;
}

void gan_dataset_free(gan_dataset *ds)
{
    free(ds->pixels);
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

void gan_dataset_batch(const gan_dataset *ds, const int32_t *idx, int n, float *out)
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
