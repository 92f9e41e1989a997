/* Grids of a conditional generator's images, one row per class with its
 * name at the left: the layout gan sample and gan interp draw. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Larger groupings are drawn as a plain grid: rows too long or too many to read. */
enum { MAX_ROW = 32, MAX_ROWS = 64 };

bool cli_class_grid_make(cli_class_grid *rows, const int32_t *labels, long n, const gan_classes *classes)
{
    memset(rows, 0, sizeof *rows);
    long *per_class = calloc((size_t)classes->count, sizeof *per_class);
    rows->order = malloc(sizeof(int) * (size_t)n);
    rows->row_count = malloc(sizeof(int) * (size_t)classes->count);
    rows->row_label = malloc(sizeof(char *) * (size_t)classes->count);
    bool ok = per_class && rows->order && rows->row_count && rows->row_label;
    for (long i = 0; ok && i < n; i++) per_class[labels[i]]++;
    int nrows = 0;
    for (int k = 0; ok && k < classes->count; k++) {
        if (per_class[k] == 0) continue;
        if (per_class[k] > MAX_ROW || nrows == MAX_ROWS) ok = false;
        else {
            rows->row_count[nrows] = (int)per_class[k];
            rows->row_label[nrows] = classes->names[k];
            nrows++;
        }
    }
    /* the images of each class, in their order, class by class */
    long at = 0;
    for (int k = 0; ok && k < classes->count; k++)
        for (long i = 0; i < n; i++)
            if (labels[i] == k) rows->order[at++] = (int)i;
    free(per_class);
    rows->nrows = ok ? nrows : 0;
    if (!ok) cli_class_grid_free(rows);
    return ok;
}

void cli_class_grid_free(cli_class_grid *rows)
{
    free(rows->order);
    free(rows->row_count);
    free(rows->row_label);
    memset(rows, 0, sizeof *rows);
}
