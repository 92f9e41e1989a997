/* gan export --web: the folder is built in a hidden sibling, then renamed
 * into place (a new folder) or its files renamed in one by one (an empty
 * folder, or --force): a reader never finds a half-written file. */
#include "export_web.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gan/data/file.h"
#include "gan/io/atomic_file.h"

/* The runtime's files the page loads, from the package's dist/: the
 * WebAssembly build's script and its two binaries (with and without SIMD;
 * the threaded builds need cross-origin isolation, which a plain static
 * server does not give). */
static const char *const RUNTIME_FILES[] = {"ort.wasm.min.js", "ort-wasm.wasm", "ort-wasm-simd.wasm"};
enum { NRUNTIME = sizeof RUNTIME_FILES / sizeof RUNTIME_FILES[0] };
enum { MAX_RUNTIME_BYTES = 64 << 20 };

static const char RUNTIME_NOTICE[] =
    "ONNX Runtime Web " GAN_WEB_RUNTIME_VERSION " (npm package onnxruntime-web), MIT licence,\n"
    "Copyright (c) Microsoft Corporation. The files in this folder are unchanged\n"
    "copies of the package's dist/ files of the same names.\n";

static gan_status runtime_hint(gan_error *err, gan_status rc)
{
    const size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len,
             " (scripts/fetch_data.sh onnxruntime-web fetches it; --runtime DIR names another copy)");
    return rc;
}

/* The runtime: onnxruntime-web of the page's version, with its files. */
static gan_status check_runtime(const char *dir, gan_error *err)
{
    char path[GAN_PATH_MAX];
    uint8_t *text = NULL;
    size_t len = 0;
    gan_status rc = gan_path_join(path, dir, "package.json", err);
    if (rc == GAN_OK) rc = gan_read_file(path, 1 << 20, &text, &len, err);
    if (rc != GAN_OK) return runtime_hint(err, rc);
    cJSON *pkg = cJSON_ParseWithLength((const char *)text, len);
    free(text);
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pkg, "name"));
    const char *version = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pkg, "version"));
    if (!name || strcmp(name, "onnxruntime-web") != 0)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: not onnxruntime-web's package.json", path);
    else if (!version || strcmp(version, GAN_WEB_RUNTIME_VERSION) != 0)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: onnxruntime-web %s; the page is written for %s", path,
                      version ? version : "of no version", GAN_WEB_RUNTIME_VERSION);
    cJSON_Delete(pkg);
    for (int i = 0; rc == GAN_OK && i < NRUNTIME; i++) {
        struct stat st;
        rc = gan_path_format(path, err, "%s/dist/%s", dir, RUNTIME_FILES[i]);
        if (rc == GAN_OK && (stat(path, &st) != 0 || !S_ISREG(st.st_mode)))
            rc = gan_fail(err, GAN_ERR_IO, "%s: missing: %s", path, errno ? strerror(errno) : "not a file");
    }
    return rc == GAN_OK || rc == GAN_ERR_NOMEM ? rc : runtime_hint(err, rc);
}

/* Whether a folder has anything in it; -1 when it cannot be read. */
static int folder_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

static gan_status check_target(const char *dir, bool force, gan_error *err)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return errno == ENOENT ? GAN_OK : gan_fail(err, GAN_ERR_IO, "%s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return gan_fail(err, GAN_ERR_INPUT, "%s: exists and is not a folder", dir);
    const int entries = folder_entries(dir);
    if (entries < 0) return gan_fail(err, GAN_ERR_IO, "%s: cannot read the folder: %s", dir, strerror(errno));
    if (entries > 0 && !force)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "%s: is not empty; choose a new folder, or write the page's files into it with --force", dir);
    return GAN_OK;
}

gan_status gan_web_check(const gan_export_request *req, gan_error *err)
{
    gan_status rc = check_runtime(req->runtime, err);
    return rc == GAN_OK ? check_target(req->web, req->force, err) : rc;
}

/* ------------------------------------------------------------- writing */

static gan_status write_into(const char *dir, const char *name, const void *data, size_t len, gan_error *err)
{
    char path[GAN_PATH_MAX];
    gan_status rc = gan_path_join(path, dir, name, err);
    return rc == GAN_OK ? gan_write_file_atomic(path, data, len, err) : rc;
}

static gan_status copy_runtime(const char *runtime, const char *ort_dir, gan_error *err)
{
    gan_status rc = GAN_OK;
    for (int i = 0; rc == GAN_OK && i < NRUNTIME; i++) {
        char from[GAN_PATH_MAX];
        uint8_t *bytes = NULL;
        size_t len = 0;
        rc = gan_path_format(from, err, "%s/dist/%s", runtime, RUNTIME_FILES[i]);
        if (rc == GAN_OK) rc = gan_read_file(from, MAX_RUNTIME_BYTES, &bytes, &len, err);
        if (rc == GAN_OK) rc = write_into(ort_dir, RUNTIME_FILES[i], bytes, len, err);
        free(bytes);
    }
    return rc == GAN_OK ? write_into(ort_dir, "NOTICE", RUNTIME_NOTICE, strlen(RUNTIME_NOTICE), err) : rc;
}

