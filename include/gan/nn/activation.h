/* Elementwise activations. */
#ifndef GAN_NN_ACTIVATION_H
#define GAN_NN_ACTIVATION_H

/* The rectifiers and their derivatives at one value: the single definition
 * the loops below, batchnorm's fused activation and its backward use. The
 * derivative comes from the OUTPUT's sign, which is the input's for
 * slope >= 0 (PyTorch's test is in > 0). */
static inline float gan_relu(float x) { return x > 0.0f ? x : 0.0f; }
static inline float gan_relu_grad(float out, float g) { return out > 0.0f ? g : 0.0f; }
static inline float gan_leaky_relu(float x, float slope) { return x > 0.0f ? x : x * slope; }
static inline float gan_leaky_relu_grad(float out, float g, float slope)
{
    return out > 0.0f ? g : g * slope;
}

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
