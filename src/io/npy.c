#include "gan/io/npy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gan/io/atomic_file.h"

#define MAX_NPY_BYTES ((size_t)2 << 30)

gan_status gan_npy_save(const char *path, const float *data, int ndim, const int64_t *shape, gan_error *err)
{
    char dict[256];
    int pos = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    size_t count = 1;
    for (int i = 0; i < ndim; i++) {
        /* numpy's own spelling: "(10, 1, 16, 16)", and "(10,)" for one dimension */
        pos += snprintf(dict + pos, sizeof dict - pos, "%s%lld%s", i ? ", " : "", (long long)shape[i],
                        ndim == 1 ? "," : "");
        count *= (size_t)shape[i];
    }
    pos += snprintf(dict + pos, sizeof dict - pos, "), }");
    /* magic(6) + version(2) + len(2) + dict + padding + '\n' is a multiple of 64 */
    size_t total = (size_t)(10 + pos + 1 + 63) / 64 * 64;
    size_t hlen = total - 10;
    unsigned char head[512];
    memcpy(head, "\x93NUMPY\x01\x00", 8);
    head[8] = (unsigned char)(hlen & 0xff);
    head[9] = (unsigned char)(hlen >> 8);
    memcpy(head + 10, dict, (size_t)pos);
    memset(head + 10 + pos, ' ', hlen - (size_t)pos - 1);
    head[total - 1] = '\n';
    gan_atomic_file f;
    gan_status rc = gan_atomic_open(&f, path, err);
    if (rc == GAN_OK) rc = gan_atomic_write(&f, head, total, err);
    if (rc == GAN_OK) rc = gan_atomic_write(&f, data, count * sizeof(float), err);
    if (rc != GAN_OK) {
        gan_atomic_abort(&f);
        return rc;
    }
    return gan_atomic_commit(&f, err);
}

/* Finds 'key': in the header dict and returns the text after the colon. */
static const char *dict_value(const char *dict, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "'%s'", key);
    const char *p = strstr(dict, pat);
    if (!p) return NULL;
    p += strlen(pat);
    while (*p == ' ') p++;
    if (*p != ':') return NULL;
    p++;
    while (*p == ' ') p++;
    return p;
}

gan_status gan_npy_parse(const uint8_t *buf, size_t len, const char *label, float **data, int *ndim,
                         int64_t *shape, gan_error *err)
{
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
        return gan_fail(err, GAN_ERR_INPUT, "%s: not a .npy file", label);
    size_t hlen, start;
    if (buf[6] == 1) {
        hlen = buf[8] | (size_t)buf[9] << 8;
        start = 10;
    } else if (buf[6] == 2 || buf[6] == 3) {
        if (len < 12) return gan_fail(err, GAN_ERR_INPUT, "%s: truncated .npy header", label);
        hlen = buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        start = 12;
    } else {
        return gan_fail(err, GAN_ERR_INPUT, "%s: unsupported .npy version %d", label, buf[6]);
    }
    if (hlen > 65536 || start + hlen > len)
        return gan_fail(err, GAN_ERR_INPUT, "%s: truncated .npy header", label);
    char dict[65537];
    memcpy(dict, buf + start, hlen);
    dict[hlen] = '\0';
    const char *descr = dict_value(dict, "descr"), *fo = dict_value(dict, "fortran_order"),
               *sh = dict_value(dict, "shape");
    if (!descr || !fo || !sh) return gan_fail(err, GAN_ERR_INPUT, "%s: malformed .npy header", label);
    if (strncmp(descr, "'<f4'", 5) != 0) {
        char d[16];
        snprintf(d, sizeof d, "%.*s", (int)strcspn(descr, ",}"), descr);
        return gan_fail(err, GAN_ERR_INPUT, "%s: dtype %s, expected float32 ('<f4')", label, d);
    }
    if (strncmp(fo, "False", 5) != 0)
        return gan_fail(err, GAN_ERR_INPUT, "%s: Fortran-ordered arrays are not supported", label);
    if (*sh != '(') return gan_fail(err, GAN_ERR_INPUT, "%s: malformed shape in .npy header", label);
    sh++;
    int nd = 0;
    size_t count = 1;
    for (;;) {
        while (*sh == ' ' || *sh == ',') sh++;
        if (*sh == ')') break;
        char *end;
        errno = 0;
        long long v = strtoll(sh, &end, 10);
        if (end == sh || v < 0 || errno || nd == 8)
            return gan_fail(err, GAN_ERR_INPUT, "%s: malformed shape in .npy header", label);
        if (v != 0 && count > MAX_NPY_BYTES / 4 / (size_t)v)
            return gan_fail(err, GAN_ERR_INPUT, "%s: array too large", label);
        shape[nd++] = v;
        count *= (size_t)v;
        sh = end;
    }
    size_t body = len - start - hlen;
    if (body != count * 4)
        return gan_fail(err, GAN_ERR_INPUT, "%s: %zu bytes of data for %zu float32 values (truncated?)",
                        label, body, count);
    float *out = malloc(count ? count * 4 : 4);
    if (!out) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
    memcpy(out, buf + start + hlen, count * 4);
    *data = out;
    *ndim = nd;
    return GAN_OK;
}

gan_status gan_npy_load(const char *path, float **data, int *ndim, int64_t *shape, gan_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return gan_fail(err, GAN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_NPY_BYTES) {
        fclose(f);
        return gan_fail(err, GAN_ERR_INPUT, "%s: not a regular file of at most 2 GiB", path);
    }
    size_t len = (size_t)st.st_size;
    uint8_t *buf = malloc(len ? len : 1);
    size_t got = buf ? fread(buf, 1, len, f) : 0;
    fclose(f);
    if (!buf || got != len) {
        free(buf);
        return gan_fail(err, GAN_ERR_IO, "%s: read failed", path);
    }
    gan_status rc = gan_npy_parse(buf, len, path, data, ndim, shape, err);
    free(buf);
    return rc;
}
