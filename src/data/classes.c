#include "gan/data/classes.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/number.h"

gan_status gan_classes_add(gan_classes *c, const char *name, const char *label, gan_error *err)
{
    const size_t len = strlen(name);
    if (len == 0) return gan_fail(err, GAN_ERR_INPUT, "%s: a class name is empty", label);
    if (len > GAN_CLASS_NAME_MAX)
        return gan_fail(err, GAN_ERR_INPUT, "%s: class name '%.40s...' is longer than %d bytes", label, name,
                        GAN_CLASS_NAME_MAX);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return gan_fail(err, GAN_ERR_INPUT, "%s: class name '%.40s' holds a control character", label,
                            name);
    for (int i = 0; i < c->count; i++)
        if (strcmp(c->names[i], name) == 0)
            return gan_fail(err, GAN_ERR_INPUT, "%s: class '%s' appears twice", label, name);
    if (c->count >= GAN_MAX_CLASSES)
        return gan_fail(err, GAN_ERR_INPUT, "%s: more than %d classes", label, GAN_MAX_CLASSES);
    char **grown = realloc(c->names, sizeof *grown * ((size_t)c->count + 1));
    if (!grown) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory for class names", label);
    c->names = grown;
    c->names[c->count] = strdup(name);
    if (!c->names[c->count]) return gan_fail(err, GAN_ERR_NOMEM, "%s: out of memory for class names", label);
    c->count++;
    return GAN_OK;
}

gan_status gan_classes_numbered(gan_classes *c, int count, gan_error *err)
{
    gan_status rc = GAN_OK;
    for (int i = 0; i < count && rc == GAN_OK; i++) {
        char name[16];
        snprintf(name, sizeof name, "%d", i);
        rc = gan_classes_add(c, name, "labels", err);
    }
    return rc;
}

gan_status gan_classes_copy(gan_classes *dst, const gan_classes *src, gan_error *err)
{
    gan_status rc = GAN_OK;
    for (int i = 0; i < src->count && rc == GAN_OK; i++)
        rc = gan_classes_add(dst, src->names[i], "classes", err);
    return rc;
}

void gan_classes_free(gan_classes *c)
{
    for (int i = 0; i < c->count; i++) free(c->names[i]);
    free(c->names);
    c->names = NULL;
    c->count = 0;
}

/* "0, 1, ..., 9" or "airplane, automobile, ... (10 classes)", for messages. */
static void list_names(const gan_classes *c, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < c->count && used + 1 < len; i++) {
        if (used > len / 2 && i + 1 < c->count) {
            snprintf(buf + used, len - used, ", ... (%d classes)", c->count);
            return;
        }
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", c->names[i]);
    }
}

gan_status gan_classes_find(const gan_classes *c, const char *text, const char *label, int *index,
                            gan_error *err)
{
    for (int i = 0; i < c->count; i++)
        if (strcmp(c->names[i], text) == 0) {
            *index = i;
            return GAN_OK;
        }
    long long k = -1; /* an index: digits only, as every integer option takes them */
    if (gan_parse_integer(text, false, &k) && k < c->count) {
        *index = (int)k;
        return GAN_OK;
    }
    char names[200];
    list_names(c, names, sizeof names);
    return gan_fail(err, GAN_ERR_USAGE, "%s: no class '%s' (the classes: %s; or an index from 0 to %d)",
                    label, text, names, c->count - 1);
}

char *gan_classes_to_json(const gan_classes *c)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < c->count; i++) {
        cJSON *s = cJSON_CreateString(c->names[i]);
        if (!s || !cJSON_AddItemToArray(a, s)) {
            cJSON_Delete(s);
            cJSON_Delete(a);
            return NULL;
        }
    }
    char *text = a ? cJSON_PrintUnformatted(a) : NULL;
    cJSON_Delete(a);
    return text;
}

gan_status gan_classes_from_json(gan_classes *c, const char *json, const char *label, gan_error *err)
{
    cJSON *a = cJSON_Parse(json);
    gan_status rc = GAN_OK;
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 1)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: the class names are not a non-empty JSON array", label);
    for (const cJSON *s = a ? a->child : NULL; s && rc == GAN_OK; s = s->next)
        rc = cJSON_IsString(s) ? gan_classes_add(c, s->valuestring, label, err)
                               : gan_fail(err, GAN_ERR_INPUT, "%s: a class name is not a string", label);
    cJSON_Delete(a);
    if (rc != GAN_OK) gan_classes_free(c);
    return rc;
}
