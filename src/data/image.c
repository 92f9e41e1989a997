#include "gan/data/image.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gan/data/file.h"

#define STBI_NO_STDIO
#include <stb_image.h>

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
            while (i + 1 < len && !(b[i] == 0xFF && b[i + 1] != 0x00 && (b[i + 1] < 0xD0 || b[i + 1] > 0xD7)))
                i++;
            if (i + 4 > len) break;
        }
        const uint8_t m = b[i + 1];
        if (m == 0xFF) {
            i++;
            continue;
        }                     /* fill byte */
        if (m == 0xD9) break; /* EOI */
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) {
            i += 2;
            continue;
        }
        if (m == 0xDA) { /* first scan: check every FF C4 from here on */
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

/* RGBA pixels over an opaque background, rounded: alpha 255 keeps the pixel
 * exactly, alpha 0 gives the background exactly. */
static void composite(uint8_t *dst, const uint8_t *rgba, long n, int channels, const uint8_t bg[3])
{
    for (long i = 0; i < n; i++) {
        const uint8_t *p = rgba + i * 4;
        const int a = p[3];
        int c[3];
        for (int k = 0; k < 3; k++) c[k] = (p[k] * a + bg[k] * (255 - a) + 127) / 255;
        if (channels == 3)
            dst[i * 3] = (uint8_t)c[0], dst[i * 3 + 1] = (uint8_t)c[1], dst[i * 3 + 2] = (uint8_t)c[2];
        else dst[i] = gan_grey(c[0], c[1], c[2]); /* stb's grey, so opaque RGBA matches RGB */
    }
}

gan_status gan_image_decode(const uint8_t *buf, size_t len, const char *label, int want_channels,
                            const uint8_t background[3], uint8_t **pixels, int *w, int *h, gan_error *err)
{
    if (len == 0) return gan_fail(err, GAN_ERR_INPUT, "%s: empty file", label);
    if (len > (size_t)GAN_MAX_IMAGE_FILE)
        return gan_fail(err, GAN_ERR_INPUT, "%s: larger than 64 MiB", label);
    if (jpeg_tables_bad(buf, len))
        return gan_fail(err, GAN_ERR_INPUT, "%s: corrupt JPEG (a Huffman table declares more than 256 codes)",
                        label);
    /* Name the format from its signature: stb's own failure reason is that
     * of the last decoder it tried, which misleads ("bad png sig" for a JPEG). */
    const char *kind = NULL;
    if (len >= 8 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0) kind = "PNG";
    else if (len >= 2 && buf[0] == 0xFF && (buf[1] == 0xD8 || buf[1] == 0xFF)) kind = "JPEG";
    else if (len >= 2 && buf[0] == 'B' && buf[1] == 'M') kind = "BMP";
    else if (len >= 6 && (memcmp(buf, "GIF87a", 6) == 0 || memcmp(buf, "GIF89a", 6) == 0))
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: a GIF image: unsupported format (gan reads PNG, JPEG and BMP)", label);
    if (!kind) return gan_fail(err, GAN_ERR_INPUT, "%s: not a PNG, JPEG or BMP image", label);
    if (strcmp(kind, "PNG") == 0 && len >= 24) { /* IHDR: the size before stb refuses it */
        uint32_t pw = gan_be32(buf + 16), ph = gan_be32(buf + 20);
        if (pw > GAN_MAX_IMAGE_SIDE || ph > GAN_MAX_IMAGE_SIDE ||
            (uint64_t)pw * ph > (uint64_t)GAN_MAX_IMAGE_PIXELS)
            return gan_fail(err, GAN_ERR_INPUT,
                            "%s: %ux%u pixels is larger than gan accepts (%d per side, %ld in all)", label,
                            pw, ph, GAN_MAX_IMAGE_SIDE, GAN_MAX_IMAGE_PIXELS);
    }
    int iw, ih, ic;
    if (!stbi_info_from_memory(buf, (int)len, &iw, &ih, &ic))
        return gan_fail(err, GAN_ERR_INPUT, "%s: corrupt or truncated %s header", label, kind);
    if (iw <= 0 || ih <= 0 || iw > GAN_MAX_IMAGE_SIDE || ih > GAN_MAX_IMAGE_SIDE ||
        (long)iw * ih > GAN_MAX_IMAGE_PIXELS)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: %dx%d pixels is larger than gan accepts (%d per side, %ld in all)", label, iw,
                        ih, GAN_MAX_IMAGE_SIDE, GAN_MAX_IMAGE_PIXELS);
    const bool alpha = ic == 2 || ic == 4; /* stb counts a palette with tRNS as 4 */
    uint8_t *p = stbi_load_from_memory(buf, (int)len, w, h, &ic, alpha ? 4 : want_channels);
    if (!p) return gan_fail(err, GAN_ERR_INPUT, "%s: corrupt or truncated %s image", label, kind);
    if (alpha) {
        const long n = (long)*w * *h;
        uint8_t *flat = malloc((size_t)n * (size_t)want_channels);
        if (!flat) {
            stbi_image_free(p);
            return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", label);
        }
        composite(flat, p, n, want_channels, background);
        stbi_image_free(p);
        p = flat;
    }
    *pixels = p;
    return GAN_OK;
}
