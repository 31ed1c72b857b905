// GenSuite's hot numeric loops (everything but GEMM, which OpenBLAS does).
// Each function is compiled twice (Haswell AVX2/FMA and baseline x86-64) and picked at load
// time through target_clones, so one binary is fast here and still runs on older CPUs.
// All arrays are contiguous Float32, row-major; n, rows and cols count elements.
#ifndef GENSUITE_CKERNELS_H
#define GENSUITE_CKERNELS_H
#include <stdint.h>
#include <stddef.h>

/// Elementwise unary maps, out[i] = f(x[i]).
typedef enum {
    GK_EXP, GK_LOG, GK_SQRT, GK_ABS, GK_NEG, GK_RELU, GK_SIGMOID, GK_TANH, GK_SOFTPLUS,
    GK_SILU, GK_GELU_TANH, GK_GELU_ERF, GK_SQUARE, GK_RECIPROCAL
} gk_unary_op;
void gk_unary(gk_unary_op op, size_t n, const float *x, float *out);

/// Backward of a unary map: dx[i] = dy[i] * f'(x[i]); y is f(x) where cheaper to use.
void gk_unary_backward(gk_unary_op op, size_t n, const float *x, const float *y,
                       const float *dy, float *dx);

/// Leaky ReLU: out = x > 0 ? x : slope * x; backward dx = dy * (x > 0 ? 1 : slope).
void gk_leaky_relu(size_t n, float slope, const float *x, float *out);
void gk_leaky_relu_backward(size_t n, float slope, const float *x, const float *dy, float *dx);

/// Binary ops out[i] = op(a[i], b[...]); a and out have rows*cols elements, and `mode` says
/// which element of b pairs with each: GK_SAME_SHAPE, b has rows*cols elements too;
/// GK_EACH_ROW, b has `cols` elements, repeated over rows (a bias row); GK_PER_ROW, b has `rows`
/// elements, one per row (a per-row scalar); GK_SCALAR, b is one value.
typedef enum { GK_ADD, GK_SUB, GK_MUL, GK_DIV, GK_MAX, GK_MIN, GK_POW } gk_binary_op;
typedef enum { GK_SAME_SHAPE, GK_EACH_ROW, GK_PER_ROW, GK_SCALAR } gk_binary_mode;
void gk_binary(gk_binary_op op, gk_binary_mode mode, size_t rows, size_t cols,
               const float *a, const float *b, float *out);

/// y[i] += alpha * x[i]
void gk_axpy(size_t n, float alpha, const float *x, float *y);
/// Sum of n floats in a fixed order (pairwise over blocks of 8 lanes), as double-free float.
float gk_sum(size_t n, const float *x);
/// out[c] += sum over rows of x[r, c]  (column sums, for bias gradients)
void gk_sum_rows_into(size_t rows, size_t cols, const float *x, float *out);

/// Row-wise softmax / log-softmax of x[rows, cols].
void gk_softmax_rows(size_t rows, size_t cols, const float *x, float *y);
void gk_log_softmax_rows(size_t rows, size_t cols, const float *x, float *y);
/// dx = y * (dy - sum(dy*y)) per row (softmax); dx = dy - exp(y) * sum(dy) (log-softmax).
void gk_softmax_backward_rows(size_t rows, size_t cols, const float *y, const float *dy, float *dx);
void gk_log_softmax_backward_rows(size_t rows, size_t cols, const float *y, const float *dy, float *dx);

/// Layer norm over the last axis: y = (x - mean) * rstd * w + b. w and b may be NULL.
/// Writes mean[rows] and rstd[rows] for the backward pass.
void gk_layernorm_rows(size_t rows, size_t cols, const float *x, const float *w, const float *b,
                       float eps, float *y, float *mean, float *rstd);
/// dx for layer norm; accumulates dw and db (may be NULL) over the rows given.
void gk_layernorm_backward_rows(size_t rows, size_t cols, const float *x, const float *w,
                                const float *mean, const float *rstd, const float *dy,
                                float *dx, float *dw, float *db);

