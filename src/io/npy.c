#include "gan/io/npy.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gan/io/atomic_file.h"

#define MAX_NPY_BYTES ((size_t)2 << 30)
/* NumPy itself refuses headers above 10,000 bytes by default (np.load's max_header_size). */
enum { MAX_HEADER_BYTES = 65536 };

/* The array types gan reads and writes: float32 images and latents, int64 labels. */
typedef struct {
    const char *descr, *name;
    size_t item;
} npy_dtype;
static const npy_dtype F32 = {"<f4", "float32", 4}, I64 = {"<i8", "int64", 8};

static gan_status save_array(const char *path, const void *data, const npy_dtype *dt, int ndim,
                             const int64_t *shape, gan_error *err)
{
    char dict[256];
    int pos = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", dt->descr);
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
    if (rc == GAN_OK) rc = gan_atomic_write(&f, data, count * dt->item, err);
    if (rc != GAN_OK) {
        gan_atomic_abort(&f);
        return rc;
    }
    return gan_atomic_commit(&f, err);
}

gan_status gan_npy_save(const char *path, const float *data, int ndim, const int64_t *shape, gan_error *err)
{
    return save_array(path, data, &F32, ndim, shape, err);
}

gan_status gan_npy_save_i64(const char *path, const int64_t *data, int ndim, const int64_t *shape,
                            gan_error *err)
{
    return save_array(path, data, &I64, ndim, shape, err);
}

/* The header dict, read as NumPy reads it (a Python literal): exactly the
 * keys 'descr', 'fortran_order' and 'shape', each once, with a string, a
 * bool and a tuple of non-negative integers. A 'shape' inside another value
 * is just text. */
typedef struct {
    char descr[16];
    bool fortran_order;
    int ndim;
    int64_t shape[GAN_NPY_MAX_DIMS];
} npy_header;

typedef struct {
    const char *p, *end;
} cursor;

static void skip_blanks(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n')) c->p++;
}

static bool take(cursor *c, char ch)
{
    skip_blanks(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* 'text' or "text" without escapes (NumPy writes none). */
static bool read_string(cursor *c, char *out, size_t len)
{
    skip_blanks(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"')) return false;
    const char q = *c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != q) {
        if (*c->p == '\\' || n + 1 >= len) return false;
        out[n++] = *c->p++;
    }
    out[n] = '\0';
    return c->p < c->end && *c->p++ == q;
}

static bool read_word(cursor *c, const char *word)
{
    skip_blanks(c);
    const size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || strncmp(c->p, word, n) != 0) return false;
    c->p += n;
    return true;
}

/* (), (7,), (10, 100) ... */
static bool read_shape(cursor *c, npy_header *h)
{
    if (!take(c, '(')) return false;
    h->ndim = 0;
    for (;;) {
        if (take(c, ')')) return true;
        if (h->ndim > 0 && !take(c, ',')) return false;
        if (take(c, ')')) return true; /* a trailing comma: (7,) */
        skip_blanks(c);
        if (c->p >= c->end || !(*c->p >= '0' && *c->p <= '9') || h->ndim == GAN_NPY_MAX_DIMS) return false;
        int64_t v = 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            if (v > (INT64_MAX - 9) / 10) return false;
            v = v * 10 + (*c->p++ - '0');
        }
        h->shape[h->ndim++] = v;
    }
}

static bool parse_header(const char *text, size_t len, npy_header *h)
{
    cursor c = {text, text + len};
    bool seen[3] = {false, false, false};
    if (!take(&c, '{')) return false;
    while (!take(&c, '}')) {
        char key[32];
        if (!read_string(&c, key, sizeof key) || !take(&c, ':')) return false;
        const int k = strcmp(key, "descr") == 0           ? 0
                      : strcmp(key, "fortran_order") == 0 ? 1
                      : strcmp(key, "shape") == 0         ? 2
                                                          : -1;
        if (k < 0 || seen[k]) return false;
        seen[k] = true;
        bool ok = false;
        if (k == 0) {
            ok = read_string(&c, h->descr, sizeof h->descr);
        } else if (k == 1) {
            h->fortran_order = read_word(&c, "True");
            ok = h->fortran_order || read_word(&c, "False");
        } else {
            ok = read_shape(&c, h);
        }
        if (!ok) return false;
        if (!take(&c, ',')) {
            if (!take(&c, '}')) return false;
            break;
        }
    }
    skip_blanks(&c);
    return seen[0] && seen[1] && seen[2] && c.p == c.end;
}

