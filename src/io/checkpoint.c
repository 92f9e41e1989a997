#include "gan/io/checkpoint.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gan_net_list_tensors(gan_net *net, const char *prefix, gan_st_list *list)
{
    int n = gan_net_tensor_count(net);
    for (int i = 0; i < n; i++) {
        gan_tensor_ref r;
        gan_net_tensor(net, i, &r);
        char name[GAN_ST_MAX_NAME];
        snprintf(name, sizeof name, "%s%s", prefix, r.name);
        if (r.kind == 2) gan_st_list_add(list, name, GAN_DT_I64, 0, r.shape, &net->num_batches_tracked);
        else gan_st_list_add(list, name, GAN_DT_F32, r.ndim, r.shape, r.data);
    }
}

int gan_net_read_tensors(gan_net *net, const gan_st_file *f, const char *prefix, gan_error *err)
{
    int n = gan_net_tensor_count(net);
    for (int i = 0; i < n; i++) {
        gan_tensor_ref r;
        gan_net_tensor(net, i, &r);
        char name[GAN_ST_MAX_NAME];
        snprintf(name, sizeof name, "%s%s", prefix, r.name);
        int rc;
        if (r.kind == 2) {
            int64_t v;
            rc = gan_st_read(f, name, GAN_DT_I64, 0, r.shape, &v, err);
            if (rc == GAN_OK && v < 0) rc = gan_fail(err, GAN_ERR_INPUT, "%s: tensor '%s' is negative", f->path, name);
            if (rc == GAN_OK) net->num_batches_tracked = v;
        } else {
            rc = gan_st_read(f, name, GAN_DT_F32, r.ndim, r.shape, r.data, err);
        }
        if (rc != GAN_OK) return rc;
    }
    return GAN_OK;
}

int gan_model_save(const char *path, gan_net *net, long step, const char *config_json, gan_error *err)
{
    gan_st_list list = {.count = 0};
    gan_net_list_tensors(net, "", &list);
    char arch[160], stepbuf[32];
    const gan_arch *a = &net->arch;
    snprintf(arch, sizeof arch, "{\"image_size\":%d,\"channels\":%d,\"nz\":%d,\"ngf\":%d,\"ndf\":%d}", a->image_size,
             a->channels, a->nz, a->ngf, a->ndf);
    snprintf(stepbuf, sizeof stepbuf, "%ld", step);
    const char *meta[10] = {"format", GAN_CKPT_FORMAT, "kind", net->generator ? "generator" : "discriminator",
                            "arch", arch, "step", stepbuf, "config", config_json};
    return gan_st_save(path, list.e, list.count, meta, config_json ? 5 : 4, err);
}

int gan_meta_int(const struct cJSON *o, const char *key, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    /* range first: converting a double outside int's range to int is undefined */
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= -1e6 && v->valuedouble <= 1e6) ||
        v->valuedouble != (double)(int)v->valuedouble)
        return -1;
    *out = (int)v->valuedouble;
    return 0;
}

int gan_model_arch(const gan_st_file *f, gan_arch *arch, int *generator, gan_error *err)
{
    const char *format = gan_st_meta(f, "format"), *kind = gan_st_meta(f, "kind"), *a = gan_st_meta(f, "arch");
    if (!format || strcmp(format, GAN_CKPT_FORMAT) != 0)
        return gan_fail(err, GAN_ERR_INPUT, "%s: not a gan model checkpoint (metadata format is %s%s%s)", f->path,
                        format ? "'" : "", format ? format : "missing", format ? "'" : "");
    if (kind && strcmp(kind, "classifier") == 0)
        return gan_fail(err, GAN_ERR_INPUT, "%s: this is a classifier checkpoint; a generator or discriminator is needed here",
                        f->path);
    if (!kind || (strcmp(kind, "generator") != 0 && strcmp(kind, "discriminator") != 0))
        return gan_fail(err, GAN_ERR_INPUT, "%s: metadata kind must be generator or discriminator", f->path);
    *generator = strcmp(kind, "generator") == 0;
    cJSON *j = a ? cJSON_Parse(a) : NULL;
    int bad = !cJSON_IsObject(j) || gan_meta_int(j, "image_size", &arch->image_size) || gan_meta_int(j, "channels", &arch->channels) ||
              gan_meta_int(j, "nz", &arch->nz) || gan_meta_int(j, "ngf", &arch->ngf) || gan_meta_int(j, "ndf", &arch->ndf);
    cJSON_Delete(j);
    if (bad) return gan_fail(err, GAN_ERR_INPUT, "%s: metadata arch is missing or malformed", f->path);
    const char *why = gan_arch_check(arch);
    if (why) return gan_fail(err, GAN_ERR_INPUT, "%s: metadata arch.%s", f->path, why);
    return GAN_OK;
}

int gan_model_load(const char *path, gan_net *net, int want_generator, int max_batch, long *step, gan_error *err)
{
    gan_st_file f;
    int rc = gan_st_load(&f, path, err);
    if (rc != GAN_OK) return rc;
    gan_arch arch;
    int generator = 0;
    rc = gan_model_arch(&f, &arch, &generator, err);
    if (rc == GAN_OK && want_generator >= 0 && generator != want_generator)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: this is a %s checkpoint; a %s is needed here", path,
                      generator ? "generator" : "discriminator", want_generator ? "generator (g.bin)" : "discriminator");
    if (rc == GAN_OK && gan_net_build(net, &arch, generator, max_batch) != 0)
        rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory building the network", path);
    if (rc == GAN_OK) {
        rc = gan_net_read_tensors(net, &f, "", err);
        if (rc != GAN_OK) gan_net_free(net);
    }
    if (rc == GAN_OK && step) {
        const char *s = gan_st_meta(&f, "step");
        char *end = NULL;
        long v = s ? strtol(s, &end, 10) : 0;
        *step = (s && end && *end == '\0' && v >= 0) ? v : 0;
    }
    gan_st_close(&f);
    return rc;
}
