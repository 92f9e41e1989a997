/* Text from files printed safely. Names in checkpoints, data folders and
 * configs may hold anything: an escape sequence would reach the terminal,
 * a newline would split a one-line error. Control characters (C0, DEL,
 * C1) and bytes that are not UTF-8 are printed as C-style escapes; the
 * rest, UTF-8 letters included, as they are. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Bytes of the UTF-8 sequence at s (2 to 4), or 0 when it is not one. */
static int utf8_length(const unsigned char *s)
{
    const int n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    return n;
}

void cli_put_safe(FILE *out, const char *text, bool lines)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        const int n = *s >= 0x80 ? utf8_length(s) : 1;
        const bool c1 = n == 2 && s[0] == 0xc2 && s[1] < 0xa0; /* U+0080 .. U+009F */
        if (n == 1 && (*s >= 0x20 && *s != 0x7f)) fputc(*s, out);
        else if (n == 1 && lines && (*s == '\n' || *s == '\t')) fputc(*s, out);
        else if (n == 1 && *s == '\n') fputs("\\n", out);
        else if (n == 1 && *s == '\t') fputs("\\t", out);
        else if (n == 1 && *s == '\r') fputs("\\r", out);
        else if (n > 1 && !c1) fwrite(s, 1, (size_t)n, out);
        else {
            for (int i = 0; i < (n ? n : 1); i++) fprintf(out, "\\x%02x", s[i]);
        }
        s += n ? n : 1;
    }
}

void cli_printf_safe(FILE *out, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cli_put_safe(out, buf, false);
}

const char *cli_escape(const char *text, char *out, size_t len)
{
    FILE *f = fmemopen(out, len, "w");
    if (!f) {
        snprintf(out, len, "?");
        return out;
    }
    cli_put_safe(f, text, false);
    fclose(f); /* fmemopen keeps the last byte for the NUL: a long name is cut, never unterminated */
    return out;
}
