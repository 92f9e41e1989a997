#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "gan/core/blas.h"
#include "gan/core/path.h"
#include "gan/core/rng.h"
#include "gan/core/work.h"
#include "gan/io/checkpoint.h"
#include "gan/io/image_grid.h"
#include "gan/io/npy.h"
#include "gan/jobs/generate.h"
#include "gan/nn/layout.h"

enum { MAX_N = 10000, BN_CHUNK = 1024 };

static const cli_option OPTIONS[] = {
    {"ckpt", 0, "FILE", false, "generator checkpoint (g.bin from gan train)"},
    {"n", 'n', "N", false, "number of images (default 64; at most 10000)"},
    {"out", 0, "FILE", false, "the grid PNG (default samples.png)"},
    {"seed", 0, "N", false, "seed of the latent vectors (default 1: same seed, same images)"},
    {"nrow", 0, "N", false, "images per grid row (default: near-square)"},
    {"each", 0, "DIR", false, "also write one PNG per image: DIR/000000.png, ..."},
    {"z-in", 0, "FILE", false,
     "read the latent vectors from a .npy (float32, [n, nz]) instead of drawing them"},
    {"z-out", 0, "FILE", false, "write the latent vectors used to a .npy (float32, [n, nz])"},
    {"npy", 0, "FILE", false, "write the images to a .npy (float32, [n, C, H, W], values in [-1, 1])"},
    {"truncation", 0, "PSI", false,
     "the truncation trick: draw latent components again while |z| > PSI\n"
     "(smaller: cleaner, less varied images)"},
    {"bn-batch", 0, NULL, false,
     "batchnorm from the batch's statistics instead of the running ones\n"
     "(as PyTorch in train mode; batches of up to 1024)"},
    {"quiet", 'q', NULL, false, "print nothing but errors"},
};

const cli_command CLI_SAMPLE = {
    .name = "sample",
    .usage = "--ckpt G.bin [-n N] [options]",
    .about = "Generates N images with a generator checkpoint and writes them as a PNG grid.\n"
             "Prints every path it wrote, one per line, on stdout.",
    .options = OPTIONS,
    .noptions = sizeof OPTIONS / sizeof OPTIONS[0],
};

/* Latent vectors from a .npy: [n, nz] or [n, nz, 1, 1], finite, n as asked. */
static gan_status read_latents(const char *path, int64_t want_n, float **z, int64_t *n, int64_t *nz,
                               gan_error *err)
{
    int ndim = 0;
    int64_t shape[8];
    gan_status rc = gan_npy_load(path, z, &ndim, shape, err);
    if (rc != GAN_OK) return rc;
    if (ndim != 2 && !(ndim == 4 && shape[2] == 1 && shape[3] == 1))
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: shape must be [n, nz] (or [n, nz, 1, 1]), got %d dimensions",
                      path, ndim);
    else if (shape[0] < 1 || shape[0] > MAX_N || (want_n >= 0 && shape[0] != want_n))
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: holds %lld latent vectors; expected %s%lld", path,
                      (long long)shape[0], want_n >= 0 ? "-n = " : "1 to ",
                      want_n >= 0 ? (long long)want_n : (long long)MAX_N);
    for (int64_t i = 0; rc == GAN_OK && i < shape[0] * shape[1]; i++)
        if (!isfinite((*z)[i]))
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: row %lld holds a non-finite value (%g)", path,
                          (long long)(i / shape[1]), (double)(*z)[i]);
    if (rc != GAN_OK) {
        free(*z);
        *z = NULL;
        return rc;
    }
    *n = shape[0];
    *nz = shape[1];
    return GAN_OK;
}

