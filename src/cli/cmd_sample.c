#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "gan/io/checkpoint.h"
#include "gan/io/image_grid.h"
#include "gan/io/npy.h"
#include "gan/core/rng.h"

static const char HELP[] =
    "usage: gan sample --ckpt G.bin [-n N] [options]\n"
    "\n"
    "Generates N images with a generator checkpoint and writes them as a PNG grid.\n"
    "Prints every path it wrote, one per line, on stdout.\n"
    "\n"
    "  --ckpt FILE     generator checkpoint (g.bin from gan train)\n"
    "  -n, --n N       number of images (default 64; at most 10000)\n"
    "  --out FILE      the grid PNG (default samples.png)\n"
    "  --seed N        seed of the latent vectors (default 1: same seed, same images)\n"
    "  --nrow N        images per grid row (default: near-square)\n"
    "  --each DIR      also write one PNG per image: DIR/000000.png, ...\n"
    "  --z-in FILE     read the latent vectors from a .npy (float32, [n, nz]) instead of drawing them\n"
    "  --z-out FILE    write the latent vectors used to a .npy (float32, [n, nz])\n"
    "  --npy FILE      write the images to a .npy (float32, [n, C, H, W], values in [-1, 1])\n"
    "  --bn-batch      batchnorm from the batch's statistics instead of the running ones\n"
    "                  (as PyTorch in train mode; batches of up to 1024)\n"
    "  --quiet         print nothing but errors\n";

enum { MAX_N = 10000, CHUNK = 256, BN_CHUNK = 1024 };

