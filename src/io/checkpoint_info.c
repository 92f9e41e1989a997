/* gan info's reading of a file: which of gan's files it is, and what the
 * metadata says of it. */
#include "gan/io/checkpoint_info.h"

#include <string.h>

#include "gan/io/checkpoint.h"

/* Parameters, not buffers (running statistics, spectral norm's vectors). */
static size_t count_params(const gan_st_file *f)
{
    size_t params = 0;
    for (int i = 0; i < f->count; i++) {
        const gan_st_tensor *t = &f->tensors[i];
        if (t->dtype == GAN_DT_F32 && !strstr(t->name, "running_") && !strstr(t->name, "weight_u") &&
            !strstr(t->name, "weight_v"))
            params += t->nelem;
    }
    return params;
}

static gan_status describe_net(gan_checkpoint_info *info, gan_error *err)
{
    gan_net_kind kind;
    gan_status rc = gan_model_arch(&info->file, &info->arch, &kind, err);
    if (rc != GAN_OK) return rc;
    info->kind = kind == GAN_NET_GENERATOR ? GAN_FILE_GENERATOR : GAN_FILE_DISCRIMINATOR;
    info->params = count_params(&info->file);
    if (kind == GAN_NET_GENERATOR) info->weights = gan_st_meta(&info->file, "weights");
    rc = gan_model_phase(&info->file, &info->arch, &info->phase_size, &info->phase_blend, err);
    if (rc != GAN_OK || info->arch.classes == 0) return rc;
    return gan_model_classes(&info->file, info->arch.classes, &info->classes, err);
}

/* Unreadable counters are left for a resume to report: gan info still lists
 * what the file holds. */
static void read_updates(gan_checkpoint_info *info)
{
    int64_t ncounters = GAN_STATE_COUNTERS, counters[GAN_STATE_COUNTERS];
    gan_error ignored;
    if (gan_st_read(&info->file, "counters", GAN_DT_I64, 1, &ncounters, counters, &ignored) != GAN_OK) return;
    info->has_updates = true;
    info->updates_g = counters[GAN_COUNTER_G_STEPS];
    info->updates_d = counters[GAN_COUNTER_D_STEPS];
}

gan_status gan_checkpoint_describe(const char *path, gan_checkpoint_info *info, gan_error *err)
{
    memset(info, 0, sizeof *info);
    gan_status rc = gan_st_load(&info->file, path, err);
    if (rc != GAN_OK) return rc;
    const gan_st_file *f = &info->file;
    const char *format = gan_st_meta(f, "format"), *kind = gan_st_meta(f, "kind");
    info->step = gan_st_meta(f, "step");
    info->config = gan_st_meta(f, "config");
    const bool ours = format && strcmp(format, GAN_CKPT_FORMAT) == 0;
    if (ours && kind && strcmp(kind, "classifier") == 0) {
        info->kind = GAN_FILE_CLASSIFIER;
        info->classifier_arch = gan_st_meta(f, "arch");
        info->test_accuracy = gan_st_meta(f, "test_accuracy");
    } else if (ours) {
        rc = describe_net(info, err);
    } else {
        info->kind = format && strcmp(format, GAN_STATE_FORMAT) == 0 ? GAN_FILE_TRAIN_STATE : GAN_FILE_OTHER;
        if (info->kind == GAN_FILE_TRAIN_STATE) read_updates(info);
    }
    if (rc != GAN_OK) gan_checkpoint_info_free(info);
    return rc;
}

void gan_checkpoint_info_free(gan_checkpoint_info *info)
{
    gan_classes_free(&info->classes);
    gan_st_close(&info->file);
    memset(info, 0, sizeof *info);
}
