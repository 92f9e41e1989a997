/* Training images, held as uint8 at the training size ([count][C][S][S]),
 * never as a float copy: a float batch is made per step. */
#ifndef GAN_DATA_DATASET_H
#define GAN_DATA_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "gan/core/error.h"
#include "gan/core/rng.h"
#include "gan/data/classes.h"
#include "gan/io/config.h"

/* What an image folder held besides the images read, and why each was left out. */
typedef struct {
    long dangling_links;      /* links to nothing */
    long folders_seen_before; /* a folder reached again through a link (a loop, or two links to one) */
    long too_deep;            /* folders more than 3 levels below data.path */
    long not_images;          /* files without a .png, .jpg, .jpeg or .bmp name */
    long unreadable;          /* entries that could not be inspected */
} gan_folder_skips;

typedef struct {
    uint8_t *pixels; /* count x channels x size x size */
    long count;
    long source_count; /* images in the source, before data.limit */
    int size, channels;
    gan_folder_skips skips; /* format "folder" only */
    /* with labels (model.conditional): the class of each image, and the classes */
    int32_t *labels; /* [count], or NULL */
    gan_classes classes;
} gan_dataset;

/* Loads cfg->data_format from cfg->data_path, converted to cfg->channels and
 * fitted to cfg->image_size (cfg->data_fit), at most cfg->data_limit images.
 * With cfg->conditional, labels too: for IDX from cfg->data_labels (classes
 * "0".."max label"), for a folder from its class folders (one subfolder of
 * data.path per class, sorted by name), for CIFAR-10 from each record's label
 * byte. Every class must have images among those loaded. */
gan_status gan_dataset_load(gan_dataset *ds, const gan_config *cfg, gan_error *err);
void gan_dataset_free(gan_dataset *ds);
/* "skipped 3 entries of data.path: 2 dangling links, 1 folder seen before
 * through a link" into buf, or "" when nothing was skipped. */
void gan_dataset_skip_note(const gan_dataset *ds, char *buf, size_t len);
/* Bytes of one image, channels x size x size. */
size_t gan_dataset_image_bytes(const gan_dataset *ds);
/* Room for count images at cfg's size (pixels uninitialised). */
gan_status gan_dataset_alloc(gan_dataset *ds, long count, const gan_config *cfg, const char *label,
                             gan_error *err);
/* The labels of images idx[0..n) into out[0..n). */
void gan_dataset_batch_labels(const gan_dataset *ds, const int32_t *idx, int n, int32_t *out);
/* n classes drawn as often as the data holds them: each the label of a
 * random image, from rng. */
void gan_dataset_draw_labels(const gan_dataset *ds, gan_rng *rng, int32_t *out, int n);
/* Images idx[0..n) as channel-major floats [C, n, S, S] scaled to [-1, 1]. */
void gan_dataset_batch(const gan_dataset *ds, const int32_t *idx, int n, float *out);

#endif