int cmd_sample(int argc, char **argv)
{
    const char *ckpt = NULL, *out = "samples.png", *each = NULL, *z_in = NULL, *z_out = NULL, *npy = NULL;
    long n = -1, seed = 1, nrow = 0;
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
            if (!v) return cli_usage_error("sample", "--ckpt needs a file");
            ckpt = v;
        } else if (cli_opt(argc, argv, &i, "-n", &v) || cli_opt(argc, argv, &i, "--n", &v)) {
            if (cli_long(v, 1, MAX_N, &n) != 0)
                return cli_usage_error("sample", "-n: expected an integer from 1 to %d, got '%s'", MAX_N, v ? v : "");
        } else if (cli_opt(argc, argv, &i, "--seed", &v)) {
            if (cli_long(v, 0, 0x7fffffffffffffffL, &seed) != 0)
                return cli_usage_error("sample", "--seed: expected a non-negative integer, got '%s'", v ? v : "");
        } else if (cli_opt(argc, argv, &i, "--nrow", &v)) {
            if (cli_long(v, 1, MAX_N, &nrow) != 0)
                return cli_usage_error("sample", "--nrow: expected an integer from 1 to %d, got '%s'", MAX_N, v ? v : "");
        } else if (cli_opt(argc, argv, &i, "--out", &v)) {
            if (!v || !*v) return cli_usage_error("sample", "--out needs a file");
            out = v;
        } else if (cli_opt(argc, argv, &i, "--each", &v)) {
            if (!v || !*v) return cli_usage_error("sample", "--each needs a folder");
            each = v;
        } else if (cli_opt(argc, argv, &i, "--z-in", &v)) {
            if (!v || !*v) return cli_usage_error("sample", "--z-in needs a file");
            z_in = v;
        } else if (cli_opt(argc, argv, &i, "--z-out", &v)) {
            if (!v || !*v) return cli_usage_error("sample", "--z-out needs a file");
            z_out = v;
        } else if (cli_opt(argc, argv, &i, "--npy", &v)) {
            if (!v || !*v) return cli_usage_error("sample", "--npy needs a file");
            npy = v;
        } else {
            return cli_usage_error("sample", "unknown option '%s'", argv[i]);
        }
    }
    if (!ckpt) return cli_usage_error("sample", "--ckpt FILE is required");

    gan_error err;
    int rc = GAN_OK, code = EXIT_OK;
    float *z = NULL, *imgs = NULL, *zc = NULL, *nchw = NULL;
    gan_net g;
    memset(&g, 0, sizeof g);
    int zdims = 0;
    int64_t zshape[8];
    if (z_in) {
        rc = gan_npy_load(z_in, &z, &zdims, zshape, &err);
        if (rc != GAN_OK) return cli_report(rc, &err);
        if (zdims != 2 && !(zdims == 4 && zshape[2] == 1 && zshape[3] == 1)) {
            free(z);
            gan_fail(&err, GAN_ERR_INPUT, "%s: shape must be [n, nz] (or [n, nz, 1, 1]), got %d dimensions", z_in, zdims);
            return cli_report(GAN_ERR_INPUT, &err);
        }
        if (zshape[0] < 1 || zshape[0] > MAX_N || (n >= 0 && zshape[0] != n)) {
            free(z);
            gan_fail(&err, GAN_ERR_INPUT, "%s: holds %lld latent vectors; expected %s%ld", z_in, (long long)zshape[0],
                     n >= 0 ? "-n = " : "1 to ", n >= 0 ? n : (long)MAX_N);
            return cli_report(GAN_ERR_INPUT, &err);
        }
        n = (long)zshape[0];
    }
    if (n < 0) n = 64;
    const int chunk = (int)(bn_batch ? (n < BN_CHUNK ? n : BN_CHUNK) : (n < CHUNK ? n : CHUNK));
    rc = gan_model_load(ckpt, &g, 1, chunk, NULL, &err);
    if (rc != GAN_OK) {
        free(z);
        return cli_report(rc, &err);
    }
    const int nz = g.arch.nz, C = g.arch.channels, S = g.arch.image_size;
    const long plane = (long)S * S;
    if (z_in && zshape[1] != nz) {
        rc = gan_fail(&err, GAN_ERR_INPUT, "%s: latent size %lld, but %s expects nz = %d", z_in, (long long)zshape[1],
                      ckpt, nz);
        goto done;
    }
    if ((double)n * C * plane > (double)(1L << 28)) {
        code = cli_usage_error("sample", "-n %ld images of %dx%dx%d need more than 1 GiB; use fewer", n, S, S, C);
        goto done;
    }
    if (!z) {
        z = malloc(sizeof(float) * (size_t)n * nz);
        if (!z) {
            rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
            goto done;
        }
        gan_rng rng;
        gan_rng_seed(&rng, (uint64_t)seed);
        gan_rng_normal(&rng, z, n * nz, 0.0f, 1.0f);
    }
    imgs = malloc(sizeof(float) * (size_t)n * C * plane);
    zc = malloc(sizeof(float) * (size_t)chunk * nz);
    if (!imgs || !zc) {
        rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (long start = 0; start < n; start += chunk) {
        int m = (int)(n - start < chunk ? n - start : chunk);
        for (int i = 0; i < m; i++)  /* [n, nz] rows -> gan's channel-major [nz, m] */
            for (int k = 0; k < nz; k++) zc[(long)k * m + i] = z[(start + i) * nz + k];
        const float *o = gan_net_forward(&g, zc, m, bn_batch);
        for (int c = 0; c < C; c++)
            memcpy(imgs + ((long)c * n + start) * plane, o + (long)c * m * plane, sizeof(float) * m * plane);
    }
    if (nrow == 0) nrow = (long)ceil(sqrt((double)n));
    rc = gan_grid_png(out, imgs, (int)n, 0, (int)n, C, S, (int)nrow, 2, &err);
    if (rc == GAN_OK && !quiet) printf("%s\n", out);
    if (rc == GAN_OK && each) {
        if (mkdir(each, 0755) != 0) {
            struct stat st;
            if (stat(each, &st) != 0 || !S_ISDIR(st.st_mode))
                rc = gan_fail(&err, GAN_ERR_IO, "%s: cannot create folder", each);
        }
        for (long i = 0; i < n && rc == GAN_OK; i++) {
            char path[4200];
            snprintf(path, sizeof path, "%s/%06ld.png", each, i);
            rc = gan_grid_png(path, imgs, (int)n, (int)i, 1, C, S, 1, 0, &err);
        }
        if (rc == GAN_OK && !quiet) printf("%s\n", each);
    }
    if (rc == GAN_OK && z_out) {
        int64_t shape[2] = {n, nz};
        rc = gan_npy_save(z_out, z, 2, shape, &err);
        if (rc == GAN_OK && !quiet) printf("%s\n", z_out);
    }
    if (rc == GAN_OK && npy) {
        nchw = malloc(sizeof(float) * (size_t)n * C * plane);
        if (!nchw) {
            rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
        } else {
            for (long i = 0; i < n; i++)
                for (int c = 0; c < C; c++)
                    memcpy(nchw + (i * C + c) * plane, imgs + ((long)c * n + i) * plane, sizeof(float) * plane);
            int64_t shape[4] = {n, C, S, S};
            rc = gan_npy_save(npy, nchw, 4, shape, &err);
            if (rc == GAN_OK && !quiet) printf("%s\n", npy);
        }
    }
done:
    if (rc != GAN_OK) code = cli_report(rc, &err);
    gan_net_free(&g);
    free(z), free(imgs), free(zc), free(nchw);
    return code;
}
