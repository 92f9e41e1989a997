#include "gan/jobs/generate.h"

#include "gan/nn/layout.h"

int gan_generate_chunk(const gan_arch *arch, long n, size_t budget)
{
    /* a net's memory grows linearly with its batch: plan one, scale, check */
    gan_net g;
    const int probe = 64;
    const size_t per =
        (gan_net_plan(&g, arch, GAN_NET_GENERATOR, probe) + gan_work_plan_bytes(gan_net_work_plan(&g))) /
        probe;
    long chunk = per > 0 ? (long)(budget / per) : n;
    if (chunk > n) chunk = n;
    if (chunk < 1) chunk = 1;
    return (int)(chunk > 100000 ? 100000 : chunk);
}

void gan_generate(gan_net *g, const gan_work *work, const float *z, const int32_t *labels, long n,
                  gan_mode bn_mode, float *zc, float *images)
{
    const int nz = g->arch.nz, C = g->arch.channels, chunk = g->max_batch;
    const long plane = (long)g->size * g->size;
    for (long start = 0; start < n; start += chunk) {
        const int m = (int)(n - start < chunk ? n - start : chunk);
        /* [n, nz] rows -> gan's channel-major [nz, m] */
        gan_copy_images(zc, gan_layout_cnhw(m, 1), z + start * nz, gan_layout_nchw(nz, 1), m, nz, 1);
        const float *o = gan_net_forward(g, work, zc, labels ? labels + start : NULL, m, bn_mode);
        gan_copy_images(images + start * plane, gan_layout_cnhw(n, plane), o, gan_layout_cnhw(m, plane), m, C,
                        plane);
    }
}
