#include "gan/io/safetensors.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gan/core/check.h"
#include "gan/io/atomic_file.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "gan reads and writes little-endian data in place; a big-endian host needs byte swaps here"
#endif

/* The reference implementation's cap on the header. */
#define MAX_HEADER_BYTES (100u * 1024u * 1024u)
/* No checkpoint of a DCGAN comes near this; refuse before allocating. */
#define MAX_FILE_BYTES ((size_t)8 << 30)

static const char *dtype_name(gan_dtype d)
{
    switch (d) {
    case GAN_DT_F32: return "F32";
    case GAN_DT_I64: return "I64";
    case GAN_DT_U64: return "U64";
    case GAN_DT_F64: return "F64";
    }
    return "?";
}

static size_t dtype_size(gan_dtype d) { return d == GAN_DT_F32 ? 4 : 8; }

static bool dtype_parse(const char *s, gan_dtype *d)
{
    if (strcmp(s, "F32") == 0) *d = GAN_DT_F32;
    else if (strcmp(s, "I64") == 0) *d = GAN_DT_I64;
    else if (strcmp(s, "U64") == 0) *d = GAN_DT_U64;
    else if (strcmp(s, "F64") == 0) *d = GAN_DT_F64;
    else return false;
    return true;
}

/* A JSON number that is a whole number in [0, 2^53). */
static bool json_uint(const cJSON *j, uint64_t *out)
{
    if (!cJSON_IsNumber(j)) return false;
    double v = j->valuedouble;
    if (!(v >= 0.0 && v < 9007199254740992.0) || v != (double)(uint64_t)v) return false;
    *out = (uint64_t)v;
    return true;
}

void gan_st_close(gan_st_file *f)
{
    free(f->buf);
    free(f->tensors);
    cJSON_Delete(f->header);
    memset(f, 0, sizeof *f);
}

static int cmp_offset(const void *a, const void *b)
{
    const gan_st_tensor *x = a, *y = b;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

/* An ONNX model (gan export's) starts with ModelProto's ir_version field,
 * a small varint, then another field's tag; a safetensors file has its JSON
 * header's '{' at byte 8. */
static bool looks_like_onnx(const unsigned char *buf, size_t size)
{
    return size > 8 && buf[0] == 0x08 && buf[1] >= 1 && buf[1] <= 20 && (buf[2] & 7) <= 5 && buf[8] != '{';
}

/* The 8-byte header length and the JSON header it frames; *data_start is
 * where the tensors' bytes begin. */
static gan_status parse_header(gan_st_file *f, const char *label, size_t *data_start, gan_error *err)
{
    const unsigned char *buf = f->buf;
    const size_t size = f->size;
    if (looks_like_onnx(buf, size))
        return gan_fail(
            err, GAN_ERR_INPUT,
            "%s: an ONNX model (gan export writes these), not a gan checkpoint; give the g.bin it "
            "came from",
            label);
    if (size < 8)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: not a safetensors file (%zu bytes, too short for the header length)", label,
                        size);
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = (hlen << 8) | buf[i];
    if (hlen > MAX_HEADER_BYTES)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "%s: header length %llu is larger than the 100 MB limit (not a checkpoint, or corrupt)", label,
            (unsigned long long)hlen);
    if (hlen > size - 8)
        return gan_fail(err, GAN_ERR_INPUT, "%s: truncated: header claims %llu bytes but the file has %zu",
                        label, (unsigned long long)hlen, size - 8);
    const char *end = NULL;
    f->header = cJSON_ParseWithLengthOpts((const char *)buf + 8, (size_t)hlen, &end, 0);
    if (!f->header || !cJSON_IsObject(f->header))
        return gan_fail(err, GAN_ERR_INPUT, "%s: header is not a JSON object", label);
    /* Anything after the JSON inside the header must be padding spaces. */
    for (const char *p = end; p < (const char *)buf + 8 + hlen; p++)
        if (*p != ' ' && *p != '\0')
            return gan_fail(err, GAN_ERR_INPUT, "%s: header has trailing bytes after the JSON", label);
    *data_start = 8 + (size_t)hlen;
    return GAN_OK;
}

static gan_status check_metadata(const cJSON *it, const char *label, gan_error *err)
{
    if (!cJSON_IsObject(it)) return gan_fail(err, GAN_ERR_INPUT, "%s: __metadata__ is not an object", label);
    for (const cJSON *m = it->child; m; m = m->next)
        if (!cJSON_IsString(m))
            return gan_fail(err, GAN_ERR_INPUT, "%s: __metadata__.%s is not a string", label,
                            m->string ? m->string : "");
    return GAN_OK;
}

