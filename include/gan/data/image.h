/* PNG, JPEG and BMP decoding (stb_image), guarded for untrusted files:
 * sizes are checked before decoding, and JPEG Huffman tables that would
 * overflow Debian bookworm's stb_image 2.27 are refused before it runs. */
#ifndef GAN_DATA_IMAGE_H
#define GAN_DATA_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "gan/core/error.h"

/* RGB -> grey, one formula for every path: stb_image's own weights (they
 * sum to 256), since stb converts the images it is asked to decode as grey;
 * CIFAR-10, composited transparency and backgrounds use the same. */
static inline uint8_t gan_grey(int r, int g, int b) { return (uint8_t)((r * 77 + g * 150 + b * 29) >> 8); }

/* Caps that keep a hostile file from making gan allocate without bound. */
#define GAN_MAX_IMAGE_FILE   ((long)64 << 20) /* one encoded image, bytes */
#define GAN_MAX_IMAGE_SIDE   16384
#define GAN_MAX_IMAGE_PIXELS ((long)1 << 26)

/* Decodes one PNG/JPEG/BMP from memory into HWC bytes with want_channels
 * (1 or 3). An image with transparency (grey+alpha, RGBA, a palette with
 * tRNS) is composited on `background` (r, g, b) first, so grey is the luma of
 * what the image shows on that colour. 16-bit PNGs are read as 8 bits.
 * Free *pixels with free(). */
gan_status gan_image_decode(const uint8_t *buf, size_t len, const char *label, int want_channels,
                            const uint8_t background[3], uint8_t **pixels, int *w, int *h, gan_error *err);

#endif
