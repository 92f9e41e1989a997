/* One picture read for style transfer: decoded (PNG, JPEG, BMP; with the
 * guards of gan/data/image.h), made RGB, scaled so that its longer side is
 * a given length (its aspect kept), as floats [3, H, W] in [0, 1]. */
#ifndef GAN_DATA_PICTURE_H
#define GAN_DATA_PICTURE_H

#include "gan/core/error.h"

typedef struct {
    int h, w;
    float *pixels; /* [3, h, w], malloc'ed */
} gan_picture;

/* The shorter side after scaling must be at least min_side (else
 * GAN_ERR_INPUT naming the file and both sizes). */
gan_status gan_picture_load(const char *path, int long_side, int min_side, gan_picture *pic, gan_error *err);
void gan_picture_free(gan_picture *pic);

#endif
