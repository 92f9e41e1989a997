#include "gan/core/error.h"

#include <stdarg.h>
#include <stdio.h>

int gan_fail(gan_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}
