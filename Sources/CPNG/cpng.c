// libpng behind setjmp: see CPNG.h.
#include "CPNG.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

typedef struct {
    jmp_buf jump;
    char *error;
} guard;

static void on_error(png_structp png, png_const_charp message) {
    guard *g = (guard *)png_get_error_ptr(png);
    snprintf(g->error, 256, "%s", message);
    longjmp(g->jump, 1);
}

static void on_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

typedef struct { cpng_buffer *buf; size_t capacity; int failed; } sink;

static void sink_write(png_structp png, png_bytep bytes, png_size_t length) {
    sink *s = (sink *)png_get_io_ptr(png);
    if (s->failed) return;
    if (s->buf->size + length > s->capacity) {
        size_t cap = s->capacity ? s->capacity : 4096;
        while (cap < s->buf->size + length) cap *= 2;
        uint8_t *grown = realloc(s->buf->data, cap);
        if (!grown) { s->failed = 1; png_error(png, "out of memory"); }
        s->buf->data = grown; s->capacity = cap;
    }
    memcpy(s->buf->data + s->buf->size, bytes, length);
    s->buf->size += length;
}

static void sink_flush(png_structp png) { (void)png; }

static int color_type_for(int channels) {
    switch (channels) {
    case 1: return PNG_COLOR_TYPE_GRAY;
    case 2: return PNG_COLOR_TYPE_GRAY_ALPHA;
    case 3: return PNG_COLOR_TYPE_RGB;
    default: return PNG_COLOR_TYPE_RGB_ALPHA;
    }
}

int cpng_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                int compression_level, const char *const *keys, const char *const *values,
                int count, cpng_buffer *out, char error[256]) {
    error[0] = 0;
    out->data = NULL; out->size = 0;
    if (channels < 1 || channels > 4 || width == 0 || height == 0) {
        snprintf(error, 256, "invalid image: %ux%u with %d channels", width, height, channels);
        return -1;
    }
    guard g; g.error = error;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &g, on_error, on_warning);
    if (!png) { snprintf(error, 256, "png_create_write_struct failed"); return -1; }
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL; // volatile: assigned after setjmp
    png_textp volatile texts = NULL;
    sink s = { out, 0, 0 };
    if (!info) { png_destroy_write_struct(&png, NULL); snprintf(error, 256, "png_create_info_struct failed"); return -1; }
    if (setjmp(g.jump)) {
        png_destroy_write_struct(&png, &info);
        free(rows); free(texts); free(out->data);
        out->data = NULL; out->size = 0;
        return -1;
    }
    png_set_write_fn(png, &s, sink_write, sink_flush);
    png_set_compression_level(png, compression_level < 0 ? 6 : (compression_level > 9 ? 9 : compression_level));
    png_set_IHDR(png, info, width, height, 8, color_type_for(channels), PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (count > 0) {
        texts = calloc((size_t)count, sizeof(png_text));
        if (!texts) png_error(png, "out of memory");
        for (int i = 0; i < count; i++) {
            // tEXt holds Latin-1; a value with any byte above 0x7F is UTF-8 and goes in iTXt.
            int ascii = 1;
            for (const unsigned char *c = (const unsigned char *)values[i]; *c; c++) if (*c > 0x7F) ascii = 0;
            texts[i].compression = ascii ? PNG_TEXT_COMPRESSION_NONE : PNG_ITXT_COMPRESSION_NONE;
            texts[i].key = (png_charp)keys[i];
            texts[i].text = (png_charp)values[i];
            texts[i].lang = (png_charp)"";
            texts[i].lang_key = (png_charp)"";
        }
        png_set_text(png, info, texts, count);
    }
    rows = malloc(sizeof(png_bytep) * height);
    if (!rows) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++)
        rows[y] = (png_bytep)(pixels + (size_t)y * width * (size_t)channels);
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(rows); free(texts);
    return 0;
}

typedef struct { const uint8_t *data; size_t size, pos; } source;

static void source_read(png_structp png, png_bytep bytes, png_size_t length) {
    source *s = (source *)png_get_io_ptr(png);
    if (length > s->size - s->pos) png_error(png, "truncated PNG data (unexpected end of file)");
    memcpy(bytes, s->data + s->pos, length);
    s->pos += length;
}

int cpng_decode(const uint8_t *data, size_t size, uint64_t max_pixels, cpng_image *out,
                void (*text_cb)(void *ctx, const char *key, const char *value, int utf8), void *ctx,
                char error[256]) {
    error[0] = 0;
    out->pixels = NULL;
    if (size < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) {
        snprintf(error, 256, "not a PNG file (bad signature)");
        return -1;
    }
    guard g; g.error = error;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &g, on_error, on_warning);
    if (!png) { snprintf(error, 256, "png_create_read_struct failed"); return -1; }
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL; // volatile: assigned after setjmp
    source src = { data, size, 0 };
    if (!info) { png_destroy_read_struct(&png, NULL, NULL); snprintf(error, 256, "png_create_info_struct failed"); return -1; }
    if (setjmp(g.jump)) {
        png_destroy_read_struct(&png, &info, NULL);
        free(rows); free(out->pixels);
        out->pixels = NULL;
        return -1;
    }
    png_set_read_fn(png, &src, source_read);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if ((uint64_t)w * (uint64_t)h > max_pixels) {
        snprintf(error, 256, "image of %ux%u pixels exceeds the limit of %llu", w, h,
                 (unsigned long long)max_pixels);
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) png_set_strip_16(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int channels = png_get_channels(png, info);
    size_t stride = png_get_rowbytes(png, info);
    out->pixels = malloc(stride * h);
    rows = malloc(sizeof(png_bytep) * h);
    if (!out->pixels || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < h; y++) rows[y] = out->pixels + (size_t)y * stride;
    png_read_image(png, rows);
    png_read_end(png, info);
    if (text_cb) {
        png_textp texts; int n = 0;
        if (png_get_text(png, info, &texts, &n) > 0)
            for (int i = 0; i < n; i++)
                text_cb(ctx, texts[i].key, texts[i].text ? texts[i].text : "",
                        texts[i].compression == PNG_ITXT_COMPRESSION_NONE || texts[i].compression == PNG_ITXT_COMPRESSION_zTXt);
    }
    out->width = w; out->height = h; out->channels = channels;
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    return 0;
}

void cpng_free(void *p) { free(p); }
