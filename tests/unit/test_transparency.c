/* data.background: every kind of PNG transparency (grey+alpha, RGBA, a palette
 * with tRNS, 16-bit) composited on the background, before grey conversion,
 * through gan_image_decode and through a whole folder load. The PNGs come from
 * a small encoder here, since stb_image_write writes neither palettes nor
 * 16-bit samples. */
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../common/check.h"
#include "gan/data/dataset.h"
#include "gan/data/fit.h"
#include "gan/data/image.h"
#include "gan/io/config.h"

typedef struct {
    uint8_t bytes[4096];
    size_t len;
} png_buf;

static void put32(png_buf *b, uint32_t v)
{
    for (int k = 0; k < 4; k++) b->bytes[b->len++] = (uint8_t)(v >> (24 - 8 * k));
}

static void chunk(png_buf *b, const char *type, const uint8_t *data, uint32_t len)
{
    put32(b, len);
    const size_t start = b->len;
    memcpy(b->bytes + b->len, type, 4);
    b->len += 4;
    if (len) memcpy(b->bytes + b->len, data, len);
    b->len += len;
    put32(b, (uint32_t)crc32(0, b->bytes + start, len + 4));
}

/* A w x 1 PNG of colour type `type` and bit depth `depth` whose one row is
 * `row` (already packed: 2 bytes per 16-bit sample, big-endian). */
static void make_png(png_buf *b, int w, int type, int depth, const uint8_t *row, size_t row_len,
                     const uint8_t *plte, uint32_t plte_len, const uint8_t *trns, uint32_t trns_len)
{
    b->len = 0;
    memcpy(b->bytes, "\x89PNG\r\n\x1a\n", 8);
    b->len = 8;
    uint8_t ihdr[13] = {0};
    for (int k = 0; k < 4; k++) ihdr[k] = (uint8_t)((uint32_t)w >> (24 - 8 * k));
    ihdr[7] = 1; /* height */
    ihdr[8] = (uint8_t)depth;
    ihdr[9] = (uint8_t)type;
    chunk(b, "IHDR", ihdr, 13);
    if (plte) chunk(b, "PLTE", plte, plte_len);
    if (trns) chunk(b, "tRNS", trns, trns_len);
    uint8_t raw[512], z[1024];
    raw[0] = 0; /* filter: none */
    memcpy(raw + 1, row, row_len);
    uLongf zlen = sizeof z;
    CHECK(compress(z, &zlen, raw, (uLong)row_len + 1) == Z_OK);
    chunk(b, "IDAT", z, (uint32_t)zlen);
    chunk(b, "IEND", NULL, 0);
}

static const uint8_t WHITE[3] = {255, 255, 255}, BLACK[3] = {0, 0, 0}, TEAL[3] = {0, 128, 128};

/* Decodes b with `channels` on `bg` and compares the first n bytes with want. */
static void expect(const png_buf *b, const char *what, int channels, const uint8_t bg[3], const uint8_t *want,
                   int n)
{
    uint8_t *px = NULL;
    int w = 0, h = 0;
    gan_error err = {{0}};
    const gan_status rc = gan_image_decode(b->bytes, b->len, what, channels, bg, &px, &w, &h, &err);
    CHECK_MSG(rc == GAN_OK, "%s: %s", what, err.msg);
    if (rc != GAN_OK) return;
    CHECK_MSG(w * channels == n && h == 1, "%s: %dx%d", what, w, h);
    for (int i = 0; i < n && i < w * channels; i++)
        CHECK_MSG(px[i] == want[i], "%s: byte %d is %d, expected %d", what, i, px[i], want[i]);
    free(px);
}

static uint8_t over(int c, int a, int bg) { return (uint8_t)((c * a + bg * (255 - a) + 127) / 255); }
static uint8_t luma(int r, int g, int b) { return (uint8_t)((r * 77 + g * 150 + b * 29) >> 8); }

