/* Would cutting the batch into slices pay? For each k4s2p1 layer of a
 * DCGAN's generator, this times the forward's SGEMM + col2im over the whole
 * batch against the same work one slice of the batch at a time, so that a
 * slice's column matrix stays in cache between the SGEMM that writes it and
 * the col2im that reads it. (D's input gradients have the same shapes.)
 * Prints milliseconds, best of --reps, on gan's own thread pool.
 *
 *   bench_gemm_slices [--size 64] [--channels 3] [--width 32] [--batch 32]
 *                     [--threads 2] [--reps 15]
 *
 * A measurement tool, not a test: README "Speed" quotes its figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/clock.h"
#include "gan/core/gemm.h"
#include "gan/core/pool.h"
#include "gan/nn/conv2d.h"
#include "gan/nn/conv_transpose2d.h"
#include "gan/nn/im2col.h"

typedef struct {
    int size, channels, width, batch, threads, reps;
} options;

static int parse(int argc, char **argv, options *o)
{
    *o = (options){64, 3, 32, 32, 2, 15};
    for (int i = 1; i + 1 < argc; i += 2) {
        int *field = !strcmp(argv[i], "--size")       ? &o->size
                     : !strcmp(argv[i], "--channels") ? &o->channels
                     : !strcmp(argv[i], "--width")    ? &o->width
                     : !strcmp(argv[i], "--batch")    ? &o->batch
                     : !strcmp(argv[i], "--threads")  ? &o->threads
                     : !strcmp(argv[i], "--reps")     ? &o->reps
                                                      : NULL;
        if (!field) return -1;
        *field = atoi(argv[i + 1]);
    }
    if (argc % 2 == 0 || o->size < 8 || (o->size & (o->size - 1)) || o->channels < 1 || o->width < 1 ||
        o->batch < 1 || o->threads < 1 || o->reps < 1)
        return -1;
    return 0;
}

static void fill(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) x[i] = (float)((i * 2654435761u) % 1000) * 1e-3f - 0.5f;
}

/* Best time of reps runs of: for each slice of nb images, col = W^T @ in
 * (the slice's columns), then col2im of col. nb == batch is today's path.
 * Every slice's col2im writes the same slice-sized output: a fused layer
 * would write each into its place in the batch, the same number of bytes. */
static double time_slices(const gan_conv_geom *g, int nb, const float *in, const float *w, float *col,
                          float *out, int reps, gan_pool *pool)
{
    gan_conv_geom slice = *g;
    slice.n = nb;
    const gan_conv_geom adj = gan_conv_geom_adjoint(&slice);
    const int okk = g->oc * g->k * g->k, plane = g->h * g->w, cols = g->n * plane;
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        const double t0 = gan_seconds();
        for (int n0 = 0; n0 + nb <= g->n; n0 += nb) {
            gan_gemm(GAN_TRANS, GAN_NO_TRANS, okk, nb * plane, g->c, 1.0f, w, okk, in + (long)n0 * plane,
                     cols, 0.0f, col, nb * plane, pool);
            gan_col2im(out, col, &adj, pool);
        }
        const double t = gan_seconds() - t0;
        if (t < best) best = t;
    }
    return best * 1e3;
}

int main(int argc, char **argv)
{
    options o;
    if (parse(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: bench_gemm_slices [--size S (power of 2)] [--channels C] [--width W] "
                        "[--batch N] [--threads T] [--reps R]\n");
        return 2;
    }
    gan_pool *pool = gan_pool_create(o.threads);
    printf("G's k4s2p1 layers, %dx%dx%d, width %d, batch %d, %d threads: ms of SGEMM + col2im\n", o.size,
           o.size, o.channels, o.width, o.batch, o.threads);
    printf("%-22s %10s", "layer", "whole");
    const int slices[] = {16, 8, 4, 2, 1};
    for (int s = 0; s < 5; s++) printf("  by %2d img", slices[s]);
    printf("\n");
    /* G doubles the side from 4 to size; channels halve from width * size / 8 */
    for (int h = 4, c = o.width * o.size / 8; h < o.size; h *= 2, c /= 2) {
        const int oc = 2 * h == o.size ? o.channels : c / 2;
        const gan_conv_geom g = gan_convt_geom_make(o.batch, c, h, h, oc, 4, 2, 1);
        const size_t in_n = gan_conv_in_floats(&g), w_n = (size_t)c * oc * 16;
        float *in = malloc(sizeof(float) * in_n), *w = malloc(sizeof(float) * w_n),
              *col = malloc(sizeof(float) * gan_convt_col_floats(&g)),
              *out = malloc(sizeof(float) * gan_conv_out_floats(&g));
        if (!in || !w || !col || !out) {
            fprintf(stderr, "bench_gemm_slices: out of memory\n");
            free(in), free(w), free(col), free(out);
            gan_pool_free(pool);
            return 1;
        }
        fill(in, in_n);
        fill(w, w_n);
        char name[64];
        snprintf(name, sizeof name, "%d->%d, %d->%d px", c, oc, h, 2 * h);
        printf("%-22s %8.2f  ", name, time_slices(&g, o.batch, in, w, col, out, o.reps, pool));
        for (int s = 0; s < 5; s++) {
            if (o.batch % slices[s] || slices[s] >= o.batch) printf("  %9s", "-");
            else printf("  %9.2f", time_slices(&g, slices[s], in, w, col, out, o.reps, pool));
        }
        printf("\n");
        free(in), free(w), free(col), free(out);
    }
    gan_pool_free(pool);
    return 0;
}
