/* Errors the library reports to its caller. Library functions never print
 * or exit: a fallible function returns a gan_status and fills a one-line
 * message that names the file and the problem; only the command-line tool
 * prints, and it picks the exit code from the status. */
#ifndef GAN_CORE_ERROR_H
#define GAN_CORE_ERROR_H

#include <stddef.h>

typedef enum {
    GAN_OK = 0,
    GAN_ERR_INPUT = -1,   /* the user's input is wrong: a config, a file's contents */
    GAN_ERR_IO = -2,      /* reading or writing failed: missing file, full disk */
    GAN_ERR_NOMEM = -3,   /* an allocation failed, or the job would not fit in memory */
    GAN_ERR_NUMERIC = -4, /* training produced a non-finite loss */
    GAN_INTERRUPTED = -5, /* stopped by a signal after saving a checkpoint */
    GAN_ERR_USAGE = -6    /* a command-line value is wrong (--set, an option) */
} gan_status;

enum { GAN_ERROR_CHARS = 512 };

typedef struct {
    char msg[GAN_ERROR_CHARS];
} gan_error;

/* Formats the message into err (if not NULL) and returns code. A message
 * that does not fit keeps its reason: the longest words (paths, as a rule)
 * lose their middle to "..." first. */
gan_status gan_fail(gan_error *err, gan_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Shortens text in place to at most max characters the way gan_fail does. */
void gan_shorten_message(char *text, size_t max);

#endif
