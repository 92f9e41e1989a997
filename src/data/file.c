#define _XOPEN_SOURCE 700 /* realpath */
#include "gan/data/file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gan/core/path.h"
#include <zlib.h>

gan_status gan_read_file(const char *path, size_t cap, uint8_t **out, size_t *len, gan_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) return gan_fail(err, GAN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return gan_fail(err, GAN_ERR_INPUT, "%s: not a regular file", path);
    gzFile gz = gzopen(path, "rb");
    if (!gz) return gan_fail(err, GAN_ERR_IO, "%s: cannot open: %s", path, strerror(errno ? errno : ENOMEM));
    size_t size = 0, capa = 1 << 20;
    uint8_t *buf = malloc(capa);
    gan_status rc = buf ? GAN_OK : gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory", path);
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

/* PREFIX/share/gan/configs when the running binary is PREFIX/bin/gan and that
 * folder exists (an installed gan), else "". */
static void installed_configs(char out[GAN_PATH_MAX])
{
    out[0] = '\0';
    char exe[GAN_PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return;
    *slash = '\0'; /* PREFIX/bin */
    struct stat st;
    if (gan_path_join(out, exe, "../share/gan/configs", NULL) != GAN_OK || stat(out, &st) != 0 ||
        !S_ISDIR(st.st_mode)) {
        out[0] = '\0';
        return;
    }
    char resolved[GAN_PATH_MAX];
    if (realpath(out, resolved)) memcpy(out, resolved, strlen(resolved) + 1);
}

void gan_hint_relative_path(gan_error *err, const char *key, const char *path)
{
    struct stat st;
    if (!err || !path[0] || path[0] == '/' || stat(path, &st) == 0) return;
    char cwd[GAN_PATH_MAX], configs[GAN_PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) snprintf(cwd, sizeof cwd, "?");
    installed_configs(configs);
    char was[GAN_ERROR_CHARS];
    memcpy(was, err->msg, sizeof was);
    /* only the bundled digits are installed, and named by absolute path in the installed configs */
    const bool bundled = strncmp(path, "data/mnist10k/", 14) == 0;
    if (configs[0] && bundled)
        gan_fail(err, GAN_ERR_IO,
                 "%s (%s is read from the current directory, %s; the installed MNIST configs in %s name "
                 "the bundled digits by absolute path)",
                 was, key, cwd, configs);
    else if (configs[0])
        gan_fail(
            err, GAN_ERR_IO,
            "%s (%s is read from the current directory, %s; this data is not installed with gan: fetch it "
            "with the source's scripts/fetch_data.sh and give its path with --set %s=PATH)",
            was, key, cwd, key);
    else
        gan_fail(err, GAN_ERR_IO,
                 "%s (%s is read from the current directory, %s: run from the gan source "
                 "folder, or give an absolute path)",
                 was, key, cwd);
}
