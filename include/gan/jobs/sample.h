/* The job behind gan sample: latents (drawn or read), classes (given or
 * drawn), the generator's images, and the files they are written to. */
#ifndef GAN_JOBS_SAMPLE_H
#define GAN_JOBS_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "gan/core/error.h"
#include "gan/data/classes.h"
#include "gan/models/dcgan.h"

enum { GAN_SAMPLE_MAX = 10000 };

typedef struct {
    const char *ckpt;      /* the generator */
    long n;                /* images; -1: as many as z_in or labels_in hold, or per_class per class, or 64 */
    uint64_t seed;         /* of the latents, and of the drawn classes (their own stream) */
    double truncation;     /* the truncation trick's psi; 0: none */
    gan_mode bn_mode;      /* GAN_MODE_EVAL: running statistics; GAN_MODE_TRAIN: the batch's */
    const char *z_in;      /* latents from this .npy ([n, nz]) instead of drawn, or NULL */
    const char *labels_in; /* classes from this .npy (int64 [n]), or NULL */
    const char *const *classes; /* the classes asked for (names or indices), nclasses of them ... */
    int nclasses;               /* ... images split among them in blocks; 0: drawn as in training */
    bool all_classes;           /* every class, per_class images each (then nclasses is 0) */
    int per_class;              /* with all_classes: images per class */
    int size;                   /* a growing generator's side, up to its phase's; 0: its phase's */
} gan_sample_request;

typedef struct {
    const char *source; /* the checkpoint (the request's), for messages */
    gan_arch arch;
    gan_classes classes; /* a conditional generator's class names */
    long n;
    float *z;        /* [n, nz], a .npy's layout */
    int32_t *labels; /* [n] (a conditional generator), else NULL */
    int size;        /* S: the side of the images (a growing generator's phase, or its --size) */
    float *images;   /* [C, n, S, S], channel-major, values in [-1, 1] */
} gan_samples;

/* Loads the generator and makes the images. Mistakes in the request that
 * only the checkpoint reveals (--class all against -n, too many images for
 * memory) are GAN_ERR_USAGE. */
gan_status gan_sample_generate(const gan_sample_request *req, gan_samples *s, gan_error *err);
void gan_samples_free(gan_samples *s);

/* Where the images go (NULL: not written). */
typedef struct {
    const char *grid;       /* a PNG grid */
    int per_row;            /* the grid's images per row; 0: near-square */
    bool class_rows;        /* a conditional generator's grid: a row per class, named at its left */
    const char *each;       /* a folder: one PNG per image, DIR/000000.png, ... */
    const char *z_out;      /* the latents, float32 [n, nz] */
    const char *labels_out; /* the classes, int64 [n] */
    const char *npy;        /* the images, float32 [n, C, H, W] */
} gan_sample_outputs;

/* What writing did: the paths written, in order (pointers into the
 * outputs), and whether a conditional grid had to be drawn plain (rows
 * too long or too many to label). */
typedef struct {
    const char *written[5];
    int nwritten;
    bool plain_grid;
} gan_sample_written;

/* Writes the outputs asked for: the grid, the folder, the latents, the
 * labels and the images, in that order; stops at the first failure. */
gan_status gan_samples_write(const gan_samples *s, const gan_sample_outputs *out, gan_sample_written *done,
                             gan_error *err);

#endif
