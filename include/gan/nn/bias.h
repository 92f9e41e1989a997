/* Per-channel bias of channel-major activations [C, N*H*W], shared by the
 * convolutions. */
#ifndef GAN_NN_BIAS_H
#define GAN_NN_BIAS_H

/* x[c, i] += bias[c] for each of the `plane` values i of channel c. */
void gan_bias_add(float *x, const float *bias, int channels, long plane);
/* dbias[c] += sum_i dout[c, i], summed in double (plane reaches N*H*W). */
void gan_bias_backward(float *dbias, const float *dout, int channels, long plane);

#endif
