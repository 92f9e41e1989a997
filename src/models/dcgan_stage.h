/* What the DCGAN net's progressive growing (dcgan_grow.c) shares with its
 * body (dcgan.c): one stage's passes and which stages a phase runs. Private
 * to src/models. */
#ifndef GAN_MODELS_DCGAN_STAGE_H
#define GAN_MODELS_DCGAN_STAGE_H

#include <stdbool.h>

#include "gan/models/dcgan.h"

/* A stage's forward (conv, batchnorm, activation) on in, n samples: s->pre, s->out. */
void dcgan_stage_forward(gan_net *net, const gan_work *work, gan_stage *s, const float *in,
                         const int32_t *labels, int n, gan_mode mode);
/* Its backward from g, the gradient of s->out (overwritten): weight
 * gradients when params, the input's into din unless it is NULL. */
void dcgan_stage_backward(gan_net *net, const gan_work *work, gan_stage *s, float *g, float *din,
                          const float *in, bool params);

/* The stages the net's phase runs, first to last, and whether a block fades in. */
int dcgan_first_stage(const gan_net *net);
int dcgan_last_stage(const gan_net *net);
bool dcgan_fading(const gan_net *net);

/* Floats of a stage's output for n samples. */
static inline long dcgan_out_count(const gan_stage *s, int n)
{
    return (long)s->geom.oc * s->geom.oh * s->geom.ow * n;
}
/* y += x, n floats. */
void dcgan_add(float *y, const float *x, long n);

/* G after its last stage of the phase: toRGB (below the full size) and the
 * fade; returns the image [C, n, size, size]. */
const float *dcgan_grow_g_leave(gan_net *net, const gan_work *work, int n, gan_mode mode);
/* Its backward from dout (overwritten): the older toRGB's gradient into the
 * stage before the last (net->fade_side, when fading) and its weights, and
 * the returned gradient of the last stage's output (in one of grad[2],
 * taken at *next, which then flips, or dout itself). */
float *dcgan_grow_g_leave_backward(gan_net *net, const gan_work *work, float *dout, float *const grad[2],
                                   int *next, bool params);
/* D below the full size: fromRGB of the input; returns the first stage's input. */
const float *dcgan_grow_d_enter(gan_net *net, const gan_work *work, int n, gan_mode mode);
/* D after its first stage while it fades in: fromRGB(avgpool2(input)) and
 * the blend (net->fade_big), which the next stage reads; returns it. */
const float *dcgan_grow_d_fade(gan_net *net, const gan_work *work, int n, gan_mode mode);
/* Its backward from dblend, the blend's gradient (overwritten): the pooled
 * path's weights, its input gradient into net->fade_side (when input_grad),
 * and the first stage's output gradient, written to and returned in spare. */
float *dcgan_grow_d_fade_backward(gan_net *net, const gan_work *work, float *dblend, float *spare,
                                  bool params, bool input_grad);

#endif
