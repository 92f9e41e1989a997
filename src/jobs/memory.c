#include "gan/jobs/memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "gan/core/partials.h"
#include "gan/core/work.h"
#include "gan/metrics/eval_set.h"
#include "gan/models/classifier.h"
#include "gan/models/dcgan.h"

#define BLAS_BUFFER_VM  ((size_t)136 << 20) /* OpenBLAS's per-thread buffer (128 MiB) and a stack */
#define BLAS_TOUCHED    ((size_t)8 << 20)   /* the part of it a DCGAN's SGEMMs touch */
#define MALLOC_ARENA_VM ((size_t)64 << 20)  /* glibc reserves one heap per thread that allocates */

void gan_train_memory_estimate(const gan_config *c, long images, int threads, gan_mem_estimate *e)
{
    memset(e, 0, sizeof *e);
    const gan_arch arch = gan_config_arch(c);
    const int B = c->batch_size, g_batch = B > c->sample_count ? B : c->sample_count;
    const size_t img = (size_t)c->channels * c->image_size * c->image_size;
    gan_net g, d;
    e->nets = gan_net_plan(&g, &arch, GAN_NET_GENERATOR, g_batch) +
              gan_net_plan(&d, &arch, GAN_NET_DISCRIMINATOR, B);
    e->work = gan_work_plan_bytes(gan_work_plan_max(gan_net_work_plan(&g), gan_net_work_plan(&d)));
    if (c->deterministic !=
        GAN_OFF) { /* the sums' tree levels, for one process's 8 partials (ranks need fewer) */
        size_t most = gan_net_largest_grad(&g);
        if (gan_net_largest_grad(&d) > most) most = gan_net_largest_grad(&d);
        e->work += sizeof(float) * gan_partials_scratch_floats(GAN_PARTIALS, most);
    }
    e->data = (size_t)images * img;
    /* real batch, latents, logits, the fixed grid latents, a grid's floats and pixels */
    e->buffers =
        sizeof(float) * ((size_t)B * (img + c->nz + 1) + (size_t)c->sample_count * (c->nz + 2 * img));
    if (c->augment)
        e->buffers += sizeof(float) * 3 * (size_t)B * img; /* augmented batches and their gradient */
    if (c->eval_classifier[0]) {
        /* the classifier's arch is in its file; its width and size are the config's in practice */
        const gan_classifier_arch ca = {c->image_size, c->channels, c->cls_width, c->cls_hidden,
                                        c->cls_classes};
        gan_work_plan wp;
        const size_t n = (size_t)c->eval_samples;
        e->eval = gan_classifier_plan_bytes(&ca, GAN_EVAL_BATCH, &wp) + gan_work_plan_bytes(wp) +
                  /* features, probabilities, two covariances and a batch */
                  n * ((size_t)ca.hidden * sizeof(float) + (size_t)ca.classes * sizeof(double)) +
                  4 * (size_t)ca.hidden * ca.hidden * sizeof(double) +
                  (size_t)GAN_EVAL_BATCH * img * sizeof(float);
    }
    e->blas = (size_t)threads * BLAS_TOUCHED;
    e->resident = e->nets + e->work + e->data + e->buffers + e->eval + e->blas;
    e->address = e->resident + (size_t)threads * (BLAS_BUFFER_VM + MALLOC_ARENA_VM);
}

void gan_format_bytes(double bytes, char *buf, size_t len)
{
    if (bytes >= (double)(1 << 30)) snprintf(buf, len, "%.1f GiB", bytes / (double)(1 << 30));
    else snprintf(buf, len, "%.0f MiB", bytes / (double)(1 << 20));
}

/* A /proc or /sys number in kB (or bytes), or -1. */
static double read_number(const char *path, const char *key, double unit)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[256];
    double v = -1;
    while (fgets(line, sizeof line, f)) {
        if (key && strncmp(line, key, strlen(key)) != 0) continue;
        const char *p = key ? line + strlen(key) : line;
        char *end;
        const double x = strtod(p, &end);
        if (end != p) v = x * unit;
        break;
    }
    fclose(f);
    return v;
}

/* The memory.max of this process's cgroup (v2), or -1 when there is none. */
static double cgroup_limit(void)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f) return -1;
    char line[1024], path[1200];
    double v = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "0::", 3) != 0) continue;
        line[strcspn(line, "\n")] = '\0';
        snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", line + 3);
        v = read_number(path, NULL, 1); /* "max" reads as -1 */
        break;
    }
    fclose(f);
    return v;
}

gan_status gan_memory_check(const gan_mem_estimate *e, gan_error *err)
{
    const double rss = read_number("/proc/self/status", "VmRSS:", 1024);
    const double vm = read_number("/proc/self/status", "VmSize:", 1024);
    struct {
        double limit, need;
        const char *name;
    } limits[3] = {{-1, 0, "ulimit -v (RLIMIT_AS)"},
                   {cgroup_limit(), 0, "the cgroup's memory.max"},
                   {read_number("/proc/meminfo", "MemAvailable:", 1024), 0, "MemAvailable"}};
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) limits[0].limit = (double)rl.rlim_cur;
    limits[0].need = (vm > 0 ? vm : 0) + (double)e->address;
    limits[1].need = (rss > 0 ? rss : 0) + (double)e->resident;
    limits[2].need = (double)e->resident; /* MemAvailable already leaves out what the process holds */
    for (int i = 0; i < 3; i++) {
        if (limits[i].limit < 0 || limits[i].need <= limits[i].limit) continue;
        char need[32], have[32], nets[32], work[32], data[32] = "";
        gan_format_bytes(limits[i].need, need, sizeof need);
        gan_format_bytes(limits[i].limit, have, sizeof have);
        gan_format_bytes((double)e->nets, nets, sizeof nets);
        gan_format_bytes((double)e->work, work, sizeof work);
        if (e->data) {
            strcpy(data, ", data ");
            gan_format_bytes((double)e->data, data + strlen(data), sizeof data - strlen(data));
        }
        const char *remedy =
            e->remedy ? e->remedy : "a smaller train.batch_size, data.image_size or model width";
        const char *threads = e->fewer_threads ? e->fewer_threads : "train.threads=1";
        return gan_fail(
            err, GAN_ERR_NOMEM,
            "the job needs about %s (networks %s, working memory %s%s%s) but %s allows %s: use %s%s%s", need,
            nets, work, data, i == 0 ? ", 136 MiB a thread for OpenBLAS" : "", limits[i].name, have, remedy,
            i == 0 ? ", or " : "", i == 0 ? threads : "");
    }
    return GAN_OK;
}
