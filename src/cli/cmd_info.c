#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/io/checkpoint_info.h"

const cli_command CLI_INFO = {
    .name = "info",
    .usage = "FILE",
    .about = "Describes a checkpoint (g.bin, d.bin, classifier.bin) or training state\n"
             "(state.bin): kind, architecture, parameter count, step, the config it was\n"
             "trained with, and every tensor with its dtype and shape. Any safetensors file\n"
             "is listed. A training state also gives the Adam steps G and D have taken\n"
             "(D's fall behind when train.d_loss_floor skips its updates).",
    .options = NULL,
    .noptions = 0,
};

static const char *dtype_str(gan_dtype d)
{
    return d == GAN_DT_F32 ? "F32" : d == GAN_DT_I64 ? "I64" : d == GAN_DT_U64 ? "U64" : "F64";
}

/* A conditional net's classes, and how each net takes them. */
static void print_classes(const gan_checkpoint_info *info)
{
    const gan_classes *names = &info->classes;
    printf("classes:    %d (", info->arch.classes);
    for (int k = 0; k < names->count; k++) {
        if (k == 12 && names->count > 14) {
            printf(", ... ");
            cli_put_safe(stdout, names->names[names->count - 1], false);
            break;
        }
        printf("%s", k ? ", " : "");
        cli_put_safe(stdout, names->names[k], false);
    }
    printf("); %s\n", info->kind == GAN_FILE_DISCRIMINATOR ? "projection discriminator"
                      : info->arch.g_cond == GAN_GCOND_BATCHNORM
                          ? "G's batchnorm has a gamma and beta per class"
                          : "G takes a class embedding beside z");
}

static void print_net(const gan_checkpoint_info *info)
{
    const gan_arch *arch = &info->arch;
    static const char *const norms[] = {"batchnorm", "spectral norm", "no normalisation"};
    printf("kind:       %s (DCGAN)\n", info->kind == GAN_FILE_GENERATOR ? "generator" : "discriminator");
    printf("arch:       %dx%d, %d channel%s, nz %d, ngf %d, ndf %d (D: %s)\n", arch->image_size,
           arch->image_size, arch->channels, arch->channels == 1 ? "" : "s", arch->nz, arch->ngf, arch->ndf,
           norms[arch->d_norm]);
    if (arch->grow_from > 0) {
        printf("growing:    from %d px; phase %d px", arch->grow_from, info->phase_size);
        if (info->phase_blend < 1.0f)
            printf(", its newest block fading in at %.4g", (double)info->phase_blend);
        printf("\n");
    }
    printf("parameters: %zu\n", info->params);
    if (arch->classes > 0) print_classes(info);
    const bool ema = info->weights && strncmp(info->weights, "ema ", 4) == 0;
    if (info->kind == GAN_FILE_GENERATOR)
        cli_printf_safe(stdout, "weights:    %s%s",
                        ema ? "an exponential moving average of G's, decay " : "G's own",
                        ema ? info->weights + 4 : "");
    if (info->kind == GAN_FILE_GENERATOR) putchar('\n');
}

static void print_kind(const gan_checkpoint_info *info)
{
    switch (info->kind) {
    case GAN_FILE_CLASSIFIER:
        printf("kind:       classifier (for gan eval)\n");
        cli_printf_safe(stdout, "arch:       %s",
                        info->classifier_arch ? info->classifier_arch : "(missing)");
        putchar('\n');
        if (info->test_accuracy) cli_printf_safe(stdout, "test acc:   %s", info->test_accuracy);
        if (info->test_accuracy) putchar('\n');
        break;
    case GAN_FILE_GENERATOR:
    case GAN_FILE_DISCRIMINATOR: print_net(info); break;
    case GAN_FILE_TRAIN_STATE:
        printf("kind:       training state (both networks, Adam moments, RNG, counters)\n");
        break;
    case GAN_FILE_OTHER: printf("kind:       safetensors file not written by gan\n"); break;
    }
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
    gan_checkpoint_info info;
    gan_error err;
    gan_status rc = gan_checkpoint_describe(path, &info, &err);
    if (rc != GAN_OK) return cli_report(rc, &err);
    cli_printf_safe(stdout, "file:       %s", path);
    putchar('\n');
    print_kind(&info);
    if (info.step) cli_printf_safe(stdout, "step:       %s", info.step);
    if (info.step) putchar('\n');
    if (info.has_updates)
        printf("updates:    G %lld, D %lld (Adam steps)\n", (long long)info.updates_g,
               (long long)info.updates_d);
    printf("tensors:    %d\n", info.file.count);
    for (int i = 0; i < info.file.count; i++) {
        const gan_st_tensor *t = &info.file.tensors[i];
        char name[256];
        printf("  %-28s %s [", cli_escape(t->name, name, sizeof name), dtype_str(t->dtype));
        for (int d = 0; d < t->ndim; d++) printf("%s%lld", d ? ", " : "", (long long)t->shape[d]);
        printf("]\n");
    }
    if (info.config) {
        printf("config:\n");
        cli_put_safe(stdout, info.config, true);
        putchar('\n');
    }
    gan_checkpoint_info_free(&info);
    return EXIT_OK;
}
