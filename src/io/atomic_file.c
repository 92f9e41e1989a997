#include "gan/io/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

gan_status gan_atomic_open(gan_atomic_file *f, const char *path, gan_error *err)
{
    f->fd = -1;
    f->tmp[0] = '\0';
    if (strlen(path) >= sizeof f->path) /* the kernel would say the same */
        return gan_fail(err, GAN_ERR_IO, "%s: cannot create: %s (%zu characters)", path,
                        strerror(ENAMETOOLONG), strlen(path));
    memcpy(f->path, path, strlen(path) + 1);
    f->direct = 0;
    struct stat st;
    /* A symbolic link is replaced by the new file (the rename below), never
     * written through: a link planted in a run folder must not make gan
     * write elsewhere. One to a device, pipe or folder is refused. */
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
            return gan_fail(
                err, GAN_ERR_IO,
                "%s: a symbolic link to a device, pipe or folder; gan replaces links to files but never "
                "writes through one",
                path);
    } else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) return gan_fail(err, GAN_ERR_IO, "%s: is a folder", path);
        f->direct = 1;
        f->fd = open(path, O_WRONLY | O_TRUNC);
        if (f->fd < 0) return gan_fail(err, GAN_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        return GAN_OK;
    }
    /* Same folder as the target, so rename() never crosses file systems. */
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path) + 1 : 0;
    snprintf(f->tmp, sizeof f->tmp, "%.*s.%s.tmp.XXXXXX", dirlen, path, path + dirlen);
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        f->tmp[0] = '\0'; /* nothing was created: abort must not unlink anything */
        return gan_fail(err, GAN_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    }
    /* mkstemp makes 0600; checkpoints and images are meant to be shared. */
    (void)fchmod(f->fd, 0644);
    return GAN_OK;
}

gan_status gan_atomic_write(gan_atomic_file *f, const void *data, size_t len, gan_error *err)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(f->fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return gan_fail(err, GAN_ERR_IO, "%s: write failed: %s", f->path, strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
    return GAN_OK;
}

static void fsync_parent(const char *path)
{
    char dir[GAN_PATH_MAX]; /* path fits (gan_atomic_open checked), so its folder does */
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd); /* best effort: some file systems refuse fsync on folders */
        close(fd);
    }
}

gan_status gan_atomic_commit(gan_atomic_file *f, gan_error *err)
{
    if (f->direct) {
        gan_status rc = close(f->fd) == 0
                            ? GAN_OK
                            : gan_fail(err, GAN_ERR_IO, "%s: close failed: %s", f->path, strerror(errno));
        f->fd = -1;
        return rc;
    }
    if (fsync(f->fd) != 0) {
        int e = errno;
        gan_atomic_abort(f);
        return gan_fail(err, GAN_ERR_IO, "%s: fsync failed: %s", f->path, strerror(e));
    }
    if (close(f->fd) != 0) {
        int e = errno;
        f->fd = -1;
        gan_atomic_abort(f);
        return gan_fail(err, GAN_ERR_IO, "%s: close failed: %s", f->path, strerror(e));
    }
    f->fd = -1;
    if (rename(f->tmp, f->path) != 0) {
        int e = errno;
        gan_atomic_abort(f);
        return gan_fail(err, GAN_ERR_IO, "%s: rename failed: %s", f->path, strerror(e));
    }
    f->tmp[0] = '\0';
    fsync_parent(f->path);
    return GAN_OK;
}

void gan_atomic_abort(gan_atomic_file *f)
{
    if (f->fd >= 0) {
        close(f->fd);
        f->fd = -1;
    }
    if (f->tmp[0]) {
        unlink(f->tmp);
        f->tmp[0] = '\0';
    }
}

gan_status gan_write_file_atomic(const char *path, const void *data, size_t len, gan_error *err)
{
    gan_atomic_file f;
    gan_status rc = gan_atomic_open(&f, path, err);
    if (rc != GAN_OK) return rc;
    rc = gan_atomic_write(&f, data, len, err);
    if (rc != GAN_OK) {
        gan_atomic_abort(&f);
        return rc;
    }
    return gan_atomic_commit(&f, err);
}

gan_status gan_mkdir_p(const char *path, gan_error *err)
{
    char buf[GAN_PATH_MAX];
    if (strlen(path) >= sizeof buf)
        return gan_fail(err, GAN_ERR_INPUT, "%s: a path of %zu characters (at most %d fit)", path,
                        strlen(path), GAN_PATH_MAX - 1);
    memcpy(buf, path, strlen(path) + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return gan_fail(err, GAN_ERR_IO, "%s: cannot create folder: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return gan_fail(err, GAN_ERR_IO, "%s: cannot create folder: %s", buf, strerror(errno));
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
        return gan_fail(err, GAN_ERR_IO, "%s: not a folder", buf);
    return GAN_OK;
}
