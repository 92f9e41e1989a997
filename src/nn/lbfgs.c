#include "gan/nn/lbfgs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Tolerances as PyTorch's torch.optim.LBFGS has them, so both stop alike. */
#define TOLERANCE_GRAD   1e-7
#define TOLERANCE_CHANGE 1e-9
/* The strong Wolfe conditions' constants: sufficient decrease, curvature. */
#define C1 1e-4
#define C2 0.9

size_t gan_lbfgs_bytes(long n, int history)
{
    return sizeof(float) * (size_t)n * (2u * history + 6) + 2 * sizeof(double) * history;
}

gan_status gan_lbfgs_init(gan_lbfgs *o, long n, int history, gan_error *err)
{
    memset(o, 0, sizeof *o);
    o->block = malloc(gan_lbfgs_bytes(n, history));
    if (!o->block) return gan_fail(err, GAN_ERR_NOMEM, "out of memory for L-BFGS's history of %d", history);
    o->n = n, o->history = history, o->max_evals = 25, o->h_diag = 1.0;
    o->rho = o->block, o->alpha = o->rho + history;
    float *p = (float *)(o->alpha + history);
    o->s = p, p += (size_t)history * n;
    o->y = p, p += (size_t)history * n;
    float **vectors[6] = {&o->d, &o->g_prev, &o->trial, &o->buf[0], &o->buf[1], &o->buf[2]};
    for (int i = 0; i < 6; i++) *vectors[i] = p, p += n;
    return GAN_OK;
}

void gan_lbfgs_free(gan_lbfgs *o)
{
    free(o->block);
    memset(o, 0, sizeof *o);
}

