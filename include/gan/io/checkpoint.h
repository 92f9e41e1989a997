/* Model checkpoints: a network's tensors in safetensors layout, named as the
 * equivalent PyTorch nn.Sequential's state_dict ("0.weight", "1.running_mean",
 * ...), with metadata that makes the file self-describing:
 *   format  "gan-dcgan-v1"
 *   kind    "generator" | "discriminator" | "classifier"
 *   arch    {"image_size":32,"channels":1,"nz":100,"ngf":64,"ndf":64}, with
 *           "d_norm" unless batchnorm, and for a conditional net "classes"
 *           and "g_condition", and for a growing net "start_size" (a
 *           classifier: {image_size, channels, width, hidden, classes})
 *   phase   a growing net's {"size": side it works at, "blend": its newest
 *           block's weight}
 *   class_names  a conditional net's classes, a JSON array of strings
 *   step    training step the file was written at (a classifier: test_accuracy)
 *   config  the resolved training config (JSON), when written by a job */
#ifndef GAN_IO_CHECKPOINT_H
#define GAN_IO_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "gan/core/error.h"
#include "gan/io/safetensors.h"
#include "gan/models/classifier.h"
#include "gan/models/dcgan.h"

#define GAN_CKPT_FORMAT  "gan-dcgan-v1"
#define GAN_STATE_FORMAT "gan-train-state-v1" /* a training run's state.bin */

/* The slots of state.bin's "counters" tensor, I64 [GAN_STATE_COUNTERS]:
 * written and read by jobs/train_state.c, shown by gan info. */
enum { GAN_COUNTER_STEP, GAN_COUNTER_CURSOR, GAN_COUNTER_G_STEPS, GAN_COUNTER_D_STEPS, GAN_STATE_COUNTERS };

/* Adds the net's state_dict tensors, each name prefixed with prefix. */
void gan_net_list_tensors(gan_net *net, const char *prefix, gan_st_list *list);
/* Reads every state_dict tensor (prefixed) into an already built net,
 * checking dtype and shape. */
gan_status gan_net_read_tensors(gan_net *net, const gan_st_file *f, const char *prefix, gan_error *err);

/* Reads integer `key` of a parsed metadata object (an arch) into *out; false
 * when missing, not a whole number, or beyond +-1e6 (no arch field is larger). */
struct cJSON;
bool gan_meta_int(const struct cJSON *o, const char *key, int *out);

/* Writes net to path atomically. config_json may be NULL; weights, when not
 * NULL, says what the weights are ("ema 0.999": an average of G's). */
gan_status gan_model_save(const char *path, gan_net *net, int64_t step, const char *config_json,
                          const char *weights, gan_error *err);
/* Reads the arch and kind (generator or discriminator) from a model file's metadata. */
gan_status gan_model_arch(const gan_st_file *f, gan_arch *arch, gan_net_kind *kind, gan_error *err);
/* A conditional model file's class names (metadata class_names), checked
 * to be `count` valid names. */
gan_status gan_model_classes(const gan_st_file *f, int count, gan_classes *classes, gan_error *err);
/* A growing net's phase from metadata "phase" ({"size": 16, "blend": 0.25}),
 * checked against its arch; a file of a net that does not grow has none
 * (and gets image_size, 1). */
gan_status gan_model_phase(const gan_st_file *f, const gan_arch *arch, int *size, float *blend,
                           gan_error *err);
/* The arch of a model file of the wanted kind, without building anything. */
gan_status gan_model_peek(const char *path, gan_arch *arch, gan_net_kind want, gan_error *err);
/* Loads a model file of the wanted kind (GAN_NET_GENERATOR or
 * GAN_NET_DISCRIMINATOR) into a newly built net for batches up to
 * max_batch. On success *step holds the saved step (if step != NULL). */
gan_status gan_model_load(const char *path, gan_net *net, gan_net_kind want, int max_batch, int64_t *step,
                          gan_error *err);

/* The classifier's checkpoint (kind "classifier"). */
void gan_classifier_list_tensors(gan_classifier *c, const char *prefix, gan_st_list *list);
gan_status gan_classifier_read_tensors(gan_classifier *c, const gan_st_file *f, const char *prefix,
                                       gan_error *err);
gan_status gan_classifier_save(const char *path, gan_classifier *c, double test_accuracy,
                               const char *config_json, gan_error *err);
/* Builds a classifier from an open checkpoint file (the fuzzer's entry point):
 * metadata checked, the largest tensor's shape checked before allocating. */
gan_status gan_classifier_from_st(const gan_st_file *f, gan_classifier *c, int max_batch, gan_error *err);
/* Loads a classifier checkpoint into a newly built classifier. When
 * config_json is not NULL it receives a malloc'ed copy of the training
 * config the file was written with, or NULL when it has none. */
gan_status gan_classifier_load(const char *path, gan_classifier *c, int max_batch, char **config_json,
                               gan_error *err);

#endif
