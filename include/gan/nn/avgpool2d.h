/* 2x2 average pooling with stride 2 (PyTorch's AvgPool2d(2)) on planes of
 * h x w (channel-major activations: planes = C * N). An odd last row or
 * column is dropped, as PyTorch floors the output size. */
#ifndef GAN_NN_AVGPOOL2D_H
#define GAN_NN_AVGPOOL2D_H

/* out [planes, h/2, w/2] = the mean of each 2x2 block of in [planes, h, w]. */
void gan_avgpool2_forward(float *out, const float *in, long planes, int h, int w);
/* din [planes, h, w] = each block's share of dout, a quarter each (zero
 * in a dropped row or column); din is overwritten. */
void gan_avgpool2_backward(float *din, const float *dout, long planes, int h, int w);

#endif
