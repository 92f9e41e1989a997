/* Image folders: every PNG/JPEG/BMP below the folder (3 levels deep), sorted
 * by path. With labels, each subfolder of data.path is a class (the classes
 * sorted by name), holding that class's images at any depth below it. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "gan/core/path.h"
#include "gan/data/image.h"
#include "loaders.h"

typedef struct {
    char **paths;
    int *dir_of; /* [count]: the class folder (index into dirs) each image is in, -1 at the top */
    long count, cap;
    char **dirs; /* the subfolders of data.path, in the order they were read */
    int ndirs;
    /* every folder entered, by device and inode: a folder reached again (a
     * symlink loop, or two links to one folder) is not read twice */
    struct folder_id {
        dev_t dev;
        ino_t ino;
    } * seen;
    long nseen, seen_cap;
    gan_folder_skips skips;
} walk_state;

static bool has_ext(const char *name, const char *const *exts)
{
    const char *dot = strrchr(name, '.');
    for (int i = 0; dot && exts[i]; i++)
        if (strcasecmp(dot + 1, exts[i]) == 0) return true;
    return false;
}

static const char *const READ_EXTS[] = {"png", "jpg", "jpeg", "bmp", NULL};
static const char *const OTHER_IMAGE_EXTS[] = {"gif", "tga", "psd",  "hdr", "pic",  "pnm",
                                               "ppm", "pgm", "webp", "tif", "tiff", NULL};
enum { MAX_DEPTH = 3 }; /* folders below data.path that are searched */

/* Records a folder as entered; false when it was entered before. */
static bool first_visit(walk_state *w, const struct stat *st, bool *nomem)
{
    for (long i = 0; i < w->nseen; i++)
        if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino) return false;
    if (w->nseen == w->seen_cap) {
        const long cap = w->seen_cap ? 2 * w->seen_cap : 16;
        struct folder_id *grown = realloc(w->seen, sizeof *grown * (size_t)cap);
        if (!grown) {
            *nomem = true;
            return false;
        }
        w->seen = grown;
        w->seen_cap = cap;
    }
    w->seen[w->nseen++] = (struct folder_id){st->st_dev, st->st_ino};
    return true;
}

static gan_status add_path(walk_state *w, const char *path, int dir, gan_error *err)
{
    if (w->count == w->cap) {
        const long cap = w->cap ? w->cap * 2 : 256;
        char **grown = realloc(w->paths, sizeof(char *) * (size_t)cap);
        if (grown) w->paths = grown;
        int *grown_dirs = grown ? realloc(w->dir_of, sizeof(int) * (size_t)cap) : NULL;
        if (!grown_dirs) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
        w->dir_of = grown_dirs;
        w->cap = cap;
    }
    w->paths[w->count] = strdup(path);
    if (!w->paths[w->count]) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
    w->dir_of[w->count] = dir;
    w->count++;
    return GAN_OK;
}

/* Records a subfolder of data.path (a class, when there are labels). */
static gan_status add_dir(walk_state *w, const char *name, int *index, gan_error *err)
{
    char **grown = realloc(w->dirs, sizeof(char *) * ((size_t)w->ndirs + 1));
    if (!grown) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    w->dirs = grown;
    w->dirs[w->ndirs] = strdup(name);
    if (!w->dirs[w->ndirs]) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    *index = w->ndirs++;
    return GAN_OK;
}

/* Walks dir, `depth` levels below data.path; `class_dir` is the subfolder
 * of data.path it is in (-1: data.path itself). */
static gan_status walk(walk_state *w, const char *dir, int depth, int class_dir, gan_error *err)
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
        if (stat(path, &st) != 0) { /* a link to nothing, or an entry that vanished */
            struct stat lst;
            if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) w->skips.dangling_links++;
            else w->skips.unreadable++;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            bool nomem = false;
            int sub = class_dir;
            if (depth >= MAX_DEPTH) w->skips.too_deep++;
            else if (first_visit(w, &st, &nomem)) {
                if (depth == 0) rc = add_dir(w, e->d_name, &sub, err);
                if (rc == GAN_OK) rc = walk(w, path, depth + 1, sub, err);
            } else if (nomem) rc = gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", dir);
            else w->skips.folders_seen_before++;
            continue;
        }
        if (has_ext(e->d_name, OTHER_IMAGE_EXTS)) {
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: unsupported image format (gan reads PNG, JPEG and BMP)",
                          path);
            break;
        }
        if (!S_ISREG(st.st_mode) || !has_ext(e->d_name, READ_EXTS)) {
            w->skips.not_images++;
            continue;
        }
        rc = add_path(w, path, class_dir, err);
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorts the images by path, keeping each one's class folder beside it. */
static gan_status sort_paths(walk_state *w, gan_error *err)
{
    typedef struct {
        char *path;
        int dir;
    } entry;
    entry *e = malloc(sizeof *e * (size_t)w->count);
    if (!e) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    for (long i = 0; i < w->count; i++) e[i] = (entry){w->paths[i], w->dir_of[i]};
    qsort(e, (size_t)w->count, sizeof *e, cmp_str); /* the path is the first member */
    for (long i = 0; i < w->count; i++) w->paths[i] = e[i].path, w->dir_of[i] = e[i].dir;
    free(e);
    return GAN_OK;
}

