// Fused LSTM and GRU cell updates (the elementwise part; the GEMMs are done by OpenBLAS).
#include "CKernels.h"
#include "kernels_internal.h"

/// One row of gk_lstm_cell (`restrict` parameters, as gru_row, so that it vectorises).
__attribute__((always_inline)) static inline void lstm_row(size_t H, const float *restrict gt, const float *restrict cp, float *restrict hb,
                            float *restrict cb, float *restrict a) {
    for (size_t j = 0; j < H; j++) {
        float i = gk_sigmoidf(gt[j]), f = gk_sigmoidf(gt[H + j]);
        float g = gk_tanhf(gt[2 * H + j]), o = gk_sigmoidf(gt[3 * H + j]);
        float cn = f * cp[j] + i * g, tc = gk_tanhf(cn);
        cb[j] = cn;
        hb[j] = o * tc;
        a[j] = i; a[H + j] = f; a[2 * H + j] = g; a[3 * H + j] = o; a[4 * H + j] = tc;
    }
}

GK_DISPATCH
void gk_lstm_cell(size_t batch, size_t hidden, const float *gates, const float *c_prev,
                  float *h, float *c, float *act) {
    for (size_t b = 0; b < batch; b++)
        lstm_row(hidden, gates + b * 4 * hidden, c_prev + b * hidden, h + b * hidden, c + b * hidden,
                 act + b * 5 * hidden);
}

GK_DISPATCH
void gk_lstm_cell_backward(size_t batch, size_t hidden, const float *act, const float *c_prev,
                           const float *dh, const float *dc, float *dgates, float *dc_prev) {
    size_t H = hidden;
    for (size_t b = 0; b < batch; b++) {
        const float *restrict a = act + b * 5 * H, *restrict cp = c_prev + b * H;
        float *restrict dg = dgates + b * 4 * H;
        for (size_t j = 0; j < H; j++) {
            float i = a[j], f = a[H + j], g = a[2 * H + j], o = a[3 * H + j], tc = a[4 * H + j];
            float dhj = dh[b * H + j];
            float dcj = dc[b * H + j] + dhj * o * (1.0f - tc * tc);
            dg[j] = dcj * g * i * (1.0f - i);
            dg[H + j] = dcj * cp[j] * f * (1.0f - f);
            dg[2 * H + j] = dcj * i * (1.0f - g * g);
            dg[3 * H + j] = dhj * tc * o * (1.0f - o);
            dc_prev[b * H + j] = dcj * f;
        }
    }
}

/// One row of gk_gru_cell. Its rows are separate buffers, which `restrict` on the parameters
/// tells the compiler (clang ignores it on local pointers), so the loop vectorises: scalar, it was
/// a fifth of a GRU's sampling time.
__attribute__((always_inline)) static inline void gru_row(size_t H, const float *restrict x, const float *restrict hh, const float *restrict hp,
                           float *restrict h, float *restrict a) {
    for (size_t j = 0; j < H; j++) {
        float r = gk_sigmoidf(x[j] + hh[j]);
        float z = gk_sigmoidf(x[H + j] + hh[H + j]);
        float n = gk_tanhf(x[2 * H + j] + r * hh[2 * H + j]);
        h[j] = (1.0f - z) * n + z * hp[j];
        a[j] = r; a[H + j] = z; a[2 * H + j] = n;
    }
}

GK_DISPATCH
void gk_gru_cell(size_t batch, size_t hidden, const float *xg, const float *hg,
                 const float *h_prev, float *h, float *act) {
    for (size_t b = 0; b < batch; b++)
        gru_row(hidden, xg + b * 3 * hidden, hg + b * 3 * hidden, h_prev + b * hidden, h + b * hidden,
                act + b * 3 * hidden);
}

GK_DISPATCH
void gk_gru_cell_backward(size_t batch, size_t hidden, const float *act, const float *hg,
                          const float *h_prev, const float *dh, float *dxg, float *dhg,
                          float *dh_prev) {
    size_t H = hidden;
    for (size_t b = 0; b < batch; b++) {
        const float *restrict a = act + b * 3 * H, *restrict hh = hg + b * 3 * H, *restrict hp = h_prev + b * H;
        float *restrict dx = dxg + b * 3 * H, *restrict dhh = dhg + b * 3 * H;
        for (size_t j = 0; j < H; j++) {
            float r = a[j], z = a[H + j], n = a[2 * H + j], d = dh[b * H + j];
            float dn = d * (1.0f - z) * (1.0f - n * n);
            float dz = d * (hp[j] - n) * z * (1.0f - z);
            float dr = dn * hh[2 * H + j] * r * (1.0f - r);
            dx[j] = dr; dx[H + j] = dz; dx[2 * H + j] = dn;
            dhh[j] = dr; dhh[H + j] = dz; dhh[2 * H + j] = dn * r;
            dh_prev[b * H + j] = d * z;
        }
    }
}
