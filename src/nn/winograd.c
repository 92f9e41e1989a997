#include "gan/nn/winograd.h"

#include <stdlib.h>
#include <string.h>

#include "gan/core/check.h"
#include "gan/core/dispatch.h"
#include "gan/core/gemm.h"

/* F(2x2, 3x3): Y = A^T [(G g G^T) o (B^T d B)] A for a 4x4 input tile d
 * and a 3x3 filter g, with
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
 *   G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
 *   A^T = [1 1 1 0; 0 1 -1 -1]
 * The 16 points of a transformed tile are p = 4 * row + column. */
enum { POINTS = 16 };

typedef struct {
    const float *in, *weight, *bias;
    float *out;
    float *u, *v, *m; /* [16, cout, cin] (transposed: [16, cin, cout]), [16, cin, band], [16, cout, band] */
    int cin, cout, h, w, tw;
    bool transposed;
    int row0, rows; /* the band: tile rows [row0, row0 + rows) */
    long band;      /* its tiles, rows * tw */
} wjob;

size_t gan_winograd_min_ws(int c, int oc, int w)
{
    const size_t tw = (size_t)(w + 1) / 2;
    return (size_t)POINTS * c * oc + (size_t)POINTS * (c + oc) * tw;
}

/* U = G g G^T for the weight's output channels [begin, end), from the
 * weight as stored, [wo][wc][3][3], into u [16][wo][wc]. The input
 * gradient's filters (transposed and turned) need no transform of their
 * own: turning g is J g J with J the row reversal, and G J = P G with P the
 * swap of rows 0 and 3, so their U is this one's with points 0 and 3 of
 * each side swapped (turned_point) and each [wo, wc] matrix transposed,
 * which the GEMM does. LANES input channels at a time, so the arithmetic
 * and the stores run along contiguous memory. */
enum { LANES = 16 };

GAN_HOT static void transform_filters(void *arg, long begin, long end)
{
    const wjob *j = arg;
    const int wc = j->transposed ? j->cout : j->cin;
    const size_t stride = (size_t)j->cin * j->cout;
    for (long o = begin; o < end; o++)
        for (int i0 = 0; i0 < wc; i0 += LANES) {
            const int n = wc - i0 < LANES ? wc - i0 : LANES;
            const float *src = j->weight + ((size_t)o * wc + i0) * 9;
            float g[9][LANES], r[4][3][LANES];
            for (int l = 0; l < n; l++)
                for (int k = 0; k < 9; k++) g[k][l] = src[9 * l + k];
            for (int c = 0; c < 3; c++)
                for (int l = 0; l < n; l++) {
                    r[0][c][l] = g[c][l];
                    r[1][c][l] = 0.5f * (g[c][l] + g[3 + c][l] + g[6 + c][l]);
                    r[2][c][l] = 0.5f * (g[c][l] - g[3 + c][l] + g[6 + c][l]);
                    r[3][c][l] = g[6 + c][l];
                }
            for (int row = 0; row < 4; row++) {
                float *u0 = j->u + (size_t)(4 * row) * stride + (size_t)o * wc + i0;
                float *u1 = u0 + stride, *u2 = u1 + stride, *u3 = u2 + stride;
                for (int l = 0; l < n; l++) {
                    u0[l] = r[row][0][l];
                    u1[l] = 0.5f * (r[row][0][l] + r[row][1][l] + r[row][2][l]);
                    u2[l] = 0.5f * (r[row][0][l] - r[row][1][l] + r[row][2][l]);
                    u3[l] = r[row][2][l];
                }
            }
        }
}

/* The point of U that the turned filter's point p is. */
static int turned_point(int p)
{
    static const int swap03[4] = {3, 1, 2, 0};
    return 4 * swap03[p / 4] + swap03[p % 4];
}

/* Input row y of plane into buf[1 .. w] with zeros around it (buf[0] and
 * past w: the padding, and the odd column's second tile half); a zero row
 * outside the picture. buf holds w + 4 floats. */
static void padded_row(float *buf, const float *plane, int h, int w, int y)
{
    memset(buf, 0, sizeof(float) * (size_t)(w + 4));
    if (y >= 0 && y < h) memcpy(buf + 1, plane + (long)y * w, sizeof(float) * (size_t)w);
}

/* V = B^T d B for one tile row of one channel: the rows' combinations
 * (B^T's) over the whole width first, then each tile's columns (B's); every
 * loop runs along the row, so it vectorises. v points at the row's first
 * tile of point 0; points are `stride` apart. */
GAN_HOT static void transform_tile_row(float *v, size_t stride, const float *plane, int h, int w, int tw,
                                       int y0, float *rows /* [8][w + 4] */)
{
    const int n = w + 4;
    float *d[4], *r[4];
    for (int k = 0; k < 4; k++) d[k] = rows + (size_t)k * n, r[k] = rows + (size_t)(4 + k) * n;
    for (int k = 0; k < 4; k++) padded_row(d[k], plane, h, w, y0 + k);
    for (int x = 0; x < n; x++) {
        r[0][x] = d[0][x] - d[2][x], r[1][x] = d[1][x] + d[2][x];
        r[2][x] = d[2][x] - d[1][x], r[3][x] = d[1][x] - d[3][x];
    }
    for (int k = 0; k < 4; k++) { /* tile tx covers padded columns 2 tx .. 2 tx + 3 */
        float *v0 = v + (size_t)(4 * k) * stride, *v1 = v0 + stride, *v2 = v1 + stride, *v3 = v2 + stride;
        const float *q = r[k];
        for (int tx = 0; tx < tw; tx++) {
            v0[tx] = q[2 * tx] - q[2 * tx + 2], v1[tx] = q[2 * tx + 1] + q[2 * tx + 2];
            v2[tx] = q[2 * tx + 2] - q[2 * tx + 1], v3[tx] = q[2 * tx + 1] - q[2 * tx + 3];
        }
    }
}

