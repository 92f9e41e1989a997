/* Data loaders on small fixtures the test writes itself: IDX (raw and gzip),
 * image folders (PNG written by gan's own grid writer), CIFAR-10 records,
 * and the ways each can be broken. */
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../common/check.h"
#include "gan/data/dataset.h"
#include "gan/data/idx.h"
#include "gan/data/image.h"
#include "gan/io/image_grid.h"

static char dir[] = "/tmp/gan_test_data_XXXXXX";

static void write_bytes(const char *name, const void *data, size_t len, int gz)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (gz) {
        gzFile f = gzopen(path, "wb");
        gzwrite(f, data, (unsigned)len);
        gzclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

static size_t make_idx_header(uint8_t *buf, uint32_t magic, uint32_t n, uint32_t r, uint32_t c, int fill)
{
    uint32_t h[4] = {magic, n, r, c};
    for (int k = 0; k < 4; k++)
        for (int b = 0; b < 4; b++) buf[k * 4 + b] = (uint8_t)(h[k] >> (24 - 8 * b));
    if (fill)
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t p = 0; p < r * c; p++) buf[16 + i * r * c + p] = (uint8_t)((i * 7 + p) % 256);
    return 16 + (size_t)n * r * c;
}

/* An IDX3 file of n images of r x c whose pixel p of image i is (i*7 + p) % 256. */
static size_t make_idx(uint8_t *buf, uint32_t magic, uint32_t n, uint32_t r, uint32_t c)
{
    return make_idx_header(buf, magic, n, r, c, 1);
}

static int load(gan_config *cfg, const char *format, const char *name, int size, int channels,
                const char *fit, gan_dataset *ds, gan_error *err)
{
    gan_config_defaults(cfg);
    cfg->data_format = strcmp(format, "idx") == 0      ? GAN_DATA_IDX
                       : strcmp(format, "folder") == 0 ? GAN_DATA_FOLDER
                                                       : GAN_DATA_CIFAR10;
    snprintf(cfg->data_path, sizeof cfg->data_path, "%s/%s", dir, name);
    cfg->image_size = size;
    cfg->channels = channels;
    cfg->data_fit = strcmp(fit, "pad") == 0 ? GAN_FIT_PAD : GAN_FIT_RESIZE;
    return gan_dataset_load(ds, cfg, err);
}

static void expect_fail(const char *format, const char *name, const char *fit, const char *want)
{
    gan_config cfg;
    gan_dataset ds;
    gan_error err = {{0}};
    int rc = load(&cfg, format, name, 16, 1, fit, &ds, &err);
    CHECK_MSG(rc != GAN_OK, "%s: accepted", name);
    CHECK_MSG(strstr(err.msg, want) && strstr(err.msg, name), "%s: message '%s' lacks '%s' or the file name",
              name, err.msg, want);
}

