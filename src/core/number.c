#include "gan/core/number.h"

#include <stdio.h>
#include <stdlib.h>

void gan_double_to_text(double x, char out[GAN_DOUBLE_CHARS])
{
    /* 17 significant digits always round-trip an IEEE double; the loop
     * finds the first precision that already does. */
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(out, GAN_DOUBLE_CHARS, "%.*g", digits, x);
        if (strtod(out, NULL) == x) return;
    }
}
