/* libFuzzer target: the IDX image-file and label-file parsers. */
#include <stdint.h>
#include <stdlib.h>

#include "gan/data/fit.h"
#include "gan/data/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *images = NULL;
    long count;
    int rows, cols;
    gan_error err;
    if (gan_idx_parse(data, size, "fuzz", &images, &count, &rows, &cols, &err) == GAN_OK) {
        /* Fit the first image both ways, as the loader does. */
        uint8_t out[3 * 32 * 32];
        const gan_fit pad = {.size = 32, .channels = 3, .mode = GAN_FIT_PAD},
                      resize = {.size = 32, .channels = 1, .mode = GAN_FIT_RESIZE};
        gan_fit_image(out, images, cols, rows, 1, &pad, "fuzz", &err);
        gan_fit_image(out, images, cols, rows, 1, &resize, "fuzz", &err);
        free(images);
    }
    int32_t *labels = NULL;
    long nlabels;
    if (gan_idx_labels_parse(data, size, "fuzz", 10, &labels, &nlabels, &err) == GAN_OK) free(labels);
    return 0;
}