/* V for every tile of the band, input channels [begin, end). */
static void transform_tiles(void *arg, long begin, long end)
{
    const wjob *j = arg;
    const size_t stride = (size_t)j->cin * j->band;
    float *rows = malloc(sizeof(float) * 8 * (size_t)(j->w + 4));
    GAN_ASSERT(rows != NULL);
    for (long i = begin; i < end; i++) {
        const float *plane = j->in + (size_t)i * j->h * j->w;
        for (int ty = 0; ty < j->rows; ty++)
            transform_tile_row(j->v + (size_t)i * j->band + (size_t)ty * j->tw, stride, plane, j->h, j->w,
                               j->tw, 2 * (j->row0 + ty) - 1, rows);
    }
    free(rows);
}

/* Y = A^T m A for one tile row of one channel, into output rows oy and oy +
 * 1 (the second when inside the picture): A^T's rows for each column b
 * (s0, s1), then A's columns, then the 2x2 outputs interleaved; each loop
 * runs along the tiles, so it vectorises. y holds 12 tw floats. */
GAN_HOT static void transform_back_row(float *plane, const float *m, size_t stride, int h, int w, int tw,
                                       int oy, float bias, float *y)
{
    float *s0 = y, *s1 = y + 4 * (size_t)tw, *out = y + 8 * (size_t)tw; /* s0, s1: [4][tw]; out: [4][tw] */
    for (int b = 0; b < 4; b++) {
        const float *p0 = m + (size_t)b * stride, *p1 = p0 + 4 * stride, *p2 = p1 + 4 * stride,
                    *p3 = p2 + 4 * stride;
        float *a0 = s0 + (size_t)b * tw, *a1 = s1 + (size_t)b * tw;
        for (int tx = 0; tx < tw; tx++) a0[tx] = p0[tx] + p1[tx] + p2[tx], a1[tx] = p1[tx] - p2[tx] - p3[tx];
    }
    for (int r = 0; r < 2; r++) {
        const float *q = r ? s1 : s0;
        float *even = out + (size_t)(2 * r) * tw, *odd = even + tw;
        for (int tx = 0; tx < tw; tx++) {
            even[tx] = q[tx] + q[tw + tx] + q[2 * tw + tx] + bias;
            odd[tx] = q[tw + tx] - q[2 * tw + tx] - q[3 * tw + tx] + bias;
        }
    }
    for (int r = 0; r < 2 && oy + r < h; r++) {
        float *row = plane + (long)(oy + r) * w;
        const float *even = out + (size_t)(2 * r) * tw, *odd = even + tw;
        for (int x = 0; x < w; x++) row[x] = x & 1 ? odd[x >> 1] : even[x >> 1];
    }
}

/* Y for every tile of the band, output channels [begin, end). */
static void transform_back(void *arg, long begin, long end)
{
    const wjob *j = arg;
    const size_t stride = (size_t)j->cout * j->band;
    float *y = malloc(sizeof(float) * 12 * (size_t)j->tw);
    GAN_ASSERT(y != NULL);
    for (long o = begin; o < end; o++)
        for (int ty = 0; ty < j->rows; ty++)
            transform_back_row(j->out + (size_t)o * j->h * j->w,
                               j->m + (size_t)o * j->band + (size_t)ty * j->tw, stride, j->h, j->w, j->tw,
                               2 * (j->row0 + ty), j->bias ? j->bias[o] : 0.0f, y);
    free(y);
}

void gan_winograd_conv3x3(float *out, const float *in, const float *weight, const float *bias, int c, int oc,
                          int h, int w, bool transposed, float *ws, size_t ws_floats, gan_pool *pool)
{
    wjob j = {.in = in,
              .weight = weight,
              .bias = bias,
              .out = out,
              .h = h,
              .w = w,
              .tw = (w + 1) / 2,
              .transposed = transposed,
              .cin = transposed ? oc : c,
              .cout = transposed ? c : oc};
    GAN_ASSERT(ws_floats >= gan_winograd_min_ws(j.cin, j.cout, w));
    const int tile_rows = (h + 1) / 2;
    const size_t per_row = (size_t)POINTS * (j.cin + j.cout) * j.tw,
                 u_floats = (size_t)POINTS * j.cin * j.cout;
    int band_rows = (int)((ws_floats - u_floats) / per_row);
    band_rows = band_rows < tile_rows ? band_rows : tile_rows;
    j.u = ws;
    gan_pool_for(pool, transposed ? j.cin : j.cout, 1, transform_filters, &j);
    for (j.row0 = 0; j.row0 < tile_rows; j.row0 += band_rows) {
        j.rows = j.row0 + band_rows <= tile_rows ? band_rows : tile_rows - j.row0;
        j.band = (long)j.rows * j.tw;
        j.v = ws + u_floats, j.m = j.v + (size_t)POINTS * j.cin * j.band;
        gan_pool_for(pool, j.cin, 1, transform_tiles, &j);
        for (int p = 0; p < POINTS; p++)
            gan_gemm(transposed ? GAN_TRANS : GAN_NO_TRANS, GAN_NO_TRANS, j.cout, (int)j.band, j.cin, 1.0f,
                     j.u + (size_t)(transposed ? turned_point(p) : p) * j.cout * j.cin,
                     transposed ? j.cout : j.cin, j.v + (size_t)p * j.cin * j.band, (int)j.band, 0.0f,
                     j.m + (size_t)p * j.cout * j.band, (int)j.band, pool);
        gan_pool_for(pool, j.cout, 1, transform_back, &j);
    }
}
