#include "gan/data/picture.h"

#include <stdlib.h>
#include <string.h>

#include <stb_image_resize.h>

#include "gan/data/file.h"
#include "gan/data/image.h"

/* The scaled size: the longer side long_side, the other in proportion. */
static void scaled(int w, int h, int long_side, int *sw, int *sh)
{
    if (w >= h) {
        *sw = long_side;
        *sh = (int)(((long)h * long_side + w / 2) / w);
    } else {
        *sh = long_side;
        *sw = (int)(((long)w * long_side + h / 2) / h);
    }
}

gan_status gan_picture_load(const char *path, int long_side, int min_side, gan_picture *pic, gan_error *err)
{
    memset(pic, 0, sizeof *pic);
    uint8_t *file = NULL, *rgb = NULL, *resized = NULL;
    size_t len = 0;
    int w = 0, h = 0, sw = 0, sh = 0;
    static const uint8_t white[3] = {255, 255, 255};
    gan_status rc = gan_read_file(path, (size_t)GAN_MAX_IMAGE_FILE, &file, &len, err);
    if (rc == GAN_OK) rc = gan_image_decode(file, len, path, 3, white, &rgb, &w, &h, err);
    if (rc == GAN_OK) {
        scaled(w, h, long_side, &sw, &sh);
        if (sw < min_side || sh < min_side)
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: %dx%d scaled to %dx%d is smaller than %d pixels a side",
                          path, w, h, sw, sh, min_side);
    }
    if (rc == GAN_OK && !(resized = malloc((size_t)sw * sh * 3)))
        rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
    if (rc == GAN_OK && !stbir_resize_uint8(rgb, w, h, 0, resized, sw, sh, 0, 3))
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: cannot scale %dx%d to %dx%d", path, w, h, sw, sh);
    if (rc == GAN_OK && !(pic->pixels = malloc(sizeof(float) * 3 * (size_t)sw * sh)))
        rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
    if (rc == GAN_OK) {
        pic->w = sw, pic->h = sh;
        const long plane = (long)sw * sh;
        for (long i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) pic->pixels[c * plane + i] = resized[i * 3 + c] / 255.0f;
    }
    free(file), free(rgb), free(resized);
    return rc;
}

void gan_picture_free(gan_picture *pic)
{
    free(pic->pixels);
    memset(pic, 0, sizeof *pic);
}