/* A tensor's shape: non-negative integers whose product stays sane. */
static gan_status parse_shape(gan_st_tensor *t, const cJSON *shape, const char *label, gan_error *err)
{
    const int nd = cJSON_GetArraySize(shape);
    if (nd > GAN_ST_MAX_DIMS)
        return gan_fail(err, GAN_ERR_INPUT, "%s: tensor '%s': %d dimensions (at most %d)", label, t->name, nd,
                        GAN_ST_MAX_DIMS);
    t->ndim = nd;
    uint64_t nelem = 1;
    int i = 0;
    for (const cJSON *d = shape->child; d; d = d->next, i++) {
        uint64_t v;
        if (!json_uint(d, &v))
            return gan_fail(err, GAN_ERR_INPUT,
                            "%s: tensor '%s': shape holds a value that is not a non-negative integer", label,
                            t->name);
        t->shape[i] = (int64_t)v;
        if (v != 0 && nelem > (MAX_FILE_BYTES / 8) / v)
            return gan_fail(err, GAN_ERR_INPUT, "%s: tensor '%s': shape is absurdly large", label, t->name);
        nelem *= v;
    }
    t->nelem = (size_t)nelem;
    return GAN_OK;
}

/* A tensor's data_offsets: inside the data, as long as its values. */
static gan_status parse_offsets(gan_st_tensor *t, const cJSON *offs, size_t data_start, size_t data_size,
                                const char *label, gan_error *err)
{
    uint64_t b, e;
    if (cJSON_GetArraySize(offs) != 2 || !json_uint(offs->child, &b) || !json_uint(offs->child->next, &e) ||
        b > e)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: tensor '%s': data_offsets must be two integers [begin, end] with begin <= end",
                        label, t->name);
    if (e > data_size)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "%s: tensor '%s': data_offsets [%llu, %llu] run past the end of the data (%zu bytes; truncated?)",
            label, t->name, (unsigned long long)b, (unsigned long long)e, data_size);
    if (e - b != t->nelem * dtype_size(t->dtype))
        return gan_fail(err, GAN_ERR_INPUT, "%s: tensor '%s': %llu bytes of data for %llu %s values", label,
                        t->name, (unsigned long long)(e - b), (unsigned long long)t->nelem,
                        dtype_name(t->dtype));
    t->offset = data_start + (size_t)b;
    return GAN_OK;
}

/* One entry of the header: a tensor's name, dtype, shape and data. */
static gan_status parse_tensor(gan_st_file *f, const cJSON *it, size_t data_start, const char *label,
                               gan_error *err)
{
    const char *name = it->string ? it->string : "";
    if (strlen(name) >= GAN_ST_MAX_NAME)
        return gan_fail(err, GAN_ERR_INPUT, "%s: tensor name longer than %d bytes", label,
                        GAN_ST_MAX_NAME - 1);
    for (int i = 0; i < f->count; i++)
        if (strcmp(f->tensors[i].name, name) == 0)
            return gan_fail(err, GAN_ERR_INPUT, "%s: tensor '%s' appears twice", label, name);
    gan_st_tensor *t = &f->tensors[f->count];
    snprintf(t->name, sizeof t->name, "%s", name); /* fits: checked just above */
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(it, "dtype");
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(it, "shape");
    const cJSON *offs = cJSON_GetObjectItemCaseSensitive(it, "data_offsets");
    if (!cJSON_IsObject(it) || !cJSON_IsString(dt) || !cJSON_IsArray(shape) || !cJSON_IsArray(offs))
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: tensor '%s': expected an object with dtype, shape and data_offsets", label,
                        name);
    if (!dtype_parse(dt->valuestring, &t->dtype))
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: tensor '%s': unsupported dtype '%s' (gan reads F32, F64, I64, U64)", label, name,
                        dt->valuestring);
    gan_status rc = parse_shape(t, shape, label, err);
    if (rc == GAN_OK) rc = parse_offsets(t, offs, data_start, f->size - data_start, label, err);
    if (rc == GAN_OK) f->count++;
    return rc;
}

/* The tensors' offsets must tile the data section exactly: no gaps, no
 * overlaps, nothing after the last. */
