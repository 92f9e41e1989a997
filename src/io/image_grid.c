#include "gan/io/image_grid.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gan/io/atomic_file.h"
#include "glyphs.h"

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

/* PNG bytes of HWC pixels, written atomically. */
static gan_status write_png(const char *path, const uint8_t *px, int w, int h, int channels, gan_error *err)
{
    membuf m = {0};
    const int ok = stbi_write_png_to_func(append, &m, w, h, channels, px, w * channels);
    gan_status rc = !ok || m.failed ? gan_fail(err, GAN_ERR_NOMEM, "%s: PNG encoding failed", path)
                                    : gan_write_file_atomic(path, m.data, m.len, err);
    free(m.data);
    return rc;
}

int gan_grid_square_row(int n)
{
    int r = 1;
    while (r * r < n) r++;
    return r;
}

/* The label margin's glyph scale: readable beside images of this size. */
static int label_scale(int size) { return size >= 48 ? 3 : size >= 24 ? 2 : 1; }

enum { MAX_LABEL_CHARS = 24 };

/* Characters of a label as drawn: UTF-8 continuation bytes do not count
 * (a character outside the font is one '?'), at most MAX_LABEL_CHARS. */
static int label_chars(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80) n++;
    return n < MAX_LABEL_CHARS ? n : MAX_LABEL_CHARS;
}

/* Writes text in white at (x0, y0) of an image W wide. */
static void draw_label(uint8_t *px, int W, int H, int channels, int x0, int y0, int scale, const char *text)
{
    int drawn = 0;
    for (const char *s = text; *s && drawn < MAX_LABEL_CHARS; s++) {
        if (((unsigned char)*s & 0xc0) == 0x80) continue;
        const uint8_t *g = gan_glyph(((unsigned char)*s & 0x80) ? '?' : *s);
        const int cx = x0 + drawn * (GAN_GLYPH_W + 1) * scale;
        for (int r = 0; r < GAN_GLYPH_H; r++)
            for (int c = 0; c < GAN_GLYPH_W; c++) {
                if (!(g[r] & (0x10 >> c))) continue;
                for (int dy = 0; dy < scale; dy++)
                    for (int dx = 0; dx < scale; dx++) {
                        const int x = cx + c * scale + dx, y = y0 + r * scale + dy;
                        if (x < W && y < H) memset(px + ((long)y * W + x) * channels, 255, (size_t)channels);
                    }
            }
        drawn++;
    }
}

gan_status gan_grid_png(const char *path, const gan_grid *grid, gan_error *err)
{
    const int count = grid->count, size = grid->size, channels = grid->channels, pad = grid->pad;
    int nrow = grid->per_row < 1 ? 1 : grid->per_row;
    int rows = 0, margin = 0;
    const int scale = label_scale(size);
    if (grid->nrows > 0) {
        nrow = 1;
        int widest = 0;
        for (int r = 0; r < grid->nrows; r++) {
            if (grid->row_count[r] > nrow) nrow = grid->row_count[r];
            if (label_chars(grid->row_label[r]) > widest) widest = label_chars(grid->row_label[r]);
        }
        rows = grid->nrows;
        margin = widest * (GAN_GLYPH_W + 1) * scale + 2 * pad + scale;
    } else {
        if (nrow > count) nrow = count;
        rows = (count + nrow - 1) / nrow;
    }
    const int W = margin + nrow * (size + pad) + pad, H = rows * (size + pad) + pad;
    uint8_t *px = calloc((size_t)W * H * channels, 1);
    if (!px) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory for a %dx%d grid", path, W, H);
    const long plane = (long)size * size;
    int row = 0, in_row = 0;
    for (int i = 0; i < count; i++) {
        int cell = i, image = grid->first + i;
        if (grid->nrows > 0) { /* the next row when this one is full (or empty) */
            while (row < grid->nrows && in_row >= grid->row_count[row]) row++, in_row = 0;
            if (row >= grid->nrows) break;
            cell = row * nrow + in_row++;
            image = grid->order[i];
        }
        const int gx = margin + pad + (cell % nrow) * (size + pad), gy = pad + (cell / nrow) * (size + pad);
        for (int c = 0; c < channels; c++) {
            const float *src = grid->images + ((long)c * grid->batch + image) * plane;
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++) {
                    float v = (src[y * size + x] + 1.0f) * 127.5f + 0.5f;
                    /* NaN and out-of-range values clamp instead of wrapping. */
                    v = v >= 0.0f ? (v <= 255.0f ? v : 255.0f) : 0.0f;
                    px[((long)(gy + y) * W + gx + x) * channels + c] = (uint8_t)v;
                }
        }
    }
    for (int r = 0; r < grid->nrows; r++) /* each row's name, centred on the row's height */
        draw_label(px, W, H, channels, pad + scale, pad + r * (size + pad) + (size - GAN_GLYPH_H * scale) / 2,
                   scale, grid->row_label[r]);
    gan_status rc = write_png(path, px, W, H, channels, err);
    free(px);
    return rc;
}

