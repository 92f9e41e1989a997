/* Progressive growing's passes around the DCGAN stages (see
 * gan/models/dcgan.h): G's toRGB and fade after its last stage, D's fromRGB
 * before its first and the fade after it. */
#include <string.h>

#include "dcgan_stage.h"
#include "gan/nn/avgpool2d.h"
#include "gan/nn/progressive.h"

void dcgan_add(float *y, const float *x, long n)
{
    for (long i = 0; i < n; i++) y[i] += x[i];
}

static void scale(float *x, float a, long n)
{
    for (long i = 0; i < n; i++) x[i] *= a;
}

const float *dcgan_grow_g_leave(gan_net *net, const gan_work *work, int n, gan_mode mode)
{
    const int k = dcgan_last_stage(net), r = net->size;
    const float *img = net->st[k].out;
    if (k < net->nstages - 1) { /* below the full size: the features' toRGB */
        dcgan_stage_forward(net, work, &net->rgb[k], img, NULL, n, mode);
        img = net->rgb[k].out;
    }
    if (!dcgan_fading(net)) return img;
    /* the older resolution's picture, from the stage before, upsampled */
    dcgan_stage_forward(net, work, &net->rgb[k - 1], net->st[k - 1].out, NULL, n, mode);
    const long planes = (long)net->arch.channels * n;
    gan_upsample2_forward(net->fade_big, net->rgb[k - 1].out, planes, r / 2, r / 2);
    gan_fade_forward(net->fade_out, net->fade_big, img, net->blend, planes * r * r);
    return net->fade_out;
}

float *dcgan_grow_g_leave_backward(gan_net *net, const gan_work *work, float *dout, float *const grad[2],
                                   int *next, bool params)
{
    const int k = dcgan_last_stage(net), r = net->size, n = net->last_n;
    const long planes = (long)net->arch.channels * n;
    if (dcgan_fading(net)) {
        gan_upsample2_backward(net->fade_small, dout, planes, r / 2, r / 2);
        scale(net->fade_small, 1.0f - net->blend, planes * (r / 2) * (r / 2));
        dcgan_stage_backward(net, work, &net->rgb[k - 1], net->fade_small, net->fade_side, net->st[k - 1].out,
                             params);
        scale(dout, net->blend, planes * r * r);
    }
    if (k == net->nstages - 1) return dout; /* the full size: the last stage made the image */
    float *dfeatures = grad[*next];
    *next ^= 1;
    dcgan_stage_backward(net, work, &net->rgb[k], dout, dfeatures, net->st[k].out, params);
    return dfeatures;
}

const float *dcgan_grow_d_enter(gan_net *net, const gan_work *work, int n, gan_mode mode)
{
    gan_stage *r = &net->rgb[dcgan_first_stage(net)];
    dcgan_stage_forward(net, work, r, net->input, NULL, n, mode);
    return r->out;
}

const float *dcgan_grow_d_fade(gan_net *net, const gan_work *work, int n, gan_mode mode)
{
    const int j = dcgan_first_stage(net), r = net->size;
    gan_avgpool2_forward(net->fade_small, net->input, (long)net->arch.channels * n, r, r);
    gan_stage *older = &net->rgb[j + 1];
    dcgan_stage_forward(net, work, older, net->fade_small, NULL, n, mode);
    gan_fade_forward(net->fade_big, older->out, net->st[j].out, net->blend, dcgan_out_count(&net->st[j], n));
    return net->fade_big;
}

float *dcgan_grow_d_fade_backward(gan_net *net, const gan_work *work, float *dblend, float *spare,
                                  bool params, bool input_grad)
{
    const int j = dcgan_first_stage(net), r = net->size, n = net->last_n;
    const long count = dcgan_out_count(&net->st[j], n);
    gan_fade_backward(NULL, spare, dblend, net->blend, count);  /* the new block's share, */
    gan_fade_backward(dblend, NULL, dblend, net->blend, count); /* then the older path's, in place */
    dcgan_stage_backward(net, work, &net->rgb[j + 1], dblend, input_grad ? net->fade_grad : NULL,
                         net->fade_small, params);
    if (input_grad) gan_avgpool2_backward(net->fade_side, net->fade_grad, (long)net->arch.channels * n, r, r);
    return spare;
}
