#include "gan/io/onnx_generator.h"

#include <stdio.h>

#include "gan/core/check.h"

enum { NAME_CHARS = 64 };

/* Adds the net's state_dict tensor whose data is `data` as an initializer
 * of the same name and shape, and copies that name to `name`. */
static void add_weight(gan_onnx_graph *o, const gan_net *g, const float *data, char name[NAME_CHARS])
{
    for (int i = 0; i < gan_net_tensor_count(g); i++) {
        gan_tensor_ref r;
        gan_net_tensor(g, i, &r);
        if (r.data != data) continue;
        snprintf(name, NAME_CHARS, "%s", r.name);
        gan_onnx_floats(o, name, r.shape, r.ndim, r.data);
        return;
    }
    GAN_ASSERT(!"a stage's tensor is not in its state_dict");
}

/* A shape constant [-1, c, 1, 1]: a per-sample vector of c as a 4-d tensor. */
static void add_column_shape(gan_onnx_graph *o, const char *name, int c)
{
    const int64_t dims[1] = {4}, shape[4] = {-1, c, 1, 1};
    gan_onnx_int64s(o, name, dims, 1, shape);
}

/* The input: z, or z joined to its class's embedding; as [n, C0, 1, 1] in x. */
static void latent_nodes(gan_onnx_graph *o, const gan_net *g, char x[NAME_CHARS])
{
    const bool concat = g->arch.classes > 0 && g->arch.g_cond == GAN_GCOND_CONCAT;
    const char *z = "z";
    if (concat) {
        char embed[NAME_CHARS];
        add_weight(o, g, g->embed, embed);
        const gan_onnx_attr rows = {"axis", GAN_ONNX_ATTR_INT, {0}, 1, 0},
                            cols = {"axis", GAN_ONNX_ATTR_INT, {1}, 1, 0};
        gan_onnx_node(o, "Gather", (const char *[]){embed, "labels"}, 2, "class_embedding", &rows, 1);
        /* gan's order: z first, then the embedding (gan_embed_concat_forward) */
        gan_onnx_node(o, "Concat", (const char *[]){"z", "class_embedding"}, 2, "z_and_class", &cols, 1);
        z = "z_and_class";
    }
    add_column_shape(o, "latent_shape", g->st[0].geom.c);
    gan_onnx_node(o, "Reshape", (const char *[]){z, "latent_shape"}, 2, "latent", NULL, 0);
    snprintf(x, NAME_CHARS, "latent");
}

/* Conditional batchnorm's affine: x * gamma[label] + beta[label], per channel. */
static void class_affine_nodes(gan_onnx_graph *o, const gan_net *g, int i, char x[NAME_CHARS])
{
    const gan_stage *s = &g->st[i];
    char gamma[NAME_CHARS], beta[NAME_CHARS], shape[NAME_CHARS], names[4][NAME_CHARS];
    add_weight(o, g, s->gamma, gamma);
    add_weight(o, g, s->beta, beta);
    snprintf(shape, sizeof shape, "bn%d_class_shape", i);
    add_column_shape(o, shape, s->geom.oc);
    static const char *const what[4] = {"gamma", "beta", "scaled", "shifted"};
    for (int k = 0; k < 4; k++) snprintf(names[k], NAME_CHARS, "bn%d_%s", i, what[k]);
    const gan_onnx_attr rows = {"axis", GAN_ONNX_ATTR_INT, {0}, 1, 0};
    char picked[2][NAME_CHARS];
    for (int k = 0; k < 2; k++) {
        snprintf(picked[k], NAME_CHARS, "bn%d_%s_rows", i, what[k]);
        gan_onnx_node(o, "Gather", (const char *[]){k == 0 ? gamma : beta, "labels"}, 2, picked[k], &rows, 1);
        gan_onnx_node(o, "Reshape", (const char *[]){picked[k], shape}, 2, names[k], NULL, 0);
    }
    gan_onnx_node(o, "Mul", (const char *[]){x, names[0]}, 2, names[2], NULL, 0);
    gan_onnx_node(o, "Add", (const char *[]){names[2], names[1]}, 2, names[3], NULL, 0);
    snprintf(x, NAME_CHARS, "%s", names[3]);
}

/* BatchNormalization with the running statistics; a conditional stage's
 * normalises with unit gamma and zero beta, then applies its class's. */
