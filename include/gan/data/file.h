/* Whole-file reads with a size cap, so a hostile file cannot make gan
 * allocate without bound. */
#ifndef GAN_DATA_FILE_H
#define GAN_DATA_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "gan/core/error.h"

/* Reads path into a malloc'ed buffer, decompressing gzip transparently, up to
 * cap bytes (decompressed); larger is GAN_ERR_INPUT, without reading on. */
gan_status gan_read_file(const char *path, size_t cap, uint8_t **out, size_t *len, gan_error *err);

/* After an I/O failure on path (the value of config key `key`): when path is
 * relative and does not exist, appends to err's message that relative paths
 * are read from the current directory (named), and where the installed
 * example configs are when this gan runs from an installation. */
void gan_hint_relative_path(gan_error *err, const char *key, const char *path);

/* Big-endian 32-bit value (IDX and PNG headers). */
static inline uint32_t gan_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
