/* Batches of images in the two layouts gan meets: channel-major [C, N, H, W]
 * (every activation inside gan) and image-major [N, C, H, W] (files,
 * PyTorch, Linear layers). A layout is two strides; one copy serves every
 * conversion and every gather of a slice. */
#ifndef GAN_NN_LAYOUT_H
#define GAN_NN_LAYOUT_H

typedef struct {
    long image;   /* floats from image i to image i + 1 */
    long channel; /* floats from channel c to channel c + 1 of one image */
} gan_layout;

/* Channel-major [C, batch, plane]: channel c of image i at (c * batch + i) * plane. */
static inline gan_layout gan_layout_cnhw(long batch, long plane)
{
    return (gan_layout){plane, batch * plane};
}
/* Image-major [batch, C, plane]: channel c of image i at (i * C + c) * plane. */
static inline gan_layout gan_layout_nchw(int channels, long plane)
{
    return (gan_layout){(long)channels * plane, plane};
}

/* Copies `count` images of `channels` planes of `plane` floats each from src
 * (laid out as src_layout) to dst (as dst_layout). To start at image k, pass
 * data + k * layout.image. */
void gan_copy_images(float *dst, gan_layout dst_layout, const float *src, gan_layout src_layout, long count,
                     int channels, long plane);

#endif