static gan_status parse_array(const uint8_t *buf, size_t len, const char *label, const npy_dtype *dt,
                              void **data, int *ndim, int64_t *shape, gan_error *err)
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
    if (hlen > MAX_HEADER_BYTES)
        return gan_fail(err, GAN_ERR_INPUT, "%s: a .npy header of %zu bytes is larger than gan reads (%d)",
                        label, hlen, MAX_HEADER_BYTES);
    if (start + hlen > len) return gan_fail(err, GAN_ERR_INPUT, "%s: truncated .npy header", label);
    npy_header h;
    memset(&h, 0, sizeof h);
    if (!parse_header((const char *)buf + start, hlen, &h))
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: malformed .npy header (expected a dict of 'descr', 'fortran_order' and 'shape')",
                        label);
    if (strcmp(h.descr, dt->descr) != 0)
        return gan_fail(err, GAN_ERR_INPUT, "%s: dtype '%s', expected %s ('%s')", label, h.descr, dt->name,
                        dt->descr);
    if (h.fortran_order)
        return gan_fail(err, GAN_ERR_INPUT, "%s: Fortran-ordered arrays are not supported", label);
    size_t count = 1;
    for (int i = 0; i < h.ndim; i++) {
        const int64_t v = h.shape[i];
        if (v != 0 && count > MAX_NPY_BYTES / dt->item / (uint64_t)v)
            return gan_fail(err, GAN_ERR_INPUT, "%s: array too large", label);
        count *= (size_t)v;
        shape[i] = v;
    }
    const size_t body = len - start - hlen;
    if (body < count * dt->item)
        return gan_fail(err, GAN_ERR_INPUT, "%s: %zu bytes of data for %zu %s values (truncated?)", label,
                        body, count, dt->name);
    if (body > count * dt->item)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: %zu bytes after the data its shape holds (%zu %s values): not one array", label,
                        body - count * dt->item, count, dt->name);
    void *out = malloc(count ? count * dt->item : dt->item);
    if (!out) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
    memcpy(out, buf + start + hlen, count * dt->item);
    *data = out;
    *ndim = h.ndim;
    return GAN_OK;
}

gan_status gan_npy_parse(const uint8_t *buf, size_t len, const char *label, float **data, int *ndim,
                         int64_t *shape, gan_error *err)
{
    void *out = NULL;
    gan_status rc = parse_array(buf, len, label, &F32, &out, ndim, shape, err);
    if (rc == GAN_OK) *data = out;
    return rc;
}

static gan_status load_array(const char *path, const npy_dtype *dt, void **data, int *ndim, int64_t *shape,
                             gan_error *err)
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
    gan_status rc = parse_array(buf, len, path, dt, data, ndim, shape, err);
    free(buf);
    return rc;
}

gan_status gan_npy_load(const char *path, float **data, int *ndim, int64_t *shape, gan_error *err)
{
    void *out = NULL;
    gan_status rc = load_array(path, &F32, &out, ndim, shape, err);
    if (rc == GAN_OK) *data = out;
    return rc;
}

gan_status gan_npy_load_i64(const char *path, int64_t **data, int *ndim, int64_t *shape, gan_error *err)
{
    void *out = NULL;
    gan_status rc = load_array(path, &I64, &out, ndim, shape, err);
    if (rc == GAN_OK) *data = out;
    return rc;
}
