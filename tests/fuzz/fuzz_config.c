/* libFuzzer target: the JSON config parser and validator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gan/io/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    gan_config cfg;
    gan_error err;
    if (gan_config_parse(&cfg, text, "fuzz", NULL, 0, &err) == GAN_OK) {
        char *json = gan_config_to_json(&cfg);
        gan_config back;
        /* What gan writes, gan reads back to the same values. */
        if (json && (gan_config_parse(&back, json, "resolved", NULL, 0, &err) != GAN_OK ||
                     memcmp(&back, &cfg, sizeof cfg) != 0))
            abort();
        free(json);
    }
    free(text);
    return 0;
}
