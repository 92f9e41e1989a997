/* The classes of a labelled data set, by name: "0".."9" for IDX digits,
 * the class folders of an image folder, CIFAR-10's ten. A conditional
 * network keeps them (and its checkpoints record them), so that
 * `gan sample --class 7` and `--class Flags` mean what the data meant. */
#ifndef GAN_DATA_CLASSES_H
#define GAN_DATA_CLASSES_H

#include "gan/core/error.h"

enum {
    GAN_MAX_CLASSES = 1000,  /* more is refused: a label file gone wrong, as a rule */
    GAN_CLASS_NAME_MAX = 100 /* bytes of one name */
};

typedef struct {
    int count;
    char **names; /* count malloc'ed names */
} gan_classes;

/* Names "0", "1", ... "count - 1". */
gan_status gan_classes_numbered(gan_classes *c, int count, gan_error *err);
/* Appends a name: non-empty, at most GAN_CLASS_NAME_MAX bytes, no control
 * characters, not already there, and at most GAN_MAX_CLASSES in all
 * (label names the source in messages). */
gan_status gan_classes_add(gan_classes *c, const char *name, const char *label, gan_error *err);
gan_status gan_classes_copy(gan_classes *dst, const gan_classes *src, gan_error *err);
void gan_classes_free(gan_classes *c);

/* The class `text` names: a name, else (when no name is `text`) an index
 * 0 <= K < count. The error says what the classes are; label names the
 * source ("--class"). */
gan_status gan_classes_find(const gan_classes *c, const char *text, const char *label, int *index,
                            gan_error *err);

/* The names as a JSON array (malloc'ed text), and back from one (checked as
 * gan_classes_add checks; label names the file). */
char *gan_classes_to_json(const gan_classes *c);
gan_status gan_classes_from_json(gan_classes *c, const char *json, const char *label, gan_error *err);

#endif
