#include "gan/io/vgg_weights.h"

#include <stdio.h>
#include <string.h>

#include "gan/io/safetensors.h"

gan_status gan_vgg_weights_load(gan_vgg_weights *w, const char *path, gan_error *err)
{
    gan_st_file f;
    gan_status rc = gan_st_load(&f, path, err);
    if (rc != GAN_OK) return rc;
    rc = gan_vgg_weights_alloc(w, err);
    for (int l = 0; rc == GAN_OK && l < GAN_VGG_LAYERS; l++) {
        const int index = gan_vgg_torchvision_index((gan_vgg_layer)l);
        const int64_t oc = gan_vgg_channels_out((gan_vgg_layer)l), c = gan_vgg_channels_in((gan_vgg_layer)l);
        const int64_t wshape[4] = {oc, c, 3, 3}, bshape[1] = {oc};
        char name[64];
        snprintf(name, sizeof name, "features.%d.weight", index);
        rc = gan_st_read(&f, name, GAN_DT_F32, 4, wshape, w->weight[l], err);
        snprintf(name, sizeof name, "features.%d.bias", index);
        if (rc == GAN_OK) rc = gan_st_read(&f, name, GAN_DT_F32, 1, bshape, w->bias[l], err);
    }
    gan_st_close(&f);
    if (rc == GAN_ERR_INPUT) { /* say what the file should have been */
        const size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len, " (expected torchvision's vgg19().features weights)");
    }
    if (rc != GAN_OK) gan_vgg_weights_free(w);
    return rc;
}
