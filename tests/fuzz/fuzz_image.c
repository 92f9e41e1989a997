/* libFuzzer target: PNG/JPEG/BMP decoding through gan's guarded entry point,
 * in colour and in grey (images with transparency are composited on the
 * background first), then fitting to the training size. */
#include <stdint.h>
#include <stdlib.h>

#include "gan/data/fit.h"
#include "gan/data/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *px = NULL;
    int w, h;
    gan_error err;
    if (gan_image_decode(data, size, "fuzz", 3, (const uint8_t[3]){255, 255, 255}, &px, &w, &h, &err) ==
        GAN_OK) {
        uint8_t out[3 * 16 * 16];
        const gan_fit fit = {.size = 16, .channels = 1, .mode = GAN_FIT_RESIZE};
        gan_fit_image(out, px, w, h, 3, &fit, "fuzz", &err);
        free(px);
    }
    if (gan_image_decode(data, size, "fuzz", 1, (const uint8_t[3]){0, 128, 128}, &px, &w, &h, &err) ==
        GAN_OK) {
        uint8_t out[3 * 16 * 16];
        const gan_fit fit = {.size = 16, .channels = 3, .mode = GAN_FIT_PAD, .background = {0, 128, 128}};
        if (w <= 16 && h <= 16) gan_fit_image(out, px, w, h, 1, &fit, "fuzz", &err);
        free(px);
    }
    return 0;
}