static void test_rgba(void)
{
    /* transparent, opaque, half: the transparent pixel's stored colour must not show */
    const uint8_t row[] = {200, 100, 50, 0, 200, 100, 50, 255, 200, 100, 50, 128};
    png_buf b;
    make_png(&b, 3, 6, 8, row, sizeof row, NULL, 0, NULL, 0);
    const uint8_t on_white[] = {
        255, 255, 255, 200, 100, 50, over(200, 128, 255), over(100, 128, 255), over(50, 128, 255)};
    expect(&b, "rgba on white", 3, WHITE, on_white, 9);
    const uint8_t on_teal[] = {
        0, 128, 128, 200, 100, 50, over(200, 128, 0), over(100, 128, 128), over(50, 128, 128)};
    expect(&b, "rgba on teal", 3, TEAL, on_teal, 9);
    /* grey comes after compositing: the luma of what shows on the background */
    const uint8_t grey_teal[] = {luma(0, 128, 128), luma(200, 100, 50),
                                 luma(over(200, 128, 0), over(100, 128, 128), over(50, 128, 128))};
    expect(&b, "rgba to grey on teal", 1, TEAL, grey_teal, 3);
    /* an opaque RGBA image gives the bytes of the same RGB image, in colour and in grey */
    const uint8_t rgb_row[] = {0, 0, 255, 250, 128, 0}; /* blue: the two usual grey formulas differ */
    const uint8_t rgba_row[] = {0, 0, 255, 255, 250, 128, 0, 255};
    png_buf rgb, rgba;
    make_png(&rgb, 2, 2, 8, rgb_row, sizeof rgb_row, NULL, 0, NULL, 0);
    make_png(&rgba, 2, 6, 8, rgba_row, sizeof rgba_row, NULL, 0, NULL, 0);
    expect(&rgb, "rgb", 3, WHITE, rgb_row, 6);
    expect(&rgba, "opaque rgba", 3, WHITE, rgb_row, 6);
    uint8_t *grey_rgb = NULL;
    int w, h;
    gan_error err = {{0}};
    CHECK(gan_image_decode(rgb.bytes, rgb.len, "rgb", 1, WHITE, &grey_rgb, &w, &h, &err) == GAN_OK);
    if (grey_rgb) expect(&rgba, "opaque rgba to grey", 1, BLACK, grey_rgb, 2);
    /* one grey for every path: stb's (a PNG asked for as grey) is the fit's of RGB pixels (CIFAR-10's
     * path) and a padded background's */
    for (int i = 0; grey_rgb && i < 2; i++) {
        const uint8_t *px = rgb_row + 3 * i;
        uint8_t fitted[4] = {0};
        const gan_fit pad = {
            .size = 2, .channels = 1, .mode = GAN_FIT_PAD, .background = {px[0], px[1], px[2]}};
        CHECK(gan_fit_image(fitted, px, 1, 1, 3, &pad, "pixel", &err) == GAN_OK);
        CHECK_MSG(fitted[0] == grey_rgb[i] && fitted[3] == grey_rgb[i],
                  "pixel %d: fit's grey %d, background's %d, stb's %d", i, fitted[0], fitted[3], grey_rgb[i]);
    }
    free(grey_rgb);
}

static void test_grey_alpha(void)
{
    const uint8_t row[] = {90, 0, 90, 255, 90, 64};
    png_buf b;
    make_png(&b, 3, 4, 8, row, sizeof row, NULL, 0, NULL, 0);
    const uint8_t grey_white[] = {255, 90, over(90, 64, 255)};
    expect(&b, "grey+alpha on white", 1, WHITE, grey_white, 3);
    const uint8_t rgb_teal[] = {
        0, 128, 128, 90, 90, 90, over(90, 64, 0), over(90, 64, 128), over(90, 64, 128)};
    expect(&b, "grey+alpha to rgb on teal", 3, TEAL, rgb_teal, 9);
}

