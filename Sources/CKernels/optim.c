// Optimiser update loops.
#include "CKernels.h"
#include "kernels_internal.h"

GK_DISPATCH
void gk_adamw(size_t n, float *p, const float *g, float *m, float *v, float lr, float beta1,
              float beta2, float eps, float weight_decay, float bc1, float bc2) {
    float decay = 1.0f - lr * weight_decay, step = lr / bc1, inv_bc2 = 1.0f / bc2;
    for (size_t i = 0; i < n; i++) {
        float gi = g[i];
        m[i] = beta1 * m[i] + (1.0f - beta1) * gi;
        v[i] = beta2 * v[i] + (1.0f - beta2) * gi * gi;
        p[i] = p[i] * decay - step * m[i] / (sqrtf(v[i] * inv_bc2) + eps);
    }
}
