/* The format readers behind gan_dataset_load (private to src/data). Each
 * fills ds with at most cfg->data_limit images fitted by `fit`. */
#ifndef GAN_DATA_LOADERS_H
#define GAN_DATA_LOADERS_H

#include "gan/data/dataset.h"
#include "gan/data/fit.h"

gan_status gan_load_idx(gan_dataset *ds, const gan_config *cfg, const gan_fit *fit, gan_error *err);
gan_status gan_load_cifar10(gan_dataset *ds, const gan_config *cfg, const gan_fit *fit, gan_error *err);
gan_status gan_load_folder(gan_dataset *ds, const gan_config *cfg, const gan_fit *fit, gan_error *err);

#endif
