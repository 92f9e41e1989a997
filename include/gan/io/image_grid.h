/* PNG output of generated or real images. */
#ifndef GAN_IMAGE_GRID_H
#define GAN_IMAGE_GRID_H

#include "gan/core/error.h"

/* Writes images first..first+count of a channel-major batch [C, n, S, S]
 * (values in [-1, 1]) as one PNG: nrow images per row, `pad` black pixels
 * around each (torchvision's save_image layout with pad 2). Atomic. */
int gan_grid_png(const char *path, const float *imgs, int n, int first, int count, int channels, int size, int nrow,
                 int pad, gan_error *err);

#endif
