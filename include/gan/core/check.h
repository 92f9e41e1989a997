/* Checks of internal invariants that stay on in every build type.
 *
 * GAN_ASSERT is for programmer errors only (an impossible shape, an index
 * past a table): it prints file:line and the condition and aborts, also
 * under -DNDEBUG, where assert() would silently guard nothing. Bad input
 * (a config, a file, an option) is never checked with it: that is a
 * gan_status and a message (gan/core/error.h). */
#ifndef GAN_CORE_CHECK_H
#define GAN_CORE_CHECK_H

_Noreturn void gan_abort(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#define GAN_ABORT(...) gan_abort(__FILE__, __LINE__, __VA_ARGS__)
#define GAN_ASSERT(x)  ((x) ? (void)0 : GAN_ABORT("GAN_ASSERT(%s) failed", #x))

#endif
