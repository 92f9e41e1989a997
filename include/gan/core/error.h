/* Errors the library reports to its caller. Library functions never print
 * or exit: they return a status and fill a one-line message that names the
 * file and the problem; only the command-line tool prints and picks the
 * exit code from the status. */
#ifndef GAN_ERROR_H
#define GAN_ERROR_H

typedef enum {
    GAN_OK = 0,
    GAN_ERR_INPUT = -1,  /* the user's input is wrong: a config, a file's contents */
    GAN_ERR_IO = -2,     /* reading or writing failed: missing file, full disk */
    GAN_ERR_NOMEM = -3,  /* an allocation failed */
    GAN_ERR_NUMERIC = -4, /* training produced a non-finite loss */
    GAN_INTERRUPTED = -5  /* stopped by a signal after saving a checkpoint */
} gan_status;

typedef struct {
    char msg[512];
} gan_error;

/* Formats the message into err (if not NULL) and returns code. */
int gan_fail(gan_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