static gan_status make_folder(const char *dir, gan_error *err)
{
    if (mkdir(dir, 0755) == 0) return GAN_OK;
    const int e = errno;
    struct stat st;
    if (e == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return GAN_OK;
    return gan_fail(err, GAN_ERR_IO, "%s: cannot create folder: %s", dir,
                    e == EEXIST ? "a file of that name exists" : strerror(e));
}

int cmd_sample(int argc, char **argv)
{
    cli_args a;
    int code = cli_parse(&CLI_SAMPLE, argc, argv, &a);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    const char *ckpt = cli_get(&CLI_SAMPLE, &a, "ckpt"), *out = cli_get(&CLI_SAMPLE, &a, "out"),
               *each = cli_get(&CLI_SAMPLE, &a, "each");
    const char *z_in = cli_get(&CLI_SAMPLE, &a, "z-in"), *z_out = cli_get(&CLI_SAMPLE, &a, "z-out"),
               *npy = cli_get(&CLI_SAMPLE, &a, "npy");
    const bool quiet = cli_flag(&CLI_SAMPLE, &a, "quiet");
    const gan_mode bn_mode = cli_flag(&CLI_SAMPLE, &a, "bn-batch") ? GAN_MODE_TRAIN : GAN_MODE_EVAL;
    int64_t n = -1, seed = 1, nrow = 0;
    if (!out) out = "samples.png";
    code = cli_get_int64(&CLI_SAMPLE, &a, "n", 1, MAX_N, &n);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_SAMPLE, &a, "seed", 0, INT64_MAX, &seed);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_SAMPLE, &a, "nrow", 1, MAX_N, &nrow);
    double truncation = 0.0;
    if (code == EXIT_OK) code = cli_get_truncation(&CLI_SAMPLE, &a, &truncation);
    if (code == EXIT_OK && truncation > 0 && z_in)
        code = cli_usage_error(CLI_SAMPLE.name, "--truncation draws latents; with --z-in they are given");
    if (code == EXIT_OK && a.noperands > 0)
        code = cli_usage_error(CLI_SAMPLE.name, "unexpected argument '%s'", a.operands[0]);
    if (code == EXIT_OK && !ckpt) code = cli_usage_error(CLI_SAMPLE.name, "--ckpt FILE is required");
    if (code == EXIT_OK &&
        (!*out || (each && !*each) || (z_in && !*z_in) || (z_out && !*z_out) || (npy && !*npy)))
        code = cli_usage_error(CLI_SAMPLE.name, "an empty file name");
    if (code != EXIT_OK) {
        cli_args_free(&a);
        return code;
    }

    gan_error err;
    gan_status rc = GAN_OK;
    float *z = NULL, *imgs = NULL, *zc = NULL, *nchw = NULL;
    gan_net g;
    gan_work work;
    memset(&g, 0, sizeof g);
    memset(&work, 0, sizeof work);
    int64_t z_rows = 0, z_nz = 0;
    if (z_in) {
        rc = read_latents(z_in, n, &z, &z_rows, &z_nz, &err);
        n = z_rows;
    }
    if (n < 0) n = 64;
    /* Inference: chunks as large as GAN_GENERATE_BUDGET allows (the results do
     * not depend on it). Batch statistics do: --bn-batch keeps chunks of 1024. */
    gan_arch arch;
    if (rc == GAN_OK) rc = gan_model_peek(ckpt, &arch, GAN_NET_GENERATOR, &err);
    const int chunk = rc != GAN_OK                ? 1
                      : bn_mode == GAN_MODE_TRAIN ? (int)(n < BN_CHUNK ? n : BN_CHUNK)
                                                  : gan_generate_chunk(&arch, n, GAN_GENERATE_BUDGET);
    if (rc == GAN_OK) rc = gan_model_load(ckpt, &g, GAN_NET_GENERATOR, chunk, NULL, &err);
    gan_pool *pool = rc == GAN_OK ? gan_threads_start(0) : NULL;
    if (rc == GAN_OK && gan_work_alloc(&work, gan_net_work_plan(&g), pool) != GAN_OK)
        rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
    const int nz = g.arch.nz, C = g.arch.channels, S = g.arch.image_size;
    const long plane = (long)S * S;
    if (rc == GAN_OK && z_in && z_nz != nz)
        rc = gan_fail(&err, GAN_ERR_INPUT, "%s: latent size %lld, but %s expects nz = %d", z_in,
                      (long long)z_nz, ckpt, nz);
    if (rc == GAN_OK && (double)n * C * plane > (double)(1L << 28)) {
        code = cli_usage_error(CLI_SAMPLE.name, "-n %lld images of %dx%dx%d need more than 1 GiB; use fewer",
                               (long long)n, S, S, C);
        goto done;
    }
    if (rc == GAN_OK && !z) {
        z = malloc(sizeof(float) * (size_t)n * nz);
        if (!z) rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
        else {
            gan_rng rng;
            gan_rng_seed(&rng, (uint64_t)seed);
            gan_rng_truncated_normal(&rng, z, (long)n * nz, truncation);
        }
    }
    if (rc == GAN_OK) {
        imgs = malloc(sizeof(float) * (size_t)n * C * plane);
        zc = malloc(sizeof(float) * (size_t)chunk * nz);
        if (!imgs || !zc) rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
    }
    if (rc == GAN_OK) gan_generate(&g, &work, z, n, bn_mode, zc, imgs);
    if (rc == GAN_OK) {
        const gan_grid grid = {.images = imgs,
                               .batch = (int)n,
                               .count = (int)n,
                               .channels = C,
                               .size = S,
                               .per_row = nrow > 0 ? (int)nrow : gan_grid_square_row((int)n),
                               .pad = 2};
        rc = gan_grid_png(out, &grid, &err);
        if (rc == GAN_OK && !quiet) printf("%s\n", out);
    }
    if (rc == GAN_OK && each) {
        rc = make_folder(each, &err);
        for (long i = 0; i < n && rc == GAN_OK; i++) {
            char path[GAN_PATH_MAX];
            rc = gan_path_format(path, &err, "%s/%06ld.png", each, i);
            const gan_grid one = {.images = imgs,
                                  .batch = (int)n,
                                  .first = (int)i,
                                  .count = 1,
                                  .channels = C,
                                  .size = S,
                                  .per_row = 1,
                                  .pad = 0};
            if (rc == GAN_OK) rc = gan_grid_png(path, &one, &err);
        }
        if (rc == GAN_OK && !quiet) printf("%s\n", each);
    }
    if (rc == GAN_OK && z_out) {
        const int64_t shape[2] = {n, nz};
        rc = gan_npy_save(z_out, z, 2, shape, &err);
        if (rc == GAN_OK && !quiet) printf("%s\n", z_out);
    }
    if (rc == GAN_OK && npy) {
        nchw = malloc(sizeof(float) * (size_t)n * C * plane);
        if (!nchw) {
            rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
        } else {
            gan_copy_images(nchw, gan_layout_nchw(C, plane), imgs, gan_layout_cnhw(n, plane), n, C, plane);
            const int64_t shape[4] = {n, C, S, S};
            rc = gan_npy_save(npy, nchw, 4, shape, &err);
            if (rc == GAN_OK && !quiet) printf("%s\n", npy);
        }
    }
done:
    if (rc != GAN_OK) code = cli_report(rc, &err);
    gan_net_free(&g);
    gan_work_free(&work);
    gan_pool_free(pool);
    free(z), free(imgs), free(zc), free(nchw);
    cli_args_free(&a);
    return code;
}