/* The classes (the subfolders, sorted by name) and the label of each of the
 * first n images; every image must be in a class folder and every class
 * folder must hold images. */
static gan_status folder_labels(gan_dataset *ds, const walk_state *w, long n, const char *top, gan_error *err)
{
    for (long i = 0; i < w->count; i++)
        if (w->dir_of[i] < 0)
            return gan_fail(err, GAN_ERR_INPUT,
                            "%s: is directly in data.path; with model.conditional every image is in a class "
                            "folder (one subfolder of %s per class)",
                            w->paths[i], top);
    char **sorted = malloc(sizeof(char *) * ((size_t)w->ndirs + 1));
    int *class_of_dir = malloc(sizeof(int) * ((size_t)w->ndirs + 1));
    long *images = calloc((size_t)w->ndirs + 1, sizeof(long));
    ds->labels = malloc(sizeof(int32_t) * ((size_t)n + 1));
    gan_status rc = sorted && class_of_dir && images && ds->labels
                        ? GAN_OK
                        : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK) {
        memcpy(sorted, w->dirs, sizeof(char *) * (size_t)w->ndirs);
        qsort(sorted, (size_t)w->ndirs, sizeof(char *), cmp_str);
        for (int d = 0; d < w->ndirs; d++)
            for (int k = 0; k < w->ndirs; k++)
                if (w->dirs[d] == sorted[k]) class_of_dir[d] = k;
        for (long i = 0; i < w->count; i++) images[class_of_dir[w->dir_of[i]]]++;
    }
    for (int k = 0; k < w->ndirs && rc == GAN_OK; k++) {
        if (images[k] == 0)
            rc = gan_fail(err, GAN_ERR_INPUT, "%s/%s: class folder holds no PNG, JPEG or BMP images", top,
                          sorted[k]);
        else rc = gan_classes_add(&ds->classes, sorted[k], top, err);
    }
    for (long i = 0; i < n && rc == GAN_OK; i++) ds->labels[i] = class_of_dir[w->dir_of[i]];
    free(sorted);
    free(class_of_dir);
    free(images);
    return rc;
}

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
    walk_state list = {0};
    struct stat top;
    gan_status rc = GAN_OK;
    bool nomem = false;
    if (stat(cfg->data_path, &top) != 0)
        rc = gan_fail(err, GAN_ERR_IO, "%s: cannot open folder: %s", cfg->data_path, strerror(errno));
    else if (!S_ISDIR(top.st_mode)) rc = gan_fail(err, GAN_ERR_INPUT, "%s: not a folder", cfg->data_path);
    else if (!first_visit(&list, &top, &nomem)) rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK) rc = walk(&list, cfg->data_path, 0, -1, err);
    if (rc == GAN_OK && list.count == 0)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: no PNG, JPEG or BMP images found", cfg->data_path);
    if (rc == GAN_OK) rc = sort_paths(&list, err);
    const long n = cfg->data_limit > 0 && list.count > cfg->data_limit ? (long)cfg->data_limit : list.count;
    if (rc == GAN_OK && cfg->conditional) rc = folder_labels(ds, &list, n, cfg->data_path, err);
    if (rc == GAN_OK) {
        ds->source_count = list.count;
        rc = gan_dataset_alloc(ds, n, cfg, cfg->data_path, err);
        for (long i = 0; i < n && rc == GAN_OK; i++) {
            uint8_t *file = NULL, *px = NULL;
            size_t len = 0;
            int w, h;
            rc = load_file(list.paths[i], &file, &len, err);
            if (rc != GAN_OK) break;
            rc = gan_image_decode(file, len, list.paths[i], cfg->channels, fit->background, &px, &w, &h, err);
            free(file);
            if (rc == GAN_OK)
                rc = gan_fit_image(ds->pixels + i * gan_dataset_image_bytes(ds), px, w, h, cfg->channels, fit,
                                   list.paths[i], err);
            free(px);
        }
    }
    ds->skips = list.skips;
    for (long i = 0; i < list.count; i++) free(list.paths[i]);
    for (int d = 0; d < list.ndirs; d++) free(list.dirs[d]);
    free(list.paths);
    free(list.dir_of);
    free(list.dirs);
    free(list.seen);
    return rc;
}
