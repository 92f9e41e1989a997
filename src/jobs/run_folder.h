/* The run folder as a resource one job owns at a time (private to src/jobs). */
#ifndef GAN_JOBS_RUN_FOLDER_H
#define GAN_JOBS_RUN_FOLDER_H

#include <stdbool.h>
#include <stddef.h>

#include "gan/core/error.h"

#define GAN_RUN_LOCK "lock"

/* Creates dir if needed and takes an exclusive lock on dir/lock (flock: the
 * kernel drops it when the process ends, even by SIGKILL); *fd holds it
 * until gan_run_folder_unlock. A folder locked by another process is
 * GAN_ERR_INPUT, "run folder in use by pid N", and nothing is touched. */
gan_status gan_run_folder_lock(const char *dir, int *fd, gan_error *err);
void gan_run_folder_unlock(int fd);

/* What a folder holds: files other than the lock and temporary files, a
 * run to resume (state.bin), and the first name that is not one a gan run
 * writes (its own folder's files, samples/, a demo's eval.txt...). */
typedef struct {
    int files;
    bool has_state;
    char foreign[256]; /* "" when every name is a run's */
} gan_run_folder_contents;
gan_status gan_run_folder_survey(const char *dir, gan_run_folder_contents *c, gan_error *err);

/* Removes the temporary files a killed writer left behind (.NAME.tmp.XXXXXX)
 * in dir and dir/samples. Only under the lock. */
void gan_run_folder_remove_stale(const char *dir);

/* Removes every file of an earlier run (state.bin first, so that an
 * interrupted clean-up never leaves a run to resume), for --force. */
gan_status gan_run_folder_clear(const char *dir, gan_error *err);

/* A run's id: 16 hex digits of a hash of the config it started with (two
 * runs of one config write the same bytes, so one id serves both). */
void gan_run_id_of(const char *config_json, char *out, size_t len);

#endif
