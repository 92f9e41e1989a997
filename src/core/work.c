#include "gan/core/work.h"

#include <stdlib.h>
#include <string.h>

#include "gan/core/arena.h"

gan_work_plan gan_work_plan_max(gan_work_plan a, gan_work_plan b)
{
    return (gan_work_plan){.scratch = a.scratch > b.scratch ? a.scratch : b.scratch,
                           .grad = a.grad > b.grad ? a.grad : b.grad};
}

size_t gan_work_plan_bytes(gan_work_plan p)
{
    return (gan_arena_round(p.scratch) + 2 * gan_arena_round(p.grad)) * sizeof(float);
}

gan_status gan_work_alloc(gan_work *w, gan_work_plan plan, gan_pool *pool)
{
    memset(w, 0, sizeof *w);
    /* each piece starts on a 64-byte line, like the arena's buffers */
    const size_t s = gan_arena_round(plan.scratch), g = gan_arena_round(plan.grad);
    void *p = NULL;
    if (posix_memalign(&p, 64, (s + 2 * g) * sizeof(float) + 1) != 0) return GAN_ERR_NOMEM;
    w->block = p;
    w->plan = plan;
    w->scratch = p;
    w->grad[0] = w->scratch + s;
    w->grad[1] = w->grad[0] + g;
    w->pool = pool;
    return GAN_OK;
}

void gan_work_free(gan_work *w)
{
    free(w->block);
    memset(w, 0, sizeof *w);
}
