#include "gan/core/path.h"

#include <stdarg.h>
#include <stdio.h>

gan_status gan_path_join(char out[GAN_PATH_MAX], const char *dir, const char *name, gan_error *err)
{
    return gan_path_format(out, err, "%s/%s", dir, name);
}

gan_status gan_path_format(char out[GAN_PATH_MAX], gan_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(out, GAN_PATH_MAX, fmt, ap);
    va_end(ap);
    if (n >= 0 && n < GAN_PATH_MAX) return GAN_OK;
    /* out holds the first GAN_PATH_MAX - 1 characters; gan_fail shortens
     * them in the middle, so the message shows both ends of the name. */
    gan_status rc = gan_fail(err, GAN_ERR_INPUT, "%s: a path of %d characters (at most %d fit)", out, n,
                             GAN_PATH_MAX - 1);
    out[0] = '\0';
    return rc;
}
