/* VGG-19 weights from a file, for gan style --weights: torchvision's
 * vgg19().features state_dict saved as safetensors (docs/style.md gives
 * the three lines of Python that write it). */
#ifndef GAN_IO_VGG_WEIGHTS_H
#define GAN_IO_VGG_WEIGHTS_H

#include "gan/core/error.h"
#include "gan/models/vgg19.h"

/* Reads features.N.weight and features.N.bias of every layer up to conv5_1,
 * float32 of VGG-19's shapes (other tensors are ignored). A missing tensor,
 * another dtype or shape: GAN_ERR_INPUT naming the file and the tensor. */
gan_status gan_vgg_weights_load(gan_vgg_weights *w, const char *path, gan_error *err);

#endif
