#include "gan/core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KEEP_EACH_SIDE = 20 }; /* characters kept at each end of a shortened word */

/* Cuts `cut` characters out of the middle of text[start, start+len), putting
 * "..." in their place (so the text loses cut - 3 characters). */
static void cut_middle(char *text, size_t start, size_t len, size_t cut)
{
    const size_t head = (len - cut) / 2;
    char *from = text + start + head + cut, *to = text + start + head;
    memcpy(to, "...", 3);
    memmove(to + 3, from, strlen(from) + 1);
}

void gan_shorten_message(char *text, size_t max)
{
    size_t len = strlen(text);
    while (len > max) {
        /* the longest run of non-blank characters */
        size_t best = 0, best_len = 0;
        for (size_t i = 0; i < len;) {
            size_t j = i;
            while (j < len && text[j] != ' ') j++;
            if (j - i > best_len) best = i, best_len = j - i;
            i = j + 1;
        }
        const size_t floor = 2 * KEEP_EACH_SIDE + 3;
        if (best_len <= floor) break;
        size_t cut = len - max + 3; /* what must go, counting the "..." */
        if (best_len - cut < floor) cut = best_len - floor;
        cut_middle(text, best, best_len, cut);
        len = strlen(text);
    }
    if (len > max) cut_middle(text, 0, len, len - max + 3); /* many long words: keep both ends */
}

gan_status gan_fail(gan_error *err, gan_status code, const char *fmt, ...)
{
    if (!err) return code;
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int need = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (need >= (int)sizeof err->msg) {
        char *full = malloc((size_t)need + 1);
        if (full) {
            vsnprintf(full, (size_t)need + 1, fmt, again);
            gan_shorten_message(full, sizeof err->msg - 1);
            snprintf(err->msg, sizeof err->msg, "%s", full);
            free(full);
        }
    }
    va_end(again);
    return code;
}
