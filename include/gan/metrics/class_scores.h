/* Scores of a classifier's predictions on a set of images:
 *   IS   the Inception Score with the classifier in Inception's place:
 *        exp(mean over images of KL(p(y|x) || p(y))), in [1, classes];
 *   the entropy of the predicted-class histogram, which shows mode collapse
 *        (missing or dominant classes) directly. */
#ifndef GAN_METRICS_CLASS_SCORES_H
#define GAN_METRICS_CLASS_SCORES_H

/* exp(mean KL(p_i || mean p)) over n rows of probabilities p [n, k]. */
double gan_inception_score(const double *probs, long n, int k);
/* The Inception Score of `splits` equal consecutive parts of the n rows
 * (the last takes the rest), as its mean and standard deviation over the
 * parts (ddof 0): the protocol of Salimans et al. (10 splits). */
void gan_inception_score_splits(const double *probs, long n, int k, int splits, double *mean, double *std);
/* Shannon entropy of a histogram, in bits (0 for an empty one). */
double gan_entropy_bits(const long *counts, int k);

#endif
