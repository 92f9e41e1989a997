/* PNG output of generated or real images. */
#ifndef GAN_IO_IMAGE_GRID_H
#define GAN_IO_IMAGE_GRID_H

#include "gan/core/error.h"

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

/* The near-square row length torchvision's make_grid would choose for n images: ceil(sqrt(n)). */
int gan_grid_square_row(int n);

#endif