/// Cross-entropy from logits[rows, cols] against integer targets; rows whose target equals
/// ignore_index give loss 0. Writes per-row loss and, when dlogits is not NULL, the gradient of
/// the per-row loss (softmax - smoothed one-hot), unscaled.
void gk_cross_entropy_rows(size_t rows, size_t cols, const float *logits, const int32_t *targets,
                           int32_t ignore_index, float smoothing, float *loss, float *dlogits);

/// One AdamW step over n parameters (decoupled weight decay, bias-corrected moments).
void gk_adamw(size_t n, float *p, const float *g, float *m, float *v, float lr, float beta1,
              float beta2, float eps, float weight_decay, float bc1, float bc2);

/// im2col for one image x[c, h, w] into a column matrix with c*kh*kw rows of oh*ow values;
/// row r starts at cols + r*ld (ld >= oh*ow lets a batch share one matrix). Zero padding.
void gk_im2col(const float *x, size_t c, size_t h, size_t w, size_t kh, size_t kw,
               size_t stride, size_t pad, size_t oh, size_t ow, size_t ld, float *cols);
/// col2im: adds the column matrix (layout as gk_im2col) back into x[c, h, w]; the caller zeroes x.
void gk_col2im(const float *cols, size_t c, size_t h, size_t w, size_t kh, size_t kw,
               size_t stride, size_t pad, size_t oh, size_t ow, size_t ld, float *x);

/// LSTM cell (PyTorch gate order i, f, g, o): gates[b, 4h] are pre-activations, c_prev[b, h].
/// Writes h[b, h] and c[b, h], and saves i, f, g, o, tanh(c) to act[b, 5h].
void gk_lstm_cell(size_t batch, size_t hidden, const float *gates, const float *c_prev,
                  float *h, float *c, float *act);
/// Backward of gk_lstm_cell from dh and dc: writes dgates[b, 4h] and dc_prev[b, h].
void gk_lstm_cell_backward(size_t batch, size_t hidden, const float *act, const float *c_prev,
                           const float *dh, const float *dc, float *dgates, float *dc_prev);

/// GRU cell (PyTorch gate order r, z, n): xg = W_ih x + b_ih and hg = W_hh h + b_hh, each
/// [b, 3h]; h' = (1 - z) n + z h_prev. Saves r, z, n to act[b, 3h].
void gk_gru_cell(size_t batch, size_t hidden, const float *xg, const float *hg,
                 const float *h_prev, float *h, float *act);
/// Backward of gk_gru_cell: writes dxg[b, 3h], dhg[b, 3h] and dh_prev[b, h].
void gk_gru_cell_backward(size_t batch, size_t hidden, const float *act, const float *hg,
                          const float *h_prev, const float *dh, float *dxg, float *dhg,
                          float *dh_prev);

/// Batch norm over x[n, c, s] for channels [c0, c1): per-channel mean and biased variance over
/// n and s (when `compute_stats`; otherwise mean/var are inputs), then
/// y = (x - mean) * rstd * w + b with rstd = 1/sqrt(var + eps) written to rstd[c].
void gk_batchnorm_forward(size_t n, size_t c, size_t s, size_t c0, size_t c1, const float *x,
                          const float *w, const float *b, float eps, int compute_stats,
                          float *mean, float *var, float *rstd, float *y);
/// Backward for channels [c0, c1): dw[c] and db[c] are overwritten; dx gets the full batch-stats
/// gradient when `batch_stats`, else dy * w * rstd (running statistics are constants).
void gk_batchnorm_backward(size_t n, size_t c, size_t s, size_t c0, size_t c1, const float *x,
                           const float *w, const float *mean, const float *rstd, const float *dy,
                           int batch_stats, float *dx, float *dw, float *db);

/// Per-thread gradient-recording switch of the autodiff tape (C11 thread-local storage, which
/// Swift lacks): 1 records, 0 does not. Starts at 1 on every thread.
int gk_grad_enabled(void);
void gk_set_grad_enabled(int on);