static void batchnorm_nodes(gan_onnx_graph *o, const gan_net *g, int i, char x[NAME_CHARS])
{
    const gan_stage *s = &g->st[i];
    char gamma[NAME_CHARS], beta[NAME_CHARS], mean[NAME_CHARS], var[NAME_CHARS], out[NAME_CHARS];
    if (s->cbn) {
        snprintf(gamma, sizeof gamma, "bn%d_unit_gamma", i);
        snprintf(beta, sizeof beta, "bn%d_zero_beta", i);
        const int64_t dims[1] = {s->geom.oc};
        gan_onnx_floats(o, gamma, dims, 1, g->ones);
        gan_onnx_floats(o, beta, dims, 1, g->zeros);
    } else {
        add_weight(o, g, s->gamma, gamma);
        add_weight(o, g, s->beta, beta);
    }
    add_weight(o, g, s->running_mean, mean);
    add_weight(o, g, s->running_var, var);
    snprintf(out, sizeof out, "bn%d", i);
    const gan_onnx_attr eps = {"epsilon", GAN_ONNX_ATTR_FLOAT, {0}, 0, g->bn_eps};
    gan_onnx_node(o, "BatchNormalization", (const char *[]){x, gamma, beta, mean, var}, 5, out, &eps, 1);
    snprintf(x, NAME_CHARS, "%s", out);
    if (s->cbn) class_affine_nodes(o, g, i, x);
}

/* Stage i: ConvTranspose, batchnorm, then ReLU, or Tanh into "images". */
static void stage_nodes(gan_onnx_graph *o, const gan_net *g, int i, char x[NAME_CHARS])
{
    const gan_stage *s = &g->st[i];
    const gan_conv_geom *c = &s->geom;
    char w[NAME_CHARS], out[NAME_CHARS];
    add_weight(o, g, s->w, w);
    const gan_onnx_attr conv[3] = {
        {"kernel_shape", GAN_ONNX_ATTR_INTS, {c->k, c->k}, 2, 0},
        {"strides", GAN_ONNX_ATTR_INTS, {c->s, c->s}, 2, 0},
        {"pads", GAN_ONNX_ATTR_INTS, {c->p, c->p, c->p, c->p}, 4, 0},
    };
    snprintf(out, sizeof out, "convt%d", i);
    gan_onnx_node(o, "ConvTranspose", (const char *[]){x, w}, 2, out, conv, 3);
    snprintf(x, NAME_CHARS, "%s", out);
    if (s->bn) batchnorm_nodes(o, g, i, x);
    GAN_ASSERT(s->act == GAN_ACT_RELU || s->act == GAN_ACT_TANH);
    if (s->act == GAN_ACT_TANH) snprintf(out, sizeof out, "images");
    else snprintf(out, sizeof out, "relu%d", i);
    gan_onnx_node(o, s->act == GAN_ACT_TANH ? "Tanh" : "Relu", (const char *[]){x}, 1, out, NULL, 0);
    snprintf(x, NAME_CHARS, "%s", out);
}

gan_status gan_onnx_generator(const gan_net *g, const char *producer_version, const gan_onnx_meta *meta,
                              int nmeta, gan_pb *model, gan_error *err)
{
    GAN_ASSERT(g->kind == GAN_NET_GENERATOR);
    const gan_arch *a = &g->arch;
    gan_onnx_graph o = {{0}};
    const int64_t z_dims[2] = {GAN_ONNX_BATCH, a->nz}, label_dims[1] = {GAN_ONNX_BATCH};
    const int64_t image_dims[4] = {GAN_ONNX_BATCH, a->channels, a->image_size, a->image_size};
    gan_onnx_input(&o, "z", GAN_ONNX_FLOAT, z_dims, 2);
    if (a->classes > 0) gan_onnx_input(&o, "labels", GAN_ONNX_INT64, label_dims, 1);
    char x[NAME_CHARS];
    latent_nodes(&o, g, x);
    for (int i = 0; i < g->nstages; i++) stage_nodes(&o, g, i, x);
    gan_onnx_output(&o, "images", GAN_ONNX_FLOAT, image_dims, 4);
    return gan_onnx_model(&o, "gan_generator", producer_version, meta, nmeta, model, err);
}
