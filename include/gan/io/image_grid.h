/* PNG output of generated or real images. */
#ifndef GAN_IO_IMAGE_GRID_H
#define GAN_IO_IMAGE_GRID_H

#include <stdbool.h>
#include <stdint.h>

#include "gan/core/error.h"
#include "gan/data/classes.h"

/* What to draw: images first .. first+count-1 of a channel-major batch. */
typedef struct {
    const float *images; /* [channels, batch, size, size], values in [-1, 1] */
    int batch;           /* images in the batch (the layout's N) */
    int first, count;    /* the images drawn */
    int channels, size;
    int per_row; /* images per grid row (at least 1, at most count) */
    int pad;     /* black pixels around each image (torchvision's save_image: 2) */
    /* labelled rows (a conditional generator's classes), or nrows 0: each of
     * the nrows grid rows holds row_count[r] images, taken in the order of
     * order[] (indices into the batch; count of them in all), with
     * row_label[r] written at its left; per_row is then the widest row */
    int nrows;
    const int *row_count;
    const char *const *row_label;
    const int *order;
} gan_grid;

/* Writes the grid as one PNG, atomically. */
gan_status gan_grid_png(const char *path, const gan_grid *grid, gan_error *err);

/* Writes one RGB picture [3, h, w] with values in [0, 1] (clamped) as a
 * PNG, atomically: gan style's output. */
gan_status gan_picture_png(const char *path, const float *pixels, int h, int w, gan_error *err);

/* A grid's labelled rows (gan_grid's nrows, row_count, row_label and order):
 * the layouts gan sample and gan interp draw for a conditional generator. */
typedef struct {
    int *order, *row_count;
    const char **row_label; /* the class names, borrowed */
    int nrows;
} gan_grid_rows;
/* One row per class present, its images in their order, the classes in
 * theirs. false (and nothing to free) when the rows would be too long or
 * too many to read: draw a plain grid then. */
bool gan_grid_rows_by_class(gan_grid_rows *rows, const int32_t *labels, long n, const gan_classes *classes);
/* Rows of per_row consecutive images (n a multiple of it), each named by
 * the class of its first image. false when out of memory. */
bool gan_grid_rows_in_order(gan_grid_rows *rows, const int32_t *labels, long n, int per_row,
                            const gan_classes *classes);
void gan_grid_rows_free(gan_grid_rows *rows);
/* Sets a grid's labelled rows (nrows 0: a plain grid). */
void gan_grid_set_rows(gan_grid *grid, const gan_grid_rows *rows);

/* The near-square row length torchvision's make_grid would choose for n images: ceil(sqrt(n)). */
int gan_grid_square_row(int n);

#endif
