#include "gan/data/fit.h"
#include "gan/data/image.h"

#include <stdlib.h>
#include <string.h>

#include <stb_image_resize.h>

gan_status gan_fit_image(uint8_t *dst, const uint8_t *src, int w, int h, int src_channels, const gan_fit *fit,
                         const char *label, gan_error *err)
{
    const int S = fit->size, C = fit->channels;
    /* First the channels: grey -> RGB repeats, RGB -> grey by gan_grey. */
    uint8_t *conv = NULL;
    const uint8_t *img = src;
    if (src_channels != C) {
        conv = malloc((size_t)w * h * C);
        if (!conv) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
        for (long i = 0; i < (long)w * h; i++) {
            const uint8_t *p = src + i * src_channels;
            if (C == 3) conv[i * 3] = conv[i * 3 + 1] = conv[i * 3 + 2] = p[0];
            else conv[i] = gan_grey(p[0], p[1], p[2]);
        }
        img = conv;
    }
    gan_status rc = GAN_OK;
    if (fit->mode == GAN_FIT_PAD) {
        if (w > S || h > S) {
            rc = gan_fail(err, GAN_ERR_INPUT,
                          "%s: %dx%d images do not fit in %dx%d with data.fit \"pad\" (use \"resize\")",
                          label, w, h, S, S);
        } else {
            const uint8_t *bg = fit->background;
            const uint8_t grey = gan_grey(bg[0], bg[1], bg[2]);
            for (int c = 0; c < C; c++) memset(dst + (size_t)c * S * S, C == 3 ? bg[c] : grey, (size_t)S * S);
            const int x0 = (S - w) / 2, y0 = (S - h) / 2;
            for (int c = 0; c < C; c++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        dst[((long)c * S + y0 + y) * S + x0 + x] = img[((long)y * w + x) * C + c];
        }
    } else {
        /* Scale the short side to S, then take the centre S x S. */
        int rw = w <= h ? S : (int)((long)w * S / h), rh = h <= w ? S : (int)((long)h * S / w);
        if (rw < S) rw = S;
        if (rh < S) rh = S;
        uint8_t *tmp = malloc((size_t)rw * rh * C);
        if (!tmp) {
            rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
        } else if (!stbir_resize_uint8(img, w, h, 0, tmp, rw, rh, 0, C)) {
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: cannot resize %dx%d to %dx%d", label, w, h, rw, rh);
        } else {
            const int x0 = (rw - S) / 2, y0 = (rh - S) / 2;
            for (int c = 0; c < C; c++)
                for (int y = 0; y < S; y++)
                    for (int x = 0; x < S; x++)
                        dst[((long)c * S + y) * S + x] = tmp[((long)(y0 + y) * rw + x0 + x) * C + c];
        }
        free(tmp);
    }
    free(conv);
    return rc;
}
