/* CIFAR-10 binary batches: records of one label byte and 32x32x3 planar pixels. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gan/core/path.h"
#include "gan/data/file.h"
#include "loaders.h"

enum { RECORD = 3073, MAX_FILES = 5 }; /* bytes per record: 1 label + 3 x 32 x 32 */
static const char *const CIFAR10_CLASSES[10] = {"airplane", "automobile", "bird",  "cat",  "deer",
                                                "dog",      "frog",       "horse", "ship", "truck"};
#define MAX_BATCH_BYTES ((size_t)1 << 30)

static gan_status load_batch_file(const char *path, uint8_t **recs, long *n, gan_error *err)
{
    uint8_t *buf;
    size_t len;
    gan_status rc = gan_read_file(path, MAX_BATCH_BYTES, &buf, &len, err);
    if (rc != GAN_OK) return rc;
    if (len == 0 || len % RECORD != 0) {
        free(buf);
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: %zu bytes is not a whole number of CIFAR-10 records (3073 bytes each)", path,
                        len);
    }
    *recs = buf;
    *n = (long)(len / RECORD);
    return GAN_OK;
}

gan_status gan_load_cifar10(gan_dataset *ds, const gan_config *cfg, const gan_fit *fit, gan_error *err)
{
    char files[MAX_FILES][GAN_PATH_MAX];
    int nfiles = 0;
    struct stat st;
    if (stat(cfg->data_path, &st) != 0)
        return gan_fail(err, GAN_ERR_IO, "%s: cannot open: %s", cfg->data_path, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        for (int i = 1; i <= MAX_FILES; i++) {
            gan_status rc = gan_path_format(files[nfiles], err, "%s/data_batch_%d.bin", cfg->data_path, i);
            if (rc != GAN_OK) return rc;
            if (stat(files[nfiles], &st) == 0) nfiles++;
        }
        if (nfiles == 0)
            return gan_fail(err, GAN_ERR_INPUT, "%s: no data_batch_1.bin .. data_batch_5.bin inside",
                            cfg->data_path);
    } else {
        snprintf(files[0], sizeof files[0], "%s", cfg->data_path); /* fits: config paths are shorter */
        nfiles = 1;
    }
    uint8_t *recs[MAX_FILES] = {0};
    long counts[MAX_FILES] = {0}, total = 0;
    gan_status rc = GAN_OK;
    for (int i = 0; i < nfiles && rc == GAN_OK; i++) {
        rc = load_batch_file(files[i], &recs[i], &counts[i], err);
        total += counts[i];
    }
    if (rc == GAN_OK) {
        ds->source_count = total;
        if (cfg->data_limit > 0 && total > cfg->data_limit) total = (long)cfg->data_limit;
        rc = gan_dataset_alloc(ds, total, cfg, cfg->data_path, err);
    }
    if (rc == GAN_OK && cfg->conditional) {
        ds->labels = malloc(sizeof(int32_t) * (size_t)total);
        if (!ds->labels) rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory for labels", cfg->data_path);
        for (int k = 0; k < 10 && rc == GAN_OK; k++)
            rc = gan_classes_add(&ds->classes, CIFAR10_CLASSES[k], cfg->data_path, err);
    }
    uint8_t hwc[32 * 32 * 3];
    long k = 0;
    for (int i = 0; i < nfiles && rc == GAN_OK; i++) {
        for (long j = 0; j < counts[i] && k < total && rc == GAN_OK; j++, k++) {
            const uint8_t label = recs[i][j * RECORD];
            if (ds->labels && label >= 10) {
                rc = gan_fail(err, GAN_ERR_INPUT, "%s: record %ld has label %u (CIFAR-10 labels are 0 to 9)",
                              files[i], j, label);
                break;
            }
            if (ds->labels) ds->labels[k] = label;
            const uint8_t *r = recs[i] + j * RECORD + 1; /* after the label byte: planes R, G, B */
            for (int p = 0; p < 1024; p++)
                for (int c = 0; c < 3; c++) hwc[p * 3 + c] = r[c * 1024 + p];
            rc = gan_fit_image(ds->pixels + k * gan_dataset_image_bytes(ds), hwc, 32, 32, 3, fit, files[i],
                               err);
        }
    }
    for (int i = 0; i < nfiles; i++) free(recs[i]);
    return rc;
}
