#include "gan/data/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
