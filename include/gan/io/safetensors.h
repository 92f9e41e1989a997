/* The safetensors file layout, for checkpoints and test fixtures:
 *   u64 little-endian N | N bytes of JSON header | raw little-endian data
 * The header maps each tensor name to {dtype, shape, data_offsets} (offsets
 * relative to the data section) plus an optional "__metadata__" object of
 * string values. The reader applies the format's own validation rules:
 * bounded header, offsets contiguous from 0 to the end of the file, sizes
 * that equal dtype size x shape, no arithmetic overflow, no duplicates. */
#ifndef GAN_IO_SAFETENSORS_H
#define GAN_IO_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "gan/core/error.h"
#include "gan/core/path.h"

typedef enum { GAN_DT_F32, GAN_DT_I64, GAN_DT_U64, GAN_DT_F64 } gan_dtype;

enum { GAN_ST_MAX_DIMS = 8, GAN_ST_MAX_NAME = 128 };

typedef struct {
    char name[GAN_ST_MAX_NAME];
    gan_dtype dtype;
    int ndim;
    int64_t shape[GAN_ST_MAX_DIMS];
    size_t nelem;
    size_t offset; /* byte offset of the data inside the file */
} gan_st_tensor;

typedef struct {
    char path[GAN_PATH_MAX]; /* for messages */
    unsigned char *buf;      /* whole file */
    size_t size;
    gan_st_tensor *tensors;
    int count;
    struct cJSON *header; /* parsed header, owns metadata strings */
} gan_st_file;

/* Reads and validates path. On failure nothing needs freeing. */
gan_status gan_st_load(gan_st_file *f, const char *path, gan_error *err);
/* Validates an in-memory image of a file (the fuzzer's entry point); takes
 * ownership of buf (malloc'ed) in every case. label names it in messages. */
gan_status gan_st_parse(gan_st_file *f, unsigned char *buf, size_t size, const char *label, gan_error *err);
void gan_st_close(gan_st_file *f);

/* The tensor called name, or NULL. */
const gan_st_tensor *gan_st_find(const gan_st_file *f, const char *name);
/* A metadata value, or NULL when absent. */
const char *gan_st_meta(const gan_st_file *f, const char *key);
/* Copies tensor `name` into dst after checking it exists, has the dtype and
 * exactly the shape given (ndim values). Messages name the file and tensor. */
gan_status gan_st_read(const gan_st_file *f, const char *name, gan_dtype dtype, int ndim,
                       const int64_t *shape, void *dst, gan_error *err);

typedef struct {
    const char *name;
    gan_dtype dtype;
    int ndim;
    int64_t shape[GAN_ST_MAX_DIMS];
    const void *data;
} gan_st_entry;

/* A list of entries with storage for their names, for building a file.
 * The largest gan writes is a training state: three nets (G, D, the EMA)
 * of up to GAN_MAX_STAGES stages, each with its batchnorm (6 tensors) or
 * spectral norm (3), toRGB or fromRGB (3) and class embedding (3), and ten
 * entries more (train_state.c checks its own count against this). */
enum { GAN_ST_LIST_MAX = 3 * (8 * 9 + 3) + 10 };
typedef struct {
    gan_st_entry e[GAN_ST_LIST_MAX];
    char names[GAN_ST_LIST_MAX][GAN_ST_MAX_NAME];
    int count;
} gan_st_list;
/* Appends an entry. The lists gan builds are fixed by its code, so an
 * overflow (entries, dimensions, name length) is a bug: GAN_ASSERT. */
void gan_st_list_add(gan_st_list *l, const char *name, gan_dtype dtype, int ndim, const int64_t *shape,
                     const void *data);

/* Writes the tensors (in the order given) and metadata key/value pairs
 * (meta[2i] = key, meta[2i+1] = value) atomically to path. */
gan_status gan_st_save(const char *path, const gan_st_entry *entries, int count, const char *const *meta,
                       int nmeta, gan_error *err);

#endif
