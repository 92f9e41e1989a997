#include "gan/core/pool.h"

#include <pthread.h>
#include <stdlib.h>

enum { MAX_THREADS = 64, SPIN_CHECKS = 4000 }; /* about 20-50 microseconds of looking */
#if defined(__x86_64__) || defined(__i386__)
#define CPU_RELAX() __builtin_ia32_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

struct gan_pool {
    int threads;
    pthread_t tid[MAX_THREADS];
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    /* the current job */
    gan_pool_fn fn;
    void *arg;
    long n;
    unsigned long generation; /* bumped per job; workers run each generation once */
    int pending;              /* workers still busy with this generation */
    int quit;
};

typedef struct {
    gan_pool *pool;
    int index;
} worker_arg;

static void slice(long n, int threads, int t, long *b, long *e)
{
    *b = n * t / threads;
    *e = n * (t + 1) / threads;
}

static void *worker(void *p)
{
    gan_pool *pool = ((worker_arg *)p)->pool;
    const int index = ((worker_arg *)p)->index;
    free(p);
    unsigned long seen = 0;
    pthread_mutex_lock(&pool->mu);
    for (;;) {
        /* A training step hands out a job every few hundred microseconds:
         * look for the next one briefly before sleeping, which costs a
         * futex wake-up each time (measured: about 2 % of a step). */
        if (!pool->quit && pool->generation == seen) {
            pthread_mutex_unlock(&pool->mu);
            for (int spin = 0; spin < SPIN_CHECKS; spin++) {
                if (__atomic_load_n(&pool->generation, __ATOMIC_ACQUIRE) != seen) break;
                CPU_RELAX();
            }
            pthread_mutex_lock(&pool->mu);
        }
        while (!pool->quit && pool->generation == seen) pthread_cond_wait(&pool->wake, &pool->mu);
        if (pool->quit) break;
        seen = pool->generation;
        gan_pool_fn fn = pool->fn;
        void *arg = pool->arg;
        long b, e;
        slice(pool->n, pool->threads, index, &b, &e);
        pthread_mutex_unlock(&pool->mu);
        if (b < e) fn(arg, b, e);
        pthread_mutex_lock(&pool->mu);
        if (__atomic_sub_fetch(&pool->pending, 1, __ATOMIC_RELEASE) == 0) pthread_cond_signal(&pool->done);
    }
    pthread_mutex_unlock(&pool->mu);
    return NULL;
}

gan_pool *gan_pool_create(int threads)
{
    if (threads <= 1) return NULL;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    gan_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    pool->threads = 1;
    for (int i = 1; i < threads; i++) {
        worker_arg *a = malloc(sizeof *a);
        if (!a) break;
        a->pool = pool;
        a->index = i;
        if (pthread_create(&pool->tid[i], NULL, worker, a) != 0) {
            free(a);
            break;
        }
        pool->threads++;
    }
    if (pool->threads == 1) {
        gan_pool_free(pool);
        return NULL;
    }
    return pool;
}

void gan_pool_free(gan_pool *pool)
{
    if (!pool) return;
    pthread_mutex_lock(&pool->mu);
    pool->quit = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mu);
    for (int i = 1; i < pool->threads; i++) pthread_join(pool->tid[i], NULL);
    pthread_mutex_destroy(&pool->mu);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    free(pool);
}

int gan_pool_threads(const gan_pool *pool) { return pool ? pool->threads : 1; }

void gan_pool_for(gan_pool *pool, long n, long grain, gan_pool_fn fn, void *arg)
{
    if (n <= 0) return;
    if (!pool || n < grain * 2) {
        fn(arg, 0, n);
        return;
    }
    pthread_mutex_lock(&pool->mu);
    pool->fn = fn;
    pool->arg = arg;
    pool->n = n;
    pool->pending = pool->threads - 1;
    __atomic_add_fetch(&pool->generation, 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mu);
    long b, e;
    slice(n, pool->threads, 0, &b, &e);
    if (b < e) fn(arg, b, e);
    for (int spin = 0; spin < SPIN_CHECKS && __atomic_load_n(&pool->pending, __ATOMIC_ACQUIRE) > 0; spin++)
        CPU_RELAX();
    pthread_mutex_lock(&pool->mu);
    while (pool->pending > 0) pthread_cond_wait(&pool->done, &pool->mu);
    pthread_mutex_unlock(&pool->mu);
}
