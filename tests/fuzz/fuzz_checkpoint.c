/* libFuzzer target: the safetensors reader and, when the metadata names a
 * small enough architecture, loading the tensors (and a conditional net's
 * class names) into a built network; or,
 * for a classifier, gan_classifier_from_st (which bounds its own allocation
 * by the file's tensors). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gan/io/checkpoint.h"
#include "gan/io/safetensors.h"
#include "gan/models/classifier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    gan_st_file f;
    gan_error err;
    if (gan_st_parse(&f, buf, size, "fuzz", &err) != GAN_OK) return 0;
    const char *kind = gan_st_meta(&f, "kind");
    if (kind && strcmp(kind, "classifier") == 0) {
        gan_classifier c;
        if (gan_classifier_from_st(&f, &c, 1, &err) == GAN_OK) gan_classifier_free(&c);
        gan_st_close(&f);
        return 0;
    }
    gan_arch arch;
    gan_net_kind net_kind;
    if (gan_model_arch(&f, &arch, &net_kind, &err) == GAN_OK &&
        (long)arch.image_size * (arch.ngf + arch.ndf) * arch.channels <= 16 * 64 && arch.nz <= 256) {
        gan_net net;
        if (gan_net_build(&net, &arch, net_kind, 1) == GAN_OK) {
            if (gan_net_read_tensors(&net, &f, "", &err) == GAN_OK && arch.classes > 0)
                gan_model_classes(&f, arch.classes, &net.classes, &err); /* a conditional net's names */
            int side = 0;
            float blend = 1.0f;
            if (gan_model_phase(&f, &arch, &side, &blend, &err) == GAN_OK) /* a growing net's phase */
                gan_net_set_phase(&net, side, blend);
            gan_net_free(&net);
        }
    }
    gan_st_close(&f);
    return 0;
}
