#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/io/checkpoint.h"
#include "gan/io/safetensors.h"
#include "gan/jobs/train.h"

static const char HELP[] =
    "usage: gan info FILE\n"
    "\n"
    "Describes a checkpoint (g.bin, d.bin) or training state (state.bin): kind,\n"
    "architecture, parameter count, step, the config it was trained with, and\n"
    "every tensor with its dtype and shape. Any safetensors file is listed.\n";

static const char *dtype_str(gan_dtype d) { return d == GAN_DT_F32 ? "F32" : d == GAN_DT_I64 ? "I64" : "U64"; }

int cmd_info(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            return cli_help(HELP);
        }
        if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("info", "unknown option '%s'", argv[i]);
        if (path) return cli_usage_error("info", "one file at a time");
        path = argv[i];
    }
    if (!path) return cli_usage_error("info", "FILE is required");
    gan_st_file f;
    gan_error err;
    int rc = gan_st_load(&f, path, &err);
    if (rc != GAN_OK) return cli_report(rc, &err);
    const char *format = gan_st_meta(&f, "format"), *step = gan_st_meta(&f, "step"), *config = gan_st_meta(&f, "config");
    printf("file:       %s\n", path);
    const char *kind = gan_st_meta(&f, "kind");
    if (format && strcmp(format, GAN_CKPT_FORMAT) == 0 && kind && strcmp(kind, "classifier") == 0) {
        const char *arch = gan_st_meta(&f, "arch"), *acc = gan_st_meta(&f, "test_accuracy");
        printf("kind:       classifier (for gan eval)\n");
        printf("arch:       %s\n", arch ? arch : "(missing)");
        if (acc) printf("test acc:   %s\n", acc);
    } else if (format && strcmp(format, GAN_CKPT_FORMAT) == 0) {
        gan_arch a;
        int generator;
        rc = gan_model_arch(&f, &a, &generator, &err);
        if (rc != GAN_OK) {
            gan_st_close(&f);
            return cli_report(rc, &err);
        }
        size_t params = 0;
        for (int i = 0; i < f.count; i++)
            if (f.tensors[i].dtype == GAN_DT_F32 && !strstr(f.tensors[i].name, "running_")) params += f.tensors[i].nelem;
        printf("kind:       %s (DCGAN)\n", generator ? "generator" : "discriminator");
        printf("arch:       %dx%d, %d channel%s, nz %d, ngf %d, ndf %d\n", a.image_size, a.image_size, a.channels,
               a.channels == 1 ? "" : "s", a.nz, a.ngf, a.ndf);
        printf("parameters: %zu\n", params);
    } else if (format && strcmp(format, GAN_STATE_FORMAT) == 0) {
        printf("kind:       training state (both networks, Adam moments, RNG, counters)\n");
    } else {
        printf("kind:       safetensors file not written by gan\n");
    }
    if (step) printf("step:       %s\n", step);
    printf("tensors:    %d\n", f.count);
    for (int i = 0; i < f.count; i++) {
        const gan_st_tensor *t = &f.tensors[i];
        printf("  %-28s %s [", t->name, dtype_str(t->dtype));
        for (int d = 0; d < t->ndim; d++) printf("%s%lld", d ? ", " : "", (long long)t->shape[d]);
        printf("]\n");
    }
    if (config) printf("config:\n%s\n", config);
    gan_st_close(&f);
    return EXIT_OK;
}
