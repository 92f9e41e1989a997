/* A DCGAN generator as an ONNX model (gan export --onnx):
 *   inputs  z [n, nz] float32, and labels [n] int64 for a conditional one
 *   output  images [n, C, S, S] float32 in [-1, 1]
 * with n dynamic. Batchnorm is in inference form (the running statistics,
 * as gan sample without --bn-batch), so the model computes what gan sample
 * computes. The operators, all of the default domain at opset 13:
 * Reshape, ConvTranspose (no bias), BatchNormalization, Relu, Tanh, and
 * for classes Gather and Concat (an embedding joined to z) or Gather, Mul
 * and Add (conditional batchnorm's per-class gamma and beta). Weights keep
 * their checkpoint (state_dict) names. */
#ifndef GAN_IO_ONNX_GENERATOR_H
#define GAN_IO_ONNX_GENERATOR_H

#include "gan/core/error.h"
#include "gan/io/onnx.h"
#include "gan/models/dcgan.h"

/* The model bytes in *model (the caller frees them); meta goes into its
 * metadata_props. */
gan_status gan_onnx_generator(const gan_net *g, const char *producer_version, const gan_onnx_meta *meta,
                              int nmeta, gan_pb *model, gan_error *err);

#endif
