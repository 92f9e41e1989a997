/* Model checkpoints: a network's tensors in safetensors layout, named as the
 * equivalent PyTorch nn.Sequential's state_dict ("0.weight", "1.running_mean",
 * ...), with metadata that makes the file self-describing:
 *   format  "gan-dcgan-v1"
 *   kind    "generator" | "discriminator"
 *   arch    {"image_size":32,"channels":1,"nz":100,"ngf":64,"ndf":64}
 *   step    training step the file was written at
 *   config  the resolved training config (JSON), when written by gan train */
#ifndef GAN_CHECKPOINT_H
#define GAN_CHECKPOINT_H

#include "gan/models/dcgan.h"
#include "gan/core/error.h"
#include "gan/io/safetensors.h"

#define GAN_CKPT_FORMAT "gan-dcgan-v1"

/* Adds the net's state_dict tensors, each name prefixed with prefix. */
void gan_net_list_tensors(gan_net *net, const char *prefix, gan_st_list *list);
/* Reads every state_dict tensor (prefixed) into an already built net,
 * checking dtype and shape. */
int gan_net_read_tensors(gan_net *net, const gan_st_file *f, const char *prefix, gan_error *err);

/* Reads integer `key` of a parsed metadata object (an arch) into *out: -1
 * when missing, not a whole number, or beyond +-1e6 (no arch field is larger). */
struct cJSON;
int gan_meta_int(const struct cJSON *o, const char *key, int *out);

/* Writes net to path atomically. config_json may be NULL. */
int gan_model_save(const char *path, gan_net *net, long step, const char *config_json, gan_error *err);
/* Reads the arch (and kind) from a model file's metadata. */
int gan_model_arch(const gan_st_file *f, gan_arch *arch, int *generator, gan_error *err);
/* Loads a model file into a newly built net (batches up to max_batch);
 * want_generator: 1 requires G, 0 requires D, -1 accepts either.
 * On success *step holds the saved step (if step != NULL). */
int gan_model_load(const char *path, gan_net *net, int want_generator, int max_batch, long *step, gan_error *err);

#endif
