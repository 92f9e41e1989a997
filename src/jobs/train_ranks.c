/* Under MPI, the ranks of one job must be one run: the same config (but for
 * what only concerns one rank), the same training images and the same
 * starting state. Each rank hashes what it has; the hashes are compared
 * with one collective of fixed size before any sum over the ranks, so that
 * ranks that differ stop with one line on rank 0 instead of hanging or
 * aborting inside a sum whose sizes do not match. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "train_run.h"

static uint32_t fnv32(const void *data, size_t len, uint32_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

enum { FNV32 = 2166136261u };

/* Keys a rank may hold differently: its own threads, and what rank 0 alone
 * reads or writes (the run folder's outputs, the evaluation). */
static bool rank_local(const char *path)
{
    return strcmp(path, "train.threads") == 0 || strncmp(path, "output.", 7) == 0 ||
           strncmp(path, "eval.", 5) == 0 || strcmp(path, "run_id") == 0;
}

/* The hash of one key's value in the resolved config. */
static uint32_t key_hash(const cJSON *root, const char *path)
{
    const char *dot = strchr(path, '.');
    char section[32];
    snprintf(section, sizeof section, "%.*s", dot ? (int)(dot - path) : 0, path);
    const cJSON *item =
        dot ? cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, section), dot + 1)
            : cJSON_GetObjectItemCaseSensitive(root, path);
    char *text = item ? cJSON_PrintUnformatted(item) : NULL;
    const uint32_t h = text ? fnv32(text, strlen(text), FNV32) : 0;
    free(text);
    return h;
}

/* The images, their labels and their count. */
static uint32_t data_hash(const gan_dataset *d)
{
    uint32_t h = fnv32(&d->count, sizeof d->count, FNV32);
    h = fnv32(d->pixels, (size_t)d->count * gan_dataset_image_bytes(d), h);
    return d->labels ? fnv32(d->labels, sizeof(int32_t) * (size_t)d->count, h) : h;
}

/* Where training starts: the counters, the random stream, the weights. */
static uint32_t state_hash(const gan_trainer *t)
{
    const int64_t counters[4] = {t->step, t->cursor, t->t_g, t->t_d};
    uint32_t h = fnv32(counters, sizeof counters, FNV32);
    h = fnv32(t->rng.s, sizeof t->rng.s, h);
    h = fnv32(t->g.params, sizeof(float) * t->g.nparams, h);
    return fnv32(t->d.params, sizeof(float) * t->d.nparams, h);
}

gan_status gan_run_check_ranks(gan_run *r, gan_error *err)
{
    const int nkeys = gan_config_key_count(), n = nkeys + 2; /* every key, then the data, then the state */
    uint32_t *h = calloc((size_t)n, sizeof *h);
    int *v = malloc(sizeof(int) * 4 * (size_t)n);
    char *json = gan_config_to_json(&r->cfg);
    cJSON *root = json ? cJSON_Parse(json) : NULL;
    gan_status rc = h && v && root ? GAN_OK : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    for (int i = 0; rc == GAN_OK && i < nkeys; i++) {
        const gan_config_key k = gan_config_key_at(i);
        h[i] = rank_local(k.path) ? 0 : key_hash(root, k.path);
    }
    if (rc == GAN_OK) h[nkeys] = data_hash(&r->t.data), h[nkeys + 1] = state_hash(&r->t);
    /* equal on every rank exactly when each 16-bit half's minimum is its maximum */
    for (int i = 0; rc == GAN_OK && i < n; i++) {
        const int hi = (int)(h[i] >> 16), lo = (int)(h[i] & 0xffff);
        v[4 * i] = hi, v[4 * i + 1] = -hi, v[4 * i + 2] = lo, v[4 * i + 3] = -lo;
    }
    if (rc == GAN_OK) gan_comm_min_ints(r->t.comm, v, 4 * n);
    int differs = -1;
    for (int i = 0; rc == GAN_OK && differs < 0 && i < n; i++)
        if (v[4 * i] != -v[4 * i + 1] || v[4 * i + 2] != -v[4 * i + 3]) differs = i;
    if (differs >= 0 && differs < nkeys)
        rc = gan_fail(
            err, GAN_ERR_INPUT,
            "the ranks of this job disagree on %s: every rank must run the same config (train.threads, "
            "output.* and eval.* may differ)",
            gan_config_key_at(differs).path);
    else if (differs == nkeys)
        rc = gan_fail(
            err, GAN_ERR_INPUT,
            "the ranks of this job read different training images (%s): every rank must read the same data",
            r->cfg.data_path);
    else if (differs == nkeys + 1)
        rc = gan_fail(
            err, GAN_ERR_INPUT,
            "the ranks of this job start from different states (one resuming, or another state.bin): every "
            "rank must start the same run");
    cJSON_Delete(root);
    free(json), free(h), free(v);
    return rc;
}