/* Every file of the folder, in dir. */
static gan_status write_all(const gan_export_request *req, const char *dir, const gan_pb *model,
                            const char *info_json, gan_error *err)
{
    char ort[GAN_PATH_MAX];
    gan_status rc = write_into(dir, GAN_WEB_PAGE, gan_web_index_html, strlen(gan_web_index_html), err);
    if (rc == GAN_OK) rc = write_into(dir, GAN_WEB_MODEL, model->data, model->len, err);
    if (rc == GAN_OK) rc = write_into(dir, GAN_WEB_INFO, info_json, strlen(info_json), err);
    if (rc == GAN_OK) rc = gan_path_join(ort, dir, GAN_WEB_ORT, err);
    if (rc == GAN_OK && mkdir(ort, 0755) != 0)
        rc = gan_fail(err, GAN_ERR_IO, "%s: cannot create folder: %s", ort, strerror(errno));
    return rc == GAN_OK ? copy_runtime(req->runtime, ort, err) : rc;
}

/* Removes what write_all may have made in dir, then dir. */
static void remove_built(const char *dir)
{
    char path[GAN_PATH_MAX];
    static const char *const top[] = {GAN_WEB_PAGE, GAN_WEB_MODEL, GAN_WEB_INFO};
    for (int i = 0; i < NRUNTIME + 1; i++)
        if (snprintf(path, sizeof path, "%s/" GAN_WEB_ORT "/%s", dir,
                     i < NRUNTIME ? RUNTIME_FILES[i] : "NOTICE") < (int)sizeof path)
            unlink(path);
    if (snprintf(path, sizeof path, "%s/" GAN_WEB_ORT, dir) < (int)sizeof path) rmdir(path);
    for (int i = 0; i < 3; i++)
        if (snprintf(path, sizeof path, "%s/%s", dir, top[i]) < (int)sizeof path) unlink(path);
    rmdir(dir);
}

static gan_status move(const char *from_dir, const char *to_dir, const char *name, gan_error *err)
{
    char from[GAN_PATH_MAX], to[GAN_PATH_MAX];
    gan_status rc = gan_path_join(from, from_dir, name, err);
    if (rc == GAN_OK) rc = gan_path_join(to, to_dir, name, err);
    if (rc == GAN_OK && rename(from, to) != 0)
        rc = gan_fail(err, GAN_ERR_IO, "%s: cannot move into place: %s", to, strerror(errno));
    return rc;
}

/* The built folder's files renamed into an existing folder, each whole. */
static gan_status merge_into(const char *built, const char *dir, gan_error *err)
{
    char from_ort[GAN_PATH_MAX], to_ort[GAN_PATH_MAX];
    gan_status rc = gan_path_join(from_ort, built, GAN_WEB_ORT, err);
    if (rc == GAN_OK) rc = gan_path_join(to_ort, dir, GAN_WEB_ORT, err);
    if (rc == GAN_OK) rc = gan_mkdir_p(to_ort, err);
    for (int i = 0; rc == GAN_OK && i < NRUNTIME; i++) rc = move(from_ort, to_ort, RUNTIME_FILES[i], err);
    if (rc == GAN_OK) rc = move(from_ort, to_ort, "NOTICE", err);
    /* the page last: it names the others */
    if (rc == GAN_OK) rc = move(built, dir, GAN_WEB_INFO, err);
    if (rc == GAN_OK) rc = move(built, dir, GAN_WEB_MODEL, err);
    if (rc == GAN_OK) rc = move(built, dir, GAN_WEB_PAGE, err);
    return rc;
}

/* The hidden sibling the folder is built in: PARENT/.NAME.export-XXXXXX
 * (the parent made when missing). */
static gan_status make_sibling(const char *dir, char out[GAN_PATH_MAX], gan_error *err)
{
    char parent[GAN_PATH_MAX];
    gan_status rc = gan_path_format(parent, err, "%s", dir);
    if (rc != GAN_OK) return rc;
    size_t len = strlen(parent);
    while (len > 1 && parent[len - 1] == '/') parent[--len] = '\0'; /* "out/" is "out" */
    char *slash = strrchr(parent, '/');
    if (!slash) {
        rc = gan_path_format(out, err, ".%s.export-XXXXXX", parent);
    } else {
        *slash = '\0'; /* parent ends before the name; "" is the root */
        rc = gan_mkdir_p(parent[0] ? parent : "/", err);
        if (rc == GAN_OK) rc = gan_path_format(out, err, "%s/.%s.export-XXXXXX", parent, slash + 1);
    }
    if (rc == GAN_OK && !mkdtemp(out))
        rc = gan_fail(err, GAN_ERR_IO, "%s: cannot create a folder beside it: %s", dir, strerror(errno));
    /* mkdtemp makes it private; the page is for serving */
    if (rc == GAN_OK && chmod(out, 0755) != 0) {
        rc = gan_fail(err, GAN_ERR_IO, "%s: cannot make it readable: %s", out, strerror(errno));
        rmdir(out);
    }
    return rc;
}

gan_status gan_web_write(const gan_export_request *req, const gan_pb *model, const char *info_json,
                         gan_error *err)
{
    char built[GAN_PATH_MAX];
    gan_status rc = make_sibling(req->web, built, err);
    if (rc != GAN_OK) return rc;
    rc = write_all(req, built, model, info_json, err);
    struct stat st;
    const bool exists = lstat(req->web, &st) == 0;
    if (rc == GAN_OK && !exists && rename(built, req->web) != 0)
        rc = gan_fail(err, GAN_ERR_IO, "%s: cannot move into place: %s", req->web, strerror(errno));
    else if (rc == GAN_OK && exists) rc = merge_into(built, req->web, err);
    if (rc != GAN_OK || exists) remove_built(built);
    return rc;
}
