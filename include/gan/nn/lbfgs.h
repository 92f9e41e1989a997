/* L-BFGS (Nocedal & Wright, Algorithm 7.4/7.5) with a strong-Wolfe line
 * search (their Algorithms 3.5 and 3.6, cubic interpolation): the usual
 * optimiser of a style-transfer picture, a smooth problem of about a
 * million variables where each evaluation is a network's forward and
 * backward. The history (s, y pairs) is kept in float, dot products are
 * summed in double. */
#ifndef GAN_NN_LBFGS_H
#define GAN_NN_LBFGS_H

#include <stdbool.h>
#include <stddef.h>

#include "gan/core/error.h"

/* The function minimised: returns f(x) and writes its gradient. */
typedef double (*gan_objective_fn)(void *ctx, const float *x, float *grad);

typedef struct {
    long n;
    int history;       /* pairs kept */
    int count, newest; /* pairs held, and the newest one's slot */
    float *s, *y;      /* [history, n] each: steps and gradient changes */
    double *rho, *alpha;
    double h_diag; /* the initial inverse Hessian's scale, s.y / y.y of the newest pair */
    float *d;      /* the last direction */
    float *g_prev; /* the gradient where the last iteration started */
    float *trial;  /* x + t d being evaluated */
    float *buf[3]; /* the line search's gradients */
    double t_prev; /* the last step length */
    int iter;
    bool converged; /* set by the last step: no further progress to make */
    int max_evals;  /* a line search's evaluations at most (25) */
    void *block;
} gan_lbfgs;

/* Memory it takes for n variables and a history of pairs. */
size_t gan_lbfgs_bytes(long n, int history);
gan_status gan_lbfgs_init(gan_lbfgs *o, long n, int history, gan_error *err);
void gan_lbfgs_free(gan_lbfgs *o);
/* One iteration from x, where f and g are the value and gradient: a
 * direction from the history, a line search along it, and x, f and g
 * moved to the point found. Returns the evaluations made. Sets
 * o->converged when there is no progress left to make (a gradient, step or
 * change in f below PyTorch's LBFGS tolerances, or no descent direction). */
int gan_lbfgs_step(gan_lbfgs *o, float *x, double *f, float *g, gan_objective_fn fn, void *ctx);

#endif