/// SIGINT/SIGTERM latch for training loops: after gk_install_interrupt_handler(), the first
/// signal sets a flag that gk_interrupted() reports (the loop saves a checkpoint and exits 130);
/// a second signal ends the process at once.
void gk_install_interrupt_handler(void);
/// Temporary files removed if SIGINT, SIGTERM or SIGHUP ends the process (or a second signal
/// ends it under the latch above): gk_temp_register returns a slot (or -1 when all 64 are taken
/// or the path is too long), gk_temp_unregister frees it once the file is renamed or removed.
/// gk_install_cleanup_handler makes those signals remove the files and then end the process
/// as they would have (a signal already ignored stays ignored).
int gk_temp_register(const char *path);
void gk_temp_unregister(int slot);
void gk_install_cleanup_handler(void);
int gk_interrupted(void);
void gk_clear_interrupt(void);

/// y[r] = alpha·(w[r, 0..<k]·x) + beta·y[r] for r in 0..<rows (w row-major, row stride ldw; y is
/// not read when beta is 0): the matrix-vector product of decoding one token (gemv.c).
void gk_gemv_rows(size_t rows, size_t k, float alpha, const float *w, size_t ldw, const float *x, float beta,
                  float *y);

/// gk_gemv_rows with the rows split into `parts` runs on the spinning team (team.c); the same
/// result as gk_gemv_rows for any `parts`.
void gk_gemv_rows_parallel(size_t rows, size_t k, float alpha, const float *w, size_t ldw, const float *x,
                           float beta, float *y, int parts);

/// IEEE binary16 ("float16") storage of the weights that decoding streams (half.c): float32 to
/// float16 rounds to nearest, ties to even (F16C's VCVTPS2PH, numpy's astype(float16)), so
/// magnitudes from 65520 up become infinity (65504 is the largest half). float16 to float32 is
/// exact.
uint16_t gk_f16_from_f32(float value);
float gk_f32_from_f16(uint16_t half);
/// dst[i] = gk_f16_from_f32(src[i]) for i in 0..<n; returns how many finite src[i] overflowed
/// to infinity.
size_t gk_f32_to_f16_n(size_t n, const float *src, uint16_t *dst);

/// gk_gemv_rows with float16 weights (converted exactly to float32 and summed in float32): half
/// the bytes per token for a decoder whose weights do not fit in cache (gemv.c).
void gk_gemv_rows_f16(size_t rows, size_t k, float alpha, const uint16_t *w, size_t ldw, const float *x, float beta,
                      float *y);
/// gk_gemv_rows_f16 with the rows split into `parts` runs on the spinning team; the same result
/// for any `parts`.
void gk_gemv_rows_f16_parallel(size_t rows, size_t k, float alpha, const uint16_t *w, size_t ldw, const float *x,
                               float beta, float *y, int parts);

/// Part `part` of `parts` of a job for the team.
typedef void (*gk_team_job)(void *context, int part, int parts);
/// Runs job(context, p, parts) once for each p in 0..<parts and returns when all have finished:
/// the calling thread and workers that spin briefly between jobs, then sleep (started on first
/// use, parts - 1 of them), claim the parts in turn, so any part may run on any of these threads
/// and one thread may run several. `parts` is first cut to the online processors (at most 64),
/// so a job must split its work by the `parts` it is given. A call made while another is running
/// (from another thread, or from inside a job) runs every part itself.
void gk_team_run(int parts, gk_team_job job, void *context);

/// SIMD level of this CPU, with the operating system's support for its registers checked
/// (CPUID leaves 1 and 7, XGETBV): what a BLAS kernel for this machine may use.
typedef enum {
    GK_SIMD_NONE = 0, GK_SIMD_SSE3 = 1, GK_SIMD_AVX = 2, GK_SIMD_AVX2 = 3,
    GK_SIMD_AVX512 = 4, GK_SIMD_AVX512_BF16 = 5
} gk_simd_level;
gk_simd_level gk_cpu_simd_level(void);
/// The CPU family of an AMD CPU (CPUID vendor "AuthenticAMD"; leaf 1, base family plus extended
/// family: 0x19 Zen 3/Zen 4, 0x1A Zen 5), or 0 on any other CPU.
int gk_cpu_amd_family(void);

