/* A protocol-buffers encoder: just what writing an ONNX model takes
 * (gan/io/onnx.h). A message is built in a gan_pb byte buffer, fields in
 * the order they are added; a nested message is built in a buffer of its
 * own and appended as a length-delimited field. An allocation failure is
 * remembered (failed) and every later call does nothing, so a builder
 * checks once at the end. */
#ifndef GAN_IO_PROTOBUF_H
#define GAN_IO_PROTOBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *data;
    size_t len, cap;
    bool failed; /* an allocation failed: the bytes are incomplete */
} gan_pb;

void gan_pb_free(gan_pb *b);
/* Wire type 0: an integer field (int32, int64, enum; a negative value takes ten bytes). */
void gan_pb_int(gan_pb *b, int field, int64_t value);
/* Wire type 2: bytes, a string (without its NUL), a packed nothing. */
void gan_pb_bytes(gan_pb *b, int field, const void *data, size_t len);
void gan_pb_string(gan_pb *b, int field, const char *text);
/* Wire type 2 holding count numbers of width 4 or 8 bytes (float, int32,
 * int64, double), each little-endian whatever the host's order. */
void gan_pb_words_le(gan_pb *b, int field, const void *words, size_t count, size_t width);
/* Wire type 5: a float field (little-endian IEEE 754). */
void gan_pb_float(gan_pb *b, int field, float value);
/* Appends sub as a nested message field and frees it (a failure in sub
 * becomes b's). */
void gan_pb_message(gan_pb *b, int field, gan_pb *sub);

#endif
