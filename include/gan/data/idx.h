/* MNIST-style IDX files, raw or gzip: IDX3 unsigned-byte images
 * (magic 0x00000803) and IDX1 labels (magic 0x00000801). */
#ifndef GAN_DATA_IDX_H
#define GAN_DATA_IDX_H

#include <stddef.h>
#include <stdint.h>

#include "gan/core/error.h"

/* Reads an IDX3 ubyte file: *images is count x rows x cols. */
gan_status gan_idx_read(const char *path, uint8_t **images, long *count, int *rows, int *cols,
                        gan_error *err);
/* Parses an IDX3 image from memory (the fuzzer's entry point). */
gan_status gan_idx_parse(const uint8_t *buf, size_t len, const char *label, uint8_t **images, long *count,
                         int *rows, int *cols, gan_error *err);
/* Parses an IDX1 ubyte label file from memory: *labels holds count values,
 * each checked to be below num_classes. */
gan_status gan_idx_labels_parse(const uint8_t *buf, size_t len, const char *label, int num_classes,
                                int32_t **labels, long *count, gan_error *err);
/* The same from a file (raw or gzip). */
gan_status gan_idx_labels_read(const char *path, int num_classes, int32_t **labels, long *count,
                               gan_error *err);

#endif