static gan_status check_tiling(const gan_st_file *f, size_t data_start, const char *label, gan_error *err)
{
    gan_st_tensor *sorted = malloc((f->count ? (size_t)f->count : 1) * sizeof *sorted);
    if (!sorted) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
    memcpy(sorted, f->tensors, (size_t)f->count * sizeof *sorted);
    qsort(sorted, (size_t)f->count, sizeof *sorted, cmp_offset);
    size_t pos = data_start;
    gan_status rc = GAN_OK;
    for (int i = 0; i < f->count && rc == GAN_OK; i++) {
        if (sorted[i].offset != pos)
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: tensor '%s': data_offsets %s the previous tensor's data",
                          label, sorted[i].name, sorted[i].offset < pos ? "overlap" : "leave a gap after");
        pos += sorted[i].nelem * dtype_size(sorted[i].dtype);
    }
    free(sorted);
    if (rc == GAN_OK && pos != f->size)
        rc = gan_fail(err, GAN_ERR_INPUT,
                      "%s: %zu bytes after the last tensor's data (corrupt, or not a checkpoint)", label,
                      f->size - pos);
    return rc;
}

gan_status gan_st_parse(gan_st_file *f, unsigned char *buf, size_t size, const char *label, gan_error *err)
{
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", label);
    f->buf = buf;
    f->size = size;
    size_t data_start = 0;
    gan_status rc = parse_header(f, label, &data_start, err);
    int n = 0;
    for (const cJSON *it = rc == GAN_OK ? f->header->child : NULL; it; it = it->next) n++;
    if (rc == GAN_OK) {
        f->tensors = calloc(n ? (size_t)n : 1, sizeof *f->tensors);
        if (!f->tensors) rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
    }
    for (const cJSON *it = rc == GAN_OK ? f->header->child : NULL; it && rc == GAN_OK; it = it->next)
        rc = it->string && strcmp(it->string, "__metadata__") == 0
                 ? check_metadata(it, label, err)
                 : parse_tensor(f, it, data_start, label, err);
    if (rc == GAN_OK) rc = check_tiling(f, data_start, label, err);
    if (rc != GAN_OK) gan_st_close(f);
    return rc;
}

gan_status gan_st_load(gan_st_file *f, const char *path, gan_error *err)
{
    memset(f, 0, sizeof *f);
    FILE *fp = fopen(path, "rb");
    if (!fp) return gan_fail(err, GAN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(fp);
        return gan_fail(err, GAN_ERR_INPUT, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > MAX_FILE_BYTES) {
        fclose(fp);
        return gan_fail(err, GAN_ERR_INPUT, "%s: %lld bytes is larger than any checkpoint gan writes", path,
                        (long long)st.st_size);
    }
    size_t size = (size_t)st.st_size;
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) {
        fclose(fp);
        return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory reading %zu bytes", path, size);
    }
    size_t got = fread(buf, 1, size, fp);
    int read_err = ferror(fp);
    fclose(fp);
    if (got != size || read_err) {
        free(buf);
        return gan_fail(err, GAN_ERR_IO, "%s: read failed", path);
    }
    return gan_st_parse(f, buf, size, path, err);
}

const gan_st_tensor *gan_st_find(const gan_st_file *f, const char *name)
{
    for (int i = 0; i < f->count; i++)
        if (strcmp(f->tensors[i].name, name) == 0) return &f->tensors[i];
    return NULL;
}

