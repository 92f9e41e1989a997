#include "gan/io/protobuf.h"

#include <stdlib.h>
#include <string.h>

enum { WIRE_VARINT = 0, WIRE_BYTES = 2, WIRE_FIXED32 = 5 };

void gan_pb_free(gan_pb *b)
{
    free(b->data);
    *b = (gan_pb){0};
}

static bool reserve(gan_pb *b, size_t more)
{
    if (b->failed) return false;
    if (b->len + more <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more) cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p, b->cap = cap;
    return true;
}

static void put_varint(gan_pb *b, uint64_t v)
{
    if (!reserve(b, 10)) return;
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        b->data[b->len++] = byte | (v ? 0x80 : 0);
    } while (v);
}

static void put_tag(gan_pb *b, int field, int wire)
{
    put_varint(b, ((uint64_t)field << 3) | (uint64_t)wire);
}

void gan_pb_int(gan_pb *b, int field, int64_t value)
{
    put_tag(b, field, WIRE_VARINT);
    put_varint(b, (uint64_t)value); /* two's complement: protobuf's int64 encoding */
}

void gan_pb_bytes(gan_pb *b, int field, const void *data, size_t len)
{
    put_tag(b, field, WIRE_BYTES);
    put_varint(b, len);
    if (len && reserve(b, len)) {
        memcpy(b->data + b->len, data, len);
        b->len += len;
    }
}

void gan_pb_words_le(gan_pb *b, int field, const void *words, size_t count, size_t width)
{
    put_tag(b, field, WIRE_BYTES);
    put_varint(b, count * width);
    if (!reserve(b, count * width)) return;
    const uint8_t *src = words;
    for (size_t i = 0; i < count; i++, src += width) {
        uint64_t word;
        if (width == 4) {
            uint32_t w32;
            memcpy(&w32, src, 4);
            word = w32;
        } else {
            memcpy(&word, src, 8);
        }
        for (size_t k = 0; k < width; k++) b->data[b->len++] = (uint8_t)(word >> (8 * k));
    }
}

void gan_pb_string(gan_pb *b, int field, const char *text) { gan_pb_bytes(b, field, text, strlen(text)); }

void gan_pb_float(gan_pb *b, int field, float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    put_tag(b, field, WIRE_FIXED32);
    if (!reserve(b, 4)) return;
    for (int i = 0; i < 4; i++) b->data[b->len++] = (uint8_t)(bits >> (8 * i));
}

void gan_pb_message(gan_pb *b, int field, gan_pb *sub)
{
    if (sub->failed) b->failed = true;
    else gan_pb_bytes(b, field, sub->data, sub->len);
    gan_pb_free(sub);
}
