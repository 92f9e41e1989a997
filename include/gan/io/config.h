/* The training config: one JSON file with sections data, model, train and
 * output (plus classifier and eval). Every key has a default (gan_config_defaults); unknown keys, wrong
 * types and out-of-range values are errors that name the key path. */
#ifndef GAN_IO_CONFIG_H
#define GAN_IO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gan/core/error.h"
#include "gan/core/path.h"
#include "gan/data/fit.h"
#include "gan/models/dcgan.h"
#include "gan/nn/gan_loss.h"

/* data.format */
typedef enum { GAN_DATA_IDX, GAN_DATA_FOLDER, GAN_DATA_CIFAR10 } gan_data_format;

/* A switch that may be left to gan (train.deterministic). */
typedef enum { GAN_OFF = 0, GAN_ON = 1, GAN_AUTO = 2 } gan_switch;

/* eval.metrics's flags */
enum { GAN_EVAL_KID = 1, GAN_EVAL_PR = 2 };

/* train.augment's flags, in the order the policies apply */
enum { GAN_AUGMENT_COLOR = 1, GAN_AUGMENT_TRANSLATION = 2, GAN_AUGMENT_CUTOUT = 4 };

typedef struct {
    /* data */
    gan_data_format data_format;
    char data_path[GAN_PATH_MAX];
    int image_size;                 /* 16, 32, 64 or 128 */
    int channels;                   /* 1 or 3 */
    gan_fit_mode data_fit;          /* pad (centre on background) or resize (scale + centre-crop) */
    int background[3];              /* r, g, b 0..255: under transparent pixels and around padded images */
    int64_t data_limit;             /* use only the first N images; 0 = all */
    char data_labels[GAN_PATH_MAX]; /* IDX labels (gan classify, model.conditional) */
    /* model */
    int nz, ngf, ndf;
    gan_norm d_norm;        /* D's normalisation */
    bool conditional;       /* class-conditional G and D, classes from the data's labels */
    gan_g_cond g_condition; /* how the class enters G */
    bool progressive;       /* progressive growing, from start_size */
    int start_size;         /* the first phase's side */
    int64_t phase_steps;    /* steps of every phase but the last */
    int64_t fade_steps;     /* steps over which a new block fades in */
    /* train */
    int batch_size;
    int epochs;
    int64_t steps; /* when > 0, wins over epochs */
    double lr_g, lr_d, beta1, beta2, adam_eps;
    double lr_g_early; /* G's learning rate for the first lr_g_early_steps steps; 0 = lr_g throughout */
    int64_t lr_g_early_steps;
    int64_t lr_decay_steps; /* both rates fall linearly towards 0 over the run's last N steps; 0 = never */
    uint64_t seed;
    int threads;              /* 0 = OpenBLAS's default (all cores) */
    gan_switch deterministic; /* sums over the batch by fixed partials: bytes independent of rank count */
    int d_steps;              /* discriminator updates per generator update */
    double d_loss_floor;      /* skip the D update while its loss is below this; 0 = never */
    double label_smoothing;   /* real label = 1 - label_smoothing (one-sided) */
    gan_loss_kind loss;       /* the adversarial loss */
    double ema;               /* decay of G's exponential moving average; 0 = off */
    double class_loss;        /* weight of D's auxiliary class loss (conditional); 0 = off */
    int augment;              /* DiffAugment policies, GAN_AUGMENT_* flags */
    double time_limit;        /* stop after this many seconds of training steps; 0 = none */
    /* classifier (gan classify train) */
    int cls_width, cls_hidden, cls_classes, cls_epochs, cls_shift;
    double cls_lr, cls_test_split;
    /* eval during training */
    char eval_classifier[GAN_PATH_MAX]; /* "" = none */
    int64_t eval_every;
    int eval_samples;
    int eval_metrics; /* GAN_EVAL_KID, GAN_EVAL_PR flags */
    /* output */
    char out_dir[GAN_PATH_MAX];
    int64_t sample_every, checkpoint_every, log_every;
    int sample_count; /* images in each sample grid */
    /* the run's id (gan train writes it into the run folder's config.json) */
    char run_id[32];
} gan_config;

void gan_config_defaults(gan_config *cfg);
/* Loads path (NULL: defaults only), then applies overrides "a.b=value" and
 * validates everything. A string key takes the value as given (or a quoted
 * JSON string), a number key a whole JSON number, a boolean true or false;
 * an override's mistakes are GAN_ERR_USAGE and name --set, a file's are
 * GAN_ERR_INPUT and name the file. */
gan_status gan_config_load(gan_config *cfg, const char *path, const char *const *sets, int nsets,
                           gan_error *err);
/* The same from a JSON text already in memory; label names it in messages. */
gan_status gan_config_parse(gan_config *cfg, const char *json, const char *label, const char *const *sets,
                            int nsets, gan_error *err);
/* The networks' architecture the config describes (data size, model.*). */
gan_arch gan_config_arch(const gan_config *cfg);
/* The resolved config (every key) as pretty JSON; malloc'ed, caller frees. */
char *gan_config_to_json(const gan_config *cfg);
/* One config key as the documentation shows it (static strings). */
typedef struct {
    const char *path;    /* "train.steps" */
    const char *type;    /* "integer", "number", "boolean", "string" or "list" */
    const char *def;     /* default, as JSON text */
    const char *help;    /* meaning */
    const char *choices; /* the allowed values "a|b|c", or NULL */
} gan_config_key;

/* The name of an enum key's value, as the config writes it, into out
 * (model.d_norm's GAN_NORM_SPECTRAL is "spectral"). */
void gan_config_choice(const char *path, int value, char *out, size_t len);

/* The keys in documentation order: 0 <= i < gan_config_key_count(). */
int gan_config_key_count(void);
gan_config_key gan_config_key_at(int i);

#endif
