/* The shape of one convolution, computed once per layer and handed to
 * im2col, col2im and the convolutions, so no caller spells out the dozen
 * sizes again.
 *
 * Legend (every layer of gan): N batch; C, H, W input channels, height and
 * width; OC, OH, OW the output's; K square kernel; S stride; P zero padding.
 * Activations are channel-major, [C, N, H, W] (gan/nn/im2col.h). */
#ifndef GAN_NN_CONV_GEOM_H
#define GAN_NN_CONV_GEOM_H

#include <stddef.h>

typedef struct {
    int n;          /* batch */
    int c, h, w;    /* input channels, height, width */
    int oc, oh, ow; /* output channels, height, width */
    int k, s, p;    /* kernel side, stride, zero padding */
} gan_conv_geom;

/* Conv2d: OH = (H + 2P - K) / S + 1. */
static inline gan_conv_geom gan_conv_geom_make(int n, int c, int h, int w, int oc, int k, int s, int p)
{
    return (gan_conv_geom){.n = n,
                           .c = c,
                           .h = h,
                           .w = w,
                           .oc = oc,
                           .oh = (h + 2 * p - k) / s + 1,
                           .ow = (w + 2 * p - k) / s + 1,
                           .k = k,
                           .s = s,
                           .p = p};
}

/* ConvTranspose2d: OH = (H - 1) S - 2P + K. */
static inline gan_conv_geom gan_convt_geom_make(int n, int c, int h, int w, int oc, int k, int s, int p)
{
    return (gan_conv_geom){.n = n,
                           .c = c,
                           .h = h,
                           .w = w,
                           .oc = oc,
                           .oh = (h - 1) * s - 2 * p + k,
                           .ow = (w - 1) * s - 2 * p + k,
                           .k = k,
                           .s = s,
                           .p = p};
}

/* A transposed convolution is the adjoint of the convolution with input
 * and output swapped: that convolution's geometry. */
static inline gan_conv_geom gan_conv_geom_adjoint(const gan_conv_geom *g)
{
    return (gan_conv_geom){.n = g->n,
                           .c = g->oc,
                           .h = g->oh,
                           .w = g->ow,
                           .oc = g->c,
                           .oh = g->h,
                           .ow = g->w,
                           .k = g->k,
                           .s = g->s,
                           .p = g->p};
}

/* Floats of the im2col matrix of a convolution, [C*K*K, N*OH*OW]. */
static inline size_t gan_conv_col_floats(const gan_conv_geom *g)
{
    return (size_t)g->c * g->k * g->k * g->n * g->oh * g->ow;
}

/* Floats of the input and of the output, [C, N, H, W] and [OC, N, OH, OW]. */
static inline size_t gan_conv_in_floats(const gan_conv_geom *g) { return (size_t)g->c * g->n * g->h * g->w; }
static inline size_t gan_conv_out_floats(const gan_conv_geom *g)
{
    return (size_t)g->oc * g->n * g->oh * g->ow;
}

/* The passes of a convolution layer, each one SGEMM (the weight gradient
 * accumulates into dweight; the input gradient is the one before col2im).
 * The layers state each pass's shape (gan_conv2d_gemm,
 * gan_conv_transpose2d_gemm) and take their own calls' shapes from it, so
 * anything that needs the GEMMs of a network (gan bench's bound) reads them
 * there, never re-derives them. */
typedef enum { GAN_PASS_FORWARD, GAN_PASS_WEIGHT_GRAD, GAN_PASS_INPUT_GRAD } gan_conv_pass;

#endif
