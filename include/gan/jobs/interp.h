/* The job behind gan interp: latent-space walks, one grid row each, from
 * one random latent vector to another. */
#ifndef GAN_JOBS_INTERP_H
#define GAN_JOBS_INTERP_H

#include <stdbool.h>
#include <stdint.h>

#include "gan/core/error.h"
#include "gan/models/dcgan.h"

typedef struct {
    const char *ckpt;       /* the generator */
    int rows, steps;        /* walks, and images per walk (endpoints included, >= 2) */
    bool slerp;             /* spherical interpolation; false: linear */
    uint64_t seed;          /* of the endpoints */
    const char *class_name; /* a conditional generator: every walk within this class (name or index); NULL:
                               walk r is of class r mod classes */
    gan_mode bn_mode;
    const char *out; /* the grid PNG */
} gan_interp_request;

/* Draws the walks and writes the grid (a conditional generator's rows are
 * named by their class). */
gan_status gan_interp(const gan_interp_request *req, gan_error *err);

/* Spherical interpolation between a and b at t in [0, 1], linear when they
 * are (anti)parallel; the angle is taken between the directions. */
void gan_slerp(float *out, const float *a, const float *b, int n, double t);

#endif
