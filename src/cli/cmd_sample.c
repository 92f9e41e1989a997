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
    {"class", 0, "K", true,
     "a conditional generator's class, by name or index (repeatable: the\n"
     "images are split among them, a row each); 'all': one row per class,\n"
     "--nrow (default 8) images each. Without it, classes are drawn uniformly"},
    {"labels-in", 0, "FILE", false, "read the images' classes from a .npy (int64, [n])"},
    {"labels-out", 0, "FILE", false, "write the images' classes to a .npy (int64, [n])"},
    {"bn-batch", 0, NULL, false,
     "batchnorm from the batch's statistics instead of the running ones\n"
     "(as PyTorch in train mode; batches of up to 1024)"},
    {"quiet", 'q', NULL, false, "print nothing but errors"},
};

const cli_command CLI_SAMPLE = {
    .name = "sample",
    .usage = "--ckpt G.bin [-n N] [options]",
    .about = "Generates N images with a generator checkpoint and writes them as a PNG grid.\n"
             "A conditional generator's grid has a row per class, named at its left.\n"
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

/* Class labels from a .npy: int64 [n], each a class of the generator. */
static gan_status read_labels(const char *path, int64_t want_n, int classes, int32_t **labels, int64_t *n,
                              gan_error *err)
{
    int ndim = 0;
    int64_t shape[8], *raw = NULL;
    gan_status rc = gan_npy_load_i64(path, &raw, &ndim, shape, err);
    if (rc != GAN_OK) return rc;
    if (ndim != 1) rc = gan_fail(err, GAN_ERR_INPUT, "%s: shape must be [n], got %d dimensions", path, ndim);
    else if (shape[0] < 1 || shape[0] > MAX_N || (want_n >= 0 && shape[0] != want_n))
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: holds %lld labels; expected %s%lld", path, (long long)shape[0],
                      want_n >= 0 ? "n = " : "1 to ", want_n >= 0 ? (long long)want_n : (long long)MAX_N);
    for (int64_t i = 0; rc == GAN_OK && i < shape[0]; i++)
        if (raw[i] < 0 || raw[i] >= classes)
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: label %lld of image %lld is not a class (0 to %d)", path,
                          (long long)raw[i], (long long)i, classes - 1);
    if (rc == GAN_OK) {
        *labels = malloc(sizeof(int32_t) * (size_t)shape[0]);
        if (!*labels) rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        for (int64_t i = 0; rc == GAN_OK && i < shape[0]; i++) (*labels)[i] = (int32_t)raw[i];
        *n = shape[0];
    }
    free(raw);
    return rc;
}

