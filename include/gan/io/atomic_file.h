/* Crash-safe file replacement: write a temporary file in the same folder,
 * fsync it, rename it over the target, fsync the folder. A reader sees the
 * old file or the new one, never a mix, whenever the process dies.
 * A target that is a symbolic link is replaced by the new file, never
 * written through (a link to a device, pipe or folder is refused). A target
 * that is itself a device or a FIFO (/dev/full, a named pipe) is written
 * directly: renaming over a device node would replace it. */
#ifndef GAN_IO_ATOMIC_FILE_H
#define GAN_IO_ATOMIC_FILE_H

#include <stddef.h>

#include "gan/core/error.h"
#include "gan/core/path.h"

typedef struct {
    int fd;                      /* -1 when closed */
    int direct;                  /* the target is a device or pipe: written in place, no rename */
    char path[GAN_PATH_MAX];     /* final name */
    char tmp[GAN_PATH_MAX + 32]; /* temporary name beside it: .NAME.tmp.XXXXXX */
} gan_atomic_file;

/* Creates the temporary file. */
gan_status gan_atomic_open(gan_atomic_file *f, const char *path, gan_error *err);
/* Appends bytes; on failure the caller calls gan_atomic_abort. */
gan_status gan_atomic_write(gan_atomic_file *f, const void *data, size_t len, gan_error *err);
/* fsync + rename + fsync(dir). On failure the temporary file is removed. */
gan_status gan_atomic_commit(gan_atomic_file *f, gan_error *err);
/* Drops the temporary file; the target is untouched. Safe to call twice. */
void gan_atomic_abort(gan_atomic_file *f);
/* Whole-buffer convenience: open, write, commit. */
gan_status gan_write_file_atomic(const char *path, const void *data, size_t len, gan_error *err);

/* mkdir -p: creates path and its missing parents; an existing folder is fine. */
gan_status gan_mkdir_p(const char *path, gan_error *err);

#endif
