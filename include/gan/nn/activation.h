/* Elementwise activations. */
#ifndef GAN_NN_ACTIVATION_H
#define GAN_NN_ACTIVATION_H

/* ---- elementwise activations over n values; out may alias in, din may alias dout.
 * ReLU and LeakyReLU (slope >= 0) take their derivative from the OUTPUT's sign,
 * which equals the input's, so they can run in place after batchnorm. */
void gan_relu_forward(float *out, const float *in, long n);
void gan_relu_backward(float *din, const float *dout, const float *out, long n);
void gan_leakyrelu_forward(float *out, const float *in, long n, float slope);
void gan_leakyrelu_backward(float *din, const float *dout, const float *out, long n, float slope);
void gan_tanh_forward(float *out, const float *in, long n);
void gan_tanh_backward(float *din, const float *dout, const float *out, long n);
void gan_sigmoid_forward(float *out, const float *in, long n);
void gan_sigmoid_backward(float *din, const float *dout, const float *out, long n);

#endif
