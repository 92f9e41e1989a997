/* libFuzzer target: PNG/JPEG/BMP decoding through gan's guarded entry point,
 * then fitting to the training size. */
#include <stdint.h>
#include <stdlib.h>

#include "gan/data/fit.h"
#include "gan/data/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *px = NULL;
    int w, h;
    gan_error err;
    if (gan_image_decode(data, size, "fuzz", 3, &px, &w, &h, &err) == GAN_OK) {
        uint8_t out[3 * 16 * 16];
        const gan_fit fit = {.size = 16, .channels = 1, .mode = GAN_FIT_RESIZE};
        gan_fit_image(out, px, w, h, 3, &fit, "fuzz", &err);
        free(px);
    }
    return 0;
}
