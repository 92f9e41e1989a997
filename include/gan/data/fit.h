/* Fitting a decoded image to the training size and channel count. */
#ifndef GAN_DATA_FIT_H
#define GAN_DATA_FIT_H

#include <stdint.h>

#include "gan/core/error.h"

typedef enum {
    GAN_FIT_PAD,   /* centre the image on the background; larger images are an error */
    GAN_FIT_RESIZE /* scale the short side to the size, then take the centre square */
} gan_fit_mode;

typedef struct {
    int size, channels; /* target: size x size, 1 (grey) or 3 (RGB) */
    gan_fit_mode mode;
    uint8_t background[3]; /* r, g, b: around padded images (data.background) */
} gan_fit;

/* Fits one HWC image (src_channels per pixel) to size x size x channels,
 * written planar (CHW) into dst. Grey -> RGB repeats, RGB -> grey is
 * gan_grey (gan/data/image.h), as every other path. */
gan_status gan_fit_image(uint8_t *dst, const uint8_t *src, int w, int h, int src_channels, const gan_fit *fit,
                         const char *label, gan_error *err);

#endif
