/* ONNX models written by hand (gan/io/protobuf.h): a graph of standard
 * operators, opset 13, IR version 7, which ONNX Runtime 1.17 (and anything
 * since ONNX 1.8) reads. gan writes the protobuf itself rather than link
 * protobuf-c: a model is five message types and three wire types, about
 * 200 lines, where protobuf-c would need onnx.proto compiled into the
 * build and a runtime library in the package's dependencies, for a file
 * gan only ever writes.
 *
 * A graph is built in order: its inputs, initializers (the weights), nodes,
 * outputs; then gan_onnx_model wraps it. Every name is the caller's
 * (values are wired by name, as in ONNX). */
#ifndef GAN_IO_ONNX_H
#define GAN_IO_ONNX_H

#include <stdint.h>

#include "gan/core/error.h"
#include "gan/io/protobuf.h"

enum { GAN_ONNX_OPSET = 13, GAN_ONNX_IR_VERSION = 7 };

/* TensorProto.DataType values gan uses. */
typedef enum { GAN_ONNX_FLOAT = 1, GAN_ONNX_INT64 = 7 } gan_onnx_type;

/* A dimension of an input or output: a size, or this for the batch
 * dimension, named "n" (dynamic). */
#define GAN_ONNX_BATCH (-1)

typedef struct {
    gan_pb graph; /* GraphProto fields so far */
} gan_onnx_graph;

/* A node attribute: an integer, a list of up to four, or a float. */
typedef enum { GAN_ONNX_ATTR_INT, GAN_ONNX_ATTR_INTS, GAN_ONNX_ATTR_FLOAT } gan_onnx_attr_kind;
typedef struct {
    const char *name;
    gan_onnx_attr_kind kind;
    int64_t ints[4];
    int count; /* GAN_ONNX_ATTR_INTS: how many of ints */
    float f;
} gan_onnx_attr;

/* A graph input (field "input") or output ("output") of a tensor type. */
void gan_onnx_input(gan_onnx_graph *g, const char *name, gan_onnx_type type, const int64_t *dims, int ndim);
void gan_onnx_output(gan_onnx_graph *g, const char *name, gan_onnx_type type, const int64_t *dims, int ndim);
/* Initializers (constants, the weights), stored little-endian as raw_data. */
void gan_onnx_floats(gan_onnx_graph *g, const char *name, const int64_t *dims, int ndim, const float *data);
void gan_onnx_int64s(gan_onnx_graph *g, const char *name, const int64_t *dims, int ndim, const int64_t *data);
/* A node: op(inputs...) -> output, named after its output. */
void gan_onnx_node(gan_onnx_graph *g, const char *op, const char *const *inputs, int ninputs,
                   const char *output, const gan_onnx_attr *attrs, int nattrs);

/* Facts stored in the model's metadata_props. */
typedef struct {
    const char *key, *value;
} gan_onnx_meta;

/* Wraps the graph (named name; consumed) into a ModelProto in *model:
 * IR version, opset import, producer, metadata. GAN_ERR_NOMEM when any
 * allocation along the way failed. */
gan_status gan_onnx_model(gan_onnx_graph *g, const char *name, const char *producer_version,
                          const gan_onnx_meta *meta, int nmeta, gan_pb *model, gan_error *err);

#endif
