/* What a checkpoint or training-state file holds, read for gan info: its
 * kind, architecture, parameter count, classes, step and config, and the
 * safetensors file itself for the list of tensors. */
#ifndef GAN_IO_CHECKPOINT_INFO_H
#define GAN_IO_CHECKPOINT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gan/core/error.h"
#include "gan/data/classes.h"
#include "gan/io/safetensors.h"
#include "gan/models/dcgan.h"

typedef enum {
    GAN_FILE_GENERATOR,
    GAN_FILE_DISCRIMINATOR,
    GAN_FILE_CLASSIFIER,
    GAN_FILE_TRAIN_STATE,
    GAN_FILE_OTHER /* a safetensors file gan did not write */
} gan_file_kind;

typedef struct {
    gan_st_file file; /* open: the tensors, and the metadata the strings below point into */
    gan_file_kind kind;
    gan_arch arch;       /* a generator or discriminator */
    size_t params;       /* its parameters (not buffers: running statistics, power-iteration vectors) */
    gan_classes classes; /* a conditional net's class names */
    const char *weights; /* a generator's "weights" metadata ("ema 0.999"), or NULL: G's own */
    int phase_size;      /* a growing net's phase: the side it works at, */
    float phase_blend;   /* and its newest block's weight */
    const char *classifier_arch, *test_accuracy; /* a classifier's metadata, or NULL */
    const char *step, *config;                   /* metadata, or NULL */
    bool has_updates;                            /* a training state's counters were read, */
    int64_t updates_g, updates_d;                /* giving the Adam steps G and D took */
} gan_checkpoint_info;

/* Reads path. Any safetensors file is described (GAN_FILE_OTHER when gan
 * did not write it); a gan file whose metadata is wrong is an error. */
gan_status gan_checkpoint_describe(const char *path, gan_checkpoint_info *info, gan_error *err);
void gan_checkpoint_info_free(gan_checkpoint_info *info);

#endif
