#include "gan/core/path.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

gan_status gan_path_join(char out[GAN_PATH_MAX], const char *dir, const char *name, gan_error *err)
{
    return gan_path_format(out, err, "%s/%s", dir, name);
}

gan_status gan_path_format(char out[GAN_PATH_MAX], gan_error *err, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    const int n = vsnprintf(out, GAN_PATH_MAX, fmt, ap);
    va_end(ap);
    gan_status rc = GAN_OK;
    if (n < 0 || n >= GAN_PATH_MAX) {
        /* The message names the whole path; gan_fail shortens it in the
         * middle, so both its start and its file name stay visible. */
        char *whole = n > 0 ? malloc((size_t)n + 1) : NULL;
        if (whole) vsnprintf(whole, (size_t)n + 1, fmt, again);
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: a path of %d characters (at most %d fit)", whole ? whole : out,
                      n, GAN_PATH_MAX - 1);
        free(whole);
        out[0] = '\0';
    }
    va_end(again);
    return rc;
}
