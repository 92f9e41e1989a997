/* Training images, held as uint8 at the training size ([count][C][S][S]),
 * never as a float copy: a float batch is made per step. */
#ifndef GAN_DATASET_H
#define GAN_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "gan/io/config.h"
#include "gan/core/error.h"

typedef struct {
    uint8_t *pixels; /* count x channels x size x size */
    long count;
    int size, channels;
} gan_dataset;

/* Loads cfg->data_format from cfg->data_path, converted to cfg->channels and
 * fitted to cfg->image_size (cfg->data_fit), at most cfg->data_limit images. */
int gan_dataset_load(gan_dataset *ds, const gan_config *cfg, gan_error *err);
void gan_dataset_free(gan_dataset *ds);
/* Images idx[0..n) as channel-major floats [C, n, S, S] scaled to [-1, 1]. */
void gan_dataset_batch(const gan_dataset *ds, const int32_t *idx, int n, float *out);

/* Format readers, exposed for tests and the fuzzer. Each returns raw images
 * (interleaved HWC bytes, src_channels per pixel) through the fitter below. */
typedef struct {
    int size, channels;  /* target */
    int pad;             /* 1: pad, 0: resize + centre-crop */
} gan_fit;
/* Fits one HWC image to S x S x C (planar CHW) into dst. */
int gan_fit_image(uint8_t *dst, const uint8_t *src, int w, int h, int src_channels, const gan_fit *fit,
                  const char *label, gan_error *err);

/* Reads an IDX3 ubyte file (raw or gzip): *images is count x rows x cols. */
int gan_idx_read(const char *path, uint8_t **images, long *count, int *rows, int *cols, gan_error *err);
/* Parses an IDX3 image from memory (the fuzzer's entry point). */
int gan_idx_parse(const uint8_t *buf, size_t len, const char *label, uint8_t **images, long *count, int *rows,
                  int *cols, gan_error *err);
/* Parses an IDX1 ubyte label file (magic 0x00000801) from memory: *labels
 * holds count values, each checked to be below num_classes. */
int gan_idx_labels_parse(const uint8_t *buf, size_t len, const char *label, int num_classes, int32_t **labels,
                         long *count, gan_error *err);
/* The same from a file (raw or gzip). */
int gan_idx_labels_read(const char *path, int num_classes, int32_t **labels, long *count, gan_error *err);
/* Decodes one PNG/JPEG/BMP from memory into HWC bytes with want_channels
 * (1 or 3); checks dimensions before decoding. Free *pixels with free(). */
int gan_image_decode(const uint8_t *buf, size_t len, const char *label, int want_channels, uint8_t **pixels, int *w,
                     int *h, gan_error *err);

#endif
