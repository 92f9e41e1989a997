#include "gan/data/dataset.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define STBI_NO_STDIO
#include <stb_image.h>
#include <stb_image_resize.h>

/* Caps that keep a hostile file from making gan allocate without bound. */
#define MAX_IDX_BYTES ((size_t)1 << 30)   /* decompressed IDX */
#define MAX_IMAGE_FILE ((long)64 << 20)   /* one encoded image */
#define MAX_IMAGE_SIDE 16384
#define MAX_IMAGE_PIXELS ((long)1 << 26)

/* ------------------------------------------------------------ fitting */

int gan_fit_image(uint8_t *dst, const uint8_t *src, int w, int h, int src_channels, const gan_fit *fit,
                  const char *label, gan_error *err)
{
    const int S = fit->size, C = fit->channels;
    /* First the channels: grey -> RGB repeats, RGB -> grey by ITU-R 601 luma. */
    uint8_t *conv = NULL;
    const uint8_t *img = src;
    if (src_channels != C) {
        conv = malloc((size_t)w * h * C);
        if (!conv) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
        for (long i = 0; i < (long)w * h; i++) {
            const uint8_t *p = src + i * src_channels;
            if (C == 3) conv[i * 3] = conv[i * 3 + 1] = conv[i * 3 + 2] = p[0];
            else conv[i] = (uint8_t)((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
        }
        img = conv;
    }
    int rc = GAN_OK;
    if (fit->pad) {
        if (w > S || h > S) {
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: %dx%d images do not fit in %dx%d with data.fit \"pad\" (use \"resize\")",
                          label, w, h, S, S);
        } else {
            memset(dst, 0, (size_t)C * S * S);
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

/* --------------------------------------------------------------- files */

/* Reads a whole file, decompressing gzip transparently, up to cap bytes. */
static int read_all(const char *path, size_t cap, uint8_t **out, size_t *len, gan_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) return gan_fail(err, GAN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return gan_fail(err, GAN_ERR_INPUT, "%s: not a regular file", path);
    gzFile gz = gzopen(path, "rb");
    if (!gz) return gan_fail(err, GAN_ERR_IO, "%s: cannot open: %s", path, strerror(errno ? errno : ENOMEM));
    size_t size = 0, capa = 1 << 20;
    uint8_t *buf = malloc(capa);
    int rc = buf ? GAN_OK : gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
    while (rc == GAN_OK) {
        if (size == capa) {
            /* Grow to at most cap + 1 bytes: one byte past the cap proves the
             * file too large without decompressing (or allocating) any more. */
            if (capa > cap) {
                rc = gan_fail(err, GAN_ERR_INPUT, "%s: larger than %zu MiB uncompressed", path, cap >> 20);
                break;
            }
            capa = capa * 2 < cap + 1 ? capa * 2 : cap + 1;
            uint8_t *nb = realloc(buf, capa);
            if (!nb) {
                rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            buf = nb;
        }
        int n = gzread(gz, buf + size, (unsigned)(capa - size > (1u << 30) ? (1u << 30) : capa - size));
        if (n < 0) {
            int zerr;
            const char *msg = gzerror(gz, &zerr);
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: corrupt gzip data: %s", path, msg);
            break;
        }
        if (n == 0) {
            /* zlib reports a stream cut short only here, after the last read. */
            int zerr = Z_OK;
            const char *msg = gzerror(gz, &zerr);
            if (zerr != Z_OK && zerr != Z_STREAM_END)
                rc = gan_fail(err, GAN_ERR_INPUT, "%s: corrupt or truncated gzip data (%s)", path, msg);
            break;
        }
        size += (size_t)n;
    }
    if (rc == GAN_OK && size > cap)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: larger than %zu MiB uncompressed", path, cap >> 20);
    gzclose(gz);
    if (rc != GAN_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = size;
    return GAN_OK;
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

int gan_idx_parse(const uint8_t *buf, size_t len, const char *label, uint8_t **images, long *count, int *rows,
                  int *cols, gan_error *err)
{
    uint32_t magic = len >= 4 ? be32(buf) : 0;
    if (magic == 0x00000801)
        return gan_fail(err, GAN_ERR_INPUT, "%s: this is an IDX label file; data.path needs the images file", label);
    if (len < 16) return gan_fail(err, GAN_ERR_INPUT, "%s: not an IDX image file (%zu bytes)", label, len);
    if (magic != 0x00000803)
        return gan_fail(err, GAN_ERR_INPUT, "%s: bad IDX magic 0x%08x (expected 0x00000803: unsigned bytes, 3 dimensions)",
                        label, magic);
    uint32_t n = be32(buf + 4), r = be32(buf + 8), c = be32(buf + 12);
    if (n == 0) return gan_fail(err, GAN_ERR_INPUT, "%s: holds zero images", label);
    if (r == 0 || c == 0 || r > 1024 || c > 1024)
        return gan_fail(err, GAN_ERR_INPUT, "%s: image size %ux%u (expected 1 to 1024 per side)", label, r, c);
    uint64_t want = (uint64_t)n * r * c;
    if (want != len - 16)
        return gan_fail(err, GAN_ERR_INPUT, "%s: header says %u images of %ux%u (%llu bytes) but the file has %zu bytes of pixels",
                        label, n, r, c, (unsigned long long)want, len - 16);
    uint8_t *img = malloc((size_t)want);
    if (!img) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
    memcpy(img, buf + 16, (size_t)want);
    *images = img;
    *count = n;
    *rows = (int)r;
    *cols = (int)c;
    return GAN_OK;
}

int gan_idx_read(const char *path, uint8_t **images, long *count, int *rows, int *cols, gan_error *err)
{
    uint8_t *buf;
    size_t len;
    int rc = read_all(path, MAX_IDX_BYTES, &buf, &len, err);
    if (rc != GAN_OK) return rc;
    rc = gan_idx_parse(buf, len, path, images, count, rows, cols, err);
    free(buf);
    return rc;
}

/* Debian bookworm's stb_image (2.27) overflows a 257-byte table when a JPEG
 * Huffman table (DHT) declares more than 256 codes; found by fuzz_image.
 * Every such table must be refused before stb sees the file. */

/* The DHT segment whose FF C4 marker is at b[i]: 1 when a table in it declares
 * more than 256 codes. Mirrors stb's loop: tables are read while the declared
 * length has bytes left, even past the segment or the end of the file (where
 * stb reads zeros); a bad table header ends it. */
static int dht_bad(const uint8_t *b, size_t len, size_t i)
{
    if (i + 4 > len) return 0;
    long left = (long)((size_t)b[i + 2] << 8 | b[i + 3]) - 2;
    size_t p = i + 4;
    while (left > 0 && p < len) {
        if ((b[p] >> 4) > 1 || (b[p] & 15) > 3) break;
        unsigned total = 0;
        for (size_t k = p + 1; k <= p + 16 && k < len; k++) total += b[k];
        if (total > 256) return 1;
        p += 17 + total;
        left -= 17 + (long)total;
    }
    return 0;
}

/* Returns 1 when stb could meet a bad DHT. Up to the first scan (SOS) the
 * markers are walked as stb walks them, so tables inside skipped segments
 * (APPn, comments) do not count. From the first scan on, where stb's
 * position depends on its Huffman decoder and on how it resynchronises after
 * the entropy-coded data, every FF C4 in the rest of the file is checked:
 * stb reaches a DHT only through those two bytes, and entropy-coded data
 * cannot contain them (0xFF is stuffed as FF 00), so a valid file loses nothing. */
static int jpeg_tables_bad(const uint8_t *b, size_t len)
{
    /* stb's start rule: 0xFF, any number of 0xFF fill bytes, then SOI (0xD8). */
    size_t i = 0;
    if (len < 2 || b[0] != 0xFF) return 0;
    while (i < len && b[i] == 0xFF) i++;
    if (i >= len || b[i] != 0xD8) return 0;
    i++; /* after SOI */
    while (i + 4 <= len) {
        if (b[i] != 0xFF) { /* junk between segments: stb scans to the next marker */
            while (i + 1 < len && !(b[i] == 0xFF && b[i + 1] != 0x00 && (b[i + 1] < 0xD0 || b[i + 1] > 0xD7))) i++;
            if (i + 4 > len) break;
        }
        const uint8_t m = b[i + 1];
        if (m == 0xFF) { i++; continue; }                  /* fill byte */
        if (m == 0xD9) break;                              /* EOI */
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) { i += 2; continue; }
        if (m == 0xDA) {                                   /* first scan: check every FF C4 from here on */
            for (size_t p = i; p + 1 < len; p++)
                if (b[p] == 0xFF && b[p + 1] == 0xC4 && dht_bad(b, len, p)) return 1;
            return 0;
        }
        if (m == 0xC4 && dht_bad(b, len, i)) return 1;
        const size_t seg = (size_t)b[i + 2] << 8 | b[i + 3];
        if (seg < 2 || i + 2 + seg > len) return 0; /* truncated: stb stops here and says so */
        i += 2 + seg;
    }
    return 0;
}

int gan_idx_labels_parse(const uint8_t *buf, size_t len, const char *label, int num_classes, int32_t **labels,
                         long *count, gan_error *err)
{
    uint32_t magic = len >= 4 ? be32(buf) : 0;
    if (magic == 0x00000803)
        return gan_fail(err, GAN_ERR_INPUT, "%s: this is an IDX image file; a label file (magic 0x00000801) is needed",
                        label);
    if (len < 8 || magic != 0x00000801)
        return gan_fail(err, GAN_ERR_INPUT, "%s: not an IDX label file (expected magic 0x00000801)", label);
    uint32_t n = be32(buf + 4);
    if (n == 0) return gan_fail(err, GAN_ERR_INPUT, "%s: holds zero labels", label);
    if ((uint64_t)n != len - 8)
        return gan_fail(err, GAN_ERR_INPUT, "%s: header says %u labels but the file has %zu bytes of them", label, n,
                        len - 8);
    int32_t *out = malloc(sizeof(int32_t) * n);
    if (!out) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
    for (uint32_t i = 0; i < n; i++) {
        if (buf[8 + i] >= num_classes) {
            free(out);
            return gan_fail(err, GAN_ERR_INPUT, "%s: label %u of item %u is not below %d", label, buf[8 + i], i,
                            num_classes);
        }
        out[i] = buf[8 + i];
    }
    *labels = out;
    *count = n;
    return GAN_OK;
}

int gan_idx_labels_read(const char *path, int num_classes, int32_t **labels, long *count, gan_error *err)
{
    uint8_t *buf;
    size_t len;
    int rc = read_all(path, MAX_IDX_BYTES, &buf, &len, err);
    if (rc != GAN_OK) return rc;
    rc = gan_idx_labels_parse(buf, len, path, num_classes, labels, count, err);
    free(buf);
    return rc;
}

int gan_image_decode(const uint8_t *buf, size_t len, const char *label, int want_channels, uint8_t **pixels, int *w,
                     int *h, gan_error *err)
{
    if (len == 0) return gan_fail(err, GAN_ERR_INPUT, "%s: empty file", label);
    if (len > (size_t)MAX_IMAGE_FILE) return gan_fail(err, GAN_ERR_INPUT, "%s: larger than 64 MiB", label);
    if (jpeg_tables_bad(buf, len))
        return gan_fail(err, GAN_ERR_INPUT, "%s: corrupt JPEG (a Huffman table declares more than 256 codes)", label);
    /* Name the format from its signature: stb's own failure reason is that
     * of the last decoder it tried, which misleads ("bad png sig" for a JPEG). */
    const char *kind = NULL;
    if (len >= 8 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0) kind = "PNG";
    else if (len >= 2 && buf[0] == 0xFF && (buf[1] == 0xD8 || buf[1] == 0xFF)) kind = "JPEG";
    else if (len >= 2 && buf[0] == 'B' && buf[1] == 'M') kind = "BMP";
    else if (len >= 6 && (memcmp(buf, "GIF87a", 6) == 0 || memcmp(buf, "GIF89a", 6) == 0))
        return gan_fail(err, GAN_ERR_INPUT, "%s: a GIF image: unsupported format (gan reads PNG, JPEG and BMP)", label);
    if (!kind) return gan_fail(err, GAN_ERR_INPUT, "%s: not a PNG, JPEG or BMP image", label);
    if (strcmp(kind, "PNG") == 0 && len >= 24) { /* IHDR: the size before stb refuses it */
        uint32_t pw = be32(buf + 16), ph = be32(buf + 20);
        if (pw > MAX_IMAGE_SIDE || ph > MAX_IMAGE_SIDE || (uint64_t)pw * ph > (uint64_t)MAX_IMAGE_PIXELS)
            return gan_fail(err, GAN_ERR_INPUT, "%s: %ux%u pixels is larger than gan accepts (%d per side, %ld in all)",
                            label, pw, ph, MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS);
    }
    int iw, ih, ic;
    if (!stbi_info_from_memory(buf, (int)len, &iw, &ih, &ic))
        return gan_fail(err, GAN_ERR_INPUT, "%s: corrupt or truncated %s header", label, kind);
    if (iw <= 0 || ih <= 0 || iw > MAX_IMAGE_SIDE || ih > MAX_IMAGE_SIDE || (long)iw * ih > MAX_IMAGE_PIXELS)
        return gan_fail(err, GAN_ERR_INPUT, "%s: %dx%d pixels is larger than gan accepts (%d per side, %ld in all)",
                        label, iw, ih, MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS);
    uint8_t *p = stbi_load_from_memory(buf, (int)len, w, h, &ic, want_channels);
    if (!p) return gan_fail(err, GAN_ERR_INPUT, "%s: corrupt or truncated %s image", label, kind);
    *pixels = p;
    return GAN_OK;
}

/* ------------------------------------------------------------ datasets */

static int dataset_alloc(gan_dataset *ds, long count, const gan_config *cfg, const char *label, gan_error *err)
{
    ds->count = count;
    ds->size = cfg->image_size;
    ds->channels = cfg->channels;
    ds->pixels = malloc((size_t)count * cfg->channels * cfg->image_size * cfg->image_size);
    if (!ds->pixels) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory for %ld images", label, count);
    return GAN_OK;
}

static size_t image_bytes(const gan_dataset *ds) { return (size_t)ds->channels * ds->size * ds->size; }

static int load_idx(gan_dataset *ds, const gan_config *cfg, const gan_fit *fit, gan_error *err)
{
    uint8_t *raw;
    long n;
    int r, c;
    int rc = gan_idx_read(cfg->data_path, &raw, &n, &r, &c, err);
    if (rc != GAN_OK) return rc;
    if (cfg->data_limit > 0 && n > cfg->data_limit) n = cfg->data_limit;
    rc = dataset_alloc(ds, n, cfg, cfg->data_path, err);
    for (long i = 0; i < n && rc == GAN_OK; i++)
        rc = gan_fit_image(ds->pixels + i * image_bytes(ds), raw + i * r * c, c, r, 1, fit, cfg->data_path, err);
    free(raw);
    return rc;
}

static int load_cifar_file(const char *path, uint8_t **recs, long *n, gan_error *err)
{
    uint8_t *buf;
    size_t len;
    int rc = read_all(path, MAX_IDX_BYTES, &buf, &len, err);
    if (rc != GAN_OK) return rc;
    if (len == 0 || len % 3073 != 0) {
        free(buf);
        return gan_fail(err, GAN_ERR_INPUT, "%s: %zu bytes is not a whole number of CIFAR-10 records (3073 bytes each)",
                        path, len);
    }
    *recs = buf;
    *n = (long)(len / 3073);
    return GAN_OK;
}

static int load_cifar(gan_dataset *ds, const gan_config *cfg, const gan_fit *fit, gan_error *err)
{
    char files[6][1100];
    int nfiles = 0;
    struct stat st;
    if (stat(cfg->data_path, &st) != 0)
        return gan_fail(err, GAN_ERR_IO, "%s: cannot open: %s", cfg->data_path, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        for (int i = 1; i <= 5; i++) {
            snprintf(files[nfiles], sizeof files[0], "%s/data_batch_%d.bin", cfg->data_path, i);
            if (stat(files[nfiles], &st) == 0) nfiles++;
        }
        if (nfiles == 0)
            return gan_fail(err, GAN_ERR_INPUT, "%s: no data_batch_1.bin .. data_batch_5.bin inside", cfg->data_path);
    } else {
        snprintf(files[0], sizeof files[0], "%s", cfg->data_path);
        nfiles = 1;
    }
    uint8_t *recs[6] = {0};
    long counts[6] = {0}, total = 0;
    int rc = GAN_OK;
    for (int i = 0; i < nfiles && rc == GAN_OK; i++) {
        rc = load_cifar_file(files[i], &recs[i], &counts[i], err);
        total += counts[i];
    }
    if (rc == GAN_OK) {
        if (cfg->data_limit > 0 && total > cfg->data_limit) total = cfg->data_limit;
        rc = dataset_alloc(ds, total, cfg, cfg->data_path, err);
    }
    uint8_t hwc[32 * 32 * 3];
    long k = 0;
    for (int i = 0; i < nfiles && rc == GAN_OK; i++) {
        for (long j = 0; j < counts[i] && k < total && rc == GAN_OK; j++, k++) {
            const uint8_t *r = recs[i] + j * 3073 + 1; /* skip the label byte; planes R, G, B */
            for (int p = 0; p < 1024; p++)
                for (int c = 0; c < 3; c++) hwc[p * 3 + c] = r[c * 1024 + p];
            rc = gan_fit_image(ds->pixels + k * image_bytes(ds), hwc, 32, 32, 3, fit, files[i], err);
        }
    }
    for (int i = 0; i < nfiles; i++) free(recs[i]);
    return rc;
}

/* ---- image folder: every PNG/JPEG/BMP below the folder, sorted by path */
typedef struct {
    char **paths;
    long count, cap;
} path_list;

static int has_ext(const char *name, const char *const *exts)
{
    const char *dot = strrchr(name, '.');
    if (!dot) return 0;
    for (int i = 0; exts[i]; i++) {
        const char *a = dot + 1, *b = exts[i];
        while (*a && *b && tolower((unsigned char)*a) == *b) a++, b++;
        if (!*a && !*b) return 1;
    }
    return 0;
}

static const char *const READ_EXTS[] = {"png", "jpg", "jpeg", "bmp", NULL};
static const char *const OTHER_IMAGE_EXTS[] = {"gif", "tga", "psd", "hdr", "pic", "pnm", "ppm", "pgm", "webp",
                                               "tif", "tiff", NULL};

static int walk(const char *dir, int depth, path_list *list, gan_error *err)
{
    DIR *d = opendir(dir);
    if (!d) return gan_fail(err, GAN_ERR_IO, "%s: cannot open folder: %s", dir, strerror(errno));
    int rc = GAN_OK;
    struct dirent *e;
    while (rc == GAN_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path) continue;
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth < 3) rc = walk(path, depth + 1, list, err);
            continue;
        }
        if (has_ext(e->d_name, OTHER_IMAGE_EXTS)) {
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: unsupported image format (gan reads PNG, JPEG and BMP)", path);
            break;
        }
        if (!S_ISREG(st.st_mode) || !has_ext(e->d_name, READ_EXTS)) continue;
        if (list->count == list->cap) {
            long ncap = list->cap ? list->cap * 2 : 256;
            char **np = realloc(list->paths, sizeof(char *) * ncap);
            if (!np) {
                rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", dir);
                break;
            }
            list->paths = np;
            list->cap = ncap;
        }
        list->paths[list->count] = strdup(path);
        if (!list->paths[list->count]) rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", dir);
        else list->count++;
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int load_file(const char *path, uint8_t **buf, size_t *len, gan_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return gan_fail(err, GAN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size > MAX_IMAGE_FILE) {
        fclose(f);
        return gan_fail(err, GAN_ERR_INPUT, "%s: larger than 64 MiB", path);
    }
    *len = (size_t)st.st_size;
    *buf = malloc(*len ? *len : 1);
    size_t got = *buf ? fread(*buf, 1, *len, f) : 0;
    fclose(f);
    if (!*buf || got != *len) {
        free(*buf);
        return gan_fail(err, GAN_ERR_IO, "%s: read failed", path);
    }
    return GAN_OK;
}

static int load_folder(gan_dataset *ds, const gan_config *cfg, const gan_fit *fit, gan_error *err)
{
    path_list list = {0};
    int rc = walk(cfg->data_path, 0, &list, err);
    if (rc == GAN_OK && list.count == 0)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: no PNG, JPEG or BMP images found", cfg->data_path);
    if (rc == GAN_OK) {
        qsort(list.paths, (size_t)list.count, sizeof(char *), cmp_str);
        long n = cfg->data_limit > 0 && list.count > cfg->data_limit ? cfg->data_limit : list.count;
        rc = dataset_alloc(ds, n, cfg, cfg->data_path, err);
        for (long i = 0; i < n && rc == GAN_OK; i++) {
            uint8_t *file = NULL, *px = NULL;
            size_t len = 0;
            int w, h;
            rc = load_file(list.paths[i], &file, &len, err);
            if (rc != GAN_OK) break;
            rc = gan_image_decode(file, len, list.paths[i], cfg->channels, &px, &w, &h, err);
            free(file);
            if (rc == GAN_OK) rc = gan_fit_image(ds->pixels + i * image_bytes(ds), px, w, h, cfg->channels, fit,
                                                 list.paths[i], err);
            stbi_image_free(px);
        }
    }
    for (long i = 0; i < list.count; i++) free(list.paths[i]);
    free(list.paths);
    return rc;
}

int gan_dataset_load(gan_dataset *ds, const gan_config *cfg, gan_error *err)
{
    memset(ds, 0, sizeof *ds);
    gan_fit fit = {.size = cfg->image_size, .channels = cfg->channels, .pad = strcmp(cfg->data_fit, "pad") == 0};
    int rc;
    if (strcmp(cfg->data_format, "idx") == 0) rc = load_idx(ds, cfg, &fit, err);
    else if (strcmp(cfg->data_format, "cifar10") == 0) rc = load_cifar(ds, cfg, &fit, err);
    else rc = load_folder(ds, cfg, &fit, err);
    if (rc != GAN_OK) gan_dataset_free(ds);
    return rc;
}

void gan_dataset_free(gan_dataset *ds)
{
    free(ds->pixels);
    memset(ds, 0, sizeof *ds);
}

void gan_dataset_batch(const gan_dataset *ds, const int32_t *idx, int n, float *out)
{
    const long plane = (long)ds->size * ds->size;
    for (int i = 0; i < n; i++) {
        const uint8_t *img = ds->pixels + (size_t)idx[i] * image_bytes(ds);
        for (int c = 0; c < ds->channels; c++) {
            float *dst = out + ((long)c * n + i) * plane;
            const uint8_t *src = img + c * plane;
            for (long p = 0; p < plane; p++) dst[p] = src[p] * (2.0f / 255.0f) - 1.0f;
        }
    }
}