/// 1 when the loaded OpenBLAS was built with the kernel table `core` (e.g. "SkylakeX").
int gk_blas_has_core(const char *core);
/// Re-runs OpenBLAS's kernel selection with OPENBLAS_CORETYPE=core (environment restored
/// afterwards). Call before any BLAS work, from one thread. Returns -1 (and changes nothing)
/// when the library has no runtime selection or no such core.
int gk_blas_switch_core(const char *core);

/// Ends OpenBLAS's own worker threads (`blas_thread_shutdown_`, driver/others/blas_server.c),
/// which it starts when the library loads and which then spin on sched_yield for about 2^28
/// cycles (OpenBLAS's thread timeout) although the engine runs OpenBLAS on one thread: during a
/// tool's start-up they took the second core. OpenBLAS starts them again if a call ever asks
/// for more threads. Returns -1 when the library has no such function.
int gk_blas_stop_threads(void);

/// Runs a register-resident chain of fused multiply-adds at the widest vector width the CPU
/// supports (AVX-512 or AVX2) for `iterations` steps; returns the floating-point operations done
/// (0 without FMA). Timing it gives the core's FMA peak.
double gk_fma_peak_loop(long iterations);


/// 8-bit image kernels (image.c); `border`: 0 constant (`fill`, one value per channel),
/// 1 replicate, 2 reflect-101, 3 wrap. Exact copy: output (x, y) takes source
/// (x0 + dxx·x + dyx·y, y0 + dxy·x + dyy·y).
void gk_copy_exact_u8(const uint8_t *src, int sw, int sh, int ch, uint8_t *dst, int dw, int dh, int x0, int y0, int dxx,
                      int dxy, int dyx, int dyy, int border, const uint8_t *fill);
/// Output pixel centre (x + ½, y + ½) read at inv·(x + ½, y + ½) − ½ (inv: a b c d e f),
/// bilinearly with 11-bit weights, or from the nearest pixel.
void gk_warp_affine_u8(const uint8_t *src, int sw, int sh, int ch, uint8_t *dst, int dw, int dh, const double *inv,
                       int border, const uint8_t *fill, int nearest);
/// Output pixel i read bilinearly at source (map[2i], map[2i+1]) (pixel centres at integers).
void gk_remap_u8(const uint8_t *src, int sw, int sh, int ch, uint8_t *dst, int dw, int dh, const float *map, int border,
                 const uint8_t *fill);
/// Colour kernels, from src into dst (alpha copied): RGB blended with BT.601 luma (factor 1
/// keeps, 0 grays); RGB set to its luma (OpenCV's fixed-point RGB2GRAY); RGB's HSV hue turned
/// by `shift` turns.
/// Colour samples set to clamp(round(gain·x + offset), 0, 255).
void gk_linear_u8(const uint8_t *src, uint8_t *dst, size_t pixels, int ch, int colour, float gain, float offset);
void gk_blend_gray_u8(const uint8_t *src, uint8_t *dst, size_t pixels, int ch, float factor);
void gk_gray_u8(const uint8_t *src, uint8_t *dst, size_t pixels, int ch);
void gk_shift_hue_u8(const uint8_t *src, uint8_t *dst, size_t pixels, int ch, float shift);
/// Mean BT.601 luma (fixed point as gk_gray_u8), or the mean of the first sample for gray images.
double gk_mean_luma_u8(const uint8_t *src, size_t pixels, int ch);
/// Separable filtering with `kernel` (2r + 1 taps), mirrored borders; `scratch` holds w·h·stride
/// floats (f32) or (2r + 3)·w·ch floats (u8).
void gk_gaussian_blur_f32(const float *src, int w, int h, int stride, float *dst, const float *kernel, int r, float *scratch);
void gk_gaussian_blur_u8(const uint8_t *src, int w, int h, int ch, uint8_t *dst, const float *kernel, int r, float *scratch);

#endif
