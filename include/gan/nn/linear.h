/* Dense layer (torch.nn.Linear). */
#ifndef GAN_NN_LINEAR_H
#define GAN_NN_LINEAR_H

/* ---- linear (dense), batch-major: in [N, IN], weight [OUT, IN], bias [OUT] or NULL,
 * out [N, OUT] = in @ weight^T + bias. */
void gan_linear_forward(float *out, const float *in, const float *weight, const float *bias, int n, int in_f,
                        int out_f);
void gan_linear_backward(float *din, float *dweight, float *dbias, const float *dout, const float *in,
                         const float *weight, int n, int in_f, int out_f);

#endif
