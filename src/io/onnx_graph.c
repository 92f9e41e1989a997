#include "gan/io/onnx.h"

#include <string.h>

/* Field numbers of onnx.proto (ONNX 1.12's, unchanged since IR version 3). */
enum { MODEL_IR_VERSION = 1, MODEL_PRODUCER_NAME = 2, MODEL_PRODUCER_VERSION = 3, MODEL_GRAPH = 7 };
enum { MODEL_OPSET_IMPORT = 8, MODEL_METADATA = 14, OPSET_VERSION = 2, ENTRY_KEY = 1, ENTRY_VALUE = 2 };
enum { GRAPH_NODE = 1, GRAPH_NAME = 2, GRAPH_INITIALIZER = 5, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12 };
enum { NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP_TYPE = 4, NODE_ATTRIBUTE = 5 };
enum { ATTR_NAME = 1, ATTR_F = 2, ATTR_I = 3, ATTR_INTS = 8, ATTR_TYPE = 20 };
enum { ATTR_TYPE_FLOAT = 1, ATTR_TYPE_INT = 2, ATTR_TYPE_INTS = 7 };
enum { TENSOR_DIMS = 1, TENSOR_DATA_TYPE = 2, TENSOR_NAME = 8, TENSOR_RAW_DATA = 9 };
enum { VALUE_NAME = 1, VALUE_TYPE = 2, TYPE_TENSOR = 1, TENSOR_ELEM_TYPE = 1, TENSOR_SHAPE = 2 };
enum { SHAPE_DIM = 1, DIM_VALUE = 1, DIM_PARAM = 2 };

static void value_info(gan_onnx_graph *g, int field, const char *name, gan_onnx_type type,
                       const int64_t *dims, int ndim)
{
    gan_pb shape = {0}, tensor = {0}, typ = {0}, value = {0};
    for (int i = 0; i < ndim; i++) {
        gan_pb dim = {0};
        if (dims[i] == GAN_ONNX_BATCH) gan_pb_string(&dim, DIM_PARAM, "n");
        else gan_pb_int(&dim, DIM_VALUE, dims[i]);
        gan_pb_message(&shape, SHAPE_DIM, &dim);
    }
    gan_pb_int(&tensor, TENSOR_ELEM_TYPE, type);
    gan_pb_message(&tensor, TENSOR_SHAPE, &shape);
    gan_pb_message(&typ, TYPE_TENSOR, &tensor);
    gan_pb_string(&value, VALUE_NAME, name);
    gan_pb_message(&value, VALUE_TYPE, &typ);
    gan_pb_message(&g->graph, field, &value);
}

void gan_onnx_input(gan_onnx_graph *g, const char *name, gan_onnx_type type, const int64_t *dims, int ndim)
{
    value_info(g, GRAPH_INPUT, name, type, dims, ndim);
}

void gan_onnx_output(gan_onnx_graph *g, const char *name, gan_onnx_type type, const int64_t *dims, int ndim)
{
    value_info(g, GRAPH_OUTPUT, name, type, dims, ndim);
}

/* An initializer's header; the caller appends raw_data and hands it on. */
static void tensor_head(gan_pb *t, const char *name, gan_onnx_type type, const int64_t *dims, int ndim)
{
    for (int i = 0; i < ndim; i++) gan_pb_int(t, TENSOR_DIMS, dims[i]);
    gan_pb_int(t, TENSOR_DATA_TYPE, type);
    gan_pb_string(t, TENSOR_NAME, name);
}

static size_t element_count(const int64_t *dims, int ndim)
{
    size_t n = 1;
    for (int i = 0; i < ndim; i++) n *= (size_t)dims[i];
    return n;
}