static void test_idx(void)
{
    static uint8_t buf[2048]; /* the largest fixture: 16 + 784 bytes */
    size_t len = make_idx(buf, 0x803, 5, 12, 10);
    write_bytes("ok.idx", buf, len, 0);
    write_bytes("ok.idx.gz", buf, len, 1);
    gan_config cfg;
    gan_dataset ds;
    gan_error err;
    for (int gz = 0; gz < 2; gz++) {
        int rc = load(&cfg, "idx", gz ? "ok.idx.gz" : "ok.idx", 16, 1, "pad", &ds, &err);
        CHECK_MSG(rc == GAN_OK, "%s", err.msg);
        if (rc != GAN_OK) continue;
        CHECK(ds.count == 5 && ds.size == 16 && ds.channels == 1);
        /* 10 wide, 12 high centred in 16x16: x0 = 3, y0 = 2. Pixel (y, x) of image 2. */
        const uint8_t *img = ds.pixels + 2 * 256;
        CHECK(img[0] == 0 && img[2 * 16 + 3] == (uint8_t)(14 + 0) &&
              img[(2 + 5) * 16 + 3 + 4] == (uint8_t)(14 + 54));
        CHECK(img[15 * 16 + 15] == 0);
        /* Batches are channel-major floats in [-1, 1]. */
        int32_t idx[2] = {2, 0};
        float out[2 * 256];
        gan_dataset_batch(&ds, idx, 2, out);
        CHECK(out[0] == -1.0f && fabsf(out[2 * 16 + 3] - (14 * 2.0f / 255.0f - 1.0f)) < 1e-6f);
        gan_dataset_free(&ds);
    }
    /* Resize to 32 and to RGB: values stay in range, channels equal. */
    CHECK(load(&cfg, "idx", "ok.idx", 32, 3, "resize", &ds, &err) == GAN_OK);
    CHECK(ds.count == 5 && ds.channels == 3 && memcmp(ds.pixels, ds.pixels + 1024, 1024) == 0);
    gan_dataset_free(&ds);
    cfg.data_limit = 3;
    CHECK(gan_dataset_load(&ds, &cfg, &err) == GAN_OK && ds.count == 3);
    gan_dataset_free(&ds);

    write_bytes("trunc.idx", buf, len - 1, 0);
    expect_fail("idx", "trunc.idx", "pad", "header says 5 images of 12x10 (600 bytes) but the file has 599");
    write_bytes("trunc.idx.gz", buf, len - 7, 1);
    expect_fail("idx", "trunc.idx.gz", "pad", "but the file has 593");
    buf[len] = 9;
    write_bytes("long.idx", buf, len + 1, 0);
    expect_fail("idx", "long.idx", "pad", "but the file has 601");
    write_bytes("short.idx", buf, 9, 0);
    expect_fail("idx", "short.idx", "pad", "not an IDX image file");
    make_idx(buf, 0x801, 5, 12, 10);
    write_bytes("labels.idx", buf, len, 0);
    expect_fail("idx", "labels.idx", "pad", "IDX label file");
    make_idx(buf, 0x1234, 5, 12, 10);
    write_bytes("magic.idx", buf, len, 0);
    expect_fail("idx", "magic.idx", "pad", "bad IDX magic 0x00001234");
    len = make_idx(buf, 0x803, 0, 12, 10);
    write_bytes("zero.idx", buf, len, 0);
    expect_fail("idx", "zero.idx", "pad", "zero images");
    make_idx_header(buf, 0x803, 0x7fffffff, 28, 28, 0);
    write_bytes("huge.idx", buf, 16 + 784, 0);
    expect_fail("idx", "huge.idx", "pad", "header says 2147483647 images");
    len = make_idx(buf, 0x803, 1, 20, 20);
    write_bytes("big.idx", buf, len, 0);
    expect_fail("idx", "big.idx", "pad", "do not fit in 16x16");
    static const char notgz[] = "\x1f\x8b\x08\x00garbage-after-gzip-magic";
    write_bytes("notgz.idx.gz", notgz, sizeof notgz - 1, 0);
    expect_fail("idx", "notgz.idx.gz", "pad", "notgz.idx.gz");
    expect_fail("idx", "missing.idx", "pad", "cannot open");
}

