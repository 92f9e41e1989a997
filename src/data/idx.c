#include "gan/data/idx.h"

#include <stdlib.h>
#include <string.h>

#include "gan/data/file.h"

/* Decompressed IDX files are capped: the full MNIST training set is 47 MB. */
#define MAX_IDX_BYTES ((size_t)1 << 30)

gan_status gan_idx_parse(const uint8_t *buf, size_t len, const char *label, uint8_t **images, long *count,
                         int *rows, int *cols, gan_error *err)
{
    uint32_t magic = len >= 4 ? gan_be32(buf) : 0;
    if (magic == 0x00000801)
        return gan_fail(err, GAN_ERR_INPUT, "%s: this is an IDX label file; data.path needs the images file",
                        label);
    if (len < 16) return gan_fail(err, GAN_ERR_INPUT, "%s: not an IDX image file (%zu bytes)", label, len);
    if (magic != 0x00000803)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: bad IDX magic 0x%08x (expected 0x00000803: unsigned bytes, 3 dimensions)", label,
                        magic);
    uint32_t n = gan_be32(buf + 4), r = gan_be32(buf + 8), c = gan_be32(buf + 12);
    if (n == 0) return gan_fail(err, GAN_ERR_INPUT, "%s: holds zero images", label);
    if (r == 0 || c == 0 || r > 1024 || c > 1024)
        return gan_fail(err, GAN_ERR_INPUT, "%s: image size %ux%u (expected 1 to 1024 per side)", label, r,
                        c);
    uint64_t want = (uint64_t)n * r * c;
    if (want != len - 16)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "%s: header says %u images of %ux%u (%llu bytes) but the file has %zu bytes of pixels", label, n,
            r, c, (unsigned long long)want, len - 16);
    uint8_t *img = malloc((size_t)want);
    if (!img) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
    memcpy(img, buf + 16, (size_t)want);
    *images = img;
    *count = n;
    *rows = (int)r;
    *cols = (int)c;
    return GAN_OK;
}

gan_status gan_idx_read(const char *path, uint8_t **images, long *count, int *rows, int *cols, gan_error *err)
{
    uint8_t *buf;
    size_t len;
    gan_status rc = gan_read_file(path, MAX_IDX_BYTES, &buf, &len, err);
    if (rc != GAN_OK) return rc;
    rc = gan_idx_parse(buf, len, path, images, count, rows, cols, err);
    free(buf);
    return rc;
}

gan_status gan_idx_labels_parse(const uint8_t *buf, size_t len, const char *label, int num_classes,
                                int32_t **labels, long *count, gan_error *err)
{
    uint32_t magic = len >= 4 ? gan_be32(buf) : 0;
    if (magic == 0x00000803)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: this is an IDX image file; a label file (magic 0x00000801) is needed", label);
    if (len < 8 || magic != 0x00000801)
        return gan_fail(err, GAN_ERR_INPUT, "%s: not an IDX label file (expected magic 0x00000801)", label);
    uint32_t n = gan_be32(buf + 4);
    if (n == 0) return gan_fail(err, GAN_ERR_INPUT, "%s: holds zero labels", label);
    if ((uint64_t)n != len - 8)
        return gan_fail(err, GAN_ERR_INPUT, "%s: header says %u labels but the file has %zu bytes of them",
                        label, n, len - 8);
    int32_t *out = malloc(sizeof(int32_t) * n);
    if (!out) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
    for (uint32_t i = 0; i < n; i++) {
        if (buf[8 + i] >= num_classes) {
            free(out);
            return gan_fail(err, GAN_ERR_INPUT, "%s: label %u of item %u is not below %d", label, buf[8 + i],
                            i, num_classes);
        }
        out[i] = buf[8 + i];
    }
    *labels = out;
    *count = n;
    return GAN_OK;
}

gan_status gan_idx_labels_read(const char *path, int num_classes, int32_t **labels, long *count,
                               gan_error *err)
{
    uint8_t *buf;
    size_t len;
    gan_status rc = gan_read_file(path, MAX_IDX_BYTES, &buf, &len, err);
    if (rc != GAN_OK) return rc;
    rc = gan_idx_labels_parse(buf, len, path, num_classes, labels, count, err);
    free(buf);
    return rc;
}
