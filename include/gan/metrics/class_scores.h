/* Scores of a classifier's predictions on a set of images:
 *   IS   the Inception Score with the classifier in Inception's place:
 *        exp(mean over images of KL(p(y|x) || p(y))), in [1, classes];
 *   the entropy of the predicted-class histogram, which shows mode collapse
 *        (missing or dominant classes) directly. */
#ifndef GAN_METRICS_CLASS_SCORES_H
#define GAN_METRICS_CLASS_SCORES_H

/* exp(mean KL(p_i || mean p)) over n rows of probabilities p [n, k]. */
double gan_inception_score(const double *probs, long n, int k);
/* Shannon entropy of a histogram, in bits (0 for an empty one). */
double gan_entropy_bits(const long *counts, int k);

#endif