/* The classes --class names, as indices (all: every class). */
static gan_status parse_classes(const cli_value *given, const gan_net *g, const char *ckpt, int *wanted,
                                gan_error *err)
{
    char label[GAN_PATH_MAX + 16];
    snprintf(label, sizeof label, "%s: --class", ckpt);
    for (int i = 0; i < given->count; i++) {
        gan_status rc = gan_classes_find(&g->classes, given->values[i], label, &wanted[i], err);
        if (rc != GAN_OK) return rc;
    }
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
               *npy = cli_get(&CLI_SAMPLE, &a, "npy"), *labels_in = cli_get(&CLI_SAMPLE, &a, "labels-in"),
               *labels_out = cli_get(&CLI_SAMPLE, &a, "labels-out");
    const cli_value *class_opt = &a.opt[cli_find(&CLI_SAMPLE, "class")];
    bool all_classes = false;
    for (int i = 0; i < class_opt->count; i++) all_classes |= strcmp(class_opt->values[i], "all") == 0;
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
    if (code == EXIT_OK && (!*out || (each && !*each) || (z_in && !*z_in) || (z_out && !*z_out) ||
                            (npy && !*npy) || (labels_in && !*labels_in) || (labels_out && !*labels_out)))
        code = cli_usage_error(CLI_SAMPLE.name, "an empty file name");
    if (code == EXIT_OK && all_classes && class_opt->count > 1)
        code = cli_usage_error(CLI_SAMPLE.name, "--class all goes alone");
    if (code == EXIT_OK && class_opt->count > 0 && labels_in)
        code = cli_usage_error(CLI_SAMPLE.name, "--class and --labels-in both give the classes; choose one");
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
    int32_t *labels = NULL;
    int *wanted = NULL;
    cli_class_grid rows = {0};
    gan_pool *pool = NULL;
    if (z_in) {
        rc = read_latents(z_in, n, &z, &z_rows, &z_nz, &err);
        n = z_rows;
    }
    gan_arch arch;
    if (rc == GAN_OK) rc = gan_model_peek(ckpt, &arch, GAN_NET_GENERATOR, &err);
    if (rc == GAN_OK && arch.classes == 0 && (class_opt->count > 0 || labels_in))
        rc = gan_fail(&err, GAN_ERR_INPUT,
                      "%s: an unconditional generator has no classes; %s needs one trained with "
                      "model.conditional",
                      ckpt, labels_in ? "--labels-in" : "--class");
    if (rc == GAN_OK && labels_in) rc = read_labels(labels_in, n, arch.classes, &labels, &n, &err);
    const int64_t per_class = nrow > 0 ? nrow : 8; /* --class all: a row of this many per class */
    if (rc == GAN_OK && all_classes) {
        if (n >= 0 && n != per_class * arch.classes) {
            code =
                cli_usage_error(CLI_SAMPLE.name,
                                "--class all draws %d classes x %lld images (--nrow); -n %lld does not match",
                                arch.classes, (long long)per_class, (long long)n);
            goto done;
        }
        n = per_class * arch.classes;
        if (n > MAX_N) {
            code = cli_usage_error(CLI_SAMPLE.name, "--class all: %lld images, more than %d", (long long)n,
                                   MAX_N);
            goto done;
        }
    }
    if (n < 0) n = 64;
    /* Inference: chunks as large as GAN_GENERATE_BUDGET allows (the results do
     * not depend on it). Batch statistics do: --bn-batch keeps chunks of 1024. */
    const int chunk = rc != GAN_OK                ? 1
                      : bn_mode == GAN_MODE_TRAIN ? (int)(n < BN_CHUNK ? n : BN_CHUNK)
                                                  : gan_generate_chunk(&arch, n, GAN_GENERATE_BUDGET);
    if (rc == GAN_OK) rc = gan_model_load(ckpt, &g, GAN_NET_GENERATOR, chunk, NULL, &err);
    if (rc == GAN_OK) pool = gan_threads_start(0);
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
    /* a conditional generator's classes: given (--class, --labels-in) or drawn uniformly */
    if (rc == GAN_OK && g.arch.classes > 0 && !labels) {
        labels = malloc(sizeof(int32_t) * (size_t)n);
        wanted = malloc(sizeof(int) * (size_t)(class_opt->count + 1));
        if (!labels || !wanted) rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
        else if (all_classes)
            for (int64_t i = 0; i < n; i++) labels[i] = (int32_t)(i / per_class);
        else if (class_opt->count > 0) {
            rc = parse_classes(class_opt, &g, ckpt, wanted, &err);
            for (int64_t i = 0; rc == GAN_OK && i < n; i++) /* in blocks, one per class given */
                labels[i] = (int32_t)wanted[i * class_opt->count / n];
        } else {
            gan_rng rng; /* a stream of its own: the latents stay those of the seed */
            gan_rng_seed(&rng, (uint64_t)seed ^ 0xc1a55e5c1a55e5ULL);
            gan_net_draw_labels(&g, &rng, labels, (int)n);
        }
    }
    if (rc == GAN_OK) gan_generate(&g, &work, z, labels, n, bn_mode, zc, imgs);
    if (rc == GAN_OK) {
        /* a row per class, unless one class was asked for (or the rows would not be readable) */
        const bool one_class = class_opt->count == 1 && !all_classes;
        if (labels && !one_class && !cli_class_grid_make(&rows, labels, n, &g.classes) && !quiet)
            fprintf(stderr,
                    "gan sample: %lld images of %d classes make rows too long or too many to label: a "
                    "plain grid\n",
                    (long long)n, g.arch.classes);
        const gan_grid grid = {.images = imgs,
                               .batch = (int)n,
                               .count = (int)n,
                               .channels = C,
                               .size = S,
                               .per_row = nrow > 0 ? (int)nrow : gan_grid_square_row((int)n),
                               .pad = 2,
                               .nrows = rows.nrows,
                               .row_count = rows.row_count,
                               .row_label = rows.row_label,
                               .order = rows.order};
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
    if (rc == GAN_OK && labels_out) {
        int64_t *wide = labels ? malloc(sizeof(int64_t) * (size_t)n) : NULL;
        const int64_t shape[1] = {n};
        if (!labels)
            rc = gan_fail(&err, GAN_ERR_INPUT,
                          "%s: an unconditional generator has no classes for --labels-out", ckpt);
        else if (!wide) rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
        for (int64_t i = 0; wide && i < n; i++) wide[i] = labels[i];
        if (wide) rc = gan_npy_save_i64(labels_out, wide, 1, shape, &err);
        free(wide);
        if (rc == GAN_OK && !quiet) printf("%s\n", labels_out);
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
    free(z), free(imgs), free(zc), free(nchw), free(labels), free(wanted);
    cli_class_grid_free(&rows);
    cli_args_free(&a);
    return code;
}
