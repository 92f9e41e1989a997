/* Numbers written as text so that they read back bit for bit. */
#ifndef GAN_CORE_NUMBER_H
#define GAN_CORE_NUMBER_H

#include <stdbool.h>

enum { GAN_DOUBLE_CHARS = 32 };

/* The shortest "%.Ng" form (N from 1 to 17) that strtod turns back into
 * exactly x: 0.0002 stays "0.0002", and a value that needs all 17 digits
 * gets them. x must be finite (JSON has no NaN or infinity). */
void gan_double_to_text(double x, char out[GAN_DOUBLE_CHARS]);

/* A whole number written plainly: an optional '-' (when negative_ok) and
 * decimal digits, nothing else (no blanks, no '+', no "0x", no exponent),
 * that fits a long long. false when the text is not one. */
bool gan_parse_integer(const char *text, bool negative_ok, long long *out);

#endif
