#include "gan/nn/layout.h"
#include "gan/core/dispatch.h"

#include <string.h>

GAN_HOT void gan_copy_images(float *dst, gan_layout dst_layout, const float *src, gan_layout src_layout,
                             long count, int channels, long plane)
{
    for (int c = 0; c < channels; c++)
        for (long i = 0; i < count; i++)
            memcpy(dst + i * dst_layout.image + c * dst_layout.channel,
                   src + i * src_layout.image + c * src_layout.channel, sizeof(float) * (size_t)plane);
}
