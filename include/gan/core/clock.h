/* Wall time for progress lines and benchmarks. */
#ifndef GAN_CORE_CLOCK_H
#define GAN_CORE_CLOCK_H

/* Seconds on the monotonic clock (only differences mean anything). */
double gan_seconds(void);

#endif
