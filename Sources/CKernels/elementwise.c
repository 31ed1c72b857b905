// Elementwise maps, binary ops with the common broadcast patterns, and sums.
#include "CKernels.h"
#include "kernels_internal.h"

static const float gelu_k = 0.7978845608028654f; // sqrt(2/pi)

GK_DISPATCH
void gk_unary(gk_unary_op op, size_t n, const float *x, float *out) {
    switch (op) {
    case GK_EXP: for (size_t i = 0; i < n; i++) out[i] = gk_expf(x[i]); break;
    case GK_LOG: for (size_t i = 0; i < n; i++) out[i] = logf(x[i]); break;
    case GK_SQRT: for (size_t i = 0; i < n; i++) out[i] = sqrtf(x[i]); break;
    case GK_ABS: for (size_t i = 0; i < n; i++) out[i] = fabsf(x[i]); break;
    case GK_NEG: for (size_t i = 0; i < n; i++) out[i] = -x[i]; break;
    case GK_RELU: for (size_t i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0; break;
    case GK_SIGMOID: for (size_t i = 0; i < n; i++) out[i] = gk_sigmoidf(x[i]); break;
    case GK_TANH: for (size_t i = 0; i < n; i++) out[i] = gk_tanhf(x[i]); break;
    case GK_SOFTPLUS:
        for (size_t i = 0; i < n; i++) out[i] = gk_softplusf(x[i]);
        break;
    case GK_SILU: for (size_t i = 0; i < n; i++) out[i] = x[i] * gk_sigmoidf(x[i]); break;
    case GK_GELU_TANH:
        for (size_t i = 0; i < n; i++) {
            float v = x[i];
            out[i] = 0.5f * v * (1.0f + gk_tanhf(gelu_k * (v + 0.044715f * v * v * v)));
        }
        break;
    case GK_GELU_ERF:
        for (size_t i = 0; i < n; i++) out[i] = 0.5f * x[i] * (1.0f + gk_erff(x[i] * 0.70710678118654752f));
        break;
    case GK_SQUARE: for (size_t i = 0; i < n; i++) out[i] = x[i] * x[i]; break;
    case GK_RECIPROCAL: for (size_t i = 0; i < n; i++) out[i] = 1.0f / x[i]; break;
    }
}

GK_DISPATCH
void gk_unary_backward(gk_unary_op op, size_t n, const float *x, const float *y,
                       const float *dy, float *dx) {
    switch (op) {
    case GK_EXP: for (size_t i = 0; i < n; i++) dx[i] = dy[i] * y[i]; break;
    case GK_LOG: for (size_t i = 0; i < n; i++) dx[i] = dy[i] / x[i]; break;
    case GK_SQRT: for (size_t i = 0; i < n; i++) dx[i] = dy[i] * 0.5f / y[i]; break;
    case GK_ABS:
        for (size_t i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : (x[i] < 0 ? -dy[i] : 0);
        break;
    case GK_NEG: for (size_t i = 0; i < n; i++) dx[i] = -dy[i]; break;
    case GK_RELU: for (size_t i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0; break;
    case GK_SIGMOID: for (size_t i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1.0f - y[i]); break;
    case GK_TANH: for (size_t i = 0; i < n; i++) dx[i] = dy[i] * (1.0f - y[i] * y[i]); break;
    case GK_SOFTPLUS: for (size_t i = 0; i < n; i++) dx[i] = dy[i] * gk_sigmoidf(x[i]); break;
    case GK_SILU:
        for (size_t i = 0; i < n; i++) {
            float s = gk_sigmoidf(x[i]);
            dx[i] = dy[i] * s * (1.0f + x[i] * (1.0f - s));
        }
        break;
    case GK_GELU_TANH:
        for (size_t i = 0; i < n; i++) {
            float v = x[i];
            float u = gelu_k * (v + 0.044715f * v * v * v);
            float t = gk_tanhf(u);
            float du = gelu_k * (1.0f + 3.0f * 0.044715f * v * v);
            dx[i] = dy[i] * (0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * du);
        }
        break;
    case GK_GELU_ERF:
        for (size_t i = 0; i < n; i++) {
            float v = x[i];
            float cdf = 0.5f * (1.0f + gk_erff(v * 0.70710678118654752f));
            float pdf = 0.3989422804014327f * gk_expf(-0.5f * v * v);
            dx[i] = dy[i] * (cdf + v * pdf);
        }
        break;
    case GK_SQUARE: for (size_t i = 0; i < n; i++) dx[i] = dy[i] * 2.0f * x[i]; break;
    case GK_RECIPROCAL: for (size_t i = 0; i < n; i++) dx[i] = -dy[i] * y[i] * y[i]; break;
    }
}

GK_DISPATCH
void gk_leaky_relu(size_t n, float slope, const float *x, float *out) {
    for (size_t i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : slope * x[i];
}

GK_DISPATCH
void gk_leaky_relu_backward(size_t n, float slope, const float *x, const float *dy, float *dx) {
    for (size_t i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : slope * dy[i];
}

static inline float apply(gk_binary_op op, float a, float b) {
    switch (op) {
    case GK_ADD: return a + b;
    case GK_SUB: return a - b;
    case GK_MUL: return a * b;
    case GK_DIV: return a / b;
    case GK_MAX: return a > b ? a : b;
    case GK_MIN: return a < b ? a : b;
    case GK_POW: return powf(a, b);
    }
    return 0;
}

// One loop per (op, pattern) so that the compiler sees a branch-free body to vectorise.
#define GK_BINARY_LOOPS(OP)                                                                  \
    switch (mode) {                                                                          \
    case GK_SAME_SHAPE: for (size_t i = 0; i < total; i++) out[i] = apply(OP, a[i], b[i]); break; \
    case GK_EACH_ROW:                                                                        \
        for (size_t r = 0; r < rows; r++) {                                                  \
            const float *ar = a + r * cols; float *o = out + r * cols;                        \
            for (size_t c = 0; c < cols; c++) o[c] = apply(OP, ar[c], b[c]);                 \
        }                                                                                    \
        break;                                                                               \
    case GK_PER_ROW:                                                                         \
        for (size_t r = 0; r < rows; r++) {                                                  \
            const float *ar = a + r * cols; float *o = out + r * cols; float br = b[r];       \
            for (size_t c = 0; c < cols; c++) o[c] = apply(OP, ar[c], br);                   \
        }                                                                                    \
        break;                                                                               \
    default: { float s = b[0]; for (size_t i = 0; i < total; i++) out[i] = apply(OP, a[i], s); } \
    }

GK_DISPATCH
void gk_binary(gk_binary_op op, gk_binary_mode mode, size_t rows, size_t cols,
               const float *a, const float *b, float *out) {
    size_t total = rows * cols;
    switch (op) {
    case GK_ADD: GK_BINARY_LOOPS(GK_ADD) break;
    case GK_SUB: GK_BINARY_LOOPS(GK_SUB) break;
    case GK_MUL: GK_BINARY_LOOPS(GK_MUL) break;
    case GK_DIV: GK_BINARY_LOOPS(GK_DIV) break;
    case GK_MAX: GK_BINARY_LOOPS(GK_MAX) break;
    case GK_MIN: GK_BINARY_LOOPS(GK_MIN) break;
    case GK_POW: GK_BINARY_LOOPS(GK_POW) break;
    }
}

GK_DISPATCH
void gk_axpy(size_t n, float alpha, const float *x, float *y) {
    for (size_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

GK_DISPATCH
float gk_sum(size_t n, const float *x) {
    // Eight independent double lanes, combined in a fixed order: the result depends only on n
    // and the data, never on how the caller split the work across threads.
    double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int l = 0; l < 8; l++) lanes[l] += x[i + l];
    for (; i < n; i++) lanes[i & 7] += x[i];
    return (float)(((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
                   ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7])));
}

GK_DISPATCH
void gk_sum_rows_into(size_t rows, size_t cols, const float *x, float *out) {
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * cols;
        for (size_t c = 0; c < cols; c++) out[c] += xr[c];
    }
}
