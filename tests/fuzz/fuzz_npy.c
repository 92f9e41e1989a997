/* libFuzzer target: the .npy reader. */
#include <stdint.h>
#include <stdlib.h>

#include "gan/io/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    float *out = NULL;
    int ndim;
    int64_t shape[8];
    gan_error err;
    if (gan_npy_parse(data, size, "fuzz", &out, &ndim, shape, &err) == GAN_OK) free(out);
    return 0;
}