static void test_palette(void)
{
    const uint8_t plte[] = {255, 0, 0, 0, 255, 0, 0, 0, 255};
    const uint8_t trns[] = {0, 255, 100}; /* red invisible, green opaque, blue partly */
    /* 8-bit indices, and 4-bit ones packed two to a byte (as in 20 of Twemoji's files) */
    const uint8_t row8[] = {0, 1, 2}, row4[] = {0x01, 0x20};
    const uint8_t want[] = {
        255, 255, 255, 0, 255, 0, over(0, 100, 255), over(0, 100, 255), over(255, 100, 255)};
    png_buf b;
    make_png(&b, 3, 3, 8, row8, sizeof row8, plte, sizeof plte, trns, sizeof trns);
    expect(&b, "palette+tRNS", 3, WHITE, want, 9);
    make_png(&b, 3, 3, 4, row4, sizeof row4, plte, sizeof plte, trns, sizeof trns);
    expect(&b, "4-bit palette+tRNS", 3, WHITE, want, 9);
    /* without tRNS the palette is opaque: red stays red */
    make_png(&b, 3, 3, 8, row8, sizeof row8, plte, sizeof plte, NULL, 0);
    const uint8_t opaque[] = {255, 0, 0, 0, 255, 0, 0, 0, 255};
    expect(&b, "palette", 3, WHITE, opaque, 9);
}

static void test_16bit(void)
{
    /* 16-bit samples keep their high byte (stb_image's conversion); alpha 0 and 0xFFFF */
    const uint8_t rgba[] = {0xC8, 0x00, 0x64, 0x00, 0x32, 0x00, 0x00, 0x00,
                            0xC8, 0x12, 0x64, 0x34, 0x32, 0x56, 0xFF, 0xFF};
    png_buf b;
    make_png(&b, 2, 6, 16, rgba, sizeof rgba, NULL, 0, NULL, 0);
    const uint8_t want[] = {0, 0, 0, 200, 100, 50};
    expect(&b, "16-bit rgba on black", 3, BLACK, want, 6);
    const uint8_t ga[] = {0x80, 0x00, 0x00, 0x00, 0x80, 0x00, 0xFF, 0xFF};
    make_png(&b, 2, 4, 16, ga, sizeof ga, NULL, 0, NULL, 0);
    const uint8_t grey[] = {255, 128};
    expect(&b, "16-bit grey+alpha on white", 1, WHITE, grey, 2);
}

/* The config key reaches the decoder and data.fit "pad" through a folder load. */
static void test_folder_load(void)
{
    char dir[] = "/tmp/gan_test_alpha_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[300];
    snprintf(path, sizeof path, "%s/a.png", dir);
    uint8_t row[8 * 4];
    for (int i = 0; i < 8; i++)
        row[i * 4] = 200, row[i * 4 + 1] = 100, row[i * 4 + 2] = 50, row[i * 4 + 3] = 0;
    row[3] = 255; /* only the first pixel shows */
    png_buf b;
    make_png(&b, 8, 6, 8, row, sizeof row, NULL, 0, NULL, 0);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(b.bytes, 1, b.len, f) == b.len);
    if (f) fclose(f);
    gan_config cfg;
    gan_error err = {{0}};
    const char *sets[] = {"data.format=folder", NULL,           "data.image_size=16",
                          "data.channels=3",    "data.fit=pad", "data.background=[0, 128, 128]"};
    char data_path[340];
    snprintf(data_path, sizeof data_path, "data.path=%s", dir);
    sets[1] = data_path;
    CHECK_MSG(gan_config_parse(&cfg, NULL, "t", sets, 6, &err) == GAN_OK, "%s", err.msg);
    gan_dataset ds;
    CHECK_MSG(gan_dataset_load(&ds, &cfg, &err) == GAN_OK, "%s", err.msg);
    if (ds.pixels) {
        const uint8_t *p = ds.pixels; /* CHW, 16 x 16; the 8 x 1 image sits at row 7, columns 4..11 */
        CHECK(p[0] == 0 && p[256] == 128 && p[512] == 128);                                     /* padding */
        CHECK(p[7 * 16 + 4] == 200 && p[256 + 7 * 16 + 4] == 100 && p[512 + 7 * 16 + 4] == 50); /* opaque */
        CHECK(p[7 * 16 + 5] == 0 && p[256 + 7 * 16 + 5] == 128 &&
              p[512 + 7 * 16 + 5] == 128); /* transparent */
        gan_dataset_free(&ds);
    }
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    test_rgba();
    test_grey_alpha();
    test_palette();
    test_16bit();
    test_folder_load();
    return check_exit("test_transparency");
}