void gan_onnx_floats(gan_onnx_graph *g, const char *name, const int64_t *dims, int ndim, const float *data)
{
    gan_pb t = {0};
    tensor_head(&t, name, GAN_ONNX_FLOAT, dims, ndim);
    gan_pb_words_le(&t, TENSOR_RAW_DATA, data, element_count(dims, ndim), sizeof(float));
    gan_pb_message(&g->graph, GRAPH_INITIALIZER, &t);
}

void gan_onnx_int64s(gan_onnx_graph *g, const char *name, const int64_t *dims, int ndim, const int64_t *data)
{
    gan_pb t = {0};
    tensor_head(&t, name, GAN_ONNX_INT64, dims, ndim);
    gan_pb_words_le(&t, TENSOR_RAW_DATA, data, element_count(dims, ndim), sizeof(int64_t));
    gan_pb_message(&g->graph, GRAPH_INITIALIZER, &t);
}

static void attribute(gan_pb *node, const gan_onnx_attr *a)
{
    gan_pb attr = {0};
    gan_pb_string(&attr, ATTR_NAME, a->name);
    switch (a->kind) {
    case GAN_ONNX_ATTR_INT:
        gan_pb_int(&attr, ATTR_I, a->ints[0]);
        gan_pb_int(&attr, ATTR_TYPE, ATTR_TYPE_INT);
        break;
    case GAN_ONNX_ATTR_INTS:
        /* proto2's repeated int64 is unpacked: one field per value */
        for (int i = 0; i < a->count; i++) gan_pb_int(&attr, ATTR_INTS, a->ints[i]);
        gan_pb_int(&attr, ATTR_TYPE, ATTR_TYPE_INTS);
        break;
    case GAN_ONNX_ATTR_FLOAT:
        gan_pb_float(&attr, ATTR_F, a->f);
        gan_pb_int(&attr, ATTR_TYPE, ATTR_TYPE_FLOAT);
        break;
    }
    gan_pb_message(node, NODE_ATTRIBUTE, &attr);
}

void gan_onnx_node(gan_onnx_graph *g, const char *op, const char *const *inputs, int ninputs,
                   const char *output, const gan_onnx_attr *attrs, int nattrs)
{
    gan_pb node = {0};
    for (int i = 0; i < ninputs; i++) gan_pb_string(&node, NODE_INPUT, inputs[i]);
    gan_pb_string(&node, NODE_OUTPUT, output);
    gan_pb_string(&node, NODE_NAME, output);
    gan_pb_string(&node, NODE_OP_TYPE, op);
    for (int i = 0; i < nattrs; i++) attribute(&node, &attrs[i]);
    gan_pb_message(&g->graph, GRAPH_NODE, &node);
}

gan_status gan_onnx_model(gan_onnx_graph *g, const char *name, const char *producer_version,
                          const gan_onnx_meta *meta, int nmeta, gan_pb *model, gan_error *err)
{
    *model = (gan_pb){0};
    gan_pb opset = {0};
    gan_pb_int(&opset, OPSET_VERSION, GAN_ONNX_OPSET); /* the default domain: no domain field */
    gan_pb_int(model, MODEL_IR_VERSION, GAN_ONNX_IR_VERSION);
    gan_pb_string(model, MODEL_PRODUCER_NAME, "gan");
    gan_pb_string(model, MODEL_PRODUCER_VERSION, producer_version);
    gan_pb_string(&g->graph, GRAPH_NAME, name);
    gan_pb_message(model, MODEL_GRAPH, &g->graph);
    gan_pb_message(model, MODEL_OPSET_IMPORT, &opset);
    for (int i = 0; i < nmeta; i++) {
        gan_pb entry = {0};
        gan_pb_string(&entry, ENTRY_KEY, meta[i].key);
        gan_pb_string(&entry, ENTRY_VALUE, meta[i].value);
        gan_pb_message(model, MODEL_METADATA, &entry);
    }
    if (!model->failed) return GAN_OK;
    gan_pb_free(model);
    return gan_fail(err, GAN_ERR_NOMEM, "out of memory writing the ONNX model");
}
