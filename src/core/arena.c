#include "gan/core/arena.h"

#include <stdlib.h>
#include <string.h>

#include "gan/core/check.h"

enum { FLOATS_PER_LINE = 16 }; /* 64 bytes */

size_t gan_arena_round(size_t n) { return (n + FLOATS_PER_LINE - 1) / FLOATS_PER_LINE * FLOATS_PER_LINE; }

gan_status gan_arena_reserve(gan_arena *a, size_t floats)
{
    a->base = NULL;
    a->cap = gan_arena_round(floats);
    a->used = 0;
    if (a->cap == 0) return GAN_OK;
    if (a->cap > ((size_t)-1) / sizeof(float)) return GAN_ERR_NOMEM;
    void *p = NULL;
    if (posix_memalign(&p, 64, a->cap * sizeof(float)) != 0) return GAN_ERR_NOMEM;
    memset(p, 0, a->cap * sizeof(float));
    a->base = p;
    return GAN_OK;
}

float *gan_arena_take(gan_arena *a, size_t n)
{
    size_t r = gan_arena_round(n);
    if (r > a->cap - a->used) GAN_ABORT("arena overflow (%zu + %zu > %zu floats)", a->used, r, a->cap);
    float *p = a->base + a->used;
    a->used += r;
    return p;
}

void gan_arena_free(gan_arena *a)
{
    free(a->base);
    a->base = NULL;
    a->cap = a->used = 0;
}