const char *gan_st_meta(const gan_st_file *f, const char *key)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(f->header, "__metadata__");
    const cJSON *v = m ? cJSON_GetObjectItemCaseSensitive(m, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void shape_str(char *out, size_t len, int ndim, const int64_t *shape)
{
    size_t pos = (size_t)snprintf(out, len, "[");
    for (int i = 0; i < ndim && pos < len; i++)
        pos += (size_t)snprintf(out + pos, len - pos, "%s%lld", i ? ", " : "", (long long)shape[i]);
    if (pos < len) snprintf(out + pos, len - pos, "]");
}

gan_status gan_st_read(const gan_st_file *f, const char *name, gan_dtype dtype, int ndim,
                       const int64_t *shape, void *dst, gan_error *err)
{
    const gan_st_tensor *t = gan_st_find(f, name);
    if (!t) return gan_fail(err, GAN_ERR_INPUT, "%s: tensor '%s' is missing", f->path, name);
    if (t->dtype != dtype)
        return gan_fail(err, GAN_ERR_INPUT, "%s: tensor '%s' has dtype %s, expected %s", f->path, name,
                        dtype_name(t->dtype), dtype_name(dtype));
    int same = t->ndim == ndim;
    for (int i = 0; same && i < ndim; i++) same = t->shape[i] == shape[i];
    if (!same) {
        char want[128], got[128];
        shape_str(want, sizeof want, ndim, shape);
        shape_str(got, sizeof got, t->ndim, t->shape);
        return gan_fail(err, GAN_ERR_INPUT, "%s: tensor '%s' has shape %s, expected %s", f->path, name, got,
                        want);
    }
    if (t->nelem) memcpy(dst, f->buf + t->offset, t->nelem * dtype_size(dtype));
    return GAN_OK;
}

void gan_st_list_add(gan_st_list *l, const char *name, gan_dtype dtype, int ndim, const int64_t *shape,
                     const void *data)
{
    GAN_ASSERT(l->count < GAN_ST_LIST_MAX && ndim <= GAN_ST_MAX_DIMS && strlen(name) < GAN_ST_MAX_NAME);
    gan_st_entry *e = &l->e[l->count];
    snprintf(l->names[l->count], sizeof l->names[0], "%s", name);
    e->name = l->names[l->count];
    e->dtype = dtype;
    e->ndim = ndim;
    for (int i = 0; i < ndim; i++) e->shape[i] = shape[i];
    e->data = data;
    l->count++;
}

gan_status gan_st_save(const char *path, const gan_st_entry *entries, int count, const char *const *meta,
                       int nmeta, gan_error *err)
{
    cJSON *h = cJSON_CreateObject();
    if (!h) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
    if (nmeta > 0) {
        cJSON *m = cJSON_AddObjectToObject(h, "__metadata__");
        for (int i = 0; m && i < nmeta; i++) cJSON_AddStringToObject(m, meta[2 * i], meta[2 * i + 1]);
    }
    size_t off = 0;
    for (int i = 0; i < count; i++) {
        const gan_st_entry *e = &entries[i];
        size_t nelem = 1;
        for (int d = 0; d < e->ndim; d++) nelem *= (size_t)e->shape[d];
        size_t nbytes = nelem * dtype_size(e->dtype);
        cJSON *t = cJSON_AddObjectToObject(h, e->name);
        cJSON *shape = cJSON_CreateArray();
        cJSON *offs = cJSON_CreateArray();
        if (!t || !shape || !offs) {
            cJSON_Delete(shape);
            cJSON_Delete(offs);
            cJSON_Delete(h);
            return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
        }
        cJSON_AddStringToObject(t, "dtype", dtype_name(e->dtype));
        for (int d = 0; d < e->ndim; d++)
            cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)e->shape[d]));
        cJSON_AddItemToObject(t, "shape", shape);
        cJSON_AddItemToArray(offs, cJSON_CreateNumber((double)off));
        cJSON_AddItemToArray(offs, cJSON_CreateNumber((double)(off + nbytes)));
        cJSON_AddItemToObject(t, "data_offsets", offs);
        off += nbytes;
    }
    char *json = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    if (!json) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
    /* Pad the header with spaces so the data starts 8-byte aligned, as the
     * reference writer does. */
    size_t jlen = strlen(json), hlen = (jlen + 7) / 8 * 8;
    unsigned char lenbuf[8];
    for (int i = 0; i < 8; i++) lenbuf[i] = (unsigned char)((uint64_t)hlen >> (8 * i));
    char pad[8] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};

    gan_atomic_file af;
    gan_status rc = gan_atomic_open(&af, path, err);
    if (rc == GAN_OK) rc = gan_atomic_write(&af, lenbuf, 8, err);
    if (rc == GAN_OK) rc = gan_atomic_write(&af, json, jlen, err);
    if (rc == GAN_OK) rc = gan_atomic_write(&af, pad, hlen - jlen, err);
    for (int i = 0; rc == GAN_OK && i < count; i++) {
        size_t nelem = 1;
        for (int d = 0; d < entries[i].ndim; d++) nelem *= (size_t)entries[i].shape[d];
        rc = gan_atomic_write(&af, entries[i].data, nelem * dtype_size(entries[i].dtype), err);
    }
    free(json);
    if (rc != GAN_OK) {
        gan_atomic_abort(&af);
        return rc;
    }
    return gan_atomic_commit(&af, err);
}