gan_status gan_picture_png(const char *path, const float *pixels, int h, int w, gan_error *err)
{
    const long plane = (long)h * w;
    uint8_t *px = malloc((size_t)plane * 3);
    if (!px) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
    for (long i = 0; i < plane; i++)
        for (int c = 0; c < 3; c++) {
            const float v = pixels[c * plane + i] * 255.0f + 0.5f;
            px[i * 3 + c] = (uint8_t)(v >= 0.0f ? (v <= 255.0f ? v : 255.0f) : 0.0f); /* NaN clamps to 0 */
        }
    gan_status rc = write_png(path, px, w, h, 3, err);
    free(px);
    return rc;
}

/* Larger groupings are drawn as a plain grid: rows too long or too many to read. */
enum { MAX_ROW = 32, MAX_ROWS = 64 };

static bool rows_alloc(gan_grid_rows *rows, long n, int nrows)
{
    memset(rows, 0, sizeof *rows);
    rows->order = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    rows->row_count = malloc(sizeof(int) * (size_t)nrows);
    rows->row_label = malloc(sizeof(char *) * (size_t)nrows);
    if (rows->order && rows->row_count && rows->row_label) return true;
    gan_grid_rows_free(rows);
    return false;
}

bool gan_grid_rows_by_class(gan_grid_rows *rows, const int32_t *labels, long n, const gan_classes *classes)
{
    long *per_class = calloc((size_t)classes->count, sizeof *per_class);
    bool ok = per_class && rows_alloc(rows, n, classes->count);
    for (long i = 0; ok && i < n; i++) per_class[labels[i]]++;
    int nrows = 0;
    for (int k = 0; ok && k < classes->count; k++) {
        if (per_class[k] == 0) continue;
        ok = per_class[k] <= MAX_ROW && nrows < MAX_ROWS;
        rows->row_count[nrows] = (int)per_class[k];
        rows->row_label[nrows++] = classes->names[k];
    }
    /* the images of each class, in their order, class by class */
    long at = 0;
    for (int k = 0; ok && k < classes->count; k++)
        for (long i = 0; i < n; i++)
            if (labels[i] == k) rows->order[at++] = (int)i;
    free(per_class);
    rows->nrows = ok ? nrows : 0;
    if (!ok) gan_grid_rows_free(rows);
    return ok;
}

bool gan_grid_rows_in_order(gan_grid_rows *rows, const int32_t *labels, long n, int per_row,
                            const gan_classes *classes)
{
    const int nrows = (int)(n / per_row);
    if (!rows_alloc(rows, n, nrows)) return false;
    for (long i = 0; i < n; i++) rows->order[i] = (int)i;
    for (int r = 0; r < nrows; r++) {
        rows->row_count[r] = per_row;
        rows->row_label[r] = classes->names[labels[(long)r * per_row]];
    }
    rows->nrows = nrows;
    return true;
}

void gan_grid_rows_free(gan_grid_rows *rows)
{
    free(rows->order);
    free(rows->row_count);
    free(rows->row_label);
    memset(rows, 0, sizeof *rows);
}

void gan_grid_set_rows(gan_grid *grid, const gan_grid_rows *rows)
{
    grid->nrows = rows->nrows;
    grid->row_count = rows->row_count;
    grid->row_label = rows->row_label;
    grid->order = rows->order;
}
