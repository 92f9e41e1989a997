/* The font of labelled grids (private to src/io). */
#ifndef GAN_IO_GLYPHS_H
#define GAN_IO_GLYPHS_H

#include <stdint.h>

enum { GAN_GLYPH_W = 5, GAN_GLYPH_H = 7 };

/* The 7 rows of c's glyph (bit 4: the leftmost pixel); never NULL. */
const uint8_t *gan_glyph(char c);

#endif
