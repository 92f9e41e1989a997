/* NumPy .npy files (format 1.0/2.0), little-endian, C order: float32 images
 * and latents, int64 class labels. */
#ifndef GAN_IO_NPY_H
#define GAN_IO_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "gan/core/error.h"

enum { GAN_NPY_MAX_DIMS = 8 };

/* Writes data with the given shape atomically. */
gan_status gan_npy_save(const char *path, const float *data, int ndim, const int64_t *shape, gan_error *err);
/* Reads a float32 array; *ndim and shape[0..*ndim) are filled (at most
 * GAN_NPY_MAX_DIMS). The header is read as NumPy reads it, a dict literal.
 * Anything else (another dtype, Fortran order, big-endian) is an error. */
gan_status gan_npy_load(const char *path, float **data, int *ndim, int64_t *shape, gan_error *err);
/* int64 arrays (class labels), the same way. */
gan_status gan_npy_save_i64(const char *path, const int64_t *data, int ndim, const int64_t *shape,
                            gan_error *err);
gan_status gan_npy_load_i64(const char *path, int64_t **data, int *ndim, int64_t *shape, gan_error *err);
/* The same from memory (the fuzzer's entry point). */
gan_status gan_npy_parse(const uint8_t *buf, size_t len, const char *label, float **data, int *ndim,
                         int64_t *shape, gan_error *err);

#endif
