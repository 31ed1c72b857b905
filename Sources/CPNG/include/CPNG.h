// setjmp-safe wrappers over libpng: every libpng call happens in C behind a setjmp, so libpng's
// longjmp on error never crosses a Swift frame. Errors come back as a return code and libpng's
// message in `error` (always NUL-terminated).
#ifndef GENSUITE_CPNG_H
#define GENSUITE_CPNG_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *data;       // malloc'd; free with cpng_free
    size_t size;
} cpng_buffer;

typedef struct {
    uint8_t *pixels;     // malloc'd rows of width*channels bytes, top row first; cpng_free
    uint32_t width, height;
    int channels;        // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
} cpng_image;

/// Encodes 8-bit pixels (channels 1..4, rows top first) as PNG in memory, with `count` text
/// chunks (keys 1-79 Latin-1 bytes; values UTF-8: tEXt when ASCII, iTXt otherwise) and zlib
/// level 0-9. Returns 0 or -1 with `error`.
int cpng_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                int compression_level, const char *const *keys, const char *const *values,
                int count, cpng_buffer *out, char error[256]);

/// Decodes any PNG libpng reads (palette, 1-16 bit, gray+alpha, tRNS, interlaced) to 8 bits per
/// channel, keeping gray/gray+alpha/RGB/RGBA. Text chunks are returned through the callback
/// (utf8 = 1 for iTXt, whose value is UTF-8; tEXt and zTXt values are Latin-1).
/// Refuses images over max_pixels. Returns 0 or -1 with `error`.
int cpng_decode(const uint8_t *data, size_t size, uint64_t max_pixels, cpng_image *out,
                void (*text_cb)(void *ctx, const char *key, const char *value, int utf8), void *ctx,
                char error[256]);

void cpng_free(void *p);

#endif