static void test_folder(void)
{
    char sub[300], path[400];
    snprintf(sub, sizeof sub, "%s/imgs", dir);
    mkdir(sub, 0755);
    snprintf(path, sizeof path, "%s/imgs/class_a", dir);
    mkdir(path, 0755);
    /* Three 20x30 RGB images, each one flat colour, written by the grid writer. */
    float px[3 * 1 * 30 * 30];
    gan_error err;
    for (int i = 0; i < 3; i++) {
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < 900; p++) px[c * 900 + p] = (c == i) ? 1.0f : -1.0f;
        snprintf(path, sizeof path, "%s/imgs/%s%d.png", dir, i == 2 ? "class_a/" : "", i);
        const gan_grid one = {
            .images = px, .batch = 1, .count = 1, .channels = 3, .size = 30, .per_row = 1, .pad = 0};
        CHECK(gan_grid_png(path, &one, &err) == GAN_OK);
    }
    write_bytes("imgs/readme.txt", "not an image", 12, 0);
    gan_config cfg;
    gan_dataset ds;
    gan_status rc = load(&cfg, "folder", "imgs", 16, 3, "resize", &ds, &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    if (rc == GAN_OK) {
        /* Sorted paths: 0.png (red), 1.png (green), class_a/2.png (blue). */
        CHECK(ds.count == 3);
        CHECK(ds.pixels[0] == 255 && ds.pixels[256] == 0 && ds.pixels[512] == 0);
        CHECK(ds.pixels[768 + 256] == 255 && ds.pixels[2 * 768 + 512] == 255);
        gan_dataset_free(&ds);
    }
    /* RGB -> grey. */
    CHECK(load(&cfg, "folder", "imgs", 16, 1, "resize", &ds, &err) == GAN_OK && ds.pixels[0] == 76);
    gan_dataset_free(&ds);
    /* A symlink loop (loop -> .), a second link to a folder, a dangling link:
     * each image is read once, and what was skipped is counted and said. */
    char link[400];
    snprintf(link, sizeof link, "%s/imgs/loop", dir);
    CHECK(symlink(".", link) == 0);
    snprintf(link, sizeof link, "%s/imgs/again", dir);
    CHECK(symlink("class_a", link) == 0);
    snprintf(link, sizeof link, "%s/imgs/gone.png", dir);
    CHECK(symlink("nowhere.png", link) == 0);
    rc = load(&cfg, "folder", "imgs", 16, 3, "resize", &ds, &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    if (rc == GAN_OK) {
        CHECK_MSG(ds.count == 3, "a folder with links reads %ld images, not 3", ds.count);
        CHECK(ds.skips.dangling_links == 1 && ds.skips.folders_seen_before == 2 && ds.skips.not_images == 1);
        char note[256];
        gan_dataset_skip_note(&ds, note, sizeof note);
        CHECK_MSG(strcmp(note,
                         "skipped 4 entries: 1 dangling link, 2 folders seen before through links, 1 file "
                         "that is not a PNG, JPEG or BMP") == 0,
                  "note: %s", note);
        gan_dataset_free(&ds);
    }
    static const char *const links[] = {"loop", "again", "gone.png"};
    for (int i = 0; i < 3; i++) {
        snprintf(link, sizeof link, "%s/imgs/%s", dir, links[i]);
        unlink(link);
    }

    /* A truncated PNG, an empty file, a GIF, a PNG header claiming 100000x100000. */
    snprintf(path, sizeof path, "%s/imgs/0.png", dir);
    FILE *f = fopen(path, "rb");
    uint8_t png[4096];
    size_t n = fread(png, 1, sizeof png, f);
    fclose(f);
    write_bytes("imgs/9_trunc.png", png, n / 2, 0);
    expect_fail("folder", "imgs", "resize", "9_trunc.png: corrupt or truncated PNG image");
    snprintf(path, sizeof path, "%s/imgs/9_trunc.png", dir);
    unlink(path);
    write_bytes("imgs/9_empty.jpg", "", 0, 0);
    expect_fail("folder", "imgs", "resize", "9_empty.jpg: empty file");
    snprintf(path, sizeof path, "%s/imgs/9_empty.jpg", dir);
    unlink(path);
    uint8_t huge[64];
    memcpy(huge, png, 33); /* signature + IHDR chunk */
    uint32_t side = 100000;
    for (int b = 0; b < 4; b++) huge[16 + b] = huge[20 + b] = (uint8_t)(side >> (24 - 8 * b));
    write_bytes("imgs/9_huge.png", huge, 33, 0);
    expect_fail("folder", "imgs", "resize", "9_huge.png: 100000x100000 pixels is larger than gan accepts");
    snprintf(path, sizeof path, "%s/imgs/9_huge.png", dir);
    unlink(path);
    write_bytes("imgs/anim.gif", "GIF89a", 6, 0);
    expect_fail("folder", "imgs", "resize", "anim.gif: unsupported image format");
    snprintf(path, sizeof path, "%s/imgs/anim.gif", dir);
    unlink(path);
    write_bytes("imgs/fake.png", "GIF89a\x01\x00\x01\x00", 10, 0);
    expect_fail("folder", "imgs", "resize", "fake.png: a GIF image: unsupported format");
    snprintf(path, sizeof path, "%s/imgs/fake.png", dir);
    unlink(path);
    mkdir("/tmp/gan_test_empty_dir", 0755);
    gan_dataset ds2;
    gan_config c2;
    gan_config_defaults(&c2);
    c2.data_format = GAN_DATA_FOLDER;
    strcpy(c2.data_path, "/tmp/gan_test_empty_dir");
    CHECK(gan_dataset_load(&ds2, &c2, &err) == GAN_ERR_INPUT &&
          strstr(err.msg, "no PNG, JPEG or BMP images"));
    rmdir("/tmp/gan_test_empty_dir");
}

static void test_cifar(void)
{
    static uint8_t rec[2 * 3073];
    for (int r = 0; r < 2; r++) {
        rec[r * 3073] = (uint8_t)r;
        for (int p = 0; p < 3072; p++) rec[r * 3073 + 1 + p] = (uint8_t)(p / 1024 * 100 + r);
    }
    write_bytes("c.bin", rec, sizeof rec, 0);
    gan_config cfg;
    gan_dataset ds;
    gan_error err;
    int rc = load(&cfg, "cifar10", "c.bin", 32, 3, "resize", &ds, &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    if (rc == GAN_OK) {
        CHECK(ds.count == 2 && ds.pixels[0] == 0 && ds.pixels[1024] == 100 && ds.pixels[2048] == 200);
        CHECK(ds.pixels[3072 + 2048] == 201);
        gan_dataset_free(&ds);
    }
    write_bytes("c_bad.bin", rec, 3000, 0);
    expect_fail("cifar10", "c_bad.bin", "resize", "not a whole number of CIFAR-10 records");
}

/* The bundled MNIST labels: the class counts its README gives, and the
 * ways a label file can be wrong. */
static void test_labels(void)
{
    int32_t *labels = NULL;
    long n = 0;
    gan_error err;
    int rc = gan_idx_labels_read(GAN_SOURCE_DIR "/data/mnist10k/labels-idx1-ubyte.gz", 10, &labels, &n, &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    if (rc == GAN_OK) {
        const long want[10] = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
        long got[10] = {0};
        for (long i = 0; i < n; i++) got[labels[i]]++;
        CHECK(n == 10000 && memcmp(got, want, sizeof want) == 0);
        free(labels);
    }
    const uint8_t ok[11] = {0, 0, 8, 1, 0, 0, 0, 3, 4, 9, 2};
    CHECK(gan_idx_labels_parse(ok, 11, "l", 10, &labels, &n, &err) == GAN_OK && n == 3 && labels[1] == 9);
    if (n == 3) free(labels);
    CHECK(gan_idx_labels_parse(ok, 11, "l", 9, &labels, &n, &err) == GAN_ERR_INPUT &&
          strstr(err.msg, "label 9 of item 1"));
    CHECK(gan_idx_labels_parse(ok, 10, "l", 10, &labels, &n, &err) == GAN_ERR_INPUT &&
          strstr(err.msg, "header says 3 labels"));
    const uint8_t img[16] = {0, 0, 8, 3};
    CHECK(gan_idx_labels_parse(img, 16, "l", 10, &labels, &n, &err) == GAN_ERR_INPUT &&
          strstr(err.msg, "IDX image file"));
    const uint8_t none[8] = {0, 0, 8, 1, 0, 0, 0, 0};
    CHECK(gan_idx_labels_parse(none, 8, "l", 10, &labels, &n, &err) == GAN_ERR_INPUT &&
          strstr(err.msg, "zero labels"));
}

/* Labels with model.conditional: IDX (the bundled digits, classes "0".."9"),
 * class folders (sorted by name, labels follow each image's folder), CIFAR-10
 * label bytes; a class without images, and more than 1000 classes. */
static void write_png(const char *rel, float value)
{
    float px[16 * 16];
    for (int p = 0; p < 256; p++) px[p] = value;
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    const gan_grid one = {
        .images = px, .batch = 1, .count = 1, .channels = 1, .size = 16, .per_row = 1, .pad = 0};
    gan_error err;
    CHECK(gan_grid_png(path, &one, &err) == GAN_OK);
}

static void test_conditional(void)
{
    gan_config cfg;
    gan_dataset ds;
    gan_error err;
    gan_config_defaults(&cfg);
    cfg.conditional = true;
    snprintf(cfg.data_path, sizeof cfg.data_path, "%s", GAN_SOURCE_DIR "/data/mnist10k/images-idx3-ubyte.gz");
    snprintf(cfg.data_labels, sizeof cfg.data_labels, "%s",
             GAN_SOURCE_DIR "/data/mnist10k/labels-idx1-ubyte.gz");
    cfg.data_limit = 100;
    gan_status rc = gan_dataset_load(&ds, &cfg, &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    if (rc == GAN_OK) {
        CHECK(ds.count == 100 && ds.labels && ds.classes.count == 10 &&
              strcmp(ds.classes.names[7], "7") == 0);
        CHECK(ds.labels[0] >= 0 && ds.labels[0] < 10);
        gan_dataset_free(&ds);
    }
    cfg.data_limit = 3; /* the first three digits cannot hold all ten classes */
    CHECK(gan_dataset_load(&ds, &cfg, &err) == GAN_ERR_INPUT &&
          strstr(err.msg, "has no images among the 3 used") && strstr(err.msg, "labels-idx1-ubyte.gz"));

    /* class folders: zebra (2 images, one a level deeper), ant (1); sorted: ant = 0, zebra = 1 */
    char path[400];
    snprintf(path, sizeof path, "%s/cls", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/cls/zebra", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/cls/zebra/deep", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/cls/ant", dir);
    mkdir(path, 0755);
    write_png("cls/zebra/a.png", 1.0f);
    write_png("cls/zebra/deep/b.png", 1.0f);
    write_png("cls/ant/c.png", -1.0f);
    gan_config_defaults(&cfg);
    cfg.conditional = true;
    cfg.data_format = GAN_DATA_FOLDER;
    snprintf(cfg.data_path, sizeof cfg.data_path, "%s/cls", dir);
    cfg.image_size = 16;
    cfg.data_fit = GAN_FIT_RESIZE;
    rc = gan_dataset_load(&ds, &cfg, &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    if (rc == GAN_OK) {
        CHECK(ds.count == 3 && ds.classes.count == 2 && strcmp(ds.classes.names[0], "ant") == 0);
        /* sorted paths: ant/c.png, zebra/a.png, zebra/deep/b.png */
        CHECK(ds.labels[0] == 0 && ds.labels[1] == 1 && ds.labels[2] == 1);
        CHECK(ds.pixels[0] == 0 && ds.pixels[256] == 255);
        gan_dataset_free(&ds);
    }
    /* 1001 class folders */
    snprintf(path, sizeof path, "%s/many", dir);
    mkdir(path, 0755);
    for (int k = 0; k < 1001; k++) {
        snprintf(path, sizeof path, "%s/many/c%04d", dir, k);
        mkdir(path, 0755);
        char rel[64];
        snprintf(rel, sizeof rel, "many/c%04d/x.png", k);
        write_png(rel, 0.0f);
    }
    snprintf(cfg.data_path, sizeof cfg.data_path, "%s/many", dir);
    CHECK(gan_dataset_load(&ds, &cfg, &err) == GAN_ERR_INPUT && strstr(err.msg, "more than 1000 classes") &&
          strstr(err.msg, "many"));

    /* CIFAR-10: the label bytes and the ten names */
    static uint8_t rec[2 * 3073];
    rec[0] = 3, rec[3073] = 9;
    write_bytes("cl.bin", rec, sizeof rec, 0);
    gan_config_defaults(&cfg);
    cfg.conditional = true;
    cfg.data_format = GAN_DATA_CIFAR10;
    snprintf(cfg.data_path, sizeof cfg.data_path, "%s/cl.bin", dir);
    cfg.channels = 3;
    rc = gan_dataset_load(&ds, &cfg, &err);
    /* classes 0-2 and 4-8 have no images in two records */
    CHECK(rc == GAN_ERR_INPUT && strstr(err.msg, "class 'airplane' has no images"));
    cfg.conditional = false;
    CHECK(gan_dataset_load(&ds, &cfg, &err) == GAN_OK && !ds.labels && ds.classes.count == 0);
    gan_dataset_free(&ds);
}

/* Inputs the fuzzers found, kept so they stay fixed. */
static void test_regressions(void)
{
    const char *files[] = {"jpeg-dht-overflow.jpg", "jpeg-dht-truncated.jpg", "jpeg-dht-fill-bytes.jpg",
                           "jpeg-dht-past-segment.jpg", "jpeg-dht-after-scan.jpg"};
    for (int i = 0; i < 5; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/tests/fuzz/regressions/image/%s", GAN_SOURCE_DIR, files[i]);
        FILE *f = fopen(path, "rb");
        CHECK_MSG(f != NULL, "%s missing", path);
        if (!f) continue;
        static uint8_t buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        uint8_t *px = NULL;
        int w, h;
        gan_error err;
        CHECK_MSG(gan_image_decode(buf, n, files[i], 3, (const uint8_t[3]){0, 0, 0}, &px, &w, &h, &err) ==
                          GAN_ERR_INPUT &&
                      strstr(err.msg, "Huffman table"),
                  "%s: accepted or wrong message", files[i]);
    }
}

int main(void)
{
    test_regressions();
    test_labels();
    if (!mkdtemp(dir)) return 1;
    test_idx();
    test_folder();
    test_cifar();
    test_conditional();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return check_exit("test_data");
}
