#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/io/checkpoint.h"
#include "gan/io/safetensors.h"
#include "gan/jobs/train.h"
#include "gan/models/dcgan.h"

const cli_command CLI_INFO = {
    .name = "info",
    .usage = "FILE",
    .about = "Describes a checkpoint (g.bin, d.bin, classifier.bin) or training state\n"
             "(state.bin): kind, architecture, parameter count, step, the config it was\n"
             "trained with, and every tensor with its dtype and shape. Any safetensors file\n"
             "is listed.",
    .options = NULL,
    .noptions = 0,
};

static const char *dtype_str(gan_dtype d)
{
    return d == GAN_DT_F32 ? "F32" : d == GAN_DT_I64 ? "I64" : d == GAN_DT_U64 ? "U64" : "F64";
}

int cmd_info(int argc, char **argv)
{
    cli_args a;
    int code = cli_parse(&CLI_INFO, argc, argv, &a);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    const char *path = a.noperands > 0 ? a.operands[0] : NULL;
    const int nfiles = a.noperands;
    cli_args_free(&a);
    if (nfiles > 1) return cli_usage_error(CLI_INFO.name, "one file at a time");
    if (!path) return cli_usage_error(CLI_INFO.name, "FILE is required");
    gan_st_file f;
    gan_error err;
    gan_status rc = gan_st_load(&f, path, &err);
    if (rc != GAN_OK) return cli_report(rc, &err);
    const char *format = gan_st_meta(&f, "format"), *step = gan_st_meta(&f, "step"),
               *config = gan_st_meta(&f, "config");
    printf("file:       %s\n", path);
    const char *kind = gan_st_meta(&f, "kind");
    if (format && strcmp(format, GAN_CKPT_FORMAT) == 0 && kind && strcmp(kind, "classifier") == 0) {
        const char *arch = gan_st_meta(&f, "arch"), *acc = gan_st_meta(&f, "test_accuracy");
        printf("kind:       classifier (for gan eval)\n");
        printf("arch:       %s\n", arch ? arch : "(missing)");
        if (acc) printf("test acc:   %s\n", acc);
    } else if (format && strcmp(format, GAN_CKPT_FORMAT) == 0) {
        gan_arch arch;
        gan_net_kind net_kind;
        rc = gan_model_arch(&f, &arch, &net_kind, &err);
        if (rc != GAN_OK) {
            gan_st_close(&f);
            return cli_report(rc, &err);
        }
        size_t params = 0;
        for (int i = 0; i < f.count; i++)
            if (f.tensors[i].dtype == GAN_DT_F32 && !strstr(f.tensors[i].name, "running_") &&
                !strstr(f.tensors[i].name, "weight_u") && !strstr(f.tensors[i].name, "weight_v"))
                params += f.tensors[i].nelem; /* parameters, not buffers */
        printf("kind:       %s (DCGAN)\n", net_kind == GAN_NET_GENERATOR ? "generator" : "discriminator");
        static const char *const norms[] = {"batchnorm", "spectral norm", "no normalisation"};
        printf("arch:       %dx%d, %d channel%s, nz %d, ngf %d, ndf %d (D: %s)\n", arch.image_size,
               arch.image_size, arch.channels, arch.channels == 1 ? "" : "s", arch.nz, arch.ngf, arch.ndf,
               norms[arch.d_norm]);
        printf("parameters: %zu\n", params);
        if (arch.classes > 0) { /* a conditional net: its classes, and how each net takes them */
            gan_classes names = {0};
            rc = gan_model_classes(&f, arch.classes, &names, &err);
            if (rc != GAN_OK) {
                gan_st_close(&f);
                return cli_report(rc, &err);
            }
            printf("classes:    %d (", arch.classes);
            for (int k = 0; k < names.count; k++) {
                if (k == 12 && names.count > 14) {
                    printf(", ... %s", names.names[names.count - 1]);
                    break;
                }
                printf("%s%s", k ? ", " : "", names.names[k]);
            }
            printf("); %s\n", net_kind == GAN_NET_DISCRIMINATOR ? "projection discriminator"
                              : arch.g_cond == GAN_GCOND_BATCHNORM
                                  ? "G's batchnorm has a gamma and beta per class"
                                  : "G takes a class embedding beside z");
            gan_classes_free(&names);
        }
        const char *weights = gan_st_meta(&f, "weights");
        if (net_kind == GAN_NET_GENERATOR)
            printf("weights:    %s%s\n",
                   weights && strncmp(weights, "ema ", 4) == 0
                       ? "an exponential moving average of G's, decay "
                       : "G's own",
                   weights && strncmp(weights, "ema ", 4) == 0 ? weights + 4 : "");
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
