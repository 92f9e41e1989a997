/* The job behind gan style and gan texture: neural style transfer (Gatys,
 * Ecker & Bethge 2016) and texture synthesis with VGG-19's features. A
 * picture is optimised so that its relu4_2 map matches the content
 * picture's (content loss) and the Gram matrices of its relu1_1 ... relu5_1
 * maps match the style picture's (style loss), with a total-variation term
 * for smoothness; a texture has no content term and starts from noise. */
#ifndef GAN_JOBS_STYLE_H
#define GAN_JOBS_STYLE_H

#include <stdbool.h>
#include <stdint.h>

#include "gan/core/error.h"

enum { GAN_STYLE_MIN_SIZE = 32, GAN_STYLE_MAX_SIZE = 2048 };

typedef enum { GAN_OPT_LBFGS, GAN_OPT_ADAM } gan_style_optimizer;

typedef struct {
    const char *content; /* the content picture; NULL: a texture */
    const char *style;   /* the style picture */
    const char *out;     /* the picture written (PNG) */
    const char *weights; /* VGG-19 weights (safetensors); NULL: random from seed */
    int size;            /* the output's longer side (the content's aspect; a texture: the style's) */
    int steps;           /* optimiser iterations */
    double content_weight, style_weight, tv_weight;
    bool init_noise; /* start from noise rather than the content picture */
    uint64_t seed;   /* of the random weights and the noise */
    gan_style_optimizer optimizer;
    double lr;      /* Adam's step size, in pixel values (0 .. 1) */
    int history;    /* L-BFGS's pairs */
    int save_every; /* write OUT's stem + _stepNNNN.png every so many steps; 0: never */
    int threads;    /* 0: every CPU the process may use */
} gan_style_request;

/* What the job reports after each step. */
typedef struct {
    int step, steps;
    int evals;                       /* network passes so far (an L-BFGS step may take several) */
    double loss, content, style, tv; /* the weighted total; its terms unweighted */
    double elapsed_s;
    const char *saved; /* a picture written at this step, or NULL */
} gan_style_event;

/* Called after each step; returning false stops the job, which then
 * writes the picture as it is and returns GAN_INTERRUPTED. */
typedef bool (*gan_style_progress_fn)(void *ctx, const gan_style_event *e);

/* Memory the job will take, estimated before anything is allocated (for
 * the pictures' sizes after scaling). */
size_t gan_style_memory(const gan_style_request *req, int out_h, int out_w, int style_h, int style_w);

gan_status gan_style_run(const gan_style_request *req, gan_style_progress_fn progress, void *ctx,
                         gan_error *err);

#endif
