/* A bump allocator for float buffers whose lifetime is the model's.
 *
 * Every activation, workspace and parameter buffer of a model is carved out
 * of one arena when the model is built, so the training step never calls
 * malloc, and one gan_arena_free releases everything. Buffers are 64-byte
 * aligned so SGEMM and the vectorised loops see aligned rows. */
#ifndef GAN_CORE_ARENA_H
#define GAN_CORE_ARENA_H

#include <stddef.h>

#include "gan/core/error.h"

typedef struct {
    float *base; /* start of the block, NULL until gan_arena_reserve */
    size_t cap;  /* capacity in floats */
    size_t used; /* floats handed out so far */
} gan_arena;

/* Allocates room for `floats` floats (zeroed): GAN_OK or GAN_ERR_NOMEM. */
gan_status gan_arena_reserve(gan_arena *a, size_t floats);
/* Hands out `n` floats, rounded up to a 64-byte boundary. Overflowing the
 * reservation is a bug (the caller computed the sizes): GAN_ASSERT. */
float *gan_arena_take(gan_arena *a, size_t n);
/* Rounds n up the way gan_arena_take does, for sizing a reservation. */
size_t gan_arena_round(size_t n);
void gan_arena_free(gan_arena *a);

#endif
