#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gan/io/checkpoint.h"
#include "gan/io/image_grid.h"
#include "gan/core/rng.h"

static const char HELP[] =
    "usage: gan interp --ckpt G.bin [--rows N] [--steps N] [--mode slerp|lerp] [--seed N] [--out FILE]\n"
    "\n"
    "Walks the latent space: each grid row goes from one random latent vector to\n"
    "another in --steps images, by spherical (slerp, default) or linear (lerp)\n"
    "interpolation. Prints the path it wrote.\n"
    "\n"
    "  --ckpt FILE     generator checkpoint\n"
    "  --rows N        rows, i.e. pairs of endpoints (default 8)\n"
    "  --steps N       images per row, endpoints included (default 10)\n"
    "  --mode MODE     slerp (default) or lerp\n"
    "  --seed N        seed of the endpoints (default 1)\n"
    "  --out FILE      the grid PNG (default interp.png)\n"
    "  --bn-batch      batchnorm from batch statistics instead of running ones\n"
    "  --quiet         print nothing but errors\n";

/* Spherical interpolation between a and b, falling back to linear when they
 * are (anti)parallel; the angle is taken between the directions. */
static void slerp(float *out, const float *a, const float *b, int n, double t)
{
    double na = 0, nb = 0, dot = 0;
    for (int i = 0; i < n; i++) na += (double)a[i] * a[i], nb += (double)b[i] * b[i], dot += (double)a[i] * b[i];
    double c = dot / (sqrt(na) * sqrt(nb) + 1e-30);
    c = c > 1 ? 1 : c < -1 ? -1 : c;
    double omega = acos(c), so = sin(omega);
    double wa = so < 1e-6 ? 1 - t : sin((1 - t) * omega) / so, wb = so < 1e-6 ? t : sin(t * omega) / so;
    for (int i = 0; i < n; i++) out[i] = (float)(wa * a[i] + wb * b[i]);
}

int cmd_interp(int argc, char **argv)
{
    const char *ckpt = NULL, *out = "interp.png", *mode = "slerp";
    long rows = 8, steps = 10, seed = 1;
    int bn_batch = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (cli_is_help(argv[i])) {
            return cli_help(HELP);
        } else if (strcmp(argv[i], "--bn-batch") == 0) {
            bn_batch = 1;
        } else if (cli_is_quiet(argv[i])) {
            quiet = 1;
        } else if (cli_opt(argc, argv, &i, "--ckpt", &v)) {
            if (!v) return cli_usage_error("interp", "--ckpt needs a file");
            ckpt = v;
        } else if (cli_opt(argc, argv, &i, "--rows", &v)) {
            if (cli_long(v, 1, 100, &rows) != 0) return cli_usage_error("interp", "--rows: expected 1 to 100");
        } else if (cli_opt(argc, argv, &i, "--steps", &v)) {
            if (cli_long(v, 2, 100, &steps) != 0) return cli_usage_error("interp", "--steps: expected 2 to 100");
        } else if (cli_opt(argc, argv, &i, "--seed", &v)) {
            if (cli_long(v, 0, 0x7fffffffffffffffL, &seed) != 0)
                return cli_usage_error("interp", "--seed: expected a non-negative integer");
        } else if (cli_opt(argc, argv, &i, "--mode", &v)) {
            if (!v || (strcmp(v, "slerp") != 0 && strcmp(v, "lerp") != 0))
                return cli_usage_error("interp", "--mode: expected slerp or lerp");
            mode = v;
        } else if (cli_opt(argc, argv, &i, "--out", &v)) {
            if (!v || !*v) return cli_usage_error("interp", "--out needs a file");
            out = v;
        } else {
            return cli_usage_error("interp", "unknown option '%s'", argv[i]);
        }
    }
    if (!ckpt) return cli_usage_error("interp", "--ckpt FILE is required");
    const int n = (int)(rows * steps);
    gan_net g;
    gan_error err;
    int rc = gan_model_load(ckpt, &g, 1, n, NULL, &err);
    if (rc != GAN_OK) return cli_report(rc, &err);
    const int nz = g.arch.nz;
    float *ends = malloc(sizeof(float) * 2 * rows * nz), *z = malloc(sizeof(float) * (size_t)n * nz);
    float *zi = malloc(sizeof(float) * nz);
    if (!ends || !z || !zi) {
        rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
    } else {
        gan_rng rng;
        gan_rng_seed(&rng, (uint64_t)seed);
        gan_rng_normal(&rng, ends, 2 * rows * nz, 0.0f, 1.0f);
        for (long r = 0; r < rows; r++) {
            const float *a = ends + 2 * r * nz, *b = a + nz;
            for (long s = 0; s < steps; s++) {
                double t = (double)s / (double)(steps - 1);
                if (strcmp(mode, "slerp") == 0) slerp(zi, a, b, nz, t);
                else for (int k = 0; k < nz; k++) zi[k] = (float)((1 - t) * a[k] + t * b[k]);
                long col = r * steps + s;  /* gan's channel-major latent: z[k * n + sample] */
                for (int k = 0; k < nz; k++) z[(long)k * n + col] = zi[k];
            }
        }
        const float *imgs = gan_net_forward(&g, z, n, bn_batch);
        rc = gan_grid_png(out, imgs, n, 0, n, g.arch.channels, g.arch.image_size, (int)steps, 2, &err);
    }
    free(ends), free(z), free(zi);
    gan_net_free(&g);
    if (rc != GAN_OK) return cli_report(rc, &err);
    if (!quiet) printf("%s\n", out);
    return EXIT_OK;
}
