#include "run_folder.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "gan/core/path.h"
#include "gan/io/atomic_file.h"
#include "gan/jobs/classify.h"
#include "gan/jobs/train.h"

gan_status gan_run_folder_lock(const char *dir, int *fd, gan_error *err)
{
    *fd = -1;
    char path[GAN_PATH_MAX];
    gan_status rc = gan_path_join(path, dir, GAN_RUN_LOCK, err);
    if (rc == GAN_OK) rc = gan_mkdir_p(dir, err);
    if (rc != GAN_OK) return rc;
    /* never through a symbolic link: a planted one would make gan truncate its target */
    const int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (f < 0 && errno == ELOOP)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: is a symbolic link; a run folder's lock is a file of its own (remove the link)",
                        path);
    if (f < 0) return gan_fail(err, GAN_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        char pid[32] = "";
        const ssize_t n = read(f, pid, sizeof pid - 1);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        close(f);
        if (e == EWOULDBLOCK)
            return gan_fail(err, GAN_ERR_INPUT, "%s: run folder in use by pid %s (another gan train)", dir,
                            pid[0] ? pid : "?");
        return gan_fail(err, GAN_ERR_IO, "%s: cannot lock: %s", path, strerror(e));
    }
    /* the holder's pid, for the message another job prints */
    char pid[32];
    const int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(f, 0) == 0 && pwrite(f, pid, (size_t)len, 0) != len) {
        /* the lock holds all the same; another job's message then says pid "?" */
    }
    *fd = f;
    return GAN_OK;
}

void gan_run_folder_unlock(int fd)
{
    if (fd >= 0) close(fd); /* closing the descriptor releases the flock */
}

/* ".NAME.tmp.XXXXXX", the names gan_atomic_open makes. */
static int is_temp_name(const char *name)
{
    const size_t n = strlen(name);
    return name[0] == '.' && n > 12 && strncmp(name + n - 11, ".tmp.", 5) == 0;
}

static void remove_temps_in(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char path[GAN_PATH_MAX];
        if (is_temp_name(e->d_name) && gan_path_join(path, dir, e->d_name, NULL) == GAN_OK) unlink(path);
    }
    closedir(d);
}

void gan_run_folder_remove_stale(const char *dir)
{
    remove_temps_in(dir);
    char samples[GAN_PATH_MAX];
    if (gan_path_join(samples, dir, GAN_RUN_SAMPLES, NULL) == GAN_OK) remove_temps_in(samples);
}

/* A name a gan run writes into its folder (or one of its tools beside it). */
static bool is_run_file(const char *name)
{
    static const char *const names[] = {GAN_RUN_STATE,   GAN_RUN_G,      GAN_RUN_D,    GAN_RUN_G_BEST,
                                        GAN_RUN_METRICS, GAN_RUN_CONFIG, GAN_RUN_REAL, GAN_RUN_SAMPLES,
                                        GAN_RUN_LOCK,    "samples.png",  "eval.txt",   "metrics.png"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) return true;
    return is_temp_name(name);
}

gan_status gan_run_folder_survey(const char *dir, gan_run_folder_contents *c, gan_error *err)
{
    memset(c, 0, sizeof *c);
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? GAN_OK
                               : gan_fail(err, GAN_ERR_IO, "%s: cannot read: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (strcmp(e->d_name, GAN_RUN_LOCK) != 0 && !is_temp_name(e->d_name)) c->files++;
        if (strcmp(e->d_name, GAN_RUN_STATE) == 0) c->has_state = true;
        if (!is_run_file(e->d_name) && !c->foreign[0])
            snprintf(c->foreign, sizeof c->foreign, "%s", e->d_name);
    }
    closedir(d);
    return GAN_OK;
}

static gan_status remove_file(const char *dir, const char *name, gan_error *err)
{
    char path[GAN_PATH_MAX];
    gan_status rc = gan_path_join(path, dir, name, err);
    if (rc == GAN_OK && unlink(path) != 0 && errno != ENOENT)
        rc = gan_fail(err, GAN_ERR_IO, "%s: cannot remove the earlier run's file: %s", path, strerror(errno));
    return rc;
}

gan_status gan_run_folder_clear(const char *dir, gan_error *err)
{
    /* state.bin first: without it nothing can be resumed, whatever else is left */
    static const char *const files[] = {GAN_RUN_STATE,   GAN_RUN_G,      GAN_RUN_D,    GAN_RUN_G_BEST,
                                        GAN_RUN_METRICS, GAN_RUN_CONFIG, GAN_RUN_REAL, "samples.png",
                                        "eval.txt",      "metrics.png"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        gan_status rc = remove_file(dir, files[i], err);
        if (rc != GAN_OK) return rc;
    }
    char samples[GAN_PATH_MAX];
    gan_status rc = gan_path_join(samples, dir, GAN_RUN_SAMPLES, err);
    if (rc != GAN_OK) return rc;
    DIR *d = opendir(samples);
    if (!d) return GAN_OK;
    struct dirent *e;
    while (rc == GAN_OK && (e = readdir(d)) != NULL) {
        int step_len = 0;
        /* only the grids gan writes: step_NNNNNN.png */
        if (sscanf(e->d_name, "step_%*d.png%n", &step_len) == 0 && step_len > 0 &&
            e->d_name[step_len] == '\0')
            rc = remove_file(samples, e->d_name, err);
    }
    closedir(d);
    return rc;
}

void gan_run_id_of(const char *config_json, char *out, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)config_json; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    snprintf(out, len, "%016llx", (unsigned long long)h);
}