static double dot(const float *a, const float *b, long n)
{
    double s = 0;
    for (long i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

static double max_abs(const float *a, long n)
{
    double m = 0;
    for (long i = 0; i < n; i++) m = fabs(a[i]) > m ? fabs(a[i]) : m;
    return m;
}

/* The pair of the last iteration: s = t d, y = g - g_prev; kept when the
 * curvature s.y is positive (else the inverse Hessian would not be). */
static void remember(gan_lbfgs *o, const float *g)
{
    const long n = o->n;
    const int slot = o->count == 0 ? 0 : (o->newest + 1) % o->history;
    float *s = o->s + (size_t)slot * n, *y = o->y + (size_t)slot * n;
    for (long i = 0; i < n; i++) s[i] = (float)(o->t_prev * o->d[i]), y[i] = g[i] - o->g_prev[i];
    const double ys = dot(y, s, n);
    if (ys <= 1e-10) return;
    o->newest = slot;
    if (o->count < o->history) o->count++;
    o->rho[slot] = 1.0 / ys;
    o->h_diag = ys / dot(y, y, n);
}

/* d = -H g by the two-loop recursion over the pairs, newest first. */
static void direction(gan_lbfgs *o, const float *g)
{
    const long n = o->n;
    float *q = o->d;
    for (long i = 0; i < n; i++) q[i] = -g[i];
    for (int k = 0; k < o->count; k++) {
        const int slot = (o->newest - k + o->history) % o->history;
        const float *s = o->s + (size_t)slot * n, *y = o->y + (size_t)slot * n;
        const double a = o->rho[slot] * dot(s, q, n);
        o->alpha[slot] = a;
        for (long i = 0; i < n; i++) q[i] -= (float)(a * y[i]);
    }
    for (long i = 0; i < n; i++) q[i] = (float)(o->h_diag * q[i]);
    for (int k = o->count - 1; k >= 0; k--) {
        const int slot = (o->newest - k + o->history) % o->history;
        const float *s = o->s + (size_t)slot * n, *y = o->y + (size_t)slot * n;
        const double b = o->rho[slot] * dot(y, q, n);
        for (long i = 0; i < n; i++) q[i] += (float)((o->alpha[slot] - b) * s[i]);
    }
}

/* ------------------------------------------------------------ line search */

/* A point on the line x + t d: its value, slope (g.d) and gradient. */
typedef struct {
    double t, f, gtd;
    float *g;
} ls_point;

typedef struct {
    gan_lbfgs *o;
    const float *x;
    gan_objective_fn fn;
    void *ctx;
    ls_point start; /* t = 0: the caller's f and g */
    int evals;
} line;

static ls_point evaluate(line *ls, double t, float *g)
{
    gan_lbfgs *o = ls->o;
    for (long i = 0; i < o->n; i++) o->trial[i] = ls->x[i] + (float)(t * o->d[i]);
    ls_point p = {t, ls->fn(ls->ctx, o->trial, g), 0, g};
    p.gtd = dot(g, o->d, o->n);
    ls->evals++;
    return p;
}

/* A gradient buffer that neither a nor b holds. */
static float *spare(const gan_lbfgs *o, const ls_point *a, const ls_point *b)
{
    int i = 0;
    while (o->buf[i] == a->g || o->buf[i] == b->g) i++;
    return o->buf[i];
}

/* The minimiser of the cubic through a and b that matches their values
 * and slopes (Nocedal & Wright, eq. 3.59), kept in [lo, hi]; their middle
 * when the cubic has no minimiser. */
static double cubic_min(const ls_point *a, const ls_point *b, double lo, double hi)
{
    const double d1 = a->gtd + b->gtd - 3.0 * (a->f - b->f) / (a->t - b->t);
    const double disc = d1 * d1 - a->gtd * b->gtd;
    if (!(disc >= 0)) return (lo + hi) / 2;
    const double d2 = (b->t >= a->t ? 1.0 : -1.0) * sqrt(disc);
    const double t = b->t - (b->t - a->t) * ((b->gtd + d2 - d1) / (b->gtd - a->gtd + 2.0 * d2));
    if (!isfinite(t)) return (lo + hi) / 2;
    return t < lo ? lo : t > hi ? hi : t;
}

static bool sufficient_decrease(const line *ls, const ls_point *p)
{
    return p->f <= ls->start.f + C1 * p->t * ls->start.gtd;
}

static bool curvature_met(const line *ls, const ls_point *p) { return fabs(p->gtd) <= -C2 * ls->start.gtd; }

/* A step between lo (the best point so far with sufficient decrease) and
 * hi, kept a tenth of the interval away from its ends unless the last
 * choice already was (the safeguard that makes the search progress). */
static double zoom_step(const ls_point *lo, const ls_point *hi, bool *crowded)
{
    const double a = fmin(lo->t, hi->t), b = fmax(lo->t, hi->t), margin = 0.1 * (b - a);
    double t = cubic_min(lo, hi, a, b);
    if (fmin(b - t, t - a) >= margin) {
        *crowded = false;
    } else if (*crowded || t >= b || t <= a) {
        t = fabs(t - b) < fabs(t - a) ? b - margin : a + margin;
        *crowded = false;
    } else {
        *crowded = true;
    }
    return t;
}

/* Nocedal & Wright's Algorithm 3.6: shrinks [lo, hi] until a point meets
 * both strong Wolfe conditions (or the evaluations run out: lo). */
static ls_point zoom(line *ls, ls_point lo, ls_point hi)
{
    gan_lbfgs *o = ls->o;
    const double dmax = max_abs(o->d, o->n);
    bool crowded = false;
    while (ls->evals < o->max_evals && fabs(hi.t - lo.t) * dmax >= TOLERANCE_CHANGE) {
        const ls_point p = evaluate(ls, zoom_step(&lo, &hi, &crowded), spare(o, &lo, &hi));
        if (!sufficient_decrease(ls, &p) || p.f >= lo.f) {
            hi = p;
            continue;
        }
        if (curvature_met(ls, &p)) return p;
        if (p.gtd * (hi.t - lo.t) >= 0) hi = lo;
        lo = p;
    }
    return lo;
}

/* Algorithm 3.5: steps out from t until a point meets both conditions or
 * an interval that holds one is found. */
static ls_point search(line *ls, double t)
{
    gan_lbfgs *o = ls->o;
    ls_point prev = ls->start, cur = evaluate(ls, t, o->buf[0]);
    for (int i = 0;; i++) {
        if (!sufficient_decrease(ls, &cur) || (i > 0 && cur.f >= prev.f)) return zoom(ls, prev, cur);
        if (curvature_met(ls, &cur)) return cur;
        if (cur.gtd >= 0) return zoom(ls, cur, prev);
        if (ls->evals >= o->max_evals) return cur;
        const double next = cubic_min(&prev, &cur, cur.t + 0.01 * (cur.t - prev.t), 10.0 * cur.t);
        float *g = spare(o, &prev, &cur);
        prev = cur;
        cur = evaluate(ls, next, g);
    }
}

int gan_lbfgs_step(gan_lbfgs *o, float *x, double *f, float *g, gan_objective_fn fn, void *ctx)
{
    const long n = o->n;
    if (max_abs(g, n) <= TOLERANCE_GRAD) return o->converged = true, 0;
    if (o->iter > 0) remember(o, g);
    direction(o, g);
    const double gtd = dot(g, o->d, n);
    if (gtd > -TOLERANCE_CHANGE) return o->converged = true, 0;
    double t = 1.0;
    if (o->iter == 0) { /* no curvature known yet: a first step of length about 1 */
        double l1 = 0;
        for (long i = 0; i < n; i++) l1 += fabs(g[i]);
        t = fmin(1.0, 1.0 / l1);
    }
    memcpy(o->g_prev, g, sizeof(float) * (size_t)n);
    line ls = {.o = o, .x = x, .fn = fn, .ctx = ctx, .start = {0, *f, gtd, g}};
    const ls_point p = search(&ls, t);
    o->iter++;
    const double f_old = *f;
    if (p.t != 0) {
        for (long i = 0; i < n; i++) x[i] = x[i] + (float)(p.t * o->d[i]); /* the point evaluate() saw */
        memcpy(g, p.g, sizeof(float) * (size_t)n);
        *f = p.f;
    }
    o->t_prev = p.t;
    o->converged =
        p.t == 0 || fabs(p.t) * max_abs(o->d, n) <= TOLERANCE_CHANGE || fabs(*f - f_old) < TOLERANCE_CHANGE;
    return ls.evals;
}
