#include "gan/io/image_grid.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gan/io/atomic_file.h"

#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>

typedef struct {
    unsigned char *data;
    size_t len, cap;
    int failed;
} membuf;

static void append(void *ctx, void *data, int size)
{
    membuf *m = ctx;
    if (m->failed || size <= 0) return;
    if (m->len + (size_t)size > m->cap) {
        size_t ncap = (m->cap ? m->cap * 2 : 65536) + (size_t)size;
        unsigned char *p = realloc(m->data, ncap);
        if (!p) {
            m->failed = 1;
            return;
        }
        m->data = p;
        m->cap = ncap;
    }
    memcpy(m->data + m->len, data, (size_t)size);
    m->len += (size_t)size;
}

int gan_grid_square_row(int n)
{
    int r = 1;
    while (r * r < n) r++;
    return r;
}

gan_status gan_grid_png(const char *path, const gan_grid *grid, gan_error *err)
{
    const int count = grid->count, size = grid->size, channels = grid->channels, pad = grid->pad;
    int nrow = grid->per_row < 1 ? 1 : grid->per_row;
    if (nrow > count) nrow = count;
    const int rows = (count + nrow - 1) / nrow;
    const int W = nrow * (size + pad) + pad, H = rows * (size + pad) + pad;
    uint8_t *px = calloc((size_t)W * H * channels, 1);
    if (!px) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory for a %dx%d grid", path, W, H);
    const long plane = (long)size * size;
    for (int i = 0; i < count; i++) {
        const int gx = pad + (i % nrow) * (size + pad), gy = pad + (i / nrow) * (size + pad);
        for (int c = 0; c < channels; c++) {
            const float *src = grid->images + ((long)c * grid->batch + grid->first + i) * plane;
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++) {
                    float v = (src[y * size + x] + 1.0f) * 127.5f + 0.5f;
                    /* NaN and out-of-range values clamp instead of wrapping. */
                    v = v >= 0.0f ? (v <= 255.0f ? v : 255.0f) : 0.0f;
                    px[((long)(gy + y) * W + gx + x) * channels + c] = (uint8_t)v;
                }
        }
    }
    membuf m = {0};
    int ok = stbi_write_png_to_func(append, &m, W, H, channels, px, W * channels);
    free(px);
    gan_status rc;
    if (!ok || m.failed) rc = gan_fail(err, GAN_ERR_NOMEM, "%s: PNG encoding failed", path);
    else rc = gan_write_file_atomic(path, m.data, m.len, err);
    free(m.data);
    return rc;
}
