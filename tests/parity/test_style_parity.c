/* Parity with PyTorch for style transfer: on the weights and pictures of
 * tests/parity/style_reference.py, gan's Gram matrices, relu4_2 map, loss
 * terms and the loss's gradient with respect to the picture are compared
 * with PyTorch's (computed in float64, each ReLU switched as in float32:
 * see style_reference.py). Prints each relative error (the largest
 * difference over the reference's largest magnitude) and fails above 1e-4.
 * usage: test_style_parity DIR   (exit 77: no reference) */
#include <string.h>
#include <unistd.h>

#include "../common/check.h"
#include "gan/io/safetensors.h"
#include "gan/io/vgg_weights.h"
#include "gan/models/style_transfer.h"

static const double TOL = 1e-4;

static float *tensor(const gan_st_file *f, const char *name, int64_t *shape)
{
    const gan_st_tensor *t = gan_st_find(f, name);
    if (!t) {
        fprintf(stderr, "reference tensor %s missing\n", name);
        exit(1);
    }
    float *p = malloc(sizeof(float) * t->nelem);
    memcpy(p, f->buf + t->offset, sizeof(float) * t->nelem);
    for (int i = 0; shape && i < t->ndim; i++) shape[i] = t->shape[i];
    return p;
}

static void compare(const char *what, const float *mine, const float *theirs, long n)
{
    const double e = rel_err(mine, theirs, n, 1e-30);
    printf("  %-14s %.2e\n", what, e);
    CHECK_MSG(e <= TOL, "%s: relative error %.3g > %.0e", what, e, TOL);
}

int main(int argc, char **argv)
{
    char weights[4096], refpath[4096];
    snprintf(weights, sizeof weights, "%s/vgg.safetensors", argc > 1 ? argv[1] : ".");
    snprintf(refpath, sizeof refpath, "%s/style_ref.safetensors", argc > 1 ? argv[1] : ".");
    if (access(refpath, R_OK) != 0) return 77;
    gan_error err;
    gan_st_file ref;
    gan_vgg_weights wt;
    CHECK(gan_st_load(&ref, refpath, &err) == GAN_OK);
    CHECK_MSG(gan_vgg_weights_load(&wt, weights, &err) == GAN_OK, "%s", err.msg);
    if (check_failures) return check_exit("test_style_parity");
    int64_t cs[3], ss[3];
    float *content = tensor(&ref, "content", cs), *style = tensor(&ref, "style", ss),
          *x = tensor(&ref, "x", NULL);
    float *grad_ref = tensor(&ref, "grad", NULL), *terms_ref = tensor(&ref, "terms", NULL);
    const int h = (int)cs[1], w = (int)cs[2];
    gan_style_problem p;
    const gan_style_weights weights_used = {1.0, 1000.0, 10.0};
    CHECK_MSG(gan_style_problem_init(&p, &wt, content, h, w, style, (int)ss[1], (int)ss[2], weights_used,
                                     NULL, &err) == GAN_OK,
              "%s", err.msg);
    float *grad = malloc(sizeof(float) * 3 * h * w);
    gan_style_terms t;
    gan_style_problem_eval(&p, x, grad, &t);
    const float terms[4] = {(float)t.loss, (float)t.content, (float)t.style, (float)t.tv};
    static const char *const names[4] = {"loss", "content", "style", "tv"};
    printf("gan against PyTorch (float64), relative errors:\n");
    for (int i = 0; i < 4; i++) compare(names[i], &terms[i], &terms_ref[i], 1);
    for (int k = 0; k < GAN_STYLE_LAYERS; k++) {
        char name[16];
        snprintf(name, sizeof name, "gram%d", k);
        float *g = tensor(&ref, name, NULL);
        compare(name, p.gram[k], g,
                (long)gan_vgg_channels_out(gan_vgg_layer_of_style(k)) *
                    gan_vgg_channels_out(gan_vgg_layer_of_style(k)));
        free(g);
    }
    float *relu42 = tensor(&ref, "relu4_2", NULL);
    compare("relu4_2", p.net.act[GAN_VGG_CONV4_2], relu42, p.content_n);
    compare("d loss / d x", grad, grad_ref, 3L * h * w);
    free(relu42), free(grad), free(content), free(style), free(x), free(grad_ref), free(terms_ref);
    gan_style_problem_free(&p);
    gan_vgg_weights_free(&wt);
    gan_st_close(&ref);
    return check_exit("test_style_parity");
}
