#include "gan/jobs/export.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "export_web.h"
#include "gan/io/atomic_file.h"
#include "gan/io/checkpoint.h"
#include "gan/io/checkpoint_info.h"
#include "gan/io/onnx_generator.h"

static const char *not_a_generator(gan_file_kind kind)
{
    switch (kind) {
    case GAN_FILE_DISCRIMINATOR: return "a discriminator checkpoint (d.bin)";
    case GAN_FILE_CLASSIFIER: return "a classifier (gan eval's)";
    case GAN_FILE_TRAIN_STATE: return "a training state (state.bin)";
    default: return "a safetensors file gan did not write";
    }
}

/* The generator, and what its file says about it. */
static gan_status load_generator(const char *path, gan_net *g, gan_checkpoint_info *info, gan_error *err)
{
    gan_status rc = gan_checkpoint_describe(path, info, err);
    if (rc != GAN_OK) return rc;
    if (info->kind != GAN_FILE_GENERATOR)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: is %s; gan export takes a generator (g.bin)", path,
                      not_a_generator(info->kind));
    if (rc == GAN_OK) rc = gan_model_load(path, g, GAN_NET_GENERATOR, 1, NULL, err);
    /* at the full size with its last block in, a growing G is the DCGAN the graph writes */
    if (rc == GAN_OK && (g->size != g->arch.image_size || g->blend < 1.0f)) {
        rc = gan_fail(err, GAN_ERR_INPUT,
                      "%s: a growing generator still at its %d px phase%s; gan export takes one grown to its "
                      "full %d px",
                      path, g->size, g->blend < 1.0f ? " (fading in)" : "", g->arch.image_size);
        gan_net_free(g);
    }
    if (rc != GAN_OK) gan_checkpoint_info_free(info);
    return rc;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* What the page shows about the generator (generator.json): its shape, its
 * classes and where it came from. NULL when out of memory. */
static char *generator_json(const gan_net *g, const gan_checkpoint_info *info, const gan_export_request *req)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "format", "gan-web-v1");
    cJSON_AddStringToObject(o, "producer", req->producer);
    cJSON_AddStringToObject(o, "source", base_name(req->ckpt));
    cJSON_AddStringToObject(o, "step", info->step ? info->step : "");
    cJSON_AddStringToObject(o, "weights", info->weights ? info->weights : "");
    cJSON_AddNumberToObject(o, "image_size", g->arch.image_size);
    cJSON_AddNumberToObject(o, "channels", g->arch.channels);
    cJSON_AddNumberToObject(o, "nz", g->arch.nz);
    cJSON *classes = cJSON_AddArrayToObject(o, "classes");
    for (int k = 0; classes && k < g->classes.count; k++)
        cJSON_AddItemToArray(classes, cJSON_CreateString(g->classes.names[k]));
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    return text;
}

/* The model's bytes, its metadata naming the checkpoint it came from. */
static gan_status model_bytes(const gan_net *g, const gan_checkpoint_info *info,
                              const gan_export_request *req, gan_pb *model, gan_error *err)
{
    const char *arch = gan_st_meta(&info->file, "arch"), *names = gan_st_meta(&info->file, "class_names");
    gan_onnx_meta meta[5];
    int n = 0;
    meta[n++] = (gan_onnx_meta){"gan.source", base_name(req->ckpt)};
    if (arch) meta[n++] = (gan_onnx_meta){"gan.arch", arch};
    if (names) meta[n++] = (gan_onnx_meta){"gan.class_names", names};
    if (info->step) meta[n++] = (gan_onnx_meta){"gan.step", info->step};
    if (info->weights) meta[n++] = (gan_onnx_meta){"gan.weights", info->weights};
    return gan_onnx_generator(g, req->producer, meta, n, model, err);
}

gan_status gan_export(const gan_export_request *req, gan_export_written *done, gan_error *err)
{
    memset(done, 0, sizeof *done);
    gan_net g;
    memset(&g, 0, sizeof g);
    gan_checkpoint_info info;
    gan_status rc = load_generator(req->ckpt, &g, &info, err);
    if (rc != GAN_OK) return rc;
    gan_pb model = {0};
    char *json = NULL;
    if (req->web) rc = gan_web_check(req, err);
    if (rc == GAN_OK) rc = model_bytes(&g, &info, req, &model, err);
    if (rc == GAN_OK && req->web && !(json = generator_json(&g, &info, req)))
        rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK && req->onnx) {
        rc = gan_write_file_atomic(req->onnx, model.data, model.len, err);
        if (rc == GAN_OK) done->written[done->nwritten++] = req->onnx;
    }
    if (rc == GAN_OK && req->web) {
        rc = gan_web_write(req, &model, json, err);
        if (rc == GAN_OK) done->written[done->nwritten++] = req->web;
    }
    cJSON_free(json);
    gan_pb_free(&model);
    gan_checkpoint_info_free(&info);
    gan_net_free(&g);
    return rc;
}
