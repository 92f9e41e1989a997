/* File names, checked: a path that does not fit is an error, never a
 * silently shortened name (which could name another run's folder). */
#ifndef GAN_CORE_PATH_H
#define GAN_CORE_PATH_H

#include "gan/core/error.h"

/* Linux's PATH_MAX: no longer path can be opened in one piece anyway. */
enum { GAN_PATH_MAX = 4096 };

/* out = dir "/" name. GAN_ERR_INPUT, naming both, when it would not fit. */
gan_status gan_path_join(char out[GAN_PATH_MAX], const char *dir, const char *name, gan_error *err);
/* out = a printf-formatted path, with the same check. */
gan_status gan_path_format(char out[GAN_PATH_MAX], gan_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
