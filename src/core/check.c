#include "gan/core/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void gan_abort(const char *file, int line, const char *fmt, ...)
{
    /* A bug, not a user error: say where, then stop with a core dump. */
    fprintf(stderr, "gan: internal error at %s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
