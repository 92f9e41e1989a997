/* Image folders: every PNG/JPEG/BMP below the folder (3 levels deep), sorted by path. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gan/core/path.h"
#include "gan/data/image.h"
#include "loaders.h"

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
static const char *const OTHER_IMAGE_EXTS[] = {"gif", "tga", "psd",  "hdr", "pic",  "pnm",
                                               "ppm", "pgm", "webp", "tif", "tiff", NULL};

static gan_status walk(const char *dir, int depth, path_list *list, gan_error *err)
{
    DIR *d = opendir(dir);
    if (!d) return gan_fail(err, GAN_ERR_IO, "%s: cannot open folder: %s", dir, strerror(errno));
    gan_status rc = GAN_OK;
    struct dirent *e;
    while (rc == GAN_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[GAN_PATH_MAX];
        rc = gan_path_join(path, dir, e->d_name, err);
        if (rc != GAN_OK) break;
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth < 3) rc = walk(path, depth + 1, list, err);
            continue;
        }
        if (has_ext(e->d_name, OTHER_IMAGE_EXTS)) {
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: unsupported image format (gan reads PNG, JPEG and BMP)",
                          path);
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

static gan_status load_file(const char *path, uint8_t **buf, size_t *len, gan_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return gan_fail(err, GAN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size > GAN_MAX_IMAGE_FILE) {
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

gan_status gan_load_folder(gan_dataset *ds, const gan_config *cfg, const gan_fit *fit, gan_error *err)
{
    path_list list = {0};
    gan_status rc = walk(cfg->data_path, 0, &list, err);
    if (rc == GAN_OK && list.count == 0)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: no PNG, JPEG or BMP images found", cfg->data_path);
    if (rc == GAN_OK) {
        qsort(list.paths, (size_t)list.count, sizeof(char *), cmp_str);
        long n = cfg->data_limit > 0 && list.count > cfg->data_limit ? (long)cfg->data_limit : list.count;
        rc = gan_dataset_alloc(ds, n, cfg, cfg->data_path, err);
        for (long i = 0; i < n && rc == GAN_OK; i++) {
            uint8_t *file = NULL, *px = NULL;
            size_t len = 0;
            int w, h;
            rc = load_file(list.paths[i], &file, &len, err);
            if (rc != GAN_OK) break;
            rc = gan_image_decode(file, len, list.paths[i], cfg->channels, &px, &w, &h, err);
            free(file);
            if (rc == GAN_OK)
                rc = gan_fit_image(ds->pixels + i * gan_dataset_image_bytes(ds), px, w, h, cfg->channels, fit,
                                   list.paths[i], err);
            free(px);
        }
    }
    for (long i = 0; i < list.count; i++) free(list.paths[i]);
    free(list.paths);
    return rc;
}
