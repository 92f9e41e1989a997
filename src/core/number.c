#include "gan/core/number.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

void gan_double_to_text(double x, char out[GAN_DOUBLE_CHARS])
{
    /* 17 significant digits always round-trip an IEEE double; the loop
     * finds the first precision that already does. */
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(out, GAN_DOUBLE_CHARS, "%.*g", digits, x);
        if (strtod(out, NULL) == x) return;
    }
}

bool gan_parse_integer(const char *text, bool negative_ok, long long *out)
{
    const char *digits = negative_ok && text[0] == '-' ? text + 1 : text;
    if (!*digits) return false;
    for (const char *p = digits; *p; p++)
        if (*p < '0' || *p > '9') return false;
    errno = 0;
    char *end = NULL;
    const long long v = strtoll(text, &end, 10);
    if (errno == ERANGE || *end != '\0') return false;
    *out = v;
    return true;
}
